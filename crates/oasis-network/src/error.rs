//! Errors of reading a network, with EPANET's error numbers.

use std::fmt;

/// One problem on one line of an `.inp` file.
#[derive(Debug, Clone, PartialEq)]
pub struct LineError {
    /// EPANET 2.2 error number (200-series).
    pub code: u16,
    /// 1-based line number in the file.
    pub line: usize,
    pub section: String,
    /// The field (column) the problem is in, e.g. "diameter".
    pub field: String,
    /// The offending token, if one.
    pub token: String,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} [{}] field '{}'", self.line, self.section, self.field)?;
        if !self.token.is_empty() {
            write!(f, " ('{}')", self.token)?;
        }
        write!(f, ": error {}: {}", self.code, self.message)
    }
}

/// Why a network could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    /// Error 200: one or more lines are wrong; each is listed.
    #[error("{source_name}: error 200: one or more errors in input file{}", list(.errors))]
    Input { source_name: String, errors: Vec<LineError> },
    /// A whole-network error (e.g. 223 not enough nodes, 224 no tanks or reservoirs).
    #[error("{source_name}: error {code}: {message}")]
    Network { source_name: String, code: u16, message: String },
}

impl ReadError {
    /// The EPANET error number the toolkit's `EN_open` would return.
    pub fn code(&self) -> u16 {
        match self {
            ReadError::Input { .. } => 200,
            ReadError::Network { code, .. } => *code,
        }
    }
}

fn list(errors: &[LineError]) -> String {
    errors.iter().map(|e| format!("\n  {e}")).collect()
}

/// EPANET 2.2's text for its input error numbers.
pub fn describe(code: u16) -> &'static str {
    match code {
        200 => "one or more errors in input file",
        201 => "syntax error",
        202 => "illegal numeric value",
        203 => "undefined node",
        204 => "undefined link",
        205 => "undefined time pattern",
        206 => "undefined curve",
        207 => "attempt to control a check valve or a general purpose valve",
        208 => "illegal PDA pressure limits",
        209 => "illegal node property value",
        211 => "illegal link property value",
        212 => "undefined trace node",
        213 => "illegal option value",
        214 => "too many characters in input line",
        215 => "duplicate ID label",
        216 => "reference to undefined pump",
        217 => "invalid pump energy data",
        219 => "illegal valve connection to tank node",
        220 => "illegal valve connection to another valve",
        221 => "misplaced rule clause in rule-based control",
        222 => "link assigned same start and end nodes",
        223 => "not enough nodes in network",
        224 => "no tanks or reservoirs in network",
        225 => "invalid lower/upper levels for tank",
        226 => "no head curve or power rating for pump",
        227 => "invalid head curve for pump",
        230 => "nonincreasing x-values for curve",
        233 => "network has unconnected nodes",
        252 => "invalid ID name",
        _ => "input error",
    }
}
