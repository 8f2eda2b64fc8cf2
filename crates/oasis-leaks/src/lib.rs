//! Leaks and bursts: finds which pipe leaks and since when from SCADA data, with the
//! hydraulic twin (`oasis-hydraulics`) as the model, and makes and scores benchmark
//! data sets in the BattLeDIM 2020 manner. Values in, values out: no file I/O.

pub mod baseline;
pub mod detect;
pub mod linalg;
pub mod net;
pub mod rng;
pub mod scada;
pub mod scenario;
pub mod score;
pub mod time;
pub mod twin;

pub use scada::{Column, Scada, ScadaError, ScadaWarning, SensorKind};

/// Errors of the leak methods other than parsing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LeakError {
    #[error("hydraulic solution failed: {0}")]
    Hydraulics(String),
    #[error("{0}")]
    Invalid(String),
}

impl From<oasis_hydraulics::HydraulicsError> for LeakError {
    fn from(e: oasis_hydraulics::HydraulicsError) -> Self {
        LeakError::Hydraulics(e.to_string())
    }
}

/// One alarm: which pipe leaks, raised at which time, with the detector's estimates.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    pub pipe_id: String,
    pub alarm_time_min: i64,
    /// Estimated leak flow at the alarm, m³/h (NaN if unknown).
    pub flow_m3h: f64,
    /// Estimated start of the leak.
    pub start_time_min: i64,
    /// Other candidate pipes with their scores (best first).
    pub candidates: Vec<(String, f64)>,
}
