//! The reference side of Oasis: EPANET's own toolkit library (2.2, or 2.3.5 for
//! comparison), loaded at run time, run on an `.inp` file, its results read back in
//! the network's own units exactly as `EN_getnodevalue` / `EN_getlinkvalue` return them.
//!
//! This crate is a test oracle, not a domain crate: it necessarily touches files
//! (EPANET reads the `.inp` itself and insists on report/output files, which live in
//! the temp directory and are removed afterwards) and may start `python3` to locate the
//! PyPI packages that ship the library. It never prints.
//!
//! EPANET is C and can crash the whole process on some broken inputs (EPANET 2.2
//! smashes its stack on WNTR's `bad_times.inp`). Feed untrusted or deliberately broken
//! files through [`run_isolated`], which runs the `epanet-ref` binary as a child process.

pub mod ffi;
mod files;
pub mod format;
mod quality;
pub use quality::QualityPeriod;
mod isolated;
pub mod refcsv;

use std::ffi::CString;
use std::os::raw::{c_char, c_double, c_int, c_long};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

pub use isolated::{
    DETAIL_PREFIX, ERROR_PREFIX, EXIT_EPANET_ERROR, EXIT_UNAVAILABLE, IsolatedError, Reference,
    find_ref_exe, parse_error, run_isolated,
};

/// `EN_getversion` of the pinned EPANET 2.2 (PyPI `entoolkit` 2.2.0).
pub const VERSION_V22: i32 = 20200;
/// `EN_getversion` of the pinned EPANET 2.3.5 (PyPI `owa-epanet` 2.3.5).
pub const VERSION_V235: i32 = 20305;

/// Failure to find or load a toolkit library (not an EPANET run error).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot load EPANET library {path}: {source}")]
    Load {
        path: PathBuf,
        #[source]
        source: libloading::Error,
    },
    #[error("{path} is not an EPANET 2.2-compatible toolkit: symbol {symbol} is missing")]
    MissingSymbol { path: PathBuf, symbol: String },
    #[error("EPANET library {path} reports version {found}, expected {expected}")]
    WrongVersion {
        path: PathBuf,
        found: i32,
        expected: i32,
    },
    #[error("{var} names {path}, which does not exist")]
    EnvPathMissing { var: &'static str, path: PathBuf },
}

/// An error EPANET itself reported (input errors 200-series, 110 ill-conditioned, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpanetError {
    /// The code returned by `EN_open` / `EN_openH` / `EN_initH` / `EN_runH`.
    pub code: i32,
    /// `EN_geterror(code)`, e.g. `Error 200: one or more errors in input file`.
    pub message: String,
    /// The `Error NNN: ...` lines EPANET wrote to its report file, which name the
    /// specific input problem behind a 200 (e.g. `Error 213: illegal option value ...`).
    pub details: Vec<String>,
}

impl std::fmt::Display for EpanetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EPANET error {}: {}", self.code, self.message)?;
        for d in &self.details {
            write!(f, "; {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for EpanetError {}

impl EpanetError {
    /// The error numbers of the detail lines, in order (e.g. `[213]` behind a 200).
    pub fn detail_codes(&self) -> Vec<i32> {
        self.details
            .iter()
            .filter_map(|d| {
                let rest = d
                    .strip_prefix("Input ")
                    .unwrap_or(d)
                    .strip_prefix("Error ")?;
                rest.split(':').next()?.trim().parse().ok()
            })
            .collect()
    }
}

/// Results at one node, network units.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeValues {
    pub id: String,
    pub head: f64,
    pub pressure: f64,
    pub demand: f64,
}

/// Results at one link, network units; `status` is EN_STATUS (0 closed, 1 open),
/// `setting` is EN_SETTING (roughness for pipes, speed for pumps, valve setting).
#[derive(Debug, Clone, PartialEq)]
pub struct LinkValues {
    pub id: String,
    pub flow: f64,
    pub velocity: f64,
    pub headloss: f64,
    pub status: f64,
    pub setting: f64,
}

/// Every node and link at one hydraulic time, in EPANET index order (= file order,
/// junctions first then tanks/reservoirs for nodes).
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub time_s: i64,
    pub nodes: Vec<NodeValues>,
    pub links: Vec<LinkValues>,
}

