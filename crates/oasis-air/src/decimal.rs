//! Exact decimal concentrations and GB/T 8170 rounding.
//!
//! The standards round concentrations "四舍六入五成双" (GB/T 8170) and IAQIs up
//! (ceiling). Binary floating point cannot hold 0.5-ties or 50/35 exactly, so
//! everything here is integer arithmetic on millionths of the unit.

use std::fmt;
use std::str::FromStr;

use crate::AirError;

/// Millionths per unit (µg/m³, or mg/m³ for CO).
pub const MICRO: i64 = 1_000_000;

/// A concentration held exactly: an integer number of millionths of its unit
/// (µg/m³, or mg/m³ for CO). Parsed from decimal text without passing through
/// binary floating point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Conc {
    micro: i64,
}

impl Conc {
    pub const ZERO: Conc = Conc { micro: 0 };

    pub const fn from_micro(micro: i64) -> Self {
        Conc { micro }
    }

    /// A whole number of units (e.g. `Conc::from_units(75)` = 75 µg/m³).
    pub const fn from_units(units: i64) -> Self {
        Conc {
            micro: units * MICRO,
        }
    }

    pub const fn micro(self) -> i64 {
        self.micro
    }

    pub const fn is_negative(self) -> bool {
        self.micro < 0
    }

    /// Arithmetic mean, rounded half-to-even at the millionth (used only when an
    /// exact rational is not needed downstream).
    pub fn mean(values: &[Conc]) -> Option<Conc> {
        if values.is_empty() {
            return None;
        }
        let sum: i128 = values.iter().map(|c| c.micro as i128).sum();
        Some(Conc::from_micro(
            round_half_even(sum, values.len() as i128) as i64
        ))
    }
}

impl fmt::Display for Conc {
    /// Shortest exact decimal form: `75`, `0.6`, `1.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.micro < 0 { "-" } else { "" };
        let abs = self.micro.unsigned_abs();
        let int = abs / MICRO as u64;
        let frac = abs % MICRO as u64;
        if frac == 0 {
            write!(f, "{sign}{int}")
        } else {
            let digits = format!("{frac:06}");
            write!(f, "{sign}{int}.{}", digits.trim_end_matches('0'))
        }
    }
}

impl FromStr for Conc {
    type Err = AirError;

    /// Accepts plain decimal text (`12`, `0.6`, `+3.50`, `-1`); more than six
    /// decimals are rounded half-to-even at the sixth. No exponents, no units.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || AirError::NotANumber(s.to_string());
        let t = s.trim();
        let (neg, body) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(bad());
        }
        if !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        if int_part.len() > 12 {
            return Err(bad());
        }
        let int: i128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| bad())?
        };
        // Scale all fraction digits to an exact rational, then round at 1e-6.
        let frac_digits = frac_part.len().min(30) as u32;
        let frac: i128 = if frac_digits == 0 {
            0
        } else {
            frac_part[..frac_digits as usize]
                .parse()
                .map_err(|_| bad())?
        };
        let den = 10i128.pow(frac_digits);
        let num = int * den * MICRO as i128 + frac * MICRO as i128;
        let micro = round_half_even(num, den) as i64;
        Ok(Conc::from_micro(if neg { -micro } else { micro }))
    }
}

/// `num / den` rounded to the nearest integer, ties to even (GB/T 8170
/// "四舍六入五成双": a discarded 5 followed by non-zero digits carries; an exact
/// 5 makes the kept digit even). `den` must be positive.
pub fn round_half_even(num: i128, den: i128) -> i128 {
    assert!(den > 0, "round_half_even needs a positive denominator");
    let q = num.div_euclid(den);
    let r = num.rem_euclid(den); // 0 <= r < den
    match (2 * r).cmp(&den) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => {
            if q % 2 == 0 {
                q
            } else {
                q + 1
            }
        }
    }
}

/// `num / den` rounded up (ceiling). `den` must be positive.
pub fn ceil_div(num: i128, den: i128) -> i128 {
    assert!(den > 0, "ceil_div needs a positive denominator");
    -((-num).div_euclid(den))
}

/// An exact rational concentration in millionths: `num / den` micro-units.
/// Means and percentiles stay exact until they are rounded once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExactConc {
    pub num_micro: i128,
    pub den: i128,
}

