//! Object comments (`EN_getcomment`, `EN_setcomment`) against EPANET 2.2
//! (`entoolkit` 2.2.0's library, called the same way): read from a file
//! written for EPANET's rules (`tests/networks/comments.inp`), set, got,
//! saved with `EN_saveinpfile` and read back, wrong calls, and runs that
//! comments must not change. Texts are compared exactly; run values within
//! 1e-6 relative to max(1, |EPANET's value|).

mod common;

use std::ffi::{CStr, CString, c_char, c_double, c_int, c_long, c_void};
use std::path::{Path, PathBuf};

use common::*;

type Ph = *mut c_void;

/// EN_NODE, EN_LINK, EN_TIMEPAT, EN_CURVE with the EN_getcount code of each.
const OBJECTS: [(c_int, c_int); 4] = [(0, 0), (1, 2), (2, 3), (3, 4)];

struct Lib {
    _lib: libloading::Library,
    create: unsafe extern "C" fn(*mut Ph) -> c_int,
    delete: unsafe extern "C" fn(Ph) -> c_int,
    open: unsafe extern "C" fn(Ph, *const c_char, *const c_char, *const c_char) -> c_int,
    close: unsafe extern "C" fn(Ph) -> c_int,
    count: unsafe extern "C" fn(Ph, c_int, *mut c_int) -> c_int,
    get: unsafe extern "C" fn(Ph, c_int, c_int, *mut c_char) -> c_int,
    set: unsafe extern "C" fn(Ph, c_int, c_int, *const c_char) -> c_int,
    save: unsafe extern "C" fn(Ph, *const c_char) -> c_int,
    open_h: unsafe extern "C" fn(Ph) -> c_int,
    init_h: unsafe extern "C" fn(Ph, c_int) -> c_int,
    run_h: unsafe extern "C" fn(Ph, *mut c_long) -> c_int,
    next_h: unsafe extern "C" fn(Ph, *mut c_long) -> c_int,
    close_h: unsafe extern "C" fn(Ph) -> c_int,
    node_value: unsafe extern "C" fn(Ph, c_int, c_int, *mut c_double) -> c_int,
    link_value: unsafe extern "C" fn(Ph, c_int, c_int, *mut c_double) -> c_int,
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
                count: f!("EN_getcount"),
                get: f!("EN_getcomment"),
                set: f!("EN_setcomment"),
                save: f!("EN_saveinpfile"),
                open_h: f!("EN_openH"),
                init_h: f!("EN_initH"),
                run_h: f!("EN_runH"),
                next_h: f!("EN_nextH"),
                close_h: f!("EN_closeH"),
                node_value: f!("EN_getnodevalue"),
                link_value: f!("EN_getlinkvalue"),
                _lib: lib,
            }
        }
    }

    /// A new project, with `inp` opened when given (None: it does not open).
    fn project(&self, inp: Option<&Path>) -> Option<Ph> {
        let mut ph: Ph = std::ptr::null_mut();
        // SAFETY: documented calls with valid arguments.
        unsafe {
            assert_eq!((self.create)(&mut ph), 0);
            if let Some(inp) = inp {
                let tmp = temp(&format!("{:p}", &ph));
                let (i, r) = (c(inp), c(&tmp.with_extension("rpt")));
                if (self.open)(ph, i.as_ptr(), r.as_ptr(), c"".as_ptr()) > 100 {
                    self.done(ph);
                    return None;
                }
            }
        }
        Some(ph)
    }

    fn done(&self, ph: Ph) {
        // SAFETY: a project from `project`.
        unsafe {
            (self.close)(ph);
            (self.delete)(ph);
        }
    }

    fn count(&self, ph: Ph, what: c_int) -> c_int {
        let mut n = 0;
        // SAFETY: valid project and out pointer.
        unsafe { (self.count)(ph, what, &mut n) };
        n
    }

    /// `EN_getcomment` into a buffer of EPANET's MAXMSG + 1 bytes that held "x".
    fn get(&self, ph: Ph, object: c_int, index: c_int) -> (c_int, String) {
        let mut buf = [0 as c_char; 256];
        buf[0] = b'x' as c_char;
        // SAFETY: a buffer of 256 bytes, as EPANET requires.
        let rc = unsafe { (self.get)(ph, object, index, buf.as_mut_ptr()) };
        let text = unsafe { CStr::from_ptr(buf.as_ptr()) };
        (rc, text.to_string_lossy().into_owned())
    }

    fn set(&self, ph: Ph, object: c_int, index: c_int, text: &str) -> c_int {
        let text = CString::new(text).unwrap();
        // SAFETY: a NUL-terminated string.
        unsafe { (self.set)(ph, object, index, text.as_ptr()) }
    }

    /// Every comment of the project, labelled.
    fn comments(&self, ph: Ph) -> Answers {
        let mut out = Vec::new();
        for (object, what) in OBJECTS {
            for i in 1..=self.count(ph, what) {
                let (rc, text) = self.get(ph, object, i);
                out.push((format!("object {object} index {i}"), rc, text));
            }
        }
        out
    }
}

