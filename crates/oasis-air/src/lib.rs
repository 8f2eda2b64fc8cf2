//! oasis-air: the air-quality index and good-air days, as the national
//! monitoring centre computes them. Hourly (real-time) and daily AQI under
//! HJ 633—2012 or HJ 633—2026 (chosen by the data's date), GB 3095 data
//! validity for daily values, and period evaluation (优良天数, means,
//! percentiles, attainment). No I/O: callers parse files and print.
//!
//! Concentrations are exact decimals ([`Conc`]); rounding follows GB/T 8170
//! (half to even) and IAQIs are rounded up from exact rationals, because
//! binary floating point gets published values wrong (e.g. PM2.5 21 → 30).

pub mod annual;
pub mod daily;
pub mod decimal;
pub mod hourly;
pub mod index;
pub mod period;
pub mod report;
pub mod time;

pub use daily::{DailyConc, DayHours, city_daily, daily_aqi, daily_conc};
pub use decimal::{Conc, ExactConc};
pub use hourly::{HourlyInput, hourly_aqi, o3_8h_moving, so2_24h_moving};
pub use index::{Averaging, Category, Edition, Iaqi, Pollutant, iaqi};
pub use period::{
    AreaClass, Attainment, DayRecord, LimitSet, Limits, PeriodEvaluation, evaluate, percentile,
};
pub use report::{AqiReport, Item};
pub use time::{Date, HourStamp};

/// Errors from parsing or checking air-quality data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AirError {
    #[error("'{0}' is not a decimal number")]
    NotANumber(String),
    #[error(
        "'{0}' is not a time of the form YYYY-MM-DDTHH:00 (or a date YYYY-MM-DD where a date is expected)"
    )]
    BadTime(String),
    #[error("negative concentration {0}")]
    Negative(String),
    #[error("the period {from} … {to} is empty (from is after to)")]
    EmptyPeriod { from: Date, to: Date },
}

/// Check that a concentration is usable: not negative.
pub fn check_conc(c: Conc) -> Result<Conc, AirError> {
    if c.is_negative() {
        Err(AirError::Negative(c.to_string()))
    } else {
        Ok(c)
    }
}
