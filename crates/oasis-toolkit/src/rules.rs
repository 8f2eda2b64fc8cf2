//! Rule clauses as EPANET 2.2's toolkit numbers them (`EN_getpremise`,
//! `EN_setthenaction`, …) against Oasis's rules, which are kept as the text
//! of the `[RULES]` section. Reading maps text to codes as EPANET 2.2's
//! `.inp` reader does; writing maps codes to text that both that reader and
//! `oasis-hydraulics` read back to the same codes, so a saved file and a run
//! follow an edit.
//!
//! EPANET 2.2's setters store any numbers unchecked (a node index past the
//! end is later read outside its arrays). Here a code no rule clause can
//! hold is refused instead: 203/204 for a node/link index, 202 for a value
//! its reader refuses, 207 for an action on a check valve, 251 otherwise.

use oasis_network::inp::read::{hours, kw};
use oasis_network::model::{Conjunction, Premise, Rule, RuleAction};
use oasis_network::{LinkKind, Network, NodeKind, ValveKind};

use crate::project::{Project, Result};

/// EPANET's `MISSING`: the value of a status premise, the setting of a
/// status action.
pub const MISSING: f64 = -1e10;

// EN_RuleObject.
const NODE: i32 = 6;
const LINK: i32 = 7;
const SYSTEM: i32 = 8;

// EN_RuleVariable, in EPANET's order, as its reader matches them (prefix of
// the token, first match wins).
const VARIABLES: [&str; 13] = [
    "DEMAND",
    "HEAD",
    "GRADE",
    "LEVEL",
    "PRESSURE",
    "FLOW",
    "STATUS",
    "SETTING",
    "POWER",
    "TIME",
    "CLOCKTIME",
    "FILLTIME",
    "DRAINTIME",
];
const DEMAND: i32 = 0;
const STATUS: i32 = 6;
const TIME: i32 = 9;
const CLOCKTIME: i32 = 10;
const FILLTIME: i32 = 11;
const DRAINTIME: i32 = 12;

// EN_RuleOperator; `<=`/`>=` before `<`/`>` so a prefix match finds them.
const RELATIONS: [&str; 10] = [
    "=", "<>", "<=", ">=", "<", ">", "IS", "NOT", "BELOW", "ABOVE",
];

// EN_RuleStatus 1..=3 (0: a number).
const STATUSES: [&str; 4] = ["", "OPEN", "CLOSED", "ACTIVE"];
const IS_OPEN: i32 = 1;
const IS_CLOSED: i32 = 2;
const IS_ACTIVE: i32 = 3;

