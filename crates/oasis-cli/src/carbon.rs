//! `oasis carbon …`: reads the carbon ledger's CSV files from a directory,
//! calls `oasis-carbon`, prints tables. File names inside `--dir`:
//! `carbon-factors.csv`, `carbon-activity.csv`, `carbon-sectors.csv`,
//! `carbon-economy.csv`, `carbon-scenarios.csv`, `forest-stands.csv`,
//! `offset-cases.csv`, `offset-events.csv` (formats in the crate docs and
//! `samples/ecology/`).

// Table headers are written as literal arguments beside their widths.
#![allow(clippy::print_literal, clippy::result_large_err)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use oasis_carbon::ledger::{self, Activity};
use oasis_carbon::sinks::{self, CaseEvent, CompensationCase, ForestStand, StandSink};
use oasis_carbon::{Decimal, Economy, FactorTable, Scenario, Sectors};

use crate::table::{emit, pad};

#[derive(Args, Clone)]
pub struct DirArg {
    /// Directory holding the ledger's files.
    #[arg(long, default_value = "samples/ecology")]
    pub dir: PathBuf,
}

#[derive(Subcommand)]
pub enum CarbonCommand {
    /// Enterprise totals per year in the guideline structure (--lines: every line with its factors).
    Ledger {
        #[command(flatten)]
        dir: DirArg,
        /// Only this year.
        #[arg(long)]
        year: Option<i32>,
        /// Also print each activity line with the factors (vintage, source) behind it.
        #[arg(long)]
        lines: bool,
    },
    /// City inventory by sector and year, forest sinks, net, intensity and declines against a base year.
    Inventory {
        #[command(flatten)]
        dir: DirArg,
        #[arg(long)]
        base_year: i32,
    },
    /// What-if scenarios to a target year (grid factor, output, efficiency).
    Scenarios {
        #[command(flatten)]
        dir: DirArg,
    },
    /// Forest sinks by the stock-change method.
    Sinks {
        #[command(flatten)]
        dir: DirArg,
    },
    /// 碳汇代偿 cases: damage as lost sink, credits, price, area, progress.
    Cases {
        #[command(flatten)]
        dir: DirArg,
    },
}

pub fn read(dir: &Path, name: &str) -> anyhow::Result<(String, String)> {
    let p = dir.join(name);
    let text =
        std::fs::read_to_string(&p).with_context(|| format!("cannot read {}", p.display()))?;
    Ok((p.display().to_string(), text))
}

pub fn t1(v: Decimal) -> String {
    v.round_dp(1).to_string()
}

fn dp(v: Decimal, n: u32) -> String {
    format!("{:.*}", n as usize, v.round_dp(n))
}

pub struct Ledger {
    pub factors: FactorTable,
    pub acts: Vec<Activity>,
}

pub fn load(dir: &Path) -> anyhow::Result<Ledger> {
    let (f, t) = read(dir, "carbon-factors.csv")?;
    let factors = FactorTable::from_csv_str(&f, &t)?;
    let (f, t) = read(dir, "carbon-activity.csv")?;
    let acts = Activity::from_csv_str(&f, &t)?;
    Ok(Ledger { factors, acts })
}

pub fn stand_sinks(dir: &Path, factors: &FactorTable) -> anyhow::Result<Vec<StandSink>> {
    let (f, t) = read(dir, "forest-stands.csv")?;
    let stands = ForestStand::from_csv_str(&f, &t)?;
    Ok(stands
        .iter()
        .map(|s| sinks::stand_sink(s, factors))
        .collect::<Result<_, _>>()?)
}

