//! Districts of small hand-written networks, checked by hand, and of the
//! Jinchang demonstration network.

use oasis_districts::*;
use oasis_network::{Network, read_inp};

fn net(text: &str) -> Network {
    read_inp(text.as_bytes(), "test.inp").expect("test network reads")
}

fn meter(id: &str, link: &str, level: u8, hint: Option<&str>) -> BoundaryMeter {
    BoundaryMeter {
        meter_id: id.into(),
        link: link.into(),
        zone_level: level,
        forward: true,
        district_hint: hint.map(str::to_string),
    }
}

/// R feeds A (A1, A2) through production meter M0; B (B1, B2) is fed from A2
/// through bulk meter MB; P4 is a closed boundary valve between A1 and B2; Z1
/// hangs off A1 behind a closed valve (a district with no inlet).
const TWO_DMAS: &str = "
[JUNCTIONS]
 A1 10 1
 A2 10 1
 B1 10 1
 B2 10 0
 Z1 10 0
[RESERVOIRS]
 R 50
[PIPES]
 P0 R A1 100 300 100 0 Open
 P1 A1 A2 200 150 100 0 Open
 P2 A2 B1 300 100 100 0 Open
 P3 B1 B2 400 50 100 0 Open
 P4 A1 B2 500 200 100 0 Closed
 P6 A1 Z1 10 100 100 0 Closed
[OPTIONS]
 Units LPS
[END]
";

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn two_metered_dmas_a_closed_valve_and_the_mains_lengths() {
    let n = net(TWO_DMAS);
    let meters = [meter("M0", "P0", 0, None), meter("MB", "P2", 1, Some("B"))];
    let t = build_districts(&n, &meters, &DistrictOptions::default()).unwrap();
    let ids: Vec<(&str, u8)> = t
        .districts
        .iter()
        .map(|d| (d.id.as_str(), d.level))
        .collect();
    // Level 1 parts by lowest node: {A1, A2} (no level-1 hint feeds it), {B1, B2}, {Z1}.
    assert_eq!(ids, [("city", 0), ("L1-1", 1), ("B", 1), ("L1-3", 1)]);
    let (city, a, b, z) = (
        &t.districts[0],
        &t.districts[1],
        &t.districts[2],
        &t.districts[3],
    );
    assert_eq!(city.junctions.len(), 5);
    assert!(
        city.reservoirs.is_empty(),
        "R sits behind the production meter"
    );
    assert_eq!(a.parent, Some(0));
    assert_eq!(city.children, [1, 2, 3]);
    assert_eq!(a.junctions, [0, 1]);
    assert_eq!(b.junctions, [2, 3]);
    // M0 (R → A1) flows into A and into the city; MB (A2 → B1) out of A, into B.
    let signs = |d: &District| -> Vec<(String, f64)> {
        d.boundary
            .iter()
            .map(|b| (b.meter_id.clone(), b.sign))
            .collect()
    };
    assert_eq!(signs(city), [("M0".to_string(), 1.0)]);
    assert_eq!(
        signs(a),
        [("M0".to_string(), 1.0), ("MB".to_string(), -1.0)]
    );
    assert_eq!(signs(b), [("MB".to_string(), 1.0)]);
    // Mains, by hand. A: P1 200 whole; halves of P0 (R is in no district) 50,
    // P2 150, P4 250, P6 5 → 655, all ≥ DN75.
    assert!(close(a.mains_length_m, 655.0), "{}", a.mains_length_m);
    assert!(close(a.mains_length_dn75_m, 655.0));
    // B: P3 400 whole (DN50), halves of P2 150 and P4 250 → 800; DN75: 400.
    assert!(close(b.mains_length_m, 800.0));
    assert!(close(b.mains_length_dn75_m, 400.0));
    // The city: everything but half of P0 → 1460; DN75 1060.
    assert!(close(city.mains_length_m, 1460.0));
    assert!(close(city.mains_length_dn75_m, 1060.0));
    // Connections: junctions with demand.
    assert_eq!(
        (
            city.connections,
            a.connections,
            b.connections,
            z.connections
        ),
        (3, 2, 1, 0)
    );
    assert_eq!(t.district_of(3, 1), Some(2));
    assert_eq!(t.district_of(5, 1), None, "R is in no district");
    assert_eq!(
        t.warnings,
        [DistrictWarning::NoInlet {
            district: "L1-3".into()
        }]
    );
}

