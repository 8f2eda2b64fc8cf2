//! Property tests: a bill's lines add up to its total, and more water never costs less —
//! for households and industry, monthly and annual accumulation, with and without a tariff
//! change inside the period.
mod common;
use common::*;
use oasis_tariff::Decimal;
use oasis_tariff::billing::{Bill, Customer, bill_customer};
use proptest::prelude::*;

/// Bill `volume_milli` litres… i.e. thousandths of a m³, from 20 Jun to 20 Jul (tariff change on
/// 1 Jul when `change`), after `before_milli` already used this year.
fn bill(c: &Customer, volume_milli: u64, before_milli: u64, change: bool, annual: bool, plan: &str) -> Bill {
    let a = if annual { TARIFF_A.replace("accumulation = \"monthly\"", "accumulation = \"annual\"") } else { TARIFF_A.to_string() };
    let b = if annual { tariff_b().replace("accumulation = \"monthly\"", "accumulation = \"annual\"") } else { tariff_b() };
    let s = if change { schedule(&[&a, &b]) } else { schedule(&[&a.replace("valid_until = 2025-06-30", "valid_until = 2025-12-31")]) };
    let before = Decimal::new(before_milli as i64, 3);
    let after = before + Decimal::new(volume_milli as i64, 3);
    let m = readings(&[("2024-12-20", "0"), ("2025-06-20", &before.to_string()), ("2025-07-20", &after.to_string())]);
    bill_customer(c, &m, &s, Some(&flat_plan(plan)), "2025-07".parse().unwrap()).unwrap()
}

fn customer_strategy() -> impl Strategy<Value = Customer> {
    (prop_oneof![Just("residential"), Just("industry")], proptest::option::of(1u32..9), any::<bool>()).prop_map(|(class, persons, restricted)| {
        let mut c = customer("P", class);
        c.persons = persons;
        c.restricted = restricted;
        c
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn lines_add_up_to_the_total(
        c in customer_strategy(),
        volume in 0u64..3_000_000,
        before in 0u64..200_000,
        change: bool,
        annual: bool,
        plan in prop_oneof![Just("0"), Just("25"), Just("1000"), Just("1234.567")],
    ) {
        let b = bill(&c, volume, before, change, annual, plan);
        let sum: Decimal = b.lines.iter().map(|l| l.amount).sum();
        prop_assert_eq!(sum, b.total);
        for l in &b.lines {
            // Every amount is its volume × price to the fen, and no line is negative.
            prop_assert_eq!(l.amount, oasis_tariff::money::round_yuan(l.volume_m3 * l.unit_price));
            prop_assert!(l.volume_m3 > Decimal::ZERO && l.amount >= Decimal::ZERO);
        }
        prop_assert_eq!(b.total.scale() <= 2, true);
    }

    #[test]
    fn more_water_never_costs_less(
        c in customer_strategy(),
        volume in 0u64..3_000_000,
        extra in 0u64..50_000,
        before in 0u64..200_000,
        change: bool,
        annual: bool,
        plan in prop_oneof![Just("0"), Just("25"), Just("1000"), Just("1234.567")],
    ) {
        let less = bill(&c, volume, before, change, annual, plan);
        let more = bill(&c, volume + extra, before, change, annual, plan);
        prop_assert!(more.total >= less.total, "{} m³ cost {} but {} m³ cost {}", less.volume_m3, less.total, more.volume_m3, more.total);
    }
}
