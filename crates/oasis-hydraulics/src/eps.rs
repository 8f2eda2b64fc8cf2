//! Extended-period simulation as EPANET 2.2 steps it: solve at the current
//! time, then find the next time (hydraulic step cut by pattern and report
//! times, tank fill/drain times, simple-control times and rule firings),
//! update tank levels, accumulate pump energy, and move on.

use std::sync::Arc;

use oasis_network::Network;

use crate::cholesky::{Cholesky, Layout};
use crate::energy::EnergyLedger;
use crate::linear::LinearSystem;
use crate::rules::RuleSet;
use crate::setup::*;
use crate::{ActionCause, HydraulicsError, LinkAction, PumpEnergy, RunResults, Snapshot, State};

/// EPANET's time settings after its own adjustments (seconds), as its
/// toolkit reports them once a file is open.
#[derive(Debug, Clone)]
pub struct Clock {
    pub duration: i64,
    pub hydraulic_step: i64,
    pub pattern_step: i64,
    pub pattern_start: i64,
    pub report_step: i64,
    pub report_start: i64,
    pub rule_step: i64,
    pub start_clock: i64,
}

impl Clock {
    pub fn new(net: &Network) -> Clock {
        let t = &net.times;
        let given = |k: &str| t.given.iter().any(|g| g == k);
        let pattern_step = if t.pattern_step_s <= 0 { 3600 } else { t.pattern_step_s };
        let mut hydraulic_step = if given("HYDRAULIC TIMESTEP") && t.hydraulic_step_s > 0 { t.hydraulic_step_s } else { 3600 };
        let mut report_step = if given("REPORT TIMESTEP") { t.report_step_s } else { 3600 };
        if report_step == 0 {
            report_step = pattern_step;
        }
        // The hydraulic step is cut to the pattern and report steps first; the
        // rule and quality steps default to a tenth of the result.
        hydraulic_step = hydraulic_step.min(pattern_step).min(report_step);
        let mut rule_step = if given("RULE TIMESTEP") { t.rule_step_s } else { 0 };
        if rule_step == 0 {
            rule_step = hydraulic_step / 10;
        }
        rule_step = rule_step.min(hydraulic_step);
        let mut report_start = t.report_start_s;
        if report_start > t.duration_s {
            report_start = 0;
        }
        Clock {
            duration: t.duration_s,
            hydraulic_step,
            pattern_step,
            pattern_start: t.pattern_start_s,
            report_step,
            report_start,
            rule_step,
            start_clock: t.start_clocktime_s,
        }
    }

    /// The water quality step: `[TIMES] QUALITY TIMESTEP`, by default a
    /// tenth of the hydraulic step, never longer than it.
    pub fn quality_step(&self, net: &Network) -> i64 {
        let given = net.times.given.iter().any(|g| g == "QUALITY TIMESTEP");
        let mut qstep = if given { net.times.quality_step_s } else { 0 };
        if qstep == 0 {
            qstep = self.hydraulic_step / 10;
        }
        qstep.min(self.hydraulic_step).max(1)
    }
}

/// The matrix ordering and symbolic factorisation of one network layout,
/// shareable across threads (see `Simulation::with_structure`).
#[derive(Clone)]
pub struct SolverStructure {
    factor: Arc<Cholesky>,
    layout: Arc<Layout>,
}

impl SolverStructure {
    /// Whether both are the one structure (not merely equal ones).
    pub fn is_same(&self, other: &SolverStructure) -> bool {
        Arc::ptr_eq(&self.factor, &other.factor)
    }
}

/// A running extended-period simulation, stepped like EPANET's toolkit:
/// `run` solves the current time (`EN_runH`), `next` advances (`EN_nextH`).
pub struct Simulation<'a> {
    net: &'a Network,
    pub(crate) m: Model,
    pub(crate) s: State,
    sys: LinearSystem,
    pub(crate) clock: Clock,
    /// Current time (EPANET's Htime).
    pub(crate) htime: i64,
    /// Next reporting time (EPANET's Rtime).
    rtime: i64,
    halt: bool,
    /// Tank volumes (ft³) by position in `m.fixed`.
    pub(crate) volume: Vec<f64>,
    vmax: Vec<f64>,
    rules: RuleSet,
    energy: EnergyLedger,
    warning_flag: i32,
    actions: Vec<LinkAction>,
}

