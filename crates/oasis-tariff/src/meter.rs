//! Consumption from cumulative register readings: meter replacement and register rollover.
//!
//! Readings are the register values a reader wrote down, with their dates. A replacement is two
//! records: the old meter's last register (`removed`) and the new meter's first (`installed`).
//! A register lower than the one before is accepted only as a rollover — the meter has a
//! declared register capacity and going round it means less than half a turn — otherwise it is
//! an error, never a guess.

use crate::period::Period;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingEvent {
    /// An ordinary reading.
    Regular,
    /// The old meter's final register when it was taken out.
    Removed,
    /// The new meter's first register when it was put in.
    Installed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub date: NaiveDate,
    pub register_m3: Decimal,
    pub event: ReadingEvent,
    /// Where the record came from (e.g. `readings.csv line 14`), for messages.
    pub record: String,
}

/// Something the clerk should know about how a volume was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeterNote {
    Rollover { date: NaiveDate, previous_m3: Decimal, register_m3: Decimal, volume_m3: Decimal },
    Replacement { date: NaiveDate, old_final_m3: Decimal, new_start_m3: Decimal },
    /// No reading before the period: the first reading ever is the opening register.
    FirstReading { date: NaiveDate },
}

impl fmt::Display for MeterNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MeterNote::Rollover { date, previous_m3, register_m3, volume_m3 } => write!(
                f,
                "register rollover on {date}: {previous_m3} → {register_m3}, counted as {volume_m3} m³"
            ),
            MeterNote::Replacement { date, old_final_m3, new_start_m3 } => {
                write!(f, "meter replaced on {date}: old meter ended at {old_final_m3}, new meter started at {new_start_m3}")
            }
            MeterNote::FirstReading { date } => write!(f, "no earlier reading: opening register is the first reading, {date}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeterError {
    #[error("{record}: reading {register_m3} on {date} is lower than the previous {previous_m3} and there is no replacement record (and it is not a plausible register rollover)")]
    ReadingDecreased { record: String, date: NaiveDate, previous_m3: Decimal, register_m3: Decimal },
    #[error("{record}: new meter installed on {date} but the previous record is not the old meter's removal")]
    InstallWithoutRemoval { record: String, date: NaiveDate },
    #[error("{record}: reading on {date} follows a meter removal with no installation record")]
    ReadingAfterRemoval { record: String, date: NaiveDate },
    #[error("no reading dated within {period}")]
    NoReadingInPeriod { period: Period },
    #[error("{record}: register {register_m3} is negative")]
    NegativeRegister { record: String, register_m3: Decimal },
}

/// Volume used between two readings, with the notes explaining it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub volume_m3: Decimal,
    pub notes: Vec<MeterNote>,
}

/// A customer's meter: readings sorted by date (stable, so same-day records keep file order).
#[derive(Debug, Clone)]
pub struct MeterHistory {
    readings: Vec<Reading>,
    register_capacity_m3: Option<Decimal>,
}

impl MeterHistory {
    pub fn new(mut readings: Vec<Reading>, register_capacity_m3: Option<Decimal>) -> Self {
        readings.sort_by_key(|r| r.date);
        MeterHistory { readings, register_capacity_m3 }
    }

    pub fn readings(&self) -> &[Reading] {
        &self.readings
    }

    /// Volume between readings `from` and `to` (indices, `from ≤ to`).
    pub fn usage_between(&self, from: usize, to: usize) -> Result<Usage, MeterError> {
        let r = &self.readings;
        let mut volume = Decimal::ZERO;
        let mut notes = Vec::new();
        if let Some(bad) = r[from..=to].iter().find(|x| x.register_m3 < Decimal::ZERO) {
            return Err(MeterError::NegativeRegister { record: bad.record.clone(), register_m3: bad.register_m3 });
        }
        for i in from + 1..=to {
            let (prev, cur) = (&r[i - 1], &r[i]);
            match (prev.event, cur.event) {
                (ReadingEvent::Removed, ReadingEvent::Installed) => {
                    notes.push(MeterNote::Replacement {
                        date: cur.date,
                        old_final_m3: prev.register_m3,
                        new_start_m3: cur.register_m3,
                    });
                    continue;
                }
                (_, ReadingEvent::Installed) => {
                    return Err(MeterError::InstallWithoutRemoval { record: cur.record.clone(), date: cur.date });
                }
                (ReadingEvent::Removed, _) => {
                    return Err(MeterError::ReadingAfterRemoval { record: cur.record.clone(), date: cur.date });
                }
                _ => {}
            }
            let delta = cur.register_m3 - prev.register_m3;
            if delta >= Decimal::ZERO {
                volume += delta;
                continue;
            }
            // Lower register: only a rollover if the meter can roll over and it went less than
            // half way round (a reading error or an unrecorded swap otherwise).
            let rolled = self
                .register_capacity_m3
                .map(|cap| (cap, delta + cap))
                .filter(|(cap, v)| *v >= Decimal::ZERO && *v * Decimal::TWO < *cap);
            match rolled {
                Some((_, v)) => {
                    volume += v;
                    notes.push(MeterNote::Rollover {
                        date: cur.date,
                        previous_m3: prev.register_m3,
                        register_m3: cur.register_m3,
                        volume_m3: v,
                    });
                }
                None => {
                    return Err(MeterError::ReadingDecreased {
                        record: cur.record.clone(),
                        date: cur.date,
                        previous_m3: prev.register_m3,
                        register_m3: cur.register_m3,
                    });
                }
            }
        }
        Ok(Usage { from: r[from].date, to: r[to].date, volume_m3: volume, notes })
    }

    /// Index of the last reading dated before `date`.
    fn last_before(&self, date: NaiveDate) -> Option<usize> {
        self.readings.iter().rposition(|r| r.date < date)
    }

