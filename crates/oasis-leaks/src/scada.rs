//! SCADA tables: `Timestamp`, then `P_<node>` (m), `Q_<link>` (m³/h), `L_<tank>` (m) and
//! `D_<node>` (L/h) columns in any subset and order. Parsing never invents a value: an empty
//! cell or `NaN` is a gap (NaN) and a missing time step is reported, never filled.

use oasis_network::{Network, NodeKind};

use crate::time::{format_stamp, parse_stamp};

/// What a column measures; its kind comes from the name's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensorKind {
    /// `P_`: pressure at a node, m.
    Pressure,
    /// `Q_`: flow in a link (positive from its first to its second node), m³/h.
    Flow,
    /// `L_`: water level in a tank, m.
    Level,
    /// `D_`: a smart meter's consumer demand at a node, L/h.
    Demand,
}

impl SensorKind {
    pub fn prefix(self) -> &'static str {
        match self {
            SensorKind::Pressure => "P_",
            SensorKind::Flow => "Q_",
            SensorKind::Level => "L_",
            SensorKind::Demand => "D_",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub kind: SensorKind,
    /// The node, link or tank id the column names.
    pub target: String,
}

impl Column {
    pub fn name(&self) -> String {
        format!("{}{}", self.kind.prefix(), self.target)
    }
}

/// A parsed table: `values[row][column]`, NaN where a reading is missing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scada {
    pub columns: Vec<Column>,
    /// Minutes since 1970-01-01 00:00, strictly increasing.
    pub times_min: Vec<i64>,
    pub values: Vec<Vec<f64>>,
    /// The text line each row came from (1-based), for messages.
    pub lines: Vec<usize>,
}

/// A problem that stops parsing: it names the file, line and column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScadaError {
    #[error("{file}: empty file (no header line)")]
    Empty { file: String },
    #[error("{file}:1: the first column must be `Timestamp`, found `{found}`")]
    NoTimestamp { file: String, found: String },
    #[error("{file}:1: column {column} `{name}`: the name must start with P_, Q_, L_ or D_")]
    UnknownPrefix { file: String, column: usize, name: String },
    #[error("{file}:1: column {column} `{name}` appears twice")]
    DuplicateColumn { file: String, column: usize, name: String },
    #[error("{file}:1: column {column} `{name}`: {what} `{id}` is not in the network")]
    NotInNetwork { file: String, column: usize, name: String, what: &'static str, id: String },
    #[error("{file}:{line}: {found} fields where the header has {expected}")]
    FieldCount { file: String, line: usize, found: usize, expected: usize },
    #[error("{file}:{line}: column 1: `{text}` is not a time stamp YYYY-MM-DD HH:MM")]
    BadStamp { file: String, line: usize, text: String },
    #[error("{file}:{line}: column {column} `{name}`: `{text}` is not a number")]
    NotANumber { file: String, line: usize, column: usize, name: String, text: String },
    #[error("{file}:{line}: time stamp {stamp} is not after the previous one ({previous})")]
    OutOfOrder { file: String, line: usize, stamp: String, previous: String },
}

/// Something suspicious that parsing carries through.
#[derive(Debug, Clone, PartialEq)]
pub enum ScadaWarning {
    /// Time stamps jump by more than the usual step: `missing` rows are absent before `line`.
    Gap { line: usize, from: String, to: String, missing: i64 },
    /// Empty or NaN readings in a column (count, first line).
    Missing { column: String, count: usize, first_line: usize },
}

impl std::fmt::Display for ScadaWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScadaWarning::Gap { line, from, to, missing } => {
                write!(f, "line {line}: gap from {from} to {to} ({missing} missing rows, left as gaps)")
            }
            ScadaWarning::Missing { column, count, first_line } => {
                write!(f, "column {column}: {count} missing readings, first on line {first_line}")
            }
        }
    }
}

