//! The shared state: the stores and what was read from them.
//!
//! Three stores, each in the data directory or, with `--database`, in PostgreSQL:
//! * users, sessions, write log: `users.sqlite` (`oasis_store::UserDb`) or `PgUserDb`
//! * the meter store (register, districts, readings): `meters/` (`oasis_store::Store`) or `PgStore`
//! * the documents (`oasis_store::DocumentStore`), by kind and id, as files `<kind>/<id>`
//!   (`FileDocuments`) or rows of the `documents` table (`PgDocuments`); every name is the server's:
//!   * `networks/<id>.inp` — uploaded networks (`id` matches `[a-z0-9_-]{1,64}`)
//!   * `city/` — the network, register and readings the districts were built from
//!   * `air/hourly.csv`, `water/samples.csv` — station-hours and water samples
//!   * `pricing/` — tariffs (`tariff-*.toml`), customers, readings, quotas, plans, dual control
//!   * `ecology/` — the targets register and greening projects

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock};

use oasis_store::{DocumentStore, FileDocuments, PgDocuments, PgUserDb, StoredSession, UserDb, UserStore};

use crate::error::ApiError;
use crate::{Config, air, districts, jobs, networks, pricing, water};

pub type Shared = Arc<AppState>;

/// Something read from the data directory, or why it could not be.
pub type Loaded<T> = RwLock<Result<Arc<T>, String>>;

pub struct AppState {
    pub data_dir: PathBuf,
    /// `--database`: the users, the meter store and the documents in PostgreSQL.
    pub database: Option<String>,
    /// Networks, samples, tariffs and the other files the users keep (see the module's list).
    pub docs: Box<dyn DocumentStore>,
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
        let docs = open_documents(dir, config.database.as_deref())?;
        if config.demo {
            crate::seed::seed_if_empty(&*docs, dir, config.database.as_deref())?;
        }
        let users = open_users(dir, config.database.as_deref())?;
        let state = AppState {
            data_dir: dir.clone(),
            database: config.database.clone(),
            air: RwLock::new(air::AirData::load(&*docs).map(Arc::new)),
            water: RwLock::new(water::WaterData::load(&*docs).map(Arc::new)),
            pricing: RwLock::new(pricing::PricingData::load(&*docs).map(Arc::new)),
            districts: RwLock::new(districts::DistrictData::load(&*docs, dir, config.database.as_deref()).map(Arc::new)),
            docs,
            private: config.private,
            users: Mutex::new(users),
            sessions: RwLock::new(HashMap::new()),
            networks: RwLock::new(BTreeMap::new()),
            jobs: Mutex::new(BTreeMap::new()),
            next_job: AtomicU64::new(1),
            ingest_lock: Mutex::new(()),
            login_failures: Mutex::new(HashMap::new()),
        };
        networks::load_all(&state)?;
        Ok(state)
    }
}

/// The documents' store: PostgreSQL when a URL is given, else files in the data directory.
pub fn open_documents(dir: &Path, database: Option<&str>) -> anyhow::Result<Box<dyn DocumentStore>> {
    Ok(match database {
        Some(url) => Box::new(PgDocuments::open(url)?),
        None => Box::new(FileDocuments::new(dir)),
    })
}

/// A document as text, `None` if there is none; errors name it `kind/id`.
pub fn doc_text(docs: &dyn DocumentStore, kind: &str, id: &str) -> Result<Option<String>, String> {
    match docs.get(kind, id).map_err(|e| format!("{kind}/{id}: {e}"))? {
        Some(b) => String::from_utf8(b).map(Some).map_err(|_| format!("{kind}/{id}: not UTF-8 text")),
        None => Ok(None),
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

/// Is `id` a name the server would have made (`[a-z0-9_-]{1,64}`)?
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}
