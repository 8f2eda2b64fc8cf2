//! Shared by the comparison tests: the networks to compare on, EPANET 2.2
//! writing its own files, and the comparisons.

use std::path::{Path, PathBuf};

use oasis_epanet::Toolkit;
use oasis_output::{OutFile, read_out};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// EPANET 2.2, or `None` (with a note) when it is not installed; CI must have it.
pub fn epanet() -> Option<Toolkit> {
    match Toolkit::find_v22() {
        Ok(Some(tk)) => Some(tk),
        Ok(None) if std::env::var_os("CI").is_none() => {
            eprintln!("skipping: EPANET 2.2 (PyPI entoolkit 2.2.0) is not installed");
            None
        }
        Ok(None) => panic!("CI is set but EPANET 2.2 is not installed"),
        Err(e) => panic!("EPANET 2.2 unusable: {e}"),
    }
}

/// `.inp` files of `tests/networks`, `examples` and this crate's own report
/// fixtures (`crates/oasis-output/tests/networks`), then those of
/// `../shared/networks` that EPANET 2.2 runs without error (from its manifest).
pub fn networks() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut out = Vec::new();
    for dir in [
        "tests/networks",
        "examples",
        "crates/oasis-output/tests/networks",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "inp"));
        files.sort();
        out.extend(files);
    }
    let shared = root.join("../shared/networks");
    let manifest = shared.join("manifest.json");
    if manifest.is_file() {
        let text = std::fs::read_to_string(&manifest).expect("manifest readable");
        let entries: serde_json::Value = serde_json::from_str(&text).expect("manifest is JSON");
        for e in entries.as_array().expect("manifest is a list") {
            if e["epanet22_error"].is_null() {
                out.push(shared.join(e["file"].as_str().expect("file name")));
            }
        }
    } else if std::env::var_os("CI").is_some() {
        panic!("CI is set but ../shared/networks/manifest.json is missing");
    } else {
        eprintln!(
            "note: ../shared/networks not found; comparing on tests/networks and examples only"
        );
    }
    out
}

/// Every difference between two output files, described for people; the
/// comparison is float32 for float32 (bit patterns, so -0 and 0 differ as
/// EPANET's reader would hand them back differently signed).
pub fn out_differences(a: &OutFile, b: &OutFile, limit: usize) -> Vec<String> {
    let mut d = Vec::new();
    macro_rules! same {
        ($field:ident) => {
            if a.$field != b.$field {
                d.push(format!(
                    "{}: {:?} vs EPANET {:?}",
                    stringify!($field),
                    a.$field,
                    b.$field
                ));
            }
        };
    }
    same!(version);
    same!(node_count);
    same!(tank_count);
    same!(link_count);
    same!(pump_count);
    same!(valve_count);
    same!(quality_flag);
    same!(trace_node);
    same!(flow_units);
    same!(pressure_units);
    same!(statistic);
    same!(report_start_s);
    same!(report_step_s);
    same!(duration_s);
    same!(title);
    same!(input_file);
    same!(report_file);
    same!(chem_name);
    same!(chem_units);
    same!(node_ids);
    same!(link_ids);
    same!(link_start);
    same!(link_end);
    same!(link_type);
    same!(tank_nodes);
    let floats = |name: &str, x: &[f32], y: &[f32], d: &mut Vec<String>| {
        if x.len() != y.len() {
            d.push(format!("{name}: {} values vs EPANET {}", x.len(), y.len()));
            return;
        }
        for (i, (p, q)) in x.iter().zip(y).enumerate() {
            if p.to_bits() != q.to_bits() {
                d.push(format!("{name}[{i}]: {p:?} vs EPANET {q:?}"));
            }
        }
    };
    floats("tank_areas", &a.tank_areas, &b.tank_areas, &mut d);
    floats("elevations", &a.elevations, &b.elevations, &mut d);
    floats("lengths", &a.lengths, &b.lengths, &mut d);
    floats("diameters", &a.diameters, &b.diameters, &mut d);
    if a.pump_energy.len() != b.pump_energy.len() {
        d.push("pump count in energy section".into());
    } else {
        for (p, q) in a.pump_energy.iter().zip(&b.pump_energy) {
            if p.0 != q.0 {
                d.push(format!("energy pump link {} vs EPANET {}", p.0, q.0));
            }
            floats(&format!("energy of pump link {}", q.0), &p.1, &q.1, &mut d);
        }
    }
    floats(
        "demand_charge",
        &[a.demand_charge],
        &[b.demand_charge],
        &mut d,
    );
    if a.periods.len() != b.periods.len() {
        d.push(format!(
            "periods: {} vs EPANET {}",
            a.periods.len(),
            b.periods.len()
        ));
    } else {
        const NODE: [&str; 4] = ["demand", "head", "pressure", "quality"];
        const LINK: [&str; 8] = [
            "flow", "velocity", "headloss", "quality", "status", "setting", "reaction", "friction",
        ];
        for (t, (p, q)) in a.periods.iter().zip(&b.periods).enumerate() {
            for j in 0..4 {
                floats(
                    &format!("period {t} node {}", NODE[j]),
                    &p.0[j],
                    &q.0[j],
                    &mut d,
                );
            }
            for j in 0..8 {
                floats(
                    &format!("period {t} link {}", LINK[j]),
                    &p.1[j],
                    &q.1[j],
                    &mut d,
                );
            }
        }
    }
    floats(
        "reaction_rates",
        &a.reaction_rates,
        &b.reaction_rates,
        &mut d,
    );
    same!(warning_flag);
    d.truncate(limit);
    d
}

pub fn read_out_file(path: &Path) -> OutFile {
    read_out(&std::fs::read(path).expect("EPANET wrote its output file"))
        .expect("EPANET's file reads back")
}

/// A scratch folder for one test, unique per process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oasis-output-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
