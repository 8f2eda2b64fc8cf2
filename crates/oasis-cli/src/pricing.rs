//! `oasis tariff|bill|quota|dual-control`: reads tariff TOML and CSV files, calls
//! `oasis-tariff`, prints tables and writes CSV. Formats are documented in `docs/pricing.md`.
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use oasis_pricing_files::{Plans, load_customers, load_plans, load_readings, read_csv};
use oasis_tariff::billing::{self, Bill, Customer};
use oasis_tariff::dual_control::{self, DualControlInput, Farm};
use oasis_tariff::meter::MeterHistory;
use oasis_tariff::period::Period;
use oasis_tariff::quota::{self, Demand, PlanVsActual};
use oasis_tariff::tariff::{Tariff, TariffSchedule};
use oasis_tariff::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum TariffCommand {
    /// Validate tariff files: errors, warnings below the declared floors, overlapping versions.
    Check {
        /// One or more tariff TOML files (versions of one schedule).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Args)]
pub struct BillArgs {
    /// Tariff TOML file; repeat for several versions (e.g. before and after a price change).
    #[arg(long = "tariff", required = true)]
    tariffs: Vec<PathBuf>,
    /// Customers CSV: customer,name,class,persons,sector,district,restricted,register_capacity_m3
    #[arg(long)]
    customers: PathBuf,
    /// Meter readings CSV: customer,date,reading_m3,event
    #[arg(long)]
    readings: PathBuf,
    /// Billing period: 2025-03 (month), 2025-Q1 or 2025.
    #[arg(long, value_parser = parse_period)]
    period: Period,
    /// Quota register CSV (needed for customers billed against a plan).
    #[arg(long)]
    quotas: Option<PathBuf>,
    /// Water-use plans CSV: customer,quota_code,planned_output,direct_plan_m3
    #[arg(long)]
    plans: Option<PathBuf>,
    /// Monthly split CSV: month,weight (default: days in each month).
    #[arg(long)]
    split: Option<PathBuf>,
    /// Write bill lines as CSV (customer,period,component,band,volume_m3,unit_price,amount).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Bill only this customer (repeat for several); default: every customer.
    #[arg(long = "customer")]
    only: Vec<String>,
}

#[derive(Subcommand)]
pub enum QuotaCommand {
    /// Annual plans (Σ quota × planned output + direct plans) and their monthly split.
    Plan(PlanArgs),
    /// Allocate available water to users by priority group, in proportion to plan.
    Allocate(AllocateArgs),
    /// Plan vs actual use per user, sector and district.
    Report(ReportArgs),
}

#[derive(Args)]
pub struct PlanInputs {
    /// Quota register CSV: code,sector,industry_code,product,unit,tier,value_m3_per_unit
    #[arg(long)]
    register: PathBuf,
    /// Water-use plans CSV: customer,quota_code,planned_output,direct_plan_m3
    #[arg(long)]
    plans: PathBuf,
    /// Monthly split CSV: month,weight (default: days in each month).
    #[arg(long)]
    split: Option<PathBuf>,
}

#[derive(Args)]
pub struct PlanArgs {
    #[command(flatten)]
    inputs: PlanInputs,
    /// Year whose month lengths give the default split.
    #[arg(long, default_value_t = 2025)]
    year: i32,
}

#[derive(Args)]
pub struct AllocateArgs {
    #[command(flatten)]
    inputs: PlanInputs,
    /// Customers CSV (gives each user's sector, the priority group).
    #[arg(long)]
    customers: PathBuf,
    /// Period whose plans are the demands: 2025, 2025-Q3, 2025-07.
    #[arg(long, value_parser = parse_period)]
    period: Period,
    /// Water available to share in that period, m³.
    #[arg(long)]
    available_m3: Decimal,
    /// Priority order of sectors, first served first, e.g. domestic,services,industry,landscape
    #[arg(long, value_delimiter = ',', required = true)]
    priority: Vec<String>,
    /// Only users of this district.
    #[arg(long)]
    district: Option<String>,
}

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    inputs: PlanInputs,
    #[arg(long)]
    customers: PathBuf,
    #[arg(long)]
    readings: PathBuf,
    /// Period: 2025, 2025-Q1, 2025-03.
    #[arg(long, value_parser = parse_period)]
    period: Period,
}

#[derive(Args)]
pub struct DualControlArgs {
    /// Dual-control TOML: use by sector and source, economy, targets, irrigation samples, wells.
    #[arg(long)]
    input: PathBuf,
    /// Farms CSV for the water-saving reward and subsidy: farm,district,category,quota_m3,actual_m3
    #[arg(long)]
    farms: Option<PathBuf>,
}

fn parse_period(s: &str) -> Result<Period, String> {
    s.parse().map_err(|e: oasis_tariff::period::PeriodParseError| e.to_string())
}

// ---------------------------------------------------------------------------------------------
// tariff check

pub fn tariff(cmd: TariffCommand) -> anyhow::Result<()> {
    let TariffCommand::Check { files } = cmd;
    let mut versions = Vec::new();
    let mut failed = 0;
    for f in &files {
        match load_tariff(f) {
            Ok((t, warnings)) => {
                println!(
                    "{}: ok — tariff {} \"{}\", in force {} to {}, {} classes{}",
                    f.display(),
                    t.code,
                    t.name,
                    t.valid_from,
                    t.valid_until.map_or("(open)".to_string(), |u| u.to_string()),
                    t.classes.len(),
                    if t.residential.is_some() { " + residential tiers" } else { "" }
                );
                for w in &warnings {
                    println!("  warning: {w}");
                }
                versions.push(t);
            }
            Err(e) => {
                failed += 1;
                println!("{}: {e:#}", f.display());
            }
        }
    }
    if versions.len() > 1 {
        match TariffSchedule::new(versions) {
            Ok(s) => {
                for (until, next) in s.gaps() {
                    println!("warning: no tariff in force after {until} until {next}");
                }
            }
            Err(e) => {
                failed += 1;
                println!("schedule: {e}");
            }
        }
    }
    if failed > 0 {
        bail!("{failed} of {} tariff file(s) failed the check", files.len());
    }
    Ok(())
}

fn load_tariff(path: &Path) -> anyhow::Result<(Tariff, Vec<oasis_tariff::tariff::Finding>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Tariff::from_toml_str(&text)?)
}

