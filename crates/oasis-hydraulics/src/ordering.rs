//! Liu's multiple minimum (external) degree ordering (SPARSPAK's GENMMD, with
//! EPANET's settings: delta = -1, i.e. one node per degree update).
//!
//! EPANET orders its junction matrix with this algorithm; reproducing the same
//! elimination order, ties included, makes Oasis's Cholesky factor round off
//! exactly as EPANET's does. The algorithm works on a quotient graph: an
//! eliminated node becomes an "element" whose list holds its reachable set,
//! and nodes that become indistinguishable are merged into supernodes.
//!
//! Arrays are 1-based (index 0 unused): 0 marks the end of a list and "no
//! node". The element lists are kept apart from the adjacency array (GENMMD
//! writes them into it), which changes where they are stored, not the order
//! of anything in them.

use std::ops::{Index, IndexMut};

/// A graph in the compressed 1-based form the ordering takes (`xadj`,
/// `adjncy`, `xadj.len() == n + 2`, a 0 after the last list). Only this crate
/// builds one (`cholesky::junction_graph`), and always simple (no self-loops,
/// no repeated edges) and symmetric: the ordering indexes without bounds
/// checks on that promise.
pub struct Graph {
    pub(crate) n: usize,
    pub(crate) xadj: Vec<i64>,
    pub(crate) adjncy: Vec<i64>,
}

impl Graph {
    /// Where each node's list starts in `adjncy` (1-based).
    pub fn xadj(&self) -> &[i64] {
        &self.xadj
    }

    /// The lists, one after another.
    pub fn adjncy(&self) -> &[i64] {
        &self.adjncy
    }
}

/// Computes the ordering of `graph` (which it uses up as working storage).
/// Returns `(perm, invp)`: `perm[k]` is the node eliminated k-th, `invp[node]`
/// its position.
pub fn minimum_degree(graph: Graph) -> (Vec<i64>, Vec<i64>) {
    let o = order(graph, false);
    (o.perm, o.invp)
}

/// The ordering of a graph and the structure of its Cholesky factor in
/// that order, which the elimination finds on the way.
pub(crate) struct Ordering {
    /// `perm[k]`: the node eliminated k-th (1-based).
    pub perm: Vec<i64>,
    /// `invp[node]`: its position.
    pub invp: Vec<i64>,
    /// The factor's rows below the diagonal, column by column (1-based,
    /// ascending in each column): column j's are `nzsub[xlnz[j]..xlnz[j + 1]]`.
    pub xlnz: Vec<usize>,
    pub nzsub: Vec<usize>,
}

/// Orders `graph` as [`minimum_degree`] does and reads the factor's
/// structure off the elimination. A node's column holds the nodes numbered
/// after it that are reachable from it through eliminated nodes when it is
/// eliminated: for a supernode (nodes merged as indistinguishable, numbered
/// one after another from its root), the later members of the supernode,
/// then the root's reachable set, which GENMMD keeps as the root's element.
pub(crate) fn ordering_and_factor(graph: Graph) -> Ordering {
    order(graph, true)
}

