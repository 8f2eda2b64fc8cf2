//! EPANET 2.2's enumerations (`epanet2_enums.h`) and their Oasis meanings.

use oasis_network::units::{FlowUnits, HeadlossFormula};
use oasis_network::{LinkKind, Network, NodeKind, ValveKind};

pub const EN_MAXID: usize = 31;
pub const EN_MAXMSG: usize = 255;

/// `EN_FlowUnits` in order: CFS, GPM, MGD, IMGD, AFD, LPS, LPM, MLD, CMH, CMD.
pub fn flow_units(code: i32) -> Option<FlowUnits> {
    usize::try_from(code)
        .ok()
        .and_then(|i| FlowUnits::ALL.get(i).copied())
}

pub fn flow_units_code(u: FlowUnits) -> i32 {
    FlowUnits::ALL.iter().position(|&x| x == u).unwrap_or(1) as i32
}

/// `EN_HeadLossType`: HW, DW, CM.
pub fn headloss(code: i32) -> Option<HeadlossFormula> {
    match code {
        0 => Some(HeadlossFormula::HazenWilliams),
        1 => Some(HeadlossFormula::DarcyWeisbach),
        2 => Some(HeadlossFormula::ChezyManning),
        _ => None,
    }
}

pub fn headloss_code(f: HeadlossFormula) -> i32 {
    match f {
        HeadlossFormula::HazenWilliams => 0,
        HeadlossFormula::DarcyWeisbach => 1,
        HeadlossFormula::ChezyManning => 2,
    }
}

/// `EN_NodeType`: junction 0, reservoir 1, tank 2 (a tank without area —
/// no diameter and no volume curve to give one — is a reservoir, as in EPANET).
pub fn node_type(net: &Network, i: usize) -> i32 {
    match &net.nodes[i].kind {
        NodeKind::Junction(_) => 0,
        NodeKind::Reservoir(_) => 1,
        NodeKind::Tank(t) if oasis_hydraulics::tank_volumes(net, t).3 == 0.0 => 1,
        NodeKind::Tank(_) => 2,
    }
}

/// `EN_LinkType`: CV pipe 0, pipe 1, pump 2, then PRV, PSV, PBV, FCV, TCV, GPV.
pub fn link_type(kind: &LinkKind) -> i32 {
    match kind {
        LinkKind::Pipe(p) if p.check_valve => 0,
        LinkKind::Pipe(_) => 1,
        LinkKind::Pump(_) => 2,
        LinkKind::Valve(v) => {
            3 + ValveKind::ALL
                .iter()
                .position(|&k| k == v.valve)
                .unwrap_or(0) as i32
        }
    }
}

pub fn valve_kind(code: i32) -> Option<ValveKind> {
    usize::try_from(code - 3)
        .ok()
        .and_then(|i| ValveKind::ALL.get(i).copied())
}

/// `EN_MixingModel` by the keyword `[MIXING]` keeps.
pub const MIX_MODELS: [&str; 4] = ["MIXED", "2COMP", "FIFO", "LIFO"];

/// `EN_SourceType` by the keyword `[SOURCES]` keeps.
pub const SOURCE_TYPES: [&str; 4] = ["CONCEN", "MASS", "SETPOINT", "FLOWPACED"];

/// `EN_StatisticType` by the word `[TIMES] STATISTIC` keeps.
pub fn statistic_code(word: &str) -> i64 {
    match word.to_ascii_uppercase().as_str() {
        "AVERAGED" => 1,
        "MINIMUM" => 2,
        "MAXIMUM" => 3,
        "RANGE" => 4,
        _ => 0,
    }
}

pub const STATISTIC_WORDS: [&str; 5] = ["NONE", "AVERAGED", "MINIMUM", "MAXIMUM", "RANGE"];
