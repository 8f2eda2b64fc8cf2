//! Extended-period runs against EPANET 2.2 (`entoolkit` 2.2.0): the same
//! hydraulic time steps at the same times, and at every step every head,
//! pressure, demand, flow, velocity, headloss, status and setting within 1e-6
//! relative to max(1, |value|), with the same iteration count and warning.

use std::path::Path;

use oasis_parity::*;

fn check(tk: &oasis_epanet::Toolkit, path: &Path) -> Result<Option<&'static str>, String> {
    let name = path.display().to_string();
    let Ok(net) = oasis_network::read_inp(&std::fs::read(path).unwrap(), &name) else { return Ok(None) };
    if net.times.duration_s == 0 {
        return Ok(None);
    }
    let reference = match tk.extended_period(path) {
        Ok(r) => r,
        Err(e) => return Err(format!("{name}: EPANET fails ({e}) but Oasis reads it")),
    };
    let mut sim = oasis_hydraulics::Simulation::new(&net).map_err(|e| format!("{name}: {e}"))?;
    let ids: (Vec<String>, Vec<String>) =
        (net.nodes.iter().map(|n| n.id.clone()).collect(), net.links.iter().map(|l| l.id.clone()).collect());
    for (step, r) in reference.iter().enumerate() {
        let o = sim.run().map_err(|e| format!("{name}: step {step} at {} s: oasis fails: {e}", r.snapshot.time_s))?;
        if o.time_s != r.snapshot.time_s {
            return Err(format!("{name}: step {step}: oasis at {} s, epanet at {} s", o.time_s, r.snapshot.time_s));
        }
        let as_steady = oasis_epanet::SteadyResult {
            snapshot: r.snapshot.clone(),
            iterations: r.iterations,
            relative_error: r.relative_error,
            warning: r.warning,
        };
        let diffs = compare(&o, &as_steady, (&ids.0, &ids.1));
        if !diffs.is_empty() {
            return Err(format!("{name}: at {} s (step {step}): {} differences, e.g. {}", o.time_s, diffs.len(), diffs[0]));
        }
        let step_s = sim.next().map_err(|e| format!("{name}: {e}"))?;
        if step_s == 0 && step + 1 < reference.len() {
            return Err(format!("{name}: oasis stops after step {step}, epanet has {} steps", reference.len()));
        }
    }
    Ok(Some("same"))
}

fn run_all(dir: &Path) {
    check_directory(dir, "every hydraulic step", check);
}

#[test]
fn shared_networks_match_epanet22_over_time() {
    if let Some(dir) = shared_networks() {
        run_all(&dir);
    }
}

#[test]
fn own_networks_match_epanet22_over_time() {
    run_all(&workspace().join("tests/networks"));
    run_all(&workspace().join("examples"));
}

/// Random extended-period networks (tanks, patterns, simple controls and
/// rules) from `oasis-netgen`, every hydraulic step against EPANET 2.2.
/// `OASIS_DIFF_SEEDS=N` runs more seeds (default 100).
#[test]
fn random_extended_period_networks_match_epanet22() {
    let Some(tk) = epanet22() else { return };
    let seeds: u64 = std::env::var("OASIS_DIFF_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(100);
    let dir = std::env::temp_dir().join(format!("oasis-eps-differential-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let opts = oasis_netgen::RandomOptions::default();
    let (mut same, mut failures) = (0, Vec::new());
    for seed in 0..seeds {
        let path = dir.join(format!("random-eps-{seed}.inp"));
        std::fs::write(&path, oasis_netgen::random_eps_network(seed, &opts)).unwrap();
        match check(&tk, &path) {
            Ok(Some(_)) => same += 1,
            Ok(None) => failures.push(format!("seed {seed}: not an extended-period network")),
            Err(e) => failures.push(format!("seed {seed}: {e}")),
        }
        std::fs::remove_file(&path).ok();
    }
    std::fs::remove_dir(&dir).ok();
    eprintln!("{same} of {seeds} random extended-period networks match");
    assert!(failures.is_empty(), "{} of {seeds} differ:\n{}", failures.len(), failures.join("\n"));
}
