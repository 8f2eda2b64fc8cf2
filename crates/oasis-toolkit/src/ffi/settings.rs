//! Options, time parameters and quality settings.

#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_double, c_int, c_long};

use super::{Handle, ok, put, put_text, text, with};
use crate::codes::{self, EN_MAXID};

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getoption(ph: Handle, option: c_int, value: *mut c_double) -> c_int {
    with(ph, |p| ok(unsafe { put(value, p.option(option)?) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setoption(ph: Handle, option: c_int, value: c_double) -> c_int {
    with(ph, |p| ok(p.set_option(option, value)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getflowunits(ph: Handle, units: *mut c_int) -> c_int {
    with(ph, |p| {
        p.check_open()?;
        ok(unsafe { put(units, codes::flow_units_code(p.net.options.flow_units)) })
    })
}

/// The whole model is converted to the new units, within or across the US
/// and SI systems, as EPANET 2.2 converts it; a code outside its flow units
/// answers 251.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setflowunits(ph: Handle, units: c_int) -> c_int {
    with(ph, |p| {
        p.check_open()?;
        let new = codes::flow_units(units).ok_or(251)?;
        p.set_flow_units(new);
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_gettimeparam(ph: Handle, param: c_int, value: *mut c_long) -> c_int {
    with(ph, |p| {
        ok(unsafe { put(value, p.time_param(param)? as c_long) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_settimeparam(ph: Handle, param: c_int, value: c_long) -> c_int {
    with(ph, |p| ok(p.set_time_param(param, i64::from(value))))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getqualinfo(
    ph: Handle,
    kind: *mut c_int,
    chem: *mut c_char,
    units: *mut c_char,
    trace: *mut c_int,
) -> c_int {
    with(ph, |p| {
        let (k, name, u, node) = p.qual_info()?;
        unsafe {
            put(kind, k)?;
            put_text(chem, &name, EN_MAXID, p.info.latin1)?;
            put_text(units, &u, EN_MAXID, p.info.latin1)?;
            put(trace, node)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getqualtype(ph: Handle, kind: *mut c_int, trace: *mut c_int) -> c_int {
    with(ph, |p| {
        let (k, _, _, node) = p.qual_info()?;
        unsafe {
            put(kind, k)?;
            put(trace, node)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setqualtype(
    ph: Handle,
    kind: c_int,
    chem: *mut c_char,
    units: *mut c_char,
    trace: *mut c_char,
) -> c_int {
    let (chem, units, trace) = unsafe { (text(chem), text(units), text(trace)) };
    with(ph, |p| ok(p.set_qual_type(kind, &chem, &units, &trace)))
}
