//! A small, write-only description of a network in SI (m, mm, L/s, m of head, kW),
//! and its rendering as EPANET `.inp` text in any of the ten EPANET 2.2 flow units.

use std::fmt::Write;

pub use oasis_network::ValveKind;
pub use oasis_network::units::{FlowUnits, HeadlossFormula};
use oasis_network::units::{KW_PER_HP, L_PER_FT3, M_PER_FT};

/// SI → file units.
#[derive(Debug, Clone, Copy)]
pub struct Units(pub FlowUnits);

const FT_PER_M: f64 = 1.0 / M_PER_FT;

impl Units {
    pub fn flow(self, lps: f64) -> f64 {
        lps / L_PER_FT3 * self.0.per_cfs()
    }
    pub fn length(self, m: f64) -> f64 {
        if !self.0.is_si() { m * FT_PER_M } else { m }
    }
    pub fn diameter(self, mm: f64) -> f64 {
        if !self.0.is_si() { mm / 25.4 } else { mm }
    }
    /// Pressure from metres of water (2.2: psi = ft × 0.4333 in US units).
    pub fn pressure(self, m: f64) -> f64 {
        if !self.0.is_si() {
            m * FT_PER_M * 0.4333
        } else {
            m
        }
    }
    /// Darcy–Weisbach roughness: mm (SI) or millifeet (US).
    pub fn dw_roughness(self, mm: f64) -> f64 {
        if !self.0.is_si() { mm * FT_PER_M } else { mm }
    }
    pub fn power(self, kw: f64) -> f64 {
        if !self.0.is_si() { kw / KW_PER_HP } else { kw }
    }
}

pub struct Junction {
    pub id: String,
    pub elev_m: f64,
    pub demand_lps: f64,
    pub pattern: Option<String>,
    pub xy: (f64, f64),
}

pub struct Reservoir {
    pub id: String,
    pub head_m: f64,
    pub pattern: Option<String>,
    pub xy: (f64, f64),
}

