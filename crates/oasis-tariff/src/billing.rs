//! Bills from metered use: residential tier bills and non-residential bills with the over-quota
//! surcharge per band, each as lines a clerk can recompute by hand (volume × unit price =
//! amount), prorated by days when the tariff changes inside the billing period.
//!
//! Rules (see `docs/pricing.md`):
//! * Tier/band volumes are `in(C + V) − in(C)` where `in(x) = min(max(x − lower, 0), width)`,
//!   `V` the period's volume and `C` the volume already accumulated (0 for monthly
//!   accumulation; this year's earlier billing periods for annual accumulation).
//! * Household-size adjustment: each tier bound grows by `extra_upto_m3_per_person` per person
//!   above `base_persons` (only for customers whose persons are recorded).
//! * Tariff change inside the period: the volume is split in proportion to days under each
//!   tariff (cumulative split rounded to 0.001 m³); with monthly accumulation the tier bounds
//!   and the period plan are prorated by the same day fraction (rounded to 0.001 m³).
//! * Line amounts are rounded to 0.01 yuan; the total is the sum of the lines.

use crate::meter::{MeterError, MeterHistory, Reading};
use crate::money::{round_volume, round_yuan};
use crate::period::Period;
use crate::tariff::{Accumulation, Band, ClassTariff, Component, Pricing, RESIDENTIAL, ResidentialTariff, Tariff, TariffSchedule};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A metered customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: String,
    pub name: String,
    /// `residential` or a class code of the tariff; empty when the record has none.
    pub class: String,
    /// Household size, for the tier adjustment; `None` = no adjustment applied for.
    pub persons: Option<u32>,
    /// Restricted or eliminated industry: billed with the class's restricted surcharge scheme.
    pub restricted: bool,
    /// Register capacity of the meter (e.g. 100 000 m³ for five digits); `None` = no rollover.
    pub register_capacity_m3: Option<Decimal>,
    /// Where the record came from, for messages.
    pub record: String,
}

/// A customer's yearly water-use plan and its monthly split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaterPlan {
    pub annual_m3: Decimal,
    pub monthly_m3: [Decimal; 12],
}

impl WaterPlan {
    /// Plan for the months a period covers.
    pub fn for_period(&self, period: Period) -> Decimal {
        period.months().iter().map(|m| self.monthly_m3[*m as usize - 1]).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    pub component: String,
    /// `tier 2`, `band 3`, … or empty for an untiered component.
    pub band: String,
    pub volume_m3: Decimal,
    pub unit_price: Decimal,
    /// `volume_m3 × unit_price` rounded to 0.01 yuan.
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    pub customer: String,
    pub period: Period,
    /// Dates of the opening and closing readings.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub volume_m3: Decimal,
    /// Codes of the tariffs applied, in date order.
    pub tariffs: Vec<String>,
    pub lines: Vec<BillLine>,
    /// Σ line amounts, yuan.
    pub total: Decimal,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BillError {
    #[error("customer {customer} ({record}): no tariff class given")]
    NoClass { customer: String, record: String },
    #[error("customer {customer} ({record}): class '{class}' has no price in tariff {tariff}")]
    UnknownClass { customer: String, record: String, class: String, tariff: String },
    #[error("customer {customer}: reading trouble: {error}")]
    Meter {
        customer: String,
        #[source]
        error: MeterError,
    },
    #[error("customer {customer}: no tariff in force on {date}")]
    NoTariffInForce { customer: String, date: NaiveDate },
    #[error("customer {customer} ({record}): class '{class}' has an over-quota surcharge but the customer has no water-use plan")]
    NoPlan { customer: String, record: String, class: String },
}

impl BillError {
    pub fn customer(&self) -> &str {
        match self {
            BillError::NoClass { customer, .. }
            | BillError::UnknownClass { customer, .. }
            | BillError::Meter { customer, .. }
            | BillError::NoTariffInForce { customer, .. }
            | BillError::NoPlan { customer, .. } => customer,
        }
    }
}

/// The bills produced and the bills held back, with why.
#[derive(Debug, Clone, Default)]
pub struct BillRun {
    pub bills: Vec<Bill>,
    pub held: Vec<BillError>,
}

/// Bill every customer for `period`. A customer whose bill cannot be computed exactly is held
/// back with its error; the others are still billed.
pub fn bill_customers(
    customers: &[Customer],
    readings: &BTreeMap<String, Vec<Reading>>,
    schedule: &TariffSchedule,
    plans: &BTreeMap<String, WaterPlan>,
    period: Period,
) -> BillRun {
    let mut run = BillRun::default();
    for c in customers {
        let meter = MeterHistory::new(readings.get(&c.id).cloned().unwrap_or_default(), c.register_capacity_m3);
        match bill_customer(c, &meter, schedule, plans.get(&c.id), period) {
            Ok(b) => run.bills.push(b),
            Err(e) => run.held.push(e),
        }
    }
    run
}

enum Prices<'a> {
    Residential(&'a ResidentialTariff),
    Class(&'a ClassTariff),
}

impl Prices<'_> {
    fn accumulation(&self) -> Accumulation {
        match self {
            Prices::Residential(r) => r.accumulation,
            Prices::Class(c) => c.accumulation,
        }
    }
}

fn prices_for<'a>(c: &Customer, t: &'a Tariff) -> Result<Prices<'a>, BillError> {
    let unknown = || BillError::UnknownClass {
        customer: c.id.clone(),
        record: c.record.clone(),
        class: c.class.clone(),
        tariff: t.code.clone(),
    };
    if c.class == RESIDENTIAL {
        t.residential.as_ref().map(Prices::Residential).ok_or_else(unknown)
    } else {
        t.classes.get(&c.class).map(Prices::Class).ok_or_else(unknown)
    }
}

