//! The model-wide toolkit calls: counts, ids, options, times, quality,
//! demands, coordinates, and adding and deleting nodes and links.

use oasis_network::units::HeadlossFormula;
use oasis_network::{
    Control, ControlAction, ControlCondition, Demand, DemandModel, Junction, Link, LinkKind, Node,
    NodeKind, Pipe, Pump, Reservoir, Tank, Unbalanced, Valve,
};

use crate::codes;
use crate::keyed::{self, Keyed};
use crate::project::{Code, Project, Result};

/// An ID for a new or renamed object: 1 to 31 characters, no blanks, no
/// `;` or `"` (else 252), and not one an object of its kind has (else 215).
pub fn new_id(id: &str, taken: bool) -> Result<()> {
    if id.is_empty()
        || id.len() > codes::EN_MAXID
        || id
            .chars()
            .any(|c| c.is_whitespace() || c == ';' || c == '"')
    {
        Err(252)
    } else if taken {
        Err(215)
    } else {
        Ok(())
    }
}

impl Project {
    pub fn count(&self, object: i32) -> Result<i32> {
        self.check_open()?;
        let n = &self.net;
        let tanks = n
            .nodes
            .iter()
            .filter(|x| !matches!(x.kind, NodeKind::Junction(_)))
            .count();
        Ok(match object {
            0 => n.nodes.len(),
            1 => tanks,
            2 => n.links.len(),
            3 => n.patterns.len(),
            4 => n.curves.len(),
            5 => n.controls.len(),
            6 => n.rules.len(),
            _ => return Err(251),
        } as i32)
    }

    pub fn node_index(&self, id: &str) -> Result<i32> {
        self.check_open()?;
        self.net.node_index(id).map(|i| i as i32 + 1).ok_or(203)
    }

    pub fn link_index(&self, id: &str) -> Result<i32> {
        self.check_open()?;
        self.net.link_index(id).map(|i| i as i32 + 1).ok_or(204)
    }

    pub fn link_nodes(&self, index: i32) -> Result<(i32, i32)> {
        let k = self.link(index)?;
        let l = &self.net.links[k];
        let n1 = self.net.node_index(&l.from).ok_or(203)?;
        let n2 = self.net.node_index(&l.to).ok_or(203)?;
        Ok((n1 as i32 + 1, n2 as i32 + 1))
    }

    pub fn set_node_id(&mut self, index: i32, id: &str) -> Result<()> {
        let i = self.node(index)?;
        new_id(id, self.net.node_index(id).is_some())?;
        let old = std::mem::replace(&mut self.net.nodes[i].id, id.to_string());
        self.object_refs(false, rename(&old, id));
        Ok(())
    }

    pub fn set_link_id(&mut self, index: i32, id: &str) -> Result<()> {
        let k = self.link(index)?;
        new_id(id, self.net.link_index(id).is_some())?;
        let old = std::mem::replace(&mut self.net.links[k].id, id.to_string());
        self.object_refs(true, rename(&old, id));
        Ok(())
    }

    /// Visits every place the model names a link (`link`) or a node by id,
    /// apart from the object itself: EPANET refers to them by index, so
    /// these follow a rename.
    fn object_refs(&mut self, link: bool, mut f: impl FnMut(&mut String)) {
        let net = &mut self.net;
        if link {
            net.controls.iter_mut().for_each(|c| f(&mut c.link));
            net.vertices.iter_mut().for_each(|(l, _, _)| f(l));
            keyed::object_ids(&mut net.reactions.lines, &["BULK", "WALL"], &mut f);
            keyed::object_ids(&mut net.energy.lines, &["PUMP"], &mut f);
        } else {
            for l in &mut net.links {
                f(&mut l.from);
                f(&mut l.to);
            }
            for c in &mut net.controls {
                if let ControlCondition::Above { node, .. } | ControlCondition::Below { node, .. } =
                    &mut c.condition
                {
                    f(node);
                }
            }
            net.quality.iter_mut().for_each(|(n, _)| f(n));
            net.sources.iter_mut().for_each(|s| f(&mut s.node));
            net.mixing.iter_mut().for_each(|m| f(&mut m.tank));
            net.coordinates.iter_mut().for_each(|(n, _, _)| f(n));
            keyed::object_ids(&mut net.reactions.lines, &["TANK"], &mut f);
            if is_trace(&net.options.quality) {
                net.options
                    .quality
                    .iter_mut()
                    .skip(1)
                    .take(1)
                    .for_each(&mut f);
            }
        }
        for r in &mut net.rules {
            crate::rules::object_ids(r, link, &mut f);
        }
    }