pub struct Tank {
    pub id: String,
    pub elev_m: f64,
    pub init_m: f64,
    pub min_m: f64,
    pub max_m: f64,
    pub diam_m: f64,
    pub xy: (f64, f64),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PipeStatus {
    Open,
    Closed,
    Cv,
}

pub struct Pipe {
    pub id: String,
    pub n1: String,
    pub n2: String,
    pub len_m: f64,
    pub diam_mm: f64,
    /// C (H-W), ε in mm (D-W) or n (C-M).
    pub roughness: f64,
    pub minor: f64,
    pub status: PipeStatus,
}

pub enum PumpKind {
    /// `HEAD curve-id` (curve in L/s, m).
    Curve(String),
    /// `POWER kw`.
    Power(f64),
}

pub struct Pump {
    pub id: String,
    pub n1: String,
    pub n2: String,
    pub kind: PumpKind,
    pub speed: Option<f64>,
    pub pattern: Option<String>,
}

pub enum ValveSetting {
    /// Metres of water (PRV/PSV pressure, PBV pressure drop).
    Pressure(f64),
    /// L/s (FCV).
    Flow(f64),
    /// Dimensionless loss coefficient (TCV).
    Coefficient(f64),
    /// Head-loss curve id (GPV).
    Curve(String),
}

pub struct Valve {
    pub id: String,
    pub n1: String,
    pub n2: String,
    pub diam_mm: f64,
    pub kind: ValveKind,
    pub setting: ValveSetting,
    pub minor: f64,
}

/// A curve's meaning decides how its points are converted.
pub enum CurveKind {
    /// (L/s, m of head): pump head curves and GPV head-loss curves.
    FlowHead,
}

pub struct Curve {
    pub id: String,
    pub kind: CurveKind,
    pub points: Vec<(f64, f64)>,
}

pub struct Demand {
    pub junction: String,
    pub lps: f64,
    pub pattern: Option<String>,
    pub category: Option<String>,
}

pub enum StatusEntry {
    Open,
    Closed,
}

#[derive(Default)]
pub struct Pda {
    pub min_m: f64,
    pub req_m: f64,
    pub exponent: f64,
}

pub struct Network {
    pub title: Vec<String>,
    pub comments: Vec<String>,
    pub units: FlowUnits,
    pub headloss: HeadlossFormula,
    pub junctions: Vec<Junction>,
    pub reservoirs: Vec<Reservoir>,
    pub tanks: Vec<Tank>,
    pub pipes: Vec<Pipe>,
    pub pumps: Vec<Pump>,
    pub valves: Vec<Valve>,
    pub demands: Vec<Demand>,
    /// (junction, flow in L/s at 30 m of pressure) — converted to a coefficient.
    pub emitters: Vec<(String, f64)>,
    pub status: Vec<(String, StatusEntry)>,
    pub patterns: Vec<(String, Vec<f64>)>,
    pub curves: Vec<Curve>,
    /// Raw `[CONTROLS]` lines (already in file units).
    pub controls: Vec<String>,
    /// Raw `[RULES]` text.
    pub rules: Vec<String>,
    pub demand_multiplier: Option<f64>,
    pub pda: Option<Pda>,
    pub emitter_exponent: Option<f64>,
    /// `[TIMES]` lines, e.g. "DURATION 0".
    pub times: Vec<String>,
    /// Further `[OPTIONS]` lines in file units, e.g. "Trials 200".
    pub extra_options: Vec<String>,
    /// `[ENERGY]` lines.
    pub energy: Vec<String>,
}

impl Network {
    pub fn new(units: FlowUnits, headloss: HeadlossFormula) -> Network {
        Network {
            title: Vec::new(),
            comments: Vec::new(),
            units,
            headloss,
            junctions: Vec::new(),
            reservoirs: Vec::new(),
            tanks: Vec::new(),
            pipes: Vec::new(),
            pumps: Vec::new(),
            valves: Vec::new(),
            demands: Vec::new(),
            emitters: Vec::new(),
            status: Vec::new(),
            patterns: Vec::new(),
            curves: Vec::new(),
            controls: Vec::new(),
            rules: Vec::new(),
            demand_multiplier: None,
            pda: None,
            emitter_exponent: None,
            times: vec!["DURATION 0".into()],
            extra_options: Vec::new(),
            energy: Vec::new(),
        }
    }

