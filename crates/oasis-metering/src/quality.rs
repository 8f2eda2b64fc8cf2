//! Quality checks on one meter's canonical readings: order, gaps, rollovers and decreases,
//! spikes, stuck registers. Flags describe; they never change or fill in a value.

use crate::register::{Meter, SeriesKind};
use crate::{Reading, RegisterStep, median, register_step};

/// Service dates are often days only: readings within this of them are not flagged.
const SERVICE_DATE_SLACK_S: i64 = 86_400;

/// Consistency constant making the MAD a standard-deviation estimate for normal data.
const MAD_TO_SIGMA: f64 = 1.4826;
/// The same for the mean absolute deviation (√(π/2)), used when the MAD is 0.
const MEANAD_TO_SIGMA: f64 = 1.253_314;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QualitySettings {
    /// The logging interval; `None` = the median step of the series.
    pub expected_interval_s: Option<i64>,
    /// A step longer than this many expected intervals is a gap (1.5).
    pub gap_factor: f64,
    /// Robust z-score above which a value of a flow, volume, pressure or level series is a spike (8).
    pub spike_z: f64,
    /// Register series: an increment whose rate is at least this many times the 90th percentile of
    /// the meter's positive increment rates is a spike (100): an implausible increment, not a
    /// burst of use.
    pub register_spike_ratio: f64,
    /// Fewer values than this: no spike test (10).
    pub spike_min_samples: usize,
    /// A register or flow unchanged for at least this many readings… (48)
    pub stuck_readings: usize,
    /// …and for longer than this (24 h, so a night or a weekend of zero use is not "stuck").
    pub stuck_min_span_s: i64,
}