    // ---- options ---------------------------------------------------------

    pub fn option(&self, option: i32) -> Result<f64> {
        self.check_open()?;
        let o = &self.net.options;
        let energy = Keyed::new(&self.net.energy.lines);
        let reactions = Keyed::new(&self.net.reactions.lines);
        let si = o.flow_units.is_si();
        Ok(match option {
            0 => f64::from(o.trials),
            // As the solver uses it (EPANET keeps the clamped value).
            1 => o.accuracy.clamp(1e-5, 0.1),
            2 => o.tolerance,
            3 => o.emitter_exponent,
            4 => o.demand_multiplier,
            5 => o.head_error,
            6 => o.flow_change,
            7 => f64::from(codes::headloss_code(o.headloss)),
            8 => energy.value(&["GLOBAL", "EFFIC"]).unwrap_or(75.0),
            9 => energy.value(&["GLOBAL", "PRICE"]).unwrap_or(0.0),
            10 => self.pattern_index(energy.word(&["GLOBAL", "PATTERN"])),
            11 => energy.value(&["DEMAND", "CHARGE"]).unwrap_or(0.0),
            12 => o.specific_gravity,
            13 => relative(o.viscosity, 1e-3, 1.1e-5, si),
            14 => match o.unbalanced {
                Unbalanced::Stop => -1.0,
                Unbalanced::Continue(n) => f64::from(n),
            },
            15 => f64::from(o.check_freq),
            16 => f64::from(o.max_check),
            17 => o.damp_limit,
            18 => relative(o.diffusivity, 1e-4, 1.3e-8, si),
            19 => reactions.value(&["ORDER", "BULK"]).unwrap_or(1.0),
            20 => reactions.value(&["ORDER", "WALL"]).unwrap_or(1.0),
            21 => reactions.value(&["ORDER", "TANK"]).unwrap_or(1.0),
            22 => reactions.value(&["LIMITING", "POTENTIAL"]).unwrap_or(0.0),
            _ => return Err(251),
        })
    }

    pub fn set_option(&mut self, option: i32, value: f64) -> Result<()> {
        self.check_open()?;
        let bad = |ok: bool| if ok { Ok(()) } else { Err(213) };
        let o = &mut self.net.options;
        match option {
            0 => {
                bad(value >= 1.0)?;
                o.trials = value as u32;
            }
            1 => {
                bad((1e-8..=1e-1).contains(&value))?;
                o.accuracy = value;
            }
            2 => {
                bad(value >= 0.0)?;
                o.tolerance = value;
            }
            3 => {
                bad(value > 0.0)?;
                o.emitter_exponent = value;
            }
            4 => {
                bad(value > 0.0)?;
                o.demand_multiplier = value;
            }
            5 => {
                bad(value >= 0.0)?;
                o.head_error = value;
            }
            6 => {
                bad(value >= 0.0)?;
                o.flow_change = value;
            }
            7 => {
                if self.hyd.is_some() {
                    return Err(262);
                }
                o.headloss = codes::headloss(value.round() as i32).ok_or(213)?;
            }
            8 => {
                bad(value > 1.0 && value <= 100.0)?;
                keyed::set(&mut self.net.energy.lines, &["GLOBAL", "EFFIC"], value);
            }
            9 => {
                bad(value >= 0.0)?;
                keyed::set(&mut self.net.energy.lines, &["GLOBAL", "PRICE"], value);
            }
            10 => {
                let p = self.pattern_id(value)?;
                keyed::set_word(
                    &mut self.net.energy.lines,
                    &["GLOBAL", "PATTERN"],
                    p.as_deref(),
                );
            }
            11 => {
                bad(value >= 0.0)?;
                keyed::set(&mut self.net.energy.lines, &["DEMAND", "CHARGE"], value);
            }
            12 => {
                bad(value > 0.0)?;
                o.specific_gravity = value;
            }
            13 => {
                bad(value > 0.0)?;
                o.viscosity = value;
            }
            14 => {
                o.unbalanced = if value < 0.0 {
                    Unbalanced::Stop
                } else {
                    Unbalanced::Continue(value as u32)
                }
            }
            15 => {
                bad(value > 0.0)?;
                o.check_freq = value as u32;
            }
            16 => {
                bad(value > 0.0)?;
                o.max_check = value as u32;
            }
            17 => {
                bad(value >= 0.0)?;
                o.damp_limit = value;
            }
            18 => {
                bad(value >= 0.0)?;
                o.diffusivity = value;
            }
            19..=21 => {
                let which = ["BULK", "WALL", "TANK"][(option - 19) as usize];
                if which == "WALL" {
                    bad(value == 0.0 || value == 1.0)?;
                }
                keyed::set(&mut self.net.reactions.lines, &["ORDER", which], value);
            }
            22 => {
                bad(value >= 0.0)?;
                keyed::set(
                    &mut self.net.reactions.lines,
                    &["LIMITING", "POTENTIAL"],
                    value,
                );
            }
            _ => return Err(251),
        }
        Ok(())
    }

