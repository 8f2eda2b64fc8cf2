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
    fn bad_number_names_row_and_field() {
        let text = format!("{}\n0,node,J1,1,x,3,,,,,\n", HEADER.join(","));
        let err = read_snapshots(text.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("row 2") && err.contains("pressure"), "{err}");
    }
}
