//! Forest sinks by the stock-change method and 碳汇代偿 cases (doc §5–6).
//!
//! Biomass carbon of a stem volume V (m³): C = V × WD × BEF × (1 + R) × CF,
//! with the species group's basic wood density, biomass expansion factor,
//! root:shoot ratio and carbon fraction taken from the factor table (kinds
//! `wd`, `bef`, `root_shoot`, `cf`, key = species group, vintage = factor set).
//! Stock change: ΔC/Δt = area × (v₂ − v₁) / (t₂ − t₁) × WD × BEF × (1+R) × CF,
//! sink in CO2 = ΔC/Δt × 44/12 (a removal, reported positive here and
//! subtracted in the city's net).

use std::collections::BTreeMap;

use oasis_records::{Decimal, Loc, parse_csv};

use crate::factors::{FactorKind, FactorTable};
use crate::{CarbonError, c_to_co2, invalid};

/// tC per m³ of stem volume for a species group, with the factors' descriptions.
pub fn carbon_per_m3(
    t: &FactorTable,
    species: &str,
    set: &str,
    at: &Loc,
) -> Result<(Decimal, Vec<String>), CarbonError> {
    let wd = t.get(FactorKind::Wd, species, "", set, at)?;
    let bef = t.get(FactorKind::Bef, species, "", set, at)?;
    let r = t.get(FactorKind::RootShoot, species, "", set, at)?;
    let cf = t.get(FactorKind::Cf, species, "", set, at)?;
    Ok((
        wd.value * bef.value * (Decimal::ONE + r.value) * cf.value,
        vec![wd.describe(), bef.describe(), r.describe(), cf.describe()],
    ))
}

/// A forest stand measured twice:
/// `stand,county,species_group,factor_set,area_ha,year1,volume1_m3_per_ha,year2,volume2_m3_per_ha`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForestStand {
    pub stand: String,
    pub county: String,
    pub species_group: String,
    pub factor_set: String,
    pub area_ha: Decimal,
    pub year1: i32,
    pub volume1: Decimal,
    pub year2: i32,
    pub volume2: Decimal,
    pub at: Loc,
}

impl ForestStand {
    pub fn from_csv_str(file: &str, text: &str) -> Result<Vec<ForestStand>, CarbonError> {
        let mut out = Vec::new();
        for r in parse_csv(
            file,
            text,
            &[
                "stand",
                "county",
                "species_group",
                "factor_set",
                "area_ha",
                "year1",
                "volume1_m3_per_ha",
                "year2",
                "volume2_m3_per_ha",
            ],
        )? {
            let s = ForestStand {
                stand: r.text("stand")?.to_string(),
                county: r.text("county")?.to_string(),
                species_group: r.text("species_group")?.to_string(),
                factor_set: r.text("factor_set")?.to_string(),
                area_ha: r.decimal("area_ha")?,
                year1: r.parse("year1", "a year")?,
                volume1: r.decimal("volume1_m3_per_ha")?,
                year2: r.parse("year2", "a year")?,
                volume2: r.decimal("volume2_m3_per_ha")?,
                at: r.loc(""),
            };
            if s.year2 <= s.year1 {
                return Err(CarbonError::from(
                    r.err("year2", "the second inventory must be after the first"),
                ));
            }
            if s.area_ha <= Decimal::ZERO {
                return Err(CarbonError::from(r.err("area_ha", "must be positive")));
            }
            out.push(s);
        }
        Ok(out)
    }
}

/// A stand's annual sink over its inventory interval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StandSink {
    pub stand: String,
    pub county: String,
    pub year1: i32,
    pub year2: i32,
    /// tC per year (negative = the stand lost carbon).
    pub carbon_per_year: Decimal,
    /// tCO2 removed per year.
    pub co2_per_year: Decimal,
    pub factors: Vec<String>,
}

impl StandSink {
    /// Whether the sink counts in a calendar year (year1 < y ≤ year2).
    pub fn covers(&self, y: i32) -> bool {
        self.year1 < y && y <= self.year2
    }
}

pub fn stand_sink(s: &ForestStand, t: &FactorTable) -> Result<StandSink, CarbonError> {
    let at = Loc {
        field: "factor_set".into(),
        ..s.at.clone()
    };
    let (cpm3, factors) = carbon_per_m3(t, &s.species_group, &s.factor_set, &at)?;
    let dv = s.area_ha * (s.volume2 - s.volume1) / Decimal::from(s.year2 - s.year1);
    let c = dv * cpm3;
    Ok(StandSink {
        stand: s.stand.clone(),
        county: s.county.clone(),
        year1: s.year1,
        year2: s.year2,
        carbon_per_year: c,
        co2_per_year: c_to_co2(c),
        factors,
    })
}

