//! Head-loss coefficients of every link (`P` = 1/gradient, `Y` = head loss /
//! gradient) and the assembly of the linearised system, as EPANET 2.2 does.

use std::f64::consts::PI;

use oasis_network::units::HeadlossFormula;

use crate::State;
use crate::batch_math::{ln_in_place, pow_in_place};
use crate::linear::{LinearSystem, NONE};
use crate::setup::*;

// Darcy-Weisbach constants exactly as EPANET writes them.
#[allow(clippy::excessive_precision)]
mod dw {
    pub const A1: f64 = 3.14159265358979323850e+03; // 1000*PI
    pub const A2: f64 = 1.57079632679489661930e+03; // 500*PI
    pub const A8: f64 = 4.61841319859066668690e+00; // 5.74*(PI/4)^.9
    pub const A9: f64 = -8.68588963806503655300e-01; // -2/ln(10)
    pub const AB: f64 = 3.28895476345399058690e-03; // 5.74/(4000^.9)
    pub const AC: f64 = -5.14214965799093883760e-03; // AA*AB
}
use dw::*;

/// Per-pipe working arrays of the head-loss passes, in `Model::pipes` order.
pub(crate) struct PipeScratch {
    /// |q|^(n-1) (Hazen-Williams, Chezy-Manning), or Swamee-Jain's
    /// y1 = A8 / w^0.9 (Darcy-Weisbach; for a pipe in transitional flow,
    /// its friction factor).
    power: Vec<f64>,
    /// Darcy-Weisbach only: w = |q| / (viscosity × diameter), and
    /// ln(e/3.7 + y1) (transitional flow: the friction factor's derivative).
    w: Vec<f64>,
    ln_y2: Vec<f64>,
    /// Used (sized) only where the pipes are not consecutive links: their
    /// flows and statuses gathered, and their `P` and `Y` before they are
    /// scattered.
    gathered: Gathered,
}

struct Gathered {
    flow: Vec<f64>,
    status: Vec<Status>,
    p: Vec<f64>,
    y: Vec<f64>,
}

impl PipeScratch {
    pub(crate) fn new(m: &Model) -> PipeScratch {
        let (n, dw_len) = (m.pipes.len(), m.pipe_table.sv.len());
        let g = if m.pipe_table.first.is_none() { n } else { 0 };
        let gathered = Gathered { flow: vec![0.0; g], status: vec![Status::Open; g], p: vec![0.0; g], y: vec![0.0; g] };
        PipeScratch { power: vec![0.0; n], w: vec![0.0; dw_len], ln_y2: vec![0.0; dw_len], gathered }
    }
}

/// Sets `P` and `Y` of every link from the current flows and statuses.
pub(crate) fn headloss_coeffs(m: &Model, s: &mut State) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2 (checked just above).
        unsafe { pipe_coeffs_avx2(m, s) };
    } else {
        pipe_coeffs(m, s);
    }
    #[cfg(not(target_arch = "x86_64"))]
    pipe_coeffs(m, s);
    for &k in &m.non_pipes {
        (s.p[k], s.y[k]) = link_coeff(m, s, k);
    }
}

/// `pipe_coeffs` compiled for AVX2: four pipes at a time in every pass,
/// divisions included (IEEE operations give the same results in any width).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn pipe_coeffs_avx2(m: &Model, s: &mut State) {
    pipe_coeffs(m, s);
}

