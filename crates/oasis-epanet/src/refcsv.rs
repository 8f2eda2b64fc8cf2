//! The reference CSV of issue 2, shared by `epanet-ref` and `oasis run --csv`:
//! header `time_s,object,id,head,pressure,demand,flow,velocity,headloss,status,setting`;
//! per reporting time one row per node (link columns empty) then one row per link
//! (node columns empty), numbers as C's `%.17g`.

use std::io::{Read, Write};

use crate::format::g17;
use crate::{LinkValues, NodeValues, Snapshot};

pub const HEADER: [&str; 11] = [
    "time_s", "object", "id", "head", "pressure", "demand", "flow", "velocity", "headloss",
    "status", "setting",
];

/// A problem reading a reference CSV back, naming the row (1 = header) and field.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("row {row}: header is {found:?}, expected {expected:?}", expected = HEADER.join(","))]
    Header { row: u64, found: String },
    #[error("row {row}, field {field}: {problem}")]
    Field {
        row: u64,
        field: &'static str,
        problem: String,
    },
}

/// Writes the snapshots (already restricted to reporting times) as the reference CSV.
pub fn write_snapshots<W: Write>(out: W, snapshots: &[&Snapshot]) -> Result<(), csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    w.write_record(HEADER)?;
    for s in snapshots {
        let t = s.time_s.to_string();
        for n in &s.nodes {
            w.write_record([
                t.as_str(),
                "node",
                n.id.as_str(),
                &g17(n.head),
                &g17(n.pressure),
                &g17(n.demand),
                "",
                "",
                "",
                "",
                "",
            ])?;
        }
        for l in &s.links {
            w.write_record([
                t.as_str(),
                "link",
                l.id.as_str(),
                "",
                "",
                "",
                &g17(l.flow),
                &g17(l.velocity),
                &g17(l.headloss),
                &g17(l.status),
                &g17(l.setting),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Reads a reference CSV back into snapshots (one per distinct `time_s`, in order).
pub fn read_snapshots<R: Read>(input: R) -> Result<Vec<Snapshot>, CsvError> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(input);
    let mut out: Vec<Snapshot> = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec?;
        let row = i as u64 + 1;
        if row == 1 {
            let found: Vec<&str> = rec.iter().collect();
            if found != HEADER {
                return Err(CsvError::Header {
                    row,
                    found: found.join(","),
                });
            }
            continue;
        }
        let field = |k: usize| rec.get(k).unwrap_or("");
        let num = |k: usize| -> Result<f64, CsvError> {
            field(k).parse::<f64>().map_err(|e| CsvError::Field {
                row,
                field: HEADER[k],
                problem: format!("{:?} is not a number ({e})", field(k)),
            })
        };
        let time_s: i64 = field(0).parse().map_err(|e| CsvError::Field {
            row,
            field: "time_s",
            problem: format!("{:?} is not an integer ({e})", field(0)),
        })?;
        if out.last().is_none_or(|s| s.time_s != time_s) {
            out.push(Snapshot {
                time_s,
                nodes: Vec::new(),
                links: Vec::new(),
            });
        }
        let snap = out.last_mut().expect("pushed above");
        match field(1) {
            "node" => snap.nodes.push(NodeValues {
                id: field(2).to_string(),
                head: num(3)?,
                pressure: num(4)?,
                demand: num(5)?,
            }),
            "link" => snap.links.push(LinkValues {
                id: field(2).to_string(),
                flow: num(6)?,
                velocity: num(7)?,
                headloss: num(8)?,
                status: num(9)?,
                setting: num(10)?,
            }),
            other => {
                return Err(CsvError::Field {
                    row,
                    field: "object",
                    problem: format!("{other:?} is neither \"node\" nor \"link\""),
                });
            }
        }
    }
    Ok(out)
}

/// One difference between a candidate result and the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub time_s: i64,
    /// "node" or "link" (or "time" when a whole reporting time is missing/extra).
    pub object: &'static str,
    pub id: String,
    pub field: &'static str,
    pub candidate: f64,
    pub reference: f64,
    /// |candidate − reference| / max(1, |reference|); infinite for structural differences.
    pub rel_error: f64,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "t={} {} {} {}: {} vs reference {} (rel. error {:.3e})",
            self.time_s,
            self.object,
            self.id,
            self.field,
            g17(self.candidate),
            g17(self.reference),
            self.rel_error
        )
    }
}

