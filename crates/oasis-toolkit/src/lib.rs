//! A drop-in EPANET 2.2 toolkit library backed by Oasis's twin.
//!
//! Built as `libepanet2.so`, it exports the functions of EPANET 2.2's
//! `epanet2_2.h` (the project-handle `EN_*` API) and `epanet2.h` (the legacy
//! single-project `EN*` API, with its `float` values) with the same names,
//! argument types, enumeration values, error codes and messages, so that
//! programs and Python packages written for EPANET (WNTR, EPyT, C programs)
//! run on Oasis unchanged. The work is done by `oasis-network` (reading and
//! writing `.inp` files), `oasis-hydraulics` (the solver, stepped as the
//! toolkit steps) and `oasis-output` (the `.out` and `.rpt` files).
//!
//! Each project is its own value with no shared state, so separate projects
//! may run on separate threads; the legacy API's one project sits behind a lock.

mod codes;
mod comments;
mod errors;
pub mod ffi;
mod keyed;
mod legacy;
mod network;
mod patterns;
mod project;
mod rules;
mod values;

pub use errors::message;
pub use project::{Code, Project};