/// The pipes' `P` and `Y`, in passes over all of them, each pipe's
/// operations unchanged: first the library calls (q^(n-1), or the
/// Darcy-Weisbach friction factor's power and logarithm), which
/// `batch_math` does several at a time with the C library's results, then
/// the arithmetic, without branches (each case computed, the one that
/// applies chosen), so that the compiler can run several pipes at a time.
#[inline(always)]
fn pipe_coeffs(m: &Model, s: &mut State) {
    let State { flow, status, p, y, pipe_scratch, .. } = s;
    let PipeScratch { power, w, ln_y2, gathered: g } = pipe_scratch;
    let t = &m.pipe_table;
    let n = m.pipes.len();
    let (flow, status, p_out, y_out): (&[f64], &[Status], &mut [f64], &mut [f64]) = match t.first {
        Some(f) => (&flow[f..f + n], &status[f..f + n], &mut p[f..f + n], &mut y[f..f + n]),
        None => {
            for (i, &k) in m.pipes.iter().enumerate() {
                (g.flow[i], g.status[i]) = (flow[k], status[k]);
            }
            (&g.flow, &g.status, &mut g.p, &mut g.y)
        }
    };
    // Equal lengths, stated once, so that the loops below index unchecked.
    let (flow, status, r, km) = (&flow[..n], &status[..n], &t.r[..n], &t.km[..n]);
    let (power, p_out, y_out) = (&mut power[..n], &mut p_out[..n], &mut y_out[..n]);
    if m.formula == HeadlossFormula::DarcyWeisbach {
        let (sv, e37, w, ln_y2) = (&t.sv[..n], &t.e37[..n], &mut w[..n], &mut ln_y2[..n]);
        for i in 0..n {
            w[i] = flow[i].abs() / sv[i];
            power[i] = w[i];
        }
        pow_in_place(power, 0.9);
        for i in 0..n {
            power[i] = A8 / power[i];
            ln_y2[i] = e37[i] + power[i];
        }
        ln_in_place(ln_y2);
        // Between Re 2000 and 4000 (rare): the friction factor and its
        // derivative in place of y1 and ln y2.
        for i in 0..n {
            let q = flow[i].abs();
            if status[i] > Status::Closed && q > A2 * sv[i] && w[i] < A1 {
                (power[i], ln_y2[i]) = transitional_friction(q, e37[i], sv[i]);
            }
        }
        let y1 = power;
        for i in 0..n {
            let (flow, r, ml, sv) = (flow[i], r[i], km[i], sv[i]);
            let q = flow.abs();
            // Laminar: Hagen-Poiseuille.
            let laminar_r = 16.0 * PI * sv * r;
            let laminar = (flow * (laminar_r + ml * q), laminar_r + 2.0 * ml * q);
            // Swamee-Jain above Re 4000.
            let y2 = e37[i] + y1[i];
            let y3 = A9 * ln_y2[i];
            let f = 1.0 / (y3 * y3);
            let dfdq = 1.8 * f * y1[i] * A9 / y2 / y3 / q;
            let (f, dfdq) = if w[i] >= A1 { (f, dfdq) } else { (y1[i], ln_y2[i]) };
            let r1 = f * r + ml;
            let turbulent = (r1 * q * flow, 2.0 * r1 * q + dfdq * r * q * q);
            let (hloss, hgrad) = if q <= A2 * sv { laminar } else { turbulent };
            let open = status[i] > Status::Closed;
            p_out[i] = if open { 1.0 / hgrad } else { 1.0 / CBIG };
            y_out[i] = if open { hloss / hgrad } else { flow };
        }
    } else {
        for i in 0..n {
            power[i] = flow[i].abs();
        }
        pow_in_place(power, m.hexp - 1.0);
        let (hexp, rqtol) = (m.hexp, m.rqtol);
        for i in 0..n {
            let (flow, ml) = (flow[i], km[i]);
            let q = flow.abs();
            let hgrad = hexp * r[i] * power[i];
            // EPANET 2.2: a linear head loss with gradient RQTOL at tiny flows.
            let tiny = hgrad < rqtol;
            let hloss = if tiny { rqtol * q } else { hgrad * q / hexp };
            let hgrad = if tiny { rqtol } else { hgrad };
            let (hloss, hgrad) = if ml > 0.0 { (hloss + ml * q * q, hgrad + 2.0 * ml * q) } else { (hloss, hgrad) };
            let hloss = if flow < 0.0 { -hloss } else { hloss };
            let open = status[i] > Status::Closed;
            p_out[i] = if open { 1.0 / hgrad } else { 1.0 / CBIG };
            y_out[i] = if open { hloss / hgrad } else { flow };
        }
    }
    if t.first.is_none() {
        for (i, &k) in m.pipes.iter().enumerate() {
            (p[k], y[k]) = (g.p[i], g.y[i]);
        }
    }
}

