//! The users of `oasis serve`: accounts (name, role, password hash), sessions (a hash of the
//! token, the CSRF token, expiry) and the write log (who changed what, when). Kept in its own
//! file, `users.sqlite`, beside the meter registry in the data directory, so a store of meter data
//! can be copied without its users and the server can run on a directory that has no readings.
//! The caller hashes passwords and tokens; this module only keeps strings.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::StoreError;

/// Migration `i` takes `users.sqlite` from version `i` to `i + 1` (`PRAGMA user_version`).
const MIGRATIONS: &[&str] = &[
    // 1: users, sessions, the write log.
    "
    CREATE TABLE users (
        name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
        created_unix INTEGER NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        csrf TEXT NOT NULL, created_unix INTEGER NOT NULL, expires_unix INTEGER NOT NULL
    );
    CREATE TABLE write_log (
        id INTEGER PRIMARY KEY, time_unix INTEGER NOT NULL, user_name TEXT NOT NULL,
        action TEXT NOT NULL, target TEXT NOT NULL, status INTEGER NOT NULL, detail TEXT NOT NULL
    );
    ",
];

/// A stored account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUser {
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub created_unix: i64,
}

/// A stored session (or API token): the user it belongs to and its CSRF token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub user_name: String,
    pub role: String,
    pub csrf: String,
    pub expires_unix: i64,
}

/// One line of the write log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteLogEntry {
    pub id: i64,
    pub time_unix: i64,
    pub user_name: String,
    pub action: String,
    pub target: String,
    pub status: i64,
    pub detail: String,
}

/// The open `users.sqlite` of a data directory.
pub struct UserDb {
    db: Connection,
}