    // ---- times -----------------------------------------------------------

    pub fn time_param(&self, param: i32) -> Result<i64> {
        self.check_open()?;
        let clock = oasis_hydraulics::Clock::new(&self.net);
        Ok(match param {
            0 => clock.duration,
            1 => clock.hydraulic_step,
            2 => clock.quality_step(&self.net),
            3 => clock.pattern_step,
            4 => clock.pattern_start,
            5 => clock.report_step,
            6 => clock.report_start,
            7 => clock.rule_step,
            8 => codes::statistic_code(&self.net.times.statistic),
            // Counted as results are saved for the report.
            9 => match (&self.output, &self.saved) {
                (Some(_), Some(saved)) => saved.results.periods.len() as i64,
                _ => 0,
            },
            10 => clock.start_clock,
            11 => self.now.htime,
            12 => self.now.qtime,
            13 => i64::from(self.now.halted),
            14 | 15 => 0,
            _ => return Err(251),
        })
    }

    pub fn set_time_param(&mut self, param: i32, value: i64) -> Result<()> {
        self.check_open()?;
        if value < 0 {
            return Err(213);
        }
        let t = &mut self.net.times;
        let (slot, key) = match param {
            0 => (&mut t.duration_s, "DURATION"),
            1 => (&mut t.hydraulic_step_s, "HYDRAULIC TIMESTEP"),
            2 => (&mut t.quality_step_s, "QUALITY TIMESTEP"),
            3 => (&mut t.pattern_step_s, "PATTERN TIMESTEP"),
            4 => (&mut t.pattern_start_s, "PATTERN START"),
            5 => (&mut t.report_step_s, "REPORT TIMESTEP"),
            6 => (&mut t.report_start_s, "REPORT START"),
            7 => (&mut t.rule_step_s, "RULE TIMESTEP"),
            10 => (&mut t.start_clocktime_s, "START CLOCKTIME"),
            8 => {
                let word = codes::STATISTIC_WORDS.get(value as usize).ok_or(213)?;
                t.statistic = word.to_string();
                t.given.push("STATISTIC".into());
                return Ok(());
            }
            _ => return Err(251),
        };
        if matches!(param, 1 | 2 | 3 | 5 | 7) && value == 0 {
            return Err(213);
        }
        *slot = if param == 10 { value % 86400 } else { value };
        if !t.given.iter().any(|g| g == key) {
            t.given.push(key.into());
        }
        Ok(())
    }

    // ---- water quality settings ----------------------------------------

