//! The users, sessions and write log in PostgreSQL: the same tables and calls as `users.sqlite`
//! (`UserDb`), on a connection of its own (`PgConn`).

use postgres::Client;

use crate::StoreError;
use crate::pg::{PgConn, migrate};
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

pub struct PgUserDb {
    conn: PgConn,
}

impl PgUserDb {
    /// Connects (`postgres://user:password@host/db`, libpq's parameters such as
    /// `?options=-csearch_path%3Dschema` allowed) and migrates.
    pub fn open(url: &str) -> Result<PgUserDb, StoreError> {
        Ok(PgUserDb { conn: PgConn::open(url, |c| migrate(c, "oasis_schema", "users", MIGRATIONS))? })
    }

    fn call<T: Send + 'static>(&self, f: impl FnOnce(&mut Client) -> Result<T, postgres::Error> + Send + 'static) -> Result<T, StoreError> {
        self.conn.call(move |c| Ok(f(c)?))
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
    use postgres::NoTls;

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