/// The ordering, and the factor's structure if `with_factor` (else empty).
fn order(graph: Graph, with_factor: bool) -> Ordering {
    let Graph { n, xadj, mut adjncy } = graph;
    // What the unchecked indexing below relies on besides the graph being
    // simple and symmetric: every list lies inside `adjncy`, with room for
    // the 0 after the last.
    assert!(xadj.len() == n + 2 && xadj[1] >= 1 && xadj.windows(2).skip(1).all(|w| w[0] <= w[1]));
    assert!((xadj[n + 1] as usize) < adjncy.len());
    let mut g = Mmd::new(n, Trusted(&xadj));
    g.run(&mut Trusted(&mut adjncy));
    let (perm, invp) = g.number();
    if !with_factor {
        return Ordering { perm, invp, xlnz: Vec::new(), nzsub: Vec::new() };
    }
    let mut xlnz = vec![0usize; n + 2];
    let mut nzsub = Vec::with_capacity(g.members.len() + 1);
    nzsub.push(0);
    xlnz[1] = 1;
    let mut tail = Vec::new();
    let mut row = 1;
    while row <= n {
        // The root comes first in its supernode's run of rows.
        let root = perm[row] as usize;
        let size = g.qsize[root] as usize;
        debug_assert!(size >= 1, "row {row} starts with a merged node");
        let last = row + size - 1;
        // The rows of the reachable set, each of its supernodes as it was
        // then (the nodes merged into the root at its elimination, which
        // are in the set too, have rows in the supernode's run).
        tail.clear();
        for p in g.first[root] as usize..g.end[root] as usize {
            let mut node = g.members[p] as usize;
            if invp[node] as usize <= last {
                continue;
            }
            for _ in 0..g.member_size[p] {
                tail.push(invp[node] as usize);
                node = g.next_merged[node] as usize;
            }
        }
        tail.sort_unstable();
        for column in row..=last {
            nzsub.extend(column + 1..=last);
            nzsub.extend_from_slice(&tail);
            xlnz[column + 1] = nzsub.len();
        }
        row = last + 1;
    }
    Ordering { perm, invp, xlnz, nzsub }
}

/// An array indexed without bounds checks in release builds (checked in
/// debug builds, so in the tests). In GENMMD on a simple symmetric graph
/// every value stored in the adjacency array and the element lists is a
/// node number or 0, every degree is below n, and every position lies in a
/// node's list; the node arrays have n + 2 entries. The checks cost a tenth
/// of the ordering's time.
#[derive(Clone, Copy)]
struct Trusted<A>(A);

impl<A: AsRef<[i64]>> Index<usize> for Trusted<A> {
    type Output = i64;

    #[inline(always)]
    fn index(&self, i: usize) -> &i64 {
        let v = self.0.as_ref();
        debug_assert!(i < v.len(), "GENMMD index {i} out of {}", v.len());
        // SAFETY: in bounds by the algorithm's invariants (see the type).
        unsafe { v.get_unchecked(i) }
    }
}

impl<A: AsRef<[i64]> + AsMut<[i64]>> IndexMut<usize> for Trusted<A> {
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut i64 {
        let v = self.0.as_mut();
        debug_assert!(i < v.len(), "GENMMD index {i} out of {}", v.len());
        // SAFETY: as for `index`.
        unsafe { v.get_unchecked_mut(i) }
    }
}

type Adj<'a> = Trusted<&'a mut [i64]>;

const MAXINT: i64 = i32::MAX as i64;
const DELTA: i64 = -1;

struct Mmd<'a> {
    n: usize,
    xadj: Trusted<&'a [i64]>,
    /// Heads of the degree lists (index = degree + 1).
    dhead: Trusted<Vec<i64>>,
    /// Forward link in the degree lists; later the (negated) position or the
    /// supernode a node was merged into.
    forward: Trusted<Vec<i64>>,
    /// Backward link in the degree lists (negative: head, holding -degree).
    backward: Trusted<Vec<i64>>,
    qsize: Trusted<Vec<i64>>,
    llist: Trusted<Vec<i64>>,
    marker: Trusted<Vec<i64>>,
    /// Each element's list (its reachable set when it was eliminated), in
    /// GENMMD's order: element e's nodes are `members[first[e]..end[e]]`.
    /// GENMMD keeps these lists in the adjacency array itself, chained
    /// through the storage of the elements each absorbed; kept apart, each
    /// is read as one run, without the links and end marks to test.
    members: Vec<i64>,
    first: Trusted<Vec<i64>>,
    end: Trusted<Vec<i64>>,
    /// For each entry of `members`, the size of that node's supernode when
    /// the element was formed (it may grow later).
    member_size: Vec<i64>,
    /// Each supernode's nodes as a list from its root (0 ends it), grown at
    /// the tail only, so that a supernode's first `qsize` nodes at any time
    /// stay its nodes of that time.
    next_merged: Trusted<Vec<i64>>,
    last_merged: Trusted<Vec<i64>>,
}

