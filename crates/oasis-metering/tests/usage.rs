//! Register usage and interval volumes, on hand-computed cases.

use oasis_metering::{
    Coverage, Meter, MeterReadings, Reading, SeriesKind, UsageError, interval_volume, register_usage,
};

fn register(id: &str, capacity: Option<&str>) -> Meter {
    let mut f = vec![("meter_id", id), ("kind", "customer"), ("node", "J1"), ("series", "register"), ("unit", "m3")];
    if let Some(c) = capacity {
        f.push(("register_capacity", c));
    }
    Meter::from_fields(|k| f.iter().find(|(n, _)| *n == k).map(|(_, v)| *v), 0).unwrap()
}

fn rs(pairs: &[(i64, f64)]) -> Vec<Reading> {
    pairs.iter().map(|&(t_s, value)| Reading { t_s, value }).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * (1.0 + b.abs())
}

#[test]
fn interpolates_the_register_at_both_ends() {
    let m = register("A", None);
    let r = rs(&[(0, 100.0), (100, 200.0), (300, 400.0)]);
    // At t=50: 100 + 100·50/100 = 150. At t=200: 200 + 200·100/200 = 300. Use 300 − 150 = 150.
    let u = register_usage(&[MeterReadings { meter: &m, readings: &r }], 50, 200).unwrap();
    assert!(close(u.volume_m3, 150.0), "{u:?}");
    assert!(u.complete && u.missing.is_empty());
    assert_eq!(u.readings_used, 3);
    // Inside one interval: 10 s of 100 s at 1 m³/s-equivalent = 10 m³.
    let u = register_usage(&[MeterReadings { meter: &m, readings: &r }], 20, 30).unwrap();
    assert!(close(u.volume_m3, 10.0));
    assert_eq!(u.readings_used, 2);
}

#[test]
fn a_replacement_adds_old_and_new_registers() {
    let (a, b) = (register("A", None), register("B", None));
    let ra = rs(&[(0, 1000.0), (100, 1030.0)]);
    let rb = rs(&[(100, 0.0), (200, 12.0)]);
    // Old meter 1000 → 1030 (30 m³), new 0 → 12 (12 m³): 42 m³.
    let chain = [MeterReadings { meter: &a, readings: &ra }, MeterReadings { meter: &b, readings: &rb }];
    let u = register_usage(&chain, 0, 200).unwrap();
    assert!(close(u.volume_m3, 42.0), "{u:?}");
    assert!(u.complete);
    assert!(u.notes.iter().any(|n| n.contains("replaced by B")), "{:?}", u.notes);

    // The new meter first read 50 s after the old one's last: that time is missing, not guessed.
    let rb_late = rs(&[(150, 0.0), (200, 12.0)]);
    let chain = [MeterReadings { meter: &a, readings: &ra }, MeterReadings { meter: &b, readings: &rb_late }];
    let u = register_usage(&chain, 0, 200).unwrap();
    assert!(close(u.volume_m3, 42.0));
    assert!(!u.complete);
    assert_eq!(u.missing, vec![(100, 150)]);

    // A new meter read before the old one's last reading would count twice.
    let rb_early = rs(&[(90, 0.0), (200, 12.0)]);
    let chain = [MeterReadings { meter: &a, readings: &ra }, MeterReadings { meter: &b, readings: &rb_early }];
    assert!(matches!(register_usage(&chain, 0, 200), Err(UsageError::ChainOverlap { .. })));
}

#[test]
fn rollover_needs_a_declared_capacity() {
    let r = rs(&[(0, 99_990.0), (100, 40.0)]);
    // 100 000 − 99 990 + 40 = 50 m³; half the interval is 25 m³.
    let m = register("A", Some("100000"));
    let u = register_usage(&[MeterReadings { meter: &m, readings: &r }], 0, 100).unwrap();
    assert!(close(u.volume_m3, 50.0));
    assert!(u.notes.iter().any(|n| n.contains("rollover")));
    let u = register_usage(&[MeterReadings { meter: &m, readings: &r }], 50, 100).unwrap();
    assert!(close(u.volume_m3, 25.0));

    // Without a capacity the same readings are a decrease: an error, never a guess.
    let m = register("A", None);
    let e = register_usage(&[MeterReadings { meter: &m, readings: &r }], 0, 100).unwrap_err();
    assert!(matches!(e, UsageError::Decrease { t_s: 100, .. }), "{e}");
    // With a capacity, more than half a turn is still a decrease (1 200 → 1 150).
    let m = register("A", Some("100000"));
    let r = rs(&[(0, 1200.0), (100, 1150.0)]);
    assert!(matches!(
        register_usage(&[MeterReadings { meter: &m, readings: &r }], 0, 100),
        Err(UsageError::Decrease { .. })
    ));
    // A decrease outside the span does not matter.
    let r = rs(&[(0, 1200.0), (100, 1150.0), (200, 1160.0)]);
    let u = register_usage(&[MeterReadings { meter: &m, readings: &r }], 100, 200).unwrap();
    assert!(close(u.volume_m3, 10.0));
}

#[test]
fn uncovered_ends_are_incomplete() {
    let m = register("A", None);
    let r = rs(&[(100, 10.0), (200, 20.0)]);
    let u = register_usage(&[MeterReadings { meter: &m, readings: &r }], 0, 300).unwrap();
    // Only (100, 200) is covered: 10 m³ over it.
    assert!(close(u.volume_m3, 10.0));
    assert!(!u.complete);
    assert_eq!(u.missing, vec![(0, 100), (200, 300)]);
    assert!(u.notes.iter().any(|n| n.contains("before the start")));
    assert!(u.notes.iter().any(|n| n.contains("after the end")));
    // No readings at all: nothing covered.
    let u = register_usage(&[MeterReadings { meter: &m, readings: &[] }], 0, 300).unwrap();
    assert_eq!((u.volume_m3, u.complete, u.missing.clone()), (0.0, false, vec![(0, 300)]));
}

