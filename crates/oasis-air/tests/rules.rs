//! Special rules of the hourly and daily AQI, validity, percentiles and period
//! evaluation. Each expectation is worked out by hand in the comment beside it.

use oasis_air::*;

const E12: Edition = Edition::Hj633_2012;
const E26: Edition = Edition::Hj633_2026;

fn c(s: &str) -> Option<Conc> {
    Some(s.parse().unwrap())
}

/// A clean station-hour: SO2 10, NO2 20, PM10 40, PM2.5 20, CO 0.5, O3 50.
/// 1-h IAQIs: SO2 50*10/150 = 3.33 -> 4; NO2 50*20/100 = 10; PM10 50*40/50 = 40;
/// PM2.5 50*20/35 = 28.57 -> 29; CO 50*0.5/5 = 5; O3 50*50/160 = 15.6 -> 16.
fn clean() -> HourlyInput {
    HourlyInput {
        so2: c("10"),
        no2: c("20"),
        pm10: c("40"),
        pm25: c("20"),
        co: c("0.5"),
        o3: c("50"),
        o3_8h: c("60"),
        so2_24h: None,
    }
}

#[test]
fn clean_hour_is_excellent_without_primary() {
    for ed in [E12, E26] {
        let r = hourly_aqi(ed, &clean());
        assert_eq!(r.iaqi_of(Item::So2), Some(4));
        assert_eq!(r.iaqi_of(Item::No2), Some(10));
        assert_eq!(r.iaqi_of(Item::Pm10), Some(40));
        assert_eq!(r.iaqi_of(Item::Pm25), Some(29));
        assert_eq!(r.iaqi_of(Item::Co), Some(5));
        assert_eq!(r.iaqi_of(Item::O3), Some(16));
        // O3 8-h 60: 50*60/100 = 30
        assert_eq!(r.iaqi_of(Item::O3_8h), Some(30));
        assert_eq!(r.aqi, Some(40));
        assert_eq!(r.category, Some(Category::Excellent));
        assert!(r.primary.is_empty(), "no primary pollutant when AQI <= 50");
    }
}

#[test]
fn ties_list_every_primary_pollutant() {
    // 2012: PM10 150 -> 100, PM2.5 75 -> 100: both primary, AQI 100 良.
    let mut h = clean();
    h.pm10 = c("150");
    h.pm25 = c("75");
    let r = hourly_aqi(E12, &h);
    assert_eq!(r.aqi, Some(100));
    assert_eq!(r.primary, vec![Item::Pm10, Item::Pm25]);
    assert_eq!(r.primary_names(), "PM10;PM2.5");
    assert_eq!(r.category, Some(Category::Good));
    // 2026: the same 150 / 75 -> PM10 100 + 50*30/130 = 111.5 -> 112; PM2.5 100 + 50*15/55 = 113.6 -> 114
    let r = hourly_aqi(E26, &h);
    assert_eq!(r.aqi, Some(114));
    assert_eq!(r.primary, vec![Item::Pm25]);
    assert_eq!(r.category, Some(Category::LightlyPolluted));
}

#[test]
fn o3_8h_is_reported_but_never_enters_the_hourly_aqi() {
    // O3 8-h 300 (2012: 200 + 100*(300-265)/(800-265) = 206.5 -> 207) while every
    // 1-h IAQI is <= 40: AQI 40, no primary.
    let mut h = clean();
    h.o3_8h = c("300");
    let r = hourly_aqi(E12, &h);
    assert_eq!(r.iaqi_of(Item::O3_8h), Some(207));
    assert_eq!(r.aqi, Some(40));
    assert!(r.primary.is_empty());
}

#[test]
fn o3_8h_over_800() {
    // O3 1-h 900: 300 + 100*(900-800)/(1000-800) = 350. O3 8-h 850.
    let mut h = clean();
    h.o3 = c("900");
    h.o3_8h = c("850");
    // 2012: the 8-h IAQI is replaced by the 1-h IAQI (350).
    let r = hourly_aqi(E12, &h);
    assert_eq!(r.iaqi_of(Item::O3_8h), Some(350));
    assert_eq!(r.aqi, Some(350));
    assert_eq!(r.primary, vec![Item::O3]);
    assert_eq!(r.category, Some(Category::SeverelyPolluted));
    // 2026: the 8-h IAQI is taken as 300.
    let r = hourly_aqi(E26, &h);
    assert_eq!(r.iaqi_of(Item::O3_8h), Some(300));
    assert_eq!(r.aqi, Some(350));
}