#[test]
fn a_nested_level_two_split_hangs_under_its_parent() {
    let n = net(TWO_DMAS);
    let meters = [
        meter("M0", "P0", 0, None),
        meter("MB", "P2", 1, Some("B")),
        meter("MS", "P3", 2, Some("B-south")),
    ];
    let t = build_districts(&n, &meters, &DistrictOptions::default()).unwrap();
    let b = t.index_of("B").unwrap();
    let south = t.index_of("B-south").unwrap();
    let s = &t.districts[south];
    assert_eq!(
        (s.level, s.parent, s.junctions.as_slice()),
        (2, Some(b), &[3usize][..])
    );
    // B's north part is fed by MB, a level-1 meter: no level-2 hint, so numbered.
    let north = t.district_of(2, 2).unwrap();
    assert_eq!(t.districts[north].id, "L2-2");
    assert_eq!(t.districts[north].parent, Some(b));
    let signs: Vec<_> = t.districts[north]
        .boundary
        .iter()
        .map(|b| (b.meter_id.as_str(), b.sign))
        .collect();
    assert_eq!(signs, [("MB", 1.0), ("MS", -1.0)]);
    // MS bounds level 2 only: B's level-1 boundary is unchanged.
    assert_eq!(t.districts[b].boundary.len(), 1);
    assert_eq!(t.max_level, 2);
    // A reverse meter flips the signs.
    let mut rev = meters.clone();
    rev[2].forward = false;
    let t2 = build_districts(&n, &rev, &DistrictOptions::default()).unwrap();
    let south2 = t2.district_of(3, 2).unwrap();
    assert_eq!(t2.districts[south2].boundary[0].sign, -1.0);
}

/// H is fed by M0 and feeds A and B through meters whose hints disagree about
/// what the unmetered cross pipe X joins; R2 is an unmetered source in B; Y is
/// a metered pipe inside A.
const CROSS: &str = "
[JUNCTIONS]
 H 10 0
 A1 10 1
 A2 10 1
 B1 10 1
 B2 10 1
[RESERVOIRS]
 R 50
 R2 40
[PIPES]
 P0 R H 100 300 100 0
 PA H A1 100 200 100 0
 PB H B1 100 200 100 0
 PA12 A1 A2 100 150 100 0
 PB12 B1 B2 100 150 100 0
 X A2 B2 100 100 100 0
 Y A1 A2 100 100 100 0
 PR2 R2 B2 100 100 100 0
[OPTIONS]
 Units LPS
[END]
";

#[test]
fn an_unmetered_cross_pipe_is_an_open_boundary() {
    let n = net(CROSS);
    let meters = [
        meter("M0", "P0", 0, None),
        meter("MA", "PA", 1, Some("A")),
        meter("MB", "PB", 1, Some("B")),
        meter("MY", "Y", 1, Some("A")),
    ];
    let t = build_districts(&n, &meters, &DistrictOptions::default()).unwrap();
    let ids: Vec<&str> = t.districts.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["city", "L1-1", "L1-2"]);
    let w = &t.warnings;
    assert!(
        w.contains(&DistrictWarning::HintsDisagree {
            level: 1,
            district: "L1-2".into(),
            hints: vec![("MA".into(), "A".into()), ("MB".into(), "B".into())],
            open_links: vec!["PA12".into(), "X".into(), "PB12".into()],
        }),
        "{w:?}"
    );
    assert!(w.contains(&DistrictWarning::UnmeteredSource {
        district: "L1-2".into(),
        node: "R2".into()
    }));
    assert!(w.contains(&DistrictWarning::UnmeteredSource {
        district: "city".into(),
        node: "R2".into()
    }));
    assert!(w.contains(&DistrictWarning::MeterInside {
        meter_id: "MY".into(),
        district: "L1-2".into()
    }));
    assert!(w.iter().all(|w| !w.to_string().is_empty()));
    // Named by hand, the id wins.
    let opts = DistrictOptions {
        names: vec![DistrictName {
            level: 1,
            node: "B2".into(),
            id: "AB".into(),
        }],
        ..Default::default()
    };
    let t = build_districts(&n, &meters, &opts).unwrap();
    assert!(t.index_of("AB").is_some());
}

