use std::time::Instant;
fn main() {
    let bytes = std::fs::read("../shared/leak/L-TOWN.inp").unwrap();
    let net = oasis_network::read_inp(&bytes, "l").unwrap();
    let t = Instant::now();
    let mut sim = oasis_hydraulics::Simulation::new(&net).unwrap();
    let mut n = 0;
    let mut it = 0;
    loop { let s = sim.run().unwrap(); it += s.iterations; n += 1; if sim.next().unwrap() == 0 || n > 2000 { break; } }
    println!("full EPS {} steps {} iters {:.3} s", n, it, t.elapsed().as_secs_f64());
    let mut r = oasis_leaks::twin::Runner::new(&net).unwrap();
    let mut st = r.initial_state();
    let t = Instant::now();
    let mut k = 0;
    for seg in 0..24 { r.run_segment(&mut st, seg * 3600, 3600, 300, &|_| 1.0, &[], &mut |_, _| k += 1).unwrap(); }
    println!("24 segments {} steps {:.3} s", k, t.elapsed().as_secs_f64());
    let t = Instant::now();
    for _ in 0..24 { let _ = net.clone(); }
    println!("24 clones {:.4} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    for _ in 0..24 { let _ = oasis_hydraulics::Simulation::new(&net).unwrap(); }
    println!("24 sim new {:.4} s", t.elapsed().as_secs_f64());
}
