//! oasis-targets: the register of the city's targets and the board that reads
//! each against its actual.
//!
//! Register rows: `id,indicator,unit,target,direction,year,source_document,actual_from,manual_actual,manual_source`.
//! * `direction`: `at_least` (good days, areas, rates) or `at_most` (use, losses).
//! * `actual_from`: the key of the module that computes the indicator
//!   (`air.good_days`, `water.good_rate_pct`, `dual_control.total_use_m3`,
//!   `metering.nrw_pct`, `greening.afforestation_mu` …), or `manual` for an
//!   indicator no module computes (green mines, factories, flue-gas
//!   projects), whose value then comes from `manual_actual` with its
//!   `manual_source`. A computed actual always wins over a hand-entered one.
//! * Units convert exactly between 亩 / 万亩 / ha, m³ / 万m³ / 亿m³, and are
//!   otherwise compared only when identical; anything else is an error naming
//!   the target row. A missing actual is shown as missing, never guessed.
//!
//! No I/O.

// Errors carry the file, line and field people need; they are rare and off any hot path.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use oasis_records::{Decimal, Loc, RecordError, parse_csv};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("{at}: unit '{from}' of the actual ({by}) does not convert to the target's '{to}'")]
    Unit {
        at: Loc,
        from: String,
        to: String,
        by: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    AtLeast,
    AtMost,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub id: String,
    pub indicator: String,
    pub unit: String,
    pub target: Decimal,
    pub direction: Direction,
    pub year: i32,
    pub source_document: String,
    pub actual_from: String,
    pub manual_actual: Option<Decimal>,
    pub manual_source: String,
    pub at: Loc,
}

pub fn read_register(file: &str, text: &str) -> Result<Vec<Target>, TargetError> {
    let mut out: Vec<Target> = Vec::new();
    for r in parse_csv(
        file,
        text,
        &[
            "id",
            "indicator",
            "unit",
            "target",
            "direction",
            "year",
            "source_document",
            "actual_from",
            "manual_actual",
            "manual_source",
        ],
    )? {
        let direction = match r.text("direction")? {
            "at_least" => Direction::AtLeast,
            "at_most" => Direction::AtMost,
            o => {
                return Err(r
                    .err("direction", format!("'{o}' is not at_least or at_most"))
                    .into());
            }
        };
        let t = Target {
            id: r.text("id")?.to_string(),
            indicator: r.text("indicator")?.to_string(),
            unit: r.text("unit")?.to_string(),
            target: r.decimal("target")?,
            direction,
            year: r.parse("year", "a year")?,
            source_document: r.text("source_document")?.to_string(),
            actual_from: r.text("actual_from")?.to_string(),
            manual_actual: r.opt_decimal("manual_actual")?,
            manual_source: r.opt("manual_source").unwrap_or("").to_string(),
            at: r.loc(""),
        };
        if t.manual_actual.is_some() && t.manual_source.is_empty() {
            return Err(r
                .err("manual_source", "a hand-entered actual needs its source")
                .into());
        }
        if out.iter().any(|o| o.id == t.id) {
            return Err(r.err("id", "target id listed twice").into());
        }
        out.push(t);
    }
    Ok(out)
}

/// A value a module computed for an indicator key and year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Computed {
    pub value: Decimal,
    pub unit: String,
    /// Which module and input ("oasis-air annual, city, dust-deducted").
    pub by: String,
}

/// Computed actuals by (key, year).
pub type Actuals = BTreeMap<(String, i32), Computed>;

fn unit_factor(u: &str) -> Option<(&'static str, Decimal)> {
    Some(match u {
        "亩" => ("area", Decimal::ONE),
        "万亩" => ("area", Decimal::from(10_000)),
        "ha" | "公顷" => ("area", Decimal::from(15)),
        "m3" | "m³" => ("volume", Decimal::ONE),
        "万m3" | "万m³" => ("volume", Decimal::from(10_000)),
        "亿m3" | "亿m³" => ("volume", Decimal::from(100_000_000)),
        _ => return None,
    })
}

/// `value` in unit `from` expressed in unit `to`, exactly.
pub fn convert(value: Decimal, from: &str, to: &str) -> Option<Decimal> {
    if from == to {
        return Some(value);
    }
    let (df, ff) = unit_factor(from)?;
    let (dt, ft) = unit_factor(to)?;
    (df == dt).then(|| value * ff / ft)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardRow {
    pub target: Target,
    /// In the target's unit.
    pub actual: Option<Decimal>,
    /// Module, or "by hand: <source>", or why it is missing.
    pub by: String,
    /// actual − target (in the target's unit).
    pub gap: Option<Decimal>,
    pub met: Option<bool>,
}

pub fn board(register: &[Target], actuals: &Actuals) -> Result<Vec<BoardRow>, TargetError> {
    let mut rows = Vec::new();
    for t in register {
        let (actual, by) = if t.actual_from == "manual" {
            match t.manual_actual {
                Some(v) => (Some(v), format!("by hand: {}", t.manual_source)),
                None => (None, "missing: no hand-entered actual".to_string()),
            }
        } else {
            match actuals.get(&(t.actual_from.clone(), t.year)) {
                Some(c) => {
                    let v =
                        convert(c.value, &c.unit, &t.unit).ok_or_else(|| TargetError::Unit {
                            at: Loc {
                                field: "unit".into(),
                                ..t.at.clone()
                            },
                            from: c.unit.clone(),
                            to: t.unit.clone(),
                            by: c.by.clone(),
                        })?;
                    (Some(v), c.by.clone())
                }
                None => match t.manual_actual {
                    Some(v) => (
                        Some(v),
                        format!("by hand (no module data): {}", t.manual_source),
                    ),
                    None => (
                        None,
                        format!("missing: {} gave no value for {}", t.actual_from, t.year),
                    ),
                },
            }
        };
        let gap = actual.map(|a| a - t.target);
        let met = actual.map(|a| match t.direction {
            Direction::AtLeast => a >= t.target,
            Direction::AtMost => a <= t.target,
        });
        rows.push(BoardRow {
            target: t.clone(),
            actual,
            by,
            gap,
            met,
        });
    }
    Ok(rows)
}
