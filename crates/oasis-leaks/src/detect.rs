//! The twin-based detector.
//!
//! 1. **Twin prediction.** The nominal network is run over one pattern cycle (at most a
//!    week); its value at every sensor and time of cycle is a regressor.
//! 2. **Calibration on the leak-free training rows.** For each pressure sensor a linear
//!    model `P = c0 + c1·P_twin + Σ (a_f·Q_f + b_f·Q_f²) + Σ d_l·L_l + e·ΣD` (measured flows,
//!    tank levels and smart-meter total as the boundary conditions of the day) is fitted by
//!    ridge least squares, as LILA fits pressures to each other; the residual is what the
//!    model cannot explain.
//! 3. **Leak signatures from the twin.** For every candidate junction the twin is solved with
//!    an emitter there, at four times of day; the change of each sensor per m³/h of leak,
//!    passed through the fitted model (a leak also raises the measured inflow, which the
//!    model reads as demand), is the residual pattern that a leak there would leave.
//! 4. **Detection.** Residuals are averaged over the last 24 h (which removes what is left of
//!    the daily cycle and the sensor noise) and whitened with their (shrunk) training
//!    covariance, as are the signatures. For
//!    each candidate, the matched-filter statistic `aᵀz/|a|` is the evidence for a leak
//!    there; an alarm is raised when the best one stays above the threshold for `persist`
//!    rows (24 h). The threshold is a multiple of the largest value seen on the training rows,
//!    at least 5 (whitened units).
//! 5. **Known leaks and repairs.** Each alarmed leak's flow is re-estimated every row
//!    (least squares on the known signatures) and its part of the residual removed before
//!    looking for the next leak; a day after an alarm, what the known leaks leave unexplained
//!    becomes the new zero (until a repair); a leak whose estimate falls to a quarter of its
//!    peak for a day is taken as repaired and dropped.
//!
//! Every step reads rows in time order only, so the alarms up to a time depend only on the
//! rows up to it.

use std::collections::VecDeque;

use oasis_network::{Network, NodeKind};

use crate::linalg::{NormalEq, cholesky, forward, solve_dense};
use crate::net::NetInfo;
use crate::scada::{Scada, SensorKind};
use crate::twin::Runner;
use crate::{Alarm, LeakError};

/// The detector's settings: the same for every network and data set.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectSettings {
    /// Residual averaging window, minutes.
    pub window_min: i64,
    /// Threshold = max(floor, factor × largest training statistic).
    pub threshold_factor: f64,
    pub threshold_floor: f64,
    /// Shrinkage of the residual covariance towards its diagonal (0..1).
    pub shrinkage: f64,
    /// Rows above the threshold before an alarm.
    pub persist: usize,
    /// Times of day (h) at which signatures are simulated.
    pub signature_hours: Vec<f64>,
    /// Take what the known leaks leave unexplained a window after an alarm as the new zero.
    pub absorb_misfit: bool,
    /// Candidates listed with an alarm.
    pub candidates: usize,
    pub threads: usize,
}

impl Default for DetectSettings {
    fn default() -> Self {
        DetectSettings {
            window_min: 24 * 60,
            threshold_factor: 1.5,
            // The statistic is in whitened units: 5 is a 5-sigma departure along the best
            // candidate's direction, a floor for when the training period is short.
            threshold_floor: 5.0,
            shrinkage: 0.1,
            persist: 288,
            signature_hours: vec![3.0, 9.0, 15.0, 21.0],
            absorb_misfit: true,
            candidates: 5,
            threads: 2,
        }
    }
}

/// Everything prepared from the network alone (reusable across data sets with the same columns).
pub struct Twin {
    pub info: NetInfo,
    /// Candidate junctions.
    pub candidates: Vec<usize>,
    /// Per column, the nominal twin value over the cycle (m, m³/h, L/h).
    pub cycle: Vec<Vec<f64>>,
    pub cycle_step_min: i64,
    /// signature[candidate][column]: change per m³/h of leak.
    pub signature: Vec<Vec<f64>>,
}

