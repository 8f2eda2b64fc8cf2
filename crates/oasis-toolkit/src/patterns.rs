//! Time patterns and data curves.

use oasis_network::inp::read::kw;
use oasis_network::{Curve, LinkKind, NodeKind, Pattern};

use crate::network::new_id;
use crate::project::{Project, Result};

impl Project {
    pub(crate) fn pattern_at(&self, index: i32) -> Result<usize> {
        self.check_open()?;
        usize::try_from(index - 1)
            .ok()
            .filter(|&i| i < self.net.patterns.len())
            .ok_or(205)
    }

    pub(crate) fn curve_at(&self, index: i32) -> Result<usize> {
        self.check_open()?;
        usize::try_from(index - 1)
            .ok()
            .filter(|&i| i < self.net.curves.len())
            .ok_or(206)
    }

    pub fn add_pattern(&mut self, id: &str) -> Result<()> {
        self.check_open()?;
        new_id(id, self.net.pattern(id).is_some())?;
        self.net.patterns.push(Pattern {
            id: id.to_string(),
            factors: vec![1.0],
            comment: String::new(),
        });
        Ok(())
    }

    /// `EN_deletepattern`: whatever used the pattern uses none.
    pub fn delete_pattern(&mut self, index: i32) -> Result<()> {
        let i = self.pattern_at(index)?;
        let id = self.net.patterns.remove(i).id;
        self.pattern_refs(|p| {
            if p.as_deref() == Some(id.as_str()) {
                *p = None;
            }
        });
        Ok(())
    }

    pub fn pattern_index_of(&self, id: &str) -> Result<i32> {
        self.check_open()?;
        self.net
            .patterns
            .iter()
            .position(|p| p.id == id)
            .map(|i| i as i32 + 1)
            .ok_or(205)
    }

    pub fn set_pattern_id(&mut self, index: i32, id: &str) -> Result<()> {
        let i = self.pattern_at(index)?;
        new_id(id, self.net.pattern(id).is_some())?;
        let old = std::mem::replace(&mut self.net.patterns[i].id, id.to_string());
        self.pattern_refs(|p| {
            if p.as_deref() == Some(old.as_str()) {
                *p = Some(id.to_string());
            }
        });
        Ok(())
    }

    /// Visits every reference to a pattern by id (demands, reservoir heads,
    /// pump speeds, sources, the default pattern, energy prices).
    fn pattern_refs(&mut self, mut f: impl FnMut(&mut Option<String>)) {
        for n in &mut self.net.nodes {
            match &mut n.kind {
                NodeKind::Junction(j) => j.demands.iter_mut().for_each(|d| f(&mut d.pattern)),
                NodeKind::Reservoir(r) => f(&mut r.pattern),
                NodeKind::Tank(_) => {}
            }
        }
        for l in &mut self.net.links {
            if let LinkKind::Pump(p) = &mut l.kind {
                f(&mut p.pattern);
            }
        }
        self.net.sources.iter_mut().for_each(|s| f(&mut s.pattern));
        f(&mut self.net.options.pattern);
        energy_refs(&mut self.net.energy.lines, "PATT", true, &mut f);
    }

    /// Visits every reference to a curve by id (tank volumes, pump heads,
    /// GPV head losses, pump efficiencies).
    fn curve_refs(&mut self, mut f: impl FnMut(&mut Option<String>)) {
        for n in &mut self.net.nodes {
            if let NodeKind::Tank(t) = &mut n.kind {
                f(&mut t.volume_curve);
            }
        }
        for l in &mut self.net.links {
            match &mut l.kind {
                LinkKind::Pump(p) => f(&mut p.head_curve),
                LinkKind::Valve(v) => f(&mut v.curve),
                LinkKind::Pipe(_) => {}
            }
        }
        // `GLOBAL EFFIC` is a number, not a curve.
        energy_refs(&mut self.net.energy.lines, "EFFI", false, &mut f);
    }

    pub fn pattern_value(&self, index: i32, period: i32) -> Result<f64> {
        let f = &self.net.patterns[self.pattern_at(index)?].factors;
        usize::try_from(period - 1)
            .ok()
            .and_then(|p| f.get(p))
            .copied()
            .ok_or(251)
    }

    pub fn set_pattern_value(&mut self, index: i32, period: i32, value: f64) -> Result<()> {
        let i = self.pattern_at(index)?;
        let f = &mut self.net.patterns[i].factors;
        *usize::try_from(period - 1)
            .ok()
            .and_then(|p| f.get_mut(p))
            .ok_or(251)? = value;
        Ok(())
    }

    pub fn set_pattern(&mut self, index: i32, values: &[f64]) -> Result<()> {
        let i = self.pattern_at(index)?;
        if values.is_empty() {
            return Err(202);
        }
        self.net.patterns[i].factors = values.to_vec();
        Ok(())
    }

