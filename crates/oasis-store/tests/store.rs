//! The store end to end on a temporary directory: register, ingest twice, overlapping and out of
//! order input, conflicts kept aside, reopening, stray files swept, reads by meter, export.

use std::path::PathBuf;

use oasis_store::{DistrictMeter, IngestSettings, MeterRole, MeterStore, Store, StoredDistrict};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oasis-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn register(store: &mut Store, n: u32) -> Vec<u32> {
    let meters: Vec<(String, Vec<Option<String>>)> =
        (0..n).map(|i| (format!("M{i}"), vec![Some("customer".into()), None, Some(format!("J{i}"))])).collect();
    store.upsert_meters(&meters).unwrap();
    store.meters().unwrap().iter().map(|m| m.key).collect()
}

const T0: i64 = 1_740_758_400; // 2025-02-28 16:00 UTC = 2025-03-01 00:00 at UTC+8

#[test]
fn ingest_is_idempotent_across_repeats_overlaps_and_order() {
    let dir = temp_dir("idem");
    let mut store = Store::open(&dir, 8 * 3600).unwrap();
    let keys = register(&mut store, 3);
    // Three days of 15-minute registers for three meters, pushed newest first, flushed often.
    let rows: Vec<(u32, i64, f64)> = (0..3 * 96)
        .rev()
        .flat_map(|i| keys.iter().map(move |&k| (k, T0 + i * 900, k as f64 * 100.0 + i as f64 * 0.125)))
        .collect();
    let settings = IngestSettings { flush_rows: 100 };
    let mut s = store.begin_ingest("a.csv", settings).unwrap();
    for (line, (k, t, v)) in rows.iter().enumerate() {
        s.push(*k, *t, *v, line as u64 + 2).unwrap();
    }
    let first = s.finish().unwrap();
    assert_eq!((first.new, first.duplicate, first.conflicting), (rows.len() as u64, 0, 0));

    // The same file again: nothing new.
    let mut s = store.begin_ingest("a.csv", settings).unwrap();
    for (line, (k, t, v)) in rows.iter().enumerate() {
        s.push(*k, *t, *v, line as u64 + 2).unwrap();
    }
    let again = s.finish().unwrap();
    assert_eq!((again.new, again.duplicate, again.conflicting), (0, rows.len() as u64, 0));

    // An overlapping file: one more day, one changed value, one bad line.
    let mut s = store.begin_ingest("b.csv", settings).unwrap();
    for i in 2 * 96..4 * 96 {
        let v = if i == 200 { 1e6 } else { keys[0] as f64 * 100.0 + i as f64 * 0.125 };
        s.push(keys[0], T0 + i * 900, v, i as u64).unwrap();
    }
    s.reject(9, "value", "not a number", "M0,2025-03-01 00:00,abc");
    let b = s.finish().unwrap();
    assert_eq!((b.new, b.duplicate, b.conflicting, b.rejected), (96, 95, 1, 1));
    drop(store);

    // Reopened: the stored value won, every reading is there once.
    let store = Store::open(&dir, 0).unwrap();
    assert_eq!(store.utc_offset_s(), 8 * 3600, "the store keeps the clock it was made with");
    let series = store.readings(&keys, T0, T0 + 4 * 86_400).unwrap();
    assert_eq!(series[&keys[0]].len(), 4 * 96);
    assert_eq!(series[&keys[1]].len(), 3 * 96);
    let r200 = series[&keys[0]].iter().find(|r| r.t_s == T0 + 200 * 900).unwrap();
    assert_eq!(r200.value, keys[0] as f64 * 100.0 + 25.0);
    assert!(series[&keys[0]].windows(2).all(|w| w[0].t_s < w[1].t_s));
    let ingests = store.ingests().unwrap();
    assert_eq!(ingests.len(), 3);
    assert!(ingests.iter().all(|i| i.finished));
    assert_eq!(store.conflicts(ingests[2].id).unwrap().len(), 1);
    assert_eq!(store.rejected_lines(ingests[2].id).unwrap()[0].0, 9);
    // Days are local (UTC+8) days: 4 partitions of 96 readings per meter.
    let parts = store.partitions().unwrap();
    assert_eq!(parts.len(), 4);
    assert_eq!(store.day_start_s(parts[0].0), T0);
    let index = store.meter_days(parts[0].0, parts[0].0).unwrap();
    assert_eq!(index.len(), 3);
    assert!(index.iter().all(|(_, e)| e.count == 96 && e.max_step_s == 900));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stray_files_of_a_killed_write_are_swept_and_committed_ones_kept() {
    let dir = temp_dir("sweep");
    let mut store = Store::open(&dir, 0).unwrap();
    let keys = register(&mut store, 1);
    let mut s = store.begin_ingest("x", IngestSettings::default()).unwrap();
    s.push(keys[0], 86_400 * 20_000, 1.0, 1).unwrap();
    s.finish().unwrap();
    drop(store);
    let day_dir = dir.join("readings/day=2024-10-04");
    let stray = day_dir.join("part-99-1.parquet.tmp");
    std::fs::write(&stray, b"half a file").unwrap();
    let orphan_dir = dir.join("readings/day=2030-01-01");
    std::fs::create_dir_all(&orphan_dir).unwrap();
    std::fs::write(orphan_dir.join("part-98-1.parquet"), b"never committed").unwrap();
    let store = Store::open(&dir, 0).unwrap();
    assert!(!stray.exists());
    assert!(!orphan_dir.exists());
    assert_eq!(store.readings(&keys, 0, 86_400 * 30_000).unwrap()[&keys[0]].len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn districts_are_replaced_whole() {
    let dir = temp_dir("districts");
    let mut store = Store::open(&dir, 0).unwrap();
    let d = |id: &str, level| StoredDistrict {
        id: id.into(),
        level,
        parent: None,
        junctions: 3,
        mains_length_m: 1.5,
        mains_length_dn75_m: 1.0,
        connections: 2,
    };
    let m = |district: &str, meter: &str| DistrictMeter { district: district.into(), meter_id: meter.into(), role: MeterRole::Inlet, sign: -1.0 };
    store.replace_districts("a.inp", &[d("A", 1), d("B", 1)], &[m("A", "M1")], &["note".into()]).unwrap();
    store.replace_districts("b.inp", &[d("C", 2)], &[m("C", "M2")], &[]).unwrap();
    assert_eq!(store.districts().unwrap(), vec![d("C", 2)]);
    assert_eq!(store.district_meters().unwrap(), vec![m("C", "M2")]);
    assert!(store.district_notes().unwrap().is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}
