//! Random but valid networks for differential testing against EPANET.
//!
//! Shape: junctions on a jittered grid joined by a random spanning tree (so the
//! network is always connected) plus optional loop pipes. Pipes on the tree are
//! sized for the demand they carry; source heads are set from an estimate of the
//! worst path's head loss so most networks keep positive pressures. Every link
//! that can close, reverse or restrict (closed pipes, check valves, valves) is put
//! on a loop pipe, never on the tree, so no node is ever cut off.

use crate::inp::*;
use crate::rng::Rng;

/// Which features a random network may use. Each enabled feature is switched on per
/// network by chance, so a batch of seeds covers combinations.
#[derive(Debug, Clone)]
pub struct RandomOptions {
    pub min_junctions: usize,
    pub max_junctions: usize,
    /// `None`: a random formula per network.
    pub headloss: Option<HeadlossFormula>,
    /// `None`: random among all ten.
    pub flow_units: Option<FlowUnits>,
    pub loops: bool,
    pub second_reservoir: bool,
    pub tanks: bool,
    pub pumps: bool,
    pub valves: bool,
    pub check_valves: bool,
    pub closed_pipes: bool,
    pub minor_losses: bool,
    pub emitters: bool,
    pub demand_categories: bool,
    pub patterns: bool,
    pub demand_multiplier: bool,
    pub pda: bool,
    /// CHECKFREQ / MAXCHECK / DAMPLIMIT / UNBALANCED / HEADERROR / FLOWCHANGE variations.
    pub solver_options: bool,
}

impl Default for RandomOptions {
    /// Everything allowed, 5 to 80 junctions.
    fn default() -> Self {
        RandomOptions {
            min_junctions: 5,
            max_junctions: 80,
            headloss: None,
            flow_units: None,
            loops: true,
            second_reservoir: true,
            tanks: true,
            pumps: true,
            valves: true,
            check_valves: true,
            closed_pipes: true,
            minor_losses: true,
            emitters: true,
            demand_categories: true,
            patterns: true,
            demand_multiplier: true,
            pda: true,
            solver_options: true,
        }
    }
}

impl RandomOptions {
    /// Pipes, junctions and one reservoir only (loops allowed), H-W in LPS.
    pub fn plain() -> Self {
        RandomOptions {
            headloss: Some(HeadlossFormula::HazenWilliams),
            flow_units: Some(FlowUnits::Lps),
            second_reservoir: false,
            tanks: false,
            pumps: false,
            valves: false,
            check_valves: false,
            closed_pipes: false,
            minor_losses: false,
            emitters: false,
            demand_categories: false,
            patterns: false,
            demand_multiplier: false,
            pda: false,
            solver_options: false,
            ..RandomOptions::default()
        }
    }
}

/// Standard nominal diameters (mm).
const SIZES_MM: [f64; 14] = [
    25.0, 40.0, 50.0, 75.0, 100.0, 150.0, 200.0, 250.0, 300.0, 400.0, 500.0, 600.0, 800.0, 1000.0,
];

struct Edge {
    a: usize,
    b: usize,
    tree: bool,
    flow_lps: f64,
}

/// A random, valid steady-state network (DURATION 0) as `.inp` text.
pub fn random_network(seed: u64, opts: &RandomOptions) -> String {
    build(seed, opts, false).to_inp()
}

/// A random extended-period network (24 h, 1 h steps) with a tank, a pumped source
/// switched by tank-level controls, 24-hour demand patterns, a timer control and a
/// rule, for later EPS parity.
pub fn random_eps_network(seed: u64, opts: &RandomOptions) -> String {
    build(seed, opts, true).to_inp()
}

