//! `oasis air …` end to end: the built binary on small CSV files. Expected
//! values are worked out by hand in the comments (HJ 633 tables).

use std::path::PathBuf;
use std::process::Command;

fn dir(test: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("air_cli")
        .join(test);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(test: &str, name: &str, text: &str) -> PathBuf {
    let p = dir(test).join(name);
    std::fs::write(&p, text).unwrap();
    p
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn oasis(args: &[&str]) -> Out {
    let o = Command::new(env!("CARGO_BIN_EXE_oasis"))
        .args(args)
        .output()
        .expect("run oasis");
    let out = Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
    };
    assert!(!out.stderr.contains("panicked"), "panic: {}", out.stderr);
    out
}

const HEADER: &str = "time,station,so2,no2,pm10,pm25,co,o3,o3_8h\n";

fn hourly(test: &str, csv: &str) -> Vec<String> {
    let input = write(test, "in.csv", csv);
    let output = dir(test).join("out.csv");
    let o = oasis(&[
        "air",
        "hourly",
        "--input",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    std::fs::read_to_string(output)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn hourly_header_and_edition_switch() {
    // SO2 10 -> 50*10/150 = 3.3 -> 4; NO2 20 -> 50*20/100 = 10; PM10 40 -> 40;
    // CO 0.5 -> 50*0.5/5 = 5; O3 50 -> 50*50/160 = 15.6 -> 16; O3 8-h 60 -> 30.
    // PM2.5 70: 2012 50 + 50*35/40 = 93.75 -> 94 (良); 2026 100 + 50*10/55 = 109.1 -> 110 (轻度污染).
    let lines = hourly(
        "switch",
        &format!(
            "{HEADER}2026-03-01T00:00,金昌A,10,20,40,70,0.5,50,60\n2026-03-01T01:00,金昌A,10,20,40,70,0.5,50,60\n"
        ),
    );
    assert_eq!(
        lines[0],
        "time,station,edition,aqi,category,primary,iaqi_so2,iaqi_no2,iaqi_pm10,iaqi_pm25,iaqi_co,iaqi_o3,iaqi_o3_8h"
    );
    assert_eq!(
        lines[1],
        "2026-03-01T00:00,金昌A,HJ633-2012,94,良,PM2.5,4,10,40,94,5,16,30"
    );
    assert_eq!(
        lines[2],
        "2026-03-01T01:00,金昌A,HJ633-2026,110,轻度污染,PM2.5,4,10,40,110,5,16,30"
    );
}

#[test]
fn hourly_missing_data_and_ties() {
    // NO2 missing, the rest <= 100 (max PM10 40): AQI not published.
    // Second row (2025): PM10 150 -> 100 and PM2.5 75 -> 100: both primary.
    let lines = hourly(
        "missing",
        &format!(
            "{HEADER}2026-03-05T10:00,S1,10,,40,20,0.5,50,60\n2025-06-01T10:00,S1,10,20,150,75,0.5,50,60\n"
        ),
    );
    // PM2.5 20 -> 50*20/35 = 28.6 -> 29
    assert_eq!(
        lines[1],
        "2026-03-05T10:00,S1,HJ633-2026,,,,4,,40,29,5,16,30"
    );
    assert_eq!(
        lines[2],
        "2025-06-01T10:00,S1,HJ633-2012,100,良,PM10;PM2.5,4,10,100,100,5,16,30"
    );
}

#[test]
fn hourly_o3_8h_from_preceding_hours() {
    // No o3_8h column: O3 100 at 01:00 … 07:00 and 180 at 08:00.
    // 05:00: 5 hours < 6 -> empty; 06:00: 6 x 100 -> 100 -> 2026 8-h IAQI 50;
    // 08:00: (7*100 + 180)/8 = 110 -> 50 + 50*10/60 = 58.3 -> 59.
    let mut csv = String::from("time,station,so2,no2,pm10,pm25,co,o3\n");
    for h in 1..=8 {
        let o3 = if h == 8 { 180 } else { 100 };
        csv.push_str(&format!("2026-04-01T{h:02}:00,S1,10,20,40,20,0.5,{o3}\n"));
    }
    let lines = hourly("o3_8h", &csv);
    let last = |l: &str| l.rsplit(',').next().unwrap().to_string();
    assert_eq!(last(&lines[5]), "");
    assert_eq!(last(&lines[6]), "50");
    assert_eq!(last(&lines[8]), "59");
}

#[test]
fn hourly_caps_at_500_and_is_never_empty_for_big_values() {
    // Kashgar-like PM10 1677 -> 500, 严重污染.
    let lines = hourly(
        "cap",
        &format!("{HEADER}2026-03-15T12:00,K1,10,20,1677,200,0.5,50,60\n"),
    );
    assert!(
        lines[1].starts_with("2026-03-15T12:00,K1,HJ633-2026,500,严重污染,PM10,"),
        "{}",
        lines[1]
    );
}

fn bad(test: &str, csv: &str) -> Out {
    let input = write(test, "bad.csv", csv);
    let o = oasis(&[
        "air",
        "hourly",
        "--input",
        input.to_str().unwrap(),
        "--output",
        dir(test).join("o.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "should fail: {}", o.stdout);
    assert!(o.stderr.contains("bad.csv"), "names the file: {}", o.stderr);
    o
}

#[test]
fn bad_input_is_a_clear_error() {
    let o = bad(
        "unknown_col",
        "time,station,so2,no2,pm10,pm2.5,co,o3\n2026-03-01T01:00,S,1,1,1,1,0.1,1\n",
    );
    assert!(o.stderr.contains("unknown column 'pm2.5'"), "{}", o.stderr);

    let o = bad(
        "missing_col",
        "time,station,so2,no2,pm10,pm25,co\n2026-03-01T01:00,S,1,1,1,1,0.1\n",
    );
    assert!(o.stderr.contains("missing column(s) o3"), "{}", o.stderr);

    let o = bad(
        "negative",
        &format!("{HEADER}2026-03-01T01:00,S,1,1,1,1,0.1,1,\n2026-03-01T02:00,S,1,1,-5,1,0.1,1,\n"),
    );
    assert!(
        o.stderr.contains("line 3") && o.stderr.contains("'pm10'") && o.stderr.contains("negative"),
        "{}",
        o.stderr
    );

    let o = bad(
        "nan",
        &format!("{HEADER}2026-03-01T01:00,S,1,abc,1,1,0.1,1,\n"),
    );
    assert!(
        o.stderr.contains("line 2")
            && o.stderr.contains("'no2'")
            && o.stderr.contains("'abc' is not a decimal number"),
        "{}",
        o.stderr
    );

    let o = bad(
        "time",
        &format!("{HEADER}2026/03/01 01:00,S,1,1,1,1,0.1,1,\n"),
    );
    assert!(
        o.stderr.contains("line 2")
            && o.stderr.contains("'time'")
            && o.stderr.contains("2026/03/01 01:00"),
        "{}",
        o.stderr
    );

    let o = bad(
        "half_hour",
        &format!("{HEADER}2026-03-01T01:30,S,1,1,1,1,0.1,1,\n"),
    );
    assert!(o.stderr.contains("'time'"), "{}", o.stderr);

    let o = bad(
        "dup",
        &format!("{HEADER}2026-03-01T01:00,S,1,1,1,1,0.1,1,\n2026-03-01T01:00,S,2,2,2,2,0.2,2,\n"),
    );
    assert!(
        o.stderr
            .contains("duplicated station-hour S 2026-03-01T01:00")
            && o.stderr.contains("line 3")
            && o.stderr.contains("first at line 2"),
        "{}",
        o.stderr
    );

    let o = bad("ragged", &format!("{HEADER}2026-03-01T01:00,S,1,1\n"));
    assert!(o.stderr.contains("malformed CSV"), "{}", o.stderr);

    let o = oasis(&["air", "hourly", "--input", "/nonexistent/none.csv"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("cannot open /nonexistent/none.csv"),
        "{}",
        o.stderr
    );
}

#[test]
fn lenient_turns_bad_cells_into_warnings() {
    let csv = format!(
        "{HEADER}2026-03-01T01:00,S,10,abc,40,20,0.5,50,60\n2026-03-01T01:00,S,10,20,40,20,0.5,50,60\nnot-a-time,S,1,1,1,1,1,1,1\n"
    );
    let input = write("lenient", "in.csv", &csv);
    let out = dir("lenient").join("out.csv");
    let o = oasis(&[
        "air",
        "hourly",
        "--lenient",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("warning:") && o.stderr.contains("line 2") && o.stderr.contains("'no2'"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("line 3") && o.stderr.contains("duplicated"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("line 4") && o.stderr.contains("'time'"),
        "{}",
        o.stderr
    );
    let text = std::fs::read_to_string(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "one station-hour kept");
    // NO2 treated as missing -> AQI withheld (rest max 40 <= 100), IAQI NO2 empty.
    assert_eq!(
        lines[1],
        "2026-03-01T01:00,S,HJ633-2026,,,,4,,40,29,5,16,30"
    );
}

/// One natural day (stamps 01:00 … next day 00:00) of constant values.
fn day_rows(station: &str, date: &str, next: &str, pm25: &str, skip_pm25: usize) -> String {
    let mut s = String::new();
    for h in 1..=24 {
        let t = if h == 24 {
            format!("{next}T00:00")
        } else {
            format!("{date}T{h:02}:00")
        };
        let pm = if h <= skip_pm25 { "" } else { pm25 };
        s.push_str(&format!("{t},{station},10,20,40,{pm},0.5,80\n"));
    }
    s
}

fn read_csv(path: &PathBuf) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

fn field<'a>(table: &'a [Vec<String>], row: &[String], name: &str) -> &'a str {
    let i = table[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    // Return from the table to keep the lifetime simple.
    let r = table.iter().position(|x| x == row).unwrap();
    &table[r][i]
}

#[test]
fn daily_with_validity_and_city() {
    // A: 24 hours, PM2.5 70 -> 2026 daily IAQI 110 (轻度污染); SO2 10 -> 10, NO2 20 -> 25,
    // PM10 40 -> 40, CO 0.5 -> 12.5 -> 13, O3 8-h max 80 -> 40.
    // B: PM2.5 missing at 01:00 … 05:00 -> 19 hours -> invalid, AQI withheld.
    // City: PM2.5 from A only -> 70 -> 110.
    let mut csv = String::from("time,station,so2,no2,pm10,pm25,co,o3\n");
    csv.push_str(&day_rows("A", "2026-03-02", "2026-03-03", "70", 0));
    csv.push_str(&day_rows("B", "2026-03-02", "2026-03-03", "70", 5));
    let input = write("daily", "in.csv", &csv);
    let out = dir("daily").join("daily.csv");
    let o = oasis(&[
        "air",
        "daily",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--city",
        "金昌市",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let t = read_csv(&out);
    assert_eq!(t.len(), 4, "A, B and the city");
    let a = t.iter().find(|r| r[1] == "A").unwrap().clone();
    assert_eq!(
        a[..7],
        [
            "2026-03-02",
            "A",
            "HJ633-2026",
            "110",
            "轻度污染",
            "三级",
            "PM2.5"
        ]
    );
    assert_eq!(field(&t, &a, "pm25"), "70");
    assert_eq!(field(&t, &a, "o3_8h_max"), "80");
    assert_eq!(field(&t, &a, "iaqi_co"), "13");
    assert_eq!(field(&t, &a, "iaqi_o3"), "", "no O3 1-h term in 2026");
    assert_eq!(field(&t, &a, "iaqi_o3_8h"), "40");
    let b = t.iter().find(|r| r[1] == "B").unwrap().clone();
    assert_eq!(field(&t, &b, "aqi"), "");
    assert!(field(&t, &b, "note").contains("PM2.5: 19 valid hours < 20"));
    let c = t.iter().find(|r| r[1] == "金昌市").unwrap().clone();
    assert_eq!(field(&t, &c, "aqi"), "110");
    // The terminal table shows NA for B.
    assert!(
        o.stdout
            .lines()
            .any(|l| l.contains(" B ") && l.contains("NA")),
        "{}",
        o.stdout
    );
}

#[test]
fn evaluate_period() {
    // A on 2 March: AQI 110 (轻度); on 3 March PM2.5 30 -> 50*30/35 = 42.9 -> 43 (优).
    // Valid 2, good 1 -> 50.0 %; PM2.5 mean (70 + 30)/2 = 50; O3 p90 of {80, 80} = 80.
    let mut csv = String::from("time,station,so2,no2,pm10,pm25,co,o3\n");
    csv.push_str(&day_rows("A", "2026-03-02", "2026-03-03", "70", 0));
    csv.push_str(&day_rows("A", "2026-03-03", "2026-03-04", "30", 0));
    let input = write("evaluate", "in.csv", &csv);
    let out = dir("evaluate").join("eval.csv");
    let o = oasis(&[
        "air",
        "evaluate",
        "--input",
        input.to_str().unwrap(),
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let t = read_csv(&out);
    let a = t[1].clone();
    assert_eq!(field(&t, &a, "days"), "31");
    assert_eq!(field(&t, &a, "valid_days"), "2");
    assert_eq!(field(&t, &a, "good_days"), "1");
    assert_eq!(field(&t, &a, "good_rate_pct"), "50.0");
    assert_eq!(field(&t, &a, "days_excellent"), "1");
    assert_eq!(field(&t, &a, "days_lightly"), "1");
    assert_eq!(field(&t, &a, "pm25_mean"), "50");
    assert_eq!(field(&t, &a, "o3_8h_p90"), "80");
    assert_eq!(field(&t, &a, "limits"), "GB3095-2026-transition");
    // transition 二级 PM2.5 annual 30: 50 fails
    assert_eq!(field(&t, &a, "attain_pm25"), "no");
    // March has 2 of the 27 required daily values
    assert!(field(&t, &a, "note").contains("PM2.5 mean (2 days) below GB 3095 Table 4 minimum"));
    assert!(o.stdout.contains("50.0"), "{}", o.stdout);

    let o = oasis(&[
        "air",
        "evaluate",
        "--input",
        input.to_str().unwrap(),
        "--from",
        "2026-03-31",
        "--to",
        "2026-03-01",
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("after"), "{}", o.stderr);
    let o = oasis(&[
        "air",
        "evaluate",
        "--input",
        input.to_str().unwrap(),
        "--from",
        "2026-02-30",
        "--to",
        "2026-03-01",
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("--from '2026-02-30'"), "{}", o.stderr);
}
