//! Quality flags on synthetic series.

use oasis_metering::quality::{FlagKind, QualitySettings, check_series};
use oasis_metering::{Meter, Reading};

fn meter(series: &str, unit: &str, capacity: Option<&str>) -> Meter {
    let kind = if series == "register" { "customer" } else { "flow" };
    let mut f =
        vec![("meter_id", "M"), ("kind", kind), ("node", "J1"), ("link", "P1"), ("series", series), ("unit", unit)];
    if let Some(c) = capacity {
        f.push(("register_capacity", c));
    }
    Meter::from_fields(|k| f.iter().find(|(n, _)| *n == k).map(|(_, v)| *v), 0).unwrap()
}

fn kinds(flags: &[oasis_metering::quality::Flag]) -> Vec<FlagKind> {
    flags.iter().map(|f| f.kind).collect()
}

#[test]
fn a_clean_hourly_register_has_no_flags() {
    // 1 m³/h with a little variation: 1.0, 1.1, 0.9, …
    let mut v = 0.0;
    let r: Vec<Reading> = (0..200)
        .map(|i| {
            v += 1.0 + 0.1 * ((i % 3) as f64 - 1.0);
            Reading { t_s: i * 3600, value: v }
        })
        .collect();
    assert_eq!(check_series(&meter("register", "m3", None), &r, &QualitySettings::default()), vec![]);
}

#[test]
fn gaps_rollovers_decreases_and_spikes_in_a_register() {
    // Hourly, +0.5 m³ each hour, register capacity 100: from 95 it rolls over at hour 10.
    let mut r: Vec<Reading> = (0..40).map(|i| Reading { t_s: i * 3600, value: (95.0 + 0.5 * i as f64) % 100.0 }).collect();
    // Gap: the reading at hour 20 is missing (step 7200 > 1.5 × 3600).
    r.retain(|x| x.t_s != 20 * 3600);
    // A jump of +60 m³ in one hour at hour 30: 121 times the steady rate (a spike).
    for x in r.iter_mut().filter(|x| x.t_s >= 30 * 3600) {
        x.value = (x.value + 60.0) % 100.0;
    }
    let flags = check_series(&meter("register", "m3", Some("100")), &r, &QualitySettings::default());
    let k = kinds(&flags);
    assert!(k.contains(&FlagKind::Gap { from_s: 19 * 3600, to_s: 21 * 3600 }), "{flags:?}");
    assert!(flags.iter().any(|f| f.kind == FlagKind::Rollover && f.t_s == 10 * 3600), "{flags:?}");
    assert!(flags.iter().any(|f| f.kind == FlagKind::Spike && f.t_s == 30 * 3600), "{flags:?}");
    assert_eq!(flags.iter().filter(|f| f.kind == FlagKind::Spike).count(), 1, "{flags:?}");
    assert!(!k.contains(&FlagKind::Decrease));
    // +5 m³ in an hour is 11 times the steady rate: far out on this steady meter's spread, but
    // not the hundredfold that makes a register increment implausible.
    let mut steady: Vec<Reading> = (0..40).map(|i| Reading { t_s: i * 3600, value: 0.5 * i as f64 }).collect();
    for x in steady.iter_mut().filter(|x| x.t_s >= 30 * 3600) {
        x.value += 5.0;
    }
    let flags = check_series(&meter("register", "m3", None), &steady, &QualitySettings::default());
    assert!(!kinds(&flags).contains(&FlagKind::Spike), "{flags:?}");
    // Without a capacity the rollover is a decrease.
    let flags = check_series(&meter("register", "m3", None), &r, &QualitySettings::default());
    assert!(flags.iter().any(|f| f.kind == FlagKind::Decrease && f.t_s == 10 * 3600), "{flags:?}");
}

/// A household register over 60 days, hourly, in m³: most hours no use, one hour in eight a use of
/// 5 to 400 L (a tap, a shower, a washing machine, a bath; log-uniform, whole litres), drawn from a
/// fixed generator: the pattern of the DAIAD trial's meters.
fn household(hours: i64) -> Vec<Reading> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut v = 1234.0;
    (0..hours)
        .map(|h| {
            if next() < 0.125 {
                v += (5.0 * (80.0f64).powf(next())).round() / 1000.0;
            }
            Reading { t_s: h * 3600, value: v }
        })
        .collect()
}

