//! The reader never panics: mutated copies of real networks (bytes flipped,
//! lines cut, duplicated or swapped) give a network or an error. This runs in
//! every `cargo test`; `fuzz/` holds the coverage-guided target for longer runs.

use std::path::Path;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: [&[u8]; 12] = [
    b"[PIPES]", b"[END]", b";", b"\"", b"-1", b"1e308", b"NaN", b"\t", b"\n", b"0:00:00:00", b"\xff\xfe", b"CV",
];

fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut data = base.to_vec();
    for _ in 0..1 + rng.below(8) {
        if data.is_empty() {
            break;
        }
        let at = rng.below(data.len());
        match rng.below(4) {
            0 => data[at] = rng.next() as u8,
            1 => {
                let end = (at + rng.below(200)).min(data.len());
                data.drain(at..end);
            }
            2 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, t.iter().copied());
            }
            _ => {
                let end = (at + rng.below(300)).min(data.len());
                let chunk = data[at..end].to_vec();
                let to = rng.below(data.len());
                data.splice(to..to, chunk);
            }
        }
    }
    data
}

#[test]
fn mutated_networks_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    {
        let p = "examples/jinchang-demo.inp";
        seeds.push(std::fs::read(root.join(p)).expect("demo network"));
    }
    let shared = root.join("../shared/networks/EPANET/example-networks/Net3.inp");
    if let Ok(b) = std::fs::read(shared) {
        seeds.push(b);
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut accepted, mut rejected) = (0, 0);
    for i in 0..400 {
        let data = mutate(&mut rng, &seeds[i % seeds.len()]);
        match oasis_network::read_inp(&data, "mutated.inp") {
            Ok(net) => {
                accepted += 1;
                // The reader's record of every link's ends is where the ids are.
                for (k, l) in net.links.iter().enumerate() {
                    let by_id = [net.node_index(&l.from), net.node_index(&l.to)];
                    assert_eq!(net.recorded_link_ends(k), by_id, "mutation {i}, link {}", l.id);
                }
                let text = oasis_network::write_inp(&net);
                let again = oasis_network::read_inp(text.as_bytes(), "written").expect("written model reads back");
                assert_eq!(net, again, "mutation {i} does not round-trip");
            }
            Err(e) => {
                rejected += 1;
                assert!(!e.to_string().is_empty());
            }
        }
    }
    eprintln!("{accepted} mutated files read, {rejected} rejected with an error");
    assert!(rejected > 0, "the mutations should break some files");
}
