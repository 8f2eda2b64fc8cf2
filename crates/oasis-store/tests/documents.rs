//! The behaviour every document store shares (`DocumentStore`), run on the files and, where
//! `OASIS_TEST_DATABASE` names a PostgreSQL server (CI starts one), on `PgDocuments` in a schema of
//! its own: put, replace, get, list and delete; names that could leave the directory refused by
//! both; the files store's layout and its leftover temporary files.

use std::path::PathBuf;

use oasis_store::{DocumentStore, FileDocuments, StoreError};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oasis-documents-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A fresh, empty schema `oasis_docs_<tag>_<pid>` (earlier runs' go first), or why there is none.
fn pg_documents(tag: &str) -> Option<Box<dyn DocumentStore>> {
    let Ok(url) = std::env::var("OASIS_TEST_DATABASE") else {
        eprintln!("PostgreSQL part skipped: OASIS_TEST_DATABASE is not set");
        return None;
    };
    #[cfg(feature = "postgres")]
    {
        let schema = format!("oasis_docs_{tag}_{}", std::process::id());
        let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("connect to OASIS_TEST_DATABASE");
        for row in admin.query("SELECT schema_name FROM information_schema.schemata WHERE starts_with(schema_name, $1)", &[&format!("oasis_docs_{tag}_")]).unwrap() {
            admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", row.get::<_, String>(0))).unwrap();
        }
        admin.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
        let sep = if url.contains('?') { '&' } else { '?' };
        Some(Box::new(oasis_store::PgDocuments::open(&format!("{url}{sep}options=-csearch_path%3D{schema}")).unwrap()))
    }
    #[cfg(not(feature = "postgres"))]
    {
        let _ = (url, tag);
        eprintln!("PostgreSQL part skipped: oasis-store built without the `postgres` feature");
        None
    }
}

/// The files, and PostgreSQL where there is one.
fn stores(tag: &str) -> Vec<(&'static str, Box<dyn DocumentStore>)> {
    let mut v: Vec<(&'static str, Box<dyn DocumentStore>)> = vec![("files", Box::new(FileDocuments::new(&temp_dir(tag))))];
    if let Some(pg) = pg_documents(tag) {
        v.push(("postgres", pg));
    }
    v
}

#[test]
fn put_get_list_replace_delete() {
    for (name, docs) in stores("basic") {
        assert_eq!(docs.list("networks").unwrap(), Vec::<String>::new(), "{name}");
        assert_eq!(docs.get("networks", "a.inp").unwrap(), None, "{name}");
        // Bytes come back as given, not as text: a zero byte, invalid UTF-8, an empty document.
        let binary = vec![0u8, 0xff, b'\n', 0xc3, 0x28];
        docs.put("networks", "b.inp", &binary).unwrap();
        docs.put("networks", "a.inp", b"[TITLE]\n").unwrap();
        docs.put("networks", "Z-upper_1.inp", b"").unwrap();
        docs.put("pricing", "a.inp", b"another kind").unwrap();
        assert_eq!(docs.list("networks").unwrap(), ["Z-upper_1.inp", "a.inp", "b.inp"], "{name}: byte order");
        assert_eq!(docs.get("networks", "b.inp").unwrap().as_deref(), Some(&binary[..]), "{name}");
        assert_eq!(docs.get("networks", "Z-upper_1.inp").unwrap().as_deref(), Some(&b""[..]), "{name}");
        assert_eq!(docs.get("pricing", "a.inp").unwrap().as_deref(), Some(&b"another kind"[..]), "{name}: kinds are apart");
        // Replacing keeps one document with the new bytes.
        docs.put("networks", "a.inp", b"[TITLE]\nnew\n").unwrap();
        assert_eq!(docs.get("networks", "a.inp").unwrap().as_deref(), Some(&b"[TITLE]\nnew\n"[..]), "{name}");
        assert_eq!(docs.list("networks").unwrap().len(), 3, "{name}");
        assert!(docs.delete("networks", "a.inp").unwrap(), "{name}");
        assert!(!docs.delete("networks", "a.inp").unwrap(), "{name}: deleted twice");
        assert_eq!(docs.get("networks", "a.inp").unwrap(), None, "{name}");
        assert_eq!(docs.list("networks").unwrap(), ["Z-upper_1.inp", "b.inp"], "{name}");
        assert_eq!(docs.list("pricing").unwrap(), ["a.inp"], "{name}");
    }
}

#[test]
fn names_that_could_leave_the_directory_are_refused_by_both() {
    for (name, docs) in stores("names") {
        for (kind, id) in [("networks", "../x.inp"), ("networks", ".."), ("..", "x"), ("networks", "a/b"), ("a/b", "x"), ("networks", ".hidden"), ("networks", ""), ("", "x"), ("networks", "a\\b"), ("networks", "é.inp")] {
            let e = docs.put(kind, id, b"x").unwrap_err();
            assert!(matches!(e, StoreError::DocumentName(_)), "{name}: put {kind:?} {id:?}: {e}");
            assert!(matches!(docs.get(kind, id), Err(StoreError::DocumentName(_))), "{name}: get {kind:?} {id:?}");
            assert!(matches!(docs.delete(kind, id), Err(StoreError::DocumentName(_))), "{name}: delete {kind:?} {id:?}");
        }
        assert!(matches!(docs.list("../networks"), Err(StoreError::DocumentName(_))), "{name}");
        let long = "a".repeat(129);
        assert!(docs.put("networks", &long, b"x").is_err(), "{name}: 129 bytes");
        docs.put("networks", &long[..128], b"x").unwrap();
    }
}

#[test]
fn files_keep_the_data_directory_layout_and_skip_leftovers() {
    let dir = temp_dir("layout");
    let docs = FileDocuments::new(&dir);
    docs.put("pricing", "tariff-2024.toml", b"code = 1\n").unwrap();
    assert_eq!(std::fs::read(dir.join("pricing").join("tariff-2024.toml")).unwrap(), b"code = 1\n");
    // A killed write leaves `.<id>.tmp`, which is no document; a file put there by hand is one.
    std::fs::write(dir.join("pricing").join(".plans.csv.tmp"), b"half").unwrap();
    std::fs::write(dir.join("pricing").join("plans.csv"), b"customer\n").unwrap();
    std::fs::create_dir(dir.join("pricing").join("sub")).unwrap();
    assert_eq!(docs.list("pricing").unwrap(), ["plans.csv", "tariff-2024.toml"]);
    assert_eq!(docs.get("pricing", "plans.csv").unwrap().as_deref(), Some(&b"customer\n"[..]));
    // A replace leaves no temporary file behind.
    docs.put("pricing", "tariff-2024.toml", b"code = 2\n").unwrap();
    let mut names: Vec<String> = std::fs::read_dir(dir.join("pricing")).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, [".plans.csv.tmp", "plans.csv", "sub", "tariff-2024.toml"]);
    let _ = std::fs::remove_dir_all(dir);
}
