//! Time 0 of every network we have, Oasis against EPANET 2.2 (`entoolkit`
//! 2.2.0, EN_getversion 20200): every head, pressure, demand, flow, velocity,
//! headloss, status and setting within 1e-6 relative to max(1, |value|), the
//! same iteration count and the same warning code. Networks EPANET rejects
//! must be rejected by Oasis with the same error number.

use std::path::Path;

use oasis_parity::*;

fn check(tk: &oasis_epanet::Toolkit, path: &Path) -> Result<Option<&'static str>, String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    let net = match oasis_network::read_inp(&bytes, &name) {
        Ok(net) => net,
        // Files Oasis rejects are checked against EPANET in a child process
        // (EPANET 2.2 can crash on some broken files).
        Err(e) => return check_rejected(path, &e).map(|_| Some("rejected")),
    };
    let reference = tk.steady_state(path);
    let oasis = oasis_hydraulics::steady_state(&net);
    match (oasis, reference) {
        (Ok(o), Ok(r)) => {
            let node_ids: Vec<String> = net.nodes.iter().map(|n| n.id.clone()).collect();
            let link_ids: Vec<String> = net.links.iter().map(|l| l.id.clone()).collect();
            let diffs = compare(&o, &r, (&node_ids, &link_ids));
            if diffs.is_empty() {
                Ok(Some("same"))
            } else {
                let n = diffs.len();
                Err(format!("{name}: {n} differences:\n    {}", diffs.into_iter().take(if std::env::var_os("OASIS_PARITY_VERBOSE").is_some() { usize::MAX } else { 8 }).collect::<Vec<_>>().join("\n    ")))
            }
        }
        (Err(o), Err(r)) if o.code() as i32 == r.code => Ok(Some("same error")),
        (o, r) => Err(format!(
            "{name}: outcomes differ: oasis {:?} epanet {:?}",
            o.map(|s| s.iterations),
            r.map(|s| s.iterations)
        )),
    }
}

/// Oasis's error number and its first line's number must be EPANET's
/// (`EN_open`'s return and the first "Error NNN" of its report).
fn check_rejected(path: &Path, oasis: &oasis_network::ReadError) -> Result<(), String> {
    let oasis_code = oasis.code() as i32;
    let oasis_detail = match oasis {
        oasis_network::ReadError::Input { errors, .. } => errors.first().map(|e| e.code as i32),
        oasis_network::ReadError::Network { .. } => None,
    };
    let Some(exe) = oasis_epanet::find_ref_exe() else {
        if std::env::var_os("CI").is_some() {
            return Err("epanet-ref is not built (cargo build -p oasis-epanet)".into());
        }
        eprintln!("note: epanet-ref not built; rejected file {} not compared", path.display());
        return Ok(());
    };
    match oasis_epanet::run_isolated(&exe, &oasis_epanet::Reference::V22, path, true) {
        Err(oasis_epanet::IsolatedError::Epanet(e)) if e.code == oasis_code => {
            let epanet_detail = e.detail_codes().first().copied();
            if oasis_detail.is_some() && epanet_detail.is_some() && oasis_detail != epanet_detail {
                return Err(format!(
                    "{}: first line error: oasis {oasis_detail:?}, epanet {epanet_detail:?} ({})",
                    path.display(),
                    e.details.first().map(String::as_str).unwrap_or("")
                ));
            }
            Ok(())
        }
        // EPANET 2.2 crashes on some broken files; any clear error from Oasis is better.
        Err(oasis_epanet::IsolatedError::Crashed { .. }) => Ok(()),
        other => Err(format!("{}: oasis rejects with {oasis_code}, epanet gives {other:?}", path.display())),
    }
}

fn run_all(dir: &Path) {
    check_directory(dir, "time 0", check);
}

#[test]
fn shared_networks_match_epanet22_at_time_zero() {
    if let Some(dir) = shared_networks() {
        run_all(&dir);
    }
}

#[test]
fn own_networks_match_epanet22_at_time_zero() {
    run_all(&workspace().join("tests/networks"));
    run_all(&workspace().join("examples"));
}
