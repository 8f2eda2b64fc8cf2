//! `oasis meters ingest` on the two public data sets in `../shared/meters` (skipped with a note when
//! they are absent): the quirks their README and `docs/metering.md` ("Real data: what ingest
//! finds") describe must come out of the real binary.

mod meters_common;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use meters_common::{counts, fresh_dir, norm_time, ok, s};

const SUITE: &str = "meters_real_data";

fn shared() -> Option<PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/meters");
    if p.join("bwdf/inflow.csv").exists() && p.join("daiad/swm_trialA_clean.zip").exists() {
        Some(p)
    } else {
        eprintln!("note: {} not found; the real-data checks are skipped", p.display());
        None
    }
}

/// `oasis meters flags` rows: (meter, local time, kind, detail), with the ids known beforehand
/// (they may hold spaces).
fn flags(db: &str, ids: &[String]) -> Vec<(String, String, String, String)> {
    let out = ok(&["meters", "flags", "--db", db]).stdout;
    let mut v = Vec::new();
    for line in out.lines().filter(|l| !l.starts_with("flags: ")) {
        // The longest id the line starts with ("DMA 1 (L/s)" is no prefix of "DMA 10 (L/s)").
        let id = ids
            .iter()
            .filter(|id| line.starts_with(id.as_str()) && line[id.len()..].starts_with(' '))
            .max_by_key(|id| id.len())
            .unwrap_or_else(|| panic!("flag line of no known meter: {line}"));
        let rest = line[id.len()..].trim_start();
        // Local midnight is printed as the date alone.
        let b = rest.as_bytes();
        let n = if b.len() >= 19 && b[10] == b' ' && b[13] == b':' { 19 } else { 10 };
        let time = rest[..n].to_string();
        let rest = rest[n..].trim_start();
        let (kind, detail) = rest.split_once(' ').unwrap_or((rest, ""));
        v.push((id.clone(), norm_time(time.trim()), kind.to_string(), detail.trim().to_string()));
    }
    v
}

fn meter_ids(db: &str, dir: &std::path::Path) -> Vec<String> {
    let list = dir.join("list.csv");
    ok(&["meters", "list", "--db", db, "--csv", &s(&list)]);
    let mut rdr = csv::Reader::from_path(&list).unwrap();
    rdr.records().map(|r| r.unwrap()[0].to_string()).collect()
}

/// Per meter: number of readings and the first reading's local time (store clock).
fn export_summary(db: &str, dir: &std::path::Path) -> BTreeMap<String, (u64, String)> {
    let path = dir.join("export.csv");
    ok(&["meters", "export", "--db", db, "--format", "csv", "-o", &s(&path)]);
    let mut m: BTreeMap<String, (u64, String)> = BTreeMap::new();
    for line in std::fs::read_to_string(&path).unwrap().lines().skip(1) {
        let mut f = line.split(',');
        let (id, t) = (f.next().unwrap(), norm_time(f.next().unwrap()));
        let e = m.entry(id.to_string()).or_insert((0, t.clone()));
        e.0 += 1;
        if t < e.1 {
            e.1 = t;
        }
    }
    m
}

