//! The register types read exactly the columns and values `docs/meter-data.md` defines.

use oasis_metering::register::COLUMNS;
use oasis_metering::{Direction, MeterKind, SeriesKind, Unit};

const DOC: &str = include_str!("../../../docs/meter-data.md");

/// The backticked words of the first cell of each table row in the register section.
fn register_columns() -> Vec<String> {
    let section = DOC.split("## Meter register").nth(1).unwrap().split("\n## ").next().unwrap();
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            l.split('|').nth(1).unwrap().split('`').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>()
        })
        .collect()
}

/// The backticked words of the second cell of the row for `column`.
fn values_of(column: &str) -> Vec<String> {
    let row = DOC.lines().find(|l| l.starts_with(&format!("| `{column}` |"))).unwrap();
    row.split('|').nth(2).unwrap().split('`').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn the_register_columns_are_the_documented_ones() {
    let mut doc = register_columns();
    let mut ours: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    doc.sort();
    ours.sort();
    assert_eq!(doc, ours);
}

#[test]
fn every_documented_value_parses() {
    // `kind`: bulk, customer, flow, pressure, level (the first word of each backticked value).
    let kinds: Vec<String> = values_of("kind").into_iter().filter(|v| MeterKind::parse(v).is_some()).collect();
    assert_eq!(kinds, ["bulk", "customer", "flow", "pressure", "level"]);
    let series = values_of("series");
    assert_eq!(series.len(), 5);
    for s in &series {
        assert_eq!(SeriesKind::parse(s).unwrap().as_str(), s);
    }
    for d in values_of("direction").iter().filter(|d| !d.contains(' ')) {
        assert!(Direction::parse(d).is_some(), "{d}");
    }
    let units = values_of("unit");
    assert!(units.len() >= 9);
    for u in &units {
        assert!(Unit::parse(u).is_ok(), "{u}");
    }
    for u in Unit::ALL {
        assert!(units.iter().any(|d| d == u.as_str()), "{u} is not documented");
    }
}
