//! EPANET's water-quality results: hydraulics solved and saved (`EN_solveH`),
//! then quality routed period by period (`EN_openQ`, `EN_initQ`, `EN_runQ`,
//! `EN_nextQ`), reading EN_QUALITY of every node and link at each time.

use std::os::raw::{c_double, c_int, c_long};
use std::path::Path;

use crate::{EpanetError, Toolkit, check, ffi};

/// Quality of every node and link at one `EN_runQ` time (network units).
#[derive(Debug, Clone, PartialEq)]
pub struct QualityPeriod {
    pub time_s: i64,
    pub nodes: Vec<f64>,
    pub links: Vec<f64>,
}

const EN_QUALITY_NODE: c_int = 12;
const EN_QUALITY_LINK: c_int = 14;

type Fn0 = unsafe extern "C" fn(ffi::Project) -> c_int;
type FnFlag = unsafe extern "C" fn(ffi::Project, c_int) -> c_int;
type FnTime = unsafe extern "C" fn(ffi::Project, *mut c_long) -> c_int;

impl Toolkit {
    /// Runs hydraulics and water quality; quality at every quality-routing time.
    pub fn water_quality(&self, inp: &Path) -> Result<Vec<QualityPeriod>, EpanetError> {
        // SAFETY: these are EPANET toolkit functions with the declared signatures.
        let (solve_h, open_q, init_q, run_q, next_q, close_q) = unsafe {
            let get0 = |name: &[u8]| -> Result<Fn0, c_int> { self._lib.get::<Fn0>(name).map(|s| *s).map_err(|_| 1) };
            let solve_h = get0(b"EN_solveH\0");
            let open_q = get0(b"EN_openQ\0");
            let close_q = get0(b"EN_closeQ\0");
            let init_q = self._lib.get::<FnFlag>(b"EN_initQ\0").map(|s| *s);
            let run_q = self._lib.get::<FnTime>(b"EN_runQ\0").map(|s| *s);
            let next_q = self._lib.get::<FnTime>(b"EN_nextQ\0").map(|s| *s);
            match (solve_h, open_q, init_q, run_q, next_q, close_q) {
                (Ok(a), Ok(b), Ok(c), Ok(d), Ok(e), Ok(f)) => (a, b, c, d, e, f),
                _ => {
                    return Err(EpanetError {
                        code: 0,
                        message: "the EPANET library lacks the quality functions".into(),
                        details: vec![],
                    });
                }
            }
        };
        self.with_session(inp, |session| {
            let api = &self.api;
            let ph = session.ph;
            let mut nnodes: c_int = 0;
            let mut nlinks: c_int = 0;
            // SAFETY: open project, valid out pointers, indices in range.
            unsafe {
                check((api.getcount)(ph, ffi::EN_NODECOUNT, &mut nnodes))?;
                check((api.getcount)(ph, ffi::EN_LINKCOUNT, &mut nlinks))?;
                check(solve_h(ph))?;
                check(open_q(ph))?;
                check(init_q(ph, 0))?;
            }
            let mut periods = Vec::new();
            loop {
                let mut t: c_long = 0;
                // SAFETY: as above.
                unsafe { check(run_q(ph, &mut t))? };
                let value = |f: unsafe extern "C" fn(ffi::Project, c_int, c_int, *mut c_double) -> c_int, i, code| {
                    let mut v: c_double = 0.0;
                    // SAFETY: as above.
                    unsafe { f(ph, i, code, &mut v) };
                    v
                };
                periods.push(QualityPeriod {
                    time_s: t as i64,
                    nodes: (1..=nnodes).map(|i| value(api.getnodevalue, i, EN_QUALITY_NODE)).collect(),
                    links: (1..=nlinks).map(|i| value(api.getlinkvalue, i, EN_QUALITY_LINK)).collect(),
                });
                let mut step: c_long = 0;
                // SAFETY: as above.
                unsafe { check(next_q(ph, &mut step))? };
                if step <= 0 {
                    break;
                }
            }
            // SAFETY: as above.
            unsafe { close_q(ph) };
            Ok(periods)
        })
    }
}