/// The first-period (time 0) solution.
#[derive(Debug, Clone, PartialEq)]
pub struct SteadyResult {
    pub snapshot: Snapshot,
    /// EN_getstatistic(EN_ITERATIONS).
    pub iterations: i64,
    /// EN_getstatistic(EN_RELATIVEERROR).
    pub relative_error: f64,
    /// EN_runH's return code when it is a warning (1..=6; 1 = unbalanced), else 0.
    pub warning: i32,
}

/// One hydraulic time step of an extended-period run.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodResult {
    pub snapshot: Snapshot,
    pub iterations: i64,
    pub relative_error: f64,
    pub warning: i32,
}

/// The times that decide which hydraulic steps are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeParams {
    pub duration_s: i64,
    pub report_start_s: i64,
    pub report_step_s: i64,
}

impl TimeParams {
    /// EPANET reports at REPORT START + k·REPORT STEP (its time step is cut to land
    /// on those instants), never after DURATION.
    pub fn is_reporting_time(&self, t: i64) -> bool {
        if t < self.report_start_s || t > self.duration_s {
            return false;
        }
        self.report_step_s <= 0 || (t - self.report_start_s) % self.report_step_s == 0
    }
}

/// A loaded EPANET toolkit library.
pub struct Toolkit {
    api: ffi::Api,
    version: i32,
    path: PathBuf,
    // Kept last so the function pointers in `api` never outlive the library.
    _lib: libloading::Library,
    _libm: Option<libloading::Library>,
}