fn c(p: &Path) -> CString {
    CString::new(p.to_str().unwrap()).unwrap()
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("oasis-comments-{}-{name}", std::process::id()))
}

fn reference() -> Option<Lib> {
    oasis_parity::epanet22().map(|tk| Lib::load(tk.path()))
}

/// The file written for EPANET 2.2's rules on comments.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/networks/comments.inp")
}

#[test]
fn comments_read_from_a_file_equal_epanet22s() {
    let _turn = serial();
    let Some(reference) = reference() else { return };
    let ours = Lib::load(&library_path());
    let read = |lib: &Lib| {
        let ph = lib.project(Some(&fixture())).expect("the fixture opens");
        let all = lib.comments(ph);
        lib.done(ph);
        all
    };
    let (a, b) = (read(&ours), read(&reference));
    assert_eq!(a, b);
    // The file gives most objects a comment: equal empty answers prove nothing.
    assert!(
        b.iter().filter(|(_, _, t)| !t.is_empty()).count() >= 18,
        "{b:?}"
    );
}

type Answers = Vec<(String, c_int, String)>;

/// Comments set (over the file's, on objects without one, cleared, of the
/// most bytes kept, through a null pointer), got, saved and read back: the
/// codes of the calls, the comments then, and those of the saved file.
fn set_save_reopen(lib: &Lib, saved: &Path) -> (Vec<c_int>, Answers, Answers) {
    let ph = lib.project(Some(&fixture())).expect("the fixture opens");
    let mut codes = vec![
        lib.set(ph, 0, 1, "set: over the file's"),
        lib.set(ph, 0, 5, "  blanks around  "),
        lib.set(ph, 0, 6, &"y".repeat(255)),
        lib.set(ph, 1, 1, ""),
        lib.set(ph, 1, 7, "pump ; a semicolon"),
        lib.set(ph, 2, 3, "set: pattern"),
        lib.set(ph, 3, 3, "set: curve"),
        // SAFETY: a null comment, which EPANET 2.2 reads as none.
        unsafe { (lib.set)(ph, 0, 9, std::ptr::null()) },
    ];
    let set = lib.comments(ph);
    // SAFETY: a valid path.
    codes.push(unsafe { (lib.save)(ph, c(saved).as_ptr()) });
    lib.done(ph);
    let ph = lib.project(Some(saved)).expect("the saved file opens");
    let reopened = lib.comments(ph);
    lib.done(ph);
    (codes, set, reopened)
}

#[test]
fn set_get_save_and_reopen_as_in_epanet22() {
    let _turn = serial();
    let Some(reference) = reference() else { return };
    let ours = Lib::load(&library_path());
    let (a, b) = (
        set_save_reopen(&ours, &temp("ours.inp")),
        set_save_reopen(&reference, &temp("epanet.inp")),
    );
    assert_eq!(a, b);
    assert!(a.0.iter().all(|&rc| rc == 0), "{:?}", a.0);
    assert_eq!(a.2[5].2, "y".repeat(255), "node 6, reopened");
}

/// Our `EN_saveinpfile` keeps every comment of every network: the saved
/// file, reopened, has the comments EPANET 2.2 reads from the original.
#[test]
fn saved_files_keep_every_comment() {
    let _turn = serial();
    let Some(reference) = reference() else { return };
    let ours = Lib::load(&library_path());
    let saved = temp("saved.inp");
    let (mut compared, mut failures) = (0, Vec::new());
    for inp in networks() {
        let (Some(a), Some(b)) = (ours.project(Some(&inp)), reference.project(Some(&inp))) else {
            continue;
        };
        // SAFETY: a valid path.
        assert_eq!(unsafe { (ours.save)(a, c(&saved).as_ptr()) }, 0);
        let expected = reference.comments(b);
        reference.done(b);
        ours.done(a);
        let a = ours.project(Some(&saved)).expect("the saved file opens");
        let got = ours.comments(a);
        ours.done(a);
        match got.iter().zip(&expected).find(|(x, y)| x != y) {
            None if got.len() == expected.len() => compared += 1,
            differ => failures.push(format!("{}: {differ:?}", inp.display())),
        }
    }
    eprintln!("{compared} networks keep EPANET 2.2's comments through a save");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared > 0);
}

