//! Period evaluation (month, quarter, year, any range) of a station or city:
//! 优良天数 and 优良天数比例, days per category, period means, CO 24-h 95th and
//! O3 daily-max-8-h 90th percentiles, attainment against GB 3095 limits.

use crate::daily::DailyConc;
use crate::decimal::{ExactConc, MICRO};
use crate::index::{Category, Pollutant};
use crate::report::{AqiReport, Item};
use crate::time::{Date, days_in_month};
use crate::{AirError, Conc};

/// One evaluated day.
#[derive(Clone, Debug)]
pub struct DayRecord {
    pub date: Date,
    pub conc: DailyConc,
    pub report: AqiReport,
}

/// Which GB 3095 limits apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitSet {
    /// GB 3095—2012 (until 2026-02-28).
    Gb3095_2012,
    /// GB 3095—2026 transition limits (2026-03-01 … 2030-12-31).
    Gb3095_2026Transition,
    /// GB 3095—2026 final limits (from 2031-01-01).
    Gb3095_2026Final,
}

impl LimitSet {
    /// The limits in force on a date.
    pub fn for_date(d: Date) -> LimitSet {
        if d < Date::from_ymd(2026, 3, 1).expect("date") {
            LimitSet::Gb3095_2012
        } else if d < Date::from_ymd(2031, 1, 1).expect("date") {
            LimitSet::Gb3095_2026Transition
        } else {
            LimitSet::Gb3095_2026Final
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LimitSet::Gb3095_2012 => "GB3095-2012",
            LimitSet::Gb3095_2026Transition => "GB3095-2026-transition",
            LimitSet::Gb3095_2026Final => "GB3095-2026-final",
        }
    }
}

/// 环境空气功能区: class 1 (nature reserves …) or class 2 (urban, rural).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AreaClass {
    One,
    Two,
}

/// The limits used for annual attainment (µg/m³; CO mg/m³).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub so2_annual: Conc,
    pub no2_annual: Conc,
    pub pm10_annual: Conc,
    pub pm25_annual: Conc,
    /// CO 24-hour limit, compared with the 95th percentile of daily means.
    pub co_24h: Conc,
    /// O3 8-hour limit, compared with the 90th percentile of daily maxima.
    pub o3_8h: Conc,
}

impl Limits {
    /// GB 3095—2026 Table 1 and GB 3095—2012 (doc §5, primary).
    pub fn of(set: LimitSet, class: AreaClass) -> Limits {
        let u = Conc::from_units;
        let (so2, no2, pm10, pm25, o3) = match (set, class) {
            (LimitSet::Gb3095_2012, AreaClass::One) => (20, 40, 40, 15, 100),
            (LimitSet::Gb3095_2012, AreaClass::Two) => (60, 40, 70, 35, 160),
            (LimitSet::Gb3095_2026Transition, AreaClass::One) => (20, 40, 40, 15, 100),
            (LimitSet::Gb3095_2026Transition, AreaClass::Two) => (60, 40, 60, 30, 160),
            (LimitSet::Gb3095_2026Final, AreaClass::One) => (20, 30, 20, 10, 100),
            (LimitSet::Gb3095_2026Final, AreaClass::Two) => (20, 30, 50, 25, 160),
        };
        Limits {
            so2_annual: u(so2),
            no2_annual: u(no2),
            pm10_annual: u(pm10),
            pm25_annual: u(pm25),
            co_24h: u(4),
            o3_8h: u(o3),
        }
    }
}

/// Attainment of each annual statistic (`None` = no data).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attainment {
    pub so2: Option<bool>,
    pub no2: Option<bool>,
    pub pm10: Option<bool>,
    pub pm25: Option<bool>,
    pub co: Option<bool>,
    pub o3: Option<bool>,
}

impl Attainment {
    /// All six attained → `Some(true)`; any failed → `Some(false)`; else `None`.
    pub fn overall(&self) -> Option<bool> {
        let all = [self.so2, self.no2, self.pm10, self.pm25, self.co, self.o3];
        if all.contains(&Some(false)) {
            Some(false)
        } else if all.iter().all(|a| *a == Some(true)) {
            Some(true)
        } else {
            None
        }
    }
}

/// The result of evaluating a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodEvaluation {
    pub from: Date,
    pub to: Date,
    pub days_in_period: u32,
    /// Days with a published daily AQI.
    pub valid_days: u32,
    /// 优良天数: valid days with AQI ≤ 100.
    pub good_days: u32,
    /// Days per category, indexed by `Category as usize`.
    pub days_by_category: [u32; 6],
    /// Days each item was (one of) the primary pollutant(s), by [`Item::index`].
    pub primary_days: [u32; 7],
    /// Period means of the daily means of SO2, NO2, PM10, PM2.5 (in that
    /// order), rounded to integer µg/m³.
    pub means: [Option<Conc>; 4],
    /// Number of daily values behind each mean.
    pub mean_days: [u32; 4],
    /// Whether each mean meets GB 3095 Table 4 for annual statistics: ≥ 27
    /// daily values in every whole calendar month of the period (February
    /// ≥ 25), and ≥ 324 when the period is a whole calendar year.
    pub mean_meets_validity: [bool; 4],
    /// CO 24-hour mean, 95th percentile (mg/m³, one decimal).
    pub co_p95: Option<Conc>,
    /// O3 daily maximum 8-hour, 90th percentile (µg/m³).
    pub o3_8h_p90: Option<Conc>,
    pub limits: Limits,
    pub attainment: Attainment,
}

impl PeriodEvaluation {
    /// 优良天数比例 in percent with one decimal (half to even), over valid days.
    pub fn good_rate_pct(&self) -> Option<Conc> {
        (self.valid_days > 0).then(|| {
            ExactConc {
                num_micro: self.good_days as i128 * 100 * MICRO as i128,
                den: self.valid_days as i128,
            }
            .round_to(MICRO / 10)
        })
    }
}

