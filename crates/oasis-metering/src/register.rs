//! The meter register (`meters.csv`): one row per meter register, checked for consistency.
//!
//! Columns and meanings are those of `docs/meter-data.md`; the caller reads the CSV and hands
//! each row in as a field lookup, so this module never sees a file.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::time::{format_local_time, parse_local_time};
use crate::units::{Quantity, Unit};

/// The register columns, in the order [`Meter::to_fields`] writes them.
pub const COLUMNS: [&str; 15] = [
    "meter_id",
    "kind",
    "link",
    "node",
    "district",
    "customer",
    "zone_level",
    "direction",
    "series",
    "unit",
    "multiplier",
    "register_capacity",
    "installed",
    "removed",
    "replaces",
];

/// The deepest zoning level the format defines (`3` = DMA).
pub const MAX_ZONE_LEVEL: u8 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeterKind {
    /// Flow meter on a district boundary link (inlet/outlet) or at a source.
    Bulk,
    /// A customer's billing meter.
    Customer,
    /// SCADA flow inside a district.
    Flow,
    Pressure,
    /// Tank level.
    Level,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeriesKind {
    /// Cumulative register.
    Register,
    /// Volume of the interval ending at the time stamp.
    Volume,
    /// Rate (the interval ending at the time stamp).
    Flow,
    Pressure,
    Level,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// Positive = flow from the link's start node to its end node.
    #[default]
    Forward,
    Reverse,
}

impl MeterKind {
    pub fn parse(s: &str) -> Option<MeterKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "bulk" => MeterKind::Bulk,
            "customer" => MeterKind::Customer,
            "flow" => MeterKind::Flow,
            "pressure" => MeterKind::Pressure,
            "level" => MeterKind::Level,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            MeterKind::Bulk => "bulk",
            MeterKind::Customer => "customer",
            MeterKind::Flow => "flow",
            MeterKind::Pressure => "pressure",
            MeterKind::Level => "level",
        }
    }
    /// The series a meter of this kind may report.
    pub fn allowed_series(self) -> &'static [SeriesKind] {
        use SeriesKind as S;
        match self {
            MeterKind::Bulk | MeterKind::Flow => &[S::Register, S::Volume, S::Flow],
            MeterKind::Customer => &[S::Register, S::Volume],
            MeterKind::Pressure => &[S::Pressure],
            MeterKind::Level => &[S::Level],
        }
    }
}

impl SeriesKind {
    pub fn parse(s: &str) -> Option<SeriesKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "register" => SeriesKind::Register,
            "volume" => SeriesKind::Volume,
            "flow" => SeriesKind::Flow,
            "pressure" => SeriesKind::Pressure,
            "level" => SeriesKind::Level,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            SeriesKind::Register => "register",
            SeriesKind::Volume => "volume",
            SeriesKind::Flow => "flow",
            SeriesKind::Pressure => "pressure",
            SeriesKind::Level => "level",
        }
    }
    /// Whether a unit of quantity `q` fits this series (a pressure may be in metres of water).
    pub fn accepts(self, q: Quantity) -> bool {
        match self {
            SeriesKind::Register | SeriesKind::Volume => q == Quantity::Volume,
            SeriesKind::Flow => q == Quantity::Flow,
            SeriesKind::Pressure => matches!(q, Quantity::Pressure | Quantity::Length),
            SeriesKind::Level => q == Quantity::Length,
        }
    }
}

impl Direction {
    pub fn parse(s: &str) -> Option<Direction> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "forward" => Direction::Forward,
            "reverse" => Direction::Reverse,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Forward => "forward",
            Direction::Reverse => "reverse",
        }
    }
}

/// One register row.
#[derive(Debug, Clone, PartialEq)]
pub struct Meter {
    pub id: String,
    pub kind: MeterKind,
    pub link: Option<String>,
    pub node: Option<String>,
    pub district: Option<String>,
    pub customer: Option<String>,
    /// Bulk meters only: the deepest zoning level this meter bounds (0 = production … 3 = DMA).
    pub zone_level: Option<u8>,
    pub direction: Direction,
    pub series: SeriesKind,
    pub unit: Unit,
    /// raw × multiplier = value in `unit`.
    pub multiplier: f64,
    /// Wrap-around value of a register, in `unit` (after the multiplier).
    pub register_capacity: Option<f64>,
    pub installed_s: Option<i64>,
    pub removed_s: Option<i64>,
    pub replaces: Option<String>,
}

