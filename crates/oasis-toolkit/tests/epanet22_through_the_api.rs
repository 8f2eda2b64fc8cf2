//! The Oasis library against EPANET 2.2 (`entoolkit` 2.2.0's libepanet.so),
//! both driven through the same C calls by the same harness: every hydraulic
//! step of every network (`EN_openH`, `EN_initH`, `EN_runH`, `EN_nextH`, the
//! getters), and the files of a whole run (`EN_solveH`, `EN_solveQ`,
//! `EN_report`). Tolerance: 1e-6 relative to max(1, |EPANET's value|), the
//! twin's parity tolerance; the `.out` file byte for byte.

mod common;

use std::path::Path;

use common::*;

/// Compares the two runs step by step; `Err` names the first difference.
fn same_run(
    ours: &oasis_epanet::Toolkit,
    theirs: &oasis_epanet::Toolkit,
    inp: &Path,
) -> Result<bool, String> {
    let name = inp.display().to_string();
    let (a, b) = (ours.extended_period(inp), theirs.extended_period(inp));
    let (a, b) = match (a, b) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(a), Err(b)) if a.code == b.code => return Ok(false),
        (a, b) => return Err(format!("{name}: oasis {:?}, epanet {:?}", a.err(), b.err())),
    };
    if a.len() != b.len() {
        return Err(format!(
            "{name}: oasis {} steps, epanet {}",
            a.len(),
            b.len()
        ));
    }
    for (x, y) in a.iter().zip(&b) {
        let t = y.snapshot.time_s;
        if x.snapshot.time_s != t || x.iterations != y.iterations || x.warning != y.warning {
            return Err(format!(
                "{name}: step at {t} s: oasis (t {}, {} trials, warning {}), epanet ({} trials, warning {})",
                x.snapshot.time_s, x.iterations, x.warning, y.iterations, y.warning
            ));
        }
        for (n, m) in x.snapshot.nodes.iter().zip(&y.snapshot.nodes) {
            for (what, p, q) in [
                ("head", n.head, m.head),
                ("pressure", n.pressure, m.pressure),
                ("demand", n.demand, m.demand),
            ] {
                if n.id != m.id || !close(p, q, 1e-6) {
                    return Err(format!(
                        "{name}: {t} s node {} {what}: oasis {p} epanet {q}",
                        m.id
                    ));
                }
            }
        }
        for (l, m) in x.snapshot.links.iter().zip(&y.snapshot.links) {
            for (what, p, q) in [
                ("flow", l.flow, m.flow),
                ("velocity", l.velocity, m.velocity),
                ("headloss", l.headloss, m.headloss),
                ("status", l.status, m.status),
                ("setting", l.setting, m.setting),
            ] {
                if l.id != m.id || !close(p, q, 1e-6) {
                    return Err(format!(
                        "{name}: {t} s link {} {what}: oasis {p} epanet {q}",
                        m.id
                    ));
                }
            }
        }
    }
    Ok(true)
}

#[test]
fn every_hydraulic_step_equals_epanet22_through_the_toolkit_api() {
    let _turn = serial();
    let Some(reference) = oasis_parity::epanet22() else {
        return;
    };
    let ours = oasis();
    let known = oasis_parity::known_differences();
    let (mut compared, mut failures) = (0, Vec::new());
    for inp in networks() {
        if known.contains(&oasis_parity::label(&inp)) {
            continue;
        }
        match same_run(&ours, &reference, &inp) {
            Ok(true) => compared += 1,
            Ok(false) => {}
            Err(e) => failures.push(e),
        }
    }
    eprintln!(
        "{compared} networks equal at every hydraulic step, {} differ",
        failures.len()
    );
    assert!(compared > 0, "no network was compared");
    assert!(
        failures.is_empty(),
        "{} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn output_and_report_files_equal_epanet22s() {
    let _turn = serial();
    let Some(reference) = oasis_parity::epanet22() else {
        return;
    };
    let ours = oasis();
    let dir = std::env::temp_dir().join(format!("oasis-toolkit-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // `[REPORT] FILE name` makes both libraries write a second report into
    // the working folder: keep it out of the source tree.
    std::env::set_current_dir(&dir).unwrap();
    let known = oasis_parity::known_differences();
    let (mut same, mut failures) = (0, Vec::new());
    for (i, inp) in networks().iter().enumerate() {
        if known.contains(&oasis_parity::label(inp)) {
            continue;
        }
        let name = inp.display().to_string();
        let files = |who: &str| {
            (
                dir.join(format!("{i}-{who}.rpt")),
                dir.join(format!("{i}-{who}.out")),
            )
        };
        let ((r1, o1), (r2, o2)) = (files("oasis"), files("epanet"));
        let a = ours.write_files(inp, &r1, &o1);
        let b = reference.write_files(inp, &r2, &o2);
        match (&a, &b) {
            (Ok(x), Ok(y)) if x == y => {}
            (Err(x), Err(y)) if x.code == y.code => continue,
            _ => {
                failures.push(format!(
                    "{name}: oasis {:?}, epanet {:?}",
                    a.map_err(|e| e.code),
                    b.map_err(|e| e.code)
                ));
                continue;
            }
        }
        let out_same = std::fs::read(&o1).ok() == std::fs::read(&o2).ok();
        let (ra, rb) = (
            report_lines(&std::fs::read(&r1).unwrap_or_default()),
            report_lines(&std::fs::read(&r2).unwrap_or_default()),
        );
        let first = ra
            .iter()
            .zip(&rb)
            .position(|(x, y)| x != y)
            .or((ra.len() != rb.len()).then(|| ra.len().min(rb.len())));
        match (out_same, first) {
            (true, None) => same += 1,
            (false, _) => failures.push(format!("{name}: .out files differ")),
            (true, Some(line)) => failures.push(format!(
                "{name}: report line {}: oasis {:?}, epanet {:?}",
                line + 1,
                ra.get(line),
                rb.get(line)
            )),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "{same} networks: .out identical and .rpt identical apart from time stamps; {} differ",
        failures.len()
    );
    assert!(same > 0, "no network was compared");
    assert!(
        failures.is_empty(),
        "{} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
