//! The user's documents that the server keeps whole — uploaded networks, tariffs, the air and
//! water samples, the pricing and ecology files — by kind and id, behind one interface: files in
//! a directory ([`FileDocuments`], `<dir>/<kind>/<id>`) or a PostgreSQL table
//! ([`PgDocuments`](crate::PgDocuments), feature `postgres`). Both refuse the same names, so a
//! name that works on one works on the other and none can leave the directory.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::StoreError;

pub trait DocumentStore: Send + Sync {
    /// Adds or replaces a document, whole (a reader sees the old bytes or the new, never a part).
    fn put(&self, kind: &str, id: &str, bytes: &[u8]) -> Result<(), StoreError>;

    /// The document's bytes, or `None` if there is none.
    fn get(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// The ids of one kind, sorted.
    fn list(&self, kind: &str) -> Result<Vec<String>, StoreError>;

    /// Deletes a document; `false` if there was none.
    fn delete(&self, kind: &str, id: &str) -> Result<bool, StoreError>;
}

/// Checks a kind or id: 1 to 128 of ASCII letters, digits, '-', '_' and '.', not starting with
/// '.' (so no separator, no `..`, and no clash with the temporary files of [`FileDocuments`]).
pub fn check_name(what: &str, name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok { Ok(()) } else { Err(StoreError::DocumentName(format!("{what} '{name}': use 1 to 128 of a-z, A-Z, 0-9, '-', '_' and '.', not starting with '.'"))) }
}

/// Documents as files: `<dir>/<kind>/<id>`, written beside the old file, synced and renamed.
pub struct FileDocuments {
    dir: PathBuf,
}

impl FileDocuments {
    pub fn new(dir: &Path) -> FileDocuments {
        FileDocuments { dir: dir.to_path_buf() }
    }

    fn path(&self, kind: &str, id: &str) -> Result<PathBuf, StoreError> {
        check_name("kind", kind)?;
        check_name("id", id)?;
        Ok(self.dir.join(kind).join(id))
    }
}

impl DocumentStore for FileDocuments {
    fn put(&self, kind: &str, id: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.path(kind, id)?;
        let parent = self.dir.join(kind);
        std::fs::create_dir_all(&parent).map_err(|e| StoreError::io(&parent, e))?;
        let tmp = parent.join(format!(".{id}.tmp"));
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()
        };
        write().map_err(|e| StoreError::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| StoreError::io(&path, e))
    }

    fn get(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.path(kind, id)?;
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::io(&path, e)),
        }
    }

    fn list(&self, kind: &str) -> Result<Vec<String>, StoreError> {
        check_name("kind", kind)?;
        let dir = self.dir.join(kind);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StoreError::io(&dir, e)),
        };
        let mut ids: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().to_str().map(String::from))
            .filter(|n| check_name("id", n).is_ok())
            .collect();
        ids.sort();
        Ok(ids)
    }

    fn delete(&self, kind: &str, id: &str) -> Result<bool, StoreError> {
        let path = self.path(kind, id)?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(StoreError::io(&path, e)),
        }
    }
}
