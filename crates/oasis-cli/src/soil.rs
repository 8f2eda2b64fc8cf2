//! `oasis soil screen` and `oasis soil cases`: soil results against the
//! limits file, site classes, and the 交办整改 register with its overdue list.

// Table headers are written as literal arguments beside their widths.
#![allow(clippy::print_literal, clippy::result_large_err)]

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Subcommand;
use oasis_soil::cases::{self, Timeliness};
use oasis_soil::limits::{Limits, standard_of};
use oasis_soil::screening::{read_samples, screen, site_classes};

use crate::carbon::read;
use crate::table::{emit, pad};

#[derive(Subcommand)]
pub enum SoilCommand {
    /// Screen soil-samples.csv against soil-limits.csv (GB 15618-2018, GB 36600-2018); class each site.
    Screen {
        #[arg(long, default_value = "samples/ecology")]
        dir: PathBuf,
    },
    /// The 交办整改 register (cases.csv): status, deadlines, the overdue list on a date.
    Cases {
        #[arg(long, default_value = "samples/ecology")]
        dir: PathBuf,
        /// The day to judge deadlines on (YYYY-MM-DD).
        #[arg(long)]
        on: String,
    },
}

pub fn run(cmd: SoilCommand) -> anyhow::Result<()> {
    let mut out = String::new();
    match cmd {
        SoilCommand::Screen { dir } => {
            let (f, t) = read(&dir, "soil-limits.csv")?;
            let limits = Limits::from_csv_str(&f, &t)?;
            let (f, t) = read(&dir, "soil-samples.csv")?;
            let s = screen(&read_samples(&f, &t)?, &limits)?;
            writeln!(
                out,
                "{} {:<9} {:<8} {:>5} {:<4} {:>8} {:>8} {:>8}  {} basis",
                pad("site", 16),
                "sample",
                "land use",
                "pH",
                "item",
                "mg/kg",
                "screen",
                "interv.",
                pad("class", 16)
            )?;
            for x in &s {
                let r = &x.result;
                let farmland = standard_of(&r.land_use) == Some("GB15618-2018");
                writeln!(
                    out,
                    "{} {:<9} {:<8} {:>5} {:<4} {:>8} {:>8} {:>8}  {} {}",
                    pad(&r.site, 16),
                    r.sample,
                    r.land_use,
                    r.ph.map(|p| p.to_string()).unwrap_or_default(),
                    r.item,
                    r.value,
                    x.screening,
                    x.intervention
                        .map(|v| v.to_string())
                        .unwrap_or_else(|| "—".into()),
                    pad(x.class.name_zh(farmland), 16),
                    x.basis
                )?;
            }
            writeln!(out)?;
            for (site, (class, farmland, items)) in site_classes(&s) {
                writeln!(
                    out,
                    "{} {} {}",
                    pad(&site, 16),
                    pad(class.name_zh(farmland), 16),
                    items.join(",")
                )?;
            }
            writeln!(
                out,
                "a value on a limit meets it; limits from soil-limits.csv (each row names its table and source)"
            )?;
        }
        SoilCommand::Cases { dir, on } => {
            let today = NaiveDate::parse_from_str(&on, "%Y-%m-%d")
                .with_context(|| format!("--on '{on}' is not YYYY-MM-DD"))?;
            let (f, t) = read(&dir, "cases.csv")?;
            let cs = cases::read_cases(&f, &t)?;
            writeln!(
                out,
                "{:<12} {:<9} {} {} {:<10} {:<12} {}  evidence",
                "case",
                "kind",
                pad("problem", 24),
                pad("unit", 16),
                "deadline",
                "status",
                pad("timeliness", 16),
            )?;
            for c in &cs {
                let tl = match cases::timeliness(c, today) {
                    Timeliness::Overdue(d) => format!("OVERDUE {d} d"),
                    Timeliness::Late(d) => format!("done {d} d late"),
                    Timeliness::OnTime => "done on time".into(),
                    Timeliness::Due(d) => format!("{d} d left"),
                };
                writeln!(
                    out,
                    "{:<12} {:<9} {} {} {:<10} {:<12} {}  {}",
                    c.id,
                    c.kind,
                    pad(&c.problem, 24),
                    pad(&c.unit, 16),
                    c.deadline,
                    c.status.name(),
                    pad(&tl, 16),
                    c.evidence
                )?;
            }
            let o = cases::overdue(&cs, today);
            writeln!(out, "\noverdue on {today}: {}", o.len())?;
            for (c, d) in o {
                writeln!(
                    out,
                    "  {} {} — {} ({}), {} days past {}",
                    c.id, c.problem, c.place, c.unit, d, c.deadline
                )?;
            }
        }
    }
    emit(&out)
}