/// A register field that cannot be used. The caller adds the file and line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {field}: {value:?}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub value: String,
    pub reason: String,
}

fn ferr(field: &str, value: &str, reason: impl Into<String>) -> FieldError {
    FieldError { field: field.to_string(), value: value.to_string(), reason: reason.into() }
}

impl Meter {
    /// Builds a meter from one register row. `get(column)` gives the cell (`None` or empty = not
    /// given); times are local at `utc_offset_s` east of UTC. Defaults: `direction` forward,
    /// `multiplier` 1, and `series` for `pressure` and `level` meters (the only series they can
    /// have); `kind`, `unit` and the other meters' `series` are required: a unit is never assumed.
    pub fn from_fields<'a>(get: impl Fn(&str) -> Option<&'a str>, utc_offset_s: i32) -> Result<Meter, FieldError> {
        let opt = |f: &str| get(f).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let required = |f: &str| opt(f).ok_or_else(|| ferr(f, "", "required"));

        let id = required("meter_id")?;
        let kind_s = required("kind")?;
        let kind = MeterKind::parse(&kind_s)
            .ok_or_else(|| ferr("kind", &kind_s, "expected bulk, customer, flow, pressure or level"))?;
        let series = match opt("series") {
            Some(s) => SeriesKind::parse(&s)
                .ok_or_else(|| ferr("series", &s, "expected register, volume, flow, pressure or level"))?,
            None => match kind {
                MeterKind::Pressure => SeriesKind::Pressure,
                MeterKind::Level => SeriesKind::Level,
                _ => return Err(ferr("series", "", format!("required for a {} meter", kind.as_str()))),
            },
        };
        if !kind.allowed_series().contains(&series) {
            let allowed: Vec<_> = kind.allowed_series().iter().map(|s| s.as_str()).collect();
            return Err(ferr(
                "series",
                series.as_str(),
                format!("a {} meter reports {}", kind.as_str(), allowed.join(" or ")),
            ));
        }
        let unit_s = required("unit")?;
        let unit = Unit::parse(&unit_s).map_err(|e| ferr("unit", &unit_s, e.to_string()))?;
        if !series.accepts(unit.quantity()) {
            return Err(ferr("unit", &unit_s, format!("not a unit of a {} series", series.as_str())));
        }
        let direction = match opt("direction") {
            Some(s) => Direction::parse(&s).ok_or_else(|| ferr("direction", &s, "expected forward or reverse"))?,
            None => Direction::Forward,
        };
        let multiplier = match opt("multiplier") {
            Some(s) => {
                let m: f64 = s.parse().map_err(|_| ferr("multiplier", &s, "not a number"))?;
                if !(m.is_finite() && m > 0.0) {
                    return Err(ferr("multiplier", &s, "must be a finite number > 0"));
                }
                m
            }
            None => 1.0,
        };
        let register_capacity = match opt("register_capacity") {
            Some(s) => {
                let c: f64 = s.parse().map_err(|_| ferr("register_capacity", &s, "not a number"))?;
                if !(c.is_finite() && c > 0.0) {
                    return Err(ferr("register_capacity", &s, "must be a finite number > 0"));
                }
                if series != SeriesKind::Register {
                    return Err(ferr("register_capacity", &s, "only a register series has a capacity"));
                }
                Some(c)
            }
            None => None,
        };
        let zone_level = match opt("zone_level") {
            Some(s) => {
                let z: u8 = s
                    .parse()
                    .ok()
                    .filter(|z| *z <= MAX_ZONE_LEVEL)
                    .ok_or_else(|| ferr("zone_level", &s, "expected 0, 1, 2 or 3"))?;
                if kind != MeterKind::Bulk {
                    return Err(ferr("zone_level", &s, "only bulk meters bound zones"));
                }
                Some(z)
            }
            None => None,
        };
        let link = opt("link");
        let node = opt("node");
        let district = opt("district");
        match kind {
            MeterKind::Bulk if zone_level.is_none() => {
                return Err(ferr("zone_level", "", "required for a bulk meter (which zones does it bound?)"));
            }
            // Without a network (a utility's DMA inflow series alone) a bulk meter names the district it feeds.
            MeterKind::Bulk if link.is_none() && district.is_none() => {
                return Err(ferr("link", "", "a bulk meter needs a link (or, without a network, the district it feeds)"));
            }
            MeterKind::Flow if link.is_none() => {
                return Err(ferr("link", "", "required for a flow meter"));
            }
            MeterKind::Customer | MeterKind::Pressure if node.is_none() && district.is_none() => {
                return Err(ferr("node", "", format!("a {} meter needs a node or a district", kind.as_str())));
            }
            MeterKind::Level if node.is_none() => {
                return Err(ferr("node", "", "required for a level meter (the tank)"));
            }
            _ => {}
        }
        let time = |f: &str| -> Result<Option<i64>, FieldError> {
            opt(f).map(|s| parse_local_time(&s, utc_offset_s).map_err(|r| ferr(f, &s, r))).transpose()
        };
        let installed_s = time("installed")?;
        let removed_s = time("removed")?;
        if let (Some(i), Some(r)) = (installed_s, removed_s)
            && r < i
        {
            return Err(ferr("removed", &opt("removed").unwrap_or_default(), "before the installation date"));
        }
        let replaces = opt("replaces");
        if replaces.as_deref() == Some(id.as_str()) {
            return Err(ferr("replaces", &id, "a meter cannot replace itself"));
        }
        Ok(Meter {
            id,
            kind,
            link,
            node,
            district,
            customer: opt("customer"),
            zone_level,
            direction,
            series,
            unit,
            multiplier,
            register_capacity,
            installed_s,
            removed_s,
            replaces,
        })
    }

    /// The register row in [`COLUMNS`] order (empty string = not given), times local at
    /// `utc_offset_s`: what [`Meter::from_fields`] reads back to the same meter.
    pub fn to_fields(&self, utc_offset_s: i32) -> Vec<(&'static str, String)> {
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        let t = |o: Option<i64>| o.map(|t| format_local_time(t, utc_offset_s)).unwrap_or_default();
        vec![
            ("meter_id", self.id.clone()),
            ("kind", self.kind.as_str().to_string()),
            ("link", s(&self.link)),
            ("node", s(&self.node)),
            ("district", s(&self.district)),
            ("customer", s(&self.customer)),
            ("zone_level", self.zone_level.map(|z| z.to_string()).unwrap_or_default()),
            ("direction", self.direction.as_str().to_string()),
            ("series", self.series.as_str().to_string()),
            ("unit", self.unit.as_str().to_string()),
            // `{}` on f64 prints the shortest text that parses back to the same value.
            ("multiplier", format!("{}", self.multiplier)),
            ("register_capacity", self.register_capacity.map(|c| format!("{c}")).unwrap_or_default()),
            ("installed", t(self.installed_s)),
            ("removed", t(self.removed_s)),
            ("replaces", s(&self.replaces)),
        ]
    }

    /// A raw reading in canonical units: × multiplier, then the unit's conversion.
    pub fn canonical(&self, raw: f64) -> f64 {
        self.unit.to_canonical(raw * self.multiplier)
    }

    /// The register capacity in m³ (canonical), if declared.
    pub fn register_capacity_m3(&self) -> Option<f64> {
        self.register_capacity.map(|c| self.unit.to_canonical(c))
    }

    /// A canonical flow or volume as positive in the link's start → end direction.
    pub fn along_link(&self, v: f64) -> f64 {
        match self.direction {
            Direction::Forward => v,
            Direction::Reverse => -v,
        }
    }
}

