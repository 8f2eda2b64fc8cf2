//! `EN_getnodevalue`/`EN_setnodevalue` and `EN_getlinkvalue`/`EN_setlinkvalue`:
//! model data straight from the `Network` (kept in the file's units, which
//! are the toolkit's), computed values from the latest solution.

use oasis_network::{Demand, InitialStatus, LinkKind, NodeKind, Source, ValveKind};

use crate::codes::{MIX_MODELS, SOURCE_TYPES};
use crate::keyed::{self, Keyed};
use crate::project::{Project, Result};

impl Project {
    /// A 1-based node index checked against the model (error 203).
    pub(crate) fn node(&self, index: i32) -> Result<usize> {
        self.check_open()?;
        usize::try_from(index)
            .ok()
            .filter(|&i| i >= 1 && i <= self.net.nodes.len())
            .map(|i| i - 1)
            .ok_or(203)
    }

    /// A 1-based link index checked against the model (error 204).
    pub(crate) fn link(&self, index: i32) -> Result<usize> {
        self.check_open()?;
        usize::try_from(index)
            .ok()
            .filter(|&i| i >= 1 && i <= self.net.links.len())
            .map(|i| i - 1)
            .ok_or(204)
    }

    /// A pattern index (1-based) as the id it names; 0 is "none".
    pub(crate) fn pattern_id(&self, index: f64) -> Result<Option<String>> {
        let i = index.round() as i64;
        if i == 0 {
            return Ok(None);
        }
        usize::try_from(i - 1)
            .ok()
            .and_then(|i| self.net.patterns.get(i))
            .map(|p| Some(p.id.clone()))
            .ok_or(205)
    }

    pub(crate) fn pattern_index(&self, id: Option<&str>) -> f64 {
        id.and_then(|id| self.net.patterns.iter().position(|p| p.id == id))
            .map_or(0.0, |i| (i + 1) as f64)
    }

    pub(crate) fn curve_id(&self, index: f64) -> Result<Option<String>> {
        let i = index.round() as i64;
        if i == 0 {
            return Ok(None);
        }
        usize::try_from(i - 1)
            .ok()
            .and_then(|i| self.net.curves.get(i))
            .map(|c| Some(c.id.clone()))
            .ok_or(206)
    }

    pub(crate) fn curve_index(&self, id: Option<&str>) -> f64 {
        id.and_then(|id| self.net.curves.iter().position(|c| c.id == id))
            .map_or(0.0, |i| (i + 1) as f64)
    }

