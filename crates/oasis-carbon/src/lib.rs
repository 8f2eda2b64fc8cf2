//! oasis-carbon: the city's carbon ledger (降碳) on exact decimals.
//!
//! * [`factors`]: the factor table (fuel NCV/CC/OF, grid factors by region and
//!   year, heat, process, carbon contents, GWP sets, forest parameters), each
//!   row with its vintage and source. No factor is a constant in code.
//! * [`ledger`]: activity lines × factors → line emissions, enterprise totals
//!   in the structure of the national guidelines, the city inventory by sector,
//!   intensity per 万元 GDP / industrial value added with decline rates, and
//!   what-if scenarios to a target year.
//! * [`sinks`]: forest sink by the stock-change method and 碳汇代偿 cases
//!   (lost stock and lost sequestration → credits, price, compensation area,
//!   tracked to completion).
//!
//! Method: `../shared/docs/carbon-ledger.md` (E = Σ AD × EF; combustion
//! FC × NCV × CC × OF × 44/12; purchased electricity MWh × grid factor;
//! stock difference ΔC/Δt × 44/12; C = V × WD × BEF × (1+R) × CF).
//! No I/O: text in, values out; errors name the file, line and field.

// Errors carry the file, line and field people need; they are rare and off any hot path.
#![allow(clippy::result_large_err)]

pub mod factors;
pub mod ledger;
pub mod sinks;
pub mod units;

pub use factors::{Factor, FactorKind, FactorTable};
pub use ledger::{
    Activity, Category, Economy, EnterpriseTotal, IntensityRow, InventoryRow, LineEmission,
    Scenario, ScenarioResult, Sectors,
};
pub use oasis_records::{Decimal, Loc, RecordError};
pub use sinks::{
    CaseEvent, CaseStatus, CompensationCase, CompensationResult, ForestStand, StandSink,
};

/// Errors of the carbon ledger; each names where in which file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarbonError {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(
        "{at}: unknown factor: no '{kind}' row for key '{key}', region '{region}', vintage '{vintage}' in the factor table"
    )]
    UnknownFactor {
        at: Loc,
        kind: String,
        key: String,
        region: String,
        vintage: String,
    },
    #[error("{at}: unit '{unit}' does not convert to {expected}")]
    Unit {
        at: Loc,
        unit: String,
        expected: String,
    },
    #[error("{at}: {message}")]
    Invalid { at: Loc, message: String },
}

pub(crate) fn invalid(at: Loc, message: impl Into<String>) -> CarbonError {
    CarbonError::Invalid {
        at,
        message: message.into(),
    }
}

/// 44/12 applied exactly: `tc × 44 / 12` (multiply first).
pub fn c_to_co2(tc: Decimal) -> Decimal {
    tc * Decimal::from(44) / Decimal::from(12)
}