fn closed(q: f64) -> (f64, f64) {
    (1.0 / CBIG, q)
}

fn link_coeff(m: &Model, s: &State, k: usize) -> (f64, f64) {
    let link = &m.links[k];
    match link.kind {
        LinkType::CvPipe | LinkType::Pipe => unreachable!("pipes are done by headloss_coeffs"),
        LinkType::Pump => pump_coeff(m, s, k),
        LinkType::Pbv => {
            let setting = s.setting[k];
            if setting == MISSING || setting == 0.0 || link.km * s.flow[k] * s.flow[k] > setting {
                valve_coeff(m, s, k, link.km)
            } else {
                (CBIG, setting * CBIG)
            }
        }
        LinkType::Tcv => {
            let km = if s.setting[k] != MISSING {
                let d2 = link.diameter_ft * link.diameter_ft;
                0.02517 * s.setting[k] / (d2 * d2)
            } else {
                link.km
            };
            valve_coeff(m, s, k, km)
        }
        LinkType::Gpv => {
            if s.status[k] == Status::Closed {
                valve_coeff(m, s, k, link.km)
            } else {
                let q = s.flow[k].abs().max(TINY);
                let (h0, r) = curve_segment(m, link.gpv_curve.as_deref().unwrap_or(&[]), q);
                let r = r.max(TINY);
                (1.0 / r, (h0 / r + q) * s.flow[k].signum_epanet())
            }
        }
        LinkType::Prv | LinkType::Psv | LinkType::Fcv => {
            if s.setting[k] == MISSING {
                valve_coeff(m, s, k, link.km)
            } else {
                (0.0, s.y[k])
            }
        }
    }
}

trait Sgn {
    fn signum_epanet(self) -> f64;
}
impl Sgn for f64 {
    /// EPANET's SGN: -1 for negative, +1 otherwise (zero is positive).
    fn signum_epanet(self) -> f64 {
        if self < 0.0 { -1.0 } else { 1.0 }
    }
}

/// Dunlop's cubic interpolation of the friction factor between Re 2000 and
/// 4000, and its derivative with respect to flow (`e37` = relative
/// roughness / 3.7, `sv` = viscosity × diameter).
fn transitional_friction(q: f64, e37: f64, sv: f64) -> (f64, f64) {
    let w = q / sv;
    let y2 = e37 + AB;
    let y3 = A9 * y2.ln();
    let fa = 1.0 / (y3 * y3);
    let fb = (2.0 + AC / (y2 * y3)) * fa;
    let r = w / A2;
    let x1 = 7.0 * fa - fb;
    let x2 = 0.128 - 17.0 * fa + 2.5 * fb;
    let x3 = -0.128 + 13.0 * fa - (fb + fb);
    let x4 = 0.032 - 3.0 * fa + 0.5 * fb;
    let f = x1 + r * (x2 + r * (x3 + r * x4));
    (f, (x2 + r * (2.0 * x3 + r * 3.0 * x4)) / sv / A2)
}

fn pump_coeff(m: &Model, s: &State, k: usize) -> (f64, f64) {
    let link = &m.links[k];
    let flow = s.flow[k];
    let setting = s.setting[k];
    if s.status[k] <= Status::Closed || setting == 0.0 {
        return closed(flow);
    }
    let pump = link.pump.as_ref().expect("a pump link has pump data");
    let q = flow.abs();
    let (hgrad, hloss) = match &pump.kind {
        PumpKind::Custom { points } => {
            let (h0, r) = curve_segment(m, points, q / setting);
            // Head gain becomes head loss by the sign change.
            let hgrad = -r * setting;
            (hgrad, -h0 * (setting * setting) + hgrad * flow)
        }
        PumpKind::ConstPower { r } => {
            // N = -1 for a constant-power pump: r · speed^(2-N), as EPANET computes it.
            let r = r * setting.powf(3.0);
            let hgrad = -r / q / q;
            // Outside [RQTOL, CBIG] EPANET 2.2 makes the curve linear.
            if hgrad > CBIG {
                (CBIG, -CBIG * flow)
            } else if hgrad < m.rqtol {
                (m.rqtol, -m.rqtol * flow)
            } else {
                (hgrad, r / flow)
            }
        }
        PumpKind::Power { h0, r, n } => {
            let h0 = setting * setting * h0;
            let mut n = *n;
            if (n - 1.0).abs() < TINY {
                n = 1.0;
            }
            let r = r * setting.powf(2.0 - n);
            if n != 1.0 {
                let hgrad = n * r * q.powf(n - 1.0);
                if hgrad < m.rqtol { (m.rqtol, h0 + m.rqtol * flow) } else { (hgrad, h0 + hgrad * flow / n) }
            } else {
                (r, h0 + r * flow)
            }
        }
    };
    (1.0 / hgrad, hloss / hgrad)
}

