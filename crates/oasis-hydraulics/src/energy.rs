//! Pump energy accounting as EPANET 2.2 does it: after each hydraulic step,
//! every open pump's power (from head gain, flow, specific gravity and
//! efficiency) is accumulated with the price in force at that time.

use oasis_network::Network;

use crate::eps::Clock;
use crate::setup::{LinkType, Model, QZERO, Status, interpolate};
use crate::{PumpEnergy, State};

const KW_PER_HP: f64 = 0.7457;

struct PumpPricing {
    link: usize,
    price: f64,
    pattern: Option<usize>,
    efficiency_curve: Option<Vec<(f64, f64)>>,
}

pub(crate) struct EnergyLedger {
    global_efficiency_pct: f64,
    global_price: f64,
    global_pattern: Option<usize>,
    demand_charge: f64,
    specific_gravity: f64,
    pumps: Vec<PumpPricing>,
    totals: Vec<PumpEnergy>,
    peak_kw: f64,
}

impl EnergyLedger {
    /// Keeps `before`'s totals so far, for a run continued on an edited network.
    pub fn carry_totals(&mut self, before: EnergyLedger) {
        self.totals = before.totals;
        self.peak_kw = before.peak_kw;
    }

    pub fn new(net: &Network, m: &Model) -> EnergyLedger {
        let pattern_index = |id: &str| net.patterns.iter().position(|p| p.id == id).map(|i| i + 1);
        let mut ledger = EnergyLedger {
            global_efficiency_pct: 75.0,
            global_price: 0.0,
            global_pattern: None,
            demand_charge: 0.0,
            specific_gravity: net.options.specific_gravity,
            pumps: Vec::new(),
            totals: Vec::new(),
            peak_kw: 0.0,
        };
        for (k, l) in m.links.iter().enumerate() {
            if l.kind == LinkType::Pump {
                ledger.pumps.push(PumpPricing { link: k, price: 0.0, pattern: None, efficiency_curve: None });
                ledger.totals.push(PumpEnergy { link: k, ..PumpEnergy::default() });
            }
        }
        let kw = oasis_network::inp::read::kw;
        for t in &net.energy.lines {
            let value = t.last().map(String::as_str).unwrap_or("");
            let number = value.parse::<f64>().ok();
            if kw(&t[0], "GLOB") && t.len() >= 3 {
                if kw(&t[1], "PRIC") {
                    ledger.global_price = number.unwrap_or(0.0);
                } else if kw(&t[1], "PATT") {
                    ledger.global_pattern = pattern_index(value);
                } else if kw(&t[1], "EFFI") {
                    ledger.global_efficiency_pct = number.unwrap_or(75.0);
                }
            } else if kw(&t[0], "DEMA") && t.len() >= 3 {
                ledger.demand_charge = number.unwrap_or(0.0);
            } else if kw(&t[0], "PUMP") && t.len() >= 4 {
                let Some(k) = net.links.iter().position(|l| l.id == t[1]) else { continue };
                let Some(p) = ledger.pumps.iter_mut().find(|p| p.link == k) else { continue };
                if kw(&t[2], "PRIC") {
                    p.price = number.unwrap_or(0.0);
                } else if kw(&t[2], "PATT") {
                    p.pattern = pattern_index(value);
                } else if kw(&t[2], "EFFI") {
                    p.efficiency_curve = net.curve(value).map(|c| c.points.clone());
                }
            }
        }
        ledger
    }

    /// EPANET's `addenergy` for a step of `hstep` seconds starting at `htime`.
    pub fn add(&mut self, m: &Model, s: &State, hstep: i64, htime: i64, clock: &Clock) {
        let dt = if clock.duration == 0 {
            1.0
        } else if htime < clock.duration {
            hstep as f64 / 3600.0
        } else {
            0.0
        };
        if dt == 0.0 {
            return;
        }
        let n = (htime + clock.pattern_start) / clock.pattern_step;
        let factor = |p: usize| {
            let f = &m.patterns[p];
            f[(n % f.len() as i64) as usize]
        };
        let f0 = self.global_pattern.map_or(1.0, factor);
        let mut psum = 0.0;
        for (pump, total) in self.pumps.iter().zip(self.totals.iter_mut()) {
            let k = pump.link;
            if s.status[k] <= Status::Closed {
                continue;
            }
            let q = s.flow[k].abs().max(QZERO);
            let mut c = if pump.price > 0.0 { pump.price } else { self.global_price };
            match pump.pattern {
                Some(p) => c *= factor(p),
                None => c *= f0,
            }
            let (p, e) = Self::power(self.global_efficiency_pct, self.specific_gravity, m, s, pump);
            psum += p;
            total.time_online_h += dt;
            total.efficiency_h += e * dt;
            total.kw_per_cfs_h += p / q * dt;
            total.kwh += p * dt;
            total.max_kw = total.max_kw.max(p);
            total.total_cost += c * p * dt;
        }
        self.peak_kw = self.peak_kw.max(psum);
    }

    /// Power (kW) and efficiency (fraction) of an open pump.
    fn power(global_efficiency_pct: f64, specific_gravity: f64, m: &Model, s: &State, pump: &PumpPricing) -> (f64, f64) {
        let l = &m.links[pump.link];
        let q = s.flow[pump.link].abs();
        let dh = (s.head[l.n1] - s.head[l.n2]).abs();
        let mut e = global_efficiency_pct;
        if let Some(curve) = &pump.efficiency_curve {
            let speed = s.setting[pump.link];
            let q4eff = q / speed * m.ucf.flow;
            e = interpolate(curve, q4eff);
            // Sarbu and Borza's speed adjustment.
            e = 100.0 - ((100.0 - e) * (1.0 / speed).powf(0.1));
        }
        let e = e.clamp(1.0, 100.0) / 100.0;
        (dh * q * specific_gravity / 8.814 / e * KW_PER_HP, e)
    }

    pub fn totals(&self) -> (Vec<PumpEnergy>, f64) {
        (self.totals.clone(), self.peak_kw)
    }

    pub fn demand_charge_rate(&self) -> f64 {
        self.demand_charge
    }
}