// EN_getpremise's logop: EPANET's reader stores AND (2) for IF as for AND.
const AND: i32 = 2;
const OR: i32 = 3;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PremiseCodes {
    pub logop: i32,
    pub object: i32,
    pub index: i32,
    pub variable: i32,
    pub relop: i32,
    pub status: i32,
    pub value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActionCodes {
    pub link: i32,
    pub status: i32,
    pub setting: f64,
}

/// The list position of a 1-based toolkit index, if within `len`.
fn position(index: i32, len: usize) -> Option<usize> {
    usize::try_from(index)
        .ok()?
        .checked_sub(1)
        .filter(|&i| i < len)
}

fn find(token: &str, words: &[&str]) -> Option<usize> {
    words.iter().position(|w| !w.is_empty() && kw(token, w))
}

fn status_code(token: &str) -> Option<i32> {
    find(token, &STATUSES).map(|i| i as i32)
}

/// A number as EPANET's `getfloat` reads one.
fn number(token: &str) -> Option<f64> {
    token.parse().ok()
}

/// Whether a premise's object word is a link's (else a node's, or SYSTEM).
fn is_link_word(object: &str) -> bool {
    matches!(object, "LINK" | "PIPE" | "PUMP" | "VALVE")
}

/// Whether a premise names a link (`link`) or a node.
fn premise_names(p: &Premise, link: bool) -> bool {
    p.object != "SYSTEM" && is_link_word(&p.object) == link
}

/// Visits every id rule `rule` names of a link (`link`: in its premises and
/// actions) or of a node (in its premises). EPANET's rules refer to objects
/// by index, so they follow a rename.
pub(crate) fn object_ids(rule: &mut Rule, link: bool, mut f: impl FnMut(&mut String)) {
    (rule.premises.iter_mut())
        .filter(|p| premise_names(p, link))
        .for_each(|p| f(&mut p.id));
    if link {
        (rule.then_actions.iter_mut().chain(&mut rule.else_actions)).for_each(|a| f(&mut a.id));
    }
}

/// Whether `rule` names node or link `id` (EPANET's `incontrols`, for rules).
pub(crate) fn names(rule: &Rule, link: bool, id: &str) -> bool {
    rule.premises
        .iter()
        .any(|p| premise_names(p, link) && p.id == id)
        || link
            && rule
                .then_actions
                .iter()
                .chain(&rule.else_actions)
                .any(|a| a.id == id)
}

fn premise_codes(net: &Network, p: &Premise) -> PremiseCodes {
    let (object, index) = match p.object.as_str() {
        "SYSTEM" => (SYSTEM, 0),
        o if is_link_word(o) => (LINK, net.link_index(&p.id).map_or(0, |k| k as i32 + 1)),
        _ => (NODE, net.node_index(&p.id).map_or(0, |i| i as i32 + 1)),
    };
    let variable = find(&p.variable, &VARIABLES).map_or(-1, |v| v as i32);
    // The synonyms IS, NOT, BELOW, ABOVE are stored as =, <>, <, >.
    let relop = match find(&p.relation, &RELATIONS) {
        Some(6) => 0,
        Some(7) => 1,
        Some(8) => 4,
        Some(9) => 5,
        Some(r) => r as i32,
        None => -1,
    };
    let tokens: Vec<&str> = p.value.split_whitespace().collect();
    let last = tokens.last().copied().unwrap_or("");
    let (status, value) = if variable == TIME || variable == CLOCKTIME {
        let h = hours(
            tokens.first().copied().unwrap_or(""),
            tokens.get(1).copied().unwrap_or(""),
        );
        (0, h.map_or(MISSING, |h| 3600.0 * h))
    } else if let Some(s) = status_code(last) {
        (s, MISSING)
    } else {
        let x = number(last).unwrap_or(MISSING);
        let hours_to_s = variable == FILLTIME || variable == DRAINTIME;
        (
            0,
            if hours_to_s && x != MISSING {
                3600.0 * x
            } else {
                x
            },
        )
    };
    let logop = if p.conjunction == Conjunction::Or {
        OR
    } else {
        AND
    };
    PremiseCodes {
        logop,
        object,
        index,
        variable,
        relop,
        status,
        value,
    }
}

fn node_word(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Junction(_) => "JUNCTION",
        NodeKind::Reservoir(_) => "RESERVOIR",
        NodeKind::Tank(_) => "TANK",
    }
}

fn link_word(kind: &LinkKind) -> &'static str {
    match kind {
        LinkKind::Pipe(_) => "PIPE",
        LinkKind::Pump(_) => "PUMP",
        LinkKind::Valve(_) => "VALVE",
    }
}

/// Decimal hours that EPANET's and Oasis's readers turn back into `s`
/// seconds, truncated to whole seconds as both evaluate them.
fn hours_text(s: f64) -> String {
    let mut h = s / 3600.0;
    let whole = |h: f64| (3600.0 * h) as i64;
    while whole(h) < s as i64 {
        h = h.next_up();
    }
    while whole(h) > s as i64 {
        h = h.next_down();
    }
    format!("{h}")
}

