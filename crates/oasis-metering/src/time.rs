//! Local civil times ↔ seconds since the Unix epoch (UTC), for a fixed UTC offset.
//!
//! The register and readings give local times; a fixed offset (no daylight saving) is what
//! the ingest is told, so a local day is always 86 400 s long.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Days from 0001-01-01 (chrono's "CE" day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS` (a `T` may separate date and
/// time) as local time at `utc_offset_s` east of UTC, giving seconds since the epoch.
pub fn parse_local_time(s: &str, utc_offset_s: i32) -> Result<i64, String> {
    let s = s.trim();
    let dt = if s.len() == 10 {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map(|d| d.and_time(NaiveTime::MIN))
    } else {
        let t = s.replacen('T', " ", 1);
        NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M"))
    }
    .map_err(|_| "expected YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS]".to_string())?;
    Ok(dt.and_utc().timestamp() - utc_offset_s as i64)
}

/// The local date and time of `t_s`, or `None` outside chrono's range.
pub fn local_datetime(t_s: i64, utc_offset_s: i32) -> Option<NaiveDateTime> {
    let local = t_s.checked_add(utc_offset_s as i64)?;
    chrono::DateTime::from_timestamp(local, 0).map(|d| d.naive_utc())
}

/// Formats `t_s` as local `YYYY-MM-DD` when it is local midnight, else `YYYY-MM-DD HH:MM:SS`
/// (both read back by [`parse_local_time`]).
pub fn format_local_time(t_s: i64, utc_offset_s: i32) -> String {
    match local_datetime(t_s, utc_offset_s) {
        Some(d) if d.time() == NaiveTime::MIN => d.format("%Y-%m-%d").to_string(),
        Some(d) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
        None => format!("@{t_s}"),
    }
}

/// The local day number (days since 1970-01-01 local) of `t_s`, and the local date.
pub fn local_day(t_s: i64, utc_offset_s: i32) -> Option<(i64, NaiveDate)> {
    let local = t_s.checked_add(utc_offset_s as i64)?;
    let day = local.div_euclid(86_400);
    let date = NaiveDate::from_num_days_from_ce_opt(i32::try_from(day.checked_add(UNIX_EPOCH_DAYS_FROM_CE)?).ok()?)?;
    Some((day, date))
}

/// Seconds since the epoch of local midnight starting local day number `day`.
pub fn local_day_start(day: i64, utc_offset_s: i32) -> Option<i64> {
    day.checked_mul(86_400)?.checked_sub(utc_offset_s as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_with_offset() {
        // 2025-01-01 08:00 at UTC+8 is 2025-01-01 00:00 UTC = 1 735 689 600.
        assert_eq!(parse_local_time("2025-01-01 08:00", 8 * 3600).unwrap(), 1_735_689_600);
        assert_eq!(parse_local_time("2025-01-01T08:00:00", 8 * 3600).unwrap(), 1_735_689_600);
        assert_eq!(parse_local_time("2025-01-01", 0).unwrap(), 1_735_689_600);
        assert!(parse_local_time("2025-13-01", 0).is_err());
        assert!(parse_local_time("01/02/2025", 0).is_err());
        assert_eq!(format_local_time(1_735_689_600, 8 * 3600), "2025-01-01 08:00:00");
        assert_eq!(format_local_time(1_735_689_600, 0), "2025-01-01");
        // 2024-12-31 23:00 UTC is already 1 January at UTC+8.
        let (_, d) = local_day(1_735_689_600 - 3600, 8 * 3600).unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        let (day, d) = local_day(1_735_689_600 - 3600, 0).unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2024, 12, 31).unwrap());
        assert_eq!(local_day_start(day + 1, 0).unwrap(), 1_735_689_600);
        assert!(local_day(i64::MAX, 3600).is_none());
    }
}
