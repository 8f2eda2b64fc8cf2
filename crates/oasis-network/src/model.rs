//! The network model: what an EPANET `.inp` file describes, in the file's own
//! (user) units. Values are kept exactly as read so that writing a model back
//! and reading it again gives an identical model; unit conversion to the
//! solver's internal units happens in the hydraulics crate.

use crate::units::{FlowUnits, HeadlossFormula, PressureUnits};

/// A whole network model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Network {
    pub title: Vec<String>,
    /// Nodes in EPANET index order: all junctions in file order, then tanks and
    /// reservoirs in the order they were read.
    pub nodes: Vec<Node>,
    /// Links in file order (pipes, pumps and valves as their lines appear).
    pub links: Vec<Link>,
    pub patterns: Vec<Pattern>,
    pub curves: Vec<Curve>,
    pub controls: Vec<Control>,
    pub rules: Vec<Rule>,
    pub options: Options,
    pub times: Times,
    pub energy: Energy,
    pub quality: Vec<(String, f64)>,
    pub sources: Vec<Source>,
    pub reactions: Reactions,
    pub mixing: Vec<Mixing>,
    pub report: Vec<Vec<String>>,
    pub tags: Vec<Tag>,
    pub coordinates: Vec<(String, f64, f64)>,
    pub vertices: Vec<(String, f64, f64)>,
    pub labels: Vec<Vec<String>>,
    pub backdrop: Vec<Vec<String>>,
    /// Sections this reader does not interpret (e.g. EPANET 2.3's `[LEAKAGE]`),
    /// kept verbatim as token lines so that nothing is silently dropped.
    pub other_sections: Vec<OtherSection>,
    /// Where the reader found each link's end nodes; read them through
    /// [`Network::recorded_link_ends`]. Leave it default when building a network.
    pub link_end_hints: LinkEndHints,
}

/// The positions in [`Network::nodes`] of each link's start and end node as
/// the reader resolved them, so that a solver need not look the ids up again.
/// Edits may move nodes or links, so a hint is used only after checking that
/// the node there still has the link's id; it takes no part in comparisons.
#[derive(Clone, Default)]
pub struct LinkEndHints(Vec<[u32; 2]>);

impl LinkEndHints {
    pub(crate) fn new(ends: Vec<[u32; 2]>) -> LinkEndHints {
        LinkEndHints(ends)
    }
}

impl PartialEq for LinkEndHints {
    fn eq(&self, _: &LinkEndHints) -> bool {
        true
    }
}

