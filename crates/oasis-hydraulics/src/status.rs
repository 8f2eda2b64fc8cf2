//! Status checks between gradient iterations: pressure valves, check valves,
//! pumps, flow control valves, links at full or empty tanks, and junction
//! pressure controls — EPANET 2.2's rules and tolerances.

use crate::State;
use crate::setup::*;

/// Re-evaluates PRVs and PSVs with a setting; true if any changed.
pub(crate) fn valve_status(m: &Model, s: &mut State) -> bool {
    let mut change = false;
    for &k in &m.valves {
        let link = &m.links[k];
        if !matches!(link.kind, LinkType::Prv | LinkType::Psv) || s.setting[k] == MISSING {
            continue;
        }
        let (h1, h2) = (s.head[link.n1], s.head[link.n2]);
        let old = s.status[k];
        let hml = link.km * s.flow[k] * s.flow[k];
        let q = s.flow[k];
        let (htol, qtol) = (m.htol, m.qtol);
        let new = if link.kind == LinkType::Prv {
            let hset = m.elevation[link.n2] + s.setting[k];
            match old {
                Status::Active if q < -qtol => Status::Closed,
                Status::Active if h1 - hml < hset - htol => Status::Open,
                Status::Open if q < -qtol => Status::Closed,
                Status::Open if h2 >= hset + htol => Status::Active,
                Status::Closed if h1 >= hset + htol && h2 < hset - htol => Status::Active,
                Status::Closed if h1 < hset - htol && h1 > h2 + htol => Status::Open,
                Status::XPressure if q < -qtol => Status::Closed,
                other => other,
            }
        } else {
            let hset = m.elevation[link.n1] + s.setting[k];
            match old {
                Status::Active if q < -qtol => Status::Closed,
                Status::Active if h2 + hml > hset + htol => Status::Open,
                Status::Open if q < -qtol => Status::Closed,
                Status::Open if h1 < hset - htol => Status::Active,
                Status::Closed if h2 > hset + htol && h1 > h2 + htol => Status::Open,
                Status::Closed if h1 >= hset + htol && h1 > h2 + htol => Status::Active,
                Status::XPressure if q < -qtol => Status::Closed,
                other => other,
            }
        };
        s.status[k] = new;
        if new != old {
            change = true;
            s.log_change(m, k, old);
        }
    }
    change
}

fn cv_status(m: &Model, status: Status, dh: f64, q: f64) -> Status {
    if dh.abs() > m.htol {
        if dh < -m.htol || q < -m.qtol { Status::Closed } else { Status::Open }
    } else if q < -m.qtol {
        Status::Closed
    } else {
        status
    }
}

/// Checks CVs, pumps, FCVs and links to tanks; true if any changed.
pub(crate) fn link_status(m: &Model, s: &mut State) -> bool {
    let mut change = false;
    for &k in &m.status_checked {
        let link = &m.links[k];
        let (n1, n2) = (link.n1, link.n2);
        let dh = s.head[n1] - s.head[n2];
        let old = s.status[k];
        if matches!(old, Status::XHead | Status::TempClosed) {
            s.status[k] = Status::Open;
        }
        if link.kind == LinkType::CvPipe {
            s.status[k] = cv_status(m, s.status[k], dh, s.flow[k]);
        }
        if link.kind == LinkType::Pump && s.status[k] >= Status::Open && s.setting[k] > 0.0 {
            let pump = link.pump.as_ref().expect("pump data");
            let hmax = match pump.kind {
                PumpKind::ConstPower { .. } => BIG,
                _ => s.setting[k] * s.setting[k] * pump.hmax,
            };
            if -dh > hmax + m.htol {
                s.status[k] = Status::XHead;
            } else {
                s.status[k] = Status::Open;
            }
        }
        if link.kind == LinkType::Fcv && s.setting[k] != MISSING {
            if s.head[n1] - s.head[n2] < -m.htol || s.flow[k] < -m.qtol {
                s.status[k] = Status::XFcv;
            } else if old == Status::XFcv && s.flow[k] >= s.setting[k] {
                s.status[k] = Status::Active;
            } else {
                s.status[k] = old;
            }
        }
        if n1 >= m.njuncs || n2 >= m.njuncs {
            tank_link_status(m, s, k);
        }
        if s.status[k] != old {
            change = true;
            s.log_change(m, k, old);
        }
    }
    change
}

/// Closes a link that would fill a full tank or drain an empty one.
fn tank_link_status(m: &Model, s: &mut State, k: usize) {
    let link = &m.links[k];
    if s.status[k] <= Status::Closed {
        return;
    }
    let (mut n1, mut n2, mut q) = (link.n1, link.n2, s.flow[k]);
    if n1 < m.njuncs {
        (n1, n2) = (n2, n1);
        q = -q;
    }
    let Some(tank) = m.fixed_index(n1).map(|j| &m.fixed[j]) else { return };
    if tank.area == 0.0 {
        return;
    }
    let h = s.head[n1] - s.head[n2];
    if s.head[n1] >= tank.hmax - m.htol && !tank.can_overflow {
        if link.kind == LinkType::Pump {
            if link.n2 == n1 {
                s.status[k] = Status::TempClosed;
            }
        } else if cv_status(m, Status::Open, h, q) == Status::Closed {
            s.status[k] = Status::TempClosed;
        }
    }
    if s.head[n1] <= tank.hmin + m.htol {
        if link.kind == LinkType::Pump {
            if link.n1 == n1 {
                s.status[k] = Status::TempClosed;
            }
        } else if cv_status(m, Status::Closed, h, q) == Status::Open {
            s.status[k] = Status::TempClosed;
        }
    }
}

/// Junction-pressure simple controls, applied inside the solver.
pub(crate) fn pressure_switch(m: &Model, s: &mut State) -> bool {
    let mut any = false;
    for c in &m.controls {
        let Some(n) = c.node else { continue };
        if n >= m.njuncs {
            continue;
        }
        let fire = match c.kind {
            ControlKind::LowLevel => s.head[n] <= c.grade + m.htol,
            ControlKind::HiLevel => s.head[n] >= c.grade - m.htol,
            _ => false,
        };
        if !fire {
            continue;
        }
        let k = c.link;
        let kind = m.links[k].kind;
        let mut change = false;
        if kind == LinkType::Pipe && s.status[k] != c.status {
            change = true;
        }
        if kind == LinkType::Pump && s.setting[k] != c.setting {
            change = true;
        }
        if kind >= LinkType::Prv
            && (s.setting[k] != c.setting || (s.setting[k] == MISSING && s.status[k] != c.status))
        {
            change = true;
        }
        if change {
            let old = s.status[k];
            s.status[k] = c.status;
            if kind > LinkType::Pipe {
                s.setting[k] = c.setting;
            }
            s.log_change(m, k, old);
            any = true;
        }
    }
    any
}
