//! Feeds generated networks to the real EPANET 2.2 and counts the outcomes.
//! Skips when EPANET 2.2 is not installed, unless env `CI` is set.
//! `OASIS_NETGEN_SEEDS` sets how many seeds (default 200).

use std::collections::BTreeMap;
use std::path::PathBuf;

use oasis_epanet::Toolkit;
use oasis_netgen::{RandomOptions, jinchang_demo, random_eps_network, random_network};

fn v22() -> Option<Toolkit> {
    match Toolkit::find_v22() {
        Ok(Some(tk)) => Some(tk),
        Ok(None) if std::env::var_os("CI").is_some() => panic!("EPANET 2.2 missing but CI is set"),
        Ok(None) => {
            eprintln!("skipping: EPANET 2.2 (entoolkit 2.2.0) is not installed");
            None
        }
        Err(e) => panic!("{e}"),
    }
}

fn temp_inp(name: &str, text: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("oasis-netgen-{}-{name}.inp", std::process::id()));
    std::fs::write(&p, text).unwrap();
    p
}

fn seeds() -> u64 {
    std::env::var("OASIS_NETGEN_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200)
}

#[derive(Default, Debug)]
struct Tally {
    clean: usize,
    warnings: BTreeMap<i32, usize>,
    errors: BTreeMap<i32, Vec<u64>>,
}

fn tally(tk: &Toolkit, n: u64, eps: bool) -> Tally {
    let opts = RandomOptions::default();
    let mut t = Tally::default();
    for seed in 0..n {
        let text = if eps {
            random_eps_network(seed, &opts)
        } else {
            random_network(seed, &opts)
        };
        // Names differ per mode: tests run in parallel threads, and EPANET 2.2 fed a
        // file another thread is rewriting can crash the whole process.
        let mode = if eps { "eps" } else { "steady" };
        let path = temp_inp(&format!("{mode}-seed{seed}"), &text);
        let outcome = if eps {
            tk.extended_period(&path)
                .map(|ps| ps.iter().map(|p| p.warning).max().unwrap_or(0))
        } else {
            tk.steady_state(&path).map(|r| r.warning)
        };
        std::fs::remove_file(&path).ok();
        match outcome {
            Ok(0) => t.clean += 1,
            Ok(w) => *t.warnings.entry(w).or_default() += 1,
            Err(e) => t.errors.entry(e.code).or_default().push(seed),
        }
    }
    t
}

#[test]
fn random_networks_are_accepted_and_mostly_clean() {
    let Some(tk) = v22() else { return };
    let n = seeds();
    let t = tally(&tk, n, false);
    eprintln!("steady, {n} seeds: {t:?}");
    // Valid by construction: EPANET must accept every one of them.
    assert!(t.errors.is_empty(), "EPANET rejected: {:?}", t.errors);
    let unbalanced = t.warnings.get(&1).copied().unwrap_or(0);
    assert!(
        unbalanced * 20 <= n as usize,
        "more than 5% unbalanced: {t:?}"
    );
    assert!(
        t.clean * 10 >= n as usize * 7,
        "fewer than 70% clean: {t:?}"
    );
}

#[test]
fn random_eps_networks_are_accepted() {
    let Some(tk) = v22() else { return };
    let n = seeds() / 4;
    let t = tally(&tk, n, true);
    eprintln!("eps, {n} seeds: {t:?}");
    assert!(t.errors.is_empty(), "EPANET rejected: {:?}", t.errors);
}

#[test]
fn jinchang_demo_solves_cleanly_at_t0_and_over_24h() {
    let Some(tk) = v22() else { return };
    let path = temp_inp("jinchang", &jinchang_demo());
    let steady = tk.steady_state(&path).unwrap();
    let eps = tk.extended_period(&path).unwrap();
    std::fs::remove_file(&path).ok();
    assert_eq!(steady.warning, 0, "t=0 warning {}", steady.warning);
    assert!(
        steady.snapshot.nodes.len() >= 200,
        "{} nodes",
        steady.snapshot.nodes.len()
    );
    let last = eps.last().unwrap().snapshot.time_s;
    assert_eq!(last, 24 * 3600);
    for p in &eps {
        assert_eq!(
            p.warning, 0,
            "warning {} at t={} s",
            p.warning, p.snapshot.time_s
        );
    }
}
