//! The exported C functions of `epanet2_2.h` (project-handle API). Each one
//! checks its pointers, catches any panic, and turns the call into a method
//! of [`Project`]; nothing here computes.

#![allow(clippy::missing_safety_doc)]

use std::ffi::{CStr, c_char, c_double, c_int, c_long};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::codes::{self, EN_MAXID, EN_MAXMSG};
use crate::project::{Code, Project, Result};

pub type Handle = *mut Project;

/// The EPANET version this library stands in for (2.2.0).
pub const VERSION: c_int = 20200;

/// Runs `f` on the project behind `ph`: a null handle is error 102 (no
/// network), a panic is error 101, as no input may crash the caller.
pub(crate) fn with(ph: Handle, f: impl FnOnce(&mut Project) -> Result<Code>) -> c_int {
    if ph.is_null() {
        return 102;
    }
    // SAFETY: a non-null handle came from EN_createproject and the caller
    // uses one project from one thread at a time, as EPANET requires.
    let project = unsafe { &mut *ph };
    match catch_unwind(AssertUnwindSafe(|| f(project))) {
        Ok(Ok(code)) | Ok(Err(code)) => code,
        Err(_) => 101,
    }
}

fn ok(r: Result<()>) -> Result<Code> {
    r.map(|()| 0)
}

/// Writes `value` through an output pointer (a null one is error 251).
pub(crate) unsafe fn put<T>(p: *mut T, value: T) -> Result<()> {
    if p.is_null() {
        return Err(251);
    }
    // SAFETY: the caller passed a pointer to a writable T.
    unsafe { p.write(value) };
    Ok(())
}

/// A C string argument; null reads as empty. Bytes that are not UTF-8 are
/// read one byte per character, as the `.inp` reader reads such files.
pub(crate) unsafe fn text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: the caller passed a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// Copies `s` into a caller's buffer of `max` characters plus the NUL; for
/// a file read as Latin-1, one byte per character, as EPANET has it.
pub(crate) unsafe fn put_text(p: *mut c_char, s: &str, max: usize, latin1: bool) -> Result<()> {
    if p.is_null() {
        return Err(251);
    }
    let bytes: Vec<u8> = if latin1 && s.chars().all(|c| (c as u32) < 256) {
        s.chars().map(|c| c as u32 as u8).collect()
    } else {
        s.as_bytes().to_vec()
    };
    let n = bytes.len().min(max);
    // SAFETY: EPANET's contract: output buffers hold at least max + 1 bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr().cast::<c_char>(), p, n);
        p.add(n).write(0);
    }
    Ok(())
}

unsafe fn slice<'a, T>(p: *const T, n: c_int) -> Result<&'a [T]> {
    if n < 0 || (p.is_null() && n > 0) {
        return Err(251);
    }
    if n == 0 {
        return Ok(&[]);
    }
    // SAFETY: the caller passed n readable values.
    Ok(unsafe { std::slice::from_raw_parts(p, n as usize) })
}

