//! Network generators for testing Oasis against EPANET: random but valid networks
//! for differential testing, and the deterministic Jinchang-like demonstration
//! network shipped in `examples/`. Every generator returns `.inp` text; this crate
//! does no I/O and knows nothing of Oasis's own network model.

pub mod city;
mod demo;
mod inp;
mod patterns;
mod random;
mod rng;

pub use demo::jinchang_demo;
pub use inp::{FlowUnits, HeadlossFormula, ValveKind};
pub use random::{RandomOptions, random_eps_network, random_network};