    /// `EN_getqualinfo`: type, chemical name, units and trace node index.
    pub fn qual_info(&self) -> Result<(i32, String, String, i32)> {
        self.check_open()?;
        let q = &self.net.options.quality;
        let word = q
            .first()
            .map(|w| w.to_ascii_uppercase())
            .unwrap_or_default();
        // A run of no duration has no quality analysis (EPANET's adjustdata).
        Ok(
            if word.is_empty() || word.starts_with("NONE") || self.net.times.duration_s == 0 {
                (0, String::new(), String::new(), 0)
            } else if word.starts_with("AGE") {
                (2, "Age".into(), "hrs".into(), 0)
            } else if word.starts_with("TRACE") {
                let node = q
                    .get(1)
                    .and_then(|id| self.net.node_index(id))
                    .map_or(0, |i| i as i32 + 1);
                (3, "Trace".into(), "%".into(), node)
            } else {
                let units = q.get(1).cloned().unwrap_or_else(|| "mg/L".into());
                (1, q[0].clone(), units, 0)
            },
        )
    }

    pub fn set_qual_type(&mut self, kind: i32, chem: &str, units: &str, trace: &str) -> Result<()> {
        self.check_open()?;
        self.net.options.quality = match kind {
            0 => vec!["NONE".into()],
            1 => {
                let name = if chem.is_empty() { "Chemical" } else { chem };
                let units = if units.is_empty() { "mg/L" } else { units };
                vec![name.into(), units.into()]
            }
            2 => vec!["AGE".into()],
            3 => {
                self.net.node_index(trace).ok_or(212)?;
                vec!["TRACE".into(), trace.into()]
            }
            _ => return Err(251),
        };
        Ok(())
    }

    // ---- demands -----------------------------------------------------------

    fn junction(&self, index: i32) -> Result<&Junction> {
        match &self.net.nodes[self.node(index)?].kind {
            NodeKind::Junction(j) => Ok(j),
            _ => Err(253),
        }
    }

    fn junction_mut(&mut self, index: i32) -> Result<&mut Junction> {
        let i = self.node(index)?;
        match &mut self.net.nodes[i].kind {
            NodeKind::Junction(j) => Ok(j),
            _ => Err(253),
        }
    }

    pub fn num_demands(&self, index: i32) -> Result<i32> {
        self.node(index)?;
        Ok(self.junction(index).map_or(0, |j| j.demands.len() as i32))
    }

    pub fn demand(&self, index: i32, d: i32) -> Result<&Demand> {
        let j = self.junction(index)?;
        usize::try_from(d - 1)
            .ok()
            .and_then(|d| j.demands.get(d))
            .ok_or(253)
    }

    pub fn demand_mut(&mut self, index: i32, d: i32) -> Result<&mut Demand> {
        let j = self.junction_mut(index)?;
        usize::try_from(d - 1)
            .ok()
            .and_then(|d| j.demands.get_mut(d))
            .ok_or(253)
    }

    pub fn add_demand(&mut self, index: i32, base: f64, pattern: &str, name: &str) -> Result<()> {
        let pattern = if pattern.is_empty() {
            None
        } else {
            Some(self.net.pattern(pattern).ok_or(205)?.id.clone())
        };
        let name = (!name.is_empty()).then(|| name.to_string());
        self.junction_mut(index)?.demands.push(Demand {
            base,
            pattern,
            category: name,
        });
        Ok(())
    }

    pub fn delete_demand(&mut self, index: i32, d: i32) -> Result<()> {
        let j = self.junction_mut(index)?;
        let d = usize::try_from(d - 1)
            .ok()
            .filter(|&d| d < j.demands.len())
            .ok_or(253)?;
        j.demands.remove(d);
        Ok(())
    }

    pub fn demand_index(&self, index: i32, name: &str) -> Result<i32> {
        let j = self.junction(index)?;
        j.demands
            .iter()
            .position(|d| d.category.as_deref().unwrap_or("") == name)
            .map(|i| i as i32 + 1)
            .ok_or(253)
    }

    pub fn demand_model(&self) -> Result<(i32, f64, f64, f64)> {
        self.check_open()?;
        let o = &self.net.options;
        Ok((
            i32::from(o.demand_model == DemandModel::Pda),
            o.minimum_pressure,
            o.required_pressure,
            o.pressure_exponent,
        ))
    }

