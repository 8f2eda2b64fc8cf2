//! Turning a [`Network`] (file units) into the solver's arrays in EPANET's
//! internal units (ft, cfs, s), with EPANET 2.2's conversions and defaults.

use oasis_network::pump_curve::PumpCurve;
use oasis_network::units::{HeadlossFormula, UnitFactors};
use oasis_network::*;

use crate::HydraulicsError;
use crate::batch_math::pow_in_place;

/// A map from element ids: foldhash, seeded at random per map, fast on short
/// ids and not open to ids written to collide (files may come from anyone).
type IdMap<'a> = std::collections::HashMap<&'a str, usize, foldhash::fast::RandomState>;

/// Node and link indices by id, each map built on its first look-up: link
/// ends, controls, rules, sources, mixing, reactions and initial qualities
/// name elements by id, and most networks name no link at all.
pub(crate) struct ElementIds<'a> {
    net: &'a Network,
    nodes: std::cell::OnceCell<IdMap<'a>>,
    links: std::cell::OnceCell<IdMap<'a>>,
    node_scans: std::cell::Cell<usize>,
    link_scans: std::cell::Cell<usize>,
}

impl<'a> ElementIds<'a> {
    pub fn new(net: &'a Network) -> ElementIds<'a> {
        ElementIds { net, nodes: Default::default(), links: Default::default(), node_scans: Default::default(), link_scans: Default::default() }
    }

    pub fn node(&self, id: &str) -> Option<usize> {
        look_up(&self.nodes, &self.node_scans, &self.net.nodes, |n| &n.id, id)
    }

    pub fn link(&self, id: &str) -> Option<usize> {
        look_up(&self.links, &self.link_scans, &self.net.links, |l| &l.id, id)
    }
}

/// Look-ups by scanning, from the end, before a map is built: a few controls
/// naming tanks and pumps (listed after the junctions and pipes) find them
/// at once, while hashing every id costs as much as scanning them all.
const SCANS_BEFORE_MAP: usize = 8;

/// The last element named `id` (as the map, built in order, keeps the last).
fn look_up<'a, T>(
    map: &std::cell::OnceCell<IdMap<'a>>,
    scans: &std::cell::Cell<usize>,
    elements: &'a [T],
    id_of: impl Fn(&'a T) -> &'a String,
    id: &str,
) -> Option<usize> {
    if map.get().is_none() && scans.get() < SCANS_BEFORE_MAP {
        scans.set(scans.get() + 1);
        return elements.iter().rposition(|e| id_of(e) == id);
    }
    let map = map.get_or_init(|| elements.iter().enumerate().map(|(i, e)| (id_of(e).as_str(), i)).collect());
    map.get(id).copied()
}

pub(crate) const QZERO: f64 = 1e-6;
pub(crate) const CBIG: f64 = 1e8;
pub(crate) const CSMALL: f64 = 1e-6;
pub(crate) const BIG: f64 = 1e10;
pub(crate) const MISSING: f64 = -1e10;
pub(crate) const TINY: f64 = 1e-6;
/// Kinematic viscosity of water at 20 °C, ft²/s.
const VISCOSITY_FT2_S: f64 = 1.1e-5;

/// Link types in EPANET's order (the order matters: `type >= PRV` tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum LinkType {
    CvPipe,
    Pipe,
    Pump,
    Prv,
    Psv,
    Pbv,
    Fcv,
    Tcv,
    Gpv,
}

/// Link status codes in EPANET's order (`<= CLOSED` means closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Status {
    XHead,
    TempClosed,
    Closed,
    Open,
    Active,
    XFlow,
    XFcv,
    XPressure,
}

#[derive(Debug, Clone)]
pub(crate) enum PumpKind {
    /// `headloss = h0 + r q^n` at full speed (h0 < 0: head gain).
    Power { h0: f64, r: f64, n: f64 },
    /// Constant horsepower: `r` = -8.814 × hp.
    ConstPower { r: f64 },
    /// Custom curve points in file units.
    Custom { points: Vec<(f64, f64)> },
}

