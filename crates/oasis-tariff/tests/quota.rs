//! Quota register, annual plans, monthly split, allocation by priority.
mod common;
use common::*;
use oasis_tariff::quota::*;

fn entry(code: &str, value: &str) -> QuotaEntry {
    QuotaEntry {
        code: code.into(),
        sector: "industry".into(),
        industry_code: "C3213".into(),
        product: "nickel".into(),
        unit: "t".into(),
        tier: "先进".into(),
        value_m3_per_unit: d(value),
        record: format!("register {code}"),
    }
}

fn item(customer: &str, basis: PlanBasis) -> PlanItem {
    PlanItem { customer: customer.into(), basis, record: format!("plans {customer}") }
}

#[test]
fn annual_plan_is_sum_of_quota_times_output_plus_direct() {
    // Smelter: 80 m³/t × 60 000 t + 18 m³/t × 100 000 t = 4 800 000 + 1 800 000 = 6 600 000 m³.
    // Park: direct 120 000 m³. Plant B names an unknown code: no plan, an error naming the row.
    let reg = QuotaRegister::new(vec![entry("NI", "80"), entry("CU", "18")]).unwrap();
    let items = vec![
        item("smelter", PlanBasis::Quota { code: "NI".into(), planned_output: d("60000") }),
        item("smelter", PlanBasis::Quota { code: "CU".into(), planned_output: d("100000") }),
        item("park", PlanBasis::Direct { volume_m3: d("120000") }),
        item("plantB", PlanBasis::Direct { volume_m3: d("5000") }),
        item("plantB", PlanBasis::Quota { code: "PVC".into(), planned_output: d("10") }),
    ];
    let (plans, errors) = annual_plans(&reg, &items);
    assert_eq!(plans["smelter"].annual_m3, d("6600000"));
    assert_eq!(plans["park"].annual_m3, d("120000"));
    assert!(!plans.contains_key("plantB"));
    assert_eq!(errors.len(), 1);
    assert!(matches!(&errors[0], QuotaError::UnknownQuotaCode { code, customer, .. } if code == "PVC" && customer == "plantB"));
    assert!(errors[0].to_string().contains("plans plantB"));
}

#[test]
fn register_rejects_duplicates_and_non_positive_values() {
    let errs = QuotaRegister::new(vec![entry("NI", "80"), entry("NI", "90"), entry("X", "0")]).unwrap_err();
    assert_eq!(errs.len(), 2);
}

#[test]
fn monthly_split_adds_up_exactly() {
    // 100 m³ in 12 equal parts: 8.333… → 8.33 × 12 = 99.96; the 4 cents left go to the first
    // four months (equal remainders, earlier first): 4 × 8.34 + 8 × 8.33 = 33.36 + 66.64 = 100.
    let s = split_monthly(d("100"), &[d("1"); 12]).unwrap();
    assert_eq!(&s[..4], &[d("8.34"); 4]);
    assert_eq!(&s[4..], &[d("8.33"); 8]);
    assert_eq!(s.iter().copied().sum::<oasis_tariff::Decimal>(), d("100"));
    // Seasonal weights summing to 100: March 8 % of 6 600 000 = 528 000; July 9.5 % = 627 000.
    let w = ["8", "7", "8", "8", "8.5", "9", "9.5", "9.5", "8.5", "8", "8", "8"].map(d);
    let s = split_monthly(d("6600000"), &w).unwrap();
    assert_eq!(s[2], d("528000"));
    assert_eq!(s[6], d("627000"));
    // Sub-cent plans keep the extra decimals in December: 1000.005 / 12 → 83.34 × 4, 83.33 × 7,
    // December 83.33 + 0.005 = 83.335.
    let s = split_monthly(d("1000.005"), &[d("1"); 12]).unwrap();
    assert_eq!(s[11], d("83.335"));
    assert_eq!(s.iter().copied().sum::<oasis_tariff::Decimal>(), d("1000.005"));
    assert_eq!(split_monthly(d("1"), &[d("0"); 12]), Err(QuotaError::BadSplit));
}

#[test]
fn quarterly_plan_is_the_sum_of_its_months() {
    let plan = AnnualPlan { customer: "x".into(), terms: vec![], annual_m3: d("1200") };
    let w = water_plan(&plan, &[d("1"); 12]).unwrap();
    // 100 a month → Q3 = 300, year = 1200.
    assert_eq!(w.for_period("2025-Q3".parse().unwrap()), d("300"));
    assert_eq!(w.for_period("2025".parse().unwrap()), d("1200"));
}

#[test]
fn allocation_serves_priorities_then_shares_in_proportion() {
    // 1000 m³ available. Domestic 300 + 200 = 500 served in full, 500 left. Industry asks
    // 400 + 200 = 600 > 500: C 500 × 400/600 = 333.333… → 333.33, D 166.666… → 166.66, 1 cent
    // left goes to the larger remainder (D) → 166.67. Landscape gets nothing.
    let demand = |u: &str, g: &str, v: &str| Demand { user: u.into(), group: g.into(), demand_m3: d(v) };
    let demands = vec![
        demand("A", "domestic", "300"),
        demand("C", "industry", "400"),
        demand("B", "domestic", "200"),
        demand("D", "industry", "200"),
        demand("E", "landscape", "100"),
    ];
    let order: Vec<String> = ["domestic", "industry", "landscape"].map(String::from).to_vec();
    let a = allocate(d("1000"), &demands, &order).unwrap();
    let got: Vec<(&str, oasis_tariff::Decimal)> = a.iter().map(|x| (x.user.as_str(), x.allocated_m3)).collect();
    assert_eq!(got, vec![("A", d("300")), ("B", d("200")), ("C", d("333.33")), ("D", d("166.67")), ("E", d("0"))]);
    // Plenty of water: everyone gets the demand.
    let a = allocate(d("5000"), &demands, &order).unwrap();
    assert!(a.iter().all(|x| x.allocated_m3 == x.demand_m3));
    // A group missing from the order is an error, not a guess.
    assert!(matches!(allocate(d("10"), &demands, &order[..2]), Err(QuotaError::UnknownGroup { .. })));
}

#[test]
fn plan_vs_actual_groups() {
    let rows = [
        PlanVsActual { key: "a".into(), plan_m3: d("100"), actual_m3: d("120") },
        PlanVsActual { key: "b".into(), plan_m3: d("300"), actual_m3: d("240") },
    ];
    let g = group_totals(rows.iter().map(|r| ("industry", r)));
    // 400 planned, 360 used: 90.0 % of plan, 40 below.
    assert_eq!(g[0].plan_m3, d("400"));
    assert_eq!(g[0].over_m3(), d("-40"));
    assert_eq!(g[0].percent_of_plan(), Some(d("90.0")));
    assert_eq!(rows[0].percent_of_plan(), Some(d("120.0")));
}
