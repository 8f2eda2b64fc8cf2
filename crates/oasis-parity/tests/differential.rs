//! Differential testing: random valid networks from `oasis-netgen` (every
//! head-loss formula, flow unit, pump curve kind and valve type, emitters,
//! PDA, demand categories), solved by Oasis and by EPANET 2.2, compared value
//! by value at time 0 with the same tolerance as the benchmark networks.
//! `OASIS_DIFF_SEEDS=N` runs more seeds (default 300).

use oasis_parity::*;

#[test]
fn random_networks_match_epanet22() {
    let Some(tk) = epanet22() else { return };
    let seeds: u64 = std::env::var("OASIS_DIFF_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    let dir = std::env::temp_dir().join(format!("oasis-differential-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let opts = oasis_netgen::RandomOptions::default();
    let mut failures = Vec::new();
    let mut outcomes = std::collections::BTreeMap::new();
    for seed in 0..seeds {
        let text = oasis_netgen::random_network(seed, &opts);
        let path = dir.join(format!("random-{seed}.inp"));
        std::fs::write(&path, &text).unwrap();
        let net = oasis_network::read_inp(text.as_bytes(), &path.display().to_string())
            .unwrap_or_else(|e| panic!("seed {seed}: generated network does not read: {e}"));
        let reference = tk.steady_state(&path);
        match (oasis_hydraulics::steady_state(&net), reference) {
            (Ok(o), Ok(r)) => {
                *outcomes.entry(format!("solved, warning {}", r.warning)).or_insert(0) += 1;
                let ids: (Vec<String>, Vec<String>) =
                    (net.nodes.iter().map(|n| n.id.clone()).collect(), net.links.iter().map(|l| l.id.clone()).collect());
                let diffs = compare(&o, &r, (&ids.0, &ids.1));
                if !diffs.is_empty() {
                    failures.push(format!("seed {seed}: {} differences, first: {}", diffs.len(), diffs[0]));
                }
            }
            (Err(o), Err(r)) if o.code() as i32 == r.code => *outcomes.entry(format!("error {}", r.code)).or_insert(0) += 1,
            (o, r) => failures.push(format!("seed {seed}: oasis {:?} epanet {:?}", o.map(|s| s.iterations), r.map(|s| s.iterations))),
        }
        std::fs::remove_file(&path).ok();
    }
    std::fs::remove_dir(&dir).ok();
    eprintln!("{seeds} random networks: {outcomes:?}, {} differ", failures.len());
    assert!(failures.is_empty(), "{} of {seeds} random networks differ from EPANET 2.2:\n{}", failures.len(), failures.join("\n"));
}