    pub fn get_node_value(&self, index: i32, property: i32) -> Result<f64> {
        let i = self.node(index)?;
        let node = &self.net.nodes[i];
        let tank = match &node.kind {
            NodeKind::Tank(t) => Some(t),
            _ => None,
        };
        let hyd = self.now.hyd.as_ref().map(|s| &s.nodes[i]);
        let source = self.net.sources.iter().find(|s| s.node == node.id);
        let reactions = Keyed::new(&self.net.reactions.lines);
        Ok(match property {
            0 => node.elevation,
            1 => match &node.kind {
                NodeKind::Junction(j) => j.demands.first().map_or(0.0, |d| d.base),
                _ => 0.0,
            },
            2 => match &node.kind {
                NodeKind::Junction(j) => {
                    self.demand_pattern_index(j.demands.first().and_then(|d| d.pattern.as_deref()))
                }
                NodeKind::Reservoir(r) => self.pattern_index(r.pattern.as_deref()),
                NodeKind::Tank(_) => 0.0,
            },
            3 => match &node.kind {
                NodeKind::Junction(j) => j.emitter_coefficient,
                _ => 0.0,
            },
            4 => self
                .net
                .quality
                .iter()
                .rev()
                .find(|(id, _)| *id == node.id)
                .map_or(0.0, |&(_, c)| c),
            5 => source.ok_or(240)?.strength,
            6 => self.pattern_index(source.ok_or(240)?.pattern.as_deref()),
            7 => {
                let s = source.ok_or(240)?;
                SOURCE_TYPES
                    .iter()
                    .position(|t| s.kind.eq_ignore_ascii_case(t))
                    .unwrap_or(0) as f64
            }
            // EPANET 2.2 answers the initial level, also during a run.
            8 => tank.map_or(0.0, |t| t.initial_level),
            9 => hyd.map_or(0.0, |h| h.demand),
            10 => hyd.map_or(0.0, |h| h.head),
            11 => hyd.map_or(0.0, |h| h.pressure),
            12 => self.node_quality(i),
            // Sources' mass rates are not kept: 0 where a source is.
            // EPANET reports the mass added so far times 60.
            13 => {
                source.ok_or(240)?;
                let added = self
                    .now
                    .qual
                    .as_ref()
                    .and_then(|q| q.source_mass.iter().find(|&&(n, _)| n == i));
                added.map_or(0.0, |&(_, mass)| mass * 60.0)
            }
            14 => tank.map_or(0.0, |t| oasis_hydraulics::tank_volumes(&self.net, t).1),
            15 => self.mixing(&node.id).map_or(0.0, |(m, _)| m as f64),
            16 => tank.map_or(0.0, |t| {
                let (_, _, vmax, _) = oasis_hydraulics::tank_volumes(&self.net, t);
                vmax * self.mixing(&node.id).map_or(1.0, |(_, f)| f)
            }),
            17 => tank.map_or(0.0, |t| oasis_hydraulics::tank_volumes(&self.net, t).3),
            18 => tank.map_or(0.0, |t| oasis_hydraulics::tank_volumes(&self.net, t).0),
            19 => tank.map_or(0.0, |t| self.curve_index(t.volume_curve.as_deref())),
            20 => tank.map_or(0.0, |t| t.min_level),
            21 => tank.map_or(0.0, |t| t.max_level),
            22 => tank
                .and_then(|_| self.mixing(&node.id))
                .map_or(1.0, |(_, f)| f),
            23 => match node.kind {
                NodeKind::Junction(_) => 0.0,
                _ => reactions
                    .value(&["TANK", &node.id])
                    .or(reactions.value(&["GLOBAL", "BULK"]))
                    .unwrap_or(0.0),
            },
            24 => tank.map_or(0.0, |t| {
                let level = hyd.map_or(t.initial_level, |h| h.head - node.elevation);
                oasis_hydraulics::tank_volume_at(&self.net, t, level)
            }),
            25 => tank.map_or(0.0, |t| oasis_hydraulics::tank_volumes(&self.net, t).2),
            26 => tank.map_or(0.0, |t| f64::from(u8::from(t.overflow))),
            27 => self.now.deficits.get(i).copied().unwrap_or(0.0),
            _ => return Err(251),
        })
    }

    /// Quality at node `i` now: the last routed value, or before any routing
    /// (and in a run of no duration) the initial quality, 100 at a trace node.
    fn node_quality(&self, i: usize) -> f64 {
        if let Some(q) = &self.now.qual {
            return q.nodes[i];
        }
        let id = &self.net.nodes[i].id;
        match self.qual_info() {
            Ok((3, _, _, trace)) if trace as usize == i + 1 => 100.0,
            _ => self
                .net
                .quality
                .iter()
                .rev()
                .find(|(n, _)| n == id)
                .map_or(0.0, |&(_, c)| c),
        }
    }

    /// The pattern index of a demand: its own, else the default pattern
    /// (`[OPTIONS] PATTERN`, or the one named "1"), as EPANET assigns it.
    pub(crate) fn demand_pattern_index(&self, id: Option<&str>) -> f64 {
        self.pattern_index(id.or(Some(self.net.options.pattern.as_deref().unwrap_or("1"))))
    }

    /// The tank's `[MIXING]` model (`EN_MixingModel`) and mixing fraction.
    fn mixing(&self, tank: &str) -> Option<(usize, f64)> {
        let m = self.net.mixing.iter().rev().find(|m| m.tank == tank)?;
        let model = MIX_MODELS
            .iter()
            .position(|k| m.model.eq_ignore_ascii_case(k))
            .unwrap_or(0);
        Some((model, m.fraction.unwrap_or(1.0)))
    }