/// EPANET keeps a little process-global state (error-message tables, and some
/// f2c-translated routines use statics), so runs are serialised across the process.
static EPANET_LOCK: Mutex<()> = Mutex::new(());

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Toolkit {
    /// Loads any EPANET 2.2-compatible toolkit library.
    pub fn load(path: &Path) -> Result<Toolkit, Error> {
        // entoolkit's libepanet.so calls pow/log/... without declaring libm as a
        // dependency; a Rust binary that never touched libm would fail on the first
        // call. Making libm global first lets the library resolve against it.
        let libm = preload_libm();
        // SAFETY: loading a shared library runs its initialisers; EPANET's have none
        // beyond the C runtime's. RTLD_NOW surfaces missing symbols here, not mid-run.
        let lib = unsafe {
            libloading::os::unix::Library::open(
                Some(path),
                libloading::os::unix::RTLD_NOW | libloading::os::unix::RTLD_LOCAL,
            )
        }
        .map(libloading::Library::from)
        .map_err(|source| Error::Load {
            path: path.to_path_buf(),
            source,
        })?;
        // SAFETY: symbols are declared with the signatures of EPANET's public header.
        let api = unsafe { ffi::Api::resolve(&lib) }.map_err(|symbol| Error::MissingSymbol {
            path: path.to_path_buf(),
            symbol,
        })?;
        let mut v: c_int = 0;
        // SAFETY: EN_getversion writes one int.
        unsafe { (api.getversion)(&mut v) };
        Ok(Toolkit {
            api,
            version: v,
            path: path.to_path_buf(),
            _lib: lib,
            _libm: libm,
        })
    }

    /// Finds EPANET 2.2: env `OASIS_EPANET22_LIB`, else asks `python3` where PyPI's
    /// `entoolkit` package lives. `Ok(None)` if it is not installed.
    pub fn find_v22() -> Result<Option<Toolkit>, Error> {
        Self::find("OASIS_EPANET22_LIB", locate_entoolkit, VERSION_V22)
    }

    /// Finds EPANET 2.3.5: env `OASIS_EPANET23_LIB`, else the library inside PyPI's
    /// `owa-epanet` package. `Ok(None)` if it is not installed.
    pub fn find_v235() -> Result<Option<Toolkit>, Error> {
        Self::find("OASIS_EPANET23_LIB", locate_owa_epanet, VERSION_V235)
    }

    fn find(
        var: &'static str,
        locate: fn() -> Option<PathBuf>,
        expected: i32,
    ) -> Result<Option<Toolkit>, Error> {
        let path = match std::env::var_os(var).filter(|v| !v.is_empty()) {
            Some(p) => {
                let p = PathBuf::from(p);
                if !p.exists() {
                    return Err(Error::EnvPathMissing { var, path: p });
                }
                p
            }
            None => match locate() {
                Some(p) => p,
                None => return Ok(None),
            },
        };
        let tk = Toolkit::load(&path)?;
        // The reference is pinned: a different build would silently move the oracle.
        if tk.version != expected {
            return Err(Error::WrongVersion {
                path,
                found: tk.version,
                expected,
            });
        }
        Ok(Some(tk))
    }

    /// `EN_getversion`: 20200 for 2.2, 20305 for 2.3.5.
    pub fn version(&self) -> i32 {
        self.version
    }

    /// The library file this toolkit was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The raw toolkit functions, for callers that drive EPANET themselves
    /// (the benchmark's timer). They bypass this harness's lock: EPANET's
    /// few globals make concurrent projects in one process unsafe.
    pub fn api(&self) -> &ffi::Api {
        &self.api
    }

    /// Opens a network, runs hydraulics for the first period only (openH, initH(0),
    /// runH), reads everything, closes.
    pub fn steady_state(&self, inp: &Path) -> Result<SteadyResult, EpanetError> {
        let run = self.run(inp, true)?;
        let p = run
            .periods
            .into_iter()
            .next()
            .expect("a run has at least one period");
        Ok(SteadyResult {
            snapshot: p.snapshot,
            iterations: p.iterations,
            relative_error: p.relative_error,
            warning: p.warning,
        })
    }

    /// The whole extended-period hydraulic run: a result at every hydraulic time
    /// step (runH/nextH loop), including intermediate (non-reporting) steps.
    pub fn extended_period(&self, inp: &Path) -> Result<Vec<PeriodResult>, EpanetError> {
        Ok(self.run(inp, false)?.periods)
    }

    /// The extended-period run restricted to EPANET's reporting times
    /// (REPORT START + k·REPORT STEP), which is what the reference CSV holds.
    pub fn reported_periods(&self, inp: &Path) -> Result<Vec<PeriodResult>, EpanetError> {
        let run = self.run(inp, false)?;
        let times = run.times;
        Ok(run
            .periods
            .into_iter()
            .filter(|p| times.is_reporting_time(p.snapshot.time_s))
            .collect())
    }

    /// DURATION, REPORT START and REPORT STEP after EPANET's own adjustments.
    pub fn time_params(&self, inp: &Path) -> Result<TimeParams, EpanetError> {
        self.with_session(inp, |s| Ok(s.time_params()))
    }

    fn run(&self, inp: &Path, first_only: bool) -> Result<Run, EpanetError> {
        self.with_session(inp, |session| {
            let api = &self.api;
            let times = session.time_params();
            check(unsafe { (api.open_h)(session.ph) })?;
            session.hyd_open = true;
            check(unsafe { (api.init_h)(session.ph, 0) })?;
            let mut periods = Vec::new();
            loop {
                let mut t: c_long = 0;
                // SAFETY: project is open with hydraulics initialised; t is a valid long.
                let code = unsafe { (api.run_h)(session.ph, &mut t) };
                check(code)?;
                let warning = if (1..=6).contains(&code) { code } else { 0 };
                periods.push(session.period(t as i64, warning));
                if first_only {
                    break;
                }
                let mut step: c_long = 0;
                check(unsafe { (api.next_h)(session.ph, &mut step) })?;
                if step <= 0 {
                    break;
                }
            }
            Ok(Run { periods, times })
        })
    }

    /// Opens `inp` in a fresh project, runs `f`, closes the project; an error code
    /// from anywhere becomes an [`EpanetError`] carrying the report file's error lines
    /// (readable only once EPANET has closed the report).
    fn with_session<T>(
        &self,
        inp: &Path,
        f: impl FnOnce(&mut Session) -> Result<T, c_int>,
    ) -> Result<T, EpanetError> {
        let _guard = EPANET_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let files = TempFiles::new();
        let result = {
            let mut session = Session {
                tk: self,
                ph: std::ptr::null_mut(),
                opened: false,
                hyd_open: false,
            };
            session.open(inp, &files).and_then(|()| f(&mut session))
        };
        result.map_err(|code| self.error(code, &files.rpt))
    }

    fn error(&self, code: c_int, rpt: &Path) -> EpanetError {
        let mut buf = [0 as c_char; ffi::MSG_BUF];
        // SAFETY: buffer of MSG_BUF bytes, length passed one short for the NUL.
        unsafe { (self.api.geterror)(code, buf.as_mut_ptr(), (ffi::MSG_BUF - 1) as c_int) };
        let mut message = c_buf_to_string(&buf);
        if message.is_empty() {
            message = format!("Error {code}");
        }
        // Run-time errors (110, ...) are echoed in the report too; keep only news.
        let details = report_errors(rpt)
            .into_iter()
            .filter(|d| *d != message)
            .collect();
        EpanetError {
            code,
            message,
            details,
        }
    }
}

