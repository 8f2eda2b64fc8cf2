//! Solving scenarios, one at a time or on a pool of threads.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use oasis_hydraulics::{Simulation, Snapshot, SolverStructure};
use oasis_network::{Network, NodeKind};

use crate::{Scenario, apply};

/// How scenarios are run and judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// A junction counts as under-served when its pressure falls below this
    /// (network pressure units: m, kPa or psi) at any reporting time.
    pub pressure_threshold: f64,
    /// Solve time 0 only instead of the network's whole duration.
    pub steady: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            pressure_threshold: 20.0,
            steady: false,
        }
    }
}

/// One scenario's result: the CSV row. Pressures and flows are in the network's
/// own units; times in seconds from the start.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub index: usize,
    pub kind: &'static str,
    pub target: String,
    /// Lowest junction pressure over all reporting times (NaN if the run failed
    /// or the network has no junction).
    pub min_pressure: f64,
    pub min_pressure_junction: String,
    pub min_pressure_time_s: i64,
    /// Junctions below the threshold at some reporting time.
    pub junctions_below: usize,
    /// Mean over reporting times of the water leaving reservoirs and tanks
    /// (= consumers' demand plus leakage, by continuity).
    pub mean_supply: f64,
    /// Reporting times summarised.
    pub periods: usize,
    /// Highest EPANET warning code met (0 none).
    pub warning: i32,
    /// Why the scenario has no result, if it has none.
    pub error: Option<String>,
}

impl Summary {
    fn failed(net: &Network, s: &Scenario, error: String) -> Summary {
        Summary {
            index: s.index,
            kind: s.variant.kind(),
            target: s.variant.target(net),
            min_pressure: f64::NAN,
            min_pressure_junction: String::new(),
            min_pressure_time_s: 0,
            junctions_below: 0,
            mean_supply: f64::NAN,
            periods: 0,
            warning: 0,
            error: Some(error),
        }
    }
}

/// Running totals over the reporting times of one run.
struct Tally {
    min: (f64, usize, i64),
    below: Vec<bool>,
    supply_sum: f64,
    periods: usize,
    warning: i32,
}

impl Tally {
    fn new(junctions: usize) -> Tally {
        Tally {
            min: (f64::INFINITY, usize::MAX, 0),
            below: vec![false; junctions],
            supply_sum: 0.0,
            periods: 0,
            warning: 0,
        }
    }

    fn add(&mut self, net: &Network, snap: &Snapshot, threshold: f64) {
        for (j, r) in snap.nodes.iter().enumerate().take(self.below.len()) {
            if r.pressure < self.min.0 {
                self.min = (r.pressure, j, snap.time_s);
            }
            if r.pressure < threshold {
                self.below[j] = true;
            }
        }
        // Reservoirs and tanks report their net inflow as demand: outflow is negative.
        let fixed = net.nodes.iter().zip(&snap.nodes).skip(self.below.len());
        self.supply_sum -= fixed.map(|(_, r)| r.demand).sum::<f64>();
        self.periods += 1;
        self.warning = self.warning.max(snap.warning_code());
    }
}

/// Solves one scenario on its own.
pub fn run_one(net: &Network, s: &Scenario, settings: &Settings) -> Summary {
    run_on(net, s, settings, None)
}

/// Solves one scenario, on the base network's solver structure when given
/// (the simulation checks that it fits the variant).
fn run_on(net: &Network, s: &Scenario, settings: &Settings, structure: Option<&SolverStructure>) -> Summary {
    let variant = match apply(net, s) {
        Ok(v) => v,
        Err(e) => return Summary::failed(net, s, e.to_string()),
    };
    // Junctions come first in EPANET's node order.
    let junctions = variant
        .nodes
        .iter()
        .take_while(|n| matches!(n.kind, NodeKind::Junction(_)))
        .count();
    let mut tally = Tally::new(junctions);
    let solved = (|| -> Result<(), oasis_hydraulics::HydraulicsError> {
        let mut sim = match structure {
            Some(st) => Simulation::with_structure(&variant, st)?,
            None => Simulation::new(&variant)?,
        };
        loop {
            let snap = sim.run()?;
            if settings.steady || sim.is_reporting_time(snap.time_s) {
                tally.add(&variant, &snap, settings.pressure_threshold);
            }
            if settings.steady || sim.next()? == 0 {
                return Ok(());
            }
        }
    })();
    if let Err(e) = solved {
        return Summary::failed(net, s, e.to_string());
    }
    let has_min = tally.min.1 != usize::MAX;
    Summary {
        index: s.index,
        kind: s.variant.kind(),
        target: s.variant.target(net),
        min_pressure: if has_min { tally.min.0 } else { f64::NAN },
        min_pressure_junction: if has_min {
            variant.nodes[tally.min.1].id.clone()
        } else {
            String::new()
        },
        min_pressure_time_s: tally.min.2,
        junctions_below: tally.below.iter().filter(|b| **b).count(),
        mean_supply: if tally.periods > 0 {
            tally.supply_sum / tally.periods as f64
        } else {
            f64::NAN
        },
        periods: tally.periods,
        warning: tally.warning,
        error: None,
    }
}

/// Solves every scenario on `threads` threads (at least one), all reading the
/// same base network. `on_row(summary, done)` is called on the calling thread in
/// scenario order, each row as soon as it and every row before it are finished
/// (`done` = rows handed over so far, for progress).
pub fn run_all(
    net: &Network,
    scenarios: &[Scenario],
    settings: &Settings,
    threads: usize,
    mut on_row: impl FnMut(&Summary, usize),
) {
    // The ordering and symbolic factorisation are built once for all
    // scenarios: no variant moves a node or a link end.
    let structure = Simulation::new(net).ok().map(|sim| sim.structure());
    let structure = structure.as_ref();
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Summary)>();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1).min(scenarios.len().max(1)) {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    // Work is taken one scenario at a time: run times differ a lot
                    // (a closure can need many more trials), so no fixed split.
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(s) = scenarios.get(i) else { break };
                    if tx.send((i, run_on(net, s, settings, structure))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Rows finished out of order wait here until their turn.
        let mut pending = BTreeMap::new();
        let mut done = 0;
        for (i, summary) in rx {
            pending.insert(i, summary);
            while let Some(s) = pending.remove(&done) {
                done += 1;
                on_row(&s, done);
            }
        }
    });
}
