//! Projects, the hydraulic and quality solvers, and the report.

#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_double, c_int, c_long};

use super::VERSION;
use super::{Handle, ok, put, put_text, text, with};
use crate::codes::EN_MAXMSG;
use crate::project::Project;
use std::panic::{AssertUnwindSafe, catch_unwind};

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
pub unsafe extern "C" fn EN_init(
    ph: Handle,
    rpt: *const c_char,
    out: *const c_char,
    units: c_int,
    headloss: c_int,
) -> c_int {
    let (rpt, out) = unsafe { (text(rpt), text(out)) };
    with(ph, |p| p.init(&rpt, &out, units, headloss))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_open(
    ph: Handle,
    inp: *const c_char,
    rpt: *const c_char,
    out: *const c_char,
) -> c_int {
    let (inp, rpt, out) = unsafe { (text(inp), text(rpt), text(out)) };
    with(ph, |p| p.open(&inp, &rpt, &out))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_gettitle(
    ph: Handle,
    l1: *mut c_char,
    l2: *mut c_char,
    l3: *mut c_char,
) -> c_int {
    with(ph, |p| {
        p.check_open()?;
        for (i, out) in [l1, l2, l3].into_iter().enumerate() {
            unsafe {
                put_text(
                    out,
                    p.net.title.get(i).map_or("", String::as_str),
                    79,
                    p.info.latin1,
                )?
            };
        }
        Ok(0)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_settitle(
    ph: Handle,
    l1: *mut c_char,
    l2: *mut c_char,
    l3: *mut c_char,
) -> c_int {
    let lines = unsafe { [text(l1), text(l2), text(l3)] };
    with(ph, |p| {
        p.check_open()?;
        p.net.title = lines
            .into_iter()
            .map(|l| l.chars().take(79).collect())
            .collect();
        while p.net.title.last().is_some_and(|l| l.is_empty()) {
            p.net.title.pop();
        }
        Ok(0)
    })
}

/// A bad object code still empties `out`, as EPANET 2.2 does.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_getcomment(
    ph: Handle,
    object: c_int,
    index: c_int,
    out: *mut c_char,
) -> c_int {
    with(ph, |p| {
        let latin1 = p.info.latin1;
        let comment = match p.comment(object, index) {
            Ok(c) => c,
            Err(code) if (0..=3).contains(&object) => return Err(code),
            Err(code) => {
                // A null `out` is error 251 either way.
                let _ = unsafe { put_text(out, "", EN_MAXMSG, latin1) };
                return Err(code);
            }
        };
        ok(unsafe { put_text(out, comment, EN_MAXMSG, latin1) })
    })
}

/// A null `comment` clears the comment, as EPANET 2.2's does.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_setcomment(
    ph: Handle,
    object: c_int,
    index: c_int,
    comment: *mut c_char,
) -> c_int {
    let comment = unsafe { text(comment) };
    with(ph, |p| ok(p.set_comment(object, index, &comment)))
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

#[unsafe(no_mangle)]
pub unsafe extern "C" fn EN_writeline(ph: Handle, line: *mut c_char) -> c_int {
    let line = unsafe { text(line) };
    with(ph, |p| {
        p.check_open()?;
        if p.rpt_path.is_empty() {
            return Ok(0);
        }
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&p.rpt_path)
            .map_err(|_| 303)?;
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
        let word = ["NO", "YES", "FULL"]
            .get(usize::try_from(level).map_err(|_| 251)?)
            .ok_or(251)?;
        p.net
            .report
            .retain(|l| !l.first().is_some_and(|w| w.eq_ignore_ascii_case("STATUS")));
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
pub unsafe extern "C" fn EN_getresultindex(
    ph: Handle,
    kind: c_int,
    index: c_int,
    value: *mut c_int,
) -> c_int {
    with(ph, |p| {
        match kind {
            0 => p.node(index)?,
            1 => p.link(index)?,
            _ => return Err(251),
        };
        ok(unsafe { put(value, index) })
    })
}
