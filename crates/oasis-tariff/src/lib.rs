//! oasis-tariff
