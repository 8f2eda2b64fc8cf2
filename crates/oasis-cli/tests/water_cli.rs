//! `oasis water …` end to end on small long-format CSV files; expectations
//! worked out by hand from GB 3838-2002 Table 1 and the 2017 CWQI rules.

use std::path::PathBuf;
use std::process::Command;

fn dir(test: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("water_cli")
        .join(test);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(test: &str, name: &str, text: &str) -> String {
    let p = dir(test).join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
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

fn table(path: &str) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

fn get<'a>(t: &'a [Vec<String>], row: usize, col: &str) -> &'a str {
    let i = t[0]
        .iter()
        .position(|h| h == col)
        .unwrap_or_else(|| panic!("no column {col}"));
    &t[row][i]
}

#[test]
fn classify_samples_river_and_lake() {
    // S1 (river): TP 0.45 > 0.4 -> 劣V, (0.45-0.2)/0.2 = 1.25; NH3-N 1.2 -> IV, 0.20; DO 7.6 -> I.
    // S2 (lake): TP 0.1 -> lake IV ((0.1-0.05)/0.05 = 1.00); Cu below detection 0.01L -> 0.005 -> I.
    // S3 (river): the same TP 0.1 -> river II.
    let csv = "time,site,item,value,kind\n\
        2026-03-10,S1,tp,0.45,river\n2026-03-10,S1,NH3-N,1.2,river\n2026-03-10,S1,溶解氧,7.6,river\n\
        2026-03-10T10:30,S2,总磷,0.1,lake\n2026-03-10T10:30,S2,cu,0.01L,lake\n\
        2026-03-10,S3,tp,0.1,\n";
    let input = write("classify", "in.csv", csv);
    let out = dir("classify")
        .join("out.csv")
        .to_str()
        .unwrap()
        .to_string();
    let o = oasis(&["water", "classify", "--input", &input, "--output", &out]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let t = table(&out);
    assert_eq!(
        t[0].join(","),
        "site,city,kind,time,class,status,main_pollutants,exceeding,missing_items,reference"
    );
    assert_eq!(get(&t, 1, "site"), "S1");
    assert_eq!(get(&t, 1, "class"), "劣V");
    assert_eq!(get(&t, 1, "status"), "重度污染");
    assert_eq!(get(&t, 1, "main_pollutants"), "TP(1.25);NH3-N(0.20)");
    assert_eq!(get(&t, 1, "exceeding"), "tp:劣V;nh3n:IV");
    assert_eq!(
        (get(&t, 2, "site"), get(&t, 2, "kind"), get(&t, 2, "class")),
        ("S2", "lake", "IV")
    );
    assert_eq!(get(&t, 2, "main_pollutants"), "TP(1.00)");
    assert_eq!(
        (get(&t, 3, "site"), get(&t, 3, "kind"), get(&t, 3, "class")),
        ("S3", "river", "II")
    );
    assert!(o.stdout.contains("劣V"), "{}", o.stdout);
}

#[test]
fn classify_period_means_and_shares() {
    // NH3-N 0.8 and 1.3: mean 1.05 -> IV, multiple 0.05; site B stays II -> 优良率 1/2 = 50.0 %.
    let csv = "time,site,item,value,city\n2026-01-10,A,nh3n,0.8,金昌\n2026-02-10,A,nh3n,1.3,金昌\n2026-01-10,B,nh3n,0.4,金昌\n2025-12-10,A,nh3n,9,金昌\n";
    let input = write("period", "in.csv", csv);
    let out = dir("period").join("out.csv").to_str().unwrap().to_string();
    let o = oasis(&[
        "water",
        "classify",
        "--period",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--input",
        &input,
        "--output",
        &out,
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let t = table(&out);
    assert_eq!(
        (
            get(&t, 1, "site"),
            get(&t, 1, "samples"),
            get(&t, 1, "class")
        ),
        ("A", "2", "IV")
    );
    assert_eq!(get(&t, 1, "main_pollutants"), "NH3-N(0.05)");
    assert_eq!(get(&t, 2, "class"), "II");
    assert!(o.stdout.contains("优良率 (I–III) 50.0 %"), "{}", o.stdout);
}

/// The hand-worked section of the crate tests (river CWQI 8.55 with TP 0.1).
fn section(site: &str, city: &str, tp: &str) -> String {
    let items = [
        ("ph", "7.5"),
        ("do", "6.25"),
        ("codmn", "3"),
        ("cod", "10"),
        ("bod5", "2"),
        ("nh3n", "0.5"),
        ("tp", tp),
        ("cu", "0.1"),
        ("zn", "0.5"),
        ("fluoride", "0.5"),
        ("se", "0.005"),
        ("as", "0.01"),
        ("hg", "0.00005"),
        ("cd", "0.001"),
        ("cr6", "0.025"),
        ("pb", "0.01"),
        ("cyanide", "0.02"),
        ("phenol", "0.001"),
        ("petroleum", "0.025"),
        ("las", "0.1"),
        ("sulfide", "0.1"),
        ("tn", "3"),
    ];
    items
        .iter()
        .map(|(i, v)| format!("2026-03-01,{site},{i},{v},{city}\n"))
        .collect()
}

#[test]
fn rank_cities_by_cwqi() {
    // A: 8.55 (see crate test). B: TP 0.2 -> 1.0 instead of 0.5 -> 9.05. C: two sections
    // 8.55 and 9.05 -> 8.80. Ranking ascending: A 1, C 2, B 3.
    let mut csv = String::from("time,site,item,value,city\n");
    csv.push_str(&section("A1", "甲市", "0.1"));
    csv.push_str(&section("B1", "乙市", "0.2"));
    csv.push_str(&section("C1", "丙市", "0.1"));
    csv.push_str(&section("C2", "丙市", "0.2"));
    let input = write("rank", "in.csv", &csv);
    let out = dir("rank").join("rank.csv").to_str().unwrap().to_string();
    let o = oasis(&[
        "water", "rank", "--input", &input, "--output", &out, "--base", &input,
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let t = table(&out);
    assert_eq!(
        t[0].join(","),
        "rank,city,cwqi,cwqi_change_pct,sections,good_pct,worse_than_v_pct,rating,incomplete_sections"
    );
    assert_eq!(t[1][..3], ["1", "甲市", "8.5500"]);
    assert_eq!(t[2][..3], ["2", "丙市", "8.8000"]);
    assert_eq!(t[3][..3], ["3", "乙市", "9.0500"]);
    // Same file as base: no change.
    assert_eq!(get(&t, 1, "cwqi_change_pct"), "0.00");
    // All sections class II or III (B's TP 0.2 = III limit) -> 100 % good, rating 优.
    assert_eq!(get(&t, 3, "good_pct"), "100.0");
    assert_eq!(get(&t, 3, "rating"), "优");
    assert_eq!(get(&t, 1, "incomplete_sections"), "");
}

#[test]
fn rank_needs_a_city_and_flags_incomplete_sections() {
    let csv = "time,site,item,value\n2026-03-01,X,nh3n,0.5\n";
    let input = write("rank_city", "in.csv", csv);
    let o = oasis(&["water", "rank", "--input", &input]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("site X has no city"), "{}", o.stderr);
    let out = dir("rank_city").join("r.csv").to_str().unwrap().to_string();
    let o = oasis(&[
        "water", "rank", "--input", &input, "--city", "金昌", "--output", &out,
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("lack some of the 21 CWQI items"),
        "{}",
        o.stderr
    );
    let t = table(&out);
    // only NH3-N 0.5/1.0 = 0.5
    assert_eq!(get(&t, 1, "cwqi"), "0.5000");
    assert_eq!(get(&t, 1, "incomplete_sections"), "X");
}

fn bad(test: &str, csv: &str) -> Out {
    let input = write(test, "bad.csv", csv);
    let o = oasis(&["water", "classify", "--input", &input]);
    assert_eq!(o.code, 1, "should fail: {}", o.stdout);
    assert!(o.stderr.contains("bad.csv"), "names the file: {}", o.stderr);
    o
}

#[test]
fn bad_input_is_a_clear_error() {
    let o = bad(
        "col",
        "time,site,item,value,unit\n2026-03-01,S,tp,0.1,mg/L\n",
    );
    assert!(o.stderr.contains("unknown column 'unit'"), "{}", o.stderr);
    let o = bad(
        "item",
        "time,site,item,value\n2026-03-01,S,tp,0.1\n2026-03-01,S,chlorophyll,3\n",
    );
    assert!(
        o.stderr.contains("line 3") && o.stderr.contains("unknown GB 3838 item 'chlorophyll'"),
        "{}",
        o.stderr
    );
    let o = bad("neg", "time,site,item,value\n2026-03-01,S,tp,-0.1\n");
    assert!(
        o.stderr.contains("line 2") && o.stderr.contains("negative value '-0.1'"),
        "{}",
        o.stderr
    );
    let o = bad("nan", "time,site,item,value\n2026-03-01,S,tp,n.d.\n");
    assert!(
        o.stderr.contains("line 2") && o.stderr.contains("'n.d.' is not a decimal number"),
        "{}",
        o.stderr
    );
    let o = bad("time", "time,site,item,value\n03/01/2026,S,tp,0.1\n");
    assert!(
        o.stderr.contains("line 2") && o.stderr.contains("'time'"),
        "{}",
        o.stderr
    );
    let o = bad(
        "dup",
        "time,site,item,value\n2026-03-01,S,tp,0.1\n2026-03-01,S,TP,0.2\n",
    );
    assert!(
        o.stderr.contains("line 3")
            && o.stderr
                .contains("duplicated sample S 2026-03-01 tp (first at line 2)"),
        "{}",
        o.stderr
    );
    let o = bad(
        "kind",
        "time,site,item,value,kind\n2026-03-01,S,tp,0.1,sea\n",
    );
    assert!(
        o.stderr.contains("unknown water body 'sea'"),
        "{}",
        o.stderr
    );
    // lenient: bad rows skipped with warnings, the rest classed
    let input = write(
        "lenient",
        "in.csv",
        "time,site,item,value\n2026-03-01,S,tp,abc\n2026-03-01,S,nh3n,0.6\n",
    );
    let o = oasis(&["water", "classify", "--lenient", "--input", &input]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("warning:") && o.stderr.contains("line 2"),
        "{}",
        o.stderr
    );
    assert!(o.stdout.contains("III"), "{}", o.stdout);
}
