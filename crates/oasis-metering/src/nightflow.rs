//! Minimum night flow (MNF) per local day, night leakage, daily leakage through the night-day
//! factor, and an alert on a rise above the recent baseline.
//!
//! Source: `shared/docs/water-balance-and-leakage.md` §3: MNF = lowest (hourly-average) net
//! inflow in the night window; NL = MNF − LNU; daily leakage = NL · NDF with
//! NDF = Σ_{i=0..23} (P_i / P_MNF)^N1 (FAVAD).

use chrono::{NaiveDate, Timelike};

use crate::median;
use crate::time::{local_datetime, local_day, local_day_start};

/// Net inflow into a district (inflow − metered outflow) for the interval ending at `t_s`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowSample {
    pub t_s: i64,
    pub flow_m3h: f64,
}

/// Legitimate night use: estimated household and small non-household use plus measured use.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LegitimateNightUse {
    pub per_connection_lph: f64,
    pub per_person_lph: f64,
    pub population: u64,
    pub connections: u64,
    /// Small non-household users: the class figures (e.g. 0.7…60.6 L/property/h) summed.
    pub non_household_lph: f64,
    /// Measured night use of large users and transfers out [m³/h], added to the estimates.
    /// With AMI covering every customer, put the sum here and set the estimates to 0.
    pub measured_night_use_m3h: Option<f64>,
}

