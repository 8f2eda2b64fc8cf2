//! Toolkit calls one by one, through the shared library as a C program makes
//! them: wrong calls answer EPANET 2.2's error code (compared with
//! `entoolkit` 2.2.0's library, called the same way) and never crash; edits
//! made through the API change the run as they change EPANET's; projects on
//! separate threads do not disturb each other.

mod common;

use std::ffi::{CString, c_char, c_double, c_int, c_long, c_void};
use std::path::{Path, PathBuf};

use common::*;

type Ph = *mut c_void;

/// The calls these tests make, resolved from one library.
struct Lib {
    _lib: libloading::Library,
    create: unsafe extern "C" fn(*mut Ph) -> c_int,
    delete: unsafe extern "C" fn(Ph) -> c_int,
    open: unsafe extern "C" fn(Ph, *const c_char, *const c_char, *const c_char) -> c_int,
    close: unsafe extern "C" fn(Ph) -> c_int,
    run_h: unsafe extern "C" fn(Ph, *mut c_long) -> c_int,
    next_h: unsafe extern "C" fn(Ph, *mut c_long) -> c_int,
    open_h: unsafe extern "C" fn(Ph) -> c_int,
    init_h: unsafe extern "C" fn(Ph, c_int) -> c_int,
    close_h: unsafe extern "C" fn(Ph) -> c_int,
    solve_h: unsafe extern "C" fn(Ph) -> c_int,
    open_q: unsafe extern "C" fn(Ph) -> c_int,
    run_q: unsafe extern "C" fn(Ph, *mut c_long) -> c_int,
    node_value: unsafe extern "C" fn(Ph, c_int, c_int, *mut c_double) -> c_int,
    set_node_value: unsafe extern "C" fn(Ph, c_int, c_int, c_double) -> c_int,
    link_value: unsafe extern "C" fn(Ph, c_int, c_int, *mut c_double) -> c_int,
    set_link_value: unsafe extern "C" fn(Ph, c_int, c_int, c_double) -> c_int,
    node_index: unsafe extern "C" fn(Ph, *const c_char, *mut c_int) -> c_int,
    add_node: unsafe extern "C" fn(Ph, *const c_char, c_int, *mut c_int) -> c_int,
    add_link: unsafe extern "C" fn(
        Ph,
        *const c_char,
        c_int,
        *const c_char,
        *const c_char,
        *mut c_int,
    ) -> c_int,
    delete_link: unsafe extern "C" fn(Ph, c_int, c_int) -> c_int,
    count: unsafe extern "C" fn(Ph, c_int, *mut c_int) -> c_int,
    time_param: unsafe extern "C" fn(Ph, c_int, *mut c_long) -> c_int,
    set_time_param: unsafe extern "C" fn(Ph, c_int, c_long) -> c_int,
    pattern_value: unsafe extern "C" fn(Ph, c_int, c_int, *mut c_double) -> c_int,
    set_option: unsafe extern "C" fn(Ph, c_int, c_double) -> c_int,
    add_control:
        unsafe extern "C" fn(Ph, c_int, c_int, c_double, c_int, c_double, *mut c_int) -> c_int,
    error: unsafe extern "C" fn(c_int, *mut c_char, c_int) -> c_int,
}

impl Lib {
    fn load(path: &Path) -> Lib {
        // SAFETY: an EPANET toolkit library; the symbols have these C signatures.
        unsafe {
            let lib = libloading::Library::new(path).expect("library loads");
            macro_rules! f {
                ($name:literal) => {
                    *lib.get(concat!($name, "\0").as_bytes()).expect($name)
                };
            }
            Lib {
                create: f!("EN_createproject"),
                delete: f!("EN_deleteproject"),
                open: f!("EN_open"),
                close: f!("EN_close"),
                run_h: f!("EN_runH"),
                next_h: f!("EN_nextH"),
                open_h: f!("EN_openH"),
                init_h: f!("EN_initH"),
                close_h: f!("EN_closeH"),
                solve_h: f!("EN_solveH"),
                open_q: f!("EN_openQ"),
                run_q: f!("EN_runQ"),
                node_value: f!("EN_getnodevalue"),
                set_node_value: f!("EN_setnodevalue"),
                link_value: f!("EN_getlinkvalue"),
                set_link_value: f!("EN_setlinkvalue"),
                node_index: f!("EN_getnodeindex"),
                add_node: f!("EN_addnode"),
                add_link: f!("EN_addlink"),
                delete_link: f!("EN_deletelink"),
                count: f!("EN_getcount"),
                time_param: f!("EN_gettimeparam"),
                set_time_param: f!("EN_settimeparam"),
                pattern_value: f!("EN_getpatternvalue"),
                set_option: f!("EN_setoption"),
                add_control: f!("EN_addcontrol"),
                error: f!("EN_geterror"),
                _lib: lib,
            }
        }
    }

    /// A project with `inp` opened (a fresh report and output file each).
    fn project(&self, inp: &Path) -> Ph {
        let mut ph: Ph = std::ptr::null_mut();
        let tmp =
            std::env::temp_dir().join(format!("oasis-calls-{}-{:p}", std::process::id(), &ph));
        let c = |p: &Path| CString::new(p.to_str().unwrap()).unwrap();
        let (i, r, o) = (
            c(inp),
            c(&tmp.with_extension("rpt")),
            c(&tmp.with_extension("out")),
        );
        // SAFETY: documented toolkit calls with valid arguments.
        unsafe {
            assert_eq!((self.create)(&mut ph), 0);
            assert_eq!(
                (self.open)(ph, i.as_ptr(), r.as_ptr(), o.as_ptr()),
                0,
                "{} opens",
                inp.display()
            );
        }
        ph
    }

    fn done(&self, ph: Ph) {
        // SAFETY: a project from `project`.
        unsafe {
            (self.close)(ph);
            (self.delete)(ph);
        }
    }

    /// Heads and flows at every hydraulic step of a run.
    fn run(&self, ph: Ph) -> Vec<(c_long, Vec<f64>)> {
        let mut out = Vec::new();
        // SAFETY: valid project and out pointers.
        unsafe {
            let (mut nodes, mut links) = (0, 0);
            (self.count)(ph, 0, &mut nodes);
            (self.count)(ph, 2, &mut links);
            assert_eq!((self.open_h)(ph), 0);
            assert_eq!((self.init_h)(ph, 0), 0);
            loop {
                let (mut t, mut step, mut v) = (0, 0, 0.0);
                assert!((self.run_h)(ph, &mut t) < 100);
                let mut values = Vec::new();
                for i in 1..=nodes {
                    (self.node_value)(ph, i, 10, &mut v);
                    values.push(v);
                }
                for k in 1..=links {
                    (self.link_value)(ph, k, 8, &mut v);
                    values.push(v);
                }
                out.push((t, values));
                assert!((self.next_h)(ph, &mut step) < 100);
                if step == 0 {
                    break;
                }
            }
            (self.close_h)(ph);
        }
        out
    }
}

fn reference() -> Option<Lib> {
    oasis_parity::epanet22().map(|tk| Lib::load(tk.path()))
}

fn net1() -> PathBuf {
    oasis_parity::workspace().join("examples/jinchang-demo.inp")
}

/// A function of the library by name.
///
/// # Safety
/// `T` is the function's C signature.
unsafe fn sym<T: Copy>(lib: &Lib, name: &str) -> T {
    let name = format!("{name}\0");
    unsafe { *lib._lib.get::<T>(name.as_bytes()).expect("exported") }
}