// Index loops mirror the grid arithmetic (k, k - 1, k - cols) more plainly than iterators.
#[allow(clippy::needless_range_loop)]
fn build(seed: u64, opts: &RandomOptions, eps: bool) -> Network {
    let mut rng = Rng::new(seed);
    let units = opts
        .flow_units
        .unwrap_or_else(|| *rng.pick(&FlowUnits::ALL));
    let headloss = opts.headloss.unwrap_or_else(|| *rng.pick(&HeadlossFormula::ALL));
    let mut net = Network::new(units, headloss);
    net.title
        .push(format!("oasis-netgen random network, seed {seed}"));
    net.extra_options.push("Trials 200".into());
    net.extra_options.push("Accuracy 0.001".into());

    // D-W networks sometimes run at tiny flows so laminar and transitional
    // friction factors (Re < 4000) are exercised, not only Swamee–Jain.
    let scale = if headloss == HeadlossFormula::DarcyWeisbach {
        *rng.pick(&[1.0, 1.0, 0.05, 0.003])
    } else {
        1.0
    };
    net.comments.push(format!(
        "{} {}, demand scale {scale}",
        units.keyword(),
        headloss.keyword()
    ));

    // --- junctions on a grid
    let n = rng.int(
        opts.min_junctions.max(2),
        opts.max_junctions.max(opts.min_junctions.max(2)),
    );
    let max_cols = ((n as f64).sqrt() * 1.5).ceil() as usize;
    let cols = rng.int(2.min(n), max_cols.max(2)).min(n);
    let spacing = rng.range(80.0, 300.0);
    let (base, sx, sy) = (
        rng.range(0.0, 100.0),
        rng.range(-2.0, 2.0),
        rng.range(-2.0, 2.0),
    );
    let zero_share = rng.range(0.0, 0.2);
    for k in 0..n {
        let (gx, gy) = ((k % cols) as f64, (k / cols) as f64);
        let demand = if rng.chance(zero_share) {
            0.0
        } else {
            rng.range(0.1, 3.0) * scale
        };
        net.junctions.push(Junction {
            id: format!("J{}", k + 1),
            elev_m: base + gx * sx + gy * sy + rng.range(0.0, 3.0),
            demand_lps: demand,
            pattern: None,
            xy: (
                gx * spacing + rng.range(-10.0, 10.0),
                gy * spacing + rng.range(-10.0, 10.0),
            ),
        });
    }

    // --- spanning tree (parent is left or above) + loop edges
    let mut parent = vec![usize::MAX; n];
    let mut edges: Vec<Edge> = Vec::new();
    for k in 1..n {
        let left = (k % cols > 0).then(|| k - 1);
        let up = (k >= cols).then(|| k - cols);
        let p = match (left, up) {
            (Some(l), Some(u)) => {
                if rng.chance(0.5) {
                    l
                } else {
                    u
                }
            }
            (Some(l), None) => l,
            (None, Some(u)) => u,
            (None, None) => unreachable!("every k > 0 has a left or upper neighbour"),
        };
        parent[k] = p;
        edges.push(Edge {
            a: p,
            b: k,
            tree: true,
            flow_lps: 0.0,
        });
    }
    if opts.loops {
        let p_loop = rng.range(0.1, 0.6);
        for k in 1..n {
            for nb in [(k % cols > 0).then(|| k - 1), (k >= cols).then(|| k - cols)]
                .into_iter()
                .flatten()
            {
                if parent[k] != nb && rng.chance(p_loop) {
                    edges.push(Edge {
                        a: nb,
                        b: k,
                        tree: false,
                        flow_lps: 0.0,
                    });
                }
            }
        }
    }

    // --- demand categories and patterns (before sizing: they change the demand)
    let mut pattern_ids: Vec<String> = Vec::new();
    if eps || (opts.patterns && rng.chance(0.5)) {
        let count = rng.int(1, 3);
        // Naming the first pattern "1" makes it EPANET's default pattern for
        // junctions without one: a parser corner case worth covering.
        let default_named = rng.chance(0.3);
        for i in 0..count {
            let id = if i == 0 && default_named {
                "1".to_string()
            } else {
                format!("PAT{}", i + 1)
            };
            let len = if eps { 24 } else { rng.int(1, 24) };
            let mults: Vec<f64> = (0..len)
                .map(|_| (rng.range(0.3, 1.8) * 100.0).round() / 100.0)
                .collect();
            net.patterns.push((id.clone(), mults));
            pattern_ids.push(id);
        }
        for j in net.junctions.iter_mut() {
            if rng.chance(0.6) {
                j.pattern = Some(rng.pick(&pattern_ids).clone());
            }
        }
    }
    let mult = if opts.demand_multiplier && rng.chance(0.3) {
        let m = (rng.range(0.5, 1.5) * 100.0).round() / 100.0;
        net.demand_multiplier = Some(m);
        m
    } else {
        1.0
    };
    let mut demand_now: Vec<f64> = net.junctions.iter().map(|j| j.demand_lps).collect();
    if opts.demand_categories && rng.chance(0.4) {
        for k in 0..n {
            if !rng.chance(0.2) {
                continue;
            }
            // [DEMANDS] replaces the junction's own base demand on first use.
            demand_now[k] = 0.0;
            for c in 0..rng.int(1, 3) {
                let lps = rng.range(0.05, 2.0) * scale;
                let pattern = (!pattern_ids.is_empty() && rng.chance(0.7))
                    .then(|| rng.pick(&pattern_ids).clone());
                let category = rng.chance(0.5).then(|| format!("cat{}", c + 1));
                // A category comment needs the pattern column filled; without any
                // pattern the category is dropped.
                let pattern = if category.is_some() && pattern.is_none() {
                    pattern_ids.first().cloned()
                } else {
                    pattern
                };
                let category = category.filter(|_| pattern.is_some());
                net.demands.push(Demand {
                    junction: net.junctions[k].id.clone(),
                    lps,
                    pattern,
                    category,
                });
                demand_now[k] += lps;
            }
        }
    }
    // Sizing uses a generous 1.8 × the base demand to cover pattern factors.
    for d in demand_now.iter_mut() {
        *d *= mult * 1.8;
    }
    let total_lps: f64 = demand_now.iter().sum();

    // --- size tree pipes for the flow they carry
    let mut sub = demand_now.clone();
    for k in (1..n).rev() {
        sub[parent[k]] += sub[k];
    }
    let velocity = rng.range(0.3, 0.9);
    for e in edges.iter_mut().filter(|e| e.tree) {
        e.flow_lps = sub[e.b];
    }
    let size_for = |q_lps: f64, v: f64| -> f64 {
        let d_mm = (4.0 * q_lps / 1000.0 / (std::f64::consts::PI * v)).sqrt() * 1000.0;
        SIZES_MM
            .iter()
            .copied()
            .find(|&s| s >= d_mm)
            .unwrap_or(1000.0)
    };
    let mut pipe_diam: Vec<f64> = edges
        .iter()
        .map(|e| size_for(e.flow_lps, velocity))
        .collect();
    for (i, e) in edges.iter().enumerate() {
        if !e.tree {
            let idx = rng.int(2, 8);
            pipe_diam[i] = SIZES_MM[idx];
        }
    }
    let lengths: Vec<f64> = edges
        .iter()
        .map(|_| (spacing * rng.range(0.8, 1.6)).round())
        .collect();

    // --- head needed: worst elevation + tree path loss (H-W, C = 120) + margin
    let hw_loss = |q_lps: f64, d_mm: f64, l_m: f64| -> f64 {
        let q = q_lps / 1000.0;
        let d = d_mm / 1000.0;
        10.67 * l_m * q.powf(1.852) / (120f64.powf(1.852) * d.powf(4.871))
    };
    let mut path_loss = vec![0.0; n];
    for (i, e) in edges.iter().enumerate().filter(|(_, e)| e.tree) {
        // Tree edges were pushed in increasing child order, so parents come first.
        path_loss[e.b] = path_loss[e.a] + hw_loss(e.flow_lps, pipe_diam[i], lengths[i]);
    }
    let need = (0..n)
        .map(|k| net.junctions[k].elev_m + path_loss[k].min(60.0))
        .fold(f64::MIN, f64::max);
    let min_elev = net
        .junctions
        .iter()
        .map(|j| j.elev_m)
        .fold(f64::MAX, f64::min);
    let target_head = need + rng.range(25.0, 45.0);

    // --- roughness per formula
    let roughness = |rng: &mut Rng| -> f64 {
        match headloss {
            HeadlossFormula::HazenWilliams => rng.range(90.0, 140.0).round(),
            HeadlossFormula::DarcyWeisbach => (rng.range(0.005, 1.5) * 1000.0).round() / 1000.0,
            HeadlossFormula::ChezyManning => (rng.range(0.010, 0.015) * 10000.0).round() / 10000.0,
        }
    };

    // --- pipes between junctions
    let minor_share = if opts.minor_losses && rng.chance(0.5) {
        rng.range(0.05, 0.4)
    } else {
        0.0
    };
    for (i, e) in edges.iter().enumerate() {
        let minor = if rng.chance(minor_share) {
            (rng.range(0.1, 10.0) * 10.0).round() / 10.0
        } else {
            0.0
        };
        let r = roughness(&mut rng);
        net.pipes.push(Pipe {
            id: format!("P{}", i + 1),
            n1: net.junctions[e.a].id.clone(),
            n2: net.junctions[e.b].id.clone(),
            len_m: lengths[i],
            diam_mm: pipe_diam[i],
            roughness: r,
            minor,
            status: PipeStatus::Open,
        });
    }
    let loop_pipes: Vec<usize> = edges
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.tree)
        .map(|(i, _)| i)
        .collect();

    // --- main source: reservoir R1 feeding J1, by gravity or through a pump
    let j0 = net.junctions[0].xy;
    let pumped = eps || (opts.pumps && rng.chance(0.5));
    let n_sources = 1.0 + f64::from(u8::from(opts.second_reservoir));
    let main_diam = size_for(total_lps.max(0.01), velocity).max(50.0);
    if pumped {
        let res_head = min_elev - rng.range(0.0, 10.0);
        net.reservoirs.push(Reservoir {
            id: "R1".into(),
            head_m: res_head,
            pattern: None,
            xy: (j0.0 - spacing, j0.1),
        });
        let hd = target_head - res_head;
        let qd = (total_lps / n_sources).max(0.01 * scale.max(0.01));
        add_pump(&mut net, &mut rng, "PU1", "R1", "J1", qd, hd, eps);
    } else {
        net.reservoirs.push(Reservoir {
            id: "R1".into(),
            head_m: target_head,
            pattern: None,
            xy: (j0.0 - spacing, j0.1),
        });
        let r = roughness(&mut rng);
        net.pipes.push(Pipe {
            id: "PR1".into(),
            n1: "R1".into(),
            n2: "J1".into(),
            len_m: spacing.round(),
            diam_mm: main_diam,
            roughness: r,
            minor: 0.0,
            status: PipeStatus::Open,
        });
    }

    // --- second reservoir at the far corner (sometimes behind a check valve)
    if opts.second_reservoir && n > 2 && rng.chance(0.4) {
        let far = n - 1;
        let xy = net.junctions[far].xy;
        net.reservoirs.push(Reservoir {
            id: "R2".into(),
            head_m: target_head + rng.range(-5.0, 5.0),
            pattern: None,
            xy: (xy.0 + spacing, xy.1),
        });
        let cv = opts.check_valves && rng.chance(0.3);
        let r = roughness(&mut rng);
        net.pipes.push(Pipe {
            id: "PR2".into(),
            n1: "R2".into(),
            n2: net.junctions[far].id.clone(),
            len_m: spacing.round(),
            diam_mm: main_diam.min(300.0),
            roughness: r,
            minor: 0.0,
            status: if cv { PipeStatus::Cv } else { PipeStatus::Open },
        });
    }

    // --- tanks: fixed heads near the target head at t = 0
    let want_tanks = eps || (opts.tanks && rng.chance(0.4));
    let mut tank_nodes: Vec<usize> = Vec::new();
    if want_tanks {
        for t in 0..(if eps { 1 } else { rng.int(1, 2) }) {
            let k = rng.int(0, n - 1);
            tank_nodes.push(k);
            let (min, max) = (rng.range(0.0, 1.5), rng.range(6.0, 10.0));
            let init = rng.range(min + 1.0, max - 1.0);
            let id = format!("T{}", t + 1);
            let xy = net.junctions[k].xy;
            net.tanks.push(Tank {
                id: id.clone(),
                elev_m: (target_head - init + rng.range(-3.0, 3.0)).round(),
                init_m: (init * 10.0).round() / 10.0,
                min_m: (min * 10.0).round() / 10.0,
                max_m: (max * 10.0).round() / 10.0,
                diam_m: rng.range(8.0, 30.0).round(),
                xy: (xy.0 + spacing * 0.3, xy.1 + spacing * 0.3),
            });
            // Valves allowed next to a tank: PBV, TCV, GPV (not PRV/PSV/FCV, error 219).
            let kind = if opts.valves && rng.chance(0.3) {
                Some(*rng.pick(&[ValveKind::Tcv, ValveKind::Pbv, ValveKind::Gpv]))
            } else {
                None
            };
            let jid = net.junctions[k].id.clone();
            let diam = size_for(total_lps * 0.3 + 0.01, velocity).max(50.0);
            match kind {
                Some(kind) => {
                    let vid = format!("VT{}", t + 1);
                    let setting = valve_setting(&mut net, &mut rng, kind, &vid, scale);
                    net.valves.push(Valve {
                        id: vid,
                        n1: id,
                        n2: jid,
                        diam_mm: diam,
                        kind,
                        setting,
                        minor: 0.0,
                    });
                }
                None => {
                    let r = roughness(&mut rng);
                    net.pipes.push(Pipe {
                        id: format!("PT{}", t + 1),
                        n1: id,
                        n2: jid,
                        len_m: (spacing * 0.5).round(),
                        diam_mm: diam,
                        roughness: r,
                        minor: 0.0,
                        status: PipeStatus::Open,
                    });
                }
            }
        }
    }

    // --- valves on loop pipes; no junction touches two valves, so none of
    // EPANET's conflicting-pair rules (error 220) can apply.
    let mut used_loop: Vec<usize> = Vec::new();
    if opts.valves && !loop_pipes.is_empty() && rng.chance(0.6) {
        let mut touched: Vec<String> = Vec::new();
        let wanted = rng.int(1, 4.min(loop_pipes.len()));
        for v in 0..wanted {
            let i = *rng.pick(&loop_pipes);
            let (n1, n2) = (net.pipes[i].n1.clone(), net.pipes[i].n2.clone());
            if used_loop.contains(&i) || touched.contains(&n1) || touched.contains(&n2) {
                continue;
            }
            used_loop.push(i);
            touched.push(n1.clone());
            touched.push(n2.clone());
            let kind = *rng.pick(&ValveKind::ALL);
            let vid = format!("V{}", v + 1);
            let setting = valve_setting(&mut net, &mut rng, kind, &vid, scale);
            let minor = if rng.chance(0.3) {
                (rng.range(0.1, 3.0) * 10.0).round() / 10.0
            } else {
                0.0
            };
            // The pipe stays in the file but closed, so the valve replaces it
            // hydraulically while link numbering stays simple.
            net.pipes[i].status = PipeStatus::Closed;
            // Random orientation: a PRV/PSV may find its flow reversed and close.
            let (a, b) = if rng.chance(0.5) { (n1, n2) } else { (n2, n1) };
            net.valves.push(Valve {
                id: vid.clone(),
                n1: a,
                n2: b,
                diam_mm: net.pipes[i].diam_mm,
                kind,
                setting,
                minor,
            });
            if rng.chance(0.15) {
                let st = if rng.chance(0.5) {
                    StatusEntry::Open
                } else {
                    StatusEntry::Closed
                };
                net.status.push((vid, st));
            }
        }
    }
    let free_loops: Vec<usize> = loop_pipes
        .iter()
        .copied()
        .filter(|i| !used_loop.contains(i))
        .collect();
    if opts.check_valves && !free_loops.is_empty() && rng.chance(0.4) {
        for _ in 0..rng.int(1, 2) {
            let i = *rng.pick(&free_loops);
            net.pipes[i].status = PipeStatus::Cv;
        }
    }
    if opts.closed_pipes && !free_loops.is_empty() && rng.chance(0.3) {
        let i = *rng.pick(&free_loops);
        if net.pipes[i].status == PipeStatus::Open {
            if rng.chance(0.5) {
                net.pipes[i].status = PipeStatus::Closed;
            } else {
                // The same outcome through [STATUS] instead of the pipe's own column.
                net.status
                    .push((net.pipes[i].id.clone(), StatusEntry::Closed));
            }
        }
    }

    // --- emitters
    if opts.emitters && rng.chance(0.3) {
        for _ in 0..rng.int(1, 3) {
            let k = rng.int(0, n - 1);
            let id = net.junctions[k].id.clone();
            if !net.emitters.iter().any(|(j, _)| *j == id) {
                net.emitters.push((id, rng.range(0.1, 2.0) * scale));
            }
        }
        if rng.chance(0.2) {
            net.emitter_exponent = Some(*rng.pick(&[0.5, 0.6, 0.8, 1.0]));
        }
    }

    // --- pressure-driven demand
    if opts.pda && rng.chance(0.25) {
        let min = (rng.range(0.0, 5.0) * 10.0).round() / 10.0;
        net.pda = Some(Pda {
            min_m: min,
            req_m: min + (rng.range(10.0, 25.0) * 10.0).round() / 10.0,
            exponent: *rng.pick(&[0.5, 0.5, 0.75, 1.0]),
        });
    }

    // --- solver options
    if opts.solver_options && rng.chance(0.3) {
        match rng.int(0, 5) {
            0 => net.extra_options.push("Unbalanced Continue 10".into()),
            1 => net.extra_options.push("Unbalanced Stop".into()),
            2 => net
                .extra_options
                .push(format!("CheckFreq {}", rng.int(1, 5))),
            3 => net
                .extra_options
                .push(format!("MaxCheck {}", rng.int(5, 20))),
            4 => net.extra_options.push("DampLimit 0.01".into()),
            _ => net.extra_options.push("HeadError 0.0001".into()),
        }
    }

    if eps {
        make_eps(&mut net, &mut rng, &free_loops, &tank_nodes);
    }
    net
}

