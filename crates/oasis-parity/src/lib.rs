//! Helpers for comparing Oasis with EPANET 2.2 (the tests live in `tests/`).

use std::path::{Path, PathBuf};

use oasis_epanet::{SteadyResult, Toolkit};
use oasis_hydraulics::Snapshot;

/// Relative tolerance of the issue: |oasis - epanet| <= TOL * max(1, |epanet|).
pub const TOL: f64 = 1e-6;

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.inp` file under `dir`, sorted.
pub fn inp_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("inp")) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// EPANET 2.2 from `entoolkit`; `None` (with a note) when it is not installed,
/// which is a failure under CI.
pub fn epanet22() -> Option<Toolkit> {
    match Toolkit::find_v22() {
        Ok(Some(t)) => {
            assert_eq!(t.version(), 20200, "the reference must be EPANET 2.2");
            Some(t)
        }
        other => {
            if std::env::var_os("CI").is_some() {
                panic!("EPANET 2.2 is required under CI: {:?}", other.err());
            }
            eprintln!("note: EPANET 2.2 (pip install entoolkit==2.2.0) not found; parity tests skipped");
            None
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL * b.abs().max(1.0)
}

/// Compares Oasis with EPANET at one time; returns the differences found.
pub fn compare(oasis: &Snapshot, epanet: &SteadyResult, ids: (&[String], &[String])) -> Vec<String> {
    let mut diffs = Vec::new();
    let e = &epanet.snapshot;
    if oasis.nodes.len() != e.nodes.len() || oasis.links.len() != e.links.len() {
        diffs.push(format!(
            "counts differ: oasis {} nodes {} links, epanet {} nodes {} links",
            oasis.nodes.len(),
            oasis.links.len(),
            e.nodes.len(),
            e.links.len()
        ));
        return diffs;
    }
    for (i, (o, r)) in oasis.nodes.iter().zip(&e.nodes).enumerate() {
        for (name, a, b) in [("head", o.head, r.head), ("pressure", o.pressure, r.pressure), ("demand", o.demand, r.demand)] {
            if !close(a, b) {
                diffs.push(format!("node {} {name}: oasis {a} epanet {b}", ids.0[i]));
            }
        }
    }
    for (k, (o, r)) in oasis.links.iter().zip(&e.links).enumerate() {
        for (name, a, b) in [
            ("flow", o.flow, r.flow),
            ("velocity", o.velocity, r.velocity),
            ("headloss", o.headloss, r.headloss),
            ("status", o.status, r.status),
            ("setting", o.setting, r.setting),
        ] {
            if !close(a, b) {
                diffs.push(format!("link {} {name}: oasis {a} epanet {b}", ids.1[k]));
            }
        }
    }
    if i64::from(oasis.iterations) != epanet.iterations {
        diffs.push(format!("iterations: oasis {} epanet {}", oasis.iterations, epanet.iterations));
    }
    if oasis.warning_code() != epanet.warning {
        diffs.push(format!("warning: oasis {} epanet {}", oasis.warning_code(), epanet.warning));
    }
    diffs
}

/// Networks listed in `known-differences.txt` (prefix `shared:` or `own:`).
pub fn known_differences() -> Vec<String> {
    let text = include_str!("../known-differences.txt");
    text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(str::to_string).collect()
}

/// A network's name in `known-differences.txt`.
pub fn label(path: &Path) -> String {
    let p = path.display().to_string();
    let shared = workspace().join("../shared/networks/").display().to_string();
    let own = workspace().join("").display().to_string();
    if let Some(rest) = p.strip_prefix(&shared) {
        format!("shared:{rest}")
    } else if let Some(rest) = p.strip_prefix(&own) {
        format!("own:{rest}")
    } else {
        p
    }
}

/// `../shared/networks`, or `None` with a note when this checkout has none.
pub fn shared_networks() -> Option<PathBuf> {
    let dir = workspace().join("../shared/networks");
    if dir.exists() {
        Some(dir)
    } else {
        eprintln!("note: ../shared/networks is absent; skipped");
        None
    }
}

/// Runs `check` on every `.inp` under `dir` (only those whose path contains
/// `OASIS_PARITY_FILTER`, if set) and fails on any difference that
/// `known-differences.txt` does not list, and on listed networks that now
/// match. `check` returns `Ok(Some(kind))` for a network compared (`kind` is
/// tallied in the summary), `Ok(None)` for one it does not apply to.
pub fn check_directory(
    dir: &Path,
    what: &str,
    check: impl Fn(&Toolkit, &Path) -> Result<Option<&'static str>, String>,
) {
    let Some(tk) = epanet22() else { return };
    let filter = std::env::var("OASIS_PARITY_FILTER").unwrap_or_default();
    let known = known_differences();
    let mut counts = std::collections::BTreeMap::new();
    let mut failures = Vec::new();
    for f in inp_files(dir).iter().filter(|f| f.display().to_string().contains(&filter)) {
        let listed = known.contains(&label(f));
        match (check(&tk, f), listed) {
            (Ok(None), _) => {}
            (Ok(Some(_)), true) => {
                failures.push(format!("{} now matches EPANET 2.2: remove it from known-differences.txt", label(f)))
            }
            (Ok(Some(kind)), false) => *counts.entry(kind).or_insert(0) += 1,
            (Err(e), true) => {
                *counts.entry("known difference").or_insert(0) += 1;
                eprintln!("known difference: {e}");
            }
            (Err(e), false) => failures.push(e),
        }
    }
    eprintln!("{} ({what}): {counts:?}, {} differ", dir.display(), failures.len());
    assert!(failures.is_empty(), "{} differ from EPANET 2.2 ({what}):\n{}", failures.len(), failures.join("\n"));
}
