//! The factor table: one CSV row per factor,
//! `factor,key,region,vintage,value,unit,source`.
//!
//! Values are stored in canonical units after an exact conversion of the
//! row's declared unit (NCV in GJ per t or per 10⁴ Nm³; carbon content per
//! heat in tC/GJ; oxidation as a fraction; grid and heat factors in tCO2/MWh
//! and tCO2/GJ). A unit that the factor kind does not accept is an error, as
//! is a second row for the same kind, key, region and vintage.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use oasis_records::{Decimal, Loc, parse_csv};

use crate::units::Dim;
use crate::{CarbonError, invalid};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FactorKind {
    /// Net calorific value of a fuel (GJ/t or GJ/10⁴Nm³).
    Ncv,
    /// Carbon content per unit heat (tC/TJ or tC/GJ).
    Cc,
    /// Carbon oxidation fraction (fraction or %).
    Of,
    /// Grid electricity factor of a region and data year (tCO2/MWh = kgCO2/kWh).
    Grid,
    /// Heat factor (tCO2/GJ).
    Heat,
    /// Process factor of a material (tCO2/t), e.g. carbonate decomposition.
    Process,
    /// Carbon content of a material or product (tC/t), for carbon balances.
    CarbonContent,
    /// Global warming potential of a gas in a GWP set (tCO2e/t).
    Gwp,
    /// Basic wood density of a species group (t/m³).
    Wd,
    /// Biomass expansion factor (dimensionless).
    Bef,
    /// Root:shoot ratio (dimensionless).
    RootShoot,
    /// Carbon fraction of dry biomass (tC/t).
    Cf,
}

impl FactorKind {
    pub const ALL: [FactorKind; 12] = [
        FactorKind::Ncv,
        FactorKind::Cc,
        FactorKind::Of,
        FactorKind::Grid,
        FactorKind::Heat,
        FactorKind::Process,
        FactorKind::CarbonContent,
        FactorKind::Gwp,
        FactorKind::Wd,
        FactorKind::Bef,
        FactorKind::RootShoot,
        FactorKind::Cf,
    ];
    pub fn name(self) -> &'static str {
        match self {
            FactorKind::Ncv => "ncv",
            FactorKind::Cc => "cc",
            FactorKind::Of => "of",
            FactorKind::Grid => "grid",
            FactorKind::Heat => "heat",
            FactorKind::Process => "process",
            FactorKind::CarbonContent => "carbon_content",
            FactorKind::Gwp => "gwp",
            FactorKind::Wd => "wd",
            FactorKind::Bef => "bef",
            FactorKind::RootShoot => "root_shoot",
            FactorKind::Cf => "cf",
        }
    }

    /// Accepted units and the exact multiplier to the canonical one; for NCV
    /// also the dimension of the fuel quantity.
    fn unit(self, unit: &str) -> Option<(Decimal, Option<Dim>)> {
        let one = Decimal::ONE;
        let milli = Decimal::new(1, 3);
        Some(match (self, unit) {
            (FactorKind::Ncv, "GJ/t") => (one, Some(Dim::Mass)),
            (FactorKind::Ncv, "GJ/10^4Nm3") => (one, Some(Dim::Volume)),
            (FactorKind::Cc, "tC/GJ") => (one, None),
            (FactorKind::Cc, "tC/TJ") => (milli, None),
            (FactorKind::Of, "fraction") => (one, None),
            (FactorKind::Of, "%") => (Decimal::new(1, 2), None),
            (FactorKind::Grid, "tCO2/MWh" | "kgCO2/kWh") => (one, None),
            (FactorKind::Heat, "tCO2/GJ") => (one, None),
            (FactorKind::Heat, "tCO2/TJ") => (milli, None),
            (FactorKind::Process, "tCO2/t") => (one, None),
            (FactorKind::CarbonContent, "tC/t") => (one, None),
            (FactorKind::Gwp, "tCO2e/t") => (one, None),
            (FactorKind::Wd, "t/m3") => (one, None),
            (FactorKind::Bef | FactorKind::RootShoot, "1") => (one, None),
            (FactorKind::Cf, "tC/t") => (one, None),
            _ => return None,
        })
    }

    fn units_help(self) -> &'static str {
        match self {
            FactorKind::Ncv => "GJ/t or GJ/10^4Nm3",
            FactorKind::Cc => "tC/GJ or tC/TJ",
            FactorKind::Of => "fraction or %",
            FactorKind::Grid => "tCO2/MWh or kgCO2/kWh",
            FactorKind::Heat => "tCO2/GJ or tCO2/TJ",
            FactorKind::Process => "tCO2/t",
            FactorKind::CarbonContent | FactorKind::Cf => "tC/t",
            FactorKind::Gwp => "tCO2e/t",
            FactorKind::Wd => "t/m3",
            FactorKind::Bef | FactorKind::RootShoot => "1",
        }
    }
}