/// Compares `candidate` with `reference` field by field: the issue-2 criterion is
/// |a − b| ≤ tol · max(1, |b|). Times, counts, order and IDs must match exactly
/// (reported as mismatches with infinite error).
pub fn compare(candidate: &[Snapshot], reference: &[Snapshot], tol: f64) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let structural = |time_s, object, id: String, field| Mismatch {
        time_s,
        object,
        id,
        field,
        candidate: f64::NAN,
        reference: f64::NAN,
        rel_error: f64::INFINITY,
    };
    if candidate.len() != reference.len() {
        out.push(structural(
            -1,
            "time",
            format!("{} vs {} reporting times", candidate.len(), reference.len()),
            "count",
        ));
    }
    for (c, r) in candidate.iter().zip(reference) {
        if c.time_s != r.time_s {
            out.push(structural(
                r.time_s,
                "time",
                format!("candidate time {}", c.time_s),
                "time_s",
            ));
            continue;
        }
        if c.nodes.len() != r.nodes.len() || c.links.len() != r.links.len() {
            out.push(structural(
                r.time_s,
                "time",
                format!(
                    "{}/{} nodes/links vs {}/{}",
                    c.nodes.len(),
                    c.links.len(),
                    r.nodes.len(),
                    r.links.len()
                ),
                "count",
            ));
        }
        for (a, b) in c.nodes.iter().zip(&r.nodes) {
            if a.id != b.id {
                out.push(structural(
                    r.time_s,
                    "node",
                    format!("{} vs {}", a.id, b.id),
                    "id",
                ));
                continue;
            }
            check(
                &mut out, tol, r.time_s, "node", &b.id, "head", a.head, b.head,
            );
            check(
                &mut out, tol, r.time_s, "node", &b.id, "pressure", a.pressure, b.pressure,
            );
            check(
                &mut out, tol, r.time_s, "node", &b.id, "demand", a.demand, b.demand,
            );
        }
        for (a, b) in c.links.iter().zip(&r.links) {
            if a.id != b.id {
                out.push(structural(
                    r.time_s,
                    "link",
                    format!("{} vs {}", a.id, b.id),
                    "id",
                ));
                continue;
            }
            check(
                &mut out, tol, r.time_s, "link", &b.id, "flow", a.flow, b.flow,
            );
            check(
                &mut out, tol, r.time_s, "link", &b.id, "velocity", a.velocity, b.velocity,
            );
            check(
                &mut out, tol, r.time_s, "link", &b.id, "headloss", a.headloss, b.headloss,
            );
            check(
                &mut out, tol, r.time_s, "link", &b.id, "status", a.status, b.status,
            );
            check(
                &mut out, tol, r.time_s, "link", &b.id, "setting", a.setting, b.setting,
            );
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn check(
    out: &mut Vec<Mismatch>,
    tol: f64,
    time_s: i64,
    object: &'static str,
    id: &str,
    field: &'static str,
    a: f64,
    b: f64,
) {
    let rel = (a - b).abs() / b.abs().max(1.0);
    // NaN on exactly one side is a mismatch; NaN on both sides is agreement.
    if rel > tol || a.is_nan() != b.is_nan() {
        out.push(Mismatch {
            time_s,
            object,
            id: id.to_string(),
            field,
            candidate: a,
            reference: b,
            rel_error: if rel.is_nan() { f64::INFINITY } else { rel },
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Snapshot {
        Snapshot {
            time_s: 3600,
            nodes: vec![NodeValues {
                id: "J,1".into(),
                head: 100.5,
                pressure: 0.1,
                demand: -2.0,
            }],
            links: vec![LinkValues {
                id: "P1".into(),
                flow: 1e-5,
                velocity: 0.0,
                headloss: 3.0,
                status: 1.0,
                setting: 130.0,
            }],
        }
    }

    #[test]
    fn rows_have_the_issue_2_shape() {
        let mut buf = Vec::new();
        write_snapshots(&mut buf, &[&sample()]).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let expected = "time_s,object,id,head,pressure,demand,flow,velocity,headloss,status,setting\n\
                        3600,node,\"J,1\",100.5,0.10000000000000001,-2,,,,,\n\
                        3600,link,P1,,,,1.0000000000000001e-05,0,3,1,130\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn read_back_gives_the_same_snapshot() {
        let mut buf = Vec::new();
        write_snapshots(&mut buf, &[&sample()]).unwrap();
        let back = read_snapshots(buf.as_slice()).unwrap();
        assert_eq!(back, vec![sample()]);
    }

    #[test]
    fn compare_uses_relative_error_above_one_and_absolute_below() {
        let r = sample();
        let mut c = sample();
        // head 100.5: 1e-6 relative allows 100.5e-6; 5e-5 is inside.
        c.nodes[0].head += 5e-5;
        // pressure 0.1 is below 1, so the bound is absolute 1e-6; 2e-6 is outside.
        c.nodes[0].pressure += 2e-6;
        let m = compare(std::slice::from_ref(&c), std::slice::from_ref(&r), 1e-6);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!((m[0].field, m[0].id.as_str()), ("pressure", "J,1"));
        assert!((m[0].rel_error - 2e-6).abs() < 1e-12);
        c.links[0].id = "P2".into();
        let m = compare(&[c], &[r], 1e-6);
        assert!(
            m.iter()
                .any(|x| x.field == "id" && x.rel_error.is_infinite())
        );
    }

    #[test]
    fn bad_number_names_row_and_field() {
        let text = format!("{}\n0,node,J1,1,x,3,,,,,\n", HEADER.join(","));
        let err = read_snapshots(text.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("row 2") && err.contains("pressure"), "{err}");
    }
}