#[test]
fn so2_1h_over_800() {
    let mut h = clean();
    h.so2 = c("900");
    h.so2_24h = c("160");
    // 2012: use the 24-h SO2 160: 100 + 50*(160-150)/(475-150) = 101.5 -> 102.
    let r = hourly_aqi(E12, &h);
    assert_eq!(r.iaqi_of(Item::So2), Some(102));
    assert_eq!(r.aqi, Some(102));
    assert_eq!(r.primary, vec![Item::So2]);
    assert_eq!(r.exceeding, vec![Item::So2], "2012 超标污染物: IAQI > 100");
    // 2026: taken as 200, no 超标污染物 (definition deleted).
    let r = hourly_aqi(E26, &h);
    assert_eq!(r.iaqi_of(Item::So2), Some(200));
    assert_eq!(r.aqi, Some(200));
    assert_eq!(r.category, Some(Category::ModeratelyPolluted));
    assert!(r.exceeding.is_empty());
    // 2012 without a valid 24-h mean: SO2 unrated (noted), AQI from the rest.
    h.so2_24h = None;
    let r = hourly_aqi(E12, &h);
    assert_eq!(r.iaqi_of(Item::So2), None);
    assert_eq!(r.aqi, Some(40));
    assert_eq!(r.notes.len(), 1);
}

#[test]
fn missing_data_publishing_rule() {
    for ed in [E12, E26] {
        // NO2, O3 or PM2.5 missing and the rest <= 100: no AQI.
        for field in ["no2", "o3", "pm25"] {
            let mut h = clean();
            match field {
                "no2" => h.no2 = None,
                "o3" => h.o3 = None,
                _ => h.pm25 = None,
            }
            let r = hourly_aqi(ed, &h);
            assert_eq!(r.aqi, None, "{field} missing");
            assert_eq!(r.aqi_from_present, Some(40));
            assert_eq!(r.category, None);
            assert!(r.primary.is_empty());
        }
        // SO2, CO or PM10 missing: still published from the rest.
        let mut h = clean();
        h.so2 = None;
        h.co = None;
        assert_eq!(hourly_aqi(ed, &h).aqi, Some(40));
        h.pm10 = None;
        // PM2.5 29 is now the maximum.
        assert_eq!(hourly_aqi(ed, &h).aqi, Some(29));
    }
    // NO2 missing but PM10 250 (2012: 150; 2026: 150) > 100: published with primary.
    let mut h = clean();
    h.no2 = None;
    h.pm10 = c("250");
    for ed in [E12, E26] {
        let r = hourly_aqi(ed, &h);
        assert_eq!(r.aqi, Some(150));
        assert_eq!(r.primary, vec![Item::Pm10]);
        assert_eq!(r.missing, vec![Item::No2]);
    }
    // Nothing at all: no AQI.
    assert_eq!(hourly_aqi(E26, &HourlyInput::default()).aqi, None);
}

#[test]
fn aqi_range_floor_differs() {
    let zero = HourlyInput {
        so2: c("0"),
        no2: c("0"),
        pm10: c("0"),
        pm25: c("0"),
        co: c("0"),
        o3: c("0"),
        o3_8h: None,
        so2_24h: None,
    };
    assert_eq!(hourly_aqi(E12, &zero).aqi, Some(0), "2012 range 0-500");
    assert_eq!(hourly_aqi(E26, &zero).aqi, Some(1), "2026 range 1-500");
}

#[test]
fn hourly_aqi_caps_at_500() {
    // Kashgar, 2026-03-15 12:00: PM10 1-h 1677 -> published AQI 500.
    let mut h = clean();
    h.pm10 = c("1677");
    let r = hourly_aqi(E26, &h);
    assert_eq!(r.aqi, Some(500));
    assert_eq!(r.primary, vec![Item::Pm10]);
}

#[test]
fn category_boundaries() {
    use Category::*;
    let cases = [
        (0, Excellent),
        (50, Excellent),
        (51, Good),
        (100, Good),
        (101, LightlyPolluted),
        (150, LightlyPolluted),
        (151, ModeratelyPolluted),
        (200, ModeratelyPolluted),
        (201, HeavilyPolluted),
        (300, HeavilyPolluted),
        (301, SeverelyPolluted),
        (500, SeverelyPolluted),
    ];
    for (aqi, cat) in cases {
        assert_eq!(Category::from_aqi(aqi), cat, "AQI {aqi}");
    }
    assert_eq!(Good.name_zh(), "良");
    assert_eq!(HeavilyPolluted.level_zh(), "五级");
    assert_eq!(SeverelyPolluted.rgb(), (126, 0, 35));
    assert!(Good.is_good() && !LightlyPolluted.is_good());
}

