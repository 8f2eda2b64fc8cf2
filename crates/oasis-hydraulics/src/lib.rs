//! The hydraulic solver of Oasis: EPANET 2.2's Global Gradient Algorithm,
//! reproduced step for step so that heads, flows and statuses agree with
//! EPANET 2.2 to rounding. The files follow the method: `setup` (units and
//! data), `coefficients` (head loss per link, matrix assembly), `linear`
//! (sparse Cholesky), `gga` (the iteration), `status` (valve, pump, check
//! valve and tank-link checks).
//!
//! The solver holds no global state: every run owns its arrays.

#[doc(hidden)]
pub mod cholesky;
mod batch_math;
mod coefficients;
mod energy;
mod eps;

pub use eps::{Clock, Simulation, SolverStructure};
pub use hydfile::{HydFileError, read_hydraulics_file, write_hydraulics_file};
pub use setup::{tank_volume_at, tank_volumes};
pub use quality::{
    Constituent, MassBalance, QualityResults, QualityRouter, QualitySnapshot, ReactionTotals, SavedHydraulics, simulate,
    water_quality,
    water_quality_from,
};
mod gga;
mod hydfile;
mod linear;
#[doc(hidden)]
pub mod ordering;
mod setup;
pub mod quality;
mod rules;
mod status;

use oasis_network::Network;

use setup::{ControlKind, MISSING, Model, QZERO, Status};

/// Why a network could not be simulated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HydraulicsError {
    /// An input the reader accepted but the solver cannot use (EPANET's 200-series code).
    #[error("error {code}: {message}")]
    Input { code: u16, message: String },
    /// Error 110: the equations could not be solved (the matrix is singular,
    /// e.g. part of the network is cut off from every tank and reservoir).
    #[error("error 110: cannot solve network hydraulic equations (at junction {junction})")]
    Unsolvable { junction: String },
}

impl HydraulicsError {
    pub fn code(&self) -> u16 {
        match self {
            HydraulicsError::Input { code, .. } => *code,
            HydraulicsError::Unsolvable { .. } => 110,
        }
    }
}

/// EPANET's warning conditions after a period (the toolkit's warning codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// 1: the system is unbalanced (not converged within the trials).
    Unbalanced = 1,
    /// 2: the system is hydraulically unstable (converged only in extra trials).
    Unstable = 2,
    /// 4: a pump cannot deliver its flow or head.
    PumpOutOfRange = 4,
    /// 5: a valve cannot deliver its setting.
    ValveCannotDeliver = 5,
    /// 6: negative pressures at junctions with demand.
    NegativePressure = 6,
}

impl Warning {
    pub fn code(self) -> i32 {
        self as i32
    }
    pub fn describe(self) -> &'static str {
        match self {
            Warning::Unbalanced => "system unbalanced",
            Warning::Unstable => "system hydraulically unstable",
            Warning::PumpOutOfRange => "pumps cannot deliver enough flow or head",
            Warning::ValveCannotDeliver => "valves cannot deliver enough flow",
            Warning::NegativePressure => "system has negative pressures",
        }
    }
}

/// Node results in the network's own units.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeResult {
    pub head: f64,
    pub pressure: f64,
    pub demand: f64,
}

/// Link results in the network's own units, as EPANET's toolkit reports them.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkResult {
    pub flow: f64,
    pub velocity: f64,
    pub headloss: f64,
    /// 0 closed, 1 open.
    pub status: f64,
    pub setting: f64,
    /// EPANET's internal status, as its binary output file stores it.
    pub status_code: LinkStatus,
}

/// EPANET's link status codes (the numbers its `.out` file holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum LinkStatus {
    /// Pump cannot deliver head (temporarily closed).
    XHead = 0,
    /// Temporarily closed (link to a full or empty tank).
    TempClosed = 1,
    Closed = 2,
    Open = 3,
    /// Control valve active.
    Active = 4,
    /// Pump cannot deliver flow.
    XFlow = 5,
    /// Flow control valve cannot deliver flow.
    XFcv = 6,
    /// Pressure valve cannot deliver pressure.
    XPressure = 7,
}