    pub fn set_node_value(&mut self, index: i32, property: i32, value: f64) -> Result<()> {
        let i = self.node(index)?;
        let id = self.net.nodes[i].id.clone();
        let positive = |v: f64| if v >= 0.0 { Ok(v) } else { Err(209) };
        match property {
            0 => self.net.nodes[i].elevation = value,
            1 => {
                if let NodeKind::Junction(j) = &mut self.net.nodes[i].kind {
                    match j.demands.first_mut() {
                        Some(d) => d.base = value,
                        None => j.demands.push(Demand {
                            base: value,
                            pattern: None,
                            category: None,
                        }),
                    }
                }
            }
            2 => {
                let pattern = self.pattern_id(value)?;
                match &mut self.net.nodes[i].kind {
                    NodeKind::Junction(j) => match j.demands.first_mut() {
                        Some(d) => d.pattern = pattern,
                        None => j.demands.push(Demand {
                            base: 0.0,
                            pattern,
                            category: None,
                        }),
                    },
                    NodeKind::Reservoir(r) => r.pattern = pattern,
                    NodeKind::Tank(_) => return Err(209),
                }
            }
            3 => {
                let v = positive(value)?;
                if let NodeKind::Junction(j) = &mut self.net.nodes[i].kind {
                    j.emitter_coefficient = v;
                }
            }
            4 => {
                self.net.quality.retain(|(n, _)| *n != id);
                if value != 0.0 {
                    self.net.quality.push((id, value));
                }
            }
            5..=7 => {
                let pattern = if property == 6 {
                    Some(self.pattern_id(value)?)
                } else {
                    None
                };
                if property == 7 && !(0.0..=3.0).contains(&value.round()) {
                    return Err(251);
                }
                let source = match self.net.sources.iter().position(|s| s.node == id) {
                    Some(k) => &mut self.net.sources[k],
                    None => {
                        self.net.sources.push(Source {
                            node: id,
                            kind: "CONCEN".into(),
                            strength: 0.0,
                            pattern: None,
                        });
                        self.net.sources.last_mut().expect("just pushed")
                    }
                };
                match property {
                    5 => source.strength = positive(value)?,
                    6 => source.pattern = pattern.flatten(),
                    _ => source.kind = SOURCE_TYPES[value.round() as usize].into(),
                }
            }
            15 | 22 => {
                if !matches!(self.net.nodes[i].kind, NodeKind::Tank(_)) {
                    return Ok(());
                }
                let (mut model, mut fraction) = self.mixing(&id).unwrap_or((0, 1.0));
                if property == 15 {
                    model = usize::try_from(value.round() as i64)
                        .ok()
                        .filter(|&m| m < 4)
                        .ok_or(251)?;
                } else {
                    if !(0.0..=1.0).contains(&value) {
                        return Err(209);
                    }
                    fraction = value;
                }
                self.net.mixing.retain(|m| m.tank != id);
                self.net.mixing.push(oasis_network::Mixing {
                    tank: id,
                    model: MIX_MODELS[model].into(),
                    fraction: (model == 1).then_some(fraction),
                });
            }
            23 => keyed::set(&mut self.net.reactions.lines, &["TANK", &id], value),
            8 | 17..=21 | 26 => {
                let curve = if property == 19 {
                    self.curve_id(value)?
                } else {
                    None
                };
                match &mut self.net.nodes[i].kind {
                    NodeKind::Tank(t) => match property {
                        8 => {
                            if value < t.min_level || value > t.max_level {
                                return Err(209);
                            }
                            t.initial_level = value;
                        }
                        17 => t.diameter = if value > 0.0 { value } else { return Err(209) },
                        18 => t.min_volume = positive(value)?,
                        19 => t.volume_curve = curve,
                        20 => {
                            if value > t.initial_level {
                                return Err(209);
                            }
                            t.min_level = positive(value)?;
                        }
                        21 => {
                            if value < t.initial_level {
                                return Err(209);
                            }
                            t.max_level = value;
                        }
                        _ => t.overflow = value != 0.0,
                    },
                    // A reservoir's "level" is its head (its elevation in the model).
                    NodeKind::Reservoir(_) if property == 8 => self.net.nodes[i].elevation = value,
                    _ => {}
                }
            }
            9..=14 | 16 | 24 | 25 | 27 => return Err(251),
            _ => return Err(251),
        }
        Ok(())
    }

