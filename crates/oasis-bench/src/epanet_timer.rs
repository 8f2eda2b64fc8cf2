//! A timing-only binding to an EPANET toolkit library (2.2 or 2.3.5): open the
//! project, then `EN_openH`, `EN_initH(0)`, the `EN_runH`/`EN_nextH` loop and
//! `EN_closeH`, reading no result at all — the work Oasis's hydraulic span does.
//!
//! The library is loaded by `oasis-epanet`'s `Toolkit` (which also finds and
//! version-checks it); this module drives its raw functions itself, so that a
//! measurement carries none of the reference harness's result reading or locking.

use std::ffi::CString;
use std::os::raw::{c_int, c_long};
use std::path::{Path, PathBuf};

use oasis_epanet::Toolkit;
use oasis_epanet::ffi::Project;

use crate::clock::{Span, Stopwatch};

#[derive(Debug, thiserror::Error)]
pub enum EpanetTimerError {
    #[error(transparent)]
    Load(#[from] oasis_epanet::Error),
    /// An error code (above 100) from the named toolkit call.
    #[error("EPANET error {code} in {call}")]
    Epanet { call: &'static str, code: i32 },
    #[error("path {0} cannot be passed to C (NUL byte)")]
    Path(PathBuf),
}

/// A loaded toolkit library.
pub struct EpanetLib {
    tk: Toolkit,
}

/// One timed EPANET run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpanetTiming {
    /// `EN_open`: reading the `.inp` file.
    pub open: Span,
    /// `EN_openH` through `EN_closeH`.
    pub hydraulics: Span,
    /// `EN_runH` calls.
    pub periods: usize,
}

impl EpanetLib {
    pub fn load(path: &Path) -> Result<EpanetLib, EpanetTimerError> {
        Ok(EpanetLib { tk: Toolkit::load(path)? })
    }

    /// Opens `inp` (EPANET also insists on writing `rpt` and `out`), times the
    /// whole hydraulic run, closes. Warnings (codes 1–6) are not errors.
    pub fn time_run(
        &self,
        inp: &Path,
        rpt: &Path,
        out: &Path,
    ) -> Result<EpanetTiming, EpanetTimerError> {
        let c = |p: &Path| {
            use std::os::unix::ffi::OsStrExt;
            CString::new(p.as_os_str().as_bytes())
                .map_err(|_| EpanetTimerError::Path(p.to_path_buf()))
        };
        let (inp_c, rpt_c, out_c) = (c(inp)?, c(rpt)?, c(out)?);
        let api = self.tk.api();
        let check = |call: &'static str, code: c_int| {
            if code > 100 {
                Err(EpanetTimerError::Epanet { call, code })
            } else {
                Ok(())
            }
        };
        let mut ph: Project = std::ptr::null_mut();
        // SAFETY: one project handle, created, used and deleted here.
        check("EN_createproject", unsafe { (api.createproject)(&mut ph) })?;
        let mut hyd_open = false;
        let result = (|| {
            let watch = Stopwatch::start();
            // SAFETY: valid handle, NUL-terminated paths alive for the call.
            check("EN_open", unsafe {
                (api.open)(ph, inp_c.as_ptr(), rpt_c.as_ptr(), out_c.as_ptr())
            })?;
            let open = watch.stop();
            let watch = Stopwatch::start();
            // SAFETY: the project is open; t and step are valid longs.
            unsafe {
                check("EN_openH", (api.open_h)(ph))?;
                hyd_open = true;
                check("EN_initH", (api.init_h)(ph, 0))?;
                let mut periods = 0;
                loop {
                    let mut t: c_long = 0;
                    check("EN_runH", (api.run_h)(ph, &mut t))?;
                    periods += 1;
                    let mut step: c_long = 0;
                    check("EN_nextH", (api.next_h)(ph, &mut step))?;
                    if step <= 0 {
                        break;
                    }
                }
                (api.close_h)(ph);
                hyd_open = false;
                Ok(EpanetTiming {
                    open,
                    hydraulics: watch.stop(),
                    periods,
                })
            }
        })();
        // SAFETY: the handle is released exactly once; closeH only if still open.
        unsafe {
            if hyd_open {
                (api.close_h)(ph);
            }
            (api.close)(ph);
            (api.deleteproject)(ph);
        }
        result
    }
}
