//! Water quality in the pipes as EPANET 2.2 computes it: the Lagrangian
//! time-driven method. Each pipe holds a chain of water segments (volume,
//! concentration); over every quality step the contents react, then nodes are
//! visited in topological (upstream-first) order: the segments that reach a
//! node are mixed there, any source is added, and new segments are released
//! into the node's outflow links. Tanks mix by their model (complete mix,
//! two compartments, FIFO, LIFO). Water age, a reactive chemical and source
//! tracing are supported, with EPANET's mass balance.
//!
//! Like EPANET's `EN_solveH` + `EN_solveQ`, quality is routed over hydraulic
//! results saved in single precision.

use std::collections::VecDeque;

use oasis_network::Network;
use oasis_network::inp::read::kw;
use oasis_network::units::HeadlossFormula;

use crate::setup::*;
use crate::{HydraulicsError, Simulation};

const L_PER_FT3: f64 = 28.317;
const SEC_PER_DAY: f64 = 86400.0;
/// 0.005 gpm in cfs: flow below this is stagnant for routing.
const Q_STAGNANT: f64 = 0.005 / 448.831;
/// Chlorine's molecular diffusivity at 20 °C, ft²/s (EPANET's reference).
const DIFFUSIVITY_FT2_S: f64 = 1.3e-8;

/// What is being modelled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Constituent {
    None,
    /// A chemical, concentrations in mass per litre.
    Chemical,
    /// Water age in hours.
    Age,
    /// Percent of water coming from this node.
    Trace(usize),
}

/// EPANET's mass balance of the constituent over the run (mass units:
/// concentration unit × litres, or hours × ft³ for age).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MassBalance {
    pub initial: f64,
    pub inflow: f64,
    pub outflow: f64,
    pub reacted: f64,
    pub final_mass: f64,
    pub ratio: f64,
}

/// Quality at one time: nodes then links, in the network's units.
#[derive(Debug, Clone, PartialEq)]
pub struct QualitySnapshot {
    pub time_s: i64,
    pub nodes: Vec<f64>,
    pub links: Vec<f64>,
    /// Each pipe's volume-weighted reaction rate over the last quality step
    /// (mass per ft³ per day, internal units; 0 unless a chemical reacts), as
    /// EPANET keeps it for its output file.
    pub link_reaction_rates: Vec<f64>,
    /// Each source node's mass added so far (internal mass units), as EPANET
    /// keeps it for `EN_SOURCEMASS`.
    pub source_mass: Vec<(usize, f64)>,
}

/// Mass reacted or added over the reporting span, as EPANET totals it for
/// the average reaction rates of its output file (internal mass units).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ReactionTotals {
    pub bulk: f64,
    pub wall: f64,
    pub tank: f64,
    pub source: f64,
}

/// A whole water-quality run.
#[derive(Debug, Clone, PartialEq)]
pub struct QualityResults {
    pub constituent: Constituent,
    /// Quality at every hydraulic time (EPANET's `EN_runQ` times).
    pub steps: Vec<QualitySnapshot>,
    pub mass_balance: MassBalance,
    pub reaction_totals: ReactionTotals,
}

/// Hydraulic results of one period as EPANET saves them for quality
/// routing (single precision, internal units): a record of its hydraulics file.
#[derive(Debug, Clone)]
pub struct SavedHydraulics {
    pub(crate) time_s: i64,
    /// The step that follows this period (0 for the last).
    pub(crate) step_s: i64,
    pub(crate) demand: Vec<f64>,
    pub(crate) flow: Vec<f64>,
    pub(crate) status: Vec<Status>,
    /// Heads and link settings, kept for EPANET's hydraulics file.
    pub(crate) head: Vec<f64>,
    pub(crate) setting: Vec<f64>,
}