/// A 碳汇代偿 case (carbon-sink compensation for ecological damage):
/// `case,basis,species_group,factor_set,volume_lost_m3,area_lost_ha,growth_m3_per_ha_yr,restoration_years,compensation_years,price_yuan_per_t,price_source`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompensationCase {
    pub case: String,
    /// Legal basis (judgment, procuratorate decision …).
    pub basis: String,
    pub species_group: String,
    pub factor_set: String,
    /// Stem volume destroyed (m³).
    pub volume_lost_m3: Decimal,
    /// Area whose growth is lost until restoration (ha).
    pub area_lost_ha: Decimal,
    /// Stem-volume growth of the species group (m³/ha/yr).
    pub growth_m3_per_ha_yr: Decimal,
    /// Years of lost sequestration until restoration.
    pub restoration_years: Decimal,
    /// Years over which a compensation planting is credited.
    pub compensation_years: Decimal,
    pub price_yuan_per_t: Decimal,
    pub price_source: String,
    pub at: Loc,
}

impl CompensationCase {
    pub fn from_csv_str(file: &str, text: &str) -> Result<Vec<CompensationCase>, CarbonError> {
        let mut out: Vec<CompensationCase> = Vec::new();
        for r in parse_csv(
            file,
            text,
            &[
                "case",
                "basis",
                "species_group",
                "factor_set",
                "volume_lost_m3",
                "area_lost_ha",
                "growth_m3_per_ha_yr",
                "restoration_years",
                "compensation_years",
                "price_yuan_per_t",
                "price_source",
            ],
        )? {
            let c = CompensationCase {
                case: r.text("case")?.to_string(),
                basis: r.text("basis")?.to_string(),
                species_group: r.text("species_group")?.to_string(),
                factor_set: r.text("factor_set")?.to_string(),
                volume_lost_m3: r.decimal("volume_lost_m3")?,
                area_lost_ha: r.decimal("area_lost_ha")?,
                growth_m3_per_ha_yr: r.decimal("growth_m3_per_ha_yr")?,
                restoration_years: r.decimal("restoration_years")?,
                compensation_years: r.decimal("compensation_years")?,
                price_yuan_per_t: r.decimal("price_yuan_per_t")?,
                price_source: r.text("price_source")?.to_string(),
                at: r.loc(""),
            };
            if c.compensation_years <= Decimal::ZERO || c.growth_m3_per_ha_yr <= Decimal::ZERO {
                return Err(CarbonError::from(r.err(
                    "compensation_years",
                    "compensation years and growth must be positive",
                )));
            }
            if out.iter().any(|o| o.case == c.case) {
                return Err(CarbonError::from(r.err("case", "case listed twice")));
            }
            out.push(c);
        }
        Ok(out)
    }
}

/// What the damage amounts to and what compensation it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompensationResult {
    pub case: String,
    /// tCO2 of the destroyed stock: V × C/m³ × 44/12.
    pub lost_stock_co2: Decimal,
    /// tCO2 of sequestration lost until restoration: area × growth × C/m³ × 44/12 × years.
    pub lost_sequestration_co2: Decimal,
    pub total_co2: Decimal,
    /// Whole tonnes of credits to buy and retire (rounded up).
    pub credits_needed_t: Decimal,
    /// credits × price, to 0.01 yuan.
    pub liability_yuan: Decimal,
    /// Planting area that would sequester the total over the compensation
    /// years (rounded up to 0.01 ha).
    pub area_needed_ha: Decimal,
    pub factors: Vec<String>,
}