    pub fn set_demand_model(&mut self, kind: i32, pmin: f64, preq: f64, pexp: f64) -> Result<()> {
        self.check_open()?;
        let model = match kind {
            0 => DemandModel::Dda,
            1 => DemandModel::Pda,
            _ => return Err(251),
        };
        if pexp <= 0.0 {
            return Err(208);
        }
        if model == DemandModel::Pda && preq - pmin < 0.1 {
            return Err(208);
        }
        let o = &mut self.net.options;
        (
            o.demand_model,
            o.minimum_pressure,
            o.required_pressure,
            o.pressure_exponent,
        ) = (model, pmin, preq, pexp);
        Ok(())
    }

    // ---- coordinates and vertices ---------------------------------------

    pub fn coord(&self, index: i32) -> Result<(f64, f64)> {
        let id = &self.net.nodes[self.node(index)?].id;
        self.net
            .coordinates
            .iter()
            .rev()
            .find(|(n, _, _)| n == id)
            .map(|&(_, x, y)| (x, y))
            .ok_or(254)
    }

    pub fn set_coord(&mut self, index: i32, x: f64, y: f64) -> Result<()> {
        let id = self.net.nodes[self.node(index)?].id.clone();
        self.net.coordinates.retain(|(n, _, _)| *n != id);
        self.net.coordinates.push((id, x, y));
        Ok(())
    }

    pub fn vertices(&self, index: i32) -> Result<Vec<(f64, f64)>> {
        let id = &self.net.links[self.link(index)?].id;
        Ok(self
            .net
            .vertices
            .iter()
            .filter(|(l, _, _)| l == id)
            .map(|&(_, x, y)| (x, y))
            .collect())
    }

    pub fn set_vertices(&mut self, index: i32, points: &[(f64, f64)]) -> Result<()> {
        let id = self.net.links[self.link(index)?].id.clone();
        self.net.vertices.retain(|(l, _, _)| *l != id);
        self.net
            .vertices
            .extend(points.iter().map(|&(x, y)| (id.clone(), x, y)));
        Ok(())
    }

    // ---- adding and deleting nodes and links -----------------------------

    pub fn add_node(&mut self, id: &str, kind: i32) -> Result<i32> {
        self.check_open()?;
        self.check_no_solver()?;
        new_id(id, self.net.node_index(id).is_some())?;
        let node_kind = match kind {
            0 => NodeKind::Junction(Junction::default()),
            1 => NodeKind::Reservoir(Reservoir { pattern: None }),
            2 => NodeKind::Tank(Tank {
                initial_level: 0.0,
                min_level: 0.0,
                max_level: 0.0,
                diameter: 0.0,
                min_volume: 0.0,
                volume_curve: None,
                overflow: false,
            }),
            _ => return Err(251),
        };
        let node = Node {
            id: id.to_string(),
            elevation: 0.0,
            kind: node_kind,
            comment: String::new(),
        };
        // Junctions come before every tank and reservoir, as in EPANET.
        let at = if kind == 0 {
            self.net.junction_count()
        } else {
            self.net.nodes.len()
        };
        self.net.nodes.insert(at, node);
        Ok(at as i32 + 1)
    }