impl Twin {
    /// Runs the nominal cycle and the signatures for the columns of `scada`.
    pub fn build(net: &Network, scada: &Scada, step_min: i64, settings: &DetectSettings) -> Result<Twin, LeakError> {
        let info = NetInfo::new(net);
        let u = info.units;
        scada.check_network(net, "SCADA").map_err(|e| LeakError::Invalid(e.to_string()))?;
        let places: Vec<usize> = scada
            .columns
            .iter()
            .map(|c| match c.kind {
                SensorKind::Flow => info.link_index[&c.target],
                _ => info.node_index[&c.target],
            })
            .collect();
        let value = |kind: SensorKind, i: usize, snap: &oasis_hydraulics::Snapshot| match kind {
            SensorKind::Pressure => snap.nodes[i].pressure * u.pressure_to_m,
            SensorKind::Flow => snap.links[i].flow * u.flow_to_m3h,
            SensorKind::Level => (snap.nodes[i].head - net.nodes[i].elevation) * u.head_to_m,
            SensorKind::Demand => snap.nodes[i].demand * u.flow_to_m3h * 1000.0,
        };
        let step_min = step_min.max(1);
        let pattern_len = net.patterns.iter().map(|p| p.factors.len() as i64).max().unwrap_or(1).max(1);
        let cycle_s = (pattern_len * net.times.pattern_step_s.max(60)).clamp(86_400, 7 * 86_400);
        let mut runner = Runner::new(net)?;
        let mut state = runner.initial_state();
        let mut cycle = vec![Vec::new(); scada.columns.len()];
        // One cycle to settle the tanks, then the recorded one.
        runner.run_segment(&mut state, 0, cycle_s, step_min * 60, &|_| 1.0, &[], &mut |_, _| {})?;
        runner.run_segment(&mut state, 0, cycle_s, step_min * 60, &|_| 1.0, &[], &mut |_, snap| {
            for (c, (col, &i)) in scada.columns.iter().zip(&places).enumerate() {
                cycle[c].push(value(col.kind, i, snap));
            }
        })?;

        // Signatures: a leak of about 1 % of the mean demand at each candidate.
        let candidates: Vec<usize> = (0..net.nodes.len())
            .filter(|&n| matches!(net.nodes[n].kind, NodeKind::Junction(_)) && !info.node_pipes[n].is_empty())
            .collect();
        let q_m3h = (crate::scenario::mean_demand_m3h(net) * 0.01).max(0.1);
        let exponent = net.options.emitter_exponent;
        let hours = settings.signature_hours.clone();
        let threads = settings.threads.max(1);
        let chunk = candidates.len().div_ceil(threads).max(1);
        let results: Vec<Result<Vec<Vec<f64>>, LeakError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = candidates
                .chunks(chunk)
                .map(|part| {
                    let places = &places;
                    let scada = &scada;
                    let hours = &hours;
                    let state = &state;
                    scope.spawn(move || -> Result<Vec<Vec<f64>>, LeakError> {
                        let mut runner = Runner::new(net)?;
                        let bases: Vec<oasis_hydraulics::Snapshot> =
                            hours.iter().map(|h| runner.solve_at(state, (h * 3600.0) as i64, &[])).collect::<Result<_, _>>()?;
                        let mut out = Vec::with_capacity(part.len());
                        for &n in part {
                            let mut sig = vec![0.0; places.len()];
                            for (h, base) in hours.iter().zip(&bases) {
                                let p = base.nodes[n].pressure.max(1e-3);
                                let c = q_m3h / u.flow_to_m3h / p.powf(exponent);
                                let snap = runner.solve_at(state, (h * 3600.0) as i64, &[(n, c)])?;
                                let q = c * snap.nodes[n].pressure.max(0.0).powf(exponent) * u.flow_to_m3h;
                                if q <= 0.0 {
                                    continue;
                                }
                                for (k, (col, &i)) in scada.columns.iter().zip(places).enumerate() {
                                    let d = match col.kind {
                                        // Smart meters see consumers, not leaks.
                                        SensorKind::Demand => 0.0,
                                        kind => value(kind, i, &snap) - value(kind, i, base),
                                    };
                                    sig[k] += d / q / hours.len() as f64;
                                }
                            }
                            out.push(sig);
                        }
                        Ok(out)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(LeakError::Invalid("signature thread failed".into())))).collect()
        });
        let mut signature = Vec::with_capacity(candidates.len());
        for r in results {
            signature.extend(r?);
        }
        Ok(Twin { info, candidates, cycle, cycle_step_min: step_min, signature })
    }
}

/// What the detector saw, for reports and plots.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trace {
    pub threshold: f64,
    pub training_max: f64,
    /// Per row: the best candidate's statistic (NaN before the window fills).
    pub statistic: Vec<f64>,
}

