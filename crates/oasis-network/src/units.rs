//! EPANET's unit systems and conversion factors to its internal US units
//! (feet, cubic feet per second). The factors are EPANET 2.2's own constants,
//! so that converted values agree with it to the last bit.

/// Flow units of an `.inp` file (`[OPTIONS] UNITS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowUnits {
    Cfs,
    Gpm,
    Mgd,
    Imgd,
    Afd,
    Lps,
    Lpm,
    Mld,
    Cmh,
    Cmd,
}

impl FlowUnits {
    pub const ALL: [FlowUnits; 10] = [
        FlowUnits::Cfs,
        FlowUnits::Gpm,
        FlowUnits::Mgd,
        FlowUnits::Imgd,
        FlowUnits::Afd,
        FlowUnits::Lps,
        FlowUnits::Lpm,
        FlowUnits::Mld,
        FlowUnits::Cmh,
        FlowUnits::Cmd,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            FlowUnits::Cfs => "CFS",
            FlowUnits::Gpm => "GPM",
            FlowUnits::Mgd => "MGD",
            FlowUnits::Imgd => "IMGD",
            FlowUnits::Afd => "AFD",
            FlowUnits::Lps => "LPS",
            FlowUnits::Lpm => "LPM",
            FlowUnits::Mld => "MLD",
            FlowUnits::Cmh => "CMH",
            FlowUnits::Cmd => "CMD",
        }
    }

    pub fn from_keyword(word: &str) -> Option<FlowUnits> {
        FlowUnits::ALL.into_iter().find(|u| u.keyword().eq_ignore_ascii_case(word))
    }

    /// True for the metric flow units, which put the whole file in SI units.
    pub fn is_si(self) -> bool {
        matches!(self, FlowUnits::Lps | FlowUnits::Lpm | FlowUnits::Mld | FlowUnits::Cmh | FlowUnits::Cmd)
    }

    /// User flow units per cubic foot per second.
    pub fn per_cfs(self) -> f64 {
        match self {
            FlowUnits::Cfs => 1.0,
            FlowUnits::Gpm => 448.831,
            FlowUnits::Mgd => 0.64632,
            FlowUnits::Imgd => 0.5382,
            FlowUnits::Afd => 1.9837,
            FlowUnits::Lps => 28.317,
            FlowUnits::Lpm => 1699.0,
            FlowUnits::Mld => 2.4466,
            FlowUnits::Cmh => 101.94,
            FlowUnits::Cmd => 2446.6,
        }
    }
}

/// Pressure units (`[OPTIONS] PRESSURE`); EPANET 2.2 honours METERS and KPA
/// only with SI flow units and always uses PSI with US flow units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PressureUnits {
    Psi,
    Kpa,
    Meters,
}

impl PressureUnits {
    pub fn keyword(self) -> &'static str {
        match self {
            PressureUnits::Psi => "PSI",
            PressureUnits::Kpa => "KPA",
            PressureUnits::Meters => "METERS",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadlossFormula {
    HazenWilliams,
    DarcyWeisbach,
    ChezyManning,
}

impl HeadlossFormula {
    pub const ALL: [HeadlossFormula; 3] =
        [HeadlossFormula::HazenWilliams, HeadlossFormula::DarcyWeisbach, HeadlossFormula::ChezyManning];

    pub fn keyword(self) -> &'static str {
        match self {
            HeadlossFormula::HazenWilliams => "H-W",
            HeadlossFormula::DarcyWeisbach => "D-W",
            HeadlossFormula::ChezyManning => "C-M",
        }
    }
}

pub const M_PER_FT: f64 = 0.3048;
pub const PSI_PER_FT: f64 = 0.4333;
pub const KPA_PER_PSI: f64 = 6.895;
pub const KW_PER_HP: f64 = 0.7457;
pub const L_PER_FT3: f64 = 28.317;
pub const M3_PER_FT3: f64 = 0.028317;

/// Factors that turn internal values (ft, cfs) into the file's units:
/// `user = internal * factor`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitFactors {
    pub si: bool,
    pub flow: f64,
    pub elevation: f64,
    pub length: f64,
    pub diameter: f64,
    pub head: f64,
    pub pressure: f64,
    pub velocity: f64,
    pub power: f64,
    pub volume: f64,
}

impl UnitFactors {
    pub fn new(flow: FlowUnits, pressure: Option<PressureUnits>, specific_gravity: f64) -> UnitFactors {
        let si = flow.is_si();
        let distance = if si { M_PER_FT } else { 1.0 };
        let pressure = if si {
            // SI files report pressure in metres unless they ask for kPa.
            match pressure {
                Some(PressureUnits::Kpa) => KPA_PER_PSI * PSI_PER_FT * specific_gravity,
                _ => M_PER_FT * specific_gravity,
            }
        } else {
            PSI_PER_FT * specific_gravity
        };
        UnitFactors {
            si,
            flow: flow.per_cfs(),
            elevation: distance,
            length: distance,
            diameter: if si { 1000.0 * M_PER_FT } else { 12.0 },
            head: distance,
            pressure,
            velocity: distance,
            power: if si { KW_PER_HP } else { 1.0 },
            volume: distance * distance * distance,
        }
    }
}
