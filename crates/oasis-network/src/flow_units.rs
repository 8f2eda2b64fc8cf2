//! Changing a network's flow units, within or across the US and SI systems,
//! as EPANET 2.2's `EN_setflowunits` does. EPANET keeps its data in internal
//! US units, so after the change every value reads back in the new units;
//! this model keeps values in the file's units, so each one held in a
//! flow, length or pressure unit is converted here. What EPANET 2.2 keeps
//! as the user typed it (rule premises and actions, wall reaction
//! coefficients, `[REPORT]` limits, curves nothing uses) is left as it is
//! and so is read in the new units, as EPANET reads it.

use crate::inp::read::kw;
use crate::model::*;
use crate::units::{FlowUnits, HeadlossFormula, PressureUnits, UnitFactors};

/// What a curve is used for, which decides how its points convert
/// (EPANET 2.2's curve types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurveUse {
    /// A tank's volume curve: level against volume.
    Volume,
    /// A pump's head curve: flow against head.
    PumpHead,
    /// A pump's efficiency curve: flow against percent.
    Efficiency,
    /// A GPV's head-loss curve: flow against head loss.
    HeadLoss,
    /// Nothing uses it.
    Generic,
}

impl Network {
    /// What curve `id` is used for; a curve with several uses takes the first
    /// of volume, pump head, head loss, efficiency.
    pub fn curve_use(&self, id: &str) -> CurveUse {
        let is = |c: &Option<String>| c.as_deref() == Some(id);
        if self.nodes.iter().any(|n| matches!(&n.kind, NodeKind::Tank(t) if is(&t.volume_curve))) {
            return CurveUse::Volume;
        }
        for l in &self.links {
            match &l.kind {
                LinkKind::Pump(p) if is(&p.head_curve) => return CurveUse::PumpHead,
                LinkKind::Valve(v) if is(&v.curve) => return CurveUse::HeadLoss,
                _ => {}
            }
        }
        let efficiency =
            self.energy.lines.iter().any(|l| l.len() >= 4 && kw(&l[2], "EFFI") && l[3] == id);
        if efficiency { CurveUse::Efficiency } else { CurveUse::Generic }
    }

