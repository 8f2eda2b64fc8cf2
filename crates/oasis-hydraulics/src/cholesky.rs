//! The junction matrix's sparse Cholesky factorisation in EPANET's exact
//! arithmetic order: adjacency lists built link by link (parallel links
//! share a coefficient), minimum-degree ordering, symbolic factorisation by
//! simulated elimination, then George & Liu's left-looking column Cholesky
//! with forward and backward substitution.
//!
//! Matching the order of every floating-point operation matters: EPANET's
//! results on nearly singular rows (closed links, active valves, short pipes)
//! are dominated by round-off, and only the same operations give the same
//! round-off.

use crate::ordering::minimum_degree;
use crate::setup::Model;

/// Symbolic structure plus the coefficient arrays (1-based, as EPANET's).
pub struct Cholesky {
    n: usize,
    /// Matrix row of each junction (1-based rows).
    pub row: Vec<usize>,
    /// Junction eliminated at each row.
    pub order: Vec<usize>,
    /// Coefficient slot of each link's off-diagonal entry (`Ndx`).
    pub link_coeff: Vec<usize>,
    /// Number of off-diagonal coefficient slots (links plus fill-ins).
    pub ncoeffs: usize,
    xlnz: Vec<usize>,
    nzsub: Vec<usize>,
    /// Position in the factor's storage of each coefficient slot (EPANET's
    /// LNZ inverted), so that values are assembled directly in factor order.
    pub slot_position: Vec<usize>,
    /// The column updates of the factorisation in EPANET's order: for column
    /// j, `updates[update_start[j]..update_start[j + 1]]` lists the earlier
    /// columns k that modify it. EPANET finds them with linked lists while it
    /// factorises; they depend on the structure only, so they are found once.
    /// Column k's updates take its rows in order, one each, so the position
    /// of L(j,k) is a cursor per column (`Scratch::next`).
    update_start: Vec<u32>,
    updates: Vec<u32>,
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

/// The per-solve working column of the factorisation. It is all zero
/// between columns, so it is only cleared after a factorisation that stopped
/// at a bad pivot.
pub(crate) struct Scratch {
    temp: Vec<f64>,
    /// Position in column k of the next row it updates.
    next: Vec<u32>,
    dirty: bool,
}

/// EPANET's junction graph in compressed 1-based form (`xadj`, `adjncy`),
/// the input of the ordering, for a network's links given as 0-based node pairs.
pub fn junction_graph(njuncs: usize, nnodes: usize, links: &[(usize, usize)]) -> (Vec<i64>, Vec<i64>) {
    let adj = adjacency(nnodes, links).0;
    graph_of(njuncs, &adj)
}

/// Per node: (neighbour, coefficient slot), 1-based, in 32 bits to keep
/// the symbolic phase small on large networks.
type Adjacency = Vec<Vec<(u32, u32)>>;

/// Adjacency lists (most recent entry last) and each link's coefficient slot.
fn adjacency(nnodes: usize, links: &[(usize, usize)]) -> (Adjacency, Vec<usize>) {
    let mut adj: Adjacency = vec![Vec::new(); nnodes + 1];
    let mut link_coeff = vec![0usize; links.len() + 1];
    for (k0, &(a, b)) in links.iter().enumerate() {
        let k = k0 + 1;
        let (i, j) = (a + 1, b + 1);
        match adj[i].iter().rev().find(|&&(node, _)| node as usize == j) {
            Some(&(_, first)) => link_coeff[k] = first as usize,
            None => {
                link_coeff[k] = k;
                adj[i].push((j as u32, k as u32));
                adj[j].push((i as u32, k as u32));
            }
        }
    }
    (adj, link_coeff)
}

fn graph_of(n: usize, adj: &Adjacency) -> (Vec<i64>, Vec<i64>) {
    let mut xadj = vec![0i64; n + 2];
    let mut adjncy = vec![0i64; 1];
    xadj[1] = 1;
    for k in 1..=n {
        for &(node, _) in adj[k].iter().rev() {
            if (node as usize) <= n {
                adjncy.push(node as i64);
            }
        }
        xadj[k + 1] = adjncy.len() as i64;
    }
    adjncy.push(0);
    (xadj, adjncy)
}

/// Replays, on the structure alone, the linked lists with which EPANET's
/// factorisation finds the columns that update each column (George & Liu's
/// `link`/`first` arrays), recording for column j the columns k that update
/// it in the order EPANET visits them.
fn update_schedule(n: usize, xlnz: &[usize], nzsub: &[usize]) -> (Vec<u32>, Vec<u32>) {
    // Positions are stored as u32 to halve the schedule's memory; 4e9 factor
    // entries would need far more memory than a machine has.
    assert!(xlnz[n + 1] <= u32::MAX as usize, "factor too large for u32 positions");
    let mut link = vec![0usize; n + 1];
    let mut first = vec![0usize; n + 1];
    let mut start = Vec::with_capacity(n + 2);
    let mut updates = Vec::new();
    start.push(0);
    start.push(0);
    for j in 1..=n {
        let mut k = link[j];
        while k != 0 {
            let newk = link[k];
            let kfirst = first[k];
            let kstop = xlnz[k + 1] - 1;
            updates.push(k as u32);
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
        // One update per off-diagonal entry of the factor: fits in u32 (asserted above).
        start.push(updates.len() as u32);
    }
    (start, updates)
}

impl Cholesky {
    pub(crate) fn new(m: &Model) -> Cholesky {
        let nnodes = m.nnodes;
        let n = m.njuncs;
        let nlinks = m.links.len();
        // Adjacency lists (EPANET's linked lists, head = last element);
        // parallel links share the first one's coefficient.
        // The symbolic phase stores node and slot numbers in 32 bits.
        assert!(nnodes < (u32::MAX / 4) as usize && nlinks < (u32::MAX / 4) as usize, "network too large");
        let pairs: Vec<(usize, usize)> = m.links.iter().map(|l| (l.n1, l.n2)).collect();
        let (mut adj, link_coeff) = adjacency(nnodes, &pairs);
        let (xadj, mut adjncy) = graph_of(n, &adj);
        let mut row: Vec<usize> = (0..=nnodes).collect();
        let mut order: Vec<usize> = (0..=nnodes).collect();
        if n > 0 {
            let (perm, invp) = minimum_degree(n, &xadj, &mut adjncy);
            for k in 1..=n {
                order[k] = perm[k] as usize;
                row[k] = invp[k] as usize;
            }
        }

        // Symbolic factorisation: eliminate junctions in order, adding a
        // coefficient for every new connection between active neighbours.
        let mut ncoeffs = nlinks;
        let mut degree = vec![0i64; nnodes + 1];
        for k in 1..=n {
            degree[k] = adj[k].len() as i64;
        }
        for k in 1..=n {
            let knode = order[k];
            let len = adj[knode].len();
            for a in (0..len).rev() {
                let inode = adj[knode][a].0 as usize;
                if degree[inode] <= 0 {
                    continue;
                }
                degree[inode] -= 1;
                for b in (0..a).rev() {
                    let jnode = adj[knode][b].0 as usize;
                    if degree[jnode] > 0 && !adj[inode].iter().any(|&(x, _)| x as usize == jnode) {
                        ncoeffs += 1;
                        adj[inode].push((jnode as u32, ncoeffs as u32));
                        adj[jnode].push((inode as u32, ncoeffs as u32));
                        degree[inode] += 1;
                        degree[jnode] += 1;
                    }
                }
            }
            degree[knode] = 0;
        }

        // Column-compressed lower triangle, rows ascending in each column.
        let mut xlnz = vec![0usize; n + 2];
        let mut nzsub = vec![0usize; 1];
        let mut lnz = vec![0usize; 1];
        xlnz[1] = 1;
        for i in 1..=n {
            let mut column: Vec<(usize, usize)> = adj[order[i]]
                .iter()
                .rev()
                .filter(|&&(node, _)| node as usize <= n)
                .map(|&(node, l)| (row[node as usize], l as usize))
                .filter(|&(j, _)| j > i)
                .collect();
            column.sort_by_key(|&(j, _)| j);
            for (j, l) in column {
                nzsub.push(j);
                lnz.push(l);
            }
            xlnz[i + 1] = nzsub.len();
        }
        drop(adj);
        let mut slot_position = vec![0usize; ncoeffs + 1];
        for (i, &slot) in lnz.iter().enumerate().skip(1) {
            slot_position[slot] = i;
        }
        let (update_start, updates) = update_schedule(n, &xlnz, &nzsub);
        Cholesky {
            n,
            row,
            order,
            link_coeff,
            ncoeffs,
            xlnz,
            nzsub,
            slot_position,
            update_start,
            updates,
        }
    }

    pub(crate) fn scratch(&self) -> Scratch {
        Scratch { temp: vec![0.0; self.n + 1], next: vec![0; self.n + 1], dirty: false }
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
        // The unchecked accesses below rely on these lengths.
        assert!(aii.len() > n && b.len() > n && scratch.temp.len() > n, "factor arrays too short");
        let (xlnz, nzsub) = (&self.xlnz, &self.nzsub);
        let temp = &mut scratch.temp;
        let next = &mut scratch.next;
        for (c, &x) in next.iter_mut().zip(&xlnz[..=n]) {
            *c = x as u32;
        }
        if scratch.dirty {
            temp.iter_mut().for_each(|x| *x = 0.0);
            scratch.dirty = false;
        }
        for j in 1..=n {
            // The columns k that modify column j, in EPANET's order.
            let mut diagj = 0.0;
            for &k in &self.updates[self.update_start[j] as usize..self.update_start[j + 1] as usize] {
                let k = k as usize;
                let kfirst = next[k] as usize;
                next[k] += 1;
                let kstop = xlnz[k + 1] - 1;
                let ljk = aij[kfirst];
                diagj += ljk * ljk;
                let istart = kfirst + 1;
                if kstop >= istart {
                    for (&isub, &a) in nzsub[istart..=kstop].iter().zip(&aij[istart..=kstop]) {
                        debug_assert!(isub <= n);
                        // SAFETY: row indices are 1..=n by construction and temp has n + 1 entries.
                        unsafe { *temp.get_unchecked_mut(isub) += a * ljk };
                    }
                }
            }
            let d = aii[j] - diagj;
            if d <= 0.0 {
                scratch.dirty = true;
                return Err(j);
            }
            let d = d.sqrt();
            aii[j] = d;
            let istart = xlnz[j];
            let istop = xlnz[j + 1] - 1;
            if istop >= istart {
                for (&isub, a) in nzsub[istart..=istop].iter().zip(&mut aij[istart..=istop]) {
                    debug_assert!(isub <= n);
                    // SAFETY: as above.
                    let t = unsafe { temp.get_unchecked_mut(isub) };
                    *a = (*a - *t) / d;
                    *t = 0.0;
                }
            }
        }
        // Forward substitution.
        for j in 1..=n {
            let bj = b[j] / aii[j];
            b[j] = bj;
            let (lo, hi) = (xlnz[j], xlnz[j + 1]);
            for (&isub, &a) in nzsub[lo..hi].iter().zip(&aij[lo..hi]) {
                debug_assert!(isub <= n);
                // SAFETY: as above; b has n + 1 entries.
                unsafe { *b.get_unchecked_mut(isub) -= a * bj };
            }
        }
        // Backward substitution.
        for j in (1..=n).rev() {
            let mut bj = b[j];
            let (lo, hi) = (xlnz[j], xlnz[j + 1]);
            for (&isub, &a) in nzsub[lo..hi].iter().zip(&aij[lo..hi]) {
                debug_assert!(isub <= n);
                // SAFETY: as above.
                bj -= a * unsafe { *b.get_unchecked(isub) };
            }
            b[j] = bj / aii[j];
        }
        Ok(())
    }
}
