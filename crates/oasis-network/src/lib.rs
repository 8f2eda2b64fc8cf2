//! oasis-network
