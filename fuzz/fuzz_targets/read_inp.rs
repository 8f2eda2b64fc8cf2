//! `cargo fuzz run read_inp`: any bytes must give a network or an error, never
//! a panic; a network read must write and read back identically.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(net) = oasis_network::read_inp(data, "fuzz.inp") {
        let text = oasis_network::write_inp(&net);
        let again = oasis_network::read_inp(text.as_bytes(), "written").expect("written model reads back");
        assert_eq!(net, again);
    }
});