#[test]
fn bad_input_is_an_error_or_skipped_not_a_panic() {
    let m = register("A", None);
    let unsorted = rs(&[(100, 10.0), (50, 20.0)]);
    assert!(matches!(
        register_usage(&[MeterReadings { meter: &m, readings: &unsorted }], 0, 300),
        Err(UsageError::Unsorted { t_s: 50, .. })
    ));
    let negative = rs(&[(0, -1.0), (50, 20.0)]);
    assert!(matches!(
        register_usage(&[MeterReadings { meter: &m, readings: &negative }], 0, 50),
        Err(UsageError::NegativeRegister { .. })
    ));
    // A NaN register is skipped: 10 → 30 over (0, 200) by the readings around it.
    let nan = rs(&[(0, 10.0), (100, f64::NAN), (200, 30.0)]);
    let u = register_usage(&[MeterReadings { meter: &m, readings: &nan }], 0, 200).unwrap();
    assert!(close(u.volume_m3, 20.0) && u.complete);
    assert!(u.notes.iter().any(|n| n.contains("not a number")));
    let dup = rs(&[(0, 10.0), (0, 11.0)]);
    assert!(register_usage(&[MeterReadings { meter: &m, readings: &dup }], 0, 1).is_err());
    assert!(matches!(register_usage(&[], 0, 1), Err(UsageError::EmptyChain)));
    assert!(matches!(
        register_usage(&[MeterReadings { meter: &m, readings: &[] }], 5, 5),
        Err(UsageError::InvalidSpan { .. })
    ));
}

#[test]
fn usage_is_additive_over_adjacent_spans() {
    // Random registers (a fixed LCG, so the same cases every run): usage over [a, c] equals
    // [a, b] + [b, c] for every split, including splits between and on readings.
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    let m = register("A", Some("1000"));
    for _ in 0..200 {
        let mut t = 0i64;
        let mut v = next() * 1000.0;
        let mut r = vec![Reading { t_s: 0, value: v }];
        for _ in 0..10 {
            t += 1 + (next() * 1000.0) as i64;
            v = (v + next() * 400.0) % 1000.0; // sometimes rolls over, always < half a turn
            r.push(Reading { t_s: t, value: v });
        }
        let pick = |x: f64| (x * t as f64) as i64;
        let mut ts = [pick(next()), pick(next()), pick(next())];
        ts.sort();
        let [a, b, c] = ts;
        if a == b || b == c {
            continue;
        }
        let chain = [MeterReadings { meter: &m, readings: &r }];
        let whole = register_usage(&chain, a, c).unwrap().volume_m3;
        let parts = register_usage(&chain, a, b).unwrap().volume_m3 + register_usage(&chain, b, c).unwrap().volume_m3;
        assert!(close(whole, parts), "{whole} vs {parts}");
    }
}

#[test]
fn flow_series_volume_with_a_gap() {
    // 6 m³/h every 600 s = 1 m³ per interval. Stamps 0, 600, 1200, 3000, 3600; max step 900 s:
    // (1200, 3000] is a gap. Counted: (0, 1200] = 2 m³ and (3000, 3600] = 1 m³.
    let r = rs(&[(0, 6.0), (600, 6.0), (1200, 6.0), (3000, 6.0), (3600, 6.0)]);
    let c = interval_volume(&r, SeriesKind::Flow, 0, 3600, 900).unwrap();
    assert_eq!(c, Coverage { volume_m3: 3.0, covered_s: 1800, missing: vec![(1200, 3000)] });
    // Half of the first interval and all of the second: 0.5 + 1 = 1.5 m³.
    let c = interval_volume(&r, SeriesKind::Flow, 300, 1200, 900).unwrap();
    assert!(close(c.volume_m3, 1.5) && c.complete());
    // Before the first stamp nothing is known.
    let c = interval_volume(&r, SeriesKind::Flow, -600, 600, 900).unwrap();
    assert_eq!(c.missing, vec![(-600, 0)]);
    assert!(close(c.volume_m3, 1.0));
}

#[test]
fn volume_series_prorated_at_the_edges() {
    // Interval volumes 5, 7, NaN, 9 m³ ending at 600, 1200, 1800, 2400 (first stamp 0 opens).
    let r = rs(&[(0, 4.0), (600, 5.0), (1200, 7.0), (1800, f64::NAN), (2400, 9.0)]);
    // (300, 2100]: 5·300/600 + 7 + (NaN interval missing) + 9·300/600 = 2.5 + 7 + 4.5 = 14.
    let c = interval_volume(&r, SeriesKind::Volume, 300, 2100, 600).unwrap();
    assert!(close(c.volume_m3, 14.0), "{c:?}");
    assert_eq!(c.missing, vec![(1200, 1800)]);
    assert_eq!(c.covered_s, 1200);
    assert!(matches!(
        interval_volume(&r, SeriesKind::Register, 0, 1, 600),
        Err(UsageError::NotAnIntervalSeries { .. })
    ));
    assert!(matches!(interval_volume(&r, SeriesKind::Volume, 0, 1, 0), Err(UsageError::InvalidMaxStep { .. })));
    let unsorted = rs(&[(600, 1.0), (0, 1.0)]);
    assert!(interval_volume(&unsorted, SeriesKind::Volume, 0, 600, 600).is_err());
}