struct Model {
    /// Per sensor: coefficients over `features`.
    coef: Vec<Vec<f64>>,
}

fn features(s: &Scada, twin: &Twin, row: usize, col: usize, day0: i64, flows: &[usize], levels: &[usize], amr: &[usize], out: &mut Vec<f64>) -> bool {
    out.clear();
    let t = s.times_min[row];
    let cyc = &twin.cycle[col];
    let k = ((t - day0) / twin.cycle_step_min).rem_euclid(cyc.len().max(1) as i64) as usize;
    out.push(1.0);
    out.push(cyc.get(k).copied().unwrap_or(0.0));
    for &f in flows {
        let q = s.values[row][f];
        out.push(q);
        out.push(q * q.abs() / 100.0);
    }
    for &l in levels {
        out.push(s.values[row][l]);
    }
    if !amr.is_empty() {
        out.push(amr.iter().map(|&d| s.values[row][d]).sum::<f64>() / 1000.0);
    }
    out.iter().all(|v| v.is_finite())
}

/// Runs the detector over `scada`; rows before `train_until_min` calibrate it.
pub fn detect(
    net: &Network,
    twin: &Twin,
    scada: &Scada,
    train_until_min: i64,
    settings: &DetectSettings,
) -> Result<(Vec<Alarm>, Trace), LeakError> {
    let cols = &scada.columns;
    if twin.cycle.len() != cols.len() || twin.signature.first().is_some_and(|s| s.len() != cols.len()) {
        return Err(LeakError::Invalid("the twin was built for other SCADA columns".into()));
    }
    let of = |k: SensorKind| (0..cols.len()).filter(|&c| cols[c].kind == k).collect::<Vec<_>>();
    let (pressure, flows, levels, amr) = (of(SensorKind::Pressure), of(SensorKind::Flow), of(SensorKind::Level), of(SensorKind::Demand));
    if pressure.is_empty() {
        return Err(LeakError::Invalid("the detector needs at least one P_ column".into()));
    }
    let Some(&first) = scada.times_min.first() else { return Ok((Vec::new(), Trace::default())) };
    let day0 = first - first.rem_euclid(1440);
    let train_rows = scada.times_min.partition_point(|&t| t < train_until_min);
    let nf = 2 + 2 * flows.len() + levels.len() + usize::from(!amr.is_empty());

    // Calibration.
    let mut x = Vec::with_capacity(nf);
    let mut model = Model { coef: Vec::new() };
    for &p in &pressure {
        let mut ne = NormalEq::new(nf);
        for r in 0..train_rows {
            if features(scada, twin, r, p, day0, &flows, &levels, &amr, &mut x) && scada.values[r][p].is_finite() {
                ne.add(&x, scada.values[r][p]);
            }
        }
        if ne.rows < 2 * nf {
            return Err(LeakError::Invalid(format!("too few complete training rows ({}) for {}", ne.rows, cols[p].name())));
        }
        let c = ne.solve(1e-6).ok_or_else(|| LeakError::Invalid(format!("cannot calibrate {}", cols[p].name())))?;
        model.coef.push(c);
    }
    let ns = pressure.len();
    // Mean flows of the training rows, where the model's slope in Q² is taken.
    let mean_q: Vec<f64> = flows
        .iter()
        .map(|&f| {
            let v: Vec<f64> = (0..train_rows).map(|r| scada.values[r][f]).filter(|v| v.is_finite()).collect();
            v.iter().sum::<f64>() / v.len().max(1) as f64
        })
        .collect();

    // Residuals, averaged causally over the window.
    let residual = |r: usize, x: &mut Vec<f64>, out: &mut Vec<f64>| -> bool {
        out.clear();
        for (k, &p) in pressure.iter().enumerate() {
            if !features(scada, twin, r, p, day0, &flows, &levels, &amr, x) || !scada.values[r][p].is_finite() {
                return false;
            }
            let pred: f64 = x.iter().zip(&model.coef[k]).map(|(a, b)| a * b).sum();
            out.push(scada.values[r][p] - pred);
        }
        true
    };
    let n = scada.times_min.len();
    let mut window: VecDeque<(i64, Vec<f64>)> = VecDeque::new();
    let mut sum = vec![0.0; ns];
    let mut means: Vec<Option<Vec<f64>>> = Vec::with_capacity(n);
    let mut res = Vec::with_capacity(ns);
    for r in 0..n {
        let t = scada.times_min[r];
        if residual(r, &mut x, &mut res) {
            for (s, v) in sum.iter_mut().zip(&res) {
                *s += v;
            }
            window.push_back((t, res.clone()));
        }
        while window.front().is_some_and(|(t0, _)| *t0 <= t - settings.window_min) {
            if let Some((_, old)) = window.pop_front() {
                for (s, v) in sum.iter_mut().zip(&old) {
                    *s -= v;
                }
            }
        }
        // Full enough: at least three quarters of the window's rows present.
        let expect = settings.window_min / twin.cycle_step_min.max(1);
        let full = window.len() as i64 * 4 >= expect * 3 && t - first >= settings.window_min;
        means.push(full.then(|| sum.iter().map(|s| s / window.len() as f64).collect()));
    }
    // Training spread of the averaged residuals: their covariance, shrunk towards its
    // diagonal (the averages are strongly autocorrelated, so the sample is small). Residuals
    // and signatures are whitened with it: what demand drift moves together counts less.
    let mut cov = vec![0.0; ns * ns];
    let mut count = 0usize;
    for m in means[..train_rows].iter().flatten() {
        for i in 0..ns {
            for j in 0..ns {
                cov[i * ns + j] += m[i] * m[j];
            }
        }
        count += 1;
    }
    if count < 2 {
        return Err(LeakError::Invalid("the training period is shorter than the averaging window".into()));
    }
    let lambda = settings.shrinkage;
    for i in 0..ns {
        for j in 0..ns {
            cov[i * ns + j] /= count as f64;
        }
    }
    for i in 0..ns {
        cov[i * ns + i] = cov[i * ns + i].max(1e-6);
        for j in 0..ns {
            if i != j {
                cov[i * ns + j] *= 1.0 - lambda;
            }
        }
    }
    let chol = cholesky(&cov, ns).ok_or_else(|| LeakError::Invalid("residual covariance is not positive definite".into()))?;
    let whiten = |v: &[f64]| forward(&chol, v, ns);

    // Signatures in residual space, normalised.
    let flow_pos: Vec<usize> = flows.clone();
    let sig_z: Vec<Vec<f64>> = twin
        .signature
        .iter()
        .map(|sig| {
            (0..ns)
                .map(|k| {
                    let p = pressure[k];
                    let c = &model.coef[k];
                    let mut d = sig[p];
                    // The model's response to the leak's change of the measured flows.
                    for (fi, &f) in flow_pos.iter().enumerate() {
                        let dq = sig[f];
                        d -= c[2 + 2 * fi] * dq + c[3 + 2 * fi] * 2.0 * mean_q[fi].abs() * dq / 100.0;
                    }
                    d
                })
                .collect::<Vec<f64>>()
        })
        .map(|d| whiten(&d))
        .collect();
    let norms: Vec<f64> = sig_z.iter().map(|a| a.iter().map(|v| v * v).sum::<f64>().sqrt()).collect();

    // The statistic: best matched-filter value over candidates, after known leaks.
    struct Known {
        cand: usize,
        q: f64,
        peak: f64,
        low_since: Option<i64>,
    }
    let best = |z: &[f64]| -> (usize, f64) {
        let mut b = (usize::MAX, f64::NEG_INFINITY);
        for (j, a) in sig_z.iter().enumerate() {
            if norms[j] <= 1e-12 {
                continue;
            }
            let s = a.iter().zip(z).map(|(x, y)| x * y).sum::<f64>() / norms[j];
            if s > b.1 {
                b = (j, s);
            }
        }
        b
    };
    let mut trace = Trace { statistic: vec![f64::NAN; n], ..Default::default() };
    let mut training_max: f64 = 0.0;
    for r in 0..train_rows {
        if let Some(m) = &means[r] {
            let z = whiten(m);
            let (_, s) = best(&z);
            trace.statistic[r] = s;
            training_max = training_max.max(s);
        }
    }
    let threshold = (settings.threshold_factor * training_max).max(settings.threshold_floor);
    trace.threshold = threshold;
    trace.training_max = training_max;

    let mut known: Vec<Known> = Vec::new();
    let mut alarms = Vec::new();
    let mut above = 0usize;
    let mut below_since = train_until_min;
    // After an alarm the averaging window still mixes the time before and after the leak:
    // no new alarm until it has renewed.
    let mut quiet_until = i64::MIN;
    // What the known leaks leave unexplained once the window has renewed after an alarm (a
    // signature is never exact) becomes the new zero; without it the misfit of one large
    // leak raises an alarm a day, each far from the last.
    let mut offset: Option<Vec<f64>> = None;
    let mut offset_due = false;
    for r in train_rows..n {
        let t = scada.times_min[r];
        let Some(m) = &means[r] else {
            above = 0;
            continue;
        };
        let mut z = whiten(m);
        if !known.is_empty() {
            // Joint least squares of the known leaks' flows, clamped at zero.
            let k = known.len();
            let mut a = vec![0.0; k * k];
            let mut b = vec![0.0; k];
            for (i, ki) in known.iter().enumerate() {
                let si = &sig_z[ki.cand];
                b[i] = si.iter().zip(&z).map(|(x, y)| x * y).sum();
                for (j, kj) in known.iter().enumerate() {
                    a[i * k + j] = si.iter().zip(&sig_z[kj.cand]).map(|(x, y)| x * y).sum::<f64>() * if i == j { 1.0 + 1e-6 } else { 1.0 };
                }
            }
            if let Some(q) = solve_dense(a, b, k) {
                for (kn, q) in known.iter_mut().zip(q) {
                    kn.q = q.max(0.0);
                }
            }
            for kn in &known {
                for (zi, ai) in z.iter_mut().zip(&sig_z[kn.cand]) {
                    *zi -= kn.q * ai;
                }
            }
            for kn in known.iter_mut() {
                kn.peak = kn.peak.max(kn.q);
                if kn.q < 0.25 * kn.peak {
                    kn.low_since.get_or_insert(t);
                } else {
                    kn.low_since = None;
                }
            }
            let before = known.len();
            known.retain(|kn| kn.low_since.is_none_or(|s| t - s < 1440));
            if known.len() < before {
                // A repair: the misfit left with it.
                offset = None;
            }
        }
        if settings.absorb_misfit && offset_due && t >= quiet_until {
            offset = Some(z.clone());
            offset_due = false;
        }
        if let Some(o) = &offset {
            for (zi, oi) in z.iter_mut().zip(o) {
                *zi -= oi;
            }
        }
        let (j, s) = best(&z);
        trace.statistic[r] = s;
        if s > threshold {
            above += 1;
        } else {
            above = 0;
            if s < 0.5 * threshold {
                below_since = t;
            }
        }
        if above >= settings.persist && j != usize::MAX && t >= quiet_until {
            quiet_until = t + settings.window_min;
            offset_due = true;
            above = 0;
            let q = sig_z[j].iter().zip(&z).map(|(x, y)| x * y).sum::<f64>() / (norms[j] * norms[j]);
            known.push(Known { cand: j, q, peak: q, low_since: None });
            // Rank candidates by their statistic for the list.
            let mut ranked: Vec<(usize, f64)> = sig_z
                .iter()
                .enumerate()
                .filter(|(i, _)| norms[*i] > 1e-12)
                .map(|(i, a)| (i, a.iter().zip(&z).map(|(x, y)| x * y).sum::<f64>() / norms[i]))
                .collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
            let score_of = |node: usize| ranked.iter().find(|(i, _)| twin.candidates[*i] == node).map_or(f64::NEG_INFINITY, |r| r.1);
            let pipe_of = |node: usize| -> Option<usize> {
                // The incident pipe whose other end also fits best.
                twin.info.node_pipes[node].iter().copied().max_by(|&p, &q| {
                    let other = |l: usize| {
                        let (a, b) = twin.info.ends[l];
                        if a == node { b } else { a }
                    };
                    score_of(other(p)).total_cmp(&score_of(other(q)))
                })
            };
            let node = twin.candidates[j];
            let Some(pipe) = pipe_of(node) else { continue };
            let candidates = ranked
                .iter()
                .take(settings.candidates)
                .filter_map(|&(i, s)| pipe_of(twin.candidates[i]).map(|p| (net.links[p].id.clone(), s)))
                .collect();
            alarms.push(Alarm {
                pipe_id: net.links[pipe].id.clone(),
                alarm_time_min: t,
                flow_m3h: q,
                start_time_min: below_since,
                candidates,
            });
        }
    }
    Ok((alarms, trace))
}
