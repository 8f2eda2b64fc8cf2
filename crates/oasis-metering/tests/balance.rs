//! The IWA water balance, UARL and ILI on hand-worked examples.

use oasis_metering::{
    ApparentLossRates, BalanceError, BalanceInputs, Infrastructure, RealLossesPerDay, iwa_table_rows, uarl_l_per_day,
    water_balance,
};

const YEAR_S: i64 = 365 * 86_400;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + b.abs())
}

fn example() -> BalanceInputs {
    BalanceInputs {
        period_s: (0, YEAR_S),
        system_input_m3: 1_000_000.0,
        storage_increase_m3: 10_000.0,
        billed_metered_m3: 700_000.0,
        billed_unmetered_m3: 20_000.0,
        unbilled_metered_m3: 5_000.0,
        unbilled_unmetered_m3: 15_000.0,
        apparent: ApparentLossRates {
            customer_meter_under_registration_pct: 2.0,
            unauthorised_pct: 0.25,
            data_error_pct: 0.25,
        },
        infrastructure: Infrastructure {
            mains_km: 100.0,
            connections: 5000,
            private_pipe_km: 0.0,
            mean_pressure_m: 50.0,
        },
    }
}

#[test]
fn uarl_by_hand() {
    // (18·100 + 0.8·5000 + 25·0)·50 = (1800 + 4000)·50 = 290 000 L/day.
    let i = Infrastructure { mains_km: 100.0, connections: 5000, private_pipe_km: 0.0, mean_pressure_m: 50.0 };
    assert_eq!(uarl_l_per_day(&i), 290_000.0);
    // With 20 km of private pipe: (1800 + 4000 + 500)·50 = 315 000.
    assert_eq!(uarl_l_per_day(&Infrastructure { private_pipe_km: 20.0, ..i }), 315_000.0);
}

#[test]
fn iwa_table_on_a_worked_example() {
    // SIV = 1 000 000 − 10 000 (tanks filled) = 990 000 m³.
    // Billed authorised = 700 000 + 20 000 = 720 000 (revenue water); unbilled = 5 000 + 15 000
    // = 20 000; authorised = 740 000; water losses = 990 000 − 740 000 = 250 000.
    // Apparent: under-registration 700 000·0.02/0.98 = 14 285.714…; unauthorised 0.25 % of SIV
    // = 2 475; data errors 0.25 % of billed metered = 1 750; total 18 510.714….
    // Real = 250 000 − 18 510.714… = 231 489.285…; NRW = 990 000 − 720 000 = 270 000 = 27.27 %.
    // UARL = 290 000 L/d × 365 d / 1000 = 105 850 m³; ILI = 231 489.285…/105 850 = 2.1869….
    // Density 5000/100 = 50/km ≥ 20: real losses per connection = 231 489.285…·1000/5000/365
    // = 126.84 L/conn/d.
    let b = water_balance(&example()).unwrap();
    assert_eq!(b.system_input_volume_m3, 990_000.0);
    assert_eq!(b.billed_authorised_m3, 720_000.0);
    assert_eq!(b.revenue_water_m3, 720_000.0);
    assert_eq!(b.unbilled_authorised_m3, 20_000.0);
    assert_eq!(b.authorised_m3, 740_000.0);
    assert_eq!(b.water_losses_m3, 250_000.0);
    let under = 700_000.0 * 0.02 / 0.98;
    assert!(close(b.meter_under_registration_m3, under));
    assert!(close(b.meter_under_registration_m3, 14_285.714_285_714_286));
    assert!(close(b.unauthorised_m3, 2_475.0));
    assert!(close(b.data_error_m3, 1_750.0));
    assert!(close(b.apparent_losses_m3, 18_510.714_285_714_286));
    assert!(close(b.real_losses_m3, 231_489.285_714_285_7));
    assert_eq!(b.non_revenue_water_m3, 270_000.0);
    assert!(close(b.nrw_pct_of_siv.unwrap(), 27.272_727_272_727_27));
    assert!(close(b.uarl_m3, 105_850.0));
    assert!(close(b.ili.unwrap(), 231_489.285_714_285_7 / 105_850.0));
    assert!((b.ili.unwrap() - 2.1869).abs() < 1e-4);
    match b.real_losses_per_day {
        Some(RealLossesPerDay::PerConnectionL(v)) => assert!((v - 126.843).abs() < 1e-3, "{v}"),
        other => panic!("{other:?}"),
    }
    assert!(b.validity_warnings.is_empty(), "{:?}", b.validity_warnings);
    // NRW = unbilled authorised + apparent + real (the identity of the table).
    assert!(close(b.non_revenue_water_m3, b.unbilled_authorised_m3 + b.apparent_losses_m3 + b.real_losses_m3));

    let rows = iwa_table_rows(&b);
    assert_eq!(rows[0], (0, "System input volume", 990_000.0));
    // Every box equals the sum of the boxes one level below it, up to the next box at its level.
    for (i, &(level, label, v)) in rows.iter().enumerate() {
        let children: Vec<f64> = rows[i + 1..]
            .iter()
            .take_while(|r| r.0 > level)
            .filter(|r| r.0 == level + 1 && !r.1.to_lowercase().contains("revenue"))
            .map(|r| r.2)
            .collect();
        if !children.is_empty() {
            assert!(close(children.iter().sum(), v), "{label}");
        }
    }
}

