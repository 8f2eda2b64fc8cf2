//! The float32 results EPANET stores for one reporting period.
//!
//! EPANET does not write its double-precision solution to the `.out` file
//! directly: the hydraulic run first saves heads, demands, flows, statuses and
//! settings as float32 in internal units (feet, cfs) to its scratch hydraulics
//! file, and the output step reads them back and derives everything else
//! (pressure, velocity, head loss, friction factor) from those rounded values
//! before converting to the file's units and rounding again. Reproducing that
//! double rounding is what makes the files equal bit for bit.

use oasis_hydraulics::{LinkStatus, QualitySnapshot, Snapshot};

use crate::model::{Model, Statistic, link_type};

/// Node variables in file order: demand, head, pressure, quality.
pub(crate) const NODE_VARS: usize = 4;
/// Link variables in file order: flow, velocity, head loss, quality, status,
/// setting, reaction rate, friction factor.
pub(crate) const LINK_VARS: usize = 8;

/// One period's results exactly as the `.out` file holds them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PeriodValues {
    pub node: [Vec<f32>; NODE_VARS],
    pub link: [Vec<f32>; LINK_VARS],
}

/// EPANET's `TINY`, below which a flow gets no friction factor.
const TINY: f64 = 1e-6;

/// `q` is the water quality at the same time, when a quality analysis ran.
pub(crate) fn period_values(m: &Model, s: &Snapshot, q: Option<&QualitySnapshot>) -> PeriodValues {
    let u = &m.ucf;
    let nn = m.nnodes();
    let nl = m.nlinks();
    // Round trip through the scratch file: internal units, float32.
    let head: Vec<f64> = (0..nn)
        .map(|i| f64::from((s.nodes[i].head / u.head) as f32))
        .collect();
    let demand: Vec<f64> = (0..nn)
        .map(|i| f64::from((s.nodes[i].demand / u.flow) as f32))
        .collect();
    let closed: Vec<bool> = s
        .links
        .iter()
        .map(|l| l.status_code.code() <= LinkStatus::Closed.code())
        .collect();
    let flow: Vec<f64> = (0..nl)
        .map(|k| {
            if closed[k] {
                0.0
            } else {
                f64::from((s.links[k].flow / u.flow) as f32)
            }
        })
        .collect();

    let node = [
        demand.iter().map(|d| (d * u.flow) as f32).collect(),
        head.iter().map(|h| (h * u.head) as f32).collect(),
        (0..nn)
            .map(|i| ((head[i] - m.elevation_ft[i]) * u.pressure) as f32)
            .collect(),
        match q {
            // Quality values are EPANET's doubles in the file's units, rounded once.
            Some(q) => q.nodes.iter().map(|&c| c as f32).collect(),
            None => m.initial_quality.clone(),
        },
    ];

    let mut velocity = vec![0.0f32; nl];
    let mut headloss = vec![0.0f32; nl];
    let mut status = vec![0.0f32; nl];
    let mut setting = vec![0.0f32; nl];
    let mut friction = vec![0.0f32; nl];
    for k in 0..nl {
        let t = m.link_type[k];
        let d = m.diameter_ft[k];
        if t != link_type::PUMP {
            let area = std::f64::consts::PI * (d * d) / 4.0;
            velocity[k] = (flow[k].abs() / area * u.velocity) as f32;
        }
        let dh = head[m.n1[k]] - head[m.n2[k]];
        if !closed[k] {
            let h = if t == link_type::PUMP { dh } else { dh.abs() };
            headloss[k] = if t <= link_type::PIPE {
                // Pipes: per 1000 length units, a ratio of two lengths.
                (1000.0 * h / m.length_ft[k]) as f32
            } else {
                (h * u.head) as f32
            };
        }
        status[k] = f32::from(s.links[k].status_code.code());
        setting[k] = stored_setting(m, k, s.links[k].setting);
        if t <= link_type::PIPE && flow[k].abs() > TINY {
            // Darcy-Weisbach f = 2 g h D / (L V²) written with Q: 39.725 = 2·32.2·(π/4)².
            let f = 39.725 * dh.abs() * d.powf(5.0) / m.length_ft[k] / (flow[k] * flow[k]);
            friction[k] = f as f32;
        }
    }
    let link = [
        flow.iter().map(|q| (q * u.flow) as f32).collect(),
        velocity,
        headloss,
        q.map_or_else(
            || vec![0.0; nl],
            |q| q.links.iter().map(|&c| c as f32).collect(),
        ),
        status,
        setting,
        reaction_rates(m, q, nl),
        friction,
    ];
    PeriodValues { node, link }
}

