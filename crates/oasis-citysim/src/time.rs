//! Local calendar dates and time stamps (`YYYY-MM-DD HH:MM:SS`), without a
//! time-zone library: the city runs on one fixed local offset.

use std::fmt;

/// A local calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl LocalDate {
    pub fn new(year: i32, month: u32, day: u32) -> Option<LocalDate> {
        let d = LocalDate { year, month, day };
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(d)
    }

    /// `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<LocalDate> {
        let mut it = s.trim().splitn(3, '-');
        let y = it.next()?.parse().ok()?;
        let m = it.next()?.parse().ok()?;
        let d = it.next()?.parse().ok()?;
        LocalDate::new(y, m, d)
    }

    /// Days since 1970-01-01 (Hinnant's `days_from_civil`).
    pub fn days_since_epoch(self) -> i64 {
        let y = self.year as i64 - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(z: i64) -> LocalDate {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        LocalDate { year, month, day }
    }

    pub fn plus_days(self, n: i64) -> LocalDate {
        LocalDate::from_days_since_epoch(self.days_since_epoch() + n)
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        ((self.days_since_epoch() + 3).rem_euclid(7)) as u32
    }
}

impl fmt::Display for LocalDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// `YYYY-MM-DD HH:MM:SS` of `t_s` seconds after local midnight of `start`.
pub fn stamp(start: LocalDate, t_s: i64) -> String {
    let mut b = [0u8; 19];
    let mut cache = DayCache::new(start);
    cache.write(t_s, &mut b);
    String::from_utf8_lossy(&b).into_owned()
}

/// Formats time stamps fast: the date text is kept per day.
pub(crate) struct DayCache {
    start: LocalDate,
    day: i64,
    date: [u8; 10],
}

impl DayCache {
    pub(crate) fn new(start: LocalDate) -> DayCache {
        let mut c = DayCache {
            start,
            day: i64::MIN,
            date: [0; 10],
        };
        c.set_day(0);
        c
    }

    fn set_day(&mut self, day: i64) {
        let d = self.start.plus_days(day);
        let s = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
        self.date.copy_from_slice(&s.as_bytes()[..10]);
        self.day = day;
    }

    /// Writes the 19-byte stamp of `t_s` into `out`.
    pub(crate) fn write(&mut self, t_s: i64, out: &mut [u8; 19]) {
        let day = t_s.div_euclid(86_400);
        if day != self.day {
            self.set_day(day);
        }
        let s = t_s.rem_euclid(86_400);
        out[..10].copy_from_slice(&self.date);
        let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
        out[10] = b' ';
        out[11] = b'0' + (h / 10) as u8;
        out[12] = b'0' + (h % 10) as u8;
        out[13] = b':';
        out[14] = b'0' + (m / 10) as u8;
        out[15] = b'0' + (m % 10) as u8;
        out[16] = b':';
        out[17] = b'0' + (sec / 10) as u8;
        out[18] = b'0' + (sec % 10) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_weekdays() {
        let d = LocalDate::new(2026, 3, 1).unwrap();
        assert_eq!(d.plus_days(-1), LocalDate::new(2026, 2, 28).unwrap());
        assert_eq!(
            LocalDate::new(2024, 2, 28)
                .unwrap()
                .plus_days(1)
                .to_string(),
            "2024-02-29"
        );
        assert_eq!(LocalDate::parse("2026-12-06"), LocalDate::new(2026, 12, 6));
        assert_eq!(
            LocalDate::new(2026, 12, 6).unwrap().weekday(),
            6,
            "a Sunday"
        );
        assert_eq!(LocalDate::parse("2026-02-30"), None);
        assert_eq!(stamp(d, 86_400 + 3 * 3600 + 61), "2026-03-02 03:01:01");
        for z in -1000..1000 {
            assert_eq!(
                LocalDate::from_days_since_epoch(z * 37).days_since_epoch(),
                z * 37
            );
        }
    }
}