/// Intercept and slope (internal units) of the curve segment bracketing `q`
/// (cfs); the curve is in file units.
fn curve_segment(m: &Model, points: &[(f64, f64)], q: f64) -> (f64, f64) {
    let q = q * m.ucf.flow;
    let n = points.len();
    if n < 2 {
        return (points.first().map_or(0.0, |p| p.1) / m.ucf.head, 0.0);
    }
    let mut k2 = 0;
    while k2 < n && points[k2].0 < q {
        k2 += 1;
    }
    if k2 == 0 {
        k2 = 1;
    } else if k2 == n {
        k2 -= 1;
    }
    let k1 = k2 - 1;
    let r = (points[k2].1 - points[k1].1) / (points[k2].0 - points[k1].0);
    let h0 = points[k1].1 - r * points[k1].0;
    (h0 / m.ucf.head, r * m.ucf.flow / m.ucf.head)
}

/// A fully open or closed valve (or a TCV/PBV acting as one), with minor loss `km`.
fn valve_coeff(m: &Model, s: &State, k: usize, km: f64) -> (f64, f64) {
    let flow = s.flow[k];
    if s.status[k] <= Status::Closed {
        return closed(flow);
    }
    if km > 0.0 {
        let q = flow.abs();
        let mut hgrad = 2.0 * km * q;
        let hloss;
        if hgrad < m.rqtol {
            hgrad = m.rqtol;
            hloss = flow * hgrad;
        } else {
            hloss = flow * hgrad / 2.0;
        }
        (1.0 / hgrad, hloss / hgrad)
    } else {
        (1.0 / CSMALL, flow)
    }
}

/// Emitter head loss and gradient at its current flow (EPANET 2.2).
pub(crate) fn emitter_headloss(m: &Model, s: &State, i: usize) -> (f64, f64) {
    let ke = m.emitter_ke[i].max(CSMALL);
    let q = s.emitter_flow[i];
    let hgrad = m.qexp * ke * q.abs().powf(m.qexp - 1.0);
    if hgrad < m.rqtol { (m.rqtol * q, m.rqtol) } else { (hgrad * q / m.qexp, hgrad) }
}

/// Pressure-dependent demand head loss and gradient (EPANET 2.2's hard barriers).
pub(crate) fn demand_headloss(m: &Model, s: &State, i: usize, dp: f64, n: f64) -> (f64, f64) {
    let d = s.demand_flow[i];
    let dfull = s.demand[i];
    let r = d / dfull;
    if r <= 0.0 {
        (CBIG * d, CBIG)
    } else if r < 1.0 {
        let hgrad = n * dp * r.powf(n - 1.0) / dfull;
        if hgrad < m.rqtol { (m.rqtol * d, m.rqtol) } else { (hgrad * d / n, hgrad) }
    } else {
        (dp + CBIG * (d - dfull), CBIG)
    }
}

