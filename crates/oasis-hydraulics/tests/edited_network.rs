//! A network edited after reading (nodes moved, so the reader's record of
//! each link's ends no longer holds) solves to the same heads and flows as
//! the network read from the file: the solver falls back to the ids.

use oasis_hydraulics::Simulation;
use oasis_network::read_inp;

const NET: &str = "[JUNCTIONS]\n J1 10 5\n J2 8 4\n J3 6 3\n J4 5 6\n[RESERVOIRS]\n R1 60\n[TANKS]\n T1 40 5 0 10 20 0\n\
    [PIPES]\n P1 R1 J1 1000 300 120\n P2 J1 J2 800 200 120\n P3 J2 J3 500 200 120\n P4 J1 J4 600 150 120\n\
    P5 J4 J3 700 150 120\n P6 J3 T1 400 200 120\n[OPTIONS]\n Units LPS\n[END]\n";

#[test]
fn moved_nodes_give_the_same_solution() {
    let read = read_inp(NET.as_bytes(), "edited.inp").unwrap();
    let mut edited = read.clone();
    // Reverse the junctions (still before the tank and reservoir).
    edited.nodes[..4].reverse();
    assert!(edited.recorded_link_ends(1).iter().all(Option::is_none), "the edit must spoil the records");
    let a = Simulation::new(&read).unwrap().run().unwrap();
    let b = Simulation::new(&edited).unwrap().run().unwrap();
    for (i, node) in read.nodes.iter().enumerate() {
        let j = edited.node_index(&node.id).unwrap();
        let (ha, hb) = (a.nodes[i].head, b.nodes[j].head);
        // The junction order differs, so the factor's round-off may too.
        assert!((ha - hb).abs() < 1e-9, "head at {}: {ha} vs {hb}", node.id);
    }
    for (k, link) in read.links.iter().enumerate() {
        let (qa, qb) = (a.links[k].flow, b.links[k].flow);
        assert!((qa - qb).abs() < 1e-9, "flow in {}: {qa} vs {qb}", link.id);
    }
    assert!(a.links.iter().all(|l| l.flow.abs() > 0.1), "a network with flow in every pipe");
}

/// A network edited in code may name a node or link that does not exist (the
/// reader rejects such files): the solver says which, with EPANET's code,
/// instead of stopping the program.
#[test]
fn an_edit_naming_a_missing_node_or_link_is_an_error() {
    let read = read_inp(NET.as_bytes(), "edited.inp").unwrap();
    let mut edited = read.clone();
    edited.links[2].to = "J9".into();
    let err = Simulation::new(&edited).err().expect("an undefined node is an error");
    assert_eq!(err.code(), 203);
    assert!(err.to_string().contains("J9") && err.to_string().contains("P3"), "{err}");

    let mut edited = read.clone();
    edited.links[2].to = "J2".into();
    let err = Simulation::new(&edited).err().expect("a link from a node to itself is an error");
    assert_eq!((err.code(), err.to_string().contains("P3")), (222, true), "{err}");

    let with_control = NET.replace("[END]", "[CONTROLS]\n LINK P4 CLOSED IF NODE T1 ABOVE 9\n[END]");
    let mut edited = read_inp(with_control.as_bytes(), "control.inp").unwrap();
    edited.controls[0].link = "P9".into();
    let err = Simulation::new(&edited).err().expect("an undefined link is an error");
    assert_eq!((err.code(), err.to_string().contains("P9")), (204, true), "{err}");
}
