//! Annual evaluation (HJ 663) of a station or the city, with and without the
//! dust-storm deduction, the composite index and the three-year evaluation.
//!
//! * The annual statistics are those of [`period::evaluate`] over the calendar
//!   year (means of SO2, NO2, PM10, PM2.5; CO 24-h 95th and O3 daily-max-8-h
//!   90th percentiles; 优良天数 and rate; 达标 against the GB 3095 limits of
//!   the edition passed in), plus the additional daily percentiles HJ 663
//!   lists (SO2/NO2 98th, PM10/PM2.5 95th) [recall, doc §6].
//! * **Dust deduction** (《受沙尘天气过程影响城市空气质量评价补充规定》,
//!   环办监测〔2016〕120号, doc §8): the caller supplies the dust-event days.
//!   On each of them (a) the PM10 and PM2.5 daily values are left out of the
//!   annual means and percentiles (the notice deducts the affected
//!   particulate data); (b) a day that was not 优良 and whose primary
//!   pollutant is PM10 or PM2.5 leaves the 优良 evaluation (numerator and
//!   denominator: "扣除沙尘异常超标天"); a dust day that was 优良, or that
//!   exceeded for another pollutant, stays as it was. The exact arithmetic of
//!   the notice was not obtained (doc §8): this is our reading, stated here
//!   and in the README, and both series are always shown.
//! * **Composite index** (环境空气质量综合指数, doc §9 [secondary]):
//!   Σ Cᵢ/Sᵢ over the six statistics, Sᵢ the annual limits in use (CO and O3:
//!   their percentile statistics against the 24-h and 8-h limits), exact,
//!   rounded to two decimals (half to even).
//! * **Three-year evaluation** (HJ 663—2026, doc §0/§6: formula not
//!   obtained): the arithmetic mean of the three annual statistics, rounded to
//!   each pollutant's reporting step, against the annual limits. Marked as an
//!   assumption wherever it is shown.

use std::collections::BTreeSet;

use crate::decimal::{ExactConc, MICRO};
use crate::index::Pollutant;
use crate::period::{self, Attainment, DayRecord, Limits, PeriodEvaluation, percentile};
use crate::report::Item;
use crate::time::Date;
use crate::{AirError, Conc};

/// One annual result: raw and dust-deducted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnualEvaluation {
    pub year: i64,
    pub raw: PeriodEvaluation,
    pub deducted: PeriodEvaluation,
    /// Dust-event days of this year that were supplied.
    pub dust_days: Vec<Date>,
    /// Dust days removed from the 优良 evaluation (exceeding for PM).
    pub removed_from_good_rate: Vec<Date>,
    /// Additional percentiles [SO2 p98, NO2 p98, PM10 p95, PM2.5 p95], raw and deducted.
    pub extra_raw: [Option<Conc>; 4],
    pub extra_deducted: [Option<Conc>; 4],
    /// Composite index, two decimals; `None` when a statistic is missing.
    pub composite_raw: Option<Conc>,
    pub composite_deducted: Option<Conc>,
}

/// The day series with the dust deduction applied (see the module docs);
/// returns the new series and the days removed from the 优良 evaluation.
pub fn deduct_dust(days: &[DayRecord], dust: &BTreeSet<Date>) -> (Vec<DayRecord>, Vec<Date>) {
    let mut removed = Vec::new();
    let out = days
        .iter()
        .map(|d| {
            if !dust.contains(&d.date) {
                return d.clone();
            }
            let mut d = d.clone();
            d.conc.mean_24h[Pollutant::Pm10.index()] = None;
            d.conc.mean_24h[Pollutant::Pm25.index()] = None;
            let good = d.report.category.is_some_and(|c| c.is_good());
            let pm_primary = d
                .report
                .primary
                .iter()
                .any(|i| matches!(i, Item::Pm10 | Item::Pm25));
            if d.report.aqi.is_some() && !good && pm_primary {
                d.report.aqi = None;
                d.report.category = None;
                d.report.notes.push(
                    "dust-event day exceeding for particulates: left out of the 优良 evaluation"
                        .into(),
                );
                removed.push(d.date);
            }
            d
        })
        .collect();
    (out, removed)
}

