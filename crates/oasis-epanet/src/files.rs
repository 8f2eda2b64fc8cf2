//! EPANET writing its own output files: the text report (`.rpt`) and the
//! binary results file (`.out`) for a whole run, as the command-line EPANET
//! does (`EN_open`, `EN_solveH`, `EN_solveQ`, `EN_report`, `EN_close`).
//! Oasis's writers in `oasis-output` are compared with these files.

use std::ffi::CString;
use std::os::raw::c_int;
use std::path::Path;

use crate::ffi::Project;
use crate::{EPANET_LOCK, EpanetError, Toolkit};

type ProjectFn = unsafe extern "C" fn(Project) -> c_int;

impl Toolkit {
    /// Runs EPANET on `inp`, writing its report to `rpt` and its binary output to
    /// `out`. Returns the warning code of the run (0 none, 1..=6 as `EN_runH`),
    /// or EPANET's error (codes above 100).
    pub fn write_files(&self, inp: &Path, rpt: &Path, out: &Path) -> Result<i32, EpanetError> {
        let solve_h = self.project_fn(b"EN_solveH\0")?;
        let solve_q = self.project_fn(b"EN_solveQ\0")?;
        let report = self.project_fn(b"EN_report\0")?;
        let c = |p: &Path| CString::new(p.to_string_lossy().as_bytes()).expect("path without NUL");
        let (cinp, crpt, cout) = (c(inp), c(rpt), c(out));
        let _guard = EPANET_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let api = &self.api;
        let mut ph: Project = std::ptr::null_mut();
        // SAFETY: the project handle is created, used and deleted here, with
        // NUL-terminated paths that outlive the calls.
        unsafe {
            (api.createproject)(&mut ph);
            let mut warning = 0;
            let mut code = (api.open)(ph, cinp.as_ptr(), crpt.as_ptr(), cout.as_ptr());
            for f in [solve_h, solve_q, report] {
                if code > 100 {
                    break;
                }
                if (1..=6).contains(&code) {
                    warning = code;
                }
                code = f(ph);
            }
            if (1..=6).contains(&code) {
                warning = code;
            }
            (api.close)(ph);
            (api.deleteproject)(ph);
            if code > 100 {
                return Err(self.error(code, rpt));
            }
            Ok(warning)
        }
    }

    fn project_fn(&self, name: &[u8]) -> Result<ProjectFn, EpanetError> {
        // SAFETY: these toolkit functions take the project handle and return an int.
        unsafe { self._lib.get::<ProjectFn>(name) }
            .map(|f| *f)
            .map_err(|e| EpanetError {
                code: 0,
                message: format!(
                    "{} is missing from the library: {e}",
                    String::from_utf8_lossy(name)
                ),
                details: Vec::new(),
            })
    }
}
