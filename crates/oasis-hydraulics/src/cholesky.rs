//! The junction matrix's sparse Cholesky factorisation in EPANET's exact
//! arithmetic order: adjacency lists built link by link (parallel links
//! share a coefficient), minimum-degree ordering (which also gives the
//! factor's structure), then George & Liu's left-looking column Cholesky
//! with forward and backward substitution.
//!
//! Matching the order of every floating-point operation matters: EPANET's
//! results on nearly singular rows (closed links, active valves, short pipes)
//! are dominated by round-off, and only the same operations give the same
//! round-off.

use crate::ordering::{ordering_and_factor, Graph, Ordering};
use crate::setup::Model;

/// Symbolic structure plus the coefficient arrays (1-based, as EPANET's).
pub struct Cholesky {
    n: usize,
    /// Matrix row of each junction (1-based rows).
    pub row: Vec<usize>,
    /// Junction eliminated at each row.
    pub order: Vec<usize>,
    /// Position in the factor's storage (1-based) of each link's
    /// off-diagonal entry, `None` when an end is a tank or reservoir; values
    /// are assembled directly in factor order.
    pub link_position: Vec<Option<usize>>,
    xlnz: Vec<usize>,
    nzsub: Vec<usize>,
    /// The column updates of the factorisation in EPANET's order. EPANET
    /// finds the columns k that modify column j with linked lists while it
    /// factorises; they depend on the structure only, so they are found
    /// once: `updates[update_start[j]..update_start[j + 1]]` gives, for each,
    /// the positions in the factor of L(j,k) and of the end of column k.
    update_start: Vec<u32>,
    updates: Vec<Update>,
    /// The same updates as one flat run of products per column, where that
    /// takes little memory (the networks' factors, a few entries a column):
    /// a short loop per update mispredicts its exit at every varying length.
    flat: Option<FlatUpdates>,
}

/// Column j's products are `ops[op_start[j]..op_start[j + 1]]`.
struct FlatUpdates {
    op_start: Vec<u32>,
    ops: Vec<UpdateOp>,
}

/// What the structure depends on: the node counts and the ends of every link
/// (link status, demands, emitters and settings change values, never the
/// structure). Kept only for structures that are shared, to check that a
/// model fits.
pub(crate) struct Layout {
    njuncs: usize,
    nnodes: usize,
    link_ends: Vec<(u32, u32)>,
}

impl Layout {
    pub(crate) fn of(m: &Model) -> Layout {
        Layout {
            njuncs: m.njuncs,
            nnodes: m.nnodes,
            link_ends: m.links.iter().map(|l| (l.n1 as u32, l.n2 as u32)).collect(),
        }
    }

    /// Whether `Cholesky::new(m)` would build the structure this layout had.
    pub(crate) fn fits(&self, m: &Model) -> bool {
        self.njuncs == m.njuncs
            && self.nnodes == m.nnodes
            && self.link_ends.len() == m.links.len()
            && self.link_ends.iter().zip(&m.links).all(|(&(a, b), l)| a as usize == l.n1 && b as usize == l.n2)
    }
}

/// One product of a column update: row `row` of column j loses
/// L(row,k) L(j,k), held at factor positions `lik` and `ljk`.
#[derive(Clone, Copy)]
struct UpdateOp {
    row: u32,
    lik: u32,
    ljk: u32,
}

/// One column update: column k modifies column j with L(j,k), at factor
/// position `ljk`, and the rows below it up to (not including) `end`.
#[derive(Clone, Copy)]
struct Update {
    ljk: u32,
    end: u32,
}

/// Flat products are kept while they number at most this many times the
/// factor's entries (16 bytes each, against the 12 of a product).
const FLAT_PRODUCTS_PER_ENTRY: usize = 4;

/// The per-solve working column of the factorisation. It is all zero
/// between columns, so it is only cleared after a factorisation that stopped
/// at a bad pivot.
pub(crate) struct Scratch {
    temp: Vec<f64>,
    dirty: bool,
}