impl std::fmt::Debug for LinkEndHints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LinkEndHints({} links)", self.0.len())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OtherSection {
    pub name: String,
    pub lines: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    pub elevation: f64,
    pub kind: NodeKind,
    /// Its comment: the text after `;` on its line (as EPANET 2.2 keeps it); empty when none.
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Junction(Junction),
    Reservoir(Reservoir),
    Tank(Tank),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Junction {
    /// Demand categories; the first is the one on the `[JUNCTIONS]` line unless
    /// `[DEMANDS]` replaced it.
    pub demands: Vec<Demand>,
    /// Emitter discharge coefficient (flow per pressure^exponent), 0 = none.
    pub emitter_coefficient: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    pub base: f64,
    pub pattern: Option<String>,
    pub category: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reservoir {
    /// Head pattern (multiplies the total head).
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tank {
    pub initial_level: f64,
    pub min_level: f64,
    pub max_level: f64,
    pub diameter: f64,
    pub min_volume: f64,
    pub volume_curve: Option<String>,
    pub overflow: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub id: String,
    pub from: String,
    pub to: String,
    pub kind: LinkKind,
    /// Status given in `[STATUS]` or on the pipe line, if any.
    pub initial_status: Option<InitialStatus>,
    /// Its comment: the text after `;` on its line (as EPANET 2.2 keeps it); empty when none.
    pub comment: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InitialStatus {
    Open,
    Closed,
    /// A numeric value in `[STATUS]`: a pump speed or a valve setting.
    Value(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkKind {
    Pipe(Pipe),
    Pump(Pump),
    Valve(Valve),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pipe {
    pub length: f64,
    pub diameter: f64,
    pub roughness: f64,
    pub minor_loss: f64,
    pub check_valve: bool,
    /// `Closed` written on the pipe's own line.
    pub closed_on_line: bool,
    /// `Open` written on the pipe's own line (kept for faithful writing).
    pub open_on_line: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pump {
    pub head_curve: Option<String>,
    /// Constant power (hp in US units, kW in SI).
    pub power: Option<f64>,
    pub speed: Option<f64>,
    pub pattern: Option<String>,
    /// EPANET 1.x inline curve numbers: one value is a power; two are a
    /// design head and flow; five are shut-off head, head 1, flow 1, head 2, flow 2.
    pub inline_curve: Option<Vec<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValveKind {
    Prv,
    Psv,
    Pbv,
    Fcv,
    Tcv,
    Gpv,
}

impl ValveKind {
    pub const ALL: [ValveKind; 6] =
        [ValveKind::Prv, ValveKind::Psv, ValveKind::Pbv, ValveKind::Fcv, ValveKind::Tcv, ValveKind::Gpv];

    pub fn keyword(self) -> &'static str {
        match self {
            ValveKind::Prv => "PRV",
            ValveKind::Psv => "PSV",
            ValveKind::Pbv => "PBV",
            ValveKind::Fcv => "FCV",
            ValveKind::Tcv => "TCV",
            ValveKind::Gpv => "GPV",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Valve {
    pub valve: ValveKind,
    pub diameter: f64,
    /// Pressure (PRV/PSV/PBV), flow (FCV) or loss coefficient (TCV); for a GPV
    /// the head-loss curve is in `curve` and this is 0.
    pub setting: f64,
    pub curve: Option<String>,
    pub minor_loss: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub id: String,
    pub factors: Vec<f64>,
    /// Its comment: the comment line above its first line (as EPANET 2.2 keeps it); empty when none.
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub id: String,
    pub points: Vec<(f64, f64)>,
    /// Its comment: the comment line above its first line (as EPANET 2.2 keeps it); empty when none.
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Control {
    pub link: String,
    pub action: ControlAction,
    pub condition: ControlCondition,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ControlAction {
    Open,
    Closed,
    Setting(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ControlCondition {
    Above { node: String, value: f64 },
    Below { node: String, value: f64 },
    /// Elapsed simulation time, seconds (truncated as EPANET does).
    AtTime { time_s: i64 },
    /// Time of day, seconds after midnight.
    AtClockTime { time_s: i64 },
}

/// A rule-based control, kept as its clauses.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    pub premises: Vec<Premise>,
    pub then_actions: Vec<RuleAction>,
    pub else_actions: Vec<RuleAction>,
    pub priority: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conjunction {
    If,
    And,
    Or,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Premise {
    pub conjunction: Conjunction,
    /// `NODE`/`JUNCTION`/`TANK`/`RESERVOIR`/`LINK`/`PIPE`/`PUMP`/`VALVE`/`SYSTEM`.
    pub object: String,
    /// Object id (empty for SYSTEM).
    pub id: String,
    pub variable: String,
    pub relation: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleAction {
    pub object: String,
    pub id: String,
    pub variable: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub flow_units: FlowUnits,
    pub pressure_units: Option<PressureUnits>,
    pub headloss: HeadlossFormula,
    pub hydraulics_file: Option<(String, String)>,
    pub quality: Vec<String>,
    pub viscosity: f64,
    pub diffusivity: f64,
    pub specific_gravity: f64,
    pub trials: u32,
    pub accuracy: f64,
    pub unbalanced: Unbalanced,
    pub pattern: Option<String>,
    pub demand_multiplier: f64,
    pub emitter_exponent: f64,
    pub tolerance: f64,
    pub map: Option<String>,
    pub check_freq: u32,
    pub max_check: u32,
    pub damp_limit: f64,
    pub head_error: f64,
    pub flow_change: f64,
    pub demand_model: DemandModel,
    pub minimum_pressure: f64,
    pub required_pressure: f64,
    pub pressure_exponent: f64,
    /// Option lines this reader keeps but does not interpret.
    pub other: Vec<Vec<String>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            flow_units: FlowUnits::Gpm,
            pressure_units: None,
            headloss: HeadlossFormula::HazenWilliams,
            hydraulics_file: None,
            quality: Vec::new(),
            viscosity: 1.0,
            diffusivity: 1.0,
            specific_gravity: 1.0,
            trials: 200,
            accuracy: 0.001,
            unbalanced: Unbalanced::Stop,
            pattern: None,
            demand_multiplier: 1.0,
            emitter_exponent: 0.5,
            tolerance: 0.01,
            map: None,
            check_freq: 2,
            max_check: 10,
            damp_limit: 0.0,
            head_error: 0.0,
            flow_change: 0.0,
            demand_model: DemandModel::Dda,
            minimum_pressure: 0.0,
            required_pressure: 0.1,
            pressure_exponent: 0.5,
            other: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unbalanced {
    Stop,
    Continue(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemandModel {
    Dda,
    Pda,
}

/// `[TIMES]`, all in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Times {
    pub duration_s: i64,
    pub hydraulic_step_s: i64,
    pub quality_step_s: i64,
    pub rule_step_s: i64,
    pub pattern_step_s: i64,
    pub pattern_start_s: i64,
    pub report_step_s: i64,
    pub report_start_s: i64,
    pub start_clocktime_s: i64,
    pub statistic: String,
    /// Which of the above the file set explicitly (EPANET derives defaults
    /// from each other, so the writer only writes what was given).
    pub given: Vec<String>,
}

impl Default for Times {
    fn default() -> Self {
        Times {
            duration_s: 0,
            hydraulic_step_s: 3600,
            quality_step_s: 300,
            rule_step_s: 360,
            pattern_step_s: 3600,
            pattern_start_s: 0,
            report_step_s: 3600,
            report_start_s: 0,
            start_clocktime_s: 0,
            statistic: "NONE".into(),
            given: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Energy {
    pub lines: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reactions {
    pub lines: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub node: String,
    pub kind: String,
    pub strength: f64,
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mixing {
    pub tank: String,
    pub model: String,
    pub fraction: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub object: String,
    pub id: String,
    pub tag: String,
}

impl Network {
    pub fn junction_count(&self) -> usize {
        self.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Junction(_))).count()
    }
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }
    /// The positions in `nodes` of link `k`'s start and end node where the
    /// reader's record of them still holds (`None` for an end that must be
    /// looked up by id: no record, or the node there has another id).
    pub fn recorded_link_ends(&self, k: usize) -> [Option<usize>; 2] {
        let (Some(link), Some(hint)) = (self.links.get(k), self.link_end_hints.0.get(k)) else {
            return [None, None];
        };
        let at = |i: u32, id: &str| self.nodes.get(i as usize).filter(|n| n.id == id).map(|_| i as usize);
        [at(hint[0], &link.from), at(hint[1], &link.to)]
    }
    pub fn link_index(&self, id: &str) -> Option<usize> {
        self.links.iter().position(|l| l.id == id)
    }
    pub fn pattern(&self, id: &str) -> Option<&Pattern> {
        self.patterns.iter().find(|p| p.id == id)
    }
    pub fn curve(&self, id: &str) -> Option<&Curve> {
        self.curves.iter().find(|c| c.id == id)
    }
}
