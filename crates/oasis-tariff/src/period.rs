//! Billing and reporting periods: a month (`2025-03`), a quarter (`2025-Q1`) or a year (`2025`).

use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// A calendar period; it covers the days `start() ..= end()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Year(i32),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a period: write a month 2025-03, a quarter 2025-Q1 or a year 2025")]
pub struct PeriodParseError(pub String);

impl FromStr for Period {
    type Err = PeriodParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodParseError(s.to_string());
        let t = s.trim();
        let year_of = |y: &str| -> Result<i32, PeriodParseError> {
            if y.len() != 4 {
                return Err(err());
            }
            y.parse::<i32>().map_err(|_| err())
        };
        match t.split_once('-') {
            None => Ok(Period::Year(year_of(t)?)),
            Some((y, rest)) => {
                let year = year_of(y)?;
                if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
                    let quarter: u32 = q.parse().map_err(|_| err())?;
                    if !(1..=4).contains(&quarter) {
                        return Err(err());
                    }
                    Ok(Period::Quarter { year, quarter })
                } else {
                    let month: u32 = rest.parse().map_err(|_| err())?;
                    if !(1..=12).contains(&month) || rest.len() != 2 {
                        return Err(err());
                    }
                    Ok(Period::Month { year, month })
                }
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Period::Year(year) => write!(f, "{year:04}"),
        }
    }
}

impl Period {
    pub fn year(&self) -> i32 {
        match *self {
            Period::Month { year, .. } | Period::Quarter { year, .. } | Period::Year(year) => year,
        }
    }

    /// Months of the year (1–12) this period covers.
    pub fn months(&self) -> Vec<u32> {
        match *self {
            Period::Month { month, .. } => vec![month],
            Period::Quarter { quarter, .. } => (3 * quarter - 2..=3 * quarter).collect(),
            Period::Year(_) => (1..=12).collect(),
        }
    }

    /// First day of the period.
    pub fn start(&self) -> NaiveDate {
        let m = self.months()[0];
        NaiveDate::from_ymd_opt(self.year(), m, 1).expect("valid first day")
    }

    /// First day after the period.
    pub fn end_exclusive(&self) -> NaiveDate {
        let last = *self.months().last().expect("a period has months");
        if last == 12 {
            NaiveDate::from_ymd_opt(self.year() + 1, 1, 1).expect("valid date")
        } else {
            NaiveDate::from_ymd_opt(self.year(), last + 1, 1).expect("valid date")
        }
    }

    /// First day of the period's calendar year (start of annual accumulation).
    pub fn year_start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), 1, 1).expect("valid date")
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        date >= self.start() && date < self.end_exclusive()
    }

    /// The month period containing `date`.
    pub fn month_of(date: NaiveDate) -> Period {
        Period::Month { year: date.year(), month: date.month() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_bounds() {
        let p: Period = "2025-02".parse().unwrap();
        assert_eq!(p.start(), NaiveDate::from_ymd_opt(2025, 2, 1).unwrap());
        assert_eq!(p.end_exclusive(), NaiveDate::from_ymd_opt(2025, 3, 1).unwrap());
        let q: Period = "2025-Q4".parse().unwrap();
        assert_eq!(q.months(), vec![10, 11, 12]);
        assert_eq!(q.end_exclusive(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!("2025".parse::<Period>().unwrap(), Period::Year(2025));
        assert!("2025-13".parse::<Period>().is_err());
        assert!("2025-Q5".parse::<Period>().is_err());
        assert!("25-01".parse::<Period>().is_err());
        assert_eq!(q.to_string(), "2025-Q4");
    }
}