impl Default for QualitySettings {
    fn default() -> Self {
        QualitySettings {
            expected_interval_s: None,
            gap_factor: 1.5,
            spike_z: 8.0,
            register_spike_ratio: 100.0,
            spike_min_samples: 10,
            stuck_readings: 48,
            stuck_min_span_s: 86_400,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    /// No reading for longer than `gap_factor` expected intervals.
    Gap { from_s: i64, to_s: i64 },
    /// A lower register accepted as going round its declared capacity.
    Rollover,
    /// A lower register that is not a plausible rollover.
    Decrease,
    /// A value far from the series' median; for a register, an increment whose rate is far above
    /// the meter's usual rate when in use.
    Spike,
    /// Unchanged over a long run while the meter normally moves.
    Stuck { from_s: i64, to_s: i64 },
    /// A local time that occurred twice at a daylight-saving change (set by the ingest).
    DstRepeat,
    /// A negative register, volume or pressure.
    Negative,
    /// Readings not sorted by time: the other checks were not run.
    Unsorted,
    /// Two readings at one time (the first is kept for the other checks).
    DuplicateTime,
    /// NaN or infinite value (left out of the other checks).
    NotFinite,
    /// A reading more than a day before installation or after removal.
    OutsideService,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub t_s: i64,
    pub kind: FlagKind,
    pub detail: String,
}

fn flag(t_s: i64, kind: FlagKind, detail: String) -> Flag {
    Flag { t_s, kind, detail }
}

/// Indices of values whose robust z-score (|x − median| / (1.4826·MAD)) exceeds `z`; when the
/// MAD is 0 the mean absolute deviation stands in; when that is 0 too, nothing is a spike.
fn robust_outliers(x: &[f64], z: f64) -> Vec<(usize, f64)> {
    let Some(med) = median(x.iter().copied()) else { return vec![] };
    let dev: Vec<f64> = x.iter().map(|v| (v - med).abs()).collect();
    let mad = median(dev.iter().copied()).unwrap_or(0.0);
    let mut scale = MAD_TO_SIGMA * mad;
    if scale <= 0.0 {
        scale = MEANAD_TO_SIGMA * dev.iter().sum::<f64>() / dev.len() as f64;
    }
    if !(scale > 0.0 && scale.is_finite()) {
        return vec![];
    }
    dev.iter().enumerate().map(|(i, d)| (i, d / scale)).filter(|(_, s)| *s > z).collect()
}

/// Register spikes: increments whose rate is implausible for this meter, as `(index into rates,
/// ratio to the 90th percentile, that percentile)`.
///
/// A register's increments are not a bell curve around a level: a household register stands still
/// most hours and then moves by a shower or a washing machine, so on all increments the median and
/// the MAD are 0 and every larger use looked like a spike. Only positive rates are looked at (a zero
/// increment says nothing about how large a use is; decreases are flagged on their own), and only
/// upwards (a small increment is a trickle, not an error). A rate r is a spike when
/// `r ≥ register_spike_ratio · P90`, P90 the 90th percentile (nearest rank) of the positive rates:
/// an upper fence on the log scale (uses differ by factors: a tap, a shower, a bath), anchored at
/// what the meter does in its busiest tenth of hours in use, which a few errors cannot move. It
/// needs no spread: a steady flow (every rate alike) and a register at its resolution (most
/// positive increments one litre of a dripping tap) are judged by the same fence, and a spread
/// estimate would have hidden physically impossible rates on meters read at irregular, short steps.
fn register_spikes(rates: &[(i64, f64)], settings: &QualitySettings) -> Vec<(usize, f64, f64)> {
    let used: Vec<usize> = (0..rates.len()).filter(|&i| rates[i].1 > 0.0 && rates[i].1.is_finite()).collect();
    if used.len() < settings.spike_min_samples.max(3) || settings.register_spike_ratio.is_nan() || settings.register_spike_ratio <= 1.0 {
        return vec![];
    }
    let mut sorted: Vec<f64> = used.iter().map(|&i| rates[i].1).collect();
    sorted.sort_by(f64::total_cmp);
    // Nearest rank: the smallest rate with at least 90 % of the rates at or below it.
    let p90 = sorted[((0.9 * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
    used.into_iter()
        .filter(|&i| rates[i].1 / p90 >= settings.register_spike_ratio)
        .map(|i| (i, rates[i].1 / p90, p90))
        .collect()
}

/// Checks a meter's canonical readings (expected sorted by time). Returns flags sorted by time.
pub fn check_series(meter: &Meter, readings: &[Reading], settings: &QualitySettings) -> Vec<Flag> {
    let mut flags = Vec::new();
    if let Some(w) = readings.windows(2).find(|w| w[1].t_s < w[0].t_s) {
        return vec![flag(
            w[1].t_s,
            FlagKind::Unsorted,
            format!("reading at {} follows one at {}: sort the readings first", w[1].t_s, w[0].t_s),
        )];
    }
    // Clean view: finite values, one per time stamp.
    let mut c: Vec<Reading> = Vec::with_capacity(readings.len());
    for r in readings {
        if !r.value.is_finite() {
            flags.push(flag(r.t_s, FlagKind::NotFinite, format!("value {} left out", r.value)));
            continue;
        }
        if let Some(p) = c.last()
            && p.t_s == r.t_s
        {
            flags.push(flag(r.t_s, FlagKind::DuplicateTime, format!("second value {} (kept {})", r.value, p.value)));
            continue;
        }
        c.push(*r);
    }
    let series = meter.series;
    for r in &c {
        if r.value < 0.0 && matches!(series, SeriesKind::Register | SeriesKind::Volume | SeriesKind::Pressure) {
            flags.push(flag(r.t_s, FlagKind::Negative, format!("negative {} {}", series.as_str(), r.value)));
        }
        let early = meter.installed_s.is_some_and(|i| r.t_s < i.saturating_sub(SERVICE_DATE_SLACK_S));
        let late = meter.removed_s.is_some_and(|x| r.t_s > x.saturating_add(SERVICE_DATE_SLACK_S));
        if early || late {
            flags.push(flag(
                r.t_s,
                FlagKind::OutsideService,
                format!(
                    "reading {} a day or more {} the meter's service",
                    r.t_s,
                    if early { "before" } else { "after" }
                ),
            ));
        }
    }

    // Gaps.
    let steps: Vec<i64> = c.windows(2).map(|w| w[1].t_s.saturating_sub(w[0].t_s)).collect();
    let expected = settings
        .expected_interval_s
        .filter(|e| *e > 0)
        .or_else(|| median(steps.iter().map(|s| *s as f64)).map(|m| m as i64))
        .filter(|e| *e > 0);
    let is_gap = |step: i64| expected.is_some_and(|e| step as f64 > settings.gap_factor * e as f64);
    for w in c.windows(2) {
        let step = w[1].t_s.saturating_sub(w[0].t_s);
        if is_gap(step) {
            flags.push(flag(
                w[1].t_s,
                FlagKind::Gap { from_s: w[0].t_s, to_s: w[1].t_s },
                format!("no reading for {step} s (expected every {} s)", expected.unwrap_or(0)),
            ));
        }
    }

    // Register steps, and the values the spike and stuck tests look at.
    let mut spike_values: Vec<(i64, f64)> = Vec::new();
    match series {
        SeriesKind::Register => {
            let cap = meter.register_capacity_m3();
            for w in c.windows(2) {
                let (a, b) = (w[0], w[1]);
                let inc = match register_step(a.value, b.value, cap) {
                    RegisterStep::Increase(v) => Some(v),
                    RegisterStep::Rollover(v) => {
                        flags.push(flag(
                            b.t_s,
                            FlagKind::Rollover,
                            format!("{} → {}: rolled over, {v} m³", a.value, b.value),
                        ));
                        Some(v)
                    }
                    RegisterStep::Decrease => {
                        flags.push(flag(
                            b.t_s,
                            FlagKind::Decrease,
                            format!("register fell from {} to {} m³ (not a plausible rollover)", a.value, b.value),
                        ));
                        None
                    }
                };
                // Increments as rates, so that an irregular step is not a spike by itself.
                if let Some(v) = inc {
                    spike_values.push((b.t_s, v / b.t_s.saturating_sub(a.t_s) as f64));
                }
            }
        }
        _ => spike_values.extend(c.iter().map(|r| (r.t_s, r.value))),
    }
    if series == SeriesKind::Register {
        for (i, ratio, p90) in register_spikes(&spike_values, settings) {
            let (t_s, rate) = spike_values[i];
            flags.push(flag(
                t_s,
                FlagKind::Spike,
                format!(
                    "increment rate {:.6} m³/h is {ratio:.0}× the meter's 90th-percentile rate in use ({:.6} m³/h; spike from {}×)",
                    rate * 3600.0,
                    p90 * 3600.0,
                    settings.register_spike_ratio
                ),
            ));
        }
    } else if spike_values.len() >= settings.spike_min_samples.max(3) {
        // A spike is an isolated excursion: a jump away and straight back, both far beyond the
        // series' usual step. Judging values against the whole series instead would flag every
        // opening of a valve that is mostly closed (a PRV's flow is 0 most of the day).
        let x: Vec<f64> = spike_values.iter().map(|v| v.1).collect();
        let d: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
        let big: std::collections::HashMap<usize, f64> = robust_outliers(&d, settings.spike_z).into_iter().collect();
        for j in 1..x.len() - 1 {
            if let (Some(z_in), Some(z_out)) = (big.get(&(j - 1)), big.get(&j))
                && d[j - 1].signum() != d[j].signum()
            {
                flags.push(flag(
                    spike_values[j].0,
                    FlagKind::Spike,
                    format!(
                        "value {} jumps away and back (robust z-scores of the steps {z_in:.1} and {z_out:.1} > {})",
                        x[j], settings.spike_z
                    ),
                ));
            }
        }
    }

    // Stuck: a long run of one value while the series normally changes (median |change| > 0),
    // so that a customer's zero-use night or weekend is not flagged.
    if matches!(series, SeriesKind::Register | SeriesKind::Flow) && c.len() >= 2 {
        let moves = median(c.windows(2).map(|w| (w[1].value - w[0].value).abs())).is_some_and(|m| m > 0.0);
        if moves {
            let mut start = 0;
            for i in 1..=c.len() {
                if i < c.len() && c[i].value == c[start].value {
                    continue;
                }
                let (from, to) = (c[start].t_s, c[i - 1].t_s);
                if i - start >= settings.stuck_readings && to.saturating_sub(from) > settings.stuck_min_span_s {
                    flags.push(flag(
                        from,
                        FlagKind::Stuck { from_s: from, to_s: to },
                        format!(
                            "{} readings over {} s all {} while the series' median change is > 0",
                            i - start,
                            to.saturating_sub(from),
                            c[start].value
                        ),
                    ));
                }
                start = i;
            }
        }
    }
    flags.sort_by_key(|f| f.t_s);
    flags
}
