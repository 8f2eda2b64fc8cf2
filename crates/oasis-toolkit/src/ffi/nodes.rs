//! Nodes, their demand categories and coordinates.

#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_double, c_int};

use super::{Handle, ok, put, put_index, put_text, text, with};
use crate::codes::{self, EN_MAXID};

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_addnode(
    ph: Handle,
    id: *mut c_char,
    kind: c_int,
    index: *mut c_int,
) -> c_int {
    let id = unsafe { text(id) };
    with(ph, |p| {
        let i = p.add_node(&id, kind)?;
        if !index.is_null() {
            unsafe { put(index, i)? };
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_deletenode(ph: Handle, index: c_int, action: c_int) -> c_int {
    with(ph, |p| ok(p.delete_node(index, action)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getnodeindex(ph: Handle, id: *mut c_char, index: *mut c_int) -> c_int {
    let id = unsafe { text(id) };
    with(ph, |p| unsafe { put_index(index, p.node_index(&id)) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getnodeid(ph: Handle, index: c_int, out: *mut c_char) -> c_int {
    with(ph, |p| {
        let i = p.node(index)?;
        ok(unsafe { put_text(out, &p.net.nodes[i].id, EN_MAXID, p.info.latin1) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setnodeid(ph: Handle, index: c_int, id: *mut c_char) -> c_int {
    let id = unsafe { text(id) };
    with(ph, |p| ok(p.set_node_id(index, &id)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getnodetype(ph: Handle, index: c_int, kind: *mut c_int) -> c_int {
    with(ph, |p| {
        let i = p.node(index)?;
        ok(unsafe { put(kind, codes::node_type(&p.net, i)) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getnodevalue(
    ph: Handle,
    index: c_int,
    property: c_int,
    value: *mut c_double,
) -> c_int {
    with(ph, |p| {
        ok(unsafe { put(value, p.get_node_value(index, property)?) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setnodevalue(
    ph: Handle,
    index: c_int,
    property: c_int,
    value: c_double,
) -> c_int {
    with(ph, |p| ok(p.set_node_value(index, property, value)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setjuncdata(
    ph: Handle,
    index: c_int,
    elev: c_double,
    demand: c_double,
    pattern: *mut c_char,
) -> c_int {
    let pattern = unsafe { text(pattern) };
    with(ph, |p| {
        let i = p.node(index)?;
        if !matches!(p.net.nodes[i].kind, oasis_network::NodeKind::Junction(_)) {
            return Err(208);
        }
        let pat = if pattern.is_empty() {
            0
        } else {
            p.pattern_index_of(&pattern)?
        };
        p.set_node_value(index, 0, elev)?;
        p.set_node_value(index, 1, demand)?;
        ok(p.set_node_value(index, 2, f64::from(pat)))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_settankdata(
    ph: Handle,
    index: c_int,
    elev: c_double,
    init: c_double,
    min: c_double,
    max: c_double,
    diam: c_double,
    minvol: c_double,
    curve: *mut c_char,
) -> c_int {
    let curve = unsafe { text(curve) };
    with(ph, |p| {
        let i = p.node(index)?;
        let curve = if curve.is_empty() {
            None
        } else {
            Some(p.net.curve(&curve).ok_or(206)?.id.clone())
        };
        let oasis_network::NodeKind::Tank(t) = &mut p.net.nodes[i].kind else {
            return Err(251);
        };
        if min < 0.0
            || max < 0.0
            || init < 0.0
            || diam < 0.0
            || minvol < 0.0
            || min > init
            || init > max
        {
            return Err(209);
        }
        (
            t.initial_level,
            t.min_level,
            t.max_level,
            t.diameter,
            t.min_volume,
            t.volume_curve,
        ) = (init, min, max, diam, minvol, curve);
        p.net.nodes[i].elevation = elev;
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcoord(
    ph: Handle,
    index: c_int,
    x: *mut c_double,
    y: *mut c_double,
) -> c_int {
    with(ph, |p| {
        let (cx, cy) = p.coord(index)?;
        unsafe {
            put(x, cx)?;
            put(y, cy)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setcoord(ph: Handle, index: c_int, x: c_double, y: c_double) -> c_int {
    with(ph, |p| ok(p.set_coord(index, x, y)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getdemandmodel(
    ph: Handle,
    kind: *mut c_int,
    pmin: *mut c_double,
    preq: *mut c_double,
    pexp: *mut c_double,
) -> c_int {
    with(ph, |p| {
        let (k, a, b, c) = p.demand_model()?;
        unsafe {
            put(kind, k)?;
            put(pmin, a)?;
            put(preq, b)?;
            put(pexp, c)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setdemandmodel(
    ph: Handle,
    kind: c_int,
    pmin: c_double,
    preq: c_double,
    pexp: c_double,
) -> c_int {
    with(ph, |p| ok(p.set_demand_model(kind, pmin, preq, pexp)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_adddemand(
    ph: Handle,
    node: c_int,
    base: c_double,
    pattern: *mut c_char,
    name: *mut c_char,
) -> c_int {
    let (pattern, name) = unsafe { (text(pattern), text(name)) };
    with(ph, |p| ok(p.add_demand(node, base, &pattern, &name)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_deletedemand(ph: Handle, node: c_int, demand: c_int) -> c_int {
    with(ph, |p| ok(p.delete_demand(node, demand)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getdemandindex(
    ph: Handle,
    node: c_int,
    name: *mut c_char,
    index: *mut c_int,
) -> c_int {
    let name = unsafe { text(name) };
    with(ph, |p| unsafe {
        put_index(index, p.demand_index(node, &name))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getnumdemands(ph: Handle, node: c_int, n: *mut c_int) -> c_int {
    with(ph, |p| ok(unsafe { put(n, p.num_demands(node)?) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getbasedemand(
    ph: Handle,
    node: c_int,
    demand: c_int,
    base: *mut c_double,
) -> c_int {
    with(ph, |p| {
        ok(unsafe { put(base, p.demand(node, demand)?.base) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setbasedemand(
    ph: Handle,
    node: c_int,
    demand: c_int,
    base: c_double,
) -> c_int {
    with(ph, |p| {
        p.demand_mut(node, demand)?.base = base;
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getdemandpattern(
    ph: Handle,
    node: c_int,
    demand: c_int,
    pattern: *mut c_int,
) -> c_int {
    with(ph, |p| {
        let d = p.demand(node, demand)?;
        ok(unsafe {
            put(
                pattern,
                p.demand_pattern_index(d.pattern.as_deref()) as c_int,
            )
        })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setdemandpattern(
    ph: Handle,
    node: c_int,
    demand: c_int,
    pattern: c_int,
) -> c_int {
    with(ph, |p| {
        let id = p.pattern_id(f64::from(pattern))?;
        p.demand_mut(node, demand)?.pattern = id;
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getdemandname(
    ph: Handle,
    node: c_int,
    demand: c_int,
    out: *mut c_char,
) -> c_int {
    with(ph, |p| {
        let d = p.demand(node, demand)?;
        ok(unsafe {
            put_text(
                out,
                d.category.as_deref().unwrap_or(""),
                EN_MAXID,
                p.info.latin1,
            )
        })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setdemandname(
    ph: Handle,
    node: c_int,
    demand: c_int,
    name: *mut c_char,
) -> c_int {
    let name = unsafe { text(name) };
    with(ph, |p| {
        if name.len() > EN_MAXID {
            return Err(252);
        }
        p.demand_mut(node, demand)?.category = (!name.is_empty()).then_some(name);
        Ok(0)
    })
}