impl ExactConc {
    pub fn from_conc(c: Conc) -> Self {
        ExactConc {
            num_micro: c.micro as i128,
            den: 1,
        }
    }

    /// Exact mean of the values; `None` when empty.
    pub fn mean(values: &[Conc]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        let sum: i128 = values.iter().map(|c| c.micro as i128).sum();
        Some(ExactConc {
            num_micro: sum,
            den: values.len() as i128,
        })
    }

    /// Round half-to-even to a multiple of `step_micro` millionths
    /// (1 000 000 = whole units, 100 000 = one decimal).
    pub fn round_to(self, step_micro: i64) -> Conc {
        let steps = round_half_even(self.num_micro, self.den * step_micro as i128);
        Conc::from_micro((steps * step_micro as i128) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!("75".parse::<Conc>().unwrap(), Conc::from_units(75));
        assert_eq!("0.6".parse::<Conc>().unwrap().micro(), 600_000);
        assert_eq!(" +3.50 ".parse::<Conc>().unwrap().micro(), 3_500_000);
        assert_eq!(".5".parse::<Conc>().unwrap().micro(), 500_000);
        assert_eq!("-1".parse::<Conc>().unwrap().micro(), -1_000_000);
        // 7th decimal 5 exactly, 6th digit 2 (even) stays: 0.0000025 -> 0.000002
        assert_eq!("0.0000025".parse::<Conc>().unwrap().micro(), 2);
        // 0.0000035 -> 0.000004 (3 is odd, carry)
        assert_eq!("0.0000035".parse::<Conc>().unwrap().micro(), 4);
        for bad in ["", "abc", "1e3", "1.2.3", "-", ".", "12a", "NaN", "1,5"] {
            assert!(bad.parse::<Conc>().is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn displays_shortest() {
        assert_eq!(Conc::from_micro(600_000).to_string(), "0.6");
        assert_eq!(Conc::from_units(75).to_string(), "75");
        assert_eq!(Conc::from_micro(1_250_000).to_string(), "1.25");
    }

    #[test]
    fn gbt_8170_half_even() {
        // 12.5 -> 12 (kept digit even), 13.5 -> 14, 12.51 -> 13, 12.49 -> 12
        assert_eq!(round_half_even(125, 10), 12);
        assert_eq!(round_half_even(135, 10), 14);
        assert_eq!(round_half_even(1251, 100), 13);
        assert_eq!(round_half_even(1249, 100), 12);
        assert_eq!(round_half_even(-125, 10), -12);
        assert_eq!(ceil_div(1050, 35), 30);
        assert_eq!(ceil_div(1051, 35), 31);
        assert_eq!(ceil_div(-1, 2), 0);
    }

    #[test]
    fn exact_mean_rounds_once() {
        // mean of 12 and 13 = 12.5 -> 12 (even); of 13 and 14 = 13.5 -> 14
        let m = ExactConc::mean(&[Conc::from_units(12), Conc::from_units(13)]).unwrap();
        assert_eq!(m.round_to(MICRO), Conc::from_units(12));
        let m = ExactConc::mean(&[Conc::from_units(13), Conc::from_units(14)]).unwrap();
        assert_eq!(m.round_to(MICRO), Conc::from_units(14));
        // (1 + 2 + 2) / 3 = 1.666.. -> 2 ; CO to one decimal: (0.6+0.7+0.7)/3 = 0.666.. -> 0.7
        let m = ExactConc::mean(&[
            Conc::from_units(1),
            Conc::from_units(2),
            Conc::from_units(2),
        ])
        .unwrap();
        assert_eq!(m.round_to(MICRO), Conc::from_units(2));
        let co: Vec<Conc> = ["0.6", "0.7", "0.7"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        assert_eq!(
            ExactConc::mean(&co).unwrap().round_to(100_000),
            "0.7".parse().unwrap()
        );
        // 0.65 -> 0.6 (even), 0.75 -> 0.8
        let co: Vec<Conc> = ["0.6", "0.7"].iter().map(|s| s.parse().unwrap()).collect();
        assert_eq!(
            ExactConc::mean(&co).unwrap().round_to(100_000),
            "0.6".parse().unwrap()
        );
        let co: Vec<Conc> = ["0.7", "0.8"].iter().map(|s| s.parse().unwrap()).collect();
        assert_eq!(
            ExactConc::mean(&co).unwrap().round_to(100_000),
            "0.8".parse().unwrap()
        );
    }
}
