//! Activity data × factors: line emissions, enterprise totals, the city
//! inventory by sector, intensity and scenarios.
//!
//! Activity rows: `enterprise,sector,year,category,item,amount,unit,region,vintage`.
//! Categories and their formulas (doc §1–2; tCO2 or tCO2e):
//!
//! | category | formula |
//! |---|---|
//! | `combustion` | FC × NCV × CC × OF × 44/12 (factors of `item` in `vintage`) |
//! | `feedstock` | energy as raw material / reductant: amount × carbon_content × 44/12 |
//! | `carbon_output` | carbon leaving in products: − amount × carbon_content × 44/12 |
//! | `process` | amount × process factor (e.g. carbonate decomposition) |
//! | `gas` | tonnes of a non-CO2 gas × GWP of the `vintage` set |
//! | `purchased_electricity` / `exported_electricity` | MWh × grid factor of `region`, data year `vintage` (export negative) |
//! | `purchased_heat` / `exported_heat` | GJ × heat factor (export negative) |
//!
//! Enterprise total (guideline structure) = combustion + feedstock (net of
//! carbon output) + process + other gases + purchased electricity + purchased
//! heat − exported electricity − exported heat.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use oasis_records::{Decimal, Loc, parse_csv};

use crate::factors::{FactorKind, FactorTable};
use crate::units::{self, Dim};
use crate::{CarbonError, c_to_co2, invalid};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Combustion,
    Feedstock,
    CarbonOutput,
    Process,
    Gas,
    PurchasedElectricity,
    PurchasedHeat,
    ExportedElectricity,
    ExportedHeat,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Combustion,
        Category::Feedstock,
        Category::CarbonOutput,
        Category::Process,
        Category::Gas,
        Category::PurchasedElectricity,
        Category::PurchasedHeat,
        Category::ExportedElectricity,
        Category::ExportedHeat,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Category::Combustion => "combustion",
            Category::Feedstock => "feedstock",
            Category::CarbonOutput => "carbon_output",
            Category::Process => "process",
            Category::Gas => "gas",
            Category::PurchasedElectricity => "purchased_electricity",
            Category::PurchasedHeat => "purchased_heat",
            Category::ExportedElectricity => "exported_electricity",
            Category::ExportedHeat => "exported_heat",
        }
    }
    /// Indirect (electricity and heat) rather than direct emissions.
    pub fn is_indirect(self) -> bool {
        matches!(
            self,
            Category::PurchasedElectricity
                | Category::PurchasedHeat
                | Category::ExportedElectricity
                | Category::ExportedHeat
        )
    }
    /// Energy use (scaled by efficiency in scenarios); process lines are not.
    fn is_energy(self) -> bool {
        !matches!(
            self,
            Category::Process | Category::Gas | Category::CarbonOutput
        )
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Category {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Category::ALL.into_iter().find(|c| c.name() == s).ok_or(())
    }
}

/// One activity line as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    pub enterprise: String,
    pub sector: String,
    pub year: i32,
    pub category: Category,
    pub item: String,
    pub amount: Decimal,
    pub unit: String,
    pub region: String,
    pub vintage: String,
    pub at: Loc,
}

impl Activity {
    pub fn from_csv_str(file: &str, text: &str) -> Result<Vec<Activity>, CarbonError> {
        let rows = parse_csv(
            file,
            text,
            &[
                "enterprise",
                "sector",
                "year",
                "category",
                "item",
                "amount",
                "unit",
                "region",
                "vintage",
            ],
        )?;
        let mut out = Vec::new();
        for r in rows {
            let amount = r.decimal("amount")?;
            if amount.is_sign_negative() {
                return Err(invalid(
                    r.loc("amount"),
                    "activity amounts are not negative (exports have their own categories)",
                ));
            }
            out.push(Activity {
                enterprise: r.text("enterprise")?.to_string(),
                sector: r.text("sector")?.to_string(),
                year: r.parse("year", "a year")?,
                category: r.parse("category", "a category (combustion, feedstock, carbon_output, process, gas, purchased_electricity, purchased_heat, exported_electricity, exported_heat)")?,
                item: r.text("item")?.to_string(),
                amount,
                unit: r.text("unit")?.to_string(),
                region: r.opt("region").unwrap_or("").to_string(),
                vintage: r.text("vintage")?.to_string(),
                at: r.loc(""),
            });
        }
        Ok(out)
    }
}