#[derive(Debug, Clone)]
pub(crate) struct PumpData {
    pub kind: PumpKind,
    pub q0: f64,
    pub qmax: f64,
    pub hmax: f64,
    /// Speed pattern (index into `Model::patterns`).
    pub speed_pattern: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct LinkData {
    pub kind: LinkType,
    pub n1: usize,
    pub n2: usize,
    pub diameter_ft: f64,
    pub length_ft: f64,
    /// Roughness (pipes; D-W in ft), or the initial setting (pumps, valves).
    pub kc: f64,
    /// Minor-loss coefficient on the flow² basis.
    pub km: f64,
    /// Resistance coefficient.
    pub r: f64,
    pub status: Status,
    /// Boxed: most links are not pumps, and links are many.
    pub pump: Option<Box<PumpData>>,
    /// Head-loss curve points for a GPV (file units).
    pub gpv_curve: Option<Vec<(f64, f64)>>,
}

#[derive(Debug, Clone)]
pub(crate) struct FixedNode {
    pub node: usize,
    pub h0: f64,
    pub hmin: f64,
    pub hmax: f64,
    /// Cross-section area, ft² (0 for a reservoir).
    pub area: f64,
    pub vmin: f64,
    pub v0: f64,
    pub vmax: f64,
    pub can_overflow: bool,
    pub head_pattern: Option<usize>,
    /// Volume curve (depth, volume) in file units, with the elevation.
    pub volume_curve: Option<Vec<(f64, f64)>>,
}

#[derive(Debug, Clone)]
pub(crate) struct ControlData {
    pub link: usize,
    pub node: Option<usize>,
    pub kind: ControlKind,
    /// Head (ft) for level/pressure controls.
    pub grade: f64,
    pub time_s: i64,
    pub status: Status,
    pub setting: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ControlKind {
    LowLevel,
    HiLevel,
    Timer,
    TimeOfDay,
}

/// Each junction's demand categories (base flow in cfs, pattern index), in
/// one array rather than a small one per junction.
#[derive(Debug, Clone)]
pub(crate) struct Demands {
    start: Vec<usize>,
    demand: Vec<(f64, usize)>,
}

impl Demands {
    pub fn of(&self, junction: usize) -> &[(f64, usize)] {
        &self.demand[self.start[junction]..self.start[junction + 1]]
    }
}

/// The pipes' fixed values in `Model::pipes` order, for the head-loss
/// passes: computed once rather than every iteration (the same operations,
/// the same values), and laid out for passes over many pipes at a time.
#[derive(Debug, Clone)]
pub(crate) struct PipeTable {
    /// The first pipe's link index when the pipes are consecutive links
    /// (the usual order), so that the passes read the link arrays in place.
    pub first: Option<usize>,
    pub r: Vec<f64>,
    pub km: Vec<f64>,
    /// Darcy-Weisbach only (else empty): viscosity × diameter, and the
    /// relative roughness / 3.7.
    pub sv: Vec<f64>,
    pub e37: Vec<f64>,
}

impl PipeTable {
    fn new(links: &[LinkData], pipes: &[usize], formula: HeadlossFormula, viscosity: f64) -> PipeTable {
        let consecutive = pipes.windows(2).all(|w| w[1] == w[0] + 1);
        let dw = formula == HeadlossFormula::DarcyWeisbach;
        let column = |wanted: bool| Vec::with_capacity(if wanted { pipes.len() } else { 0 });
        let mut t = PipeTable {
            first: if consecutive { Some(pipes.first().copied().unwrap_or(0)) } else { None },
            r: column(true),
            km: column(true),
            sv: column(dw),
            e37: column(dw),
        };
        // One pass over the links (which are large) for all the columns.
        for &k in pipes {
            let l = &links[k];
            t.r.push(l.r);
            t.km.push(l.km);
            if dw {
                t.sv.push(viscosity * l.diameter_ft);
                t.e37.push(l.kc / l.diameter_ft / 3.7);
            }
        }
        t
    }
}

/// Everything the solver needs, in internal units.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub njuncs: usize,
    pub nnodes: usize,
    pub elevation: Vec<f64>,
    pub demands: Demands,
    pub patterns: Vec<Vec<f64>>,
    pub emitter_ke: Vec<f64>,
    /// The junctions with an emitter (`emitter_ke != 0`), ascending: the
    /// emitter passes of every iteration walk these rather than every junction.
    pub emitters: Vec<usize>,
    pub fixed: Vec<FixedNode>,
    pub links: Vec<LinkData>,
    /// The valves' link indices in link order: the valve loops of every
    /// iteration walk these rather than every link.
    pub valves: Vec<usize>,
    /// The links whose status `link_status` checks, in link order: check
    /// valves, pumps, FCVs and links to a tank or reservoir. (The XHEAD and
    /// TEMPCLOSED it resets are only ever given to these.)
    pub status_checked: Vec<usize>,
    /// Pipe (with or without check valve) and other link indices, in link
    /// order, for the head-loss passes.
    pub pipes: Vec<usize>,
    pub non_pipes: Vec<usize>,
    pub pipe_table: PipeTable,
    pub controls: Vec<ControlData>,
    pub ucf: UnitFactors,
    pub formula: HeadlossFormula,
    pub hexp: f64,
    pub qexp: f64,
    pub viscosity: f64,
    pub hacc: f64,
    pub htol: f64,
    pub qtol: f64,
    pub rqtol: f64,
    pub max_iter: u32,
    pub extra_iter: i64,
    pub check_freq: u32,
    pub max_check: u32,
    pub damp_limit: f64,
    pub head_error_limit: f64,
    pub flow_change_limit: f64,
    pub dmult: f64,
    pub pda: bool,
    /// Whether a pump has a constant-power curve (its flow update is limited).
    pub has_const_power_pump: bool,
    pub pmin: f64,
    pub preq: f64,
    pub pexp: f64,
}

fn other_option(net: &Network, key: &str) -> Option<f64> {
    net.options
        .other
        .iter()
        .find(|t| t.first().is_some_and(|w| w.eq_ignore_ascii_case(key)))
        .and_then(|t| t.get(1))
        .and_then(|v| v.parse().ok())
}

/// The index of pattern `id`, if it names one. Files with many demand
/// categories name the same few patterns over and over, so the last lookup
/// is kept in `last`.
fn pattern_of<'a>(index: &IdMap<'a>, last: &mut Option<(&'a str, Option<usize>)>, id: &'a Option<String>) -> Option<usize> {
    let id = id.as_deref()?;
    match *last {
        Some((name, p)) if name == id => p,
        _ => {
            let p = index.get(id).copied();
            *last = Some((id, p));
            p
        }
    }
}

/// Each pipe's resistance, in a pass over all pipes (independent divisions
/// overlap; the powers go through `batch_math`, the C library's bits).
fn pipe_resistances(links: &mut [LinkData], pipes: &[usize], formula: HeadlossFormula, hexp: f64) {
    use std::f64::consts::PI;
    match formula {
        HeadlossFormula::HazenWilliams => {
            // 4.727 L / C^1.852 / D^4.871
            let mut c_pow: Vec<f64> = pipes.iter().map(|&k| links[k].kc).collect();
            let mut d_pow: Vec<f64> = pipes.iter().map(|&k| links[k].diameter_ft).collect();
            pow_in_place(&mut c_pow, hexp);
            pow_in_place(&mut d_pow, 4.871);
            for (i, &k) in pipes.iter().enumerate() {
                links[k].r = 4.727 * links[k].length_ft / c_pow[i] / d_pow[i];
            }
        }
        HeadlossFormula::DarcyWeisbach => {
            for &k in pipes {
                let (d, len) = (links[k].diameter_ft, links[k].length_ft);
                links[k].r = len / 2.0 / 32.2 / d / (PI * (d * d) / 4.0).powi(2);
            }
        }
        HeadlossFormula::ChezyManning => {
            let mut d_pow: Vec<f64> = pipes.iter().map(|&k| links[k].diameter_ft / 4.0).collect();
            pow_in_place(&mut d_pow, -1.333);
            for (i, &k) in pipes.iter().enumerate() {
                let (e, d, len) = (links[k].kc, links[k].diameter_ft, links[k].length_ft);
                links[k].r = (4.0 * e / (1.49 * PI * (d * d))).powi(2) * d_pow[i] * len;
            }
        }
    }
}

impl Model {
    pub fn new(net: &Network) -> Result<Model, HydraulicsError> {
        let o = &net.options;
        let ucf = UnitFactors::new(o.flow_units, o.pressure_units, o.specific_gravity);
        // The reader checks that every id a link or control names exists; a
        // network built or edited in code may still name one that does not.
        let ids = ElementIds::new(net);
        let node_index = |id: &str, named_by: &str| {
            ids.node(id).ok_or_else(|| HydraulicsError::Input { code: 203, message: format!("undefined node {id} in {named_by}") })
        };
        let njuncs = net.junction_count();

        // Patterns: index 0 is EPANET's constant pattern; file patterns follow.
        let mut patterns = vec![vec![1.0]];
        let mut pattern_index = IdMap::default();
        for p in &net.patterns {
            pattern_index.insert(p.id.as_str(), patterns.len());
            patterns.push(if p.factors.is_empty() { vec![1.0] } else { p.factors.clone() });
        }
        let default_pattern = pattern_index.get(o.pattern.as_deref().unwrap_or("1")).copied().unwrap_or(0);
        let mut last_pattern = None;
        let mut pat = |id| pattern_of(&pattern_index, &mut last_pattern, id);

        let qexp = 1.0 / o.emitter_exponent;
        let emitter_ucf = ucf.flow.powf(qexp) / ucf.pressure;
        let mut elevation = Vec::with_capacity(net.nodes.len());
        let mut demands = Demands { start: Vec::with_capacity(njuncs + 1), demand: Vec::with_capacity(njuncs) };
        demands.start.push(0);
        let mut emitter_ke = Vec::with_capacity(njuncs);
        let mut fixed = Vec::new();
        for (i, n) in net.nodes.iter().enumerate() {
            let el = n.elevation / ucf.elevation;
            elevation.push(el);
            match &n.kind {
                NodeKind::Junction(j) => {
                    let each = j.demands.iter().map(|d| (d.base / ucf.flow, pat(&d.pattern).unwrap_or(default_pattern)));
                    demands.demand.extend(each);
                    demands.start.push(demands.demand.len());
                    let c = j.emitter_coefficient;
                    emitter_ke.push(if c > 0.0 { emitter_ucf / c.powf(qexp) } else { 0.0 });
                }
                NodeKind::Reservoir(r) => fixed.push(FixedNode {
                    node: i,
                    h0: el,
                    hmin: el,
                    hmax: el,
                    area: 0.0,
                    vmin: 0.0,
                    v0: 0.0,
                    vmax: 0.0,
                    can_overflow: false,
                    head_pattern: pat(&r.pattern),
                    volume_curve: None,
                }),
                NodeKind::Tank(t) => {
                    let (vmin, v0, vmax, diameter) = tank_volumes(net, t);
                    let volume_curve = t.volume_curve.as_deref().and_then(|c| net.curve(c)).map(|c| c.points.clone());
                    let d = diameter / ucf.elevation;
                    fixed.push(FixedNode {
                        node: i,
                        h0: el + t.initial_level / ucf.elevation,
                        hmin: el + t.min_level / ucf.elevation,
                        hmax: el + t.max_level / ucf.elevation,
                        // A zero diameter makes a tank a reservoir, as in EPANET.
                        area: std::f64::consts::PI * (d * d) / 4.0,
                        vmin: vmin / ucf.volume,
                        v0: v0 / ucf.volume,
                        vmax: vmax / ucf.volume,
                        can_overflow: t.overflow,
                        head_pattern: None,
                        volume_curve,
                    })
                }
            }
        }

        let formula = o.headloss;
        let hexp = if formula == HeadlossFormula::HazenWilliams { 1.852 } else { 2.0 };
        let mut links = Vec::with_capacity(net.links.len());
        let (mut pipes, mut non_pipes, mut valves, mut status_checked) = (Vec::with_capacity(net.links.len()), Vec::new(), Vec::new(), Vec::new());
        let mut has_const_power_pump = false;
        for (k, l) in net.links.iter().enumerate() {
            // The reader's record of the ends spares a look-up by id.
            let [h1, h2] = net.recorded_link_ends(k);
            let n1 = h1.map_or_else(|| node_index(&l.from, &format!("link {}", l.id)), Ok)?;
            let n2 = h2.map_or_else(|| node_index(&l.to, &format!("link {}", l.id)), Ok)?;
            if n1 == n2 {
                // The reader rejects this; the matrix has no entry for it.
                return Err(HydraulicsError::Input { code: 222, message: format!("link {} has the same start and end node {}", l.id, l.from) });
            }
            let link = match &l.kind {
                LinkKind::Pipe(p) => {
                    let d = p.diameter / ucf.diameter;
                    let kc = if formula == HeadlossFormula::DarcyWeisbach {
                        p.roughness / (1000.0 * ucf.elevation)
                    } else {
                        p.roughness
                    };
                    let mut status = if p.closed_on_line { Status::Closed } else { Status::Open };
                    match l.initial_status {
                        Some(InitialStatus::Open) => status = Status::Open,
                        Some(InitialStatus::Closed) => status = Status::Closed,
                        _ => {}
                    }
                    LinkData {
                        kind: if p.check_valve { LinkType::CvPipe } else { LinkType::Pipe },
                        n1,
                        n2,
                        diameter_ft: d,
                        length_ft: p.length / ucf.length,
                        kc,
                        km: 0.02517 * p.minor_loss / d.powi(2) / d.powi(2),
                        r: 0.0,
                        status,
                        pump: None,
                        gpv_curve: None,
                    }
                }
                LinkKind::Pump(p) => {
                    let mut data = pump_data(net, p, &ucf, &l.id)?;
                    data.speed_pattern = pat(&p.pattern);
                    let mut kc = p.speed.unwrap_or(1.0);
                    let mut status = Status::Open;
                    match l.initial_status {
                        Some(InitialStatus::Open) => kc = 1.0,
                        Some(InitialStatus::Closed) => status = Status::Closed,
                        Some(InitialStatus::Value(y)) => {
                            kc = y;
                            status = if y == 0.0 { Status::Closed } else { Status::Open };
                        }
                        None => {}
                    }
                    LinkData {
                        kind: LinkType::Pump,
                        n1,
                        n2,
                        diameter_ft: 0.0,
                        length_ft: 0.0,
                        kc,
                        km: 0.0,
                        r: CBIG,
                        status,
                        pump: Some(Box::new(data)),
                        gpv_curve: None,
                    }
                }
                LinkKind::Valve(v) => {
                    let d = v.diameter / ucf.diameter;
                    let kind = match v.valve {
                        ValveKind::Prv => LinkType::Prv,
                        ValveKind::Psv => LinkType::Psv,
                        ValveKind::Pbv => LinkType::Pbv,
                        ValveKind::Fcv => LinkType::Fcv,
                        ValveKind::Tcv => LinkType::Tcv,
                        ValveKind::Gpv => LinkType::Gpv,
                    };
                    let convert = |y: f64| match kind {
                        LinkType::Prv | LinkType::Psv | LinkType::Pbv => y / ucf.pressure,
                        LinkType::Fcv => y / ucf.flow,
                        _ => y,
                    };
                    // A GPV's setting is the index of its head-loss curve, as EPANET reports it.
                    let setting = match &v.curve {
                        Some(c) => net.curves.iter().position(|x| &x.id == c).map_or(0.0, |i| (i + 1) as f64),
                        None => convert(v.setting),
                    };
                    // EPANET's starting statuses: a GPV is OPEN, other valves ACTIVE
                    // (as its output files show).
                    let start = if kind == LinkType::Gpv { Status::Open } else { Status::Active };
                    let (mut kc, mut status) = (setting, start);
                    match l.initial_status {
                        Some(InitialStatus::Open) if kind != LinkType::Gpv => (kc, status) = (MISSING, Status::Open),
                        Some(InitialStatus::Closed) if kind != LinkType::Gpv => (kc, status) = (MISSING, Status::Closed),
                        Some(InitialStatus::Open) => status = Status::Open,
                        Some(InitialStatus::Closed) => status = Status::Closed,
                        Some(InitialStatus::Value(y)) => (kc, status) = (convert(y), Status::Active),
                        None => {}
                    }
                    let gpv_curve = v.curve.as_deref().and_then(|c| net.curve(c)).map(|c| c.points.clone());
                    LinkData {
                        kind,
                        n1,
                        n2,
                        diameter_ft: d,
                        length_ft: 0.0,
                        kc,
                        km: 0.02517 * v.minor_loss / d.powi(2) / d.powi(2),
                        r: CSMALL,
                        status,
                        pump: None,
                        gpv_curve,
                    }
                }
            };
            // The index lists the iterations walk, in link order.
            match link.kind {
                LinkType::CvPipe | LinkType::Pipe => pipes.push(k),
                kind => {
                    non_pipes.push(k);
                    if kind >= LinkType::Prv {
                        valves.push(k);
                    }
                }
            }
            if matches!(link.kind, LinkType::CvPipe | LinkType::Pump | LinkType::Fcv) || n1 >= njuncs || n2 >= njuncs {
                status_checked.push(k);
            }
            has_const_power_pump |= matches!(link.pump.as_deref(), Some(PumpData { kind: PumpKind::ConstPower { .. }, .. }));
            links.push(link);
        }

        let mut controls = Vec::new();
        for c in &net.controls {
            let k = ids.link(&c.link).ok_or_else(|| HydraulicsError::Input {
                code: 204,
                message: format!("undefined link {} in a control", c.link),
            })?;
            let link = &links[k];
            let (mut status, mut setting) = (Status::Active, MISSING);
            match c.action {
                ControlAction::Open => {
                    status = Status::Open;
                    if link.kind == LinkType::Pump {
                        setting = 1.0;
                    }
                    if link.kind == LinkType::Gpv {
                        setting = link.kc;
                    }
                }
                ControlAction::Closed => {
                    status = Status::Closed;
                    if link.kind == LinkType::Pump {
                        setting = 0.0;
                    }
                    if link.kind == LinkType::Gpv {
                        setting = link.kc;
                    }
                }
                ControlAction::Setting(y) => {
                    setting = match link.kind {
                        LinkType::Prv | LinkType::Psv | LinkType::Pbv => y / ucf.pressure,
                        LinkType::Fcv => y / ucf.flow,
                        _ => y,
                    };
                    if matches!(link.kind, LinkType::Pump | LinkType::Pipe | LinkType::CvPipe) {
                        status = if y == 0.0 { Status::Closed } else { Status::Open };
                    }
                }
            }
            let (kind, node, grade, time_s) = match &c.condition {
                ControlCondition::Above { node, value } | ControlCondition::Below { node, value } => {
                    let j = node_index(node, &format!("a control on link {}", c.link))?;
                    let grade = if j < njuncs {
                        elevation[j] + value / ucf.pressure
                    } else {
                        elevation[j] + value / ucf.elevation
                    };
                    let kind = if matches!(c.condition, ControlCondition::Above { .. }) {
                        ControlKind::HiLevel
                    } else {
                        ControlKind::LowLevel
                    };
                    (kind, Some(j), grade, 0)
                }
                ControlCondition::AtTime { time_s } => (ControlKind::Timer, None, 0.0, *time_s),
                ControlCondition::AtClockTime { time_s } => (ControlKind::TimeOfDay, None, 0.0, *time_s),
            };
            controls.push(ControlData { link: k, node, kind, grade, time_s, status, setting });
        }

        let viscosity = if o.viscosity > 1e-3 {
            o.viscosity * VISCOSITY_FT2_S
        } else {
            o.viscosity / (ucf.elevation * ucf.elevation)
        };
        let mut preq = o.required_pressure;
        if preq - o.minimum_pressure < 0.1 {
            preq = o.minimum_pressure + 0.1;
        }
        pipe_resistances(&mut links, &pipes, formula, hexp);
        let pipe_table = PipeTable::new(&links, &pipes, formula, viscosity);
        Ok(Model {
            njuncs,
            nnodes: net.nodes.len(),
            elevation,
            demands,
            patterns,
            emitters: (0..njuncs).filter(|&i| emitter_ke[i] != 0.0).collect(),
            emitter_ke,
            fixed,
            links,
            valves,
            status_checked,
            pipes,
            non_pipes,
            pipe_table,
            controls,
            ucf,
            formula,
            hexp,
            qexp,
            viscosity,
            hacc: o.accuracy.clamp(1e-5, 0.1),
            htol: other_option(net, "HTOL").unwrap_or(0.0005),
            qtol: other_option(net, "QTOL").unwrap_or(0.0001),
            rqtol: other_option(net, "RQTOL").unwrap_or(1e-7),
            max_iter: o.trials,
            extra_iter: match o.unbalanced {
                Unbalanced::Stop => -1,
                Unbalanced::Continue(n) => n as i64,
            },
            check_freq: o.check_freq,
            max_check: o.max_check,
            damp_limit: o.damp_limit,
            head_error_limit: o.head_error / ucf.head,
            flow_change_limit: o.flow_change / ucf.flow,
            dmult: o.demand_multiplier,
            pda: o.demand_model == DemandModel::Pda,
            has_const_power_pump,
            pmin: o.minimum_pressure / ucf.pressure,
            preq: preq / ucf.pressure,
            pexp: o.pressure_exponent,
        })
    }

