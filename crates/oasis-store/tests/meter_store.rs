//! The behaviour every meter store shares (`MeterStore`), run on the embedded store and, where
//! `OASIS_TEST_DATABASE` names a PostgreSQL server (CI starts one), on `PgStore` in a schema of
//! its own: idempotent ingest across repeats, overlaps and order; conflicts and rejected lines
//! kept aside; the day index; a bad reading's named error and nothing half-stored; districts
//! replaced whole. The two stores must also give the same answers to the same questions.

use std::path::PathBuf;

use oasis_store::{DistrictMeter, IngestSettings, MeterRole, MeterStore, Store, StoreError, StoredDistrict};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oasis-meter-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The URL of a fresh, empty schema `oasis_store_<tag>_<pid>` (earlier runs' go first), or why
/// there is none.
#[cfg(feature = "postgres")]
fn pg_url(tag: &str) -> Option<String> {
    let Ok(url) = std::env::var("OASIS_TEST_DATABASE") else {
        eprintln!("PostgreSQL part skipped: OASIS_TEST_DATABASE is not set");
        return None;
    };
    let schema = format!("oasis_store_{tag}_{}", std::process::id());
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("connect to OASIS_TEST_DATABASE");
    for row in admin.query("SELECT schema_name FROM information_schema.schemata WHERE starts_with(schema_name, $1)", &[&format!("oasis_store_{tag}_")]).unwrap() {
        admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", row.get::<_, String>(0))).unwrap();
    }
    admin.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    Some(format!("{url}{sep}options=-csearch_path%3D{schema}"))
}

#[cfg(feature = "postgres")]
fn pg_store(tag: &str, utc_offset_s: i32) -> Option<Box<dyn MeterStore>> {
    Some(Box::new(oasis_store::PgStore::open(&pg_url(tag)?, utc_offset_s).unwrap()))
}

#[cfg(not(feature = "postgres"))]
fn pg_store(_tag: &str, _utc_offset_s: i32) -> Option<Box<dyn MeterStore>> {
    eprintln!("PostgreSQL part skipped: oasis-store built without the `postgres` feature");
    None
}

/// The embedded store, and PostgreSQL where there is one.
fn stores(tag: &str, utc_offset_s: i32) -> Vec<(&'static str, Box<dyn MeterStore>)> {
    let mut v: Vec<(&'static str, Box<dyn MeterStore>)> = vec![("embedded", Box::new(Store::open(&temp_dir(tag), utc_offset_s).unwrap()))];
    if let Some(pg) = pg_store(tag, utc_offset_s) {
        v.push(("postgres", pg));
    }
    v
}

fn register(store: &mut dyn MeterStore, n: u32) -> Vec<u32> {
    let meters: Vec<(String, Vec<Option<String>>)> =
        (0..n).map(|i| (format!("M{i}"), vec![Some("customer".into()), None, Some(format!("J{i}"))])).collect();
    assert_eq!(store.upsert_meters(&meters).unwrap(), (n as usize, 0));
    store.meters().unwrap().iter().map(|m| m.key).collect()
}

const T0: i64 = 1_740_758_400; // 2025-02-28 16:00 UTC = 2025-03-01 00:00 at UTC+8

/// (day, meter, count, first (time, value), last (time, value), max step)
type IndexEntry = (i32, u32, u32, (i64, i64), (i64, i64), i64);

/// Everything a store answers about its readings, for comparing stores.
#[derive(Debug, PartialEq)]
struct Answers {
    readings: Vec<(u32, Vec<(i64, f64)>)>,
    days: Vec<(i32, u64)>,
    index: Vec<IndexEntry>,
    counts: Vec<(String, bool, oasis_store::IngestCounts)>,
    conflicts: Vec<Vec<oasis_store::StoredConflict>>,
    rejected: Vec<Vec<(u64, String, String, String)>>,
}

fn answers(store: &dyn MeterStore, keys: &[u32]) -> Answers {
    let series = store.readings(keys, i64::MIN / 4, i64::MAX / 4).unwrap();
    let mut readings: Vec<(u32, Vec<(i64, f64)>)> = series.into_iter().map(|(k, v)| (k, v.iter().map(|r| (r.t_s, r.value)).collect())).collect();
    readings.sort_by_key(|r| r.0);
    let index = store
        .meter_days(i32::MIN, i32::MAX)
        .unwrap()
        .into_iter()
        .map(|(d, e)| (d, e.meter, e.count, (e.first_t_s, e.first_micro), (e.last_t_s, e.last_micro), e.max_step_s))
        .collect();
    let ingests = store.ingests().unwrap();
    Answers {
        readings,
        days: store.days().unwrap(),
        index,
        counts: ingests.iter().map(|i| (i.source.clone(), i.finished, i.counts)).collect(),
        conflicts: ingests.iter().map(|i| store.conflicts(i.id).unwrap()).collect(),
        rejected: ingests.iter().map(|i| store.rejected_lines(i.id).unwrap()).collect(),
    }
}

#[test]
fn ingest_is_idempotent_across_repeats_overlaps_and_order_on_every_store() {
    let mut all = Vec::new();
    for (name, mut store) in stores("idem", 8 * 3600) {
        let store = &mut *store;
        let keys = register(store, 3);
        // Three days of 15-minute registers for three meters, pushed newest first, flushed often.
        let rows: Vec<(u32, i64, f64)> = (0..3 * 96)
            .rev()
            .flat_map(|i| keys.iter().map(move |&k| (k, T0 + i * 900, k as f64 * 100.0 + i as f64 * 0.125)))
            .collect();
        let settings = IngestSettings { flush_rows: 100 };
        for _ in 0..2 {
            let mut s = store.ingest("a.csv", settings).unwrap();
            for (line, (k, t, v)) in rows.iter().enumerate() {
                s.push(*k, *t, *v, line as u64 + 2).unwrap();
            }
            s.finish().unwrap();
        }
        // An overlapping file: one more day, one changed value, a reading offered twice in the
        // file with two values (the first offer is stored, the second a conflict), a bad line.
        let mut s = store.ingest("b.csv", settings).unwrap();
        for i in 2 * 96..4 * 96 {
            let v = if i == 200 { 1e6 } else { keys[0] as f64 * 100.0 + i as f64 * 0.125 };
            s.push(keys[0], T0 + i * 900, v, i as u64).unwrap();
        }
        s.push(keys[1], T0 + 4 * 86_400, 7.0, 500).unwrap();
        s.push(keys[1], T0 + 4 * 86_400, 8.0, 501).unwrap();
        s.reject(9, "value", "not a number", "M0,2025-03-01 00:00,abc");
        s.finish().unwrap();

        let a = answers(store, &keys);
        let n = rows.len() as u64;
        assert_eq!(a.counts[0].2, oasis_store::IngestCounts { lines: n, new: n, ..Default::default() }, "{name}");
        assert_eq!(a.counts[1].2, oasis_store::IngestCounts { lines: n, duplicate: n, ..Default::default() }, "{name}");
        assert_eq!(a.counts[2].2, oasis_store::IngestCounts { lines: 195, new: 97, duplicate: 95, conflicting: 2, rejected: 1 }, "{name}");
        assert!(a.counts.iter().all(|c| c.1), "{name}: every ingest finished");
        // The stored value won; each reading is there once, in time order.
        let m0 = &a.readings[0].1;
        assert_eq!(m0.len(), 4 * 96, "{name}");
        assert_eq!(m0.iter().find(|r| r.0 == T0 + 200 * 900).unwrap().1, keys[0] as f64 * 100.0 + 25.0, "{name}");
        assert!(m0.windows(2).all(|w| w[0].0 < w[1].0), "{name}");
        assert_eq!(a.readings[1].1.len(), 3 * 96 + 1, "{name}");
        assert_eq!(a.readings[1].1.last().unwrap().1, 7.0, "{name}: the first offer in the file is kept");
        assert_eq!(a.conflicts[2].iter().map(|c| (c.2, c.3, c.4)).collect::<Vec<_>>(), vec![(keys[0] as f64 * 100.0 + 25.0, 1e6, 200), (7.0, 8.0, 501)], "{name}");
        assert_eq!(a.rejected[2], vec![(9, "value".into(), "not a number".into(), "M0,2025-03-01 00:00,abc".into())], "{name}");
        // Days are local (UTC+8) days; the index holds every meter-day.
        assert_eq!(a.days, (0..5).map(|d| (store.day_of(T0) + d, if d < 3 { 3 * 96 } else if d == 3 { 96 } else { 1 })).collect::<Vec<_>>(), "{name}");
        assert_eq!(store.day_start_s(a.days[0].0), T0, "{name}");
        assert_eq!(a.index.iter().map(|e| e.2 as u64).sum::<u64>(), a.readings.iter().map(|r| r.1.len() as u64).sum::<u64>(), "{name}");
        assert!(a.index.iter().filter(|e| e.2 == 96).all(|e| e.5 == 900 && e.4.0 - e.3.0 == 95 * 900), "{name}");
        all.push((name, a));
    }
    if let [(_, embedded), (_, pg)] = &all[..] {
        assert_eq!(embedded, pg, "the two stores answer alike");
    }
}

#[test]
fn a_bad_reading_is_named_and_nothing_uncommitted_is_stored() {
    for (name, mut store) in stores("bad", 0) {
        let store = &mut *store;
        let keys = register(store, 2);
        let mut s = store.ingest("bad.csv", IngestSettings { flush_rows: 4 }).unwrap();
        // Two days, so that a flush has a complete day to commit; then one value too large.
        for i in 0..6 {
            s.push(keys[0], 86_400 * 20_000 + i * 30_000, i as f64, i as u64 + 2).unwrap();
        }
        let err = s.push(keys[1], 86_400 * 20_001, 1e20, 9).unwrap_err();
        assert!(matches!(err, StoreError::ValueRange(v) if v == 1e20), "{name}: {err}");
        assert!(err.to_string().contains("value 100000000000000000000 is outside what the store keeps"), "{name}: {err}");
        // The session dies here (the caller stopped on the error) without `finish`.
        drop(s);
        let ingest = &store.ingests().unwrap()[0];
        assert!(!ingest.finished, "{name}");
        let stored = store.readings(&keys, 0, i64::MAX / 4).unwrap();
        let n: u64 = stored.values().map(|v| v.len() as u64).sum();
        assert!(n < 6, "{name}: what was pushed after the last commit is not stored ({n})");
        assert!(stored[&keys[1]].is_empty(), "{name}");
        assert_eq!(ingest.counts.new, n, "{name}: the ingest's counts are what is stored");
        assert_eq!(store.days().unwrap().iter().map(|d| d.1).sum::<u64>(), n, "{name}");
        assert_eq!(store.meter_days(i32::MIN, i32::MAX).unwrap().iter().map(|d| d.1.count as u64).sum::<u64>(), n, "{name}");
    }
}

#[test]
fn the_register_and_districts_are_replaced_whole_on_every_store() {
    let d = |id: &str, level| StoredDistrict { id: id.into(), level, parent: Some("city".into()), junctions: 3, mains_length_m: 1.5, mains_length_dn75_m: 1.0, connections: 2 };
    let m = |district: &str, meter: &str, role| DistrictMeter { district: district.into(), meter_id: meter.into(), role, sign: -1.0 };
    for (name, mut store) in stores("districts", 0) {
        let store = &mut *store;
        register(store, 2);
        // An update keeps the meter's key; an empty field is not given.
        let (added, updated) = store.upsert_meters(&[("M1".into(), vec![Some("bulk".into()), Some(String::new())]), ("b".into(), vec![])]).unwrap();
        assert_eq!((added, updated), (1, 1), "{name}");
        let meters = store.meters().unwrap();
        assert_eq!(meters.iter().map(|m| (m.key, m.meter_id.as_str())).collect::<Vec<_>>(), vec![(1, "M0"), (2, "M1"), (3, "b")], "{name}");
        assert_eq!((meters[1].field("kind"), meters[1].field("link"), meters[1].field("node")), (Some("bulk"), None, None), "{name}");
        store.replace_districts("a.inp", &[d("A", 1), d("B", 1)], &[m("A", "M1", MeterRole::Inlet)], &["note".into()]).unwrap();
        assert_eq!(store.district_notes().unwrap(), vec!["note".to_string()], "{name}");
        // Ids in byte order, as SQLite sorts them, whatever the database's collation.
        let members = [m("Z", "m2", MeterRole::Customer), m("Z", "M2", MeterRole::Level), m("a", "x", MeterRole::Pressure)];
        store.replace_districts("b.inp", &[d("a", 2), d("Z", 2)], &members, &[]).unwrap();
        assert_eq!(store.districts().unwrap(), vec![d("Z", 2), d("a", 2)], "{name}");
        assert_eq!(store.district_meters().unwrap(), vec![members[1].clone(), members[0].clone(), members[2].clone()], "{name}");
        assert!(store.district_notes().unwrap().is_empty(), "{name}");
        // Flags: replaced per meter and span.
        store.replace_flags(&[(1, 0, 100, vec![(50, "gap".into(), "x".into()), (50, "spike".into(), "y".into())])]).unwrap();
        store.replace_flags(&[(1, 40, 60, vec![(60, "stuck".into(), "z".into())])]).unwrap();
        let flags: Vec<(i64, String)> = store.flags(0, 100).unwrap().into_iter().map(|f| (f.t_s, f.kind)).collect();
        assert_eq!(flags, vec![(60, "stuck".to_string())], "{name}");
    }
}

/// Opening again keeps what is stored and the clock the store was made with.
#[test]
fn a_store_keeps_its_clock_and_contents_when_opened_again() {
    let dir = temp_dir("reopen");
    let mut store = Store::open(&dir, 8 * 3600).unwrap();
    let keys = register(&mut store, 1);
    let mut s = MeterStore::ingest(&mut store, "x", IngestSettings::default()).unwrap();
    s.push(keys[0], T0, 1.5, 2).unwrap();
    s.finish().unwrap();
    drop(store);
    let store = Store::open(&dir, 0).unwrap();
    assert_eq!(MeterStore::utc_offset_s(&store), 8 * 3600);
    assert_eq!(MeterStore::readings(&store, &keys, T0, T0).unwrap()[&keys[0]][0].value, 1.5);
    #[cfg(feature = "postgres")]
    if let Some(url) = pg_url("reopen") {
        let mut pg = oasis_store::PgStore::open(&url, 8 * 3600).unwrap();
        let keys = register(&mut pg, 1);
        let mut s = pg.ingest("x", IngestSettings::default()).unwrap();
        s.push(keys[0], T0, 1.5, 2).unwrap();
        s.finish().unwrap();
        drop(pg);
        let pg = oasis_store::PgStore::open(&url, 0).unwrap();
        assert_eq!(pg.utc_offset_s(), 8 * 3600);
        let r = pg.readings(&keys, T0, T0).unwrap();
        assert_eq!(r[&keys[0]][0].value, 1.5);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
