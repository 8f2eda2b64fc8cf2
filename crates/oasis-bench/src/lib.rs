//! Timing Oasis against EPANET on the same networks: the split of an Oasis run
//! into reading the file and the hydraulic simulation ([`timing`], also behind
//! `oasis run --timing`), a minimal timing-only binding to the EPANET 2.3.5 and 2.2
//! toolkit libraries ([`epanet_timer`]), Oasis's own phases timed in one process
//! ([`phases`]), and the statistics and table of the `oasis-bench` binary
//! ([`report`]).
//!
//! Only the binary reads files, starts the child processes that isolate each
//! measurement, and prints; these modules take bytes and paths and return numbers.

pub mod clock;
pub mod epanet_timer;
pub mod phases;
pub mod report;
pub mod timing;

pub use clock::{Span, Stopwatch};
pub use timing::{Timing, TimingError, time_hydraulics, time_oasis};
