//! Runs the real EPANET libraries. Skips (with a message) when they are not
//! installed, unless env `CI` is set, in which case a missing library is a failure.

use std::path::{Path, PathBuf};

use oasis_epanet::{IsolatedError, Reference, Toolkit, run_isolated};

fn require(found: Result<Option<Toolkit>, oasis_epanet::Error>, what: &str) -> Option<Toolkit> {
    match found {
        Ok(Some(tk)) => Some(tk),
        Ok(None) if std::env::var_os("CI").is_some() => {
            panic!("{what} is not installed but CI is set (pip install it)")
        }
        Ok(None) => {
            eprintln!("skipping: {what} is not installed");
            None
        }
        Err(e) => panic!("{what}: {e}"),
    }
}

fn v22() -> Option<Toolkit> {
    require(Toolkit::find_v22(), "EPANET 2.2 (entoolkit 2.2.0)")
}

fn v235() -> Option<Toolkit> {
    require(Toolkit::find_v235(), "EPANET 2.3.5 (owa-epanet 2.3.5)")
}

/// Writes `text` to a fresh file in the temp dir; removed when the guard drops.
struct TempInp(PathBuf);
impl TempInp {
    fn new(name: &str, text: &str) -> TempInp {
        let p = std::env::temp_dir().join(format!(
            "oasis-epanet-test-{}-{name}.inp",
            std::process::id()
        ));
        std::fs::write(&p, text).unwrap();
        TempInp(p)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}
impl Drop for TempInp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Reservoir (head 100 m) -> 2000 m of 300 mm pipe, C = 100 -> junction (elevation
/// 50 m) drawing 50 L/s. A tree: the flow is fixed by continuity.
const ONE_PIPE: &str = "\
[TITLE]
one pipe
[JUNCTIONS]
 J1  50  50
[RESERVOIRS]
 R1  100
[PIPES]
 P1  R1  J1  2000  300  100  0  Open
[OPTIONS]
 Units LPS
 Headloss H-W
[END]
";

#[test]
fn v22_reports_version_20200() {
    let Some(tk) = v22() else { return };
    assert_eq!(tk.version(), 20200);
}

#[test]
fn v235_reports_version_20305() {
    let Some(tk) = v235() else { return };
    assert_eq!(tk.version(), 20305);
}

#[test]
fn one_pipe_head_loss_matches_hazen_williams_by_hand() {
    let Some(tk) = v22() else { return };
    let inp = TempInp::new("one-pipe", ONE_PIPE);
    let r = tk.steady_state(inp.path()).unwrap();
    assert_eq!(r.warning, 0);
    assert_eq!(r.snapshot.time_s, 0);
    let ids: Vec<&str> = r.snapshot.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["J1", "R1"], "junctions first, then reservoirs");

    // EPANET works in ft and cfs:
    //   q = 50 L/s / 28.317 = 1.76572 cfs
    //   L = 2000 m / 0.3048 = 6561.68 ft, d = 300 mm / 304.8 = 0.984252 ft
    //   R = 4.727 L / (C^1.852 d^4.871) = 31017.1 / (5058.25 * 0.925596) = 6.6249
    //   h = R q^1.852 = 6.6249 * 2.8661 = 18.988 ft = 5.788 m
    let q_cfs: f64 = 50.0 / 28.317;
    let l_ft = 2000.0 / 0.3048;
    let d_ft: f64 = 300.0 / 304.8;
    let r_coef = 4.727 * l_ft / (100f64.powf(1.852) * d_ft.powf(4.871));
    let h_m = r_coef * q_cfs.powf(1.852) * 0.3048;
    assert!((h_m - 5.788).abs() < 0.002, "hand arithmetic: {h_m}");

    let j1 = &r.snapshot.nodes[0];
    let p1 = &r.snapshot.links[0];
    // The tree's flow is exact after one GGA step and the next step's heads are
    // solved at that flow, so EPANET's head loss is the formula to rounding level.
    let loss = 100.0 - j1.head;
    assert!(
        (loss - h_m).abs() < 1e-6 * h_m,
        "EPANET {loss} m vs hand {h_m} m"
    );
    assert!(
        (j1.pressure - (j1.head - 50.0)).abs() < 1e-9,
        "pressure in m = head - elevation in SI"
    );
    assert!((j1.demand - 50.0).abs() < 1e-12);
    assert!((p1.flow - 50.0).abs() < 1e-9);
    // EPANET 2.2's EN_HEADLOSS is the whole drop H1 - H2 (reports show it per
    // 1000 length units, the toolkit does not): 5.788 m here, not 2.894.
    assert!(
        (p1.headloss - loss).abs() < 1e-9,
        "{} vs {loss}",
        p1.headloss
    );
    // v = Q / A in ft/s with EPANET's factors (28.317 L/ft³ is EPANET's rounding of
    // 28.3168), back to m/s: 1.76572 cfs / (π/4 · 0.984252²) · 0.3048 = 0.70735 m/s
    let v = q_cfs / (std::f64::consts::PI / 4.0 * d_ft * d_ft) * 0.3048;
    assert!((p1.velocity - v).abs() < 1e-6, "{} vs {v}", p1.velocity);
    assert_eq!(p1.status, 1.0);
    assert_eq!(p1.setting, 100.0, "EN_SETTING of a pipe is its roughness");
    assert!(r.iterations >= 1 && r.iterations <= 10, "{}", r.iterations);
    assert!(r.relative_error <= 0.001);
}

#[test]
fn syntax_error_is_error_200_with_detail() {
    let Some(tk) = v22() else { return };
    let text = ONE_PIPE.replace(" J1  50  50", " J1  fifty  50");
    let inp = TempInp::new("syntax", &text);
    let e = tk.steady_state(inp.path()).unwrap_err();
    assert_eq!(e.code, 200, "{e}");
    assert!(e.message.contains("200"), "{e}");
    // "fifty" is not a number: EPANET 2.2 logs error 202 for that line.
    assert!(
        e.details.iter().any(|d| d.starts_with("Error 202")),
        "{:?}",
        e.details
    );
}

#[test]
fn no_junctions_is_223_and_no_source_is_224() {
    let Some(tk) = v22() else { return };
    let inp = TempInp::new("one-res", "[RESERVOIRS]\n R1 10\n[END]\n");
    let e = tk.steady_state(inp.path()).unwrap_err();
    assert_eq!(e.code, 223, "{e}");
    let inp = TempInp::new("one-node", "[JUNCTIONS]\n J1 10 1\n[END]\n");
    let e = tk.steady_state(inp.path()).unwrap_err();
    assert_eq!(e.code, 224, "{e}");
}

#[test]
fn missing_file_is_error_302() {
    let Some(tk) = v22() else { return };
    let e = tk
        .steady_state(Path::new("/nonexistent/oasis/net.inp"))
        .unwrap_err();
    assert_eq!(e.code, 302, "{e}");
}

#[test]
fn eps_steps_cover_the_duration() {
    let Some(tk) = v22() else { return };
    // Two-period demand pattern, 2 h run with 1 h steps: times 0, 3600, 7200.
    let text = ONE_PIPE.replace(" J1  50  50", " J1  50  50  PAT").replace(
        "[OPTIONS]",
        "[PATTERNS]\n PAT 1.0 0.5\n[TIMES]\n Duration 2:00\n Hydraulic Timestep 1:00\n[OPTIONS]",
    );
    let inp = TempInp::new("eps", &text);
    let periods = tk.extended_period(inp.path()).unwrap();
    let times: Vec<i64> = periods.iter().map(|p| p.snapshot.time_s).collect();
    assert_eq!(times, [0, 3600, 7200]);
    let demands: Vec<f64> = periods.iter().map(|p| p.snapshot.nodes[0].demand).collect();
    // pattern period = floor(t / 3600) mod 2: factors 1.0, 0.5, 1.0
    assert!(
        (demands[0] - 50.0).abs() < 1e-9
            && (demands[1] - 25.0).abs() < 1e-9
            && (demands[2] - 50.0).abs() < 1e-9,
        "{demands:?}"
    );
    let steady = tk.steady_state(inp.path()).unwrap();
    assert_eq!(
        steady.snapshot, periods[0].snapshot,
        "steady = first period"
    );
}

#[test]
fn isolated_run_matches_in_process_and_reports_errors() {
    let Some(tk) = v22() else { return };
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_epanet-ref"));
    let inp = TempInp::new("iso", ONE_PIPE);
    let iso = run_isolated(
        &exe,
        &Reference::Lib(tk.path().to_path_buf()),
        inp.path(),
        true,
    )
    .unwrap();
    let direct = tk.steady_state(inp.path()).unwrap();
    assert_eq!(iso.len(), 1);
    // %.17g round-trips every f64 exactly.
    assert_eq!(iso[0].snapshot, direct.snapshot);
    assert_eq!(iso[0].iterations, direct.iterations);
    assert_eq!(iso[0].warning, direct.warning);

    let bad = TempInp::new("iso-bad", "[RESERVOIRS]\n R1 10\n[END]\n");
    match run_isolated(&exe, &Reference::V22, bad.path(), true) {
        Err(IsolatedError::Epanet(e)) => assert_eq!(e.code, 223),
        other => panic!("expected EPANET error 223, got {other:?}"),
    }
}