impl<'a> Simulation<'a> {
    pub fn new(net: &'a Network) -> Result<Simulation<'a>, HydraulicsError> {
        Self::build(net, None)
    }

    /// Like `new`, but reuses `structure` (the ordering and symbolic
    /// factorisation, the costliest part of setting up) when `net` has the
    /// same nodes and link ends as the network it came from, as variants of
    /// one network do (demands, emitters, statuses, settings). Otherwise a new
    /// structure is built, so the results never depend on what was passed.
    pub fn with_structure(net: &'a Network, structure: &SolverStructure) -> Result<Simulation<'a>, HydraulicsError> {
        Self::build(net, Some((&structure.factor, &structure.layout)))
    }

    /// This run's solver structure, to share with runs of variants.
    pub fn structure(&self) -> SolverStructure {
        SolverStructure { factor: Arc::clone(self.sys.structure()), layout: Arc::new(Layout::of(&self.m)) }
    }

    fn build(net: &'a Network, shared: Option<(&Arc<Cholesky>, &Layout)>) -> Result<Simulation<'a>, HydraulicsError> {
        let m = Model::new(net)?;
        let sys = LinearSystem::new(&m, shared);
        let s = crate::initial_state(&m);
        let clock = Clock::new(net);
        let (volume, vmax) = m.fixed.iter().map(|t| (t.v0, t.vmax)).unzip();
        let rules = RuleSet::new(net)?;
        let energy = EnergyLedger::new(net, &m);
        Ok(Simulation {
            net,
            rtime: clock.report_step,
            clock,
            m,
            s,
            sys,
            htime: 0,
            halt: false,
            volume,
            vmax,
            rules,
            energy,
            warning_flag: 0,
            actions: Vec::new(),
        })
    }

    /// Records every solve's trials from now on, as EPANET's `[REPORT]
    /// STATUS FULL` reports them (in `Snapshot::trials`); off by default, so
    /// that other runs do none of this work.
    pub fn record_trials(&mut self) {
        self.s.trials = Some(Vec::new());
    }

    pub fn duration_s(&self) -> i64 {
        self.clock.duration
    }

    pub fn is_reporting_time(&self, t: i64) -> bool {
        t >= self.clock.report_start && t <= self.clock.duration && (t - self.clock.report_start) % self.clock.report_step == 0
    }

    /// Solves the network at the current time (EPANET's `runhyd`) and
    /// returns the results.
    pub fn run(&mut self) -> Result<Snapshot, HydraulicsError> {
        let sol = self.solve()?;
        let warnings = crate::warnings(&self.m, &self.s, &sol);
        let mut snap = crate::snapshot(&self.m, &self.s, self.htime, &sol, warnings);
        if let Some(log) = &mut self.s.trials {
            snap.trials = std::mem::take(log);
        }
        Ok(snap)
    }

    /// Solves the network at the current time without gathering results
    /// (the span EPANET's `EN_runH` covers; for timing and scenario runs).
    pub fn solve_only(&mut self) -> Result<(), HydraulicsError> {
        self.solve().map(|_| ())
    }

    fn solve(&mut self) -> Result<crate::gga::Solution, HydraulicsError> {
        let t = self.htime;
        crate::apply_patterns(&self.m, &mut self.s, t, self.clock.pattern_start, self.clock.pattern_step);
        for i in crate::apply_controls(&self.m, &mut self.s, t, self.clock.start_clock) {
            self.actions.push(LinkAction { time_s: t, link: self.m.controls[i].link, cause: ActionCause::Control(i) });
        }
        if let Some(log) = &mut self.s.trials {
            log.clear();
        }
        let sol = crate::gga::hydsolve(&self.m, &mut self.s, &mut self.sys);
        if let Some(j) = sol.singular_at {
            return Err(HydraulicsError::Unsolvable { junction: self.net.nodes[j].id.clone() });
        }
        if sol.relative_error > self.m.hacc && self.m.extra_iter == -1 {
            self.halt = true;
        }
        let warnings = crate::warnings(&self.m, &self.s, &sol);
        if let Some(w) = warnings.last() {
            self.warning_flag = w.code();
        }
        Ok(sol)
    }

    /// Advances to the next time (EPANET's `nexthyd`); returns the step taken,
    /// 0 when the run is over.
    pub fn next(&mut self) -> Result<i64, HydraulicsError> {
        if self.halt {
            self.htime = self.clock.duration;
        }
        let mut step = 0;
        if self.htime < self.clock.duration {
            step = self.timestep();
        }
        if self.clock.duration == 0 {
            self.energy.add(&self.m, &self.s, 0, self.htime, &self.clock);
        } else if self.htime < self.clock.duration {
            self.energy.add(&self.m, &self.s, step, self.htime, &self.clock);
        }
        if self.htime < self.clock.duration {
            self.htime += step;
            if self.htime >= self.rtime {
                self.rtime += self.clock.report_step;
            }
        } else {
            self.htime += 1;
        }
        Ok(step)
    }

    /// Length of the next time step; also moves tank levels to its end.
    fn timestep(&mut self) -> i64 {
        let c = &self.clock;
        let mut tstep = c.hydraulic_step;
        let n = (self.htime + c.pattern_start) / c.pattern_step + 1;
        let t = n * c.pattern_step - self.htime;
        if t > 0 && t < tstep {
            tstep = t;
        }
        let t = self.rtime - self.htime;
        if t > 0 && t < tstep {
            tstep = t;
        }
        self.tank_timestep(&mut tstep);
        self.control_timestep(&mut tstep);
        if self.rules.is_empty() {
            self.tank_levels(tstep);
        } else {
            self.rule_timestep(&mut tstep);
        }
        tstep
    }

    fn tank_timestep(&self, tstep: &mut i64) {
        for (i, t) in self.m.fixed.iter().enumerate() {
            if t.area == 0.0 {
                continue;
            }
            let h = self.s.head[t.node];
            let q = self.s.demand[t.node];
            if q.abs() <= QZERO {
                continue;
            }
            let v = if q > 0.0 && h < t.hmax {
                self.vmax[i] - self.volume[i]
            } else if q < 0.0 && h > t.hmin {
                t.vmin - self.volume[i]
            } else {
                continue;
            };
            let step = round(v / q);
            if step > 0 && step < *tstep {
                *tstep = step;
            }
        }
    }

    fn control_timestep(&self, tstep: &mut i64) {
        for c in &self.m.controls {
            let mut t = 0;
            if let Some(n) = c.node {
                if n < self.m.njuncs {
                    continue;
                }
                let j = self.m.fixed_index(n).expect("fixed node");
                let h = self.s.head[n];
                let q = self.s.demand[n];
                if q.abs() <= QZERO {
                    continue;
                }
                if (h < c.grade && c.kind == ControlKind::HiLevel && q > 0.0)
                    || (h > c.grade && c.kind == ControlKind::LowLevel && q < 0.0)
                {
                    let v = self.m.tank_volume(&self.m.fixed[j], c.grade) - self.volume[j];
                    t = round(v / q);
                }
            }
            if c.kind == ControlKind::Timer && c.time_s > self.htime {
                t = c.time_s - self.htime;
            }
            if c.kind == ControlKind::TimeOfDay {
                let t1 = (self.htime + self.clock.start_clock) % 86400;
                let t2 = c.time_s;
                t = if t2 >= t1 { t2 - t1 } else { 86400 - t1 + t2 };
            }
            if t > 0 && t < *tstep {
                let k = c.link;
                if (self.m.links[k].kind > LinkType::Pipe && self.s.setting[k] != c.setting)
                    || self.s.status[k] != c.status
                {
                    *tstep = t;
                }
            }
        }
    }

    /// Walks forward in rule steps, moving tanks, until a rule fires.
    fn rule_timestep(&mut self, tstep: &mut i64) {
        let tnow = self.htime;
        let tmax = tnow + *tstep;
        let mut dt = self.clock.rule_step;
        let mut dt1 = self.clock.rule_step - (tnow % self.clock.rule_step);
        dt = dt.min(*tstep);
        dt1 = dt1.min(*tstep);
        if dt1 == 0 {
            dt1 = dt;
        }
        loop {
            self.htime += dt1;
            self.tank_levels(dt1);
            if self.check_rules(dt1) {
                break;
            }
            dt = dt.min(tmax - self.htime);
            dt1 = dt;
            if dt <= 0 {
                break;
            }
        }
        *tstep = self.htime - tnow;
        self.htime = tnow;
    }

    fn check_rules(&mut self, dt: i64) -> bool {
        let ctx = crate::rules::Context {
            m: &self.m,
            volume: &self.volume,
            vmax: &self.vmax,
            htime: self.htime,
            start_clock: self.clock.start_clock,
            dt,
        };
        let rules = std::mem::take(&mut self.rules);
        let taken = rules.check(&ctx, &mut self.s);
        for &(i, link) in &taken {
            self.actions.push(LinkAction { time_s: self.htime, link, cause: ActionCause::Rule(rules.id(i).to_string()) });
        }
        self.rules = rules;
        !taken.is_empty()
    }

    pub(crate) fn tank_levels(&mut self, tstep: i64) {
        for (i, t) in self.m.fixed.iter().enumerate() {
            if t.area == 0.0 {
                continue;
            }
            let n = t.node;
            let q = self.s.demand[n];
            self.volume[i] += q * tstep as f64;
            // Full or empty within the next second.
            if self.volume[i] + q >= self.vmax[i] {
                self.volume[i] = self.vmax[i];
            } else if self.volume[i] - q <= t.vmin {
                self.volume[i] = t.vmin;
            }
            self.s.head[n] = self.m.tank_grade(t, self.volume[i]);
        }
    }

    /// The current hydraulics as EPANET saves them for quality routing:
    /// single precision, closed links carrying no flow.
    pub fn saved_hydraulics(&self) -> crate::quality::SavedHydraulics {
        let f32 = |x: f64| x as f32 as f64;
        crate::quality::SavedHydraulics {
            head: self.s.head.iter().map(|&h| f32(h)).collect(),
            setting: self.s.setting.iter().map(|&k| f32(k)).collect(),
            ..self.hydraulics_for_quality()
        }
    }

    /// What quality routing reads of this period's hydraulics: as
    /// [`Simulation::saved_hydraulics`] without the heads and settings,
    /// which only a hydraulics file holds.
    pub(crate) fn hydraulics_for_quality(&self) -> crate::quality::SavedHydraulics {
        let f32 = |x: f64| x as f32 as f64;
        crate::quality::SavedHydraulics {
            time_s: self.htime,
            step_s: 0,
            demand: self.s.demand.iter().map(|&d| f32(d)).collect(),
            flow: self
                .s
                .flow
                .iter()
                .zip(&self.s.status)
                .map(|(&q, &st)| if st <= Status::Closed { 0.0 } else { f32(q) })
                .collect(),
            status: self.s.status.clone(),
            head: Vec::new(),
            setting: Vec::new(),
        }
    }

    /// The results of a period read back from saved hydraulics (EPANET's
    /// hydraulics file), in the network's units.
    pub fn snapshot_of(&self, h: &crate::quality::SavedHydraulics) -> Snapshot {
        let mut s = crate::initial_state(&self.m);
        s.head.clone_from(&h.head);
        s.demand.clone_from(&h.demand);
        s.flow.clone_from(&h.flow);
        s.status.clone_from(&h.status);
        s.setting.clone_from(&h.setting);
        let sol = crate::gga::Solution { iterations: 0, relative_error: 0.0, singular_at: None };
        crate::snapshot(&self.m, &s, h.time_s, &sol, Vec::new())
    }

    /// Continues the run on `net`, an edited copy of this run's network of
    /// the same shape (nodes, links, tanks), as EPANET's toolkit does when a
    /// property is set while its solver is open: the edit takes effect from
    /// the next solve, while the state of the run (time, heads, flows,
    /// statuses, settings, tank volumes, energy) carries on.
    pub fn continue_on(&mut self, net: &'a Network) -> Result<(), HydraulicsError> {
        let m = Model::new(net)?;
        if m.nnodes != self.m.nnodes || m.links.len() != self.m.links.len() || m.fixed.len() != self.m.fixed.len() {
            return Err(HydraulicsError::Input { code: 262, message: "the network changed shape during a run".into() });
        }
        self.rules = RuleSet::new(net)?;
        let before = std::mem::replace(&mut self.energy, EnergyLedger::new(net, &m));
        self.energy.carry_totals(before);
        self.clock = Clock::new(net);
        self.vmax = m.fixed.iter().map(|t| t.vmax).collect();
        self.m = m;
        self.net = net;
        Ok(())
    }

    /// The link flows (internal units, cfs), for [`Simulation::keep_flows`].
    pub fn flows(&self) -> &[f64] {
        &self.s.flow
    }

    /// Starts from a previous run's `flows` where EPANET's `EN_initH`
    /// without `EN_INITFLOW` keeps them: on links open at the start whose
    /// carried flow is not zero. Flows of another shape are ignored.
    pub fn keep_flows(&mut self, flows: &[f64]) {
        if flows.len() != self.s.flow.len() {
            return;
        }
        for (k, &q) in flows.iter().enumerate() {
            if self.s.status[k] > Status::Closed && q.abs() > QZERO {
                self.s.flow[k] = q;
            }
        }
    }

    /// Each junction's demand deficit (flow units): its required demand less
    /// the demand it was delivered in the last solve, as EPANET 2.2's
    /// `EN_DEMANDDEFICIT` (0 under demand-driven analysis).
    pub fn demand_deficits(&self) -> Vec<f64> {
        (0..self.m.njuncs)
            .map(|i| {
                // After a solve `demand_flow` holds the full demand and
                // `demand` the delivered demand plus emitter flow.
                let full = self.s.demand_flow[i];
                if full < 0.0 { 0.0 } else { (full - (self.s.demand[i] - self.s.emitter_flow[i])) * self.m.ucf.flow }
            })
            .collect()
    }

    /// The current time (EPANET's `EN_HTIME`).
    pub fn time_s(&self) -> i64 {
        self.htime
    }

    /// Whether the run was halted (unbalanced with `UNBALANCED STOP`).
    pub fn halted(&self) -> bool {
        self.halt
    }

    /// Opens or closes link `k` from now on, as EPANET's `EN_setlinkvalue`
    /// with `EN_STATUS` does while its solver is open.
    pub fn set_link_status(&mut self, k: usize, open: bool) {
        crate::set_link_status(&self.m, &mut self.s, k, open);
    }

    /// Sets pump `k`'s speed or valve `k`'s setting (file units) from now on,
    /// as `EN_setlinkvalue` with `EN_SETTING` does while the solver is open.
    pub fn set_link_setting(&mut self, k: usize, value: f64) {
        let u = &self.m.ucf;
        let internal = match self.m.links[k].kind {
            LinkType::Prv | LinkType::Psv | LinkType::Pbv => value / u.pressure,
            LinkType::Fcv => value / u.flow,
            _ => value,
        };
        crate::set_link_setting(&self.m, &mut self.s, k, internal);
    }

    /// The control and rule actions taken so far.
    pub fn actions(&self) -> &[LinkAction] {
        &self.actions
    }

    pub fn finish(self, periods: Vec<Snapshot>) -> RunResults {
        let (energy, peak_kw) = self.energy.totals();
        RunResults {
            periods,
            energy: energy.into_iter().collect::<Vec<PumpEnergy>>(),
            peak_kw,
            demand_charge_rate: self.energy.demand_charge_rate(),
            duration_s: self.clock.duration,
            warning_flag: self.warning_flag,
            actions: self.actions,
        }
    }
}

/// EPANET's ROUND: half away from zero, to a whole second.
fn round(x: f64) -> i64 {
    if x >= 0.0 { (x + 0.5) as i64 } else { (x - 0.5) as i64 }
}