fn load_schedule(paths: &[PathBuf]) -> anyhow::Result<TariffSchedule> {
    let mut versions = Vec::new();
    for p in paths {
        let (t, warnings) = load_tariff(p).with_context(|| format!("tariff {}", p.display()))?;
        for w in warnings {
            eprintln!("warning: {}: {w}", p.display());
        }
        versions.push(t);
    }
    Ok(TariffSchedule::new(versions)?)
}

// ---------------------------------------------------------------------------------------------
// Tables

/// Columns a string takes on a terminal: CJK characters take two.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if ('\u{2E80}'..='\u{FFEF}').contains(&c) && !('\u{FF61}'..='\u{FFDC}').contains(&c) { 2 } else { 1 }).sum()
}

fn print_table(headers: &[&str], rows: &[Vec<String>]) {
    let width = display_width;
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(width(c));
        }
    }
    let line = |cells: Vec<&str>| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(widths[i] - width(c));
                // Numbers right-aligned, text left-aligned.
                if i > 0 && c.chars().next().is_some_and(|ch| ch.is_ascii_digit() || ch == '-') && c.parse::<f64>().is_ok() {
                    format!("{pad}{c}")
                } else {
                    format!("{c}{pad}")
                }
            })
            .collect();
        println!("  {}", parts.join("  ").trim_end());
    };
    line(headers.to_vec());
    println!("  {}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
    for r in rows {
        line(r.iter().map(String::as_str).collect());
    }
}

fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A price with at least two decimals (3.10, 1.55, 0.525), as on a price notice.
fn price(d: Decimal) -> String {
    let d = d.normalize();
    if d.scale() < 2 { dp(d, 2) } else { d.to_string() }
}

fn dp(d: Decimal, places: u32) -> String {
    format!("{:.*}", places as usize, d.round_dp(places))
}

// ---------------------------------------------------------------------------------------------
// bill

