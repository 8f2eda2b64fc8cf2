//! Every GB 3838-2002 Table 1 item and class boundary, rounding of evaluation
//! values, exceedance multiples, shares and rating, and the CWQI on a
//! hand-worked example.

use std::collections::BTreeMap;

use WaterClass::*;
use oasis_surface_water::*;

#[rustfmt::skip]
const ROWS: &[(Item, WaterBody, &str, WaterClass)] = &[
// (item, water body, value, expected class): each distinct limit L of the
// item, the value L itself (meets the best class with that limit) and L plus
// one unit of the evaluation decimals (falls to the next larger limit, or 劣V).
    (Item::CodMn, WaterBody::River, "2", I), // 2: <= 2 (class I limit) -> I
    (Item::CodMn, WaterBody::River, "2.1", II), // 2.1: > 2 (class I), <= 4 (class II limit) -> II
    (Item::CodMn, WaterBody::River, "4", II), // 4: > 2 (class I), <= 4 (class II limit) -> II
    (Item::CodMn, WaterBody::River, "4.1", III), // 4.1: > 4 (class II), <= 6 (class III limit) -> III
    (Item::CodMn, WaterBody::River, "6", III), // 6: > 4 (class II), <= 6 (class III limit) -> III
    (Item::CodMn, WaterBody::River, "6.1", IV), // 6.1: > 6 (class III), <= 10 (class IV limit) -> IV
    (Item::CodMn, WaterBody::River, "10", IV), // 10: > 6 (class III), <= 10 (class IV limit) -> IV
    (Item::CodMn, WaterBody::River, "10.1", V), // 10.1: > 10 (class IV), <= 15 (class V limit) -> V
    (Item::CodMn, WaterBody::River, "15", V), // 15: > 10 (class IV), <= 15 (class V limit) -> V
    (Item::CodMn, WaterBody::River, "15.1", WorseThanV), // 15.1 > 15 (class V limit) -> 劣V
    (Item::Cod, WaterBody::River, "15", I), // 15: <= 15 (class I limit) -> I
    (Item::Cod, WaterBody::River, "15.1", III), // 15.1: > 15 (class II), <= 20 (class III limit) -> III
    (Item::Cod, WaterBody::River, "20", III), // 20: > 15 (class II), <= 20 (class III limit) -> III
    (Item::Cod, WaterBody::River, "20.1", IV), // 20.1: > 20 (class III), <= 30 (class IV limit) -> IV
    (Item::Cod, WaterBody::River, "30", IV), // 30: > 20 (class III), <= 30 (class IV limit) -> IV
    (Item::Cod, WaterBody::River, "30.1", V), // 30.1: > 30 (class IV), <= 40 (class V limit) -> V
    (Item::Cod, WaterBody::River, "40", V), // 40: > 30 (class IV), <= 40 (class V limit) -> V
    (Item::Cod, WaterBody::River, "40.1", WorseThanV), // 40.1 > 40 (class V limit) -> 劣V
    (Item::Bod5, WaterBody::River, "3", I), // 3: <= 3 (class I limit) -> I
    (Item::Bod5, WaterBody::River, "3.1", III), // 3.1: > 3 (class II), <= 4 (class III limit) -> III
    (Item::Bod5, WaterBody::River, "4", III), // 4: > 3 (class II), <= 4 (class III limit) -> III
    (Item::Bod5, WaterBody::River, "4.1", IV), // 4.1: > 4 (class III), <= 6 (class IV limit) -> IV
    (Item::Bod5, WaterBody::River, "6", IV), // 6: > 4 (class III), <= 6 (class IV limit) -> IV
    (Item::Bod5, WaterBody::River, "6.1", V), // 6.1: > 6 (class IV), <= 10 (class V limit) -> V
    (Item::Bod5, WaterBody::River, "10", V), // 10: > 6 (class IV), <= 10 (class V limit) -> V
    (Item::Bod5, WaterBody::River, "10.1", WorseThanV), // 10.1 > 10 (class V limit) -> 劣V
    (Item::Nh3N, WaterBody::River, "0.15", I), // 0.15: <= 0.15 (class I limit) -> I
    (Item::Nh3N, WaterBody::River, "0.16", II), // 0.16: > 0.15 (class I), <= 0.5 (class II limit) -> II
    (Item::Nh3N, WaterBody::River, "0.5", II), // 0.5: > 0.15 (class I), <= 0.5 (class II limit) -> II
    (Item::Nh3N, WaterBody::River, "0.51", III), // 0.51: > 0.5 (class II), <= 1.0 (class III limit) -> III
    (Item::Nh3N, WaterBody::River, "1", III), // 1: > 0.5 (class II), <= 1.0 (class III limit) -> III
    (Item::Nh3N, WaterBody::River, "1.01", IV), // 1.01: > 1.0 (class III), <= 1.5 (class IV limit) -> IV
    (Item::Nh3N, WaterBody::River, "1.5", IV), // 1.5: > 1.0 (class III), <= 1.5 (class IV limit) -> IV
    (Item::Nh3N, WaterBody::River, "1.51", V), // 1.51: > 1.5 (class IV), <= 2.0 (class V limit) -> V
    (Item::Nh3N, WaterBody::River, "2", V), // 2: > 1.5 (class IV), <= 2.0 (class V limit) -> V
    (Item::Nh3N, WaterBody::River, "2.01", WorseThanV), // 2.01 > 2.0 (class V limit) -> 劣V
    (Item::Tp, WaterBody::River, "0.02", I), // 0.02: <= 0.02 (class I limit) -> I
    (Item::Tp, WaterBody::River, "0.021", II), // 0.021: > 0.02 (class I), <= 0.1 (class II limit) -> II
    (Item::Tp, WaterBody::River, "0.1", II), // 0.1: > 0.02 (class I), <= 0.1 (class II limit) -> II
    (Item::Tp, WaterBody::River, "0.101", III), // 0.101: > 0.1 (class II), <= 0.2 (class III limit) -> III
    (Item::Tp, WaterBody::River, "0.2", III), // 0.2: > 0.1 (class II), <= 0.2 (class III limit) -> III
    (Item::Tp, WaterBody::River, "0.201", IV), // 0.201: > 0.2 (class III), <= 0.3 (class IV limit) -> IV
    (Item::Tp, WaterBody::River, "0.3", IV), // 0.3: > 0.2 (class III), <= 0.3 (class IV limit) -> IV
    (Item::Tp, WaterBody::River, "0.301", V), // 0.301: > 0.3 (class IV), <= 0.4 (class V limit) -> V
    (Item::Tp, WaterBody::River, "0.4", V), // 0.4: > 0.3 (class IV), <= 0.4 (class V limit) -> V
    (Item::Tp, WaterBody::River, "0.401", WorseThanV), // 0.401 > 0.4 (class V limit) -> 劣V
    (Item::Tp, WaterBody::Lake, "0.01", I), // 0.01: <= 0.01 (class I limit) -> I
    (Item::Tp, WaterBody::Lake, "0.011", II), // 0.011: > 0.01 (class I), <= 0.025 (class II limit) -> II
    (Item::Tp, WaterBody::Lake, "0.025", II), // 0.025: > 0.01 (class I), <= 0.025 (class II limit) -> II
    (Item::Tp, WaterBody::Lake, "0.026", III), // 0.026: > 0.025 (class II), <= 0.05 (class III limit) -> III
    (Item::Tp, WaterBody::Lake, "0.05", III), // 0.05: > 0.025 (class II), <= 0.05 (class III limit) -> III
    (Item::Tp, WaterBody::Lake, "0.051", IV), // 0.051: > 0.05 (class III), <= 0.1 (class IV limit) -> IV
    (Item::Tp, WaterBody::Lake, "0.1", IV), // 0.1: > 0.05 (class III), <= 0.1 (class IV limit) -> IV
    (Item::Tp, WaterBody::Lake, "0.101", V), // 0.101: > 0.1 (class IV), <= 0.2 (class V limit) -> V
    (Item::Tp, WaterBody::Lake, "0.2", V), // 0.2: > 0.1 (class IV), <= 0.2 (class V limit) -> V
    (Item::Tp, WaterBody::Lake, "0.201", WorseThanV), // 0.201 > 0.2 (class V limit) -> 劣V
    (Item::Tn, WaterBody::River, "0.2", I), // 0.2: <= 0.2 (class I limit) -> I
    (Item::Tn, WaterBody::River, "0.21", II), // 0.21: > 0.2 (class I), <= 0.5 (class II limit) -> II
    (Item::Tn, WaterBody::River, "0.5", II), // 0.5: > 0.2 (class I), <= 0.5 (class II limit) -> II
    (Item::Tn, WaterBody::River, "0.51", III), // 0.51: > 0.5 (class II), <= 1.0 (class III limit) -> III
    (Item::Tn, WaterBody::River, "1", III), // 1: > 0.5 (class II), <= 1.0 (class III limit) -> III
    (Item::Tn, WaterBody::River, "1.01", IV), // 1.01: > 1.0 (class III), <= 1.5 (class IV limit) -> IV
    (Item::Tn, WaterBody::River, "1.5", IV), // 1.5: > 1.0 (class III), <= 1.5 (class IV limit) -> IV
    (Item::Tn, WaterBody::River, "1.51", V), // 1.51: > 1.5 (class IV), <= 2.0 (class V limit) -> V
    (Item::Tn, WaterBody::River, "2", V), // 2: > 1.5 (class IV), <= 2.0 (class V limit) -> V
    (Item::Tn, WaterBody::River, "2.01", WorseThanV), // 2.01 > 2.0 (class V limit) -> 劣V
    (Item::Cu, WaterBody::River, "0.01", I), // 0.01: <= 0.01 (class I limit) -> I
    (Item::Cu, WaterBody::River, "0.011", II), // 0.011: > 0.01 (class I), <= 1.0 (class II limit) -> II
    (Item::Cu, WaterBody::River, "1", II), // 1: > 0.01 (class I), <= 1.0 (class II limit) -> II
    (Item::Cu, WaterBody::River, "1.001", WorseThanV), // 1.001 > 1.0 (class V limit) -> 劣V
    (Item::Zn, WaterBody::River, "0.05", I), // 0.05: <= 0.05 (class I limit) -> I
    (Item::Zn, WaterBody::River, "0.051", II), // 0.051: > 0.05 (class I), <= 1.0 (class II limit) -> II
    (Item::Zn, WaterBody::River, "1", II), // 1: > 0.05 (class I), <= 1.0 (class II limit) -> II
    (Item::Zn, WaterBody::River, "1.001", IV), // 1.001: > 1.0 (class III), <= 2.0 (class IV limit) -> IV
    (Item::Zn, WaterBody::River, "2", IV), // 2: > 1.0 (class III), <= 2.0 (class IV limit) -> IV
    (Item::Zn, WaterBody::River, "2.001", WorseThanV), // 2.001 > 2.0 (class V limit) -> 劣V
    (Item::Fluoride, WaterBody::River, "1", I), // 1: <= 1.0 (class I limit) -> I
    (Item::Fluoride, WaterBody::River, "1.001", IV), // 1.001: > 1.0 (class III), <= 1.5 (class IV limit) -> IV
    (Item::Fluoride, WaterBody::River, "1.5", IV), // 1.5: > 1.0 (class III), <= 1.5 (class IV limit) -> IV
    (Item::Fluoride, WaterBody::River, "1.501", WorseThanV), // 1.501 > 1.5 (class V limit) -> 劣V
    (Item::Se, WaterBody::River, "0.01", I), // 0.01: <= 0.01 (class I limit) -> I
    (Item::Se, WaterBody::River, "0.0101", IV), // 0.0101: > 0.01 (class III), <= 0.02 (class IV limit) -> IV
    (Item::Se, WaterBody::River, "0.02", IV), // 0.02: > 0.01 (class III), <= 0.02 (class IV limit) -> IV
    (Item::Se, WaterBody::River, "0.0201", WorseThanV), // 0.0201 > 0.02 (class V limit) -> 劣V
    (Item::As, WaterBody::River, "0.05", I), // 0.05: <= 0.05 (class I limit) -> I
    (Item::As, WaterBody::River, "0.0501", IV), // 0.0501: > 0.05 (class III), <= 0.1 (class IV limit) -> IV
    (Item::As, WaterBody::River, "0.1", IV), // 0.1: > 0.05 (class III), <= 0.1 (class IV limit) -> IV
    (Item::As, WaterBody::River, "0.1001", WorseThanV), // 0.1001 > 0.1 (class V limit) -> 劣V
    (Item::Hg, WaterBody::River, "0.00005", I), // 0.00005: <= 0.00005 (class I limit) -> I
    (Item::Hg, WaterBody::River, "0.00006", III), // 0.00006: > 0.00005 (class II), <= 0.0001 (class III limit) -> III
    (Item::Hg, WaterBody::River, "0.0001", III), // 0.0001: > 0.00005 (class II), <= 0.0001 (class III limit) -> III
    (Item::Hg, WaterBody::River, "0.00011", IV), // 0.00011: > 0.0001 (class III), <= 0.001 (class IV limit) -> IV
    (Item::Hg, WaterBody::River, "0.001", IV), // 0.001: > 0.0001 (class III), <= 0.001 (class IV limit) -> IV
    (Item::Hg, WaterBody::River, "0.00101", WorseThanV), // 0.00101 > 0.001 (class V limit) -> 劣V
    (Item::Cd, WaterBody::River, "0.001", I), // 0.001: <= 0.001 (class I limit) -> I
    (Item::Cd, WaterBody::River, "0.00101", II), // 0.00101: > 0.001 (class I), <= 0.005 (class II limit) -> II
    (Item::Cd, WaterBody::River, "0.005", II), // 0.005: > 0.001 (class I), <= 0.005 (class II limit) -> II
    (Item::Cd, WaterBody::River, "0.00501", V), // 0.00501: > 0.005 (class IV), <= 0.01 (class V limit) -> V
    (Item::Cd, WaterBody::River, "0.01", V), // 0.01: > 0.005 (class IV), <= 0.01 (class V limit) -> V
    (Item::Cd, WaterBody::River, "0.01001", WorseThanV), // 0.01001 > 0.01 (class V limit) -> 劣V
    (Item::Cr6, WaterBody::River, "0.01", I), // 0.01: <= 0.01 (class I limit) -> I
    (Item::Cr6, WaterBody::River, "0.011", II), // 0.011: > 0.01 (class I), <= 0.05 (class II limit) -> II
    (Item::Cr6, WaterBody::River, "0.05", II), // 0.05: > 0.01 (class I), <= 0.05 (class II limit) -> II
    (Item::Cr6, WaterBody::River, "0.051", V), // 0.051: > 0.05 (class IV), <= 0.1 (class V limit) -> V
    (Item::Cr6, WaterBody::River, "0.1", V), // 0.1: > 0.05 (class IV), <= 0.1 (class V limit) -> V
    (Item::Cr6, WaterBody::River, "0.101", WorseThanV), // 0.101 > 0.1 (class V limit) -> 劣V
    (Item::Pb, WaterBody::River, "0.01", I), // 0.01: <= 0.01 (class I limit) -> I
    (Item::Pb, WaterBody::River, "0.011", III), // 0.011: > 0.01 (class II), <= 0.05 (class III limit) -> III
    (Item::Pb, WaterBody::River, "0.05", III), // 0.05: > 0.01 (class II), <= 0.05 (class III limit) -> III
    (Item::Pb, WaterBody::River, "0.051", V), // 0.051: > 0.05 (class IV), <= 0.1 (class V limit) -> V
    (Item::Pb, WaterBody::River, "0.1", V), // 0.1: > 0.05 (class IV), <= 0.1 (class V limit) -> V
    (Item::Pb, WaterBody::River, "0.101", WorseThanV), // 0.101 > 0.1 (class V limit) -> 劣V
    (Item::Cyanide, WaterBody::River, "0.005", I), // 0.005: <= 0.005 (class I limit) -> I
    (Item::Cyanide, WaterBody::River, "0.006", II), // 0.006: > 0.005 (class I), <= 0.05 (class II limit) -> II
    (Item::Cyanide, WaterBody::River, "0.05", II), // 0.05: > 0.005 (class I), <= 0.05 (class II limit) -> II
    (Item::Cyanide, WaterBody::River, "0.051", III), // 0.051: > 0.05 (class II), <= 0.2 (class III limit) -> III
    (Item::Cyanide, WaterBody::River, "0.2", III), // 0.2: > 0.05 (class II), <= 0.2 (class III limit) -> III
    (Item::Cyanide, WaterBody::River, "0.201", WorseThanV), // 0.201 > 0.2 (class V limit) -> 劣V
    (Item::Phenol, WaterBody::River, "0.002", I), // 0.002: <= 0.002 (class I limit) -> I
    (Item::Phenol, WaterBody::River, "0.0021", III), // 0.0021: > 0.002 (class II), <= 0.005 (class III limit) -> III
    (Item::Phenol, WaterBody::River, "0.005", III), // 0.005: > 0.002 (class II), <= 0.005 (class III limit) -> III
    (Item::Phenol, WaterBody::River, "0.0051", IV), // 0.0051: > 0.005 (class III), <= 0.01 (class IV limit) -> IV
    (Item::Phenol, WaterBody::River, "0.01", IV), // 0.01: > 0.005 (class III), <= 0.01 (class IV limit) -> IV
    (Item::Phenol, WaterBody::River, "0.0101", V), // 0.0101: > 0.01 (class IV), <= 0.1 (class V limit) -> V
    (Item::Phenol, WaterBody::River, "0.1", V), // 0.1: > 0.01 (class IV), <= 0.1 (class V limit) -> V
    (Item::Phenol, WaterBody::River, "0.1001", WorseThanV), // 0.1001 > 0.1 (class V limit) -> 劣V
    (Item::Petroleum, WaterBody::River, "0.05", I), // 0.05: <= 0.05 (class I limit) -> I
    (Item::Petroleum, WaterBody::River, "0.06", IV), // 0.06: > 0.05 (class III), <= 0.5 (class IV limit) -> IV
    (Item::Petroleum, WaterBody::River, "0.5", IV), // 0.5: > 0.05 (class III), <= 0.5 (class IV limit) -> IV
    (Item::Petroleum, WaterBody::River, "0.51", V), // 0.51: > 0.5 (class IV), <= 1.0 (class V limit) -> V
    (Item::Petroleum, WaterBody::River, "1", V), // 1: > 0.5 (class IV), <= 1.0 (class V limit) -> V
    (Item::Petroleum, WaterBody::River, "1.01", WorseThanV), // 1.01 > 1.0 (class V limit) -> 劣V
    (Item::Las, WaterBody::River, "0.2", I), // 0.2: <= 0.2 (class I limit) -> I
    (Item::Las, WaterBody::River, "0.21", IV), // 0.21: > 0.2 (class III), <= 0.3 (class IV limit) -> IV
    (Item::Las, WaterBody::River, "0.3", IV), // 0.3: > 0.2 (class III), <= 0.3 (class IV limit) -> IV
    (Item::Las, WaterBody::River, "0.31", WorseThanV), // 0.31 > 0.3 (class V limit) -> 劣V
    (Item::Sulfide, WaterBody::River, "0.05", I), // 0.05: <= 0.05 (class I limit) -> I
    (Item::Sulfide, WaterBody::River, "0.051", II), // 0.051: > 0.05 (class I), <= 0.1 (class II limit) -> II
    (Item::Sulfide, WaterBody::River, "0.1", II), // 0.1: > 0.05 (class I), <= 0.1 (class II limit) -> II
    (Item::Sulfide, WaterBody::River, "0.101", III), // 0.101: > 0.1 (class II), <= 0.2 (class III limit) -> III
    (Item::Sulfide, WaterBody::River, "0.2", III), // 0.2: > 0.1 (class II), <= 0.2 (class III limit) -> III
    (Item::Sulfide, WaterBody::River, "0.201", IV), // 0.201: > 0.2 (class III), <= 0.5 (class IV limit) -> IV
    (Item::Sulfide, WaterBody::River, "0.5", IV), // 0.5: > 0.2 (class III), <= 0.5 (class IV limit) -> IV
    (Item::Sulfide, WaterBody::River, "0.501", V), // 0.501: > 0.5 (class IV), <= 1.0 (class V limit) -> V
    (Item::Sulfide, WaterBody::River, "1", V), // 1: > 0.5 (class IV), <= 1.0 (class V limit) -> V
    (Item::Sulfide, WaterBody::River, "1.001", WorseThanV), // 1.001 > 1.0 (class V limit) -> 劣V
    (Item::FecalColiform, WaterBody::River, "200", I), // 200: <= 200 (class I limit) -> I
    (Item::FecalColiform, WaterBody::River, "201", II), // 201: > 200 (class I), <= 2000 (class II limit) -> II
    (Item::FecalColiform, WaterBody::River, "2000", II), // 2000: > 200 (class I), <= 2000 (class II limit) -> II
    (Item::FecalColiform, WaterBody::River, "2001", III), // 2001: > 2000 (class II), <= 10000 (class III limit) -> III
    (Item::FecalColiform, WaterBody::River, "10000", III), // 10000: > 2000 (class II), <= 10000 (class III limit) -> III
    (Item::FecalColiform, WaterBody::River, "10001", IV), // 10001: > 10000 (class III), <= 20000 (class IV limit) -> IV
    (Item::FecalColiform, WaterBody::River, "20000", IV), // 20000: > 10000 (class III), <= 20000 (class IV limit) -> IV
    (Item::FecalColiform, WaterBody::River, "20001", V), // 20001: > 20000 (class IV), <= 40000 (class V limit) -> V
    (Item::FecalColiform, WaterBody::River, "40000", V), // 40000: > 20000 (class IV), <= 40000 (class V limit) -> V
    (Item::FecalColiform, WaterBody::River, "40001", WorseThanV), // 40001 > 40000 (class V limit) -> 劣V
];

