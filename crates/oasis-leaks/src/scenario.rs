//! Benchmark data sets made with the twin, in the manner of BattLeDIM: a leak-free training
//! period, then test months with 0 to `max_leaks_per_month` leaks each, abrupt or incipient
//! (growing linearly over days), from tiny to bursts, some repaired; with demand uncertainty
//! (per-node noise, slow town-wide and per-area drift), roughness uncertainty and sensor
//! noise. A leak on a pipe is an emitter (`Q = C·p^0.5`) on the pipe's first node (its
//! second if the first is a tank or reservoir), switched on at a whole hour.

use oasis_network::{LinkKind, Network, NodeKind};

use crate::net::NetInfo;
use crate::rng::Rng;
use crate::scada::{Column, Scada, SensorKind};
use crate::twin::Runner;
use crate::LeakError;

/// Which sensors a data set has (element ids).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SensorSpec {
    pub pressure: Vec<String>,
    pub flow: Vec<String>,
    pub level: Vec<String>,
    pub amr: Vec<String>,
}

impl SensorSpec {
    /// A layout for a network without one: pressure at about one junction in 25 spread by
    /// farthest-point sampling on pipe distance (3 to 40), flow in every link at a
    /// reservoir and every pump, the level of every tank, no smart meters.
    pub fn automatic(net: &Network) -> SensorSpec {
        let info = NetInfo::new(net);
        let junctions: Vec<usize> = (0..net.nodes.len()).filter(|&i| matches!(net.nodes[i].kind, NodeKind::Junction(_))).collect();
        let count = (junctions.len() / 25).clamp(3, 40).min(junctions.len());
        let picks = spread(&info, &junctions, count);
        let reservoirs: Vec<bool> = net.nodes.iter().map(|n| matches!(n.kind, NodeKind::Reservoir(_))).collect();
        let flow = net
            .links
            .iter()
            .enumerate()
            .filter(|(i, l)| {
                let (a, b) = info.ends[*i];
                matches!(l.kind, LinkKind::Pump(_))
                    || reservoirs.get(a).copied().unwrap_or(false)
                    || reservoirs.get(b).copied().unwrap_or(false)
            })
            .map(|(_, l)| l.id.clone())
            .collect();
        SensorSpec {
            pressure: picks.into_iter().map(|i| net.nodes[i].id.clone()).collect(),
            flow,
            level: net.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Tank(_))).map(|n| n.id.clone()).collect(),
            amr: Vec::new(),
        }
    }

    pub fn columns(&self) -> Vec<Column> {
        let mk = |kind, ids: &Vec<String>| ids.iter().map(move |t| Column { kind, target: t.clone() }).collect::<Vec<_>>();
        [
            mk(SensorKind::Pressure, &self.pressure),
            mk(SensorKind::Flow, &self.flow),
            mk(SensorKind::Level, &self.level),
            mk(SensorKind::Demand, &self.amr),
        ]
        .concat()
    }
}

/// `count` nodes of `among` spread out: each next one the farthest (by pipe path) from those taken.
pub(crate) fn spread(info: &NetInfo, among: &[usize], count: usize) -> Vec<usize> {
    let Some(&first) = among.first() else { return Vec::new() };
    let mut picks = vec![first];
    let mut nearest = info.node_distances_m(first);
    while picks.len() < count {
        let next = among
            .iter()
            .copied()
            .filter(|&n| nearest[n].is_finite())
            .max_by(|&a, &b| nearest[a].total_cmp(&nearest[b]))
            .filter(|&n| nearest[n] > 0.0);
        let Some(n) = next else { break };
        picks.push(n);
        for (d, e) in nearest.iter_mut().zip(info.node_distances_m(n)) {
            *d = d.min(e);
        }
    }
    picks
}

/// How a data set is made. The defaults are the issue's: 5-minute data, a 30-day training
/// month, pressure σ 0.03 m, flows 0.5 %, smart meters 2 %, roughness ±5 %.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulateOptions {
    pub seed: u64,
    /// First time stamp (minutes since 1970); the network's pattern time 0.
    pub start_min: i64,
    pub train_days: i64,
    pub test_days: i64,
    pub step_min: i64,
    /// Demands and leaks change from segment to segment.
    pub segment_min: i64,
    pub max_leaks_per_month: usize,
    /// Leak sizes are drawn log-uniformly between these fractions of the mean demand.
    pub leak_fraction: (f64, f64),
    pub repair_chance: f64,
    pub incipient_chance: f64,
    pub areas: usize,
    pub node_noise: f64,
    pub town_drift: f64,
    pub area_drift: f64,
    pub drift_days: f64,
    pub roughness: f64,
    pub pressure_sigma_m: f64,
    pub flow_rel: f64,
    pub level_sigma_m: f64,
    pub amr_rel: f64,
    /// Leaks to place instead of random ones (when not empty).
    pub planned: Vec<PlannedLeak>,
}