/// The emission of one line with the factors that made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineEmission {
    pub activity: Activity,
    /// Amount in the canonical unit (t, 10⁴Nm³, MWh, GJ).
    pub amount: Decimal,
    /// tCO2e, signed (exports and carbon outputs negative).
    pub co2e: Decimal,
    /// Each factor used, with its vintage and source.
    pub factors: Vec<String>,
}

fn at_field(a: &Activity, field: &str) -> Loc {
    Loc {
        field: field.to_string(),
        ..a.at.clone()
    }
}

fn amount_in(a: &Activity, dim: Dim) -> Result<Decimal, CarbonError> {
    units::convert(a.amount, &a.unit, dim).ok_or_else(|| CarbonError::Unit {
        at: at_field(a, "unit"),
        unit: a.unit.clone(),
        expected: format!("{} (a {} line)", dim.canonical(), a.category),
    })
}

/// The emission of one activity line. `grid_override` replaces the grid
/// factor (scenarios).
pub fn line_emission(a: &Activity, factors: &FactorTable) -> Result<LineEmission, CarbonError> {
    line_emission_with(a, factors, None)
}

fn line_emission_with(
    a: &Activity,
    t: &FactorTable,
    grid_override: Option<(Decimal, &str)>,
) -> Result<LineEmission, CarbonError> {
    let at = at_field(a, "vintage");
    let mut used = Vec::new();
    let (amount, co2e) = match a.category {
        Category::Combustion => {
            let ncv = t.get(FactorKind::Ncv, &a.item, "", &a.vintage, &at)?;
            let cc = t.get(FactorKind::Cc, &a.item, "", &a.vintage, &at)?;
            let of = t.get(FactorKind::Of, &a.item, "", &a.vintage, &at)?;
            let dim = ncv.per.unwrap_or(Dim::Mass);
            let fc = amount_in(a, dim)?;
            used.extend([ncv.describe(), cc.describe(), of.describe()]);
            (fc, c_to_co2(fc * ncv.value * cc.value * of.value))
        }
        Category::Feedstock | Category::CarbonOutput => {
            let m = amount_in(a, Dim::Mass)?;
            let f = t.get(FactorKind::CarbonContent, &a.item, "", &a.vintage, &at)?;
            used.push(f.describe());
            let e = c_to_co2(m * f.value);
            (
                m,
                if a.category == Category::CarbonOutput {
                    -e
                } else {
                    e
                },
            )
        }
        Category::Process => {
            let m = amount_in(a, Dim::Mass)?;
            let f = t.get(FactorKind::Process, &a.item, "", &a.vintage, &at)?;
            used.push(f.describe());
            (m, m * f.value)
        }
        Category::Gas => {
            let m = amount_in(a, Dim::Mass)?;
            let f = t.get(FactorKind::Gwp, &a.item, "", &a.vintage, &at)?;
            used.push(f.describe());
            (m, m * f.value)
        }
        Category::PurchasedElectricity | Category::ExportedElectricity => {
            let mwh = amount_in(a, Dim::Electricity)?;
            if a.region.is_empty() {
                return Err(invalid(
                    at_field(a, "region"),
                    "an electricity line needs the grid region of its factor",
                ));
            }
            let ef = match grid_override {
                Some((v, label)) => {
                    used.push(format!(
                        "grid {} scenario = {v} tCO2/MWh ({label})",
                        a.region
                    ));
                    v
                }
                None => {
                    let f = t.get(FactorKind::Grid, "electricity", &a.region, &a.vintage, &at)?;
                    used.push(f.describe());
                    f.value
                }
            };
            let e = mwh * ef;
            (
                mwh,
                if a.category == Category::ExportedElectricity {
                    -e
                } else {
                    e
                },
            )
        }
        Category::PurchasedHeat | Category::ExportedHeat => {
            let gj = amount_in(a, Dim::Heat)?;
            let f = t.get(FactorKind::Heat, &a.item, "", &a.vintage, &at)?;
            used.push(f.describe());
            let e = gj * f.value;
            (
                gj,
                if a.category == Category::ExportedHeat {
                    -e
                } else {
                    e
                },
            )
        }
    };
    Ok(LineEmission {
        activity: a.clone(),
        amount,
        co2e,
        factors: used,
    })
}

