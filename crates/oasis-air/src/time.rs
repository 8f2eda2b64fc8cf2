//! Civil dates and hour stamps (Beijing local time, no time zones needed).
//!
//! An hourly value is stamped with the **end** of its averaging hour (the
//! national centre's "16:00" value is the mean over 15:00–16:00), so the hour
//! stamped 00:00 belongs to the previous natural day.

use std::fmt;
use std::str::FromStr;

use crate::AirError;

/// A calendar date, held as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i64,
}

/// An hour stamp (end of the averaging hour), held as hours since 1970-01-01T00:00.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HourStamp {
    hours: i64,
}

// Howard Hinnant's days-from-civil / civil-from-days (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

impl Date {
    /// `None` when the day does not exist (e.g. 2026-02-30).
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            days: days_from_civil(year, month, day),
        })
    }

    pub fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.days)
    }

    pub fn year(self) -> i64 {
        self.ymd().0
    }

    pub fn month(self) -> u32 {
        self.ymd().1
    }

    pub fn succ(self) -> Date {
        Date {
            days: self.days + 1,
        }
    }

    pub fn pred(self) -> Date {
        Date {
            days: self.days - 1,
        }
    }

    /// Number of days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        other.days - self.days
    }

    /// The hour stamp `hour` (0..=24) on this date; 24 means 00:00 of the next day.
    pub fn at_hour(self, hour: u32) -> HourStamp {
        HourStamp {
            hours: self.days * 24 + hour as i64,
        }
    }

    /// The 24 hour stamps of this natural day: 01:00 … 24:00 (= next day 00:00),
    /// i.e. the hours ending within the day.
    pub fn hour_stamps(self) -> impl Iterator<Item = HourStamp> {
        (1..=24).map(move |h| self.at_hour(h))
    }
}

impl HourStamp {
    pub fn from_hours_since_epoch(hours: i64) -> Self {
        HourStamp { hours }
    }

    pub fn hours_since_epoch(self) -> i64 {
        self.hours
    }

    /// The calendar date and clock hour of the stamp itself.
    pub fn date_and_hour(self) -> (Date, u32) {
        let days = self.hours.div_euclid(24);
        (Date { days }, self.hours.rem_euclid(24) as u32)
    }

    /// The natural day the averaging hour belongs to: the date of the hour's
    /// start (00:00 stamps belong to the previous day).
    pub fn day(self) -> Date {
        HourStamp {
            hours: self.hours - 1,
        }
        .date_and_hour()
        .0
    }

    pub fn minus_hours(self, h: i64) -> HourStamp {
        HourStamp {
            hours: self.hours - h,
        }
    }

    pub fn plus_hours(self, h: i64) -> HourStamp {
        HourStamp {
            hours: self.hours + h,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Display for HourStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (date, h) = self.date_and_hour();
        write!(f, "{date}T{h:02}:00")
    }
}

fn parse_num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl FromStr for Date {
    type Err = AirError;

    /// `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || AirError::BadTime(s.to_string());
        let t = s.trim();
        let mut parts = t.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let (y, m, d) = (
            parse_num(y).ok_or_else(bad)?,
            parse_num(m).ok_or_else(bad)?,
            parse_num(d).ok_or_else(bad)?,
        );
        Date::from_ymd(y, m as u32, d as u32).ok_or_else(bad)
    }
}

impl FromStr for HourStamp {
    type Err = AirError;

    /// ISO 8601 local time on the hour: `2026-03-15T12:00`, also with a space
    /// instead of `T`, with `:00` seconds, as `T1200` (the national centre's archive
    /// files), or `24:00` (= next day 00:00).
    /// Minutes other than 00 are rejected: the data are hourly.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || AirError::BadTime(s.to_string());
        let t = s.trim();
        let (date, clock) = t.split_once(['T', ' ']).ok_or_else(bad)?;
        let date: Date = date.parse().map_err(|_| bad())?;
        let clock = clock.trim();
        // `HHMM` (as in the national centre's archive files) or `HH:MM[:SS]`.
        let (h, m, sec) = if clock.len() == 4 && !clock.contains(':') {
            (&clock[..2], &clock[2..], None)
        } else {
            let mut parts = clock.split(':');
            let h = parts.next().ok_or_else(bad)?;
            let m = parts.next().ok_or_else(bad)?;
            let sec = parts.next();
            if parts.next().is_some() {
                return Err(bad());
            }
            (h, m, sec)
        };
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let h = parse_num(h).ok_or_else(bad)?;
        let m = parse_num(m).ok_or_else(bad)?;
        if let Some(sec) = sec
            && (sec.len() != 2 || parse_num(sec) != Some(0))
        {
            return Err(bad());
        }
        if m != 0 || h > 24 {
            return Err(bad());
        }
        Ok(date.at_hour(h as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_day_assignment() {
        let t: HourStamp = "2026-03-01T00:00".parse().unwrap();
        assert_eq!(t.to_string(), "2026-03-01T00:00");
        // 23:00–24:00 on 28 February
        assert_eq!(t.day().to_string(), "2026-02-28");
        let t: HourStamp = "2026-03-01 01:00:00".parse().unwrap();
        assert_eq!(t.day().to_string(), "2026-03-01");
        let t: HourStamp = "2026-03-15T1200".parse().unwrap();
        assert_eq!(t.to_string(), "2026-03-15T12:00");
        let t: HourStamp = "2024-02-28T24:00".parse().unwrap();
        assert_eq!(t.to_string(), "2024-02-29T00:00");
        assert_eq!(
            Date::from_ymd(2024, 12, 31).unwrap().succ().to_string(),
            "2025-01-01"
        );
        assert_eq!("1970-01-01".parse::<Date>().unwrap().days, 0);
    }

    #[test]
    fn rejects_bad_times() {
        for bad in [
            "2026-02-30T01:00",
            "2026-03-15",
            "2026-03-15T12:30",
            "2026-03-15T25:00",
            "15/03/2026 12:00",
            "2026-3-15T12:00",
            "",
            "2026-03-15T12:00:01",
            "2026-13-01T01:00",
        ] {
            assert!(bad.parse::<HourStamp>().is_err(), "{bad:?}");
        }
    }
}
