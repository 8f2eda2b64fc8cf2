//! oasis-surface-water: surface-water quality as the national evaluation
//! does it. GB 3838-2002 Table 1 items and class limits, single-factor class
//! of a sample or of period means, exceedance multiples, 优良率 and 劣V shares,
//! and the CWQI (城市水质指数) with a city ranking. No I/O: callers parse
//! files and print.
//!
//! Values are exact decimals ([`Measure`]) so a value on a class limit meets
//! it, and evaluation rounding is GB/T 8170 half to even.

pub mod cwqi;
pub mod evaluate;
pub mod items;
pub mod measure;

pub use cwqi::{Ranked, SectionCwqi, city_cwqi, cwqi_change_pct, item_cwqi, rank, section_cwqi};
pub use evaluate::{
    Classification, ItemResult, Rating, Shares, classify, exceedance_multiple, format_multiple,
    period_mean,
};
pub use items::{Item, Limit, WaterBody, WaterClass};
pub use measure::{Measure, Reading};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WaterError {
    #[error("'{0}' is not a decimal number (below detection limit: '<0.01' or '0.01L')")]
    NotANumber(String),
    #[error("negative value '{0}'")]
    Negative(String),
    #[error("unknown GB 3838 item '{0}' (see docs/air-and-water.md for the item names)")]
    UnknownItem(String),
    #[error("unknown water body '{0}' (expected river or lake)")]
    UnknownWaterBody(String),
}