#[test]
fn a_bursty_household_register_has_no_spikes_but_a_hundredfold_jump_is_one() {
    let r = household(60 * 24);
    let inc: Vec<f64> = r.windows(2).map(|w| w[1].value - w[0].value).collect();
    let uses = inc.iter().filter(|d| **d > 0.0).count();
    let largest = inc.iter().copied().fold(0.0, f64::max);
    assert!((150..210).contains(&uses) && largest <= 0.4, "{uses} uses, largest {largest}");
    // The rule of the value series, a robust z-score over all increments, sees spikes here: the
    // median and the MAD are 0 (most hours), and the mean-absolute-deviation stand-in is small.
    let scale = 1.253_314 * inc.iter().sum::<f64>() / inc.len() as f64;
    let old_spikes = inc.iter().filter(|d| **d / scale > 8.0).count();
    assert!(old_spikes >= 20, "{old_spikes}");
    let flags = check_series(&meter("register", "L", None), &r, &QualitySettings::default());
    let spikes: Vec<_> = flags.iter().filter(|f| f.kind == FlagKind::Spike).collect();
    assert!(spikes.is_empty(), "{spikes:?}");
    // A reading error: 40 m³ in one hour, 100 times the largest use of the 60 days.
    let mut r = r;
    for x in r.iter_mut().filter(|x| x.t_s >= 1000 * 3600) {
        x.value += 40.0;
    }
    let flags = check_series(&meter("register", "L", None), &r, &QualitySettings::default());
    let spikes: Vec<_> = flags.iter().filter(|f| f.kind == FlagKind::Spike).collect();
    assert_eq!(spikes.len(), 1, "{spikes:?}");
    assert_eq!(spikes[0].t_s, 1000 * 3600);
    // The same 40 m³ spread over a 100-hour gap is a plausible 400 L/h: no spike.
    let mut r: Vec<Reading> = household(60 * 24);
    r.retain(|x| !(900 * 3600..1000 * 3600).contains(&x.t_s));
    for x in r.iter_mut().filter(|x| x.t_s >= 1000 * 3600) {
        x.value += 40.0;
    }
    let flags = check_series(&meter("register", "L", None), &r, &QualitySettings::default());
    assert!(!kinds(&flags).contains(&FlagKind::Spike), "{flags:?}");
}

#[test]
fn a_stuck_register_needs_more_than_a_day_and_a_moving_series() {
    // 15-min readings, +0.25 m³ each, for 5 days; then unchanged for 30 h (120 readings), then moving.
    let mut r = Vec::new();
    let mut v = 0.0;
    let mut t = 0;
    for i in 0..600 {
        if !(200..320).contains(&i) {
            v += 0.25;
        }
        r.push(Reading { t_s: t, value: v });
        t += 900;
    }
    let flags = check_series(&meter("register", "m3", None), &r, &QualitySettings::default());
    let stuck: Vec<_> = flags.iter().filter(|f| matches!(f.kind, FlagKind::Stuck { .. })).collect();
    assert_eq!(stuck.len(), 1, "{flags:?}");
    // Unchanged from reading 199 (the last increase) to reading 319.
    assert_eq!(stuck[0].kind, FlagKind::Stuck { from_s: 199 * 900, to_s: 319 * 900 });

    // 20 h unchanged (80 readings ≥ 48, but not over 24 h): a quiet night, not stuck.
    let mut r = Vec::new();
    let mut v = 0.0;
    for i in 0..600 {
        if !(200..280).contains(&i) {
            v += 0.25;
        }
        r.push(Reading { t_s: i * 900, value: v });
    }
    let flags = check_series(&meter("register", "m3", None), &r, &QualitySettings::default());
    assert!(!flags.iter().any(|f| matches!(f.kind, FlagKind::Stuck { .. })), "{flags:?}");

    // A register that mostly does not move (median increment 0) is never "stuck".
    let r: Vec<Reading> = (0..600)
        .map(|i| Reading { t_s: i * 900, value: if i % 10 == 0 { i as f64 } else { (i - i % 10) as f64 } })
        .collect();
    let flags = check_series(&meter("register", "m3", None), &r, &QualitySettings::default());
    assert!(!flags.iter().any(|f| matches!(f.kind, FlagKind::Stuck { .. })), "{flags:?}");
}