    pub fn get_link_value(&self, index: i32, property: i32) -> Result<f64> {
        let k = self.link(index)?;
        let link = &self.net.links[k];
        let hyd = self.now.hyd.as_ref().map(|s| &s.links[k]);
        let reactions = Keyed::new(&self.net.reactions.lines);
        let energy = Keyed::new(&self.net.energy.lines);
        let pump = match &link.kind {
            LinkKind::Pump(p) => Some(p),
            _ => None,
        };
        Ok(match property {
            0 => match &link.kind {
                LinkKind::Pipe(p) => p.diameter,
                LinkKind::Valve(v) => v.diameter,
                LinkKind::Pump(_) => 0.0,
            },
            1 => match &link.kind {
                LinkKind::Pipe(p) => p.length,
                _ => 0.0,
            },
            2 => match &link.kind {
                LinkKind::Pipe(p) => p.roughness,
                _ => 0.0,
            },
            3 => match &link.kind {
                LinkKind::Pipe(p) => p.minor_loss,
                LinkKind::Valve(v) => v.minor_loss,
                LinkKind::Pump(_) => 0.0,
            },
            4 => f64::from(u8::from(self.initially_open(k))),
            5 => self.initial_setting(k),
            6 | 7 => match &link.kind {
                LinkKind::Pipe(p) => self.pipe_reaction(&reactions, &link.id, p, property == 6),
                _ => 0.0,
            },
            8 => hyd.map_or(0.0, |h| h.flow),
            9 => hyd.map_or(0.0, |h| h.velocity),
            10 => hyd.map_or(0.0, |h| h.headloss),
            11 => hyd.map_or_else(|| f64::from(u8::from(self.initially_open(k))), |h| h.status),
            12 => hyd.map_or_else(|| self.initial_setting(k), |h| h.setting),
            13 => self.energy(k).0,
            14 => match (&self.qual, &self.now.qual) {
                // Segments exist only while a quality solver is open; after it
                // closes EPANET averages the link's end nodes.
                (Some(_), Some(q)) => q.links[k],
                _ if self.qual_info()?.0 == 0 => 0.0,
                _ => {
                    let (a, b) = self.link_nodes(index)?;
                    (self.node_quality(a as usize - 1) + self.node_quality(b as usize - 1)) / 2.0
                }
            },
            15 => self.pattern_index(pump.and_then(|p| p.pattern.as_deref())),
            16 => hyd.map_or(3.0, |h| f64::from(h.status_code.code())),
            17 => self.energy(k).1,
            18 => pump
                .and_then(|p| {
                    p.power.or(p
                        .inline_curve
                        .as_ref()
                        .filter(|c| c.len() == 1)
                        .map(|c| c[0]))
                })
                .unwrap_or(0.0),
            19 => self.curve_index(pump.and_then(|p| p.head_curve.as_deref())),
            20 => self.curve_index(energy.word(&["PUMP", &link.id, "EFFIC"])),
            21 => energy.value(&["PUMP", &link.id, "PRICE"]).unwrap_or(0.0),
            22 => self.pattern_index(energy.word(&["PUMP", &link.id, "PATTERN"])),
            _ => return Err(251),
        })
    }

    /// A pipe's bulk or wall coefficient: its own, else the global one; a
    /// wall coefficient may come from the roughness correlation.
    fn pipe_reaction(
        &self,
        reactions: &Keyed,
        id: &str,
        p: &oasis_network::Pipe,
        bulk: bool,
    ) -> f64 {
        if bulk {
            return reactions
                .value(&["BULK", id])
                .or(reactions.value(&["GLOBAL", "BULK"]))
                .unwrap_or(0.0);
        }
        if let Some(k) = reactions.value(&["WALL", id]) {
            return k;
        }
        let rfactor = reactions
            .value(&["ROUGHNESS", "CORRELATION"])
            .unwrap_or(0.0);
        if rfactor == 0.0 {
            return reactions.value(&["GLOBAL", "WALL"]).unwrap_or(0.0);
        }
        let (kc, d) = (p.roughness, p.diameter);
        if kc <= 0.0 || d <= 0.0 {
            return 0.0;
        }
        match self.net.options.headloss {
            oasis_network::units::HeadlossFormula::HazenWilliams => rfactor / kc,
            oasis_network::units::HeadlossFormula::DarcyWeisbach => rfactor / (kc / d).ln().abs(),
            oasis_network::units::HeadlossFormula::ChezyManning => rfactor * kc,
        }
    }