fn id(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Each wrong call, made on both libraries from the same state.
fn wrong_calls(lib: &Lib, inp: &Path) -> Vec<(&'static str, c_int)> {
    let ph = lib.project(inp);
    let (mut v, mut t, mut n) = (0.0, 0 as c_long, 0);
    let long_id = id(&"J".repeat(40));
    // SAFETY: valid project; every out pointer is valid (EPANET itself
    // does not check them).
    let codes = unsafe {
        (lib.count)(ph, 0, &mut n);
        vec![
            ("node index 0", (lib.node_value)(ph, 0, 0, &mut v)),
            (
                "node index past the end",
                (lib.node_value)(ph, n + 1, 0, &mut v),
            ),
            (
                "link index past the end",
                (lib.link_value)(ph, 10_000, 0, &mut v),
            ),
            ("node property 99", (lib.node_value)(ph, 1, 99, &mut v)),
            ("link property 99", (lib.link_value)(ph, 1, 99, &mut v)),
            ("runH before openH", (lib.run_h)(ph, &mut t)),
            ("nextH before openH", (lib.next_h)(ph, &mut t)),
            ("runQ before openQ", (lib.run_q)(ph, &mut t)),
            ("openQ before any hydraulics", (lib.open_q)(ph)),
            (
                "id longer than 31 characters",
                (lib.node_index)(ph, long_id.as_ptr(), &mut n),
            ),
            (
                "add a node with a long id",
                (lib.add_node)(ph, long_id.as_ptr(), 0, &mut n),
            ),
            ("add a node with an id in use", {
                let mut first = [0 as c_char; 64];
                let get_id: libloading::Symbol<
                    unsafe extern "C" fn(Ph, c_int, *mut c_char) -> c_int,
                > = lib._lib.get(b"EN_getnodeid\0").unwrap();
                get_id(ph, 1, first.as_mut_ptr());
                (lib.add_node)(ph, first.as_ptr(), 0, &mut n)
            }),
            (
                "add a node of type 7",
                (lib.add_node)(ph, id("NEWNODE").as_ptr(), 7, &mut n),
            ),
            (
                "link to a missing node",
                (lib.add_link)(
                    ph,
                    id("NEWLINK").as_ptr(),
                    1,
                    id("NOPE1").as_ptr(),
                    id("NOPE2").as_ptr(),
                    &mut n,
                ),
            ),
            ("negative emitter", (lib.set_node_value)(ph, 1, 3, -1.0)),
            ("negative diameter", (lib.set_link_value)(ph, 1, 0, -5.0)),
            ("pattern period 0", (lib.pattern_value)(ph, 1, 0, &mut v)),
            ("pattern 99", (lib.pattern_value)(ph, 99, 1, &mut v)),
            ("time parameter 99", (lib.time_param)(ph, 99, &mut t)),
            ("count of object 9", (lib.count)(ph, 9, &mut n)),
            ("accuracy of 1", (lib.set_option)(ph, 1, 1.0)),
            ("option 99", (lib.set_option)(ph, 99, 1.0)),
            (
                "control of type 9",
                (lib.add_control)(ph, 9, 1, 1.0, 0, 0.0, &mut n),
            ),
            (
                "control on link 0",
                (lib.add_control)(ph, 2, 0, 1.0, 0, 0.0, &mut n),
            ),
            ("delete link 0", (lib.delete_link)(ph, 0, 0)),
            ("closeH without openH", (lib.close_h)(ph)),
        ]
    };
    lib.done(ph);
    codes
}

#[test]
fn wrong_calls_answer_epanet22s_error_codes() {
    let _turn = serial();
    let Some(reference) = reference() else { return };
    let ours = Lib::load(&library_path());
    let (a, b) = (
        wrong_calls(&ours, &net1()),
        wrong_calls(&reference, &net1()),
    );
    let differ: Vec<String> = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, y)| format!("{}: oasis {}, epanet {}", x.0, x.1, y.1))
        .collect();
    assert!(differ.is_empty(), "{}", differ.join("\n"));
    assert!(
        a.iter()
            .filter(|(what, _)| *what != "closeH without openH")
            .all(|(_, c)| *c > 100),
        "{a:?}"
    );
}

#[test]
fn null_pointers_and_missing_projects_are_errors_not_crashes() {
    let _turn = serial();
    let ours = Lib::load(&library_path());
    let ph = ours.project(&net1());
    // SAFETY: deliberate null pointers: the library must check them.
    unsafe {
        assert_eq!((ours.node_value)(ph, 1, 0, std::ptr::null_mut()), 251);
        assert_eq!((ours.run_h)(ph, std::ptr::null_mut()), 103);
        assert_eq!(
            (ours.node_index)(ph, std::ptr::null(), std::ptr::null_mut()),
            251
        );
        assert_eq!(
            (ours.count)(std::ptr::null_mut(), 0, std::ptr::null_mut()),
            102
        );
        assert_eq!((ours.solve_h)(std::ptr::null_mut()), 102);
        assert_eq!((ours.create)(std::ptr::null_mut()), 251);
        let mut text = [0 as c_char; 80];
        assert_eq!((ours.error)(200, text.as_mut_ptr(), 80), 0);
        let msg = std::ffi::CStr::from_ptr(text.as_ptr()).to_str().unwrap();
        assert_eq!(msg, "Error 200: one or more errors in input file");
        assert_eq!(
            (ours.error)(203, text.as_mut_ptr(), 30),
            0,
            "a short buffer is cut, not overrun"
        );
        assert_eq!(std::ffi::CStr::from_ptr(text.as_ptr()).to_bytes().len(), 29);
    }
    ours.done(ph);
}

#[test]
fn error_messages_equal_epanet22s() {
    let _turn = serial();
    let Some(reference) = reference() else { return };
    let ours = Lib::load(&library_path());
    let message = |lib: &Lib, code| {
        let mut text = [0 as c_char; 256];
        // SAFETY: a buffer of 256 bytes, 255 passed.
        let rc = unsafe { (lib.error)(code, text.as_mut_ptr(), 255) };
        (
            rc,
            unsafe { std::ffi::CStr::from_ptr(text.as_ptr()) }
                .to_string_lossy()
                .into_owned(),
        )
    };
    for code in (0..=6).chain(100..=310) {
        assert_eq!(
            message(&ours, code),
            message(&reference, code),
            "code {code}"
        );
    }
}

/// The same edits through the API on both libraries give the same run.
fn edited_run(lib: &Lib, inp: &Path) -> Vec<(c_long, Vec<f64>)> {
    let ph = lib.project(inp);
    let mut index = 0;
    // SAFETY: valid project and arguments.
    unsafe {
        assert_eq!((lib.set_time_param)(ph, 0, 6 * 3600), 0);
        // A new junction teed off the first junction, with a demand and a leak.
        let mut first = [0 as c_char; 64];
        let get_id: libloading::Symbol<unsafe extern "C" fn(Ph, c_int, *mut c_char) -> c_int> =
            lib._lib.get(b"EN_getnodeid\0").unwrap();
        get_id(ph, 1, first.as_mut_ptr());
        assert_eq!((lib.add_node)(ph, id("TEE").as_ptr(), 0, &mut index), 0);
        assert_eq!((lib.set_node_value)(ph, index, 0, 1500.0), 0);
        assert_eq!((lib.set_node_value)(ph, index, 1, 3.0), 0);
        assert_eq!((lib.set_node_value)(ph, index, 3, 0.8), 0);
        let mut link = 0;
        assert_eq!(
            (lib.add_link)(
                ph,
                id("TEEPIPE").as_ptr(),
                1,
                first.as_ptr(),
                id("TEE").as_ptr(),
                &mut link
            ),
            0
        );
        assert_eq!((lib.set_link_value)(ph, link, 0, 150.0), 0);
        assert_eq!((lib.set_link_value)(ph, link, 1, 250.0), 0);
        // Close the first pipe from 2 h (a timer control) and raise demand.
        assert_eq!((lib.add_control)(ph, 2, 1, 0.0, 0, 7200.0, &mut index), 0);
        assert_eq!((lib.set_option)(ph, 4, 1.3), 0);
    }
    let run = lib.run(ph);
    lib.done(ph);
    run
}