#[test]
fn flow_spikes_negatives_and_bad_values() {
    // A flow around 10 m³/h (9.5…10.5) with one 60 m³/h value, a NaN and a repeated stamp.
    let mut r: Vec<Reading> =
        (0..100).map(|i| Reading { t_s: i * 600, value: 10.0 + ((i % 5) as f64 - 2.0) * 0.25 }).collect();
    r[50].value = 60.0;
    r[60].value = f64::NAN;
    r.insert(71, Reading { t_s: 70 * 600, value: 1.0 });
    let flags = check_series(&meter("flow", "m3/h", None), &r, &QualitySettings::default());
    assert!(flags.iter().any(|f| f.kind == FlagKind::Spike && f.t_s == 50 * 600), "{flags:?}");
    assert_eq!(flags.iter().filter(|f| f.kind == FlagKind::Spike).count(), 1, "{flags:?}");
    assert!(flags.iter().any(|f| f.kind == FlagKind::NotFinite && f.t_s == 60 * 600));
    assert!(flags.iter().any(|f| f.kind == FlagKind::DuplicateTime && f.t_s == 70 * 600));
    // Leaving the NaN out makes a 1200 s step, more than 1.5 × 600 s: a gap.
    assert!(flags.iter().any(|f| f.kind == FlagKind::Gap { from_s: 59 * 600, to_s: 61 * 600 }));
    // Negative flows are allowed (reverse flow); negative registers are not.
    let neg = [Reading { t_s: 0, value: -2.0 }, Reading { t_s: 600, value: 1.0 }];
    assert!(
        !kinds(&check_series(&meter("flow", "m3/h", None), &neg, &QualitySettings::default()))
            .contains(&FlagKind::Negative)
    );
    assert!(
        kinds(&check_series(&meter("register", "m3", None), &neg, &QualitySettings::default()))
            .contains(&FlagKind::Negative)
    );
}

#[test]
fn unsorted_and_empty_series() {
    let r = [Reading { t_s: 600, value: 1.0 }, Reading { t_s: 0, value: 1.0 }];
    let flags = check_series(&meter("flow", "m3/h", None), &r, &QualitySettings::default());
    assert_eq!(kinds(&flags), vec![FlagKind::Unsorted]);
    assert_eq!(check_series(&meter("flow", "m3/h", None), &[], &QualitySettings::default()), vec![]);
    // A given expected interval overrides the median step: 600 s steps against 300 s expected.
    let r: Vec<Reading> = (0..5).map(|i| Reading { t_s: i * 600, value: 1.0 }).collect();
    let s = QualitySettings { expected_interval_s: Some(300), ..Default::default() };
    assert_eq!(check_series(&meter("flow", "m3/h", None), &r, &s).len(), 4);
}

#[test]
fn a_valve_that_opens_for_hours_is_not_a_spike_but_a_lone_excursion_is() {
    // A PRV's flow: closed (0) most of the day, open at 25–28 L/s for three hours each morning
    // (12 quarter-hours), with small noise: the openings are the series' business, not spikes.
    let r: Vec<Reading> = (0..96 * 7)
        .map(|i| {
            let q = i % 96;
            let open = (24..36).contains(&q);
            let value = if open { 25.0 + (q % 4) as f64 } else { 0.0 };
            Reading { t_s: i * 900, value }
        })
        .collect();
    let flags = check_series(&meter("flow", "L/s", None), &r, &QualitySettings::default());
    assert!(!kinds(&flags).contains(&FlagKind::Spike), "{flags:?}");
    // One reading of 300 L/s inside an opening, back to 26 the next quarter-hour: a spike.
    let mut r = r;
    r[96 * 3 + 30].value = 300.0;
    let flags = check_series(&meter("flow", "L/s", None), &r, &QualitySettings::default());
    let spikes: Vec<i64> = flags.iter().filter(|f| f.kind == FlagKind::Spike).map(|f| f.t_s).collect();
    assert_eq!(spikes, vec![(96 * 3 + 30) * 900]);
}