#[test]
fn edition_switches_at_the_first_hour_of_1_march_2026() {
    let at = |s: &str| Edition::for_hour(s.parse().unwrap());
    assert_eq!(at("2026-02-28T23:00"), E12);
    assert_eq!(at("2026-03-01T00:00"), E12, "23:00-24:00 on 28 February");
    assert_eq!(at("2026-03-01T01:00"), E26);
    assert_eq!(Edition::for_day("2026-02-28".parse().unwrap()), E12);
    assert_eq!(Edition::for_day("2026-03-01".parse().unwrap()), E26);
}

#[test]
fn moving_averages_need_enough_hours() {
    // 6 of 8: (100+110+120+130+140+150)/6 = 125
    let w = [
        c("100"),
        c("110"),
        c("120"),
        c("130"),
        c("140"),
        c("150"),
        None,
        None,
    ];
    assert_eq!(o3_8h_moving(&w), c("125"));
    // 5 of 8: invalid
    let w = [
        c("100"),
        c("110"),
        c("120"),
        c("130"),
        c("140"),
        None,
        None,
        None,
    ];
    assert_eq!(o3_8h_moving(&w), None);
    // (5*100 + 103)/6 = 100.5 -> 100 (half to even); (5*100+105)/6 = 100.83 -> 101
    let w = [
        c("100"),
        c("100"),
        c("100"),
        c("100"),
        c("100"),
        c("103"),
        None,
        None,
    ];
    assert_eq!(o3_8h_moving(&w), c("100"));
    let w = [
        c("100"),
        c("100"),
        c("100"),
        c("100"),
        c("100"),
        c("105"),
        None,
        None,
    ];
    assert_eq!(o3_8h_moving(&w), c("101"));
    // SO2 24-h: 20 of 24 valid -> mean; 19 -> invalid.
    let mut w = [None; 24];
    for v in w.iter_mut().take(20) {
        *v = c("30");
    }
    assert_eq!(so2_24h_moving(&w), c("30"));
    w[0] = None;
    assert_eq!(so2_24h_moving(&w), None);
}

// ---------- daily ----------

/// 24 hours of constant values: SO2 10, NO2 20, PM10 40, PM2.5 (given), CO 0.5, O3 (given).
fn day(pm25: &str, o3: &str) -> DayHours {
    let h = [c("10"), c("20"), c("40"), c(pm25), c("0.5"), c(o3)];
    [h; 24]
}

#[test]
fn daily_validity_twenty_hours() {
    let mut d = day("40", "80");
    // PM2.5 missing in 4 hours: 20 left -> valid
    for h in d.iter_mut().take(4) {
        h[Pollutant::Pm25.index()] = None;
    }
    assert_eq!(daily_conc(&d).mean(Pollutant::Pm25), c("40"));
    // a 5th missing hour: 19 -> invalid, explained
    d[4][Pollutant::Pm25.index()] = None;
    let dc = daily_conc(&d);
    assert_eq!(dc.mean(Pollutant::Pm25), None);
    assert_eq!(dc.hours[Pollutant::Pm25.index()], 19);
    assert_eq!(
        dc.invalid_reasons(),
        vec!["PM2.5: 19 valid hours < 20".to_string()]
    );
    // and the daily AQI is withheld because the rest is <= 100
    assert_eq!(daily_aqi(E26, &dc).aqi, None);
}

#[test]
fn daily_mean_rounds_half_even() {
    // 12 hours of 12 and 12 hours of 13: 12.5 -> 12; CO 12 x 0.6 + 12 x 0.7 = 0.65 -> 0.6
    let mut d = day("12", "80");
    for (i, h) in d.iter_mut().enumerate() {
        if i >= 12 {
            h[Pollutant::Pm25.index()] = c("13");
            h[Pollutant::Co.index()] = c("0.7");
        } else {
            h[Pollutant::Co.index()] = c("0.6");
        }
    }
    let dc = daily_conc(&d);
    assert_eq!(dc.mean(Pollutant::Pm25), c("12"));
    assert_eq!(dc.mean(Pollutant::Co), c("0.6"));
}

