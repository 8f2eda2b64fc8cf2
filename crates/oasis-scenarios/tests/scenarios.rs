//! Scenario results against hand-computed values, against runs of the same
//! variant alone, and the CSV's shape.

use oasis_hydraulics::{Simulation, Snapshot, extended_period};
use oasis_netgen::city::{CityOptions, city_network};
use oasis_network::{Network, NodeKind, read_inp};
use oasis_scenarios::cli::{Kind, ScenariosArgs, csv_header, run};
use oasis_scenarios::{
    Scenario, Settings, Summary, Variant, apply, closure_scenarios, demand_scenarios, factor_range,
    leak_scenarios, run_all, run_one,
};

/// A reservoir at 100 m feeding J1 (ground 0 m) through a short, wide pipe, and J2
/// beyond it through two parallel pipes P2 and P3. J1 has no demand, J2 10 L/s.
const TINY: &str = "[JUNCTIONS]\n J1 0 0\n J2 0 10\n[RESERVOIRS]\n R1 100\n\
    [PIPES]\n P1 R1 J1 1 1000 130\n P2 J1 J2 1 1000 130\n P3 J1 J2 1 1000 130\n\
    [OPTIONS]\n Units LPS\n Headloss H-W\n[END]\n";

fn tiny() -> Network {
    read_inp(TINY.as_bytes(), "tiny.inp").unwrap()
}

fn steady() -> Settings {
    Settings {
        pressure_threshold: 20.0,
        steady: true,
    }
}

#[test]
fn leak_flow_follows_the_emitter_law() {
    let net = tiny();
    let leaks = leak_scenarios(&net, 1.0);
    assert_eq!(leaks.len(), 2, "one per junction");
    let s = run_one(&net, &leaks[0], &steady());
    assert_eq!(
        (s.kind, s.target.as_str(), s.error.as_deref()),
        ("leak", "J1", None)
    );
    // Head losses in 1 m of 1000 mm pipe are ~1e-6 m, so J1 sits at ~100 m of
    // pressure and leaks 1.0 · 100^0.5 = 10 L/s; the supply is that plus J2's 10 L/s.
    assert!((s.mean_supply - 20.0).abs() < 0.01, "{}", s.mean_supply);
    assert!((s.min_pressure - 100.0).abs() < 0.01, "{}", s.min_pressure);
    assert_eq!(s.junctions_below, 0);
}

#[test]
fn demand_factor_scales_the_supply() {
    let net = tiny();
    let list = demand_scenarios(&[0.5, 2.0]);
    // J2's 10 L/s × 0.5 = 5 L/s, × 2 = 20 L/s. The reservoir's outflow balances
    // the demands to the solver's accuracy (ACCURACY 0.001 is a relative flow change).
    let half = run_one(&net, &list[0], &steady());
    let double = run_one(&net, &list[1], &steady());
    assert!(
        (half.mean_supply - 5.0).abs() < 5e-3,
        "{}",
        half.mean_supply
    );
    assert!(
        (double.mean_supply - 20.0).abs() < 2e-2,
        "{}",
        double.mean_supply
    );
    assert_eq!(double.target, "x2");
}

#[test]
fn closing_one_of_two_parallel_pipes_keeps_the_supply_and_a_threshold_counts() {
    let net = tiny();
    let closures = closure_scenarios(&net);
    assert_eq!(closures.len(), 3, "P1, P2 and P3 are open");
    let p2 = run_one(
        &net,
        &closures[1],
        &Settings {
            pressure_threshold: 150.0,
            steady: true,
        },
    );
    assert_eq!(p2.target, "P2");
    assert!((p2.mean_supply - 10.0).abs() < 1e-2, "{}", p2.mean_supply);
    // Both junctions sit near 100 m, below a 150 m threshold.
    assert_eq!(p2.junctions_below, 2);
    // The variant really has P2 closed, and the base network is untouched.
    let v = apply(&net, &closures[1]).unwrap();
    assert_eq!(
        v.links[1].initial_status,
        Some(oasis_network::InitialStatus::Closed)
    );
    assert_eq!(net, tiny());
}

#[test]
fn bad_variants_are_errors_not_panics() {
    let net = tiny();
    // Node 2 is the reservoir, link 9 does not exist.
    let bad = [
        Scenario {
            index: 0,
            variant: Variant::Leak {
                junction: 2,
                coefficient: 1.0,
            },
        },
        Scenario {
            index: 1,
            variant: Variant::Closure { link: 9 },
        },
        Scenario {
            index: 2,
            variant: Variant::DemandMultiplier { factor: -1.0 },
        },
    ];
    for s in &bad {
        let r = run_one(&net, s, &steady());
        let e = r.error.expect("an error");
        assert!(e.starts_with(&format!("scenario {}", s.index)), "{e}");
        assert!(r.min_pressure.is_nan());
    }
}

fn small_city() -> Network {
    let opts = CityOptions {
        junctions: 100,
        seed: 5,
        duration_h: 6,
        ..Default::default()
    };
    read_inp(city_network(&opts).as_bytes(), "city100.inp").unwrap()
}

/// The summary computed another way: from the stored results of a whole run.
fn summary_from_full_run(net: &Network, s: &Scenario, threshold: f64) -> (f64, usize, f64, usize) {
    let v = apply(net, s).unwrap();
    let r = extended_period(&v).unwrap();
    let nj = v
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Junction(_)))
        .count();
    let min = r
        .periods
        .iter()
        .flat_map(|p| &p.nodes[..nj])
        .map(|n| n.pressure)
        .fold(f64::INFINITY, f64::min);
    let below = (0..nj)
        .filter(|&j| r.periods.iter().any(|p| p.nodes[j].pressure < threshold))
        .count();
    let supply: f64 = r
        .periods
        .iter()
        .map(|p| -p.nodes[nj..].iter().map(|n| n.demand).sum::<f64>())
        .sum::<f64>()
        / r.periods.len() as f64;
    (min, below, supply, r.periods.len())
}

