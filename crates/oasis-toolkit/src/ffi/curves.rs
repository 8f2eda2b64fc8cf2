//! Time patterns and data curves.

#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_double, c_int};

use super::{Handle, ok, put, put_index, put_text, slice, text, with};
use crate::codes::EN_MAXID;

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_addpattern(ph: Handle, id: *mut c_char) -> c_int {
    let id = unsafe { text(id) };
    with(ph, |p| ok(p.add_pattern(&id)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_deletepattern(ph: Handle, index: c_int) -> c_int {
    with(ph, |p| ok(p.delete_pattern(index)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getpatternindex(
    ph: Handle,
    id: *mut c_char,
    index: *mut c_int,
) -> c_int {
    let id = unsafe { text(id) };
    with(ph, |p| unsafe { put_index(index, p.pattern_index_of(&id)) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getpatternid(ph: Handle, index: c_int, out: *mut c_char) -> c_int {
    with(ph, |p| {
        let i = p.pattern_at(index)?;
        ok(unsafe { put_text(out, &p.net.patterns[i].id, EN_MAXID, p.info.latin1) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setpatternid(ph: Handle, index: c_int, id: *mut c_char) -> c_int {
    let id = unsafe { text(id) };
    with(ph, |p| ok(p.set_pattern_id(index, &id)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getpatternlen(ph: Handle, index: c_int, len: *mut c_int) -> c_int {
    with(ph, |p| {
        let i = p.pattern_at(index)?;
        ok(unsafe { put(len, p.net.patterns[i].factors.len() as c_int) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getpatternvalue(
    ph: Handle,
    index: c_int,
    period: c_int,
    value: *mut c_double,
) -> c_int {
    with(ph, |p| {
        ok(unsafe { put(value, p.pattern_value(index, period)?) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setpatternvalue(
    ph: Handle,
    index: c_int,
    period: c_int,
    value: c_double,
) -> c_int {
    with(ph, |p| ok(p.set_pattern_value(index, period, value)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getaveragepatternvalue(
    ph: Handle,
    index: c_int,
    value: *mut c_double,
) -> c_int {
    with(ph, |p| {
        ok(unsafe { put(value, p.average_pattern_value(index)?) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setpattern(
    ph: Handle,
    index: c_int,
    values: *mut c_double,
    len: c_int,
) -> c_int {
    with(ph, |p| {
        let v = unsafe { slice(values, len)? };
        ok(p.set_pattern(index, v))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_addcurve(ph: Handle, id: *mut c_char) -> c_int {
    let id = unsafe { text(id) };
    with(ph, |p| ok(p.add_curve(&id)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_deletecurve(ph: Handle, index: c_int) -> c_int {
    with(ph, |p| ok(p.delete_curve(index)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcurveindex(ph: Handle, id: *mut c_char, index: *mut c_int) -> c_int {
    let id = unsafe { text(id) };
    with(ph, |p| unsafe { put_index(index, p.curve_index_of(&id)) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcurveid(ph: Handle, index: c_int, out: *mut c_char) -> c_int {
    with(ph, |p| {
        let i = p.curve_at(index)?;
        ok(unsafe { put_text(out, &p.net.curves[i].id, EN_MAXID, p.info.latin1) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setcurveid(ph: Handle, index: c_int, id: *mut c_char) -> c_int {
    let id = unsafe { text(id) };
    with(ph, |p| ok(p.set_curve_id(index, &id)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcurvelen(ph: Handle, index: c_int, len: *mut c_int) -> c_int {
    with(ph, |p| {
        ok(unsafe { put(len, p.curve_points(index)?.len() as c_int) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcurvetype(ph: Handle, index: c_int, kind: *mut c_int) -> c_int {
    with(ph, |p| ok(unsafe { put(kind, p.curve_type(index)?) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcurvevalue(
    ph: Handle,
    index: c_int,
    point: c_int,
    x: *mut c_double,
    y: *mut c_double,
) -> c_int {
    with(ph, |p| {
        let points = p.curve_points(index)?;
        let &(px, py) = usize::try_from(point - 1)
            .ok()
            .and_then(|i| points.get(i))
            .ok_or(251)?;
        unsafe {
            put(x, px)?;
            put(y, py)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setcurvevalue(
    ph: Handle,
    index: c_int,
    point: c_int,
    x: c_double,
    y: c_double,
) -> c_int {
    with(ph, |p| ok(p.set_curve_value(index, point, x, y)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcurve(
    ph: Handle,
    index: c_int,
    out_id: *mut c_char,
    n: *mut c_int,
    xs: *mut c_double,
    ys: *mut c_double,
) -> c_int {
    with(ph, |p| {
        let i = p.curve_at(index)?;
        let c = &p.net.curves[i];
        unsafe {
            put_text(out_id, &c.id, EN_MAXID, p.info.latin1)?;
            put(n, c.points.len() as c_int)?;
            if xs.is_null() || ys.is_null() {
                return Err(251);
            }
            for (j, &(x, y)) in c.points.iter().enumerate() {
                xs.add(j).write(x);
                ys.add(j).write(y);
            }
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setcurve(
    ph: Handle,
    index: c_int,
    xs: *mut c_double,
    ys: *mut c_double,
    n: c_int,
) -> c_int {
    with(ph, |p| {
        let (x, y) = unsafe { (slice(xs, n)?, slice(ys, n)?) };
        ok(p.set_curve(index, x.iter().copied().zip(y.iter().copied()).collect()))
    })
}
