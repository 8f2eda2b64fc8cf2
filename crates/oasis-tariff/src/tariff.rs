//! Tariff rule sets as data: one TOML document is one tariff version with its validity dates
//! (the format is documented in `docs/pricing.md`). [`Tariff::from_toml_str`] parses and
//! validates it; [`TariffSchedule`] holds several versions and finds the one in force on a day.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// The class code reserved for households, billed by the `[residential]` section.
pub const RESIDENTIAL: &str = "residential";

/// One problem (or warning) found in a tariff, naming the field where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Where in the document, e.g. `surcharge.standard.bands[2]`.
    pub field: String,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn finding(field: impl Into<String>, message: impl Into<String>) -> Finding {
    Finding { field: field.into(), message: message.into() }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TariffError {
    #[error("not a valid tariff document: {0}")]
    Parse(String),
    #[error("tariff {code} is invalid:{}{}",
        .problems.iter().map(|p| format!("\n  error: {p}")).collect::<String>(),
        .warnings.iter().map(|w| format!("\n  warning: {w}")).collect::<String>())]
    Invalid { code: String, problems: Vec<Finding>, warnings: Vec<Finding> },
    #[error("tariffs {first} and {second} are both in force on {date}")]
    Overlap { first: String, second: String, date: NaiveDate },
}

/// Whether tier and band volumes accumulate over the billing period or over the calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Accumulation {
    /// Thresholds apply to each billing period's volume.
    Monthly,
    /// Thresholds apply to the volume accumulated since 1 January (billing periods of the year).
    Annual,
}

/// How one price component is charged per m³.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pricing {
    /// The same price for every m³.
    Flat(Decimal),
    /// One price per residential tier (only in `[residential]`).
    Tiered(Vec<Decimal>),
}

/// A price component of a bill: water price, sewage fee, water-resource fee/tax, …
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub name: String,
    pub pricing: Pricing,
    /// Whether the over-quota surcharge is a multiple of this component's price.
    pub surcharge_base: bool,
}

/// Extra tier volume for households larger than `base_persons`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdAdjustment {
    pub base_persons: u32,
    /// Added to each tier's upper bound, per person above `base_persons`.
    pub extra_upto_m3_per_person: Vec<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentialTariff {
    pub accumulation: Accumulation,
    /// Upper bounds of every tier but the last (the last tier is open-ended), m³ per period
    /// (monthly accumulation) or per year (annual accumulation).
    pub tier_upto_m3: Vec<Decimal>,
    pub household: Option<HouseholdAdjustment>,
    pub components: Vec<Component>,
}

impl ResidentialTariff {
    pub fn tier_count(&self) -> usize {
        self.tier_upto_m3.len() + 1
    }
}

/// One over-quota band: use between `from × plan` and `to × plan` pays `surcharge × base price`
/// on top of the normal price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub from_fraction: Decimal,
    /// `None` on the last band (open-ended).
    pub to_fraction: Option<Decimal>,
    pub surcharge: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurchargeScheme {
    pub name: String,
    pub bands: Vec<Band>,
}

/// Prices of one non-residential user class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassTariff {
    pub code: String,
    pub name: String,
    pub accumulation: Accumulation,
    pub components: Vec<Component>,
    /// Over-quota scheme; `None` means the class pays no surcharge (and needs no plan).
    pub surcharge: Option<SurchargeScheme>,
    /// Scheme for customers flagged as restricted or eliminated industries, if different.
    pub restricted_surcharge: Option<SurchargeScheme>,
}

impl ClassTariff {
    /// Σ price of the components the surcharge is a multiple of, yuan/m³.
    pub fn surcharge_base_price(&self) -> Decimal {
        self.components
            .iter()
            .filter(|c| c.surcharge_base)
            .map(|c| match &c.pricing {
                Pricing::Flat(p) => *p,
                Pricing::Tiered(ps) => ps[0],
            })
            .sum()
    }
}

