//! Minimum night flow on synthetic days with known minima, the NDF, baselines and alerts.

use oasis_metering::time::parse_local_time;
use oasis_metering::{
    FlowSample, LegitimateNightUse, NaiveDate, NightFlowError, NightFlowSettings, night_day_factor, night_flow,
};

const UTC8: i32 = 8 * 3600;

/// 15-min net inflow from local midnight of 2025-01-01 (UTC+8) for `mnf.len()` days: 30 m³/h
/// outside 02:00–04:00; inside, `mnf[d] + 0.5·|minutes − 180|/15`, lowest at the 03:00 stamp.
/// Window stamps 02:15 … 04:00 are +1.5, +1, +0.5, 0, +0.5, +1, +1.5, +2.
fn synthetic(mnf: &[f64]) -> Vec<FlowSample> {
    let t0 = parse_local_time("2025-01-01", UTC8).unwrap();
    let mut out = Vec::new();
    for (d, m) in mnf.iter().enumerate() {
        for k in 1..=96i64 {
            let minute = k * 15; // stamp's minute of the local day (1440 = next midnight)
            let flow =
                if minute > 120 && minute <= 240 { m + 0.5 * ((minute - 180).abs() as f64 / 15.0) } else { 30.0 };
            out.push(FlowSample { t_s: t0 + d as i64 * 86_400 + minute * 60, flow_m3h: flow });
        }
    }
    out
}