    /// `EN_deletenode`, its checks in EPANET 2.2's order; `action` 1
    /// (`EN_CONDITIONAL`) keeps a node that a control or rule names, or that
    /// a link ends at.
    pub fn delete_node(&mut self, index: i32, action: i32) -> Result<()> {
        self.check_open()?;
        self.check_no_solver()?;
        let i = self.node(index)?;
        check_action(action)?;
        let id = self.net.nodes[i].id.clone();
        if self.net.options.quality.get(1).is_some_and(|t| *t == id)
            && is_trace(&self.net.options.quality)
        {
            return Err(260);
        }
        let linked: Vec<usize> = (0..self.net.links.len())
            .filter(|&k| self.net.links[k].from == id || self.net.links[k].to == id)
            .collect();
        if action == 1 {
            let controlled = self
                .net
                .controls
                .iter()
                .any(|c| control_node(c) == Some(&id))
                || self
                    .net
                    .rules
                    .iter()
                    .any(|r| crate::rules::names(r, false, &id));
            if controlled {
                return Err(261);
            }
            if !linked.is_empty() {
                return Err(259);
            }
        }
        for &k in linked.iter().rev() {
            self.remove_link(k);
        }
        self.net.controls.retain(|c| control_node(c) != Some(&id));
        // As EPANET 2.2's `adjustrules`: the rules that name it go with it.
        self.net
            .rules
            .retain(|r| !crate::rules::names(r, false, &id));
        self.net.nodes.remove(i);
        self.net.quality.retain(|(n, _)| *n != id);
        self.net.sources.retain(|s| s.node != id);
        self.net.mixing.retain(|m| m.tank != id);
        self.net.coordinates.retain(|(n, _, _)| *n != id);
        self.net
            .reactions
            .lines
            .retain(|l| !keyed::names(l, &["TANK"], &id));
        Ok(())
    }

    pub fn add_link(&mut self, id: &str, kind: i32, from: &str, to: &str) -> Result<i32> {
        self.check_open()?;
        self.check_no_solver()?;
        new_id(id, self.net.link_index(id).is_some())?;
        self.net.node_index(from).ok_or(203)?;
        self.net.node_index(to).ok_or(203)?;
        if from == to {
            return Err(222);
        }
        let si = self.net.options.flow_units.is_si();
        let link_kind = match kind {
            0 | 1 => LinkKind::Pipe(Pipe {
                length: if si { 100.584 } else { 330.0 },
                diameter: if si { 254.0 } else { 10.0 },
                roughness: default_roughness(self.net.options.headloss, si),
                minor_loss: 0.0,
                check_valve: kind == 0,
                closed_on_line: false,
                open_on_line: false,
            }),
            2 => LinkKind::Pump(Pump::default()),
            3..=8 => LinkKind::Valve(Valve {
                valve: codes::valve_kind(kind).ok_or(251)?,
                diameter: if si { 254.0 } else { 10.0 },
                setting: 0.0,
                curve: None,
                minor_loss: 0.0,
            }),
            _ => return Err(251),
        };
        self.net.links.push(Link {
            id: id.to_string(),
            from: from.to_string(),
            to: to.to_string(),
            kind: link_kind,
            initial_status: None,
            comment: String::new(),
        });
        Ok(self.net.links.len() as i32)
    }

    /// `EN_deletelink`, its checks in EPANET 2.2's order; `action` 1 keeps a
    /// link that a control or rule names.
    pub fn delete_link(&mut self, index: i32, action: i32) -> Result<()> {
        self.check_open()?;
        self.check_no_solver()?;
        let k = self.link(index)?;
        check_action(action)?;
        let id = &self.net.links[k].id;
        if action == 1
            && (self.net.controls.iter().any(|c| c.link == *id)
                || self
                    .net
                    .rules
                    .iter()
                    .any(|r| crate::rules::names(r, true, id)))
        {
            return Err(261);
        }
        self.remove_link(k);
        Ok(())
    }

    fn remove_link(&mut self, k: usize) {
        let link = self.net.links.remove(k);
        let id = link.id;
        self.net.controls.retain(|c| c.link != id);
        self.net
            .rules
            .retain(|r| !crate::rules::names(r, true, &id));
        self.net.vertices.retain(|(l, _, _)| *l != id);
        // Only this link's lines: `GLOBAL PRICE` is no pipe named PRICE.
        self.net
            .reactions
            .lines
            .retain(|l| !keyed::names(l, &["BULK", "WALL"], &id));
        self.net
            .energy
            .lines
            .retain(|l| !keyed::names(l, &["PUMP"], &id));
    }

    pub fn set_link_nodes(&mut self, index: i32, n1: i32, n2: i32) -> Result<()> {
        let k = self.link(index)?;
        self.check_no_solver()?;
        let (a, b) = (self.node(n1)?, self.node(n2)?);
        if a == b {
            return Err(222);
        }
        let link = &mut self.net.links[k];
        link.from = self.net.nodes[a].id.clone();
        link.to = self.net.nodes[b].id.clone();
        Ok(())
    }

