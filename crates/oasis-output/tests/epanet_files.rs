//! Oasis's `.out` and `.rpt` against the files EPANET 2.2 writes for the same
//! network (`EN_open`, `EN_solveH`, `EN_solveQ`, `EN_report`).

mod common;

use std::path::Path;

use common::*;

struct Outcome {
    name: String,
    steady: bool,
    out_diffs: Vec<String>,
    rpt_diffs: Vec<String>,
    /// Neither EPANET nor Oasis could solve the network: only reports compared.
    failed_run: bool,
    /// Oasis could not run the network (not a writer matter).
    skipped: Option<String>,
}

fn compare(tk: &oasis_epanet::Toolkit, inp: &Path, dir: &Path, i: usize) -> Outcome {
    let name = inp
        .strip_prefix(workspace_root())
        .unwrap_or(inp)
        .display()
        .to_string();
    let mut o = Outcome {
        name,
        steady: false,
        out_diffs: vec![],
        rpt_diffs: vec![],
        failed_run: false,
        skipped: None,
    };
    let bytes = std::fs::read(inp).expect("network readable");
    let net = match oasis_network::read_inp(&bytes, &inp.display().to_string()) {
        Ok(n) => n,
        Err(e) => {
            o.skipped = Some(format!("reader: {e}"));
            return o;
        }
    };
    o.steady = net.times.duration_s == 0;
    let (rpt, out) = (dir.join(format!("{i}.rpt")), dir.join(format!("{i}.out")));
    if let Err(e) = tk.write_files(inp, &rpt, &out) {
        // An unsolvable first period: EPANET still writes a report.
        if e.code == 110
            && let Err(err @ oasis_hydraulics::HydraulicsError::Unsolvable { .. }) =
                oasis_hydraulics::steady_state(&net)
        {
            let theirs = std::fs::read(&rpt).expect("EPANET wrote its report");
            let mut info = oasis_output::RunInfo::from_inp(&inp.to_string_lossy(), &bytes);
            (info.started, info.ended) = stamps(&theirs);
            let ours = oasis_output::write_failed_report_bytes(&net, &err, &info);
            o.rpt_diffs = line_differences(&ours, &theirs, 3);
            o.failed_run = true;
            return o;
        }
        o.skipped = Some(format!("EPANET: {e}"));
        return o;
    }
    let has_quality = net.times.duration_s > 0
        && net
            .options
            .quality
            .first()
            .is_some_and(|q| !q.to_ascii_uppercase().starts_with("NONE"));
    let run = if has_quality {
        oasis_hydraulics::simulate(&net, |_, _| {}).map(|(r, q)| (r, Some(q)))
    } else {
        oasis_hydraulics::extended_period(&net).map(|r| (r, None))
    };
    let (results, quality) = match run {
        Ok(r) => r,
        Err(e) => {
            o.skipped = Some(format!("oasis hydraulics: {e}"));
            return o;
        }
    };
    let mut info = oasis_output::RunInfo::from_inp(&inp.to_string_lossy(), &bytes);
    let steps = oasis_output::hydraulic_steps(&net).expect("the run succeeded once");
    let run = oasis_output::Run {
        results: &results,
        quality: quality.as_ref(),
        steps: Some(&steps),
    };
    let our_bytes = oasis_output::write_out(&net, &run, &info).expect("results match the network");
    let ours = oasis_output::read_out(&our_bytes).expect("our file reads back");
    o.out_diffs = out_differences(&ours, &read_out_file(&out), 5);
    // Equal values must mean equal files, byte for byte (padding included).
    if o.out_diffs.is_empty() && our_bytes != std::fs::read(&out).expect("EPANET's file") {
        o.out_diffs
            .push("files differ in bytes the reader does not look at".into());
    }
    let (theirs, report_net) = (
        std::fs::read(&rpt).expect("EPANET wrote its report"),
        net.clone(),
    );
    // The time stamps are the only lines allowed to differ: take EPANET's.
    (info.started, info.ended) = stamps(&theirs);
    let ours = oasis_output::write_report_bytes(&report_net, &run, &info)
        .expect("results match the network");
    o.rpt_diffs = line_differences(&ours, &theirs, 3);
    // `[REPORT] FILE name`: EPANET wrote the tables to that file (in the
    // working folder, the scratch folder here).
    let second = oasis_output::write_secondary_report_bytes(&report_net, &run, &info)
        .expect("results match the network");
    if let Some((name, ours)) = second {
        match std::fs::read(dir.join(&name)) {
            Ok(theirs) => o.rpt_diffs.extend(
                line_differences(&ours, &theirs, 3)
                    .into_iter()
                    .map(|d| format!("{name}: {d}")),
            ),
            Err(e) => o.rpt_diffs.push(format!("EPANET wrote no {name}: {e}")),
        }
        let _ = std::fs::remove_file(dir.join(&name));
    }
    o
}

/// The input asking for `[REPORT] STATUS FULL`: its own STATUS lines
/// dropped and `STATUS FULL` put at the start of its `[REPORT]` section (one
/// added before `[END]`, or at the end, if it has none).
fn with_status_full(inp: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut in_report, mut added) = (false, false);
    for line in inp.split_inclusive(|&b| b == b'\n') {
        let text = String::from_utf8_lossy(line);
        let first = text
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        if first.starts_with('[') {
            in_report = first.starts_with("[REPO");
            if first.starts_with("[END") && !added {
                out.extend_from_slice(b"[REPORT]\nSTATUS FULL\n\n");
                added = true;
            }
        } else if in_report && first.starts_with("STATUS") {
            continue;
        }
        out.extend_from_slice(line);
        if in_report && first.starts_with('[') {
            if !line.ends_with(b"\n") {
                out.push(b'\n');
            }
            out.extend_from_slice(b"STATUS FULL\n");
            added = true;
        }
    }
    if !added {
        out.extend_from_slice(b"\n[REPORT]\nSTATUS FULL\n");
    }
    out
}

