//! Tariff documents: what is rejected (with the field named) and what only warns.
mod common;
use common::*;
use oasis_tariff::tariff::{Tariff, TariffError, TariffSchedule};

fn problems(text: &str) -> Vec<String> {
    match Tariff::from_toml_str(text) {
        Err(TariffError::Invalid { problems, .. }) => problems.iter().map(|p| p.to_string()).collect(),
        other => panic!("expected invalid, got {other:?}"),
    }
}

fn warnings(text: &str) -> Vec<String> {
    Tariff::from_toml_str(text).unwrap_or_else(|e| panic!("{e}")).1.iter().map(|w| w.to_string()).collect()
}

#[test]
fn the_fixture_is_valid_without_warnings() {
    // No [floors] section: nothing to warn about.
    assert!(warnings(TARIFF_A).is_empty());
}

#[test]
fn overlapping_bands_are_rejected() {
    let t = TARIFF_A.replace("{ from = 1.2, to = 1.5, surcharge = 1.0 }", "{ from = 1.1, to = 1.5, surcharge = 1.0 }");
    let p = problems(&t);
    assert!(p.iter().any(|m| m.contains("surcharge.standard.bands[2]") && m.contains("overlap")), "{p:?}");
}

#[test]
fn gapped_bands_are_rejected() {
    let t = TARIFF_A.replace("{ from = 1.2, to = 1.5, surcharge = 1.0 }", "{ from = 1.3, to = 1.5, surcharge = 1.0 }");
    let p = problems(&t);
    assert!(p.iter().any(|m| m.contains("surcharge.standard.bands[2]") && m.contains("gap")), "{p:?}");
}

#[test]
fn bands_must_start_at_zero_and_end_open() {
    let t = TARIFF_A
        .replace("{ from = 0, to = 1.0, surcharge = 0 },\n  { from = 1.0, to = 1.2, surcharge = 0.5 }", "{ from = 0.1, to = 1.0, surcharge = 0 },\n  { from = 1.0, to = 1.2, surcharge = 0.5 }")
        .replace("{ from = 1.5, surcharge = 2.0 }", "{ from = 1.5, to = 3, surcharge = 2.0 }");
    let p = problems(&t);
    assert!(p.iter().any(|m| m.contains("surcharge.standard.bands[0]") && m.contains("must start at 0")), "{p:?}");
    assert!(p.iter().any(|m| m.contains("surcharge.standard.bands[3]") && m.contains("omit `to`")), "{p:?}");
}

#[test]
fn class_without_price_is_rejected() {
    let t = TARIFF_A.replace("{ component = \"sewage\", price = 1.00 },\n]\nsurcharge", "{ component = \"sewage\" },\n]\nsurcharge");
    let p = problems(&t);
    assert!(p.iter().any(|m| m.contains("class[0] (industry).components[1] (sewage)") && m.contains("missing price")), "{p:?}");
    let t = TARIFF_A.replace(
        "[[class]]\ncode = \"industry\"",
        "[[class]]\ncode = \"hotel\"\nname = \"hotels\"\n\n[[class]]\ncode = \"industry\"",
    );
    let p = problems(&t);
    assert!(p.iter().any(|m| m.contains("class[0] (hotel)") && m.contains("has no price")), "{p:?}");
}

#[test]
fn non_increasing_tiers_are_rejected() {
    let p = problems(&TARIFF_A.replace("tier_upto_m3 = [10, 20]", "tier_upto_m3 = [10, 10]"));
    assert!(p.iter().any(|m| m.contains("residential.tier_upto_m3[1]") && m.contains("tiers not increasing")), "{p:?}");
    let p = problems(&TARIFF_A.replace("tier_prices = [2, 3, 6]", "tier_prices = [2, 3, 2.5]"));
    assert!(p.iter().any(|m| m.contains("tiers not increasing") && m.contains("tier 3 price 2.5")), "{p:?}");
    let p = problems(&TARIFF_A.replace("tier_prices = [2, 3, 6]", "tier_prices = [2, 3]"));
    assert!(p.iter().any(|m| m.contains("2 tier_prices for 3 tiers")), "{p:?}");
}