/// One stretch of the period under one tariff.
struct Segment<'a> {
    tariff: &'a Tariff,
    days: i64,
    volume_m3: Decimal,
}

/// Bill one customer for `period`.
pub fn bill_customer(
    c: &Customer,
    meter: &MeterHistory,
    schedule: &TariffSchedule,
    plan: Option<&WaterPlan>,
    period: Period,
) -> Result<Bill, BillError> {
    if c.class.trim().is_empty() {
        return Err(BillError::NoClass { customer: c.id.clone(), record: c.record.clone() });
    }
    let meter_err = |error| BillError::Meter { customer: c.id.clone(), error };
    let usage = meter.period_usage(period).map_err(meter_err)?;
    let total_days = (usage.to - usage.from).num_days();

    // Which tariff is in force on each consumption day (from + 1 ..= to).
    let mut stretches: Vec<(&Tariff, i64)> = Vec::new();
    let no_tariff = |date| BillError::NoTariffInForce { customer: c.id.clone(), date };
    if total_days == 0 {
        stretches.push((schedule.in_force_on(usage.to).ok_or_else(|| no_tariff(usage.to))?, 0));
    } else {
        let mut day = usage.from;
        while day < usage.to {
            day = day.succ_opt().expect("date in range");
            let t = schedule.in_force_on(day).ok_or_else(|| no_tariff(day))?;
            match stretches.last_mut() {
                Some((last, n)) if last.code == t.code => *n += 1,
                _ => stretches.push((t, 1)),
            }
        }
    }

    // Split the volume by days, cumulatively so the parts add up exactly.
    let mut segments = Vec::new();
    let (mut cum_days, mut cum_volume) = (0i64, Decimal::ZERO);
    for (i, (t, days)) in stretches.iter().enumerate() {
        cum_days += days;
        let boundary = if i + 1 == stretches.len() {
            usage.volume_m3
        } else {
            round_volume(usage.volume_m3 * Decimal::from(cum_days) / Decimal::from(total_days)).min(usage.volume_m3)
        };
        segments.push(Segment { tariff: t, days: *days, volume_m3: boundary - cum_volume });
        cum_volume = boundary;
    }
    let prorated = segments.len() > 1;

    let first_prices = prices_for(c, segments[0].tariff)?;
    let year_to_date = if first_prices.accumulation() == Accumulation::Annual {
        meter.year_to_date_before(period).map_err(meter_err)?
    } else {
        Decimal::ZERO
    };

    let mut lines = Vec::new();
    let mut notes: Vec<String> = usage.notes.iter().map(|n| n.to_string()).collect();
    let mut accumulated = year_to_date;
    for seg in &segments {
        let prices = prices_for(c, seg.tariff)?;
        let annual = prices.accumulation() == Accumulation::Annual;
        // Monthly thresholds shrink with the share of days under this tariff.
        let fraction = if prorated && !annual {
            Decimal::from(seg.days) / Decimal::from(total_days)
        } else {
            Decimal::ONE
        };
        let scale = |x: Decimal| if fraction == Decimal::ONE { x } else { round_volume(x * fraction) };
        let before = if annual { accumulated } else { Decimal::ZERO };
        let after = before + seg.volume_m3;
        let suffix = if prorated { format!(" / {}", seg.tariff.code) } else { String::new() };
        if prorated {
            notes.push(format!(
                "tariff {} for {} of {} days: {} m³{}",
                seg.tariff.code,
                seg.days,
                total_days,
                seg.volume_m3.normalize(),
                if annual { String::new() } else { format!(", thresholds × {}/{}", seg.days, total_days) }
            ));
        }
        match prices {
            Prices::Residential(r) => {
                let extra_persons = match (&r.household, c.persons) {
                    (Some(h), Some(p)) => p.saturating_sub(h.base_persons),
                    _ => 0,
                };
                let bounds: Vec<Decimal> = r
                    .tier_upto_m3
                    .iter()
                    .enumerate()
                    .map(|(k, b)| {
                        let extra = r.household.as_ref().map_or(Decimal::ZERO, |h| {
                            h.extra_upto_m3_per_person.get(k).copied().unwrap_or_default() * Decimal::from(extra_persons)
                        });
                        scale(*b + extra)
                    })
                    .collect();
                let tier_volumes = split_by_bounds(&bounds, before, after);
                for comp in &r.components {
                    match &comp.pricing {
                        Pricing::Tiered(ps) => {
                            for (k, (v, p)) in tier_volumes.iter().zip(ps).enumerate() {
                                push_line(&mut lines, &comp.name, format!("tier {}{suffix}", k + 1), *v, *p);
                            }
                        }
                        Pricing::Flat(p) => push_line(&mut lines, &comp.name, suffix.trim_start_matches(" / ").to_string(), seg.volume_m3, *p),
                    }
                }
                if extra_persons > 0 {
                    notes.push(format!("household of {} persons: tier bounds {:?} m³", c.persons.unwrap_or(0), bounds.iter().map(|b| b.normalize().to_string()).collect::<Vec<_>>()));
                }
            }
            Prices::Class(k) => {
                for comp in &k.components {
                    flat_line(&mut lines, comp, &suffix, seg.volume_m3);
                }
                let scheme = if c.restricted { k.restricted_surcharge.as_ref().or(k.surcharge.as_ref()) } else { k.surcharge.as_ref() };
                if let Some(scheme) = scheme {
                    let plan = plan.ok_or_else(|| BillError::NoPlan {
                        customer: c.id.clone(),
                        record: c.record.clone(),
                        class: k.code.clone(),
                    })?;
                    let plan_m3 = scale(if annual { plan.annual_m3 } else { plan.for_period(period) });
                    let base = k.surcharge_base_price();
                    let band_volumes = split_by_bands(&scheme.bands, plan_m3, before, after);
                    for (j, (band, v)) in scheme.bands.iter().zip(band_volumes).enumerate() {
                        if band.surcharge > Decimal::ZERO {
                            let label = format!("band {} ({}){suffix}", j + 1, band_range(band));
                            push_line(&mut lines, "over-quota surcharge", label, v, base * band.surcharge);
                        }
                    }
                    notes.push(format!(
                        "plan {} m³ ({}){}; scheme {}",
                        plan_m3.normalize(),
                        if annual { "annual" } else { "period" },
                        suffix,
                        scheme.name
                    ));
                }
            }
        }
        accumulated += seg.volume_m3;
    }
    if year_to_date > Decimal::ZERO {
        notes.push(format!("annual accumulation: {} m³ already used this year", year_to_date.normalize()));
    }
    let total = lines.iter().map(|l| l.amount).sum();
    Ok(Bill {
        customer: c.id.clone(),
        period,
        from: usage.from,
        to: usage.to,
        volume_m3: usage.volume_m3,
        tariffs: segments.iter().map(|s| s.tariff.code.clone()).collect(),
        lines,
        total,
        notes,
    })
}

