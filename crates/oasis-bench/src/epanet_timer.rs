//! A timing-only binding to an EPANET toolkit library (2.2 or 2.3.5): open the
//! project, then `EN_openH`, `EN_initH(0)`, the `EN_runH`/`EN_nextH` loop and
//! `EN_closeH`, reading no result at all — the work Oasis's hydraulic span does.
//!
//! `oasis-epanet`'s `Toolkit` finds and version-checks the library; this module
//! loads the same file again for the few calls it needs, so that a measurement
//! carries none of the reference harness's result reading or locking.

use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_long, c_void};
use std::path::{Path, PathBuf};

use crate::clock::{Span, Stopwatch};

type Project = *mut c_void;

#[derive(Debug, thiserror::Error)]
pub enum EpanetTimerError {
    #[error("cannot load {path}: {source}")]
    Load {
        path: PathBuf,
        source: libloading::Error,
    },
    #[error("{path} lacks {symbol}")]
    MissingSymbol { path: PathBuf, symbol: String },
    /// An error code (above 100) from the named toolkit call.
    #[error("EPANET error {code} in {call}")]
    Epanet { call: &'static str, code: i32 },
    #[error("path {0} cannot be passed to C (NUL byte)")]
    Path(PathBuf),
}

struct Api {
    createproject: unsafe extern "C" fn(*mut Project) -> c_int,
    deleteproject: unsafe extern "C" fn(Project) -> c_int,
    open: unsafe extern "C" fn(Project, *const c_char, *const c_char, *const c_char) -> c_int,
    close: unsafe extern "C" fn(Project) -> c_int,
    open_h: unsafe extern "C" fn(Project) -> c_int,
    init_h: unsafe extern "C" fn(Project, c_int) -> c_int,
    run_h: unsafe extern "C" fn(Project, *mut c_long) -> c_int,
    next_h: unsafe extern "C" fn(Project, *mut c_long) -> c_int,
    close_h: unsafe extern "C" fn(Project) -> c_int,
    getversion: unsafe extern "C" fn(*mut c_int) -> c_int,
}

/// A loaded toolkit library.
pub struct EpanetLib {
    api: Api,
    path: PathBuf,
    // Last, so the function pointers never outlive the library.
    _lib: libloading::Library,
    _libm: Option<libloading::Library>,
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
        // entoolkit's 2.2 library uses libm without declaring it (see
        // docs/reference-harness.md): make libm global before loading it.
        // SAFETY: libm has no initialisers with side effects.
        let libm = unsafe {
            libloading::os::unix::Library::open(
                Some("libm.so.6"),
                libloading::os::unix::RTLD_NOW | libloading::os::unix::RTLD_GLOBAL,
            )
        }
        .ok()
        .map(libloading::Library::from);
        // SAFETY: EPANET's initialisers are the C runtime's only.
        let lib = unsafe {
            libloading::os::unix::Library::open(
                Some(path),
                libloading::os::unix::RTLD_NOW | libloading::os::unix::RTLD_LOCAL,
            )
        }
        .map(libloading::Library::from)
        .map_err(|source| EpanetTimerError::Load {
            path: path.to_path_buf(),
            source,
        })?;
        macro_rules! sym {
            ($name:literal) => {
                // SAFETY: declared with the signatures of epanet2_2.h (same in 2.3.5).
                *unsafe { lib.get(concat!($name, "\0").as_bytes()) }.map_err(|_| {
                    EpanetTimerError::MissingSymbol {
                        path: path.to_path_buf(),
                        symbol: $name.into(),
                    }
                })?
            };
        }
        let api = Api {
            createproject: sym!("EN_createproject"),
            deleteproject: sym!("EN_deleteproject"),
            open: sym!("EN_open"),
            close: sym!("EN_close"),
            open_h: sym!("EN_openH"),
            init_h: sym!("EN_initH"),
            run_h: sym!("EN_runH"),
            next_h: sym!("EN_nextH"),
            close_h: sym!("EN_closeH"),
            getversion: sym!("EN_getversion"),
        };
        Ok(EpanetLib {
            api,
            path: path.to_path_buf(),
            _lib: lib,
            _libm: libm,
        })
    }

    /// `EN_getversion`: 20200 for 2.2, 20305 for 2.3.5.
    pub fn version(&self) -> i32 {
        let mut v = 0;
        // SAFETY: writes one int.
        unsafe { (self.api.getversion)(&mut v) };
        v
    }

    pub fn path(&self) -> &Path {
        &self.path
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
        let api = &self.api;
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
