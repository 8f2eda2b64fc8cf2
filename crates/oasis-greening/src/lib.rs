//! oasis-greening: the greening ledger (三北六期 afforestation, 防沙治沙,
//! grassland restoration, urban greening).
//!
//! Projects: `id,name,kind,programme,county,year,area,area_unit,polygon,funding_wan_yuan,funding_source,accepted_on,planted,surviving`.
//! * Areas are held exactly in 亩: 1 ha = 15 亩 exactly (1 亩 = 10 000/15 m²);
//!   `亩`, `万亩`, `ha`, `公顷` are accepted; any other unit is an error.
//! * `polygon` (optional): `lon lat; lon lat; …` (WGS84, at least three
//!   points, not closed). Two projects whose polygons overlap (interiors
//!   intersect; a shared edge is fine) are an error naming both lines — the
//!   same land would be counted twice. The polygon's own area is computed
//!   (equirectangular at its mean latitude, geometry only, floating point)
//!   and a declared area differing from it by more than the tolerance is
//!   reported as a warning, never corrected.
//! * Survival rate = surviving / planted × 100 (checks after planting).
//! * Totals per kind and year against targets; GeoJSON export.
//!
//! No I/O.

// Errors carry the file, line and field people need; they are rare and off any hot path.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use oasis_records::{Decimal, Loc, RecordError, parse_csv};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GreeningError {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("{at}: unit '{unit}' does not convert to 亩 (use 亩, 万亩, ha or 公顷)")]
    Unit { at: Loc, unit: String },
    #[error(
        "{at}: polygon overlaps project '{other}' ({other_at}): the same land would be counted twice"
    )]
    Overlap {
        at: Loc,
        other: String,
        other_at: Loc,
    },
    #[error("{at}: {message}")]
    Invalid { at: Loc, message: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// 造林 (incl. 三北六期 afforestation).
    Afforestation,
    /// 防沙治沙 / 沙化土地治理.
    SandControl,
    /// 退化草原修复.
    Grassland,
    /// 城市绿化.
    UrbanGreening,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Afforestation,
        Kind::SandControl,
        Kind::Grassland,
        Kind::UrbanGreening,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Kind::Afforestation => "afforestation",
            Kind::SandControl => "sand_control",
            Kind::Grassland => "grassland",
            Kind::UrbanGreening => "urban_greening",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Kind::Afforestation => "造林",
            Kind::SandControl => "防沙治沙",
            Kind::Grassland => "草原修复",
            Kind::UrbanGreening => "城市绿化",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Kind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Kind::ALL.into_iter().find(|k| k.name() == s).ok_or(())
    }
}

/// 亩 per unit, exactly.
pub fn mu_per(unit: &str) -> Option<Decimal> {
    Some(match unit {
        "亩" | "mu" => Decimal::ONE,
        "万亩" => Decimal::from(10_000),
        "ha" | "公顷" => Decimal::from(15),
        _ => return None,
    })
}

/// Hectares of an area in 亩 (÷ 15; exact to 28 digits, round for display).
pub fn mu_to_ha(mu: Decimal) -> Decimal {
    mu / Decimal::from(15)
}

#[derive(Clone, Debug, PartialEq)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub programme: String,
    pub county: String,
    pub year: i32,
    /// Area in 亩, exact.
    pub area_mu: Decimal,
    /// As written ("1200 ha").
    pub area_written: String,
    /// Ring of (lon, lat), not closed.
    pub polygon: Option<Vec<(f64, f64)>>,
    pub funding_wan_yuan: Option<Decimal>,
    pub funding_source: String,
    pub accepted_on: Option<String>,
    pub planted: Option<u64>,
    pub surviving: Option<u64>,
    pub at: Loc,
}

impl Project {
    /// Survival rate in percent (exact).
    pub fn survival_pct(&self) -> Option<Decimal> {
        match (self.planted, self.surviving) {
            (Some(p), Some(s)) if p > 0 => {
                Some(Decimal::from(s) * Decimal::from(100) / Decimal::from(p))
            }
            _ => None,
        }
    }
}

fn parse_polygon(s: &str) -> Option<Vec<(f64, f64)>> {
    let mut pts = Vec::new();
    for p in s.split(';') {
        let mut it = p.split_whitespace();
        let lon: f64 = it.next()?.parse().ok()?;
        let lat: f64 = it.next()?.parse().ok()?;
        if it.next().is_some()
            || !lon.is_finite()
            || !lat.is_finite()
            || lon.abs() > 180.0
            || lat.abs() > 90.0
        {
            return None;
        }
        pts.push((lon, lat));
    }
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    (pts.len() >= 3).then_some(pts)
}