#[test]
fn unknown_scheme_and_bad_dates_are_rejected() {
    let p = problems(&TARIFF_A.replace("restricted_surcharge = \"restricted\"", "restricted_surcharge = \"eliminated\""));
    assert!(p.iter().any(|m| m.contains("restricted_surcharge") && m.contains("[surcharge.eliminated]")), "{p:?}");
    let p = problems(&TARIFF_A.replace("valid_until = 2025-06-30", "valid_until = 2023-06-30"));
    assert!(p.iter().any(|m| m.starts_with("valid_until")), "{p:?}");
    assert!(matches!(Tariff::from_toml_str("code = 1"), Err(TariffError::Parse(_))));
    // A misspelt key is an error, not silently ignored.
    assert!(matches!(Tariff::from_toml_str(&TARIFF_A.replace("tier_upto_m3", "tier_up_to_m3")), Err(TariffError::Parse(_))));
}

const FLOORS: &str = "[floors]\ntier_price_ratios = [1, 1.5, 3]\nband_surcharges = [0, 0.5, 1]\n\n[residential]";

#[test]
fn schemes_meeting_the_national_floors_do_not_warn() {
    // Tiers 2 / 3 / 6 = exactly 1 : 1.5 : 3; bands 0 / 0.5 / 1 / 2 ≥ 0 / 0.5 / 1.
    assert!(warnings(&TARIFF_A.replacen("[residential]", FLOORS, 1)).is_empty());
}

#[test]
fn schemes_below_the_national_floors_warn() {
    // Tier 3 at 5.90 < 3 × 2 = 6; band 2 at 0.4 < 0.5; band 3 at 0.9 < 1.
    let t = TARIFF_A
        .replacen("[residential]", FLOORS, 1)
        .replace("tier_prices = [2, 3, 6]", "tier_prices = [2, 3, 5.9]")
        .replace("{ from = 1.0, to = 1.2, surcharge = 0.5 }", "{ from = 1.0, to = 1.2, surcharge = 0.4 }")
        .replace("{ from = 1.2, to = 1.5, surcharge = 1.0 }", "{ from = 1.2, to = 1.5, surcharge = 0.9 }");
    let w = warnings(&t);
    assert!(w.iter().any(|m| m.contains("tier 3 price 5.9 is below the floor 3 × tier 1 (2) = 6")), "{w:?}");
    assert!(w.iter().any(|m| m.contains("surcharge.standard.bands[1]") && m.contains("band 2 surcharge 0.4")), "{w:?}");
    assert!(w.iter().any(|m| m.contains("surcharge.standard.bands[2]") && m.contains("band 3 surcharge 0.9")), "{w:?}");
    assert_eq!(w.len(), 3, "{w:?}");
    // Tier 2 just below 1.5 × 2 = 3 warns too.
    let t = TARIFF_A.replacen("[residential]", FLOORS, 1).replace("tier_prices = [2, 3, 6]", "tier_prices = [2, 2.99, 6]");
    assert!(warnings(&t).iter().any(|m| m.contains("tier 2 price 2.99")));
}

#[test]
fn overlapping_versions_are_rejected_and_gaps_reported() {
    let a = tariff(TARIFF_A);
    let overlapping = tariff(&TARIFF_A.replace("code = \"A\"", "code = \"A2\"").replace("valid_from = 2024-01-01", "valid_from = 2025-06-30"));
    assert!(matches!(TariffSchedule::new(vec![a.clone(), overlapping]), Err(TariffError::Overlap { .. })));
    let later = tariff(&TARIFF_A.replace("code = \"A\"", "code = \"C\"").replace("valid_from = 2024-01-01", "valid_from = 2025-08-01").replace("valid_until = 2025-06-30\n", ""));
    let s = TariffSchedule::new(vec![later, a]).unwrap();
    assert_eq!(s.gaps(), vec![(date("2025-06-30"), date("2025-08-01"))]);
    assert_eq!(s.in_force_on(date("2025-07-15")), None);
    assert_eq!(s.in_force_on(date("2030-01-01")).unwrap().code, "C");
}