    /// Puts the network in flow units `to`. The unit system follows the flow
    /// units and the pressure units are revised as EPANET 2.2 revises them:
    /// PSI with US units; with SI units METERS in place of PSI, else kept.
    pub fn change_flow_units(&mut self, to: FlowUnits) {
        let sg = self.options.specific_gravity;
        let old = UnitFactors::new(self.options.flow_units, self.options.pressure_units, sg);
        let pressure_units = match (to.is_si(), self.options.pressure_units) {
            (false, _) => Some(PressureUnits::Psi),
            (true, None | Some(PressureUnits::Psi)) => Some(PressureUnits::Meters),
            (true, kept) => kept,
        };
        let new = UnitFactors::new(to, pressure_units, sg);
        // Through the internal unit, as EPANET's getters go. Elevations,
        // heads, levels and lengths share one factor (ft or m).
        let flow = |v: f64| v / old.flow * new.flow;
        let length = |v: f64| v / old.length * new.length;
        let pressure = |v: f64| v / old.pressure * new.pressure;
        let diameter = |v: f64| v / old.diameter * new.diameter;
        let volume = |v: f64| v / old.volume * new.volume;
        let power = |v: f64| v / old.power * new.power;
        // q = k p^e: k scales as flow over pressure^e.
        let emitter_scale = (new.flow / old.flow) / (new.pressure / old.pressure).powf(self.options.emitter_exponent);

        let same = |y: f64| y;
        let curve_uses: Vec<CurveUse> = self.curves.iter().map(|c| self.curve_use(&c.id)).collect();
        for (c, used) in self.curves.iter_mut().zip(curve_uses) {
            let convert: (&dyn Fn(f64) -> f64, &dyn Fn(f64) -> f64) = match used {
                CurveUse::Volume => (&length, &volume),
                CurveUse::PumpHead | CurveUse::HeadLoss => (&flow, &length),
                CurveUse::Efficiency => (&flow, &same),
                CurveUse::Generic => continue,
            };
            c.points.iter_mut().for_each(|(x, y)| (*x, *y) = (convert.0(*x), convert.1(*y)));
        }

        for n in &mut self.nodes {
            n.elevation = length(n.elevation);
            match &mut n.kind {
                NodeKind::Junction(j) => {
                    j.demands.iter_mut().for_each(|d| d.base = flow(d.base));
                    j.emitter_coefficient *= emitter_scale;
                }
                NodeKind::Tank(t) => {
                    for v in [&mut t.initial_level, &mut t.min_level, &mut t.max_level, &mut t.diameter] {
                        *v = length(*v);
                    }
                    t.min_volume = volume(t.min_volume);
                }
                NodeKind::Reservoir(_) => {}
            }
        }

        let darcy_weisbach = self.options.headloss == HeadlossFormula::DarcyWeisbach;
        // A valve's setting: a pressure, a flow, or a loss coefficient.
        let setting = |kind: ValveKind, v: f64| match kind {
            ValveKind::Prv | ValveKind::Psv | ValveKind::Pbv => pressure(v),
            ValveKind::Fcv => flow(v),
            ValveKind::Tcv | ValveKind::Gpv => v,
        };
        for l in &mut self.links {
            match &mut l.kind {
                LinkKind::Pipe(p) => {
                    p.length = length(p.length);
                    p.diameter = diameter(p.diameter);
                    // Millifeet or millimetres, as lengths.
                    if darcy_weisbach {
                        p.roughness = length(p.roughness);
                    }
                }
                LinkKind::Pump(p) => {
                    p.power = p.power.map(power);
                    if let Some(values) = &mut p.inline_curve {
                        match values.as_mut_slice() {
                            [w] => *w = power(*w),
                            [h1, q1] => (*h1, *q1) = (length(*h1), flow(*q1)),
                            [h0, h1, q1, h2, q2, ..] => {
                                for h in [h0, h1, h2] {
                                    *h = length(*h);
                                }
                                (*q1, *q2) = (flow(*q1), flow(*q2));
                            }
                            // Other lengths are not curves: the reader refuses them.
                            _ => {}
                        }
                    }
                }
                LinkKind::Valve(v) => {
                    v.diameter = diameter(v.diameter);
                    v.setting = setting(v.valve, v.setting);
                    if let Some(InitialStatus::Value(y)) = &mut l.initial_status {
                        *y = setting(v.valve, *y);
                    }
                }
            }
        }

        for c in &mut self.controls {
            if let ControlCondition::Above { node, value } | ControlCondition::Below { node, value } =
                &mut c.condition
            {
                // A junction's pressure, or a tank's or reservoir's level.
                let at_junction =
                    self.nodes.iter().any(|n| n.id == *node && matches!(n.kind, NodeKind::Junction(_)));
                *value = if at_junction { pressure(*value) } else { length(*value) };
            }
            let valve = self.links.iter().find(|l| l.id == c.link).and_then(|l| match &l.kind {
                LinkKind::Valve(v) => Some(v.valve),
                _ => None,
            });
            if let (ControlAction::Setting(s), Some(kind)) = (&mut c.action, valve) {
                *s = setting(kind, *s);
            }
        }

        let o = &mut self.options;
        o.minimum_pressure = pressure(o.minimum_pressure);
        o.required_pressure = pressure(o.required_pressure);
        o.head_error = length(o.head_error);
        o.flow_change = flow(o.flow_change);
        // Viscosity and diffusivity at or below these are absolute, in ft²/s
        // or m²/s (above, relative to water's at 20 °C).
        let area = |v: f64| v / (old.length * old.length) * (new.length * new.length);
        if o.viscosity <= 1e-3 {
            o.viscosity = area(o.viscosity);
        }
        if o.diffusivity <= 1e-4 {
            o.diffusivity = area(o.diffusivity);
        }
        o.flow_units = to;
        o.pressure_units = pressure_units;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{KW_PER_HP, M_PER_FT, PSI_PER_FT};

    const NET: &str = "
[JUNCTIONS]
 J1  100  50
 J2  90   10
[RESERVOIRS]
 R1  200
[TANKS]
 T1  120  10  5  20  40  100  VC
[PIPES]
 P1  R1  J1  1000  12  0.5  0
[PUMPS]
 PU1  J1  J2  POWER 10
 PU2  J1  J2  HEAD HC
[VALVES]
 V1  J1  J2  8  PRV  40  0
 V2  J1  J2  6  FCV  100  0
 V3  J2  T1  6  GPV  GC  0
[CURVES]
 VC  0  0
 VC  20  5000
 HC  0  100
 HC  50  80
 HC  100  40
 GC  0  0
 GC  10  5
 UNUSED  3  4
[EMITTERS]
 J2  2
[CONTROLS]
 LINK V1 30 IF NODE J2 ABOVE 20
 LINK PU1 CLOSED IF NODE T1 BELOW 6
 LINK V2 80 AT TIME 2
[RULES]
RULE 1
IF TANK T1 LEVEL ABOVE 12
THEN VALVE V2 SETTING IS 50
[OPTIONS]
 UNITS GPM
 HEADLOSS D-W
 DEMAND MODEL PDA
 MINIMUM PRESSURE 5
 REQUIRED PRESSURE 20
[END]
";

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    fn junction(net: &Network, i: usize) -> &Junction {
        match &net.nodes[i].kind {
            NodeKind::Junction(j) => j,
            _ => panic!("a junction"),
        }
    }

    /// Expected values from EPANET 2.2's constants (src/text.h, input1.c):
    /// 448.831 gpm and 28.317 L/s per cfs, 0.3048 m per ft, 0.4333 psi per
    /// ft of water, 0.7457 kW per hp.
    #[test]
    fn gpm_to_lps_converts_what_epanet_holds_in_internal_units() {
        let mut net = crate::read_inp(NET.as_bytes(), "").unwrap();
        net.change_flow_units(FlowUnits::Lps);
        let q = |gpm: f64| gpm / 448.831 * 28.317;
        let psi = |p: f64| p / PSI_PER_FT * M_PER_FT;
        assert_eq!(net.options.pressure_units, Some(PressureUnits::Meters));
        assert!(close(net.nodes[0].elevation, 100.0 * M_PER_FT));
        assert!(close(junction(&net, 0).demands[0].base, q(50.0)));
        // q = k p^0.5: k gpm/psi^0.5 → L/s per m^0.5.
        assert!(close(junction(&net, 1).emitter_coefficient, q(2.0) / (psi(1.0)).sqrt()));
        let NodeKind::Tank(t) = &net.nodes[3].kind else { panic!("a tank") };
        assert!(close(t.diameter, 40.0 * M_PER_FT) && close(t.min_volume, 100.0 * M_PER_FT.powi(3)));
        let LinkKind::Pipe(p) = &net.links[0].kind else { panic!("a pipe") };
        assert!(close(p.length, 304.8) && close(p.diameter, 304.8) && close(p.roughness, 0.5 * M_PER_FT));
        let LinkKind::Pump(pu) = &net.links[1].kind else { panic!("a pump") };
        assert!(close(pu.power.unwrap(), 10.0 * KW_PER_HP));
        let setting = |k: usize| match &net.links[k].kind {
            LinkKind::Valve(v) => (v.setting, v.diameter),
            _ => panic!("a valve"),
        };
        assert!(close(setting(3).0, psi(40.0)) && close(setting(3).1, 8.0 * 25.4));
        assert!(close(setting(4).0, q(100.0)));
        let curve = |id: &str| net.curve(id).unwrap().points.clone();
        assert!(close(curve("VC")[1].0, 20.0 * M_PER_FT) && close(curve("VC")[1].1, 5000.0 * M_PER_FT.powi(3)));
        assert!(close(curve("HC")[1].0, q(50.0)) && close(curve("HC")[1].1, 80.0 * M_PER_FT));
        assert!(close(curve("GC")[1].0, q(10.0)) && close(curve("GC")[1].1, 5.0 * M_PER_FT));
        assert_eq!(curve("UNUSED"), vec![(3.0, 4.0)], "EPANET 2.2 leaves a generic curve");
        let value = |c: &Control| match (&c.condition, c.action) {
            (ControlCondition::Above { value, .. } | ControlCondition::Below { value, .. }, _) => *value,
            (_, ControlAction::Setting(s)) => s,
            _ => f64::NAN,
        };
        let action = |c: &Control| match c.action {
            ControlAction::Setting(s) => s,
            _ => f64::NAN,
        };
        assert!(close(value(&net.controls[0]), psi(20.0)) && close(action(&net.controls[0]), psi(30.0)));
        assert!(close(value(&net.controls[1]), 6.0 * M_PER_FT));
        assert!(close(action(&net.controls[2]), q(80.0)));
        assert_eq!(net.rules[0].premises[0].value, "12", "EPANET 2.2 keeps rule values as typed");
        assert!(close(net.options.minimum_pressure, psi(5.0)) && close(net.options.required_pressure, psi(20.0)));
    }

    #[test]
    fn there_and_back_gives_the_same_network() {
        let original = crate::read_inp(NET.as_bytes(), "").unwrap();
        for (across, within) in [(FlowUnits::Cmh, FlowUnits::Mld), (FlowUnits::Lpm, FlowUnits::Cmd)] {
            let mut net = original.clone();
            net.change_flow_units(across);
            net.change_flow_units(within);
            net.change_flow_units(FlowUnits::Mgd);
            net.change_flow_units(FlowUnits::Gpm);
            assert_eq!(net.options.pressure_units, Some(PressureUnits::Psi));
            let text = |n: &Network| crate::write_inp(n);
            let numbers = |s: String| -> Vec<f64> { s.split_whitespace().filter_map(|w| w.parse().ok()).collect() };
            let (a, b) = (numbers(text(&net)), numbers(text(&original)));
            assert_eq!(a.len(), b.len());
            assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() <= 1e-12 * y.abs().max(1.0)), "{a:?}\n{b:?}");
        }
    }
}
