//! Simple and rule-based controls.

#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_double, c_int};

use super::{Handle, ok, put, put_text, text, with};
use crate::codes::EN_MAXID;
use crate::rules::{ActionCodes, Branch, PremiseCodes};

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_addcontrol(
    ph: Handle,
    kind: c_int,
    link: c_int,
    setting: c_double,
    node: c_int,
    level: c_double,
    index: *mut c_int,
) -> c_int {
    with(ph, |p| {
        let i = p.add_control(kind, link, setting, node, level)?;
        if !index.is_null() {
            unsafe { put(index, i)? };
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_deletecontrol(ph: Handle, index: c_int) -> c_int {
    with(ph, |p| ok(p.delete_control(index)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcontrol(
    ph: Handle,
    index: c_int,
    kind: *mut c_int,
    link: *mut c_int,
    setting: *mut c_double,
    node: *mut c_int,
    level: *mut c_double,
) -> c_int {
    with(ph, |p| {
        let (k, l, s, n, v) = p.control(index)?;
        unsafe {
            put(kind, k)?;
            put(link, l)?;
            put(setting, s)?;
            put(node, n)?;
            put(level, v)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setcontrol(
    ph: Handle,
    index: c_int,
    kind: c_int,
    link: c_int,
    setting: c_double,
    node: c_int,
    level: c_double,
) -> c_int {
    with(ph, |p| {
        ok(p.set_control(index, kind, link, setting, node, level))
    })
}

/// `EN_addrule`: a rule in the text of an `.inp` file's `[RULES]` section,
/// read by the same reader (so with the same line errors, answered as 250).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_addrule(ph: Handle, rule: *mut c_char) -> c_int {
    let rule = unsafe { text(rule) };
    with(ph, |p| {
        p.check_open()?;
        // Before `[END]`, after which a reader stops.
        let text = oasis_network::write_inp(&p.net);
        let body = text.trim_end().strip_suffix("[END]").unwrap_or(&text);
        let inp = format!("{body}\n[RULES]\n{rule}\n[END]\n");
        let net = oasis_network::read_inp(inp.as_bytes(), "EN_addrule").map_err(|_| 250)?;
        let added = net
            .rules
            .len()
            .checked_sub(p.net.rules.len())
            .filter(|&n| n > 0)
            .ok_or(250)?;
        p.net
            .rules
            .extend(net.rules.into_iter().rev().take(added).rev());
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_deleterule(ph: Handle, index: c_int) -> c_int {
    with(ph, |p| {
        let i = p.rule_at(index)?;
        p.net.rules.remove(i);
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getrule(
    ph: Handle,
    index: c_int,
    premises: *mut c_int,
    then_actions: *mut c_int,
    else_actions: *mut c_int,
    priority: *mut c_double,
) -> c_int {
    with(ph, |p| {
        let r = &p.net.rules[p.rule_at(index)?];
        unsafe {
            put(premises, r.premises.len() as c_int)?;
            put(then_actions, r.then_actions.len() as c_int)?;
            put(else_actions, r.else_actions.len() as c_int)?;
            put(priority, r.priority.unwrap_or(0.0))?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getruleID(ph: Handle, index: c_int, out: *mut c_char) -> c_int {
    with(ph, |p| {
        let i = p.rule_at(index)?;
        ok(unsafe { put_text(out, &p.net.rules[i].id, EN_MAXID, p.info.latin1) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setrulepriority(ph: Handle, index: c_int, priority: c_double) -> c_int {
    with(ph, |p| {
        let i = p.rule_at(index)?;
        p.net.rules[i].priority = Some(priority);
        Ok(0)
    })
}

/// A rule's premise (`EN_getpremise`), its codes as EPANET 2.2 reads
/// them from the clause (see [`crate::rules`]).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getpremise(
    ph: Handle,
    rule: c_int,
    premise: c_int,
    logop: *mut c_int,
    object: *mut c_int,
    obj_index: *mut c_int,
    variable: *mut c_int,
    relop: *mut c_int,
    status: *mut c_int,
    value: *mut c_double,
) -> c_int {
    with(ph, |p| {
        let c = p.premise(rule, premise)?;
        unsafe {
            put(logop, c.logop)?;
            put(object, c.object)?;
            put(obj_index, c.index)?;
            put(variable, c.variable)?;
            put(relop, c.relop)?;
            put(status, c.status)?;
            put(value, c.value)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setpremise(
    ph: Handle,
    rule: c_int,
    premise: c_int,
    logop: c_int,
    object: c_int,
    obj_index: c_int,
    variable: c_int,
    relop: c_int,
    status: c_int,
    value: c_double,
) -> c_int {
    let new = PremiseCodes {
        logop,
        object,
        index: obj_index,
        variable,
        relop,
        status,
        value,
    };
    with(ph, |p| ok(p.edit_premise(rule, premise, |c| *c = new)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setpremiseindex(
    ph: Handle,
    rule: c_int,
    premise: c_int,
    obj_index: c_int,
) -> c_int {
    with(ph, |p| {
        ok(p.edit_premise(rule, premise, |c| c.index = obj_index))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setpremisestatus(
    ph: Handle,
    rule: c_int,
    premise: c_int,
    status: c_int,
) -> c_int {
    with(ph, |p| {
        ok(p.edit_premise(rule, premise, |c| c.status = status))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setpremisevalue(
    ph: Handle,
    rule: c_int,
    premise: c_int,
    value: c_double,
) -> c_int {
    with(ph, |p| {
        ok(p.edit_premise(rule, premise, |c| c.value = value))
    })
}

unsafe fn get_action(
    ph: Handle,
    rule: c_int,
    branch: Branch,
    action: c_int,
    link: *mut c_int,
    status: *mut c_int,
    setting: *mut c_double,
) -> c_int {
    with(ph, |p| {
        let c = p.action(rule, branch, action)?;
        unsafe {
            put(link, c.link)?;
            put(status, c.status)?;
            put(setting, c.setting)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getthenaction(
    ph: Handle,
    rule: c_int,
    action: c_int,
    link: *mut c_int,
    status: *mut c_int,
    setting: *mut c_double,
) -> c_int {
    unsafe { get_action(ph, rule, Branch::Then, action, link, status, setting) }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getelseaction(
    ph: Handle,
    rule: c_int,
    action: c_int,
    link: *mut c_int,
    status: *mut c_int,
    setting: *mut c_double,
) -> c_int {
    unsafe { get_action(ph, rule, Branch::Else, action, link, status, setting) }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setthenaction(
    ph: Handle,
    rule: c_int,
    action: c_int,
    link: c_int,
    status: c_int,
    setting: c_double,
) -> c_int {
    with(ph, |p| {
        ok(p.set_action(
            rule,
            Branch::Then,
            action,
            ActionCodes {
                link,
                status,
                setting,
            },
        ))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setelseaction(
    ph: Handle,
    rule: c_int,
    action: c_int,
    link: c_int,
    status: c_int,
    setting: c_double,
) -> c_int {
    with(ph, |p| {
        ok(p.set_action(
            rule,
            Branch::Else,
            action,
            ActionCodes {
                link,
                status,
                setting,
            },
        ))
    })
}
