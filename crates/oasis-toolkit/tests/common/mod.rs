//! The library under test, loaded the way its users load it: as a shared
//! object, through EPANET's C API, by the same harness that loads EPANET 2.2.

#![allow(dead_code)]

use std::path::PathBuf;

use oasis_epanet::Toolkit;

/// `libepanet2.so` from this build (cargo builds the cdylib beside the tests).
pub fn library_path() -> PathBuf {
    if let Some(p) = std::env::var_os("OASIS_TOOLKIT_LIB") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("test executable");
    // target/<profile>/deps/<test> → target/<profile>/libepanet2.so
    exe.parent()
        .and_then(|d| d.parent())
        .expect("target dir")
        .join("libepanet2.so")
}

pub fn oasis() -> Toolkit {
    let path = library_path();
    // `cargo test` builds the crate only as an rlib: the shared library comes
    // from `cargo build -p oasis-toolkit` (as `.ci/run` does first).
    let tk = Toolkit::load(&path).unwrap_or_else(|e| {
        panic!(
            "cannot load {} ({e}); build it first: cargo build [--release] -p oasis-toolkit",
            path.display()
        )
    });
    assert_eq!(tk.version(), 20200, "the library stands in for EPANET 2.2");
    tk
}

/// Every network the parity tests use: the shared benchmark set (when this
/// checkout has `../shared`), the parity fixtures and the examples.
pub fn networks() -> Vec<PathBuf> {
    let ws = oasis_parity::workspace();
    let mut all = Vec::new();
    if let Some(dir) = oasis_parity::shared_networks() {
        all.extend(oasis_parity::inp_files(&dir));
    }
    all.extend(oasis_parity::inp_files(&ws.join("tests/networks")));
    all.extend(oasis_parity::inp_files(
        &ws.join("crates/oasis-parity/tests/networks"),
    ));
    all.extend(oasis_parity::inp_files(&ws.join("examples")));
    // Files the reader refuses are left out: EPANET 2.2 itself can crash on
    // some of them (the reader's own tests cover those).
    all.retain(|p| std::fs::read(p).is_ok_and(|b| oasis_network::read_inp(&b, "").is_ok()));
    all
}

/// EPANET 2.2 keeps some process-wide state (its error tables, f2c statics),
/// so the tests that call it take turns.
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    static EPANET: std::sync::Mutex<()> = std::sync::Mutex::new(());
    EPANET.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0) || (a.is_nan() && b.is_nan())
}

/// The report's two time stamps are the only lines allowed to differ.
pub fn report_lines(rpt: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(rpt)
        .lines()
        .filter(|l| {
            !l.contains("Analysis begun") && !l.contains("Analysis ended") && !l.contains("Page 1")
        })
        .map(str::to_string)
        .collect()
}
