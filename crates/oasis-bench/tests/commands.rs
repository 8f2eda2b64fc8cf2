//! The `oasis-bench` commands end to end on a small generated city.

use std::path::PathBuf;
use std::process::Command;

fn bench() -> Command {
    Command::new(env!("CARGO_BIN_EXE_oasis-bench"))
}

/// A 2-hour city of about 100 junctions, and its junction count as the
/// generator reports it.
fn small_city(tag: &str) -> (PathBuf, usize) {
    let path = std::env::temp_dir().join(format!("oasis-bench-test-{tag}-{}.inp", std::process::id()));
    let out = bench()
        .args(["city", "--junctions", "100", "--side", "10", "--hours", "2", "-o"])
        .arg(&path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    let junctions = said.split(": ").nth(1).and_then(|t| t.split(' ').next()).and_then(|n| n.parse().ok());
    (path, junctions.expect("the generator says how many junctions"))
}

/// Runs `oasis-bench` with `args`, which must succeed, and returns its output.
fn run_ok<S: AsRef<std::ffi::OsStr>>(args: impl IntoIterator<Item = S>) -> String {
    let out = bench().args(args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    text
}

#[test]
fn scaling_runs_each_thread_count_and_checks_the_rows() {
    let (city, _) = small_city("scaling");
    let mut args = vec!["scaling".into(), city.clone().into_os_string()];
    args.extend(["--kind", "leak", "--count", "6", "--repeat", "2", "--threads", "1,2"].map(Into::into));
    let text = run_ok(args);
    std::fs::remove_file(&city).ok();
    assert!(text.contains("6 scenarios (leak)"), "{text}");
    // Two rounds of two runs each, then one summary per thread count.
    assert_eq!(text.lines().filter(|l| l.starts_with("round ")).count(), 4, "{text}");
    assert!(text.contains("2 threads: median"), "{text}");
    assert!(text.ends_with("rows identical across thread counts: yes\n"), "{text}");
}

#[test]
fn compare_shows_the_parse_beside_en_open() {
    let (city, junctions) = small_city("compare");
    let mut args = vec!["compare".into(), city.clone().into_os_string()];
    args.extend(["--engines", "oasis", "--repeat", "1"].map(Into::into));
    let text = run_ok(args);
    std::fs::remove_file(&city).ok();
    assert!(text.contains("| Oasis parse ms | EPANET 2.3.5 open ms | Oasis hydraulics ms |"), "{text}");
    // Oasis ran, EPANET did not: the row has the junctions, 3 hydraulic periods
    // (0, 1 and 2 h) and empty EPANET cells.
    let row = text.lines().find(|l| l.contains(".inp |")).expect("a row for the city");
    assert!(row.contains(&format!("| {junctions} | 3 |")), "{row}");
    assert!(row.contains("| – |"), "{row}");
    assert!(text.contains("Oasis parse/EPANET 2.3.5 EN_open"), "{text}");
}

#[test]
fn phases_gives_each_phase_for_each_network_and_says_why_one_failed() {
    let (city, junctions) = small_city("phases");
    let broken = std::env::temp_dir().join(format!("oasis-bench-test-broken-{}.inp", std::process::id()));
    std::fs::write(&broken, "[PIPES]\n P1 A B 100 100 100\n[END]\n").unwrap();
    let text = run_ok([
        "phases".into(),
        city.clone().into_os_string(),
        broken.clone().into_os_string(),
        "--repeat".into(),
        "2".into(),
    ]);
    std::fs::remove_file(&city).ok();
    std::fs::remove_file(&broken).ok();
    let row = text.lines().find(|l| l.contains("oasis-bench-test-phases")).expect("a row for the city");
    // Junctions, 3 periods (0, 1, 2 h), then five phases as "min / median" ms.
    assert!(row.contains(&format!("| {junctions} | 3 |")), "{row}");
    let phases: Vec<(f64, f64)> = row
        .split('|')
        .filter_map(|cell| cell.trim().split_once(" / "))
        .map(|(a, b)| (a.parse().unwrap(), b.parse().unwrap()))
        .collect();
    assert_eq!(phases.len(), 5, "{row}");
    assert!(phases.iter().all(|&(min, med)| min >= 0.0 && min <= med), "{row}");
    let bad = text.lines().find(|l| l.contains("oasis-bench-test-broken")).expect("a row for the broken file");
    // No junction at all: EPANET's error 223, with the file's name.
    assert!(bad.contains("error 223") && bad.contains(".inp:"), "{bad}");
}
