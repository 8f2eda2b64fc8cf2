//! The hydraulic twin as the leak methods drive it: the period is solved in segments
//! (an hour by default), each an EPANET extended-period run of the network whose demands,
//! emitters, tank levels and pump statuses are set from the segment before. This lets the
//! scenario generator change demands and leaks over time without touching the solver, and
//! every segment reuses one `SolverStructure`.

use oasis_hydraulics::{Simulation, Snapshot, SolverStructure};
use oasis_network::{InitialStatus, LinkKind, Network, NodeKind};

use crate::LeakError;

/// Tank levels and pump statuses carried from one segment to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// (node index, level above the tank bottom in network units).
    pub tank_levels: Vec<(usize, f64)>,
    /// (link index, open).
    pub pumps_open: Vec<(usize, bool)>,
}

/// A working copy of a network solved segment by segment.
pub struct Runner {
    work: Network,
    structure: SolverStructure,
    base_demands: Vec<(usize, Vec<f64>)>,
    base_emitters: Vec<f64>,
    pump_initial: Vec<(usize, Option<InitialStatus>)>,
    start_clock_s: i64,
    base_times: oasis_network::Times,
}

impl Runner {
    pub fn new(net: &Network) -> Result<Runner, LeakError> {
        let structure = Simulation::new(net)?.structure();
        let base_demands = net
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| match &n.kind {
                NodeKind::Junction(j) => Some((i, j.demands.iter().map(|d| d.base).collect())),
                _ => None,
            })
            .collect();
        let base_emitters = net
            .nodes
            .iter()
            .map(|n| match &n.kind {
                NodeKind::Junction(j) => j.emitter_coefficient,
                _ => 0.0,
            })
            .collect();
        let pump_initial = net
            .links
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l.kind, LinkKind::Pump(_)))
            .map(|(i, l)| (i, l.initial_status))
            .collect();
        Ok(Runner {
            work: net.clone(),
            structure,
            base_demands,
            base_emitters,
            pump_initial,
            start_clock_s: net.times.start_clocktime_s,
            base_times: net.times.clone(),
        })
    }

    /// The network as it will be solved (to perturb roughness once, say).
    pub fn network_mut(&mut self) -> &mut Network {
        &mut self.work
    }

    pub fn network(&self) -> &Network {
        &self.work
    }

    /// The state the network file starts in.
    pub fn initial_state(&self) -> State {
        let tank_levels = self
            .work
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| match &n.kind {
                NodeKind::Tank(t) => Some((i, t.initial_level)),
                _ => None,
            })
            .collect();
        let pumps_open = self
            .pump_initial
            .iter()
            .map(|&(i, s)| (i, !matches!(s, Some(InitialStatus::Closed))))
            .collect();
        State { tank_levels, pumps_open }
    }

    /// Solves `[t0_s, t0_s + duration_s)` (seconds from pattern time 0) and calls
    /// `on_step(t_s, snapshot)` at every multiple of `step_s` in it. `demand_factor(node)`
    /// scales each junction's base demands; `emitters` are (node, coefficient) added to the
    /// file's own. `state` is read at the start and updated to the end.
    pub fn run_segment(
        &mut self,
        state: &mut State,
        t0_s: i64,
        duration_s: i64,
        step_s: i64,
        demand_factor: &dyn Fn(usize) -> f64,
        emitters: &[(usize, f64)],
        on_step: &mut dyn FnMut(i64, &Snapshot),
    ) -> Result<Snapshot, LeakError> {
        let net = &mut self.work;
        for (i, bases) in &self.base_demands {
            let f = demand_factor(*i);
            if let NodeKind::Junction(j) = &mut net.nodes[*i].kind {
                for (d, b) in j.demands.iter_mut().zip(bases) {
                    d.base = b * f;
                }
            }
        }
        for (n, c) in net.nodes.iter_mut().zip(&self.base_emitters) {
            if let NodeKind::Junction(j) = &mut n.kind {
                j.emitter_coefficient = *c;
            }
        }
        for &(n, c) in emitters {
            if let Some(NodeKind::Junction(j)) = net.nodes.get_mut(n).map(|n| &mut n.kind) {
                j.emitter_coefficient += c;
            }
        }
        for &(n, level) in &state.tank_levels {
            if let NodeKind::Tank(t) = &mut net.nodes[n].kind {
                t.initial_level = level.clamp(t.min_level, t.max_level);
            }
        }
        for (&(l, open), &(_, initial)) in state.pumps_open.iter().zip(&self.pump_initial) {
            net.links[l].initial_status = match (open, initial) {
                (true, Some(InitialStatus::Value(v))) => Some(InitialStatus::Value(v)),
                (true, _) => Some(InitialStatus::Open),
                (false, _) => Some(InitialStatus::Closed),
            };
        }
        net.times = self.base_times.clone();
        let t = &mut net.times;
        t.duration_s = duration_s;
        t.hydraulic_step_s = if t.hydraulic_step_s > 0 { t.hydraulic_step_s.min(step_s) } else { step_s };
        t.report_step_s = step_s;
        t.report_start_s = 0;
        t.quality_step_s = t.hydraulic_step_s;
        t.rule_step_s = t.rule_step_s.clamp(1, t.hydraulic_step_s);
        t.pattern_start_s = t0_s;
        t.start_clocktime_s = (self.start_clock_s + t0_s).rem_euclid(86_400);
        net.options.quality.clear();
        let mut sim = Simulation::with_structure(net, &self.structure)?;
        let last = loop {
            let snap = sim.run()?;
            let ts = snap.time_s;
            if ts < duration_s && ts % step_s == 0 {
                on_step(t0_s + ts, &snap);
            }
            if ts >= duration_s || sim.next()? == 0 {
                break snap;
            }
        };
        drop(sim);
        for (n, level) in state.tank_levels.iter_mut() {
            *level = last.nodes[*n].head - self.work.nodes[*n].elevation;
        }
        for (l, open) in state.pumps_open.iter_mut() {
            *open = last.links[*l].status > 0.5;
        }
        Ok(last)
    }

    /// A single solve at pattern time `t_s` with `emitters` (the demands as in the file).
    pub fn solve_at(&mut self, state: &State, t_s: i64, emitters: &[(usize, f64)]) -> Result<Snapshot, LeakError> {
        let mut st = state.clone();
        self.run_segment(&mut st, t_s, 0, 1, &|_| 1.0, emitters, &mut |_, _| {})
    }
}