/// One pump PU between `n1` and `n2` delivering about `qd` L/s at `hd` m, with a
/// random curve type: 1-point, 3-point, 2-point / multi-point custom, or constant
/// power; sometimes a speed setting.
#[allow(clippy::too_many_arguments)]
fn add_pump(
    net: &mut Network,
    rng: &mut Rng,
    id: &str,
    n1: &str,
    n2: &str,
    qd: f64,
    hd: f64,
    eps: bool,
) {
    let cid = format!("C{id}");
    let choice = if eps { rng.int(0, 2) } else { rng.int(0, 4) };
    let kind = match choice {
        0 => {
            net.comments.push(format!("{id}: 1-point curve"));
            net.curves.push(Curve {
                id: cid.clone(),
                kind: CurveKind::FlowHead,
                points: vec![(qd, hd)],
            });
            PumpKind::Curve(cid)
        }
        1 => {
            net.comments.push(format!("{id}: 3-point curve"));
            let h0 = hd * rng.range(1.2, 1.4);
            let h2 = hd * rng.range(0.3, 0.6);
            net.curves.push(Curve {
                id: cid.clone(),
                kind: CurveKind::FlowHead,
                points: vec![(0.0, h0), (qd, hd), (2.0 * qd, h2)],
            });
            PumpKind::Curve(cid)
        }
        2 => {
            net.comments.push(format!("{id}: multi-point curve"));
            let pts = if rng.chance(0.3) {
                vec![(0.5 * qd, 1.15 * hd), (1.5 * qd, 0.8 * hd)]
            } else {
                vec![
                    (0.0, 1.25 * hd),
                    (0.5 * qd, 1.15 * hd),
                    (qd, hd),
                    (1.5 * qd, 0.75 * hd),
                    (2.0 * qd, 0.35 * hd),
                ]
            };
            net.curves.push(Curve {
                id: cid.clone(),
                kind: CurveKind::FlowHead,
                points: pts,
            });
            PumpKind::Curve(cid)
        }
        _ => {
            net.comments.push(format!("{id}: constant power"));
            // P = ρ g Q H = 9.81 kN/m³ · Q m³/s · H m, in kW
            PumpKind::Power(9.81 * qd / 1000.0 * hd)
        }
    };
    let speed = (matches!(kind, PumpKind::Curve(_)) && rng.chance(0.3))
        .then(|| (rng.range(0.97, 1.1) * 100.0).round() / 100.0);
    net.pumps.push(Pump {
        id: id.into(),
        n1: n1.into(),
        n2: n2.into(),
        kind,
        speed,
        pattern: None,
    });
}

