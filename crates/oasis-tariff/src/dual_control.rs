//! Total-use and intensity dual control (用水总量和强度双控) and farm water saving:
//! use by sector and source against the cap, 万元GDP用水量 and 万元工业增加值用水量 with decline
//! rates at comparable prices, the irrigation water efficiency coefficient η from sample
//! districts, groundwater abstraction against permits and area caps, and the farm
//! water-saving reward (节水奖励) and within-quota precise subsidy (精准补贴).
//!
//! All inputs, caps, targets and rates are data (a TOML document, see `docs/pricing.md`).

use crate::money::round_yuan;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DualControlError {
    #[error("not a valid dual-control document: {0}")]
    Parse(String),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> DualControlError {
    DualControlError::Invalid { field: field.into(), message: message.into() }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sector {
    Agriculture,
    Industry,
    Domestic,
    /// Artificial ecological replenishment (人工生态环境补水).
    Ecological,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Surface,
    Ground,
    Reclaimed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DistrictClass {
    Large,
    Medium,
    Small,
    /// Well-irrigated (纯井灌区).
    Well,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UseRecord {
    pub sector: Sector,
    pub source: Source,
    pub volume_m3: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    pub total_use_cap_m3: Option<Decimal>,
    pub groundwater_cap_m3: Option<Decimal>,
    /// Required decline of 万元GDP用水量 vs the base year, percent.
    pub gdp_intensity_decline_pct: Option<Decimal>,
    pub industry_intensity_decline_pct: Option<Decimal>,
    pub irrigation_efficiency_min: Option<Decimal>,
}

/// Economic denominators. Comparable values are in base-year prices.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Economy {
    pub base_total_use_m3: Decimal,
    pub base_industry_use_m3: Decimal,
    pub base_gdp_10k_yuan: Decimal,
    pub base_industrial_va_10k_yuan: Decimal,
    pub gdp_current_10k_yuan: Decimal,
    pub gdp_comparable_10k_yuan: Decimal,
    pub industrial_va_current_10k_yuan: Decimal,
    pub industrial_va_comparable_10k_yuan: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IrrigationSample {
    pub district: String,
    pub class: DistrictClass,
    /// Gross irrigation water withdrawn at the head, m³.
    pub gross_m3: Decimal,
    /// Net water reaching the crops' root zone, m³.
    pub net_m3: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Well {
    pub well: String,
    pub area: String,
    pub permit_m3: Decimal,
    pub abstraction_m3: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroundwaterArea {
    pub area: String,
    pub cap_m3: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FarmRates {
    /// Reward per m³ saved against quota, yuan.
    pub saving_reward_yuan_per_m3: Decimal,
    /// Subsidy per m³ used within quota, yuan, for eligible categories.
    pub within_quota_subsidy_yuan_per_m3: Decimal,
    /// Farm categories eligible for the subsidy (e.g. grain growers, smallholders).
    pub subsidy_categories: Vec<String>,
}

/// The dual-control document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DualControlInput {
    pub region: String,
    pub year: i32,
    pub base_year: i32,
    #[serde(rename = "use")]
    pub uses: Vec<UseRecord>,
    pub targets: Targets,
    pub economy: Economy,
    #[serde(default)]
    pub irrigation_sample: Vec<IrrigationSample>,
    /// Gross irrigation water of each district class across the region (weights for η).
    #[serde(default)]
    pub irrigation_class_gross_m3: BTreeMap<DistrictClass, Decimal>,
    #[serde(default)]
    pub well: Vec<Well>,
    #[serde(default)]
    pub groundwater_area: Vec<GroundwaterArea>,
    pub farm: Option<FarmRates>,
}

impl DualControlInput {
    pub fn from_toml_str(text: &str) -> Result<Self, DualControlError> {
        let input: DualControlInput = toml::from_str(text).map_err(|e| DualControlError::Parse(e.to_string()))?;
        input.validate()?;
        Ok(input)
    }

    fn validate(&self) -> Result<(), DualControlError> {
        for (i, u) in self.uses.iter().enumerate() {
            if u.volume_m3 < Decimal::ZERO {
                return Err(invalid(format!("use[{i}].volume_m3"), "must not be negative"));
            }
        }
        let e = &self.economy;
        for (name, v) in [
            ("economy.base_gdp_10k_yuan", e.base_gdp_10k_yuan),
            ("economy.base_industrial_va_10k_yuan", e.base_industrial_va_10k_yuan),
            ("economy.gdp_current_10k_yuan", e.gdp_current_10k_yuan),
            ("economy.gdp_comparable_10k_yuan", e.gdp_comparable_10k_yuan),
            ("economy.industrial_va_current_10k_yuan", e.industrial_va_current_10k_yuan),
            ("economy.industrial_va_comparable_10k_yuan", e.industrial_va_comparable_10k_yuan),
            ("economy.base_total_use_m3", e.base_total_use_m3),
            ("economy.base_industry_use_m3", e.base_industry_use_m3),
        ] {
            if v <= Decimal::ZERO {
                return Err(invalid(name, "must be positive"));
            }
        }
        for (i, s) in self.irrigation_sample.iter().enumerate() {
            if s.gross_m3 <= Decimal::ZERO || s.net_m3 < Decimal::ZERO || s.net_m3 > s.gross_m3 {
                return Err(invalid(
                    format!("irrigation_sample[{i}] ({})", s.district),
                    "needs gross_m3 > 0 and 0 ≤ net_m3 ≤ gross_m3",
                ));
            }
        }
        for s in &self.irrigation_sample {
            if !self.irrigation_class_gross_m3.is_empty() && !self.irrigation_class_gross_m3.contains_key(&s.class) {
                return Err(invalid("irrigation_class_gross_m3", format!("no weight for class {:?} of district {}", s.class, s.district)));
            }
        }
        Ok(())
    }
}

/// Intensity level and decline for one indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intensity {
    /// m³ per 万元 in the base year.
    pub base_m3_per_10k_yuan: Decimal,
    /// m³ per 万元 this year at current prices (the published level).
    pub current_price_m3_per_10k_yuan: Decimal,
    /// m³ per 万元 this year at base-year (comparable) prices.
    pub comparable_m3_per_10k_yuan: Decimal,
    /// `(I_base − I_comparable) / I_base × 100`, percent.
    pub decline_pct: Decimal,
    pub target_decline_pct: Option<Decimal>,
}

impl Intensity {
    pub fn meets_target(&self) -> Option<bool> {
        self.target_decline_pct.map(|t| self.decline_pct >= t)
    }
}

/// Water use per 万元 and its decline against the base year, on comparable prices.
pub fn intensity(
    base_use_m3: Decimal,
    base_value_10k_yuan: Decimal,
    use_m3: Decimal,
    current_value_10k_yuan: Decimal,
    comparable_value_10k_yuan: Decimal,
    target_decline_pct: Option<Decimal>,
) -> Intensity {
    let base = base_use_m3 / base_value_10k_yuan;
    let comparable = use_m3 / comparable_value_10k_yuan;
    Intensity {
        base_m3_per_10k_yuan: base,
        current_price_m3_per_10k_yuan: use_m3 / current_value_10k_yuan,
        comparable_m3_per_10k_yuan: comparable,
        decline_pct: (base - comparable) / base * Decimal::ONE_HUNDRED,
        target_decline_pct,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Efficiency {
    pub district: String,
    pub class: DistrictClass,
    pub eta: Decimal,
}

/// Irrigation water efficiency: η per sample district (net / gross), per class (Σ net / Σ gross
/// of its samples) and for the region (class η weighted by the class's gross irrigation water,
/// or by the samples' gross water when no class weights are given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IrrigationEfficiency {
    pub districts: Vec<Efficiency>,
    pub classes: BTreeMap<DistrictClass, Decimal>,
    pub region: Option<Decimal>,
}

pub fn irrigation_efficiency(samples: &[IrrigationSample], class_gross_m3: &BTreeMap<DistrictClass, Decimal>) -> IrrigationEfficiency {
    let districts = samples
        .iter()
        .map(|s| Efficiency { district: s.district.clone(), class: s.class, eta: s.net_m3 / s.gross_m3 })
        .collect();
    let mut sums: BTreeMap<DistrictClass, (Decimal, Decimal)> = BTreeMap::new();
    for s in samples {
        let e = sums.entry(s.class).or_default();
        e.0 += s.net_m3;
        e.1 += s.gross_m3;
    }
    let classes: BTreeMap<DistrictClass, Decimal> = sums.iter().map(|(c, (n, g))| (*c, *n / *g)).collect();
    let region = if classes.is_empty() {
        None
    } else {
        let weight = |c: &DistrictClass| class_gross_m3.get(c).copied().unwrap_or_else(|| sums[c].1);
        let w_sum: Decimal = classes.keys().map(weight).sum();
        (w_sum > Decimal::ZERO).then(|| classes.iter().map(|(c, eta)| *eta * weight(c)).sum::<Decimal>() / w_sum)
    };
    IrrigationEfficiency { districts, classes, region }
}

/// Abstraction against a permit or cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgainstLimit {
    pub key: String,
    pub limit_m3: Decimal,
    pub actual_m3: Decimal,
}

impl AgainstLimit {
    pub fn over_m3(&self) -> Decimal {
        (self.actual_m3 - self.limit_m3).max(Decimal::ZERO)
    }
    pub fn percent(&self) -> Option<Decimal> {
        (self.limit_m3 > Decimal::ZERO).then(|| self.actual_m3 * Decimal::ONE_HUNDRED / self.limit_m3)
    }
}

/// Per well against its permit, and per area (Σ wells) against the area cap.
pub fn groundwater(wells: &[Well], areas: &[GroundwaterArea]) -> (Vec<AgainstLimit>, Vec<AgainstLimit>) {
    let per_well = wells
        .iter()
        .map(|w| AgainstLimit { key: w.well.clone(), limit_m3: w.permit_m3, actual_m3: w.abstraction_m3 })
        .collect();
    let per_area = areas
        .iter()
        .map(|a| AgainstLimit {
            key: a.area.clone(),
            limit_m3: a.cap_m3,
            actual_m3: wells.iter().filter(|w| w.area == a.area).map(|w| w.abstraction_m3).sum(),
        })
        .collect();
    (per_well, per_area)
}

/// A farm's quota and use for the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Farm {
    pub farm: String,
    pub district: String,
    pub category: String,
    pub quota_m3: Decimal,
    pub actual_m3: Decimal,
    pub record: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FarmPayment {
    pub farm: String,
    /// `max(quota − actual, 0)`.
    pub saved_m3: Decimal,
    /// `saved × reward rate`, 0.01 yuan.
    pub reward_yuan: Decimal,
    /// `min(actual, quota)` for eligible categories, else 0.
    pub subsidised_m3: Decimal,
    /// `subsidised × subsidy rate`, 0.01 yuan.
    pub subsidy_yuan: Decimal,
}

pub fn farm_payments(farms: &[Farm], rates: &FarmRates) -> Vec<FarmPayment> {
    farms
        .iter()
        .map(|f| {
            let saved = (f.quota_m3 - f.actual_m3).max(Decimal::ZERO);
            let eligible = rates.subsidy_categories.iter().any(|c| c == &f.category);
            let subsidised = if eligible { f.actual_m3.min(f.quota_m3).max(Decimal::ZERO) } else { Decimal::ZERO };
            FarmPayment {
                farm: f.farm.clone(),
                saved_m3: saved,
                reward_yuan: round_yuan(saved * rates.saving_reward_yuan_per_m3),
                subsidised_m3: subsidised,
                subsidy_yuan: round_yuan(subsidised * rates.within_quota_subsidy_yuan_per_m3),
            }
        })
        .collect()
}

/// Everything the dual-control report shows.
#[derive(Debug, Clone)]
pub struct DualControlReport {
    pub by_sector_source: BTreeMap<(Sector, Source), Decimal>,
    pub by_sector: BTreeMap<Sector, Decimal>,
    pub by_source: BTreeMap<Source, Decimal>,
    pub total_m3: Decimal,
    pub gdp_intensity: Intensity,
    pub industry_intensity: Intensity,
    pub irrigation: IrrigationEfficiency,
    pub wells: Vec<AgainstLimit>,
    pub areas: Vec<AgainstLimit>,
}

pub fn report(input: &DualControlInput) -> DualControlReport {
    let mut by_sector_source = BTreeMap::new();
    let mut by_sector = BTreeMap::new();
    let mut by_source = BTreeMap::new();
    for u in &input.uses {
        *by_sector_source.entry((u.sector, u.source)).or_insert(Decimal::ZERO) += u.volume_m3;
        *by_sector.entry(u.sector).or_insert(Decimal::ZERO) += u.volume_m3;
        *by_source.entry(u.source).or_insert(Decimal::ZERO) += u.volume_m3;
    }
    let total_m3: Decimal = by_sector.values().copied().sum();
    let industry_m3 = by_sector.get(&Sector::Industry).copied().unwrap_or_default();
    let e = &input.economy;
    let (wells, areas) = groundwater(&input.well, &input.groundwater_area);
    DualControlReport {
        gdp_intensity: intensity(
            e.base_total_use_m3,
            e.base_gdp_10k_yuan,
            total_m3,
            e.gdp_current_10k_yuan,
            e.gdp_comparable_10k_yuan,
            input.targets.gdp_intensity_decline_pct,
        ),
        industry_intensity: intensity(
            e.base_industry_use_m3,
            e.base_industrial_va_10k_yuan,
            industry_m3,
            e.industrial_va_current_10k_yuan,
            e.industrial_va_comparable_10k_yuan,
            input.targets.industry_intensity_decline_pct,
        ),
        irrigation: irrigation_efficiency(&input.irrigation_sample, &input.irrigation_class_gross_m3),
        by_sector_source,
        by_sector,
        by_source,
        total_m3,
        wells,
        areas,
    }
}
