use oasis_greening::{
    GreeningError, Kind, against_targets, geojson, mu_to_ha, polygon_area_ha, read_projects, totals,
};
use oasis_records::Decimal;
use std::str::FromStr;

const HEAD: &str = "id,name,kind,programme,county,year,area,area_unit,polygon,funding_wan_yuan,funding_source,accepted_on,planted,surviving\n";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn areas_convert_exactly_and_total_against_targets() {
    let text = format!(
        "{HEAD}A,a,afforestation,三北六期,永昌县,2025,1200,ha,,300,central,2025-10-01,1000,870\n\
         B,b,afforestation,三北六期,金川区,2025,2.5,万亩,,200,central,,500,450\n\
         C,c,grassland,,永昌县,2025,7000,亩,,,,,,\n"
    );
    let ps = read_projects("p.csv", &text).unwrap();
    // 1200 ha × 15 = 18 000 亩; 2.5 万亩 = 25 000 亩; afforestation 43 000 亩 against 60 000 → short 17 000.
    assert_eq!(ps[0].area_mu, d("18000"));
    assert_eq!(mu_to_ha(d("25000")).round_dp(4), d("1666.6667"));
    let t = totals(&ps);
    let aff = &t[&(2025, Kind::Afforestation)];
    assert_eq!(aff.area_mu, d("43000"));
    assert_eq!(aff.accepted_mu, d("18000"));
    // Survival (870 + 450)/(1000 + 500) = 1320/1500 = 88 %; project A 870/1000 = 87 %.
    assert_eq!(aff.survival_pct(), Some(d("88")));
    assert_eq!(ps[0].survival_pct(), Some(d("87")));
    let a = against_targets(
        &t,
        &[
            (2025, Kind::Afforestation, d("60000")),
            (2025, Kind::Grassland, d("7000")),
        ],
    );
    assert_eq!((a[0].gap_mu, a[0].met), (d("-17000"), false));
    // A value on the target meets it.
    assert_eq!((a[1].gap_mu, a[1].met), (d("0"), true));
}

#[test]
fn unknown_unit_is_named() {
    let e = read_projects(
        "p.csv",
        &format!("{HEAD}A,a,afforestation,,x,2025,3,km2,,,,,,\n"),
    )
    .unwrap_err();
    assert!(
        matches!(&e, GreeningError::Unit { at, .. } if at.line == 2 && at.field == "area_unit"),
        "{e}"
    );
}

#[test]
fn overlapping_polygons_are_refused_touching_ones_are_not() {
    // Unit squares side by side share an edge: allowed.
    let ok = format!(
        "{HEAD}A,a,afforestation,,x,2025,1,ha,102.0 38.0;102.01 38.0;102.01 38.01;102.0 38.01,,,,,\n\
         B,b,afforestation,,x,2025,1,ha,102.01 38.0;102.02 38.0;102.02 38.01;102.01 38.01,,,,,\n"
    );
    assert!(read_projects("p.csv", &ok).is_ok());
    // B shifted half a square to the left overlaps A: error on line 3 naming A.
    let bad = format!(
        "{HEAD}A,a,afforestation,,x,2025,1,ha,102.0 38.0;102.01 38.0;102.01 38.01;102.0 38.01,,,,,\n\
         B,b,sand_control,,x,2024,1,ha,102.005 38.0;102.015 38.0;102.015 38.01;102.005 38.01,,,,,\n"
    );
    match read_projects("p.csv", &bad) {
        Err(GreeningError::Overlap {
            at,
            other,
            other_at,
        }) => {
            assert_eq!((at.line, other.as_str(), other_at.line), (3, "A", 2));
        }
        other => panic!("{other:?}"),
    }
    // The same ring twice, and one inside another, overlap too.
    let same = format!(
        "{HEAD}A,a,afforestation,,x,2025,1,ha,102.0 38.0;102.01 38.0;102.01 38.01,,,,,\n\
         B,b,afforestation,,x,2025,1,ha,102.0 38.0;102.01 38.0;102.01 38.01,,,,,\n"
    );
    assert!(read_projects("p.csv", &same).is_err());
    let inner = format!(
        "{HEAD}A,a,afforestation,,x,2025,1,ha,102.0 38.0;102.1 38.0;102.1 38.1;102.0 38.1,,,,,\n\
         B,b,afforestation,,x,2025,1,ha,102.02 38.02;102.03 38.02;102.03 38.03,,,,,\n"
    );
    assert!(read_projects("p.csv", &inner).is_err());
}

#[test]
fn polygon_area_and_geojson() {
    // 0.01° × 0.01° at 38° N: 1111.95 m × (1111.95 × cos 38.005°) m ≈ 1111.95 × 876.1 m ≈ 97.4 ha.
    let sq = [
        (102.0, 38.0),
        (102.01, 38.0),
        (102.01, 38.01),
        (102.0, 38.01),
    ];
    let a = polygon_area_ha(&sq);
    assert!((a - 97.4).abs() < 0.2, "{a}");
    let ps = read_projects(
        "p.csv",
        &format!("{HEAD}A,a,afforestation,,x,2025,1,ha,102.0 38.0;102.01 38.0;102.01 38.01,,,,,\n"),
    )
    .unwrap();
    let g: serde_json::Value = serde_json::from_str(&geojson(&ps)).unwrap();
    assert_eq!(
        g["features"][0]["geometry"]["coordinates"][0]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(g["features"][0]["properties"]["area_mu"], "15");
}
