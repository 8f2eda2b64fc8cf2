//! Hand-computed bills: every tier and band boundary (exactly at, just above), household size,
//! annual vs monthly accumulation, a tariff change inside the period, held-back bills.
mod common;
use common::*;
use oasis_tariff::billing::{BillError, bill_customer, bill_customers};
use oasis_tariff::meter::MeterError;
use std::collections::BTreeMap;

#[test]
fn residential_exactly_at_tier_1_bound() {
    // 10 m³: tier 1 10 × 2 = 20.00; sewage 10 × 1.00 = 10.00; resource 10 × 0.50 = 5.00; total 35.00.
    let b = march_bill(&customer("H", "residential"), "10", None);
    assert_eq!(
        lines(&b),
        vec![
            line("water", "tier 1", "10", "2", "20.00"),
            line("sewage", "", "10", "1", "10.00"),
            line("resource_fee", "", "10", "0.5", "5.00"),
        ]
    );
    assert_eq!(b.total, d("35.00"));
}

#[test]
fn residential_just_above_tier_1_bound() {
    // 10.01 m³: tier 1 10 × 2 = 20.00; tier 2 0.01 × 3 = 0.03; sewage 10.01; resource 10.01 × 0.5
    // = 5.005 → 5.01 (half away from zero). Total 20.00 + 0.03 + 10.01 + 5.01 = 35.05.
    let b = march_bill(&customer("H", "residential"), "10.01", None);
    assert_eq!(
        lines(&b),
        vec![
            line("water", "tier 1", "10", "2", "20.00"),
            line("water", "tier 2", "0.01", "3", "0.03"),
            line("sewage", "", "10.01", "1", "10.01"),
            line("resource_fee", "", "10.01", "0.5", "5.01"),
        ]
    );
    assert_eq!(b.total, d("35.05"));
}

#[test]
fn residential_exactly_at_and_just_above_tier_2_bound() {
    // 20 m³: 10 × 2 + 10 × 3 = 50; sewage 20; resource 10 → 80.00, no tier 3 line.
    let b = march_bill(&customer("H", "residential"), "20", None);
    assert!(!b.lines.iter().any(|l| l.band == "tier 3"));
    assert_eq!(b.total, d("80.00"));
    // 20.5 m³: 50 + 0.5 × 6 = 53; sewage 20.50; resource 10.25 → 83.75.
    let b = march_bill(&customer("H", "residential"), "20.5", None);
    assert_eq!(b.lines[2], oasis_tariff::billing::BillLine {
        component: "water".into(),
        band: "tier 3".into(),
        volume_m3: d("0.5"),
        unit_price: d("6"),
        amount: d("3.00"),
    });
    assert_eq!(b.total, d("83.75"));
}

#[test]
fn household_size_widens_tiers() {
    // 5 persons, base 3: bounds 10 + 2×2 = 14 and 20 + 3×2 = 26. 15 m³: tier 1 14 × 2 = 28,
    // tier 2 1 × 3 = 3; sewage 15; resource 7.50 → 53.50.
    let mut c = customer("H5", "residential");
    c.persons = Some(5);
    let b = march_bill(&c, "15", None);
    assert_eq!(lines(&b)[..2], [line("water", "tier 1", "14", "2", "28.00"), line("water", "tier 2", "1", "3", "3.00")]);
    assert_eq!(b.total, d("53.50"));
    // Same household with persons unknown: bounds 10 / 20 → 10 × 2 + 5 × 3 = 35 + 15 + 7.5 = 57.50.
    c.persons = None;
    assert_eq!(march_bill(&c, "15", None).total, d("57.50"));
}

