//! The shared state: the data directory and what was read from it.
//!
//! Data directory layout (every name is the server's own):
//! * `users.sqlite` — users, sessions, write log (`oasis_store::UserDb`)
//! * `networks/<id>.inp` — uploaded networks (`id` matches `[a-z0-9_-]{1,64}`)
//! * `meters/` — the meter store (`oasis_store::Store`: register, districts, readings), unless
//!   `--database` puts it (and the users) in PostgreSQL (`oasis_store::PgStore`)
//! * `city/` — the network and register the districts were built from
//! * `air/hourly.csv`, `water/samples.csv` — station-hours and water samples
//! * `pricing/` — tariffs (`tariff-*.toml`), customers, readings, quotas, plans, dual control

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock};

use oasis_store::{PgUserDb, StoredSession, UserDb, UserStore};

use crate::error::ApiError;
use crate::{Config, air, districts, jobs, networks, pricing, water};

pub type Shared = Arc<AppState>;

/// Something read from the data directory, or why it could not be.
pub type Loaded<T> = RwLock<Result<Arc<T>, String>>;

pub struct AppState {
    pub data_dir: PathBuf,
    /// `--database`: the users and the meter store in PostgreSQL.
    pub database: Option<String>,
    pub private: bool,
    pub users: Mutex<UserStore>,
    /// token hash → session (a cache of `users.sqlite`'s sessions).
    pub sessions: RwLock<HashMap<String, StoredSession>>,
    pub networks: RwLock<BTreeMap<String, Arc<networks::NetEntry>>>,
    pub jobs: Mutex<BTreeMap<u64, Arc<jobs::Job>>>,
    pub next_job: AtomicU64,
    pub air: Loaded<air::AirData>,
    pub water: Loaded<water::WaterData>,
    pub pricing: Loaded<pricing::PricingData>,
    pub districts: Loaded<districts::DistrictData>,
    /// One meter ingest at a time.
    pub ingest_lock: Mutex<()>,
    /// Failed logins per user name: (count, first failure) — see `auth::login`.
    pub login_failures: Mutex<HashMap<String, (u32, std::time::Instant)>>,
}

impl AppState {
    pub fn open(config: &Config) -> anyhow::Result<AppState> {
        let dir = &config.data_dir;
        std::fs::create_dir_all(dir)?;
        if config.demo {
            crate::seed::seed_if_empty(dir, config.database.as_deref())?;
        }
        let users = open_users(dir, config.database.as_deref())?;
        let state = AppState {
            data_dir: dir.clone(),
            database: config.database.clone(),
            private: config.private,
            users: Mutex::new(users),
            sessions: RwLock::new(HashMap::new()),
            networks: RwLock::new(BTreeMap::new()),
            jobs: Mutex::new(BTreeMap::new()),
            next_job: AtomicU64::new(1),
            air: RwLock::new(air::AirData::load(dir).map(Arc::new)),
            water: RwLock::new(water::WaterData::load(dir).map(Arc::new)),
            pricing: RwLock::new(pricing::PricingData::load(dir).map(Arc::new)),
            districts: RwLock::new(districts::DistrictData::load(dir, config.database.as_deref()).map(Arc::new)),
            ingest_lock: Mutex::new(()),
            login_failures: Mutex::new(HashMap::new()),
        };
        networks::load_all(&state)?;
        Ok(state)
    }

    pub fn path(&self, parts: &[&str]) -> PathBuf {
        let mut p = self.data_dir.clone();
        for part in parts {
            p.push(part);
        }
        p
    }
}

/// The users' store: PostgreSQL when a URL is given, else `users.sqlite` in the data directory.
pub fn open_users(dir: &Path, database: Option<&str>) -> anyhow::Result<UserStore> {
    Ok(match database {
        Some(url) => UserStore::Postgres(PgUserDb::open(url)?),
        None => UserStore::Sqlite(UserDb::open(dir)?),
    })
}

/// Reads a loaded part of the state, or answers why it is not there.
pub fn loaded<T>(slot: &Loaded<T>, what: &str) -> Result<Arc<T>, ApiError> {
    match &*slot.read().unwrap_or_else(|e| e.into_inner()) {
        Ok(v) => Ok(v.clone()),
        Err(msg) => Err(ApiError::not_found(format!("no {what} data: {msg}"))),
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(ApiError::internal)?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(ApiError::internal)?;
    std::fs::rename(&tmp, path).map_err(ApiError::internal)?;
    Ok(())
}

/// Is `id` a name the server would have made (`[a-z0-9_-]{1,64}`)?
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}