fn m(s: &str) -> Measure {
    s.parse().unwrap()
}

#[test]
fn every_item_and_class_boundary() {
    for &(item, body, v, want) in ROWS {
        assert_eq!(
            item.class_of(body, m(v)),
            Some(want),
            "{item:?} {body:?} {v}"
        );
    }
    // Every item with "≤" limits is covered by the table above.
    for it in Item::ALL {
        if matches!(it.limit(WaterBody::River), Some(Limit::AtMost(_))) {
            assert!(
                ROWS.iter().any(|r| r.0 == it),
                "{it:?} has no boundary rows"
            );
        }
    }
}

#[test]
fn dissolved_oxygen_is_at_least() {
    // DO >= 7.5 I, >= 6 II, >= 5 III, >= 3 IV, >= 2 V, below 劣V (one decimal).
    let cases = [
        ("7.5", I),
        ("7.4", II),
        ("6", II),
        ("5.9", III),
        ("5", III),
        ("4.9", IV),
        ("3", IV),
        ("2.9", V),
        ("2", V),
        ("1.9", WorseThanV),
        ("12", I),
    ];
    for (v, want) in cases {
        assert_eq!(
            Item::Do.class_of(WaterBody::River, m(v)),
            Some(want),
            "DO {v}"
        );
    }
    // 7.45 rounds half-even to 7.4 -> II; 7.46 -> 7.5 -> I
    assert_eq!(Item::Do.class_of(WaterBody::River, m("7.45")), Some(II));
    assert_eq!(Item::Do.class_of(WaterBody::River, m("7.46")), Some(I));
}