struct Run {
    periods: Vec<PeriodResult>,
    times: TimeParams,
}

/// Codes above 100 are errors; 1..=6 are warnings and pass.
fn check(code: c_int) -> Result<(), c_int> {
    if code > 100 { Err(code) } else { Ok(()) }
}

/// EPANET insists on a report and an output file; both live in the temp dir under
/// a name unique to this process and call, and are removed on drop.
struct TempFiles {
    rpt: PathBuf,
    out: PathBuf,
}

impl TempFiles {
    fn new() -> TempFiles {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let stem = format!("oasis-epanet-{}-{}", std::process::id(), n);
        let dir = std::env::temp_dir();
        TempFiles {
            rpt: dir.join(format!("{stem}.rpt")),
            out: dir.join(format!("{stem}.out")),
        }
    }
}

impl Drop for TempFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.rpt);
        let _ = std::fs::remove_file(&self.out);
    }
}

/// One EPANET project; `Drop` closes it.
struct Session<'a> {
    tk: &'a Toolkit,
    ph: ffi::Project,
    opened: bool,
    hyd_open: bool,
}

impl Session<'_> {
    fn open(&mut self, inp: &Path, files: &TempFiles) -> Result<(), c_int> {
        let (inp_c, rpt_c, out_c) = match (c_path(inp), c_path(&files.rpt), c_path(&files.out)) {
            (Some(a), Some(b), Some(c)) => (a, b, c),
            // EPANET's own answer for an input file it cannot open.
            _ => return Err(302),
        };
        // SAFETY: EN_createproject writes one handle.
        let code = unsafe { (self.tk.api.createproject)(&mut self.ph) };
        if code != 0 || self.ph.is_null() {
            return Err(if code != 0 { code } else { 101 });
        }
        // SAFETY: valid project and NUL-terminated paths.
        let code =
            unsafe { (self.tk.api.open)(self.ph, inp_c.as_ptr(), rpt_c.as_ptr(), out_c.as_ptr()) };
        self.opened = true;
        check(code)
    }

    fn time_params(&self) -> TimeParams {
        let get = |p| {
            let mut v: c_long = 0;
            // SAFETY: open project, valid out pointer.
            unsafe { (self.tk.api.gettimeparam)(self.ph, p, &mut v) };
            v as i64
        };
        TimeParams {
            duration_s: get(ffi::EN_DURATION),
            report_start_s: get(ffi::EN_REPORTSTART),
            report_step_s: get(ffi::EN_REPORTSTEP),
        }
    }

    fn period(&self, time_s: i64, warning: i32) -> PeriodResult {
        let api = &self.tk.api;
        let stat = |s| {
            let mut v: c_double = 0.0;
            // SAFETY: open project, valid out pointer.
            unsafe { (api.getstatistic)(self.ph, s, &mut v) };
            v
        };
        PeriodResult {
            snapshot: self.snapshot(time_s),
            iterations: stat(ffi::EN_ITERATIONS) as i64,
            relative_error: stat(ffi::EN_RELATIVEERROR),
            warning,
        }
    }

    fn snapshot(&self, time_s: i64) -> Snapshot {
        let api = &self.tk.api;
        let count = |what| {
            let mut n: c_int = 0;
            // SAFETY: open project, valid out pointer.
            unsafe { (api.getcount)(self.ph, what, &mut n) };
            n.max(0)
        };
        let node_value = |i, p| {
            let mut v: c_double = 0.0;
            // SAFETY: 1 <= i <= node count.
            unsafe { (api.getnodevalue)(self.ph, i, p, &mut v) };
            v
        };
        let link_value = |i, p| {
            let mut v: c_double = 0.0;
            // SAFETY: 1 <= i <= link count.
            unsafe { (api.getlinkvalue)(self.ph, i, p, &mut v) };
            v
        };
        let nodes = (1..=count(ffi::EN_NODECOUNT))
            .map(|i| {
                let mut buf = [0 as c_char; ffi::ID_BUF];
                // SAFETY: buffer larger than EN_MAXID + 1.
                unsafe { (api.getnodeid)(self.ph, i, buf.as_mut_ptr()) };
                NodeValues {
                    id: c_buf_to_string(&buf),
                    head: node_value(i, ffi::EN_HEAD),
                    pressure: node_value(i, ffi::EN_PRESSURE),
                    demand: node_value(i, ffi::EN_DEMAND),
                }
            })
            .collect();
        let links = (1..=count(ffi::EN_LINKCOUNT))
            .map(|i| {
                let mut buf = [0 as c_char; ffi::ID_BUF];
                // SAFETY: buffer larger than EN_MAXID + 1.
                unsafe { (api.getlinkid)(self.ph, i, buf.as_mut_ptr()) };
                LinkValues {
                    id: c_buf_to_string(&buf),
                    flow: link_value(i, ffi::EN_FLOW),
                    velocity: link_value(i, ffi::EN_VELOCITY),
                    headloss: link_value(i, ffi::EN_HEADLOSS),
                    status: link_value(i, ffi::EN_STATUS),
                    setting: link_value(i, ffi::EN_SETTING),
                }
            })
            .collect();
        Snapshot {
            time_s,
            nodes,
            links,
        }
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let api = &self.tk.api;
        if !self.ph.is_null() {
            // SAFETY: handle came from EN_createproject and is released exactly once.
            unsafe {
                if self.hyd_open {
                    (api.close_h)(self.ph);
                }
                if self.opened {
                    (api.close)(self.ph);
                }
                (api.deleteproject)(self.ph);
            }
            self.ph = std::ptr::null_mut();
        }
    }
}

