//! Every hand-written fixture in `tests/networks` through EPANET 2.2, each in its
//! own child process (some broken files crash 2.2), checked against the recorded
//! answers in `expected-errors.tsv` and `expected-warnings.tsv`.
//! Skips when EPANET 2.2 is not installed, unless env `CI` is set.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use oasis_epanet::{IsolatedError, Reference, Toolkit, run_isolated};

fn networks_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/networks")
}

fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_epanet-ref"))
}

fn require(found: Result<Option<Toolkit>, oasis_epanet::Error>, what: &str) -> Option<Toolkit> {
    match found {
        Ok(Some(tk)) => Some(tk),
        Ok(None) if std::env::var_os("CI").is_some() => panic!("{what} missing but CI is set"),
        Ok(None) => {
            eprintln!("skipping: {what} is not installed");
            None
        }
        Err(e) => panic!("{what}: {e}"),
    }
}

/// Rows of a TSV without `#` comments and without its header line.
fn tsv(name: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(networks_dir().join(name)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn inp_files() -> Vec<String> {
    let mut out = Vec::new();
    for sub in ["", "broken"] {
        let dir = networks_dir().join(sub);
        for e in std::fs::read_dir(&dir).unwrap() {
            let name = e.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".inp") {
                out.push(if sub.is_empty() {
                    name
                } else {
                    format!("{sub}/{name}")
                });
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_fixture_gives_epanet_22s_recorded_answer() {
    let Some(tk) = require(Toolkit::find_v22(), "EPANET 2.2 (entoolkit 2.2.0)") else {
        return;
    };
    // Naming the library spares each child process the python3 lookup.
    let reference = Reference::Lib(tk.path().to_path_buf());
    let errors: BTreeMap<String, (String, String)> = tsv("expected-errors.tsv")
        .into_iter()
        .map(|r| (r[0].clone(), (r[1].clone(), r[2].clone())))
        .collect();
    let warnings: BTreeMap<String, i32> = tsv("expected-warnings.tsv")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].parse().unwrap()))
        .collect();
    let files = inp_files();
    for listed in errors.keys().chain(warnings.keys()) {
        assert!(
            files.contains(listed),
            "{listed} is in a TSV but not on disk"
        );
    }
    assert!(files.len() >= 60, "only {} fixtures", files.len());
    let mut failures = Vec::new();
    for f in &files {
        assert!(
            !f.starts_with("broken/") || errors.contains_key(f),
            "{f} is broken but has no row in expected-errors.tsv"
        );
        let got = run_isolated(&exe(), &reference, &networks_dir().join(f), true);
        let verdict = match (errors.get(f), got) {
            (Some((code, _)), Err(IsolatedError::Crashed { .. })) if code == "crash" => Ok(()),
            (Some((code, details)), Err(IsolatedError::Epanet(e))) => {
                let want_details: Vec<i32> = if details == "-" {
                    Vec::new()
                } else {
                    details.split(',').map(|d| d.parse().unwrap()).collect()
                };
                if e.code.to_string() == *code && e.detail_codes() == want_details {
                    Ok(())
                } else {
                    Err(format!(
                        "expected {code} [{details}], got {e} {:?}",
                        e.detail_codes()
                    ))
                }
            }
            (Some((code, _)), other) => Err(format!("expected error {code}, got {other:?}")),
            (None, Ok(periods)) => {
                let want = warnings.get(f).copied().unwrap_or(0);
                let p = &periods[0];
                if p.warning == want && p.snapshot.time_s == 0 && !p.snapshot.nodes.is_empty() {
                    Ok(())
                } else {
                    Err(format!("expected warning {want}, got {} ", p.warning))
                }
            }
            (None, Err(e)) => Err(format!("expected a solution, got {e}")),
        };
        if let Err(why) = verdict {
            failures.push(format!("{f}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn leakage_fixture_solves_in_235() {
    if require(Toolkit::find_v235(), "EPANET 2.3.5 (owa-epanet 2.3.5)").is_none() {
        return;
    }
    let p = run_isolated(
        &exe(),
        &Reference::V235,
        &networks_dir().join("leakage-v23.inp"),
        true,
    )
    .unwrap();
    let j1 = &p[0].snapshot.nodes[0];
    // Leaking pipes P2, P3 add outflow at J1..J3: reported demand exceeds the 5 L/s base.
    assert!(j1.demand > 5.0, "J1 demand {}", j1.demand);
    assert_eq!(p[0].warning, 0);
}

#[test]
fn demo_network_solves_cleanly_in_process() {
    let Some(tk) = require(Toolkit::find_v22(), "EPANET 2.2 (entoolkit 2.2.0)") else {
        return;
    };
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/jinchang-demo.inp");
    let r = tk.steady_state(&demo).unwrap();
    assert_eq!(r.warning, 0);
    assert_eq!(r.snapshot.nodes.len(), 295);
}

#[test]
fn eps_fixture_runs_12_hours_with_controls_and_rule() {
    let Some(tk) = require(Toolkit::find_v22(), "EPANET 2.2 (entoolkit 2.2.0)") else {
        return;
    };
    let periods = tk.reported_periods(&networks_dir().join("eps-tank-controls.inp")).unwrap();
    let times: Vec<i64> = periods.iter().map(|p| p.snapshot.time_s).collect();
    // Duration 12:00 reported hourly from 0: 13 times.
    assert_eq!(times, (0..=12).map(|h| h * 3600).collect::<Vec<_>>());
    assert!(periods.iter().all(|p| p.warning == 0));
    let link = |p: &oasis_epanet::PeriodResult, id: &str| {
        p.snapshot.links.iter().find(|l| l.id == id).unwrap().status
    };
    // "LINK P5 CLOSED AT TIME 3" -> closed at 3 h; "OPEN AT CLOCKTIME 10 AM" with the
    // clock starting at 6 AM -> open again at 4 h.
    assert_eq!(link(&periods[2], "P5"), 1.0);
    assert_eq!(link(&periods[3], "P5"), 0.0);
    assert_eq!(link(&periods[4], "P5"), 1.0);
    // The pump must have been switched off by the high-level control at some point.
    assert!(periods.iter().any(|p| link(p, "PU1") == 0.0));
}
