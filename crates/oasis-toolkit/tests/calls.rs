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
