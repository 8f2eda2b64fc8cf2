//! Synthetic cities must be networks EPANET 2.2 accepts and solves without a
//! warning over the whole day: positive pressures, pumps within their curves,
//! tanks never running dry, PRVs able to hold their setting.
//! Skips when EPANET 2.2 is not installed, unless env `CI` is set.

use std::path::PathBuf;

use oasis_epanet::{PeriodResult, Toolkit};
use oasis_netgen::city::{CityLayout, CityOptions, city_network};

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
    let p = std::env::temp_dir().join(format!(
        "oasis-netgen-city-{}-{name}.inp",
        std::process::id()
    ));
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs the city through EPANET 2.2 and checks every hydraulic step.
fn solves_cleanly(opts: &CityOptions, name: &str) {
    let Some(tk) = v22() else { return };
    let layout = CityLayout::new(opts);
    let path = temp_inp(name, &city_network(opts));
    let periods: Vec<PeriodResult> = tk.extended_period(&path).unwrap();
    std::fs::remove_file(&path).ok();
    let first = &periods[0].snapshot;
    // Junctions + one reservoir and one tank per district.
    assert_eq!(first.nodes.len(), layout.junctions() + 2 * layout.districts);
    assert_eq!(
        periods.last().unwrap().snapshot.time_s,
        i64::from(opts.duration_h) * 3600
    );
    let (mut lo, mut hi, mut tlo, mut thi) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for p in &periods {
        let s = &p.snapshot;
        assert_eq!(
            p.warning, 0,
            "{name}: warning {} at t={} s",
            p.warning, s.time_s
        );
        let junctions = &s.nodes[..layout.junctions()];
        let pmin = junctions
            .iter()
            .map(|n| n.pressure)
            .fold(f64::INFINITY, f64::min);
        let pmax = junctions
            .iter()
            .map(|n| n.pressure)
            .fold(f64::NEG_INFINITY, f64::max);
        // A city's service band: at least 15 m everywhere, below 120 m (pump
        // discharge nodes are the highest).
        (lo, hi) = (lo.min(pmin), hi.max(pmax));
        assert!(
            pmin > 15.0 && pmax < 120.0,
            "{name}: pressures {pmin:.1}..{pmax:.1} m at t={}",
            s.time_s
        );
        // Tanks (after the reservoirs) stay strictly between their levels 1 and 9 m
        // above the 92 m base: head in (93, 101).
        for t in &s.nodes[layout.junctions() + layout.districts..] {
            assert!(t.id.starts_with('T'), "{}", t.id);
            (tlo, thi) = (tlo.min(t.head), thi.max(t.head));
            assert!(
                t.head > 93.0 && t.head < 101.0,
                "{name}: tank {} head {:.2} at t={}",
                t.id,
                t.head,
                s.time_s
            );
        }
    }
    eprintln!(
        "{name}: {} steps, pressures {lo:.1}..{hi:.1} m, tank heads {tlo:.2}..{thi:.2} m",
        periods.len()
    );
}

#[test]
fn small_city_solves_cleanly_over_24h() {
    solves_cleanly(
        &CityOptions {
            junctions: 800,
            seed: 7,
            ..Default::default()
        },
        "800",
    );
}

#[test]
fn city_of_ten_thousand_junctions_solves_cleanly_over_24h() {
    solves_cleanly(
        &CityOptions {
            junctions: 10_000,
            seed: 1,
            ..Default::default()
        },
        "10k",
    );
}

#[test]
fn city_with_many_small_districts_solves_cleanly() {
    // 9 districts of 20×20 in rows of 3: east links and closed south boundaries.
    solves_cleanly(
        &CityOptions {
            junctions: 3_600,
            district_side: 20,
            seed: 11,
            ..Default::default()
        },
        "9x400",
    );
}
