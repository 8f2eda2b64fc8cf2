//! oasis-metering: district metering on values — it turns meter registers and readings into
//! volumes, checks their quality, and computes the IWA / CJJ 92-2016 water balance and the
//! minimum-night-flow leakage indicators.
//!
//! No I/O and no clock: callers parse files and pass values in (times as `i64` seconds since
//! the Unix epoch UTC, `t_s`; local days use a fixed UTC offset), and get typed results,
//! flags and `thiserror` errors back. Units are explicit in names (`volume_m3`, `flow_m3h`,
//! `pressure_m`). A value that cannot be known from the data is reported missing or
//! incomplete, never guessed; no input (NaN, empty, unsorted) makes it panic.
//! The formulas and their sources are in `docs/metering.md`.

pub mod balance;
pub mod cjj92;
pub mod nightflow;
pub mod quality;
pub mod register;
pub mod time;
pub mod units;
pub mod usage;

pub use balance::{
    ApparentLossRates, BalanceError, BalanceInputs, Infrastructure, RealLossesPerDay, WaterBalance, iwa_table_rows,
    uarl_l_per_day, water_balance,
};
pub use chrono::NaiveDate;
pub use cjj92::{Cjj92, Cjj92Error, Cjj92Inputs, Grade, cjj92};
pub use nightflow::{
    FlowSample, LegitimateNightUse, NightFlowDay, NightFlowError, NightFlowSettings, night_day_factor, night_flow,
};
pub use quality::{Flag, FlagKind, QualitySettings, check_series};
pub use register::{
    Direction, FieldError, Meter, MeterKind, RegisterProblem, Replacements, SeriesKind, replacement_chain, validate_register,
};
pub use units::{Quantity, Unit, UnitError};
pub use usage::{Coverage, MeterReadings, Usage, UsageError, interval_volume, register_usage};

/// One reading in canonical units (m³, m³/h, m), at `t_s` seconds since the epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub t_s: i64,
    pub value: f64,
}

/// How a register went from one reading to the next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RegisterStep {
    /// Not lower: the volume is the difference.
    Increase(f64),
    /// Lower, and the meter declares a capacity round which less than half a turn brings it:
    /// the volume is `capacity − previous + current`.
    Rollover(f64),
    /// Lower and not a plausible rollover: an error to flag, never a guess.
    Decrease,
}

/// The billing rule for consecutive registers (the same as `oasis_tariff::meter`): a lower
/// register is a rollover only with a declared capacity and less than half a turn.
pub fn register_step(previous_m3: f64, current_m3: f64, capacity_m3: Option<f64>) -> RegisterStep {
    let delta = current_m3 - previous_m3;
    if delta >= 0.0 {
        return RegisterStep::Increase(delta);
    }
    match capacity_m3 {
        Some(cap) if cap.is_finite() && cap > 0.0 => {
            let v = delta + cap;
            if v >= 0.0 && 2.0 * v < cap { RegisterStep::Rollover(v) } else { RegisterStep::Decrease }
        }
        _ => RegisterStep::Decrease,
    }
}

/// The median of finite values (`None` when there are none).
pub(crate) fn median(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_steps_agree_with_billing() {
        // 99 990 → 40 on a 100 000 m³ register: 50 m³ (the tariff crate's case).
        assert_eq!(register_step(99_990.0, 40.0, Some(100_000.0)), RegisterStep::Rollover(50.0));
        // 1 200 → 1 150 would be 99 950 m³ round: more than half a turn.
        assert_eq!(register_step(1_200.0, 1_150.0, Some(100_000.0)), RegisterStep::Decrease);
        assert_eq!(register_step(99_990.0, 40.0, None), RegisterStep::Decrease);
        assert_eq!(register_step(5.0, 7.5, None), RegisterStep::Increase(2.5));
        assert_eq!(register_step(5.0, f64::NAN, Some(10.0)), RegisterStep::Decrease);
    }

    #[test]
    fn median_of_values() {
        assert_eq!(median([3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median([4.0, 1.0, f64::NAN, 2.0, 3.0]), Some(2.5));
        assert_eq!(median([]), None);
    }
}