fn preload_libm() -> Option<libloading::Library> {
    let names: &[&str] = if cfg!(target_os = "macos") {
        &[]
    } else {
        &["libm.so.6", "libm.so"]
    };
    names.iter().find_map(|name| {
        // SAFETY: libm has no initialisers with side effects.
        unsafe {
            libloading::os::unix::Library::open(
                Some(name),
                libloading::os::unix::RTLD_NOW | libloading::os::unix::RTLD_GLOBAL,
            )
        }
        .ok()
        .map(libloading::Library::from)
    })
}

fn c_path(p: &Path) -> Option<CString> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(p.as_os_str().as_bytes()).ok()
}

/// EPANET ids and messages are bytes in the file's own encoding; UTF-8 when valid,
/// else latin-1 (each byte one code point) so nothing is lost or replaced.
pub fn decode_epanet_bytes(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

fn c_buf_to_string(buf: &[c_char]) -> String {
    let bytes: Vec<u8> = buf
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    decode_epanet_bytes(&bytes)
}

/// The `Error NNN: ...` lines of an EPANET report file (its detailed input errors),
/// each followed by the offending input line EPANET echoes after a trailing colon;
/// the generic "Error 200" summary line is left out (it is the main message).
fn report_errors(rpt: &Path) -> Vec<String> {
    let Ok(bytes) = std::fs::read(rpt) else {
        return Vec::new();
    };
    let text = decode_epanet_bytes(&bytes);
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let is_error = l.starts_with("Error ") || l.starts_with("Input Error ");
        if !is_error || l.starts_with("Error 200:") {
            continue;
        }
        match lines.get(i + 1) {
            Some(next) if l.ends_with(':') && !next.is_empty() && !next.starts_with("Error ") => {
                out.push(format!(
                    "{l} {}",
                    next.split_whitespace().collect::<Vec<_>>().join(" ")
                ))
            }
            _ => out.push(l.to_string()),
        }
    }
    out
}

