//! The store of meter data: one directory the user names, nothing to start.
//!
//! * `registry.sqlite` — the meter register, districts, the day index of readings, every ingest
//!   with its counts, conflicting and rejected lines, and quality flags (SQLite, WAL, full sync).
//! * `readings/day=YYYY-MM-DD/<part>.parquet` — readings, one file per day of the store's clock
//!   (a fixed UTC offset chosen when the store is made), sorted by meter and time.
//!
//! The index (`meter_days`: per meter and day the row group, the count, first and last reading and
//! the longest step) lets a balance read two readings per meter-day instead of every reading, and
//! lets one meter's series be read from a single row group of each day file.
//!
//! Durability: a day file is written beside the old one, synced and renamed; the SQLite
//! transaction that points the day at the new file is the commit; the old file is deleted after.
//! A crash (SIGKILL) at any point leaves the committed state and at most a stray file, which the
//! next `open` deletes. An ingest holds an exclusive lock on `write.lock` from its start to its
//! end (the OS drops it when the process dies): ingests into one store run one after the other,
//! and `open` deletes stray files only when it can take that lock at once, so a command opening
//! the store while another process ingests never deletes that ingest's files. Callers see domain
//! values only — meter ids, times, canonical values — and no SQL leaves this crate: the audits and
//! the server use the [`MeterStore`] interface, which PostgreSQL implements too ([`PgStore`],
//! feature `postgres`).
//!
//! The server's users ([`UserStore`]) and documents ([`DocumentStore`]: networks, samples,
//! tariffs, whole byte strings by kind and id) are kept here too, in its data directory or in
//! PostgreSQL.

mod days;
mod documents;
#[cfg(feature = "postgres")]
mod documents_pg;
mod ingest;
mod meter_store;
#[cfg(feature = "postgres")]
mod pg;
#[cfg(feature = "postgres")]
mod pg_store;
mod query;
mod registry;
mod schema;
mod users;
#[cfg(feature = "postgres")]
mod users_pg;

use std::path::{Path, PathBuf};

pub use days::{day_dir_name, DayColumns, MeterDay};
pub use documents::{check_name, DocumentStore, FileDocuments};
#[cfg(feature = "postgres")]
pub use documents_pg::PgDocuments;
pub use ingest::{IngestCounts, IngestSession, IngestSettings};
pub use meter_store::{FlagBatch, Ingest, MeterStore, StoredConflict};
#[cfg(feature = "postgres")]
pub use pg_store::PgStore;
pub use query::{ExportCounts, IngestRecord, Reading, StoredFlag};
pub use users::{StoredSession, StoredUser, UserDb, UserStore, WriteLogEntry};
#[cfg(feature = "postgres")]
pub use users_pg::PgUserDb;
pub use registry::{DistrictMeter, MeterRole, StoredDistrict, StoredMeter, REGISTER_COLUMNS};

/// Key of the Parquet key-value metadata that `export_parquet` writes: the values are in canonical
/// units already (a reader must not apply a meter's unit or multiplier to them).
pub const CANONICAL_VALUES_KEY: &str = "oasis.values";
/// Its value.
pub const CANONICAL_VALUES: &str = "canonical (m3, m3/h, m)";

/// Canonical values are kept as integers of millionths (exact equality for duplicates).
pub const MICRO: f64 = 1e6;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("store database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{path}: parquet: {source}")]
    Parquet { path: PathBuf, source: parquet::errors::ParquetError },
    #[error("the store at {dir} has schema version {found}; this program knows up to {known}: use a newer oasis")]
    Version { dir: PathBuf, found: i64, known: i64 },
    #[error("store is damaged: {0}")]
    Corrupt(String),
    #[error("unknown meter '{0}' (not in the register)")]
    UnknownMeter(String),
    #[error("value {0} is outside what the store keeps (±9.2e12 in canonical units)")]
    ValueRange(f64),
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    #[error("document name: {0}")]
    DocumentName(String),
}

impl StoreError {
    fn io(path: &Path, source: std::io::Error) -> StoreError {
        StoreError::Io { path: path.to_path_buf(), source }
    }
    fn parquet(path: &Path, source: parquet::errors::ParquetError) -> StoreError {
        StoreError::Parquet { path: path.to_path_buf(), source }
    }
}

/// An open store.
pub struct Store {
    dir: PathBuf,
    db: rusqlite::Connection,
    utc_offset_s: i32,
}

impl Store {
    /// Opens the store in `dir`, making it (with `utc_offset_s` as its clock) if it is not there,
    /// migrating an older schema, and deleting files a crashed write left behind.
    pub fn open(dir: &Path, utc_offset_s: i32) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir.join("readings")).map_err(|e| StoreError::io(dir, e))?;
        let path = dir.join("registry.sqlite");
        let mut db = rusqlite::Connection::open(&path)?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.pragma_update(None, "foreign_keys", "ON")?;
        db.busy_timeout(std::time::Duration::from_secs(30))?;
        schema::migrate(&mut db, dir, utc_offset_s)?;
        let utc_offset_s = schema::utc_offset(&db)?;
        let store = Store { dir: dir.to_path_buf(), db, utc_offset_s };
        store.sweep()?;
        Ok(store)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The fixed UTC offset of the store's day partitions (local standard time).
    pub fn utc_offset_s(&self) -> i32 {
        self.utc_offset_s
    }

    /// The store's write lock, held exclusively: waits while another process ingests.
    pub(crate) fn write_lock(&self) -> Result<std::fs::File, StoreError> {
        let file = self.open_lock_file()?;
        file.lock().map_err(|e| StoreError::io(&self.dir.join(WRITE_LOCK), e))?;
        Ok(file)
    }

    fn open_lock_file(&self) -> Result<std::fs::File, StoreError> {
        let path = self.dir.join(WRITE_LOCK);
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| StoreError::io(&path, e))
    }

    /// Deletes reading files that no committed partition names (a killed write's leftovers), unless
    /// another process is ingesting (its files are not committed yet): then the next open does it.
    fn sweep(&self) -> Result<(), StoreError> {
        let lock = self.open_lock_file()?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(()),
            Err(std::fs::TryLockError::Error(e)) => return Err(StoreError::io(&self.dir.join(WRITE_LOCK), e)),
        }
        let live: std::collections::HashSet<PathBuf> = self
            .partitions()?
            .into_iter()
            .map(|(day, file, _)| days::day_path(&self.dir, day, &file))
            .collect();
        let root = self.dir.join("readings");
        let entries = std::fs::read_dir(&root).map_err(|e| StoreError::io(&root, e))?;
        for entry in entries.flatten() {
            let sub = entry.path();
            if !sub.is_dir() {
                continue;
            }
            let Ok(files) = std::fs::read_dir(&sub) else { continue };
            let mut kept = 0;
            for f in files.flatten() {
                let p = f.path();
                if live.contains(&p) {
                    kept += 1;
                } else {
                    std::fs::remove_file(&p).map_err(|e| StoreError::io(&p, e))?;
                }
            }
            if kept == 0 {
                let _ = std::fs::remove_dir(&sub);
            }
        }
        Ok(())
    }
}

/// The file an ingest locks (beside `registry.sqlite`).
const WRITE_LOCK: &str = "write.lock";

/// Canonical value → stored millionths.
pub fn to_micro(value: f64) -> Result<i64, StoreError> {
    let m = (value * MICRO).round();
    if !m.is_finite() || m.abs() > 9.2e18 {
        return Err(StoreError::ValueRange(value));
    }
    Ok(m as i64)
}

pub fn from_micro(micro: i64) -> f64 {
    micro as f64 / MICRO
}
