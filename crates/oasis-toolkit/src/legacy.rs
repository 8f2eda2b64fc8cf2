//! The legacy single-project API of `epanet2.h` (EPANET 2.2): each `EN*`
//! function calls its `EN_*` twin on one process-wide project, with values
//! as C `float` (`EN_API_FLOAT_TYPE`) where the header has them.
//!
//! Written by a small script from the header's prototypes; the mapping of
//! each argument is mechanical: `float` in → `double`, `float *` out → a
//! `double` read back and narrowed.

#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_double, c_float, c_int, c_long};
use std::sync::Mutex;

use crate::ffi::{self, Handle};
use crate::project::Project;

/// The legacy API's one project, made on first use and kept until the
/// process ends (`ENclose` empties it), as EPANET's is a static.
struct Shared(Handle);
// SAFETY: the project is only reached through the lock below.
unsafe impl Send for Shared {}

static DEFAULT: Mutex<Option<Shared>> = Mutex::new(None);

/// Runs `f` with the default project's handle.
fn default_project(f: impl FnOnce(Handle) -> c_int) -> c_int {
    let mut guard = DEFAULT.lock().unwrap_or_else(|e| e.into_inner());
    let shared = guard.get_or_insert_with(|| Shared(Box::into_raw(Box::new(Project::new()))));
    f(shared.0)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgettitle(
    line1: *mut c_char,
    line2: *mut c_char,
    line3: *mut c_char,
) -> c_int {
    default_project(|ph| unsafe { ffi::EN_gettitle(ph, line1, line2, line3) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsettitle(
    line1: *mut c_char,
    line2: *mut c_char,
    line3: *mut c_char,
) -> c_int {
    default_project(|ph| unsafe { ffi::EN_settitle(ph, line1, line2, line3) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetcomment(object: c_int, index: c_int, comment: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getcomment(ph, object, index, comment) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetcomment(object: c_int, index: c_int, comment: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setcomment(ph, object, index, comment) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetcount(object: c_int, count: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getcount(ph, object, count) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsaveinpfile(filename: *const c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_saveinpfile(ph, filename) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsolveH() -> c_int {
    default_project(|ph| unsafe { ffi::EN_solveH(ph) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsaveH() -> c_int {
    default_project(|ph| unsafe { ffi::EN_saveH(ph) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENopenH() -> c_int {
    default_project(|ph| unsafe { ffi::EN_openH(ph) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENinitH(init_flag: c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_initH(ph, init_flag) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENrunH(current_time: *mut c_long) -> c_int {
    default_project(|ph| unsafe { ffi::EN_runH(ph, current_time) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENnextH(t_step: *mut c_long) -> c_int {
    default_project(|ph| unsafe { ffi::EN_nextH(ph, t_step) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENcloseH() -> c_int {
    default_project(|ph| unsafe { ffi::EN_closeH(ph) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsavehydfile(filename: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_savehydfile(ph, filename) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENusehydfile(filename: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_usehydfile(ph, filename) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsolveQ() -> c_int {
    default_project(|ph| unsafe { ffi::EN_solveQ(ph) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENopenQ() -> c_int {
    default_project(|ph| unsafe { ffi::EN_openQ(ph) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENinitQ(save_flag: c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_initQ(ph, save_flag) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENrunQ(current_time: *mut c_long) -> c_int {
    default_project(|ph| unsafe { ffi::EN_runQ(ph, current_time) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENnextQ(t_step: *mut c_long) -> c_int {
    default_project(|ph| unsafe { ffi::EN_nextQ(ph, t_step) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENstepQ(time_left: *mut c_long) -> c_int {
    default_project(|ph| unsafe { ffi::EN_stepQ(ph, time_left) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENcloseQ() -> c_int {
    default_project(|ph| unsafe { ffi::EN_closeQ(ph) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENwriteline(line: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_writeline(ph, line) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENreport() -> c_int {
    default_project(|ph| unsafe { ffi::EN_report(ph) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENcopyreport(filename: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_copyreport(ph, filename) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENclearreport() -> c_int {
    default_project(|ph| unsafe { ffi::EN_clearreport(ph) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENresetreport() -> c_int {
    default_project(|ph| unsafe { ffi::EN_resetreport(ph) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetreport(format: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setreport(ph, format) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetstatusreport(level: c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setstatusreport(ph, level) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetstatistic(kind: c_int, value: *mut c_float) -> c_int {
    default_project(|ph| {
        let mut value_d: c_double = 0.0;
        let code = unsafe { ffi::EN_getstatistic(ph, kind, &mut value_d) };
        if !value.is_null() {
            unsafe { value.write(value_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetresultindex(kind: c_int, index: c_int, value: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getresultindex(ph, kind, index, value) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetoption(option: c_int, value: *mut c_float) -> c_int {
    default_project(|ph| {
        let mut value_d: c_double = 0.0;
        let code = unsafe { ffi::EN_getoption(ph, option, &mut value_d) };
        if !value.is_null() {
            unsafe { value.write(value_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetoption(option: c_int, value: c_float) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setoption(ph, option, c_double::from(value)) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetflowunits(units: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getflowunits(ph, units) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetflowunits(units: c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setflowunits(ph, units) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgettimeparam(param: c_int, value: *mut c_long) -> c_int {
    default_project(|ph| unsafe { ffi::EN_gettimeparam(ph, param, value) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsettimeparam(param: c_int, value: c_long) -> c_int {
    default_project(|ph| unsafe { ffi::EN_settimeparam(ph, param, value) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetqualinfo(
    qual_type: *mut c_int,
    chem_name: *mut c_char,
    chem_units: *mut c_char,
    trace_node: *mut c_int,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_getqualinfo(ph, qual_type, chem_name, chem_units, trace_node)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetqualtype(qual_type: *mut c_int, trace_node: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getqualtype(ph, qual_type, trace_node) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetqualtype(
    qual_type: c_int,
    chem_name: *mut c_char,
    chem_units: *mut c_char,
    trace_node: *mut c_char,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setqualtype(ph, qual_type, chem_name, chem_units, trace_node)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENaddnode(id: *mut c_char, node_type: c_int, index: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_addnode(ph, id, node_type, index) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENdeletenode(index: c_int, action_code: c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_deletenode(ph, index, action_code) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetnodeindex(id: *mut c_char, index: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getnodeindex(ph, id, index) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetnodeid(index: c_int, id: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getnodeid(ph, index, id) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetnodeid(index: c_int, newid: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setnodeid(ph, index, newid) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetnodetype(index: c_int, node_type: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getnodetype(ph, index, node_type) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetnodevalue(
    index: c_int,
    property: c_int,
    value: *mut c_float,
) -> c_int {
    default_project(|ph| {
        let mut value_d: c_double = 0.0;
        let code = unsafe { ffi::EN_getnodevalue(ph, index, property, &mut value_d) };
        if !value.is_null() {
            unsafe { value.write(value_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetnodevalue(index: c_int, property: c_int, value: c_float) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setnodevalue(ph, index, property, c_double::from(value))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetjuncdata(
    index: c_int,
    elev: c_float,
    dmnd: c_float,
    dmndpat: *mut c_char,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setjuncdata(
            ph,
            index,
            c_double::from(elev),
            c_double::from(dmnd),
            dmndpat,
        )
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsettankdata(
    index: c_int,
    elev: c_float,
    initlvl: c_float,
    minlvl: c_float,
    maxlvl: c_float,
    diam: c_float,
    minvol: c_float,
    volcurve: *mut c_char,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_settankdata(
            ph,
            index,
            c_double::from(elev),
            c_double::from(initlvl),
            c_double::from(minlvl),
            c_double::from(maxlvl),
            c_double::from(diam),
            c_double::from(minvol),
            volcurve,
        )
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetcoord(index: c_int, x: *mut c_double, y: *mut c_double) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getcoord(ph, index, x, y) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetcoord(index: c_int, x: c_double, y: c_double) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setcoord(ph, index, x, y) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetdemandmodel(
    model: *mut c_int,
    pmin: *mut c_float,
    preq: *mut c_float,
    pexp: *mut c_float,
) -> c_int {
    default_project(|ph| {
        let mut pmin_d: c_double = 0.0;
        let mut preq_d: c_double = 0.0;
        let mut pexp_d: c_double = 0.0;
        let code =
            unsafe { ffi::EN_getdemandmodel(ph, model, &mut pmin_d, &mut preq_d, &mut pexp_d) };
        if !pmin.is_null() {
            unsafe { pmin.write(pmin_d as c_float) }
        }
        if !preq.is_null() {
            unsafe { preq.write(preq_d as c_float) }
        }
        if !pexp.is_null() {
            unsafe { pexp.write(pexp_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetdemandmodel(
    model: c_int,
    pmin: c_float,
    preq: c_float,
    pexp: c_float,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setdemandmodel(
            ph,
            model,
            c_double::from(pmin),
            c_double::from(preq),
            c_double::from(pexp),
        )
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENadddemand(
    node_index: c_int,
    base_demand: c_float,
    demand_pattern: *mut c_char,
    demand_name: *mut c_char,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_adddemand(
            ph,
            node_index,
            c_double::from(base_demand),
            demand_pattern,
            demand_name,
        )
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENdeletedemand(node_index: c_int, demand_index: c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_deletedemand(ph, node_index, demand_index) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetnumdemands(node_index: c_int, num_demands: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getnumdemands(ph, node_index, num_demands) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetdemandindex(
    node_index: c_int,
    demand_name: *mut c_char,
    demand_index: *mut c_int,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_getdemandindex(ph, node_index, demand_name, demand_index)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetbasedemand(
    node_index: c_int,
    demand_index: c_int,
    base_demand: *mut c_float,
) -> c_int {
    default_project(|ph| {
        let mut base_demand_d: c_double = 0.0;
        let code =
            unsafe { ffi::EN_getbasedemand(ph, node_index, demand_index, &mut base_demand_d) };
        if !base_demand.is_null() {
            unsafe { base_demand.write(base_demand_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetbasedemand(
    node_index: c_int,
    demand_index: c_int,
    base_demand: c_float,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setbasedemand(ph, node_index, demand_index, c_double::from(base_demand))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetdemandpattern(
    node_index: c_int,
    demand_index: c_int,
    pat_index: *mut c_int,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_getdemandpattern(ph, node_index, demand_index, pat_index)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetdemandpattern(
    node_index: c_int,
    demand_index: c_int,
    pat_index: c_int,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setdemandpattern(ph, node_index, demand_index, pat_index)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetdemandname(
    node_index: c_int,
    demand_index: c_int,
    demand_name: *mut c_char,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_getdemandname(ph, node_index, demand_index, demand_name)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetdemandname(
    node_index: c_int,
    demand_index: c_int,
    demand_name: *mut c_char,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setdemandname(ph, node_index, demand_index, demand_name)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENaddlink(
    id: *mut c_char,
    link_type: c_int,
    from_node: *mut c_char,
    to_node: *mut c_char,
    index: *mut c_int,
) -> c_int {
    default_project(|ph| unsafe { ffi::EN_addlink(ph, id, link_type, from_node, to_node, index) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENdeletelink(index: c_int, action_code: c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_deletelink(ph, index, action_code) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetlinkindex(id: *mut c_char, index: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getlinkindex(ph, id, index) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetlinkid(index: c_int, id: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getlinkid(ph, index, id) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetlinkid(index: c_int, newid: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setlinkid(ph, index, newid) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetlinktype(index: c_int, link_type: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getlinktype(ph, index, link_type) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetlinktype(
    index: *mut c_int,
    link_type: c_int,
    action_code: c_int,
) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setlinktype(ph, index, link_type, action_code) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetlinknodes(
    index: c_int,
    node1: *mut c_int,
    node2: *mut c_int,
) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getlinknodes(ph, index, node1, node2) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetlinknodes(index: c_int, node1: c_int, node2: c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setlinknodes(ph, index, node1, node2) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetlinkvalue(
    index: c_int,
    property: c_int,
    value: *mut c_float,
) -> c_int {
    default_project(|ph| {
        let mut value_d: c_double = 0.0;
        let code = unsafe { ffi::EN_getlinkvalue(ph, index, property, &mut value_d) };
        if !value.is_null() {
            unsafe { value.write(value_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetlinkvalue(index: c_int, property: c_int, value: c_float) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setlinkvalue(ph, index, property, c_double::from(value))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetpipedata(
    index: c_int,
    length: c_float,
    diam: c_float,
    rough: c_float,
    mloss: c_float,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setpipedata(
            ph,
            index,
            c_double::from(length),
            c_double::from(diam),
            c_double::from(rough),
            c_double::from(mloss),
        )
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetvertexcount(index: c_int, count: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getvertexcount(ph, index, count) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetvertex(
    index: c_int,
    vertex: c_int,
    x: *mut c_double,
    y: *mut c_double,
) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getvertex(ph, index, vertex, x, y) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetvertices(
    index: c_int,
    x: *mut c_double,
    y: *mut c_double,
    count: c_int,
) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setvertices(ph, index, x, y, count) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetpumptype(link_index: c_int, pump_type: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getpumptype(ph, link_index, pump_type) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetheadcurveindex(link_index: c_int, curve_index: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getheadcurveindex(ph, link_index, curve_index) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetheadcurveindex(link_index: c_int, curve_index: c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setheadcurveindex(ph, link_index, curve_index) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENaddpattern(id: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_addpattern(ph, id) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENdeletepattern(index: c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_deletepattern(ph, index) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetpatternindex(id: *mut c_char, index: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getpatternindex(ph, id, index) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetpatternid(index: c_int, id: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getpatternid(ph, index, id) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetpatternid(index: c_int, id: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setpatternid(ph, index, id) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetpatternlen(index: c_int, len: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getpatternlen(ph, index, len) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetpatternvalue(
    index: c_int,
    period: c_int,
    value: *mut c_float,
) -> c_int {
    default_project(|ph| {
        let mut value_d: c_double = 0.0;
        let code = unsafe { ffi::EN_getpatternvalue(ph, index, period, &mut value_d) };
        if !value.is_null() {
            unsafe { value.write(value_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetpatternvalue(index: c_int, period: c_int, value: c_float) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setpatternvalue(ph, index, period, c_double::from(value))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetaveragepatternvalue(index: c_int, value: *mut c_float) -> c_int {
    default_project(|ph| {
        let mut value_d: c_double = 0.0;
        let code = unsafe { ffi::EN_getaveragepatternvalue(ph, index, &mut value_d) };
        if !value.is_null() {
            unsafe { value.write(value_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENaddcurve(id: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_addcurve(ph, id) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENdeletecurve(index: c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_deletecurve(ph, index) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetcurveindex(id: *mut c_char, index: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getcurveindex(ph, id, index) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetcurveid(index: c_int, id: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getcurveid(ph, index, id) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetcurveid(index: c_int, id: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setcurveid(ph, index, id) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetcurvelen(index: c_int, len: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getcurvelen(ph, index, len) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetcurvetype(index: c_int, kind: *mut c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getcurvetype(ph, index, kind) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetcurvevalue(
    curve_index: c_int,
    point_index: c_int,
    x: *mut c_float,
    y: *mut c_float,
) -> c_int {
    default_project(|ph| {
        let mut x_d: c_double = 0.0;
        let mut y_d: c_double = 0.0;
        let code =
            unsafe { ffi::EN_getcurvevalue(ph, curve_index, point_index, &mut x_d, &mut y_d) };
        if !x.is_null() {
            unsafe { x.write(x_d as c_float) }
        }
        if !y.is_null() {
            unsafe { y.write(y_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetcurvevalue(
    curve_index: c_int,
    point_index: c_int,
    x: c_float,
    y: c_float,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setcurvevalue(
            ph,
            curve_index,
            point_index,
            c_double::from(x),
            c_double::from(y),
        )
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENaddcontrol(
    kind: c_int,
    link_index: c_int,
    setting: c_float,
    node_index: c_int,
    level: c_float,
    index: *mut c_int,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_addcontrol(
            ph,
            kind,
            link_index,
            c_double::from(setting),
            node_index,
            c_double::from(level),
            index,
        )
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENdeletecontrol(index: c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_deletecontrol(ph, index) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetcontrol(
    index: c_int,
    kind: *mut c_int,
    link_index: *mut c_int,
    setting: *mut c_float,
    node_index: *mut c_int,
    level: *mut c_float,
) -> c_int {
    default_project(|ph| {
        let mut setting_d: c_double = 0.0;
        let mut level_d: c_double = 0.0;
        let code = unsafe {
            ffi::EN_getcontrol(
                ph,
                index,
                kind,
                link_index,
                &mut setting_d,
                node_index,
                &mut level_d,
            )
        };
        if !setting.is_null() {
            unsafe { setting.write(setting_d as c_float) }
        }
        if !level.is_null() {
            unsafe { level.write(level_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetcontrol(
    index: c_int,
    kind: c_int,
    link_index: c_int,
    setting: c_float,
    node_index: c_int,
    level: c_float,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setcontrol(
            ph,
            index,
            kind,
            link_index,
            c_double::from(setting),
            node_index,
            c_double::from(level),
        )
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENaddrule(rule: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_addrule(ph, rule) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENdeleterule(index: c_int) -> c_int {
    default_project(|ph| unsafe { ffi::EN_deleterule(ph, index) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetrule(
    index: c_int,
    n_premises: *mut c_int,
    n_then_actions: *mut c_int,
    n_else_actions: *mut c_int,
    priority: *mut c_float,
) -> c_int {
    default_project(|ph| {
        let mut priority_d: c_double = 0.0;
        let code = unsafe {
            ffi::EN_getrule(
                ph,
                index,
                n_premises,
                n_then_actions,
                n_else_actions,
                &mut priority_d,
            )
        };
        if !priority.is_null() {
            unsafe { priority.write(priority_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetruleID(index: c_int, id: *mut c_char) -> c_int {
    default_project(|ph| unsafe { ffi::EN_getruleID(ph, index, id) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetpremise(
    rule_index: c_int,
    premise_index: c_int,
    logop: *mut c_int,
    object: *mut c_int,
    obj_index: *mut c_int,
    variable: *mut c_int,
    relop: *mut c_int,
    status: *mut c_int,
    value: *mut c_float,
) -> c_int {
    default_project(|ph| {
        let mut value_d: c_double = 0.0;
        let code = unsafe {
            ffi::EN_getpremise(
                ph,
                rule_index,
                premise_index,
                logop,
                object,
                obj_index,
                variable,
                relop,
                status,
                &mut value_d,
            )
        };
        if !value.is_null() {
            unsafe { value.write(value_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetpremise(
    rule_index: c_int,
    premise_index: c_int,
    logop: c_int,
    object: c_int,
    obj_index: c_int,
    variable: c_int,
    relop: c_int,
    status: c_int,
    value: c_float,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setpremise(
            ph,
            rule_index,
            premise_index,
            logop,
            object,
            obj_index,
            variable,
            relop,
            status,
            c_double::from(value),
        )
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetpremiseindex(
    rule_index: c_int,
    premise_index: c_int,
    obj_index: c_int,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setpremiseindex(ph, rule_index, premise_index, obj_index)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetpremisestatus(
    rule_index: c_int,
    premise_index: c_int,
    status: c_int,
) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setpremisestatus(ph, rule_index, premise_index, status) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetpremisevalue(
    rule_index: c_int,
    premise_index: c_int,
    value: c_float,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setpremisevalue(ph, rule_index, premise_index, c_double::from(value))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetthenaction(
    rule_index: c_int,
    action_index: c_int,
    link_index: *mut c_int,
    status: *mut c_int,
    setting: *mut c_float,
) -> c_int {
    default_project(|ph| {
        let mut setting_d: c_double = 0.0;
        let code = unsafe {
            ffi::EN_getthenaction(
                ph,
                rule_index,
                action_index,
                link_index,
                status,
                &mut setting_d,
            )
        };
        if !setting.is_null() {
            unsafe { setting.write(setting_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetthenaction(
    rule_index: c_int,
    action_index: c_int,
    link_index: c_int,
    status: c_int,
    setting: c_float,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setthenaction(
            ph,
            rule_index,
            action_index,
            link_index,
            status,
            c_double::from(setting),
        )
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetelseaction(
    rule_index: c_int,
    action_index: c_int,
    link_index: *mut c_int,
    status: *mut c_int,
    setting: *mut c_float,
) -> c_int {
    default_project(|ph| {
        let mut setting_d: c_double = 0.0;
        let code = unsafe {
            ffi::EN_getelseaction(
                ph,
                rule_index,
                action_index,
                link_index,
                status,
                &mut setting_d,
            )
        };
        if !setting.is_null() {
            unsafe { setting.write(setting_d as c_float) }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetelseaction(
    rule_index: c_int,
    action_index: c_int,
    link_index: c_int,
    status: c_int,
    setting: c_float,
) -> c_int {
    default_project(|ph| unsafe {
        ffi::EN_setelseaction(
            ph,
            rule_index,
            action_index,
            link_index,
            status,
            c_double::from(setting),
        )
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetrulepriority(index: c_int, priority: c_float) -> c_int {
    default_project(|ph| unsafe { ffi::EN_setrulepriority(ph, index, c_double::from(priority)) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENopen(
    inp: *const c_char,
    rpt: *const c_char,
    out: *const c_char,
) -> c_int {
    default_project(|ph| unsafe { ffi::EN_open(ph, inp, rpt, out) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENinit(
    rpt: *const c_char,
    out: *const c_char,
    units: c_int,
    headloss: c_int,
) -> c_int {
    default_project(|ph| unsafe { ffi::EN_init(ph, rpt, out, units, headloss) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENclose() -> c_int {
    default_project(|ph| unsafe { ffi::EN_close(ph) })
}

/// `ENepanet`: the whole run of EPANET's command line.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENepanet(
    inp: *const c_char,
    rpt: *const c_char,
    out: *const c_char,
    progress: Option<unsafe extern "C" fn(*mut c_char)>,
) -> c_int {
    default_project(|ph| unsafe { ffi::EN_runproject(ph, inp, rpt, out, progress) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetversion(version: *mut c_int) -> c_int {
    unsafe { ffi::EN_getversion(version) }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgeterror(code: c_int, out: *mut c_char, max_len: c_int) -> c_int {
    unsafe { ffi::EN_geterror(code, out, max_len) }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetpattern(index: c_int, values: *mut c_float, len: c_int) -> c_int {
    default_project(|ph| {
        if len < 0 || (values.is_null() && len > 0) {
            return 251;
        }
        // SAFETY: the caller passed len values.
        let mut v: Vec<c_double> = (0..len as usize)
            .map(|i| c_double::from(unsafe { *values.add(i) }))
            .collect();
        unsafe { ffi::EN_setpattern(ph, index, v.as_mut_ptr(), len) }
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENgetcurve(
    index: c_int,
    id: *mut c_char,
    n: *mut c_int,
    xs: *mut c_float,
    ys: *mut c_float,
) -> c_int {
    default_project(|ph| {
        let mut len: c_int = 0;
        let code = unsafe { ffi::EN_getcurvelen(ph, index, &mut len) };
        if code != 0 {
            return code;
        }
        let (mut x, mut y) = (vec![0.0; len as usize], vec![0.0; len as usize]);
        let code = unsafe { ffi::EN_getcurve(ph, index, id, n, x.as_mut_ptr(), y.as_mut_ptr()) };
        if code == 0 {
            if xs.is_null() || ys.is_null() {
                return 251;
            }
            for i in 0..x.len() {
                // SAFETY: the caller's arrays hold the curve's points.
                unsafe {
                    xs.add(i).write(x[i] as c_float);
                    ys.add(i).write(y[i] as c_float);
                }
            }
        }
        code
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn ENsetcurve(
    index: c_int,
    xs: *mut c_float,
    ys: *mut c_float,
    n: c_int,
) -> c_int {
    default_project(|ph| {
        if n < 0 || ((xs.is_null() || ys.is_null()) && n > 0) {
            return 251;
        }
        // SAFETY: the caller passed n values in each array.
        let widen = |p: *mut c_float| -> Vec<c_double> {
            (0..n as usize)
                .map(|i| c_double::from(unsafe { *p.add(i) }))
                .collect()
        };
        let (mut x, mut y) = (widen(xs), widen(ys));
        unsafe { ffi::EN_setcurve(ph, index, x.as_mut_ptr(), y.as_mut_ptr(), n) }
    })
}
