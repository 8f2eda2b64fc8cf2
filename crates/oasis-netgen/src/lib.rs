//! oasis-netgen
