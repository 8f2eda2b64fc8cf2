//! `oasis leaks` as a user runs it: simulate a data set, detect, score; bad SCADA files.

use std::process::Command;

fn oasis(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_oasis")).args(args).output().expect("oasis runs")
}

fn tmp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("oasis-leaks-cli-{}-{name}", std::process::id()))
}

const NET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/jinchang-demo.inp");

fn text(o: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn simulate_detect_score_round_trip() {
    let dir = tmp("set");
    let d = dir.to_str().unwrap();
    let out = oasis(&["leaks", "simulate", "--network", NET, "--output-dir", d, "--train-days", "2", "--test-days", "1", "--seed", "5"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("train_until=2019-01-03 00:00"), "{}", text(&out));
    for f in ["scada.csv.gz", "leaks.csv", "leak_flows.csv.gz", "dataset.txt"] {
        assert!(dir.join(f).exists(), "{f}");
    }
    let alarms = dir.join("alarms.csv");
    for method in ["twin", "inflow", "pressure"] {
        let out = oasis(&[
            "leaks", "detect", "--network", NET, "--scada", dir.join("scada.csv.gz").to_str().unwrap(),
            "--train-until", "2019-01-03 00:00", "--output", alarms.to_str().unwrap(), "--method", method,
        ]);
        assert!(out.status.success(), "{method}: {}", text(&out));
        let a = std::fs::read_to_string(&alarms).unwrap();
        assert!(a.starts_with("pipe_id,alarm_time,leak_flow_m3h,start_estimate,candidates\n"), "{a}");
        let out = oasis(&["leaks", "score", "--network", NET, "--dataset", d, "--alarms", alarms.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains("| alarms |"), "{}", text(&out));
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn bad_scada_files_are_named_errors() {
    let net = std::fs::read_to_string(NET).unwrap();
    let junction = net.lines().skip_while(|l| !l.starts_with("[JUNCTIONS]")).nth(2).unwrap().split_whitespace().next().unwrap().to_string();
    let cases = [
        (format!("Timestamp,P_nosuchnode\n2019-01-01 00:00,1\n"), "column 2 `P_nosuchnode`: node `nosuchnode` is not in the network"),
        (format!("Timestamp,P_{junction}\n2019-01-01 00:00,1\n2019-01-01 00:05,abc\n"), ":3: column 2"),
        (format!("Timestamp,P_{junction}\n2019-01-01 00:05,1\n2019-01-01 00:05,2\n"), ":3: time stamp 2019-01-01 00:05 is not after"),
    ];
    for (i, (csv, want)) in cases.iter().enumerate() {
        let f = tmp(&format!("bad{i}.csv"));
        std::fs::write(&f, csv).unwrap();
        let out = oasis(&[
            "leaks", "detect", "--network", NET, "--scada", f.to_str().unwrap(), "--train-until", "2019-01-01 00:00",
            "--output", tmp("x.csv").to_str().unwrap(),
        ]);
        assert!(!out.status.success());
        let t = text(&out);
        assert!(t.contains(f.to_str().unwrap()) && t.contains(want), "{t}");
        std::fs::remove_file(f).ok();
    }
    // A gap is a warning, not an error, and no row is invented.
    let f = tmp("gap.csv");
    std::fs::write(&f, format!("Timestamp,P_{junction}\n2019-01-01 00:00,1\n2019-01-01 00:05,1\n2019-01-01 00:20,1\n")).unwrap();
    let out = oasis(&[
        "leaks", "detect", "--network", NET, "--scada", f.to_str().unwrap(), "--train-until", "2019-01-01 00:00",
        "--output", tmp("y.csv").to_str().unwrap(),
    ]);
    assert!(text(&out).contains("gap from 2019-01-01 00:05 to 2019-01-01 00:20 (2 missing rows"), "{}", text(&out));
    std::fs::remove_file(f).ok();
}