    pub fn average_pattern_value(&self, index: i32) -> Result<f64> {
        let f = &self.net.patterns[self.pattern_at(index)?].factors;
        Ok(f.iter().sum::<f64>() / f.len().max(1) as f64)
    }

    pub fn add_curve(&mut self, id: &str) -> Result<()> {
        self.check_open()?;
        new_id(id, self.net.curve(id).is_some())?;
        self.net.curves.push(Curve {
            id: id.to_string(),
            points: vec![(1.0, 1.0)],
            comment: String::new(),
        });
        Ok(())
    }

    /// `EN_deletecurve`: whatever used the curve uses none.
    pub fn delete_curve(&mut self, index: i32) -> Result<()> {
        let i = self.curve_at(index)?;
        let id = self.net.curves.remove(i).id;
        self.curve_refs(|c| {
            if c.as_deref() == Some(id.as_str()) {
                *c = None;
            }
        });
        Ok(())
    }

    pub fn curve_index_of(&self, id: &str) -> Result<i32> {
        self.check_open()?;
        self.net
            .curves
            .iter()
            .position(|c| c.id == id)
            .map(|i| i as i32 + 1)
            .ok_or(206)
    }

    pub fn set_curve_id(&mut self, index: i32, id: &str) -> Result<()> {
        let i = self.curve_at(index)?;
        new_id(id, self.net.curve(id).is_some())?;
        let old = std::mem::replace(&mut self.net.curves[i].id, id.to_string());
        self.curve_refs(|c| {
            if c.as_deref() == Some(old.as_str()) {
                *c = Some(id.to_string());
            }
        });
        Ok(())
    }

    /// `EN_getcurvetype`: what the curve is used for (generic if nothing).
    pub fn curve_type(&self, index: i32) -> Result<i32> {
        use oasis_network::CurveUse;
        Ok(
            match self
                .net
                .curve_use(&self.net.curves[self.curve_at(index)?].id)
            {
                CurveUse::Volume => 0,
                CurveUse::PumpHead => 1,
                CurveUse::Efficiency => 2,
                CurveUse::HeadLoss => 3,
                CurveUse::Generic => 4,
            },
        )
    }

    pub fn curve_points(&self, index: i32) -> Result<&[(f64, f64)]> {
        Ok(&self.net.curves[self.curve_at(index)?].points)
    }

    pub fn set_curve_value(&mut self, index: i32, point: i32, x: f64, y: f64) -> Result<()> {
        let i = self.curve_at(index)?;
        let mut points = self.net.curves[i].points.clone();
        let p = usize::try_from(point - 1)
            .ok()
            .filter(|&p| p <= points.len())
            .ok_or(251)?;
        if p == points.len() {
            points.push((x, y));
        } else {
            points[p] = (x, y);
        }
        self.set_curve(index, points)
    }

    pub fn set_curve(&mut self, index: i32, points: Vec<(f64, f64)>) -> Result<()> {
        let i = self.curve_at(index)?;
        if points.is_empty() {
            return Err(202);
        }
        if points.windows(2).any(|w| w[1].0 <= w[0].0) {
            return Err(230);
        }
        self.net.curves[i].points = points;
        Ok(())
    }

    /// `EN_getpumptype`: constant power, power function (one or three
    /// points), custom curve, or none.
    pub fn pump_type(&self, index: i32) -> Result<i32> {
        let k = self.link(index)?;
        let LinkKind::Pump(p) = &self.net.links[k].kind else {
            return Err(216);
        };
        if p.power.is_some() {
            return Ok(0);
        }
        Ok(
            match p.head_curve.as_deref().and_then(|c| self.net.curve(c)) {
                Some(c) if c.points.len() == 1 || c.points.len() == 3 => 1,
                Some(_) => 2,
                None => 3,
            },
        )
    }
}

/// Visits the `[ENERGY]` lines that name a pattern or curve after `keyword`
/// (`PUMP p PATTERN id`, `PUMP p EFFIC id`, and with `global` also `GLOBAL
/// PATTERN id`); a reference set to `None` removes its line.
fn energy_refs(
    lines: &mut Vec<Vec<String>>,
    keyword: &str,
    global: bool,
    f: &mut impl FnMut(&mut Option<String>),
) {
    lines.retain_mut(|line| {
        let names = match line.as_slice() {
            [g, k, _] => global && kw(g, "GLOB") && kw(k, keyword),
            [p, _, k, _] => kw(p, "PUMP") && kw(k, keyword),
            _ => false,
        };
        if !names {
            return true;
        }
        let mut id = line.pop();
        f(&mut id);
        id.map(|id| line.push(id)).is_some()
    });
}
