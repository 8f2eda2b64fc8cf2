//! Changes to a model, named by the ids of the file: the one path by which
//! both `Model`'s setters and the scenarios change a network.

use pyo3::FromPyObject;

use oasis_network::{Demand, InitialStatus, Junction, Link, LinkKind, Network, NodeKind, Pattern};

/// A value as Python passes it.
#[derive(Debug, Clone, FromPyObject)]
pub enum Value {
    Number(f64),
    Text(String),
    Numbers(Vec<f64>),
}

/// One change to a network (ids resolved when applied).
#[derive(Debug, Clone)]
pub enum Edit {
    /// The first demand category's base demand of a junction (flow units).
    BaseDemand { node: String, value: f64 },
    /// The first demand category's pattern (None: the default pattern).
    DemandPattern {
        node: String,
        pattern: Option<String>,
    },
    /// A junction's emitter coefficient, replaced.
    Emitter { node: String, coefficient: f64 },
    /// A leak: `coefficient` added to the junction's emitter coefficient.
    Leak { node: String, coefficient: f64 },
    /// A link's initial status: OPEN or CLOSED.
    LinkStatus { link: String, open: bool },
    /// A pipe's roughness, a pump's speed or a valve's setting.
    LinkSetting { link: String, value: f64 },
    /// A pattern's factors, replacing the pattern or adding it.
    Pattern { name: String, factors: Vec<f64> },
    /// `[OPTIONS] DEMAND MULTIPLIER`.
    DemandMultiplier { factor: f64 },
    /// `[TIMES] DURATION`, seconds.
    Duration { seconds: i64 },
}

impl Edit {
    pub fn parse(op: &str, target: &str, value: Option<Value>) -> Result<Edit, String> {
        let number = |what: &str| match &value {
            Some(Value::Number(v)) if v.is_finite() => Ok(*v),
            _ => Err(format!("{op}: {what} must be a finite number")),
        };
        let at_least_0 = |what: &str| {
            let v = number(what)?;
            if v >= 0.0 {
                Ok(v)
            } else {
                Err(format!("{op}: {what} must be >= 0, got {v}"))
            }
        };
        let node = target.to_string();
        Ok(match op {
            "base_demand" => Edit::BaseDemand {
                node,
                value: number("base demand")?,
            },
            "demand_pattern" => Edit::DemandPattern {
                node,
                pattern: match value {
                    None => None,
                    Some(Value::Text(p)) => Some(p),
                    _ => return Err(format!("{op}: the pattern must be a pattern name or None")),
                },
            },
            "emitter" => Edit::Emitter {
                node,
                coefficient: at_least_0("emitter coefficient")?,
            },
            "leak" => Edit::Leak {
                node,
                coefficient: at_least_0("leak coefficient")?,
            },
            "link_status" => Edit::LinkStatus {
                link: node,
                open: match &value {
                    Some(Value::Text(s)) if s.eq_ignore_ascii_case("open") => true,
                    Some(Value::Text(s)) if s.eq_ignore_ascii_case("closed") => false,
                    _ => return Err(format!("{op}: the status must be 'OPEN' or 'CLOSED'")),
                },
            },
            "link_setting" => Edit::LinkSetting {
                link: node,
                value: number("setting")?,
            },
            "pattern" => Edit::Pattern {
                name: node,
                factors: match value {
                    Some(Value::Numbers(f)) if !f.is_empty() && f.iter().all(|x| x.is_finite()) => {
                        f
                    }
                    Some(Value::Number(x)) if x.is_finite() => vec![x],
                    _ => {
                        return Err(format!(
                            "{op}: the factors must be a non-empty list of finite numbers"
                        ));
                    }
                },
            },
            "demand_multiplier" => Edit::DemandMultiplier {
                factor: at_least_0("demand multiplier")?,
            },
            "duration" => {
                let s = at_least_0("duration")?;
                if s.fract() != 0.0 {
                    return Err(format!("{op}: the duration must be whole seconds, got {s}"));
                }
                Edit::Duration { seconds: s as i64 }
            }
            _ => return Err(format!("unknown edit '{op}'")),
        })
    }

