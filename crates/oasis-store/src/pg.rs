//! One PostgreSQL connection on a thread of its own, and versioned migrations. The synchronous
//! `postgres` client drives its own small runtime, which must not run inside the server's (an
//! async handler, or a test's runtime): each call is sent to the connection's thread instead, so
//! the stores built on it can be called from anywhere.

use std::sync::mpsc;

use postgres::{Client, NoTls};

use crate::StoreError;

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        StoreError::Postgres(e.to_string())
    }
}

type Job = Box<dyn FnOnce(&mut Client) + Send>;

pub(crate) struct PgConn {
    jobs: mpsc::Sender<Job>,
}

fn stopped() -> StoreError {
    StoreError::Postgres("the connection thread stopped".into())
}

impl PgConn {
    /// Connects (`postgres://user:password@host/db`, libpq's parameters such as
    /// `?options=-csearch_path%3Dschema` allowed) and runs `setup` (the migrations) first.
    pub fn open(url: &str, setup: impl FnOnce(&mut Client) -> Result<(), StoreError> + Send + 'static) -> Result<PgConn, StoreError> {
        let url = url.to_string();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), StoreError>>();
        let (jobs, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("oasis-postgres".into())
            .spawn(move || {
                let mut client = match Client::connect(&url, NoTls).map_err(StoreError::from).and_then(|mut c| setup(&mut c).map(|_| c)) {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(()));
                for job in rx {
                    job(&mut client);
                }
            })
            .map_err(|e| StoreError::Postgres(e.to_string()))?;
        ready_rx.recv().map_err(|_| stopped())??;
        Ok(PgConn { jobs })
    }

    /// Runs `f` on the connection's thread and waits for its answer.
    pub fn call<T: Send + 'static>(&self, f: impl FnOnce(&mut Client) -> Result<T, StoreError> + Send + 'static) -> Result<T, StoreError> {
        let (tx, rx) = mpsc::channel();
        self.jobs
            .send(Box::new(move |c: &mut Client| {
                let _ = tx.send(f(c));
            }))
            .map_err(|_| stopped())?;
        rx.recv().map_err(|_| stopped())?
    }
}

/// Brings the tables of one part of the database to the newest version: migration `i` takes
/// `version_table` from version `i` to `i + 1`, each once, all in one transaction that holds the
/// version table locked (two servers starting together migrate once).
pub(crate) fn migrate(client: &mut Client, version_table: &str, what: &str, migrations: &[&str]) -> Result<(), StoreError> {
    client.batch_execute(&format!("CREATE TABLE IF NOT EXISTS {version_table} (version BIGINT NOT NULL)"))?;
    let mut tx = client.transaction()?;
    tx.batch_execute(&format!("LOCK TABLE {version_table} IN EXCLUSIVE MODE"))?;
    let version: i64 = match tx.query_opt(&format!("SELECT version FROM {version_table}"), &[])? {
        Some(row) => row.get(0),
        None => {
            tx.execute(&format!("INSERT INTO {version_table} (version) VALUES (0)"), &[])?;
            0
        }
    };
    let known = migrations.len() as i64;
    if version > known {
        return Err(StoreError::Postgres(format!("the database has {what} schema version {version}; this program knows up to {known}: use a newer oasis")));
    }
    for (i, sql) in migrations.iter().enumerate().skip(version as usize) {
        tx.batch_execute(sql)?;
        tx.execute(&format!("UPDATE {version_table} SET version = $1"), &[&(i as i64 + 1)])?;
    }
    Ok(tx.commit()?)
}