#[test]
fn bwdf_inflow_missing_hours_daylight_saving_and_gaps() {
    let Some(shared) = shared() else { return };
    let dir = fresh_dir(SUITE, "bwdf");
    let db = s(&dir.join("db"));
    let file = s(&shared.join("bwdf/inflow.csv"));
    let out = ok(&[
        "meters",
        "ingest",
        "--db",
        &db,
        "--store-utc-offset",
        "+01:00",
        &file,
        "--wide",
        "--time-col",
        "Date-time CET-CEST (YYYY-MM-DD HH:mm)",
        "--timezone",
        "Europe/Rome",
        "--auto-register",
        "bulk,flow,L/s",
    ]);
    // 13,103 rows × 10 DMAs = 131,030 cells; the empty ones are missing readings, not lines.
    let missing = [765u64, 586, 90, 901, 709, 1_879, 1_474, 959, 1_505, 873];
    let c = counts(&out.stdout);
    assert_eq!(c.lines, 131_030 - missing.iter().sum::<u64>(), "{}", out.stdout);
    assert_eq!((c.new, c.duplicate, c.conflicting, c.rejected), (c.lines, 0, 0, 0), "{}", out.stdout);

    let ids = meter_ids(&db, &dir);
    assert_eq!(ids.len(), 10, "{ids:?}");
    let summary = export_summary(&db, &dir);
    // 2021-01-01 00:00 CET to 2022-06-30 23:00 CEST is 13,104 clock hours, less the two
    // spring-forward hours that never were, plus the autumn hour that was twice: 13,103 rows,
    // one per real hour, so the readings of a DMA are 13,103 less its empty cells, with both
    // readings of the repeated 02:00 among them.
    // The first readings: DMA 3 from the first hour; DMA 6 and DMA 9 begin 1,076 and 995 hours
    // in; every other DMA 16 hours in.
    for (i, miss) in missing.iter().enumerate() {
        let id = format!("DMA {} (L/s)", i + 1);
        let (n, first) = &summary[&id];
        assert_eq!(*n, 13_103 - miss, "{id}");
        let want_first = match i + 1 {
            3 => "2021-01-01 00:00:00",
            6 => "2021-02-14 20:00:00",
            9 => "2021-02-11 11:00:00",
            _ => "2021-01-01 16:00:00",
        };
        assert_eq!(first, want_first, "{id}");
    }

    let f = flags(&db, &ids);
    // The autumn hour: its second 02:00 (02:00 CET, the store's clock) is flagged for every DMA.
    let dst: Vec<_> = f.iter().filter(|x| x.2 == "dst_repeat").collect();
    assert_eq!(dst.len(), 10, "{dst:?}");
    for (i, _) in missing.iter().enumerate() {
        let id = format!("DMA {} (L/s)", i + 1);
        assert!(dst.iter().any(|x| x.0 == id && x.1 == "2021-10-31 02:00:00"), "{id}: {dst:?}");
    }
    // Gaps: every run of empty cells between two readings is one gap flag, and the longest run
    // of missing hours is the longest gap less one hour. The README's longest gaps for DMA 6 and
    // DMA 9 (1,076 and 995 h) are the hours before their first reading, which no gap flag can see
    // (there is no reading before them); between readings their longest gaps are 76 and 75 h.
    let longest_missing = [74u64, 71, 31, 75, 74, 76, 626, 273, 75, 143];
    let gap_counts = [78usize, 55, 34, 152, 63, 83, 120, 42, 34, 86];
    for i in 0..10 {
        let id = format!("DMA {} (L/s)", i + 1);
        let steps: Vec<u64> = f
            .iter()
            .filter(|x| x.0 == id && x.2 == "gap")
            .map(|x| {
                let d = x.3.strip_prefix("no reading for ").unwrap_or_else(|| panic!("{x:?}"));
                d.split(' ').next().unwrap().parse().unwrap()
            })
            .collect();
        assert_eq!(steps.len(), gap_counts[i], "{id}");
        let longest = steps.iter().max().unwrap();
        assert_eq!(longest / 3600 - 1, longest_missing[i], "{id}");
        assert_eq!(longest % 3600, 0, "{id}");
    }
    // The README's definition: missing = rows − readings, and the longest runs of empties
    // (1,076 and 995 counted from the file's first row for DMA 6 and 9).
    assert_eq!(summary["DMA 6 (L/s)"].1, "2021-02-14 20:00:00"); // 2021-01-01 00:00 + 1,076 h
    assert_eq!(summary["DMA 9 (L/s)"].1, "2021-02-11 11:00:00"); // 2021-01-01 00:00 + 995 h
}

#[test]
fn daiad_households_in_spanish_time_with_decreases() {
    let Some(shared) = shared() else { return };
    let dir = fresh_dir(SUITE, "daiad");
    let db = s(&dir.join("db"));
    let file = s(&shared.join("daiad/swm_trialA_clean.zip"));
    let out = ok(&[
        "meters",
        "ingest",
        "--db",
        &db,
        "--store-utc-offset",
        "+01:00",
        &file,
        "--delimiter",
        ";",
        "--meter-col",
        "user.key",
        "--time-col",
        "datetime",
        "--value-col",
        "meter.reading",
        "--time-format",
        "%d/%m/%Y %H:%M:%S",
        "--timezone",
        "Europe/Madrid",
        "--auto-register",
        "customer,register,L",
    ]);
    let c = counts(&out.stdout);
    assert_eq!(c.lines, 673_927, "{}", out.stdout);
    assert_eq!(c.rejected, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(c.conflicting, 0, "{}", out.stdout);
    assert_eq!(c.new + c.duplicate, c.lines);
    assert_eq!(c.duplicate, DAIAD_DUPLICATES, "{}", out.stdout);

    let ids = meter_ids(&db, &dir);
    assert_eq!(ids.len(), 92);
    let f = flags(&db, &ids);
    let mut by_kind: HashMap<&str, usize> = HashMap::new();
    for x in &f {
        *by_kind.entry(x.2.as_str()).or_default() += 1;
    }
    eprintln!("DAIAD flags: {by_kind:?}");
    // The autumn hour of 2016-10-30 read twice by 78 meters; nothing in the spring-forward hour.
    assert_eq!(by_kind.get("dst_repeat"), Some(&78), "{by_kind:?}");
    assert!(f.iter().filter(|x| x.2 == "dst_repeat").all(|x| x.1.starts_with("2016-10-30 02:")));
    // Register decreases: small ones (a litre or a few back) and the interleaved meter whose
    // register falls from 456 to 207 m³ on 2017-01-17 (two registers reported under one key).
    assert_eq!(by_kind.get("decrease"), Some(&DAIAD_DECREASES), "{by_kind:?}");
    assert!(
        f.iter().any(|x| x.0.starts_with("9348c9bb") && x.2 == "decrease" && x.3.contains("from 456.017 to 207.814 m³")),
        "no 456 → 207 m³ decrease"
    );
    // Spikes: implausible increments only, not a household's bursts of use.
    assert_eq!(by_kind.get("spike"), Some(&DAIAD_SPIKES), "{by_kind:?}");
    assert!(
        f.iter().any(|x| x.0.starts_with("9348c9bb") && x.2 == "spike" && x.1.starts_with("2017-01-17")),
        "the 207 → 456 m³ jump back is no spike"
    );
}

/// Measured: see docs/metering.md, "Real data: what ingest finds".
const DAIAD_DUPLICATES: u64 = 0;
const DAIAD_DECREASES: usize = 203;
const DAIAD_SPIKES: usize = 7;
