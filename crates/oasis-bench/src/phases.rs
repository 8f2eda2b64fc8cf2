//! Where an Oasis run's time goes, phase by phase, measured in one process:
//! reading the file, building the simulation (model, ordering, symbolic
//! factor, initial state), building it again on a shared structure (what a
//! scenario pays), the junction ordering alone, and solving every period.
//! The runs follow one another in the same process, so caches are warm: the
//! numbers say which phase to work on, and compare two builds of Oasis; the
//! comparison with EPANET is `compare`'s.

use oasis_hydraulics::cholesky::junction_graph;
use oasis_hydraulics::ordering::minimum_degree;
use oasis_hydraulics::Simulation;
use oasis_network::{Network, read_inp};

use crate::clock::{Span, Stopwatch};
use crate::report::median;
use crate::timing::{TimingError, solve_to_end};

/// Each phase's CPU seconds over the repeats (minimum and median).
#[derive(Debug, Clone, PartialEq)]
pub struct Phases {
    pub junctions: usize,
    /// Hydraulic periods of the run.
    pub periods: usize,
    pub parse: Spread,
    /// `Simulation::new`.
    pub build: Spread,
    /// `Simulation::with_structure` on the run's own structure.
    pub build_shared: Spread,
    /// The junction graph and its minimum-degree ordering.
    pub ordering: Spread,
    /// Every period solved, then the simulation freed.
    pub solve: Spread,
}

/// The least and the median of a phase's CPU seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub min_s: f64,
    pub median_s: f64,
}

impl Spread {
    fn of(spans: &[Span]) -> Spread {
        let cpu: Vec<f64> = spans.iter().map(|s| s.cpu_s).collect();
        Spread {
            min_s: cpu.iter().copied().fold(f64::INFINITY, f64::min),
            median_s: median(&cpu).unwrap_or(f64::NAN),
        }
    }
}

/// Reads `bytes` (named `source_name` in errors) `repeat` times and times each
/// phase once per repeat, after one untimed run.
pub fn time_phases(bytes: &[u8], source_name: &str, repeat: usize) -> Result<Phases, TimingError> {
    let net = read_inp(bytes, source_name)?;
    let ends = link_ends(&net);
    let (junctions, nodes) = (net.junction_count(), net.nodes.len());
    // The untimed run, whose structure the shared builds reuse.
    let first = Simulation::new(&net)?;
    let structure = first.structure();
    let periods = solve_to_end(first)?;
    let mut spans: [Vec<Span>; 5] = Default::default();
    for _ in 0..repeat.max(1) {
        let w = Stopwatch::start();
        let again = read_inp(bytes, source_name)?;
        spans[0].push(w.stop());
        drop(again);

        let w = Stopwatch::start();
        let shared = Simulation::with_structure(&net, &structure)?;
        spans[2].push(w.stop());
        drop(shared);

        let w = Stopwatch::start();
        let order = minimum_degree(junction_graph(junctions, nodes, &ends));
        spans[3].push(w.stop());
        drop(order);

        let w = Stopwatch::start();
        let sim = Simulation::new(&net)?;
        spans[1].push(w.stop());
        let w = Stopwatch::start();
        solve_to_end(sim)?;
        spans[4].push(w.stop());
    }
    let [parse, build, build_shared, ordering, solve] = spans.map(|s| Spread::of(&s));
    Ok(Phases { junctions, periods, parse, build, build_shared, ordering, solve })
}

/// Each link's end nodes as positions in `net.nodes` (the reader has checked
/// that they exist).
fn link_ends(net: &Network) -> Vec<(usize, usize)> {
    let index: std::collections::HashMap<&str, usize> =
        net.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    net.links.iter().map(|l| (index[l.from.as_str()], index[l.to.as_str()])).collect()
}

/// The table's header (markdown), milliseconds as min / median.
pub const PHASES_HEADER: &str = "| network | junctions | periods | parse ms | build ms | build on a shared structure ms | ordering ms | solve ms |\n\
    |---|--:|--:|--:|--:|--:|--:|--:|";

/// One table row.
pub fn phases_line(name: &str, p: &Phases) -> String {
    let ms = |s: Spread| format!("{:.3} / {:.3}", s.min_s * 1e3, s.median_s * 1e3);
    format!(
        "| {name} | {} | {} | {} | {} | {} | {} | {} |",
        p.junctions,
        p.periods,
        ms(p.parse),
        ms(p.build),
        ms(p.build_shared),
        ms(p.ordering),
        ms(p.solve)
    )
}