#[test]
fn ph_six_to_nine_after_rounding_to_an_integer() {
    // Evaluation value of pH has no decimals (doc §6): 5.5 -> 6 (even) meets,
    // 5.4 -> 5 fails, 9.49 -> 9 meets, 9.5 -> 10 (even) fails.
    let cases = [
        ("6", I),
        ("9", I),
        ("7.2", I),
        ("5.5", I),
        ("5.4", WorseThanV),
        ("9.49", I),
        ("9.5", WorseThanV),
        ("4", WorseThanV),
        ("10", WorseThanV),
    ];
    for (v, want) in cases {
        assert_eq!(
            Item::Ph.class_of(WaterBody::Lake, m(v)),
            Some(want),
            "pH {v}"
        );
    }
}

#[test]
fn evaluation_rounding_is_half_even_with_one_significant_digit() {
    // NH3-N, 2 decimals: 1.004 -> 1.00 III; 1.005 -> 1.00 (0 even) III; 1.015 -> 1.02 IV; 1.0051 -> 1.01 IV
    assert_eq!(Item::Nh3N.class_of(WaterBody::River, m("1.004")), Some(III));
    assert_eq!(Item::Nh3N.class_of(WaterBody::River, m("1.005")), Some(III));
    assert_eq!(Item::Nh3N.class_of(WaterBody::River, m("1.015")), Some(IV));
    assert_eq!(Item::Nh3N.class_of(WaterBody::River, m("1.0051")), Some(IV));
    // Hg, 5 decimals: 0.000003 would round to 0; one significant digit is kept.
    assert_eq!(m("0.000003").round_for_evaluation(5), m("0.000003"));
    assert_eq!(m("0.0000035").round_for_evaluation(5), m("0.000004"));
    assert_eq!(m("0.0000025").round_for_evaluation(5), m("0.000002"));
    assert_eq!(m("0.000123").round_for_evaluation(5), m("0.00012"));
    assert_eq!(m("12.345").round_for_evaluation(1), m("12.3"));
    assert_eq!(m("12.35").round_for_evaluation(1), m("12.4"));
    assert_eq!(m("0").round_for_evaluation(3), m("0"));
    // Water temperature has no class.
    assert_eq!(Item::WaterTemp.class_of(WaterBody::River, m("20")), None);
}