impl LinkStatus {
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Status> for LinkStatus {
    fn from(s: Status) -> LinkStatus {
        match s {
            Status::XHead => LinkStatus::XHead,
            Status::TempClosed => LinkStatus::TempClosed,
            Status::Closed => LinkStatus::Closed,
            Status::Open => LinkStatus::Open,
            Status::Active => LinkStatus::Active,
            Status::XFlow => LinkStatus::XFlow,
            Status::XFcv => LinkStatus::XFcv,
            Status::XPressure => LinkStatus::XPressure,
        }
    }
}

/// Where a solve trial's largest flow change happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowChangeAt {
    Link(usize),
    /// A junction's emitter or (pressure-driven) demand flow.
    Node(usize),
}

/// One entry of EPANET 2.2's `[REPORT] STATUS FULL` trace of a hydraulic
/// solve, in the file's units. Recorded only when asked for
/// ([`Simulation::record_trials`]); the report writer prints them.
#[derive(Debug, Clone, PartialEq)]
pub enum TrialEvent {
    /// Trial `iteration` ended with this relative flow change.
    Trial { iteration: u32, relative_change: f64 },
    /// Checked once the relative change meets the accuracy: the largest flow
    /// change of the trial and the largest head-loss error.
    Balance { max_flow_change: f64, at: FlowChangeAt, max_head_error: f64, head_error_link: usize },
    /// A status check or junction pressure control changed a link; `from ==
    /// to` when a control changed only its setting (then `setting` is the new one).
    Change { link: usize, from: LinkStatus, to: LinkStatus, setting: f64 },
    /// An active valve made the matrix singular and was set aside.
    IllConditioned { link: usize },
}

/// Energy use of one pump accumulated over a run, exactly as EPANET keeps it
/// before its output step turns the sums into averages and report units.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PumpEnergy {
    /// Index of the pump's link.
    pub link: usize,
    /// Hours the pump was on line.
    pub time_online_h: f64,
    /// Σ efficiency (fraction) × hours.
    pub efficiency_h: f64,
    /// Σ kW / flow (cfs) × hours.
    pub kw_per_cfs_h: f64,
    /// Σ kW × hours.
    pub kwh: f64,
    pub max_kw: f64,
    /// Σ price × kW × hours.
    pub total_cost: f64,
}

/// What made a link change during a run.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionCause {
    /// A simple control (index into `Network::controls`).
    Control(usize),
    /// A rule-based control (its ID).
    Rule(String),
}

/// A control or rule that changed a link's status or setting.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkAction {
    /// The time it acted at: the start of the hydraulic step it begins.
    pub time_s: i64,
    pub link: usize,
    pub cause: ActionCause,
}

/// A whole hydraulic run: the results at every reporting time and the
/// run's totals.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResults {
    /// Snapshots at the reporting times (REPORT START, every REPORT STEP).
    pub periods: Vec<Snapshot>,
    /// One entry per pump, in link order.
    pub energy: Vec<PumpEnergy>,
    /// Peak total pumping power over the run (kW).
    pub peak_kw: f64,
    /// The demand charge rate of `[ENERGY] DEMAND CHARGE` (cost per peak kW).
    pub demand_charge_rate: f64,
    /// Duration of the run (s).
    pub duration_s: i64,
    /// The last warning code of the run (EPANET's `Warnflag`), 0 if none.
    pub warning_flag: i32,
    /// Every control and rule action, in the order they were taken.
    pub actions: Vec<LinkAction>,
}

/// The state of the network at one time.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub time_s: i64,
    pub nodes: Vec<NodeResult>,
    pub links: Vec<LinkResult>,
    pub iterations: u32,
    pub relative_error: f64,
    /// Warnings in the order EPANET checks them; the last is its return code.
    pub warnings: Vec<Warning>,
    /// The solve's trials, for `STATUS FULL`; empty unless recorded
    /// ([`Simulation::record_trials`]).
    pub trials: Vec<TrialEvent>,
}

impl Snapshot {
    /// The warning code EPANET's `EN_runH` would return (0 = none).
    pub fn warning_code(&self) -> i32 {
        self.warnings.last().map_or(0, |w| w.code())
    }
}

/// The solver's working arrays (internal units).
pub(crate) struct State {
    pub head: Vec<f64>,
    pub flow: Vec<f64>,
    pub status: Vec<Status>,
    pub setting: Vec<f64>,
    /// Full demand of junctions during a solve (actual afterwards); net inflow of tanks.
    pub demand: Vec<f64>,
    /// Delivered consumer demand of junctions.
    pub demand_flow: Vec<f64>,
    pub emitter_flow: Vec<f64>,
    pub p: Vec<f64>,
    pub y: Vec<f64>,
    pub xflow: Vec<f64>,
    pub f: Vec<f64>,
    pub pipe_scratch: coefficients::PipeScratch,
    pub relax: f64,
    /// Total positive demand of the period (for rules on SYSTEM DEMAND).
    pub dsystem: f64,
    /// The current solve's `STATUS FULL` trace, when one is recorded.
    pub trials: Option<Vec<TrialEvent>>,
}

