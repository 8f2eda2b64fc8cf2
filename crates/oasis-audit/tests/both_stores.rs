//! The sample metered city (`samples/metering`: 1,244 meters, 30 days) ingested into the embedded
//! store and, where `OASIS_TEST_DATABASE` names a PostgreSQL server (CI starts one), into
//! `PgStore`: the districts built from its network, the water balances and night flows of every
//! district over the month must be the same on both, figure for figure.

use std::io::Read;
use std::path::Path;

use oasis_audit::balance::{BalanceSettings, compute};
use oasis_audit::nightflow::{NightSettings, compute as night};
use oasis_audit::{Register, Selection, districts, register_row};
use oasis_metering::Meter;
use oasis_store::{IngestSettings, MeterStore, PgStore, Store};

const OFFSET_S: i32 = 8 * 3600;

/// Loads the sample city into a store the way `oasis meters register` and `ingest` do.
fn load(store: &mut dyn MeterStore, sample: &Path) -> u64 {
    let text = std::fs::read_to_string(sample.join("meters.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<_> = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let m = Meter::from_fields(|c| header.iter().position(|h| *h == c).map(|i| cells[i]).filter(|v| !v.is_empty()), OFFSET_S).unwrap();
            register_row(&m, OFFSET_S)
        })
        .collect();
    store.upsert_meters(&rows).unwrap();
    let register = Register::load(store).unwrap();
    let mut csv = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(sample.join("readings.csv.gz")).unwrap()).read_to_string(&mut csv).unwrap();
    let mut s = store.ingest("readings.csv.gz", IngestSettings::default()).unwrap();
    for (i, l) in csv.lines().enumerate().skip(1) {
        let mut f = l.split(',');
        let (id, time, value) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
        let e = register.find(id).unwrap();
        let t = oasis_metering::time::parse_local_time(time, OFFSET_S).unwrap();
        s.push(e.key, t, e.meter.canonical(value.parse().unwrap()), i as u64 + 1).unwrap();
    }
    let counts = s.finish().unwrap();
    let net = oasis_network::read_inp(&std::fs::read(sample.join("network.inp")).unwrap(), "network.inp").unwrap();
    districts::build(store, Some((&net, "network.inp")), None).unwrap();
    counts.new
}

/// Every figure of the balances and night flows over 2026-03-02 … 2026-03-29, as text.
fn figures(store: &dyn MeterStore, sample: &Path) -> Vec<String> {
    let net = oasis_network::read_inp(&std::fs::read(sample.join("network.inp")).unwrap(), "network.inp").unwrap();
    let (from, to) = oasis_audit::balance::period(store, "2026-03-02", Some("2026-03-29")).unwrap();
    let settings = BalanceSettings { mean_pressure_m: Some(30.0), outlet_pressure_mpa: Some(0.3), trace_customers: true, ..Default::default() };
    let mut out = Vec::new();
    for b in compute(store, &Selection::default(), &settings, from, to).unwrap() {
        assert!(b.balance.system_input_volume_m3 > 0.0, "district {} has no input", b.district.id);
        out.push(format!("{:?} {:?} {} {:?} {:?} {:?}", b.district, b.balance, b.complete, b.cjj92, b.notes, b.trace));
    }
    let nights = night(store, &Selection::default(), &NightSettings { lnu_from_billing: true, ..Default::default() }, from, to, Some(&net)).unwrap();
    for n in nights {
        out.push(format!("{} {:?} {:?}", n.district.id, n.days, n.notes));
    }
    out
}

#[test]
fn balances_and_night_flows_are_the_same_on_the_embedded_store_and_postgres() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/metering");
    let Ok(url) = std::env::var("OASIS_TEST_DATABASE") else {
        eprintln!("skipped: OASIS_TEST_DATABASE is not set (the comparison needs a PostgreSQL server)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("oasis-audit-both-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut embedded = Store::open(&dir, OFFSET_S).unwrap();
    let schema = format!("oasis_audit_both_{}", std::process::id());
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    let mut pg = PgStore::open(&format!("{url}{sep}options=-csearch_path%3D{schema}"), OFFSET_S).unwrap();

    let n = load(&mut embedded, &sample);
    assert_eq!(load(&mut pg, &sample), n);
    assert!(n > 150_000, "{n} readings");
    let (a, b) = (figures(&embedded, &sample), figures(&pg, &sample));
    assert!(a.len() >= 10, "{} districts and nights", a.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
    assert_eq!(a.len(), b.len());
    drop(pg);
    admin.batch_execute(&format!("DROP SCHEMA {schema} CASCADE")).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
