//! `oasis run` and `oasis convert` as a user runs them.

use std::process::Command;

fn oasis(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_oasis")).args(args).output().expect("oasis runs")
}

fn tmp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("oasis-cli-{}-{name}", std::process::id()))
}

#[test]
fn run_without_a_file_solves_the_demo_network() {
    let out = oasis(&["run"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("293 junctions"), "{text}");
    assert!(text.contains("balanced   yes"), "{text}");
}

#[test]
fn csv_has_one_row_per_node_and_link() {
    let csv = tmp("demo.csv");
    let out = oasis(&["run", "--csv", csv.to_str().unwrap()]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("time_s,object,id,head,pressure,demand,flow,velocity,headloss,status,setting"));
    let rows: Vec<&str> = lines.collect();
    // 293 junctions + 1 reservoir + 1 tank, then 519 pipes + 1 pump + 1 valve.
    assert_eq!(rows.iter().filter(|r| r.starts_with("0,node,")).count(), 295);
    assert_eq!(rows.iter().filter(|r| r.starts_with("0,link,")).count(), 521);
    let first_link = rows.iter().position(|r| r.starts_with("0,link,")).unwrap();
    assert!(rows[..first_link].iter().all(|r| r.starts_with("0,node,")), "nodes come first");
    for r in &rows {
        assert_eq!(r.split(',').count(), 11, "{r}");
    }
    std::fs::remove_file(csv).ok();
}

#[test]
fn convert_writes_a_network_that_runs_the_same() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/jinchang-demo.inp");
    let copy = tmp("copy.inp");
    assert!(oasis(&["convert", root, copy.to_str().unwrap()]).status.success());
    let a = oasis(&["run", root]);
    let b = oasis(&["run", copy.to_str().unwrap()]);
    let strip = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stdout).lines().filter(|l| !l.starts_with("network")).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(strip(&a), strip(&b));
    std::fs::remove_file(copy).ok();
}

#[test]
fn bad_input_names_file_line_and_field() {
    let bad = tmp("bad.inp");
    std::fs::write(
        &bad,
        "[JUNCTIONS]\nJ1 10 1\n[RESERVOIRS]\nR1 50\n[PIPES]\nP1 R1 J1 1000 -12 100\nP2 R1 J9 100 12 100\n[END]\n",
    )
    .unwrap();
    let out = oasis(&["run", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error 200"), "{err}");
    assert!(err.contains("line 6") && err.contains("diameter") && err.contains("error 211"), "{err}");
    assert!(err.contains("line 7") && err.contains("end node") && err.contains("error 203"), "{err}");
    assert!(!err.contains("panicked"));
    let missing = oasis(&["run", "/nonexistent/net.inp"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read /nonexistent/net.inp"));
    std::fs::remove_file(bad).ok();
}

#[test]
fn extended_run_writes_every_period_and_epanet_files() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/jinchang-demo.inp");
    let (csv, out, rpt) = (tmp("eps.csv"), tmp("eps.out"), tmp("eps.rpt"));
    let o = oasis(&[
        "run",
        root,
        "--csv",
        csv.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--report",
        rpt.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    // 24 h at 1 h reporting steps: 25 reporting times of 295 nodes and 521 links.
    let times: std::collections::BTreeSet<&str> = text.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(times.len(), 25);
    assert_eq!(text.lines().count() - 1, 25 * (295 + 521));
    let bin = std::fs::read(&out).unwrap();
    let magic = 516114521i32.to_le_bytes();
    assert_eq!(&bin[..4], &magic, "EPANET output files start with its magic number");
    assert_eq!(&bin[bin.len() - 4..], &magic, "and end with it");
    let report = std::fs::read_to_string(&rpt).unwrap();
    assert!(report.contains("E P A N E T") && report.contains("Analysis begun"), "{report}");
    for p in [csv, out, rpt] {
        std::fs::remove_file(p).ok();
    }
}

#[test]
fn scenarios_run_one_row_per_variant() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/jinchang-demo.inp");
    let csv = tmp("scenarios.csv");
    let o = oasis(&["scenarios", root, "--kind", "leak", "--steady", "--limit", "5", "--threads", "2", "--output", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 1 + 5, "{text}");
    std::fs::remove_file(csv).ok();
}
