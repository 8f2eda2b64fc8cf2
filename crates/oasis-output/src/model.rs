//! The network as EPANET's output routines see it: its codes for link types,
//! flow and pressure units, quality and statistic options; the input data in
//! EPANET's internal units (feet, cfs); the time parameters after EPANET's own
//! adjustments. Everything the two writers share lives here.

use oasis_network::units::{FlowUnits, PressureUnits, UnitFactors};
use oasis_network::{LinkKind, Network, NodeKind, ValveKind};

/// EPANET's link type codes (`LinkType` in its `types.h`).
pub(crate) mod link_type {
    pub const CV_PIPE: i32 = 0;
    pub const PIPE: i32 = 1;
    pub const PUMP: i32 = 2;
    pub const PRV: i32 = 3;
    pub const PSV: i32 = 4;
    pub const PBV: i32 = 5;
    pub const FCV: i32 = 6;
    pub const TCV: i32 = 7;
    pub const GPV: i32 = 8;
}

/// `[TIMES] STATISTIC`: EPANET's `Tstatflag` codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    Series = 0,
    Average = 1,
    Minimum = 2,
    Maximum = 3,
    Range = 4,
}

/// What `[OPTIONS] QUALITY` asks for, as EPANET records it in its output.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QualityInfo {
    /// 0 none, 1 chemical, 2 age, 3 trace.
    pub flag: i32,
    /// 1-based node index of a trace source, else 0.
    pub trace_node: i32,
    pub chem_name: String,
    pub chem_units: String,
    /// EPANET's `ChemUnits`, shown under the quality column of node tables:
    /// the units, except for a trace, where it is the source node's ID.
    pub header_units: String,
}

/// Time parameters after EPANET 2.2's `adjustdata`, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TimeParams {
    pub duration_s: i64,
    pub hydraulic_step_s: i64,
    pub report_start_s: i64,
    pub report_step_s: i64,
}

pub(crate) struct Model<'a> {
    pub net: &'a Network,
    pub ucf: UnitFactors,
    pub flow_units: FlowUnits,
    /// EPANET's `Pressflag`: 0 psi, 1 kPa, 2 metres.
    pub pressure_flag: i32,
    pub njuncs: usize,
    pub npipes: usize,
    pub npumps: usize,
    pub nvalves: usize,
    /// Tanks and reservoirs (EPANET's `Ntanks`), as (node index, area ft²).
    pub tanks: Vec<(usize, f64)>,
    pub link_type: Vec<i32>,
    pub n1: Vec<usize>,
    pub n2: Vec<usize>,
    pub elevation_ft: Vec<f64>,
    pub length_ft: Vec<f64>,
    pub diameter_ft: Vec<f64>,
    pub times: TimeParams,
    pub statistic: Statistic,
    pub quality: QualityInfo,
    /// Node quality EPANET writes when it runs no quality analysis: the
    /// initial quality of `[QUALITY]`, unchanged through the run.
    pub initial_quality: Vec<f32>,
}

/// EPANET's litres per cubic foot (and L/s per cfs), for energy per volume
/// in SI and for concentrations per litre.
pub(crate) const LPS_PER_CFS: f64 = 28.317;
pub(crate) const GPM_PER_CFS: f64 = 448.831;

