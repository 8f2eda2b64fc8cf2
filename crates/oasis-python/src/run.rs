//! Runs of the twin, alone or as scenarios on a pool of threads, gathered
//! into flat time-major arrays.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use oasis_hydraulics::{
    HydraulicsError, LinkResult, NodeResult, QualitySnapshot, Simulation, Snapshot, SolverStructure,
};
use oasis_network::Network;

use crate::edit::Edit;

/// Results at the reporting times, each array `time × element`, flattened.
pub struct Results {
    pub time_s: Vec<i64>,
    pub warnings: Vec<i32>,
    pub iterations: Vec<u32>,
    pub has_quality: bool,
    pub head: Vec<f64>,
    pub pressure: Vec<f64>,
    pub demand: Vec<f64>,
    pub node_quality: Vec<f64>,
    pub flow: Vec<f64>,
    pub velocity: Vec<f64>,
    /// Total head loss over the link (a pump's is minus its head gain).
    pub headloss: Vec<f64>,
    /// EPANET's link status code (its `.out` file's numbers).
    pub status_code: Vec<f64>,
    pub setting: Vec<f64>,
    pub link_quality: Vec<f64>,
}

pub enum Outcome {
    Done(Box<Results>),
    BadEdit(String),
    Failed(HydraulicsError),
}

/// One run: time 0 only (`steady`) or the whole duration; water quality only
/// on an extended run and when asked. `structure`, when given, is the base
/// network's (the simulation checks that it fits and otherwise builds its own).
pub fn run(
    net: &Network,
    structure: Option<&SolverStructure>,
    steady: bool,
    quality: bool,
) -> Result<Results, HydraulicsError> {
    if quality && !steady {
        let (run, q) = oasis_hydraulics::simulate(net, |_, _| {})?;
        // Quality comes at every hydraulic time; keep the reporting times.
        let mut steps = q.steps.iter().peekable();
        let mut at_reports = Vec::with_capacity(run.periods.len());
        for p in &run.periods {
            while steps.peek().is_some_and(|s| s.time_s < p.time_s) {
                steps.next();
            }
            at_reports.push(steps.peek().copied().filter(|s| s.time_s == p.time_s));
        }
        return Ok(gather(&run.periods, Some(&at_reports)));
    }
    let mut sim = match structure {
        Some(s) => Simulation::with_structure(net, s)?,
        None => Simulation::new(net)?,
    };
    let mut periods = Vec::new();
    loop {
        let snap = sim.run()?;
        if steady || sim.is_reporting_time(snap.time_s) {
            periods.push(snap);
        }
        if steady || sim.next()? == 0 {
            break;
        }
    }
    Ok(gather(&periods, None))
}

fn gather(periods: &[Snapshot], quality: Option<&[Option<&QualitySnapshot>]>) -> Results {
    let nn = periods.first().map_or(0, |p| p.nodes.len());
    let nl = periods.first().map_or(0, |p| p.links.len());
    let nodes = |f: fn(&NodeResult) -> f64| -> Vec<f64> {
        periods.iter().flat_map(|p| p.nodes.iter().map(f)).collect()
    };
    let links = |f: fn(&LinkResult) -> f64| -> Vec<f64> {
        periods.iter().flat_map(|p| p.links.iter().map(f)).collect()
    };
    // A reporting time without a quality step (none should exist) reads NaN.
    let q = |of_links: bool| -> Vec<f64> {
        let n = if of_links { nl } else { nn };
        match quality {
            None => vec![0.0; periods.len() * n],
            Some(at) => at
                .iter()
                .flat_map(|s| match s {
                    Some(s) if of_links => s.links.clone(),
                    Some(s) => s.nodes.clone(),
                    None => vec![f64::NAN; n],
                })
                .collect(),
        }
    };
    Results {
        time_s: periods.iter().map(|p| p.time_s).collect(),
        warnings: periods.iter().map(Snapshot::warning_code).collect(),
        iterations: periods.iter().map(|p| p.iterations).collect(),
        has_quality: quality.is_some(),
        head: nodes(|r| r.head),
        pressure: nodes(|r| r.pressure),
        demand: nodes(|r| r.demand),
        node_quality: q(false),
        flow: links(|r| r.flow),
        velocity: links(|r| r.velocity),
        headloss: links(|r| r.headloss),
        status_code: links(|r| f64::from(r.status_code.code())),
        setting: links(|r| r.setting),
        link_quality: q(true),
    }
}

/// Every scenario on `threads` threads (at least one): each applies its edits
/// to its own copy of `base` and runs on the base network's solver structure.
/// Outcomes come back in scenario order.
pub fn run_many(
    base: &Network,
    scenarios: &[Vec<Edit>],
    steady: bool,
    quality: bool,
    threads: usize,
) -> Vec<Outcome> {
    // Ordering and symbolic factorisation once for all: no edit moves a node or a link end.
    let structure = Simulation::new(base).ok().map(|sim| sim.structure());
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Outcome>>> =
        Mutex::new((0..scenarios.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, scenarios.len().max(1)) {
            scope.spawn(|| {
                loop {
                    // One scenario at a time: run times differ (a closure may need many trials).
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(edits) = scenarios.get(i) else { break };
                    let outcome = one(base, edits, structure.as_ref(), steady, quality);
                    outcomes.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(outcome);
                }
            });
        }
    });
    outcomes
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

fn one(
    base: &Network,
    edits: &[Edit],
    structure: Option<&SolverStructure>,
    steady: bool,
    quality: bool,
) -> Outcome {
    let mut net = base.clone();
    for e in edits {
        if let Err(msg) = e.apply(&mut net) {
            return Outcome::BadEdit(msg);
        }
    }
    match run(&net, structure, steady, quality) {
        Ok(r) => Outcome::Done(Box::new(r)),
        Err(e) => Outcome::Failed(e),
    }
}