#[test]
fn o3_daily_max_8h() {
    // O3 80 all day except the 8 hours stamped 11:00 … 18:00 (indices 10..=17) at 160:
    // the window ending 18:00 averages 160; the 1-h max is 160.
    let mut d = day("20", "80");
    for h in d.iter_mut().take(18).skip(10) {
        h[Pollutant::O3.index()] = c("160");
    }
    let dc = daily_conc(&d);
    assert_eq!(dc.o3_8h_max, c("160"));
    assert_eq!(dc.o3_1h_max, c("160"));
    assert_eq!(dc.o3_8h_windows, 17);
}

#[test]
fn o3_8h_window_count_rule() {
    // O3 present only at indices 0..=k. Window ending at index e is valid when
    // at least 6 of e-7..=e are present: e <= k+2, so windows e = 7..=k+2 -> k-4 valid.
    let with_o3_until = |k: usize, v: &str| {
        let mut d = day("20", v);
        for h in d.iter_mut().skip(k + 1) {
            h[Pollutant::O3.index()] = None;
        }
        daily_conc(&d)
    };
    // k = 18: 14 windows -> valid
    let dc = with_o3_until(18, "100");
    assert_eq!(dc.o3_8h_windows, 14);
    assert_eq!(dc.o3_8h_max, c("100"));
    // k = 17: 13 windows, max 100 <= 160 -> invalid
    let dc = with_o3_until(17, "100");
    assert_eq!(dc.o3_8h_windows, 13);
    assert_eq!(dc.o3_8h_max, None);
    // 13 windows but max 200 > 160 -> still counts
    assert_eq!(with_o3_until(17, "200").o3_8h_max, c("200"));
    // 13 windows, max exactly 160 (not above) -> invalid
    assert_eq!(with_o3_until(17, "160").o3_8h_max, None);
}

#[test]
fn daily_aqi_by_edition() {
    // PM2.5 daily 70: 2012 50 + 50*(70-35)/40 = 93.75 -> 94 良;
    //                 2026 100 + 50*(70-60)/55 = 109.09 -> 110 轻度污染.
    let dc = daily_conc(&day("70", "80"));
    let r12 = daily_aqi(E12, &dc);
    assert_eq!(r12.aqi, Some(94));
    assert_eq!(r12.category, Some(Category::Good));
    assert_eq!(r12.primary, vec![Item::Pm25]);
    let r26 = daily_aqi(E26, &dc);
    assert_eq!(r26.aqi, Some(110));
    assert_eq!(r26.category, Some(Category::LightlyPolluted));
    // Other daily IAQIs (24-h columns): SO2 50*10/50 = 10; NO2 50*20/40 = 25; PM10 40;
    // CO 50*0.5/2 = 12.5 -> 13; O3 8-h 80: 50*80/100 = 40; 2012 O3 1-h 80: 50*80/160 = 25.
    assert_eq!(r12.iaqi_of(Item::So2), Some(10));
    assert_eq!(r12.iaqi_of(Item::No2), Some(25));
    assert_eq!(r12.iaqi_of(Item::Co), Some(13));
    assert_eq!(r12.iaqi_of(Item::O3_8h), Some(40));
    assert_eq!(r12.iaqi_of(Item::O3), Some(25));
    assert_eq!(
        r26.iaqi_of(Item::O3),
        None,
        "2026 daily report has no O3 1-h term"
    );
    assert_eq!(r26.aqi_items.len(), 6);
    assert_eq!(r12.aqi_items.len(), 7);
}

#[test]
fn daily_2012_o3_1h_max_can_drive_the_aqi() {
    // O3 80 except one hour at 300: 1-h max 300 -> 150 + 50*(300-300)/... = 150 exactly
    // (300 is the 150 breakpoint); 8-h max (7*80 + 300)/8 = 107.5 -> 108 (8 is even, .5 -> 108):
    // 50 + 50*(108-100)/60 = 56.67 -> 57.
    let mut d = day("20", "80");
    d[12][Pollutant::O3.index()] = c("300");
    let dc = daily_conc(&d);
    assert_eq!(dc.o3_8h_max, c("108"));
    let r = daily_aqi(E12, &dc);
    assert_eq!(r.aqi, Some(150));
    assert_eq!(r.primary, vec![Item::O3]);
    let r = daily_aqi(E26, &dc);
    assert_eq!(r.aqi, Some(57));
    assert_eq!(r.primary, vec![Item::O3_8h]);
}

