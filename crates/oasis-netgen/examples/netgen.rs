//! Writes generated networks to files (the crate itself does no I/O):
//! `cargo run -p oasis-netgen --example netgen -- DIR FIRST_SEED COUNT [eps|demo]`
//! writes DIR/random-<seed>.inp (or random-eps-<seed>.inp, or jinchang-demo.inp).

use oasis_netgen::{RandomOptions, jinchang_demo, random_eps_network, random_network};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: netgen DIR FIRST_SEED COUNT [eps|demo]";
    let dir = std::path::PathBuf::from(args.first().expect(usage));
    let first: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let count: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mode = args.get(3).map(String::as_str).unwrap_or("");
    std::fs::create_dir_all(&dir).expect("cannot create output folder");
    if mode == "demo" {
        std::fs::write(dir.join("jinchang-demo.inp"), jinchang_demo()).expect("write");
        return;
    }
    let opts = RandomOptions::default();
    for seed in first..first + count {
        let (name, text) = if mode == "eps" {
            (
                format!("random-eps-{seed}.inp"),
                random_eps_network(seed, &opts),
            )
        } else {
            (format!("random-{seed}.inp"), random_network(seed, &opts))
        };
        std::fs::write(dir.join(name), text).expect("write");
    }
}