#[test]
fn errors_name_the_meter_or_row() {
    let n = net(TWO_DMAS);
    let e = build_districts(
        &n,
        &[meter("M9", "NOPE", 1, None)],
        &DistrictOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        e,
        DistrictError::UnknownLink {
            meter_id: "M9".into(),
            link: "NOPE".into()
        }
    );
    assert!(e.to_string().contains("M9"));
    let dup = [meter("M", "P0", 0, None), meter("M", "P2", 1, None)];
    assert!(matches!(
        build_districts(&n, &dup, &DistrictOptions::default()),
        Err(DistrictError::DuplicateMeter(_))
    ));
    let rows = vec![
        ("A".to_string(), "A1".to_string()),
        ("A".to_string(), "Q7".to_string()),
    ];
    let tree = vec![("A".to_string(), None, 1)];
    let e = districts_from_lists(&n, &rows, &tree, &[]).unwrap_err();
    assert_eq!(
        e,
        DistrictError::UnknownNode {
            row: 2,
            district: "A".into(),
            node: "Q7".into()
        }
    );
    let rows = vec![("C".to_string(), "A1".to_string())];
    assert!(matches!(
        districts_from_lists(&n, &rows, &tree, &[]),
        Err(DistrictError::UnknownDistrict { row: 1, .. })
    ));
}

#[test]
fn hand_drawn_districts_report_open_links_and_loose_nodes() {
    let n = net(CROSS);
    let s = |x: &str| x.to_string();
    let rows = vec![
        (s("A"), s("A1")),
        (s("A"), s("A2")),
        (s("B"), s("B1")),
        (s("B"), s("B2")),
        (s("B2s"), s("B2")),
    ];
    let tree = vec![
        (s("A"), None, 1),
        (s("B"), None, 1),
        (s("B2s"), Some(s("B")), 2),
    ];
    let meters = [
        meter("M0", "P0", 0, None),
        meter("MA", "PA", 1, None),
        meter("MB", "PB", 1, None),
    ];
    let t = districts_from_lists(&n, &rows, &tree, &meters).unwrap();
    let b = t.index_of("B").unwrap();
    assert_eq!(t.districts[b].junctions, [3, 4]);
    assert_eq!(t.districts[t.index_of("B2s").unwrap()].parent, Some(b));
    assert_eq!(t.districts[b].boundary.len(), 1);
    let w = &t.warnings;
    // X and Y? Y joins A1–A2, inside A: fine. X joins A and B unmetered.
    assert!(
        w.contains(&DistrictWarning::OpenBoundary {
            level: 1,
            link: "X".into(),
            districts: (s("A"), Some(s("B")))
        }),
        "{w:?}"
    );
    // R2 feeds B unmetered.
    assert!(w.contains(&DistrictWarning::OpenBoundary {
        level: 1,
        link: "PR2".into(),
        districts: (s("B"), None)
    }));
    // H is in no level-1 district; B1 in no level-2 district under B.
    assert!(w.contains(&DistrictWarning::UnassignedNode {
        level: 1,
        node: s("H")
    }));
    assert!(w.contains(&DistrictWarning::UnassignedNode {
        level: 2,
        node: s("B1")
    }));
    // A's junctions are not reported at level 2: A is not split.
    assert!(!w.contains(&DistrictWarning::UnassignedNode {
        level: 2,
        node: s("A1")
    }));
}