/// EPANET's junction graph, the input of the ordering, for a network's links
/// given as 0-based node pairs: each junction's distinct junction neighbours
/// (1-based), most recent link first, as EPANET's linked lists hold them (a
/// parallel link adds no second entry, and a link from a node to itself,
/// which `Model::new` rejects, none).
pub fn junction_graph(njuncs: usize, nnodes: usize, links: &[(usize, usize)]) -> Graph {
    let n = njuncs;
    assert!(n <= nnodes, "more junctions than nodes");
    let joins_junctions = |&(a, b): &(usize, usize)| a < n && b < n && a != b;
    // Each junction's stretch of `adjncy`, room for all its links.
    let mut xadj = vec![0i64; n + 2];
    for &(a, b) in links.iter().filter(|l| joins_junctions(l)) {
        xadj[a + 2] += 1;
        xadj[b + 2] += 1;
    }
    xadj[1] = 1;
    for k in 2..n + 2 {
        xadj[k] += xadj[k - 1];
    }
    // Filled from each stretch's end, so that the most recent link comes first.
    let mut adjncy = vec![0i64; xadj[n + 1] as usize + 1];
    let mut front: Vec<usize> = (0..=n).map(|k| if k == 0 { 0 } else { xadj[k + 1] as usize }).collect();
    let mut parallel = false;
    for &(a, b) in links.iter().filter(|l| joins_junctions(l)) {
        let (i, j) = (a + 1, b + 1);
        if adjncy[front[i]..xadj[i + 1] as usize].contains(&(j as i64)) {
            parallel = true;
            continue;
        }
        front[i] -= 1;
        adjncy[front[i]] = j as i64;
        front[j] -= 1;
        adjncy[front[j]] = i as i64;
    }
    if parallel {
        // Close the gaps the parallel links left at the stretches' fronts.
        let mut to = 1;
        for k in 1..=n {
            let end = xadj[k + 1] as usize;
            adjncy.copy_within(front[k]..end, to);
            xadj[k] = to as i64;
            to += end - front[k];
        }
        xadj[n + 1] = to as i64;
        adjncy.truncate(to);
        adjncy.push(0);
    }
    Graph { n, xadj, adjncy }
}

/// Replays, on the structure alone, the linked lists with which EPANET's
/// factorisation finds the columns that update each column (George & Liu's
/// `link`/`first` arrays), recording for column j, in the order EPANET
/// visits them, where each column k that updates it holds L(j,k) and ends;
/// and, where they are few, the products, row by row.
fn update_schedule(n: usize, xlnz: &[usize], nzsub: &[usize]) -> (Vec<u32>, Vec<Update>, Option<FlatUpdates>) {
    // Positions are stored as u32 to save memory; 4e9 factor entries would
    // need far more memory than a machine has.
    let entries = xlnz[n + 1] - 1;
    assert!(entries < u32::MAX as usize, "factor too large for u32 positions");
    // Each entry L(j,k) updates column j once, with the entries below it in
    // column k: a column of c entries gives c updates and c(c-1)/2 products.
    let products: usize = (1..=n).map(|k| (xlnz[k + 1] - xlnz[k]) * (xlnz[k + 1] - xlnz[k]).saturating_sub(1) / 2).sum();
    let mut flat = (products <= FLAT_PRODUCTS_PER_ENTRY * entries && products < u32::MAX as usize)
        .then(|| FlatUpdates { op_start: Vec::with_capacity(n + 2), ops: Vec::with_capacity(products) });
    let mut link = vec![0usize; n + 1];
    let mut first = vec![0usize; n + 1];
    let mut start = Vec::with_capacity(n + 2);
    let mut updates = Vec::with_capacity(entries);
    start.extend([0, 0]);
    if let Some(f) = &mut flat {
        f.op_start.extend([0, 0]);
    }
    for j in 1..=n {
        let mut k = link[j];
        while k != 0 {
            let newk = link[k];
            let kfirst = first[k];
            let kstop = xlnz[k + 1] - 1;
            updates.push(Update { ljk: kfirst as u32, end: (kstop + 1) as u32 });
            if let Some(f) = &mut flat {
                for p in kfirst + 1..kstop + 1 {
                    f.ops.push(UpdateOp { row: nzsub[p] as u32, lik: p as u32, ljk: kfirst as u32 });
                }
            }
            let istart = kfirst + 1;
            if kstop >= istart {
                first[k] = istart;
                let isub = nzsub[istart];
                link[k] = link[isub];
                link[isub] = k;
            }
            k = newk;
        }
        let istart = xlnz[j];
        let istop = xlnz[j + 1] - 1;
        if istop >= istart {
            first[j] = istart;
            let isub = nzsub[istart];
            link[j] = link[isub];
            link[isub] = j;
        }
        // One update per factor entry, and fewer than u32::MAX products
        // when flat: both fit in u32.
        start.push(updates.len() as u32);
        if let Some(f) = &mut flat {
            f.op_start.push(f.ops.len() as u32);
        }
    }
    (start, updates, flat)
}