#[test]
fn sparse_small_system_warns_and_reports_per_km() {
    // 300 connections on 30 km: 10 per km < 20, fewer than 5000, pressure 20 m < 25.
    // Half a year: 182.5 days.
    let mut i = example();
    i.period_s = (0, YEAR_S / 2);
    i.infrastructure = Infrastructure { mains_km: 30.0, connections: 300, private_pipe_km: 0.0, mean_pressure_m: 20.0 };
    let b = water_balance(&i).unwrap();
    assert_eq!(b.days, 182.5);
    assert_eq!(b.connection_density_per_km, Some(10.0));
    match b.real_losses_per_day {
        Some(RealLossesPerDay::PerKmMainsL(v)) => assert!(close(v, b.real_losses_m3 * 1000.0 / 30.0 / 182.5)),
        other => panic!("{other:?}"),
    }
    // UARL = (18·30 + 0.8·300)·20 = (540 + 240)·20 = 15 600 L/d; × 182.5 d = 2 847 m³.
    assert!(close(b.uarl_m3, 2_847.0));
    let w = b.validity_warnings.join("\n");
    assert!(w.contains("300 connections < 5000"), "{w}");
    assert!(w.contains("< 20"), "{w}");
    assert!(w.contains("20 m outside 25–100"), "{w}");
}

#[test]
fn negative_real_losses_are_a_warning_and_bad_input_an_error() {
    let mut i = example();
    i.apparent.unauthorised_pct = 30.0; // 297 000 m³ of apparent losses > 250 000 of losses
    let b = water_balance(&i).unwrap();
    assert!(b.real_losses_m3 < 0.0);
    assert!(b.validity_warnings.iter().any(|w| w.contains("negative")));

    let mut i = example();
    i.billed_metered_m3 = f64::NAN;
    assert!(matches!(water_balance(&i), Err(BalanceError::NotFinite { field: "billed_metered_m3", .. })));
    let mut i = example();
    i.apparent.customer_meter_under_registration_pct = 100.0;
    assert!(matches!(water_balance(&i), Err(BalanceError::RateOutOfRange { .. })));
    let mut i = example();
    i.period_s = (10, 10);
    assert!(matches!(water_balance(&i), Err(BalanceError::InvalidPeriod(10, 10))));
    let mut i = example();
    i.unbilled_metered_m3 = -1.0;
    assert!(matches!(water_balance(&i), Err(BalanceError::Negative { .. })));
    // Tanks emptying: storage increase negative is allowed and adds to SIV.
    let mut i = example();
    i.storage_increase_m3 = -5_000.0;
    assert_eq!(water_balance(&i).unwrap().system_input_volume_m3, 1_005_000.0);
}