#[test]
fn readings_and_item_names() {
    assert_eq!(
        "0.01L".parse::<Reading>().unwrap().value_for_statistics(),
        m("0.005")
    );
    assert_eq!(
        "<0.004".parse::<Reading>().unwrap().value_for_statistics(),
        m("0.002")
    );
    assert_eq!("0.5".parse::<Reading>().unwrap(), Reading::Value(m("0.5")));
    assert!(matches!(
        "-0.5".parse::<Reading>(),
        Err(WaterError::Negative(_))
    ));
    assert!(matches!(
        "abc".parse::<Reading>(),
        Err(WaterError::NotANumber(_))
    ));
    for (name, it) in [
        ("nh3n", Item::Nh3N),
        ("NH3-N", Item::Nh3N),
        ("氨氮", Item::Nh3N),
        ("CODMn", Item::CodMn),
        ("高锰酸盐指数", Item::CodMn),
        ("pH", Item::Ph),
        ("DO", Item::Do),
        ("Cr6+", Item::Cr6),
        ("fecal_coliform", Item::FecalColiform),
        ("总磷", Item::Tp),
        ("BOD5", Item::Bod5),
    ] {
        assert_eq!(name.parse::<Item>().unwrap(), it, "{name}");
    }
    for it in Item::ALL {
        assert_eq!(it.code().parse::<Item>().unwrap(), it);
        assert_eq!(it.name_zh().parse::<Item>().unwrap(), it);
    }
    assert!("chlorophyll".parse::<Item>().is_err());
}