impl<'a> Mmd<'a> {
    fn new(n: usize, xadj: Trusted<&'a [i64]>) -> Mmd<'a> {
        let mut g = Mmd {
            n,
            xadj,
            dhead: Trusted(vec![0; n + 2]),
            forward: Trusted(vec![0; n + 2]),
            backward: Trusted(vec![0; n + 2]),
            qsize: Trusted(vec![1; n + 2]),
            llist: Trusted(vec![0; n + 2]),
            marker: Trusted(vec![0; n + 2]),
            members: Vec::with_capacity(xadj[n + 1] as usize),
            first: Trusted(vec![0; n + 2]),
            end: Trusted(vec![0; n + 2]),
            member_size: Vec::new(),
            next_merged: Trusted(vec![0; n + 2]),
            last_merged: Trusted((0..n as i64 + 2).collect()),
        };
        for node in 1..=n {
            let ndeg = (xadj[node + 1] - xadj[node] + 1) as usize;
            let first = g.dhead[ndeg];
            g.forward[node] = first;
            g.dhead[ndeg] = node as i64;
            if first > 0 {
                g.backward[first as usize] = node as i64;
            }
            g.backward[node] = -(ndeg as i64);
        }
        g
    }

    fn run(&mut self, adjncy: &mut Adj) {
        let n = self.n as i64;
        if n <= 0 {
            return;
        }
        let mut num: i64 = 1;
        // Isolated nodes are numbered first.
        let mut next = self.dhead[1];
        while next > 0 {
            let node = next as usize;
            next = self.forward[node];
            self.marker[node] = MAXINT;
            self.forward[node] = -num;
            num += 1;
        }
        if num > n {
            return;
        }
        let mut tag: i64 = 1;
        self.dhead[1] = 0;
        let mut mdeg: usize = 2;
        loop {
            // Find the smallest non-empty degree list.
            while self.dhead[mdeg] <= 0 {
                mdeg += 1;
            }
            let limit = mdeg as i64 + DELTA;
            let mut ehead: i64 = 0;
            // With delta < 0 exactly one node is eliminated before the update.
            let mut done = false;
            loop {
                let mdnode = self.dhead[mdeg];
                if mdnode <= 0 {
                    mdeg += 1;
                    if mdeg as i64 > limit {
                        break;
                    }
                    continue;
                }
                let mdnode = mdnode as usize;
                let next = self.forward[mdnode];
                self.dhead[mdeg] = next;
                if next > 0 {
                    self.backward[next as usize] = -(mdeg as i64);
                }
                self.forward[mdnode] = -num;
                if num + self.qsize[mdnode] > n {
                    done = true;
                    break;
                }
                tag += 1;
                if tag >= MAXINT {
                    tag = 1;
                    self.reset_markers();
                }
                self.eliminate(mdnode, adjncy, tag);
                num += self.qsize[mdnode];
                self.llist[mdnode] = ehead;
                ehead = mdnode as i64;
                if DELTA < 0 {
                    break;
                }
            }
            if done || num > n {
                return;
            }
            self.update(ehead, adjncy, &mut mdeg, &mut tag);
        }
    }

    fn reset_markers(&mut self) {
        for i in 1..=self.n {
            if self.marker[i] < MAXINT {
                self.marker[i] = 0;
            }
        }
    }

    /// Eliminates `mdnode`: its element's list is its reachable set (its
    /// uneliminated neighbours, then those of the elements it absorbs), and
    /// each node on it gets mdnode in place of those elements.
    fn eliminate(&mut self, mdnode: usize, adj: &mut Adj, tag: i64) {
        let xadj = self.xadj;
        self.marker[mdnode] = tag;
        let istart = xadj[mdnode] as usize;
        let istop = (xadj[mdnode + 1] - 1) as usize;
        let first = self.members.len();
        let mut element: i64 = 0;
        for i in istart..=istop {
            let nabor = adj[i];
            if nabor == 0 {
                break;
            }
            let nb = nabor as usize;
            if self.marker[nb] >= tag {
                continue;
            }
            self.marker[nb] = tag;
            if self.forward[nb] < 0 {
                self.llist[nb] = element;
                element = nabor;
            } else {
                self.members.push(nabor);
            }
        }
        // Merge in the reachable nodes of neighbouring elements.
        while element > 0 {
            let e = element as usize;
            for p in self.first[e] as usize..self.end[e] as usize {
                let node = self.members[p];
                let nd = node as usize;
                if self.marker[nd] < tag && self.forward[nd] >= 0 {
                    self.marker[nd] = tag;
                    self.members.push(node);
                }
            }
            element = self.llist[e];
        }
        let end = self.members.len();
        (self.first[mdnode], self.end[mdnode]) = (first as i64, end as i64);
        self.member_size.resize(end, 0);
        // For each node of the reachable set ...
        for p in first..end {
            let rn = self.members[p] as usize;
            self.member_size[p] = self.qsize[rn];
            // ... take it out of the degree structure,
            let pv = self.backward[rn];
            if pv != 0 && pv != -MAXINT {
                let nx = self.forward[rn];
                if nx > 0 {
                    self.backward[nx as usize] = pv;
                }
                if pv > 0 {
                    self.forward[pv as usize] = nx;
                } else {
                    self.dhead[(-pv) as usize] = nx;
                }
            }
            // purge its inactive quotient neighbours,
            let jstart = xadj[rn] as usize;
            let jstop = (xadj[rn + 1] - 1) as usize;
            let mut xq = jstart;
            for j in jstart..=jstop {
                let nabor = adj[j];
                if nabor == 0 {
                    break;
                }
                // Branch-free: the kept/dropped pattern is unpredictable.
                adj[xq] = nabor;
                xq += (self.marker[nabor as usize] < tag) as usize;
            }
            let nq = xq as i64 - jstart as i64;
            if nq <= 0 {
                // and merge it with mdnode when nothing else is left,
                self.merge(rn, mdnode);
            } else {
                // or flag it for a degree update with mdnode as a neighbour.
                self.forward[rn] = nq + 1;
                self.backward[rn] = 0;
                adj[xq] = mdnode as i64;
                xq += 1;
                if xq <= jstop {
                    adj[xq] = 0;
                }
            }
        }
    }

    /// Merges `node` into the supernode `root`: it leaves the degree
    /// structure and is numbered after `root` at the end.
    fn merge(&mut self, node: usize, root: usize) {
        let root_last = self.last_merged[root] as usize;
        self.next_merged[root_last] = node as i64;
        self.last_merged[root] = self.last_merged[node];
        self.qsize[root] += self.qsize[node];
        self.qsize[node] = 0;
        self.marker[node] = MAXINT;
        self.forward[node] = -(root as i64);
        self.backward[node] = -MAXINT;
    }

    /// Updates the degrees of the nodes reachable from the new elements.
    fn update(&mut self, ehead: i64, adj: &Adj, mdeg: &mut usize, tag: &mut i64) {
        let mdeg0 = *mdeg as i64 + DELTA;
        let mut element = ehead;
        while element > 0 {
            let mut mtag = *tag + mdeg0;
            if mtag >= MAXINT {
                *tag = 1;
                self.reset_markers();
                mtag = *tag + mdeg0;
            }
            // Nodes of this element with two neighbours (q2) and with more (qx).
            let mut q2head: i64 = 0;
            let mut qxhead: i64 = 0;
            let mut deg0: i64 = 0;
            let e = element as usize;
            for &en in &self.members[self.first[e] as usize..self.end[e] as usize] {
                let en = en as usize;
                if self.qsize[en] != 0 {
                    deg0 += self.qsize[en];
                    self.marker[en] = mtag;
                    if self.backward[en] == 0 {
                        if self.forward[en] == 2 {
                            self.llist[en] = q2head;
                            q2head = en as i64;
                        } else {
                            self.llist[en] = qxhead;
                            qxhead = en as i64;
                        }
                    }
                }
            }
            for (head, two) in [(q2head, true), (qxhead, false)] {
                let mut enode = head;
                while enode > 0 {
                    let en = enode as usize;
                    if self.backward[en] == 0 {
                        *tag += 1;
                        let mut deg = deg0;
                        if two {
                            deg += self.two_neighbour_degree(en, element, adj, *tag);
                        } else {
                            deg += self.general_degree(en, adj, *tag);
                        }
                        // Put enode back with its new external degree.
                        let deg = (deg - self.qsize[en] + 1) as usize;
                        let first = self.dhead[deg];
                        self.forward[en] = first;
                        self.backward[en] = -(deg as i64);
                        if first > 0 {
                            self.backward[first as usize] = enode;
                        }
                        self.dhead[deg] = enode;
                        if deg < *mdeg {
                            *mdeg = deg;
                        }
                    }
                    enode = self.llist[en];
                }
            }
            *tag = mtag;
            element = self.llist[element as usize];
        }
    }

    /// Degree contribution for a node with two neighbours: the element and
    /// one other node or element; merges indistinguishable nodes.
    fn two_neighbour_degree(&mut self, enode: usize, element: i64, adj: &Adj, tag: i64) -> i64 {
        let xadj = self.xadj;
        let start = xadj[enode] as usize;
        let mut nabor = adj[start];
        if nabor == element {
            nabor = adj[start + 1];
        }
        let nb = nabor as usize;
        if self.forward[nb] >= 0 {
            return self.qsize[nb];
        }
        let mut deg = 0;
        for p in self.first[nb] as usize..self.end[nb] as usize {
            let nd = self.members[p] as usize;
            if nd == enode {
                continue;
            }
            if self.qsize[nd] != 0 {
                if self.marker[nd] < tag {
                    self.marker[nd] = tag;
                    deg += self.qsize[nd];
                } else if self.backward[nd] == 0 {
                    if self.forward[nd] == 2 {
                        // Indistinguishable from enode: merge into a supernode.
                        self.merge(nd, enode);
                    } else {
                        // Outmatched by enode.
                        self.backward[nd] = -MAXINT;
                    }
                }
            }
        }
        deg
    }

    /// Degree contribution for a node with more than two neighbours.
    fn general_degree(&mut self, enode: usize, adj: &Adj, tag: i64) -> i64 {
        let xadj = self.xadj;
        let mut deg = 0;
        let istart = xadj[enode] as usize;
        let istop = (xadj[enode + 1] - 1) as usize;
        for i in istart..=istop {
            let nabor = adj[i];
            if nabor == 0 {
                break;
            }
            let nb = nabor as usize;
            if self.marker[nb] >= tag {
                continue;
            }
            self.marker[nb] = tag;
            if self.forward[nb] >= 0 {
                deg += self.qsize[nb];
                continue;
            }
            // An element: count its unmarked nodes (branch-free: which are
            // marked is unpredictable; a marker above `tag` is kept).
            for &nd in &self.members[self.first[nb] as usize..self.end[nb] as usize] {
                let nd = nd as usize;
                let unmarked = self.marker[nd] < tag;
                self.marker[nd] = self.marker[nd].max(tag);
                deg += if unmarked { self.qsize[nd] } else { 0 };
            }
        }
        deg
    }

    /// Final numbering: merged nodes follow their supernode's root.
    fn number(&mut self) -> (Vec<i64>, Vec<i64>) {
        let n = self.n;
        let invp = &mut self.forward.0;
        let mut perm = vec![0i64; n + 1];
        for node in 1..=n {
            perm[node] = if self.qsize[node] <= 0 { invp[node] } else { -invp[node] };
        }
        for node in 1..=n {
            if perm[node] > 0 {
                continue;
            }
            let mut father = node;
            while perm[father] <= 0 {
                father = (-perm[father]) as usize;
            }
            let root = father;
            let num = perm[root] + 1;
            invp[node] = -num;
            perm[root] = num;
            let mut father = node;
            loop {
                let next = -perm[father];
                if next <= 0 {
                    break;
                }
                perm[father] = -(root as i64);
                father = next as usize;
            }
        }
        let mut order = vec![0i64; n + 1];
        let mut position = vec![0i64; n + 1];
        for node in 1..=n {
            let num = -invp[node];
            position[node] = num;
            order[num as usize] = node as i64;
        }
        (order, position)
    }
}
