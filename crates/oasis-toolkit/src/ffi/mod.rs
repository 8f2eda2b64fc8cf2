//! The exported C functions of `epanet2_2.h` (project-handle API), one file
//! per group of the header. Each one checks its pointers, catches any panic,
//! and turns the call into a method of [`Project`]; nothing here computes.

#![allow(clippy::missing_safety_doc)]

mod controls;
mod curves;
mod links;
mod nodes;
mod run;
mod settings;

pub use controls::*;
pub use curves::*;
pub use links::*;
pub use nodes::*;
pub use run::*;
pub use settings::*;

use std::ffi::{CStr, c_char, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::project::{Code, Project, Result};

pub type Handle = *mut Project;

/// The EPANET version this library stands in for (2.2.0).
pub const VERSION: c_int = 20200;

/// Runs `f` on the project behind `ph`: a null handle is error 102 (no
/// network), a panic is error 101, as no input may crash the caller.
pub(crate) fn with(ph: Handle, f: impl FnOnce(&mut Project) -> Result<Code>) -> c_int {
    if ph.is_null() {
        return 102;
    }
    // SAFETY: a non-null handle came from EN_createproject and the caller
    // uses one project from one thread at a time, as EPANET requires.
    let project = unsafe { &mut *ph };
    match catch_unwind(AssertUnwindSafe(|| f(project))) {
        Ok(Ok(code)) | Ok(Err(code)) => code,
        Err(_) => 101,
    }
}

pub(crate) fn ok(r: Result<()>) -> Result<Code> {
    r.map(|()| 0)
}

/// Writes `value` through an output pointer (a null one is error 251).
pub(crate) unsafe fn put<T>(p: *mut T, value: T) -> Result<()> {
    if p.is_null() {
        return Err(251);
    }
    // SAFETY: the caller passed a pointer to a writable T.
    unsafe { p.write(value) };
    Ok(())
}

/// An index found by name: written (0 when not found) and its code answered.
pub(crate) unsafe fn put_index(out: *mut c_int, found: Result<c_int>) -> Result<Code> {
    unsafe { put(out, *found.as_ref().unwrap_or(&0))? };
    found.map(|_| 0)
}

/// A C string argument; null reads as empty. Bytes that are not UTF-8 are
/// read one byte per character, as the `.inp` reader reads such files.
pub(crate) unsafe fn text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: the caller passed a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// Copies `s` into a caller's buffer of `max` characters plus the NUL; for
/// a file read as Latin-1, one byte per character, as EPANET has it.
pub(crate) unsafe fn put_text(p: *mut c_char, s: &str, max: usize, latin1: bool) -> Result<()> {
    if p.is_null() {
        return Err(251);
    }
    let bytes: Vec<u8> = if latin1 && s.chars().all(|c| (c as u32) < 256) {
        s.chars().map(|c| c as u32 as u8).collect()
    } else {
        s.as_bytes().to_vec()
    };
    let n = bytes.len().min(max);
    // SAFETY: EPANET's contract: output buffers hold at least max + 1 bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr().cast::<c_char>(), p, n);
        p.add(n).write(0);
    }
    Ok(())
}

pub(crate) unsafe fn slice<'a, T>(p: *const T, n: c_int) -> Result<&'a [T]> {
    if n < 0 || (p.is_null() && n > 0) {
        return Err(251);
    }
    if n == 0 {
        return Ok(&[]);
    }
    // SAFETY: the caller passed n readable values.
    Ok(unsafe { std::slice::from_raw_parts(p, n as usize) })
}