    /// `EN_setlinktype`: a new link of the type in the old one's place.
    pub fn set_link_type(&mut self, index: i32, kind: i32, action: i32) -> Result<i32> {
        let k = self.link(index)?;
        self.check_no_solver()?;
        if codes::link_type(&self.net.links[k].kind) == kind {
            return Ok(index);
        }
        let id = &self.net.links[k].id;
        if action == 1
            && (self.net.controls.iter().any(|c| c.link == *id)
                || self
                    .net
                    .rules
                    .iter()
                    .any(|r| crate::rules::names(r, true, id)))
        {
            return Err(261);
        }
        let old = self.net.links[k].clone();
        let scratch = format!("~{}", old.id.chars().take(29).collect::<String>());
        self.add_link(&scratch, kind, &old.from, &old.to)?;
        let mut new = self.net.links.pop().expect("just added");
        new.id = old.id.clone();
        if let (LinkKind::Pipe(a), LinkKind::Pipe(b)) = (&old.kind, &mut new.kind) {
            *b = Pipe {
                check_valve: b.check_valve,
                ..a.clone()
            };
        }
        self.net.controls.retain(|c| c.link != old.id);
        self.net.links[k] = new;
        Ok(index)
    }

    // ---- simple controls -------------------------------------------------

    /// `EN_getcontrol`: type, link, setting, node and level (or time).
    pub fn control(&self, index: i32) -> Result<(i32, i32, f64, i32, f64)> {
        self.check_open()?;
        let c = usize::try_from(index - 1)
            .ok()
            .and_then(|i| self.net.controls.get(i))
            .ok_or(241)?;
        let link = self.net.link_index(&c.link).map_or(0, |k| k as i32 + 1);
        let setting = match c.action {
            ControlAction::Open => 1.0,
            ControlAction::Closed => 0.0,
            ControlAction::Setting(s) => s,
        };
        let node = |id: &str| self.net.node_index(id).map_or(0, |i| i as i32 + 1);
        Ok(match &c.condition {
            ControlCondition::Below { node: n, value } => (0, link, setting, node(n), *value),
            ControlCondition::Above { node: n, value } => (1, link, setting, node(n), *value),
            ControlCondition::AtTime { time_s } => (2, link, setting, 0, *time_s as f64),
            ControlCondition::AtClockTime { time_s } => (3, link, setting, 0, *time_s as f64),
        })
    }

    fn make_control(
        &self,
        kind: i32,
        link: i32,
        setting: f64,
        node: i32,
        level: f64,
    ) -> Result<Control> {
        let k = self.link(link)?;
        let l = &self.net.links[k];
        if matches!(&l.kind, LinkKind::Pipe(p) if p.check_valve) {
            return Err(207);
        }
        if setting < 0.0 || level < 0.0 {
            return Err(202);
        }
        let condition = match kind {
            0 | 1 => {
                let n = self.net.nodes[self.node(node)?].id.clone();
                if kind == 0 {
                    ControlCondition::Below {
                        node: n,
                        value: level,
                    }
                } else {
                    ControlCondition::Above {
                        node: n,
                        value: level,
                    }
                }
            }
            2 => ControlCondition::AtTime {
                time_s: level as i64,
            },
            3 => ControlCondition::AtClockTime {
                time_s: level as i64 % 86400,
            },
            _ => return Err(251),
        };
        let action = match &l.kind {
            LinkKind::Pipe(_) => status_action(setting),
            LinkKind::Pump(_) if setting == 0.0 || setting == 1.0 => status_action(setting),
            LinkKind::Valve(v) if v.valve == oasis_network::ValveKind::Gpv => {
                if setting != 0.0 && setting != 1.0 {
                    return Err(202);
                }
                status_action(setting)
            }
            _ => ControlAction::Setting(setting),
        };
        Ok(Control {
            link: l.id.clone(),
            action,
            condition,
        })
    }