#[test]
fn us_units_lengths_in_feet_and_diameters_in_inches() {
    let n = net("
[JUNCTIONS]
 J1 0 1
 J2 0 1
 J3 0 1
[RESERVOIRS]
 R 100
[PIPES]
 P0 R J1 100 12 100 0
 P1 J1 J2 1000 2 100 0
 P2 J2 J3 500 3 100 0
[OPTIONS]
 Units GPM
[END]
");
    let t = build_districts(
        &n,
        &[meter("M0", "P0", 1, Some("Z"))],
        &DistrictOptions::default(),
    )
    .unwrap();
    let z = &t.districts[t.index_of("Z").unwrap()];
    // 1500 ft + half of P0's 100 ft = 1550 ft = 472.44 m; DN75: 3 in (76.2 mm)
    // and 12 in: 550 ft = 167.64 m; 2 in (50.8 mm) is not.
    assert!(
        close(z.mains_length_m, 1550.0 * 0.3048),
        "{}",
        z.mains_length_m
    );
    assert!(close(z.mains_length_dn75_m, 550.0 * 0.3048));
}

#[test]
fn zone_pressure_weights_by_connections() {
    let n = net(TWO_DMAS);
    let t = build_districts(
        &n,
        &[meter("M0", "P0", 0, None), meter("MB", "P2", 1, None)],
        &DistrictOptions::default(),
    )
    .unwrap();
    let p = [10.0, 20.0, 30.0, 50.0, 7.0, 0.0];
    // B: B1 has demand (weight 1), B2 none → 30.
    assert_eq!(zone_pressure_m(&t, 2, &p), Some(30.0));
    // Z1 has no connections: plain mean.
    assert_eq!(zone_pressure_m(&t, 3, &p), Some(7.0));
    assert_eq!(zone_pressure_m(&t, 1, &p[..1]), None);
    assert_eq!(zone_pressure_m(&t, 99, &p), None);
    let opts = DistrictOptions {
        connections_per_node: Some(vec![1, 3, 0, 0, 0, 0]),
        ..Default::default()
    };
    let t = build_districts(&n, &[meter("M0", "P0", 0, None)], &opts).unwrap();
    // City (level 0 only): (10 + 3·20) / 4 = 17.5.
    assert_eq!(zone_pressure_m(&t, 0, &p), Some(17.5));
    assert_eq!(t.districts[0].connections, 4);
}

#[test]
fn jinchang_demo_splits_at_its_prv() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/jinchang-demo.inp"
    );
    let bytes = std::fs::read(path).expect("examples/jinchang-demo.inp");
    let n = read_inp(&bytes, "jinchang-demo.inp").unwrap();
    let meters = [
        meter("PROD", "PS-1", 0, Some("city")),
        meter("LOW", "PRV-1", 1, Some("low")),
    ];
    let t = build_districts(&n, &meters, &DistrictOptions::default()).unwrap();
    let level1: Vec<usize> = t.at_level(1).collect();
    assert_eq!(level1.len(), 2);
    let low = t.index_of("low").unwrap();
    let high = level1.into_iter().find(|&d| d != low).unwrap();
    // Every junction is in exactly one level-1 district, the tank in the high one.
    assert_eq!(
        t.districts[low].junctions.len() + t.districts[high].junctions.len(),
        n.junction_count()
    );
    assert_eq!(t.districts[high].tanks.len(), 1);
    assert!(t.districts[0].reservoirs.is_empty());
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
    assert!(
        t.districts[low].mains_length_m > 0.0
            && t.districts[0].mains_length_m > t.districts[low].mains_length_m
    );
}