impl UserDb {
    /// Opens (making and migrating) `dir/users.sqlite`.
    pub fn open(dir: &Path) -> Result<UserDb, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        let mut db = Connection::open(dir.join("users.sqlite"))?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "foreign_keys", "ON")?;
        db.busy_timeout(std::time::Duration::from_secs(10))?;
        let version: i64 = db.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::Version { dir: dir.to_path_buf(), found: version, known });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = db.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        Ok(UserDb { db })
    }

    /// Adds a user, or replaces the role and password of an existing one. Returns true if new.
    pub fn upsert_user(&mut self, name: &str, role: &str, password_hash: &str, now_unix: i64) -> Result<bool, StoreError> {
        let existed = self.user(name)?.is_some();
        self.db.execute(
            "INSERT INTO users (name, role, password_hash, created_unix) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash",
            params![name, role, password_hash, now_unix],
        )?;
        Ok(!existed)
    }

    pub fn user(&self, name: &str) -> Result<Option<StoredUser>, StoreError> {
        Ok(self
            .db
            .query_row(
                "SELECT name, role, password_hash, created_unix FROM users WHERE name = ?1",
                [name],
                |r| Ok(StoredUser { name: r.get(0)?, role: r.get(1)?, password_hash: r.get(2)?, created_unix: r.get(3)? }),
            )
            .optional()?)
    }

    pub fn users(&self) -> Result<Vec<StoredUser>, StoreError> {
        let mut stmt = self.db.prepare("SELECT name, role, password_hash, created_unix FROM users ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok(StoredUser { name: r.get(0)?, role: r.get(1)?, password_hash: r.get(2)?, created_unix: r.get(3)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deletes a user and their sessions. Returns false if there was no such user.
    pub fn delete_user(&mut self, name: &str) -> Result<bool, StoreError> {
        self.db.execute("DELETE FROM sessions WHERE user_name = ?1", [name])?;
        Ok(self.db.execute("DELETE FROM users WHERE name = ?1", [name])? > 0)
    }

    pub fn add_session(&mut self, token_hash: &str, user: &str, csrf: &str, now_unix: i64, expires_unix: i64) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO sessions (token_hash, user_name, csrf, created_unix, expires_unix) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, user, csrf, now_unix, expires_unix],
        )?;
        Ok(())
    }

    /// The unexpired session with this token hash, with its user's current role.
    pub fn session(&self, token_hash: &str, now_unix: i64) -> Result<Option<StoredSession>, StoreError> {
        Ok(self
            .db
            .query_row(
                "SELECT s.user_name, u.role, s.csrf, s.expires_unix FROM sessions s JOIN users u ON u.name = s.user_name
                 WHERE s.token_hash = ?1 AND s.expires_unix > ?2",
                params![token_hash, now_unix],
                |r| Ok(StoredSession { user_name: r.get(0)?, role: r.get(1)?, csrf: r.get(2)?, expires_unix: r.get(3)? }),
            )
            .optional()?)
    }

    pub fn delete_session(&mut self, token_hash: &str) -> Result<(), StoreError> {
        self.db.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }

    pub fn log_write(&mut self, time_unix: i64, user: &str, action: &str, target: &str, status: i64, detail: &str) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO write_log (time_unix, user_name, action, target, status, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![time_unix, user, action, target, status, detail],
        )?;
        Ok(())
    }

    /// The newest `limit` lines of the write log, newest first.
    pub fn write_log(&self, limit: u32) -> Result<Vec<WriteLogEntry>, StoreError> {
        let mut stmt = self.db.prepare(
            "SELECT id, time_unix, user_name, action, target, status, detail FROM write_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(WriteLogEntry { id: r.get(0)?, time_unix: r.get(1)?, user_name: r.get(2)?, action: r.get(3)?, target: r.get(4)?, status: r.get(5)?, detail: r.get(6)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Where the users live: `users.sqlite` in the data directory, or PostgreSQL (feature
/// `postgres`). The same calls on both.
pub enum UserStore {
    Sqlite(UserDb),
    #[cfg(feature = "postgres")]
    Postgres(crate::users_pg::PgUserDb),
}

macro_rules! delegate {
    ($self:ident, $db:ident => $e:expr) => {
        match $self {
            UserStore::Sqlite($db) => $e,
            #[cfg(feature = "postgres")]
            UserStore::Postgres($db) => $e,
        }
    };
}

impl UserStore {
    pub fn upsert_user(&mut self, name: &str, role: &str, password_hash: &str, now_unix: i64) -> Result<bool, StoreError> {
        delegate!(self, db => db.upsert_user(name, role, password_hash, now_unix))
    }
    pub fn user(&self, name: &str) -> Result<Option<StoredUser>, StoreError> {
        delegate!(self, db => db.user(name))
    }
    pub fn users(&self) -> Result<Vec<StoredUser>, StoreError> {
        delegate!(self, db => db.users())
    }
    pub fn delete_user(&mut self, name: &str) -> Result<bool, StoreError> {
        delegate!(self, db => db.delete_user(name))
    }
    pub fn add_session(&mut self, token_hash: &str, user: &str, csrf: &str, now_unix: i64, expires_unix: i64) -> Result<(), StoreError> {
        delegate!(self, db => db.add_session(token_hash, user, csrf, now_unix, expires_unix))
    }
    pub fn session(&self, token_hash: &str, now_unix: i64) -> Result<Option<StoredSession>, StoreError> {
        delegate!(self, db => db.session(token_hash, now_unix))
    }
    pub fn delete_session(&mut self, token_hash: &str) -> Result<(), StoreError> {
        delegate!(self, db => db.delete_session(token_hash))
    }
    pub fn log_write(&mut self, time_unix: i64, user: &str, action: &str, target: &str, status: i64, detail: &str) -> Result<(), StoreError> {
        delegate!(self, db => db.log_write(time_unix, user, action, target, status, detail))
    }
    pub fn write_log(&self, limit: u32) -> Result<Vec<WriteLogEntry>, StoreError> {
        delegate!(self, db => db.write_log(limit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_sessions_and_log() {
        let dir = std::env::temp_dir().join(format!("oasis-users-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut db = UserDb::open(&dir).unwrap();
        assert!(db.upsert_user("ada", "admin", "h1", 1).unwrap());
        assert!(!db.upsert_user("ada", "operator", "h2", 2).unwrap());
        assert_eq!(db.user("ada").unwrap().unwrap().role, "operator");
        db.add_session("t", "ada", "c", 10, 20).unwrap();
        assert_eq!(db.session("t", 15).unwrap().unwrap().csrf, "c");
        assert!(db.session("t", 25).unwrap().is_none());
        db.log_write(11, "ada", "POST", "/api/x", 200, "").unwrap();
        assert_eq!(db.write_log(10).unwrap().len(), 1);
        assert!(db.delete_user("ada").unwrap());
        assert!(db.session("t", 15).unwrap().is_none());
        drop(db);
        // Reopening does not re-run the migration.
        UserDb::open(&dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
