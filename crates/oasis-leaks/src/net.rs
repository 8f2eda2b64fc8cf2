//! What the leak methods need to know about a network: unit factors to m and m³/h, id
//! look-ups, where a pipe's leak is modelled, and pipe-length path distances.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use oasis_network::units::UnitFactors;
use oasis_network::{LinkKind, Network, NodeKind};

/// Factors from the network's own units to the units of the SCADA columns.
#[derive(Debug, Clone, Copy)]
pub struct Units {
    pub pressure_to_m: f64,
    pub head_to_m: f64,
    pub flow_to_m3h: f64,
    pub length_to_m: f64,
}

const M_PER_FT: f64 = 0.3048;

impl Units {
    pub fn of(net: &Network) -> Units {
        let uf = UnitFactors::new(net.options.flow_units, net.options.pressure_units, 1.0);
        Units {
            pressure_to_m: M_PER_FT / uf.pressure,
            head_to_m: M_PER_FT / uf.head,
            // EPANET's own CMH factor, so a CMH network converts by exactly 1.
            flow_to_m3h: oasis_network::units::FlowUnits::Cmh.per_cfs() / uf.flow,
            length_to_m: M_PER_FT / uf.length,
        }
    }
}

/// Id look-ups and the pipe graph of one network.
#[derive(Debug, Clone)]
pub struct NetInfo {
    pub units: Units,
    pub node_index: HashMap<String, usize>,
    pub link_index: HashMap<String, usize>,
    /// End nodes of every link.
    pub ends: Vec<(usize, usize)>,
    /// Pipe lengths in m (NaN for pumps and valves, which are not path edges).
    pub pipe_length_m: Vec<f64>,
    /// Pipes incident to each node.
    pub node_pipes: Vec<Vec<usize>>,
}

impl NetInfo {
    pub fn new(net: &Network) -> NetInfo {
        let units = Units::of(net);
        let node_index: HashMap<String, usize> = net.nodes.iter().enumerate().map(|(i, n)| (n.id.clone(), i)).collect();
        let link_index = net.links.iter().enumerate().map(|(i, l)| (l.id.clone(), i)).collect();
        let mut ends = Vec::with_capacity(net.links.len());
        let mut pipe_length_m = Vec::with_capacity(net.links.len());
        let mut node_pipes = vec![Vec::new(); net.nodes.len()];
        for (i, l) in net.links.iter().enumerate() {
            // A validated network names existing nodes; usize::MAX keeps a broken one harmless.
            let a = node_index.get(&l.from).copied().unwrap_or(usize::MAX);
            let b = node_index.get(&l.to).copied().unwrap_or(usize::MAX);
            ends.push((a, b));
            match &l.kind {
                LinkKind::Pipe(p) if a != usize::MAX && b != usize::MAX => {
                    pipe_length_m.push(p.length * units.length_to_m);
                    node_pipes[a].push(i);
                    node_pipes[b].push(i);
                }
                _ => pipe_length_m.push(f64::NAN),
            }
        }
        NetInfo { units, node_index, link_index, ends, pipe_length_m, node_pipes }
    }

    pub fn is_pipe(&self, link: usize) -> bool {
        self.pipe_length_m.get(link).is_some_and(|l| l.is_finite())
    }

    /// The junction whose emitter stands for a leak on `pipe`: its first node, or its
    /// second when the first is a tank or reservoir.
    pub fn leak_node(&self, net: &Network, pipe: usize) -> Option<usize> {
        let (a, b) = *self.ends.get(pipe)?;
        [a, b].into_iter().find(|&n| n < net.nodes.len() && matches!(net.nodes[n].kind, NodeKind::Junction(_)))
    }

    /// Shortest pipe-length path (m) from one node to every node; pumps and valves are no edges.
    pub fn node_distances_m(&self, from: usize) -> Vec<f64> {
        #[derive(PartialEq)]
        struct Item(f64, usize);
        impl Eq for Item {}
        impl PartialOrd for Item {
            fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
                Some(self.cmp(o))
            }
        }
        impl Ord for Item {
            fn cmp(&self, o: &Self) -> Ordering {
                o.0.total_cmp(&self.0)
            }
        }
        let mut dist = vec![f64::INFINITY; self.node_pipes.len()];
        if from >= dist.len() {
            return dist;
        }
        dist[from] = 0.0;
        let mut heap = BinaryHeap::from([Item(0.0, from)]);
        while let Some(Item(d, n)) = heap.pop() {
            if d > dist[n] {
                continue;
            }
            for &p in &self.node_pipes[n] {
                let (a, b) = self.ends[p];
                let m = if a == n { b } else { a };
                let nd = d + self.pipe_length_m[p];
                if nd < dist[m] {
                    dist[m] = nd;
                    heap.push(Item(nd, m));
                }
            }
        }
        dist
    }

    /// Pipe-length path between two pipes, midpoint to midpoint (0 for the same pipe):
    /// half of each pipe plus the shortest path between their nearest ends.
    pub fn pipe_distance_m(&self, p: usize, q: usize) -> f64 {
        if p == q {
            return 0.0;
        }
        if !self.is_pipe(p) || !self.is_pipe(q) {
            return f64::INFINITY;
        }
        let (a, b) = self.ends[p];
        let (c, d) = self.ends[q];
        let da = self.node_distances_m(a);
        let db = self.node_distances_m(b);
        let between = [da[c], da[d], db[c], db[d]].into_iter().fold(f64::INFINITY, f64::min);
        0.5 * self.pipe_length_m[p] + between + 0.5 * self.pipe_length_m[q]
    }
}
