//! A tank whose water does not move, holding a reacting chemical
//! (`tests/networks/quality-stagnant-tank.inp`: tank T1, pipe P1 to junction
//! J1 that draws nothing), against EPANET 2.2 (`entoolkit` 2.2.0): node and
//! link quality at every quality time within 1e-4 relative to max(1, |value|),
//! and the mass balance EPANET writes in its report (`STATUS YES`), to its 6
//! printed digits. Every tank mixing model; bulk orders 0, 1 and 2; a
//! tank-specific coefficient; water that starts to move after six hours; and
//! water moving elsewhere in the network from the start.
//!
//! What EPANET 2.2 does: it orders the nodes for routing only when some
//! link's flow direction changes from "stagnant", so while nothing has moved
//! yet no node is visited — the tank's contents (and the pipe's) react, and
//! the mass balance counts it, but the tank's reported quality stays at its
//! initial value until water first moves.

use std::path::{Path, PathBuf};

use oasis_parity::*;

fn base() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/networks/quality-stagnant-tank.inp");
    std::fs::read_to_string(path).unwrap()
}

/// `text` with `line` added at the start of `section` (which is created
/// before `[END]` if absent).
fn with(text: &str, section: &str, line: &str) -> String {
    let header = format!("[{section}]\n");
    match text.find(&header) {
        Some(i) => format!("{}{line}\n{}", &text[..i + header.len()], &text[i + header.len()..]),
        None => text.replace("[END]", &format!("{header}{line}\n\n[END]")),
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oasis-stagnant-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The mass balance block of an EPANET report: initial, inflow, outflow,
/// reacted, final, ratio.
fn epanet_mass_balance(rpt: &str) -> Vec<f64> {
    let names = ["Initial Mass:", "Mass Inflow:", "Mass Outflow:", "Mass Reacted:", "Final Mass:", "Mass Ratio:"];
    names
        .iter()
        .map(|n| {
            let line = rpt.lines().map(str::trim_start).find(|l| l.starts_with(n)).unwrap_or_else(|| panic!("no '{n}' in EPANET's report"));
            line[n.len()..].trim().parse().unwrap()
        })
        .collect()
}

fn same_as_epanet(name: &str, text: &str) {
    let Some(tk) = epanet22() else { return };
    let inp = scratch(&format!("{name}.inp"));
    std::fs::write(&inp, text).unwrap();
    let net = oasis_network::read_inp(text.as_bytes(), &inp.display().to_string()).unwrap();
    let reference = tk.water_quality(&inp).expect("EPANET solves the variant");
    let (rpt, out) = (inp.with_extension("rpt"), inp.with_extension("out"));
    tk.write_files(&inp, &rpt, &out).expect("EPANET writes its report");
    let balance = epanet_mass_balance(&std::fs::read_to_string(&rpt).unwrap());
    for p in [&inp, &rpt, &out] {
        std::fs::remove_file(p).ok();
    }
    let ours = oasis_hydraulics::water_quality(&net).expect("Oasis solves the variant");
    assert_eq!(ours.steps.len(), reference.len(), "{name}: number of quality times");
    for (o, r) in ours.steps.iter().zip(&reference) {
        assert_eq!(o.time_s, r.time_s, "{name}: times");
        for (i, (a, b)) in o.nodes.iter().zip(&r.nodes).enumerate() {
            assert!((a - b).abs() <= 1e-4 * b.abs().max(1.0), "{name}: at {} s node {}: oasis {a} epanet {b}", o.time_s, net.nodes[i].id);
        }
        for (k, (a, b)) in o.links.iter().zip(&r.links).enumerate() {
            assert!((a - b).abs() <= 1e-4 * b.abs().max(1.0), "{name}: at {} s link {}: oasis {a} epanet {b}", o.time_s, net.links[k].id);
        }
    }
    let b = &ours.mass_balance;
    let scale = balance[0].abs().max(balance[1].abs());
    for (what, a, e) in [
        ("initial", b.initial, balance[0]),
        ("inflow", b.inflow, balance[1]),
        ("outflow", b.outflow, balance[2]),
        ("reacted", b.reacted, balance[3]),
        ("final", b.final_mass, balance[4]),
        ("ratio", b.ratio, balance[5]),
    ] {
        // EPANET prints 6 significant digits (the ratio 5 decimals).
        assert!((a - e).abs() <= 1e-5 * e.abs() + 1e-9 * scale + 1e-5, "{name}: mass {what}: oasis {a} epanet {e}");
    }
    // The variant must exercise a reaction.
    assert!(balance[3] > 0.0, "{name}: EPANET reports no mass reacted");
}

const MODELS: [&str; 4] = ["MIXED", "2COMP 0.4", "FIFO", "LIFO"];

#[test]
fn still_tank_with_each_mixing_model_and_bulk_order() {
    for model in MODELS {
        for (order, k) in [("1", "-0.5"), ("0", "-0.05"), ("2", "-0.8")] {
            let mut text = with(&base(), "MIXING", &format!(" T1 {model}"));
            text = with(&text, "REACTIONS", &format!(" Order Bulk {order}\n Order Tank {order}\n Global Bulk {k}"));
            same_as_epanet(&format!("still-{}-order{order}", model.split(' ').next().unwrap()), &text);
        }
    }
}

#[test]
fn still_tank_with_its_own_coefficient() {
    // Only the tank reacts: the pipe has no coefficient.
    let text = with(&base(), "REACTIONS", " Tank T1 -1.2");
    same_as_epanet("still-tank-coefficient", &text);
}

#[test]
fn tank_whose_water_starts_to_move_after_six_hours() {
    for model in MODELS {
        let text = base().replace(" J1   10    0       LATE", " J1   10    2       LATE");
        let mut text = with(&text, "MIXING", &format!(" T1 {model}"));
        text = with(&text, "REACTIONS", " Global Bulk -0.5");
        same_as_epanet(&format!("late-{}", model.split(' ').next().unwrap()), &text);
    }
}

#[test]
fn still_tank_while_water_moves_elsewhere() {
    let mut text = with(&base(), "RESERVOIRS", " R1 30");
    text = with(&text, "JUNCTIONS", " J2 5 1.5");
    text = with(&text, "PIPES", " P2 R1 J2 200 100 100 0");
    text = with(&text, "REACTIONS", " Global Bulk -0.5");
    same_as_epanet("elsewhere", &text);
}