impl SavedHydraulics {
    pub fn time_s(&self) -> i64 {
        self.time_s
    }
    pub fn step_s(&self) -> i64 {
        self.step_s
    }
    /// Records the length of the step taken after this period.
    pub fn set_step_s(&mut self, step_s: i64) {
        self.step_s = step_s;
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mix {
    Complete,
    TwoCompartment,
    Fifo,
    Lifo,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum SourceKind {
    Concen,
    Mass,
    Setpoint,
    FlowPaced,
}

#[derive(Debug, Clone)]
struct SourceData {
    kind: SourceKind,
    strength: f64,
    pattern: Option<usize>,
    mass_added: f64,
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    v: f64,
    c: f64,
}

/// Runs hydraulics and water quality over the whole duration.
pub fn water_quality(net: &Network) -> Result<QualityResults, HydraulicsError> {
    Ok(simulate(net, |_, _| {})?.1)
}

/// Runs hydraulics and water quality together: the hydraulic results at the
/// reporting times and the quality at every hydraulic time.
pub fn simulate(
    net: &Network,
    progress: impl FnMut(i64, i64),
) -> Result<(crate::RunResults, QualityResults), HydraulicsError> {
    let mut sim = Simulation::new(net)?;
    // Each period's hydraulics, kept for the quality pass with the step that follows.
    let mut saved = Vec::new();
    let periods = crate::run_periods(&mut sim, progress, |sim| {
        let mut h = sim.hydraulics_for_quality();
        h.step_s = sim.next()?;
        let step = h.step_s;
        saved.push(h);
        Ok(step)
    })?;
    let quality = route(net, &sim, &saved)?;
    Ok((sim.finish(periods), quality))
}

/// Water quality over hydraulics saved earlier, step by step, with
/// [`Simulation::saved_hydraulics`] (what EPANET's `EN_solveQ` does with its
/// hydraulics file): the same results as [`simulate`] without solving the
/// hydraulics again.
pub fn water_quality_from(net: &Network, saved: &[SavedHydraulics]) -> Result<QualityResults, HydraulicsError> {
    let sim = Simulation::new(net)?;
    route(net, &sim, saved)
}

/// Water quality over saved hydraulics, stepped by the caller as EPANET's
/// toolkit steps it: [`run`](QualityRouter::run) (`EN_runQ`),
/// [`next`](QualityRouter::next) (`EN_nextQ`, to the next hydraulic time)
/// and [`step`](QualityRouter::step) (`EN_stepQ`, one quality step).
pub struct QualityRouter<'a> {
    engine: Engine<'a>,
    saved: &'a [SavedHydraulics],
    /// How many saved periods have been loaded.
    loaded: usize,
}

impl<'a> QualityRouter<'a> {
    /// `sim` is a fresh simulation of `net` (its model and clock are used).
    pub fn new(net: &Network, sim: &'a Simulation, saved: &'a [SavedHydraulics]) -> Result<QualityRouter<'a>, HydraulicsError> {
        Ok(QualityRouter { engine: Engine::new(net, sim)?, saved, loaded: 0 })
    }

    /// EPANET's `runqual`: once quality has caught up with the hydraulics,
    /// the next saved period is loaded. Returns the current quality time.
    pub fn run(&mut self) -> i64 {
        if self.engine.qtime == self.engine.htime
            && let Some(h) = self.saved.get(self.loaded)
        {
            self.engine.run(h);
            self.loaded += 1;
        }
        self.engine.qtime
    }

    /// The index of the saved period whose hydraulics are in use.
    pub fn period(&self) -> usize {
        self.loaded.saturating_sub(1)
    }

    /// EPANET's `nextqual`: routes up to the next hydraulic time; returns the
    /// step taken (0 at the end).
    pub fn next(&mut self) -> i64 {
        let before = self.engine.qtime;
        self.engine.next();
        self.engine.qtime - before
    }

    /// EPANET's `stepqual`: routes one quality step, loading the next
    /// hydraulics when it crosses a hydraulic time; returns the time left,
    /// or `None` when the step needs hydraulics past the last saved period
    /// (EPANET's error 307 there).
    pub fn step(&mut self) -> Option<i64> {
        let mut left = self.engine.qstep;
        while left > 0 {
            let hstep = self.engine.htime - self.engine.qtime;
            let dt = left.min(hstep);
            if self.engine.kind != Constituent::None {
                self.engine.transport(dt);
            }
            self.engine.qtime += dt;
            // The step crosses a hydraulic time: the next period's hydraulics.
            if hstep < left {
                if self.saved.get(self.loaded).is_none() {
                    return None;
                }
                self.run();
            }
            left -= dt;
        }
        Some(self.engine.duration - self.engine.qtime)
    }

    /// Quality at the current time.
    pub fn snapshot(&self) -> QualitySnapshot {
        self.engine.snapshot(self.engine.qtime)
    }

    /// The mass balance so far.
    pub fn mass_balance(&mut self) -> MassBalance {
        self.engine.update_mass_balance();
        self.engine.balance
    }
}

fn route(net: &Network, sim: &Simulation, saved: &[SavedHydraulics]) -> Result<QualityResults, HydraulicsError> {
    let mut engine = Engine::new(net, sim)?;
    let mut steps = Vec::with_capacity(saved.len());
    for h in saved {
        engine.run(h);
        steps.push(engine.snapshot(h.time_s));
        engine.next();
    }
    engine.update_mass_balance();
    Ok(QualityResults {
        constituent: engine.kind,
        steps,
        mass_balance: engine.balance,
        reaction_totals: engine.totals,
    })
}

struct Engine<'a> {
    m: &'a Model,
    kind: Constituent,
    /// Concentration unit factor: user value = internal × ucf.
    ucf: f64,
    qstep: i64,
    duration: i64,
    pattern_start: i64,
    pattern_step: i64,
    report_start: i64,
    ctol: f64,
    climit: f64,
    bulk_order: f64,
    wall_order: f64,
    tank_order: f64,
    bucf: f64,
    tucf: f64,
    sc: f64,
    diffus: f64,
    react: bool,
    /// Per link: bulk and wall coefficients (per second), rate coefficient.
    kb: Vec<f64>,
    kw: Vec<f64>,
    rc: Vec<f64>,
    tank_kb: Vec<f64>,
    mix: Vec<Mix>,
    v1max: Vec<f64>,
    tank_c: Vec<f64>,
    source: Vec<Option<SourceData>>,
    /// Node → incident (link, other node), in EPANET's list order.
    adj: Vec<Vec<(usize, usize)>>,
    node_qual: Vec<f64>,
    /// Segment chains: links first, then tanks; front = downstream end.
    segs: Vec<VecDeque<Segment>>,
    flow_dir: Vec<i8>,
    /// Nodes in routing order. Empty until some link first carries flow:
    /// EPANET 2.2 sorts only when a flow direction changes from its initial
    /// "stagnant", and its unsorted list names no real node, so until then no
    /// node is mixed — a tank's contents react but the tank's quality stays
    /// as it was (checked against EPANET 2.2 in `oasis-parity`'s
    /// `quality_stagnant.rs`).
    sorted: Vec<usize>,
    /// Current period's hydraulics.
    demand: Vec<f64>,
    flow: Vec<f64>,
    qtime: i64,
    htime: i64,
    source_qual: f64,
    balance: MassBalance,
    /// Per pipe: reaction rate of the last quality step (EPANET's PipeRateCoeff).
    pipe_rate_coeff: Vec<f64>,
    /// The rates as they stood when the current period began (what EPANET saves).
    reported_rates: Vec<f64>,
    totals: ReactionTotals,
}