pub fn bill(args: BillArgs) -> anyhow::Result<()> {
    let schedule = load_schedule(&args.tariffs)?;
    let mut customers = load_customers(&args.customers)?;
    for id in &args.only {
        if !customers.iter().any(|c| &c.customer.id == id) {
            bail!("--customer {id}: no such customer in {}", args.customers.display());
        }
    }
    let readings = load_readings(&args.readings)?;
    let plans = match (&args.quotas, &args.plans) {
        (Some(q), Some(p)) => load_plans(q, p, args.split.as_deref(), args.period.year())?,
        (None, None) => Plans { annual: BTreeMap::new(), water: BTreeMap::new(), errors: vec![] },
        _ => bail!("--quotas and --plans go together"),
    };
    for id in readings.keys() {
        if !customers.iter().any(|c| &c.customer.id == id) {
            eprintln!("warning: {}: readings for customer {id}, who is not in {}", args.readings.display(), args.customers.display());
        }
    }
    if !args.only.is_empty() {
        customers.retain(|c| args.only.contains(&c.customer.id));
    }
    let list: Vec<Customer> = customers.iter().map(|c| c.customer.clone()).collect();
    let run = billing::bill_customers(&list, &readings, &schedule, &plans.water, args.period);

    println!("Bills for {} ({} customers)", args.period, list.len());
    for b in &run.bills {
        print_bill(b);
    }
    let grand: Decimal = run.bills.iter().map(|b| b.total).sum();
    println!();
    println!("{} bills, {} yuan in all; {} held back", run.bills.len(), dp(grand, 2), run.held.len());
    for e in &plans.errors {
        if args.only.is_empty() || customers.iter().any(|c| e.contains(&format!("customer {} ", c.customer.id))) {
            eprintln!("plan problem: {e}");
        }
    }
    for e in &run.held {
        eprintln!("held back: {e}");
    }
    if let Some(out) = &args.output {
        write_bills_csv(out, &run.bills).with_context(|| format!("cannot write {}", out.display()))?;
        println!("bill lines written to {}", out.display());
    }
    Ok(())
}

fn print_bill(b: &Bill) {
    println!();
    println!(
        "{}  {}  readings {} → {}  {} m³  tariff {}",
        b.customer,
        b.period,
        b.from,
        b.to,
        num(b.volume_m3),
        b.tariffs.join(" + ")
    );
    let rows: Vec<Vec<String>> = b
        .lines
        .iter()
        .map(|l| vec![l.component.clone(), l.band.clone(), num(l.volume_m3), price(l.unit_price), dp(l.amount, 2)])
        .chain(std::iter::once(vec!["total".into(), String::new(), String::new(), String::new(), dp(b.total, 2)]))
        .collect();
    print_table(&["component", "band", "volume_m3", "unit_price", "amount"], &rows);
    for n in &b.notes {
        println!("  note: {n}");
    }
}

