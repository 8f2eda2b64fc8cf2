//! Documents in PostgreSQL: one table (`documents`: kind, id, bytes, updated time), on a
//! connection of its own (`PgConn`), with the same names and answers as the files.

use crate::StoreError;
use crate::documents::{DocumentStore, check_name};
use crate::pg::{PgConn, migrate};

/// Migration `i` takes the documents' tables from version `i` to `i + 1` (table
/// `oasis_documents_schema`).
const MIGRATIONS: &[&str] = &[
    // 1: the documents.
    "
    CREATE TABLE documents (
        kind TEXT NOT NULL, id TEXT NOT NULL, bytes BYTEA NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, id)
    );
    ",
];

pub struct PgDocuments {
    conn: PgConn,
}

impl PgDocuments {
    /// Connects (`postgres://user:password@host/db`, libpq's parameters such as
    /// `?options=-csearch_path%3Dschema` allowed) and migrates.
    pub fn open(url: &str) -> Result<PgDocuments, StoreError> {
        Ok(PgDocuments { conn: PgConn::open(url, |c| migrate(c, "oasis_documents_schema", "documents", MIGRATIONS))? })
    }
}

fn names(kind: &str, id: &str) -> Result<(String, String), StoreError> {
    check_name("kind", kind)?;
    check_name("id", id)?;
    Ok((kind.to_string(), id.to_string()))
}

impl DocumentStore for PgDocuments {
    fn put(&self, kind: &str, id: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let (kind, id) = names(kind, id)?;
        let bytes = bytes.to_vec();
        self.conn.call(move |c| {
            c.execute(
                "INSERT INTO documents (kind, id, bytes) VALUES ($1, $2, $3)
                 ON CONFLICT (kind, id) DO UPDATE SET bytes = excluded.bytes, updated_at = now()",
                &[&kind, &id, &bytes],
            )?;
            Ok(())
        })
    }

    fn get(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let (kind, id) = names(kind, id)?;
        self.conn.call(move |c| Ok(c.query_opt("SELECT bytes FROM documents WHERE kind = $1 AND id = $2", &[&kind, &id])?.map(|r| r.get(0))))
    }

    fn list(&self, kind: &str) -> Result<Vec<String>, StoreError> {
        check_name("kind", kind)?;
        let kind = kind.to_string();
        // COLLATE "C": byte order, as the files' list sorts.
        self.conn.call(move |c| Ok(c.query("SELECT id FROM documents WHERE kind = $1 ORDER BY id COLLATE \"C\"", &[&kind])?.iter().map(|r| r.get(0)).collect()))
    }

    fn delete(&self, kind: &str, id: &str) -> Result<bool, StoreError> {
        let (kind, id) = names(kind, id)?;
        self.conn.call(move |c| Ok(c.execute("DELETE FROM documents WHERE kind = $1 AND id = $2", &[&kind, &id])? == 1))
    }
}
