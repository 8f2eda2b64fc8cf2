//! `oasis tariff|bill|quota|dual-control` on the sample set in samples/pricing, run as a user
//! would. Expected numbers are computed by hand in the comments.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/pricing")
}

fn s(name: &str) -> String {
    samples().join(name).display().to_string()
}

fn oasis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oasis")).args(args).output().expect("run oasis")
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oasis-pricing-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn bill(period: &str, output: &Path) -> Output {
    oasis(&[
        "bill",
        "--tariff",
        &s("tariff-2024.toml"),
        "--tariff",
        &s("tariff-2025-07.toml"),
        "--customers",
        &s("customers.csv"),
        "--readings",
        &s("readings.csv"),
        "--quotas",
        &s("quota-register.csv"),
        "--plans",
        &s("plans.csv"),
        "--split",
        &s("plan-split.csv"),
        "--period",
        period,
        "--output",
        output.to_str().unwrap(),
    ])
}

/// customer → [(component, band, volume, unit_price, amount)]
fn read_bills(path: &Path) -> BTreeMap<String, Vec<[String; 5]>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        vec!["customer", "period", "component", "band", "volume_m3", "unit_price", "amount"]
    );
    let mut out: BTreeMap<String, Vec<[String; 5]>> = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        out.entry(rec[0].to_string())
            .or_default()
            .push([rec[2].to_string(), rec[3].to_string(), rec[4].to_string(), rec[5].to_string(), rec[6].to_string()]);
    }
    out
}

