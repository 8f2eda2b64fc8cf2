//! The slice of EPANET's C toolkit API (`epanet2_2.h`, project functions) that the
//! reference harness calls, resolved from a shared library at run time.
//!
//! Signatures follow `include/epanet2_2.h` of EPANET v2.2 (identical in 2.3.5 for
//! these functions): values are `double`, times are C `long`, ids are `char *`
//! buffers of at least `EN_MAXID + 1` bytes.

use std::os::raw::{c_char, c_double, c_int, c_long, c_void};

pub type Project = *mut c_void;

// Enumerations from `epanet2_enums.h` (v2.2); only the ones used here.
pub const EN_NODECOUNT: c_int = 0;
pub const EN_LINKCOUNT: c_int = 2;

pub const EN_DEMAND: c_int = 9;
pub const EN_HEAD: c_int = 10;
pub const EN_PRESSURE: c_int = 11;

pub const EN_FLOW: c_int = 8;
pub const EN_VELOCITY: c_int = 9;
pub const EN_HEADLOSS: c_int = 10;
pub const EN_STATUS: c_int = 11;
pub const EN_SETTING: c_int = 12;

pub const EN_ITERATIONS: c_int = 0;
pub const EN_RELATIVEERROR: c_int = 1;

pub const EN_DURATION: c_int = 0;
pub const EN_REPORTSTEP: c_int = 5;
pub const EN_REPORTSTART: c_int = 6;

/// `EN_MAXID` is 31; buffers get generous room anyway.
pub const ID_BUF: usize = 64;
/// `EN_MAXMSG` is 255.
pub const MSG_BUF: usize = 256;

/// Function pointers copied out of the loaded library. They stay valid as long as the
/// `libloading::Library` they came from is alive, which `Toolkit` guarantees by owning both.
#[derive(Clone, Copy)]
pub struct Api {
    pub createproject: unsafe extern "C" fn(*mut Project) -> c_int,
    pub deleteproject: unsafe extern "C" fn(Project) -> c_int,
    pub open: unsafe extern "C" fn(Project, *const c_char, *const c_char, *const c_char) -> c_int,
    pub close: unsafe extern "C" fn(Project) -> c_int,
    pub open_h: unsafe extern "C" fn(Project) -> c_int,
    pub init_h: unsafe extern "C" fn(Project, c_int) -> c_int,
    pub run_h: unsafe extern "C" fn(Project, *mut c_long) -> c_int,
    pub next_h: unsafe extern "C" fn(Project, *mut c_long) -> c_int,
    pub close_h: unsafe extern "C" fn(Project) -> c_int,
    pub getcount: unsafe extern "C" fn(Project, c_int, *mut c_int) -> c_int,
    pub getnodeid: unsafe extern "C" fn(Project, c_int, *mut c_char) -> c_int,
    pub getlinkid: unsafe extern "C" fn(Project, c_int, *mut c_char) -> c_int,
    pub getnodevalue: unsafe extern "C" fn(Project, c_int, c_int, *mut c_double) -> c_int,
    pub getlinkvalue: unsafe extern "C" fn(Project, c_int, c_int, *mut c_double) -> c_int,
    pub getstatistic: unsafe extern "C" fn(Project, c_int, *mut c_double) -> c_int,
    pub gettimeparam: unsafe extern "C" fn(Project, c_int, *mut c_long) -> c_int,
    pub geterror: unsafe extern "C" fn(c_int, *mut c_char, c_int) -> c_int,
    pub getversion: unsafe extern "C" fn(*mut c_int) -> c_int,
}

impl Api {
    /// Resolves every symbol; the first missing one is reported by name.
    ///
    /// # Safety
    /// The library must be an EPANET 2.2-compatible toolkit so that the declared
    /// signatures match the exported functions.
    pub unsafe fn resolve(lib: &libloading::Library) -> Result<Api, String> {
        macro_rules! sym {
            ($name:literal) => {{
                // SAFETY: the caller promises the library is EPANET's toolkit, whose
                // header declares exactly these signatures.
                let s = unsafe { lib.get(concat!($name, "\0").as_bytes()) }
                    .map_err(|_| $name.to_string())?;
                *s
            }};
        }
        Ok(Api {
            createproject: sym!("EN_createproject"),
            deleteproject: sym!("EN_deleteproject"),
            open: sym!("EN_open"),
            close: sym!("EN_close"),
            open_h: sym!("EN_openH"),
            init_h: sym!("EN_initH"),
            run_h: sym!("EN_runH"),
            next_h: sym!("EN_nextH"),
            close_h: sym!("EN_closeH"),
            getcount: sym!("EN_getcount"),
            getnodeid: sym!("EN_getnodeid"),
            getlinkid: sym!("EN_getlinkid"),
            getnodevalue: sym!("EN_getnodevalue"),
            getlinkvalue: sym!("EN_getlinkvalue"),
            getstatistic: sym!("EN_getstatistic"),
            gettimeparam: sym!("EN_gettimeparam"),
            geterror: sym!("EN_geterror"),
            getversion: sym!("EN_getversion"),
        })
    }
}
