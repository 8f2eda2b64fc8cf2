//! `oasis meters register|ingest|export|rejected` end to end, on files written by the tests: bad
//! register rows, ingest idempotency and overlap, bad reading lines, a SIGKILL in the middle of
//! an ingest, and the Parquet export read back in.

mod meters_common;

use std::collections::BTreeMap;
use std::path::Path;

use meters_common::{Counts, counts, export, fresh_dir, oasis, ok, read_long_csv, s};

const SUITE: &str = "meters_ingest";

/// Every store of these tests keeps its days in UTC, and the files give UTC times.
const STORE: [&str; 2] = ["--store-utc-offset", "+00:00"];

fn register(db: &Path, dir: &Path, csv: &str) -> meters_common::Out {
    let path = dir.join("meters.csv");
    std::fs::write(&path, csv).unwrap();
    oasis(&["meters", "register", &s(&path), "--db", &s(db), STORE[0], STORE[1]])
}

fn ingest(db: &Path, file: &Path, extra: &[&str]) -> meters_common::Out {
    let mut args = vec!["meters".to_string(), "ingest".into(), s(file), "--db".into(), s(db), STORE[0].into(), STORE[1].into()];
    args.extend(extra.iter().map(|a| a.to_string()));
    ok(&args)
}

fn hour(h: u32) -> String {
    // 2024-03-01 00:00 + h hours, h < 24 · 28.
    format!("2024-03-{:02} {:02}:00:00", 1 + h / 24, h % 24)
}

/// A register that only goes up: 100·(meter + 1) + 0.5·h + 0.125·(h mod 2) m³.
fn reg_value(meter: usize, h: u32) -> f64 {
    100.0 * (meter + 1) as f64 + 0.5 * h as f64 + 0.125 * (h % 2) as f64
}