fn band_range(b: &Band) -> String {
    match b.to_fraction {
        Some(to) => format!("{}-{}x plan", b.from_fraction.normalize(), to.normalize()),
        None => format!("over {}x plan", b.from_fraction.normalize()),
    }
}

fn flat_line(lines: &mut Vec<BillLine>, comp: &Component, suffix: &str, volume_m3: Decimal) {
    let price = match &comp.pricing {
        Pricing::Flat(p) => *p,
        Pricing::Tiered(ps) => ps[0],
    };
    push_line(lines, &comp.name, suffix.trim_start_matches(" / ").to_string(), volume_m3, price);
}

fn push_line(lines: &mut Vec<BillLine>, component: &str, band: String, volume_m3: Decimal, unit_price: Decimal) {
    if volume_m3 <= Decimal::ZERO {
        return;
    }
    lines.push(BillLine {
        component: component.to_string(),
        band,
        volume_m3: volume_m3.normalize(),
        unit_price: unit_price.normalize(),
        amount: round_yuan(volume_m3 * unit_price),
    });
}

/// Volume of `before ..= after` falling in each tier, for tier upper bounds `bounds` (the last
/// tier is open-ended): `in(after) − in(before)` per tier.
pub fn split_by_bounds(bounds: &[Decimal], before: Decimal, after: Decimal) -> Vec<Decimal> {
    let mut out = Vec::with_capacity(bounds.len() + 1);
    let mut lower = Decimal::ZERO;
    for k in 0..=bounds.len() {
        let upper = bounds.get(k).copied();
        let inside = |x: Decimal| {
            let above = (x - lower).max(Decimal::ZERO);
            match upper {
                Some(u) => above.min((u - lower).max(Decimal::ZERO)),
                None => above,
            }
        };
        out.push(inside(after) - inside(before));
        if let Some(u) = upper {
            lower = u;
        }
    }
    out
}

/// Volume in each over-quota band, bands given as fractions of `plan_m3`.
pub fn split_by_bands(bands: &[Band], plan_m3: Decimal, before: Decimal, after: Decimal) -> Vec<Decimal> {
    let bounds: Vec<Decimal> = bands.iter().filter_map(|b| b.to_fraction).map(|f| f * plan_m3).collect();
    let mut v = split_by_bounds(&bounds, before, after);
    v.truncate(bands.len());
    v
}