impl fmt::Display for FactorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FactorKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        FactorKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or(())
    }
}

/// One factor, value in canonical units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Factor {
    pub kind: FactorKind,
    pub key: String,
    pub region: String,
    pub vintage: String,
    /// Value in the canonical unit of its kind.
    pub value: Decimal,
    /// As written in the file (value and unit), for explanations.
    pub written: String,
    /// For NCV: the dimension of the fuel quantity it applies to.
    pub per: Option<Dim>,
    pub source: String,
    pub at: Loc,
}

impl Factor {
    /// `grid NW 2023 = 0.5543 tCO2/MWh (MEE+NBS 2025)`.
    pub fn describe(&self) -> String {
        let region = if self.region.is_empty() {
            String::new()
        } else {
            format!(" {}", self.region)
        };
        format!(
            "{} {}{} {} = {} ({})",
            self.kind, self.key, region, self.vintage, self.written, self.source
        )
    }
}

type Key = (FactorKind, String, String, String);

/// All factors, looked up by kind, key, region and vintage — never by
/// "nearest year": a missing vintage is an error.
#[derive(Clone, Debug, Default)]
pub struct FactorTable {
    rows: BTreeMap<Key, Factor>,
}

impl FactorTable {
    /// Parse `factor,key,region,vintage,value,unit,source` rows.
    pub fn from_csv_str(file: &str, text: &str) -> Result<FactorTable, CarbonError> {
        let rows = parse_csv(
            file,
            text,
            &[
                "factor", "key", "region", "vintage", "value", "unit", "source",
            ],
        )?;
        let mut t = FactorTable::default();
        for r in rows {
            let kind: FactorKind = r.parse("factor", "a factor kind (ncv, cc, of, grid, heat, process, carbon_content, gwp, wd, bef, root_shoot, cf)")?;
            let key = r.text("key")?.to_string();
            let region = r.opt("region").unwrap_or("").to_string();
            let vintage = r.text("vintage")?.to_string();
            let raw = r.decimal("value")?;
            let unit = r.text("unit")?;
            let source = r.text("source")?.to_string();
            let Some((mult, per)) = kind.unit(unit) else {
                return Err(CarbonError::Unit {
                    at: r.loc("unit"),
                    unit: unit.to_string(),
                    expected: format!("a {kind} unit ({})", kind.units_help()),
                });
            };
            if raw.is_sign_negative() {
                return Err(invalid(r.loc("value"), "a factor cannot be negative"));
            }
            if kind == FactorKind::Grid && region.is_empty() {
                return Err(invalid(
                    r.loc("region"),
                    "a grid factor needs its region (e.g. national, NW, Gansu)",
                ));
            }
            let value = raw * mult;
            if kind == FactorKind::Of && value > Decimal::ONE {
                return Err(invalid(
                    r.loc("value"),
                    "an oxidation fraction cannot exceed 1 (100 %)",
                ));
            }
            let f = Factor {
                kind,
                key: key.clone(),
                region: region.clone(),
                vintage: vintage.clone(),
                value,
                written: format!("{raw} {unit}"),
                per,
                source,
                at: r.loc(""),
            };
            if let Some(prev) = t.rows.insert((kind, key, region, vintage), f) {
                return Err(invalid(
                    r.loc("vintage"),
                    format!(
                        "a second {} row for the same key, region and vintage (first at line {})",
                        kind, prev.at.line
                    ),
                ));
            }
        }
        Ok(t)
    }

    /// The factor, or `UnknownFactor` naming where it was asked for (`at`).
    pub fn get(
        &self,
        kind: FactorKind,
        key: &str,
        region: &str,
        vintage: &str,
        at: &Loc,
    ) -> Result<&Factor, CarbonError> {
        self.rows
            .get(&(
                kind,
                key.to_string(),
                region.to_string(),
                vintage.to_string(),
            ))
            .ok_or_else(|| CarbonError::UnknownFactor {
                at: at.clone(),
                kind: kind.to_string(),
                key: key.to_string(),
                region: region.to_string(),
                vintage: vintage.to_string(),
            })
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Factor> {
        self.rows.values()
    }
}
