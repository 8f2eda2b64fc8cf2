//! oasis-hydraulics
