//! One test per water-quality feature, each a variant of the hand-written
//! `tests/networks/quality-base.inp`, compared with EPANET 2.2 at every quality
//! time (1e-4 relative to max(1, |value|)): water age, source tracing, each bulk
//! reaction order (0, 1, 2, 1.5, Michaelis-Menten), limiting potential, wall
//! orders 0 and 1 with and without mass transfer, the roughness correlation,
//! per-pipe and per-tank coefficients, each tank mixing model, each source
//! type with a pattern, initial quality.

use oasis_parity::*;

fn base() -> oasis_network::Network {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/networks/quality-base.inp");
    oasis_network::read_inp(&std::fs::read(&path).unwrap(), "quality-base.inp").unwrap()
}

fn tokens(lines: &[&str]) -> Vec<Vec<String>> {
    lines.iter().map(|l| l.split_whitespace().map(str::to_string).collect()).collect()
}

fn chlorine(net: &mut oasis_network::Network, reactions: &[&str]) {
    net.options.quality = vec!["CHLORINE".into(), "mg/L".into()];
    net.reactions.lines = tokens(reactions);
    net.quality.push(("R1".into(), 1.0));
    net.quality.push(("T1".into(), 0.4));
}

/// Runs the variant through Oasis and EPANET 2.2 and compares every value.
fn same_as_epanet(name: &str, net: &oasis_network::Network) {
    let Some(tk) = epanet22() else { return };
    let path = std::env::temp_dir().join(format!("oasis-quality-{}-{name}.inp", std::process::id()));
    std::fs::write(&path, oasis_network::write_inp(net)).unwrap();
    let reference = tk.water_quality(&path).expect("EPANET solves the variant");
    std::fs::remove_file(&path).ok();
    let ours = oasis_hydraulics::water_quality(net).expect("Oasis solves the variant");
    assert_eq!(ours.steps.len(), reference.len(), "{name}: number of quality times");
    let mut moved = false;
    for (o, r) in ours.steps.iter().zip(&reference) {
        assert_eq!(o.time_s, r.time_s, "{name}: times");
        for (i, (a, b)) in o.nodes.iter().zip(&r.nodes).chain(o.links.iter().zip(&r.links)).enumerate() {
            assert!((a - b).abs() <= 1e-4 * b.abs().max(1.0), "{name}: at {} s value {i}: oasis {a} epanet {b}", o.time_s);
        }
        moved |= o.nodes.iter().zip(&ours.steps[0].nodes).any(|(a, b)| a != b);
    }
    // The variant must actually exercise something: quality changes over time.
    assert!(moved, "{name}: quality never changed");
}

#[test]
fn water_age() {
    let mut net = base();
    net.options.quality = vec!["AGE".into()];
    same_as_epanet("age", &net);
}

#[test]
fn source_tracing() {
    let mut net = base();
    net.options.quality = vec!["TRACE".into(), "R1".into()];
    same_as_epanet("trace", &net);
}

#[test]
fn bulk_first_order_and_wall_first_order() {
    let mut net = base();
    chlorine(&mut net, &["ORDER BULK 1", "ORDER WALL 1", "GLOBAL BULK -0.5", "GLOBAL WALL -0.3"]);
    same_as_epanet("bulk1-wall1", &net);
}

#[test]
fn bulk_zero_order_and_wall_zero_order() {
    let mut net = base();
    chlorine(&mut net, &["ORDER BULK 0", "ORDER WALL 0", "GLOBAL BULK -0.2", "GLOBAL WALL -0.05"]);
    same_as_epanet("bulk0-wall0", &net);
}

#[test]
fn bulk_second_order_with_limiting_potential() {
    let mut net = base();
    chlorine(&mut net, &["ORDER BULK 2", "GLOBAL BULK -0.8", "LIMITING POTENTIAL 0.1"]);
    same_as_epanet("bulk2-limit", &net);
}

#[test]
fn bulk_fractional_order() {
    let mut net = base();
    chlorine(&mut net, &["ORDER BULK 1.5", "GLOBAL BULK -0.6"]);
    same_as_epanet("bulk1.5", &net);
}

#[test]
fn bulk_michaelis_menten() {
    let mut net = base();
    chlorine(&mut net, &["ORDER BULK -1", "GLOBAL BULK -0.6", "LIMITING POTENTIAL 0.5"]);
    same_as_epanet("bulk-mm", &net);
}

#[test]
fn wall_reaction_without_mass_transfer_and_roughness_correlation() {
    let mut net = base();
    net.options.diffusivity = 0.0;
    chlorine(&mut net, &["ORDER WALL 1", "ROUGHNESS CORRELATION 20", "BULK P3 -1.5", "WALL P4 -0.9", "TANK T1 -0.7"]);
    same_as_epanet("wall-rfactor", &net);
}

#[test]
fn tank_mixing_models() {
    for (model, fraction) in [("MIXED", None), ("2COMP", Some(0.3)), ("FIFO", None), ("LIFO", None)] {
        let mut net = base();
        chlorine(&mut net, &["GLOBAL BULK -0.3", "ORDER TANK 1"]);
        net.mixing.push(oasis_network::Mixing { tank: "T1".into(), model: model.into(), fraction });
        same_as_epanet(&format!("mix-{model}"), &net);
    }
}

#[test]
fn source_types_with_a_pattern() {
    for (kind, node, strength) in [("CONCEN", "R1", 2.0), ("MASS", "J4", 60.0), ("SETPOINT", "J4", 1.5), ("FLOWPACED", "J4", 0.8)] {
        let mut net = base();
        chlorine(&mut net, &["GLOBAL BULK -0.4"]);
        net.sources.push(oasis_network::Source { node: node.into(), kind: kind.into(), strength, pattern: Some("D".into()) });
        same_as_epanet(&format!("source-{kind}"), &net);
    }
}
