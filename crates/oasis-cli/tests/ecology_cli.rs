//! `oasis carbon|air annual|greening|soil|targets` over samples/ecology, run as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn oasis(args: &[&str]) -> (bool, String, String) {
    let o: Output = Command::new(env!("CARGO_BIN_EXE_oasis"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run oasis");
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn line<'a>(out: &'a str, start: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting with {start:?} in\n{out}"))
}

/// A copy of samples/ecology with one file edited.
fn broken(name: &str, file: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oasis-ecology-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(root().join("samples/ecology")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    let t = std::fs::read_to_string(dir.join(file)).unwrap();
    std::fs::write(dir.join(file), edit(&t)).unwrap();
    dir
}

#[test]
fn carbon_ledger_and_inventory() {
    let (ok, out, err) = oasis(&["carbon", "ledger", "--year", "2024"]);
    assert!(ok, "{err}");
    // city_transport 2024: 63 000 t diesel × 42.652 GJ/t = 2 687 076 GJ × 0.0202 tC/GJ = 54 278.9352 tC
    // × 0.98 = 53 193.356496 tC × 44/12 = 195 042.307152 tCO2 → 195042.3.
    assert!(
        line(&out, "2024   city_transport")
            .trim_end()
            .ends_with("195042.3"),
        "{out}"
    );
    let (ok, out, err) = oasis(&["carbon", "inventory", "--base-year", "2022"]);
    assert!(ok, "{err}");
    // Base year declines are zero; 2024: (1.8617… − 1.6841…)/1.8617… = 9.54 %.
    assert!(out.contains("2022         1.8617         0.00"), "{out}");
    assert!(out.contains("2024         1.6841         9.54"), "{out}");
    let (ok, out, err) = oasis(&["carbon", "cases"]);
    assert!(ok, "{err}");
    assert!(out.contains("in progress: 100 of 155 t retired"), "{out}");
}

#[test]
fn unknown_grid_vintage_is_named() {
    let dir = broken("vintage", "carbon-activity.csv", |t| {
        t.replacen("grid,4189500,MWh,NW,2023", "grid,4189500,MWh,NW,2024", 1)
    });
    let (ok, _, err) = oasis(&["carbon", "ledger", "--dir", dir.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("carbon-activity.csv:")
            && err.contains("field 'vintage'")
            && err.contains("vintage '2024'"),
        "{err}"
    );
}

#[test]
fn annual_air_with_dust_deduction() {
    let (ok, out, err) = oasis(&[
        "air",
        "annual",
        "--daily",
        "samples/ecology/air-daily.csv",
        "--dust",
        "samples/ecology/air-dust-days.csv",
        "--year",
        "2025",
    ]);
    assert!(ok, "{err}");
    assert!(line(&out, "city     raw").contains("不达标"), "{out}");
    assert!(
        line(&out, "city     deducted").contains("达标")
            && !line(&out, "city     deducted").contains("不达标"),
        "{out}"
    );
}

#[test]
fn greening_soil_and_targets_board() {
    let (ok, out, err) = oasis(&["greening", "report"]);
    assert!(ok, "{err}");
    // 2.4 万亩 + 2.1 万亩 + 1200 ha × 15 = 6.3 万亩 against 6 → met.
    assert!(
        line(&out, "2025  afforestation       6.0000").contains("6.3000"),
        "{out}"
    );
    let (ok, out, _) = oasis(&["greening", "geojson"]);
    assert!(ok);
    assert_eq!(out.matches("\"Feature\"").count(), 10);
    let (ok, out, err) = oasis(&["soil", "screen"]);
    assert!(ok, "{err}");
    assert!(
        line(&out, "河西堡-果园-05   严格管控类").contains("Cd"),
        "{out}"
    );
    let (ok, out, err) = oasis(&["soil", "cases", "--on", "2025-06-25"]);
    assert!(ok, "{err}");
    assert!(out.contains("overdue on 2025-06-25: 2"), "{out}");
    let (ok, out, err) = oasis(&["targets"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("8 of 12 targets met, 1 without an actual"),
        "{out}"
    );
    assert!(line(&out, "完成造林").contains("oasis-greening"), "{out}");
    assert!(
        line(&out, "空气质量优良天数").contains("oasis-air"),
        "{out}"
    );
}

#[test]
fn soil_without_ph_and_overlapping_projects_are_named() {
    let dir = broken("ph", "soil-samples.csv", |t| {
        t.replacen("other,7.51,Cd", "other,,Cd", 1)
    });
    let (ok, _, err) = oasis(&["soil", "screen", "--dir", dir.to_str().unwrap()]);
    assert!(
        !ok && err.contains("soil-samples.csv:6: field 'ph'"),
        "{err}"
    );
    let dir = broken("overlap", "greening-projects.csv", |t| {
        let poly = t
            .lines()
            .nth(2)
            .unwrap()
            .split(',')
            .nth(8)
            .unwrap()
            .to_string();
        t.lines()
            .map(|l| {
                if l.starts_with("GR-2025-01") {
                    let mut f: Vec<&str> = l.split(',').collect();
                    f[8] = &poly;
                    f.join(",")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    let (ok, _, err) = oasis(&["greening", "report", "--dir", dir.to_str().unwrap()]);
    assert!(
        !ok && err.contains("overlaps project 'SB6-2025-01'"),
        "{err}"
    );
}

/// The board's NRW comes from district metering: the balance of the sample metered city, made by
/// the same commands a user runs (samples/metering), read by `oasis targets --balance-csv`.
#[test]
fn targets_board_takes_nrw_from_the_metering_sample() {
    let dir = std::env::temp_dir().join(format!("oasis-ecology-nrw-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("db");
    let db = db.to_str().unwrap();
    let csv = dir.join("balance.csv");
    for args in [
        vec!["meters", "register", "--db", db, "samples/metering/meters.csv"],
        vec!["meters", "ingest", "--db", db, "--no-checks", "samples/metering/readings.csv.gz"],
        vec!["districts", "build", "--db", db, "--network", "samples/metering/network.inp"],
        vec!["balance", "--db", db, "--from", "2026-03-03", "--to", "2026-03-29", "--level", "0", "--csv", csv.to_str().unwrap()],
    ] {
        let (ok, _, err) = oasis(&args);
        assert!(ok, "oasis {args:?}: {err}");
    }
    let (ok, out, err) = oasis(&["targets", "--balance-csv", csv.to_str().unwrap()]);
    assert!(ok, "{err}");
    // The city's NRW over 2026-03-03…29 (the level-0 row) against the 9 % cap: not met.
    let nrw = line(&out, "供水管网漏损率");
    assert!(nrw.contains("2026") && nrw.contains("NO") && nrw.contains("oasis-metering balance"), "{out}");
    assert!(out.contains("8 of 12 targets met, 0 without an actual"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