/// Fills the matrix values and the right-hand side `f` (one entry per junction).
pub(crate) fn matrix_coeffs(m: &Model, s: &mut State, sys: &mut LinearSystem) {
    let nj = m.njuncs;
    sys.values.iter_mut().for_each(|v| *v = 0.0);
    s.f.iter_mut().for_each(|v| *v = 0.0);
    s.xflow.iter_mut().for_each(|v| *v = 0.0);

    // Links.
    let links = sys.stamps.iter().zip(&s.p).zip(s.flow.iter().zip(&s.y));
    for ((st, &p), (&q, &y)) in links {
        if p == 0.0 {
            continue;
        }
        let (n1, n2) = (st.n1 as usize, st.n2 as usize);
        s.xflow[n1] -= q;
        s.xflow[n2] += q;
        if st.off != NONE {
            sys.values[st.off as usize] -= p;
        }
        if st.d1 != NONE {
            sys.values[st.d1 as usize] += p;
            s.f[n1] += y;
        } else if st.d2 != NONE {
            s.f[n2] += p * s.head[n1];
        }
        if st.d2 != NONE {
            sys.values[st.d2 as usize] += p;
            s.f[n2] -= y;
        } else if st.d1 != NONE {
            s.f[n1] += p * s.head[n2];
        }
    }

    // Emitters.
    for &i in &m.emitters {
        let (hloss, hgrad) = emitter_headloss(m, s, i);
        sys.values[sys.diag_slot[i]] += 1.0 / hgrad;
        s.f[i] += (hloss + m.elevation[i]) / hgrad;
        s.xflow[i] -= s.emitter_flow[i];
    }

    // Pressure-dependent demands.
    if m.pda {
        let dp = m.preq - m.pmin;
        let n = 1.0 / m.pexp;
        for i in 0..nj {
            if s.demand[i] <= 0.0 {
                continue;
            }
            let (hloss, hgrad) = demand_headloss(m, s, i, dp, n);
            if hgrad > 0.0 {
                sys.values[sys.diag_slot[i]] += 1.0 / hgrad;
                s.f[i] += (hloss + m.elevation[i] + m.pmin) / hgrad;
            }
        }
    }

    // Junction demands and flow excess.
    for i in 0..nj {
        s.xflow[i] -= s.demand_flow[i];
        s.f[i] += s.xflow[i];
    }

    // Pressure and flow control valves that are not fixed open or closed.
    for &k in &m.valves {
        let link = &m.links[k];
        if !matches!(link.kind, LinkType::Prv | LinkType::Psv | LinkType::Fcv) || s.setting[k] == MISSING {
            continue;
        }
        let (n1, n2) = (link.n1, link.n2);
        let active = s.status[k] == Status::Active;
        match link.kind {
            LinkType::Prv if active => {
                let hset = m.elevation[n2] + s.setting[k];
                s.p[k] = 0.0;
                s.y[k] = s.flow[k] + s.xflow[n2];
                s.f[n2] += hset * CBIG;
                sys.values[sys.diag_slot[n2]] += CBIG;
                if s.xflow[n2] < 0.0 {
                    s.f[n1] += s.xflow[n2];
                }
            }
            LinkType::Psv if active => {
                let hset = m.elevation[n1] + s.setting[k];
                s.p[k] = 0.0;
                s.y[k] = s.flow[k] - s.xflow[n1];
                s.f[n1] += hset * CBIG;
                sys.values[sys.diag_slot[n1]] += CBIG;
                if s.xflow[n1] > 0.0 {
                    s.f[n2] += s.xflow[n1];
                }
            }
            LinkType::Fcv if active => {
                let q = s.setting[k];
                s.xflow[n1] -= q;
                s.xflow[n2] += q;
                s.y[k] = s.flow[k] - q;
                s.f[n1] -= q;
                s.f[n2] += q;
                s.p[k] = 1.0 / CBIG;
                add_link_to_matrix(s, sys, k, n1, n2, false);
            }
            _ => {
                let (p, y) = valve_coeff(m, s, k, link.km);
                s.p[k] = p;
                s.y[k] = y;
                add_link_to_matrix(s, sys, k, n1, n2, true);
            }
        }
    }
}