impl LegitimateNightUse {
    /// LNU [m³/h] = (per connection · connections + per person · population + non-household)
    /// / 1000 + measured.
    pub fn total_m3h(&self) -> f64 {
        (self.per_connection_lph * self.connections as f64
            + self.per_person_lph * self.population as f64
            + self.non_household_lph)
            / 1000.0
            + self.measured_night_use_m3h.unwrap_or(0.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NightFlowSettings {
    /// Window start, minutes after local midnight (120 = 02:00).
    pub window_start_min: u32,
    /// Window end (240 = 04:00); samples with stamps in (start, end] are in the window.
    pub window_end_min: u32,
    /// `None`: MNF is the lowest sample. `Some(s)`: the lowest mean over blocks of `s` seconds
    /// from the window start (3600 = the hourly MNF).
    pub resolution_s: Option<i64>,
    /// Local days at this fixed offset east of UTC (no daylight saving).
    pub utc_offset_s: i32,
    pub lnu: LegitimateNightUse,
    /// FAVAD exponent N1 for the caller's [`night_day_factor`] (1.0 = linear).
    pub n1: f64,
    /// Complete days whose MNF median is the baseline (7).
    pub baseline_days: usize,
    /// An alert needs a rise of at least this much above the baseline [m³/h]…
    pub alert_rise_m3h: f64,
    /// …and at least this share of the baseline [%].
    pub alert_rise_pct: f64,
}

impl Default for NightFlowSettings {
    fn default() -> Self {
        NightFlowSettings {
            window_start_min: 120,
            window_end_min: 240,
            resolution_s: None,
            utc_offset_s: 0,
            lnu: LegitimateNightUse::default(),
            n1: 1.0,
            baseline_days: 7,
            alert_rise_m3h: 1.0,
            alert_rise_pct: 20.0,
        }
    }
}

/// One local day's night flow.
#[derive(Debug, Clone, PartialEq)]
pub struct NightFlowDay {
    pub date: NaiveDate,
    /// Lowest sample (or block mean) in the window; reported even when the day is incomplete.
    pub mnf_m3h: Option<f64>,
    /// End of the MNF sample's (or block's) interval.
    pub mnf_at_s: Option<i64>,
    /// Local hour (0–23) in which the MNF interval lies, for the NDF's P_MNF.
    pub mnf_hour: Option<u32>,
    pub samples_in_window: usize,
    /// The window's samples leave no gap (see [`night_flow`]).
    pub complete: bool,
    pub lnu_m3h: f64,
    /// MNF − LNU.
    pub night_leakage_m3h: Option<f64>,
    /// Night-day factor [h/day] used.
    pub ndf_h: f64,
    /// No NDF was given for the day: 24 h was used (pressure assumed constant all day).
    pub ndf_assumed_24h: bool,
    /// Night leakage × NDF.
    pub daily_leakage_m3: Option<f64>,
    /// Median MNF of the previous `baseline_days` complete days (`None` until there are that many).
    pub baseline_mnf_m3h: Option<f64>,
    pub alert: Option<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NightFlowError {
    #[error("flow samples not sorted by time at t = {t_s}")]
    Unsorted { t_s: i64 },
    #[error("two different flows at t = {t_s}")]
    ConflictingDuplicate { t_s: i64 },
    #[error("night window {start_min}–{end_min} min is empty or past midnight")]
    InvalidWindow { start_min: u32, end_min: u32 },
    #[error("{field} = {value} is not allowed")]
    InvalidSetting { field: &'static str, value: f64 },
    #[error("time {t_s} is outside the calendar's range")]
    TimeOutOfRange { t_s: i64 },
    #[error("the samples span {days} days: too many to report day by day")]
    TooManyDays { days: i64 },
    #[error("MNF hour {0} is not 0–23")]
    InvalidHour(usize),
    #[error("pressure {value} m at hour {hour} is not usable (P_MNF must be > 0, all finite and ≥ 0)")]
    InvalidPressure { hour: usize, value: f64 },
}

/// At most this many days in one call (about 270 years): a guard against nonsense stamps.
const MAX_DAYS: i64 = 100_000;

/// The NDF [h/day] = Σ_{i=0..23} (P_i / P_MNF)^N1, P_MNF = `hourly_pressure_m[mnf_hour]`
/// (hourly average-zone-point pressures). 24 for a constant pressure.
pub fn night_day_factor(hourly_pressure_m: &[f64; 24], mnf_hour: usize, n1: f64) -> Result<f64, NightFlowError> {
    if mnf_hour >= 24 {
        return Err(NightFlowError::InvalidHour(mnf_hour));
    }
    if !n1.is_finite() {
        return Err(NightFlowError::InvalidSetting { field: "n1", value: n1 });
    }
    for (hour, &value) in hourly_pressure_m.iter().enumerate() {
        if !(value.is_finite() && value >= 0.0) {
            return Err(NightFlowError::InvalidPressure { hour, value });
        }
    }
    let p_mnf = hourly_pressure_m[mnf_hour];
    if p_mnf <= 0.0 {
        return Err(NightFlowError::InvalidPressure { hour: mnf_hour, value: p_mnf });
    }
    Ok(hourly_pressure_m.iter().map(|p| (p / p_mnf).powf(n1)).sum())
}

fn check_settings(s: &NightFlowSettings) -> Result<(), NightFlowError> {
    if s.window_start_min >= s.window_end_min || s.window_end_min > 1440 {
        return Err(NightFlowError::InvalidWindow { start_min: s.window_start_min, end_min: s.window_end_min });
    }
    if let Some(r) = s.resolution_s
        && r <= 0
    {
        return Err(NightFlowError::InvalidSetting { field: "resolution_s", value: r as f64 });
    }
    let l = &s.lnu;
    for (field, value) in [
        ("per_connection_lph", l.per_connection_lph),
        ("per_person_lph", l.per_person_lph),
        ("non_household_lph", l.non_household_lph),
        ("measured_night_use_m3h", l.measured_night_use_m3h.unwrap_or(0.0)),
        ("alert_rise_m3h", s.alert_rise_m3h),
        ("alert_rise_pct", s.alert_rise_pct),
    ] {
        if !(value.is_finite() && value >= 0.0) {
            return Err(NightFlowError::InvalidSetting { field, value });
        }
    }
    if !s.n1.is_finite() {
        return Err(NightFlowError::InvalidSetting { field: "n1", value: s.n1 });
    }
    Ok(())
}

/// Whether stamps `ts` (sorted, all in `(a, b]`) cover `(a, b]` at logging interval `dt`: the
/// first within 1.5·dt of `a`, each next within 1.5·dt (the gap rule of the quality checks),
/// and the last less than `dt` before `b` (else a whole interval at the end is missing).
fn covers(ts: &[i64], a: i64, b: i64, dt: i64) -> bool {
    let tol = dt as f64 * 1.5;
    let (Some(&first), Some(&last)) = (ts.first(), ts.last()) else { return false };
    first.saturating_sub(a) as f64 <= tol
        && ts.windows(2).all(|w| w[1].saturating_sub(w[0]) as f64 <= tol)
        && b.saturating_sub(last) < dt
}

/// Night flow day by day, from the first sample's local day to the last's.
///
/// Samples must be sorted by time; non-finite flows are left out (their time is then missing).
/// The logging interval is the median step of the data. A day is complete when the window's
/// samples leave no gap (with `resolution_s`, every block's); an incomplete day still reports
/// its MNF but takes no part in baselines and gets no alert. `ndf_h_by_day` gives a day's NDF
/// (e.g. from [`night_day_factor`]); `None` (or a non-positive or non-finite value) means 24 h,
/// flagged by `ndf_assumed_24h`. An alert is raised on a complete day whose MNF exceeds the
/// baseline by at least `alert_rise_m3h` and by at least `alert_rise_pct` % of the baseline.
pub fn night_flow(
    net_inflow: &[FlowSample],
    ndf_h_by_day: &dyn Fn(NaiveDate) -> Option<f64>,
    settings: &NightFlowSettings,
) -> Result<Vec<NightFlowDay>, NightFlowError> {
    check_settings(settings)?;
    let mut s: Vec<FlowSample> = Vec::with_capacity(net_inflow.len());
    let mut last_t: Option<i64> = None;
    for x in net_inflow {
        if last_t.is_some_and(|t| x.t_s < t) {
            return Err(NightFlowError::Unsorted { t_s: x.t_s });
        }
        last_t = Some(x.t_s);
        if !x.flow_m3h.is_finite() {
            continue;
        }
        match s.last() {
            Some(p) if p.t_s == x.t_s && p.flow_m3h == x.flow_m3h => continue,
            Some(p) if p.t_s == x.t_s => return Err(NightFlowError::ConflictingDuplicate { t_s: x.t_s }),
            _ => s.push(*x),
        }
    }
    let (Some(first), Some(last)) = (s.first(), s.last()) else { return Ok(vec![]) };
    let off = settings.utc_offset_s;
    let (day0, _) = local_day(first.t_s, off).ok_or(NightFlowError::TimeOutOfRange { t_s: first.t_s })?;
    let (day1, _) = local_day(last.t_s, off).ok_or(NightFlowError::TimeOutOfRange { t_s: last.t_s })?;
    if day1 - day0 >= MAX_DAYS {
        return Err(NightFlowError::TooManyDays { days: day1 - day0 + 1 });
    }
    let dt =
        median(s.windows(2).map(|w| w[1].t_s.saturating_sub(w[0].t_s) as f64)).map(|m| m as i64).filter(|d| *d > 0);
    let lnu = settings.lnu.total_m3h();
    let ws_off = settings.window_start_min as i64 * 60;
    let we_off = settings.window_end_min as i64 * 60;

    let mut days: Vec<NightFlowDay> = Vec::new();
    let mut complete_mnfs: Vec<f64> = Vec::new();
    for day in day0..=day1 {
        let start = local_day_start(day, off).ok_or(NightFlowError::TimeOutOfRange { t_s: last.t_s })?;
        let (_, date) = local_day(start, off).ok_or(NightFlowError::TimeOutOfRange { t_s: start })?;
        let (ws, we) = (start + ws_off, start + we_off);
        let lo = s.partition_point(|x| x.t_s <= ws);
        let hi = s.partition_point(|x| x.t_s <= we);
        let win = &s[lo..hi];
        let stamps: Vec<i64> = win.iter().map(|x| x.t_s).collect();

        // Candidates (value, end of interval) and completeness.
        let (cands, complete): (Vec<(f64, i64)>, bool) = match (settings.resolution_s, dt) {
            (_, None) => (win.iter().map(|x| (x.flow_m3h, x.t_s)).collect(), false),
            (None, Some(dt)) => (win.iter().map(|x| (x.flow_m3h, x.t_s)).collect(), covers(&stamps, ws, we, dt)),
            (Some(r), Some(dt)) => {
                let mut cands = Vec::new();
                let mut all = true;
                let mut a = ws;
                while a < we {
                    let b = a.saturating_add(r).min(we);
                    let block = &win[win.partition_point(|x| x.t_s <= a)..win.partition_point(|x| x.t_s <= b)];
                    let ts: Vec<i64> = block.iter().map(|x| x.t_s).collect();
                    all &= covers(&ts, a, b, dt);
                    if !block.is_empty() {
                        let mean = block.iter().map(|x| x.flow_m3h).sum::<f64>() / block.len() as f64;
                        cands.push((mean, b));
                    }
                    a = b;
                }
                (cands, all)
            }
        };
        let min = cands.iter().copied().reduce(|m, c| if c.0 < m.0 { c } else { m });
        let mnf = min.map(|m| m.0);
        let mnf_at = min.map(|m| m.1);
        let mnf_hour = mnf_at.and_then(|t| local_datetime(t - 1, off)).map(|d| d.hour());
        let (ndf, assumed) = match ndf_h_by_day(date) {
            Some(n) if n.is_finite() && n > 0.0 => (n, false),
            _ => (24.0, true),
        };
        let nl = mnf.map(|m| m - lnu);
        let n = settings.baseline_days;
        let baseline = (n > 0 && complete_mnfs.len() >= n)
            .then(|| median(complete_mnfs[complete_mnfs.len() - n..].iter().copied()))
            .flatten();
        let alert = match (complete, mnf, baseline) {
            (true, Some(m), Some(b)) => {
                let rise = m - b;
                (rise > 0.0 && rise >= settings.alert_rise_m3h && rise >= b * settings.alert_rise_pct / 100.0).then(
                    || {
                        format!(
                            "MNF {m:.3} m³/h is {rise:.3} m³/h ({:.1} %) above the {n}-day baseline {b:.3} m³/h",
                            if b > 0.0 { rise / b * 100.0 } else { f64::INFINITY }
                        )
                    },
                )
            }
            _ => None,
        };
        if complete && let Some(m) = mnf {
            complete_mnfs.push(m);
        }
        days.push(NightFlowDay {
            date,
            mnf_m3h: mnf,
            mnf_at_s: mnf_at,
            mnf_hour,
            samples_in_window: win.len(),
            complete: complete && mnf.is_some(),
            lnu_m3h: lnu,
            night_leakage_m3h: nl,
            ndf_h: ndf,
            ndf_assumed_24h: assumed,
            daily_leakage_m3: nl.map(|l| l * ndf),
            baseline_mnf_m3h: baseline,
            alert,
        });
    }
    Ok(days)
}