    /// Renders the network as `.inp` text (sections in EPANET's usual order).
    pub fn to_inp(&self) -> String {
        let u = Units(self.units);
        let mut s = String::new();
        let w = &mut s;
        line(w, "[TITLE]");
        for t in &self.title {
            line(w, t);
        }
        for c in &self.comments {
            line(w, &format!("; {c}"));
        }

        line(w, "\n[JUNCTIONS]\n;ID\tElev\tDemand\tPattern");
        for j in &self.junctions {
            let pat = j.pattern.as_deref().unwrap_or("");
            line(
                w,
                &format!(
                    " {}\t{}\t{}\t{}",
                    j.id,
                    num(u.length(j.elev_m)),
                    num(u.flow(j.demand_lps)),
                    pat
                ),
            );
        }

        line(w, "\n[RESERVOIRS]\n;ID\tHead\tPattern");
        for r in &self.reservoirs {
            let pat = r.pattern.as_deref().unwrap_or("");
            line(
                w,
                &format!(" {}\t{}\t{}", r.id, num(u.length(r.head_m)), pat),
            );
        }

        line(
            w,
            "\n[TANKS]\n;ID\tElev\tInitLevel\tMinLevel\tMaxLevel\tDiameter\tMinVol\tVolCurve",
        );
        for t in &self.tanks {
            line(
                w,
                &format!(
                    " {}\t{}\t{}\t{}\t{}\t{}\t0",
                    t.id,
                    num(u.length(t.elev_m)),
                    num(u.length(t.init_m)),
                    num(u.length(t.min_m)),
                    num(u.length(t.max_m)),
                    num(u.length(t.diam_m))
                ),
            );
        }

        line(
            w,
            "\n[PIPES]\n;ID\tNode1\tNode2\tLength\tDiameter\tRoughness\tMinorLoss\tStatus",
        );
        for p in &self.pipes {
            let rough = match self.headloss {
                HeadlossFormula::DarcyWeisbach => u.dw_roughness(p.roughness),
                _ => p.roughness,
            };
            let status = match p.status {
                PipeStatus::Open => "Open",
                PipeStatus::Closed => "Closed",
                PipeStatus::Cv => "CV",
            };
            line(
                w,
                &format!(
                    " {}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    p.id,
                    p.n1,
                    p.n2,
                    num(u.length(p.len_m)),
                    num(u.diameter(p.diam_mm)),
                    num(rough),
                    num(p.minor),
                    status
                ),
            );
        }

        line(w, "\n[PUMPS]\n;ID\tNode1\tNode2\tParameters");
        for p in &self.pumps {
            let mut params = match &p.kind {
                PumpKind::Curve(c) => format!("HEAD {c}"),
                PumpKind::Power(kw) => format!("POWER {}", num(u.power(*kw))),
            };
            if let Some(sp) = p.speed {
                let _ = write!(params, " SPEED {}", num(sp));
            }
            if let Some(pat) = &p.pattern {
                let _ = write!(params, " PATTERN {pat}");
            }
            line(w, &format!(" {}\t{}\t{}\t{}", p.id, p.n1, p.n2, params));
        }

        line(
            w,
            "\n[VALVES]\n;ID\tNode1\tNode2\tDiameter\tType\tSetting\tMinorLoss",
        );
        for v in &self.valves {
            let setting = match &v.setting {
                ValveSetting::Pressure(m) => num(u.pressure(*m)),
                ValveSetting::Flow(lps) => num(u.flow(*lps)),
                ValveSetting::Coefficient(k) => num(*k),
                ValveSetting::Curve(c) => c.clone(),
            };
            line(
                w,
                &format!(
                    " {}\t{}\t{}\t{}\t{}\t{}\t{}",
                    v.id,
                    v.n1,
                    v.n2,
                    num(u.diameter(v.diam_mm)),
                    v.kind.keyword(),
                    setting,
                    num(v.minor)
                ),
            );
        }

        if !self.demands.is_empty() {
            line(w, "\n[DEMANDS]\n;Junction\tDemand\tPattern\tCategory");
            for d in &self.demands {
                let mut l = format!(
                    " {}\t{}\t{}",
                    d.junction,
                    num(u.flow(d.lps)),
                    d.pattern.as_deref().unwrap_or("")
                );
                if let Some(c) = &d.category {
                    // A category needs the pattern column filled; EPANET takes the
                    // comment after ';' as the category name.
                    let _ = write!(l, "\t;{c}");
                }
                line(w, &l);
            }
        }

        if !self.emitters.is_empty() {
            line(w, "\n[EMITTERS]\n;Junction\tCoefficient");
            let gamma = self.emitter_exponent.unwrap_or(0.5);
            for (j, lps_at_30m) in &self.emitters {
                // q = C p^γ  ->  C = q / p^γ, both in file units.
                let c = u.flow(*lps_at_30m) / u.pressure(30.0).powf(gamma);
                line(w, &format!(" {j}\t{}", num(c)));
            }
        }

        if !self.status.is_empty() {
            line(w, "\n[STATUS]\n;ID\tStatus/Setting");
            for (id, st) in &self.status {
                let st = match st {
                    StatusEntry::Open => "Open",
                    StatusEntry::Closed => "Closed",
                };
                line(w, &format!(" {id}\t{st}"));
            }
        }

        line(w, "\n[PATTERNS]\n;ID\tMultipliers");
        for (id, mults) in &self.patterns {
            // Six multipliers a line, as EPANET writes them.
            for chunk in mults.chunks(6) {
                let vals: Vec<String> = chunk.iter().map(|m| num(*m)).collect();
                line(w, &format!(" {id}\t{}", vals.join("\t")));
            }
        }

        line(w, "\n[CURVES]\n;ID\tX-Value\tY-Value");
        for c in &self.curves {
            for (x, y) in &c.points {
                let (x, y) = match c.kind {
                    CurveKind::FlowHead => (u.flow(*x), u.length(*y)),
                };
                line(w, &format!(" {}\t{}\t{}", c.id, num(x), num(y)));
            }
        }

        line(w, "\n[CONTROLS]");
        for c in &self.controls {
            line(w, &format!(" {c}"));
        }

        line(w, "\n[RULES]");
        for r in &self.rules {
            line(w, r);
        }

        if !self.energy.is_empty() {
            line(w, "\n[ENERGY]");
            for e in &self.energy {
                line(w, &format!(" {e}"));
            }
        }

        line(w, "\n[TIMES]");
        for t in &self.times {
            line(w, &format!(" {t}"));
        }

        line(w, "\n[REPORT]\n Status\tNo\n Summary\tNo");

        line(w, "\n[OPTIONS]");
        line(w, &format!(" Units\t{}", self.units.keyword()));
        line(w, &format!(" Headloss\t{}", self.headloss.keyword()));
        for o in &self.extra_options {
            line(w, &format!(" {o}"));
        }
        if let Some(m) = self.demand_multiplier {
            line(w, &format!(" Demand Multiplier\t{}", num(m)));
        }
        if let Some(g) = self.emitter_exponent {
            line(w, &format!(" Emitter Exponent\t{}", num(g)));
        }
        if let Some(p) = &self.pda {
            line(w, " Demand Model\tPDA");
            line(
                w,
                &format!(" Minimum Pressure\t{}", num(u.pressure(p.min_m))),
            );
            line(
                w,
                &format!(" Required Pressure\t{}", num(u.pressure(p.req_m))),
            );
            line(w, &format!(" Pressure Exponent\t{}", num(p.exponent)));
        }

        line(w, "\n[COORDINATES]\n;Node\tX-Coord\tY-Coord");
        let xy = self
            .junctions
            .iter()
            .map(|j| (&j.id, j.xy))
            .chain(self.reservoirs.iter().map(|r| (&r.id, r.xy)))
            .chain(self.tanks.iter().map(|t| (&t.id, t.xy)));
        for (id, (x, y)) in xy {
            line(w, &format!(" {id}\t{}\t{}", num(x), num(y)));
        }

        line(w, "\n[END]");
        s
    }
}

fn line(s: &mut String, text: &str) {
    s.push_str(text);
    s.push('\n');
}

/// Up to six decimals, trailing zeros dropped: exact enough, and identical text for
/// identical values so generated files are stable.
pub fn num(x: f64) -> String {
    let v = if x.abs() >= 1e-3 || x == 0.0 {
        format!("{x:.6}")
    } else {
        // Small values keep six significant digits instead of vanishing.
        format!("{x:.6e}")
    };
    if v.contains('e') {
        let (m, e) = v.split_once('e').expect("checked");
        let m = if m.contains('.') {
            m.trim_end_matches('0').trim_end_matches('.')
        } else {
            m
        };
        return format!("{m}e{e}");
    }
    let t = v.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" { "0".into() } else { t.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(100.0), "100");
        assert_eq!(num(0.25), "0.25");
        assert_eq!(num(1.0 / 3.0), "0.333333");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(-0.0000001), "-1e-7");
        assert_eq!(num(0.00012345), "1.2345e-4");
    }

    #[test]
    fn unit_conversions_use_epanet_factors() {
        // 28.317 L/s is EPANET's 1 cfs; in GPM that is 448.831.
        assert!((Units(FlowUnits::Gpm).flow(28.317) - 448.831).abs() < 1e-9);
        assert_eq!(Units(FlowUnits::Lps).flow(5.0), 5.0);
        // 1 ft = 0.3048 m; 25.4 mm = 1 in.
        assert!((Units(FlowUnits::Cfs).length(0.3048) - 1.0).abs() < 1e-12);
        assert!((Units(FlowUnits::Cfs).diameter(254.0) - 10.0).abs() < 1e-12);
        // 10 m of water = 32.808 ft = 14.216 psi at 0.4333 psi/ft.
        assert!((Units(FlowUnits::Afd).pressure(10.0) - 14.2159).abs() < 1e-3);
        assert_eq!(Units(FlowUnits::Cmh).pressure(10.0), 10.0);
    }
}
