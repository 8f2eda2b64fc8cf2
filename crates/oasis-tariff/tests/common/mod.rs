//! Shared fixtures for the integration tests: a small tariff with round numbers so every
//! expectation can be computed by hand.
#![allow(dead_code)]

use oasis_tariff::billing::{Bill, Customer, WaterPlan, bill_customer};
use oasis_tariff::meter::{MeterHistory, Reading, ReadingEvent};
use oasis_tariff::tariff::{Tariff, TariffSchedule};
use oasis_tariff::{Decimal, NaiveDate};
use std::str::FromStr;

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::from_str(s).unwrap()
}

/// Tariff A: residential tiers 0–10 / 10–20 / >20 m³ at 2 / 3 / 6 yuan, sewage 1.00,
/// resource fee 0.50; industry water 4.00 + sewage 1.00, bands 0–1 / 1–1.2 / 1.2–1.5 / >1.5 of
/// plan with surcharge 0 / 0.5 / 1 / 2 (restricted 0 / 1 / 2 / 3).
pub const TARIFF_A: &str = r#"
code = "A"
name = "test tariff A"
valid_from = 2024-01-01
valid_until = 2025-06-30

[residential]
accumulation = "monthly"
tier_upto_m3 = [10, 20]
household = { base_persons = 3, extra_upto_m3_per_person = [2, 3] }
components = [
  { component = "water", tier_prices = [2, 3, 6] },
  { component = "sewage", price = 1.00 },
  { component = "resource_fee", price = 0.50 },
]

[[class]]
code = "industry"
name = "industry"
components = [
  { component = "water", price = 4.00, surcharge_base = true },
  { component = "sewage", price = 1.00 },
]
surcharge = "standard"
restricted_surcharge = "restricted"

[surcharge.standard]
bands = [
  { from = 0, to = 1.0, surcharge = 0 },
  { from = 1.0, to = 1.2, surcharge = 0.5 },
  { from = 1.2, to = 1.5, surcharge = 1.0 },
  { from = 1.5, surcharge = 2.0 },
]

[surcharge.restricted]
bands = [
  { from = 0, to = 1.0, surcharge = 0 },
  { from = 1.0, to = 1.2, surcharge = 1.0 },
  { from = 1.2, to = 1.5, surcharge = 2.0 },
  { from = 1.5, surcharge = 3.0 },
]
"#;

/// Tariff B, from 1 July: the same shape with water prices × 1.25 (2.5 / 3.75 / 7.5; industry 5.00).
pub fn tariff_b() -> String {
    TARIFF_A
        .replace("code = \"A\"", "code = \"B\"")
        .replace("valid_from = 2024-01-01", "valid_from = 2025-07-01")
        .replace("valid_until = 2025-06-30", "valid_until = 2025-12-31")
        .replace("tier_prices = [2, 3, 6]", "tier_prices = [2.5, 3.75, 7.5]")
        .replace("price = 4.00", "price = 5.00")
}

pub fn tariff(text: &str) -> Tariff {
    Tariff::from_toml_str(text).unwrap_or_else(|e| panic!("{e}")).0
}

pub fn schedule(texts: &[&str]) -> TariffSchedule {
    TariffSchedule::new(texts.iter().map(|t| tariff(t)).collect()).unwrap()
}

pub fn customer(id: &str, class: &str) -> Customer {
    Customer {
        id: id.into(),
        name: id.into(),
        class: class.into(),
        persons: None,
        restricted: false,
        register_capacity_m3: None,
        record: format!("customers line for {id}"),
    }
}

pub fn readings(points: &[(&str, &str)]) -> MeterHistory {
    MeterHistory::new(
        points
            .iter()
            .map(|(dt, reg)| Reading {
                date: date(dt),
                register_m3: d(reg),
                event: ReadingEvent::Regular,
                record: format!("reading {dt}"),
            })
            .collect(),
        None,
    )
}

/// A one-month bill for March 2025 of `volume` m³ (readings 20 Feb → 20 Mar).
pub fn march_bill(c: &Customer, volume: &str, plan: Option<&WaterPlan>) -> Bill {
    let reg = (d("1000") + d(volume)).to_string();
    let m = readings(&[("2025-02-20", "1000"), ("2025-03-20", &reg)]);
    bill_customer(c, &m, &schedule(&[TARIFF_A]), plan, "2025-03".parse().unwrap()).unwrap_or_else(|e| panic!("{e}"))
}

/// Plan of `monthly` m³ every month.
pub fn flat_plan(monthly: &str) -> WaterPlan {
    WaterPlan { annual_m3: d(monthly) * Decimal::from(12), monthly_m3: [d(monthly); 12] }
}

/// (component, band, volume, unit price, amount) of every line, as strings, for comparisons.
pub fn lines(b: &Bill) -> Vec<(String, String, Decimal, Decimal, Decimal)> {
    b.lines.iter().map(|l| (l.component.clone(), l.band.clone(), l.volume_m3, l.unit_price, l.amount)).collect()
}

pub fn line(component: &str, band: &str, volume: &str, price: &str, amount: &str) -> (String, String, Decimal, Decimal, Decimal) {
    (component.into(), band.into(), d(volume), d(price), d(amount))
}
