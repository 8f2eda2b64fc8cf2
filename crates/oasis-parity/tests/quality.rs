//! Water quality against EPANET 2.2 (`entoolkit` 2.2.0; hydraulics solved and
//! saved, then EN_runQ/EN_nextQ): node and link quality at every quality
//! routing time within 1e-4 relative to max(1, |value|), on every network with
//! a quality analysis and on random networks for age, chlorine and trace.

use std::path::Path;

use oasis_parity::*;

const QTOL: f64 = 1e-4;

fn check(tk: &oasis_epanet::Toolkit, path: &Path) -> Result<bool, String> {
    let name = path.display().to_string();
    let Ok(net) = oasis_network::read_inp(&std::fs::read(path).unwrap(), &name) else { return Ok(false) };
    let has_quality = net.options.quality.first().is_some_and(|q| !q.eq_ignore_ascii_case("NONE"));
    if net.times.duration_s == 0 || !has_quality {
        return Ok(false);
    }
    let reference = tk.water_quality(path).map_err(|e| format!("{name}: EPANET fails: {e}"))?;
    let ours = oasis_hydraulics::water_quality(&net).map_err(|e| format!("{name}: oasis fails: {e}"))?;
    if ours.steps.len() != reference.len() {
        return Err(format!("{name}: {} quality times, EPANET has {}", ours.steps.len(), reference.len()));
    }
    let close = |a: f64, b: f64| (a - b).abs() <= QTOL * b.abs().max(1.0);
    for (o, r) in ours.steps.iter().zip(&reference) {
        if o.time_s != r.time_s {
            return Err(format!("{name}: oasis at {} s, EPANET at {} s", o.time_s, r.time_s));
        }
        for (i, (a, b)) in o.nodes.iter().zip(&r.nodes).enumerate() {
            if !close(*a, *b) {
                return Err(format!("{name}: at {} s node {} quality: oasis {a} epanet {b}", o.time_s, net.nodes[i].id));
            }
        }
        for (k, (a, b)) in o.links.iter().zip(&r.links).enumerate() {
            if !close(*a, *b) {
                return Err(format!("{name}: at {} s link {} quality: oasis {a} epanet {b}", o.time_s, net.links[k].id));
            }
        }
    }
    Ok(true)
}

fn run_all(dir: &Path) {
    let Some(tk) = epanet22() else { return };
    let filter = std::env::var("OASIS_PARITY_FILTER").unwrap_or_default();
    let known = known_differences();
    let (mut same, mut failures) = (0, Vec::new());
    for f in inp_files(dir).iter().filter(|f| f.display().to_string().contains(&filter)) {
        let listed = known.contains(&label(f));
        match (check(&tk, f), listed) {
            (Ok(true), true) => failures.push(format!("{} now matches EPANET 2.2: remove it from known-differences.txt", label(f))),
            (Ok(true), false) => same += 1,
            (Ok(false), _) => {}
            (Err(e), true) => eprintln!("known difference: {e}"),
            (Err(e), false) => failures.push(e),
        }
    }
    eprintln!("{}: {same} water-quality runs match", dir.display());
    assert!(failures.is_empty(), "{} quality runs differ from EPANET 2.2:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn shared_networks_quality_matches_epanet22() {
    let dir = workspace().join("../shared/networks");
    if !dir.exists() {
        eprintln!("note: ../shared/networks is absent; skipped");
        return;
    }
    run_all(&dir);
}

#[test]
fn own_networks_quality_matches_epanet22() {
    run_all(&workspace().join("tests/networks"));
}
