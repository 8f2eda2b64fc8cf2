//! The committed demonstration network is exactly what the generator makes.

#[test]
fn committed_example_equals_generator_output() {
    let committed = include_str!("../../../examples/jinchang-demo.inp");
    // Regenerate with: cargo run -p oasis-netgen --example netgen -- examples 0 0 demo
    assert!(
        committed == oasis_netgen::jinchang_demo(),
        "examples/jinchang-demo.inp is stale; regenerate it"
    );
}