impl Scada {
    /// Parses CSV text (comma separated, no quoting needed). `file` names it in messages.
    pub fn parse(text: &str, file: &str) -> Result<(Scada, Vec<ScadaWarning>), ScadaError> {
        let f = || file.to_string();
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines.next().ok_or_else(|| ScadaError::Empty { file: f() })?;
        let names: Vec<&str> = header.trim_start_matches('\u{feff}').split(',').map(str::trim).collect();
        if !names[0].eq_ignore_ascii_case("timestamp") {
            return Err(ScadaError::NoTimestamp { file: f(), found: names[0].to_string() });
        }
        let mut columns = Vec::new();
        for (i, name) in names.iter().enumerate().skip(1) {
            let kind = [SensorKind::Pressure, SensorKind::Flow, SensorKind::Level, SensorKind::Demand]
                .into_iter()
                .find(|k| name.starts_with(k.prefix()) && name.len() > 2);
            let Some(kind) = kind else {
                return Err(ScadaError::UnknownPrefix { file: f(), column: i + 1, name: name.to_string() });
            };
            let col = Column { kind, target: name[2..].to_string() };
            if columns.contains(&col) {
                return Err(ScadaError::DuplicateColumn { file: f(), column: i + 1, name: name.to_string() });
            }
            columns.push(col);
        }
        let mut s = Scada { columns, ..Default::default() };
        let mut missing: Vec<(usize, usize)> = vec![(0, 0); s.columns.len()];
        for (n, line) in lines {
            let line_no = n + 1;
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            if fields.len() != names.len() {
                return Err(ScadaError::FieldCount { file: f(), line: line_no, found: fields.len(), expected: names.len() });
            }
            let t = parse_stamp(fields[0])
                .ok_or_else(|| ScadaError::BadStamp { file: f(), line: line_no, text: fields[0].to_string() })?;
            if let Some(&prev) = s.times_min.last() {
                if t <= prev {
                    return Err(ScadaError::OutOfOrder {
                        file: f(),
                        line: line_no,
                        stamp: format_stamp(t),
                        previous: format_stamp(prev),
                    });
                }
            }
            let mut row = Vec::with_capacity(s.columns.len());
            for (c, text) in fields[1..].iter().enumerate() {
                let v = if text.is_empty() || text.eq_ignore_ascii_case("nan") {
                    f64::NAN
                } else {
                    match text.parse::<f64>() {
                        Ok(v) if v.is_finite() => v,
                        _ => {
                            return Err(ScadaError::NotANumber {
                                file: f(),
                                line: line_no,
                                column: c + 2,
                                name: names[c + 1].to_string(),
                                text: text.to_string(),
                            });
                        }
                    }
                };
                if v.is_nan() {
                    if missing[c].0 == 0 {
                        missing[c].1 = line_no;
                    }
                    missing[c].0 += 1;
                }
                row.push(v);
            }
            s.times_min.push(t);
            s.values.push(row);
            s.lines.push(line_no);
        }
        let mut warnings = Vec::new();
        if let Some(step) = s.step_min() {
            for w in s.times_min.windows(2).enumerate() {
                let (i, w) = w;
                if w[1] - w[0] > step {
                    warnings.push(ScadaWarning::Gap {
                        line: s.lines[i + 1],
                        from: format_stamp(w[0]),
                        to: format_stamp(w[1]),
                        missing: (w[1] - w[0]) / step - 1,
                    });
                }
            }
        }
        for (c, (count, first_line)) in missing.into_iter().enumerate() {
            if count > 0 {
                warnings.push(ScadaWarning::Missing { column: s.columns[c].name(), count, first_line });
            }
        }
        Ok((s, warnings))
    }

    /// Checks that every column names an element of the right kind in `net`.
    pub fn check_network(&self, net: &Network, file: &str) -> Result<(), ScadaError> {
        for (i, c) in self.columns.iter().enumerate() {
            let (what, ok) = match c.kind {
                SensorKind::Pressure => ("node", net.nodes.iter().any(|n| n.id == c.target)),
                SensorKind::Demand => (
                    "junction",
                    net.nodes.iter().any(|n| n.id == c.target && matches!(n.kind, NodeKind::Junction(_))),
                ),
                SensorKind::Level => (
                    "tank",
                    net.nodes.iter().any(|n| n.id == c.target && matches!(n.kind, NodeKind::Tank(_))),
                ),
                SensorKind::Flow => ("link", net.links.iter().any(|l| l.id == c.target)),
            };
            if !ok {
                return Err(ScadaError::NotInNetwork {
                    file: file.to_string(),
                    column: i + 2,
                    name: c.name(),
                    what,
                    id: c.target.clone(),
                });
            }
        }
        Ok(())
    }

    /// The most common difference between consecutive time stamps.
    pub fn step_min(&self) -> Option<i64> {
        let mut d: Vec<i64> = self.times_min.windows(2).map(|w| w[1] - w[0]).collect();
        if d.is_empty() {
            return None;
        }
        d.sort_unstable();
        let (mut best, mut best_n, mut i) = (d[0], 0, 0);
        while i < d.len() {
            let j = d[i..].iter().position(|&x| x != d[i]).map_or(d.len(), |k| i + k);
            if j - i > best_n {
                best = d[i];
                best_n = j - i;
            }
            i = j;
        }
        Some(best)
    }