/// Pipe reaction rates as EPANET writes them: its internal rate (mass per ft³
/// per day) converted to per litre for a chemical (× 1/28.317), as is for
/// age and trace; 0 without a quality analysis.
fn reaction_rates(m: &Model, q: Option<&QualitySnapshot>, nl: usize) -> Vec<f32> {
    let Some(q) = q.filter(|q| q.link_reaction_rates.len() == nl) else {
        return vec![0.0; nl];
    };
    let ccf = if m.quality.flag == 1 {
        1.0 / crate::model::LPS_PER_CFS
    } else {
        1.0
    };
    q.link_reaction_rates
        .iter()
        .map(|&r| (r * ccf) as f32)
        .collect()
}

/// The setting EPANET writes: its internal setting (float32 round trip), then
/// converted only for pressure and flow valves. Pipes keep their internal
/// roughness (for Darcy-Weisbach that is in feet/1000), GPVs get 0.
fn stored_setting(m: &Model, k: usize, user: f64) -> f32 {
    let u = &m.ucf;
    let dw = m.net.options.headloss == oasis_network::units::HeadlossFormula::DarcyWeisbach;
    match m.link_type[k] {
        link_type::CV_PIPE | link_type::PIPE => {
            let internal = if dw {
                user / (1000.0 * u.elevation)
            } else {
                user
            };
            internal as f32
        }
        link_type::PRV | link_type::PSV | link_type::PBV => {
            let internal = f64::from((user / u.pressure) as f32);
            (internal * u.pressure) as f32
        }
        link_type::FCV => {
            let internal = f64::from((user / u.flow) as f32);
            (internal * u.flow) as f32
        }
        link_type::PUMP | link_type::TCV => user as f32,
        _ => 0.0,
    }
}

/// EPANET's time statistic over all periods (`savetimestat`): one period
/// with the average, minimum, maximum or range of each value, in float32.
pub(crate) fn time_statistic(
    stat: Statistic,
    periods: &[PeriodValues],
    nn: usize,
    nl: usize,
) -> PeriodValues {
    let reduce = |series: &dyn Fn(usize) -> Vec<f32>,
                  n: usize,
                  is_flow: bool,
                  is_status: bool|
     -> Vec<f32> {
        let mut s1 = vec![0.0f32; n];
        let mut s2 = vec![0.0f32; n];
        if stat != Statistic::Average {
            // EPANET starts from ±MISSING (1e10).
            s1 = vec![1e10; n];
            s2 = vec![-1e10; n];
        }
        for p in 0..periods.len() {
            let x = series(p);
            for i in 0..n {
                let mut v = x[i];
                if is_flow {
                    v = v.abs();
                }
                if is_status {
                    v = if v >= f32::from(LinkStatus::Open.code()) {
                        1.0
                    } else {
                        0.0
                    };
                }
                if stat == Statistic::Average {
                    s1[i] += v;
                } else {
                    s1[i] = s1[i].min(v);
                    s2[i] = s2[i].max(v);
                }
            }
        }
        let mut out: Vec<f32> = match stat {
            Statistic::Average => s1.iter().map(|v| v / periods.len() as f32).collect(),
            Statistic::Minimum => s1,
            Statistic::Maximum => s2,
            Statistic::Range => s2.iter().zip(&s1).map(|(a, b)| a - b).collect(),
            Statistic::Series => unreachable!("series has no statistic"),
        };
        if is_status {
            for v in &mut out {
                *v = if *v < 0.5 {
                    f32::from(LinkStatus::Closed.code())
                } else {
                    f32::from(LinkStatus::Open.code())
                };
            }
        }
        out
    };
    let node = std::array::from_fn(|j| reduce(&|p| periods[p].node[j].clone(), nn, false, false));
    let link = std::array::from_fn(|j| reduce(&|p| periods[p].link[j].clone(), nl, j == 0, j == 4));
    PeriodValues { node, link }
}