pub fn assess(c: &CompensationCase, t: &FactorTable) -> Result<CompensationResult, CarbonError> {
    let at = Loc {
        field: "factor_set".into(),
        ..c.at.clone()
    };
    let (cpm3, factors) = carbon_per_m3(t, &c.species_group, &c.factor_set, &at)?;
    let lost_stock = c_to_co2(c.volume_lost_m3 * cpm3);
    let lost_seq = c_to_co2(c.area_lost_ha * c.growth_m3_per_ha_yr * cpm3) * c.restoration_years;
    let total = lost_stock + lost_seq;
    let credits = total.ceil();
    let per_ha = c_to_co2(c.growth_m3_per_ha_yr * cpm3) * c.compensation_years;
    if per_ha.is_zero() {
        return Err(invalid(
            at,
            "the species group's factors give no sequestration per hectare",
        ));
    }
    let area = (total / per_ha * Decimal::from(100)).ceil() / Decimal::from(100);
    Ok(CompensationResult {
        case: c.case.clone(),
        lost_stock_co2: lost_stock,
        lost_sequestration_co2: lost_seq,
        total_co2: total,
        credits_needed_t: credits,
        liability_yuan: {
            let mut v = (credits * c.price_yuan_per_t).round_dp(2);
            v.rescale(2);
            v
        },
        area_needed_ha: area.normalize(),
        factors,
    })
}

/// `case,date,kind,amount,evidence`; kinds: `credits_purchased`,
/// `credits_retired` (t), `area_planted`, `area_accepted` (ha), `paid` (yuan).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseEvent {
    pub case: String,
    pub date: String,
    pub kind: String,
    pub amount: Decimal,
    pub evidence: String,
    pub at: Loc,
}

const EVENT_KINDS: [&str; 5] = [
    "credits_purchased",
    "credits_retired",
    "area_planted",
    "area_accepted",
    "paid",
];

impl CaseEvent {
    pub fn from_csv_str(file: &str, text: &str) -> Result<Vec<CaseEvent>, CarbonError> {
        let mut out = Vec::new();
        for r in parse_csv(file, text, &["case", "date", "kind", "amount", "evidence"])? {
            let kind = r.text("kind")?;
            if !EVENT_KINDS.contains(&kind) {
                return Err(CarbonError::from(r.err(
                    "kind",
                    format!("'{kind}' is not one of {}", EVENT_KINDS.join(", ")),
                )));
            }
            out.push(CaseEvent {
                case: r.text("case")?.to_string(),
                date: r.text("date")?.to_string(),
                kind: kind.to_string(),
                amount: r.decimal("amount")?,
                evidence: r.text("evidence")?.to_string(),
                at: r.loc(""),
            });
        }
        Ok(out)
    }
}

/// Progress of a case: completed when the retired credits reach the credits
/// needed, or the accepted planting reaches the area needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseStatus {
    pub case: String,
    pub credits_purchased: Decimal,
    pub credits_retired: Decimal,
    pub area_planted: Decimal,
    pub area_accepted: Decimal,
    pub paid_yuan: Decimal,
    pub completed: bool,
    pub status: String,
}

pub fn track(
    results: &[CompensationResult],
    events: &[CaseEvent],
) -> Result<Vec<CaseStatus>, CarbonError> {
    let mut by: BTreeMap<&str, CaseStatus> = BTreeMap::new();
    for r in results {
        by.insert(
            &r.case,
            CaseStatus {
                case: r.case.clone(),
                credits_purchased: Decimal::ZERO,
                credits_retired: Decimal::ZERO,
                area_planted: Decimal::ZERO,
                area_accepted: Decimal::ZERO,
                paid_yuan: Decimal::ZERO,
                completed: false,
                status: String::new(),
            },
        );
    }
    for e in events {
        let Some(s) = by.get_mut(e.case.as_str()) else {
            return Err(invalid(
                Loc {
                    field: "case".into(),
                    ..e.at.clone()
                },
                format!("no case '{}' in the case list", e.case),
            ));
        };
        match e.kind.as_str() {
            "credits_purchased" => s.credits_purchased += e.amount,
            "credits_retired" => s.credits_retired += e.amount,
            "area_planted" => s.area_planted += e.amount,
            "area_accepted" => s.area_accepted += e.amount,
            _ => s.paid_yuan += e.amount,
        }
    }
    let mut out = Vec::new();
    for r in results {
        let mut s = by.remove(r.case.as_str()).expect("inserted");
        s.completed =
            s.credits_retired >= r.credits_needed_t || s.area_accepted >= r.area_needed_ha;
        s.status = if s.completed {
            "completed".to_string()
        } else if s.credits_purchased.is_zero() && s.area_planted.is_zero() && s.paid_yuan.is_zero()
        {
            format!(
                "open: needs {} t retired or {} ha accepted",
                r.credits_needed_t, r.area_needed_ha
            )
        } else {
            format!(
                "in progress: {} of {} t retired, {} of {} ha accepted",
                s.credits_retired, r.credits_needed_t, s.area_accepted, r.area_needed_ha
            )
        };
        out.push(s);
    }
    Ok(out)
}
