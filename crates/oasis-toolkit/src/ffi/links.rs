//! Links, pumps and vertices.

#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_double, c_int};

use super::{Handle, ok, put, put_index, put_text, slice, text, with};
use crate::codes::{self, EN_MAXID};

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_addlink(
    ph: Handle,
    id: *mut c_char,
    kind: c_int,
    from: *mut c_char,
    to: *mut c_char,
    index: *mut c_int,
) -> c_int {
    let (id, from, to) = unsafe { (text(id), text(from), text(to)) };
    with(ph, |p| {
        let k = p.add_link(&id, kind, &from, &to)?;
        if !index.is_null() {
            unsafe { put(index, k)? };
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_deletelink(ph: Handle, index: c_int, action: c_int) -> c_int {
    with(ph, |p| ok(p.delete_link(index, action)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getlinkindex(ph: Handle, id: *mut c_char, index: *mut c_int) -> c_int {
    let id = unsafe { text(id) };
    with(ph, |p| unsafe { put_index(index, p.link_index(&id)) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getlinkid(ph: Handle, index: c_int, out: *mut c_char) -> c_int {
    with(ph, |p| {
        let k = p.link(index)?;
        ok(unsafe { put_text(out, &p.net.links[k].id, EN_MAXID, p.info.latin1) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setlinkid(ph: Handle, index: c_int, id: *mut c_char) -> c_int {
    let id = unsafe { text(id) };
    with(ph, |p| ok(p.set_link_id(index, &id)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getlinktype(ph: Handle, index: c_int, kind: *mut c_int) -> c_int {
    with(ph, |p| {
        let k = p.link(index)?;
        ok(unsafe { put(kind, codes::link_type(&p.net.links[k].kind)) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setlinktype(
    ph: Handle,
    index: *mut c_int,
    kind: c_int,
    action: c_int,
) -> c_int {
    with(ph, |p| {
        if index.is_null() {
            return Err(251);
        }
        let i = p.set_link_type(unsafe { *index }, kind, action)?;
        ok(unsafe { put(index, i) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getlinknodes(
    ph: Handle,
    index: c_int,
    n1: *mut c_int,
    n2: *mut c_int,
) -> c_int {
    with(ph, |p| {
        let (a, b) = p.link_nodes(index)?;
        unsafe {
            put(n1, a)?;
            put(n2, b)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setlinknodes(ph: Handle, index: c_int, n1: c_int, n2: c_int) -> c_int {
    with(ph, |p| ok(p.set_link_nodes(index, n1, n2)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getlinkvalue(
    ph: Handle,
    index: c_int,
    property: c_int,
    value: *mut c_double,
) -> c_int {
    with(ph, |p| {
        ok(unsafe { put(value, p.get_link_value(index, property)?) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setlinkvalue(
    ph: Handle,
    index: c_int,
    property: c_int,
    value: c_double,
) -> c_int {
    with(ph, |p| ok(p.set_link_value(index, property, value)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setpipedata(
    ph: Handle,
    index: c_int,
    length: c_double,
    diameter: c_double,
    roughness: c_double,
    minor_loss: c_double,
) -> c_int {
    with(ph, |p| {
        let k = p.link(index)?;
        if !matches!(p.net.links[k].kind, oasis_network::LinkKind::Pipe(_)) {
            return Err(251);
        }
        if length <= 0.0 || diameter <= 0.0 || roughness <= 0.0 || minor_loss < 0.0 {
            return Err(211);
        }
        for (property, v) in [(1, length), (0, diameter), (2, roughness), (3, minor_loss)] {
            p.set_link_value(index, property, v)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getvertexcount(ph: Handle, index: c_int, count: *mut c_int) -> c_int {
    with(ph, |p| {
        ok(unsafe { put(count, p.vertices(index)?.len() as c_int) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getvertex(
    ph: Handle,
    index: c_int,
    vertex: c_int,
    x: *mut c_double,
    y: *mut c_double,
) -> c_int {
    with(ph, |p| {
        let v = p.vertices(index)?;
        let &(vx, vy) = usize::try_from(vertex - 1)
            .ok()
            .and_then(|i| v.get(i))
            .ok_or(255)?;
        unsafe {
            put(x, vx)?;
            put(y, vy)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setvertices(
    ph: Handle,
    index: c_int,
    x: *mut c_double,
    y: *mut c_double,
    count: c_int,
) -> c_int {
    with(ph, |p| {
        let (xs, ys) = unsafe { (slice(x, count)?, slice(y, count)?) };
        let points: Vec<(f64, f64)> = xs.iter().copied().zip(ys.iter().copied()).collect();
        ok(p.set_vertices(index, &points))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getpumptype(ph: Handle, index: c_int, kind: *mut c_int) -> c_int {
    with(ph, |p| ok(unsafe { put(kind, p.pump_type(index)?) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getheadcurveindex(
    ph: Handle,
    index: c_int,
    curve: *mut c_int,
) -> c_int {
    with(ph, |p| {
        p.pump_type(index)?;
        ok(unsafe { put(curve, p.get_link_value(index, 19)? as c_int) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setheadcurveindex(ph: Handle, index: c_int, curve: c_int) -> c_int {
    with(ph, |p| {
        p.pump_type(index)?;
        ok(p.set_link_value(index, 19, f64::from(curve)))
    })
}
