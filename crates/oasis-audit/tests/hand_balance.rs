//! A district small enough to balance by hand: one inlet flow meter, two customer registers (one
//! replaced mid-period), a day of readings in a store on disk.

use oasis_audit::balance::{BalanceSettings, compute};
use oasis_audit::nightflow::{NightSettings, compute as night};
use oasis_audit::{Register, Selection, districts, register_row};
use oasis_metering::Meter;
use oasis_store::{IngestSettings, Store};

const DAY0: i64 = 1_772_294_400; // 2026-03-01 00:00 at UTC+8

fn meter(fields: &[(&str, &str)]) -> Meter {
    Meter::from_fields(|c| fields.iter().find(|(k, _)| *k == c).map(|(_, v)| *v), 8 * 3600).unwrap()
}

#[test]
fn a_hand_balanced_district() {
    let dir = std::env::temp_dir().join(format!("oasis-audit-hand-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut store = Store::open(&dir, 8 * 3600).unwrap();
    let meters = [
        meter(&[("meter_id", "IN"), ("kind", "bulk"), ("district", "DMA"), ("zone_level", "3"), ("series", "flow"), ("unit", "L/s")]),
        meter(&[("meter_id", "C1"), ("kind", "customer"), ("district", "DMA"), ("series", "register"), ("unit", "m3")]),
        meter(&[("meter_id", "C2-old"), ("kind", "customer"), ("district", "DMA"), ("series", "register"), ("unit", "m3"), ("removed", "2026-03-02 12:00")]),
        meter(&[
            ("meter_id", "C2-new"),
            ("kind", "customer"),
            ("district", "DMA"),
            ("series", "register"),
            ("unit", "m3"),
            ("installed", "2026-03-02 12:00"),
            ("replaces", "C2-old"),
        ]),
    ];
    let rows: Vec<_> = meters.iter().map(|m| register_row(m, 8 * 3600)).collect();
    store.upsert_meters(&rows).unwrap();
    let reg = Register::load(&store).unwrap();
    let key = |id: &str| reg.find(id).unwrap().key;
    let mut s = store.begin_ingest("hand", IngestSettings::default()).unwrap();
    // Inlet: 2 L/s = 7.2 m³/h every 15 minutes for three days, except 4 m³/h between 02:00 and
    // 03:00 on the second night (the minimum night flow).
    for i in 0..=3 * 96 {
        let t = DAY0 + i * 900;
        let night = (96 + 9..=96 + 12).contains(&i);
        s.push(key("IN"), t, if night { 4.0 } else { 7.2 }, i as u64).unwrap();
    }
    // C1 reads daily at noon: 100, 130, 150, 190 m³ on 03-01…03-04.
    for (d, v) in [(0, 100.0), (1, 130.0), (2, 150.0), (3, 190.0)] {
        s.push(key("C1"), DAY0 + d * 86_400 + 43_200, v, 1).unwrap();
    }
    // C2: the old register 500 at noon 03-01, 520 when removed at noon 03-02; the new one starts
    // at 0 then and reads 12 at noon 03-03.
    s.push(key("C2-old"), DAY0 + 43_200, 500.0, 1).unwrap();
    s.push(key("C2-old"), DAY0 + 86_400 + 43_200, 520.0, 1).unwrap();
    s.push(key("C2-new"), DAY0 + 86_400 + 43_200, 0.0, 1).unwrap();
    s.push(key("C2-new"), DAY0 + 2 * 86_400 + 43_200, 12.0, 1).unwrap();
    s.finish().unwrap();
    districts::build(&mut store, None, None).unwrap();

    // The period 03-02 00:00 → 03-03 00:00.
    let (from, to) = (DAY0 + 86_400, DAY0 + 2 * 86_400);
    let settings = BalanceSettings { under_registration_pct: 2.0, mean_pressure_m: Some(30.0), ..Default::default() };
    let b = &compute(&store, &Selection::default(), &settings, from, to).unwrap()[0];
    assert!(b.complete, "{:?}", b.notes);
    // Inlet: 92 intervals at 7.2 m³/h and 4 at 4 m³/h, each 0.25 h: 92·1.8 + 4·1.0 = 169.6 m³.
    assert!((b.balance.system_input_volume_m3 - 169.6).abs() < 1e-9, "{}", b.balance.system_input_volume_m3);
    // C1: register at 03-02 00:00 = 100 + 30·12/24 = 115; at 03-03 00:00 = 130 + 20·12/24 = 140 → 25.
    // C2: old 500 + 20·12/24 = 510 at the start, 520 at removal (10); new 0 → 12·12/24 = 6 → 16.
    assert!((b.balance.billed_metered_m3 - 41.0).abs() < 1e-9, "{}", b.balance.billed_metered_m3);
    assert_eq!(b.customers, 2, "the replaced meter counts once");
    // Apparent: 41 · 2/98 = 0.836735 m³; real = 169.6 − 41 − 0.836735 = 127.763265 m³.
    assert!((b.balance.apparent_losses_m3 - 41.0 * 2.0 / 98.0).abs() < 1e-9);
    assert!((b.balance.real_losses_m3 - (169.6 - 41.0 - 41.0 * 2.0 / 98.0)).abs() < 1e-9);

    // Night flow on 03-02: the minimum is the 4 m³/h hour ending 03:00 (stamps 02:15…03:00).
    let nf = night(&store, &Selection::default(), &NightSettings::default(), from, to, None).unwrap();
    let day = &nf[0].days[0];
    assert_eq!(day.mnf_m3h, Some(4.0));
    assert!(day.complete);
    // No pressures given: 24 h assumed, so the daily leakage is 4 · 24 = 96 m³.
    assert!(day.ndf_assumed_24h);
    assert_eq!(day.daily_leakage_m3, Some(96.0));
    std::fs::remove_dir_all(&dir).unwrap();
}
