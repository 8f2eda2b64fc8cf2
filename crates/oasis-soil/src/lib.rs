//! oasis-soil: soil screening and the 交办整改 case register.
//!
//! * [`limits`]: the GB 15618-2018 (farmland: screening values by pH band and
//!   land use, intervention values by pH band) and GB 36600-2018
//!   (construction land, first and second class: screening and intervention
//!   values) tables, read from a data file with the standard's table number
//!   and source on every row — no limit is a constant in code.
//! * [`screening`]: each sample result against its limits, the class of each
//!   sample and site (farmland: 优先保护类 / 安全利用类 / 严格管控类;
//!   construction land: 风险可忽略 / 需详细调查评估 / 需风险管控或修复).
//! * [`cases`]: problems handed down for rectification (交办整改): source,
//!   place, deadline, responsible unit, status, evidence, the overdue list.
//!
//! Values are exact decimals; a value on a limit meets it. A sample without
//! pH where the limit depends on pH is an error naming file, line and field.
//! No I/O.

// Errors carry the file, line and field people need; they are rare and off any hot path.
#![allow(clippy::result_large_err)]

pub mod cases;
pub mod limits;
pub mod screening;

pub use oasis_records::{Decimal, Loc, RecordError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SoilError {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("{at}: no pH, but the {standard} limit of {item} for {land_use} depends on pH")]
    NeedsPh {
        at: Loc,
        item: String,
        land_use: String,
        standard: String,
    },
    #[error("{at}: no limit for item '{item}' on land use '{land_use}' in the limits table")]
    UnknownItem {
        at: Loc,
        item: String,
        land_use: String,
    },
    #[error("{at}: {message}")]
    Invalid { at: Loc, message: String },
}
