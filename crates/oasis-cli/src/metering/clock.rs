//! Time stamps of meter files: local times in a fixed offset or a named zone, any layout chrono
//! can read, with daylight-saving repeats told apart and spring-forward gaps refused.

use anyhow::{anyhow, bail};
use chrono::{NaiveDateTime, TimeZone};

pub enum Zone {
    Fixed(i32),
    Named(chrono_tz::Tz),
}

pub struct TimeParser {
    format: Option<String>,
    zone: Zone,
}

/// A parsed stamp: the instant, and for a local time that occurs twice (the autumn hour) the
/// later instant too.
pub struct Stamp {
    pub t_s: i64,
    pub repeat_t_s: Option<i64>,
}

/// `+08:00`, `-0530`, `8` → seconds east of UTC.
pub fn parse_offset(s: &str) -> anyhow::Result<i32> {
    let s = s.trim();
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'-') => (-1, &s[1..]),
        Some(b'+') => (1, &s[1..]),
        _ => (1, s),
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let (h, m): (i32, i32) = (h.parse().map_err(|_| anyhow!("bad UTC offset '{s}'"))?, m.parse().map_err(|_| anyhow!("bad UTC offset '{s}'"))?);
    if h > 14 || m > 59 {
        bail!("bad UTC offset '{s}' (expected like +08:00)");
    }
    Ok(sign * (h * 3600 + m * 60))
}

impl TimeParser {
    pub fn new(format: Option<String>, timezone: Option<&str>, offset_s: i32) -> anyhow::Result<TimeParser> {
        let zone = match timezone {
            Some(name) => Zone::Named(name.parse().map_err(|_| anyhow!("unknown time zone '{name}' (expected an IANA name such as Asia/Shanghai or Europe/Rome)"))?),
            None => Zone::Fixed(offset_s),
        };
        Ok(TimeParser { format, zone })
    }

    pub fn parse(&self, s: &str) -> Result<Stamp, String> {
        let s = s.trim();
        if self.format.is_none() {
            // A stamp with its own offset needs no zone.
            if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
                return Ok(Stamp { t_s: dt.timestamp(), repeat_t_s: None });
            }
        }
        let local = match &self.format {
            Some(f) => NaiveDateTime::parse_from_str(s, f).map_err(|e| format!("'{s}' does not match the time format '{f}': {e}"))?,
            None => parse_iso(s).ok_or_else(|| format!("'{s}' is not a time (expected YYYY-MM-DD HH:MM[:SS])"))?,
        };
        match &self.zone {
            Zone::Fixed(off) => Ok(Stamp { t_s: local.and_utc().timestamp() - *off as i64, repeat_t_s: None }),
            Zone::Named(tz) => match tz.from_local_datetime(&local) {
                chrono::LocalResult::Single(t) => Ok(Stamp { t_s: t.timestamp(), repeat_t_s: None }),
                chrono::LocalResult::Ambiguous(a, b) => {
                    let (a, b) = (a.timestamp(), b.timestamp());
                    Ok(Stamp { t_s: a.min(b), repeat_t_s: Some(a.max(b)) })
                }
                chrono::LocalResult::None => Err(format!("'{s}' does not exist in {tz} (the clocks went forward)")),
            },
        }
    }
}

/// `YYYY-MM-DD HH:MM[:SS]` (or with `T`), read without chrono's general parser: the common case
/// of files of hundreds of millions of lines.
fn parse_iso(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || (b[10] != b' ' && b[10] != b'T') || b[13] != b':' {
        return chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0));
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let mut v = 0u32;
        for &c in &b[r] {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + (c - b'0') as u32;
        }
        Some(v)
    };
    let sec = match b.len() {
        16 => 0,
        19 if b[16] == b':' => num(17..19)?,
        _ => return None,
    };
    chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?.and_hms_opt(num(11..13)?, num(14..16)?, sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_iso_stamps() {
        assert_eq!(parse_offset("+08:00").unwrap(), 28_800);
        assert_eq!(parse_offset("-0530").unwrap(), -19_800);
        assert!(parse_offset("+25:00").is_err());
        let p = TimeParser::new(None, None, 28_800).unwrap();
        assert_eq!(p.parse("2025-03-01 08:00").unwrap().t_s, 1_740_787_200);
        assert_eq!(p.parse("2025-03-01T08:00:30").unwrap().t_s, 1_740_787_230);
        assert_eq!(p.parse("2025-03-01T00:00:00Z").unwrap().t_s, 1_740_787_200);
        assert!(p.parse("2025-02-30 08:00").is_err());
        assert!(p.parse("yesterday").is_err());
    }

    #[test]
    fn the_autumn_hour_is_twice_and_the_spring_hour_never() {
        let p = TimeParser::new(None, Some("Europe/Rome"), 0).unwrap();
        let s = p.parse("2021-10-31 02:00").unwrap();
        assert_eq!(s.repeat_t_s.unwrap() - s.t_s, 3600);
        assert!(p.parse("2021-03-28 02:30").is_err());
        let dmy = TimeParser::new(Some("%d/%m/%Y %H:%M:%S".into()), Some("Europe/Athens"), 0).unwrap();
        assert_eq!(dmy.parse("01/03/2016 01:19:43").unwrap().t_s, 1_456_787_983);
    }
}