fn premise_text(net: &Network, at: usize, c: &PremiseCodes) -> Result<Premise> {
    let conjunction = match (c.logop, at) {
        (OR, _) => Conjunction::Or,
        (1 | AND, 0) => Conjunction::If,
        (1 | AND, _) => Conjunction::And,
        _ => return Err(251),
    };
    let v = c.variable;
    let (object, id) = match c.object {
        SYSTEM if [DEMAND, TIME, CLOCKTIME].contains(&v) => ("SYSTEM", String::new()),
        NODE => {
            let i = position(c.index, net.nodes.len()).ok_or(203)?;
            let node = &net.nodes[i];
            let tank = !matches!(node.kind, NodeKind::Junction(_));
            if !matches!(v, 0..=4) && !(tank && (v == FILLTIME || v == DRAINTIME)) {
                return Err(251);
            }
            (node_word(&node.kind), node.id.clone())
        }
        LINK => {
            let k = position(c.index, net.links.len()).ok_or(204)?;
            if !matches!(v, 5..=7) {
                return Err(251);
            }
            (link_word(&net.links[k].kind), net.links[k].id.clone())
        }
        _ => return Err(251),
    };
    let relation = *usize::try_from(c.relop)
        .ok()
        .and_then(|r| RELATIONS.get(r))
        .ok_or(251)?;
    if !(0..=3).contains(&c.status) {
        return Err(251);
    }
    let finite = |x: f64| if x.is_finite() { Ok(x) } else { Err(202) };
    let value = if v == TIME || v == CLOCKTIME {
        // Negative times are refused by the reader (202); the status is unused.
        hours_text(finite(c.value).and_then(|x| if x < 0.0 { Err(202) } else { Ok(x) })?)
    } else if v == STATUS {
        // A status premise tests a status: a number there never holds.
        STATUSES
            .get(c.status as usize)
            .filter(|s| !s.is_empty())
            .ok_or(251)?
            .to_string()
    } else if c.status != 0 {
        return Err(251);
    } else if v == FILLTIME || v == DRAINTIME {
        format!("{}", finite(c.value)? / 3600.0)
    } else {
        format!("{}", finite(c.value)?)
    };
    Ok(Premise {
        conjunction,
        object: object.to_string(),
        id,
        variable: VARIABLES[v as usize].to_string(),
        relation: relation.to_string(),
        value,
    })
}

fn action_codes(net: &Network, a: &RuleAction) -> ActionCodes {
    let k = net.link_index(&a.id);
    let link = k.map_or(0, |k| k as i32 + 1);
    // As EPANET's reader: a status word is a status, a pipe's setting too.
    let (status, setting) = match (status_code(&a.value), number(&a.value)) {
        (Some(s), _) => (s, MISSING),
        (None, Some(x)) if k.is_some_and(|k| matches!(net.links[k].kind, LinkKind::Pipe(_))) => {
            (if x == 0.0 { IS_CLOSED } else { IS_OPEN }, MISSING)
        }
        (None, x) => (-1, x.unwrap_or(MISSING)),
    };
    ActionCodes {
        link,
        status,
        setting,
    }
}

fn action_text(net: &Network, c: &ActionCodes) -> Result<RuleAction> {
    let k = position(c.link, net.links.len()).ok_or(204)?;
    let link = &net.links[k];
    let status = |s: i32| ("STATUS", STATUSES[s as usize].to_string());
    let (variable, value) = match (c.status, c.setting) {
        _ if matches!(&link.kind, LinkKind::Pipe(p) if p.check_valve) => return Err(207),
        // EPANET opens or closes; a setting given too is not kept.
        (IS_OPEN | IS_CLOSED, _) => status(c.status),
        (IS_ACTIVE, MISSING) => status(c.status),
        (-1 | 0, MISSING) => return Err(251),
        (-1 | 0 | IS_ACTIVE, x) if !x.is_finite() || x < 0.0 => return Err(202),
        (-1 | 0 | IS_ACTIVE, x) => match &link.kind {
            // As the reader takes a pipe's setting: 0 closes, else opens.
            LinkKind::Pipe(_) => status(if x == 0.0 { IS_CLOSED } else { IS_OPEN }),
            LinkKind::Valve(v) if v.valve == ValveKind::Gpv => return Err(202),
            _ => ("SETTING", format!("{x}")),
        },
        _ => return Err(251),
    };
    Ok(RuleAction {
        object: link_word(&link.kind).to_string(),
        id: link.id.clone(),
        variable: variable.to_string(),
        value,
    })
}

