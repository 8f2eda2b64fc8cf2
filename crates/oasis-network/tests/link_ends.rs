//! The reader records where each link's end nodes are, so that a solver need
//! not look their ids up again; a record is used only while it still names
//! the link's nodes.

use oasis_network::{Network, read_inp};

// The tank is read before the junctions, and the junctions out of id order:
// positions are those of `nodes` (junctions first), not of the file.
const NET: &str = "[TANKS]\n T1 50 5 0 10 20 0\n[JUNCTIONS]\n J2 10 1\n J1 12 1\n[RESERVOIRS]\n R1 80\n\
    [PIPES]\n P1 R1 J1 1000 300 120\n P2 J1 J2 800 200 120\n P3 J2 T1 500 200 120\n[END]\n";

fn by_id(net: &Network, k: usize) -> [usize; 2] {
    let link = &net.links[k];
    [net.node_index(&link.from).unwrap(), net.node_index(&link.to).unwrap()]
}

#[test]
fn recorded_ends_are_the_nodes_positions() {
    let net = read_inp(NET.as_bytes(), "ends.inp").unwrap();
    for k in 0..net.links.len() {
        let [a, b] = net.recorded_link_ends(k);
        assert_eq!([a.unwrap(), b.unwrap()], by_id(&net, k), "link {}", net.links[k].id);
    }
}

#[test]
fn a_record_that_no_longer_holds_is_not_used() {
    let mut net = read_inp(NET.as_bytes(), "ends.inp").unwrap();
    // An edit moves the nodes: J1 and J2 swap places.
    net.nodes.swap(0, 1);
    for k in 0..net.links.len() {
        let ends = net.recorded_link_ends(k);
        let [a, b] = by_id(&net, k);
        // Each end is either absent (look the id up) or still right.
        assert!(ends[0].is_none_or(|i| i == a) && ends[1].is_none_or(|i| i == b), "link {}", net.links[k].id);
    }
    // P2 joins J1 and J2, both moved: neither record may be used.
    assert_eq!(net.recorded_link_ends(1), [None, None]);
    // A network built in code has no records; nor does a link added later.
    let mut built = net.clone();
    built.link_end_hints = Default::default();
    assert_eq!(built.recorded_link_ends(0), [None, None]);
    net.links.push(net.links[0].clone());
    assert_eq!(net.recorded_link_ends(3), [None, None]);
    assert_eq!(net.recorded_link_ends(99), [None, None]);
}

#[test]
fn records_take_no_part_in_comparisons() {
    let net = read_inp(NET.as_bytes(), "ends.inp").unwrap();
    let mut built = net.clone();
    built.link_end_hints = Default::default();
    assert_eq!(net, built);
}
