//! The users, sessions and write log in PostgreSQL: the same tables and calls as `users.sqlite`
//! (`UserDb`). The synchronous `postgres` client runs on a thread of its own (it drives its own
//! small runtime, which must not run inside the server's), and each call is sent to it.

use std::sync::mpsc;

use postgres::{Client, NoTls};

use crate::StoreError;
use crate::users::{StoredSession, StoredUser, WriteLogEntry};

/// Migration `i` takes the schema from version `i` to `i + 1` (table `oasis_schema`).
const MIGRATIONS: &[&str] = &[
    // 1: users, sessions, the write log.
    "
    CREATE TABLE users (
        name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
        created_unix BIGINT NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        csrf TEXT NOT NULL, created_unix BIGINT NOT NULL, expires_unix BIGINT NOT NULL
    );
    CREATE TABLE write_log (
        id BIGSERIAL PRIMARY KEY, time_unix BIGINT NOT NULL, user_name TEXT NOT NULL,
        action TEXT NOT NULL, target TEXT NOT NULL, status BIGINT NOT NULL, detail TEXT NOT NULL
    );
    ",
];

type Job = Box<dyn FnOnce(&mut Client) + Send>;

pub struct PgUserDb {
    jobs: mpsc::Sender<Job>,
}

fn pg(e: postgres::Error) -> StoreError {
    StoreError::Postgres(e.to_string())
}

fn migrate(client: &mut Client) -> Result<(), StoreError> {
    client.batch_execute("CREATE TABLE IF NOT EXISTS oasis_schema (version BIGINT NOT NULL)").map_err(pg)?;
    let mut tx = client.transaction().map_err(pg)?;
    tx.batch_execute("LOCK TABLE oasis_schema IN EXCLUSIVE MODE").map_err(pg)?;
    let version: i64 = match tx.query_opt("SELECT version FROM oasis_schema", &[]).map_err(pg)? {
        Some(row) => row.get(0),
        None => {
            tx.execute("INSERT INTO oasis_schema (version) VALUES (0)", &[]).map_err(pg)?;
            0
        }
    };
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::Postgres(format!("the database has users schema version {version}; this program knows up to {known}: use a newer oasis")));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.batch_execute(sql).map_err(pg)?;
        tx.execute("UPDATE oasis_schema SET version = $1", &[&(i as i64 + 1)]).map_err(pg)?;
    }
    tx.commit().map_err(pg)
}

