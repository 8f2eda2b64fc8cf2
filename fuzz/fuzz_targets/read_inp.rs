//! `cargo fuzz run read_inp`: any bytes must give a network or an error, never
//! a panic; a network read must record each link's ends where its ids are, and
//! write and read back identically.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(net) = oasis_network::read_inp(data, "fuzz.inp") {
        for (k, l) in net.links.iter().enumerate() {
            let by_id = [net.node_index(&l.from), net.node_index(&l.to)];
            assert_eq!(net.recorded_link_ends(k), by_id, "link {}", l.id);
        }
        let text = oasis_network::write_inp(&net);
        let again = oasis_network::read_inp(text.as_bytes(), "written").expect("written model reads back");
        assert_eq!(net, again);
    }
});
