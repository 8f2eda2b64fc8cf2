//! Water quality against EPANET 2.2 (`entoolkit` 2.2.0; hydraulics solved and
//! saved, then EN_runQ/EN_nextQ): node and link quality at every quality
//! routing time within 1e-4 relative to max(1, |value|), on every network with
//! a quality analysis and on random networks for age, chlorine and trace.

use std::path::Path;

use oasis_parity::*;

const QTOL: f64 = 1e-4;

fn check(tk: &oasis_epanet::Toolkit, path: &Path) -> Result<Option<&'static str>, String> {
    let name = path.display().to_string();
    let Ok(net) = oasis_network::read_inp(&std::fs::read(path).unwrap(), &name) else { return Ok(None) };
    let has_quality = net.options.quality.first().is_some_and(|q| !q.eq_ignore_ascii_case("NONE"));
    if net.times.duration_s == 0 || !has_quality {
        return Ok(None);
    }
    let reference = tk.water_quality(path).map_err(|e| format!("{name}: EPANET fails: {e}"))?;
    let ours = oasis_hydraulics::water_quality(&net).map_err(|e| format!("{name}: oasis fails: {e}"))?;
    if ours.steps.len() != reference.len() {
        return Err(format!("{name}: {} quality times, EPANET has {}", ours.steps.len(), reference.len()));
    }
    let close = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= QTOL * b.abs().max(1.0);
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
    Ok(Some("same"))
}

fn run_all(dir: &Path) {
    check_directory(dir, "water quality", check);
}

#[test]
fn shared_networks_quality_matches_epanet22() {
    if let Some(dir) = shared_networks() {
        run_all(&dir);
    }
}

#[test]
fn own_networks_quality_matches_epanet22() {
    run_all(&workspace().join("tests/networks"));
    // The output crate's report fixtures include age, trace and chlorine runs.
    run_all(&workspace().join("crates/oasis-output/tests/networks"));
}

/// Random extended-period networks from `oasis-netgen`, each run with one of
/// several quality set-ups that between them use every feature: water age;
/// source tracing; chlorine with bulk orders 0, 1, 1.5 and 2 (with and without
/// a limiting potential), wall orders 0 and 1 (with and without mass transfer,
/// and the roughness correlation), the four tank mixing models, and the four
/// source types with a pattern. `OASIS_DIFF_SEEDS=N` runs more seeds (default 60).
#[test]
fn random_networks_quality_matches_epanet22() {
    use oasis_network::{Mixing, NodeKind, Source};
    let Some(tk) = epanet22() else { return };
    let seeds: u64 = std::env::var("OASIS_DIFF_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let dir = std::env::temp_dir().join(format!("oasis-quality-differential-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let opts = oasis_netgen::RandomOptions::default();
    let (mut same, mut failures) = (0, Vec::new());
    let line = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<String>>();
    for seed in 0..seeds {
        let text = oasis_netgen::random_eps_network(seed, &opts);
        let mut net = oasis_network::read_inp(text.as_bytes(), "generated").unwrap();
        let junction = net.nodes.iter().find(|n| matches!(n.kind, NodeKind::Junction(_))).unwrap().id.clone();
        let fixed = net.nodes.iter().find(|n| !matches!(n.kind, NodeKind::Junction(_))).unwrap().id.clone();
        let tanks: Vec<String> =
            net.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Tank(_))).map(|n| n.id.clone()).collect();
        let pattern = net.patterns.first().map(|p| p.id.clone());
        let variant = seed % 6;
        match variant {
            0 => net.options.quality = vec!["AGE".into()],
            1 => net.options.quality = vec!["TRACE".into(), fixed.clone()],
            _ => {
                net.options.quality = vec!["CHLORINE".into(), "mg/L".into()];
                let (bulk, wall, tank, extra) = match variant {
                    2 => ("1", "1", "1", "GLOBAL WALL -0.3"),
                    3 => ("2", "0", "2", "LIMITING POTENTIAL 0.2"),
                    4 => ("0", "1", "0", "ROUGHNESS CORRELATION 0.5"),
                    _ => ("1.5", "0", "1", "GLOBAL WALL -0.05"),
                };
                net.reactions.lines = vec![
                    line(&format!("ORDER BULK {bulk}")),
                    line(&format!("ORDER WALL {wall}")),
                    line(&format!("ORDER TANK {tank}")),
                    line("GLOBAL BULK -0.4"),
                    line(extra),
                ];
                net.quality.push((fixed.clone(), 1.2));
                let kinds = ["CONCEN", "MASS", "SETPOINT", "FLOWPACED"];
                let kind = kinds[(seed / 6 % 4) as usize];
                let node = if kind == "CONCEN" { fixed.clone() } else { junction.clone() };
                let strength = if kind == "MASS" { 50.0 } else { 1.5 };
                net.sources.push(Source { node, kind: kind.into(), strength, pattern: pattern.clone() });
            }
        }
        net.options.diffusivity = if seed % 4 == 0 { 0.0 } else { 1.0 };
        for (i, t) in tanks.iter().enumerate() {
            let models = ["MIXED", "2COMP", "FIFO", "LIFO"];
            let model = models[(seed as usize + i) % 4];
            let fraction = (model == "2COMP").then_some(0.4);
            net.mixing.push(Mixing { tank: t.clone(), model: model.into(), fraction });
            net.quality.push((t.clone(), 0.6));
        }
        let path = dir.join(format!("random-quality-{seed}.inp"));
        std::fs::write(&path, oasis_network::write_inp(&net)).unwrap();
        match check(&tk, &path) {
            Ok(Some(_)) => same += 1,
            Ok(None) => failures.push(format!("seed {seed}: no quality run")),
            Err(e) => failures.push(format!("seed {seed} (variant {variant}): {e}")),
        }
        std::fs::remove_file(&path).ok();
    }
    std::fs::remove_dir(&dir).ok();
    eprintln!("{same} of {seeds} random water-quality runs match");
    assert!(failures.is_empty(), "{} of {seeds} differ:\n{}", failures.len(), failures.join("\n"));
}