impl State {
    /// Notes a link's status (or, from == to, setting) change for the trace.
    pub(crate) fn log_change(&mut self, m: &Model, k: usize, from: Status) {
        if let Some(log) = &mut self.trials {
            let setting = user_setting(m, k, self.setting[k]);
            log.push(TrialEvent::Change { link: k, from: from.into(), to: self.status[k].into(), setting });
        }
    }
}

/// A link setting in the file's units (EPANET's `writestatchange`).
fn user_setting(m: &Model, k: usize, v: f64) -> f64 {
    match m.links[k].kind {
        setup::LinkType::Prv | setup::LinkType::Psv | setup::LinkType::Pbv => v * m.ucf.pressure,
        setup::LinkType::Fcv => v * m.ucf.flow,
        _ => v,
    }
}

/// Solves the network at time 0 (a steady state, or the first period of an
/// extended run) exactly as EPANET 2.2's `EN_openH`, `EN_initH`, `EN_runH` do.
pub fn steady_state(net: &Network) -> Result<Snapshot, HydraulicsError> {
    eps::Simulation::new(net)?.run()
}

pub(crate) fn initial_state(m: &Model) -> State {
    let nl = m.links.len();
    let mut s = State {
        head: vec![0.0; m.nnodes],
        flow: vec![0.0; nl],
        status: vec![Status::Open; nl],
        setting: vec![0.0; nl],
        demand: vec![0.0; m.nnodes],
        demand_flow: vec![0.0; m.njuncs],
        emitter_flow: vec![0.0; m.njuncs],
        p: vec![0.0; nl],
        y: vec![0.0; nl],
        xflow: vec![0.0; m.nnodes],
        f: vec![0.0; m.njuncs],
        pipe_scratch: coefficients::PipeScratch::new(m),
        relax: 1.0,
        dsystem: 0.0,
        trials: None,
    };
    for t in &m.fixed {
        s.head[t.node] = t.h0;
    }
    for &i in &m.emitters {
        s.emitter_flow[i] = 1.0;
    }
    for (k, l) in m.links.iter().enumerate() {
        s.status[k] = l.status;
        s.setting[k] = l.kc;
        if matches!(l.kind, setup::LinkType::Prv | setup::LinkType::Psv | setup::LinkType::Fcv) && l.kc != MISSING {
            s.status[k] = Status::Active;
        }
        s.flow[k] = if s.status[k] <= Status::Closed {
            QZERO
        } else if let Some(p) = &l.pump {
            l.kc * p.q0
        } else {
            std::f64::consts::PI * (l.diameter_ft * l.diameter_ft) / 4.0
        };
    }
    s
}

/// Demands, reservoir heads and pump speeds of the pattern period at `t`.
pub(crate) fn apply_patterns(m: &Model, s: &mut State, t: i64, pattern_start: i64, pattern_step: i64) {
    let period = (t + pattern_start) / pattern_step;
    let factor = |p: usize| {
        let f = &m.patterns[p];
        f[(period % f.len() as i64) as usize]
    };
    // Each pattern's factor once, not once per demand category.
    let factors: Vec<f64> = (0..m.patterns.len()).map(factor).collect();
    s.dsystem = 0.0;
    for i in 0..m.njuncs {
        let mut sum = 0.0;
        for &(base, p) in m.demands.of(i) {
            let d = base * factors[p] * m.dmult;
            if d > 0.0 {
                s.dsystem += d;
            }
            sum += d;
        }
        s.demand[i] = sum;
        s.demand_flow[i] = sum;
    }
    for tank in &m.fixed {
        if tank.area == 0.0
            && let Some(p) = tank.head_pattern
        {
            s.head[tank.node] = m.elevation[tank.node] * factor(p);
        }
    }
    // Pumps are among the non-pipes (in link order, as all links).
    for &k in &m.non_pipes {
        if let Some(p) = m.links[k].pump.as_ref().and_then(|p| p.speed_pattern) {
            set_link_setting(m, s, k, factor(p));
        }
    }
}