    /// EPANET's `getenergy`: the power link `k` uses now (kW) and the
    /// efficiency it uses it at (a pump's from its curve or the global one,
    /// with the speed adjustment; 1 for other links).
    /// Before any run the link is as it starts, with no flow.
    fn energy(&self, k: usize) -> (f64, f64) {
        let (open, flow, headloss, speed) = match self.now.hyd.as_ref().map(|s| &s.links[k]) {
            Some(h) => (h.status != 0.0, h.flow, h.headloss, h.setting),
            None => (self.initially_open(k), 0.0, 0.0, self.initial_setting(k)),
        };
        if !open {
            return (0.0, 0.0);
        }
        let o = &self.net.options;
        let u = oasis_network::units::UnitFactors::new(
            o.flow_units,
            o.pressure_units,
            o.specific_gravity,
        );
        let (q, dh) = (flow.abs() / u.flow, headloss.abs() / u.head);
        let link = &self.net.links[k];
        let e = if matches!(link.kind, LinkKind::Pump(_)) {
            let energy = Keyed::new(&self.net.energy.lines);
            let mut e = energy.value(&["GLOBAL", "EFFIC"]).unwrap_or(75.0);
            if let Some(curve) = energy
                .word(&["PUMP", &link.id, "EFFIC"])
                .and_then(|c| self.net.curve(c))
            {
                e = interpolate(&curve.points, q / speed * u.flow);
                e = 100.0 - (100.0 - e) * (1.0 / speed).powf(0.1);
            }
            e.clamp(1.0, 100.0) / 100.0
        } else {
            1.0
        };
        const KW_PER_HP: f64 = 0.7457;
        (dh * q * o.specific_gravity / 8.814 / e * KW_PER_HP, e)
    }

    /// Whether link `k` starts open (`EN_INITSTATUS`).
    fn initially_open(&self, k: usize) -> bool {
        let link = &self.net.links[k];
        match (link.initial_status, &link.kind) {
            (Some(InitialStatus::Closed), _) => false,
            (Some(InitialStatus::Value(v)), LinkKind::Pump(_)) => v != 0.0,
            (_, LinkKind::Pipe(p)) => !p.closed_on_line,
            _ => true,
        }
    }

    /// `EN_INITSETTING`: a pipe's roughness, a pump's speed, a valve's setting.
    fn initial_setting(&self, k: usize) -> f64 {
        let link = &self.net.links[k];
        match &link.kind {
            LinkKind::Pipe(p) => p.roughness,
            LinkKind::Pump(p) => match link.initial_status {
                Some(InitialStatus::Value(v)) => v,
                _ => p.speed.unwrap_or(1.0),
            },
            // A GPV's setting is its curve's index; a fixed status leaves none.
            LinkKind::Valve(v) if v.valve == ValveKind::Gpv => self.curve_index(v.curve.as_deref()),
            LinkKind::Valve(v) => match link.initial_status {
                Some(InitialStatus::Value(s)) => s,
                Some(_) => 0.0,
                None => v.setting,
            },
        }
    }