#[test]
fn annual_accumulation_uses_year_to_date() {
    // Annual tiers 0–120 / 120–180 / >180 m³ a year. Readings: 20 Dec 0, 20 Jan 100, 20 Feb 130,
    // 20 Mar 200.
    let annual = TARIFF_A.replace("accumulation = \"monthly\"", "accumulation = \"annual\"").replace("tier_upto_m3 = [10, 20]", "tier_upto_m3 = [120, 180]");
    let s = schedule(&[&annual]);
    let m = readings(&[("2024-12-20", "0"), ("2025-01-20", "100"), ("2025-02-20", "130"), ("2025-03-20", "200")]);
    let c = customer("H", "residential");
    // January: 0 → 100, all tier 1: water 100 × 2 = 200.
    let jan = bill_customer(&c, &m, &s, None, "2025-01".parse().unwrap()).unwrap();
    assert_eq!(lines(&jan)[0], line("water", "tier 1", "100", "2", "200.00"));
    // February: year to date 100, +30 → 130: tier 1 20 (to 120) × 2 = 40, tier 2 10 × 3 = 30.
    let feb = bill_customer(&c, &m, &s, None, "2025-02".parse().unwrap()).unwrap();
    assert_eq!(lines(&feb)[..2], [line("water", "tier 1", "20", "2", "40.00"), line("water", "tier 2", "10", "3", "30.00")]);
    // March: 130 → 200: tier 2 50 (to 180) × 3 = 150, tier 3 20 × 6 = 120; + sewage 70 + resource 35 = 375.
    let mar = bill_customer(&c, &m, &s, None, "2025-03".parse().unwrap()).unwrap();
    assert_eq!(lines(&mar)[..2], [line("water", "tier 2", "50", "3", "150.00"), line("water", "tier 3", "20", "6", "120.00")]);
    assert_eq!(mar.total, d("375.00"));
    // The same 70 m³ with monthly tiers 10/20: 10 × 2 + 10 × 3 + 50 × 6 = 350 + 70 + 35 = 455.
    let monthly = bill_customer(&c, &m, &schedule(&[TARIFF_A]), None, "2025-03".parse().unwrap()).unwrap();
    assert_eq!(monthly.total, d("455.00"));
}

#[test]
fn tariff_change_inside_the_period_is_prorated_by_days() {
    // Readings 20 Jun 0 → 20 Jul 30: 30 days, 10 under A (21–30 Jun) and 20 under B (1–20 Jul).
    // Volume: A 30 × 10/30 = 10, B 20. Monthly thresholds prorated:
    //   A: 10 × 1/3 = 3.333, 20 × 1/3 = 6.667 → tier 1 3.333 × 2 = 6.666 → 6.67;
    //      tier 2 3.334 × 3 = 10.002 → 10.00; tier 3 3.333 × 6 = 19.998 → 20.00;
    //      sewage 10 × 1 = 10.00; resource 10 × 0.5 = 5.00.              (A: 51.67)
    //   B: 10 × 2/3 = 6.667, 20 × 2/3 = 13.333 → tier 1 6.667 × 2.5 = 16.6675 → 16.67;
    //      tier 2 6.666 × 3.75 = 24.9975 → 25.00; tier 3 6.667 × 7.5 = 50.0025 → 50.00;
    //      sewage 20.00; resource 10.00.                                  (B: 121.67)
    // Total 173.34.
    let b_text = tariff_b();
    let s = schedule(&[TARIFF_A, &b_text]);
    let m = readings(&[("2025-06-20", "0"), ("2025-07-20", "30")]);
    let bill = bill_customer(&customer("H", "residential"), &m, &s, None, "2025-07".parse().unwrap()).unwrap();
    assert_eq!(bill.tariffs, vec!["A".to_string(), "B".to_string()]);
    assert_eq!(
        lines(&bill),
        vec![
            line("water", "tier 1 / A", "3.333", "2", "6.67"),
            line("water", "tier 2 / A", "3.334", "3", "10.00"),
            line("water", "tier 3 / A", "3.333", "6", "20.00"),
            line("sewage", "A", "10", "1", "10.00"),
            line("resource_fee", "A", "10", "0.5", "5.00"),
            line("water", "tier 1 / B", "6.667", "2.5", "16.67"),
            line("water", "tier 2 / B", "6.666", "3.75", "25.00"),
            line("water", "tier 3 / B", "6.667", "7.5", "50.00"),
            line("sewage", "B", "20", "1", "20.00"),
            line("resource_fee", "B", "20", "0.5", "10.00"),
        ]
    );
    assert_eq!(bill.total, d("173.34"));
}

