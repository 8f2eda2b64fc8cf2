//! The district-metering chain end to end on the synthetic city, whose leakage is known: the
//! `oasis` binary writes the city, registers its meters, ingests its readings, builds its
//! districts, and `balance` and `nightflow` must recover what the twin put in (truth.csv).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn oasis(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_oasis")).args(args).output().expect("run oasis");
    assert!(out.status.success(), "oasis {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    rdr.records().map(|r| headers.iter().zip(r.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()).collect()
}

fn f(row: &HashMap<String, String>, col: &str) -> f64 {
    row[col].parse().unwrap_or_else(|_| panic!("{col} = {:?}", row[col]))
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("oasis-metering-city-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn balance_and_night_flow_recover_the_injected_leakage() {
    let city = temp("files");
    let db = temp("db");
    let (c, d) = (city.to_str().unwrap(), db.to_str().unwrap());
    oasis(&["citysim", "-o", c, "--days", "10"]);
    oasis(&["meters", "register", "--db", d, &format!("{c}/meters.csv")]);
    oasis(&["meters", "ingest", "--db", d, &format!("{c}/readings.csv")]);
    oasis(&["districts", "build", "--db", d, "--network", &format!("{c}/network.inp")]);
    // Whole days inside the simulated span, so every register is bounded on both sides.
    let (from, to) = ("2026-03-02", "2026-03-09");
    let bal = city.join("balance.csv");
    oasis(&["balance", "--db", d, "--from", from, "--to", to, "--under-registration-pct", "2", "--mean-pressure-m", "40", "--csv", bal.to_str().unwrap()]);
    let truth = csv_rows(&city.join("truth.csv"));
    let in_period = |r: &&HashMap<String, String>| r["date"].as_str() >= from && r["date"].as_str() <= to;
    let mut checked = 0;
    for b in csv_rows(&bal) {
        let id = &b["district"];
        let days: Vec<&HashMap<String, String>> = truth.iter().filter(|r| &r["district"] == id).filter(in_period).collect();
        assert_eq!(days.len(), 8, "truth days of {id}");
        let leak: f64 = days.iter().map(|r| f(r, "leakage_m3")).sum();
        let siv: f64 = days.iter().map(|r| f(r, "system_input_m3") - f(r, "storage_increase_m3")).sum();
        if b["complete"] != "true" {
            // The city hides a few hours' gap in one inlet: that district must say so and give no loss.
            assert_eq!(b["real_losses_m3"], "", "{id}: an incomplete balance must not give real losses");
            continue;
        }
        // The inlets carry 0.5 % noise (averaging out over 8 days) and the customer meters read
        // 2 % low, which --under-registration-pct 2 gives back: the real losses must come within
        // 1 % of the input of the leakage put in.
        let real = f(&b, "real_losses_m3");
        assert!((f(&b, "system_input_m3") - siv).abs() < 0.005 * siv, "{id}: input {} vs true {siv}", b["system_input_m3"]);
        assert!((real - leak).abs() < 0.01 * siv, "{id}: real losses {real} vs injected {leak} (input {siv})");
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} complete districts");

    // Night flow in the DMAs (level 2): the minimum night flow is the truth's (see the tolerances below).
    let nf = city.join("nightflow.csv");
    let svg = city.join("mnf.svg");
    oasis(&[
        "nightflow", "--db", d, "--from", from, "--to", to, "--level", "2", "--resolution-min", "60",
        "--lnu-from-billing", "--under-registration-pct", "2", "--network", &format!("{c}/network.inp"),
        "--csv", nf.to_str().unwrap(), "--svg", svg.to_str().unwrap(),
    ]);
    let mut compared = 0;
    let mut leak: HashMap<String, (f64, f64)> = HashMap::new();
    for n in csv_rows(&nf) {
        if n["complete"] != "true" {
            continue;
        }
        let t = truth.iter().find(|r| r["district"] == n["district"] && r["date"] == n["date"]).expect("truth row");
        let (mine, true_mnf) = (f(&n, "mnf_m3h"), f(t, "mnf_m3h"));
        // Upper zones take or give water through a metered tank pipe whose flow is sampled each
        // 15 minutes while the tank cycles: up to 5 % off (measured), so 10 % there, 3 % elsewhere.
        let tol = if n["district"].ends_with("-upper") { 0.10 } else { 0.03 };
        assert!((mine - true_mnf).abs() < tol * true_mnf, "{} {}: MNF {mine} vs {true_mnf}", n["district"], n["date"]);
        assert_eq!(n["ndf_assumed"], "false", "the twin's pressures give the NDF");
        let e = leak.entry(n["district"].clone()).or_default();
        e.0 += f(&n, "daily_leakage_m3");
        e.1 += f(t, "leakage_m3");
        compared += 1;
    }
    // Daily leakage = (MNF − night use) × NDF, the night use from each day's billed use shaped by
    // the twin's diurnal demand: within 12 % of the emitters' outflow over the days, per district
    // (measured on the 30-day sample: −7.3 % to +4.0 %).
    for (district, (estimate, truth)) in &leak {
        assert!((estimate - truth).abs() < 0.12 * truth, "{district}: leakage {estimate} m³ vs injected {truth} m³");
    }
    assert!(compared >= 40, "only {compared} complete district-days");
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<polyline"));
    let _ = std::fs::remove_dir_all(&city);
    let _ = std::fs::remove_dir_all(&db);
}

#[test]
fn the_store_export_is_read_by_duckdb() {
    let python_has_duckdb = Command::new("python3").args(["-c", "import duckdb"]).status().is_ok_and(|s| s.success());
    if !python_has_duckdb {
        assert!(std::env::var_os("CI").is_none(), "CI must install duckdb (pip install duckdb)");
        eprintln!("note: python3 has no duckdb; skipping (pip install duckdb)");
        return;
    }
    let dir = temp("duck");
    let db = dir.join("db");
    let d = db.to_str().unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("meters.csv"), "meter_id,kind,node,series,unit\nA,customer,J1,register,L\nB,customer,J2,register,m3\n").unwrap();
    std::fs::write(
        dir.join("r.csv"),
        "meter_id,time,value\nA,2026-01-01 00:00,1500\nA,2026-01-01 00:15,2500\nB,2026-01-02 10:00,7.25\nB,2026-01-02 10:15,7.5\n",
    )
    .unwrap();
    oasis(&["meters", "register", "--db", d, dir.join("meters.csv").to_str().unwrap()]);
    oasis(&["meters", "ingest", "--db", d, dir.join("r.csv").to_str().unwrap()]);
    let export = dir.join("export");
    oasis(&["meters", "export", "--db", d, "--format", "parquet", "-o", export.to_str().unwrap()]);
    let query = format!(
        "import duckdb; print(duckdb.sql(\"select meter_id, count(*), sum(value), min(time) from read_parquet('{}/readings/*/*.parquet') group by 1 order by 1\").fetchall())",
        export.display()
    );
    let out = Command::new("python3").args(["-c", &query]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    // Litres became m³; times are UTC instants of 00:00 and 10:00 at UTC+8.
    assert!(text.contains("('A', 2, 4.0, datetime.datetime(2025, 12, 31, 16, 0"), "{text}");
    assert!(text.contains("('B', 2, 14.75, datetime.datetime(2026, 1, 2, 2, 0"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