    /// Index in `fixed` of the tank or reservoir at node `n` (they follow the
    /// junctions, in node order); None for a junction.
    pub fn fixed_index(&self, n: usize) -> Option<usize> {
        let j = n.checked_sub(self.njuncs)?;
        debug_assert!(self.fixed.get(j).is_none_or(|f| f.node == n));
        (j < self.fixed.len()).then_some(j)
    }

    /// Volume of a tank (ft³) at head `h`, as EPANET's `tankvolume`.
    pub fn tank_volume(&self, t: &FixedNode, h: f64) -> f64 {
        match &t.volume_curve {
            Some(points) => {
                let depth_user = (h - self.elevation[t.node]) * self.ucf.head;
                interpolate(points, depth_user) / self.ucf.volume
            }
            None => t.vmin + (h - t.hmin) * t.area,
        }
    }

    /// Head of a tank (ft) holding volume `v`, as EPANET's `tankgrade`.
    pub fn tank_grade(&self, t: &FixedNode, v: f64) -> f64 {
        match &t.volume_curve {
            Some(points) => {
                let swapped: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (y, x)).collect();
                let depth_user = interpolate(&swapped, v * self.ucf.volume);
                self.elevation[t.node] + depth_user / self.ucf.head
            }
            None => t.hmin + (v - t.vmin) / t.area,
        }
    }
}