pub fn run(cmd: CarbonCommand) -> anyhow::Result<()> {
    let mut out = String::new();
    match cmd {
        CarbonCommand::Ledger { dir, year, lines } => {
            let l = load(&dir.dir)?;
            let les = ledger::line_emissions(&l.acts, &l.factors)?;
            let les: Vec<_> = les
                .into_iter()
                .filter(|e| year.is_none_or(|y| e.activity.year == y))
                .collect();
            if lines {
                writeln!(
                    out,
                    "{:<6} {:<16} {:<22} {:<13} {:>14} {:<8} {:>14}  factors",
                    "year", "enterprise", "category", "item", "amount", "unit", "tCO2e"
                )?;
                for e in &les {
                    let a = &e.activity;
                    writeln!(
                        out,
                        "{:<6} {:<16} {:<22} {:<13} {:>14} {:<8} {:>14}  {}",
                        a.year,
                        a.enterprise,
                        a.category.name(),
                        a.item,
                        a.amount,
                        a.unit,
                        t1(e.co2e),
                        e.factors.join("; ")
                    )?;
                }
                writeln!(out)?;
            }
            writeln!(
                out,
                "{:<6} {:<16} {:<11} {:>12} {:>12} {:>11} {:>9} {:>12} {:>11} {:>11} {:>11} {:>13}",
                "year",
                "enterprise",
                "sector",
                "combustion",
                "feedstock",
                "process",
                "gases",
                "purch.elec",
                "purch.heat",
                "exp.elec",
                "exp.heat",
                "total tCO2e"
            )?;
            for t in ledger::enterprise_totals(&les)? {
                writeln!(
                    out,
                    "{:<6} {:<16} {:<11} {:>12} {:>12} {:>11} {:>9} {:>12} {:>11} {:>11} {:>11} {:>13}",
                    t.year,
                    t.enterprise,
                    t.sector,
                    t1(t.combustion),
                    t1(t.feedstock),
                    t1(t.process),
                    t1(t.other_gases),
                    t1(t.purchased_electricity),
                    t1(t.purchased_heat),
                    t1(t.exported_electricity),
                    t1(t.exported_heat),
                    t1(t.total)
                )?;
            }
            writeln!(
                out,
                "total = combustion + feedstock (net of carbon in products) + process + gases + purchased electricity + heat − exported electricity − heat"
            )?;
        }
        CarbonCommand::Inventory { dir, base_year } => {
            let l = load(&dir.dir)?;
            let (f, t) = read(&dir.dir, "carbon-sectors.csv")?;
            let sectors = Sectors::from_csv_str(&f, &t)?;
            sectors.check(&l.acts)?;
            let (f, t) = read(&dir.dir, "carbon-economy.csv")?;
            let econ = Economy::from_csv_str(&f, &t)?;
            let totals = ledger::enterprise_totals(&ledger::line_emissions(&l.acts, &l.factors)?)?;
            let inv = ledger::city_inventory(&totals);
            let sinks = stand_sinks(&dir.dir, &l.factors)?;
            writeln!(
                out,
                "{:<6} {:<12} {:<22} {:>14} {:>14} {:>14}",
                "year", "sector", "name", "direct tCO2e", "indirect", "total"
            )?;
            let mut by_year: BTreeMap<i32, Decimal> = BTreeMap::new();
            for r in &inv {
                let name = sectors
                    .rows
                    .get(&r.sector)
                    .map(|s| s.1.as_str())
                    .unwrap_or("");
                writeln!(
                    out,
                    "{:<6} {:<12} {} {:>14} {:>14} {:>14}",
                    r.year,
                    r.sector,
                    pad(name, 22),
                    t1(r.direct),
                    t1(r.indirect),
                    t1(r.total)
                )?;
                *by_year.entry(r.year).or_default() += r.total;
            }
            writeln!(out)?;
            writeln!(
                out,
                "{:<6} {:>14} {:>14} {:>14}",
                "year", "emissions", "forest sink", "net tCO2e"
            )?;
            for (y, e) in &by_year {
                let s: Decimal = sinks
                    .iter()
                    .filter(|s| s.covers(*y))
                    .map(|s| s.co2_per_year)
                    .sum();
                writeln!(
                    out,
                    "{:<6} {:>14} {:>14} {:>14}",
                    y,
                    t1(*e),
                    t1(-s),
                    t1(*e - s)
                )?;
            }
            writeln!(out)?;
            writeln!(
                out,
                "{:<6} {:>12} {:>12} {:>12} {:>14} {:>14} {:>12}",
                "year", "t/万元GDP", "decline %", "industrial", "t/万元工业增加值", "decline %", ""
            )?;
            for r in ledger::intensity(&inv, &sectors, &econ, base_year)? {
                writeln!(
                    out,
                    "{:<6} {:>12} {:>12} {:>12} {:>14} {:>14}",
                    r.year,
                    dp(r.per_gdp, 4),
                    dp(r.gdp_decline_pct, 2),
                    t1(r.industrial),
                    dp(r.per_industrial_va, 4),
                    dp(r.industrial_decline_pct, 2)
                )?;
            }
            writeln!(
                out,
                "decline = (I_{base_year} − I_year) / I_{base_year} × 100; GDP at comparable prices from carbon-economy.csv"
            )?;
        }
        CarbonCommand::Scenarios { dir } => {
            let l = load(&dir.dir)?;
            let (f, t) = read(&dir.dir, "carbon-economy.csv")?;
            let econ = Economy::from_csv_str(&f, &t)?;
            let (f, t) = read(&dir.dir, "carbon-scenarios.csv")?;
            writeln!(
                out,
                "{:<24} {:>6} {:>14} {:>14} {:>9} {:>12} {:>12}",
                "scenario",
                "year",
                "base tCO2e",
                "target tCO2e",
                "change %",
                "base t/万元",
                "t/万元"
            )?;
            for s in Scenario::from_csv_str(&f, &t)? {
                let r = ledger::run_scenario(&s, &l.acts, &l.factors, &econ)?;
                writeln!(
                    out,
                    "{:<24} {:>6} {:>14} {:>14} {:>9} {:>12} {:>12}",
                    r.name,
                    r.target_year,
                    t1(r.base_total),
                    t1(r.total),
                    dp(r.change_pct, 2),
                    dp(r.base_per_gdp, 4),
                    dp(r.per_gdp, 4)
                )?;
            }
        }
        CarbonCommand::Sinks { dir } => {
            let l = load(&dir.dir)?;
            writeln!(
                out,
                "{:<20} {:<8} {:<10} {:>10} {:>12}",
                "stand", "county", "interval", "tC/yr", "tCO2/yr"
            )?;
            let mut total = Decimal::ZERO;
            let mut used: Vec<String> = Vec::new();
            for s in stand_sinks(&dir.dir, &l.factors)? {
                writeln!(
                    out,
                    "{:<20} {} {:<10} {:>10} {:>12}",
                    s.stand,
                    pad(&s.county, 8),
                    format!("{}-{}", s.year1, s.year2),
                    t1(s.carbon_per_year),
                    t1(s.co2_per_year)
                )?;
                total += s.co2_per_year;
                for f in s.factors {
                    if !used.contains(&f) {
                        used.push(f);
                    }
                }
            }
            for f in used {
                writeln!(out, "  factor {f}")?;
            }
            writeln!(
                out,
                "total sink {} tCO2/yr (stock change: area × Δv/Δt × WD × BEF × (1+R) × CF × 44/12)",
                t1(total)
            )?;
        }
        CarbonCommand::Cases { dir } => {
            let l = load(&dir.dir)?;
            let (f, t) = read(&dir.dir, "offset-cases.csv")?;
            let cases = CompensationCase::from_csv_str(&f, &t)?;
            let (f, t) = read(&dir.dir, "offset-events.csv")?;
            let events = CaseEvent::from_csv_str(&f, &t)?;
            let results: Vec<_> = cases
                .iter()
                .map(|c| sinks::assess(c, &l.factors))
                .collect::<Result<_, _>>()?;
            for (c, r) in cases.iter().zip(&results) {
                writeln!(out, "case {}: {}", c.case, c.basis)?;
                writeln!(
                    out,
                    "  lost stock        {} m³ → {} tCO2",
                    c.volume_lost_m3,
                    dp(r.lost_stock_co2, 3)
                )?;
                writeln!(
                    out,
                    "  lost sequestration {} ha × {} m³/ha/yr × {} yr → {} tCO2",
                    c.area_lost_ha,
                    c.growth_m3_per_ha_yr,
                    c.restoration_years,
                    dp(r.lost_sequestration_co2, 3)
                )?;
                writeln!(
                    out,
                    "  total             {} tCO2 → credits {} t × {} yuan/t = {} yuan ({})",
                    dp(r.total_co2, 3),
                    r.credits_needed_t,
                    c.price_yuan_per_t,
                    r.liability_yuan,
                    c.price_source
                )?;
                writeln!(
                    out,
                    "  or planting       {} ha credited over {} years",
                    r.area_needed_ha, c.compensation_years
                )?;
                writeln!(out, "  factors           {}", r.factors.join("; "))?;
            }
            for s in sinks::track(&results, &events)? {
                writeln!(
                    out,
                    "case {}: purchased {} t, retired {} t, paid {} yuan, planted {} ha, accepted {} ha — {}",
                    s.case,
                    s.credits_purchased,
                    s.credits_retired,
                    s.paid_yuan,
                    s.area_planted,
                    s.area_accepted,
                    s.status
                )?;
            }
        }
    }
    emit(&out)
}