/// Every line's emission, in input order; the first error stops.
pub fn line_emissions(
    acts: &[Activity],
    factors: &FactorTable,
) -> Result<Vec<LineEmission>, CarbonError> {
    acts.iter().map(|a| line_emission(a, factors)).collect()
}

/// An enterprise's total for one year in the guideline structure (tCO2e).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnterpriseTotal {
    pub enterprise: String,
    pub sector: String,
    pub year: i32,
    pub combustion: Decimal,
    /// Energy as raw material net of the carbon leaving in products.
    pub feedstock: Decimal,
    pub process: Decimal,
    pub other_gases: Decimal,
    pub purchased_electricity: Decimal,
    pub purchased_heat: Decimal,
    /// Positive numbers, subtracted in `total`.
    pub exported_electricity: Decimal,
    pub exported_heat: Decimal,
    pub total: Decimal,
}

impl EnterpriseTotal {
    pub fn direct(&self) -> Decimal {
        self.combustion + self.feedstock + self.process + self.other_gases
    }
    pub fn indirect(&self) -> Decimal {
        self.purchased_electricity + self.purchased_heat
            - self.exported_electricity
            - self.exported_heat
    }
}

/// Totals per enterprise and year (sorted by year, then enterprise).
pub fn enterprise_totals(lines: &[LineEmission]) -> Result<Vec<EnterpriseTotal>, CarbonError> {
    let mut map: BTreeMap<(i32, String), EnterpriseTotal> = BTreeMap::new();
    for l in lines {
        let a = &l.activity;
        let e = map
            .entry((a.year, a.enterprise.clone()))
            .or_insert_with(|| EnterpriseTotal {
                enterprise: a.enterprise.clone(),
                sector: a.sector.clone(),
                year: a.year,
                ..Default::default()
            });
        if e.sector != a.sector {
            return Err(invalid(
                at_field(a, "sector"),
                format!(
                    "enterprise '{}' is in sector '{}' on an earlier line",
                    a.enterprise, e.sector
                ),
            ));
        }
        match a.category {
            Category::Combustion => e.combustion += l.co2e,
            Category::Feedstock | Category::CarbonOutput => e.feedstock += l.co2e,
            Category::Process => e.process += l.co2e,
            Category::Gas => e.other_gases += l.co2e,
            Category::PurchasedElectricity => e.purchased_electricity += l.co2e,
            Category::PurchasedHeat => e.purchased_heat += l.co2e,
            Category::ExportedElectricity => e.exported_electricity -= l.co2e,
            Category::ExportedHeat => e.exported_heat -= l.co2e,
        }
    }
    Ok(map
        .into_values()
        .map(|mut e| {
            e.total = e.direct() + e.indirect();
            e
        })
        .collect())
}

/// The sectors of the inventory: `sector,industrial,name` (industrial =
/// yes/no: counted in the emissions per 万元 industrial value added).
#[derive(Clone, Debug, Default)]
pub struct Sectors {
    pub rows: BTreeMap<String, (bool, String)>,
}

impl Sectors {
    pub fn from_csv_str(file: &str, text: &str) -> Result<Sectors, CarbonError> {
        let mut s = Sectors::default();
        for r in parse_csv(file, text, &["sector", "industrial", "name"])? {
            let ind = match r.text("industrial")? {
                "yes" => true,
                "no" => false,
                other => {
                    return Err(CarbonError::from(
                        r.err("industrial", format!("'{other}' is not yes or no")),
                    ));
                }
            };
            if s.rows
                .insert(
                    r.text("sector")?.to_string(),
                    (ind, r.text("name")?.to_string()),
                )
                .is_some()
            {
                return Err(CarbonError::from(r.err("sector", "sector listed twice")));
            }
        }
        Ok(s)
    }
    /// Every activity's sector must be listed.
    pub fn check(&self, acts: &[Activity]) -> Result<(), CarbonError> {
        for a in acts {
            if !self.rows.contains_key(&a.sector) {
                return Err(invalid(
                    at_field(a, "sector"),
                    format!("sector '{}' is not in the sector list", a.sector),
                ));
            }
        }
        Ok(())
    }
    pub fn is_industrial(&self, sector: &str) -> bool {
        self.rows.get(sector).is_some_and(|r| r.0)
    }
}

/// One sector in one year of the city inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InventoryRow {
    pub year: i32,
    pub sector: String,
    pub direct: Decimal,
    pub indirect: Decimal,
    pub total: Decimal,
}