/// A re-opened constant-power pump restarts from its initial flow.
fn reset_pump_flow(m: &Model, s: &mut State, k: usize) {
    if let Some(p) = &m.links[k].pump
        && matches!(p.kind, setup::PumpKind::ConstPower { .. })
    {
        s.flow[k] = p.q0;
    }
}

/// EPANET's `setlinkstatus`: open (`true`) or close a link.
pub(crate) fn set_link_status(m: &Model, s: &mut State, k: usize, open: bool) {
    let kind = m.links[k].kind;
    if open {
        if kind == setup::LinkType::Pump {
            s.setting[k] = 1.0;
            if s.status[k] == Status::Closed {
                reset_pump_flow(m, s, k);
            }
        }
        if kind > setup::LinkType::Pump && kind != setup::LinkType::Gpv {
            s.setting[k] = MISSING;
        }
        s.status[k] = Status::Open;
    } else {
        if kind == setup::LinkType::Pump {
            s.setting[k] = 0.0;
        }
        if kind > setup::LinkType::Pump && kind != setup::LinkType::Gpv {
            s.setting[k] = MISSING;
        }
        s.status[k] = Status::Closed;
    }
}

/// EPANET's `setlinksetting`: a pump speed or a valve setting.
pub(crate) fn set_link_setting(m: &Model, s: &mut State, k: usize, value: f64) {
    match m.links[k].kind {
        setup::LinkType::Pump => {
            s.setting[k] = value;
            if value > 0.0 && s.status[k] <= Status::Closed {
                reset_pump_flow(m, s, k);
                s.status[k] = Status::Open;
            }
            if value == 0.0 && s.status[k] > Status::Closed {
                s.status[k] = Status::Closed;
            }
        }
        setup::LinkType::Fcv => {
            s.setting[k] = value;
            s.status[k] = Status::Active;
        }
        _ => {
            if s.setting[k] == MISSING && s.status[k] <= Status::Closed {
                s.status[k] = Status::Open;
            }
            s.setting[k] = value;
        }
    }
}

/// Simple controls on tank levels and times (EPANET's `controls`); returns
/// the indices of the controls that changed their link.
pub(crate) fn apply_controls(m: &Model, s: &mut State, t: i64, start_clock: i64) -> Vec<usize> {
    let mut acted = Vec::new();
    for (i, c) in m.controls.iter().enumerate() {
        let mut fire = false;
        if let Some(n) = c.node
            && n >= m.njuncs
        {
            let tank = &m.fixed[m.fixed_index(n).expect("fixed node")];
            let vplus = s.demand[n].abs();
            let v1 = m.tank_volume(tank, s.head[n]);
            let v2 = m.tank_volume(tank, c.grade);
            fire = match c.kind {
                ControlKind::LowLevel => v1 <= v2 + vplus,
                ControlKind::HiLevel => v1 >= v2 - vplus,
                _ => false,
            };
        }
        match c.kind {
            ControlKind::Timer => fire = c.time_s == t,
            ControlKind::TimeOfDay => fire = (t + start_clock) % 86400 == c.time_s,
            _ => {}
        }
        if !fire {
            continue;
        }
        let k = c.link;
        let s1 = if s.status[k] <= Status::Closed { Status::Closed } else { Status::Open };
        let k1 = s.setting[k];
        let k2 = if m.links[k].kind > setup::LinkType::Pipe { c.setting } else { k1 };
        if m.links[k].kind == setup::LinkType::Pump && s1 == Status::Closed && c.status == Status::Open {
            reset_pump_flow(m, s, k);
        }
        if s1 != c.status || k1 != k2 {
            s.status[k] = c.status;
            s.setting[k] = k2;
            acted.push(i);
        }
    }
    acted
}

pub(crate) fn warnings(m: &Model, s: &State, sol: &gga::Solution) -> Vec<Warning> {
    let mut w = Vec::new();
    if sol.iterations > m.max_iter && sol.relative_error <= m.hacc {
        w.push(Warning::Unstable);
    }
    // EPANET 2.2 reports pressure-deficient junctions only under demand-driven analysis.
    if !m.pda && (0..m.njuncs).any(|i| s.head[i] < m.elevation[i] && s.demand[i] > 0.0) {
        w.push(Warning::NegativePressure);
    }
    if m.links.iter().enumerate().any(|(k, l)| {
        matches!(
            l.kind,
            setup::LinkType::Prv
                | setup::LinkType::Psv
                | setup::LinkType::Pbv
                | setup::LinkType::Fcv
                | setup::LinkType::Tcv
                | setup::LinkType::Gpv
        ) && s.status[k] >= Status::XFcv
    }) {
        w.push(Warning::ValveCannotDeliver);
    }
    let pump_bad = m.links.iter().enumerate().any(|(k, l)| {
        let Some(p) = &l.pump else { return false };
        let mut st = s.status[k];
        if st >= Status::Open {
            if s.flow[k] > s.setting[k] * p.qmax {
                st = Status::XFlow;
            }
            if s.flow[k] < 0.0 {
                st = Status::XHead;
            }
        }
        st == Status::XHead || st == Status::XFlow
    });
    if pump_bad {
        w.push(Warning::PumpOutOfRange);
    }
    if sol.iterations > m.max_iter && sol.relative_error > m.hacc {
        w.push(Warning::Unbalanced);
    }
    w
}