/// A leak chosen by the user rather than drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedLeak {
    pub pipe_id: String,
    pub start_min: i64,
    /// End of growth (= start for an abrupt leak).
    pub full_min: i64,
    pub repair_min: Option<i64>,
    /// Flow at full size and nominal pressure, m³/h.
    pub size_m3h: f64,
}

impl Default for SimulateOptions {
    fn default() -> Self {
        SimulateOptions {
            seed: 1,
            start_min: crate::time::parse_stamp("2019-01-01 00:00").unwrap_or(0),
            train_days: 30,
            test_days: 30,
            step_min: 5,
            segment_min: 60,
            max_leaks_per_month: 3,
            leak_fraction: (0.003, 0.12),
            repair_chance: 0.3,
            incipient_chance: 0.5,
            areas: 4,
            node_noise: 0.08,
            town_drift: 0.03,
            area_drift: 0.02,
            drift_days: 4.0,
            roughness: 0.05,
            pressure_sigma_m: 0.03,
            flow_rel: 0.005,
            level_sigma_m: 0.005,
            amr_rel: 0.02,
            planned: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeakKind {
    Abrupt,
    Incipient,
}

/// One leak of a data set: the answer the scorer checks alarms against.
#[derive(Debug, Clone, PartialEq)]
pub struct LeakTruth {
    pub pipe_id: String,
    pub node_id: String,
    pub kind: LeakKind,
    pub start_min: i64,
    /// When it stops growing (= start for an abrupt leak).
    pub full_min: i64,
    /// When it is repaired, if within the data set.
    pub repair_min: Option<i64>,
    /// Leak flow at full size and nominal pressure, m³/h.
    pub size_m3h: f64,
    /// Emitter coefficient at full size (network units).
    pub coefficient: f64,
}

impl LeakTruth {
    fn coefficient_at(&self, t_min: i64) -> f64 {
        if t_min < self.start_min || self.repair_min.is_some_and(|r| t_min >= r) {
            0.0
        } else if t_min >= self.full_min {
            self.coefficient
        } else {
            self.coefficient * (t_min - self.start_min + 1) as f64 / (self.full_min - self.start_min) as f64
        }
    }
}

/// A generated data set.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSet {
    pub scada: Scada,
    pub train_until_min: i64,
    pub leaks: Vec<LeakTruth>,
    /// `leak_flow_m3h[row][leak]`: each leak's true flow at each row.
    pub leak_flow_m3h: Vec<Vec<f64>>,
}

/// Mean consumer demand of the network file over its longest pattern, m³/h.
pub fn mean_demand_m3h(net: &Network) -> f64 {
    let units = crate::net::Units::of(net);
    let default = net.options.pattern.clone().unwrap_or_else(|| "1".into());
    let mean_of = |id: &str| {
        net.patterns
            .iter()
            .find(|p| p.id == id)
            .filter(|p| !p.factors.is_empty())
            .map_or(1.0, |p| p.factors.iter().sum::<f64>() / p.factors.len() as f64)
    };
    let mut total = 0.0;
    for n in &net.nodes {
        if let NodeKind::Junction(j) = &n.kind {
            for d in &j.demands {
                total += d.base * mean_of(d.pattern.as_deref().unwrap_or(&default));
            }
        }
    }
    total * net.options.demand_multiplier * units.flow_to_m3h
}

/// Makes a data set on `net` with the sensors of `spec`; `progress(done, total)` per segment.
pub fn simulate(
    net: &Network,
    spec: &SensorSpec,
    opts: &SimulateOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DataSet, LeakError> {
    let info = NetInfo::new(net);
    let u = info.units;
    let columns = spec.columns();
    let mut places = Vec::with_capacity(columns.len());
    for c in &columns {
        let found = match c.kind {
            SensorKind::Flow => info.link_index.get(&c.target),
            _ => info.node_index.get(&c.target),
        };
        let Some(&i) = found else {
            return Err(LeakError::Invalid(format!("sensor {} names no element of the network", c.name())));
        };
        places.push(i);
    }
    if opts.step_min <= 0 || opts.segment_min <= 0 || opts.segment_min % opts.step_min != 0 {
        return Err(LeakError::Invalid("the segment must be a whole number of steps".into()));
    }
    let mut rng = Rng::new(opts.seed);
    let mut runner = Runner::new(net)?;
    // Roughness of the "true" network: the detector only knows the file's.
    for l in &mut runner.network_mut().links {
        if let LinkKind::Pipe(p) = &mut l.kind {
            p.roughness *= 1.0 + rng.range(-opts.roughness, opts.roughness);
        }
    }
    let mut state = runner.initial_state();
    let nominal = runner.solve_at(&state, 0, &[])?;
    let mean_m3h = mean_demand_m3h(net);
    let exponent = net.options.emitter_exponent;

    // Areas for the per-area drift: spread seeds, each junction joins the nearest.
    let junctions: Vec<usize> = (0..net.nodes.len()).filter(|&i| matches!(net.nodes[i].kind, NodeKind::Junction(_))).collect();
    let seeds = spread(&info, &junctions, opts.areas.max(1));
    let seed_dist: Vec<Vec<f64>> = seeds.iter().map(|&s| info.node_distances_m(s)).collect();
    let area: Vec<usize> = (0..net.nodes.len())
        .map(|n| (0..seeds.len()).min_by(|&a, &b| seed_dist[a][n].total_cmp(&seed_dist[b][n])).unwrap_or(0))
        .collect();

    // Leaks: per test month, 0..=max, starting in its first 90 %, on distinct pipes and nodes.
    let train_end = opts.start_min + opts.train_days * 1440;
    let end = train_end + opts.test_days * 1440;
    let pipes: Vec<usize> = (0..net.links.len()).filter(|&l| info.is_pipe(l)).collect();
    let mut leaks: Vec<LeakTruth> = Vec::new();
    let mut used_nodes = Vec::new();
    for pl in &opts.planned {
        let pipe = info.link_index.get(&pl.pipe_id).copied().filter(|&l| info.is_pipe(l));
        let node = pipe.and_then(|l| info.leak_node(net, l));
        let (Some(_), Some(node)) = (pipe, node) else {
            return Err(LeakError::Invalid(format!("planned leak: `{}` is not a pipe with a junction end", pl.pipe_id)));
        };
        let p = nominal.nodes[node].pressure.max(1e-3);
        leaks.push(LeakTruth {
            pipe_id: pl.pipe_id.clone(),
            node_id: net.nodes[node].id.clone(),
            kind: if pl.full_min > pl.start_min { LeakKind::Incipient } else { LeakKind::Abrupt },
            start_min: pl.start_min,
            full_min: pl.full_min.max(pl.start_min),
            repair_min: pl.repair_min,
            size_m3h: pl.size_m3h,
            coefficient: pl.size_m3h / u.flow_to_m3h / p.powf(exponent),
        });
    }
    let mut month_start = if opts.planned.is_empty() { train_end } else { end };
    while month_start < end && !pipes.is_empty() {
        let month_end = (month_start + 30 * 1440).min(end);
        let n = rng.int(0, opts.max_leaks_per_month);
        for _ in 0..n {
            for _try in 0..100 {
                let pipe = pipes[rng.int(0, pipes.len() - 1)];
                let Some(node) = info.leak_node(net, pipe) else { continue };
                let p = nominal.nodes[node].pressure;
                if used_nodes.contains(&node) || p * u.pressure_to_m < 5.0 {
                    continue;
                }
                let span_h = ((month_end - month_start) as f64 * 0.9 / 60.0).max(1.0);
                let start = month_start + (rng.range(0.0, span_h) as i64) * 60;
                let (lo, hi) = opts.leak_fraction;
                let size_m3h = mean_m3h * (lo.ln() + rng.unit() * (hi / lo).ln()).exp();
                let kind = if rng.chance(opts.incipient_chance) { LeakKind::Incipient } else { LeakKind::Abrupt };
                let full = match kind {
                    LeakKind::Abrupt => start,
                    LeakKind::Incipient => start + (rng.range(2.0, 10.0) * 24.0) as i64 * 60,
                };
                let repair = rng
                    .chance(opts.repair_chance)
                    .then(|| full + (rng.range(3.0, 15.0) * 24.0) as i64 * 60)
                    .filter(|&r| r < end);
                used_nodes.push(node);
                leaks.push(LeakTruth {
                    pipe_id: net.links[pipe].id.clone(),
                    node_id: net.nodes[node].id.clone(),
                    kind,
                    start_min: start,
                    full_min: full,
                    repair_min: repair,
                    size_m3h,
                    coefficient: size_m3h / u.flow_to_m3h / p.powf(exponent),
                });
                break;
            }
        }
        month_start = month_end;
    }
    leaks.sort_by_key(|l| l.start_min);
    let leak_nodes: Vec<usize> = leaks.iter().map(|l| info.node_index[&l.node_id]).collect();

    let segments = ((end - opts.start_min) / opts.segment_min) as usize;
    let ou = |x: f64, sigma: f64, rng: &mut Rng| {
        let a = (-(opts.segment_min as f64) / (opts.drift_days * 1440.0)).exp();
        x * a + sigma * (1.0 - a * a).sqrt() * rng.normal()
    };
    let mut town = opts.town_drift * rng.normal();
    let mut areas: Vec<f64> = (0..seeds.len()).map(|_| opts.area_drift * rng.normal()).collect();
    let mut node_f = vec![1.0; net.nodes.len()];
    let mut scada = Scada { columns: columns.clone(), ..Default::default() };
    let mut flows = Vec::new();
    let mut noise = Rng::new(opts.seed.wrapping_mul(31).wrapping_add(7));
    for k in 0..segments {
        let t0 = opts.start_min + k as i64 * opts.segment_min;
        town = ou(town, opts.town_drift, &mut rng);
        for a in areas.iter_mut() {
            *a = ou(*a, opts.area_drift, &mut rng);
        }
        for &j in &junctions {
            node_f[j] = ((1.0 + town) * (1.0 + areas[area[j]]) * (1.0 + opts.node_noise * rng.normal())).max(0.0);
        }
        let emitters: Vec<(usize, f64)> =
            leaks.iter().zip(&leak_nodes).map(|(l, &n)| (n, l.coefficient_at(t0))).filter(|e| e.1 > 0.0).collect();
        let f = &node_f;
        let mut on_step = |t_s: i64, snap: &oasis_hydraulics::Snapshot| {
            let mut row = Vec::with_capacity(columns.len());
            for (c, &i) in columns.iter().zip(&places) {
                row.push(match c.kind {
                    SensorKind::Pressure => snap.nodes[i].pressure * u.pressure_to_m + opts.pressure_sigma_m * noise.normal(),
                    SensorKind::Flow => snap.links[i].flow * u.flow_to_m3h * (1.0 + opts.flow_rel * noise.normal()),
                    SensorKind::Level => {
                        (snap.nodes[i].head - net.nodes[i].elevation) * u.head_to_m + opts.level_sigma_m * noise.normal()
                    }
                    SensorKind::Demand => {
                        let leak: f64 = emitters.iter().filter(|e| e.0 == i).map(|e| e.1 * snap.nodes[i].pressure.max(0.0).powf(exponent)).sum();
                        ((snap.nodes[i].demand - leak) * u.flow_to_m3h * 1000.0 * (1.0 + opts.amr_rel * noise.normal())).max(0.0)
                    }
                });
            }
            let lf = leaks
                .iter()
                .zip(&leak_nodes)
                .map(|(l, &n)| l.coefficient_at(t0) * snap.nodes[n].pressure.max(0.0).powf(exponent) * u.flow_to_m3h)
                .collect();
            scada.times_min.push(opts.start_min + t_s / 60);
            scada.lines.push(scada.times_min.len() + 1);
            scada.values.push(row);
            flows.push(lf);
        };
        runner.run_segment(
            &mut state,
            (t0 - opts.start_min) * 60,
            opts.segment_min * 60,
            opts.step_min * 60,
            &|n| f[n],
            &emitters,
            &mut on_step,
        )?;
        progress(k + 1, segments);
    }
    Ok(DataSet { scada, train_until_min: train_end, leaks, leak_flow_m3h: flows })
}

impl DataSet {
    /// The leaks as CSV: `pipe_id,node_id,kind,start,full,repair,size_m3h`.
    pub fn leaks_csv(&self) -> String {
        let mut s = String::from("pipe_id,node_id,kind,start_time,full_time,repair_time,size_m3h\n");
        for l in &self.leaks {
            s.push_str(&format!(
                "{},{},{},{},{},{},{:.3}\n",
                l.pipe_id,
                l.node_id,
                match l.kind {
                    LeakKind::Abrupt => "abrupt",
                    LeakKind::Incipient => "incipient",
                },
                crate::time::format_stamp(l.start_min),
                crate::time::format_stamp(l.full_min),
                l.repair_min.map(crate::time::format_stamp).unwrap_or_default(),
                l.size_m3h
            ));
        }
        s
    }

    /// Each leak's true flow (m³/h) per time stamp: `Timestamp,<pipe_id>...`.
    pub fn leak_flows_csv(&self) -> String {
        let mut s = String::from("Timestamp");
        for l in &self.leaks {
            s.push(',');
            s.push_str(&l.pipe_id);
        }
        s.push('\n');
        for (t, row) in self.scada.times_min.iter().zip(&self.leak_flow_m3h) {
            s.push_str(&crate::time::format_stamp(*t));
            for v in row {
                s.push_str(&format!(",{v:.4}"));
            }
            s.push('\n');
        }
        s
    }
}