impl<'a> Model<'a> {
    pub fn new(net: &'a Network) -> Model<'a> {
        let o = &net.options;
        let ucf = UnitFactors::new(o.flow_units, o.pressure_units, o.specific_gravity);
        let pressure_flag = if ucf.si {
            match o.pressure_units {
                Some(PressureUnits::Kpa) => 1,
                _ => 2,
            }
        } else {
            0
        };
        // One look-up table, not a search per link end (networks are large).
        let index: std::collections::HashMap<&str, usize> =
            net.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
        let node_index = |id: &str| index.get(id).copied().unwrap_or(0);
        let mut link_type = Vec::with_capacity(net.links.len());
        let mut n1 = Vec::new();
        let mut n2 = Vec::new();
        let mut length_ft = Vec::new();
        let mut diameter_ft = Vec::new();
        let (mut npipes, mut npumps, mut nvalves) = (0, 0, 0);
        for l in &net.links {
            n1.push(node_index(&l.from));
            n2.push(node_index(&l.to));
            let (t, len, d) = match &l.kind {
                LinkKind::Pipe(p) => {
                    npipes += 1;
                    let t = if p.check_valve {
                        link_type::CV_PIPE
                    } else {
                        link_type::PIPE
                    };
                    (t, p.length / ucf.length, p.diameter / ucf.diameter)
                }
                LinkKind::Pump(_) => {
                    npumps += 1;
                    (link_type::PUMP, 0.0, 0.0)
                }
                LinkKind::Valve(v) => {
                    nvalves += 1;
                    let t = match v.valve {
                        ValveKind::Prv => link_type::PRV,
                        ValveKind::Psv => link_type::PSV,
                        ValveKind::Pbv => link_type::PBV,
                        ValveKind::Fcv => link_type::FCV,
                        ValveKind::Tcv => link_type::TCV,
                        ValveKind::Gpv => link_type::GPV,
                    };
                    (t, 0.0, v.diameter / ucf.diameter)
                }
            };
            link_type.push(t);
            length_ft.push(len);
            diameter_ft.push(d);
        }
        let mut tanks = Vec::new();
        let mut njuncs = 0;
        for (i, n) in net.nodes.iter().enumerate() {
            match &n.kind {
                NodeKind::Junction(_) => njuncs += 1,
                NodeKind::Reservoir(_) => tanks.push((i, 0.0)),
                NodeKind::Tank(t) => {
                    let curve = t.volume_curve.as_deref().and_then(|c| net.curve(c));
                    // EPANET replaces the diameter of a tank with a volume curve by a
                    // nominal one, (ΔV/Δh over the curve) as a circle's area; a tank
                    // given diameter 0 keeps area 0 and so counts as a reservoir.
                    let diameter = match curve {
                        Some(c) if t.diameter != 0.0 && c.points.len() > 1 => {
                            let (x0, y0) = c.points[0];
                            let (xn, yn) = c.points[c.points.len() - 1];
                            let a = (yn - y0) / (xn - x0);
                            (4.0 * a / std::f64::consts::PI).sqrt()
                        }
                        _ => t.diameter,
                    };
                    let d_ft = diameter / ucf.elevation;
                    let area = std::f64::consts::PI * (d_ft * d_ft) / 4.0;
                    tanks.push((i, area));
                }
            }
        }
        let elevation_ft = net
            .nodes
            .iter()
            .map(|n| n.elevation / ucf.elevation)
            .collect();
        let quality = quality_info(net);
        let mut initial_quality = vec![0.0f32; net.nodes.len()];
        if quality.flag == 0 {
            for (id, c0) in &net.quality {
                if let Some(&i) = index.get(id.as_str()) {
                    initial_quality[i] = *c0 as f32;
                }
            }
        }
        Model {
            net,
            ucf,
            flow_units: o.flow_units,
            pressure_flag,
            njuncs,
            npipes,
            npumps,
            nvalves,
            tanks,
            link_type,
            n1,
            n2,
            elevation_ft,
            length_ft,
            diameter_ft,
            times: time_params(net),
            statistic: statistic(&net.times.statistic),
            quality,
            initial_quality,
        }
    }

    pub fn nnodes(&self) -> usize {
        self.net.nodes.len()
    }
    pub fn nlinks(&self) -> usize {
        self.net.links.len()
    }

    /// The `Flowflag` code: EPANET's order of flow units is the model's order.
    pub fn flow_flag(&self) -> i32 {
        FlowUnits::ALL
            .iter()
            .position(|u| *u == self.flow_units)
            .unwrap_or(0) as i32
    }

    /// True for a tank or reservoir that EPANET treats as a reservoir (area 0).
    pub fn is_reservoir(&self, node: usize) -> bool {
        self.tanks.iter().any(|&(n, a)| n == node && a == 0.0)
    }
}

fn statistic(word: &str) -> Statistic {
    let w = word.to_ascii_uppercase();
    // EPANET matches these keywords by their leading letters.
    if w.starts_with("AVERAGE") || w.starts_with("AVG") {
        Statistic::Average
    } else if w.starts_with("MINIMUM") || w.starts_with("MIN") {
        Statistic::Minimum
    } else if w.starts_with("MAXIMUM") || w.starts_with("MAX") {
        Statistic::Maximum
    } else if w.starts_with("RANGE") {
        Statistic::Range
    } else {
        Statistic::Series
    }
}

/// EPANET 2.2's `adjustdata` on the time parameters the output depends on.
fn time_params(net: &Network) -> TimeParams {
    let t = &net.times;
    let pattern_step = if t.pattern_step_s <= 0 {
        3600
    } else {
        t.pattern_step_s
    };
    let report_step = if t.report_step_s <= 0 {
        pattern_step
    } else {
        t.report_step_s
    };
    let mut hstep = if t.hydraulic_step_s <= 0 {
        3600
    } else {
        t.hydraulic_step_s
    };
    hstep = hstep.min(pattern_step).min(report_step);
    let report_start = if t.report_start_s > t.duration_s {
        0
    } else {
        t.report_start_s
    };
    TimeParams {
        duration_s: t.duration_s,
        hydraulic_step_s: hstep,
        report_start_s: report_start,
        report_step_s: report_step,
    }
}

/// `[OPTIONS] QUALITY` as EPANET 2.2 records it: the names are set from the
/// option even for a single-period run, where the analysis itself is off.
fn quality_info(net: &Network) -> QualityInfo {
    let q = &net.options.quality;
    let starts = |w: &str| {
        q.first()
            .is_some_and(|t| t.to_ascii_uppercase().starts_with(w))
    };
    let mut info = QualityInfo {
        flag: 0,
        trace_node: 0,
        chem_name: "Chemical".into(),
        chem_units: "mg/L".into(),
        header_units: String::new(),
    };
    if q.is_empty() || starts("NONE") {
    } else if starts("CHEM") {
        info.flag = 1;
    } else if starts("AGE") {
        info = QualityInfo {
            flag: 2,
            trace_node: 0,
            chem_name: "AGE".into(),
            chem_units: "hrs".into(),
            header_units: String::new(),
        };
    } else if starts("TRACE") {
        let node = q
            .get(1)
            .and_then(|id| net.node_index(id))
            .map_or(0, |i| i as i32 + 1);
        info = QualityInfo {
            flag: 3,
            trace_node: node,
            chem_name: "% from".into(),
            chem_units: "% from".into(),
            header_units: q.get(1).cloned().unwrap_or_default(),
        };
    } else {
        info.flag = 1;
        info.chem_name = q[0].clone();
        if let Some(u) = q.get(1) {
            info.chem_units = u.clone();
        }
    }
    if info.header_units.is_empty() {
        info.header_units = info.chem_units.clone();
    }
    // A single-period run has no quality analysis in EPANET, and then the
    // quality field has no units.
    if info.flag == 0 || net.times.duration_s == 0 {
        info.flag = 0;
        info.chem_units = String::new();
    }
    info
}