    /// Index of the opening register for a period starting on `start`: the last reading before
    /// it, else the very first reading (a new connection), with a note.
    fn opening(&self, start: NaiveDate, notes: &mut Vec<MeterNote>) -> Option<usize> {
        self.last_before(start).or_else(|| {
            let first = self.readings.first()?;
            notes.push(MeterNote::FirstReading { date: first.date });
            Some(0)
        })
    }

    /// Use billed in `period`: from the last reading before the period to the last reading
    /// dated within it.
    pub fn period_usage(&self, period: Period) -> Result<Usage, MeterError> {
        let end = self
            .readings
            .iter()
            .rposition(|r| period.contains(r.date))
            .ok_or(MeterError::NoReadingInPeriod { period })?;
        let mut notes = Vec::new();
        let start = self.opening(period.start(), &mut notes).expect("there is at least one reading");
        let mut usage = self.usage_between(start, end)?;
        notes.append(&mut usage.notes);
        usage.notes = notes;
        Ok(usage)
    }

    /// Use accumulated in the billing periods of the same calendar year before `period`
    /// (for annual accumulation): from the last reading before 1 January to the period's
    /// opening reading.
    pub fn year_to_date_before(&self, period: Period) -> Result<Decimal, MeterError> {
        let mut ignored = Vec::new();
        let Some(year_open) = self.opening(period.year_start(), &mut ignored) else { return Ok(Decimal::ZERO) };
        let Some(period_open) = self.opening(period.start(), &mut ignored) else { return Ok(Decimal::ZERO) };
        if period_open <= year_open {
            return Ok(Decimal::ZERO);
        }
        Ok(self.usage_between(year_open, period_open)?.volume_m3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn rd(date: &str, reg: &str, event: ReadingEvent) -> Reading {
        Reading {
            date: NaiveDate::from_str(date).unwrap(),
            register_m3: Decimal::from_str(reg).unwrap(),
            event,
            record: format!("test {date}"),
        }
    }
    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    use ReadingEvent::*;

    #[test]
    fn rollover_on_a_five_digit_register() {
        // 99 990 → 40 on a 100 000 m³ register: 100 000 − 99 990 + 40 = 50 m³.
        let m = MeterHistory::new(
            vec![rd("2025-02-20", "99990", Regular), rd("2025-03-20", "40", Regular)],
            Some(d("100000")),
        );
        let u = m.period_usage("2025-03".parse().unwrap()).unwrap();
        assert_eq!(u.volume_m3, d("50"));
        assert!(matches!(u.notes[0], MeterNote::Rollover { .. }));
    }

    #[test]
    fn decrease_without_replacement_is_an_error() {
        // 1 200 → 1 150 on a 100 000 register would be a 99 950 m³ rollover: more than half a turn.
        let m = MeterHistory::new(
            vec![rd("2025-02-20", "1200", Regular), rd("2025-03-20", "1150", Regular)],
            Some(d("100000")),
        );
        let e = m.period_usage("2025-03".parse().unwrap()).unwrap_err();
        assert!(matches!(e, MeterError::ReadingDecreased { .. }), "{e}");
        assert!(e.to_string().contains("test 2025-03-20"));
        // Without a declared capacity no rollover is possible at all.
        let m = MeterHistory::new(vec![rd("2025-02-20", "99990", Regular), rd("2025-03-20", "40", Regular)], None);
        assert!(m.period_usage("2025-03".parse().unwrap()).is_err());
    }

    #[test]
    fn replacement_adds_old_and_new_meter_use() {
        // Old meter 500 → 530 (30 m³), new meter 0 → 12 (12 m³): 42 m³.
        let m = MeterHistory::new(
            vec![
                rd("2025-02-20", "500", Regular),
                rd("2025-03-05", "530", Removed),
                rd("2025-03-05", "0", Installed),
                rd("2025-03-20", "12", Regular),
            ],
            None,
        );
        let u = m.period_usage("2025-03".parse().unwrap()).unwrap();
        assert_eq!(u.volume_m3, d("42"));
        assert!(u.notes.iter().any(|n| matches!(n, MeterNote::Replacement { .. })));
    }

    #[test]
    fn install_without_removal_is_an_error() {
        let m = MeterHistory::new(
            vec![rd("2025-02-20", "500", Regular), rd("2025-03-05", "0", Installed), rd("2025-03-20", "12", Regular)],
            None,
        );
        assert!(matches!(
            m.period_usage("2025-03".parse().unwrap()),
            Err(MeterError::InstallWithoutRemoval { .. })
        ));
    }

    #[test]
    fn no_reading_in_period() {
        let m = MeterHistory::new(vec![rd("2025-02-20", "500", Regular)], None);
        assert_eq!(
            m.period_usage("2025-03".parse().unwrap()),
            Err(MeterError::NoReadingInPeriod { period: "2025-03".parse().unwrap() })
        );
    }

    #[test]
    fn year_to_date_counts_this_years_periods_only() {
        // Dec 20: 100; Jan 20: 110; Feb 20: 125; Mar 20: 145.
        // Before March (2025): 125 − 100 = 25 m³ (January's 10 + February's 15).
        let m = MeterHistory::new(
            vec![
                rd("2024-12-20", "100", Regular),
                rd("2025-01-20", "110", Regular),
                rd("2025-02-20", "125", Regular),
                rd("2025-03-20", "145", Regular),
            ],
            None,
        );
        assert_eq!(m.year_to_date_before("2025-03".parse().unwrap()).unwrap(), d("25"));
        assert_eq!(m.year_to_date_before("2025-01".parse().unwrap()).unwrap(), d("0"));
    }
}
