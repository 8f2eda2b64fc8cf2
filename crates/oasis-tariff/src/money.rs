//! Money and volume rounding rules, in one place so that every amount is rounded the same way.
//!
//! * A bill line's amount is `volume_m3 × unit_price`, computed exactly, then rounded **half away
//!   from zero** (四舍五入) to 0.01 yuan. A bill's total is the sum of its rounded lines, so the
//!   lines always add up to the total exactly.
//! * When a period's volume is split between two tariffs, each part but the last is rounded half
//!   away from zero to 0.001 m³ and the last part takes the remainder, so parts add up exactly.

use rust_decimal::{Decimal, RoundingStrategy};

/// Decimal places of a yuan amount (fen).
pub const YUAN_DP: u32 = 2;
/// Decimal places of a prorated volume part (litres).
pub const VOLUME_DP: u32 = 3;

/// Round an amount to 0.01 yuan, half away from zero.
pub fn round_yuan(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(YUAN_DP, RoundingStrategy::MidpointAwayFromZero)
}

/// Round a volume to 0.001 m³, half away from zero.
pub fn round_volume(volume_m3: Decimal) -> Decimal {
    volume_m3.round_dp_with_strategy(VOLUME_DP, RoundingStrategy::MidpointAwayFromZero)
}

/// Split `total` into parts proportional to `weights`, each part a whole number of `unit`s
/// (e.g. 0.01), adding up to `total` exactly (largest-remainder method; ties go to the earlier
/// part). `total` must be a whole number of units; weights must be ≥ 0 with a positive sum.
pub fn split_largest_remainder(total: Decimal, weights: &[Decimal], unit: Decimal) -> Vec<Decimal> {
    let sum: Decimal = weights.iter().copied().sum();
    if weights.is_empty() || sum <= Decimal::ZERO {
        return vec![Decimal::ZERO; weights.len()];
    }
    let units_total = (total / unit).trunc();
    let exact: Vec<Decimal> = weights.iter().map(|w| units_total * *w / sum).collect();
    let mut parts: Vec<Decimal> = exact.iter().map(|e| e.floor()).collect();
    let mut left = units_total - parts.iter().copied().sum::<Decimal>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Largest fractional remainder first; stable sort keeps earlier parts first on ties.
    order.sort_by(|&a, &b| (exact[b] - parts[b]).cmp(&(exact[a] - parts[a])));
    for &i in order.iter().cycle() {
        if left <= Decimal::ZERO {
            break;
        }
        parts[i] += Decimal::ONE;
        left -= Decimal::ONE;
    }
    parts.into_iter().map(|p| p * unit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round_yuan(d("2.345")), d("2.35"));
        assert_eq!(round_yuan(d("2.344999")), d("2.34"));
        assert_eq!(round_volume(d("3.3335")), d("3.334"));
    }

    #[test]
    fn split_adds_up_and_follows_remainders() {
        // 100.00 in thirds: 33.333… each → floors 33.33 ×3 = 99.99, 1 cent left → first part.
        let parts = split_largest_remainder(d("100"), &[d("1"), d("1"), d("1")], d("0.01"));
        assert_eq!(parts, vec![d("33.34"), d("33.33"), d("33.33")]);
    }
}
