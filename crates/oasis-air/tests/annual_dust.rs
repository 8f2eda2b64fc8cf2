//! The annual evaluation with the dust deduction, hand-computed on four days.

use std::collections::BTreeSet;

use oasis_air::annual::{self, composite_index};
use oasis_air::{
    AreaClass, Conc, DailyConc, Date, DayRecord, Edition, LimitSet, Limits, Pollutant, daily_aqi,
};

fn c(s: &str) -> Conc {
    s.parse().unwrap()
}

/// A day of 2025 (HJ 633—2012 / GB 3095—2012).
fn day(d: u32, pm10: &str, o3_8h: &str) -> DayRecord {
    let mut conc = DailyConc::default();
    for (p, v) in [
        (Pollutant::So2, "10"),
        (Pollutant::No2, "20"),
        (Pollutant::Pm10, pm10),
        (Pollutant::Pm25, "20"),
        (Pollutant::Co, "0.5"),
    ] {
        conc.mean_24h[p.index()] = Some(c(v));
        conc.hours[p.index()] = 24;
    }
    conc.o3_1h_max = Some(c("100"));
    conc.o3_8h_max = Some(c(o3_8h));
    conc.o3_8h_windows = 17;
    let date = Date::from_ymd(2025, 4, d).unwrap();
    DayRecord {
        date,
        report: daily_aqi(Edition::for_day(date), &conc),
        conc,
    }
}

fn limits() -> Limits {
    Limits::of(LimitSet::Gb3095_2012, AreaClass::Two)
}

#[test]
fn dust_deduction_turns_pm10_from_failing_to_attaining() {
    // Days 1–3 PM10 50; day 4 (a dust-event day) PM10 250 → IAQI 150 (轻度污染, primary PM10).
    let days = vec![
        day(1, "50", "80"),
        day(2, "50", "80"),
        day(3, "50", "80"),
        day(4, "250", "80"),
    ];
    let dust: BTreeSet<Date> = [Date::from_ymd(2025, 4, 4).unwrap()].into();
    let ev = annual::annual(2025, &days, &dust, limits()).unwrap();
    // Raw: PM10 mean (50 + 50 + 50 + 250)/4 = 100 > 70 (GB 3095—2012 二级) → 不达标;
    // 优良 3 of 4 valid days = 75.0 %.
    assert_eq!(ev.raw.means[2], Some(c("100")));
    assert_eq!(ev.raw.attainment.pm10, Some(false));
    assert_eq!(ev.raw.attainment.overall(), Some(false));
    assert_eq!(ev.raw.good_rate_pct(), Some(c("75")));
    // Deducted: day 4's PM data leave the mean → 150/3 = 50 ≤ 70 → 达标; the day
    // exceeded for PM10, so it leaves the 优良 evaluation → 3 of 3 = 100.0 %.
    assert_eq!(ev.deducted.means[2], Some(c("50")));
    assert_eq!(ev.deducted.attainment.pm10, Some(true));
    assert_eq!(ev.deducted.attainment.overall(), Some(true));
    assert_eq!(ev.deducted.good_rate_pct(), Some(c("100")));
    assert_eq!(
        ev.removed_from_good_rate,
        vec![Date::from_ymd(2025, 4, 4).unwrap()]
    );
    // Composite index raw: 10/60 + 20/40 + 100/70 + 20/35 + 0.5/4 + 80/160
    //   = 1/6 + 1/2 + 10/7 + 4/7 + 1/8 + 1/2 = 3 + 7/24 = 3.2916… → 3.29;
    // deducted: PM10 50/70 → 1/6 + 1/2 + 5/7 + 4/7 + 1/8 + 1/2 = 2.5773… → 2.58.
    assert_eq!(ev.composite_raw, Some(c("3.29")));
    assert_eq!(ev.composite_deducted, Some(c("2.58")));
    assert_eq!(composite_index(&ev.raw), ev.composite_raw);
}

#[test]
fn dust_day_exceeding_for_ozone_stays() {
    // Day 4 is a dust day but PM10 is 50 and O3 8-h 300 → the day exceeds for O3:
    // it stays in the 优良 evaluation (3 of 4 = 75 %), and only its PM values leave the means.
    let days = vec![
        day(1, "50", "80"),
        day(2, "50", "80"),
        day(3, "50", "80"),
        day(4, "50", "300"),
    ];
    let dust: BTreeSet<Date> = [Date::from_ymd(2025, 4, 4).unwrap()].into();
    let ev = annual::annual(2025, &days, &dust, limits()).unwrap();
    assert_eq!(ev.deducted.good_rate_pct(), Some(c("75")));
    assert!(ev.removed_from_good_rate.is_empty());
    assert_eq!(ev.deducted.mean_days[2], 3);
    // An unlisted day is never deducted.
    let ev = annual::annual(2025, &days, &BTreeSet::new(), limits()).unwrap();
    assert_eq!(ev.deducted, ev.raw);
}

#[test]
fn three_year_mean_of_annual_statistics() {
    // PM10 annual means 100, 50, 60 → (100 + 50 + 60)/3 = 70 ≤ 70 → 达标 (a value on the limit meets it).
    let mk = |y: i64, pm: &str| {
        let mut d = day(1, pm, "80");
        d.date = Date::from_ymd(y, 4, 1).unwrap();
        annual::annual(y, &[d], &BTreeSet::new(), limits()).unwrap()
    };
    let (a, b, e) = (mk(2023, "100"), mk(2024, "50"), mk(2025, "60"));
    let t = annual::three_year([&a, &b, &e], false, limits());
    assert_eq!(t.values[2], Some(c("70")));
    assert_eq!(t.attainment.pm10, Some(true));
    let (a2, b2, e2) = (mk(2023, "100"), mk(2024, "50"), mk(2025, "61"));
    // (100 + 50 + 61)/3 = 70.33 → 70 (integer step, half to even) → still 达标.
    assert_eq!(
        annual::three_year([&a2, &b2, &e2], false, limits()).values[2],
        Some(c("70"))
    );
}