/// Which of a rule's action lists.
#[derive(Clone, Copy)]
pub enum Branch {
    Then,
    Else,
}

impl Project {
    /// Rule `rule`'s list index (257) and premise `premise`'s (258), 1-based.
    fn premise_at(&self, rule: i32, premise: i32) -> Result<(usize, usize)> {
        let r = self.rule_at(rule)?;
        let i = position(premise, self.net.rules[r].premises.len()).ok_or(258)?;
        Ok((r, i))
    }

    pub(crate) fn rule_at(&self, index: i32) -> Result<usize> {
        self.check_open()?;
        position(index, self.net.rules.len()).ok_or(257)
    }

    pub fn premise(&self, rule: i32, premise: i32) -> Result<PremiseCodes> {
        let (r, i) = self.premise_at(rule, premise)?;
        Ok(premise_codes(&self.net, &self.net.rules[r].premises[i]))
    }

    /// Changes premise `premise` of rule `rule` as `edit` changes its codes.
    pub fn edit_premise(
        &mut self,
        rule: i32,
        premise: i32,
        edit: impl FnOnce(&mut PremiseCodes),
    ) -> Result<()> {
        let (r, i) = self.premise_at(rule, premise)?;
        let mut codes = premise_codes(&self.net, &self.net.rules[r].premises[i]);
        edit(&mut codes);
        self.net.rules[r].premises[i] = premise_text(&self.net, i, &codes)?;
        Ok(())
    }

    /// Rule `rule`'s list index (257) and its `branch` action `action`'s (258).
    fn action_at(&self, rule: i32, branch: Branch, action: i32) -> Result<(usize, usize)> {
        let r = self.rule_at(rule)?;
        let n = match branch {
            Branch::Then => self.net.rules[r].then_actions.len(),
            Branch::Else => self.net.rules[r].else_actions.len(),
        };
        Ok((r, position(action, n).ok_or(258)?))
    }

    pub fn action(&self, rule: i32, branch: Branch, action: i32) -> Result<ActionCodes> {
        let (r, i) = self.action_at(rule, branch, action)?;
        let rule = &self.net.rules[r];
        let list = match branch {
            Branch::Then => &rule.then_actions,
            Branch::Else => &rule.else_actions,
        };
        Ok(action_codes(&self.net, &list[i]))
    }

    pub fn set_action(
        &mut self,
        rule: i32,
        branch: Branch,
        action: i32,
        codes: ActionCodes,
    ) -> Result<()> {
        let (r, i) = self.action_at(rule, branch, action)?;
        let new = action_text(&self.net, &codes)?;
        let rule = &mut self.net.rules[r];
        match branch {
            Branch::Then => rule.then_actions[i] = new,
            Branch::Else => rule.else_actions[i] = new,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_written_read_back_to_the_same_whole_second() {
        for s in [
            0.0,
            1.0,
            3601.0,
            7199.0,
            86399.0,
            12345.6,
            5.0 * 86400.0 + 7.0,
        ] {
            let h: f64 = hours_text(s).parse().unwrap();
            assert_eq!((3600.0 * h) as i64, s as i64, "{s} s");
            assert!((3600.0 * h - s).abs() < 1e-6);
        }
    }

    #[test]
    fn relations_match_longest_operator_first() {
        assert_eq!(find("<=", &RELATIONS), Some(2));
        assert_eq!(find("<", &RELATIONS), Some(4));
        assert_eq!(find(">=", &RELATIONS), Some(3));
        assert_eq!(find("ABOVE", &RELATIONS), Some(9));
        assert_eq!(find("CLOCKTIME", &VARIABLES), Some(10));
        assert_eq!(find("PRESS", &VARIABLES), None);
    }
}
