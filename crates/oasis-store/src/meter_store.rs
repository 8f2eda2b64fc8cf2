//! What the audits and the server need of a meter store, whatever keeps it: the embedded store
//! ([`Store`]: SQLite and Parquet in a directory) or PostgreSQL ([`PgStore`](crate::PgStore),
//! feature `postgres`). Both keep the same things with the same rules: the register's text,
//! districts, readings as canonical millionths per (meter, instant), a per-meter-day index,
//! ingests that count a reading once however often it is offered (the stored value wins), their
//! rejected lines and conflicts, and quality flags.

use std::collections::HashMap;

use crate::{
    DistrictMeter, IngestCounts, IngestRecord, IngestSession, IngestSettings, MeterDay, Reading, Store, StoreError, StoredDistrict,
    StoredFlag, StoredMeter,
};

/// A conflicting reading kept aside: (meter key, time, stored value, offered value, line).
pub type StoredConflict = (u32, i64, f64, f64, u64);

/// Flags to store per meter: (meter key, from, to, flags (time, kind, detail)) replace the meter's
/// flags within `[from, to]`.
pub type FlagBatch = [(u32, i64, i64, Vec<(i64, String, String)>)];

pub trait MeterStore: Send {
    /// The fixed UTC offset of the store's days (local standard time).
    fn utc_offset_s(&self) -> i32;

    /// Day number (days since 1970-01-01 in the store's clock) of an instant.
    fn day_of(&self, t_s: i64) -> i32 {
        let day = t_s.saturating_add(self.utc_offset_s() as i64).div_euclid(86_400);
        day.clamp(i32::MIN as i64, i32::MAX as i64) as i32
    }

    /// The instant a store day starts.
    fn day_start_s(&self, day: i32) -> i64 {
        day as i64 * 86_400 - self.utc_offset_s() as i64
    }

    /// Adds meters or updates those already registered (a meter keeps its key, so its readings
    /// stay its own); returns (added, updated). All or nothing.
    fn upsert_meters(&mut self, meters: &[(String, Vec<Option<String>>)]) -> Result<(usize, usize), StoreError>;

    /// The register in key order.
    fn meters(&self) -> Result<Vec<StoredMeter>, StoreError>;

    /// Replaces every district with a newly built set and the notes of the build. All or nothing.
    fn replace_districts(&mut self, source: &str, districts: &[StoredDistrict], meters: &[DistrictMeter], notes: &[String]) -> Result<(), StoreError>;

    /// Districts by level, then id.
    fn districts(&self) -> Result<Vec<StoredDistrict>, StoreError>;

    /// The meters of each district, by district and meter id.
    fn district_meters(&self) -> Result<Vec<DistrictMeter>, StoreError>;

    fn district_notes(&self) -> Result<Vec<String>, StoreError>;

    /// The days that hold readings, in order, with their number of readings.
    fn days(&self) -> Result<Vec<(i32, u64)>, StoreError>;

    /// The index entries of days `from_day..=to_day`, for every meter, in (meter, day) order.
    fn meter_days(&self, from_day: i32, to_day: i32) -> Result<Vec<(i32, MeterDay)>, StoreError>;

    /// The readings of the given meters in `[from_s, to_s]`, each series in time order.
    fn readings(&self, keys: &[u32], from_s: i64, to_s: i64) -> Result<HashMap<u32, Vec<Reading>>, StoreError>;

    /// Starts an ingest of one source (a file).
    fn ingest(&mut self, source: &str, settings: IngestSettings) -> Result<Box<dyn Ingest + '_>, StoreError>;

    fn ingests(&self) -> Result<Vec<IngestRecord>, StoreError>;

    /// Lines set aside by an ingest: (line, field, message, text).
    fn rejected_lines(&self, ingest: i64) -> Result<Vec<(u64, String, String, String)>, StoreError>;

    /// Conflicting readings of an ingest: (meter key, time, stored, offered, line).
    fn conflicts(&self, ingest: i64) -> Result<Vec<StoredConflict>, StoreError>;