/// The city inventory by year and sector (from enterprise totals).
pub fn city_inventory(totals: &[EnterpriseTotal]) -> Vec<InventoryRow> {
    let mut map: BTreeMap<(i32, String), (Decimal, Decimal)> = BTreeMap::new();
    for e in totals {
        let v = map.entry((e.year, e.sector.clone())).or_default();
        v.0 += e.direct();
        v.1 += e.indirect();
    }
    map.into_iter()
        .map(|((year, sector), (d, i))| InventoryRow {
            year,
            sector,
            direct: d,
            indirect: i,
            total: d + i,
        })
        .collect()
}

/// Economic denominators per year: `year,gdp_wan_yuan,industrial_va_wan_yuan,source`
/// (comparable prices of the base year, as dual control uses them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Economy {
    pub year: i32,
    pub gdp: Decimal,
    pub industrial_va: Decimal,
    pub source: String,
}

impl Economy {
    pub fn from_csv_str(file: &str, text: &str) -> Result<Vec<Economy>, CarbonError> {
        let mut out: Vec<Economy> = Vec::new();
        for r in parse_csv(
            file,
            text,
            &["year", "gdp_wan_yuan", "industrial_va_wan_yuan", "source"],
        )? {
            let e = Economy {
                year: r.parse("year", "a year")?,
                gdp: r.decimal("gdp_wan_yuan")?,
                industrial_va: r.decimal("industrial_va_wan_yuan")?,
                source: r.text("source")?.to_string(),
            };
            if e.gdp <= Decimal::ZERO {
                return Err(CarbonError::from(r.err("gdp_wan_yuan", "must be positive")));
            }
            if e.industrial_va <= Decimal::ZERO {
                return Err(CarbonError::from(
                    r.err("industrial_va_wan_yuan", "must be positive"),
                ));
            }
            if out.iter().any(|o| o.year == e.year) {
                return Err(CarbonError::from(r.err("year", "year listed twice")));
            }
            out.push(e);
        }
        Ok(out)
    }
}

/// Intensity of one year and its decline against the base year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntensityRow {
    pub year: i32,
    pub total: Decimal,
    pub industrial: Decimal,
    /// tCO2 per 万元 GDP (exact; round for display).
    pub per_gdp: Decimal,
    /// tCO2 per 万元 industrial value added.
    pub per_industrial_va: Decimal,
    /// (I_base − I_year) / I_base × 100, percent, exact.
    pub gdp_decline_pct: Decimal,
    pub industrial_decline_pct: Decimal,
}

/// Intensities of every year that has both emissions and economy data, with
/// declines against `base_year` (which must have both).
pub fn intensity(
    inv: &[InventoryRow],
    sectors: &Sectors,
    economy: &[Economy],
    base_year: i32,
) -> Result<Vec<IntensityRow>, CarbonError> {
    let years: BTreeSet<i32> = inv.iter().map(|r| r.year).collect();
    let mut rows = Vec::new();
    for y in years {
        let Some(e) = economy.iter().find(|e| e.year == y) else {
            continue;
        };
        let total: Decimal = inv.iter().filter(|r| r.year == y).map(|r| r.total).sum();
        let industrial: Decimal = inv
            .iter()
            .filter(|r| r.year == y && sectors.is_industrial(&r.sector))
            .map(|r| r.total)
            .sum();
        rows.push(IntensityRow {
            year: y,
            total,
            industrial,
            per_gdp: total / e.gdp,
            per_industrial_va: industrial / e.industrial_va,
            gdp_decline_pct: Decimal::ZERO,
            industrial_decline_pct: Decimal::ZERO,
        });
    }
    let Some(base) = rows.iter().find(|r| r.year == base_year).cloned() else {
        return Err(invalid(
            Loc {
                field: "base_year".into(),
                ..Loc::default()
            },
            format!("base year {base_year} lacks emissions or economy data"),
        ));
    };
    let hundred = Decimal::from(100);
    for r in &mut rows {
        if !base.per_gdp.is_zero() {
            r.gdp_decline_pct = (base.per_gdp - r.per_gdp) * hundred / base.per_gdp;
        }
        if !base.per_industrial_va.is_zero() {
            r.industrial_decline_pct =
                (base.per_industrial_va - r.per_industrial_va) * hundred / base.per_industrial_va;
        }
    }
    Ok(rows)
}