/// A tank's minimum, initial and maximum volume and its nominal diameter, in
/// file units, as EPANET computes them: from the diameter, or from the volume
/// curve (whose end points then give the diameter).
pub fn tank_volumes(net: &Network, t: &oasis_network::Tank) -> (f64, f64, f64, f64) {
    let volume_curve = t.volume_curve.as_deref().and_then(|c| net.curve(c)).map(|c| &c.points);
    match volume_curve {
        Some(p) if t.diameter != 0.0 && !p.is_empty() => {
            let n = p.len() - 1;
            let slope = (p[n].1 - p[0].1) / (p[n].0 - p[0].0);
            (
                interpolate(p, t.min_level),
                interpolate(p, t.initial_level),
                interpolate(p, t.max_level),
                (4.0 * slope / std::f64::consts::PI).sqrt(),
            )
        }
        _ => {
            let area = std::f64::consts::PI * (t.diameter * t.diameter) / 4.0;
            let vmin = if t.min_volume > 0.0 { t.min_volume } else { area * t.min_level };
            (vmin, vmin + area * (t.initial_level - t.min_level), vmin + area * (t.max_level - t.min_level), t.diameter)
        }
    }
}

/// A tank's volume (file units) when its water stands at `level` above its bottom.
pub fn tank_volume_at(net: &Network, t: &oasis_network::Tank, level: f64) -> f64 {
    match t.volume_curve.as_deref().and_then(|c| net.curve(c)) {
        Some(c) if !c.points.is_empty() => interpolate(&c.points, level),
        _ => {
            let (vmin, _, _, d) = tank_volumes(net, t);
            vmin + std::f64::consts::PI * (d * d) / 4.0 * (level - t.min_level)
        }
    }
}