#[test]
fn daily_o3_8h_over_800() {
    let dc = DailyConc {
        mean_24h: [c("10"), c("20"), c("40"), c("20"), c("0.5"), None],
        hours: [24; 6],
        o3_1h_max: c("1000"), // 2012 1-h IAQI exactly 400
        o3_8h_max: c("850"),
        o3_8h_windows: 17,
    };
    // 2012: the 8-h term gives way to the 1-h IAQI 400; not treated as missing.
    let r = daily_aqi(E12, &dc);
    assert_eq!(r.aqi, Some(400));
    assert_eq!(r.primary, vec![Item::O3]);
    assert!(r.missing.is_empty());
    // 2026: O3 8-h taken as 300.
    let r = daily_aqi(E26, &dc);
    assert_eq!(r.aqi, Some(300));
    assert_eq!(r.primary, vec![Item::O3_8h]);
}

#[test]
fn city_daily_is_the_mean_of_station_values() {
    // PM2.5 40 and 45 -> 42.5 -> 42 (even); a station without PM10 is left out.
    let a = daily_conc(&day("40", "80"));
    let mut b = daily_conc(&day("45", "90"));
    b.mean_24h[Pollutant::Pm10.index()] = None;
    let city = city_daily(&[a, b]);
    assert_eq!(city.mean(Pollutant::Pm25), c("42"));
    assert_eq!(city.mean(Pollutant::Pm10), c("40"));
    // O3 8-h max 80 and 90 -> 85
    assert_eq!(city.o3_8h_max, c("85"));
}

// ---------- percentiles and period ----------

#[test]
fn percentile_method_hj_663() {
    let v = |xs: &[i64]| xs.iter().map(|&x| Conc::from_units(x)).collect::<Vec<_>>();
    // Source's worked example: {3,4,8,2,5,4}, p = 90 -> k = 1 + 5*0.9 = 5.5 -> 5 + (8-5)*0.5 = 6.5
    let m = percentile(&v(&[3, 4, 8, 2, 5, 4]), 90).unwrap();
    assert_eq!(m.round_to(100_000), "6.5".parse().unwrap());
    // half even to integer: 6.5 -> 6
    assert_eq!(m.round_to(1_000_000), Conc::from_units(6));
    // 1..=20, p = 95: k = 1 + 19*0.95 = 19.05 -> 19 + 1*0.05 = 19.05
    let xs: Vec<i64> = (1..=20).collect();
    assert_eq!(
        percentile(&v(&xs), 95).unwrap().round_to(10_000),
        "19.05".parse().unwrap()
    );
    // {1,2,3,4}, p = 50: k = 2.5 -> 2.5 ; p = 100 -> 4 ; p = 0 -> 1
    assert_eq!(
        percentile(&v(&[4, 1, 3, 2]), 50).unwrap().round_to(100_000),
        "2.5".parse().unwrap()
    );
    assert_eq!(
        percentile(&v(&[4, 1, 3, 2]), 100)
            .unwrap()
            .round_to(1_000_000),
        Conc::from_units(4)
    );
    assert_eq!(
        percentile(&v(&[4, 1, 3, 2]), 0)
            .unwrap()
            .round_to(1_000_000),
        Conc::from_units(1)
    );
    // one value
    assert_eq!(
        percentile(&v(&[7]), 90).unwrap().round_to(1_000_000),
        Conc::from_units(7)
    );
    assert!(percentile(&[], 90).is_none());
}

fn record(date: &str, pm25: Option<&str>) -> DayRecord {
    let date: Date = date.parse().unwrap();
    let dc = DailyConc {
        mean_24h: [c("10"), c("20"), c("40"), pm25.and_then(c), c("0.5"), None],
        hours: [24; 6],
        o3_1h_max: c("90"),
        o3_8h_max: c("80"),
        o3_8h_windows: 17,
    };
    let report = daily_aqi(Edition::for_day(date), &dc);
    DayRecord {
        date,
        conc: dc,
        report,
    }
}

