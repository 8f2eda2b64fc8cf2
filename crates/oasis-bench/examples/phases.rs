use oasis_hydraulics::Simulation;
use std::time::Instant;
fn med(mut v: Vec<f64>) -> f64 { v.sort_by(|a,b| a.partial_cmp(b).unwrap()); if std::env::var("MIN").is_ok() { v[0] } else { v[v.len()/2] } }
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let reps: usize = std::env::args().nth(2).map(|s| s.parse().unwrap()).unwrap_or(50);
    let bytes = std::fs::read(&path).unwrap();
    let net = oasis_network::read_inp(&bytes, &path).unwrap();
    let (mut tnew, mut tshared, mut tsolve, mut tdrop, mut tparse) = (vec![], vec![], vec![], vec![], vec![]);
    hint_check(&net);
    if std::env::args().nth(3).as_deref() == Some("parse") { let mut v = vec![]; for _ in 0..reps { let t = Instant::now(); let n2 = oasis_network::read_inp(&bytes, &path).unwrap(); v.push(t.elapsed().as_secs_f64()); drop(n2); } println!("parse {:.3} ms", med(v)*1e3); return; }
    if std::env::args().nth(3).as_deref() == Some("order") { order_time(&net, reps); return; }
    let structure = Simulation::new(&net).unwrap().structure();
    for _ in 0..reps {
        let t = Instant::now();
        let n2 = oasis_network::read_inp(&bytes, &path).unwrap();
        tparse.push(t.elapsed().as_secs_f64()); drop(n2);
        let t = Instant::now();
        let s = Simulation::with_structure(&net, &structure).unwrap();
        tshared.push(t.elapsed().as_secs_f64()); drop(s);
        let t = Instant::now();
        let mut sim = Simulation::new(&net).unwrap();
        tnew.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        loop { sim.solve_only().unwrap(); if sim.next().unwrap() == 0 { break; } }
        tsolve.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        drop(sim);
        tdrop.push(t.elapsed().as_secs_f64());
    }
    println!("parse {:.3} ms | new {:.3} ms | new-with-structure {:.3} ms | solve {:.3} ms | drop {:.3} ms", med(tparse)*1e3, med(tnew)*1e3, med(tshared)*1e3, med(tsolve)*1e3, med(tdrop)*1e3);
}
#[allow(dead_code)]
pub fn order_time(net: &oasis_network::Network, reps: usize) {
    let idx: std::collections::HashMap<&str, usize> = net.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let ends: Vec<(usize, usize)> = net.links.iter().map(|l| (idx[l.from.as_str()], idx[l.to.as_str()])).collect();
    let nj = net.junction_count();
    let (mut tg, mut to) = (vec![], vec![]);
    for _ in 0..reps {
        let t = Instant::now();
        let (xadj, mut adjncy) = oasis_hydraulics::cholesky::junction_graph(nj, net.nodes.len(), &ends);
        tg.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let r = oasis_hydraulics::ordering::minimum_degree(nj, &xadj, &mut adjncy);
        to.push(t.elapsed().as_secs_f64());
        drop(r);
    }
    println!("junction_graph {:.3} ms | minimum_degree {:.3} ms", med(tg)*1e3, med(to)*1e3);
}
#[allow(dead_code)]
pub fn hint_check(net: &oasis_network::Network) {
    let ok = (0..net.links.len()).filter(|&k| net.recorded_link_ends(k).iter().all(|h| h.is_some())).count();
    println!("hints ok {ok} of {}", net.links.len());
}
