//! Dual-control indicators and farm rewards, computed by hand.
mod common;
use common::*;
use oasis_tariff::dual_control::*;
use std::collections::BTreeMap;

#[test]
fn intensity_decline_uses_comparable_prices() {
    // Base: 1000 m³ / 10 万元 = 100 m³/万元. Now 1000 m³; GDP 15 万元 at current prices, 12.5 at
    // base-year prices. Comparable intensity 1000 / 12.5 = 80 → decline (100 − 80)/100 = 20 %.
    // (At current prices it would look like 66.67, a 33 % "decline" inflated by prices.)
    let i = intensity(d("1000"), d("10"), d("1000"), d("15"), d("12.5"), Some(d("16")));
    assert_eq!(i.base_m3_per_10k_yuan, d("100"));
    assert_eq!(i.comparable_m3_per_10k_yuan, d("80"));
    assert_eq!(i.decline_pct, d("20"));
    assert_eq!(i.current_price_m3_per_10k_yuan.round_dp(2), d("66.67"));
    assert_eq!(i.meets_target(), Some(true));
    let i = intensity(d("1000"), d("10"), d("1000"), d("15"), d("11"), Some(d("16")));
    // 1000 / 11 = 90.909… → decline 9.09 % < 16 %.
    assert_eq!(i.decline_pct.round_dp(2), d("9.09"));
    assert_eq!(i.meets_target(), Some(false));
}

#[test]
fn reward_and_subsidy() {
    // Reward 0.10 yuan per m³ saved; subsidy 0.05 yuan per m³ within quota for grain growers.
    let rates = FarmRates {
        saving_reward_yuan_per_m3: d("0.10"),
        within_quota_subsidy_yuan_per_m3: d("0.05"),
        subsidy_categories: vec!["grain".into()],
    };
    let farm = |name: &str, cat: &str, q: &str, a: &str| Farm {
        farm: name.into(),
        district: "x".into(),
        category: cat.into(),
        quota_m3: d(q),
        actual_m3: d(a),
        record: name.into(),
    };
    let pay = farm_payments(
        &[
            // saved 2000 → 200.00; subsidised 8000 × 0.05 = 400.00
            farm("A", "grain", "10000", "8000"),
            // over quota: no reward; cash crop: no subsidy
            farm("B", "cash", "10000", "12000"),
            // over quota grain grower: subsidy on the 5000 within quota only = 250.00
            farm("C", "grain", "5000", "6000"),
            // saved 234.45 × 0.1 = 23.445 → 23.45; 1000.05 × 0.05 = 50.0025 → 50.00
            farm("D", "grain", "1234.5", "1000.05"),
        ],
        &rates,
    );
    let got: Vec<_> = pay.iter().map(|p| (p.saved_m3, p.reward_yuan, p.subsidised_m3, p.subsidy_yuan)).collect();
    assert_eq!(
        got,
        vec![
            (d("2000"), d("200.00"), d("8000"), d("400.00")),
            (d("0"), d("0"), d("0"), d("0")),
            (d("0"), d("0"), d("5000"), d("250.00")),
            (d("234.45"), d("23.45"), d("1000.05"), d("50.00")),
        ]
    );
}

#[test]
fn irrigation_efficiency_by_district_class_and_region() {
    let s = |name: &str, class: DistrictClass, g: &str, n: &str| IrrigationSample {
        district: name.into(),
        class,
        gross_m3: d(g),
        net_m3: d(n),
    };
    let samples = [
        s("L1", DistrictClass::Large, "100", "50"),
        s("L2", DistrictClass::Large, "300", "180"),
        s("W1", DistrictClass::Well, "100", "80"),
    ];
    // Large: (50 + 180) / (100 + 300) = 0.575; well 0.8.
    // Region weighted by class gross water 600 (large) and 400 (well):
    // (0.575 × 600 + 0.8 × 400) / 1000 = (345 + 320) / 1000 = 0.665.
    let weights = BTreeMap::from([(DistrictClass::Large, d("600")), (DistrictClass::Well, d("400"))]);
    let e = irrigation_efficiency(&samples, &weights);
    assert_eq!(e.districts[0].eta, d("0.5"));
    assert_eq!(e.classes[&DistrictClass::Large], d("0.575"));
    assert_eq!(e.region, Some(d("0.665")));
}

#[test]
fn groundwater_against_permit_and_area_cap() {
    let w = |name: &str, area: &str, p: &str, a: &str| Well { well: name.into(), area: area.into(), permit_m3: d(p), abstraction_m3: d(a) };
    let wells = [w("W1", "north", "1000", "1200"), w("W2", "north", "1000", "700"), w("W3", "south", "500", "100")];
    let (per_well, per_area) = groundwater(&wells, &[GroundwaterArea { area: "north".into(), cap_m3: d("1800") }]);
    assert_eq!(per_well[0].over_m3(), d("200"));
    assert_eq!(per_well[1].over_m3(), d("0"));
    // North: 1200 + 700 = 1900 against 1800 → 100 over, 105.5… %.
    assert_eq!(per_area[0].actual_m3, d("1900"));
    assert_eq!(per_area[0].over_m3(), d("100"));
}

#[test]
fn document_parses_and_totals_by_sector_and_source() {
    let text = r#"
region = "test"
year = 2025
base_year = 2020
use = [
  { sector = "agriculture", source = "surface", volume_m3 = 700 },
  { sector = "agriculture", source = "ground", volume_m3 = 100 },
  { sector = "industry", source = "reclaimed", volume_m3 = 50 },
  { sector = "industry", source = "surface", volume_m3 = 100 },
  { sector = "domestic", source = "ground", volume_m3 = 40 },
  { sector = "ecological", source = "reclaimed", volume_m3 = 10 },
]
[targets]
total_use_cap_m3 = 1200
[economy]
base_total_use_m3 = 1100
base_industry_use_m3 = 200
base_gdp_10k_yuan = 10
base_industrial_va_10k_yuan = 4
gdp_current_10k_yuan = 14
gdp_comparable_10k_yuan = 12
industrial_va_current_10k_yuan = 5
industrial_va_comparable_10k_yuan = 4.5
[irrigation_class_gross_m3]
large = 600
"#;
    let input = DualControlInput::from_toml_str(text).unwrap();
    let r = report(&input);
    // 700 + 100 + 50 + 100 + 40 + 10 = 1000; agriculture 800; reclaimed 60.
    assert_eq!(r.total_m3, d("1000"));
    assert_eq!(r.by_sector[&Sector::Agriculture], d("800"));
    assert_eq!(r.by_source[&Source::Reclaimed], d("60"));
    // GDP: base 1100/10 = 110, now 1000/12 = 83.333… → decline 24.24 %.
    assert_eq!(r.gdp_intensity.decline_pct.round_dp(2), d("24.24"));
    // Industry: base 200/4 = 50, now 150/4.5 = 33.333… → decline 33.33 %.
    assert_eq!(r.industry_intensity.decline_pct.round_dp(2), d("33.33"));
    // An unknown sector is rejected by name.
    let bad = text.replace("sector = \"ecological\"", "sector = \"mining\"");
    let e = DualControlInput::from_toml_str(&bad).unwrap_err();
    assert!(e.to_string().contains("mining"), "{e}");
}