/// A river section: every index worked out below.
fn section(tp: &str) -> BTreeMap<Item, Measure> {
    [
        (Item::Ph, "7.5"),
        (Item::Do, "6.25"),
        (Item::CodMn, "3"),
        (Item::Cod, "10"),
        (Item::Bod5, "2"),
        (Item::Nh3N, "0.5"),
        (Item::Tp, tp),
        (Item::Cu, "0.1"),
        (Item::Zn, "0.5"),
        (Item::Fluoride, "0.5"),
        (Item::Se, "0.005"),
        (Item::As, "0.01"),
        (Item::Hg, "0.00005"),
        (Item::Cd, "0.001"),
        (Item::Cr6, "0.025"),
        (Item::Pb, "0.01"),
        (Item::Cyanide, "0.02"),
        (Item::Phenol, "0.001"),
        (Item::Petroleum, "0.025"),
        (Item::Las, "0.1"),
        (Item::Sulfide, "0.1"),
        (Item::Tn, "1.8"),
        (Item::FecalColiform, "500"),
        (Item::WaterTemp, "12.5"),
    ]
    .into_iter()
    .map(|(i, v)| (i, m(v)))
    .collect()
}

#[test]
fn single_factor_class_and_exceedances() {
    // River: worst items are class II (CODMn 3, NH3-N 0.5, TP 0.1, Cu 0.1, Zn 0.5,
    // DO 6.25 -> 6.2 (half even) -> II) -> section class II. TN 1.8 (V) is reference only.
    let c = classify(WaterBody::River, &section("0.1"));
    assert_eq!(c.class, Some(II));
    assert!(c.missing.is_empty());
    assert_eq!(c.items.len(), 21);
    assert_eq!(
        c.reference
            .iter()
            .find(|r| r.item == Item::Tn)
            .unwrap()
            .class,
        V
    );
    assert!(c.exceeding().is_empty());
    // Lake: TP 0.1 is class IV in lakes (III limit 0.05); multiple (0.1-0.05)/0.05 = 1.00.
    let c = classify(WaterBody::Lake, &section("0.1"));
    assert_eq!(c.class, Some(IV));
    assert_eq!(c.main_pollutants(), "TP(1.00)");
    // River with TP 0.45 (劣V, (0.45-0.2)/0.2 = 1.25), NH3-N 1.2 (IV, 0.2/1.0 = 0.20),
    // DO 2.5 (V, no multiple), COD 25 (IV, 5/20 = 0.25), Pb 0.06 (V, 0.01/0.05 = 0.20):
    // order TP 1.25, COD 0.25, then NH3-N/Pb 0.20 -> top three TP, COD and one 0.20 item.
    let mut s = section("0.45");
    s.insert(Item::Nh3N, m("1.2"));
    s.insert(Item::Do, m("2.5"));
    s.insert(Item::Cod, m("25"));
    s.insert(Item::Pb, m("0.06"));
    let c = classify(WaterBody::River, &s);
    assert_eq!(c.class, Some(WorseThanV));
    let ex = c.exceeding();
    assert_eq!(ex.len(), 5);
    assert_eq!(
        (ex[0].item, ex[0].exceedance_multiple),
        (Item::Tp, Some(m("1.25")))
    );
    assert_eq!(
        (ex[1].item, ex[1].exceedance_multiple),
        (Item::Cod, Some(m("0.25")))
    );
    assert_eq!(ex[2].exceedance_multiple, Some(m("0.2")));
    assert_eq!(ex[4].item, Item::Do, "DO has no multiple and comes last");
    assert!(c.main_pollutants().starts_with("TP(1.25);COD(0.25);"));
    // Missing items are listed, the class comes from what is present.
    let mut s = BTreeMap::new();
    s.insert(Item::Nh3N, m("0.6"));
    let c = classify(WaterBody::River, &s);
    assert_eq!(c.class, Some(III));
    assert_eq!(c.missing.len(), 20);
}