#[test]
fn threaded_results_equal_each_variant_run_alone() {
    let net = small_city();
    let settings = Settings {
        pressure_threshold: 45.0,
        steady: false,
    };
    let mut scenarios = leak_scenarios(&net, 2.0);
    scenarios.truncate(12);
    let mut rows: Vec<Summary> = Vec::new();
    let mut seen = Vec::new();
    run_all(&net, &scenarios, &settings, 3, |s, done| {
        seen.push(done);
        rows.push(s.clone());
    });
    // Rows come in scenario order, and the progress count runs 1..=n.
    assert_eq!(
        rows.iter().map(|r| r.index).collect::<Vec<_>>(),
        (0..12).collect::<Vec<_>>()
    );
    assert_eq!(seen, (1..=12).collect::<Vec<_>>());
    let base = run_one(&net, &demand_scenarios(&[1.0])[0], &settings);
    for (s, row) in scenarios.iter().zip(&rows) {
        assert_eq!(row, &run_one(&net, s, &settings), "scenario {}", s.index);
        let (min, below, supply, periods) = summary_from_full_run(&net, s, 45.0);
        assert_eq!(row.min_pressure, min);
        assert_eq!(row.junctions_below, below);
        assert!(
            (row.mean_supply - supply).abs() <= 1e-9 * supply.abs(),
            "{} vs {supply}",
            row.mean_supply
        );
        // 6 h at 1 h reporting steps: 0..=6 h.
        assert_eq!((row.periods, periods), (7, 7));
        // A leak adds water: the supply exceeds the base case's.
        assert!(
            row.mean_supply > base.mean_supply,
            "{} vs {}",
            row.mean_supply,
            base.mean_supply
        );
    }
}

#[test]
fn factor_range_includes_both_ends() {
    // 0.5 to 2.0 in 4 steps: 0.5, 1.0, 1.5, 2.0.
    assert_eq!(factor_range(0.5, 2.0, 4), vec![0.5, 1.0, 1.5, 2.0]);
    assert_eq!(factor_range(1.0, 3.0, 1), vec![1.0]);
    assert!(factor_range(1.0, 3.0, 0).is_empty());
}

#[test]
fn csv_has_a_header_and_one_full_row_per_scenario_in_order() {
    let dir = std::env::temp_dir();
    let inp = dir.join(format!("oasis-scenarios-{}-city.inp", std::process::id()));
    let out = dir.join(format!("oasis-scenarios-{}-out.csv", std::process::id()));
    let opts = CityOptions {
        junctions: 100,
        seed: 5,
        duration_h: 2,
        ..Default::default()
    };
    std::fs::write(&inp, city_network(&opts)).unwrap();
    let args = ScenariosArgs {
        network: inp.clone(),
        kind: Kind::Closure,
        leak_coefficient: 0.5,
        factors: Vec::new(),
        min_factor: 0.5,
        max_factor: 2.0,
        count: 16,
        limit: Some(25),
        threshold: 20.0,
        steady: false,
        threads: Some(2),
        output: out.clone(),
        quiet: true,
    };
    run(args).unwrap();
    let net = read_inp(&std::fs::read(&inp).unwrap(), "city").unwrap();
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, csv_header(&net));
    // LPS network with metres of pressure.
    assert_eq!(header[3], "min_pressure_m");
    assert_eq!(header[7], "mean_supply_lps");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 25);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.len(), header.len());
        assert_eq!(&r[0], i.to_string().as_str());
        assert_eq!(&r[1], "closure");
        assert!(r[2].starts_with('P'), "closures of grid pipes: {}", &r[2]);
        // Closing one grid pipe never cuts a junction off: every row has numbers.
        assert!(r[3].parse::<f64>().is_ok() && r[10].is_empty(), "{r:?}");
    }
    std::fs::remove_file(&inp).ok();
    std::fs::remove_file(&out).ok();
    let _ = Kind::Leak;
}

fn every_period(mut sim: Simulation) -> Vec<Snapshot> {
    let mut periods = Vec::new();
    loop {
        periods.push(sim.run().unwrap());
        if sim.next().unwrap() == 0 {
            return periods;
        }
    }
}

/// Scenarios share the base network's ordering and symbolic factorisation:
/// the variants use it and get exactly the results of a run that builds its own;
/// a network of another layout is given a structure of its own.
#[test]
fn a_shared_solver_structure_changes_no_result() {
    let net = small_city();
    let base = Simulation::new(&net).unwrap().structure();
    let mut variants = leak_scenarios(&net, 2.0);
    variants.truncate(4);
    variants.extend(closure_scenarios(&net).into_iter().take(4));
    variants.extend(demand_scenarios(&[1.7]));
    for s in &variants {
        let v = apply(&net, s).unwrap();
        let shared = Simulation::with_structure(&v, &base).unwrap();
        assert!(shared.structure().is_same(&base), "scenario {} built its own structure", s.index);
        assert_eq!(every_period(shared), every_period(Simulation::new(&v).unwrap()), "scenario {}", s.index);
    }
    let other = read_inp(
        city_network(&CityOptions { junctions: 200, seed: 6, duration_h: 2, ..Default::default() }).as_bytes(),
        "city200.inp",
    )
    .unwrap();
    let sim = Simulation::with_structure(&other, &base).unwrap();
    assert!(!sim.structure().is_same(&base), "another layout must not reuse the structure");
    assert_eq!(every_period(sim), every_period(Simulation::new(&other).unwrap()));
}
