//! The 交办整改 case register: problems handed down for rectification.
//!
//! `id,source,kind,problem,place,received_on,deadline,unit,status,closed_on,evidence`
//! * `status`: `open`, `in_progress`, `rectified` (整改完成, awaiting
//!   acceptance), `closed` (销号). `rectified` and `closed` need `closed_on`
//!   and `evidence`.
//! * Overdue on a date: not rectified or closed and the deadline is before
//!   that date; a case finished after its deadline is listed as late.

use chrono::NaiveDate;
use oasis_records::{Loc, Row, parse_csv};

use crate::SoilError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Open,
    InProgress,
    Rectified,
    Closed,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Rectified => "rectified",
            Status::Closed => "closed",
        }
    }
    pub fn finished(self) -> bool {
        matches!(self, Status::Rectified | Status::Closed)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    pub id: String,
    pub source: String,
    pub kind: String,
    pub problem: String,
    pub place: String,
    pub received_on: NaiveDate,
    pub deadline: NaiveDate,
    pub unit: String,
    pub status: Status,
    pub closed_on: Option<NaiveDate>,
    pub evidence: String,
    pub at: Loc,
}

fn date(r: &Row, field: &str) -> Result<Option<NaiveDate>, SoilError> {
    match r.opt(field) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                r.err(field, format!("'{s}' is not a date YYYY-MM-DD"))
                    .into()
            }),
    }
}

pub fn read_cases(file: &str, text: &str) -> Result<Vec<Case>, SoilError> {
    let mut out: Vec<Case> = Vec::new();
    for r in parse_csv(
        file,
        text,
        &[
            "id",
            "source",
            "kind",
            "problem",
            "place",
            "received_on",
            "deadline",
            "unit",
            "status",
            "closed_on",
            "evidence",
        ],
    )? {
        let status = match r.text("status")? {
            "open" => Status::Open,
            "in_progress" => Status::InProgress,
            "rectified" => Status::Rectified,
            "closed" => Status::Closed,
            o => {
                return Err(r
                    .err(
                        "status",
                        format!("'{o}' is not open, in_progress, rectified or closed"),
                    )
                    .into());
            }
        };
        let received_on = date(&r, "received_on")?
            .ok_or_else(|| r.err("received_on", "is empty but required"))?;
        let deadline =
            date(&r, "deadline")?.ok_or_else(|| r.err("deadline", "is empty but required"))?;
        if deadline < received_on {
            return Err(r.err("deadline", "is before the case was received").into());
        }
        let closed_on = date(&r, "closed_on")?;
        let evidence = r.opt("evidence").unwrap_or("").to_string();
        if status.finished() && (closed_on.is_none() || evidence.is_empty()) {
            return Err(r
                .err(
                    if closed_on.is_none() {
                        "closed_on"
                    } else {
                        "evidence"
                    },
                    format!("a {} case needs its date and evidence", status.name()),
                )
                .into());
        }
        if !status.finished() && closed_on.is_some() {
            return Err(r
                .err(
                    "closed_on",
                    format!("an {} case has no closing date", status.name()),
                )
                .into());
        }
        let c = Case {
            id: r.text("id")?.to_string(),
            source: r.text("source")?.to_string(),
            kind: r.text("kind")?.to_string(),
            problem: r.text("problem")?.to_string(),
            place: r.text("place")?.to_string(),
            received_on,
            deadline,
            unit: r.text("unit")?.to_string(),
            status,
            closed_on,
            evidence,
            at: r.loc(""),
        };
        if out.iter().any(|o| o.id == c.id) {
            return Err(r.err("id", "case id listed twice").into());
        }
        out.push(c);
    }
    Ok(out)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timeliness {
    /// Open past its deadline by this many days.
    Overdue(i64),
    /// Finished this many days after the deadline.
    Late(i64),
    OnTime,
    /// Open, this many days left (0 = due today).
    Due(i64),
}

pub fn timeliness(c: &Case, today: NaiveDate) -> Timeliness {
    match c.closed_on {
        Some(done) if c.status.finished() => {
            let late = (done - c.deadline).num_days();
            if late > 0 {
                Timeliness::Late(late)
            } else {
                Timeliness::OnTime
            }
        }
        _ => {
            let left = (c.deadline - today).num_days();
            if left < 0 {
                Timeliness::Overdue(-left)
            } else {
                Timeliness::Due(left)
            }
        }
    }
}

/// The overdue list on `today`, most overdue first.
pub fn overdue(cases: &[Case], today: NaiveDate) -> Vec<(&Case, i64)> {
    let mut v: Vec<(&Case, i64)> = cases
        .iter()
        .filter_map(|c| match timeliness(c, today) {
            Timeliness::Overdue(d) => Some((c, d)),
            _ => None,
        })
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
    v
}