fn write_lines(path: &Path, lines: &[String]) {
    let mut text = String::from("meter_id,time,value\n");
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

/// A fixed permutation (a small linear congruential generator): out of order, but reproducible.
fn shuffle<T>(v: &mut [T]) {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in (1..v.len()).rev() {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        v.swap(i, ((x >> 33) % (i as u64 + 1)) as usize);
    }
}

const METERS_ABC: &str = "meter_id,kind,series,unit,node,district\n\
A,customer,register,m3,J1,D1\n\
B,customer,register,m3,J2,D1\n\
C,customer,register,m3,J3,D1\n";

#[test]
fn register_import_keeps_good_rows_and_names_each_bad_one() {
    let dir = fresh_dir(SUITE, "register_bad_rows");
    let db = dir.join("db");
    let out = register(
        &db,
        &dir,
        "meter_id,kind,series,unit,node,district,installed\n\
         M1,customer,register,m3,J1,D1,2024-01-01\n\
         M2,tap,register,m3,J2,D1,2024-01-01\n\
         M3,customer,register,,J3,D1,2024-01-01\n\
         M4,customer,register,L,J4,D1,\n\
         M5,customer,register,m3,J5,D1,2024-13-45\n\
         M6,pressure,,kPa,J6,,2024-01-01 06:30\n",
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("3 meters added, 0 updated, 3 rows rejected"), "{}", out.stdout);
    let file = s(&dir.join("meters.csv"));
    for (line, field, value) in [(3, "kind", "tap"), (4, "unit", ""), (6, "installed", "2024-13-45")] {
        let want = format!("rejected: {file} line {line} field '{field}' (\"{value}\")");
        assert!(out.stderr.contains(&want), "missing «{want}» in:\n{}", out.stderr);
    }
    assert_eq!(out.stderr.matches("rejected:").count(), 3, "{}", out.stderr);
    // The good rows are the register now, and only they.
    let list = dir.join("list.csv");
    ok(&["meters", "list", "--db", &s(&db), "--csv", &s(&list)]);
    let ids: Vec<String> =
        std::fs::read_to_string(&list).unwrap().lines().skip(1).map(|l| l.split(',').next().unwrap().to_string()).collect();
    assert_eq!(ids, ["M1", "M4", "M6"]);
}

#[test]
fn the_same_file_twice_counts_once_and_an_overlap_keeps_the_stored_value() {
    let dir = fresh_dir(SUITE, "idempotent");
    let db = dir.join("db");
    assert_eq!(register(&db, &dir, METERS_ABC).code, 0);
    let ids = ["A", "B", "C"];
    // First file: 48 hours of 3 meters, lines out of order.
    let mut first: Vec<String> =
        (0..48).flat_map(|h| ids.iter().enumerate().map(move |(m, id)| format!("{id},{},{}", hour(h), reg_value(m, h)))).collect();
    shuffle(&mut first);
    let f1 = dir.join("first.csv");
    write_lines(&f1, &first);
    let c = counts(&ingest(&db, &f1, &[]).stdout);
    assert_eq!(c, Counts { lines: 144, new: 144, duplicate: 0, conflicting: 0, rejected: 0 });
    let c = counts(&ingest(&db, &f1, &[]).stdout);
    assert_eq!(c, Counts { lines: 144, new: 0, duplicate: 144, conflicting: 0, rejected: 0 });

    // Overlap: hours 24..72, i.e. 72 readings already stored and 72 new; one stored reading
    // (A at hour 30) offered with another value.
    let mut second: Vec<String> = (24..72)
        .flat_map(|h| {
            ids.iter().enumerate().map(move |(m, id)| {
                let v = if *id == "A" && h == 30 { 999.5 } else { reg_value(m, h) };
                format!("{id},{},{v}", hour(h))
            })
        })
        .collect();
    shuffle(&mut second);
    let changed_line = 2 + second.iter().position(|l| l.ends_with(",999.5")).unwrap();
    let f2 = dir.join("second.csv");
    write_lines(&f2, &second);
    let out = ingest(&db, &f2, &[]);
    assert_eq!(counts(&out.stdout), Counts { lines: 144, new: 72, duplicate: 71, conflicting: 1, rejected: 0 });
    let want = format!("conflict: {} line {changed_line}: ", s(&f2));
    assert!(out.stderr.contains(&want) && out.stderr.contains("file says 999.5"), "missing «{want}» in:\n{}", out.stderr);
    // The same overlap again: nothing new, the conflict again.
    let c = counts(&ingest(&db, &f2, &[]).stdout);
    assert_eq!(c, Counts { lines: 144, new: 0, duplicate: 143, conflicting: 1, rejected: 0 });

    // Stored: every reading of hours 0..72 once, A at hour 30 with the first file's value.
    let stored = export(&db, &dir.join("export.csv"));
    let mut want = BTreeMap::new();
    for h in 0..72 {
        for (m, id) in ids.iter().enumerate() {
            want.insert((id.to_string(), hour(h)), reg_value(m, h));
        }
    }
    assert_eq!(stored.len(), 216);
    assert_eq!(stored[&("A".to_string(), hour(30))], reg_value(0, 30));
    assert_eq!(stored, want);
}

#[test]
fn bad_lines_are_named_kept_and_change_nothing_stored() {
    let dir = fresh_dir(SUITE, "bad_lines");
    let db = dir.join("db");
    assert_eq!(register(&db, &dir, METERS_ABC).code, 0);
    let good: Vec<String> =
        (0..6).flat_map(|h| [("A", 0), ("B", 1)].map(|(id, m)| format!("{id},{},{}", hour(h), reg_value(m, h)))).collect();
    let g = dir.join("good.csv");
    write_lines(&g, &good);
    assert_eq!(counts(&ingest(&db, &g, &[]).stdout).new, 12);
    let before = export(&db, &dir.join("before.csv"));

    let bad = dir.join("bad.csv");
    let lines = [
        format!("A,{},7.5", hour(6)),          // 2: good, new
        format!("Z,{},1", hour(6)),            // 3: unknown meter
        "A,2024-03-01 25:00:00,2".to_string(), // 4: no such hour
        format!("A,{},abc", hour(0)),          // 5: not a number, at a stored time
        format!("B,{}", hour(6)),              // 6: short row
        format!("B,{},8.25", hour(7)),         // 7: good, new
        "A,01/03/2024 08:00,3".to_string(),    // 8: another time layout
        format!("B,{},NaN", hour(8)),          // 9: not a finite number
        format!("C,{},", hour(8)),             // 10: empty value
    ];
    write_lines(&bad, &lines);
    let out = ingest(&db, &bad, &[]);
    assert_eq!(counts(&out.stdout), Counts { lines: 9, new: 2, duplicate: 0, conflicting: 0, rejected: 7 });
    let file = s(&bad);
    let expected = [
        (3, "meter_id", "meter 'Z' is not in the register"),
        (4, "time", "'2024-03-01 25:00:00' is not a time"),
        (5, "value", "'abc' is not a number"),
        (6, "value", "2 fields, expected 3"),
        (8, "time", "'01/03/2024 08:00' is not a time"),
        (9, "value", "'NaN' is not a number"),
        (10, "value", "'' is not a number"),
    ];
    for (line, field, msg) in expected {
        let want = format!("rejected: {file} line {line} field '{field}': {msg}");
        assert!(out.stderr.contains(&want), "missing «{want}» in:\n{}", out.stderr);
    }
    assert_eq!(out.stderr.matches("rejected:").count(), expected.len(), "{}", out.stderr);

    // Kept in the store with their text.
    let rej = ok(&["meters", "rejected", "--db", &s(&db)]).stdout;
    for ((line, field, msg), text) in expected.iter().zip([2, 3, 4, 5, 7, 8, 9].map(|i| &lines[i - 1])) {
        let want = format!("{file} line {line} field '{field}': {msg}");
        assert!(rej.contains(&want), "missing «{want}» in:\n{rej}");
        assert!(rej.contains(&format!("\n    {text}\n")), "missing the text «{text}» in:\n{rej}");
    }

    // What was stored is unchanged; the two good lines were added.
    let after = export(&db, &dir.join("after.csv"));
    let mut want = before.clone();
    want.insert(("A".into(), hour(6)), 7.5);
    want.insert(("B".into(), hour(7)), 8.25);
    assert_eq!(after, want);
}

#[test]
fn parquet_export_read_back_into_a_fresh_store_gives_the_same_readings() {
    let dir = fresh_dir(SUITE, "parquet_round_trip");
    let (db1, db2) = (dir.join("db1"), dir.join("db2"));
    // Canonical and non-canonical units, a multiplier, and every series kind.
    assert_eq!(
        register(
            &db1,
            &dir,
            "meter_id,kind,series,unit,multiplier,link,node,district,zone_level\n\
             R,customer,register,m3,,,J1,D1,\n\
             H,customer,register,L,10,,J2,D1,\n\
             F,flow,flow,L/s,,P1,,,\n\
             P,pressure,pressure,kPa,,,J3,,\n\
             V,bulk,volume,m3,,P2,,D1,3\n"
        )
        .code,
        0
    );
    // Three days every 20 minutes, over local midnight and month end.
    let mut lines = Vec::new();
    for i in 0..(3 * 72) {
        let t = format!("2024-02-{:02} {:02}:{:02}:00", 28 + i / 72, (i % 72) / 3, 20 * (i % 3));
        let t = t.replace("2024-02-30", "2024-03-01");
        lines.push(format!("R,{t},{}", 10.0 + 0.001 * i as f64));
        lines.push(format!("H,{t},{}", 5000 + 3 * i));
        lines.push(format!("F,{t},{}", 12.5 + (i % 7) as f64 * 0.25));
        lines.push(format!("P,{t},{}", 300 + i % 11));
        lines.push(format!("V,{t},{}", 0.125 * (i % 5) as f64));
    }
    let f = dir.join("readings.csv");
    write_lines(&f, &lines);
    assert_eq!(counts(&ingest(&db1, &f, &[]).stdout).new, lines.len() as u64);
    let csv1 = dir.join("first.csv");
    let first = export(&db1, &csv1);
    assert_eq!(first.len(), lines.len());

    let pq = dir.join("parquet");
    ok(&["meters", "export", "--db", &s(&db1), "--format", "parquet", "-o", &s(&pq)]);
    let list = dir.join("meters-list.csv");
    ok(&["meters", "list", "--db", &s(&db1), "--csv", &s(&list)]);
    let out = ok(&["meters", "register", &s(&list), "--db", &s(&db2), STORE[0], STORE[1]]);
    assert!(out.stdout.contains("5 meters added"), "{}", out.stdout);
    let mut days: Vec<String> = std::fs::read_dir(pq.join("readings"))
        .unwrap()
        .map(|e| s(&e.unwrap().path().join("readings.parquet")))
        .collect();
    days.sort();
    assert_eq!(days.len(), 3, "{days:?}");
    let mut args = vec!["meters".to_string(), "ingest".into()];
    args.extend(days.iter().cloned());
    args.extend(["--db".into(), s(&db2), STORE[0].into(), STORE[1].into()]);
    let out = ok(&args);
    let total: u64 = out.stdout.lines().filter(|l| l.contains(" readings offered: ")).map(|l| counts(l).new).sum();
    assert_eq!(total, lines.len() as u64, "{}", out.stdout);
    assert!(!out.stdout.contains("rejected") || out.stdout.lines().all(|l| !l.contains("readings offered") || l.ends_with(" 0 rejected")));

    let csv2 = dir.join("second.csv");
    export(&db2, &csv2);
    let (a, b) = (std::fs::read_to_string(&csv1).unwrap(), std::fs::read_to_string(&csv2).unwrap());
    if let Some((x, y)) = a.lines().zip(b.lines()).find(|(x, y)| x != y) {
        panic!("first difference: «{x}» exported first, «{y}» after the round trip");
    }
    assert_eq!(a, b);
    assert_eq!(read_long_csv(&csv2), first);
    // The values of the export are canonical: 5000 L × 10 = 50 m³, 12.5 L/s = 45 m³/h.
    assert_eq!(first[&("H".to_string(), "2024-02-28 00:00:00".to_string())], 50.0);
    assert_eq!(first[&("F".to_string(), "2024-02-28 00:00:00".to_string())], 45.0);
}

/// The files under `readings/` (relative paths), and how many of them are not `.parquet`.
fn reading_files(db: &Path) -> Vec<String> {
    let mut v = Vec::new();
    let root = db.join("readings");
    for d in std::fs::read_dir(&root).unwrap() {
        let d = d.unwrap().path();
        if d.is_dir() {
            for f in std::fs::read_dir(&d).unwrap() {
                v.push(s(f.unwrap().path().strip_prefix(&root).unwrap()));
            }
        } else {
            v.push(s(d.strip_prefix(&root).unwrap()));
        }
    }
    v.sort();
    v
}

/// The day files the store's committed state names (`day=YYYY-MM-DD/part-….parquet`).
fn committed_files(db: &Path) -> Vec<String> {
    let store = oasis_store::Store::open(db, 0).unwrap();
    let mut v: Vec<String> = store
        .partitions()
        .unwrap()
        .into_iter()
        .map(|(day, file, _)| format!("{}/{file}", oasis_store::day_dir_name(day)))
        .collect();
    v.sort();
    v
}

const KILL_METERS: usize = 400;
const KILL_DAYS: i64 = 60;

/// The value of logger `m` at hour `h` of the SIGKILL test's file (x/8: exact in decimal and binary).
fn kill_value(m: usize, h: i64) -> f64 {
    20.0 + ((m as i64 * 7 + h * 13) % 400) as f64 / 8.0
}

/// Reads an export of the SIGKILL test's store: every reading must be one of the file's (meter,
/// hour, value); returns how many times each (meter, hour) was stored.
fn kill_export(db: &Path, out: &Path) -> Vec<u8> {
    ok(&["meters", "export", "--db", &s(db), "--format", "csv", "-o", &s(out)]);
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let hours = KILL_DAYS as usize * 24;
    let mut seen = vec![0u8; KILL_METERS * hours];
    let text = std::fs::read_to_string(out).unwrap();
    for line in text.lines().skip(1) {
        let mut f = line.split(',');
        let (id, time, value) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
        let m: usize = id.strip_prefix('P').and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("stored meter {line}"));
        let t = meters_common::norm_time(time);
        let day = chrono::NaiveDate::parse_from_str(&t[..10], "%Y-%m-%d").unwrap();
        assert_eq!(&t[13..], ":00:00", "stored time not in the file: {line}");
        let h = (day - start).num_days() * 24 + t[11..13].parse::<i64>().unwrap();
        assert!(m < KILL_METERS && (0..hours as i64).contains(&h), "stored reading not in the file: {line}");
        assert_eq!(value.parse::<f64>().unwrap(), kill_value(m, h), "stored value not the file's: {line}");
        seen[m * hours + h as usize] += 1;
    }
    seen
}

