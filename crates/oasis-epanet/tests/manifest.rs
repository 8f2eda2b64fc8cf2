//! The public benchmark networks in `../shared/networks` (when present) through the
//! wrapper, each in a child process: counts must match `manifest.json` and the
//! recorded EPANET 2.2 outcome (solved, error number, or crash) must be reproduced.
//! Skips when the folder or EPANET 2.2 is missing (EPANET missing fails under CI).

use std::path::{Path, PathBuf};

use oasis_epanet::{IsolatedError, Reference, Toolkit, run_isolated};

fn shared_networks() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/networks");
    p.join("manifest.json").is_file().then_some(p)
}

#[test]
fn manifest_networks_match_recorded_epanet_22_outcomes() {
    let Some(dir) = shared_networks() else {
        eprintln!("skipping: ../shared/networks/manifest.json not found");
        return;
    };
    let tk = match Toolkit::find_v22() {
        Ok(Some(tk)) => tk,
        Ok(None) if std::env::var_os("CI").is_some() => panic!("EPANET 2.2 missing but CI is set"),
        Ok(None) => return eprintln!("skipping: EPANET 2.2 is not installed"),
        Err(e) => panic!("{e}"),
    };
    let reference = Reference::Lib(tk.path().to_path_buf());
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_epanet-ref"));
    let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    let entries: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let count = |e: &serde_json::Value, keys: &[&str]| -> usize {
        keys.iter()
            .map(|k| e[*k].as_u64().unwrap_or(0) as usize)
            .sum()
    };
    let mut failures = Vec::new();
    for e in &entries {
        let file = e["file"].as_str().unwrap();
        let got = run_isolated(&exe, &reference, &dir.join(file), true);
        let recorded = e["epanet22_error"].as_str();
        let verdict = match (recorded, got) {
            (None, Ok(p)) => {
                let s = &p[0].snapshot;
                let (n, l) = (
                    count(e, &["junctions", "tanks", "reservoirs"]),
                    count(e, &["pipes", "pumps", "valves"]),
                );
                if s.nodes.len() == n && s.links.len() == l {
                    Ok(())
                } else {
                    Err(format!(
                        "{} nodes / {} links, manifest {n} / {l}",
                        s.nodes.len(),
                        s.links.len()
                    ))
                }
            }
            (Some(r), Err(IsolatedError::Crashed { .. })) if r.contains("stack smashing") => Ok(()),
            (Some(r), Err(IsolatedError::Epanet(err)))
                if r.contains(&format!("error {}", err.code)) =>
            {
                Ok(())
            }
            (r, other) => Err(format!("manifest says {r:?}, got {other:?}")),
        };
        if let Err(why) = verdict {
            failures.push(format!("{file}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