#[test]
fn period_evaluation_counts_and_means() {
    // 2026: PM2.5 30 -> 50*30/35 = 42.9 -> 43 优 (4 days); 50 -> 50 + 50*15/25 = 80 良 (3 days);
    // 80 -> 100 + 50*20/55 = 118.2 -> 119 轻度 (2 days); 1 day PM2.5 invalid -> no AQI.
    let pm = ["30", "30", "30", "30", "50", "50", "50", "80", "80"];
    let mut days: Vec<DayRecord> = pm
        .iter()
        .enumerate()
        .map(|(i, p)| record(&format!("2026-03-{:02}", i + 1), Some(p)))
        .collect();
    days.push(record("2026-03-10", None));
    days.push(record("2026-04-01", Some("400"))); // outside the period
    let from: Date = "2026-03-01".parse().unwrap();
    let to: Date = "2026-03-10".parse().unwrap();
    let ev = evaluate(
        from,
        to,
        &days,
        Limits::of(LimitSet::for_date(to), AreaClass::Two),
    )
    .unwrap();
    assert_eq!(ev.days_in_period, 10);
    assert_eq!(ev.valid_days, 9);
    assert_eq!(ev.good_days, 7);
    // 7/9 = 77.78 % -> 77.8
    assert_eq!(ev.good_rate_pct(), c("77.8"));
    assert_eq!(ev.days_by_category, [4, 3, 2, 0, 0, 0]);
    // PM2.5 primary on the 5 days with AQI > 50
    assert_eq!(ev.primary_days[Item::Pm25.index()], 5);
    // PM2.5 mean (4*30 + 3*50 + 2*80)/9 = 430/9 = 47.8 -> 48
    assert_eq!(ev.means[3], c("48"));
    assert_eq!(ev.mean_days[3], 9);
    assert_eq!(ev.co_p95, c("0.5"));
    assert_eq!(ev.o3_8h_p90, c("80"));
    // transition 二级: PM2.5 48 > 30 fails, the rest attain
    assert_eq!(ev.attainment.pm25, Some(false));
    assert_eq!(ev.attainment.pm10, Some(true));
    assert_eq!(ev.attainment.so2, Some(true));
    assert_eq!(ev.attainment.o3, Some(true));
    assert_eq!(ev.attainment.overall(), Some(false));
    // No whole month in 1-10 March: nothing to check.
    assert!(ev.mean_meets_validity[3]);
    assert!(evaluate(to, from, &days, ev.limits).is_err());
}

#[test]
fn annual_validity_per_month() {
    let limits = Limits::of(LimitSet::Gb3095_2026Transition, AreaClass::Two);
    let from: Date = "2026-03-01".parse().unwrap();
    let to: Date = "2026-03-31".parse().unwrap();
    let month = |n: u32| {
        (1..=n)
            .map(|d| record(&format!("2026-03-{d:02}"), Some("30")))
            .collect::<Vec<_>>()
    };
    assert!(
        evaluate(from, to, &month(27), limits)
            .unwrap()
            .mean_meets_validity[0],
        "27 days in March"
    );
    assert!(
        !evaluate(from, to, &month(26), limits)
            .unwrap()
            .mean_meets_validity[0],
        "26 days in March"
    );
    // February needs 25
    let feb = |n: u32| {
        (1..=n)
            .map(|d| record(&format!("2025-02-{d:02}"), Some("30")))
            .collect::<Vec<_>>()
    };
    let (f, t) = ("2025-02-01".parse().unwrap(), "2025-02-28".parse().unwrap());
    assert!(
        evaluate(f, t, &feb(25), limits)
            .unwrap()
            .mean_meets_validity[0]
    );
    assert!(
        !evaluate(f, t, &feb(24), limits)
            .unwrap()
            .mean_meets_validity[0]
    );
}

#[test]
fn limit_sets_by_date() {
    assert_eq!(
        LimitSet::for_date("2026-02-28".parse().unwrap()),
        LimitSet::Gb3095_2012
    );
    assert_eq!(
        LimitSet::for_date("2026-03-01".parse().unwrap()),
        LimitSet::Gb3095_2026Transition
    );
    assert_eq!(
        LimitSet::for_date("2030-12-31".parse().unwrap()),
        LimitSet::Gb3095_2026Transition
    );
    assert_eq!(
        LimitSet::for_date("2031-01-01".parse().unwrap()),
        LimitSet::Gb3095_2026Final
    );
    let f = Limits::of(LimitSet::Gb3095_2026Final, AreaClass::Two);
    assert_eq!(
        (f.pm25_annual, f.pm10_annual, f.so2_annual, f.no2_annual),
        (
            Conc::from_units(25),
            Conc::from_units(50),
            Conc::from_units(20),
            Conc::from_units(30)
        )
    );
    let t = Limits::of(LimitSet::Gb3095_2012, AreaClass::Two);
    assert_eq!(
        (t.pm25_annual, t.pm10_annual),
        (Conc::from_units(35), Conc::from_units(70))
    );
}