/// The time stamps of an EPANET report: its first line's and those of the
/// "Analysis begun" and "Analysis ended" lines.
fn stamps(rpt: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(rpt);
    let first = text.lines().next().unwrap_or("");
    let started = first.get(44..).unwrap_or("").to_string();
    let ended = text
        .lines()
        .find_map(|l| l.strip_prefix("  Analysis ended "))
        .unwrap_or("")
        .to_string();
    (started, ended)
}

fn line_differences(ours: &[u8], theirs: &[u8], limit: usize) -> Vec<String> {
    let a: Vec<&[u8]> = ours.split(|&b| b == b'\n').collect();
    let b: Vec<&[u8]> = theirs.split(|&b| b == b'\n').collect();
    let mut d = Vec::new();
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (
            a.get(i).copied().unwrap_or(b"<none>"),
            b.get(i).copied().unwrap_or(b"<none>"),
        );
        // Timing lines may differ (EPANET stamps them a moment apart).
        let timing = [
            &b"  Page 1 "[..],
            b"  Analysis begun ",
            b"  Analysis ended ",
        ]
        .iter()
        .any(|p| x.starts_with(p) && y.starts_with(p));
        if x != y && !timing {
            d.push(format!(
                "line {}: {:?} vs EPANET {:?}",
                i + 1,
                String::from_utf8_lossy(x),
                String::from_utf8_lossy(y)
            ));
            if d.len() == limit {
                break;
            }
        }
    }
    d
}

/// Both tests run EPANET in their own working folder (where `[REPORT] FILE`
/// puts its second report): one at a time.
static WORKING_FOLDER: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn out_files_match_epanet_22() {
    let Some(tk) = epanet() else { return };
    let _folder = WORKING_FOLDER.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("files");
    // `[REPORT] FILE name` makes EPANET write a second report into the
    // working folder; keep it out of the source tree.
    std::env::set_current_dir(&dir).expect("scratch dir");
    let mut outcomes = Vec::new();
    for (i, inp) in networks().iter().enumerate() {
        outcomes.push(compare(&tk, inp, &dir, i));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let (mut full, mut writer_faults) = (0, Vec::new());
    for o in &outcomes {
        if let Some(s) = &o.skipped {
            eprintln!("SKIP {}: {s}", o.name);
        } else if o.out_diffs.is_empty() && !o.failed_run {
            full += 1;
        }
        if o.skipped.is_none() && !o.rpt_diffs.is_empty() {
            eprintln!("RPT {}: {:?}", o.name, o.rpt_diffs);
        }
        if o.skipped.is_some() || o.out_diffs.is_empty() {
        } else {
            eprintln!(
                "DIFF {} ({}): {:?}",
                o.name,
                if o.steady { "steady" } else { "eps" },
                o.out_diffs
            );
            // Results per period come from the hydraulic engine (and quality is
            // not simulated yet); everything else is this crate's doing.
            if o.out_diffs.iter().any(|d| !d.starts_with("period ")) {
                writer_faults.push(o.name.clone());
            }
        }
    }
    eprintln!("{full} of {} networks: .out identical", outcomes.len());
    let rpt_full = outcomes
        .iter()
        .filter(|o| o.skipped.is_none() && o.rpt_diffs.is_empty())
        .count();
    eprintln!("{rpt_full} of {} networks: .rpt identical", outcomes.len());
    let rpt_differ: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.skipped.is_none() && !o.rpt_diffs.is_empty())
        .map(|o| o.name.as_str())
        .collect();
    assert!(
        rpt_differ.is_empty(),
        "reports differ from EPANET 2.2's: {rpt_differ:?}"
    );
    assert!(
        writer_faults.is_empty(),
        "prolog, energy or epilog differ for {writer_faults:?}"
    );
    if std::env::var_os("OASIS_OUTPUT_STRICT").is_some() {
        assert_eq!(
            full,
            outcomes.iter().filter(|o| o.skipped.is_none()).count(),
            "some .out files differ"
        );
    }
}

/// `[REPORT] STATUS FULL` on every network (a copy asking for it): the
/// report, per-trial lines included, must equal EPANET 2.2's line for line
/// apart from the time stamps.
#[test]
fn status_full_reports_match_epanet_22() {
    let Some(tk) = epanet() else { return };
    let _folder = WORKING_FOLDER.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("status-full");
    std::env::set_current_dir(&dir).expect("scratch dir");
    let (mut same, mut compared, mut differ) = (0, 0, Vec::new());
    for (i, inp) in networks().iter().enumerate() {
        let copy = dir.join(format!("{i}-full.inp"));
        std::fs::write(
            &copy,
            with_status_full(&std::fs::read(inp).expect("network readable")),
        )
        .expect("scratch copy");
        let o = compare(&tk, &copy, &dir, i);
        let name = inp.strip_prefix(workspace_root()).unwrap_or(inp).display();
        match &o.skipped {
            Some(why) => eprintln!("SKIP {name}: {why}"),
            None => {
                compared += 1;
                if o.rpt_diffs.is_empty() {
                    same += 1;
                } else {
                    differ.push(format!("{name}: {:?}", o.rpt_diffs));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("STATUS FULL: {same} of {compared} reports identical to EPANET 2.2's");
    assert!(
        differ.is_empty(),
        "{} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}