fn write_bills_csv(path: &Path, bills: &[Bill]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(["customer", "period", "component", "band", "volume_m3", "unit_price", "amount"])?;
    for b in bills {
        let period = b.period.to_string();
        for l in &b.lines {
            w.write_record([&b.customer, &period, &l.component, &l.band, &num(l.volume_m3), &price(l.unit_price), &dp(l.amount, 2)])?;
        }
        w.write_record([&b.customer, &period, "total", "", &num(b.volume_m3), "", &dp(b.total, 2)])?;
    }
    w.flush()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// quota

pub fn quota(cmd: QuotaCommand) -> anyhow::Result<()> {
    match cmd {
        QuotaCommand::Plan(a) => quota_plan(a),
        QuotaCommand::Allocate(a) => quota_allocate(a),
        QuotaCommand::Report(a) => quota_report(a),
    }
}

fn report_plan_errors(plans: &Plans) {
    for e in &plans.errors {
        eprintln!("held back: {e}");
    }
}

fn quota_plan(a: PlanArgs) -> anyhow::Result<()> {
    let plans = load_plans(&a.inputs.register, &a.inputs.plans, a.inputs.split.as_deref(), a.year)?;
    println!("Annual water-use plans ({} users)", plans.annual.len());
    let mut rows = Vec::new();
    for p in plans.annual.values() {
        for t in &p.terms {
            rows.push(vec![
                p.customer.clone(),
                t.basis.clone(),
                t.planned_output.map(num).unwrap_or_default(),
                t.quota_m3_per_unit.map(num).unwrap_or_default(),
                dp(t.volume_m3, 2),
            ]);
        }
        rows.push(vec![p.customer.clone(), "= annual plan".into(), String::new(), String::new(), dp(p.annual_m3, 2)]);
    }
    print_table(&["customer", "basis", "planned_output", "quota_m3_per_unit", "volume_m3"], &rows);
    println!();
    println!("Monthly and quarterly split (m³)");
    let mut rows = Vec::new();
    for (c, w) in &plans.water {
        let mut row = vec![c.clone()];
        row.extend(w.monthly_m3.iter().map(|m| dp(*m, 2)));
        for q in 1..=4 {
            row.push(dp(w.for_period(Period::Quarter { year: a.year, quarter: q }), 2));
        }
        rows.push(row);
    }
    print_table(
        &["customer", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Q1", "Q2", "Q3", "Q4"],
        &rows,
    );
    report_plan_errors(&plans);
    Ok(())
}

fn quota_allocate(a: AllocateArgs) -> anyhow::Result<()> {
    let plans = load_plans(&a.inputs.register, &a.inputs.plans, a.inputs.split.as_deref(), a.period.year())?;
    let customers = load_customers(&a.customers)?;
    let mut demands = Vec::new();
    for (id, plan) in &plans.water {
        let Some(c) = customers.iter().find(|c| &c.customer.id == id) else {
            bail!("{}: plan for customer {id}, who is not in {}", a.inputs.plans.display(), a.customers.display());
        };
        if a.district.as_ref().is_some_and(|d| d != &c.district) {
            continue;
        }
        if c.sector.is_empty() {
            bail!("{}: customer {id} has no sector (the priority group)", c.customer.record);
        }
        demands.push(Demand { user: id.clone(), group: c.sector.clone(), demand_m3: plan.for_period(a.period) });
    }
    let allocations = quota::allocate(a.available_m3, &demands, &a.priority)?;
    let need: Decimal = demands.iter().map(|d| d.demand_m3).sum();
    println!(
        "Allocation for {}{}: available {} m³, planned demand {} m³, priority {}",
        a.period,
        a.district.as_ref().map(|d| format!(" in {d}")).unwrap_or_default(),
        num(a.available_m3),
        dp(need, 2),
        a.priority.join(" > ")
    );
    let rows: Vec<Vec<String>> = allocations
        .iter()
        .map(|x| {
            let pct = if x.demand_m3 > Decimal::ZERO { dp(x.allocated_m3 * Decimal::ONE_HUNDRED / x.demand_m3, 1) } else { "-".into() };
            vec![x.group.clone(), x.user.clone(), dp(x.demand_m3, 2), dp(x.allocated_m3, 2), pct]
        })
        .collect();
    print_table(&["group", "user", "demand_m3", "allocated_m3", "percent_of_demand"], &rows);
    let given: Decimal = allocations.iter().map(|x| x.allocated_m3).sum();
    println!("  allocated {} m³, unallocated {} m³", dp(given, 2), dp(a.available_m3 - given, 2));
    report_plan_errors(&plans);
    Ok(())
}

fn quota_report(a: ReportArgs) -> anyhow::Result<()> {
    let plans = load_plans(&a.inputs.register, &a.inputs.plans, a.inputs.split.as_deref(), a.period.year())?;
    let customers = load_customers(&a.customers)?;
    let readings = load_readings(&a.readings)?;
    let mut rows: Vec<(String, String, PlanVsActual)> = Vec::new();
    let mut held = Vec::new();
    let mut without_plan = Vec::new();
    for c in &customers {
        let Some(plan) = plans.water.get(&c.customer.id) else {
            without_plan.push(c.customer.id.as_str());
            continue;
        };
        let meter = MeterHistory::new(readings.get(&c.customer.id).cloned().unwrap_or_default(), c.customer.register_capacity_m3);
        match meter.period_usage(a.period) {
            Ok(u) => rows.push((
                c.sector.clone(),
                c.district.clone(),
                PlanVsActual { key: c.customer.id.clone(), plan_m3: plan.for_period(a.period), actual_m3: u.volume_m3 },
            )),
            Err(e) => held.push(format!("customer {}: {e}", c.customer.id)),
        }
    }
    let show = |list: &[&PlanVsActual], title: &str, key: &str| {
        println!();
        println!("By {title}");
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|r| {
                vec![
                    r.key.clone(),
                    dp(r.plan_m3, 2),
                    dp(r.actual_m3, 2),
                    dp(r.over_m3(), 2),
                    r.percent_of_plan().map(|p| format!("{p:.1}")).unwrap_or("-".into()),
                ]
            })
            .collect();
        print_table(&[key, "plan_m3", "actual_m3", "over_plan_m3", "percent_of_plan"], &rows);
    };
    println!("Plan vs actual, {}", a.period);
    show(&rows.iter().map(|r| &r.2).collect::<Vec<_>>(), "user", "customer");
    let by_sector = quota::group_totals(rows.iter().map(|r| (r.0.as_str(), &r.2)));
    show(&by_sector.iter().collect::<Vec<_>>(), "sector", "sector");
    let by_district = quota::group_totals(rows.iter().map(|r| (r.1.as_str(), &r.2)));
    show(&by_district.iter().collect::<Vec<_>>(), "district", "district");
    if !without_plan.is_empty() {
        println!();
        println!("No water-use plan (not in the report): {}", without_plan.join(", "));
    }
    report_plan_errors(&plans);
    for h in held {
        eprintln!("held back: {h}");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// dual-control

pub fn dual_control(args: DualControlArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.input).with_context(|| format!("cannot read {}", args.input.display()))?;
    let input = DualControlInput::from_toml_str(&text).with_context(|| format!("{}", args.input.display()))?;
    let r = dual_control::report(&input);
    let yi = |m3: Decimal| dp(m3 / Decimal::from(100_000_000), 4);

    println!("Dual control: {} {} (base year {})", input.region, input.year, input.base_year);
    println!();
    println!("Total use by sector and source (m³)");
    let sources = [dual_control::Source::Surface, dual_control::Source::Ground, dual_control::Source::Reclaimed];
    let mut rows = Vec::new();
    for (sector, total) in &r.by_sector {
        let mut row = vec![format!("{sector:?}").to_lowercase()];
        row.extend(sources.iter().map(|s| num(r.by_sector_source.get(&(*sector, *s)).copied().unwrap_or_default())));
        row.push(num(*total));
        row.push(dp(*total * Decimal::ONE_HUNDRED / r.total_m3.max(Decimal::ONE), 1));
        rows.push(row);
    }
    let mut total_row = vec!["total".to_string()];
    total_row.extend(sources.iter().map(|s| num(r.by_source.get(s).copied().unwrap_or_default())));
    total_row.push(num(r.total_m3));
    total_row.push("100.0".into());
    rows.push(total_row);
    print_table(&["sector", "surface", "ground", "reclaimed", "total", "share_%"], &rows);
    let verdict = |ok: bool| if ok { "within" } else { "EXCEEDED" };
    if let Some(cap) = input.targets.total_use_cap_m3 {
        println!("  total {} 亿m³ vs cap {} 亿m³: {}", yi(r.total_m3), yi(cap), verdict(r.total_m3 <= cap));
    }
    let ground = r.by_source.get(&dual_control::Source::Ground).copied().unwrap_or_default();
    if let Some(cap) = input.targets.groundwater_cap_m3 {
        println!("  groundwater {} 亿m³ vs cap {} 亿m³: {}", yi(ground), yi(cap), verdict(ground <= cap));
    }

    println!();
    println!("Intensity (m³ per 万元; decline at comparable {} prices)", input.base_year);
    let rows: Vec<Vec<String>> = [("万元GDP用水量", &r.gdp_intensity), ("万元工业增加值用水量", &r.industry_intensity)]
        .iter()
        .map(|(name, i)| {
            vec![
                name.to_string(),
                dp(i.base_m3_per_10k_yuan, 2),
                dp(i.current_price_m3_per_10k_yuan, 2),
                dp(i.comparable_m3_per_10k_yuan, 2),
                dp(i.decline_pct, 2),
                i.target_decline_pct.map(num).unwrap_or("-".into()),
                match i.meets_target() {
                    Some(true) => "met".into(),
                    Some(false) => "NOT MET".into(),
                    None => "-".into(),
                },
            ]
        })
        .collect();
    print_table(&["indicator", "base_year", "current_prices", "comparable_prices", "decline_%", "target_%", "target"], &rows);

    if !r.irrigation.districts.is_empty() {
        println!();
        println!("Irrigation water efficiency coefficient η (net to root zone / gross withdrawn)");
        let mut rows: Vec<Vec<String>> =
            r.irrigation.districts.iter().map(|d| vec![d.district.clone(), format!("{:?}", d.class).to_lowercase(), dp(d.eta, 4)]).collect();
        for (c, eta) in &r.irrigation.classes {
            rows.push(vec![format!("class {}", format!("{c:?}").to_lowercase()), String::new(), dp(*eta, 4)]);
        }
        if let Some(eta) = r.irrigation.region {
            rows.push(vec!["region".into(), String::new(), dp(eta, 4)]);
        }
        print_table(&["district", "class", "eta"], &rows);
        if let (Some(eta), Some(min)) = (r.irrigation.region, input.targets.irrigation_efficiency_min) {
            println!("  region η {} vs target {}: {}", dp(eta, 4), num(min), if eta >= min { "met" } else { "NOT MET" });
        }
    }

    if !r.wells.is_empty() {
        println!();
        println!("Groundwater abstraction vs permit");
        let limit_rows = |list: &[dual_control::AgainstLimit]| -> Vec<Vec<String>> {
            list.iter()
                .map(|w| {
                    vec![
                        w.key.clone(),
                        num(w.limit_m3),
                        num(w.actual_m3),
                        num(w.over_m3()),
                        w.percent().map(|p| dp(p, 1)).unwrap_or("-".into()),
                    ]
                })
                .collect()
        };
        print_table(&["well", "permit_m3", "abstraction_m3", "over_m3", "percent"], &limit_rows(&r.wells));
        if !r.areas.is_empty() {
            println!();
            print_table(&["area", "cap_m3", "abstraction_m3", "over_m3", "percent"], &limit_rows(&r.areas));
        }
    }

    if let Some(path) = &args.farms {
        let Some(rates) = &input.farm else {
            bail!("{}: --farms given but the document has no [farm] rates", args.input.display());
        };
        let rows = read_csv(path, &["farm", "category", "quota_m3", "actual_m3"])?;
        let mut farms = Vec::new();
        for r in rows {
            farms.push(Farm {
                farm: r.required("farm")?.to_string(),
                district: r.text("district").to_string(),
                category: r.text("category").to_string(),
                quota_m3: r.required_decimal("quota_m3")?,
                actual_m3: r.required_decimal("actual_m3")?,
                record: r.at(),
            });
        }
        let pay = dual_control::farm_payments(&farms, rates);
        println!();
        println!(
            "Farm water-saving reward ({} yuan/m³ saved) and within-quota subsidy ({} yuan/m³, for {})",
            price(rates.saving_reward_yuan_per_m3),
            price(rates.within_quota_subsidy_yuan_per_m3),
            rates.subsidy_categories.join(", ")
        );
        let mut table: Vec<Vec<String>> = farms
            .iter()
            .zip(&pay)
            .map(|(f, p)| {
                vec![
                    f.farm.clone(),
                    f.category.clone(),
                    num(f.quota_m3),
                    num(f.actual_m3),
                    num(p.saved_m3),
                    dp(p.reward_yuan, 2),
                    num(p.subsidised_m3),
                    dp(p.subsidy_yuan, 2),
                ]
            })
            .collect();
        let sum = |f: fn(&dual_control::FarmPayment) -> Decimal| pay.iter().map(f).sum::<Decimal>();
        table.push(vec![
            "total".into(),
            String::new(),
            String::new(),
            String::new(),
            num(sum(|p| p.saved_m3)),
            dp(sum(|p| p.reward_yuan), 2),
            num(sum(|p| p.subsidised_m3)),
            dp(sum(|p| p.subsidy_yuan), 2),
        ]);
        print_table(&["farm", "category", "quota_m3", "actual_m3", "saved_m3", "reward_yuan", "subsidised_m3", "subsidy_yuan"], &table);
    }
    Ok(())
}