    pub fn add_control(
        &mut self,
        kind: i32,
        link: i32,
        setting: f64,
        node: i32,
        level: f64,
    ) -> Result<i32> {
        self.check_open()?;
        let c = self.make_control(kind, link, setting, node, level)?;
        self.net.controls.push(c);
        Ok(self.net.controls.len() as i32)
    }

    pub fn set_control(
        &mut self,
        index: i32,
        kind: i32,
        link: i32,
        setting: f64,
        node: i32,
        level: f64,
    ) -> Result<()> {
        self.check_open()?;
        let i = usize::try_from(index - 1)
            .ok()
            .filter(|&i| i < self.net.controls.len())
            .ok_or(241)?;
        self.net.controls[i] = self.make_control(kind, link, setting, node, level)?;
        Ok(())
    }

    pub fn delete_control(&mut self, index: i32) -> Result<()> {
        self.check_open()?;
        let i = usize::try_from(index - 1)
            .ok()
            .filter(|&i| i < self.net.controls.len())
            .ok_or(241)?;
        self.net.controls.remove(i);
        Ok(())
    }

    pub fn statistic(&self, kind: i32) -> Result<f64> {
        self.check_open()?;
        let hyd = self.now.hyd.as_ref();
        Ok(match kind {
            0 => hyd.map_or(0.0, |s| f64::from(s.iterations)),
            1 => hyd.map_or(0.0, |s| s.relative_error),
            2 | 3 | 5 | 6 => 0.0,
            4 => self
                .output
                .as_ref()
                .and_then(|o| o.quality.as_ref())
                .map_or(0.0, |q| q.mass_balance.ratio),
            _ => return Err(251),
        })
    }

    pub fn warn(&self) -> Code {
        self.warn_flag
    }
}

/// Viscosity and diffusivity as EPANET reports them, relative to water's
/// (chlorine's) at 20 °C: a file value above `threshold` is already
/// relative, a smaller one is absolute (ft²/s, or m²/s in SI files).
fn relative(value: f64, threshold: f64, reference_ft2_s: f64, si: bool) -> f64 {
    if value > threshold {
        value
    } else {
        let ft2_per_m2 = if si { 1.0 / (0.3048 * 0.3048) } else { 1.0 };
        value * ft2_per_m2 / reference_ft2_s
    }
}

fn status_action(setting: f64) -> ControlAction {
    if setting == 0.0 {
        ControlAction::Closed
    } else {
        ControlAction::Open
    }
}

fn control_node(c: &Control) -> Option<&String> {
    match &c.condition {
        ControlCondition::Above { node, .. } | ControlCondition::Below { node, .. } => Some(node),
        _ => None,
    }
}

/// EPANET's roughness of a new pipe, in the file's units.
fn default_roughness(formula: HeadlossFormula, si: bool) -> f64 {
    match formula {
        HeadlossFormula::HazenWilliams => 130.0,
        // 0.0005 ft: millifeet in US files, millimetres in SI ones.
        HeadlossFormula::DarcyWeisbach => {
            if si {
                0.0005 * 304.8
            } else {
                0.5
            }
        }
        HeadlossFormula::ChezyManning => 0.01,
    }
}

impl Project {
    /// `EN_setflowunits`: the whole model is converted to the new units (see
    /// [`Network::change_flow_units`](oasis_network::Network::change_flow_units)).
    pub fn set_flow_units(&mut self, units: oasis_network::units::FlowUnits) {
        self.net.change_flow_units(units);
    }
}

/// Renames `old` to `new` where it is met.
fn rename<'a>(old: &'a str, new: &'a str) -> impl FnMut(&mut String) + 'a {
    move |s| {
        if s == old {
            *s = new.to_string();
        }
    }
}

/// `[OPTIONS] QUALITY TRACE node`.
fn is_trace(quality: &[String]) -> bool {
    quality
        .first()
        .is_some_and(|q| q.to_ascii_uppercase().starts_with("TRACE"))
}

/// `EN_UNCONDITIONAL` (0) or `EN_CONDITIONAL` (1).
fn check_action(action: i32) -> Result<()> {
    if (0..=1).contains(&action) {
        Ok(())
    } else {
        Err(251)
    }
}
