//! Time stamps `YYYY-MM-DD HH:MM` as whole minutes since 1970-01-01 00:00 (no time zone).

/// Minutes since 1970-01-01 00:00 of a `YYYY-MM-DD HH:MM` stamp (seconds `:SS` allowed
/// when they are zero), or `None` if it is not one.
pub fn parse_stamp(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = s.split_once([' ', 'T'])?;
    let mut d = date.split('-');
    let y: i64 = d.next()?.parse().ok()?;
    let m: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    if d.next().is_some() || !(1..=12).contains(&m) || day == 0 || day > days_in_month(y, m) {
        return None;
    }
    let mut t = time.split(':');
    let hh: i64 = t.next()?.parse().ok()?;
    let mm: i64 = t.next()?.parse().ok()?;
    if let Some(ss) = t.next() {
        let ss: f64 = ss.parse().ok()?;
        if ss != 0.0 {
            return None;
        }
    }
    if t.next().is_some() || !(0..24).contains(&hh) || !(0..60).contains(&mm) {
        return None;
    }
    Some(days_from_civil(y, m, day) * 1440 + hh * 60 + mm)
}

/// The `YYYY-MM-DD HH:MM` text of a minute count.
pub fn format_stamp(min: i64) -> String {
    let days = min.div_euclid(1440);
    let rem = min.rem_euclid(1440);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", rem / 60, rem % 60)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-calendar algorithms (public domain description).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejects() {
        for s in ["1970-01-01 00:00", "2019-02-28 23:55", "2020-02-29 12:05", "2018-12-31 00:00"] {
            assert_eq!(format_stamp(parse_stamp(s).unwrap()), s);
        }
        assert_eq!(parse_stamp("1970-01-02 00:01"), Some(1441));
        assert_eq!(parse_stamp("2019-02-29 00:00"), None);
        assert_eq!(parse_stamp("2019-01-01 24:00"), None);
        assert_eq!(parse_stamp("2019-01-01"), None);
        assert_eq!(parse_stamp("abc"), None);
    }
}