#[test]
fn over_quota_bands_exactly_at_and_just_above_each_bound() {
    // Industry: water 4.00 + sewage 1.00 = 5.00 per m³; March plan 1000 m³.
    // Band 2 (1.0–1.2) +0.5 × 4 = 2.00; band 3 (1.2–1.5) +4.00; band 4 (>1.5) +8.00.
    let plan = flat_plan("1000");
    let c = customer("I", "industry");
    let cases = [
        // volume, expected total, hand computation
        ("1000", "5000.00"),   // exactly the plan: 1000 × 5, no surcharge line
        ("1000.1", "5000.70"), // 1000.1 × 5 = 5000.50 + 0.1 × 2 = 0.20
        ("1200", "6400.00"),   // 6000 + 200 × 2
        ("1200.5", "6404.50"), // 6002.50 + 400 + 0.5 × 4 = 2
        ("1500", "9100.00"),   // 7500 + 400 + 300 × 4 = 1200
        ("1501", "9113.00"),   // 7505 + 400 + 1200 + 1 × 8
    ];
    for (volume, total) in cases {
        let b = march_bill(&c, volume, Some(&plan));
        assert_eq!(b.total, d(total), "volume {volume}: {:#?}", b.lines);
    }
    assert!(!march_bill(&c, "1000", Some(&plan)).lines.iter().any(|l| l.component == "over-quota surcharge"));
    let b = march_bill(&c, "1501", Some(&plan));
    let surcharges: Vec<_> = lines(&b).into_iter().filter(|l| l.0 == "over-quota surcharge").collect();
    assert_eq!(
        surcharges,
        vec![
            line("over-quota surcharge", "band 2 (1-1.2x plan)", "200", "2", "400.00"),
            line("over-quota surcharge", "band 3 (1.2-1.5x plan)", "300", "4", "1200.00"),
            line("over-quota surcharge", "band 4 (over 1.5x plan)", "1", "8", "8.00"),
        ]
    );
}

#[test]
fn restricted_industry_pays_the_restricted_scheme() {
    // 1200 m³ against 1000: band 2 200 × (1.0 × 4.00) = 800; 1200 × 5 = 6000 → 6800.
    let mut c = customer("R", "industry");
    c.restricted = true;
    assert_eq!(march_bill(&c, "1200", Some(&flat_plan("1000"))).total, d("6800.00"));
}

#[test]
fn quarterly_period_uses_the_sum_of_monthly_plans() {
    // Q1 plan 3 × 1000 = 3000; use 3300 → band 2 300 × 2 = 600; 3300 × 5 = 16500 → 17100.
    let m = readings(&[("2024-12-31", "0"), ("2025-03-31", "3300")]);
    let b = bill_customer(&customer("I", "industry"), &m, &schedule(&[TARIFF_A]), Some(&flat_plan("1000")), "2025-Q1".parse().unwrap())
        .unwrap();
    assert_eq!(b.total, d("17100.00"));
}

#[test]
fn bad_input_holds_the_bill_back_and_bills_the_rest() {
    let s = schedule(&[TARIFF_A]);
    let mut all = BTreeMap::new();
    for id in ["ok", "noclass", "typo", "down", "noplan"] {
        all.insert(id.to_string(), readings(&[("2025-02-20", "100"), ("2025-03-20", "110")]).readings().to_vec());
    }
    all.insert("down".into(), readings(&[("2025-02-20", "100"), ("2025-03-20", "90")]).readings().to_vec());
    all.insert("silent".into(), readings(&[("2025-02-20", "100")]).readings().to_vec());
    let customers = vec![
        customer("ok", "residential"),
        customer("noclass", ""),
        customer("typo", "residental"),
        customer("down", "residential"),
        customer("noplan", "industry"),
        customer("silent", "residential"),
    ];
    let run = bill_customers(&customers, &all, &s, &BTreeMap::new(), "2025-03".parse().unwrap());
    assert_eq!(run.bills.len(), 1);
    assert_eq!(run.bills[0].customer, "ok");
    let held: Vec<&str> = run.held.iter().map(|e| e.customer()).collect();
    assert_eq!(held, vec!["noclass", "typo", "down", "noplan", "silent"]);
    assert!(matches!(run.held[0], BillError::NoClass { .. }));
    assert!(matches!(&run.held[1], BillError::UnknownClass { class, .. } if class == "residental"));
    assert!(matches!(&run.held[2], BillError::Meter { error: MeterError::ReadingDecreased { .. }, .. }));
    assert!(run.held[2].to_string().contains("reading 2025-03-20"), "{}", run.held[2]);
    assert!(matches!(run.held[3], BillError::NoPlan { .. }));
    assert!(matches!(&run.held[4], BillError::Meter { error: MeterError::NoReadingInPeriod { .. }, .. }));
}

#[test]
fn no_tariff_in_force_is_an_error_not_a_guess() {
    // Tariff A ends 30 June; a July reading has no tariff.
    let m = readings(&[("2025-06-20", "0"), ("2025-07-20", "30")]);
    let e = bill_customer(&customer("H", "residential"), &m, &schedule(&[TARIFF_A]), None, "2025-07".parse().unwrap()).unwrap_err();
    assert!(matches!(e, BillError::NoTariffInForce { .. }), "{e}");
}
