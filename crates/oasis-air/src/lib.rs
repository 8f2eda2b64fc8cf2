//! oasis-air