/// Read projects and check that no two polygons overlap.
pub fn read_projects(file: &str, text: &str) -> Result<Vec<Project>, GreeningError> {
    let rows = parse_csv(
        file,
        text,
        &[
            "id",
            "name",
            "kind",
            "programme",
            "county",
            "year",
            "area",
            "area_unit",
            "polygon",
            "funding_wan_yuan",
            "funding_source",
            "accepted_on",
            "planted",
            "surviving",
        ],
    )?;
    let mut out: Vec<Project> = Vec::new();
    for r in rows {
        let unit = r.text("area_unit")?;
        let Some(f) = mu_per(unit) else {
            return Err(GreeningError::Unit {
                at: r.loc("area_unit"),
                unit: unit.to_string(),
            });
        };
        let area = r.decimal("area")?;
        if area <= Decimal::ZERO {
            return Err(r.err("area", "must be positive").into());
        }
        let polygon = match r.opt("polygon") {
            None => None,
            Some(s) => Some(parse_polygon(s).ok_or_else(|| {
                r.err(
                    "polygon",
                    "not a ring of at least three 'lon lat' points separated by ';'",
                )
            })?),
        };
        let p = Project {
            id: r.text("id")?.to_string(),
            name: r.text("name")?.to_string(),
            kind: r.parse(
                "kind",
                "a kind (afforestation, sand_control, grassland, urban_greening)",
            )?,
            programme: r.opt("programme").unwrap_or("").to_string(),
            county: r.text("county")?.to_string(),
            year: r.parse("year", "a year")?,
            area_mu: area * f,
            area_written: format!("{area} {unit}"),
            polygon,
            funding_wan_yuan: r.opt_decimal("funding_wan_yuan")?,
            funding_source: r.opt("funding_source").unwrap_or("").to_string(),
            accepted_on: r.opt("accepted_on").map(str::to_string),
            planted: r.opt_parse("planted", "a whole number")?,
            surviving: r.opt_parse("surviving", "a whole number")?,
            at: r.loc(""),
        };
        if let (Some(pl), Some(s)) = (p.planted, p.surviving)
            && s > pl
        {
            return Err(r
                .err("surviving", format!("{s} surviving of {pl} planted"))
                .into());
        }
        if out.iter().any(|o| o.id == p.id) {
            return Err(r.err("id", "project id listed twice").into());
        }
        if let Some(poly) = &p.polygon {
            for o in &out {
                if let Some(op) = &o.polygon
                    && polygons_overlap(poly, op)
                {
                    return Err(GreeningError::Overlap {
                        at: r.loc("polygon"),
                        other: o.id.clone(),
                        other_at: Loc {
                            field: "polygon".into(),
                            ..o.at.clone()
                        },
                    });
                }
            }
        }
        out.push(p);
    }
    Ok(out)
}