    /// The rows up to and including time `t_min` (what a causal method may see at `t_min`).
    pub fn cut(&self, t_min: i64) -> Scada {
        let n = self.times_min.partition_point(|&t| t <= t_min);
        Scada {
            columns: self.columns.clone(),
            times_min: self.times_min[..n].to_vec(),
            values: self.values[..n].to_vec(),
            lines: self.lines[..n].to_vec(),
        }
    }

    /// CSV text; gaps are written as empty cells. `decimals` per kind keeps files small.
    pub fn to_csv(&self) -> String {
        let mut out = String::with_capacity(self.values.len() * (18 + 8 * self.columns.len()));
        out.push_str("Timestamp");
        for c in &self.columns {
            out.push(',');
            out.push_str(&c.name());
        }
        out.push('\n');
        for (t, row) in self.times_min.iter().zip(&self.values) {
            out.push_str(&format_stamp(*t));
            for (c, v) in self.columns.iter().zip(row) {
                out.push(',');
                if v.is_finite() {
                    let d = match c.kind {
                        SensorKind::Pressure | SensorKind::Level => 3,
                        SensorKind::Flow | SensorKind::Demand => 2,
                    };
                    out.push_str(&format!("{v:.d$}"));
                }
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_columns_gaps_and_missing_values() {
        let text = "Timestamp,P_n1,Q_p1\n2019-01-01 00:00,10.5,3\n2019-01-01 00:05,,4\n2019-01-01 00:20,11,NaN\n";
        let (s, w) = Scada::parse(text, "x.csv").unwrap();
        assert_eq!(s.columns[0], Column { kind: SensorKind::Pressure, target: "n1".into() });
        assert_eq!(s.columns[1].kind, SensorKind::Flow);
        assert_eq!(s.values.len(), 3);
        assert!(s.values[1][0].is_nan());
        assert_eq!(s.values[2][0], 11.0);
        assert_eq!(s.step_min(), Some(5));
        assert!(w.contains(&ScadaWarning::Gap {
            line: 4,
            from: "2019-01-01 00:05".into(),
            to: "2019-01-01 00:20".into(),
            missing: 2
        }));
        assert!(w.contains(&ScadaWarning::Missing { column: "P_n1".into(), count: 1, first_line: 3 }));
        // Gaps stay gaps: no row was invented.
        assert_eq!(s.times_min.len(), 3);
    }

    #[test]
    fn names_the_place_of_bad_input() {
        let e = Scada::parse("Timestamp,P_n1\n2019-01-01 00:00,1\n2019-01-01 00:05,x1\n", "a.csv").unwrap_err();
        assert_eq!(
            e,
            ScadaError::NotANumber { file: "a.csv".into(), line: 3, column: 2, name: "P_n1".into(), text: "x1".into() }
        );
        assert!(e.to_string().starts_with("a.csv:3: column 2 `P_n1`"));
        let e = Scada::parse("Timestamp,P_n1\n2019-01-01 00:05,1\n2019-01-01 00:05,2\n", "a.csv").unwrap_err();
        assert!(matches!(e, ScadaError::OutOfOrder { line: 3, .. }));
        let e = Scada::parse("Timestamp,P_n1\n2019-01-01 00:05,1\n2019-01-01 00:00,2\n", "a.csv").unwrap_err();
        assert!(matches!(e, ScadaError::OutOfOrder { line: 3, .. }));
        let e = Scada::parse("Timestamp,X_n1\n", "a.csv").unwrap_err();
        assert!(matches!(e, ScadaError::UnknownPrefix { column: 2, .. }));
        let e = Scada::parse("Timestamp,P_n1\n2019-13-01 00:00,1\n", "a.csv").unwrap_err();
        assert!(matches!(e, ScadaError::BadStamp { line: 2, .. }));
        let e = Scada::parse("Timestamp,P_n1\n2019-01-01 00:00,1,2\n", "a.csv").unwrap_err();
        assert!(matches!(e, ScadaError::FieldCount { line: 2, found: 3, expected: 2, .. }));
    }

    #[test]
    fn csv_round_trip_keeps_gaps() {
        let text = "Timestamp,P_n1,D_n2\n2019-01-01 00:00,10.500,\n2019-01-01 00:05,9.250,3.50\n";
        let (s, _) = Scada::parse(text, "x").unwrap();
        assert_eq!(s.to_csv(), text);
        assert_eq!(s.cut(parse_stamp("2019-01-01 00:00").unwrap()).values.len(), 1);
    }
}
