//! Exact decimal measurements and the rounding rule for evaluation data.

use std::fmt;
use std::str::FromStr;

use crate::WaterError;

/// Billionths per unit.
pub const NANO: i64 = 1_000_000_000;

/// A measured value held exactly as an integer number of billionths of its
/// unit (mg/L; pH dimensionless; fecal coliform 个/L). Parsed from decimal
/// text without binary floating point, so a value equal to a class limit
/// compares equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Measure {
    nano: i64,
}

pub(crate) fn round_half_even(num: i128, den: i128) -> i128 {
    assert!(den > 0);
    let q = num.div_euclid(den);
    let r = num.rem_euclid(den);
    match (2 * r).cmp(&den) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
    }
}

impl Measure {
    pub const fn from_nano(nano: i64) -> Self {
        Measure { nano }
    }

    pub const fn nano(self) -> i64 {
        self.nano
    }

    /// `text` must be a plain decimal; panics otherwise (for constants and tests).
    pub fn lit(text: &str) -> Measure {
        text.parse().expect("decimal literal")
    }

    pub fn to_f64(self) -> f64 {
        self.nano as f64 / NANO as f64
    }

    /// From a float (only for pH means, which pass through logarithms),
    /// rounded half to even at the billionth.
    pub fn from_f64(x: f64) -> Measure {
        Measure {
            nano: (x * NANO as f64).round() as i64,
        }
    }

    /// Round to `decimals` places half to even (GB/T 8170, "四舍六入五成双");
    /// when that gives 0 for a non-zero value, keep one significant digit
    /// (总站水字〔2018〕87号, as implemented in `sm1lewc/SurfaceWater`).
    pub fn round_for_evaluation(self, decimals: u32) -> Measure {
        if self.nano == 0 {
            return self;
        }
        let mut d = decimals.min(9);
        // Position of the first significant decimal digit of |x| < 1.
        let abs = self.nano.unsigned_abs();
        if abs < NANO as u64 {
            let mut first = 1;
            let mut scale = NANO as u64 / 10;
            while abs < scale && first < 9 {
                scale /= 10;
                first += 1;
            }
            d = d.max(first);
        }
        let step = 10i128.pow(9 - d);
        Measure {
            nano: (round_half_even(self.nano as i128, step) * step) as i64,
        }
    }

    /// Exact arithmetic mean rounded half to even at the billionth.
    pub fn mean(values: &[Measure]) -> Option<Measure> {
        if values.is_empty() {
            return None;
        }
        let sum: i128 = values.iter().map(|v| v.nano as i128).sum();
        Some(Measure {
            nano: round_half_even(sum, values.len() as i128) as i64,
        })
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.nano < 0 { "-" } else { "" };
        let abs = self.nano.unsigned_abs();
        let (int, frac) = (abs / NANO as u64, abs % NANO as u64);
        if frac == 0 {
            write!(f, "{sign}{int}")
        } else {
            write!(
                f,
                "{sign}{int}.{}",
                format!("{frac:09}").trim_end_matches('0')
            )
        }
    }
}

impl FromStr for Measure {
    type Err = WaterError;

    /// Plain decimal text: `0.5`, `12`, `-1` (negatives parse; callers reject
    /// them). More than nine decimals are rounded half to even.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || WaterError::NotANumber(s.to_string());
        let t = s.trim();
        let (neg, body) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (ip, fp) = body.split_once('.').unwrap_or((body, ""));
        if (ip.is_empty() && fp.is_empty())
            || !ip.bytes().all(|b| b.is_ascii_digit())
            || !fp.bytes().all(|b| b.is_ascii_digit())
            || ip.len() > 9
        {
            return Err(bad());
        }
        let int: i128 = if ip.is_empty() {
            0
        } else {
            ip.parse().map_err(|_| bad())?
        };
        let fd = fp.len().min(30) as u32;
        let frac: i128 = if fd == 0 {
            0
        } else {
            fp[..fd as usize].parse().map_err(|_| bad())?
        };
        let den = 10i128.pow(fd);
        let nano = round_half_even(int * den * NANO as i128 + frac * NANO as i128, den) as i64;
        Ok(Measure {
            nano: if neg { -nano } else { nano },
        })
    }
}

/// A reported value: a number, or "below the detection limit" written `<DL`
/// or `DLL` (the Chinese convention, e.g. `0.01L`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    Value(Measure),
    BelowDetection(Measure),
}

impl Reading {
    /// The value used in statistics: below-detection readings count as half
    /// the detection limit (2017 ranking rules [recall], doc §4).
    pub fn value_for_statistics(self) -> Measure {
        match self {
            Reading::Value(v) => v,
            Reading::BelowDetection(dl) => Measure::from_nano(dl.nano() / 2),
        }
    }
}

impl FromStr for Reading {
    type Err = WaterError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let (below, num) = if let Some(rest) = t.strip_prefix('<') {
            (true, rest)
        } else if let Some(rest) = t.strip_suffix(['L', 'l']) {
            (true, rest)
        } else {
            (false, t)
        };
        let v: Measure = num
            .parse()
            .map_err(|_| WaterError::NotANumber(s.to_string()))?;
        if v.nano() < 0 {
            return Err(WaterError::Negative(s.to_string()));
        }
        Ok(if below {
            Reading::BelowDetection(v)
        } else {
            Reading::Value(v)
        })
    }
}