/// After a kill: the store opens, nothing but committed day files is left under `readings/`,
/// and every stored reading is one of the file's, once. Returns how many are stored.
fn check_after_kill(db: &Path, dir: &Path, run: usize) -> usize {
    let before = reading_files(db);
    ok(&["meters", "list", "--db", &s(db)]);
    let after = reading_files(db);
    let committed = committed_files(db);
    assert_eq!(after, committed, "run {run}: files left beside the committed ones (before the reopen: {before:?})");
    assert!(after.iter().all(|f| f.ends_with(".parquet")), "{after:?}");
    let stray = before.iter().filter(|f| !after.contains(f)).count();
    let seen = kill_export(db, &dir.join(format!("after-kill-{run}.csv")));
    assert!(seen.iter().all(|&n| n <= 1), "run {run}: a reading stored twice");
    let stored = seen.iter().filter(|&&n| n == 1).count();
    eprintln!("kill {run}: {stored} readings stored, {} day files, {stray} stray files swept on open", after.len());
    stored
}

#[test]
fn sigkill_during_ingest_keeps_every_commit_and_leaves_no_stray_file() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let dir = fresh_dir(SUITE, "sigkill");
    let db = dir.join("db");
    // 400 pressure loggers, hourly, 60 days, in time order (576,000 lines; the debug binary
    // ingests it in about 2 s on an idle machine, more on a busy one): with --flush-rows of one
    // day's readings each flush commits about a day (one day file, one SQLite transaction).
    let mut reg = String::from("meter_id,kind,series,unit,node\n");
    for m in 0..KILL_METERS {
        reg.push_str(&format!("P{m:04},pressure,pressure,m,J{m}\n"));
    }
    assert_eq!(register(&db, &dir, &reg).code, 0);
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let mut text = String::from("meter_id,time,value\n");
    for h in 0..KILL_DAYS * 24 {
        let t = (start + chrono::Duration::hours(h)).format("%Y-%m-%d %H:%M:%S").to_string();
        for m in 0..KILL_METERS {
            text.push_str(&format!("P{m:04},{t},{}\n", kill_value(m, h)));
        }
    }
    let path = dir.join("big.csv");
    std::fs::write(&path, &text).unwrap();
    drop(text);
    let lines = (KILL_METERS as i64 * KILL_DAYS * 24) as u64;
    let flush = (KILL_METERS * 24).to_string();
    let args: Vec<String> = ["meters", "ingest", &s(&path), "--db", &s(&db), "--flush-rows", &flush]
        .iter()
        .map(|a| a.to_string())
        .collect();
    let days_stored = |db: &Path| reading_files(db).iter().filter(|f| f.ends_with(".parquet")).count();

    // Killed at three moments: as soon as the first day file is there (often between its rename
    // and the SQLite commit that names it), half-way through the days, and once all readings are
    // committed (during the quality checks). Each later run re-reads the file: duplicates first,
    // then new readings.
    let mut stored = 0;
    for (run, moment) in ["first-file", "half-way", "checks"].iter().enumerate() {
        let t0 = Instant::now();
        let mut child =
            Command::new(env!("CARGO_BIN_EXE_oasis")).args(&args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let ended_early = |child: &mut std::process::Child| child.try_wait().unwrap().is_some();
        match *moment {
            "first-file" => {
                while days_stored(&db) == 0 {
                    assert!(!ended_early(&mut child), "ingest ended before its first day file");
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
            "half-way" => {
                while days_stored(&db) < KILL_DAYS as usize / 2 {
                    assert!(!ended_early(&mut child), "ingest ended before half of the days");
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
            _ => {
                // The counts line is printed once the last flush is committed.
                let mut r = std::io::BufReader::new(child.stdout.take().unwrap());
                let mut line = String::new();
                while r.read_line(&mut line).unwrap() > 0 && !line.contains("readings offered") {
                    line.clear();
                }
                assert!(line.contains("readings offered"), "ingest ended without its counts");
            }
        }
        let done = child.try_wait().unwrap();
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // The checks may be over by the time the counts line is read: then nothing was killed.
        assert!(done.is_none() || *moment == "checks", "run {run} ({moment}) finished before the kill");
        eprintln!("run {run} ({moment}) killed after {:?}{}", t0.elapsed(), if done.is_some() { " (had ended)" } else { "" });
        let now = check_after_kill(&db, &dir, run);
        assert!(now >= stored, "run {run}: readings went missing ({stored} → {now})");
        assert!(now.is_multiple_of(KILL_METERS * 24), "run {run}: {now} readings is not whole days");
        stored = now;
    }
    assert_eq!(stored as u64, lines, "the checks-phase kill came after the last commit");

    // Run to the end: every line is counted once, new or duplicate, and the store holds the file.
    let t0 = Instant::now();
    let c = counts(&ok(&args).stdout);
    eprintln!("complete run: {c:?} in {:?}", t0.elapsed());
    assert_eq!((c.lines, c.new + c.duplicate, c.conflicting, c.rejected), (lines, lines, 0, 0));
    assert_eq!(c.new, lines - stored as u64);
    assert!(kill_export(&db, &dir.join("final.csv")).iter().all(|&n| n == 1), "the file's readings are not all stored once");
    assert_eq!(reading_files(&db), committed_files(&db));
}

#[test]
fn commands_opening_the_store_during_an_ingest_and_a_second_ingest_break_nothing() {
    use std::process::{Command, Stdio};

    let dir = fresh_dir(SUITE, "concurrent");
    let db = dir.join("db");
    // Two files over the same 20 days, 150 loggers each: they merge into the same day files.
    const METERS: usize = 300;
    let mut reg = String::from("meter_id,kind,series,unit,node\n");
    for m in 0..METERS {
        reg.push_str(&format!("P{m:04},pressure,pressure,m,J{m}\n"));
    }
    assert_eq!(register(&db, &dir, &reg).code, 0);
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let mut want = BTreeMap::new();
    let mut files = Vec::new();
    for half in 0..2 {
        let mut text = String::from("meter_id,time,value\n");
        for h in 0..20 * 24 {
            let t = (start + chrono::Duration::hours(h)).format("%Y-%m-%d %H:%M:%S").to_string();
            for m in (half * METERS / 2)..((half + 1) * METERS / 2) {
                text.push_str(&format!("P{m:04},{t},{}\n", kill_value(m, h)));
                want.insert((format!("P{m:04}"), t.clone()), kill_value(m, h));
            }
        }
        let path = dir.join(format!("half-{half}.csv"));
        std::fs::write(&path, text).unwrap();
        files.push(path);
    }
    let flush = (METERS / 2 * 24).to_string();
    let spawn = |f: &Path| {
        Command::new(env!("CARGO_BIN_EXE_oasis"))
            .args(["meters", "ingest", &s(f), "--db", &s(&db), "--flush-rows", &flush])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut a = spawn(&files[0]);
    let mut b = spawn(&files[1]);
    // Meanwhile other commands open the store (each open used to delete the files the ingests
    // had written but not yet committed).
    let mut opens = 0;
    while a.try_wait().unwrap().is_none() || b.try_wait().unwrap().is_none() {
        ok(&["meters", "list", "--db", &s(&db)]);
        opens += 1;
    }
    eprintln!("{opens} opens during the two ingests");
    for (child, f) in [(a, &files[0]), (b, &files[1])] {
        let out = child.wait_with_output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "ingest of {}: {stdout}{stderr}", f.display());
        let c = counts(&stdout);
        assert_eq!((c.new, c.duplicate, c.conflicting, c.rejected), (c.lines, 0, 0, 0), "{stdout}");
    }
    assert_eq!(export(&db, &dir.join("export.csv")), want);
    assert_eq!(reading_files(&db), committed_files(&db));
}