fn wrong_calls(lib: &Lib) -> Answers {
    let mut out = Vec::new();
    // No network open: EPANET 2.2 answers 251 (there is no such object).
    let ph = lib.project(None).unwrap();
    out.push(("get, no network".into(), lib.get(ph, 0, 1).0, String::new()));
    out.push((
        "set, no network".into(),
        lib.set(ph, 0, 1, "c"),
        String::new(),
    ));
    lib.done(ph);
    let ph = lib.project(Some(&fixture())).expect("the fixture opens");
    for object in [-1, 4, 99] {
        // A bad object empties the buffer, too.
        let (rc, text) = lib.get(ph, object, 1);
        out.push((format!("get object {object}"), rc, text));
        out.push((
            format!("set object {object}"),
            lib.set(ph, object, 1, "c"),
            String::new(),
        ));
    }
    for (object, what) in OBJECTS {
        for index in [-1, 0, lib.count(ph, what) + 1] {
            let (rc, _) = lib.get(ph, object, index);
            out.push((
                format!("get object {object} index {index}"),
                rc,
                String::new(),
            ));
            let rc = lib.set(ph, object, index, "c");
            out.push((
                format!("set object {object} index {index}"),
                rc,
                String::new(),
            ));
        }
    }
    // EPANET 2.2 keeps 255 bytes of a longer comment but leaves them without
    // their NUL (its xstrcpy), so what it answers then is not compared.
    out.push((
        "set 1000 bytes".into(),
        lib.set(ph, 1, 2, &"z".repeat(1000)),
        String::new(),
    ));
    lib.done(ph);
    out
}

#[test]
fn wrong_comment_calls_answer_epanet22s_codes() {
    let _turn = serial();
    let ours = Lib::load(&library_path());
    // A null buffer is an error, not a crash (EPANET 2.2 writes through it).
    let ph = ours.project(Some(&fixture())).unwrap();
    // SAFETY: a deliberate null pointer: the library must check it.
    assert_eq!(unsafe { (ours.get)(ph, 0, 1, std::ptr::null_mut()) }, 251);
    assert_eq!(unsafe { (ours.get)(ph, 7, 1, std::ptr::null_mut()) }, 251);
    // A longer comment keeps EPANET's 255 bytes.
    assert_eq!(ours.set(ph, 1, 2, &"z".repeat(1000)), 0);
    assert_eq!(ours.get(ph, 1, 2), (0, "z".repeat(255)));
    ours.done(ph);
    let Some(reference) = reference() else { return };
    let (a, b) = (wrong_calls(&ours), wrong_calls(&reference));
    assert_eq!(a, b);
    assert!(
        a.iter()
            .filter(|(w, ..)| *w != "set 1000 bytes")
            .all(|(_, rc, _)| *rc == 251),
        "{a:?}"
    );
}

/// The warning, heads and flows at every step of a run; with `comment`,
/// every object's comment is set before each step.
fn run(lib: &Lib, comment: bool) -> Vec<(c_long, Vec<f64>)> {
    let ph = lib.project(Some(&fixture())).expect("the fixture opens");
    let (nodes, links) = (lib.count(ph, 0), lib.count(ph, 2));
    let mut out = Vec::new();
    // SAFETY: valid project and out pointers.
    unsafe {
        assert_eq!((lib.open_h)(ph), 0);
        assert_eq!((lib.init_h)(ph, 0), 0);
        loop {
            if comment {
                for (object, what) in OBJECTS {
                    for i in 1..=lib.count(ph, what) {
                        assert_eq!(lib.set(ph, object, i, &format!("step {}", out.len())), 0);
                    }
                }
            }
            let (mut t, mut step) = (0, 0);
            // A warning (such as negative pressures) is one of the answers.
            let rc = (lib.run_h)(ph, &mut t);
            assert!(rc < 100, "runH {rc}");
            let mut values = vec![f64::from(rc)];
            for i in 1..=nodes {
                let mut v = 0.0;
                (lib.node_value)(ph, i, 10, &mut v);
                values.push(v);
            }
            for k in 1..=links {
                let mut v = 0.0;
                (lib.link_value)(ph, k, 8, &mut v);
                values.push(v);
            }
            out.push((t, values));
            assert_eq!((lib.next_h)(ph, &mut step), 0);
            if step <= 0 {
                break;
            }
        }
        (lib.close_h)(ph);
    }
    lib.done(ph);
    out
}

#[test]
fn comments_set_during_a_run_never_change_it() {
    let _turn = serial();
    let ours = Lib::load(&library_path());
    let commented = run(&ours, true);
    assert_eq!(commented, run(&ours, false), "bit for bit");
    assert!(commented.len() > 1);
    let Some(reference) = reference() else { return };
    let theirs = run(&reference, true);
    assert_eq!(commented.len(), theirs.len());
    for ((t, a), (u, b)) in commented.iter().zip(&theirs) {
        assert_eq!(t, u);
        for (x, y) in a.iter().zip(b) {
            assert!(close(*x, *y, 1e-6), "at {t} s: oasis {x}, epanet {y}");
        }
    }
}
