//! The network model of Oasis and the EPANET `.inp` format: reading a file's
//! bytes into a [`Network`] (with EPANET 2.2's error numbers) and writing a
//! [`Network`] back as text. This crate does no I/O: callers pass bytes and
//! receive strings.

pub mod error;
pub mod flow_units;
pub mod inp;
pub mod model;
pub mod pump_curve;
pub mod units;

pub use flow_units::CurveUse;
pub use error::{LineError, ReadError};
pub use inp::read::read_inp;
pub use inp::write::write_inp;
pub use inp::comment_text;
pub use model::*;
