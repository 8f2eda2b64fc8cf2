//! District water audits over a meter store (`oasis_store::MeterStore`: the embedded store or
//! PostgreSQL) — the layer the `oasis` command and the server share.
//!
//! It joins what the store keeps (the register's text, districts, readings and their day index)
//! with the domain crates' arithmetic (`oasis-metering`, `oasis-districts`, the twin for zone
//! pressures): the register parsed into meters, districts built from a network into the store,
//! quality flags after an ingest, and per district and period the IWA water balance with CJJ 92
//! rates and the minimum night flow. Values in, values out: no files, no printing, no HTTP.

pub mod balance;
pub mod districts;
pub mod nightflow;
pub mod quality;
pub mod register;

pub use register::{Register, RegisterEntry, register_row};

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Store(#[from] oasis_store::StoreError),
    #[error(transparent)]
    Districts(#[from] oasis_districts::DistrictError),
    #[error(transparent)]
    Usage(#[from] oasis_metering::UsageError),
    #[error("district {district}: {source}")]
    Balance { district: String, source: oasis_metering::balance::BalanceError },
    #[error("district {district}: CJJ 92: {source}")]
    Cjj92 { district: String, source: oasis_metering::Cjj92Error },
    #[error("district {district}: night flow: {source}")]
    NightFlow { district: String, source: oasis_metering::nightflow::NightFlowError },
    #[error("the twin: {0}")]
    Hydraulics(#[from] oasis_hydraulics::HydraulicsError),
    #[error("no districts in the store: build them first (oasis districts build)")]
    NoDistricts,
    #[error("no district matches the selection")]
    NoneSelected,
    #[error("period: {0}")]
    Period(String),
    #[error("meter {meter} has a {series} series, not a volume")]
    NotAVolume { meter: String, series: &'static str },
}

/// Which districts: all, one level, or named ones.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub level: Option<u8>,
    pub districts: Vec<String>,
}

impl Selection {
    pub fn pick(&self, store: &dyn oasis_store::MeterStore) -> Result<Vec<oasis_store::StoredDistrict>, AuditError> {
        let mut all = store.districts()?;
        if all.is_empty() {
            return Err(AuditError::NoDistricts);
        }
        all.retain(|d| self.level.is_none_or(|l| d.level == l) && (self.districts.is_empty() || self.districts.contains(&d.id)));
        if all.is_empty() {
            return Err(AuditError::NoneSelected);
        }
        Ok(all)
    }
}

/// The stored readings of one meter as the domain's readings.
pub(crate) fn to_domain(series: Option<&Vec<oasis_store::Reading>>) -> Vec<oasis_metering::Reading> {
    series.map(|v| v.iter().map(|r| oasis_metering::Reading { t_s: r.t_s, value: r.value }).collect()).unwrap_or_default()
}