fn valve_setting(
    net: &mut Network,
    rng: &mut Rng,
    kind: ValveKind,
    vid: &str,
    scale: f64,
) -> ValveSetting {
    match kind {
        ValveKind::Prv => ValveSetting::Pressure(rng.range(10.0, 35.0).round()),
        ValveKind::Psv => ValveSetting::Pressure(rng.range(5.0, 25.0).round()),
        ValveKind::Pbv => ValveSetting::Pressure((rng.range(0.5, 5.0) * 10.0).round() / 10.0),
        ValveKind::Fcv => ValveSetting::Flow(rng.range(0.1, 2.0) * scale),
        ValveKind::Tcv => ValveSetting::Coefficient((rng.range(0.5, 20.0) * 10.0).round() / 10.0),
        ValveKind::Gpv => {
            let cid = format!("G{vid}");
            let q1 = rng.range(0.5, 3.0) * scale;
            let h1 = rng.range(0.5, 2.0);
            net.curves.push(Curve {
                id: cid.clone(),
                kind: CurveKind::FlowHead,
                points: vec![(0.0, 0.0), (q1, h1), (3.0 * q1, 5.0 * h1)],
            });
            ValveSetting::Curve(cid)
        }
    }
}

/// 24 h with 1 h steps, level controls on the source pump, a timer control and a
/// rule on plain loop pipes (never check-valve pipes: controls on CVs are error 207).
fn make_eps(net: &mut Network, rng: &mut Rng, free_loops: &[usize], tank_nodes: &[usize]) {
    let _ = tank_nodes;
    let u = Units(net.units);
    // Mostly hourly, but the steps sometimes disagree so that EPANET's cuts of
    // the hydraulic step (and the rule and quality steps derived from it) and a
    // non-midnight start are exercised too.
    let varied = rng.chance(0.3);
    let pick = |rng: &mut Rng, options: &[&str]| if varied { rng.pick(options).to_string() } else { options[0].to_string() };
    net.times = vec![
        "Duration 24:00".into(),
        format!("Hydraulic Timestep {}", pick(rng, &["1:00", "2:00", "0:45"])),
        format!("Pattern Timestep {}", pick(rng, &["1:00", "0:30", "3:00"])),
        format!("Report Timestep {}", pick(rng, &["1:00", "2:00", "0:20"])),
        format!("Report Start {}", pick(rng, &["0:00", "1:00"])),
        format!("Start ClockTime {}", pick(rng, &["12 am", "6 am", "3:30 pm"])),
    ];
    if let Some(t) = net.tanks.first() {
        let (tid, lo, hi) = (t.id.clone(), t.min_m + 1.0, t.max_m - 1.0);
        net.controls.push(format!(
            "LINK PU1 CLOSED IF NODE {tid} ABOVE {}",
            num(u.length(hi))
        ));
        net.controls.push(format!(
            "LINK PU1 OPEN IF NODE {tid} BELOW {}",
            num(u.length(lo))
        ));
        let plain: Vec<usize> = free_loops
            .iter()
            .copied()
            .filter(|&i| net.pipes[i].status == PipeStatus::Open)
            .collect();
        if !plain.is_empty() {
            let p = net.pipes[*rng.pick(&plain)].id.clone();
            let at = rng.int(2, 20);
            net.controls.push(format!("LINK {p} CLOSED AT TIME {at}"));
            net.controls
                .push(format!("LINK {p} OPEN AT CLOCKTIME {} PM", rng.int(1, 11)));
            let q = net.pipes[*rng.pick(&plain)].id.clone();
            let mid = (t.min_m + t.max_m) / 2.0;
            net.rules.push("RULE R1".into());
            net.rules
                .push(format!("IF TANK {tid} LEVEL ABOVE {}", num(u.length(mid))));
            net.rules.push(format!("THEN PIPE {q} STATUS IS CLOSED"));
            net.rules.push(format!("ELSE PIPE {q} STATUS IS OPEN"));
            net.rules.push("PRIORITY 1".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_text_different_seed_different_text() {
        let o = RandomOptions::default();
        assert_eq!(random_network(42, &o), random_network(42, &o));
        assert_ne!(random_network(42, &o), random_network(43, &o));
    }

    #[test]
    fn plain_options_give_only_pipes_and_one_reservoir() {
        for seed in 0..50 {
            let t = random_network(seed, &RandomOptions::plain());
            assert!(t.contains("Units\tLPS") && t.contains("Headloss\tH-W"));
            let section = |name: &str| -> usize {
                let start = t.find(name).unwrap() + name.len();
                let end = t[start..].find("\n[").map(|e| start + e).unwrap_or(t.len());
                t[start..end].lines().filter(|l| l.starts_with(' ')).count()
            };
            assert_eq!(section("[RESERVOIRS]"), 1, "seed {seed}");
            assert_eq!(section("[PUMPS]"), 0);
            assert_eq!(section("[VALVES]"), 0);
            assert_eq!(section("[TANKS]"), 0);
            let j = section("[JUNCTIONS]");
            assert!((5..=80).contains(&j), "seed {seed}: {j} junctions");
        }
    }

    #[test]
    fn many_seeds_cover_every_feature() {
        let o = RandomOptions::default();
        let texts: Vec<String> = (0..300).map(|s| random_network(s, &o)).collect();
        let any = |needle: &str| texts.iter().any(|t| t.contains(needle));
        for u in FlowUnits::ALL {
            assert!(any(&format!("Units\t{}\n", u.keyword())), "{u:?}");
        }
        for h in HeadlossFormula::ALL {
            assert!(any(&format!("Headloss\t{}\n", h.keyword())), "{h:?}");
        }
        for v in ValveKind::ALL {
            assert!(any(&format!("\t{}\t", v.keyword())), "{v:?}");
        }
        for needle in [
            "\tCV\n",
            "\tClosed\n",
            "POWER ",
            " SPEED ",
            "1-point",
            "3-point",
            "multi-point",
            "[DEMANDS]",
            "[EMITTERS]",
            "Demand Model\tPDA",
            "Demand Multiplier",
            "\n T1\t",
            "\n R2\t",
            "\n 1\t",
        ] {
            assert!(any(needle), "no network has {needle:?}");
        }
    }

    #[test]
    fn eps_networks_have_controls_rules_and_24h() {
        let t = random_eps_network(5, &RandomOptions::default());
        assert!(t.contains("Duration 24:00"));
        assert!(t.contains("LINK PU1 CLOSED IF NODE T1 ABOVE"));
        assert!(t.contains("[PUMPS]\n;ID\tNode1\tNode2\tParameters\n PU1\tR1\tJ1"));
    }
}
