//! Two simple baselines to measure the detector against. Both watch the total inflow (the
//! flow in every `Q_` column of a link at a reservoir, counted out of the reservoir),
//! averaged over the last 24 h and normalised by its training spread, and alarm when it
//! stays above the same kind of threshold as the detector (a multiple of the training
//! maximum). After an alarm the reference moves to the new level, so a second leak can be
//! seen, and it moves down again when the inflow falls (a repair).
//! * [`Location::Inlet`]: the alarm names the inlet pipe whose flow rose most.
//! * [`Location::Pressure`]: it names a pipe at the pressure sensor whose 24-h mean fell
//!   most (in training standard deviations).

use std::collections::VecDeque;

use oasis_network::{Network, NodeKind};

use crate::net::NetInfo;
use crate::scada::{Scada, SensorKind};
use crate::{Alarm, LeakError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Inlet,
    Pressure,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BaselineSettings {
    pub window_min: i64,
    pub threshold_factor: f64,
    pub threshold_floor: f64,
    pub persist: usize,
}

impl Default for BaselineSettings {
    fn default() -> Self {
        BaselineSettings { window_min: 24 * 60, threshold_factor: 1.5, threshold_floor: 3.0, persist: 12 }
    }
}

/// Causal moving means of several series over a time window (NaN rows skipped).
fn moving_means(s: &Scada, cols: &[(usize, f64)], window_min: i64, step_min: i64) -> Vec<Option<Vec<f64>>> {
    let mut q: VecDeque<(i64, Vec<f64>)> = VecDeque::new();
    let mut sum = vec![0.0; cols.len()];
    let first = s.times_min.first().copied().unwrap_or(0);
    let mut out = Vec::with_capacity(s.times_min.len());
    for (r, &t) in s.times_min.iter().enumerate() {
        let v: Vec<f64> = cols.iter().map(|&(c, sign)| sign * s.values[r][c]).collect();
        if v.iter().all(|x| x.is_finite()) {
            for (a, b) in sum.iter_mut().zip(&v) {
                *a += b;
            }
            q.push_back((t, v));
        }
        while q.front().is_some_and(|(t0, _)| *t0 <= t - window_min) {
            if let Some((_, old)) = q.pop_front() {
                for (a, b) in sum.iter_mut().zip(&old) {
                    *a -= b;
                }
            }
        }
        let full = q.len() as i64 * 4 >= 3 * window_min / step_min.max(1) && t - first >= window_min;
        out.push(full.then(|| sum.iter().map(|a| a / q.len() as f64).collect()));
    }
    out
}

fn mean_sd(v: impl Iterator<Item = f64>) -> (f64, f64) {
    let v: Vec<f64> = v.collect();
    let n = v.len().max(1) as f64;
    let m = v.iter().sum::<f64>() / n;
    (m, (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n).sqrt().max(1e-9))
}

pub fn detect(net: &Network, scada: &Scada, train_until_min: i64, how: Location, set: &BaselineSettings) -> Result<Vec<Alarm>, LeakError> {
    let info = NetInfo::new(net);
    let cols = &scada.columns;
    let is_res = |n: usize| n < net.nodes.len() && matches!(net.nodes[n].kind, NodeKind::Reservoir(_));
    let inlets: Vec<(usize, f64)> = cols
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == SensorKind::Flow)
        .filter_map(|(i, c)| {
            let l = *info.link_index.get(&c.target)?;
            let (a, b) = info.ends[l];
            if is_res(a) {
                Some((i, 1.0))
            } else if is_res(b) {
                Some((i, -1.0))
            } else {
                None
            }
        })
        .collect();
    if inlets.is_empty() {
        return Err(LeakError::Invalid("the baselines need a Q_ column on a link at a reservoir".into()));
    }
    let pressures: Vec<(usize, f64)> = cols.iter().enumerate().filter(|(_, c)| c.kind == SensorKind::Pressure).map(|(i, _)| (i, 1.0)).collect();
    if how == Location::Pressure && pressures.is_empty() {
        return Err(LeakError::Invalid("the pressure baseline needs a P_ column".into()));
    }
    let step = scada.step_min().unwrap_or(5);
    let train_rows = scada.times_min.partition_point(|&t| t < train_until_min);
    let flow_m = moving_means(scada, &inlets, set.window_min, step);
    let pres_m = moving_means(scada, &pressures, set.window_min, step);
    let total = |m: &Vec<f64>| m.iter().sum::<f64>();
    if flow_m[..train_rows].iter().flatten().count() < 2 {
        return Err(LeakError::Invalid("the training period is shorter than the averaging window".into()));
    }
    let (mut reference, sd) = mean_sd(flow_m[..train_rows].iter().flatten().map(total));
    let train_max = flow_m[..train_rows].iter().flatten().map(|m| ((total(m) - reference) / sd).abs()).fold(0.0, f64::max);
    let threshold = (set.threshold_factor * train_max).max(set.threshold_floor);
    let inlet_ref: Vec<f64> = (0..inlets.len())
        .map(|k| mean_sd(flow_m[..train_rows].iter().flatten().map(|m| m[k])).0)
        .collect();
    let pres_ref: Vec<(f64, f64)> = (0..pressures.len()).map(|k| mean_sd(pres_m[..train_rows].iter().flatten().map(|m| m[k]))).collect();
    let mut inlet_now = inlet_ref.clone();
    let mut pres_now: Vec<f64> = pres_ref.iter().map(|p| p.0).collect();
    let mut alarms = Vec::new();
    let (mut above, mut below) = (0usize, 0usize);
    let mut quiet_until = i64::MIN;
    for r in train_rows..scada.times_min.len() {
        let t = scada.times_min[r];
        let Some(m) = &flow_m[r] else { continue };
        let z = (total(m) - reference) / sd;
        above = if z > threshold { above + 1 } else { 0 };
        below = if z < -threshold { below + 1 } else { 0 };
        if below >= set.persist {
            // A repair (or less demand): follow the level down, no alarm.
            reference = total(m);
            inlet_now.copy_from_slice(m);
            below = 0;
        }
        if above >= set.persist && t >= quiet_until {
            above = 0;
            quiet_until = t + set.window_min;
            let pipe = match how {
                Location::Inlet => {
                    let k = (0..inlets.len()).max_by(|&a, &b| (m[a] - inlet_now[a]).total_cmp(&(m[b] - inlet_now[b]))).unwrap_or(0);
                    // An inlet pump or valve is no pipe: name the first pipe after it.
                    info.link_index.get(&cols[inlets[k].0].target).copied().and_then(|l| {
                        if info.is_pipe(l) {
                            return Some(l);
                        }
                        let (a, b) = info.ends[l];
                        let inner = if is_res(a) { b } else { a };
                        info.node_pipes.get(inner).and_then(|p| p.first().copied())
                    })
                }
                Location::Pressure => {
                    let Some(p) = &pres_m[r] else { continue };
                    let k = (0..pressures.len())
                        .max_by(|&a, &b| ((pres_now[a] - p[a]) / pres_ref[a].1).total_cmp(&((pres_now[b] - p[b]) / pres_ref[b].1)))
                        .unwrap_or(0);
                    pres_now.copy_from_slice(p);
                    let node = info.node_index.get(&cols[pressures[k].0].target).copied();
                    node.and_then(|n| info.node_pipes[n].first().copied())
                }
            };
            let flow = total(m) - reference;
            reference = total(m);
            inlet_now.copy_from_slice(m);
            if let Some(p) = pipe {
                alarms.push(Alarm {
                    pipe_id: net.links[p].id.clone(),
                    alarm_time_min: t,
                    flow_m3h: flow,
                    start_time_min: t - set.window_min,
                    candidates: Vec::new(),
                });
            }
        }
    }
    Ok(alarms)
}
