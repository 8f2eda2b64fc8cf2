//! EPANET 2.2's binary hydraulics file (`EN_savehydfile`, `EN_usehydfile`):
//! a header (magic number, engine version, node, link, tank, pump and valve
//! counts, duration) and, for each hydraulic period, its time, the node
//! demands and heads, the link flows, statuses and settings (single
//! precision, internal units) and the step that follows; a 0x1A byte after
//! the last step. Bytes in, bytes out: the caller does the file I/O.

use oasis_network::{LinkKind, Network, NodeKind};

use crate::quality::SavedHydraulics;
use crate::setup::Status;

const MAGIC: i32 = 516_114_521;
/// EPANET 2.2's `ENGINE_VERSION` for hydraulics files.
const ENGINE_VERSION: i32 = 201;
const EOF_MARK: u8 = 0x1A;

/// Why a hydraulics file cannot be used, with EPANET's error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HydFileError {
    /// 306: the file was written for another network (or is not one).
    #[error("error 306: hydraulics file does not match network data")]
    Mismatch,
    /// 307: the file ends in the middle of a period.
    #[error("error 307: cannot read hydraulics file")]
    Truncated,
}

impl HydFileError {
    pub fn code(&self) -> u16 {
        match self {
            HydFileError::Mismatch => 306,
            HydFileError::Truncated => 307,
        }
    }
}

fn header(net: &Network) -> [i32; 8] {
    let tanks = net.nodes.iter().filter(|n| !matches!(n.kind, NodeKind::Junction(_))).count();
    let pumps = net.links.iter().filter(|l| matches!(l.kind, LinkKind::Pump(_))).count();
    let valves = net.links.iter().filter(|l| matches!(l.kind, LinkKind::Valve(_))).count();
    let n = |x: usize| i32::try_from(x).unwrap_or(i32::MAX);
    [
        MAGIC,
        ENGINE_VERSION,
        n(net.nodes.len()),
        n(net.links.len()),
        n(tanks),
        n(pumps),
        n(valves),
        i32::try_from(net.times.duration_s).unwrap_or(i32::MAX),
    ]
}

/// The file EPANET would write for these saved periods of `net`.
pub fn write_hydraulics_file(net: &Network, saved: &[SavedHydraulics]) -> Vec<u8> {
    let mut out = Vec::new();
    let int = |out: &mut Vec<u8>, x: i64| out.extend_from_slice(&(x as i32).to_le_bytes());
    let reals = |out: &mut Vec<u8>, xs: &mut dyn Iterator<Item = f64>| {
        for x in xs {
            out.extend_from_slice(&(x as f32).to_le_bytes());
        }
    };
    for h in header(net) {
        int(&mut out, i64::from(h));
    }
    for h in saved {
        int(&mut out, h.time_s);
        reals(&mut out, &mut h.demand.iter().copied());
        reals(&mut out, &mut h.head.iter().copied());
        reals(&mut out, &mut h.flow.iter().copied());
        reals(&mut out, &mut h.status.iter().map(|&s| f64::from(s as u8)));
        reals(&mut out, &mut h.setting.iter().copied());
        int(&mut out, h.step_s);
        if h.step_s == 0 {
            out.push(EOF_MARK);
        }
    }
    out
}

/// The periods of a hydraulics file written for `net`.
pub fn read_hydraulics_file(net: &Network, bytes: &[u8]) -> Result<Vec<SavedHydraulics>, HydFileError> {
    let mut at = 0;
    let int = |at: &mut usize| -> Option<i32> {
        let b = bytes.get(*at..*at + 4)?;
        *at += 4;
        Some(i32::from_le_bytes(b.try_into().ok()?))
    };
    for expected in header(net) {
        if int(&mut at) != Some(expected) {
            return Err(HydFileError::Mismatch);
        }
    }
    let (nn, nl) = (net.nodes.len(), net.links.len());
    let reals = |at: &mut usize, n: usize| -> Option<Vec<f64>> {
        let b = bytes.get(*at..*at + 4 * n)?;
        *at += 4 * n;
        Some(b.chunks_exact(4).map(|c| f64::from(f32::from_le_bytes(c.try_into().expect("4 bytes")))).collect())
    };
    let mut periods = Vec::new();
    loop {
        let period = (|| {
            let time_s = i64::from(int(&mut at)?);
            let demand = reals(&mut at, nn)?;
            let head = reals(&mut at, nn)?;
            let flow = reals(&mut at, nl)?;
            let status = reals(&mut at, nl)?.into_iter().map(status_of).collect::<Option<Vec<_>>>()?;
            let setting = reals(&mut at, nl)?;
            let step_s = i64::from(int(&mut at)?);
            Some(SavedHydraulics { time_s, step_s, demand, flow, status, head, setting })
        })()
        .ok_or(HydFileError::Truncated)?;
        let last = period.step_s <= 0;
        periods.push(period);
        if last {
            return Ok(periods);
        }
    }
}

fn status_of(code: f64) -> Option<Status> {
    Some(match code as i32 {
        0 => Status::XHead,
        1 => Status::TempClosed,
        2 => Status::Closed,
        3 => Status::Open,
        4 => Status::Active,
        5 => Status::XFlow,
        6 => Status::XFcv,
        7 => Status::XPressure,
        _ => return None,
    })
}
