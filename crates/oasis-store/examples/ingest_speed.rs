//! Times the ingest of a metered city into either store, the same code for both:
//!
//! ```text
//! cargo run --release -p oasis-store --features postgres --example ingest_speed -- samples/metering DIR
//! cargo run --release -p oasis-store --features postgres --example ingest_speed -- samples/metering postgres://…
//! ```
//!
//! The city directory holds `meters.csv` and `readings.csv.gz` (`meter_id,time,value`, local time
//! at UTC+8) as `oasis-citysim` writes them; the target is a new store (an empty directory or
//! database). Prints the register time, the ingest time (parsing and storing) and readings per
//! second, then the same file again (every reading a duplicate).

use std::io::Read;
use std::path::Path;
use std::time::Instant;

use oasis_metering::Meter;
use oasis_store::{IngestSettings, MeterStore, Store, StoreError};

const OFFSET_S: i32 = 8 * 3600;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [city, target] = &args[..] else {
        return Err("usage: ingest_speed CITY_DIR (STORE_DIR | postgres://…)".into());
    };
    let city = Path::new(city);
    let mut store: Box<dyn MeterStore> = if target.starts_with("postgres://") || target.starts_with("postgresql://") {
        Box::new(oasis_store::PgStore::open(target, OFFSET_S)?)
    } else {
        Box::new(Store::open(Path::new(target), OFFSET_S)?)
    };
    let text = std::fs::read_to_string(city.join("meters.csv"))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("meters.csv is empty")?.split(',').collect();
    let mut rows = Vec::new();
    let mut meters = std::collections::HashMap::new();
    for (i, l) in lines.enumerate() {
        let cells: Vec<&str> = l.split(',').collect();
        let get = |c: &str| header.iter().position(|h| *h == c).and_then(|i| cells.get(i).copied()).filter(|v| !v.is_empty());
        let m = Meter::from_fields(get, OFFSET_S).map_err(|e| format!("meters.csv line {}: {e}", i + 2))?;
        rows.push((m.id.clone(), oasis_store::REGISTER_COLUMNS[1..].iter().map(|c| get(c).map(String::from)).collect()));
        meters.insert(m.id.clone(), m);
    }
    let t = Instant::now();
    store.upsert_meters(&rows)?;
    println!("register    {} meters in {:.2} s", rows.len(), t.elapsed().as_secs_f64());
    let keys: std::collections::HashMap<String, u32> = store.meters()?.into_iter().map(|m| (m.meter_id, m.key)).collect();
    let mut csv = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(city.join("readings.csv.gz"))?).read_to_string(&mut csv)?;
    for pass in ["ingest", "again"] {
        let t = Instant::now();
        let mut s = store.ingest("readings.csv.gz", IngestSettings::default())?;
        for (i, l) in csv.lines().enumerate().skip(1) {
            let mut f = l.split(',');
            let (Some(id), Some(time), Some(value)) = (f.next(), f.next(), f.next()) else {
                s.reject(i as u64 + 1, "", "short line", l);
                continue;
            };
            let (Some(m), Some(&key)) = (meters.get(id), keys.get(id)) else {
                s.reject(i as u64 + 1, "meter_id", "unknown meter", l);
                continue;
            };
            let t_s = oasis_metering::time::parse_local_time(time, OFFSET_S).map_err(|e| format!("line {}: {e}", i + 1))?;
            let v: f64 = value.parse().map_err(|e| format!("line {}: {e}", i + 1))?;
            match s.push(key, t_s, m.canonical(v), i as u64 + 1) {
                Err(StoreError::ValueRange(_)) => s.reject(i as u64 + 1, "value", "out of range", l),
                other => other?,
            }
        }
        let c = s.finish()?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{pass:<11} {} lines in {secs:.2} s ({:.0} readings/s): {} new, {} duplicate, {} conflicting, {} rejected",
            c.lines,
            c.lines as f64 / secs,
            c.new,
            c.duplicate,
            c.conflicting,
            c.rejected
        );
    }
    Ok(())
}