/// A problem across register rows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterProblem {
    #[error("meter {id}: id used by {count} rows")]
    DuplicateId { id: String, count: usize },
    #[error("meter {id}: replaces {replaces}, which is not in the register")]
    UnknownReplaced { id: String, replaces: String },
    #[error("meter {replaces} is replaced by more than one meter: {by:?}")]
    ReplacedTwice { replaces: String, by: Vec<String> },
    #[error("meter {id}: replaces {replaces}, whose removal date is not given")]
    ReplacedWithoutRemoval { id: String, replaces: String },
    #[error("meter {id}: replaces {replaces} but has no installation date")]
    ReplacementWithoutInstallation { id: String, replaces: String },
    #[error("meter {id}: installed {} s before {replaces} was removed (both would count)", .overlap_s)]
    ReplacementOverlap { id: String, replaces: String, overlap_s: i64 },
    #[error("meter {id}: installed {} s after {replaces} was removed (use in between is unmetered)", .gap_s)]
    ReplacementGap { id: String, replaces: String, gap_s: i64 },
    #[error("meter {id} ({kind}) replaces {replaces}, a {replaced_kind} meter")]
    ReplacementKindChanged { id: String, replaces: String, kind: String, replaced_kind: String },
    #[error("meter {id}: its replacement chain loops back to itself")]
    ReplacementCycle { id: String },
}

