//! The Global Gradient Algorithm (Todini & Pilati) iteration as EPANET 2.2
//! runs it: coefficients, linear solve, flow update, damping, convergence
//! tests and the schedule of status checks.

use crate::{FlowChangeAt, State, TrialEvent};
use crate::coefficients::{demand_headloss, emitter_headloss, headloss_coeffs, matrix_coeffs};
use crate::linear::{LinearSystem, LinkStamp};
use crate::setup::*;
use crate::status::{link_status, pressure_switch, valve_status};

/// How one period's solution ended.
pub(crate) struct Solution {
    pub iterations: u32,
    pub relative_error: f64,
    /// The matrix could not be factorised (EPANET error 110) at this junction.
    pub singular_at: Option<usize>,
}

pub(crate) fn hydsolve(m: &Model, s: &mut State, sys: &mut LinearSystem) -> Solution {
    let mut next_check = m.check_freq;
    s.relax = 1.0;
    let mut max_trials = m.max_iter;
    if m.extra_iter > 0 {
        max_trials += m.extra_iter as u32;
    }
    let mut iter = 1u32;
    let mut relerr = 0.0;
    let mut singular_at = None;
    while iter <= max_trials {
        headloss_coeffs(m, s);
        matrix_coeffs(m, s, sys);
        let mut rhs = std::mem::take(&mut s.f);
        let solved = sys.solve(&mut rhs);
        s.f = rhs;
        if let Err(singular) = solved {
            if bad_valve(m, s, singular.junction) {
                continue;
            }
            singular_at = Some(singular.junction);
            break;
        }
        s.head[..m.njuncs].copy_from_slice(&s.f[..m.njuncs]);
        // Where the largest flow change is, only for the STATUS FULL trace.
        let (err, max_flow_change, at) = if s.trials.is_some() {
            new_flows::<true>(m, s, &sys.stamps)
        } else {
            new_flows::<false>(m, s, &sys.stamps)
        };
        relerr = err;
        if let Some(log) = &mut s.trials {
            log.push(TrialEvent::Trial { iteration: iter, relative_change: relerr });
        }

        s.relax = 1.0;
        let mut valve_change = false;
        if m.damp_limit > 0.0 {
            if relerr <= m.damp_limit {
                s.relax = 0.6;
                valve_change = valve_status(m, s);
            }
        } else {
            valve_change = valve_status(m, s);
        }

        if has_converged(m, s, relerr, max_flow_change, at) {
            if iter > m.max_iter {
                break;
            }
            let mut changed = valve_change;
            changed |= link_status(m, s);
            changed |= pressure_switch(m, s);
            if !changed {
                break;
            }
            next_check = iter + m.check_freq;
        } else if iter <= m.max_check && iter == next_check {
            link_status(m, s);
            next_check += m.check_freq;
        }
        iter += 1;
    }
    // Junction demand reported = consumer demand + emitter outflow.
    for i in 0..m.njuncs {
        let full = s.demand[i];
        s.demand[i] = s.demand_flow[i] + s.emitter_flow[i];
        s.demand_flow[i] = full;
    }
    Solution { iterations: iter, relative_error: relerr, singular_at }
}

/// An active pressure or flow control valve at the junction where the
/// factorisation broke is set aside (XPRESSURE/XFCV) and the iteration redone.
fn bad_valve(m: &Model, s: &mut State, junction: usize) -> bool {
    for &k in &m.valves {
        let link = &m.links[k];
        if junction == link.n1 || junction == link.n2 {
            if matches!(link.kind, LinkType::Prv | LinkType::Psv | LinkType::Fcv) && s.status[k] == Status::Active {
                if let Some(log) = &mut s.trials {
                    log.push(TrialEvent::IllConditioned { link: k });
                }
                s.status[k] = if link.kind == LinkType::Fcv { Status::XFcv } else { Status::XPressure };
                return true;
            }
            return false;
        }
    }
    false
}