fn settings() -> NightFlowSettings {
    NightFlowSettings {
        utc_offset_s: UTC8,
        lnu: LegitimateNightUse {
            per_connection_lph: 1.5,
            connections: 1000,
            non_household_lph: 500.0,
            measured_night_use_m3h: Some(0.5),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn a_day_with_a_known_minimum() {
    let samples = synthetic(&[6.0]);
    let days = night_flow(&samples, &|_| Some(20.0), &settings()).unwrap();
    // The last stamp is the next local midnight, which belongs to 2 January: two days out.
    assert_eq!(days.len(), 2);
    let d = &days[0];
    assert_eq!(d.date, date(2025, 1, 1));
    assert_eq!(d.mnf_m3h, Some(6.0));
    assert_eq!(d.mnf_at_s, Some(parse_local_time("2025-01-01 03:00", UTC8).unwrap()));
    assert_eq!(d.mnf_hour, Some(2)); // the 02:45–03:00 interval
    assert_eq!(d.samples_in_window, 8);
    assert!(d.complete);
    // LNU = (1.5·1000 + 500)/1000 + 0.5 = 2.5 m³/h; NL = 6 − 2.5 = 3.5; × NDF 20 = 70 m³/day.
    assert_eq!(d.lnu_m3h, 2.5);
    assert_eq!(d.night_leakage_m3h, Some(3.5));
    assert_eq!((d.ndf_h, d.ndf_assumed_24h), (20.0, false));
    assert_eq!(d.daily_leakage_m3, Some(70.0));
    assert_eq!(days[1].mnf_m3h, None);
    assert!(!days[1].complete);

    // Hourly MNF: blocks (02:00, 03:00] mean (1.5+1+0.5+0)/4 = 0.75 and (03:00, 04:00] 1.25.
    let hourly = NightFlowSettings { resolution_s: Some(3600), ..settings() };
    let d = &night_flow(&samples, &|_| None, &hourly).unwrap()[0];
    assert_eq!(d.mnf_m3h, Some(6.75));
    assert_eq!(d.mnf_hour, Some(2));
    assert!(d.complete);
    // No NDF given: 24 h, and the day says so. NL = 6.75 − 2.5 = 4.25; × 24 = 102 m³.
    assert_eq!((d.ndf_h, d.ndf_assumed_24h), (24.0, true));
    assert_eq!(d.daily_leakage_m3, Some(102.0));
}

#[test]
fn local_days_follow_the_utc_offset() {
    let samples = synthetic(&[6.0, 6.0]);
    // At UTC+0 the 02:00–04:00 window is 10:00–12:00 at UTC+8, where the flow is 30.
    let utc = NightFlowSettings { utc_offset_s: 0, ..settings() };
    let days = night_flow(&samples, &|_| None, &utc).unwrap();
    // Samples run from 2024-12-31 16:15 UTC to 2025-01-02 16:00 UTC: three UTC days.
    assert_eq!(
        days.iter().map(|d| d.date).collect::<Vec<_>>(),
        [date(2024, 12, 31), date(2025, 1, 1), date(2025, 1, 2)]
    );
    assert_eq!(days[1].mnf_m3h, Some(30.0));
    assert!(days[1].complete);
    // 2024-12-31's window (02:00–04:00 UTC) is before the first sample: nothing, incomplete.
    assert_eq!((days[0].mnf_m3h, days[0].complete), (None, false));
    let local = night_flow(&samples, &|_| None, &settings()).unwrap();
    assert_eq!(local[0].date, date(2025, 1, 1));
    assert_eq!(local[1].mnf_m3h, Some(6.0));
}

#[test]
fn a_missing_sample_makes_the_day_incomplete() {
    let mut samples = synthetic(&[6.0, 6.0]);
    let gone = parse_local_time("2025-01-02 03:00", UTC8).unwrap();
    samples.retain(|s| s.t_s != gone);
    let days = night_flow(&samples, &|_| None, &settings()).unwrap();
    assert!(days[0].complete);
    // Still reported (6.5 at 02:45 or 03:15), but flagged.
    assert_eq!(days[1].mnf_m3h, Some(6.5));
    assert_eq!(days[1].samples_in_window, 7);
    assert!(!days[1].complete);
    // The last sample of the window missing too (04:00): incomplete.
    let mut samples = synthetic(&[6.0]);
    samples.retain(|s| s.t_s != parse_local_time("2025-01-01 04:00", UTC8).unwrap());
    assert!(!night_flow(&samples, &|_| None, &settings()).unwrap()[0].complete);
    // A NaN sample is a missing one.
    let mut samples = synthetic(&[6.0]);
    samples[10].flow_m3h = f64::NAN; // 02:45
    assert!(!night_flow(&samples, &|_| None, &settings()).unwrap()[0].complete);
}

#[test]
fn an_alert_after_a_step_rise() {
    // Ten days at 5 m³/h, then 8 m³/h: a rise of 3 m³/h (60 %) above the 7-day baseline of 5.
    let mut mnf = vec![5.0; 10];
    mnf.extend([8.0, 8.0]);
    let days = night_flow(&synthetic(&mnf), &|_| None, &settings()).unwrap();
    for d in &days[..7] {
        assert_eq!(d.baseline_mnf_m3h, None, "{}", d.date);
    }
    for d in &days[7..10] {
        assert_eq!(d.baseline_mnf_m3h, Some(5.0));
        assert_eq!(d.alert, None);
    }
    let a = days[10].alert.as_deref().expect("alert on day 11");
    assert!(a.contains("3.000 m³/h (60.0 %)"), "{a}");
    // Day 12's baseline is the median of days 5–11 (5,5,5,5,5,8… → 5): still an alert.
    assert_eq!(days[11].baseline_mnf_m3h, Some(5.0));
    assert!(days[11].alert.is_some());

    // A rise below either threshold is no alert: 5 → 5.8 is 0.8 m³/h < 1.
    let mut small = vec![5.0; 10];
    small.push(5.8);
    let days = night_flow(&synthetic(&small), &|_| None, &settings()).unwrap();
    assert_eq!(days[10].alert, None);
    // The same step on an incomplete day is not alerted.
    let mut samples = synthetic(&mnf);
    let gone = parse_local_time("2025-01-11 02:30", UTC8).unwrap();
    samples.retain(|s| s.t_s != gone);
    let days = night_flow(&samples, &|_| None, &settings()).unwrap();
    assert!(!days[10].complete);
    assert_eq!(days[10].alert, None);
    assert!(days[11].alert.is_some()); // day 11 was left out of day 12's baseline
}

#[test]
fn ndf_by_hand() {
    assert_eq!(night_day_factor(&[45.0; 24], 3, 1.0).unwrap(), 24.0);
    assert_eq!(night_day_factor(&[45.0; 24], 3, 1.5).unwrap(), 24.0);
    // Gravity zone: 50 m in the MNF hour, 40 m otherwise: 1 + 23·0.8 = 19.4 (N1 = 1).
    let mut p = [40.0; 24];
    p[3] = 50.0;
    assert!((night_day_factor(&p, 3, 1.0).unwrap() - 19.4).abs() < 1e-12);
    assert!((night_day_factor(&p, 3, 0.5).unwrap() - (1.0 + 23.0 * 0.8f64.sqrt())).abs() < 1e-12);
    // Pumped zone: 60 m by day: 1 + 23·1.2 = 28.6 > 24.
    let mut p = [60.0; 24];
    p[3] = 50.0;
    assert!((night_day_factor(&p, 3, 1.0).unwrap() - 28.6).abs() < 1e-12);
    assert!(matches!(night_day_factor(&p, 24, 1.0), Err(NightFlowError::InvalidHour(24))));
    p[3] = 0.0;
    assert!(matches!(night_day_factor(&p, 3, 1.0), Err(NightFlowError::InvalidPressure { hour: 3, .. })));
    p[5] = f64::NAN;
    assert!(night_day_factor(&p, 4, 1.0).is_err());
}

#[test]
fn bad_input_is_an_error() {
    let mut s = synthetic(&[6.0]);
    s.swap(3, 4);
    assert!(matches!(night_flow(&s, &|_| None, &settings()), Err(NightFlowError::Unsorted { .. })));
    let bad = NightFlowSettings { window_start_min: 240, window_end_min: 120, ..settings() };
    assert!(matches!(night_flow(&synthetic(&[6.0]), &|_| None, &bad), Err(NightFlowError::InvalidWindow { .. })));
    let bad = NightFlowSettings { resolution_s: Some(0), ..settings() };
    assert!(night_flow(&synthetic(&[6.0]), &|_| None, &bad).is_err());
    assert_eq!(night_flow(&[], &|_| None, &settings()).unwrap(), vec![]);
    let far = [FlowSample { t_s: 0, flow_m3h: 1.0 }, FlowSample { t_s: i64::MAX / 2, flow_m3h: 1.0 }];
    assert!(night_flow(&far, &|_| None, &settings()).is_err());
}
