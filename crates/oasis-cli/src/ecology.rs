//! `oasis greening …` and `oasis targets`: the greening ledger and the city's
//! targets board over the files of `samples/ecology/` (or `--dir`). The board
//! asks each owning module for its actual: air good days from `oasis-air`'s
//! annual evaluation (city, dust-deducted), water 优良率 from
//! `oasis-surface-water`, total water use from `oasis-tariff`'s dual control,
//! NRW from an `oasis balance --csv` file, areas from `oasis-greening`.

// Table headers are written as literal arguments beside their widths.
#![allow(clippy::print_literal, clippy::result_large_err)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use oasis_greening::{
    Kind, against_targets, area_warnings, geojson, mu_to_ha, read_projects, totals,
};
use oasis_records::Decimal;
use oasis_targets::{Actuals, Computed, board, read_register};

use crate::carbon::read;
use crate::table::{emit, pad};

#[derive(Subcommand)]
pub enum GreeningCommand {
    /// Projects, totals per kind and year against the targets register, survival rates.
    Report {
        /// Directory with greening-projects.csv and targets.csv.
        #[arg(long, default_value = "samples/ecology")]
        dir: PathBuf,
        /// Tolerance between declared and drawn area before a warning (percent).
        #[arg(long, default_value_t = 5.0)]
        tolerance_pct: f64,
    },
    /// Write the projects as GeoJSON.
    Geojson {
        #[arg(long, default_value = "samples/ecology")]
        dir: PathBuf,
        /// Output file (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Args)]
pub struct TargetsArgs {
    /// Directory with targets.csv and the ecology sample files.
    #[arg(long, default_value = "samples/ecology")]
    pub dir: PathBuf,
    /// Surface-water samples for water.good_rate_pct.
    #[arg(long, default_value = "samples/water/jinchang_sections.csv")]
    pub water: PathBuf,
    /// Dual-control TOML for dual_control.total_use_m3.
    #[arg(long, default_value = "samples/pricing/dual-control-2025.toml")]
    pub dual_control: PathBuf,
    /// `oasis balance --csv` output for metering.nrw_pct (the level-0 row; year of its `to`).
    #[arg(long)]
    pub balance_csv: Option<PathBuf>,
}

fn wan(mu: Decimal) -> String {
    format!("{:.4}", (mu / Decimal::from(10_000)).round_dp(4))
}

fn greening_targets(dir: &Path) -> anyhow::Result<Vec<(i32, Kind, Decimal)>> {
    let (f, t) = read(dir, "targets.csv")?;
    let mut out = Vec::new();
    for t in read_register(&f, &t)? {
        if let Some(k) = t
            .actual_from
            .strip_prefix("greening.")
            .and_then(|s| s.strip_suffix("_mu"))
        {
            let kind: Kind = k
                .parse()
                .map_err(|_| anyhow::anyhow!("{}: unknown greening kind '{k}'", t.at))?;
            let mu = oasis_targets::convert(t.target, &t.unit, "亩")
                .with_context(|| format!("{}: unit '{}' is not an area", t.at, t.unit))?;
            out.push((t.year, kind, mu));
        }
    }
    Ok(out)
}

pub fn greening(cmd: GreeningCommand) -> anyhow::Result<()> {
    match cmd {
        GreeningCommand::Report { dir, tolerance_pct } => {
            let (f, t) = read(&dir, "greening-projects.csv")?;
            let ps = read_projects(&f, &t)?;
            let mut out = String::new();
            writeln!(
                out,
                "{:<12} {} {:<15} {} {:>5} {:>12} {:>11} {:>9} {:>10}  accepted",
                "project",
                pad("name", 28),
                "kind",
                pad("county", 8),
                "year",
                "亩",
                "ha",
                "万元",
                "survival%",
            )?;
            for p in &ps {
                writeln!(
                    out,
                    "{:<12} {} {:<15} {} {:>5} {:>12} {:>11} {:>9} {:>10}  {}",
                    p.id,
                    pad(&p.name, 28),
                    p.kind.name(),
                    pad(&p.county, 8),
                    p.year,
                    p.area_mu.normalize(),
                    format!("{:.2}", mu_to_ha(p.area_mu).round_dp(2)),
                    p.funding_wan_yuan
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    p.survival_pct()
                        .map(|d| format!("{:.1}", d.round_dp(1)))
                        .unwrap_or_default(),
                    p.accepted_on.clone().unwrap_or_else(|| "not yet".into())
                )?;
            }
            let tot = totals(&ps);
            writeln!(
                out,
                "\n{:<5} {:<15} {:>9} {:>12} {:>11} {:>12} {:>9} {:>10}",
                "year", "kind", "projects", "万亩", "ha", "accepted 万亩", "万元", "survival%"
            )?;
            for ((y, k), t) in &tot {
                writeln!(
                    out,
                    "{:<5} {:<15} {:>9} {:>12} {:>11} {:>12} {:>9} {:>10}",
                    y,
                    k.name(),
                    t.projects,
                    wan(t.area_mu),
                    format!("{:.2}", mu_to_ha(t.area_mu).round_dp(2)),
                    wan(t.accepted_mu),
                    t.funding_wan_yuan,
                    t.survival_pct()
                        .map(|d| format!("{:.1}", d.round_dp(1)))
                        .unwrap_or_default()
                )?;
            }
            writeln!(
                out,
                "\n{:<5} {:<15} {:>10} {:>10} {:>10}  met",
                "year", "kind", "target万亩", "actual万亩", "gap万亩"
            )?;
            for a in against_targets(&tot, &greening_targets(&dir)?) {
                writeln!(
                    out,
                    "{:<5} {:<15} {:>10} {:>10} {:>10}  {}",
                    a.year,
                    a.kind.name(),
                    wan(a.target_mu),
                    wan(a.actual_mu),
                    wan(a.gap_mu),
                    if a.met { "yes" } else { "no" }
                )?;
            }
            for w in area_warnings(&ps, tolerance_pct) {
                writeln!(out, "warning: {w}")?;
            }
            writeln!(out, "1 ha = 15 亩 exactly; totals are sums in 亩")?;
            emit(&out)
        }
        GreeningCommand::Geojson { dir, output } => {
            let (f, t) = read(&dir, "greening-projects.csv")?;
            let g = geojson(&read_projects(&f, &t)?);
            match output {
                Some(p) => std::fs::write(&p, g + "\n")
                    .with_context(|| format!("cannot write {}", p.display())),
                None => emit(&(g + "\n")),
            }
        }
    }
}

fn computed(value: Decimal, unit: &str, by: String) -> Computed {
    Computed {
        value,
        unit: unit.to_string(),
        by,
    }
}

pub fn targets(args: TargetsArgs) -> anyhow::Result<()> {
    let (f, t) = read(&args.dir, "targets.csv")?;
    let reg = read_register(&f, &t)?;
    let mut actuals = Actuals::new();
    let years = |key: &str| -> Vec<i32> {
        let mut v: Vec<i32> = reg
            .iter()
            .filter(|t| t.actual_from.starts_with(key))
            .map(|t| t.year)
            .collect();
        v.dedup();
        v
    };
    // Air: the city's dust-deducted annual evaluation.
    for y in years("air.") {
        let limits = oasis_air::Limits::of(
            oasis_air::LimitSet::for_date(
                oasis_air::Date::from_ymd(y as i64, 12, 31).context("year")?,
            ),
            oasis_air::AreaClass::Two,
        );
        let evs = crate::air::annual_all(
            &args.dir.join("air-daily.csv"),
            Some(&args.dir.join("air-dust-days.csv")),
            y as i64,
            "city",
            limits,
        )?;
        let ev = &evs.last().context("no city series")?.1.deducted;
        if ev.valid_days > 0 {
            let by = format!(
                "oasis-air annual {y}, city, dust-deducted ({} valid days)",
                ev.valid_days
            );
            actuals.insert(
                ("air.good_days".into(), y),
                computed(Decimal::from(ev.good_days), "days", by.clone()),
            );
            if let Some(r) = ev.good_rate_pct() {
                actuals.insert(
                    ("air.good_rate_pct".into(), y),
                    computed(r.to_string().parse()?, "%", by),
                );
            }
        }
    }
    for y in years("water.") {
        let (rate, n) =
            crate::water::good_rate_pct(&args.water, &format!("{y}-01-01"), &format!("{y}-12-31"))?;
        if let Some(r) = rate {
            actuals.insert(
                ("water.good_rate_pct".into(), y),
                computed(
                    r.parse()?,
                    "%",
                    format!("oasis-surface-water, {n} sites, {}", args.water.display()),
                ),
            );
        }
    }
    if !years("dual_control.").is_empty() {
        let text = std::fs::read_to_string(&args.dual_control)
            .with_context(|| format!("cannot read {}", args.dual_control.display()))?;
        let input = oasis_tariff::dual_control::DualControlInput::from_toml_str(&text)
            .with_context(|| args.dual_control.display().to_string())?;
        let rep = oasis_tariff::dual_control::report(&input);
        actuals.insert(
            ("dual_control.total_use_m3".into(), input.year),
            computed(
                rep.total_m3,
                "m3",
                format!("oasis-tariff dual control, {}", args.dual_control.display()),
            ),
        );
    }
    if let Some(p) = &args.balance_csv {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
        for r in oasis_records::parse_csv(
            &p.display().to_string(),
            &text,
            &["district", "level", "to", "nrw_pct"],
        )? {
            if r.text("level")? == "0"
                && let Some(v) = r.opt_decimal("nrw_pct")?
            {
                let year: i32 = r
                    .text("to")?
                    .get(..4)
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| r.err("to", "no year"))?;
                actuals.insert(
                    ("metering.nrw_pct".into(), year),
                    computed(
                        v.round_dp(2),
                        "%",
                        format!("oasis-metering balance, {}", p.display()),
                    ),
                );
            }
        }
    }
    if !years("greening.").is_empty() {
        let (f, t) = read(&args.dir, "greening-projects.csv")?;
        for ((y, k), t) in totals(&read_projects(&f, &t)?) {
            actuals.insert(
                (format!("greening.{}_mu", k.name()), y),
                computed(
                    t.area_mu,
                    "亩",
                    format!("oasis-greening, {} projects", t.projects),
                ),
            );
        }
    }
    let rows = board(&reg, &actuals)?;
    let mut out = String::new();
    writeln!(
        out,
        "{} {:>5} {:>10} {:>10} {:>10} {:<8} {:<4}  actual from",
        pad("indicator", 30),
        "year",
        "target",
        "actual",
        "gap",
        "unit",
        "met"
    )?;
    for r in &rows {
        let t = &r.target;
        let o = |v: Option<Decimal>| {
            v.map(|d| d.round_dp(2).normalize().to_string())
                .unwrap_or_else(|| "—".into())
        };
        let met = match r.met {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "?",
        };
        writeln!(
            out,
            "{} {:>5} {:>10} {:>10} {:>10} {} {:<4}  {}",
            pad(&t.indicator, 30),
            t.year,
            t.target,
            o(r.actual),
            o(r.gap),
            pad(&t.unit, 8),
            met,
            r.by
        )?;
    }
    let met = rows.iter().filter(|r| r.met == Some(true)).count();
    let missing = rows.iter().filter(|r| r.met.is_none()).count();
    writeln!(
        out,
        "{met} of {} targets met, {missing} without an actual; gap = actual − target in the target's unit",
        rows.len()
    )?;
    emit(&out)
}