/// `entoolkit` 2.2.0 ships prebuilt libraries per platform inside its package folder.
fn locate_entoolkit() -> Option<PathBuf> {
    let dir = python_package_dir("entoolkit")?;
    let rel = if cfg!(target_os = "macos") {
        if cfg!(target_arch = "aarch64") {
            "epanet/darwin-arm64/libepanet.dylib"
        } else {
            "epanet/darwin-x64/libepanet.dylib"
        }
    } else {
        "epanet/linux-x64/libepanet.so"
    };
    Some(dir.join(rel)).filter(|p| p.exists())
}

/// `owa-epanet` 2.3.5 ships `epanet/libepanet2.so`; auditwheel may also leave a
/// hashed copy in `owa_epanet.libs/`.
fn locate_owa_epanet() -> Option<PathBuf> {
    let dir = python_package_dir("epanet")?;
    let direct = dir.join("libepanet2.so");
    if direct.exists() {
        return Some(direct);
    }
    let libs = dir.parent()?.join("owa_epanet.libs");
    std::fs::read_dir(libs)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("libepanet2") && n.ends_with(".so"))
        })
}

/// Where python3 would import `package` from, without importing it.
fn python_package_dir(package: &str) -> Option<PathBuf> {
    let script = format!(
        "import importlib.util as u\ns = u.find_spec('{package}')\n\
         print(s.submodule_search_locations[0] if s and s.submodule_search_locations else '')"
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?;
    let s = s.trim();
    if s.is_empty() {
        None
    } else {
        Some(PathBuf::from(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporting_times_follow_start_and_step() {
        let t = TimeParams {
            duration_s: 86400,
            report_start_s: 3600,
            report_step_s: 7200,
        };
        assert!(!t.is_reporting_time(0));
        assert!(t.is_reporting_time(3600));
        assert!(!t.is_reporting_time(7200));
        assert!(t.is_reporting_time(10800));
        assert!(!t.is_reporting_time(86400 + 3600));
    }

    #[test]
    fn toolkit_can_be_shared_between_test_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Toolkit>();
    }

    #[test]
    fn latin1_bytes_survive_decoding() {
        // 0xE9 is 'é' in latin-1 and invalid as a lone UTF-8 byte.
        assert_eq!(decode_epanet_bytes(b"caf\xe9"), "café");
        assert_eq!(decode_epanet_bytes("café".as_bytes()), "café");
    }

    #[test]
    fn detail_codes_come_from_error_lines() {
        let e = EpanetError {
            code: 200,
            message: "Error 200: one or more errors in input file".into(),
            details: vec![
                "Error 252: invalid ID name X in [JUNCTIONS] section: X 1".into(),
                "Input Error 221: mis-placed clause in following line of Rule 1: THEN".into(),
            ],
        };
        assert_eq!(e.detail_codes(), vec![252, 221]);
    }

    #[test]
    fn error_display_names_code_message_and_details() {
        let e = EpanetError {
            code: 200,
            message: "Error 200: one or more errors in input file".into(),
            details: vec!["Error 213: illegal option value".into()],
        };
        let s = e.to_string();
        assert!(s.contains("200") && s.contains("213"), "{s}");
    }
}
