//! oasis-tariff: water rights and prices. It applies a city's water rules to metered use —
//! tariff rule sets (residential tiers, non-residential prices, over-quota surcharge bands),
//! the industry quota register and yearly plans, bills from cumulative meter readings, and the
//! total-use / intensity dual-control indicators with farm water-saving rewards.
//!
//! Every rate and threshold comes from configuration (TOML text or typed records handed in by the
//! caller); the crate does no I/O: callers read files and pass text or records in, and get typed
//! results and typed errors (`thiserror`) back. Money is exact decimal arithmetic
//! ([`rust_decimal::Decimal`]); see [`money`] for the rounding rule.

pub mod billing;
pub mod dual_control;
pub mod meter;
pub mod money;
pub mod period;
pub mod quota;
pub mod tariff;

pub use rust_decimal::Decimal;
pub use chrono::NaiveDate;