/// Percentile by HJ 663 Appendix A: sort ascending X(1) … X(n);
/// k = 1 + (n − 1)·p/100, s = ⌊k⌋; m = X(s) + (X(s+1) − X(s))·(k − s).
/// (Equals Hyndman–Fan type 7 / NumPy's default.) Exact; round it yourself.
pub fn percentile(values: &[Conc], p: u32) -> Option<ExactConc> {
    if values.is_empty() || p > 100 {
        return None;
    }
    let mut x: Vec<i128> = values.iter().map(|c| c.micro() as i128).collect();
    x.sort_unstable();
    let n = x.len() as i128;
    // k − 1 = (n − 1)·p/100 = whole + frac/100 (0-based index `whole`).
    let scaled = (n - 1) * p as i128;
    let whole = (scaled / 100) as usize;
    let frac = scaled % 100;
    let lo = x[whole];
    let hi = if frac == 0 { lo } else { x[whole + 1] };
    Some(ExactConc {
        num_micro: lo * 100 + (hi - lo) * frac,
        den: 100,
    })
}

/// Evaluate the days of `[from, to]` (days outside are ignored; days absent
/// from `days` are simply not valid).
pub fn evaluate(
    from: Date,
    to: Date,
    days: &[DayRecord],
    limits: Limits,
) -> Result<PeriodEvaluation, AirError> {
    if from > to {
        return Err(AirError::EmptyPeriod { from, to });
    }
    let in_range: Vec<&DayRecord> = days
        .iter()
        .filter(|d| d.date >= from && d.date <= to)
        .collect();
    let mut ev = PeriodEvaluation {
        from,
        to,
        days_in_period: (from.days_until(to) + 1) as u32,
        valid_days: 0,
        good_days: 0,
        days_by_category: [0; 6],
        primary_days: [0; 7],
        means: [None; 4],
        mean_days: [0; 4],
        mean_meets_validity: [false; 4],
        co_p95: None,
        o3_8h_p90: None,
        limits,
        attainment: Attainment::default(),
    };
    for d in &in_range {
        if let (Some(_), Some(cat)) = (d.report.aqi, d.report.category) {
            ev.valid_days += 1;
            ev.days_by_category[cat as usize] += 1;
            if cat.is_good() {
                ev.good_days += 1;
            }
            for it in &d.report.primary {
                ev.primary_days[it.index()] += 1;
            }
        }
    }
    let mean_pollutants = [
        Pollutant::So2,
        Pollutant::No2,
        Pollutant::Pm10,
        Pollutant::Pm25,
    ];
    for (i, p) in mean_pollutants.iter().enumerate() {
        let dated: Vec<(Date, Conc)> = in_range
            .iter()
            .filter_map(|d| d.conc.mean(*p).map(|c| (d.date, c)))
            .collect();
        let vals: Vec<Conc> = dated.iter().map(|&(_, c)| c).collect();
        ev.mean_days[i] = vals.len() as u32;
        ev.means[i] = ExactConc::mean(&vals).map(|m| m.round_to(p.step_micro()));
        let dates: Vec<Date> = dated.iter().map(|&(d, _)| d).collect();
        ev.mean_meets_validity[i] = annual_validity(from, to, &dates);
    }
    let co: Vec<Conc> = in_range
        .iter()
        .filter_map(|d| d.conc.mean(Pollutant::Co))
        .collect();
    ev.co_p95 = percentile(&co, 95).map(|m| m.round_to(Pollutant::Co.step_micro()));
    let o3: Vec<Conc> = in_range.iter().filter_map(|d| d.conc.o3_8h_max).collect();
    ev.o3_8h_p90 = percentile(&o3, 90).map(|m| m.round_to(Pollutant::O3.step_micro()));
    let le = |v: Option<Conc>, lim: Conc| v.map(|v| v <= lim);
    ev.attainment = Attainment {
        so2: le(ev.means[0], limits.so2_annual),
        no2: le(ev.means[1], limits.no2_annual),
        pm10: le(ev.means[2], limits.pm10_annual),
        pm25: le(ev.means[3], limits.pm25_annual),
        co: le(ev.co_p95, limits.co_24h),
        o3: le(ev.o3_8h_p90, limits.o3_8h),
    };
    Ok(ev)
}

/// GB 3095 Table 4 for annual statistics, applied to the whole calendar
/// months inside the period (and the year rule for a whole calendar year).
fn annual_validity(from: Date, to: Date, dates: &[Date]) -> bool {
    let (fy, fm, fd) = from.ymd();
    let (ty, tm, td) = to.ymd();
    let whole_year = fm == 1 && fd == 1 && tm == 12 && td == 31 && fy == ty;
    if whole_year && dates.len() < 324 {
        return false;
    }
    let (mut y, mut m) = (fy, fm);
    loop {
        let first = Date::from_ymd(y, m, 1).expect("date");
        let last = Date::from_ymd(y, m, days_in_month(y, m)).expect("date");
        if first >= from && last <= to {
            let n = dates.iter().filter(|d| **d >= first && **d <= last).count();
            let need = if m == 2 { 25 } else { 27 };
            if n < need {
                return false;
            }
        }
        if (y, m) == (ty, tm) {
            break;
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    true
}

/// Items are listed by name in explanations.
pub fn item_names(items: &[Item]) -> String {
    items.iter().map(|i| i.name()).collect::<Vec<_>>().join(";")
}

/// Category labels in order, for tables.
pub fn category_names() -> [&'static str; 6] {
    Category::ALL.map(|c| c.name_zh())
}