/// Checks the register as a whole: unique ids, replacements naming known meters of the same kind
/// whose removal and installation dates meet, one successor per meter, no loops.
pub fn validate_register(meters: &[Meter]) -> Vec<RegisterProblem> {
    let mut problems = Vec::new();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for m in meters {
        *count.entry(m.id.as_str()).or_default() += 1;
    }
    let mut reported = HashSet::new();
    for m in meters {
        let n = count[m.id.as_str()];
        if n > 1 && reported.insert(m.id.as_str()) {
            problems.push(RegisterProblem::DuplicateId { id: m.id.clone(), count: n });
        }
    }
    let by_id: HashMap<&str, &Meter> = meters.iter().map(|m| (m.id.as_str(), m)).collect();
    let mut successors: HashMap<&str, Vec<String>> = HashMap::new();
    for m in meters {
        let Some(old_id) = m.replaces.as_deref() else { continue };
        successors.entry(old_id).or_default().push(m.id.clone());
        let Some(old) = by_id.get(old_id) else {
            problems.push(RegisterProblem::UnknownReplaced { id: m.id.clone(), replaces: old_id.to_string() });
            continue;
        };
        if old.kind != m.kind {
            problems.push(RegisterProblem::ReplacementKindChanged {
                id: m.id.clone(),
                replaces: old_id.to_string(),
                kind: m.kind.as_str().to_string(),
                replaced_kind: old.kind.as_str().to_string(),
            });
        }
        match (old.removed_s, m.installed_s) {
            (None, _) => problems
                .push(RegisterProblem::ReplacedWithoutRemoval { id: m.id.clone(), replaces: old_id.to_string() }),
            (_, None) => problems.push(RegisterProblem::ReplacementWithoutInstallation {
                id: m.id.clone(),
                replaces: old_id.to_string(),
            }),
            (Some(r), Some(i)) if i < r => problems.push(RegisterProblem::ReplacementOverlap {
                id: m.id.clone(),
                replaces: old_id.to_string(),
                overlap_s: r.saturating_sub(i),
            }),
            (Some(r), Some(i)) if i > r => problems.push(RegisterProblem::ReplacementGap {
                id: m.id.clone(),
                replaces: old_id.to_string(),
                gap_s: i.saturating_sub(r),
            }),
            _ => {}
        }
    }
    let mut twice: Vec<_> = successors.iter().filter(|(_, v)| v.len() > 1).collect();
    twice.sort();
    for (old, by) in twice {
        problems.push(RegisterProblem::ReplacedTwice { replaces: old.to_string(), by: by.clone() });
    }
    // Follow `replaces` back from every meter; more steps than meters means a loop.
    for m in meters {
        let mut cur = m;
        let mut steps = 0;
        while let Some(prev) = cur.replaces.as_deref().and_then(|p| by_id.get(p)) {
            steps += 1;
            if prev.id == m.id || steps > meters.len() {
                problems.push(RegisterProblem::ReplacementCycle { id: m.id.clone() });
                break;
            }
            cur = prev;
        }
    }
    problems
}

/// The replacement chain ending at meter `id`: the oldest register first, `id` last. `None` if
/// `id` is unknown, or the chain loops or passes an unknown or duplicated id.
pub fn replacement_chain<'m>(meters: &'m [Meter], id: &str) -> Option<Vec<&'m Meter>> {
    Replacements::new(meters).chain(id)
}

/// The register's replacements indexed once, for chains of many meters (a city's customers):
/// each look-up is a hash probe, not a scan of the register.
pub struct Replacements<'m> {
    /// Meter by id; `None` for an id given twice (no chain passes it).
    by_id: std::collections::HashMap<&'m str, Option<&'m Meter>>,
    replaced: std::collections::HashSet<&'m str>,
}