fn add_link_to_matrix(s: &mut State, sys: &mut LinearSystem, k: usize, n1: usize, n2: usize, with_rhs: bool) {
    let p = s.p[k];
    let st = sys.stamps[k];
    if st.off != NONE {
        sys.values[st.off as usize] -= p;
    }
    sys.values[sys.diag_slot[n1]] += p;
    sys.values[sys.diag_slot[n2]] += p;
    if with_rhs {
        let dy = s.y[k] - s.flow[k];
        s.f[n1] += dy;
        s.f[n2] -= dy;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Five pipes (one closed), a valve between them in the file when
    /// `split`, so that the pipes are not consecutive links.
    fn network(formula: &str, split: bool) -> String {
        let pipes_a = "[PIPES]\n P1 R1 J1 1000 300 100\n P2 J1 J2 1000 200 100\n";
        let valves = "[VALVES]\n V1 J2 J3 150 PRV 60 0\n";
        let pipes_b = "[PIPES]\n P3 J3 J4 500 150 100\n P4 J1 J4 800 100 100 0 Closed\n P5 J4 J5 300 50 100 2.5\n";
        let links = if split { format!("{pipes_a}{valves}{pipes_b}") } else { format!("{pipes_a}{pipes_b}{valves}") };
        let roughness = if formula == "D-W" { links.replace(" 100\n", " 0.1\n").replace(" 100 ", " 0.1 ") } else { links };
        format!(
            "[JUNCTIONS]\n J1 10 5\n J2 10 5\n J3 5 5\n J4 5 5\n J5 5 1\n[RESERVOIRS]\n R1 100\n{roughness}\
             [OPTIONS]\n Units LPS\n Headloss {formula}\n[END]\n"
        )
    }

    /// P and Y of each link, by id, at the given flows (cfs) by id.
    fn coefficients(text: &str, flows: &[(&str, f64)]) -> Vec<(String, u64, u64)> {
        let net = oasis_network::read_inp(text.as_bytes(), "t.inp").unwrap();
        let m = Model::new(&net).unwrap();
        let mut s = crate::initial_state(&m);
        for (k, link) in net.links.iter().enumerate() {
            s.flow[k] = flows.iter().find(|(id, _)| *id == link.id).unwrap().1;
        }
        headloss_coeffs(&m, &mut s);
        let mut rows: Vec<_> = net.links.iter().enumerate().map(|(k, l)| (l.id.clone(), s.p[k].to_bits(), s.y[k].to_bits())).collect();
        rows.sort();
        rows
    }

    #[test]
    fn pipes_apart_in_the_file_get_the_same_coefficients() {
        // Turbulent, reversed, still, laminar (D-W: 1e-6 cfs in 50 mm) flows;
        // then P2 transitional (D-W: Re about 2,800 at 0.02 cfs in 200 mm).
        let flows = [("P1", 2.5), ("P2", -0.7), ("P3", 0.0), ("P4", 0.3), ("P5", 1e-6), ("V1", 0.1)];
        let mut transitional = flows;
        transitional[1].1 = 0.02;
        for (formula, flows) in [("H-W", flows), ("D-W", flows), ("D-W", transitional)] {
            let together = coefficients(&network(formula, false), &flows);
            let apart = coefficients(&network(formula, true), &flows);
            assert_eq!(together, apart, "{formula}");
            // A closed pipe: P = 1/CBIG, Y = its flow.
            let p4 = together.iter().find(|r| r.0 == "P4").unwrap();
            assert_eq!((p4.1, p4.2), ((1.0 / CBIG).to_bits(), 0.3f64.to_bits()));
        }
    }

    #[test]
    fn hazen_williams_pipe_coefficients_are_epanets() {
        let text = network("H-W", true);
        let net = oasis_network::read_inp(text.as_bytes(), "t.inp").unwrap();
        let m = Model::new(&net).unwrap();
        let mut s = crate::initial_state(&m);
        let p2 = net.links.iter().position(|l| l.id == "P2").unwrap();
        s.flow[p2] = -0.7;
        headloss_coeffs(&m, &mut s);
        // EPANET: hgrad = n r |q|^(n-1), hloss = hgrad |q| / n, signed; P = 1/hgrad, Y = hloss/hgrad.
        let r = m.links[p2].r;
        let hgrad = 1.852 * r * 0.7f64.powf(0.852);
        let hloss = -(hgrad * 0.7 / 1.852);
        assert_eq!((s.p[p2], s.y[p2]), (1.0 / hgrad, hloss / hgrad));
    }
}