impl<'a> Engine<'a> {
    fn new(net: &Network, sim: &'a Simulation) -> Result<Engine<'a>, HydraulicsError> {
        let m = &sim.m;
        let o = &net.options;
        let ids = ElementIds::new(net);
        let kind = match o.quality.first().map(String::as_str) {
            None => Constituent::None,
            Some(w) if kw(w, "NONE") => Constituent::None,
            Some(w) if kw(w, "AGE") => Constituent::Age,
            Some(w) if kw(w, "TRACE") => {
                let id = o.quality.get(1).map(String::as_str).unwrap_or("");
                let n = ids.node(id)
                    .ok_or_else(|| HydraulicsError::Input { code: 212, message: format!("undefined trace node {id}") })?;
                Constituent::Trace(n)
            }
            Some(_) => Constituent::Chemical,
        };
        let kind = if sim.clock.duration == 0 { Constituent::None } else { kind };
        let ucf = if kind == Constituent::Chemical { 1.0 / L_PER_FT3 } else { 1.0 };

        // Reaction data: [REACTIONS] with EPANET's defaults.
        let (mut bulk_order, mut wall_order, mut tank_order) = (1.0, 1.0, 1.0);
        let (mut kbulk, mut kwall, mut climit, mut rfactor) = (0.0, 0.0, 0.0, 0.0);
        let nlinks = m.links.len();
        let mut kb = vec![None; nlinks];
        let mut kwv = vec![None; nlinks];
        let mut tank_kb_opt = vec![None; m.fixed.len()];
        for t in &net.reactions.lines {
            if t.len() < 3 {
                continue;
            }
            let y: Option<f64> = t[t.len() - 1].parse().ok();
            let Some(y) = y else { continue };
            if kw(&t[0], "ORDER") {
                if kw(&t[1], "BULK") {
                    bulk_order = y;
                } else if kw(&t[1], "TANK") {
                    tank_order = y;
                } else if kw(&t[1], "WALL") {
                    wall_order = if y == 0.0 { 0.0 } else { 1.0 };
                }
            } else if kw(&t[0], "ROUGH") {
                rfactor = y;
            } else if kw(&t[0], "LIMIT") {
                climit = y;
            } else if kw(&t[0], "GLOBAL") {
                if kw(&t[1], "BULK") {
                    kbulk = y;
                } else if kw(&t[1], "WALL") {
                    kwall = y;
                }
            } else if kw(&t[0], "BULK") || kw(&t[0], "WALL") {
                if let Some(k) = ids.link(&t[1]) {
                    if kw(&t[0], "BULK") {
                        kb[k] = Some(y);
                    } else {
                        kwv[k] = Some(y);
                    }
                }
            } else if kw(&t[0], "TANK")
                && let Some(n) = ids.node(&t[1])
                && let Some(j) = m.fixed_index(n)
            {
                tank_kb_opt[j] = Some(y);
            }
        }
        // Defaults and the roughness correlation, in file units as EPANET
        // applies them before converting.
        let mut kb_s = vec![0.0; nlinks];
        let mut kw_s = vec![0.0; nlinks];
        for (k, l) in net.links.iter().enumerate() {
            let link_kb = kb[k].unwrap_or(kbulk);
            let link_kw = match kwv[k] {
                Some(v) => v,
                None => {
                    if rfactor == 0.0 {
                        kwall
                    } else if let oasis_network::LinkKind::Pipe(p) = &l.kind {
                        let (kc, d) = (p.roughness, p.diameter);
                        if kc > 0.0 && d > 0.0 {
                            match o.headloss {
                                HeadlossFormula::HazenWilliams => rfactor / kc,
                                HeadlossFormula::DarcyWeisbach => rfactor / (kc / d).ln().abs(),
                                HeadlossFormula::ChezyManning => rfactor * kc,
                            }
                        } else {
                            0.0
                        }
                    } else {
                        0.0
                    }
                }
            };
            kb_s[k] = link_kb / SEC_PER_DAY;
            kw_s[k] = link_kw / SEC_PER_DAY;
        }
        let tank_kb: Vec<f64> = tank_kb_opt.iter().map(|v| v.unwrap_or(kbulk) / SEC_PER_DAY).collect();

        // Mixing models.
        let mut mix = vec![Mix::Complete; m.fixed.len()];
        let mut v1max: Vec<f64> = m.fixed.iter().map(|t| t.vmax).collect();
        for x in &net.mixing {
            let Some(n) = ids.node(&x.tank) else { continue };
            let Some(j) = m.fixed_index(n) else { continue };
            if m.fixed[j].area == 0.0 {
                continue;
            }
            mix[j] = match x.model.as_str() {
                "2COMP" => Mix::TwoCompartment,
                "FIFO" => Mix::Fifo,
                "LIFO" => Mix::Lifo,
                _ => Mix::Complete,
            };
            let mut f = if mix[j] == Mix::TwoCompartment { x.fraction.unwrap_or(1.0) } else { 1.0 };
            if f == 0.0 {
                f = 1.0;
            }
            v1max[j] = f * m.fixed[j].vmax;
        }

        // Sources.
        let mut source = vec![None; m.nnodes];
        for s in &net.sources {
            let Some(n) = ids.node(&s.node) else { continue };
            let kind = match s.kind.as_str() {
                "MASS" => SourceKind::Mass,
                "SETPOINT" => SourceKind::Setpoint,
                "FLOWPACED" => SourceKind::FlowPaced,
                _ => SourceKind::Concen,
            };
            let pattern = s.pattern.as_deref().and_then(|p| net.patterns.iter().position(|x| x.id == p)).map(|i| i + 1);
            source[n] = Some(SourceData { kind, strength: s.strength, pattern, mass_added: 0.0 });
        }

        // Initial quality.
        let mut c0 = vec![0.0; m.nnodes];
        for (id, c) in &net.quality {
            let mut parts = id.split_whitespace();
            let first = parts.next().unwrap_or("");
            match parts.next() {
                None => {
                    if let Some(n) = ids.node(first) {
                        c0[n] = *c;
                    }
                }
                Some(last) => {
                    if let (Some(a), Some(b)) = (ids.node(first), ids.node(last)) {
                        for v in &mut c0[a.min(b)..=a.max(b)] {
                            *v = *c;
                        }
                    }
                }
            }
        }
        for v in &mut c0 {
            *v /= ucf;
        }
        let node_qual: Vec<f64> =
            if matches!(kind, Constituent::Trace(_)) { vec![0.0; m.nnodes] } else { c0.clone() };

        // EPANET's adjacency lists: every link, the last one first.
        let mut adj = vec![Vec::new(); m.nnodes];
        for (k, l) in m.links.iter().enumerate() {
            adj[l.n1].push((k, l.n2));
            adj[l.n2].push((k, l.n1));
        }
        for list in &mut adj {
            list.reverse();
        }

        let qstep = sim.clock.quality_step(net);
        // Like viscosity: a value above 1e-4 is relative to chlorine, a smaller
        // one is in ft²/s (m²/s in SI files).
        let diffus = if o.diffusivity > 1e-4 {
            o.diffusivity * DIFFUSIVITY_FT2_S
        } else {
            o.diffusivity / (m.ucf.elevation * m.ucf.elevation)
        };
        let getucf = |order: f64| {
            let order = if order < 0.0 { 0.0 } else { order };
            if order == 1.0 { 1.0 } else { 1.0 / L_PER_FT3.powf(order - 1.0) }
        };
        let react = match kind {
            Constituent::Trace(_) | Constituent::None => false,
            Constituent::Age => true,
            Constituent::Chemical => {
                m.links.iter().enumerate().any(|(k, l)| l.kind <= LinkType::Pipe && (kb_s[k] != 0.0 || kw_s[k] != 0.0))
                    || tank_kb.iter().any(|&v| v != 0.0)
            }
        };
        let nfixed = m.fixed.len();
        let mut engine = Engine {
            m,
            kind,
            ucf,
            qstep,
            duration: sim.clock.duration,
            pattern_start: sim.clock.pattern_start,
            pattern_step: sim.clock.pattern_step,
            report_start: sim.clock.report_start,
            ctol: o.tolerance / ucf,
            climit: climit / ucf,
            bulk_order,
            wall_order,
            tank_order,
            bucf: getucf(bulk_order),
            tucf: getucf(tank_order),
            sc: if diffus > 0.0 { m.viscosity / diffus } else { 0.0 },
            diffus,
            react,
            kb: kb_s,
            kw: kw_s,
            rc: vec![0.0; nlinks],
            tank_kb,
            mix,
            v1max,
            tank_c: m.fixed.iter().map(|t| node_qual[t.node]).collect(),
            source,
            adj,
            node_qual,
            segs: vec![VecDeque::new(); nlinks + nfixed],
            flow_dir: vec![0; nlinks],
            sorted: Vec::new(),
            demand: vec![0.0; m.nnodes],
            flow: vec![0.0; nlinks],
            qtime: 0,
            htime: 0,
            source_qual: 0.0,
            balance: MassBalance::default(),
            pipe_rate_coeff: vec![0.0; nlinks],
            reported_rates: vec![0.0; nlinks],
            totals: ReactionTotals::default(),
        };
        if let Constituent::Trace(n) = kind {
            engine.node_qual[n] = 100.0;
        }
        if kind != Constituent::None {
            engine.init_segments(&c0);
        }
        engine.balance.initial = engine.stored_mass();
        Ok(engine)
    }

    fn init_segments(&mut self, c0: &[f64]) {
        let m = self.m;
        for (k, l) in m.links.iter().enumerate() {
            if l.kind == LinkType::Pipe {
                // EPANET's pipe volume uses this rounded π/4, not the constant.
                #[allow(clippy::approx_constant)]
                let v = 0.785398 * l.length_ft * (l.diameter_ft * l.diameter_ft);
                self.segs[k].push_back(Segment { v, c: self.node_qual[l.n2] });
            }
        }
        let nlinks = m.links.len();
        for (j, t) in m.fixed.iter().enumerate() {
            if t.area == 0.0 {
                continue;
            }
            let c = c0[t.node];
            let chain = &mut self.segs[nlinks + j];
            chain.push_back(Segment { v: t.v0, c });
            if self.mix[j] == Mix::TwoCompartment {
                let v1 = (t.v0 - self.v1max[j]).max(0.0);
                chain[0].v = v1;
                chain.push_back(Segment { v: t.v0 - v1, c });
            }
        }
    }

    /// EPANET's `runqual` at a hydraulic time: take the period's hydraulics,
    /// update rate coefficients and, if flows changed direction, the order.
    fn run(&mut self, h: &SavedHydraulics) {
        self.htime = h.time_s;
        self.reported_rates.clone_from(&self.pipe_rate_coeff);
        self.demand.clone_from(&h.demand);
        for (k, q) in self.flow.iter_mut().enumerate() {
            *q = if h.status[k] <= Status::Closed { 0.0 } else { h.flow[k] };
        }
        if self.kind != Constituent::None && self.qtime < self.duration {
            if self.react && self.kind != Constituent::Age {
                self.rate_coeffs();
            }
            if self.flow_direction_changed() {
                self.sort_nodes();
            }
        }
        self.htime = h.time_s + h.step_s;
    }

    /// EPANET's `nextqual`: route over the period in quality steps.
    fn next(&mut self) {
        let hydstep = if self.htime <= self.duration { self.htime - self.qtime } else { 0 };
        if self.kind != Constituent::None && hydstep > 0 {
            let mut qt = 0;
            while qt < hydstep {
                let dt = self.qstep.min(hydstep - qt);
                qt += dt;
                self.transport(dt);
            }
        }
        self.qtime += hydstep;
    }

    fn snapshot(&self, time_s: i64) -> QualitySnapshot {
        let m = self.m;
        let nodes = self.node_qual.iter().map(|c| c * self.ucf).collect();
        let links = (0..m.links.len()).map(|k| self.link_quality(k) * self.ucf).collect();
        let source_mass = (self.source.iter().enumerate()).filter_map(|(n, s)| Some((n, s.as_ref()?.mass_added))).collect();
        QualitySnapshot { time_s, nodes, links, link_reaction_rates: self.reported_rates.clone(), source_mass }
    }

    fn link_quality(&self, k: usize) -> f64 {
        if self.kind == Constituent::None {
            return 0.0;
        }
        let (mut vsum, mut msum) = (0.0, 0.0);
        for s in &self.segs[k] {
            vsum += s.v;
            msum += s.c * s.v;
        }
        if vsum > 0.0 {
            msum / vsum
        } else {
            let l = &self.m.links[k];
            (self.node_qual[l.n1] + self.node_qual[l.n2]) / 2.0
        }
    }

    fn flow_direction_changed(&mut self) -> bool {
        let mut changed = false;
        for k in 0..self.flow.len() {
            let old = self.flow_dir[k];
            let q = self.flow[k];
            let mut new: i8 = if q < 0.0 { -1 } else { 1 };
            if q.abs() < Q_STAGNANT {
                new = 0;
            }
            if (new as i32) * (old as i32) < 0 {
                self.segs[k].make_contiguous().reverse();
            }
            if new != old {
                changed = true;
            }
            self.flow_dir[k] = new;
        }
        changed
    }

    fn downstream(&self, k: usize) -> usize {
        let l = &self.m.links[k];
        if self.flow_dir[k] < 0 { l.n1 } else { l.n2 }
    }

    fn upstream(&self, k: usize) -> usize {
        let l = &self.m.links[k];
        if self.flow_dir[k] < 0 { l.n2 } else { l.n1 }
    }

    /// Topological sort of the nodes, upstream first (EPANET's `sortnodes`).
    fn sort_nodes(&mut self) {
        let n = self.m.nnodes;
        let mut indegree = vec![0usize; n];
        for k in 0..self.flow.len() {
            match self.flow_dir[k] {
                1 => indegree[self.m.links[k].n2] += 1,
                -1 => indegree[self.m.links[k].n1] += 1,
                _ => {}
            }
        }
        let mut stack: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
        let mut sorted = Vec::with_capacity(n);
        while sorted.len() < n {
            if stack.is_empty() {
                // A cycle: restart from an unsorted node next to a sorted one.
                let j = sorted
                    .iter()
                    .rev()
                    .flat_map(|&mm: &usize| self.adj[mm].iter().map(|&(_, other)| other))
                    .find(|&o| indegree[o] > 0)
                    .or_else(|| (0..n).find(|&i| indegree[i] > 0));
                let Some(j) = j else { break };
                indegree[j] = 0;
                stack.push(j);
            }
            let i = stack.pop().expect("stack is not empty");
            sorted.push(i);
            for &(k, _) in &self.adj[i] {
                if self.flow_dir[k] == 0 {
                    continue;
                }
                let down = self.downstream(k);
                if down != i && indegree[down] > 0 {
                    indegree[down] -= 1;
                    if indegree[down] == 0 {
                        stack.push(down);
                    }
                }
            }
        }
        self.sorted = sorted;
    }

    fn is_junction(&self, n: usize) -> bool {
        n < self.m.njuncs
    }

    fn tank_of(&self, n: usize) -> Option<usize> {
        self.m.fixed_index(n)
    }

    fn transport(&mut self, dt: i64) {
        if self.react {
            self.react_pipes(dt);
            self.react_tanks(dt);
        }
        let sorted = self.sorted.clone();
        for &n in &sorted {
            let (mut volin, mut massin, mut volout) = (0.0, 0.0, 0.0);
            let links: Vec<usize> = self.adj[n].iter().map(|&(k, _)| k).collect();
            for &k in &links {
                if self.downstream(k) == n {
                    self.node_inflow(k, dt, &mut volin, &mut massin);
                } else {
                    volout += self.flow[k].abs();
                }
            }
            if self.is_junction(n) {
                volout += self.demand[n].max(0.0);
            }
            volout *= dt as f64;
            let c = self.node_quality(n, volin, massin, volout, dt);
            for &k in &links {
                if self.upstream(k) == n {
                    self.node_outflow(k, c, dt);
                }
            }
            self.update_mass_balance_node(n, massin, volout, dt);
        }
    }

    fn node_inflow(&mut self, k: usize, dt: i64, volin: &mut f64, massin: &mut f64) {
        let mut v = self.flow[k].abs() * dt as f64;
        let chain = &mut self.segs[k];
        while v > 0.0 {
            let Some(seg) = chain.front_mut() else { break };
            let vseg = seg.v.min(v);
            *volin += vseg;
            *massin += vseg * seg.c;
            v -= vseg;
            if v >= 0.0 && vseg >= seg.v {
                chain.pop_front();
            } else {
                seg.v -= vseg;
            }
        }
    }

    fn node_quality(&mut self, n: usize, mut volin: f64, massin: f64, volout: f64, dt: i64) -> f64 {
        if self.is_junction(n) {
            volin -= self.demand[n].min(0.0) * dt as f64;
            if volin > 0.0 {
                self.node_qual[n] = massin / volin;
            } else if self.react {
                self.node_qual[n] = self.no_flow_quality(n);
            }
        } else if let Some(j) = self.tank_of(n)
            && self.m.fixed[j].area > 0.0
        {
            self.node_qual[n] = self.mix_tank(j, volin, massin, volout);
        }
        self.source_qual = 0.0;
        if let Constituent::Trace(t) = self.kind {
            if n == t {
                let reservoir = self.tank_of(n).is_some_and(|j| self.m.fixed[j].area == 0.0);
                self.source_qual = if reservoir { 100.0 } else { (100.0 - self.node_qual[n]).max(0.0) };
                self.node_qual[n] = 100.0;
            }
            return self.node_qual[n];
        }
        self.source_qual = self.find_source_quality(n, volout, dt);
        if self.source_qual == 0.0 {
            return self.node_qual[n];
        }
        if self.is_junction(n) {
            self.node_qual[n] += self.source_qual;
            self.node_qual[n]
        } else if self.tank_of(n).is_some_and(|j| self.m.fixed[j].area > 0.0) {
            self.node_qual[n] + self.source_qual
        } else {
            self.node_qual[n] = self.source_qual;
            self.source_qual
        }
    }

    fn no_flow_quality(&self, n: usize) -> f64 {
        let (mut c, mut count) = (0.0, 0);
        for &(k, _) in &self.adj[n] {
            let l = &self.m.links[k];
            let dir = self.flow_dir[k];
            let inflow = (l.n2 == n && dir >= 0) || (l.n1 == n && dir < 0);
            if inflow && let Some(s) = self.segs[k].front() {
                c += s.c;
                count += 1;
            } else if !inflow && let Some(s) = self.segs[k].back() {
                c += s.c;
                count += 1;
            }
        }
        if count > 0 { c / count as f64 } else { c }
    }

    fn node_outflow(&mut self, k: usize, c: f64, dt: i64) {
        let v = self.flow[k].abs() * dt as f64;
        if v == 0.0 {
            return;
        }
        let ctol = self.ctol;
        let chain = &mut self.segs[k];
        match chain.back_mut() {
            Some(seg) if (seg.c - c).abs() < ctol => {
                seg.c = (seg.c * seg.v + c * v) / (seg.v + v);
                seg.v += v;
            }
            _ => chain.push_back(Segment { v, c }),
        }
    }

    fn update_mass_balance_node(&mut self, n: usize, massin: f64, volout: f64, dt: i64) {
        let (mut lost, mut added) = (0.0, 0.0);
        if self.is_junction(n) {
            lost = self.demand[n].max(0.0) * dt as f64 * self.node_qual[n];
            added = self.source_qual * volout;
        } else if let Some(j) = self.tank_of(n) {
            if self.m.fixed[j].area == 0.0 {
                lost = massin;
                added = if self.source_qual > 0.0 { self.source_qual * volout } else { self.node_qual[n] * volout };
            } else {
                added = self.source_qual * volout;
            }
        }
        self.balance.outflow += lost;
        self.balance.inflow += added;
    }

    fn find_source_quality(&mut self, n: usize, volout: f64, dt: i64) -> f64 {
        if self.kind != Constituent::Chemical {
            return 0.0;
        }
        let Some(src) = self.source[n].clone() else { return 0.0 };
        if src.strength == 0.0 || volout / dt as f64 <= Q_STAGNANT {
            return 0.0;
        }
        let mut c = if src.kind == SourceKind::Mass { src.strength / 60.0 } else { src.strength / self.ucf };
        if let Some(p) = src.pattern {
            let f = &self.m.patterns[p];
            let k = ((self.qtime + self.pattern_start) / self.pattern_step) % f.len() as i64;
            c *= f[k as usize];
        }
        match src.kind {
            SourceKind::Concen => {
                if self.is_junction(n) {
                    c = if self.demand[n] < 0.0 { -c * self.demand[n] * dt as f64 / volout } else { 0.0 };
                }
            }
            SourceKind::Mass => c = c * dt as f64 / volout,
            SourceKind::Setpoint => c = (c - self.node_qual[n]).max(0.0),
            SourceKind::FlowPaced => {}
        }
        if let Some(s) = &mut self.source[n] {
            s.mass_added += c * volout;
        }
        if self.htime >= self.report_start {
            self.totals.source += c * volout;
        }
        c
    }

    fn rate_coeffs(&mut self) {
        for k in 0..self.m.links.len() {
            let mut kw = self.kw[k];
            if kw != 0.0 {
                kw = self.pipe_rate(k);
            }
            self.rc[k] = kw;
            self.pipe_rate_coeff[k] = 0.0;
        }
    }

    fn pipe_rate(&self, k: usize) -> f64 {
        let l = &self.m.links[k];
        let d = l.diameter_ft;
        if self.sc == 0.0 {
            if self.wall_order == 0.0 {
                return BIG;
            }
            return self.kw[k] * (4.0 / d) / self.m.ucf.elevation;
        }
        let q = self.flow[k];
        let a = std::f64::consts::PI * d * d / 4.0;
        let u = q.abs() / a;
        let re = u * d / self.m.viscosity;
        let sh = if re < 1.0 {
            2.0
        } else if re >= 2300.0 {
            0.0149 * re.powf(0.88) * self.sc.powf(0.333)
        } else {
            let y = d / l.length_ft * re * self.sc;
            3.65 + 0.0668 * y / (1.0 + 0.04 * y.powf(0.667))
        };
        let kf = sh * self.diffus / d;
        if self.wall_order == 0.0 {
            return kf;
        }
        let kw = self.kw[k] / self.m.ucf.elevation;
        (4.0 / d) * kw * kf / (kf + kw.abs())
    }

    fn react_pipes(&mut self, dt: i64) {
        for k in 0..self.m.links.len() {
            if self.m.links[k].kind != LinkType::Pipe {
                continue;
            }
            let mut chain = std::mem::take(&mut self.segs[k]);
            let (mut rsum, mut vsum) = (0.0, 0.0);
            for seg in chain.iter_mut() {
                let c = seg.c;
                seg.c = self.pipe_react(k, seg.c, seg.v, dt);
                self.balance.reacted += (c - seg.c) * seg.v;
                if self.kind == Constituent::Chemical {
                    rsum += (seg.c - c).abs() * seg.v;
                    vsum += seg.v;
                }
            }
            self.segs[k] = chain;
            self.pipe_rate_coeff[k] = if vsum > 0.0 { rsum / vsum / dt as f64 * SEC_PER_DAY } else { 0.0 };
        }
    }

    fn pipe_react(&mut self, k: usize, c: f64, v: f64, dt: i64) -> f64 {
        if self.kind == Constituent::Age {
            return cmax(0.0, c + dt as f64 / 3600.0);
        }
        let rbulk = self.bulk_rate(c, self.kb[k], self.bulk_order) * self.bucf;
        let rwall = self.wall_rate(c, self.m.links[k].diameter_ft, self.kw[k], self.rc[k]);
        let dcbulk = rbulk * dt as f64;
        let dcwall = rwall * dt as f64;
        if self.htime >= self.report_start {
            self.totals.bulk += dcbulk.abs() * v;
            self.totals.wall += dcwall.abs() * v;
        }
        cmax(0.0, c + (dcbulk + dcwall))
    }

    fn react_tanks(&mut self, dt: i64) {
        let nlinks = self.m.links.len();
        for j in 0..self.m.fixed.len() {
            if self.m.fixed[j].area == 0.0 {
                continue;
            }
            let mut chain = std::mem::take(&mut self.segs[nlinks + j]);
            for seg in chain.iter_mut() {
                let c = seg.c;
                seg.c = self.tank_react(seg.c, seg.v, self.tank_kb[j], dt);
                self.balance.reacted += (c - seg.c) * seg.v;
            }
            self.segs[nlinks + j] = chain;
        }
    }

    fn tank_react(&mut self, c: f64, v: f64, kb: f64, dt: i64) -> f64 {
        let dc = if self.kind == Constituent::Age {
            dt as f64 / 3600.0
        } else {
            let dc = self.bulk_rate(c, kb, self.tank_order) * self.tucf * dt as f64;
            if self.htime >= self.report_start {
                self.totals.tank += dc.abs() * v;
            }
            dc
        };
        cmax(0.0, c + dc)
    }

    fn bulk_rate(&self, c: f64, kb: f64, order: f64) -> f64 {
        let sgn = |x: f64| if x < 0.0 { -1.0 } else { 1.0 };
        let mut c = c;
        if order == 0.0 {
            c = 1.0;
        } else if order < 0.0 {
            let mut c1 = self.climit + sgn(kb) * c;
            if c1.abs() < TINY {
                c1 = sgn(c1) * TINY;
            }
            c /= c1;
        } else {
            let c1 = if self.climit == 0.0 { c } else { cmax(0.0, sgn(kb) * (self.climit - c)) };
            c = if order == 1.0 {
                c1
            } else if order == 2.0 {
                c1 * c
            } else {
                c1 * cmax(0.0, c).powf(order - 1.0)
            };
        }
        if c < 0.0 {
            c = 0.0;
        }
        kb * c
    }

    fn wall_rate(&self, c: f64, d: f64, kw: f64, kf: f64) -> f64 {
        if kw == 0.0 || d == 0.0 {
            return 0.0;
        }
        if self.wall_order == 0.0 {
            let sgn = if kw < 0.0 { -1.0 } else { 1.0 };
            let kf = sgn * c * kf;
            let mut kw = kw * (self.m.ucf.elevation * self.m.ucf.elevation);
            if kf.abs() < kw.abs() {
                kw = kf;
            }
            kw * 4.0 / d
        } else {
            c * kf
        }
    }

    fn mix_tank(&mut self, j: usize, volin: f64, massin: f64, volout: f64) -> f64 {
        let vnet = volin - volout;
        match self.mix[j] {
            Mix::Complete => self.mix_complete(j, volin, massin, vnet),
            Mix::TwoCompartment => self.mix_two(j, volin, massin, vnet),
            Mix::Fifo => self.mix_fifo(j, volin, massin, vnet),
            Mix::Lifo => self.mix_lifo(j, volin, massin, vnet),
        }
        self.tank_c[j]
    }

    fn chain(&mut self, j: usize) -> &mut VecDeque<Segment> {
        let nlinks = self.m.links.len();
        &mut self.segs[nlinks + j]
    }

    fn mix_complete(&mut self, j: usize, vin: f64, win: f64, vnet: f64) {
        let Some(seg) = self.chain(j).front_mut() else { return };
        let vnew = seg.v + vin;
        if vnew > 0.0 {
            seg.c = (seg.c * seg.v + win) / vnew;
        }
        seg.v += vnet;
        seg.v = seg.v.max(0.0);
        let c = seg.c;
        self.tank_c[j] = c;
    }

    fn mix_two(&mut self, j: usize, vin: f64, win: f64, vnet: f64) {
        let vmz = self.v1max[j];
        let chain = self.chain(j);
        if chain.len() < 2 {
            return;
        }
        let last = chain.len() - 1;
        let (mut mix, mut stag) = (chain[last], chain[0]);
        let mut vt = 0.0;
        if vnet > 0.0 {
            vt = (mix.v + vnet - vmz).max(0.0);
            if vin > 0.0 {
                mix.c = (mix.c * mix.v + win) / (mix.v + vin);
            }
            if vt > 0.0 {
                stag.c = (stag.c * stag.v + mix.c * vt) / (stag.v + vt);
            }
        } else if vnet < 0.0 {
            if stag.v > 0.0 {
                vt = stag.v.min(-vnet);
            }
            if vin + vt > 0.0 {
                mix.c = (mix.c * mix.v + win + stag.c * vt) / (mix.v + vin + vt);
            }
        }
        if vt > 0.0 {
            mix.v = vmz;
            if vnet > 0.0 {
                stag.v += vt;
            } else {
                stag.v = (stag.v - vt).max(0.0);
            }
        } else {
            mix.v += vnet;
            mix.v = mix.v.min(vmz).max(0.0);
            stag.v = 0.0;
        }
        chain[last] = mix;
        chain[0] = stag;
        self.tank_c[j] = mix.c;
    }

    fn mix_fifo(&mut self, j: usize, vin: f64, win: f64, vnet: f64) {
        let ctol = self.ctol;
        let chain = self.chain(j);
        if chain.is_empty() {
            return;
        }
        if vin > 0.0 {
            let cin = win / vin;
            let back = chain.back_mut().expect("non-empty");
            if (back.c - cin).abs() < ctol {
                back.v += vin;
            } else {
                chain.push_back(Segment { v: vin, c: cin });
            }
        }
        let (mut vsum, mut wsum) = (0.0, 0.0);
        let mut vout = vin - vnet;
        while vout > 0.0 {
            let is_last = chain.len() == 1;
            let Some(seg) = chain.front_mut() else { break };
            let mut vseg = seg.v.min(vout);
            if is_last {
                vseg = vout;
            }
            vsum += vseg;
            wsum += seg.c * vseg;
            vout -= vseg;
            if vout >= 0.0 && vseg >= seg.v {
                if !is_last {
                    chain.pop_front();
                }
            } else {
                seg.v -= vseg;
            }
        }
        let c = if vsum > 0.0 {
            wsum / vsum
        } else {
            chain.front().map_or(0.0, |s| s.c)
        };
        self.tank_c[j] = c;
    }

    fn mix_lifo(&mut self, j: usize, vin: f64, win: f64, vnet: f64) {
        let ctol = self.ctol;
        let chain = self.chain(j);
        if chain.is_empty() {
            return;
        }
        let cin = if vin > 0.0 { win / vin } else { 0.0 };
        let mut c = chain.back().expect("non-empty").c;
        if vnet > 0.0 {
            let back = chain.back_mut().expect("non-empty");
            if (back.c - cin).abs() < ctol {
                back.v += vnet;
            } else {
                chain.push_back(Segment { v: vnet, c: cin });
            }
            c = chain.back().expect("non-empty").c;
        } else if vnet < 0.0 {
            let (mut vsum, mut wsum) = (0.0, 0.0);
            let mut remaining = -vnet;
            // Take from the newest (upstream) end.
            while remaining > 0.0 {
                let is_last = chain.len() == 1;
                let Some(seg) = chain.back_mut() else { break };
                let mut vseg = seg.v.min(remaining);
                if is_last {
                    vseg = remaining;
                }
                vsum += vseg;
                wsum += seg.c * vseg;
                remaining -= vseg;
                if remaining >= 0.0 && vseg >= seg.v {
                    if !is_last {
                        chain.pop_back();
                    }
                } else {
                    seg.v -= vseg;
                }
            }
            c = (wsum + win) / (vsum + vin);
        }
        self.tank_c[j] = c;
    }

    fn stored_mass(&self) -> f64 {
        let nlinks = self.m.links.len();
        let mut total = 0.0;
        for k in 0..nlinks {
            for s in &self.segs[k] {
                total += s.c * s.v;
            }
        }
        for (j, t) in self.m.fixed.iter().enumerate() {
            if t.area == 0.0 {
                continue;
            }
            for s in &self.segs[nlinks + j] {
                total += s.c * s.v;
            }
        }
        total
    }

    fn update_mass_balance(&mut self) {
        if self.kind == Constituent::None {
            self.balance.ratio = 1.0;
            return;
        }
        self.balance.final_mass = self.stored_mass();
        let mut massin = self.balance.initial + self.balance.inflow;
        let mut massout = self.balance.outflow + self.balance.final_mass;
        if self.balance.reacted > 0.0 {
            massout += self.balance.reacted;
        } else {
            massin -= self.balance.reacted;
        }
        self.balance.ratio = if massin == 0.0 { 1.0 } else { massout / massin };
    }
}

/// C's `MAX(a, b)` macro, which (unlike `f64::max`) passes a NaN in `b` on,
/// as EPANET's results do.
fn cmax(a: f64, b: f64) -> f64 {
    if a > b { a } else { b }
}
