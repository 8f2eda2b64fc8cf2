//! The EPANET `.inp` text format.
pub mod read;
pub mod write;