fn cents(s: &str) -> i64 {
    let (whole, frac) = s.split_once('.').unwrap_or((s, "00"));
    assert_eq!(frac.len(), 2, "amount {s} must have two decimals");
    whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

#[test]
fn sample_tariffs_pass_the_check() {
    let o = oasis(&["tariff", "check", &s("tariff-2024.toml"), &s("tariff-2025-07.toml")]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(out.contains("tariff JC-2024") && out.contains("tariff JC-2025-07"), "{out}");
    assert!(!out.contains("warning"), "{out}");
}

#[test]
fn broken_tariff_is_rejected_naming_each_field() {
    let o = oasis(&["tariff", "check", &s("tariff-broken-example.toml")]);
    let (out, _) = text(&o);
    assert!(!o.status.success());
    for expected in [
        "surcharge.standard.bands[2]: gap",
        "surcharge.standard.bands[3]: overlap",
        "residential.tier_upto_m3[1]: tiers not increasing",
        "class[0] (hotel).components[0] (water): missing price",
        "warning: surcharge.standard.bands[1]: band 2 surcharge 0.3× is below the floor 0.5×",
        "tier 3 price 5 is below the floor 3 × tier 1 (2) = 6",
    ] {
        assert!(out.contains(expected), "missing '{expected}' in:\n{out}");
    }
}

#[test]
fn march_bills_add_up_and_bad_records_are_held_back() {
    let dir = temp_dir("march");
    let csv_path = dir.join("bills.csv");
    let o = bill("2025-03", &csv_path);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    let bills = read_bills(&csv_path);
    // 19 customers: 15 billed, 4 held back (below).
    assert_eq!(bills.len(), 15, "{:?}", bills.keys());
    for (customer, rows) in &bills {
        let (total, lines): (Vec<_>, Vec<_>) = rows.iter().partition(|r| r[0] == "total");
        assert_eq!(total.len(), 1, "{customer}");
        let sum: i64 = lines.iter().map(|r| cents(&r[4])).sum();
        assert_eq!(sum, cents(&total[0][4]), "{customer}: lines do not add up");
    }
    // JC-HH-104, 4 persons, 20 m³ in March: tier 1 8 × 2.00 = 16.00, tier 2 5 × 3.00 = 15.00,
    // tier 3 7 × 6.00 = 42.00, sewage 20 × 0.95 = 19.00, resource fee 20 × 0.20 = 4.00 → 96.00.
    let row = |c, v, p, a| [String::from(c), String::new(), String::from(v), String::from(p), String::from(a)];
    let hh = &bills["JC-HH-104"];
    assert_eq!(hh[0], ["water", "tier 1", "8", "2.00", "16.00"].map(String::from));
    assert_eq!(hh[1], ["water", "tier 2", "5", "3.00", "15.00"].map(String::from));
    assert_eq!(hh[2], ["water", "tier 3", "7", "6.00", "42.00"].map(String::from));
    assert_eq!(hh[3], row("sewage", "20", "0.95", "19.00"));
    assert_eq!(hh[5], ["total", "", "20", "", "96.00"].map(String::from));
    // JC-HH-106's 4-digit register rolled over: 9992 → 4 = 12 m³.
    assert_eq!(bills["JC-HH-106"].last().unwrap()[2], "12");
    assert!(out.contains("register rollover on 2025-03-20: 9992 → 4, counted as 12 m³"), "{out}");
    // JC-HH-107's meter was replaced on 6 March: 1764 → 1769 (5) + 0 → 4 (4) = 9 m³.
    assert_eq!(bills["JC-HH-107"].last().unwrap()[2], "9");
    // Restricted chemical plant JC-IND-002: plan 2 650 000 × 8 % = 212 000 m³, used 270 000.
    // Band 2 (212 000–254 400) 42 400 × 3.10 = 131 440.00; band 3 (to 296 800) 15 600 × 4.65
    // = 72 540.00.
    let chem = &bills["JC-IND-002"];
    assert!(chem.contains(&["over-quota surcharge", "band 2 (1-1.2x plan)", "42400", "3.10", "131440.00"].map(String::from)));
    assert!(chem.contains(&["over-quota surcharge", "band 3 (1.2-1.4x plan)", "15600", "4.65", "72540.00"].map(String::from)));
    // Held back, each naming the record.
    for expected in [
        "JC-HH-108: reading trouble:",
        "readings.csv line 133: reading 1689 on 2025-03-20 is lower than the previous 1777",
        "JC-HH-109 (",
        "no tariff class given",
        "class 'residental' has no price in tariff JC-2024",
        "unknown quota code C2619-PVC-G",
        "JC-IND-003",
    ] {
        assert!(err.contains(expected), "missing '{expected}' in:\n{err}");
    }
    assert!(out.contains("15 bills") && out.contains("4 held back"), "{out}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn july_bills_are_prorated_across_the_price_change() {
    let dir = temp_dir("july");
    let csv_path = dir.join("bills.csv");
    let o = bill("2025-07", &csv_path);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    let bills = read_bills(&csv_path);
    // JC-HH-101 (3 persons, no extra volume), 9 m³ from 20 Jun to 20 Jul: 10 days at JC-2024,
    // 20 at JC-2025-07. Volumes 9 × 10/30 = 3 and 6.
    //   JC-2024: bounds 8/3 = 2.667, 13/3 = 4.333: tier 1 2.667 × 2.00 = 5.334 → 5.33,
    //            tier 2 0.333 × 3.00 = 0.999 → 1.00, sewage 3 × 0.95 = 2.85, resource 0.60.
    //   JC-2025-07: bounds 5.333, 8.667: tier 1 5.333 × 2.30 = 12.2659 → 12.27,
    //            tier 2 0.667 × 3.45 = 2.30115 → 2.30, sewage 6 × 0.95 = 5.70, resource 1.20.
    //   Total 5.33 + 1.00 + 2.85 + 0.60 + 12.27 + 2.30 + 5.70 + 1.20 = 31.25.
    let hh = &bills["JC-HH-101"];
    assert_eq!(hh[0], ["water", "tier 1 / JC-2024", "2.667", "2.00", "5.33"].map(String::from));
    assert_eq!(hh[1], ["water", "tier 2 / JC-2024", "0.333", "3.00", "1.00"].map(String::from));
    assert_eq!(hh[4], ["water", "tier 1 / JC-2025-07", "5.333", "2.30", "12.27"].map(String::from));
    assert_eq!(hh[5], ["water", "tier 2 / JC-2025-07", "0.667", "3.45", "2.30"].map(String::from));
    assert_eq!(hh.last().unwrap()[4], "31.25");
    // The guesthouse closed in June: no reading in July, held back, not guessed.
    assert!(err.contains("JC-SVC-012: reading trouble: no reading dated within 2025-07"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn quota_plan_allocate_and_report() {
    let common = ["--register", &s("quota-register.csv"), "--plans", &s("plans.csv"), "--split", &s("plan-split.csv")].map(String::from);
    let run = |cmd: &str, extra: &[&str]| {
        let mut args = vec!["quota", cmd];
        args.extend(common.iter().map(String::as_str));
        args.extend(extra);
        oasis(&args)
    };
    // Smelter: 80 × 60 000 + 18 × 100 000 = 6 600 000 m³; March 8 % = 528 000.
    let (out, err) = text(&run("plan", &[]));
    assert!(out.contains("6600000.00") && out.contains("528000.00"), "{out}");
    assert!(err.contains("plans.csv line 7: customer JC-IND-003 refers to unknown quota code C2619-PVC-G"), "{err}");

    let o = run("allocate", &["--customers", &s("customers.csv"), "--period", "2025-Q3", "--available-m3", "2000000", "--priority", "domestic,public,services,industry,landscape"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    // Less water than planned demand: everything is handed out, landscape (last) gets nothing.
    assert!(out.contains("allocated 2000000.00 m³, unallocated 0.00 m³"), "{out}");
    // Q3 landscape plan (9.5 + 9.5 + 8.5) % × 120 000 = 33 000 m³, allocated 0.
    let park: Vec<&str> = out.lines().find(|l| l.contains("JC-LND-040")).expect("park row").split_whitespace().collect();
    assert_eq!(park, vec!["landscape", "JC-LND-040", "33000.00", "0.00", "0.0"]);

    let o = run("report", &["--customers", &s("customers.csv"), "--readings", &s("readings.csv"), "--period", "2025-Q1"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    // JC-IND-002: Q1 plan (8 + 7 + 8) % × 2 650 000 = 609 500; used 200 000 + 180 000 + 270 000
    // = 650 000 → 40 500 over, 106.6 %.
    assert!(out.lines().any(|l| l.contains("JC-IND-002") && l.contains("609500.00") && l.contains("650000.00") && l.contains("106.6")), "{out}");
    assert!(err.contains("JC-HH-108"), "{err}");
}

#[test]
fn dual_control_on_the_sample_city() {
    let o = oasis(&["dual-control", "--input", &s("dual-control-2025.toml"), "--farms", &s("farms.csv")]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    // 万元GDP用水量: base 690 000 000 / 3 400 000 = 202.94; 2025 at 2020 prices
    // 660 000 000 / 4 100 000 = 160.98; decline (202.94 − 160.98) / 202.94 = 20.68 %.
    assert!(out.lines().any(|l| l.contains("万元GDP用水量") && l.contains("202.94") && l.contains("160.98") && l.contains("20.68")), "{out}");
    // η region: large (66 + 84)/(120 + 150) = 0.5556, medium 0.58, small 0.62, well 0.75,
    // weighted 300 / 100 / 40 / 80: (166.667 + 58 + 24.8 + 60) / 520 = 0.5951.
    assert!(out.contains("region η 0.5951 vs target 0.58: met"), "{out}");
    // Rewards: (237 600 + 21 250 + 48 800) × 0.10 = 30 765.00; subsidies for grain and
    // smallholders: (1 612 400 + 398 750 + 980 000) × 0.05 = 149 557.50.
    assert!(out.lines().any(|l| l.starts_with("  total") && l.contains("30765.00") && l.contains("149557.50")), "{out}");
    // JC-W02 abstracted 1 180 000 against a 1 000 000 permit.
    assert!(out.lines().any(|l| l.contains("JC-W02") && l.contains("180000") && l.contains("118.0")), "{out}");
}

#[test]
fn malformed_files_name_file_line_and_field() {
    let dir = temp_dir("bad");
    let readings = dir.join("readings.csv");
    std::fs::write(&readings, "customer,date,reading_m3,event\nJC-HH-101,2025-02-20,100,\nJC-HH-101,2025-13-20,110,\n").unwrap();
    let o = oasis(&[
        "bill", "--tariff", &s("tariff-2024.toml"), "--customers", &s("customers.csv"), "--readings", readings.to_str().unwrap(), "--period", "2025-03",
    ]);
    let (_, err) = text(&o);
    assert!(!o.status.success());
    assert!(err.contains("readings.csv line 3: field 'date' = '2025-13-20' is not a date"), "{err}");

    std::fs::write(&readings, "customer,date\nJC-HH-101,2025-02-20\n").unwrap();
    let (_, err) = text(&oasis(&[
        "bill", "--tariff", &s("tariff-2024.toml"), "--customers", &s("customers.csv"), "--readings", readings.to_str().unwrap(), "--period", "2025-03",
    ]));
    assert!(err.contains("missing column 'reading_m3'"), "{err}");

    let (_, err) = text(&oasis(&["bill", "--tariff", &s("tariff-2024.toml"), "--customers", &s("customers.csv"), "--readings", &s("readings.csv"), "--period", "2025-3"]));
    assert!(err.contains("'2025-3' is not a period"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn bill_can_be_limited_to_some_customers() {
    let base = ["bill", "--tariff", &s("tariff-2024.toml"), "--customers", &s("customers.csv"), "--readings", &s("readings.csv"), "--period", "2025-03"]
        .map(String::from);
    let run = |extra: &[&str]| {
        let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
        args.extend(extra);
        oasis(&args)
    };
    let (out, _) = text(&run(&["--customer", "JC-HH-104"]));
    assert!(out.contains("1 bills, 96.00 yuan in all; 0 held back"), "{out}");
    let o = run(&["--customer", "JC-NOPE"]);
    assert!(!o.status.success());
    assert!(text(&o).1.contains("--customer JC-NOPE: no such customer"));
}