#[test]
fn period_means() {
    // NH3-N (0.5 + 1.0 + 1.6)/3 = 1.0333 -> 1.03 -> IV
    let mean = period_mean(Item::Nh3N, &[m("0.5"), m("1.0"), m("1.6")]).unwrap();
    assert_eq!(Item::Nh3N.class_of(WaterBody::River, mean), Some(IV));
    assert_eq!(mean.round_for_evaluation(2), m("1.03"));
    // pH 6 and 8: [H+] = (1e-6 + 1e-8)/2 = 5.05e-7 -> pH = 6.2967 -> 6.30
    assert_eq!(period_mean(Item::Ph, &[m("6"), m("8")]), Some(m("6.30")));
    assert_eq!(period_mean(Item::Cod, &[]), None);
}

#[test]
fn shares_and_rating() {
    // [II, IV, 劣V, I]: good 2/4 = 50.0 %, 劣V 1/4 = 25.0 %: < 75 %, 20 <= 25 < 40 -> 中度污染
    let s = Shares::of(&[II, IV, WorseThanV, I]);
    assert_eq!((s.good, s.worse_than_v, s.sections), (2, 1, 4));
    assert_eq!(s.good_pct(), Some(m("50")));
    assert_eq!(s.worse_than_v_pct(), Some(m("25")));
    assert_eq!(s.rating(), Some(Rating::ModeratelyPolluted));
    // 2/3 = 66.666..% -> 66.7
    assert_eq!(Shares::of(&[I, II, IV]).good_pct(), Some(m("66.7")));
    let of = |good: usize, bad: usize, worse: usize| {
        let mut v = vec![II; good];
        v.extend(vec![IV; bad]);
        v.extend(vec![WorseThanV; worse]);
        Shares::of(&v).rating()
    };
    assert_eq!(of(9, 1, 0), Some(Rating::Excellent)); // 90 %
    assert_eq!(of(8, 2, 0), Some(Rating::Good)); // 80 %
    assert_eq!(of(3, 1, 0), Some(Rating::Good)); // 75 % exactly
    assert_eq!(of(7, 2, 1), Some(Rating::LightlyPolluted)); // 70 %, 劣V 10 %
    assert_eq!(of(7, 1, 2), Some(Rating::ModeratelyPolluted)); // 劣V 20 %
    assert_eq!(of(5, 1, 4), Some(Rating::HeavilyPolluted)); // 50 %, 劣V 40 %
    assert_eq!(of(6, 0, 4), Some(Rating::HeavilyPolluted)); // the 60/40 corner
    assert_eq!(Shares::of(&[]).rating(), None);
}