impl PgUserDb {
    /// Connects (`postgres://user:password@host/db`, libpq's parameters such as
    /// `?options=-csearch_path%3Dschema` allowed) and migrates.
    pub fn open(url: &str) -> Result<PgUserDb, StoreError> {
        let url = url.to_string();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), StoreError>>();
        let (jobs, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("oasis-postgres".into())
            .spawn(move || {
                let mut client = match Client::connect(&url, NoTls).map_err(pg).and_then(|mut c| migrate(&mut c).map(|_| c)) {
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
        ready_rx.recv().map_err(|_| StoreError::Postgres("the connection thread stopped".into()))??;
        Ok(PgUserDb { jobs })
    }

    fn call<T: Send + 'static>(&self, f: impl FnOnce(&mut Client) -> Result<T, postgres::Error> + Send + 'static) -> Result<T, StoreError> {
        let (tx, rx) = mpsc::channel();
        self.jobs
            .send(Box::new(move |c: &mut Client| {
                let _ = tx.send(f(c).map_err(pg));
            }))
            .map_err(|_| StoreError::Postgres("the connection thread stopped".into()))?;
        rx.recv().map_err(|_| StoreError::Postgres("the connection thread stopped".into()))?
    }

    pub fn upsert_user(&mut self, name: &str, role: &str, password_hash: &str, now_unix: i64) -> Result<bool, StoreError> {
        let (name, role, hash) = (name.to_string(), role.to_string(), password_hash.to_string());
        self.call(move |c| {
            let existed = c.query_opt("SELECT 1 FROM users WHERE name = $1", &[&name])?.is_some();
            c.execute(
                "INSERT INTO users (name, role, password_hash, created_unix) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash",
                &[&name, &role, &hash, &now_unix],
            )?;
            Ok(!existed)
        })
    }

    pub fn user(&self, name: &str) -> Result<Option<StoredUser>, StoreError> {
        let name = name.to_string();
        self.call(move |c| {
            Ok(c.query_opt("SELECT name, role, password_hash, created_unix FROM users WHERE name = $1", &[&name])?
                .map(|r| StoredUser { name: r.get(0), role: r.get(1), password_hash: r.get(2), created_unix: r.get(3) }))
        })
    }

    pub fn users(&self) -> Result<Vec<StoredUser>, StoreError> {
        self.call(|c| {
            Ok(c.query("SELECT name, role, password_hash, created_unix FROM users ORDER BY name", &[])?
                .iter()
                .map(|r| StoredUser { name: r.get(0), role: r.get(1), password_hash: r.get(2), created_unix: r.get(3) })
                .collect())
        })
    }

    pub fn delete_user(&mut self, name: &str) -> Result<bool, StoreError> {
        let name = name.to_string();
        self.call(move |c| {
            c.execute("DELETE FROM sessions WHERE user_name = $1", &[&name])?;
            Ok(c.execute("DELETE FROM users WHERE name = $1", &[&name])? > 0)
        })
    }

    pub fn add_session(&mut self, token_hash: &str, user: &str, csrf: &str, now_unix: i64, expires_unix: i64) -> Result<(), StoreError> {
        let (t, u, s) = (token_hash.to_string(), user.to_string(), csrf.to_string());
        self.call(move |c| {
            c.execute(
                "INSERT INTO sessions (token_hash, user_name, csrf, created_unix, expires_unix) VALUES ($1, $2, $3, $4, $5)",
                &[&t, &u, &s, &now_unix, &expires_unix],
            )?;
            Ok(())
        })
    }

    pub fn session(&self, token_hash: &str, now_unix: i64) -> Result<Option<StoredSession>, StoreError> {
        let t = token_hash.to_string();
        self.call(move |c| {
            Ok(c.query_opt(
                "SELECT s.user_name, u.role, s.csrf, s.expires_unix FROM sessions s JOIN users u ON u.name = s.user_name
                 WHERE s.token_hash = $1 AND s.expires_unix > $2",
                &[&t, &now_unix],
            )?
            .map(|r| StoredSession { user_name: r.get(0), role: r.get(1), csrf: r.get(2), expires_unix: r.get(3) }))
        })
    }

    pub fn delete_session(&mut self, token_hash: &str) -> Result<(), StoreError> {
        let t = token_hash.to_string();
        self.call(move |c| c.execute("DELETE FROM sessions WHERE token_hash = $1", &[&t]).map(|_| ()))
    }

    pub fn log_write(&mut self, time_unix: i64, user: &str, action: &str, target: &str, status: i64, detail: &str) -> Result<(), StoreError> {
        let (u, a, t, d) = (user.to_string(), action.to_string(), target.to_string(), detail.to_string());
        self.call(move |c| {
            c.execute(
                "INSERT INTO write_log (time_unix, user_name, action, target, status, detail) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&time_unix, &u, &a, &t, &status, &d],
            )
            .map(|_| ())
        })
    }

    pub fn write_log(&self, limit: u32) -> Result<Vec<WriteLogEntry>, StoreError> {
        let limit = limit as i64;
        self.call(move |c| {
            Ok(c.query("SELECT id, time_unix, user_name, action, target, status, detail FROM write_log ORDER BY id DESC LIMIT $1", &[&limit])?
                .iter()
                .map(|r| WriteLogEntry { id: r.get(0), time_unix: r.get(1), user_name: r.get(2), action: r.get(3), target: r.get(4), status: r.get(5), detail: r.get(6) })
                .collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs only where `OASIS_TEST_DATABASE` names a PostgreSQL server (CI starts one).
    #[test]
    fn users_sessions_and_log_in_postgres() {
        let Ok(url) = std::env::var("OASIS_TEST_DATABASE") else {
            eprintln!("skipped: OASIS_TEST_DATABASE is not set");
            return;
        };
        let schema = format!("oasis_store_test_{}", std::process::id());
        let mut admin = Client::connect(&url, NoTls).unwrap();
        admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).unwrap();
        let sep = if url.contains('?') { '&' } else { '?' };
        let mut db = PgUserDb::open(&format!("{url}{sep}options=-csearch_path%3D{schema}")).unwrap();
        assert!(db.upsert_user("ada", "admin", "h1", 1).unwrap());
        assert!(!db.upsert_user("ada", "operator", "h2", 2).unwrap());
        assert_eq!(db.user("ada").unwrap().unwrap().role, "operator");
        db.add_session("t", "ada", "c", 10, 20).unwrap();
        assert_eq!(db.session("t", 15).unwrap().unwrap().csrf, "c");
        assert!(db.session("t", 25).unwrap().is_none());
        db.log_write(11, "ada", "POST", "/api/x", 200, "").unwrap();
        assert_eq!(db.write_log(10).unwrap().len(), 1);
        assert!(db.delete_user("ada").unwrap());
        drop(db);
        PgUserDb::open(&format!("{url}{sep}options=-csearch_path%3D{schema}")).unwrap();
        admin.batch_execute(&format!("DROP SCHEMA {schema} CASCADE")).unwrap();
    }
}
