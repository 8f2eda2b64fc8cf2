//! The registry's schema, versioned by `PRAGMA user_version`; each migration runs once, in one
//! transaction with the version bump.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use crate::StoreError;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: the register, the readings' partitions and index, ingests and what they set aside.
    "
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE meters (
        key INTEGER PRIMARY KEY,
        meter_id TEXT NOT NULL UNIQUE,
        kind TEXT, link TEXT, node TEXT, district TEXT, customer TEXT, zone_level TEXT,
        direction TEXT, series TEXT, unit TEXT, multiplier TEXT, register_capacity TEXT,
        installed TEXT, removed TEXT, replaces TEXT
    );
    CREATE TABLE partitions (day INTEGER PRIMARY KEY, file TEXT NOT NULL, rows INTEGER NOT NULL);
    CREATE TABLE meter_days (
        meter_key INTEGER NOT NULL, day INTEGER NOT NULL, row_group INTEGER NOT NULL,
        count INTEGER NOT NULL, first_t INTEGER NOT NULL, first_micro INTEGER NOT NULL,
        last_t INTEGER NOT NULL, last_micro INTEGER NOT NULL, max_step INTEGER NOT NULL,
        PRIMARY KEY (day, meter_key)
    ) WITHOUT ROWID;
    CREATE INDEX meter_days_by_meter ON meter_days (meter_key, day);
    CREATE TABLE ingests (
        id INTEGER PRIMARY KEY, source TEXT NOT NULL, started_unix INTEGER NOT NULL,
        finished_unix INTEGER, lines INTEGER NOT NULL DEFAULT 0, new INTEGER NOT NULL DEFAULT 0,
        duplicate INTEGER NOT NULL DEFAULT 0, conflicting INTEGER NOT NULL DEFAULT 0,
        rejected INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE conflicts (
        ingest INTEGER NOT NULL, meter_key INTEGER NOT NULL, t INTEGER NOT NULL,
        stored_micro INTEGER NOT NULL, offered_micro INTEGER NOT NULL, source TEXT NOT NULL,
        line INTEGER NOT NULL
    );
    CREATE TABLE rejected (
        ingest INTEGER NOT NULL, source TEXT NOT NULL, line INTEGER NOT NULL, field TEXT NOT NULL,
        message TEXT NOT NULL, text TEXT NOT NULL
    );
    CREATE TABLE flags (
        meter_key INTEGER NOT NULL, t INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL,
        PRIMARY KEY (meter_key, t, kind)
    ) WITHOUT ROWID;
    CREATE TABLE districts (
        district_id TEXT PRIMARY KEY, level INTEGER NOT NULL, parent TEXT,
        junctions INTEGER NOT NULL, mains_length_m REAL NOT NULL, mains_length_dn75_m REAL NOT NULL,
        connections INTEGER NOT NULL
    );
    CREATE TABLE district_meters (
        district_id TEXT NOT NULL, meter_id TEXT NOT NULL, role TEXT NOT NULL, sign REAL NOT NULL,
        PRIMARY KEY (district_id, meter_id)
    );
    CREATE TABLE district_notes (source TEXT NOT NULL, note TEXT NOT NULL);
    ",
];

pub fn migrate(db: &mut Connection, dir: &Path, utc_offset_s: i32) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as i64;
    let found: i64 = db.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > known {
        return Err(StoreError::Version { dir: dir.to_path_buf(), found, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = db.transaction()?;
        tx.execute_batch(sql)?;
        if i == 0 {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('utc_offset_s', ?1)",
                [utc_offset_s.to_string()],
            )?;
        }
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

pub fn utc_offset(db: &Connection) -> Result<i32, StoreError> {
    let v: Option<String> = db
        .query_row("SELECT value FROM settings WHERE key = 'utc_offset_s'", [], |r| r.get(0))
        .optional()?;
    v.and_then(|s| s.parse().ok())
        .ok_or_else(|| StoreError::Corrupt("settings has no utc_offset_s".into()))
}