impl<'m> Replacements<'m> {
    pub fn new(meters: &'m [Meter]) -> Replacements<'m> {
        let mut by_id = std::collections::HashMap::with_capacity(meters.len());
        for m in meters {
            by_id.entry(m.id.as_str()).and_modify(|e| *e = None).or_insert(Some(m));
        }
        let replaced = meters.iter().filter_map(|m| m.replaces.as_deref()).collect();
        Replacements { by_id, replaced }
    }

    /// Whether another meter names this one in `replaces` (it is an older register).
    pub fn is_replaced(&self, id: &str) -> bool {
        self.replaced.contains(id)
    }

    /// The chain ending at `id`, oldest first; `None` if it loops or passes an unknown or
    /// duplicated id.
    pub fn chain(&self, id: &str) -> Option<Vec<&'m Meter>> {
        let find = |id: &str| self.by_id.get(id).copied().flatten();
        let mut chain = vec![find(id)?];
        while let Some(prev) = chain.last().and_then(|m| m.replaces.as_deref()) {
            let p = find(prev)?;
            if chain.len() > self.by_id.len() || chain.iter().any(|m| m.id == p.id) {
                return None;
            }
            chain.push(p);
        }
        chain.reverse();
        Some(chain)
    }
}

impl fmt::Display for Meter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {} in {})", self.id, self.kind.as_str(), self.series.as_str(), self.unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> {
        move |k| pairs.iter().find(|(f, _)| *f == k).map(|(_, v)| *v)
    }

    const CUSTOMER: &[(&str, &str)] = &[
        ("meter_id", "C1"),
        ("kind", "customer"),
        ("node", "J12"),
        ("customer", "cust-7"),
        ("series", "register"),
        ("unit", "L"),
        ("multiplier", "10"),
        ("register_capacity", "1000000"),
        ("installed", "2025-03-05 10:30"),
        ("replaces", "C0"),
    ];

    #[test]
    fn parses_a_customer_row_and_writes_it_back() {
        let m = Meter::from_fields(row(CUSTOMER), 8 * 3600).unwrap();
        assert_eq!(m.kind, MeterKind::Customer);
        assert_eq!(m.unit, Unit::L);
        assert_eq!(m.direction, Direction::Forward);
        // 123 raw × 10 = 1230 L = 1.23 m³.
        assert!((m.canonical(123.0) - 1.23).abs() < 1e-12);
        assert_eq!(m.register_capacity_m3(), Some(1000.0));
        // 2025-03-05 10:30 at UTC+8 = 02:30 UTC.
        assert_eq!(m.installed_s, Some(parse_local_time("2025-03-05 02:30", 0).unwrap()));
        let fields = m.to_fields(8 * 3600);
        assert_eq!(fields.iter().map(|(k, _)| *k).collect::<Vec<_>>(), COLUMNS.to_vec());
        let back =
            Meter::from_fields(|k| fields.iter().find(|(f, _)| *f == k).map(|(_, v)| v.as_str()), 8 * 3600).unwrap();
        assert_eq!(back, m);
    }

    fn with(over: &[(&'static str, &'static str)]) -> Result<Meter, FieldError> {
        let mut v: Vec<(&str, &str)> =
            CUSTOMER.iter().filter(|(k, _)| !over.iter().any(|(o, _)| o == k)).copied().collect();
        v.extend(over.iter().copied());
        Meter::from_fields(row(&v), 0)
    }

    #[test]
    fn rejects_inconsistent_rows() {
        let field = |over: &[(&'static str, &'static str)]| with(over).unwrap_err().field;
        assert_eq!(field(&[("unit", "m3/h")]), "unit"); // a register in a flow unit
        assert_eq!(field(&[("series", "flow")]), "series"); // customer meters bill volumes
        assert_eq!(field(&[("multiplier", "0")]), "multiplier");
        assert_eq!(field(&[("multiplier", "NaN")]), "multiplier");
        assert_eq!(field(&[("multiplier", "-1")]), "multiplier");
        assert_eq!(field(&[("node", ""), ("district", "")]), "node");
        assert_eq!(field(&[("kind", "gauge")]), "kind");
        assert_eq!(field(&[("meter_id", "")]), "meter_id");
        assert_eq!(field(&[("unit", "")]), "unit");
        assert_eq!(field(&[("zone_level", "1")]), "zone_level"); // customers bound no zone
        assert_eq!(field(&[("installed", "2025-02-30")]), "installed");
        assert_eq!(field(&[("removed", "2025-03-01")]), "removed"); // before installation
        assert_eq!(field(&[("replaces", "C1")]), "replaces");
        assert_eq!(field(&[("register_capacity", "inf")]), "register_capacity");
        // A customer with only a district is fine.
        assert!(with(&[("node", ""), ("district", "D3")]).is_ok());
    }

    #[test]
    fn bulk_meters_need_a_link_and_a_zone_level() {
        let bulk = [
            ("meter_id", "B1"),
            ("kind", "bulk"),
            ("link", "P9"),
            ("zone_level", "3"),
            ("series", "flow"),
            ("unit", "L/s"),
            ("direction", "reverse"),
        ];
        let m = Meter::from_fields(row(&bulk), 0).unwrap();
        assert_eq!(m.along_link(m.canonical(10.0)), -36.0);
        let no_link: Vec<_> = bulk.iter().filter(|(k, _)| *k != "link").copied().collect();
        assert_eq!(Meter::from_fields(row(&no_link), 0).unwrap_err().field, "link");
        let no_level: Vec<_> = bulk.iter().filter(|(k, _)| *k != "zone_level").copied().collect();
        assert_eq!(Meter::from_fields(row(&no_level), 0).unwrap_err().field, "zone_level");
        let mut deep = bulk.to_vec();
        deep[3] = ("zone_level", "4");
        assert_eq!(Meter::from_fields(row(&deep), 0).unwrap_err().field, "zone_level");
        // Pressure in kPa, series defaulted: the only series a pressure meter has.
        let p =
            Meter::from_fields(row(&[("meter_id", "P1"), ("kind", "pressure"), ("node", "J1"), ("unit", "kPa")]), 0)
                .unwrap();
        assert_eq!(p.series, SeriesKind::Pressure);
        assert!(
            Meter::from_fields(row(&[("meter_id", "L1"), ("kind", "level"), ("node", "T1"), ("unit", "kPa")]), 0)
                .is_err()
        );
    }

    fn meter(id: &str, installed: Option<i64>, removed: Option<i64>, replaces: Option<&str>) -> Meter {
        let mut m = with(&[]).unwrap();
        m.id = id.into();
        m.installed_s = installed;
        m.removed_s = removed;
        m.replaces = replaces.map(Into::into);
        m
    }

    #[test]
    fn register_problems() {
        let ok = vec![
            meter("A", None, Some(100), None),
            meter("B", Some(100), Some(200), Some("A")),
            meter("C", Some(200), None, Some("B")),
        ];
        assert_eq!(validate_register(&ok), vec![]);
        let chain = replacement_chain(&ok, "C").unwrap();
        assert_eq!(chain.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["A", "B", "C"]);

        let bad = vec![
            meter("A", None, Some(100), None),
            meter("A", None, None, None),
            meter("B", Some(50), None, Some("X")),
            meter("D", Some(90), None, Some("E")),
            meter("E", None, Some(100), None),
            meter("F", Some(150), None, Some("E")),
        ];
        let p = validate_register(&bad);
        assert!(p.contains(&RegisterProblem::DuplicateId { id: "A".into(), count: 2 }), "{p:?}");
        assert!(p.contains(&RegisterProblem::UnknownReplaced { id: "B".into(), replaces: "X".into() }));
        assert!(p.contains(&RegisterProblem::ReplacementOverlap {
            id: "D".into(),
            replaces: "E".into(),
            overlap_s: 10
        }));
        assert!(p.contains(&RegisterProblem::ReplacementGap { id: "F".into(), replaces: "E".into(), gap_s: 50 }));
        assert!(p.iter().any(|x| matches!(x, RegisterProblem::ReplacedTwice { replaces, .. } if replaces == "E")));
        assert_eq!(replacement_chain(&bad, "A"), None); // duplicated id

        let cycle = vec![meter("A", Some(0), Some(10), Some("B")), meter("B", Some(0), Some(10), Some("A"))];
        assert!(validate_register(&cycle).iter().any(|x| matches!(x, RegisterProblem::ReplacementCycle { .. })));
        assert_eq!(replacement_chain(&cycle, "A"), None);
    }
}
