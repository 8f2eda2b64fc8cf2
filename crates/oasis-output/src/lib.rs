//! EPANET 2.2's two output files from an Oasis run: the binary results file
//! (`.out`, readable by EPANET's own output library and by tools such as
//! WNTR) and the text report (`.rpt`, honouring the network's `[REPORT]`
//! section). Both are built from a [`Network`](oasis_network::Network) and the
//! [`RunResults`](oasis_hydraulics::RunResults) of its hydraulic run, and
//! agree with EPANET 2.2's files bit for bit and line for line.
//!
//! This crate does no I/O: writers return bytes or a string, the reader takes
//! bytes.

mod binary;
mod info;
mod model;
mod report;
mod values;

pub use binary::{
    FILE_VERSION, MAGIC_NUMBER, OutFile, OutReadError, PumpEnergyReport, prolog_bytes, pump_energy,
    read_out, write_out,
};
pub use info::{OutputError, Run, RunInfo, ctime, hydraulic_steps};
pub use report::{
    status_level, write_failed_report_bytes, write_report, write_report_bytes, write_secondary_report_bytes,
};