/// Updates link, emitter and demand flows; returns the relative flow change,
/// the largest absolute flow change and, if `WHERE`, where it was (EPANET's
/// first link when no flow changed).
fn new_flows<const WHERE: bool>(m: &Model, s: &mut State, ends: &[LinkStamp]) -> (f64, f64, FlowChangeAt) {
    let mut qsum = 0.0;
    let mut dqsum = 0.0;
    let mut max_change = 0.0f64;
    let mut at = FlowChangeAt::Link(0);
    let mut note = |max_change: &mut f64, dq: f64, here: FlowChangeAt| {
        if WHERE {
            if dq.abs() > *max_change {
                *max_change = dq.abs();
                at = here;
            }
        } else {
            *max_change = max_change.max(dq.abs());
        }
    };
    for n in m.njuncs..m.nnodes {
        s.demand[n] = 0.0;
    }
    for (k, st) in ends.iter().enumerate() {
        let (n1, n2) = (st.n1 as usize, st.n2 as usize);
        let dh = s.head[n1] - s.head[n2];
        let mut dq = s.y[k] - s.p[k] * dh;
        dq *= s.relax;
        if m.has_const_power_pump
            && let Some(PumpData { kind: PumpKind::ConstPower { .. }, .. }) = m.links[k].pump.as_deref()
            && dq > s.flow[k]
        {
            dq = s.flow[k] / 2.0;
        }
        s.flow[k] -= dq;
        qsum += s.flow[k].abs();
        dqsum += dq.abs();
        note(&mut max_change, dq, FlowChangeAt::Link(k));
        if s.status[k] > Status::Closed {
            if n1 >= m.njuncs {
                s.demand[n1] -= s.flow[k];
            }
            if n2 >= m.njuncs {
                s.demand[n2] += s.flow[k];
            }
        }
    }
    for &i in &m.emitters {
        let (hloss, hgrad) = emitter_headloss(m, s, i);
        let dh = s.head[i] - m.elevation[i];
        let dq = (hloss - dh) / hgrad * s.relax;
        s.emitter_flow[i] -= dq;
        qsum += s.emitter_flow[i].abs();
        dqsum += dq.abs();
        note(&mut max_change, dq, FlowChangeAt::Node(i));
    }
    if m.pda {
        let dp = m.preq - m.pmin;
        let n = 1.0 / m.pexp;
        for i in 0..m.njuncs {
            if s.demand[i] <= 0.0 {
                continue;
            }
            let (hloss, hgrad) = demand_headloss(m, s, i, dp, n);
            let dh = s.head[i] - m.elevation[i] - m.pmin;
            let dq = (hloss - dh) / hgrad * s.relax;
            s.demand_flow[i] -= dq;
            qsum += s.demand_flow[i].abs();
            dqsum += dq.abs();
            note(&mut max_change, dq, FlowChangeAt::Node(i));
        }
    }
    let relerr = if qsum > m.hacc { dqsum / qsum } else { dqsum };
    (relerr, max_change, at)
}

fn has_converged(m: &Model, s: &mut State, relerr: f64, max_flow_change: f64, at: FlowChangeAt) -> bool {
    if relerr > m.hacc {
        return false;
    }
    // EPANET always finds the largest head error here; it matters only to a
    // head error limit and to the STATUS FULL trace.
    let head_error = if s.trials.is_some() {
        let (error, link) = max_head_error(m, s);
        if let Some(log) = &mut s.trials {
            log.push(TrialEvent::Balance {
                max_flow_change: max_flow_change * m.ucf.flow,
                at,
                max_head_error: error * m.ucf.head,
                head_error_link: link,
            });
        }
        Some(error)
    } else {
        None
    };
    if m.head_error_limit > 0.0 && head_error.unwrap_or_else(|| max_head_error(m, s).0) > m.head_error_limit {
        return false;
    }
    if m.flow_change_limit > 0.0 && max_flow_change > m.flow_change_limit {
        return false;
    }
    if m.pda {
        return pda_converged(m, s);
    }
    true
}

/// Largest difference between a link's head difference and its head loss at
/// the current flow (EPANET recomputes the coefficients for this), and its
/// link (EPANET's first link when there is none).
fn max_head_error(m: &Model, s: &mut State) -> (f64, usize) {
    headloss_coeffs(m, s);
    let (mut max, mut at) = (0.0f64, 0);
    for (k, link) in m.links.iter().enumerate() {
        if s.status[k] <= Status::Closed || s.p[k] == 0.0 {
            continue;
        }
        let dh = s.head[link.n1] - s.head[link.n2];
        let error = (dh - s.y[k] / s.p[k]).abs();
        if error > max {
            (max, at) = (error, k);
        }
    }
    (max, at)
}

/// EPANET 2.2: no negative demand, and no demand at a junction whose
/// pressure is below the minimum.
fn pda_converged(m: &Model, s: &State) -> bool {
    const TOL: f64 = 0.001;
    for i in 0..m.njuncs {
        if s.demand[i] <= 0.0 {
            continue;
        }
        if s.demand_flow[i] < -TOL {
            return false;
        }
        let p = s.head[i] - m.elevation[i];
        if s.demand_flow[i] > TOL && p < m.pmin - TOL {
            return false;
        }
    }
    true
}