// ---- projects -------------------------------------------------------------

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_createproject(ph: *mut Handle) -> c_int {
    if ph.is_null() {
        return 251;
    }
    // SAFETY: ph points to a writable handle.
    unsafe { ph.write(Box::into_raw(Box::new(Project::new()))) };
    0
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_deleteproject(ph: Handle) -> c_int {
    if ph.is_null() {
        return -1;
    }
    // SAFETY: the handle came from EN_createproject and is not used again.
    let project = unsafe { Box::from_raw(ph) };
    catch_unwind(AssertUnwindSafe(|| drop(project))).map_or(101, |()| 0)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_runproject(
    ph: Handle,
    inp: *const c_char,
    rpt: *const c_char,
    out: *const c_char,
    _progress: Option<unsafe extern "C" fn(*mut c_char)>,
) -> c_int {
    let (inp, rpt, out) = unsafe { (text(inp), text(rpt), text(out)) };
    with(ph, |p| p.run_project(&inp, &rpt, &out))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_init(ph: Handle, rpt: *const c_char, out: *const c_char, units: c_int, headloss: c_int) -> c_int {
    let (rpt, out) = unsafe { (text(rpt), text(out)) };
    with(ph, |p| p.init(&rpt, &out, units, headloss))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_open(ph: Handle, inp: *const c_char, rpt: *const c_char, out: *const c_char) -> c_int {
    let (inp, rpt, out) = unsafe { (text(inp), text(rpt), text(out)) };
    with(ph, |p| p.open(&inp, &rpt, &out))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_gettitle(ph: Handle, l1: *mut c_char, l2: *mut c_char, l3: *mut c_char) -> c_int {
    with(ph, |p| {
        p.check_open()?;
        for (i, out) in [l1, l2, l3].into_iter().enumerate() {
            unsafe { put_text(out, p.net.title.get(i).map_or("", String::as_str), 79, p.info.latin1)? };
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_settitle(ph: Handle, l1: *mut c_char, l2: *mut c_char, l3: *mut c_char) -> c_int {
    let lines = unsafe { [text(l1), text(l2), text(l3)] };
    with(ph, |p| {
        p.check_open()?;
        p.net.title = lines.into_iter().map(|l| l.chars().take(79).collect()).collect();
        while p.net.title.last().is_some_and(|l| l.is_empty()) {
            p.net.title.pop();
        }
        Ok(0)
    })
}

/// Comments are not kept by Oasis's model: every object's comment is empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcomment(ph: Handle, object: c_int, index: c_int, out: *mut c_char) -> c_int {
    with(ph, |p| {
        object_exists(p, object, index)?;
        unsafe { put_text(out, "", EN_MAXMSG, p.info.latin1)? };
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setcomment(ph: Handle, object: c_int, index: c_int, _comment: *mut c_char) -> c_int {
    with(ph, |p| object_exists(p, object, index).map(|()| 0))
}

fn object_exists(p: &Project, object: c_int, index: c_int) -> Result<()> {
    match object {
        0 => p.node(index).map(drop),
        1 => p.link(index).map(drop),
        2 => p.pattern_at(index).map(drop),
        3 => p.curve_at(index).map(drop),
        _ => Err(251),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcount(ph: Handle, object: c_int, count: *mut c_int) -> c_int {
    with(ph, |p| ok(unsafe { put(count, p.count(object)?) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_saveinpfile(ph: Handle, path: *const c_char) -> c_int {
    let path = unsafe { text(path) };
    with(ph, |p| p.save_inp(&path))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_close(ph: Handle) -> c_int {
    with(ph, |p| {
        p.close();
        Ok(0)
    })
}

// ---- hydraulics -------------------------------------------------------------

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_solveH(ph: Handle) -> c_int {
    with(ph, Project::solve_h)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_usehydfile(ph: Handle, path: *const c_char) -> c_int {
    let path = unsafe { text(path) };
    with(ph, |p| p.use_hyd_file(&path))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_openH(ph: Handle) -> c_int {
    with(ph, Project::open_h)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_initH(ph: Handle, flag: c_int) -> c_int {
    with(ph, |p| p.init_h(flag))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_runH(ph: Handle, t: *mut c_long) -> c_int {
    with(ph, |p| {
        let (time, warning) = p.run_h()?;
        unsafe { put(t, time as c_long)? };
        Ok(warning)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_nextH(ph: Handle, step: *mut c_long) -> c_int {
    with(ph, |p| ok(unsafe { put(step, p.next_h()? as c_long) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_saveH(ph: Handle) -> c_int {
    with(ph, Project::save_h)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_savehydfile(ph: Handle, path: *const c_char) -> c_int {
    let path = unsafe { text(path) };
    with(ph, |p| p.save_hyd_file(&path))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_closeH(ph: Handle) -> c_int {
    with(ph, Project::close_h)
}

// ---- water quality ----------------------------------------------------------

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_solveQ(ph: Handle) -> c_int {
    with(ph, Project::solve_q)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_openQ(ph: Handle) -> c_int {
    with(ph, Project::open_q)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_initQ(ph: Handle, save: c_int) -> c_int {
    with(ph, |p| p.init_q(save == 1))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_runQ(ph: Handle, t: *mut c_long) -> c_int {
    with(ph, |p| ok(unsafe { put(t, p.run_q()? as c_long) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_nextQ(ph: Handle, step: *mut c_long) -> c_int {
    with(ph, |p| ok(unsafe { put(step, p.next_q()? as c_long) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_stepQ(ph: Handle, left: *mut c_long) -> c_int {
    with(ph, |p| ok(unsafe { put(left, p.step_q()? as c_long) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_closeQ(ph: Handle) -> c_int {
    with(ph, Project::close_q)
}

// ---- reporting --------------------------------------------------------------

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_writeline(ph: Handle, line: *mut c_char) -> c_int {
    let line = unsafe { text(line) };
    with(ph, |p| {
        p.check_open()?;
        if p.rpt_path.is_empty() {
            return Ok(0);
        }
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&p.rpt_path).map_err(|_| 303)?;
        writeln!(f, "{line}").map_err(|_| 309)?;
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_report(ph: Handle) -> c_int {
    with(ph, Project::report)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_copyreport(ph: Handle, path: *mut c_char) -> c_int {
    let path = unsafe { text(path) };
    with(ph, |p| {
        p.check_open()?;
        std::fs::copy(&p.rpt_path, &path).map_err(|_| 303)?;
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_clearreport(ph: Handle) -> c_int {
    with(ph, |p| {
        p.check_open()?;
        if !p.rpt_path.is_empty() {
            std::fs::write(&p.rpt_path, b"").map_err(|_| 303)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_resetreport(ph: Handle) -> c_int {
    with(ph, |p| {
        p.check_open()?;
        p.net.report.clear();
        Ok(0)
    })
}

/// `EN_setreport`: one line of a `[REPORT]` section.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setreport(ph: Handle, format: *mut c_char) -> c_int {
    let line = unsafe { text(format) };
    with(ph, |p| {
        p.check_open()?;
        let tokens: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        if tokens.is_empty() {
            return Err(250);
        }
        p.net.report.push(tokens);
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setstatusreport(ph: Handle, level: c_int) -> c_int {
    with(ph, |p| {
        p.check_open()?;
        let word = ["NO", "YES", "FULL"].get(usize::try_from(level).map_err(|_| 251)?).ok_or(251)?;
        p.net.report.retain(|l| !l.first().is_some_and(|w| w.eq_ignore_ascii_case("STATUS")));
        p.net.report.push(vec!["STATUS".into(), word.to_string()]);
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getversion(version: *mut c_int) -> c_int {
    unsafe { put(version, VERSION) }.map_or_else(|e| e, |()| 0)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_geterror(code: c_int, out: *mut c_char, max_len: c_int) -> c_int {
    let msg = crate::errors::message(code);
    let max = usize::try_from(max_len).unwrap_or(0).min(EN_MAXMSG);
    if max == 0 {
        return 251;
    }
    // strncpy semantics: at most max_len characters, NUL-terminated here.
    unsafe { put_text(out, &msg, max - 1, false) }.map_or_else(|e| e, |()| 0)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getstatistic(ph: Handle, kind: c_int, value: *mut c_double) -> c_int {
    with(ph, |p| ok(unsafe { put(value, p.statistic(kind)?) }))
}

/// Results are kept for every node and link, in index order.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getresultindex(ph: Handle, kind: c_int, index: c_int, value: *mut c_int) -> c_int {
    with(ph, |p| {
        match kind {
            0 => p.node(index)?,
            1 => p.link(index)?,
            _ => return Err(251),
        };
        ok(unsafe { put(value, index) })
    })
}

// ---- options and times --------------------------------------------------------

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

/// Changing the flow units relabels flows only within one unit system (US
/// or SI); between systems every length would change: error 251.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setflowunits(ph: Handle, units: c_int) -> c_int {
    with(ph, |p| {
        p.check_open()?;
        let new = codes::flow_units(units).ok_or(251)?;
        p.set_flow_units(new).map(|()| 0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_gettimeparam(ph: Handle, param: c_int, value: *mut c_long) -> c_int {
    with(ph, |p| ok(unsafe { put(value, p.time_param(param)? as c_long) }))
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

// ---- nodes ------------------------------------------------------------------

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_addnode(ph: Handle, id: *mut c_char, kind: c_int, index: *mut c_int) -> c_int {
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
    with(ph, |p| {
        let i = p.node_index(&id);
        unsafe { put(index, *i.as_ref().unwrap_or(&0))? };
        i.map(|_| 0)
    })
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
        ok(unsafe { put(kind, codes::node_type(&p.net.nodes[i].kind)) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getnodevalue(ph: Handle, index: c_int, property: c_int, value: *mut c_double) -> c_int {
    with(ph, |p| ok(unsafe { put(value, p.get_node_value(index, property)?) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setnodevalue(ph: Handle, index: c_int, property: c_int, value: c_double) -> c_int {
    with(ph, |p| ok(p.set_node_value(index, property, value)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setjuncdata(ph: Handle, index: c_int, elev: c_double, demand: c_double, pattern: *mut c_char) -> c_int {
    let pattern = unsafe { text(pattern) };
    with(ph, |p| {
        let i = p.node(index)?;
        if !matches!(p.net.nodes[i].kind, oasis_network::NodeKind::Junction(_)) {
            return Err(208);
        }
        let pat = if pattern.is_empty() { 0 } else { p.pattern_index_of(&pattern)? };
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
        let curve = if curve.is_empty() { None } else { Some(p.net.curve(&curve).ok_or(206)?.id.clone()) };
        let oasis_network::NodeKind::Tank(t) = &mut p.net.nodes[i].kind else { return Err(251) };
        if min < 0.0 || max < 0.0 || init < 0.0 || diam < 0.0 || minvol < 0.0 || min > init || init > max {
            return Err(209);
        }
        (t.initial_level, t.min_level, t.max_level, t.diameter, t.min_volume, t.volume_curve) =
            (init, min, max, diam, minvol, curve);
        p.net.nodes[i].elevation = elev;
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcoord(ph: Handle, index: c_int, x: *mut c_double, y: *mut c_double) -> c_int {
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
pub unsafe extern "C" fn EN_setdemandmodel(ph: Handle, kind: c_int, pmin: c_double, preq: c_double, pexp: c_double) -> c_int {
    with(ph, |p| ok(p.set_demand_model(kind, pmin, preq, pexp)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_adddemand(ph: Handle, node: c_int, base: c_double, pattern: *mut c_char, name: *mut c_char) -> c_int {
    let (pattern, name) = unsafe { (text(pattern), text(name)) };
    with(ph, |p| ok(p.add_demand(node, base, &pattern, &name)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_deletedemand(ph: Handle, node: c_int, demand: c_int) -> c_int {
    with(ph, |p| ok(p.delete_demand(node, demand)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getdemandindex(ph: Handle, node: c_int, name: *mut c_char, index: *mut c_int) -> c_int {
    let name = unsafe { text(name) };
    with(ph, |p| {
        let i = p.demand_index(node, &name);
        unsafe { put(index, *i.as_ref().unwrap_or(&0))? };
        i.map(|_| 0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getnumdemands(ph: Handle, node: c_int, n: *mut c_int) -> c_int {
    with(ph, |p| ok(unsafe { put(n, p.num_demands(node)?) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getbasedemand(ph: Handle, node: c_int, demand: c_int, base: *mut c_double) -> c_int {
    with(ph, |p| ok(unsafe { put(base, p.demand(node, demand)?.base) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setbasedemand(ph: Handle, node: c_int, demand: c_int, base: c_double) -> c_int {
    with(ph, |p| {
        p.demand_mut(node, demand)?.base = base;
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getdemandpattern(ph: Handle, node: c_int, demand: c_int, pattern: *mut c_int) -> c_int {
    with(ph, |p| {
        let d = p.demand(node, demand)?;
        ok(unsafe { put(pattern, p.demand_pattern_index(d.pattern.as_deref()) as c_int) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setdemandpattern(ph: Handle, node: c_int, demand: c_int, pattern: c_int) -> c_int {
    with(ph, |p| {
        let id = p.pattern_id(f64::from(pattern))?;
        p.demand_mut(node, demand)?.pattern = id;
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getdemandname(ph: Handle, node: c_int, demand: c_int, out: *mut c_char) -> c_int {
    with(ph, |p| {
        let d = p.demand(node, demand)?;
        ok(unsafe { put_text(out, d.category.as_deref().unwrap_or(""), EN_MAXID, p.info.latin1) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setdemandname(ph: Handle, node: c_int, demand: c_int, name: *mut c_char) -> c_int {
    let name = unsafe { text(name) };
    with(ph, |p| {
        if name.len() > EN_MAXID {
            return Err(252);
        }
        p.demand_mut(node, demand)?.category = (!name.is_empty()).then_some(name);
        Ok(0)
    })
}

// ---- links ------------------------------------------------------------------

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
    with(ph, |p| {
        let i = p.link_index(&id);
        unsafe { put(index, *i.as_ref().unwrap_or(&0))? };
        i.map(|_| 0)
    })
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
pub unsafe extern "C" fn EN_setlinktype(ph: Handle, index: *mut c_int, kind: c_int, action: c_int) -> c_int {
    with(ph, |p| {
        if index.is_null() {
            return Err(251);
        }
        let i = p.set_link_type(unsafe { *index }, kind, action)?;
        ok(unsafe { put(index, i) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getlinknodes(ph: Handle, index: c_int, n1: *mut c_int, n2: *mut c_int) -> c_int {
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
pub unsafe extern "C" fn EN_getlinkvalue(ph: Handle, index: c_int, property: c_int, value: *mut c_double) -> c_int {
    with(ph, |p| ok(unsafe { put(value, p.get_link_value(index, property)?) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setlinkvalue(ph: Handle, index: c_int, property: c_int, value: c_double) -> c_int {
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
    with(ph, |p| ok(unsafe { put(count, p.vertices(index)?.len() as c_int) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getvertex(ph: Handle, index: c_int, vertex: c_int, x: *mut c_double, y: *mut c_double) -> c_int {
    with(ph, |p| {
        let v = p.vertices(index)?;
        let &(vx, vy) = usize::try_from(vertex - 1).ok().and_then(|i| v.get(i)).ok_or(255)?;
        unsafe {
            put(x, vx)?;
            put(y, vy)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setvertices(ph: Handle, index: c_int, x: *mut c_double, y: *mut c_double, count: c_int) -> c_int {
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
pub unsafe extern "C" fn EN_getheadcurveindex(ph: Handle, index: c_int, curve: *mut c_int) -> c_int {
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

// ---- patterns ---------------------------------------------------------------

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
pub unsafe extern "C" fn EN_getpatternindex(ph: Handle, id: *mut c_char, index: *mut c_int) -> c_int {
    let id = unsafe { text(id) };
    with(ph, |p| {
        let i = p.pattern_index_of(&id);
        unsafe { put(index, *i.as_ref().unwrap_or(&0))? };
        i.map(|_| 0)
    })
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
pub unsafe extern "C" fn EN_getpatternvalue(ph: Handle, index: c_int, period: c_int, value: *mut c_double) -> c_int {
    with(ph, |p| ok(unsafe { put(value, p.pattern_value(index, period)?) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setpatternvalue(ph: Handle, index: c_int, period: c_int, value: c_double) -> c_int {
    with(ph, |p| ok(p.set_pattern_value(index, period, value)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getaveragepatternvalue(ph: Handle, index: c_int, value: *mut c_double) -> c_int {
    with(ph, |p| ok(unsafe { put(value, p.average_pattern_value(index)?) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setpattern(ph: Handle, index: c_int, values: *mut c_double, len: c_int) -> c_int {
    with(ph, |p| {
        let v = unsafe { slice(values, len)? };
        ok(p.set_pattern(index, v))
    })
}

// ---- curves -----------------------------------------------------------------

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
    with(ph, |p| {
        let i = p.curve_index_of(&id);
        unsafe { put(index, *i.as_ref().unwrap_or(&0))? };
        i.map(|_| 0)
    })
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
    with(ph, |p| ok(unsafe { put(len, p.curve_points(index)?.len() as c_int) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcurvetype(ph: Handle, index: c_int, kind: *mut c_int) -> c_int {
    with(ph, |p| ok(unsafe { put(kind, p.curve_type(index)?) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcurvevalue(ph: Handle, index: c_int, point: c_int, x: *mut c_double, y: *mut c_double) -> c_int {
    with(ph, |p| {
        let points = p.curve_points(index)?;
        let &(px, py) = usize::try_from(point - 1).ok().and_then(|i| points.get(i)).ok_or(251)?;
        unsafe {
            put(x, px)?;
            put(y, py)?;
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setcurvevalue(ph: Handle, index: c_int, point: c_int, x: c_double, y: c_double) -> c_int {
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
pub unsafe extern "C" fn EN_setcurve(ph: Handle, index: c_int, xs: *mut c_double, ys: *mut c_double, n: c_int) -> c_int {
    with(ph, |p| {
        let (x, y) = unsafe { (slice(xs, n)?, slice(ys, n)?) };
        ok(p.set_curve(index, x.iter().copied().zip(y.iter().copied()).collect()))
    })
}

// ---- simple controls --------------------------------------------------------

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
    with(ph, |p| ok(p.set_control(index, kind, link, setting, node, level)))
}

// ---- rule-based controls ----------------------------------------------------

fn rule_at(p: &Project, index: c_int) -> Result<usize> {
    p.check_open()?;
    usize::try_from(index - 1).ok().filter(|&i| i < p.net.rules.len()).ok_or(257)
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
        let added = net.rules.len().checked_sub(p.net.rules.len()).filter(|&n| n > 0).ok_or(250)?;
        p.net.rules.extend(net.rules.into_iter().rev().take(added).rev());
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_deleterule(ph: Handle, index: c_int) -> c_int {
    with(ph, |p| {
        let i = rule_at(p, index)?;
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
        let r = &p.net.rules[rule_at(p, index)?];
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
        let i = rule_at(p, index)?;
        ok(unsafe { put_text(out, &p.net.rules[i].id, EN_MAXID, p.info.latin1) })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setrulepriority(ph: Handle, index: c_int, priority: c_double) -> c_int {
    with(ph, |p| {
        let i = rule_at(p, index)?;
        p.net.rules[i].priority = Some(priority);
        Ok(0)
    })
}

/// Clause-level rule editing is not offered: these answer error 258
/// (nonexistent rule clause) after checking the rule exists.
macro_rules! rule_clause_unsupported {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(ph: Handle, rule: c_int, $($arg: $ty),*) -> c_int {
            $(let _ = $arg;)*
            with(ph, |p| {
                rule_at(p, rule)?;
                Err(258)
            })
        }
    )*};
}

rule_clause_unsupported! {
    EN_getpremise(premise: c_int, logop: *mut c_int, object: *mut c_int, obj_index: *mut c_int, variable: *mut c_int,
        relop: *mut c_int, status: *mut c_int, value: *mut c_double);
    EN_setpremise(premise: c_int, logop: c_int, object: c_int, obj_index: c_int, variable: c_int, relop: c_int,
        status: c_int, value: c_double);
    EN_setpremiseindex(premise: c_int, obj_index: c_int);
    EN_setpremisestatus(premise: c_int, status: c_int);
    EN_setpremisevalue(premise: c_int, value: c_double);
    EN_getthenaction(action: c_int, link: *mut c_int, status: *mut c_int, setting: *mut c_double);
    EN_setthenaction(action: c_int, link: c_int, status: c_int, setting: c_double);
    EN_getelseaction(action: c_int, link: *mut c_int, status: *mut c_int, setting: *mut c_double);
    EN_setelseaction(action: c_int, link: c_int, status: c_int, setting: c_double);
}