pub(crate) fn snapshot(m: &Model, s: &State, t: i64, sol: &gga::Solution, warnings: Vec<Warning>) -> Snapshot {
    let u = &m.ucf;
    let nodes = (0..m.nnodes)
        .map(|i| NodeResult {
            head: s.head[i] * u.head,
            pressure: (s.head[i] - m.elevation[i]) * u.pressure,
            demand: s.demand[i] * u.flow,
        })
        .collect();
    let links = m
        .links
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let closed = s.status[k] <= Status::Closed;
            let flow = if closed { 0.0 } else { s.flow[k] * u.flow };
            let velocity = if l.kind == setup::LinkType::Pump || closed {
                0.0
            } else {
                s.flow[k].abs() / (std::f64::consts::PI * (l.diameter_ft * l.diameter_ft) / 4.0) * u.velocity
            };
            let headloss = if closed {
                0.0
            } else {
                let h = s.head[l.n1] - s.head[l.n2];
                (if l.kind == setup::LinkType::Pump { h } else { h.abs() }) * u.head
            };
            let setting = match l.kind {
                setup::LinkType::Pipe | setup::LinkType::CvPipe => {
                    if m.formula == oasis_network::units::HeadlossFormula::DarcyWeisbach {
                        l.kc * 1000.0 * u.elevation
                    } else {
                        l.kc
                    }
                }
                _ => {
                    let v = if s.setting[k] == MISSING { 0.0 } else { s.setting[k] };
                    match l.kind {
                        setup::LinkType::Prv | setup::LinkType::Psv | setup::LinkType::Pbv => v * u.pressure,
                        setup::LinkType::Fcv => v * u.flow,
                        _ => v,
                    }
                }
            };
            let status_code = s.status[k].into();
            LinkResult { flow, velocity, headloss, status: if closed { 0.0 } else { 1.0 }, setting, status_code }
        })
        .collect();
    Snapshot {
        time_s: t,
        nodes,
        links,
        iterations: sol.iterations,
        relative_error: sol.relative_error,
        warnings,
        trials: Vec::new(),
    }
}

/// Runs the whole extended-period simulation (EPANET's `EN_solveH`) and keeps
/// the results at the reporting times. A network with DURATION 0 gives one
/// period.
pub fn extended_period(net: &Network) -> Result<RunResults, HydraulicsError> {
    extended_period_with_progress(net, |_, _| {})
}

/// As [`extended_period`], calling `progress(time_s, duration_s)` after each
/// hydraulic period.
pub fn extended_period_with_progress(
    net: &Network,
    progress: impl FnMut(i64, i64),
) -> Result<RunResults, HydraulicsError> {
    let mut sim = eps::Simulation::new(net)?;
    let periods = run_periods(&mut sim, progress, eps::Simulation::next)?;
    Ok(sim.finish(periods))
}

/// Solves every period of `sim` to the end of its duration, calling
/// `progress(time_s, duration_s)` after each and keeping the snapshots at the
/// reporting times; `advance` moves to the next period and returns its step
/// (0 at the end), as `Simulation::next` does.
pub(crate) fn run_periods<'n>(
    sim: &mut eps::Simulation<'n>,
    mut progress: impl FnMut(i64, i64),
    mut advance: impl FnMut(&mut eps::Simulation<'n>) -> Result<i64, HydraulicsError>,
) -> Result<Vec<Snapshot>, HydraulicsError> {
    let mut periods = Vec::new();
    loop {
        let snap = sim.run()?;
        progress(snap.time_s, sim.duration_s());
        if sim.is_reporting_time(snap.time_s) {
            periods.push(snap);
        }
        if advance(sim)? == 0 {
            return Ok(periods);
        }
    }
}