#[test]
fn edits_through_the_api_change_the_run_as_in_epanet22() {
    let _turn = serial();
    let Some(reference) = reference() else { return };
    let ours = Lib::load(&library_path());
    let (a, b) = (edited_run(&ours, &net1()), edited_run(&reference, &net1()));
    assert_eq!(a.len(), b.len(), "same steps");
    for ((ta, va), (tb, vb)) in a.iter().zip(&b) {
        assert_eq!(ta, tb);
        for (i, (x, y)) in va.iter().zip(vb).enumerate() {
            assert!(
                close(*x, *y, 1e-6),
                "at {ta} s value {i}: oasis {x}, epanet {y}"
            );
        }
    }
    let unedited = ours.run(ours.project(&net1()));
    assert_ne!(
        a[0].1.len(),
        unedited[0].1.len(),
        "the edit added a node and a link"
    );
}

#[test]
fn projects_on_separate_threads_do_not_disturb_each_other() {
    let _turn = serial();
    let ours = Lib::load(&library_path());
    let mut files = vec![
        net1(),
        oasis_parity::workspace().join("crates/oasis-parity/tests/networks/quality-base.inp"),
    ];
    files.extend(networks().into_iter().take(6));
    let serial: Vec<_> = files.iter().map(|f| ours.run(ours.project(f))).collect();
    let parallel: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = files
            .iter()
            .map(|f| {
                let lib = &ours;
                s.spawn(move || {
                    // Each thread runs its network three times over.
                    (0..3).map(|_| lib.run(lib.project(f))).last().unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(serial, parallel);
}

type Edit = fn(&Lib, Ph, usize, &Start);

/// What the edits start from, read once when the project opens (so that
/// no value goes back and forth between file and internal units).
struct Start {
    link_types: Vec<c_int>,
    first_pipe: Option<c_int>,
    /// The first junction's base demand; the first pipe's diameter and
    /// roughness; the first pattern's first factor.
    demand: f64,
    diameter: f64,
    roughness: f64,
    factor: f64,
}

/// A run stepped as users step one, `edit` called after each solution with
/// the step number and the link types; pressures, flows, statuses and the
/// solver's iterations at every step. `runs` runs follow each other in one
/// `EN_openH` session, the later ones started by `EN_initH(EN_NOSAVE)`, which
/// starts from the last run's flows.
fn stepped_run(lib: &Lib, inp: &Path, runs: usize, edit: Edit) -> Vec<(c_long, Vec<f64>)> {
    let ph = lib.project(inp);
    let mut out = Vec::new();
    // SAFETY: valid project and out pointers.
    unsafe {
        let (mut nodes, mut links) = (0, 0);
        (lib.count)(ph, 0, &mut nodes);
        (lib.count)(ph, 2, &mut links);
        let link_types: Vec<c_int> = (1..=links)
            .map(|k| {
                let f: libloading::Symbol<unsafe extern "C" fn(Ph, c_int, *mut c_int) -> c_int> =
                    lib._lib.get(b"EN_getlinktype\0").unwrap();
                let mut t = 0;
                f(ph, k, &mut t);
                t
            })
            .collect();
        let first_pipe = link_types
            .iter()
            .position(|&t| t <= 1)
            .map(|k| k as c_int + 1);
        let value = |f: unsafe extern "C" fn(Ph, c_int, c_int, *mut c_double) -> c_int, i, p| {
            let mut v = 0.0;
            f(ph, i, p, &mut v);
            v
        };
        let start = Start {
            demand: value(lib.node_value, 1, 1),
            diameter: value(lib.link_value, first_pipe.unwrap_or(1), 0),
            roughness: value(lib.link_value, first_pipe.unwrap_or(1), 2),
            factor: value(lib.pattern_value, 1, 1),
            link_types,
            first_pipe,
        };
        let statistic: libloading::Symbol<unsafe extern "C" fn(Ph, c_int, *mut c_double) -> c_int> =
            lib._lib.get(b"EN_getstatistic\0").unwrap();
        assert_eq!((lib.open_h)(ph), 0);
        for _ in 0..runs {
            assert_eq!((lib.init_h)(ph, 0), 0);
            for step in 0.. {
                let (mut t, mut dt, mut v) = (0, 0, 0.0);
                assert!((lib.run_h)(ph, &mut t) < 100);
                statistic(ph, 0, &mut v);
                let mut values = vec![v];
                // Pressure and demand deficit (EPANET 2.2 frees the arrays
                // behind the deficit at EN_closeH: it is read only here).
                for i in 1..=nodes {
                    for p in [11, 27] {
                        (lib.node_value)(ph, i, p, &mut v);
                        values.push(v);
                    }
                }
                for k in 1..=links {
                    (lib.link_value)(ph, k, 8, &mut v);
                    values.push(v);
                    (lib.link_value)(ph, k, 11, &mut v);
                    values.push(v);
                }
                out.push((t, values));
                edit(lib, ph, step, &start);
                assert!((lib.next_h)(ph, &mut dt) < 100);
                if dt == 0 {
                    break;
                }
            }
        }
        (lib.close_h)(ph);
    }
    lib.done(ph);
    out
}

/// A control loop as users write one: every third step, close or open the
/// first plain pipe and scale the first pump's speed or valve's setting.
fn toggle_and_throttle(lib: &Lib, ph: Ph, step: usize, start: &Start) {
    let kinds = &start.link_types;
    if step % 3 != 1 {
        return;
    }
    let mut v = 0.0;
    // SAFETY: valid project and out pointers.
    unsafe {
        if let Some(k) = kinds.iter().position(|&t| t == 1) {
            (lib.link_value)(ph, k as c_int + 1, 11, &mut v);
            assert_eq!((lib.set_link_value)(ph, k as c_int + 1, 11, 1.0 - v), 0);
        }
        if let Some(k) = kinds.iter().position(|&t| t >= 2) {
            (lib.link_value)(ph, k as c_int + 1, 12, &mut v);
            assert_eq!((lib.set_link_value)(ph, k as c_int + 1, 12, v * 0.9), 0);
        }
    }
}

/// Model edits between steps, which EPANET applies from the next solve: the
/// first junction's base demand, the second's emitter, the first pipe's
/// diameter and roughness, the first pattern's first factor.
fn edit_properties(lib: &Lib, ph: Ph, step: usize, start: &Start) {
    if step % 3 != 1 {
        return;
    }
    // Up, then back down, so that the network stays in its working range.
    let f = if step % 6 == 1 { 1.25 } else { 0.8 };
    // SAFETY: valid project.
    unsafe {
        assert_eq!((lib.set_node_value)(ph, 1, 1, start.demand * f + 1.0), 0);
        assert_eq!((lib.set_node_value)(ph, 2, 3, 0.1 * f), 0);
        if let Some(k) = start.first_pipe {
            assert_eq!((lib.set_link_value)(ph, k, 0, start.diameter * f), 0);
            assert_eq!((lib.set_link_value)(ph, k, 2, start.roughness / f), 0);
        }
        let set: libloading::Symbol<unsafe extern "C" fn(Ph, c_int, c_int, c_double) -> c_int> =
            lib._lib.get(b"EN_setpatternvalue\0").unwrap();
        set(ph, 1, 1, start.factor * f);
    }
}

/// The stepped runs of `inp` through both libraries agree: values to 1e-6
/// (relative), and the same iterations at every step.
fn compare_stepped(ours: &Lib, reference: &Lib, inp: &Path, runs: usize, edit: Edit) {
    let (a, b) = (
        stepped_run(ours, inp, runs, edit),
        stepped_run(reference, inp, runs, edit),
    );
    assert_eq!(a.len(), b.len(), "{}: same steps", inp.display());
    for ((ta, va), (tb, vb)) in a.iter().zip(&b) {
        assert_eq!(ta, tb, "{}", inp.display());
        assert_eq!(va[0], vb[0], "{} at {ta} s: iterations", inp.display());
        for (i, (x, y)) in va.iter().zip(vb).enumerate() {
            assert!(
                close(*x, *y, 1e-6),
                "{} at {ta} s value {i}: oasis {x}, epanet {y}",
                inp.display()
            );
        }
    }
}

fn stepped_networks() -> Vec<PathBuf> {
    networks()
        .into_iter()
        .filter(|p| {
            let s = p.display().to_string();
            // io.inp: pressure-driven demands.
            s.contains("Net1.inp")
                || s.contains("Net3.inp")
                || s.contains("jinchang")
                || s.contains("anytown")
                || s.ends_with("networks_for_testing/io.inp")
        })
        .collect()
}

#[test]
fn status_and_setting_changes_during_a_run_act_as_in_epanet22() {
    let _turn = serial();
    let Some(reference) = reference() else { return };
    let ours = Lib::load(&library_path());
    let inps = stepped_networks();
    assert!(
        inps.len() >= 2,
        "networks with pumps and valves: {}",
        inps.len()
    );
    for inp in &inps {
        compare_stepped(&ours, &reference, inp, 1, toggle_and_throttle);
    }
}

/// EPANET 2.2 applies a property set while its solver is open from the next
/// solve; and a second run in one session, started by `EN_initH(EN_NOSAVE)`,
/// starts from the flows the first ended with (seen in its iterations).
#[test]
fn property_edits_during_a_run_and_a_second_run_act_as_in_epanet22() {
    let _turn = serial();
    let Some(reference) = reference() else { return };
    let ours = Lib::load(&library_path());
    for inp in &stepped_networks() {
        compare_stepped(&ours, &reference, inp, 2, edit_properties);
    }
}

#[test]
fn the_legacy_api_runs_a_network_in_single_precision() {
    let _turn = serial();
    let Some(reference) = oasis_parity::epanet22() else {
        return;
    };
    let ours = library_path();
    type Open = unsafe extern "C" fn(*const c_char, *const c_char, *const c_char) -> c_int;
    type Plain = unsafe extern "C" fn() -> c_int;
    type Value = unsafe extern "C" fn(c_int, c_int, *mut f32) -> c_int;
    type Step = unsafe extern "C" fn(*mut c_long) -> c_int;
    let run = |path: &Path| -> Vec<f32> {
        // SAFETY: the legacy API of an EPANET library, called in order.
        unsafe {
            let lib = libloading::Library::new(path).unwrap();
            let open: libloading::Symbol<Open> = lib.get(b"ENopen\0").unwrap();
            let open_h: libloading::Symbol<Plain> = lib.get(b"ENopenH\0").unwrap();
            let init_h: libloading::Symbol<unsafe extern "C" fn(c_int) -> c_int> =
                lib.get(b"ENinitH\0").unwrap();
            let run_h: libloading::Symbol<Step> = lib.get(b"ENrunH\0").unwrap();
            let next_h: libloading::Symbol<Step> = lib.get(b"ENnextH\0").unwrap();
            let close: libloading::Symbol<Plain> = lib.get(b"ENclose\0").unwrap();
            let value: libloading::Symbol<Value> = lib.get(b"ENgetnodevalue\0").unwrap();
            let tmp = std::env::temp_dir().join(format!("oasis-legacy-{}", std::process::id()));
            let c = |p: &Path| CString::new(p.to_str().unwrap()).unwrap();
            let (i, r) = (c(&net1()), c(&tmp.with_extension("rpt")));
            assert_eq!(open(i.as_ptr(), r.as_ptr(), c"".as_ptr()), 0);
            assert_eq!(open_h(), 0);
            assert_eq!(init_h(0), 0);
            let mut heads = Vec::new();
            loop {
                let (mut t, mut v) = (0, 0.0f32);
                run_h(&mut t);
                for node in 1..=5 {
                    assert_eq!(value(node, 10, &mut v), 0);
                    heads.push(v);
                }
                next_h(&mut t);
                if t == 0 {
                    break;
                }
            }
            close();
            heads
        }
    };
    let (a, b) = (run(&ours), run(reference.path()));
    assert!(a.len() > 5);
    assert_eq!(a, b, "single-precision heads equal EPANET 2.2's");
}

/// A rule added as text closes a pipe from 3 h on, in both libraries alike.
fn run_with_added_rule(lib: &Lib, inp: &Path) -> (c_int, Vec<(c_long, Vec<f64>)>) {
    let ph = lib.project(inp);
    // SAFETY: valid project and arguments.
    let code = unsafe {
        let mut first = [0 as c_char; 64];
        let get_id: libloading::Symbol<unsafe extern "C" fn(Ph, c_int, *mut c_char) -> c_int> =
            lib._lib.get(b"EN_getlinkid\0").unwrap();
        get_id(ph, 1, first.as_mut_ptr());
        let pipe = std::ffi::CStr::from_ptr(first.as_ptr())
            .to_str()
            .unwrap()
            .to_string();
        let add: libloading::Symbol<unsafe extern "C" fn(Ph, *const c_char) -> c_int> =
            lib._lib.get(b"EN_addrule\0").unwrap();
        let bad = add(ph, id("RULE X\nIF SYSTEM NONSENSE\n").as_ptr());
        assert!(bad > 200, "a bad rule is refused: {bad}");
        add(
            ph,
            id(&format!(
                "RULE CLOSE3\nIF SYSTEM TIME >= 3\nTHEN PIPE {pipe} STATUS IS CLOSED\nPRIORITY 5"
            ))
            .as_ptr(),
        )
    };
    let run = lib.run(ph);
    lib.done(ph);
    (code, run)
}

#[test]
fn a_rule_added_as_text_acts_as_in_epanet22() {
    let _turn = serial();
    let Some(reference) = reference() else { return };
    let ours = Lib::load(&library_path());
    let ((ca, a), (cb, b)) = (
        run_with_added_rule(&ours, &net1()),
        run_with_added_rule(&reference, &net1()),
    );
    assert_eq!((ca, cb), (0, 0));
    assert_eq!(a.len(), b.len());
    for ((ta, va), (tb, vb)) in a.iter().zip(&b) {
        assert_eq!(ta, tb);
        for (i, (x, y)) in va.iter().zip(vb).enumerate() {
            assert!(
                close(*x, *y, 1e-6),
                "at {ta} s value {i}: oasis {x}, epanet {y}"
            );
        }
    }
}

// ---- Rule clauses (EN_getpremise … EN_setelseaction) ----------------------

type GetPremise = unsafe extern "C" fn(
    Ph,
    c_int,
    c_int,
    *mut c_int,
    *mut c_int,
    *mut c_int,
    *mut c_int,
    *mut c_int,
    *mut c_int,
    *mut c_double,
) -> c_int;
type SetPremise = unsafe extern "C" fn(
    Ph,
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    c_double,
) -> c_int;
type GetAction =
    unsafe extern "C" fn(Ph, c_int, c_int, *mut c_int, *mut c_int, *mut c_double) -> c_int;
type SetAction = unsafe extern "C" fn(Ph, c_int, c_int, c_int, c_int, c_double) -> c_int;

/// A rule or clause, named, as its code, its integers and its value.
type Clause = (String, (c_int, Vec<c_int>, f64));
type Run = Vec<(c_long, Vec<f64>)>;

/// The rule calls of one library.
struct Clauses {
    get_rule:
        unsafe extern "C" fn(Ph, c_int, *mut c_int, *mut c_int, *mut c_int, *mut c_double) -> c_int,
    get_premise: GetPremise,
    set_premise: SetPremise,
    set_premise_index: unsafe extern "C" fn(Ph, c_int, c_int, c_int) -> c_int,
    set_premise_status: unsafe extern "C" fn(Ph, c_int, c_int, c_int) -> c_int,
    set_premise_value: unsafe extern "C" fn(Ph, c_int, c_int, c_double) -> c_int,
    get_then: GetAction,
    set_then: SetAction,
    get_else: GetAction,
    set_else: SetAction,
    add_rule: unsafe extern "C" fn(Ph, *const c_char) -> c_int,
    set_priority: unsafe extern "C" fn(Ph, c_int, c_double) -> c_int,
    link_index: unsafe extern "C" fn(Ph, *const c_char, *mut c_int) -> c_int,
    save_inp: unsafe extern "C" fn(Ph, *const c_char) -> c_int,
}

impl Clauses {
    fn of(lib: &Lib) -> Clauses {
        // SAFETY: EPANET 2.2 toolkit symbols with these C signatures.
        unsafe {
            macro_rules! f {
                ($name:literal) => {
                    *lib._lib.get(concat!($name, "\0").as_bytes()).expect($name)
                };
            }
            Clauses {
                get_rule: f!("EN_getrule"),
                get_premise: f!("EN_getpremise"),
                set_premise: f!("EN_setpremise"),
                set_premise_index: f!("EN_setpremiseindex"),
                set_premise_status: f!("EN_setpremisestatus"),
                set_premise_value: f!("EN_setpremisevalue"),
                get_then: f!("EN_getthenaction"),
                set_then: f!("EN_setthenaction"),
                get_else: f!("EN_getelseaction"),
                set_else: f!("EN_setelseaction"),
                add_rule: f!("EN_addrule"),
                set_priority: f!("EN_setrulepriority"),
                link_index: f!("EN_getlinkindex"),
                save_inp: f!("EN_saveinpfile"),
            }
        }
    }

    /// Premise `i` of rule `r`: the code, the six integers and the value.
    fn premise(&self, ph: Ph, r: c_int, i: c_int) -> (c_int, [c_int; 6], f64) {
        let (mut n, mut v) = ([0; 6], 0.0);
        let [a, b, c, d, e, f] = &mut n;
        // SAFETY: valid out pointers.
        let code = unsafe { (self.get_premise)(ph, r, i, a, b, c, d, e, f, &mut v) };
        (code, n, v)
    }

    fn action(&self, ph: Ph, r: c_int, i: c_int, then: bool) -> (c_int, [c_int; 2], f64) {
        let (mut link, mut status, mut setting) = (0, 0, 0.0);
        let get = if then { self.get_then } else { self.get_else };
        // SAFETY: valid out pointers.
        let code = unsafe { get(ph, r, i, &mut link, &mut status, &mut setting) };
        (code, [link, status], setting)
    }

    /// Every clause of every rule, as codes.
    fn all(&self, lib: &Lib, ph: Ph) -> Vec<Clause> {
        let mut out = Vec::new();
        let mut rules = 0;
        // SAFETY: valid project and out pointers.
        unsafe { (lib.count)(ph, 6, &mut rules) };
        for r in 1..=rules {
            let (mut np, mut nt, mut ne, mut priority) = (0, 0, 0, 0.0);
            // SAFETY: as above.
            let code = unsafe { (self.get_rule)(ph, r, &mut np, &mut nt, &mut ne, &mut priority) };
            out.push((format!("rule {r}"), (code, vec![np, nt, ne], priority)));
            for i in 1..=np {
                let (c, n, v) = self.premise(ph, r, i);
                out.push((format!("rule {r} premise {i}"), (c, n.to_vec(), v)));
            }
            for (then, n) in [(true, nt), (false, ne)] {
                for i in 1..=n {
                    let (c, n, v) = self.action(ph, r, i, then);
                    out.push((
                        format!("rule {r} action {i} (then: {then})"),
                        (c, n.to_vec(), v),
                    ));
                }
            }
        }
        out
    }
}

/// A project with `inp` opened, or `None` where the library refuses it.
fn open_any(lib: &Lib, inp: &Path) -> Option<Ph> {
    let mut ph: Ph = std::ptr::null_mut();
    let tmp = std::env::temp_dir().join(format!("oasis-rules-{}", std::process::id()));
    let c = |p: &Path| CString::new(p.to_str().unwrap()).unwrap();
    let (i, r) = (c(inp), c(&tmp.with_extension("rpt")));
    // SAFETY: documented toolkit calls with valid arguments.
    unsafe {
        assert_eq!((lib.create)(&mut ph), 0);
        if (lib.open)(ph, i.as_ptr(), r.as_ptr(), c"".as_ptr()) < 100 {
            return Some(ph);
        }
        (lib.delete)(ph);
    }
    None
}

fn same_clauses(what: &str, a: &[Clause], b: &[Clause]) {
    assert_eq!(a.len(), b.len(), "{what}: clause count");
    for ((name, x), (_, y)) in a.iter().zip(b) {
        assert!(
            x.0 == y.0 && x.1 == y.1 && close(x.2, y.2, 1e-9),
            "{what} {name}: oasis {x:?}, epanet 2.2 {y:?}"
        );
    }
}

/// Reference: EPANET 2.2 from `entoolkit` 2.2.0; values equal to 1e-9
/// relative, codes exactly, for every rule clause of every network with rules.
#[test]
fn every_rule_clause_reads_as_in_epanet22() {
    let _turn = serial();
    let Some(reference) = reference() else {
        eprintln!("skipped: EPANET 2.2 (entoolkit 2.2.0) is not installed");
        return;
    };
    let ours = Lib::load(&library_path());
    let (co, cr) = (Clauses::of(&ours), Clauses::of(&reference));
    let (mut with_rules, mut clauses) = (0, 0);
    for inp in networks() {
        let text = std::fs::read_to_string(&inp)
            .unwrap_or_default()
            .to_ascii_uppercase();
        if !text.contains("[RULES]") {
            continue;
        }
        let Some(pr) = open_any(&reference, &inp) else {
            eprintln!("EPANET 2.2 does not open {}: left out", inp.display());
            continue;
        };
        let b = cr.all(&reference, pr);
        reference.done(pr);
        let po = open_any(&ours, &inp).expect("oasis opens what EPANET 2.2 opens");
        let a = co.all(&ours, po);
        ours.done(po);
        same_clauses(&inp.display().to_string(), &a, &b);
        with_rules += usize::from(!b.is_empty());
        clauses += b.len();
    }
    eprintln!("{clauses} rules and clauses in {with_rules} networks read alike");
    assert!(
        with_rules >= 1 && clauses >= 4,
        "the repository's own network has a rule"
    );
}

/// Rules of every form EPANET 2.2's reader takes, for
/// `tests/networks/eps-tank-controls.inp`: every object word, variable,
/// relation and synonym, OR, clock times with AM/PM, times with units,
/// status and setting actions (a pipe's setting is a status).
const RULES_OF_EVERY_FORM: [&str; 4] = [
    "RULE R1\nIF SYSTEM CLOCKTIME >= 7:30 AM\nAND SYSTEM CLOCKTIME < 5 PM\nOR SYSTEM TIME = 2:00\n\
     AND SYSTEM DEMAND ABOVE 10\nTHEN VALVE V1 SETTING IS 6.5\nELSE VALVE V1 STATUS IS ACTIVE\nPRIORITY 1",
    "RULE R2\nIF TANK T1 FILLTIME BELOW 2.5\nAND JUNCTION J2 GRADE <> 40\nAND NODE J3 HEAD <= 45.5\n\
     AND JUNCTION J4 DEMAND >= 0.1\nTHEN PIPE P4 SETTING = 0\nAND PIPE P2 SETTING = 3\nELSE PUMP PU1 SETTING = 0.9",
    "RULE R3\nIF TANK T1 DRAINTIME > 1\nAND LINK P5 STATUS NOT CLOSED\nAND PIPE P1 FLOW < 30\n\
     AND VALVE V1 SETTING = 5\nAND PUMP PU1 STATUS IS OPEN\nOR RESERVOIR R1 PRESSURE > -1\n\
     THEN PUMP PU1 STATUS = CLOSED\nAND LINK P5 STATUS = OPEN",
    "RULE R4\nIF SYSTEM TIME > 3 HOURS\nAND TANK T1 LEVEL < 7\nTHEN PUMP PU1 SETTING = 1.1\nAND VALVE V1 STATUS = OPEN",
];

/// `RULES_OF_EVERY_FORM` added to the network: its clauses and its run.
fn rules_of_every_form(lib: &Lib) -> (Vec<Clause>, Run) {
    let c = Clauses::of(lib);
    let ph = lib.project(&rules_net());
    for rule in RULES_OF_EVERY_FORM {
        // SAFETY: valid project and text.
        assert_eq!(unsafe { (c.add_rule)(ph, id(rule).as_ptr()) }, 0, "{rule}");
    }
    let clauses = c.all(lib, ph);
    let run = lib.run(ph);
    lib.done(ph);
    (clauses, run)
}

/// Reference: EPANET 2.2 from `entoolkit` 2.2.0: clauses equal (codes
/// exactly, values to 1e-9 relative), runs to 1e-6 relative.
#[test]
fn rule_clauses_of_every_form_read_and_act_as_in_epanet22() {
    let _turn = serial();
    let Some(reference) = reference() else {
        eprintln!("skipped: EPANET 2.2 (entoolkit 2.2.0) is not installed");
        return;
    };
    let (a, ra) = rules_of_every_form(&Lib::load(&library_path()));
    let (b, rb) = rules_of_every_form(&reference);
    assert!(b.len() > 30);
    same_clauses("every form", &a, &b);
    same_runs("every form", &ra, &rb);
}

/// Names of objects in `tests/networks/eps-tank-controls.inp`, as indices.
fn index_of(lib: &Lib, c: &Clauses, ph: Ph, node: bool, name: &str) -> c_int {
    let mut i = 0;
    // SAFETY: valid project, id and out pointer.
    let code = unsafe {
        if node {
            (lib.node_index)(ph, id(name).as_ptr(), &mut i)
        } else {
            (c.link_index)(ph, id(name).as_ptr(), &mut i)
        }
    };
    assert_eq!(code, 0, "{name}");
    i
}

fn rules_net() -> PathBuf {
    oasis_parity::workspace().join("tests/networks/eps-tank-controls.inp")
}

/// A rule added as text, then every clause of it edited through the API.
/// Answers the project (still open) and the clauses after the edit.
fn edit_rule(lib: &Lib, edit: bool) -> (Ph, Vec<Clause>) {
    let c = Clauses::of(lib);
    let ph = lib.project(&rules_net());
    let rule = "RULE EDITED\nIF SYSTEM TIME >= 1\nAND NODE J2 PRESSURE > 1000\nAND LINK P5 STATUS IS OPEN\n\
                THEN PIPE P4 STATUS IS OPEN\nAND PUMP PU1 SETTING IS 1\nELSE PIPE P2 STATUS IS OPEN\nPRIORITY 1";
    // SAFETY: valid project and arguments.
    unsafe {
        assert_eq!((c.add_rule)(ph, id(rule).as_ptr()), 0);
        if edit {
            let j4 = index_of(lib, &c, ph, true, "J4");
            let j2 = index_of(lib, &c, ph, true, "J2");
            let [p4, pu1, v1] = ["P4", "PU1", "V1"].map(|l| index_of(lib, &c, ph, false, l));
            // From 9 AM by the clock (the run starts at 6 AM) ...
            assert_eq!(
                (c.set_premise)(ph, 2, 1, 2, 8, 0, 10, 3, 0, 9.0 * 3600.0),
                0
            );
            // ... while J4's pressure is below 500 m ...
            assert_eq!((c.set_premise)(ph, 2, 2, 2, 6, j2, 4, 4, 0, 1000.0), 0);
            assert_eq!((c.set_premise_index)(ph, 2, 2, j4), 0);
            assert_eq!((c.set_premise_value)(ph, 2, 2, 500.0), 0);
            // ... or P5 is closed (a timer closes it at 3 h, 9 AM).
            assert_eq!(
                (c.set_premise)(
                    ph,
                    2,
                    3,
                    3,
                    7,
                    index_of(lib, &c, ph, false, "P5"),
                    6,
                    0,
                    1,
                    MISSING
                ),
                0
            );
            assert_eq!((c.set_premise_status)(ph, 2, 3, 2), 0);
            // Then close P4 and slow the pump; else TCV V1 to 8 (over the
            // tank rule, priority 2).
            assert_eq!((c.set_then)(ph, 2, 1, p4, 2, MISSING), 0);
            assert_eq!((c.set_then)(ph, 2, 2, pu1, -1, 0.8), 0);
            assert_eq!((c.set_else)(ph, 2, 1, v1, -1, 8.0), 0);
            assert_eq!((c.set_priority)(ph, 2, 3.0), 0);
        }
    }
    let clauses = c.all(lib, ph);
    (ph, clauses)
}

/// EPANET 2.2's `MISSING`, the value of a status premise or action.
const MISSING: f64 = -1e10;

fn same_runs(what: &str, a: &[(c_long, Vec<f64>)], b: &[(c_long, Vec<f64>)]) {
    assert_eq!(a.len(), b.len(), "{what}: same steps");
    for ((ta, va), (tb, vb)) in a.iter().zip(b) {
        assert_eq!(ta, tb, "{what}");
        for (i, (x, y)) in va.iter().zip(vb).enumerate() {
            assert!(
                close(*x, *y, 1e-6),
                "{what} at {ta} s value {i}: {x} vs {y}"
            );
        }
    }
}

/// Reference: EPANET 2.2 from `entoolkit` 2.2.0. Clauses edited through the
/// API read back alike (1e-9 relative) and the run follows the edit alike
/// (heads and flows to 1e-6 relative at every step); the file saved after
/// the edit gives the same run again, in both libraries.
#[test]
fn edited_rule_clauses_act_as_in_epanet22() {
    let _turn = serial();
    let Some(reference) = reference() else {
        eprintln!("skipped: EPANET 2.2 (entoolkit 2.2.0) is not installed");
        return;
    };
    let ours = Lib::load(&library_path());
    let (po, a) = edit_rule(&ours, true);
    let (pr, b) = edit_rule(&reference, true);
    same_clauses("edited", &a, &b);
    let (ra, rb) = (ours.run(po), reference.run(pr));
    same_runs("edited run", &ra, &rb);
    let (pu, _) = edit_rule(&ours, false);
    let unedited = ours.run(pu);
    ours.done(pu);
    assert!(
        ra.iter().zip(&unedited).any(|(x, y)| x
            .1
            .iter()
            .zip(&y.1)
            .any(|(p, q)| !close(*p, *q, 1e-3))),
        "the edit changes the run"
    );

    let saved = std::env::temp_dir().join(format!("oasis-rules-saved-{}.inp", std::process::id()));
    let path = CString::new(saved.to_str().unwrap()).unwrap();
    // SAFETY: valid project and path.
    assert_eq!(
        unsafe { (Clauses::of(&ours).save_inp)(po, path.as_ptr()) },
        0
    );
    ours.done(po);
    reference.done(pr);
    for lib in [&ours, &reference] {
        let ph = lib.project(&saved);
        same_clauses("reopened", &Clauses::of(lib).all(lib, ph), &b);
        same_runs("run of the saved file", &lib.run(ph), &rb);
        lib.done(ph);
    }
    let _ = std::fs::remove_file(saved);
}

/// Reference: EPANET 2.2 from `entoolkit` 2.2.0: a missing rule is 257 and
/// a missing clause 258, before any other check, in both libraries.
#[test]
fn missing_rules_and_clauses_answer_epanet22s_codes() {
    let _turn = serial();
    let Some(reference) = reference() else {
        eprintln!("skipped: EPANET 2.2 (entoolkit 2.2.0) is not installed");
        return;
    };
    let codes = |lib: &Lib| {
        let (ph, _) = edit_rule(lib, false);
        let c = Clauses::of(lib);
        let mut out = Vec::new();
        for (r, i) in [
            (0, 1),
            (3, 1),
            (-1, 1),
            (c_int::MIN, 1),
            (1, 0),
            (1, 2),
            (2, 4),
            (2, -1),
            (2, c_int::MIN),
        ] {
            // SAFETY: valid project and out pointers.
            unsafe {
                out.push(c.premise(ph, r, i).0);
                out.push((c.set_premise)(ph, r, i, 2, 8, 0, 9, 3, 0, 3600.0));
                out.push((c.set_premise_index)(ph, r, i, 1));
                out.push((c.set_premise_status)(ph, r, i, 1));
                out.push((c.set_premise_value)(ph, r, i, 1.0));
                // Past the end of both action lists, or below 1.
                let k = if i > 0 { i + 2 } else { i };
                out.push(c.action(ph, r, k, true).0);
                out.push(c.action(ph, r, k, false).0);
                out.push((c.set_then)(ph, r, k, 1, 1, MISSING));
                out.push((c.set_else)(ph, r, k, 1, 1, MISSING));
            }
        }
        lib.done(ph);
        out
    };
    let (a, b) = (codes(&Lib::load(&library_path())), codes(&reference));
    assert_eq!(a, b);
    assert!(a.iter().all(|&c| c == 257 || c == 258), "{a:?}");
}

/// Values no clause can hold. EPANET 2.2 stores them unchecked (answering
/// 0) and its run then reads outside its arrays; this library refuses them
/// and leaves the clause as it was.
#[test]
fn values_no_clause_can_hold_are_refused() {
    let _turn = serial();
    let ours = Lib::load(&library_path());
    let c = Clauses::of(&ours);
    let (ph, before) = edit_rule(&ours, false);
    let tank = index_of(&ours, &c, ph, true, "T1");
    // SAFETY: valid project and arguments.
    unsafe {
        assert_eq!((c.set_premise_index)(ph, 2, 2, 0), 203, "node 0");
        assert_eq!((c.set_premise_index)(ph, 2, 3, 99), 204, "link 99");
        assert_eq!(
            (c.set_premise)(ph, 2, 1, 4, 8, 0, 9, 3, 0, 3600.0),
            251,
            "logop 4"
        );
        assert_eq!(
            (c.set_premise)(ph, 2, 1, 2, 5, 0, 9, 3, 0, 3600.0),
            251,
            "object 5"
        );
        assert_eq!(
            (c.set_premise)(ph, 2, 1, 2, 8, 0, 4, 3, 0, 1.0),
            251,
            "system pressure"
        );
        assert_eq!(
            (c.set_premise)(ph, 2, 1, 2, 8, 0, 9, 10, 0, 3600.0),
            251,
            "relop 10"
        );
        assert_eq!(
            (c.set_premise)(ph, 2, 1, 2, 8, 0, 9, 3, 0, -1.0),
            202,
            "negative time"
        );
        assert_eq!(
            (c.set_premise)(ph, 2, 1, 2, 6, tank, 7, 3, 0, 1.0),
            251,
            "node setting"
        );
        assert_eq!((c.set_premise_status)(ph, 2, 2, 1), 251, "open pressure");
        assert_eq!((c.set_premise_status)(ph, 2, 3, 4), 251, "status 4");
        assert_eq!((c.set_premise_value)(ph, 2, 2, f64::NAN), 202, "NaN");
        assert_eq!((c.set_then)(ph, 2, 1, 9999, 1, MISSING), 204, "link 9999");
        assert_eq!((c.set_then)(ph, 2, 2, 1, -1, -2.0), 202, "negative setting");
        assert_eq!(
            (c.set_then)(ph, 2, 2, 1, -1, MISSING),
            251,
            "neither status nor setting"
        );
        assert_eq!((c.set_else)(ph, 2, 1, 1, 7, MISSING), 251, "status 7");
    }
    assert_eq!(c.all(&ours, ph), before, "refused edits change nothing");
    ours.done(ph);
}

/// The `[ENERGY]` references to a pattern (global and a pump's price
/// pattern) and to a curve (a pump's efficiency) after the pattern and the
/// curve are renamed and deleted, and after a curve whose id reads as the
/// global efficiency's number is deleted; read back, and read by EPANET 2.2
/// from the file `EN_saveinpfile` writes.
fn energy_references(lib: &Lib, reference: &Lib, inp: &Path) -> Vec<(&'static str, c_int, f64)> {
    type Add = unsafe extern "C" fn(Ph, *const c_char) -> c_int;
    type SetId = unsafe extern "C" fn(Ph, c_int, *const c_char) -> c_int;
    type Delete = unsafe extern "C" fn(Ph, c_int) -> c_int;
    type GetOption = unsafe extern "C" fn(Ph, c_int, *mut c_double) -> c_int;
    type GetType = unsafe extern "C" fn(Ph, c_int, *mut c_int) -> c_int;
    let ph = lib.project(inp);
    let mut out = Vec::new();
    // SAFETY: valid project and arguments; symbols with these C signatures.
    unsafe {
        let add_pattern: Add = sym(lib, "EN_addpattern");
        let add_curve: Add = sym(lib, "EN_addcurve");
        let set_pattern_id: SetId = sym(lib, "EN_setpatternid");
        let set_curve_id: SetId = sym(lib, "EN_setcurveid");
        let delete_pattern: Delete = sym(lib, "EN_deletepattern");
        let delete_curve: Delete = sym(lib, "EN_deletecurve");
        let link_type: GetType = sym(lib, "EN_getlinktype");
        let (mut links, mut patterns, mut curves, mut t) = (0, 0, 0, 0);
        (lib.count)(ph, 2, &mut links);
        let pump = (1..=links)
            .find(|&k| link_type(ph, k, &mut t) == 0 && t == 2)
            .expect("a pump");
        assert_eq!(add_pattern(ph, id("PRICES").as_ptr()), 0);
        assert_eq!(add_curve(ph, id("EFFICIENCY").as_ptr()), 0);
        assert_eq!(add_curve(ph, id("80").as_ptr()), 0);
        (lib.count)(ph, 3, &mut patterns);
        (lib.count)(ph, 4, &mut curves);
        let (prices, efficiency, eighty) = (patterns, curves - 1, curves);
        assert_eq!((lib.set_option)(ph, 10, prices as f64), 0);
        assert_eq!((lib.set_option)(ph, 8, 80.0), 0);
        assert_eq!((lib.set_link_value)(ph, pump, 22, prices as f64), 0);
        assert_eq!((lib.set_link_value)(ph, pump, 20, efficiency as f64), 0);
        let read = |what, out: &mut Vec<(&'static str, c_int, f64)>, ph: Ph, lib: &Lib| {
            let get_option: GetOption = sym(lib, "EN_getoption");
            let mut v = 0.0;
            for (name, option) in [("global pattern", 10), ("global efficiency", 8)] {
                let rc = get_option(ph, option, &mut v);
                out.push((name, rc, v));
            }
            for (name, property) in [("pump price pattern", 22), ("pump efficiency curve", 20)] {
                let rc = (lib.link_value)(ph, pump, property, &mut v);
                out.push((name, rc, v));
            }
            out.push((what, 0, 0.0));
        };
        assert_eq!(set_pattern_id(ph, prices, id("RENAMED").as_ptr()), 0);
        assert_eq!(set_curve_id(ph, efficiency, id("EFF").as_ptr()), 0);
        assert_eq!(delete_curve(ph, eighty), 0);
        read("after renaming", &mut out, ph, lib);
        // EPANET 2.2 reads the saved file.
        let saved = std::env::temp_dir().join(format!(
            "oasis-energy-refs-{}-{:p}.inp",
            std::process::id(),
            &ph
        ));
        let path = CString::new(saved.to_str().unwrap()).unwrap();
        let save: Add = sym(lib, "EN_saveinpfile");
        assert_eq!(save(ph, path.as_ptr()), 0);
        let reopened = reference.project(&saved);
        read("saved, read by EPANET 2.2", &mut out, reopened, reference);
        reference.done(reopened);
        let _ = std::fs::remove_file(&saved);
        assert_eq!(delete_pattern(ph, prices), 0);
        assert_eq!(delete_curve(ph, efficiency), 0);
        read("after deleting", &mut out, ph, lib);
    }
    lib.done(ph);
    out
}

#[test]
fn energy_references_follow_renamed_and_deleted_patterns_and_curves_as_in_epanet22() {
    let _turn = serial();
    let Some(reference) = reference() else { return };
    let ours = Lib::load(&library_path());
    let inp = net1();
    let (a, b) = (
        energy_references(&ours, &reference, &inp),
        energy_references(&reference, &reference, &inp),
    );
    assert_eq!(a, b, "Oasis (left) and EPANET 2.2 (right)");
}

/// Renaming and deleting the objects a rule names (`eps-tank-controls.inp`:
/// `IF TANK T1 LEVEL ABOVE 6 THEN VALVE V1 …`): EPANET 2.2 refers to them by
/// index, so its rule follows a rename, and a rule that names a deleted
/// object goes with it. The codes of each call, the rule count, and the
/// run (heads and flows) after each step.
fn objects_named_by_rules(lib: &Lib, inp: &Path) -> Vec<(String, c_int, Run)> {
    type SetId = unsafe extern "C" fn(Ph, c_int, *const c_char) -> c_int;
    type Delete = unsafe extern "C" fn(Ph, c_int, c_int) -> c_int;
    let ph = lib.project(inp);
    let mut out = Vec::new();
    // SAFETY: valid project and arguments; symbols with these C signatures.
    unsafe {
        let index = |name: &str, node: bool| {
            let (mut i, f): (
                c_int,
                unsafe extern "C" fn(Ph, *const c_char, *mut c_int) -> c_int,
            ) = (
                0,
                if node {
                    lib.node_index
                } else {
                    sym(lib, "EN_getlinkindex")
                },
            );
            f(ph, id(name).as_ptr(), &mut i);
            i
        };
        let (tank, valve) = (index("T1", true), index("V1", false));
        let set_node_id: SetId = sym(lib, "EN_setnodeid");
        let set_link_id: SetId = sym(lib, "EN_setlinkid");
        let delete_node: Delete = sym(lib, "EN_deletenode");
        let mut step = |what: &str, rc: c_int| {
            let mut rules = 0;
            (lib.count)(ph, 6, &mut rules);
            out.push((format!("{what}: {rules} rules"), rc, lib.run(ph)));
        };
        step("renamed T1", set_node_id(ph, tank, id("TANK-1").as_ptr()));
        step("renamed V1", set_link_id(ph, valve, id("VALVE-1").as_ptr()));
        step(
            "V1 deleted if in no control",
            (lib.delete_link)(ph, valve, 1),
        );
        step("T1 deleted if in no control", delete_node(ph, tank, 1));
        step("V1 deleted", (lib.delete_link)(ph, valve, 0));
    }
    lib.done(ph);
    out
}

#[test]
fn rules_follow_renamed_and_deleted_objects_as_in_epanet22() {
    let _turn = serial();
    let Some(reference) = reference() else { return };
    let ours = Lib::load(&library_path());
    let inp = oasis_parity::workspace().join("tests/networks/eps-tank-controls.inp");
    let (a, b) = (
        objects_named_by_rules(&ours, &inp),
        objects_named_by_rules(&reference, &inp),
    );
    assert_eq!(a.len(), b.len());
    for ((what, rc, run), (what_ref, rc_ref, run_ref)) in a.iter().zip(&b) {
        assert_eq!(
            (what, rc),
            (what_ref, rc_ref),
            "Oasis (left) and EPANET 2.2 (right)"
        );
        assert_eq!(run.len(), run_ref.len(), "{what}: steps");
        for ((t, v), (t_ref, v_ref)) in run.iter().zip(run_ref) {
            assert_eq!(t, t_ref, "{what}");
            for (x, y) in v.iter().zip(v_ref) {
                assert!(
                    close(*x, *y, 1e-6),
                    "{what} at {t} s: oasis {x}, epanet {y}"
                );
            }
        }
    }
}
