//! The junction ordering equals EPANET 2.2's own: its library exports the
//! GENMMD routine it orders with, so both are run on the junction graph of
//! every network we have and must give the same elimination order. (The
//! factorisation's round-off, and so EPANET's answer on nearly singular rows,
//! depends on this order.)

use std::os::raw::c_int;

use oasis_parity::*;

type Genmmd = unsafe extern "C" fn(
    *mut c_int,
    *mut c_int,
    *mut c_int,
    *mut c_int,
    *mut c_int,
    *mut c_int,
    *mut c_int,
    *mut c_int,
    *mut c_int,
    *mut c_int,
    *mut c_int,
    *mut c_int,
) -> c_int;

fn epanet_order(lib: &libloading::Library, n: usize, xadj: &[i64], adjncy: &[i64]) -> Vec<i64> {
    let f: libloading::Symbol<Genmmd> = unsafe { lib.get(b"genmmd\0") }.expect("EPANET 2.2 exports genmmd");
    let mut neqns = n as c_int;
    let mut xadj: Vec<c_int> = xadj.iter().map(|&x| x as c_int).collect();
    let mut adjncy: Vec<c_int> = adjncy.iter().map(|&x| x as c_int).collect();
    let mut invp = vec![0 as c_int; n + 2];
    let mut perm = vec![0 as c_int; n + 2];
    let (mut delta, mut maxint, mut nofsub) = (-1 as c_int, c_int::MAX, 0 as c_int);
    let mut dhead = vec![0 as c_int; n + 2];
    let mut qsize = vec![0 as c_int; n + 2];
    let mut llist = vec![0 as c_int; n + 2];
    let mut marker = vec![0 as c_int; n + 2];
    unsafe {
        f(
            &mut neqns,
            xadj.as_mut_ptr(),
            adjncy.as_mut_ptr(),
            invp.as_mut_ptr(),
            perm.as_mut_ptr(),
            &mut delta,
            dhead.as_mut_ptr(),
            qsize.as_mut_ptr(),
            llist.as_mut_ptr(),
            marker.as_mut_ptr(),
            &mut maxint,
            &mut nofsub,
        );
    }
    perm[..=n].iter().map(|&x| x as i64).collect()
}

#[test]
fn junction_order_equals_epanet22_genmmd() {
    let Some(tk) = epanet22() else { return };
    let lib = unsafe { libloading::Library::new(tk.path()) }.expect("reload EPANET 2.2");
    let mut dirs = vec![workspace().join("tests/networks"), workspace().join("examples")];
    let shared = workspace().join("../shared/networks");
    if shared.exists() {
        dirs.push(shared);
    }
    let (mut checked, mut failures) = (0, Vec::new());
    for dir in dirs {
        for path in inp_files(&dir) {
            let Ok(net) = oasis_network::read_inp(&std::fs::read(&path).unwrap(), "x") else { continue };
            let index: std::collections::HashMap<&str, usize> =
                net.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
            let pairs: Vec<(usize, usize)> = net.links.iter().map(|l| (index[l.from.as_str()], index[l.to.as_str()])).collect();
            let n = net.junction_count();
            let graph = oasis_hydraulics::cholesky::junction_graph(n, net.nodes.len(), &pairs);
            let theirs = epanet_order(&lib, n, graph.xadj(), graph.adjncy());
            let (ours, _) = oasis_hydraulics::ordering::minimum_degree(graph);
            if ours[1..=n] != theirs[1..=n] {
                let first = (1..=n).find(|&k| ours[k] != theirs[k]).unwrap();
                failures.push(format!("{}: orders differ from position {first}", path.display()));
            }
            checked += 1;
        }
    }
    eprintln!("compared the ordering of {checked} networks");
    // The repository's own fixtures alone are dozens of networks.
    assert!(checked >= 10, "only {checked} networks compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Random graphs, from trees to dense ones (longer reachable sets, more
/// elements absorbed and supernodes merged than water networks make), and
/// some with isolated junctions: the same order as EPANET 2.2's GENMMD.
#[test]
fn random_graph_orders_equal_epanet22_genmmd() {
    let Some(tk) = epanet22() else { return };
    let lib = unsafe { libloading::Library::new(tk.path()) }.expect("reload EPANET 2.2");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    let mut failures = Vec::new();
    for case in 0..600 {
        let n = 1 + next(300);
        let nnodes = n + next(4);
        // A spanning forest (some nodes left alone) plus chords, up to
        // about eight per node.
        let mut links = Vec::new();
        for i in 1..nnodes {
            if next(10) > 0 {
                links.push((next(i), i));
            }
        }
        let chords = next(1 + n * (1 + case % 8));
        for _ in 0..chords {
            let (a, b) = (next(nnodes), next(nnodes));
            if a != b {
                links.push((a, b));
            }
        }
        let graph = oasis_hydraulics::cholesky::junction_graph(n, nnodes, &links);
        let theirs = epanet_order(&lib, n, graph.xadj(), graph.adjncy());
        let (ours, _) = oasis_hydraulics::ordering::minimum_degree(graph);
        if ours[1..=n] != theirs[1..=n] {
            failures.push(format!("case {case} (n {n}, {} links)", links.len()));
        }
    }
    assert!(failures.is_empty(), "orders differ: {}", failures.join(", "));
}
