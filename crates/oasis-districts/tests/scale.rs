//! Districts of a big netgen city (ignored; run with `--release -- --ignored --nocapture`).

use oasis_districts::*;
use oasis_netgen::city::{CityOptions, city_network};
use oasis_network::{LinkKind, read_inp};

#[test]
#[ignore]
fn a_quarter_million_junction_city() {
    let text = city_network(&CityOptions {
        junctions: 250_000,
        district_side: 50,
        seed: 3,
        duration_h: 24,
        coordinates: false,
    });
    let net = read_inp(text.as_bytes(), "big.inp").unwrap();
    let district = |id: &str| {
        id.strip_prefix('J')
            .and_then(|s| s.parse::<usize>().ok())
            .map(|k| (k - 1) / 2500)
    };
    let mut meters = Vec::new();
    for l in &net.links {
        let (level, hint) = match &l.kind {
            LinkKind::Pump(_) => (0, None),
            LinkKind::Valve(_) => (
                2,
                Some(format!("{}-lower", l.id.split('_').next().unwrap())),
            ),
            LinkKind::Pipe(p) if !p.closed_on_line => match (district(&l.from), district(&l.to)) {
                (Some(a), Some(b)) if a != b => (1, Some(format!("D{b}"))),
                _ => continue,
            },
            _ => continue,
        };
        meters.push(BoundaryMeter {
            meter_id: format!("M-{}", l.id),
            link: l.id.clone(),
            zone_level: level,
            forward: true,
            district_hint: hint,
        });
    }
    let t = std::time::Instant::now();
    let tree = build_districts(&net, &meters, &DistrictOptions::default()).unwrap();
    eprintln!(
        "{} junctions, {} meters: {} districts, {} warnings in {:.3} s",
        net.junction_count(),
        meters.len(),
        tree.districts.len(),
        tree.warnings.len(),
        t.elapsed().as_secs_f64()
    );
    assert_eq!(tree.at_level(1).count(), 100);
    assert_eq!(tree.at_level(2).count(), 200);
}
