//! Registers are read by the billing rules: on the same day-stamped readings, `register_usage`
//! gives the volume `oasis_tariff::meter` bills, and fails exactly where billing fails.

use oasis_metering::time::parse_local_time;
use oasis_metering::{Meter, MeterReadings, Reading, register_usage};
use oasis_tariff::meter::{MeterHistory, Reading as BillReading, ReadingEvent};
use oasis_tariff::{Decimal, NaiveDate};

fn meter(capacity: Option<u32>) -> Meter {
    let cap = capacity.map(|c| c.to_string()).unwrap_or_default();
    let f = [("meter_id", "A"), ("kind", "customer"), ("node", "J"), ("series", "register"), ("unit", "m3")];
    let m = Meter::from_fields(
        |k| {
            if k == "register_capacity" { Some(cap.as_str()) } else { f.iter().find(|(n, _)| *n == k).map(|(_, v)| *v) }
        },
        0,
    );
    m.unwrap()
}

#[test]
fn same_volumes_and_same_refusals_as_billing() {
    let mut seed: u64 = 42;
    let mut next = move |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let (mut agreed_ok, mut agreed_err) = (0, 0);
    for _ in 0..500 {
        let capacity = if next(2) == 0 { Some(1000u32) } else { None };
        let n = 2 + next(8) as usize;
        let mut day = start;
        let mut value = next(1000) as i64;
        let mut days = Vec::new();
        for i in 0..n {
            if i > 0 {
                day = day.succ_opt().unwrap();
                // Mostly up; sometimes a fall, of a few m³ or across the wrap.
                value = match next(6) {
                    0 => value - next(50) as i64,
                    1 => (value + 400 + next(200) as i64) % 1000,
                    _ => value + next(100) as i64,
                };
                value = value.max(0);
            }
            days.push((day, value));
        }
        let bill = MeterHistory::new(
            days.iter()
                .map(|&(date, v)| BillReading {
                    date,
                    register_m3: Decimal::from(v),
                    event: ReadingEvent::Regular,
                    record: String::new(),
                })
                .collect(),
            capacity.map(Decimal::from),
        );
        let ours: Vec<Reading> = days
            .iter()
            .map(|&(d, v)| Reading { t_s: parse_local_time(&d.to_string(), 0).unwrap(), value: v as f64 })
            .collect();
        let m = meter(capacity);
        let billed = bill.usage_between(0, n - 1);
        let used = register_usage(&[MeterReadings { meter: &m, readings: &ours }], ours[0].t_s, ours[n - 1].t_s);
        match (billed, used) {
            (Ok(b), Ok(u)) => {
                assert_eq!(b.volume_m3, Decimal::from(u.volume_m3 as i64), "{days:?}");
                assert_eq!(u.volume_m3.fract(), 0.0);
                agreed_ok += 1;
            }
            (Err(_), Err(_)) => agreed_err += 1,
            (b, u) => panic!("billing {b:?} but metering {u:?} on {days:?} (capacity {capacity:?})"),
        }
    }
    // Both outcomes were exercised.
    assert!(agreed_ok > 50 && agreed_err > 50, "{agreed_ok} {agreed_err}");
}