fn extra(days: &[DayRecord], from: Date, to: Date) -> [Option<Conc>; 4] {
    let vals = |p: Pollutant| -> Vec<Conc> {
        days.iter()
            .filter(|d| d.date >= from && d.date <= to)
            .filter_map(|d| d.conc.mean(p))
            .collect()
    };
    [
        (Pollutant::So2, 98),
        (Pollutant::No2, 98),
        (Pollutant::Pm10, 95),
        (Pollutant::Pm25, 95),
    ]
    .map(|(p, q)| percentile(&vals(p), q).map(|m| m.round_to(p.step_micro())))
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs()
}

/// Σ Cᵢ/Sᵢ exactly, rounded half-to-even to 0.01.
pub fn composite_index(ev: &PeriodEvaluation) -> Option<Conc> {
    let l = ev.limits;
    let pairs = [
        (ev.means[0]?, l.so2_annual),
        (ev.means[1]?, l.no2_annual),
        (ev.means[2]?, l.pm10_annual),
        (ev.means[3]?, l.pm25_annual),
        (ev.co_p95?, l.co_24h),
        (ev.o3_8h_p90?, l.o3_8h),
    ];
    // Sum of c/s as a reduced fraction num/den (in units, not micro).
    let (mut num, mut den) = (0i128, 1i128);
    for (c, s) in pairs {
        let (a, b) = (c.micro() as i128, s.micro() as i128);
        num = num * b + a * den;
        den *= b;
        let g = gcd(num, den).max(1);
        num /= g;
        den /= g;
    }
    Some(
        ExactConc {
            num_micro: num * MICRO as i128,
            den,
        }
        .round_to(MICRO / 100),
    )
}

/// Evaluate calendar year `year` raw and with the dust deduction.
pub fn annual(
    year: i64,
    days: &[DayRecord],
    dust: &BTreeSet<Date>,
    limits: Limits,
) -> Result<AnnualEvaluation, AirError> {
    let from = Date::from_ymd(year, 1, 1).ok_or_else(|| AirError::BadTime(year.to_string()))?;
    let to = Date::from_ymd(year, 12, 31).ok_or_else(|| AirError::BadTime(year.to_string()))?;
    let raw = period::evaluate(from, to, days, limits)?;
    let (ded_days, mut removed) = deduct_dust(days, dust);
    removed.retain(|d| *d >= from && *d <= to);
    let deducted = period::evaluate(from, to, &ded_days, limits)?;
    Ok(AnnualEvaluation {
        year,
        dust_days: dust
            .iter()
            .copied()
            .filter(|d| *d >= from && *d <= to)
            .collect(),
        removed_from_good_rate: removed,
        extra_raw: extra(days, from, to),
        extra_deducted: extra(&ded_days, from, to),
        composite_raw: composite_index(&raw),
        composite_deducted: composite_index(&deducted),
        raw,
        deducted,
    })
}

/// Three-year statistics (assumption, see module docs): the mean of the
/// three annual values of each statistic, rounded to its step, and 达标.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreeYear {
    pub years: [i64; 3],
    /// SO2, NO2, PM10, PM2.5 means, CO p95, O3 p90.
    pub values: [Option<Conc>; 6],
    pub attainment: Attainment,
}

pub fn three_year(evals: [&AnnualEvaluation; 3], deducted: bool, limits: Limits) -> ThreeYear {
    let pick = |e: &AnnualEvaluation| -> [Option<Conc>; 6] {
        let p = if deducted { &e.deducted } else { &e.raw };
        [
            p.means[0],
            p.means[1],
            p.means[2],
            p.means[3],
            p.co_p95,
            p.o3_8h_p90,
        ]
    };
    let steps = [
        Pollutant::So2,
        Pollutant::No2,
        Pollutant::Pm10,
        Pollutant::Pm25,
        Pollutant::Co,
        Pollutant::O3,
    ];
    let mut values = [None; 6];
    for i in 0..6 {
        let v: Option<Vec<Conc>> = evals.iter().map(|e| pick(e)[i]).collect();
        values[i] = v
            .and_then(|v| ExactConc::mean(&v))
            .map(|m| m.round_to(steps[i].step_micro()));
    }
    let le = |v: Option<Conc>, lim: Conc| v.map(|v| v <= lim);
    ThreeYear {
        years: [evals[0].year, evals[1].year, evals[2].year],
        attainment: Attainment {
            so2: le(values[0], limits.so2_annual),
            no2: le(values[1], limits.no2_annual),
            pm10: le(values[2], limits.pm10_annual),
            pm25: le(values[3], limits.pm25_annual),
            co: le(values[4], limits.co_24h),
            o3: le(values[5], limits.o3_8h),
        },
        values,
    }
}