    pub fn set_link_value(&mut self, index: i32, property: i32, value: f64) -> Result<()> {
        let k = self.link(index)?;
        let id = self.net.links[k].id.clone();
        let positive = |v: f64| if v > 0.0 { Ok(v) } else { Err(211) };
        let running = self.hyd.as_mut().and_then(|h| h.run.as_mut());
        let is_cv = matches!(&self.net.links[k].kind, LinkKind::Pipe(p) if p.check_valve);
        match property {
            0 => match &mut self.net.links[k].kind {
                LinkKind::Pipe(p) => p.diameter = positive(value)?,
                LinkKind::Valve(v) => v.diameter = positive(value)?,
                LinkKind::Pump(_) => {}
            },
            1 => {
                if let LinkKind::Pipe(p) = &mut self.net.links[k].kind {
                    p.length = positive(value)?;
                }
            }
            2 => {
                if let LinkKind::Pipe(p) = &mut self.net.links[k].kind {
                    p.roughness = positive(value)?;
                }
            }
            3 => {
                if value < 0.0 {
                    return Err(211);
                }
                match &mut self.net.links[k].kind {
                    LinkKind::Pipe(p) => p.minor_loss = value,
                    LinkKind::Valve(v) => v.minor_loss = value,
                    LinkKind::Pump(_) => {}
                }
            }
            // The current status or setting while a run is open; otherwise
            // the initial one, which the next run starts from.
            11 | 12 if running.is_some() => {
                let run = running.expect("checked");
                if property == 11 {
                    if is_cv {
                        return Err(207);
                    }
                    let s = value.round();
                    if !(0.0..=1.0).contains(&s) {
                        return Err(211);
                    }
                    run.sim.set_link_status(k, s == 1.0);
                } else if matches!(self.net.links[k].kind, LinkKind::Pipe(_)) {
                    return self.set_link_value(index, 2, value);
                } else {
                    if value < 0.0 {
                        return Err(211);
                    }
                    run.sim.set_link_setting(k, value);
                }
            }
            4 | 11 => {
                if is_cv {
                    return Err(207);
                }
                let s = value.round();
                if !(0.0..=1.0).contains(&s) {
                    return Err(211);
                }
                let link = &mut self.net.links[k];
                if let LinkKind::Pipe(p) = &mut link.kind {
                    p.closed_on_line = false;
                    p.open_on_line = false;
                }
                link.initial_status = Some(if s == 1.0 {
                    InitialStatus::Open
                } else {
                    InitialStatus::Closed
                });
            }
            5 | 12 => {
                if value < 0.0 {
                    return Err(211);
                }
                let link = &mut self.net.links[k];
                match &mut link.kind {
                    LinkKind::Pipe(p) => p.roughness = positive(value)?,
                    LinkKind::Pump(_) => link.initial_status = Some(InitialStatus::Value(value)),
                    LinkKind::Valve(v) => {
                        v.setting = value;
                        if link.initial_status.is_some() {
                            link.initial_status = None;
                        }
                    }
                }
            }
            6 => keyed::set(&mut self.net.reactions.lines, &["BULK", &id], value),
            7 => keyed::set(&mut self.net.reactions.lines, &["WALL", &id], value),
            15 => {
                let pattern = self.pattern_id(value)?;
                if let LinkKind::Pump(p) = &mut self.net.links[k].kind {
                    p.pattern = pattern;
                }
            }
            18 => {
                if let LinkKind::Pump(p) = &mut self.net.links[k].kind {
                    p.power = Some(positive(value)?);
                    p.head_curve = None;
                }
            }
            19 => {
                let curve = self.curve_id(value)?;
                if let LinkKind::Pump(p) = &mut self.net.links[k].kind {
                    p.head_curve = curve;
                    p.power = None;
                }
            }
            20 | 22 => {
                let word = if property == 20 {
                    self.curve_id(value)?
                } else {
                    self.pattern_id(value)?
                };
                let key = if property == 20 { "EFFIC" } else { "PATTERN" };
                keyed::set_word(
                    &mut self.net.energy.lines,
                    &["PUMP", &id, key],
                    word.as_deref(),
                );
            }
            21 => keyed::set(&mut self.net.energy.lines, &["PUMP", &id, "PRICE"], value),
            _ => return Err(251),
        }
        Ok(())
    }
}

/// EPANET's `interp`: linear between a curve's points, its end values beyond.
fn interpolate(points: &[(f64, f64)], x: f64) -> f64 {
    let Some(&(x0, y0)) = points.first() else {
        return 0.0;
    };
    if x <= x0 {
        return y0;
    }
    for w in points.windows(2) {
        let ((xa, ya), (xb, yb)) = (w[0], w[1]);
        if x <= xb {
            let dx = xb - xa;
            if dx.abs() < 1e-6 {
                return yb;
            }
            return yb - (xb - x) * (yb - ya) / dx;
        }
    }
    points[points.len() - 1].1
}
