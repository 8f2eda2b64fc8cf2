//! The hourly demand patterns the demonstration network and the synthetic
//! cities share.

/// Residential day: night minimum, morning and evening peaks (mean 1.0).
pub(crate) const RES: [f64; 24] = [
    0.45, 0.40, 0.38, 0.38, 0.45, 0.70, 1.20, 1.55, 1.45, 1.20, 1.05, 1.10, 1.25, 1.15, 0.95, 0.90,
    0.95, 1.10, 1.40, 1.55, 1.45, 1.15, 0.85, 0.60,
];
/// Commercial day: business hours.
pub(crate) const COM: [f64; 24] = [
    0.30, 0.30, 0.30, 0.30, 0.30, 0.40, 0.70, 1.10, 1.50, 1.60, 1.60, 1.60, 1.50, 1.60, 1.60, 1.60,
    1.50, 1.30, 1.00, 0.80, 0.60, 0.50, 0.40, 0.30,
];