    /// Replaces each meter's flags within its span. One transaction for all.
    fn replace_flags(&mut self, batch: &FlagBatch) -> Result<(), StoreError>;

    fn flags(&self, from_s: i64, to_s: i64) -> Result<Vec<StoredFlag>, StoreError>;
}

/// One ingest: readings pushed in any order; what `finish` (or an earlier flush) commits counts,
/// what is not committed when the session is dropped is not stored.
pub trait Ingest {
    /// A parsed reading from `line` of the source: meter key, instant, canonical value.
    fn push(&mut self, meter: u32, t_s: i64, value: f64, line: u64) -> Result<(), StoreError>;

    /// A line that could not be read: kept with its text for review, never stored as a reading.
    fn reject(&mut self, line: u64, field: &str, message: &str, text: &str);

    /// Commits everything and returns the counts of the whole ingest.
    fn finish(self: Box<Self>) -> Result<IngestCounts, StoreError>;
}

impl MeterStore for Store {
    fn utc_offset_s(&self) -> i32 {
        Store::utc_offset_s(self)
    }
    fn upsert_meters(&mut self, meters: &[(String, Vec<Option<String>>)]) -> Result<(usize, usize), StoreError> {
        Store::upsert_meters(self, meters)
    }
    fn meters(&self) -> Result<Vec<StoredMeter>, StoreError> {
        Store::meters(self)
    }
    fn replace_districts(&mut self, source: &str, districts: &[StoredDistrict], meters: &[DistrictMeter], notes: &[String]) -> Result<(), StoreError> {
        Store::replace_districts(self, source, districts, meters, notes)
    }
    fn districts(&self) -> Result<Vec<StoredDistrict>, StoreError> {
        Store::districts(self)
    }
    fn district_meters(&self) -> Result<Vec<DistrictMeter>, StoreError> {
        Store::district_meters(self)
    }
    fn district_notes(&self) -> Result<Vec<String>, StoreError> {
        Store::district_notes(self)
    }
    fn days(&self) -> Result<Vec<(i32, u64)>, StoreError> {
        Ok(self.partitions()?.into_iter().map(|(day, _, rows)| (day, rows)).collect())
    }
    fn meter_days(&self, from_day: i32, to_day: i32) -> Result<Vec<(i32, MeterDay)>, StoreError> {
        Store::meter_days(self, from_day, to_day)
    }
    fn readings(&self, keys: &[u32], from_s: i64, to_s: i64) -> Result<HashMap<u32, Vec<Reading>>, StoreError> {
        Store::readings(self, keys, from_s, to_s)
    }
    fn ingest(&mut self, source: &str, settings: IngestSettings) -> Result<Box<dyn Ingest + '_>, StoreError> {
        Ok(Box::new(self.begin_ingest(source, settings)?))
    }
    fn ingests(&self) -> Result<Vec<IngestRecord>, StoreError> {
        Store::ingests(self)
    }
    fn rejected_lines(&self, ingest: i64) -> Result<Vec<(u64, String, String, String)>, StoreError> {
        Store::rejected_lines(self, ingest)
    }
    fn conflicts(&self, ingest: i64) -> Result<Vec<StoredConflict>, StoreError> {
        Store::conflicts(self, ingest)
    }
    fn replace_flags(&mut self, batch: &FlagBatch) -> Result<(), StoreError> {
        Store::replace_flags(self, batch)
    }
    fn flags(&self, from_s: i64, to_s: i64) -> Result<Vec<StoredFlag>, StoreError> {
        Store::flags(self, from_s, to_s)
    }
}

impl Ingest for IngestSession<'_> {
    fn push(&mut self, meter: u32, t_s: i64, value: f64, line: u64) -> Result<(), StoreError> {
        IngestSession::push(self, meter, t_s, value, line)
    }
    fn reject(&mut self, line: u64, field: &str, message: &str, text: &str) {
        IngestSession::reject(self, line, field, message, text)
    }
    fn finish(self: Box<Self>) -> Result<IngestCounts, StoreError> {
        IngestSession::finish(*self)
    }
}