    pub fn apply(&self, net: &mut Network) -> Result<(), String> {
        match self {
            Edit::BaseDemand { node, value } => {
                first_demand(junction_mut(net, node)?).base = *value
            }
            Edit::DemandPattern { node, pattern } => {
                if let Some(p) = pattern
                    && net.pattern(p).is_none()
                {
                    return Err(format!("no pattern '{p}'"));
                }
                first_demand(junction_mut(net, node)?).pattern = pattern.clone();
            }
            Edit::Emitter { node, coefficient } => {
                junction_mut(net, node)?.emitter_coefficient = *coefficient
            }
            Edit::Leak { node, coefficient } => {
                junction_mut(net, node)?.emitter_coefficient += *coefficient
            }
            Edit::LinkStatus { link, open } => {
                let l = link_mut(net, link)?;
                if let LinkKind::Pipe(p) = &mut l.kind {
                    if p.check_valve {
                        // EPANET's error 207: a check valve's status is its own.
                        return Err(format!(
                            "link '{link}' is a check valve; its status cannot be set"
                        ));
                    }
                    p.closed_on_line = false;
                    p.open_on_line = false;
                }
                l.initial_status = Some(if *open {
                    InitialStatus::Open
                } else {
                    InitialStatus::Closed
                });
            }
            Edit::LinkSetting { link, value } => {
                let l = link_mut(net, link)?;
                match &mut l.kind {
                    LinkKind::Pipe(p) => p.roughness = *value,
                    LinkKind::Pump(_) => l.initial_status = Some(InitialStatus::Value(*value)),
                    LinkKind::Valve(v) => {
                        // A setting makes the valve active again, as EPANET's [STATUS] does.
                        v.setting = *value;
                        l.initial_status = None;
                    }
                }
            }
            Edit::Pattern { name, factors } => {
                match net.patterns.iter_mut().find(|p| &p.id == name) {
                    Some(p) => p.factors = factors.clone(),
                    None => net.patterns.push(Pattern {
                        id: name.clone(),
                        factors: factors.clone(),
                        comment: String::new(),
                    }),
                }
            }
            Edit::DemandMultiplier { factor } => net.options.demand_multiplier = *factor,
            Edit::Duration { seconds } => {
                net.times.duration_s = *seconds;
                if !net.times.given.iter().any(|g| g == "DURATION") {
                    net.times.given.push("DURATION".into());
                }
            }
        }
        Ok(())
    }
}

pub fn junction<'a>(net: &'a Network, id: &str) -> Result<&'a Junction, String> {
    match net.nodes.iter().find(|n| n.id == id).map(|n| &n.kind) {
        Some(NodeKind::Junction(j)) => Ok(j),
        Some(_) => Err(format!("node '{id}' is not a junction")),
        None => Err(format!("no node '{id}'")),
    }
}

fn junction_mut<'a>(net: &'a mut Network, id: &str) -> Result<&'a mut Junction, String> {
    match net
        .nodes
        .iter_mut()
        .find(|n| n.id == id)
        .map(|n| &mut n.kind)
    {
        Some(NodeKind::Junction(j)) => Ok(j),
        Some(_) => Err(format!("node '{id}' is not a junction")),
        None => Err(format!("no node '{id}'")),
    }
}

fn link_mut<'a>(net: &'a mut Network, id: &str) -> Result<&'a mut Link, String> {
    net.links
        .iter_mut()
        .find(|l| l.id == id)
        .ok_or_else(|| format!("no link '{id}'"))
}

/// A junction without demand gets one category (as EPANET gives every junction).
fn first_demand(j: &mut Junction) -> &mut Demand {
    if j.demands.is_empty() {
        j.demands.push(Demand {
            base: 0.0,
            pattern: None,
            category: None,
        });
    }
    &mut j.demands[0]
}

pub fn initial_status(l: &Link) -> Option<String> {
    match (l.initial_status, &l.kind) {
        (Some(InitialStatus::Open), _) => Some("OPEN".into()),
        (Some(InitialStatus::Closed), _) => Some("CLOSED".into()),
        (Some(InitialStatus::Value(v)), _) => Some(v.to_string()),
        (None, LinkKind::Pipe(p)) if p.closed_on_line => Some("CLOSED".into()),
        (None, _) => None,
    }
}
