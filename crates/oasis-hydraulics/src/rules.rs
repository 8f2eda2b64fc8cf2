//! Rule-based controls (`[RULES]`) evaluated as EPANET 2.2 does: every rule
//! at each rule time step, premises left to right (OR re-evaluated only while
//! the running result is false), one pending action per link (a later rule
//! wins only with a strictly higher priority), and actions applied only when
//! they change a status or move a setting by more than 0.001.

use oasis_network::Network;
use oasis_network::model::{Conjunction, Rule};

use crate::HydraulicsError;
use crate::State;
use crate::setup::*;

const TOL: f64 = 1e-3;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Rel {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    Open,
    Closed,
    Active,
}

#[derive(Debug, Clone)]
enum Test {
    /// A numeric variable of a node or link compared with a value (file units).
    Value { var: Var, index: usize, value: f64 },
    /// A link's status.
    Status { link: usize, want: Want },
    /// Elapsed time or clock time (seconds).
    Time { clock: bool, value: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Var {
    Demand,
    SystemDemand,
    Head,
    Pressure,
    Level,
    Flow,
    Setting,
    FillTime,
    DrainTime,
    Never,
}

#[derive(Debug, Clone)]
struct Premise {
    or: bool,
    rel: Rel,
    test: Test,
}

#[derive(Debug, Clone)]
struct Action {
    link: usize,
    status: Option<Want>,
    /// New setting in file units.
    setting: Option<f64>,
}

#[derive(Debug, Clone)]
struct CompiledRule {
    id: String,
    premises: Vec<Premise>,
    then_actions: Vec<Action>,
    else_actions: Vec<Action>,
    priority: f64,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RuleSet {
    rules: Vec<CompiledRule>,
}

/// What rule evaluation reads of the simulation.
pub(crate) struct Context<'a> {
    pub m: &'a Model,
    pub volume: &'a [f64],
    pub vmax: &'a [f64],
    pub htime: i64,
    pub start_clock: i64,
    pub dt: i64,
}

fn bad(rule: &Rule, what: &str) -> HydraulicsError {
    HydraulicsError::Input { code: 201, message: format!("rule {}: {what}", rule.id) }
}

impl RuleSet {
    pub fn new(net: &Network) -> Result<RuleSet, HydraulicsError> {
        let ids = crate::setup::ElementIds::new(net);
        let kw = oasis_network::inp::read::kw;
        let mut rules = Vec::new();
        for r in &net.rules {
            let mut premises = Vec::new();
            for p in &r.premises {
                let rel = match p.relation.as_str() {
                    "=" | "IS" => Rel::Eq,
                    "<>" | "NOT" => Rel::Ne,
                    "<" | "BELOW" => Rel::Lt,
                    "<=" => Rel::Le,
                    ">" | "ABOVE" => Rel::Gt,
                    ">=" => Rel::Ge,
                    other => return Err(bad(r, &format!("unknown relation {other}"))),
                };
                let v = p.variable.as_str();
                let test = if kw(v, "TIME") || kw(v, "CLOCKTIME") {
                    let clock = kw(v, "CLOCKTIME");
                    let mut parts = p.value.split_whitespace();
                    let first = parts.next().unwrap_or("");
                    let units = parts.next().unwrap_or("");
                    let h = oasis_network::inp::read::hours(first, units)
                        .ok_or_else(|| bad(r, &format!("bad time {}", p.value)))?;
                    Test::Time { clock, value: (3600.0 * h) as i64 }
                } else if kw(v, "STATUS") {
                    let index = ids.link(&p.id).ok_or_else(|| bad(r, "status of a node"))?;
                    let want = if kw(&p.value, "OPEN") {
                        Want::Open
                    } else if kw(&p.value, "CLOSED") {
                        Want::Closed
                    } else if kw(&p.value, "ACTIVE") {
                        Want::Active
                    } else {
                        return Err(bad(r, &format!("bad status {}", p.value)));
                    };
                    Test::Status { link: index, want }
                } else {
                    let mut value: f64 =
                        p.value.trim().parse().map_err(|_| bad(r, &format!("bad value {}", p.value)))?;
                    let system = p.object == "SYSTEM";
                    let (var, index) = if kw(v, "DEMAND") && system {
                        (Var::SystemDemand, 0)
                    } else if kw(v, "DEMAND") {
                        (Var::Demand, ids.node(&p.id).unwrap_or(0))
                    } else if kw(v, "HEAD") || kw(v, "GRADE") {
                        (Var::Head, ids.node(&p.id).unwrap_or(0))
                    } else if kw(v, "PRESSURE") {
                        (Var::Pressure, ids.node(&p.id).unwrap_or(0))
                    } else if kw(v, "LEVEL") {
                        (Var::Level, ids.node(&p.id).unwrap_or(0))
                    } else if kw(v, "FLOW") {
                        (Var::Flow, ids.link(&p.id).unwrap_or(0))
                    } else if kw(v, "SETTING") {
                        (Var::Setting, ids.link(&p.id).unwrap_or(0))
                    } else if kw(v, "FILLTIME") {
                        value *= 3600.0;
                        (Var::FillTime, ids.node(&p.id).unwrap_or(0))
                    } else if kw(v, "DRAINTIME") {
                        value *= 3600.0;
                        (Var::DrainTime, ids.node(&p.id).unwrap_or(0))
                    } else if kw(v, "POWER") {
                        // EPANET reads POWER but never evaluates it: the premise is false.
                        (Var::Never, 0)
                    } else {
                        return Err(bad(r, &format!("unknown variable {v}")));
                    };
                    Test::Value { var, index, value }
                };
                premises.push(Premise { or: p.conjunction == Conjunction::Or, rel, test });
            }
            let actions = |list: &[oasis_network::model::RuleAction]| -> Result<Vec<Action>, HydraulicsError> {
                list.iter()
                    .map(|a| {
                        let k = ids.link(&a.id).ok_or_else(|| bad(r, "unknown link"))?;
                        if kw(&a.variable, "STATUS") {
                            let status = if kw(&a.value, "OPEN") {
                                Want::Open
                            } else if kw(&a.value, "CLOSED") {
                                Want::Closed
                            } else {
                                Want::Active
                            };
                            Ok(Action { link: k, status: Some(status), setting: None })
                        } else {
                            let x = a.value.parse().map_err(|_| bad(r, "bad setting"))?;
                            Ok(Action { link: k, status: None, setting: Some(x) })
                        }
                    })
                    .collect()
            };
            rules.push(CompiledRule {
                id: r.id.clone(),
                premises,
                then_actions: actions(&r.then_actions)?,
                else_actions: actions(&r.else_actions)?,
                priority: r.priority.unwrap_or(0.0),
            });
        }
        Ok(RuleSet { rules })
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Evaluates every rule and takes the resulting actions; returns the
    /// (rule index, link) of every action that changed a link, in the order
    /// they were taken.
    pub fn check(&self, ctx: &Context, s: &mut State) -> Vec<(usize, usize)> {
        // Pending actions, most recent first: (rule index, action).
        let mut pending: Vec<(usize, &Action)> = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let list = if self.premises_hold(rule, ctx, s) { &rule.then_actions } else { &rule.else_actions };
            for a in list {
                match pending.iter_mut().find(|(_, b)| b.link == a.link) {
                    Some(entry) => {
                        if rule.priority > self.rules[entry.0].priority {
                            *entry = (i, a);
                        }
                    }
                    None => pending.insert(0, (i, a)),
                }
            }
        }
        pending.into_iter().filter(|(_, a)| take_action(ctx.m, s, a)).map(|(i, a)| (i, a.link)).collect()
    }

    /// The ID of rule `i`.
    pub fn id(&self, i: usize) -> &str {
        &self.rules[i].id
    }

    fn premises_hold(&self, rule: &CompiledRule, ctx: &Context, s: &State) -> bool {
        let mut result = true;
        for p in &rule.premises {
            if p.or {
                if !result {
                    result = premise(p, ctx, s);
                }
            } else {
                if !result {
                    return false;
                }
                result = premise(p, ctx, s);
            }
        }
        result
    }
}

fn premise(p: &Premise, ctx: &Context, s: &State) -> bool {
    match p.test {
        Test::Time { clock, value } => {
            let time1 = ctx.htime - ctx.dt + 1;
            let (t1, t2) = if clock {
                ((time1 + ctx.start_clock) % 86400, (ctx.htime + ctx.start_clock) % 86400)
            } else {
                (time1, ctx.htime)
            };
            let x = value;
            match p.rel {
                Rel::Lt => t2 < x,
                Rel::Le => t2 <= x,
                Rel::Gt => t2 > x,
                Rel::Ge => t2 >= x,
                Rel::Eq | Rel::Ne => {
                    let within = if t2 < t1 { x >= t1 || x <= t2 } else { x >= t1 && x <= t2 };
                    if p.rel == Rel::Eq { within } else { !within }
                }
            }
        }
        Test::Status { link, want } => {
            let st = s.status[link];
            let is = if st <= Status::Closed {
                Want::Closed
            } else if st == Status::Active {
                Want::Active
            } else {
                Want::Open
            };
            match p.rel {
                Rel::Eq => is == want,
                Rel::Ne => is != want,
                _ => false,
            }
        }
        Test::Value { var, index, value } => {
            let Some(x) = variable(var, index, ctx, s) else { return false };
            match p.rel {
                Rel::Eq => (x - value).abs() <= TOL,
                Rel::Ne => (x - value).abs() >= TOL,
                Rel::Lt => x <= value + TOL,
                Rel::Le => x <= value - TOL,
                Rel::Gt => x >= value - TOL,
                Rel::Ge => x >= value + TOL,
            }
        }
    }
}

fn variable(var: Var, i: usize, ctx: &Context, s: &State) -> Option<f64> {
    let m = ctx.m;
    let u = &m.ucf;
    Some(match var {
        Var::Never => return None,
        Var::SystemDemand => s.dsystem * u.flow,
        Var::Demand => s.demand[i] * u.flow,
        Var::Head => s.head[i] * u.head,
        Var::Pressure => (s.head[i] - m.elevation[i]) * u.pressure,
        Var::Level => (s.head[i] - m.elevation[i]) * u.head,
        Var::Flow => s.flow[i].abs() * u.flow,
        Var::Setting => {
            if s.setting[i] == MISSING {
                return None;
            }
            let x = s.setting[i];
            match m.links[i].kind {
                LinkType::Prv | LinkType::Psv | LinkType::Pbv => x * u.pressure,
                LinkType::Fcv => x * u.flow,
                _ => x,
            }
        }
        Var::FillTime | Var::DrainTime => {
            if i < m.njuncs {
                return None;
            }
            let j = m.fixed_index(i)?;
            let t = &m.fixed[j];
            if t.area == 0.0 {
                return None;
            }
            let q = s.demand[i];
            if var == Var::FillTime {
                if q <= TINY {
                    return None;
                }
                (ctx.vmax[j] - ctx.volume[j]) / q
            } else {
                if q >= -TINY {
                    return None;
                }
                (t.vmin - ctx.volume[j]) / q
            }
        }
    })
}

/// Applies one action; true if it changed the link.
fn take_action(m: &Model, s: &mut State, a: &Action) -> bool {
    let k = a.link;
    let status = s.status[k];
    let v = s.setting[k];
    if a.status == Some(Want::Open) && status <= Status::Closed {
        crate::set_link_status(m, s, k, true);
        return true;
    }
    if a.status == Some(Want::Closed) && status > Status::Closed {
        crate::set_link_status(m, s, k, false);
        return true;
    }
    if let Some(x) = a.setting {
        let x = match m.links[k].kind {
            LinkType::Prv | LinkType::Psv | LinkType::Pbv => x / m.ucf.pressure,
            LinkType::Fcv => x / m.ucf.flow,
            _ => x,
        };
        if (x - v).abs() > TOL {
            crate::set_link_setting(m, s, k, x);
            return true;
        }
    }
    false
}
