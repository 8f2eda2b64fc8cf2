//! CJJ 92-2016 corrections at and around every band boundary, the R2 clamp, and a whole case.

use oasis_metering::cjj92::{Cjj92Error, Cjj92Inputs, Grade, cjj92, grade, r1_pct, r2_pct, r3_pct, r4_pct};

const DAY: i64 = 86_400;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn r1_is_eight_percent_of_the_household_share() {
    assert_eq!(r1_pct(0.0), 0.0);
    assert!(close(r1_pct(0.5), 4.0));
    assert!(close(r1_pct(1.0), 8.0));
}

#[test]
fn r2_at_the_reference_and_the_clamp() {
    // A = 0.0693 → 0.
    assert!(close(r2_pct(0.0693).1, 0.0));
    // A = 0.0893: 99 · 0.02 = 1.98 %.
    assert!(close(r2_pct(0.0893).1, 1.98));
    // The clamp bites at |99·(A − 0.0693)| = 3, i.e. A = 0.0693 ± 0.030303…
    let edge = 0.0693 + 3.0 / 99.0;
    assert!(r2_pct(edge - 1e-6).1 < 3.0);
    assert_eq!(r2_pct(edge + 1e-6).1, 3.0);
    assert!(r2_pct(edge + 1e-6).0 > 3.0);
    assert_eq!(r2_pct(1.0), (99.0 * (1.0 - 0.0693), 3.0));
    assert_eq!(r2_pct(0.0).1, -3.0); // 99·(−0.0693) = −6.86 → −3
    assert!(close(r2_pct(0.05).1, 99.0 * (0.05 - 0.0693))); // −1.9107, not clamped
}

#[test]
fn r3_bands_take_the_boundary_into_the_lower_band() {
    let cases = [
        (0.30, 0.0),
        (0.35, 0.0),
        (0.350_001, 0.5),
        (0.45, 0.5),
        (0.55, 0.5),
        (0.550_001, 1.0),
        (0.75, 1.0),
        (0.750_001, 2.0),
        (1.2, 2.0),
    ];
    for (p, r) in cases {
        assert_eq!(r3_pct(p), r, "p = {p} MPa");
    }
}

#[test]
fn r4_only_above_one_point_four_metres() {
    assert_eq!(r4_pct(1.0), 0.0);
    assert_eq!(r4_pct(1.4), 0.0);
    assert_eq!(r4_pct(1.400_001), 1.0);
    assert_eq!(r4_pct(2.5), 1.0);
}

#[test]
fn grades_at_their_limits() {
    assert_eq!(grade(9.99), Grade::First);
    assert_eq!(grade(10.0), Grade::First);
    assert_eq!(grade(10.01), Grade::Second);
    assert_eq!(grade(12.0), Grade::Second);
    assert_eq!(grade(12.01), Grade::Fails);
}

fn unit() -> Cjj92Inputs {
    Cjj92Inputs {
        period_s: (0, 365 * DAY),
        supply_m3: 10_000_000.0, // 1000 万m³
        registered_use_m3: 8_500_000.0,
        household_metered_share: 0.5,
        pipe_length_dn75_km: 80.0,
        mean_outlet_pressure_mpa: 0.40,
        max_frost_depth_m: 1.6,
    }
}

#[test]
fn a_whole_year() {
    // R_WL = (1000 − 850)/1000 = 15 %. R1 = 8·0.5 = 4 %. A = 80 km / 1000 万m³ = 0.08;
    // R2 = 99·(0.08 − 0.0693) = 1.0593 %. R3 (0.40 MPa) = 0.5 %. R4 (1.6 m) = 1 %.
    // R_n = 6.5593 %, R_BL = 15 − 6.5593 = 8.4407 % → 一级.
    let c = cjj92(&unit()).unwrap();
    assert!(close(c.r_wl_pct, 15.0));
    assert!(close(c.r1_pct, 4.0));
    assert!(close(c.a_km_per_1e4m3, 0.08));
    assert!(close(c.r2_pct, 1.0593));
    assert_eq!((c.r3_pct, c.r4_pct), (0.5, 1.0));
    assert!(close(c.r_n_pct, 6.5593));
    assert!(close(c.r_bl_pct, 8.4407));
    assert_eq!(c.grade, Grade::First);
    assert!(c.notes.is_empty());
    // A leap year is a year too.
    let leap = cjj92(&Cjj92Inputs { period_s: (0, 366 * DAY), ..unit() }).unwrap();
    assert_eq!(leap.annual_supply_m3, 10_000_000.0);
}

#[test]
fn a_quarter_is_annualised_for_a() {
    // 91.25 days with 250 万m³: annual Qs = 250·365/91.25 = 1000 万m³, so A = 0.08 as for the year.
    let q =
        Cjj92Inputs { period_s: (0, 365 * DAY / 4), supply_m3: 2_500_000.0, registered_use_m3: 2_125_000.0, ..unit() };
    let c = cjj92(&q).unwrap();
    assert!(close(c.annual_supply_m3, 10_000_000.0));
    assert!(close(c.a_km_per_1e4m3, 0.08));
    assert!(close(c.r_wl_pct, 15.0));
    assert!(c.notes.iter().any(|n| n.contains("annualised")));
    // Without annualising, A would be 0.32 and R2 clamped at 3 %.
    assert!(c.r2_pct < 3.0);
}

#[test]
fn invalid_inputs_are_errors() {
    assert!(matches!(cjj92(&Cjj92Inputs { supply_m3: 0.0, ..unit() }), Err(Cjj92Error::NoSupply(_))));
    assert!(matches!(
        cjj92(&Cjj92Inputs { household_metered_share: 1.2, ..unit() }),
        Err(Cjj92Error::ShareOutOfRange(_))
    ));
    assert!(matches!(cjj92(&Cjj92Inputs { max_frost_depth_m: f64::NAN, ..unit() }), Err(Cjj92Error::NotFinite { .. })));
    assert!(matches!(cjj92(&Cjj92Inputs { period_s: (5, 5), ..unit() }), Err(Cjj92Error::InvalidPeriod(5, 5))));
    // A clamped R2 is noted; a failing unit grades as such.
    let c = cjj92(&Cjj92Inputs { pipe_length_dn75_km: 500.0, registered_use_m3: 7_000_000.0, ..unit() }).unwrap();
    assert_eq!(c.r2_pct, 3.0);
    assert!(c.notes.iter().any(|n| n.contains("clamped")));
    // 30 − (4 + 3 + 0.5 + 1) = 21.5 %.
    assert!(close(c.r_bl_pct, 21.5));
    assert_eq!(c.grade, Grade::Fails);
}
