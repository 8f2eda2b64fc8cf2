//! Helpers shared by the `oasis meters …` end-to-end tests: a fresh directory per test, the real
//! binary, the ingest's counts line, and the store's content through `oasis meters export`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh, empty directory for one test (`target/tmp/<suite>/<test>`).
pub fn fresh_dir(suite: &str, test: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(suite).join(test);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn oasis<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Out {
    let o = Command::new(env!("CARGO_BIN_EXE_oasis")).args(args).output().expect("run oasis");
    let out = Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
    };
    assert!(!out.stderr.contains("panicked"), "panic: {}", out.stderr);
    out
}

/// Runs `oasis` and requires success.
pub fn ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Out {
    let out = oasis(args);
    let shown: Vec<String> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
    assert_eq!(out.code, 0, "oasis {}\nstdout:\n{}\nstderr:\n{}", shown.join(" "), out.stdout, out.stderr);
    out
}

pub fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// The counts of one ingested file, from its report line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub lines: u64,
    pub new: u64,
    pub duplicate: u64,
    pub conflicting: u64,
    pub rejected: u64,
}

/// Parses "FILE: L readings offered: N new, D duplicate, C conflicting (…), R rejected".
pub fn counts(stdout: &str) -> Counts {
    let line = stdout
        .lines()
        .find(|l| l.contains(" readings offered: "))
        .unwrap_or_else(|| panic!("no counts line in:\n{stdout}"));
    let tail = &line[line.rfind(": ").map(|i| i + 2).unwrap()..];
    let head = &line[..line.rfind(" readings offered").unwrap()];
    let lines: u64 = head.rsplit(' ').next().unwrap().parse().unwrap();
    let mut c = Counts { lines, ..Default::default() };
    for part in tail.split(", ") {
        let mut w = part.split(' ');
        let n: u64 = w.next().unwrap().parse().unwrap_or_else(|_| panic!("bad counts line: {line}"));
        match w.next().unwrap() {
            "new" => c.new = n,
            "duplicate" => c.duplicate = n,
            "conflicting" => c.conflicting = n,
            "rejected" => c.rejected = n,
            other => panic!("unknown count '{other}' in: {line}"),
        }
    }
    c
}

/// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM[:SS]` as `YYYY-MM-DD HH:MM:SS` (the export writes local
/// midnight as the date alone).
pub fn norm_time(t: &str) -> String {
    match t.len() {
        10 => format!("{t} 00:00:00"),
        16 => format!("{t}:00"),
        19 => t.to_string(),
        _ => panic!("unexpected time '{t}'"),
    }
}

/// (meter, local time) → value of a long CSV `meter_id,time,value` (header first), panicking on
/// a repeated key.
pub fn read_long_csv(path: &Path) -> BTreeMap<(String, String), f64> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut m = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 3, "{}: '{line}'", path.display());
        let v: f64 = f[2].parse().unwrap_or_else(|_| panic!("{}: '{line}'", path.display()));
        let old = m.insert((f[0].to_string(), norm_time(f[1])), v);
        assert!(old.is_none(), "{}: two values for {} at {}", path.display(), f[0], f[1]);
    }
    m
}

/// Everything the store holds, through `oasis meters export --format csv`.
pub fn export(db: &Path, out: &Path) -> BTreeMap<(String, String), f64> {
    ok(&["meters", "export", "--db", &s(db), "--format", "csv", "-o", &s(out)]);
    read_long_csv(out)
}