impl Cholesky {
    pub(crate) fn new(m: &Model) -> Cholesky {
        let ends: Vec<(usize, usize)> = m.links.iter().map(|l| (l.n1, l.n2)).collect();
        Cholesky::of_links(m.njuncs, m.nnodes, &ends)
    }

    /// The structure for junctions `0..n` of `nnodes` nodes joined by `ends`
    /// (0-based node pairs, one per link).
    fn of_links(n: usize, nnodes: usize, ends: &[(usize, usize)]) -> Cholesky {
        let mut row: Vec<usize> = (0..=nnodes).collect();
        let mut order: Vec<usize> = (0..=nnodes).collect();
        let Ordering { perm, invp, xlnz, nzsub } = ordering_and_factor(junction_graph(n, nnodes, ends));
        for k in 1..=n {
            order[k] = perm[k] as usize;
            row[k] = invp[k] as usize;
        }
        // Parallel links land on the same entry, so they share a coefficient
        // as in EPANET.
        let link_position = ends
            .iter()
            .map(|&(a, b)| {
                (a < n && b < n).then(|| {
                    let (ra, rb) = (row[a + 1], row[b + 1]);
                    let (column, r) = (ra.min(rb), ra.max(rb));
                    let rows = &nzsub[xlnz[column]..xlnz[column + 1]];
                    xlnz[column] + rows.binary_search(&r).expect("a junction link is an entry of the factor")
                })
            })
            .collect();
        let (update_start, updates, flat) = update_schedule(n, &xlnz, &nzsub);
        Cholesky { n, row, order, link_position, xlnz, nzsub, update_start, updates, flat }
    }

    pub(crate) fn scratch(&self) -> Scratch {
        Scratch { temp: vec![0.0; self.n + 1], dirty: false }
    }

    /// Number of off-diagonal entries of the factor.
    pub fn factor_len(&self) -> usize {
        self.nzsub.len() - 1
    }