/// Linear interpolation on a curve, clamped to its end values, with
/// EPANET's `interp` arithmetic.
pub(crate) fn interpolate(points: &[(f64, f64)], x: f64) -> f64 {
    let n = points.len();
    if n == 0 {
        return 0.0;
    }
    if x <= points[0].0 {
        return points[0].1;
    }
    for k in 1..n {
        if points[k].0 >= x {
            let dx = points[k].0 - points[k - 1].0;
            let dy = points[k].1 - points[k - 1].1;
            if dx.abs() < TINY {
                return points[k].1;
            }
            return points[k].1 - (points[k].0 - x) * dy / dx;
        }
    }
    points[n - 1].1
}

fn pump_data(net: &Network, p: &Pump, ucf: &UnitFactors, id: &str) -> Result<PumpData, HydraulicsError> {
    let invalid = |why: &str| HydraulicsError::Input { code: 227, message: format!("invalid head curve for pump {id}: {why}") };
    let power = match &p.inline_curve {
        Some(values) if values.len() == 1 => Some(values[0]),
        _ => p.power,
    };
    let fitted = match (&p.inline_curve, &p.head_curve) {
        (Some(values), _) => PumpCurve::from_inline(values).map_err(invalid)?,
        (None, Some(curve)) => {
            let c = net.curve(curve).ok_or_else(|| invalid("curve not found"))?;
            let fitted = PumpCurve::fit(&c.points).map_err(invalid)?;
            if let PumpCurve::Custom { first_head, mid_flow, max_flow } = fitted {
                return Ok(PumpData {
                    kind: PumpKind::Custom { points: c.points.clone() },
                    q0: mid_flow / ucf.flow,
                    qmax: max_flow / ucf.flow,
                    hmax: first_head / ucf.head,
                    speed_pattern: None,
                });
            }
            Some(fitted)
        }
        (None, None) => None,
    };
    match fitted {
        Some(PumpCurve::Power { shutoff_head, r, exponent, design_flow, max_flow }) => Ok(PumpData {
            kind: PumpKind::Power {
                h0: -shutoff_head / ucf.head,
                r: r * (ucf.flow.powf(exponent) / ucf.head),
                n: exponent,
            },
            q0: design_flow / ucf.flow,
            qmax: max_flow / ucf.flow,
            hmax: shutoff_head / ucf.head,
            speed_pattern: None,
        }),
        Some(PumpCurve::Custom { .. }) => unreachable!("custom curves returned above"),
        None => match power {
            Some(hp) => Ok(PumpData {
                kind: PumpKind::ConstPower { r: -8.814 * hp / ucf.power },
                q0: 1.0,
                qmax: BIG,
                hmax: BIG,
                speed_pattern: None,
            }),
            None => Err(HydraulicsError::Input { code: 226, message: format!("no head curve or power rating for pump {id}") }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first look-ups scan, the later ones use the map: both give every
    /// element's own index, and None for an id that is not there.
    #[test]
    fn element_ids_scan_then_map_alike() {
        let mut text = String::from("[JUNCTIONS]\n");
        for i in 0..30 {
            text += &format!(" J{i} 10 1\n");
        }
        text += "[RESERVOIRS]\n R1 60\n[PIPES]\n P0 R1 J0 100 200 120\n";
        for i in 1..30 {
            text += &format!(" P{i} J{} J{i} 100 200 120\n", i - 1);
        }
        let net = read_inp(text.as_bytes(), "ids.inp").unwrap();
        let ids = ElementIds::new(&net);
        for round in 0..2 {
            for (i, node) in net.nodes.iter().enumerate().rev() {
                assert_eq!(ids.node(&node.id), Some(i), "round {round}, node {}", node.id);
            }
            for (k, link) in net.links.iter().enumerate() {
                assert_eq!(ids.link(&link.id), Some(k), "round {round}, link {}", link.id);
            }
            assert_eq!((ids.node("J99"), ids.link("P99")), (None, None));
        }
        assert!(ids.nodes.get().is_some() && ids.links.get().is_some(), "past the scans, the maps are built");
    }
}