fn orient(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

/// Segments cross at a point interior to both (touching or collinear is not a crossing).
fn proper_cross(p1: (f64, f64), p2: (f64, f64), q1: (f64, f64), q2: (f64, f64)) -> bool {
    let d1 = orient(q1, q2, p1);
    let d2 = orient(q1, q2, p2);
    let d3 = orient(p1, p2, q1);
    let d4 = orient(p1, p2, q2);
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

/// Strictly inside (ray casting; points on an edge count as outside).
fn strictly_inside(pt: (f64, f64), poly: &[(f64, f64)]) -> bool {
    let n = poly.len();
    for i in 0..n {
        let (a, b) = (poly[i], poly[(i + 1) % n]);
        let on_line = orient(a, b, pt).abs() <= 1e-15;
        let within = pt.0 >= a.0.min(b.0)
            && pt.0 <= a.0.max(b.0)
            && pt.1 >= a.1.min(b.1)
            && pt.1 <= a.1.max(b.1);
        if on_line && within {
            return false;
        }
    }
    let mut inside = false;
    let mut j = n - 1;
    for i in 0..n {
        let (xi, yi) = poly[i];
        let (xj, yj) = poly[j];
        if (yi > pt.1) != (yj > pt.1) && pt.0 < (xj - xi) * (pt.1 - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

fn centroid(poly: &[(f64, f64)]) -> (f64, f64) {
    let n = poly.len() as f64;
    (
        poly.iter().map(|p| p.0).sum::<f64>() / n,
        poly.iter().map(|p| p.1).sum::<f64>() / n,
    )
}

/// Whether the interiors of two simple polygons intersect.
pub fn polygons_overlap(a: &[(f64, f64)], b: &[(f64, f64)]) -> bool {
    for i in 0..a.len() {
        for j in 0..b.len() {
            if proper_cross(a[i], a[(i + 1) % a.len()], b[j], b[(j + 1) % b.len()]) {
                return true;
            }
        }
    }
    // Containment, identical rings, or a vertex strictly inside the other.
    a.iter().any(|p| strictly_inside(*p, b))
        || b.iter().any(|p| strictly_inside(*p, a))
        || strictly_inside(centroid(a), b)
        || strictly_inside(centroid(b), a)
}

/// Area of a lon/lat ring in hectares (equirectangular at the mean latitude,
/// R = 6 371 008.8 m): a plausibility check, not a survey.
pub fn polygon_area_ha(poly: &[(f64, f64)]) -> f64 {
    const R: f64 = 6_371_008.8;
    let lat0 = centroid(poly).1.to_radians();
    let xy: Vec<(f64, f64)> = poly
        .iter()
        .map(|(lon, lat)| (lon.to_radians() * R * lat0.cos(), lat.to_radians() * R))
        .collect();
    let n = xy.len();
    let twice: f64 = (0..n)
        .map(|i| xy[i].0 * xy[(i + 1) % n].1 - xy[(i + 1) % n].0 * xy[i].1)
        .sum();
    twice.abs() / 2.0 / 10_000.0
}

/// Projects whose declared area differs from their polygon's by more than `tolerance_pct`.
pub fn area_warnings(projects: &[Project], tolerance_pct: f64) -> Vec<String> {
    let mut out = Vec::new();
    for p in projects {
        let Some(poly) = &p.polygon else { continue };
        let drawn = polygon_area_ha(poly);
        let declared: f64 = mu_to_ha(p.area_mu).to_string().parse().unwrap_or(0.0);
        if declared > 0.0 && ((drawn - declared) / declared * 100.0).abs() > tolerance_pct {
            out.push(format!(
                "{}: project {}: declared {} ({:.1} ha) but its polygon measures {:.1} ha",
                p.at, p.id, p.area_written, declared, drawn
            ));
        }
    }
    out
}

/// Totals of one kind in one year.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub projects: usize,
    pub area_mu: Decimal,
    pub accepted_mu: Decimal,
    pub funding_wan_yuan: Decimal,
    pub planted: u64,
    pub surviving: u64,
}

impl Totals {
    pub fn survival_pct(&self) -> Option<Decimal> {
        (self.planted > 0).then(|| {
            Decimal::from(self.surviving) * Decimal::from(100) / Decimal::from(self.planted)
        })
    }
}

pub fn totals(projects: &[Project]) -> BTreeMap<(i32, Kind), Totals> {
    let mut m: BTreeMap<(i32, Kind), Totals> = BTreeMap::new();
    for p in projects {
        let t = m.entry((p.year, p.kind)).or_default();
        t.projects += 1;
        t.area_mu += p.area_mu;
        if p.accepted_on.is_some() {
            t.accepted_mu += p.area_mu;
        }
        t.funding_wan_yuan += p.funding_wan_yuan.unwrap_or_default();
        if let (Some(pl), Some(s)) = (p.planted, p.surviving) {
            t.planted += pl;
            t.surviving += s;
        }
    }
    m
}

/// A kind's year against its target (亩).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgainstTarget {
    pub year: i32,
    pub kind: Kind,
    pub target_mu: Decimal,
    pub actual_mu: Decimal,
    /// actual − target (negative = short).
    pub gap_mu: Decimal,
    pub met: bool,
}

pub fn against_targets(
    t: &BTreeMap<(i32, Kind), Totals>,
    targets: &[(i32, Kind, Decimal)],
) -> Vec<AgainstTarget> {
    targets
        .iter()
        .map(|&(year, kind, target_mu)| {
            let actual_mu = t.get(&(year, kind)).map(|x| x.area_mu).unwrap_or_default();
            AgainstTarget {
                year,
                kind,
                target_mu,
                actual_mu,
                gap_mu: actual_mu - target_mu,
                met: actual_mu >= target_mu,
            }
        })
        .collect()
}

/// GeoJSON FeatureCollection of the projects with polygons (others have a null geometry).
pub fn geojson(projects: &[Project]) -> String {
    let features: Vec<serde_json::Value> = projects
        .iter()
        .map(|p| {
            let geometry = match &p.polygon {
                Some(poly) => {
                    let mut ring: Vec<[f64; 2]> = poly.iter().map(|&(x, y)| [x, y]).collect();
                    ring.push(ring[0]);
                    json!({"type": "Polygon", "coordinates": [ring]})
                }
                None => serde_json::Value::Null,
            };
            json!({
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "id": p.id, "name": p.name, "kind": p.kind.name(), "programme": p.programme,
                    "county": p.county, "year": p.year,
                    "area_mu": p.area_mu.to_string(), "area_ha": mu_to_ha(p.area_mu).round_dp(4).to_string(),
                    "funding_wan_yuan": p.funding_wan_yuan.map(|d| d.to_string()),
                    "accepted_on": p.accepted_on, "survival_pct": p.survival_pct().map(|d| d.round_dp(1).to_string()),
                }
            })
        })
        .collect();
    serde_json::to_string_pretty(&json!({"type": "FeatureCollection", "features": features}))
        .expect("json")
}
