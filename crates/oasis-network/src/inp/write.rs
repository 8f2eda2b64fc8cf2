//! Writing a [`Network`] as `.inp` text that EPANET 2.2 reads and that
//! [`read_inp`](crate::read_inp) turns back into an identical model.

use std::fmt::Write;

use crate::inp::{comment_text, first_line};
use crate::inp::read::hours;
use crate::model::*;
use crate::units::HeadlossFormula;

/// A number in the shortest form that reads back to the same `f64`.
fn f(x: f64) -> String {
    let s = format!("{x:?}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Quotes an ID that contains blanks or starts like a comment/section.
fn id(s: &str) -> String {
    if s.chars().any(char::is_whitespace) || s.contains(';') || s.starts_with('[') {
        format!("\"{s}\"")
    } else {
        s.to_string()
    }
}

/// A time in seconds as text that EPANET's time parser turns back into the
/// same whole seconds, whether it rounds (`[TIMES]`) or truncates (controls).
fn time(seconds: i64) -> String {
    if seconds % 3600 == 0 {
        return format!("{}", seconds / 3600);
    }
    let (h, m, s) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    let clock = format!("{h}:{m:02}:{s:02}");
    if let Some(y) = hours(&clock, "")
        && (3600.0 * y) as i64 == seconds
        && (3600.0 * y + 0.5) as i64 == seconds
    {
        return clock;
    }
    // A quarter second past the time survives both truncation and rounding.
    f((seconds as f64 + 0.25) / 3600.0)
}

fn section(out: &mut String, name: &str) {
    let _ = writeln!(out, "\n[{name}]");
}

/// What the reader can read back of a comment: no line break may end up in
/// the file (EPANET 2.2 writes one as it is, which breaks its file).
fn kept(comment: &str) -> &str {
    comment_text(first_line(comment), false)
}

/// Ends an object's line with its comment, as EPANET writes it.
fn end_line(out: &mut String, comment: &str) {
    let kept = kept(comment);
    if !kept.is_empty() {
        let _ = write!(out, "\t;{kept}");
    }
    out.push('\n');
}

/// The comment line EPANET writes above a pattern's or a curve's lines.
fn comment_line(out: &mut String, comment: &str) {
    let kept = kept(comment);
    if !kept.is_empty() {
        let _ = writeln!(out, ";{kept}");
    }
}

fn tokens_line(out: &mut String, tokens: &[String]) {
    let line: Vec<String> = tokens.iter().map(|t| id(t)).collect();
    let _ = writeln!(out, " {}", line.join("\t"));
}

/// Writes `net` as EPANET `.inp` text.
pub fn write_inp(net: &Network) -> String {
    let mut out = String::new();
    out.push_str("[TITLE]\n");
    for line in &net.title {
        let _ = writeln!(out, "{line}");
    }

    section(&mut out, "JUNCTIONS");
    for n in &net.nodes {
        let NodeKind::Junction(j) = &n.kind else { continue };
        match j.demands.as_slice() {
            [d] if d.category.is_none() => {
                let pat = d.pattern.as_deref().map(id).unwrap_or_default();
                let _ = write!(out, " {}\t{}\t{}\t{}", id(&n.id), f(n.elevation), f(d.base), pat);
            }
            _ => {
                let _ = write!(out, " {}\t{}\t0", id(&n.id), f(n.elevation));
            }
        }
        end_line(&mut out, &n.comment);
    }

    // Tanks and reservoirs share EPANET's index order, so they are written in
    // runs that keep that order.
    let mut current = "";
    for n in &net.nodes {
        match &n.kind {
            NodeKind::Junction(_) => {}
            NodeKind::Reservoir(r) => {
                if current != "RESERVOIRS" {
                    section(&mut out, "RESERVOIRS");
                    current = "RESERVOIRS";
                }
                let pat = r.pattern.as_deref().map(id).unwrap_or_default();
                let _ = write!(out, " {}\t{}\t{}", id(&n.id), f(n.elevation), pat);
                end_line(&mut out, &n.comment);
            }
            NodeKind::Tank(t) => {
                if current != "TANKS" {
                    section(&mut out, "TANKS");
                    current = "TANKS";
                }
                let curve = t.volume_curve.as_deref().map(id).unwrap_or_else(|| "*".into());
                let _ = write!(
                    out,
                    " {}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    id(&n.id),
                    f(n.elevation),
                    f(t.initial_level),
                    f(t.min_level),
                    f(t.max_level),
                    f(t.diameter),
                    f(t.min_volume),
                    curve
                );
                if t.overflow {
                    out.push_str("\tYES");
                }
                end_line(&mut out, &n.comment);
            }
        }
    }

    // Links in runs by kind, keeping file order.
    let mut current = "";
    for l in &net.links {
        let name = match l.kind {
            LinkKind::Pipe(_) => "PIPES",
            LinkKind::Pump(_) => "PUMPS",
            LinkKind::Valve(_) => "VALVES",
        };
        if current != name {
            section(&mut out, name);
            current = name;
        }
        let _ = write!(out, " {}\t{}\t{}", id(&l.id), id(&l.from), id(&l.to));
        match &l.kind {
            LinkKind::Pipe(p) => {
                let _ = write!(out, "\t{}\t{}\t{}\t{}", f(p.length), f(p.diameter), f(p.roughness), f(p.minor_loss));
                if p.check_valve {
                    out.push_str("\tCV");
                } else if p.closed_on_line {
                    out.push_str("\tClosed");
                } else if p.open_on_line {
                    out.push_str("\tOpen");
                }
            }
            LinkKind::Pump(p) => {
                if let Some(values) = &p.inline_curve {
                    for v in values {
                        let _ = write!(out, "\t{}", f(*v));
                    }
                }
                if let Some(c) = &p.head_curve {
                    let _ = write!(out, "\tHEAD {}", id(c));
                }
                if let Some(x) = p.power {
                    let _ = write!(out, "\tPOWER {}", f(x));
                }
                if let Some(x) = p.speed {
                    let _ = write!(out, "\tSPEED {}", f(x));
                }
                if let Some(x) = &p.pattern {
                    let _ = write!(out, "\tPATTERN {}", id(x));
                }
            }
            LinkKind::Valve(v) => {
                let setting = match &v.curve {
                    Some(c) => id(c),
                    None => f(v.setting),
                };
                let _ = write!(out, "\t{}\t{}\t{}\t{}", f(v.diameter), v.valve.keyword(), setting, f(v.minor_loss));
            }
        }
        end_line(&mut out, &l.comment);
    }

    section(&mut out, "TAGS");
    for t in &net.tags {
        let _ = writeln!(out, " {}\t{}\t{}", t.object, id(&t.id), id(&t.tag));
    }

    section(&mut out, "DEMANDS");
    for n in &net.nodes {
        let NodeKind::Junction(j) = &n.kind else { continue };
        if matches!(j.demands.as_slice(), [d] if d.category.is_none()) {
            continue;
        }
        for d in &j.demands {
            let _ = write!(out, " {}\t{}", id(&n.id), f(d.base));
            if let Some(p) = &d.pattern {
                let _ = write!(out, "\t{}", id(p));
            }
            if let Some(c) = &d.category {
                let _ = write!(out, "\t;{c}");
            }
            out.push('\n');
        }
    }

    section(&mut out, "STATUS");
    for l in &net.links {
        match l.initial_status {
            None => {}
            Some(InitialStatus::Open) => {
                let _ = writeln!(out, " {}\tOpen", id(&l.id));
            }
            Some(InitialStatus::Closed) => {
                let _ = writeln!(out, " {}\tClosed", id(&l.id));
            }
            Some(InitialStatus::Value(v)) => {
                let _ = writeln!(out, " {}\t{}", id(&l.id), f(v));
            }
        }
    }

    section(&mut out, "PATTERNS");
    for p in &net.patterns {
        comment_line(&mut out, &p.comment);
        if p.factors.is_empty() {
            let _ = writeln!(out, " {}", id(&p.id));
        }
        for chunk in p.factors.chunks(12) {
            let values: Vec<String> = chunk.iter().map(|x| f(*x)).collect();
            let _ = writeln!(out, " {}\t{}", id(&p.id), values.join("\t"));
        }
    }

    section(&mut out, "CURVES");
    for c in &net.curves {
        comment_line(&mut out, &c.comment);
        for (x, y) in &c.points {
            let _ = writeln!(out, " {}\t{}\t{}", id(&c.id), f(*x), f(*y));
        }
    }

    section(&mut out, "CONTROLS");
    for c in &net.controls {
        let action = match c.action {
            ControlAction::Open => "OPEN".to_string(),
            ControlAction::Closed => "CLOSED".to_string(),
            ControlAction::Setting(v) => f(v),
        };
        let condition = match &c.condition {
            ControlCondition::Above { node, value } => format!("IF NODE {} ABOVE {}", id(node), f(*value)),
            ControlCondition::Below { node, value } => format!("IF NODE {} BELOW {}", id(node), f(*value)),
            ControlCondition::AtTime { time_s } => format!("AT TIME {}", time(*time_s)),
            ControlCondition::AtClockTime { time_s } => format!("AT CLOCKTIME {}", time(*time_s)),
        };
        let _ = writeln!(out, " LINK {} {action} {condition}", id(&c.link));
    }

    section(&mut out, "RULES");
    for r in &net.rules {
        let _ = writeln!(out, "RULE {}", id(&r.id));
        for (i, p) in r.premises.iter().enumerate() {
            // The first clause is IF whatever its conjunction (as EPANET writes it).
            let word = match p.conjunction {
                _ if i == 0 => "IF",
                Conjunction::If | Conjunction::And => "AND",
                Conjunction::Or => "OR",
            };
            let object = if p.id.is_empty() { p.object.clone() } else { format!("{} {}", p.object, id(&p.id)) };
            let _ = writeln!(out, "{word} {object} {} {} {}", p.variable, p.relation, p.value);
        }
        for (i, a) in r.then_actions.iter().enumerate() {
            let word = if i == 0 { "THEN" } else { "AND" };
            let _ = writeln!(out, "{word} {} {} {} = {}", a.object, id(&a.id), a.variable, a.value);
        }
        for (i, a) in r.else_actions.iter().enumerate() {
            let word = if i == 0 { "ELSE" } else { "AND" };
            let _ = writeln!(out, "{word} {} {} {} = {}", a.object, id(&a.id), a.variable, a.value);
        }
        if let Some(p) = r.priority {
            let _ = writeln!(out, "PRIORITY {}", f(p));
        }
        out.push('\n');
    }

    section(&mut out, "ENERGY");
    for t in &net.energy.lines {
        tokens_line(&mut out, t);
    }

    section(&mut out, "EMITTERS");
    for n in &net.nodes {
        if let NodeKind::Junction(j) = &n.kind
            && j.emitter_coefficient != 0.0
        {
            let _ = writeln!(out, " {}\t{}", id(&n.id), f(j.emitter_coefficient));
        }
    }

    section(&mut out, "QUALITY");
    for (node, c) in &net.quality {
        // A node range was kept as "first last".
        let _ = writeln!(out, " {}\t{}", node, f(*c));
    }

    section(&mut out, "SOURCES");
    for s in &net.sources {
        let pat = s.pattern.as_deref().map(id).unwrap_or_default();
        let _ = writeln!(out, " {}\t{}\t{}\t{}", id(&s.node), s.kind, f(s.strength), pat);
    }

    section(&mut out, "REACTIONS");
    for t in &net.reactions.lines {
        tokens_line(&mut out, t);
    }

    section(&mut out, "MIXING");
    for m in &net.mixing {
        let frac = m.fraction.map(f).unwrap_or_default();
        let _ = writeln!(out, " {}\t{}\t{}", id(&m.tank), m.model, frac);
    }

    section(&mut out, "TIMES");
    let t = &net.times;
    for key in &t.given {
        let value = match key.as_str() {
            "DURATION" => time(t.duration_s),
            "HYDRAULIC TIMESTEP" => time(t.hydraulic_step_s),
            "QUALITY TIMESTEP" => time(t.quality_step_s),
            "RULE TIMESTEP" => time(t.rule_step_s),
            "PATTERN TIMESTEP" => time(t.pattern_step_s),
            "PATTERN START" => time(t.pattern_start_s),
            "REPORT TIMESTEP" => time(t.report_step_s),
            "REPORT START" => time(t.report_start_s),
            "START CLOCKTIME" => time(t.start_clocktime_s),
            "STATISTIC" => t.statistic.clone(),
            _ => continue,
        };
        let _ = writeln!(out, " {key}\t{value}");
    }

    section(&mut out, "REPORT");
    for t in &net.report {
        tokens_line(&mut out, t);
    }

    section(&mut out, "OPTIONS");
    write_options(&mut out, &net.options);

    section(&mut out, "COORDINATES");
    for (node, x, y) in &net.coordinates {
        let _ = writeln!(out, " {}\t{}\t{}", id(node), f(*x), f(*y));
    }
    section(&mut out, "VERTICES");
    for (link, x, y) in &net.vertices {
        let _ = writeln!(out, " {}\t{}\t{}", id(link), f(*x), f(*y));
    }
    section(&mut out, "LABELS");
    for t in &net.labels {
        tokens_line(&mut out, t);
    }
    section(&mut out, "BACKDROP");
    for t in &net.backdrop {
        tokens_line(&mut out, t);
    }
    for s in &net.other_sections {
        section(&mut out, &s.name);
        for t in &s.lines {
            tokens_line(&mut out, t);
        }
    }
    section(&mut out, "END");
    out
}

fn write_options(out: &mut String, o: &Options) {
    let mut line = |k: &str, v: String| {
        let _ = writeln!(out, " {k:<20}\t{v}");
    };
    line("UNITS", o.flow_units.keyword().into());
    if let Some(p) = o.pressure_units {
        line("PRESSURE", p.keyword().into());
    }
    let hl = match o.headloss {
        HeadlossFormula::HazenWilliams => "H-W",
        HeadlossFormula::DarcyWeisbach => "D-W",
        HeadlossFormula::ChezyManning => "C-M",
    };
    line("HEADLOSS", hl.into());
    if let Some((mode, file)) = &o.hydraulics_file {
        line("HYDRAULICS", format!("{mode}\t{}", id(file)));
    }
    if !o.quality.is_empty() {
        line("QUALITY", o.quality.iter().map(|q| id(q)).collect::<Vec<_>>().join(" "));
    }
    line("VISCOSITY", f(o.viscosity));
    line("DIFFUSIVITY", f(o.diffusivity));
    line("SPECIFIC GRAVITY", f(o.specific_gravity));
    line("TRIALS", o.trials.to_string());
    line("ACCURACY", f(o.accuracy));
    line("CHECKFREQ", o.check_freq.to_string());
    line("MAXCHECK", o.max_check.to_string());
    line("DAMPLIMIT", f(o.damp_limit));
    match o.unbalanced {
        Unbalanced::Stop => line("UNBALANCED", "STOP".into()),
        Unbalanced::Continue(n) => line("UNBALANCED", format!("CONTINUE {n}")),
    }
    if let Some(p) = &o.pattern {
        line("PATTERN", id(p));
    }
    line("DEMAND MULTIPLIER", f(o.demand_multiplier));
    line("EMITTER EXPONENT", f(o.emitter_exponent));
    line("TOLERANCE", f(o.tolerance));
    if let Some(m) = &o.map {
        line("MAP", id(m));
    }
    line("HEADERROR", f(o.head_error));
    line("FLOWCHANGE", f(o.flow_change));
    line("DEMAND MODEL", if o.demand_model == DemandModel::Pda { "PDA".into() } else { "DDA".into() });
    // EPANET 2.2 refuses limits less than 0.1 apart (208), which a change of
    // flow units can leave; under DDA they take no part, so they are left out.
    if o.demand_model == DemandModel::Pda || o.required_pressure - o.minimum_pressure >= 0.1 {
        line("MINIMUM PRESSURE", f(o.minimum_pressure));
        line("REQUIRED PRESSURE", f(o.required_pressure));
    }
    line("PRESSURE EXPONENT", f(o.pressure_exponent));
    for t in &o.other {
        let _ = writeln!(out, " {}", t.join("\t"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_survive_rounding_and_truncation() {
        for s in (0..200_000).step_by(13).chain([3900, 86399, 97500]) {
            let text = time(s);
            let (value, units) = match text.split_once(' ') {
                Some((v, u)) => (v, u),
                None => (text.as_str(), ""),
            };
            let y = crate::inp::read::number(value).or_else(|| hours(value, units)).unwrap();
            assert_eq!((3600.0 * y) as i64, s, "truncated {text}");
            assert_eq!((3600.0 * y + 0.5) as i64, s, "rounded {text}");
        }
    }

    /// EPANET 2.2 refuses PDA limits less than 0.1 apart (input3.c, error
    /// 208), which a change of flow units can leave (0.1 psi is 0.07 m).
    #[test]
    fn pda_limits_epanet_would_refuse_are_left_out_under_dda() {
        let mut net = Network::default();
        net.options.required_pressure = 0.07;
        assert!(!write_inp(&net).contains("REQUIRED PRESSURE"));
        net.options.required_pressure = 0.1;
        assert!(write_inp(&net).contains("REQUIRED PRESSURE"));
        net.options.required_pressure = 0.07;
        net.options.demand_model = DemandModel::Pda;
        assert!(write_inp(&net).contains("REQUIRED PRESSURE"), "kept: the model needs them");
    }
}