/// A what-if from a base year to a target year:
/// `name,base_year,target_year,output_multiplier,efficiency_gain_pct,grid_factor,grid_source,gdp_multiplier`.
/// Every base-year line is scaled by the output multiplier; energy lines
/// (fuels, reductants, electricity, heat) also by (1 − efficiency gain); the
/// electricity lines use `grid_factor` (tCO2/MWh) when given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub name: String,
    pub base_year: i32,
    pub target_year: i32,
    pub output_multiplier: Decimal,
    pub efficiency_gain_pct: Decimal,
    pub grid_factor: Option<Decimal>,
    pub grid_source: String,
    pub gdp_multiplier: Decimal,
}

impl Scenario {
    pub fn from_csv_str(file: &str, text: &str) -> Result<Vec<Scenario>, CarbonError> {
        let mut out = Vec::new();
        for r in parse_csv(
            file,
            text,
            &[
                "name",
                "base_year",
                "target_year",
                "output_multiplier",
                "efficiency_gain_pct",
                "grid_factor",
                "grid_source",
                "gdp_multiplier",
            ],
        )? {
            let s = Scenario {
                name: r.text("name")?.to_string(),
                base_year: r.parse("base_year", "a year")?,
                target_year: r.parse("target_year", "a year")?,
                output_multiplier: r.decimal("output_multiplier")?,
                efficiency_gain_pct: r.decimal("efficiency_gain_pct")?,
                grid_factor: r.opt_decimal("grid_factor")?,
                grid_source: r.opt("grid_source").unwrap_or("").to_string(),
                gdp_multiplier: r.decimal("gdp_multiplier")?,
            };
            if s.grid_factor.is_some() && s.grid_source.is_empty() {
                return Err(CarbonError::from(r.err(
                    "grid_source",
                    "a what-if grid factor needs its source or assumption",
                )));
            }
            if s.efficiency_gain_pct >= Decimal::from(100)
                || s.efficiency_gain_pct.is_sign_negative()
            {
                return Err(CarbonError::from(
                    r.err("efficiency_gain_pct", "must be in [0, 100)"),
                ));
            }
            if s.target_year <= s.base_year {
                return Err(CarbonError::from(
                    r.err("target_year", "must be after the base year"),
                ));
            }
            out.push(s);
        }
        Ok(out)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioResult {
    pub name: String,
    pub target_year: i32,
    pub base_total: Decimal,
    pub total: Decimal,
    pub base_per_gdp: Decimal,
    pub per_gdp: Decimal,
    /// Change of the total against the base year, percent (negative = fall).
    pub change_pct: Decimal,
}

pub fn run_scenario(
    s: &Scenario,
    acts: &[Activity],
    factors: &FactorTable,
    economy: &[Economy],
) -> Result<ScenarioResult, CarbonError> {
    let base: Vec<&Activity> = acts.iter().filter(|a| a.year == s.base_year).collect();
    let Some(econ) = economy.iter().find(|e| e.year == s.base_year) else {
        return Err(invalid(
            Loc {
                field: "base_year".into(),
                ..Loc::default()
            },
            format!(
                "scenario '{}': no economy data for base year {}",
                s.name, s.base_year
            ),
        ));
    };
    let keep = (Decimal::from(100) - s.efficiency_gain_pct) / Decimal::from(100);
    let (mut base_total, mut total) = (Decimal::ZERO, Decimal::ZERO);
    for a in base {
        base_total += line_emission(a, factors)?.co2e;
        let mut b = a.clone();
        b.amount = a.amount
            * s.output_multiplier
            * if a.category.is_energy() {
                keep
            } else {
                Decimal::ONE
            };
        total += line_emission_with(
            &b,
            factors,
            s.grid_factor.map(|g| (g, s.grid_source.as_str())),
        )?
        .co2e;
    }
    let gdp = econ.gdp * s.gdp_multiplier;
    Ok(ScenarioResult {
        name: s.name.clone(),
        target_year: s.target_year,
        base_total,
        total,
        base_per_gdp: base_total / econ.gdp,
        per_gdp: total / gdp,
        change_pct: if base_total.is_zero() {
            Decimal::ZERO
        } else {
            (total - base_total) * Decimal::from(100) / base_total
        },
    })
}
