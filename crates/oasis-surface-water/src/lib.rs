//! oasis-surface-water