    /// Factorises and solves in place. `aii` (by row, 1-based) and `aij`
    /// (in factor order, 1-based: see `slot_position`) are overwritten by the
    /// factor; `b` (by row) becomes the solution. Err(row) at a non-positive
    /// pivot. The operations are EPANET's, in its order.
    pub(crate) fn solve(&self, scratch: &mut Scratch, aii: &mut [f64], aij: &mut [f64], b: &mut [f64]) -> Result<(), usize> {
        let n = self.n;
        let (xlnz, nzsub) = (&self.xlnz[..], &self.nzsub[..]);
        // The unchecked accesses below rely on these lengths and on the
        // structure `new` built: rows in column j lie in j+1..=n, positions
        // (also those in `updates` and `flat`, and its rows are rows) lie
        // below xlnz[n + 1], xlnz ascending.
        assert!(aii.len() > n && b.len() > n && scratch.temp.len() > n, "factor arrays too short");
        assert!(aij.len() >= xlnz[n + 1] && nzsub.len() >= xlnz[n + 1], "factor arrays too short");
        let temp = &mut scratch.temp[..];
        if scratch.dirty {
            temp.fill(0.0);
            scratch.dirty = false;
        }
        // SAFETY (every unchecked access): the indices are rows (1..=n, and
        // temp, b, aii have n + 1 entries) or factor positions (below
        // xlnz[n + 1] <= aij.len(), nzsub.len()), as asserted and built above.
        unsafe {
            for j in 1..=n {
                // The columns k that modify column j, in EPANET's order.
                // (The diagonal and the other rows accumulate apart, each
                // in EPANET's order, so splitting them changes no sum.)
                let mut diagj = 0.0;
                let (u0, u1) = (self.update_start[j] as usize, self.update_start[j + 1] as usize);
                let updates = self.updates.get_unchecked(u0..u1);
                for u in updates {
                    let ljk = *aij.get_unchecked(u.ljk as usize);
                    diagj += ljk * ljk;
                }
                match &self.flat {
                    Some(f) => {
                        let (o0, o1) = (f.op_start[j] as usize, f.op_start[j + 1] as usize);
                        for op in f.ops.get_unchecked(o0..o1) {
                            let ljk = *aij.get_unchecked(op.ljk as usize);
                            *temp.get_unchecked_mut(op.row as usize) += *aij.get_unchecked(op.lik as usize) * ljk;
                        }
                    }
                    None => {
                        for u in updates {
                            let ljk = *aij.get_unchecked(u.ljk as usize);
                            for p in u.ljk as usize + 1..u.end as usize {
                                *temp.get_unchecked_mut(*nzsub.get_unchecked(p)) += *aij.get_unchecked(p) * ljk;
                            }
                        }
                    }
                }
                let d = *aii.get_unchecked(j) - diagj;
                if d <= 0.0 {
                    scratch.dirty = true;
                    return Err(j);
                }
                let d = d.sqrt();
                *aii.get_unchecked_mut(j) = d;
                // Column j of the factor, and the forward substitution of
                // row j (every column before j has already updated b[j]) in
                // the same pass: the same operations in the same order as
                // separate passes, with one loop exit to predict, not two.
                let bj = *b.get_unchecked(j) / d;
                *b.get_unchecked_mut(j) = bj;
                for p in *xlnz.get_unchecked(j)..*xlnz.get_unchecked(j + 1) {
                    let row = *nzsub.get_unchecked(p);
                    let t = temp.get_unchecked_mut(row);
                    let a = aij.get_unchecked_mut(p);
                    *a = (*a - *t) / d;
                    *t = 0.0;
                    *b.get_unchecked_mut(row) -= *a * bj;
                }
            }
            // Backward substitution.
            for j in (1..=n).rev() {
                let mut bj = *b.get_unchecked(j);
                for p in *xlnz.get_unchecked(j)..*xlnz.get_unchecked(j + 1) {
                    bj -= *aij.get_unchecked(p) * *b.get_unchecked(*nzsub.get_unchecked(p));
                }
                *b.get_unchecked_mut(j) = bj / *aii.get_unchecked(j);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// EPANET's way to the structure: eliminate the junctions one by one in
    /// order, linking every pair of a junction's remaining neighbours.
    fn by_elimination(n: usize, nnodes: usize, links: &[(usize, usize)], order: &[usize], row: &[usize]) -> Vec<Vec<usize>> {
        let mut adj = vec![BTreeSet::new(); nnodes + 1];
        for &(a, b) in links {
            adj[a + 1].insert(b + 1);
            adj[b + 1].insert(a + 1);
        }
        let mut columns = vec![Vec::new(); n + 1];
        let mut eliminated = vec![false; nnodes + 1];
        for j in 1..=n {
            let k = order[j];
            let live: Vec<usize> = adj[k].iter().copied().filter(|&i| i <= n && !eliminated[i]).collect();
            for (x, &a) in live.iter().enumerate() {
                for &b in &live[x + 1..] {
                    adj[a].insert(b);
                    adj[b].insert(a);
                }
            }
            eliminated[k] = true;
            columns[j] = live.iter().map(|&i| row[i]).collect();
            columns[j].sort_unstable();
        }
        columns
    }

    /// A small xorshift generator: `next(m)` is below m.
    fn generator(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |m: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m as u64) as usize
        }
    }

    /// A random network on `nodes` nodes: a spanning chain keeps them
    /// connected, and fewer than `chords` links between nodes below `among`
    /// make loops.
    fn chain_and_chords(next: &mut impl FnMut(usize) -> usize, nodes: usize, chords: usize, among: usize) -> Vec<(usize, usize)> {
        let mut links: Vec<(usize, usize)> = (1..nodes).map(|i| (next(i), i)).collect();
        for _ in 0..next(chords) {
            let (a, b) = (next(among), next(among));
            if a != b {
                links.push((a, b));
            }
        }
        links
    }

    /// The flat products and the loop per update give the same bits, and
    /// solve the system.
    #[test]
    fn flat_and_nested_updates_agree() {
        let mut next = generator(0x2545_f491_4f6c_dd1d);
        let mut compared = 0;
        for case in 0..100 {
            let n = 2 + next(80);
            // Few loops, as in a water network, so that the factor stays sparse.
            let ends = chain_and_chords(&mut next, n + 1, n / 3 + 1, n);
            let flat = Cholesky::of_links(n, n + 1, &ends);
            assert!(flat.flat.is_some(), "case {case}: a sparse factor is flat");
            let nested = Cholesky { flat: None, ..Cholesky::of_links(n, n + 1, &ends) };
            // A diagonally dominant matrix (so positive definite) with random values.
            let mut aij = vec![0.0; flat.factor_len() + 1];
            let mut aii = vec![0.0; n + 1];
            for p in &flat.link_position {
                if let Some(p) = *p {
                    aij[p] = -1.0 - next(1000) as f64 / 7.0;
                }
            }
            for j in 1..=n {
                for p in flat.xlnz[j]..flat.xlnz[j + 1] {
                    aii[j] -= aij[p];
                    aii[flat.nzsub[p]] -= aij[p];
                }
                aii[j] += 1.0 + next(100) as f64 / 3.0;
            }
            let b: Vec<f64> = (0..=n).map(|j| if j == 0 { 0.0 } else { next(2000) as f64 / 11.0 - 90.0 }).collect();
            let residual = |x: &[f64]| {
                let mut r: Vec<f64> = (0..=n).map(|j| b[j] - aii[j] * x[j]).collect();
                for j in 1..=n {
                    for p in flat.xlnz[j]..flat.xlnz[j + 1] {
                        let i = flat.nzsub[p];
                        r[i] -= aij[p] * x[j];
                        r[j] -= aij[p] * x[i];
                    }
                }
                r.iter().skip(1).fold(0.0f64, |m, v| m.max(v.abs()))
            };
            let solve = |c: &Cholesky| {
                let (mut d, mut l, mut x) = (aii.clone(), aij.clone(), b.clone());
                c.solve(&mut c.scratch(), &mut d, &mut l, &mut x).expect("positive definite");
                x
            };
            let (x_flat, x_nested) = (solve(&flat), solve(&nested));
            assert!(x_flat.iter().zip(&x_nested).all(|(a, b)| a.to_bits() == b.to_bits()), "case {case}: flat and nested differ");
            assert!(residual(&x_flat) < 1e-9, "case {case}: residual {}", residual(&x_flat));
            compared += flat.flat.as_ref().map_or(0, |f| f.ops.len());
        }
        assert!(compared > 1000, "the cases should have products to compare");
    }

    #[test]
    fn factor_structure_equals_elimination() {
        let mut next = generator(0x9e37_79b9_7f4a_7c15);
        let mut fill_seen = 0;
        for case in 0..200 {
            let n = 2 + next(60);
            let nnodes = n + 1 + next(3);
            // Some links reach the tanks, some are parallel.
            let mut links = chain_and_chords(&mut next, nnodes, 2 * n, nnodes);
            if case % 3 == 0 {
                links.push(links[next(links.len())]);
            }
            // Twins (junctions with the same neighbours) become supernodes,
            // whose columns the ordering lays out together.
            if case % 2 == 0 {
                for _ in 0..1 + next(4) {
                    let (a, b) = (next(n), next(n));
                    let twins: Vec<usize> = links.iter().filter(|l| l.0 == a && l.1 != b).map(|l| l.1).collect();
                    links.extend(twins.iter().map(|&t| (b, t)));
                }
            }
            let Ordering { perm, invp, xlnz, nzsub } = ordering_and_factor(junction_graph(n, nnodes, &links));
            let order: Vec<usize> = (0..=n).map(|k| if k == 0 { 0 } else { perm[k] as usize }).collect();
            let row: Vec<usize> = (0..=nnodes).map(|k| if (1..=n).contains(&k) { invp[k] as usize } else { k }).collect();
            let expected = by_elimination(n, nnodes, &links, &order, &row);
            for j in 1..=n {
                assert_eq!(nzsub[xlnz[j]..xlnz[j + 1]], expected[j][..], "case {case}, column {j}");
            }
            fill_seen += nzsub.len() - 1;
        }
        assert!(fill_seen > 1000, "the cases should have a factor to compare");
    }
}

