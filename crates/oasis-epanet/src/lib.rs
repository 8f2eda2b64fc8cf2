//! oasis-epanet