/// One validated tariff version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tariff {
    pub code: String,
    pub name: String,
    pub valid_from: NaiveDate,
    /// Last day in force (inclusive); `None` = until replaced.
    pub valid_until: Option<NaiveDate>,
    pub source: Option<String>,
    pub residential: Option<ResidentialTariff>,
    pub classes: BTreeMap<String, ClassTariff>,
}

impl Tariff {
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        date >= self.valid_from && self.valid_until.is_none_or(|u| date <= u)
    }

    /// Parse and validate a tariff document. Returns the tariff and its warnings (schemes
    /// below the floors declared in `[floors]`), or every error found.
    pub fn from_toml_str(text: &str) -> Result<(Tariff, Vec<Finding>), TariffError> {
        let raw: RawTariff = toml::from_str(text).map_err(|e| TariffError::Parse(e.to_string()))?;
        raw.validate()
    }
}

// ---------------------------------------------------------------------------------------------
// The document as written.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTariff {
    code: String,
    name: String,
    valid_from: toml::value::Datetime,
    valid_until: Option<toml::value::Datetime>,
    source: Option<String>,
    floors: Option<RawFloors>,
    residential: Option<RawResidential>,
    #[serde(default)]
    class: Vec<RawClass>,
    #[serde(default)]
    surcharge: BTreeMap<String, RawScheme>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFloors {
    /// Minimum tier price ÷ tier-1 price, by tier (national: 1, 1.5, 3).
    #[serde(default)]
    tier_price_ratios: Vec<Decimal>,
    /// Minimum surcharge multiplier by band (national: 0, 0.5, 1).
    #[serde(default)]
    band_surcharges: Vec<Decimal>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResidential {
    accumulation: Accumulation,
    tier_upto_m3: Vec<Decimal>,
    household: Option<RawHousehold>,
    components: Vec<RawComponent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHousehold {
    base_persons: u32,
    extra_upto_m3_per_person: Vec<Decimal>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    component: String,
    price: Option<Decimal>,
    tier_prices: Option<Vec<Decimal>>,
    #[serde(default)]
    surcharge_base: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClass {
    code: String,
    name: String,
    #[serde(default = "monthly")]
    accumulation: Accumulation,
    #[serde(default)]
    components: Vec<RawComponent>,
    surcharge: Option<String>,
    restricted_surcharge: Option<String>,
}

fn monthly() -> Accumulation {
    Accumulation::Monthly
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScheme {
    bands: Vec<RawBand>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    from: Decimal,
    to: Option<Decimal>,
    surcharge: Decimal,
}

fn to_date(field: &str, dt: &toml::value::Datetime, errors: &mut Vec<Finding>) -> Option<NaiveDate> {
    match (dt.date, dt.time) {
        (Some(d), None) => {
            let date = NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32);
            if date.is_none() {
                errors.push(finding(field, format!("{dt} is not a calendar date")));
            }
            date
        }
        _ => {
            errors.push(finding(field, format!("{dt} must be a plain date such as 2025-01-01")));
            None
        }
    }
}

impl RawTariff {
    fn validate(self) -> Result<(Tariff, Vec<Finding>), TariffError> {
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        if self.code.trim().is_empty() {
            errors.push(finding("code", "must not be empty"));
        }
        let valid_from = to_date("valid_from", &self.valid_from, &mut errors);
        let valid_until = self.valid_until.as_ref().and_then(|u| to_date("valid_until", u, &mut errors));
        if let (Some(f), Some(u)) = (valid_from, valid_until)
            && u < f
        {
            errors.push(finding("valid_until", format!("{u} is before valid_from {f}")));
        }

        let floors = self.floors.unwrap_or(RawFloors { tier_price_ratios: vec![], band_surcharges: vec![] });

        // Surcharge schemes.
        let mut schemes = BTreeMap::new();
        for (name, raw) in &self.surcharge {
            let field = format!("surcharge.{name}");
            let scheme = validate_scheme(name, raw, &field, &mut errors);
            check_band_floors(&scheme, &floors.band_surcharges, &field, &mut warnings);
            schemes.insert(name.clone(), scheme);
        }
        let lookup = |name: &Option<String>, field: String, errors: &mut Vec<Finding>| -> Option<SurchargeScheme> {
            let name = name.as_ref()?;
            match schemes.get(name) {
                Some(s) => Some(s.clone()),
                None => {
                    errors.push(finding(field, format!("no [surcharge.{name}] scheme is defined")));
                    None
                }
            }
        };

        // Residential.
        let residential = self.residential.as_ref().map(|r| {
            let field = "residential";
            let bounds = &r.tier_upto_m3;
            let tiers = bounds.len() + 1;
            if bounds.is_empty() {
                errors.push(finding("residential.tier_upto_m3", "needs at least one bound (two tiers)"));
            }
            if tiers < floors.tier_price_ratios.len() {
                warnings.push(finding(
                    "residential.tier_upto_m3",
                    format!("{tiers} tiers, fewer than the {} of the national floor", floors.tier_price_ratios.len()),
                ));
            }
            if let Some(b) = bounds.first()
                && *b <= Decimal::ZERO
            {
                errors.push(finding("residential.tier_upto_m3[0]", format!("tier 1 bound {b} must be > 0")));
            }
            for (i, w) in bounds.windows(2).enumerate() {
                if w[1] <= w[0] {
                    errors.push(finding(
                        format!("residential.tier_upto_m3[{}]", i + 1),
                        format!("tiers not increasing: tier {} ends at {} m³, not above tier {}'s {} m³", i + 2, w[1], i + 1, w[0]),
                    ));
                }
            }
            let household = r.household.as_ref().map(|h| {
                if h.extra_upto_m3_per_person.len() != bounds.len() {
                    errors.push(finding(
                        "residential.household.extra_upto_m3_per_person",
                        format!("has {} values, one per tier bound ({}) is needed", h.extra_upto_m3_per_person.len(), bounds.len()),
                    ));
                }
                if h.extra_upto_m3_per_person.iter().any(|x| *x < Decimal::ZERO) {
                    errors.push(finding("residential.household.extra_upto_m3_per_person", "must not be negative"));
                }
                // Non-decreasing extras keep the adjusted bounds increasing.
                if h.extra_upto_m3_per_person.windows(2).any(|w| w[1] < w[0]) {
                    errors.push(finding("residential.household.extra_upto_m3_per_person", "must not decrease from tier to tier"));
                }
                HouseholdAdjustment { base_persons: h.base_persons, extra_upto_m3_per_person: h.extra_upto_m3_per_person.clone() }
            });
            let components = validate_components(&r.components, field, Some(tiers), &mut errors);
            if !components.iter().any(|c| matches!(c.pricing, Pricing::Tiered(_))) {
                errors.push(finding("residential.components", "no component has tier_prices: households need a tiered price"));
            }
            for c in &components {
                if let Pricing::Tiered(ps) = &c.pricing {
                    check_tier_floors(&c.name, ps, &floors.tier_price_ratios, &mut warnings);
                }
            }
            ResidentialTariff { accumulation: r.accumulation, tier_upto_m3: bounds.clone(), household, components }
        });

        // Classes.
        let mut classes = BTreeMap::new();
        for (i, c) in self.class.iter().enumerate() {
            let field = format!("class[{i}] ({})", c.code);
            if c.code.trim().is_empty() {
                errors.push(finding(&field, "code must not be empty"));
            }
            if c.code == RESIDENTIAL {
                errors.push(finding(&field, "the code 'residential' is reserved for the [residential] section"));
            }
            if classes.contains_key(&c.code) {
                errors.push(finding(&field, format!("class code {} appears twice", c.code)));
            }
            if c.components.is_empty() {
                errors.push(finding(&field, format!("class {} has no price: give at least one component with a price", c.code)));
            }
            let components = validate_components(&c.components, &field, None, &mut errors);
            let surcharge = lookup(&c.surcharge, format!("{field}.surcharge"), &mut errors);
            let restricted_surcharge = lookup(&c.restricted_surcharge, format!("{field}.restricted_surcharge"), &mut errors);
            if (surcharge.is_some() || restricted_surcharge.is_some()) && !components.iter().any(|x| x.surcharge_base) {
                errors.push(finding(&field, "has a surcharge scheme but no component with surcharge_base = true"));
            }
            if restricted_surcharge.is_some() && surcharge.is_none() {
                errors.push(finding(&field, "restricted_surcharge needs a surcharge scheme for ordinary users too"));
            }
            classes.insert(
                c.code.clone(),
                ClassTariff {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    accumulation: c.accumulation,
                    components,
                    surcharge,
                    restricted_surcharge,
                },
            );
        }
        if residential.is_none() && classes.is_empty() {
            errors.push(finding("(document)", "no [residential] section and no [[class]]: nothing can be billed"));
        }

        if !errors.is_empty() {
            return Err(TariffError::Invalid { code: self.code, problems: errors, warnings });
        }
        let tariff = Tariff {
            code: self.code,
            name: self.name,
            valid_from: valid_from.expect("checked above"),
            valid_until,
            source: self.source,
            residential,
            classes,
        };
        Ok((tariff, warnings))
    }
}

fn validate_components(raw: &[RawComponent], field: &str, tiers: Option<usize>, errors: &mut Vec<Finding>) -> Vec<Component> {
    let mut out = Vec::new();
    for (i, c) in raw.iter().enumerate() {
        let f = format!("{field}.components[{i}] ({})", c.component);
        if out.iter().any(|x: &Component| x.name == c.component) {
            errors.push(finding(&f, "component appears twice"));
        }
        let pricing = match (&c.price, &c.tier_prices, tiers) {
            (Some(p), None, _) => {
                if *p < Decimal::ZERO {
                    errors.push(finding(&f, format!("price {p} is negative")));
                }
                Pricing::Flat(*p)
            }
            (None, Some(ps), Some(n)) => {
                if ps.len() != n {
                    errors.push(finding(&f, format!("{} tier_prices for {n} tiers", ps.len())));
                }
                if ps.iter().any(|p| *p < Decimal::ZERO) {
                    errors.push(finding(&f, "tier_prices must not be negative"));
                }
                for (k, w) in ps.windows(2).enumerate() {
                    if w[1] <= w[0] {
                        errors.push(finding(
                            &f,
                            format!("tiers not increasing: tier {} price {} is not above tier {}'s {}", k + 2, w[1], k + 1, w[0]),
                        ));
                    }
                }
                Pricing::Tiered(ps.clone())
            }
            (None, Some(_), None) => {
                errors.push(finding(&f, "tier_prices are only for [residential]; give a single price"));
                Pricing::Flat(Decimal::ZERO)
            }
            (Some(_), Some(_), _) => {
                errors.push(finding(&f, "give either price or tier_prices, not both"));
                Pricing::Flat(Decimal::ZERO)
            }
            (None, None, _) => {
                errors.push(finding(&f, "missing price"));
                Pricing::Flat(Decimal::ZERO)
            }
        };
        out.push(Component { name: c.component.clone(), pricing, surcharge_base: c.surcharge_base });
    }
    out
}

fn validate_scheme(name: &str, raw: &RawScheme, field: &str, errors: &mut Vec<Finding>) -> SurchargeScheme {
    let bands: Vec<Band> =
        raw.bands.iter().map(|b| Band { from_fraction: b.from, to_fraction: b.to, surcharge: b.surcharge }).collect();
    if bands.is_empty() {
        errors.push(finding(field, "has no bands"));
    }
    if let Some(first) = bands.first()
        && first.from_fraction != Decimal::ZERO
    {
        errors.push(finding(
            format!("{field}.bands[0]"),
            format!("starts at {}× plan: the first band must start at 0 (within plan), use below it has no band", first.from_fraction),
        ));
    }
    for (i, b) in bands.iter().enumerate() {
        let f = format!("{field}.bands[{i}]");
        if b.surcharge < Decimal::ZERO {
            errors.push(finding(&f, format!("surcharge {} is negative", b.surcharge)));
        }
        match b.to_fraction {
            Some(to) if to <= b.from_fraction => {
                errors.push(finding(&f, format!("to = {to} is not above from = {}", b.from_fraction)))
            }
            None if i + 1 < bands.len() => {
                errors.push(finding(&f, "only the last band may be open-ended (no `to`)"))
            }
            _ => {}
        }
        if i + 1 == bands.len()
            && let Some(to) = b.to_fraction
        {
            errors.push(finding(&f, format!("the last band ends at {to}× plan: use above it has no band (omit `to`)")));
        }
        if let Some(next) = bands.get(i + 1)
            && let Some(to) = b.to_fraction
        {
            let nf = format!("{field}.bands[{}]", i + 1);
            if next.from_fraction > to {
                errors.push(finding(&nf, format!("gap: use between {to}× and {}× plan has no band", next.from_fraction)));
            } else if next.from_fraction < to {
                errors.push(finding(&nf, format!("overlap: starts at {}× plan, inside the previous band (to {to}×)", next.from_fraction)));
            }
            if next.surcharge < b.surcharge {
                errors.push(finding(&nf, format!("surcharge {} is below the previous band's {}: bands must not decrease", next.surcharge, b.surcharge)));
            }
        }
    }
    SurchargeScheme { name: name.to_string(), bands }
}

fn check_tier_floors(component: &str, prices: &[Decimal], ratios: &[Decimal], warnings: &mut Vec<Finding>) {
    let Some(p1) = prices.first().copied() else { return };
    for (k, (p, r)) in prices.iter().zip(ratios).enumerate().skip(1) {
        if *p < p1 * *r {
            warnings.push(finding(
                format!("residential.components ({component})"),
                format!("tier {} price {p} is below the floor {r} × tier 1 ({}) = {}", k + 1, p1, (p1 * *r).normalize()),
            ));
        }
    }
}

fn check_band_floors(scheme: &SurchargeScheme, floors: &[Decimal], field: &str, warnings: &mut Vec<Finding>) {
    if floors.is_empty() {
        return;
    }
    if scheme.bands.len() < floors.len() {
        warnings.push(finding(field, format!("{} bands, fewer than the {} of the national floor", scheme.bands.len(), floors.len())));
    }
    for (k, (b, min)) in scheme.bands.iter().zip(floors).enumerate() {
        if b.surcharge < *min {
            warnings.push(finding(
                format!("{field}.bands[{k}]"),
                format!("band {} surcharge {}× is below the floor {}×", k + 1, b.surcharge, min),
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------------

/// Tariff versions ordered by start date, never two in force on the same day.
#[derive(Debug, Clone, Default)]
pub struct TariffSchedule {
    versions: Vec<Tariff>,
}

impl TariffSchedule {
    pub fn new(mut versions: Vec<Tariff>) -> Result<Self, TariffError> {
        versions.sort_by_key(|t| t.valid_from);
        for w in versions.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if a.valid_until.is_none_or(|u| u >= b.valid_from) {
                return Err(TariffError::Overlap { first: a.code.clone(), second: b.code.clone(), date: b.valid_from });
            }
        }
        Ok(TariffSchedule { versions })
    }

    pub fn versions(&self) -> &[Tariff] {
        &self.versions
    }

    pub fn in_force_on(&self, date: NaiveDate) -> Option<&Tariff> {
        self.versions.iter().find(|t| t.in_force_on(date))
    }

    /// Days not covered between consecutive versions: `(last covered day, next start)`.
    pub fn gaps(&self) -> Vec<(NaiveDate, NaiveDate)> {
        self.versions
            .windows(2)
            .filter_map(|w| {
                let until = w[0].valid_until?;
                (until.succ_opt()? < w[1].valid_from).then_some((until, w[1].valid_from))
            })
            .collect()
    }
}