#[test]
fn cwqi_hand_worked() {
    // River section, item indices:
    // pH 7.5: (7.5-7)/2 = 0.25; DO 6.25: 5/6.25 = 0.8;
    // 0.5 each: CODMn 3/6, COD 10/20, BOD5 2/4, NH3-N 0.5/1, TP 0.1/0.2, Zn 0.5/1,
    //   F 0.5/1, Se 0.005/0.01, Hg 0.00005/0.0001, Cr6 0.025/0.05, petroleum 0.025/0.05,
    //   LAS 0.1/0.2, sulfide 0.1/0.2  -> 13 x 0.5 = 6.5
    // 0.1 each: Cu 0.1/1, CN 0.02/0.2 -> 0.2 ; 0.2 each: As 0.01/0.05, Cd 0.001/0.005,
    //   Pb 0.01/0.05, phenol 0.001/0.005 -> 0.8
    // total = 0.25 + 0.8 + 6.5 + 0.2 + 0.8 = 8.55 (TN, fecal coliform, temperature excluded)
    let river = section_cwqi(WaterBody::River, &section("0.1"));
    assert!((river.total - 8.55).abs() < 1e-9, "{}", river.total);
    assert_eq!(river.items.len(), 21);
    // Lake section: TP 0.1/0.05 = 2.0 instead of 0.5 -> 8.55 - 0.5 + 2.0 = 10.05
    let lake = section_cwqi(WaterBody::Lake, &section("0.1"));
    assert!((lake.total - 10.05).abs() < 1e-9, "{}", lake.total);
    // City = mean of sections: (8.55 + 10.05)/2 = 9.30
    let city = city_cwqi(&[river.total, lake.total]).unwrap();
    assert!((city - 9.30).abs() < 1e-9);
    // pH 6.5 -> 7 - 6.5 = 0.5 ; DO 0 -> no index
    assert_eq!(item_cwqi(Item::Ph, WaterBody::River, m("6.5")), Some(0.5));
    assert_eq!(item_cwqi(Item::Do, WaterBody::River, m("0")), None);
    assert_eq!(item_cwqi(Item::Tn, WaterBody::Lake, m("1")), None);
    // ΔCWQI: (9.3 - 10)/10 = -7 %
    assert!((cwqi_change_pct(10.0, 9.3).unwrap() + 7.0).abs() < 1e-9);
}

#[test]
fn ranking_ascending_with_shared_ranks() {
    let r = rank(&[
        ("金昌".into(), 9.30),
        ("张掖".into(), 8.0),
        ("武威".into(), 9.30),
        ("嘉峪关".into(), 12.0),
    ]);
    let got: Vec<(&str, usize)> = r.iter().map(|x| (x.city.as_str(), x.rank)).collect();
    assert_eq!(
        got,
        vec![("张掖", 1), ("武威", 2), ("金昌", 2), ("嘉峪关", 4)]
    );
}
