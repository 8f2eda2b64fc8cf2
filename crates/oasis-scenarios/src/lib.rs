//! Many variants of one network, solved across threads: a leak emitter at each
//! junction in turn, demand multipliers, pipe closures. Each scenario is a
//! modified clone of the parsed [`Network`] (the parse happens once and is shared
//! read-only by all threads); the solver holds no global state, so scenarios run
//! independently and give exactly what a run of the same variant alone gives.
//! One [`Summary`] per scenario is handed back in scenario order as soon as it and
//! all before it are done, so results stream to a file while the rest still run.
//!
//! The library does no I/O; [`cli`] is the `oasis scenarios` command (it reads the
//! network, writes the CSV and shows progress) for the `oasis` binary to wire in.

pub mod cli;
mod run;

pub use run::{Settings, Summary, run_all, run_one};

use oasis_network::{InitialStatus, LinkKind, Network, NodeKind};

/// One change made to the base network.
#[derive(Debug, Clone, PartialEq)]
pub enum Variant {
    /// An emitter (leak) at a junction: `coefficient` is added to the junction's
    /// emitter coefficient (flow units per pressure unit^exponent).
    Leak { junction: usize, coefficient: f64 },
    /// Every demand scaled: the `[OPTIONS] DEMAND MULTIPLIER` is multiplied by `factor`.
    DemandMultiplier { factor: f64 },
    /// A pipe closed for the whole run (its initial status set to CLOSED; controls
    /// and rules that act on it still apply).
    Closure { link: usize },
}

/// A numbered variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Position in the scenario list (the CSV's `scenario` column).
    pub index: usize,
    pub variant: Variant,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    #[error("scenario {index}: junction index {junction} is not a junction of the network")]
    NotAJunction { index: usize, junction: usize },
    #[error("scenario {index}: link index {link} is not a pipe of the network")]
    NotAPipe { index: usize, link: usize },
    #[error("scenario {index}: {what} must be a finite number >= 0, got {value}")]
    BadNumber {
        index: usize,
        what: &'static str,
        value: f64,
    },
}

impl Variant {
    /// `leak`, `demand` or `closure`.
    pub fn kind(&self) -> &'static str {
        match self {
            Variant::Leak { .. } => "leak",
            Variant::DemandMultiplier { .. } => "demand",
            Variant::Closure { .. } => "closure",
        }
    }

    /// What the variant changes, in the network's own words: a junction or pipe
    /// id, or the multiplier.
    pub fn target(&self, net: &Network) -> String {
        match self {
            Variant::Leak { junction, .. } => net
                .nodes
                .get(*junction)
                .map_or("?".into(), |n| n.id.clone()),
            Variant::DemandMultiplier { factor } => format!("x{factor}"),
            Variant::Closure { link } => net.links.get(*link).map_or("?".into(), |l| l.id.clone()),
        }
    }
}

/// One leak scenario per junction, in junction order.
pub fn leak_scenarios(net: &Network, coefficient: f64) -> Vec<Scenario> {
    let junctions = net
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.kind, NodeKind::Junction(_)));
    numbered(junctions.map(|(junction, _)| Variant::Leak {
        junction,
        coefficient,
    }))
}

/// One scenario per factor.
pub fn demand_scenarios(factors: &[f64]) -> Vec<Scenario> {
    numbered(
        factors
            .iter()
            .map(|&factor| Variant::DemandMultiplier { factor }),
    )
}

/// `count` factors evenly spaced from `min` to `max` (both included).
pub fn factor_range(min: f64, max: f64, count: usize) -> Vec<f64> {
    match count {
        0 => Vec::new(),
        1 => vec![min],
        n => (0..n)
            .map(|i| min + (max - min) * i as f64 / (n - 1) as f64)
            .collect(),
    }
}

/// One closure per pipe that is open at the start, in link order.
pub fn closure_scenarios(net: &Network) -> Vec<Scenario> {
    let open_pipes = net.links.iter().enumerate().filter(|(_, l)| match &l.kind {
        LinkKind::Pipe(p) => match l.initial_status {
            Some(InitialStatus::Closed) => false,
            Some(InitialStatus::Open) => true,
            _ => !p.closed_on_line,
        },
        _ => false,
    });
    numbered(open_pipes.map(|(link, _)| Variant::Closure { link }))
}

fn numbered(variants: impl Iterator<Item = Variant>) -> Vec<Scenario> {
    variants
        .enumerate()
        .map(|(index, variant)| Scenario { index, variant })
        .collect()
}

/// The base network with the scenario's change made: a clone, the base untouched.
pub fn apply(net: &Network, s: &Scenario) -> Result<Network, ScenarioError> {
    let index = s.index;
    let check = |what, value: f64| {
        if value.is_finite() && value >= 0.0 {
            Ok(())
        } else {
            Err(ScenarioError::BadNumber { index, what, value })
        }
    };
    let mut v = net.clone();
    match s.variant {
        Variant::Leak {
            junction,
            coefficient,
        } => {
            check("leak coefficient", coefficient)?;
            match v.nodes.get_mut(junction).map(|n| &mut n.kind) {
                Some(NodeKind::Junction(j)) => j.emitter_coefficient += coefficient,
                _ => return Err(ScenarioError::NotAJunction { index, junction }),
            }
        }
        Variant::DemandMultiplier { factor } => {
            check("demand factor", factor)?;
            v.options.demand_multiplier *= factor;
        }
        Variant::Closure { link } => match v.links.get_mut(link) {
            Some(l) if matches!(l.kind, LinkKind::Pipe(_)) => {
                l.initial_status = Some(InitialStatus::Closed)
            }
            _ => return Err(ScenarioError::NotAPipe { index, link }),
        },
    }
    Ok(v)
}
