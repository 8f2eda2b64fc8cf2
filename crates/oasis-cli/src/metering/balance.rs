//! `oasis balance`: the IWA water balance, NRW, UARL/ILI and CJJ 92-2016 loss rates per district
//! and period (`oasis_audit::balance`), as a readable table and CSV.

use std::path::PathBuf;

use anyhow::Context;
use oasis_audit::balance::{BalanceSettings, DistrictBalance, compute};
use oasis_metering::balance::RealLossesPerDay;
use oasis_metering::time::format_local_time;

#[derive(clap::Args)]
pub struct BalanceArgs {
    #[command(flatten)]
    pub db: super::DbArgs,
    #[command(flatten)]
    pub span: super::SpanArgs,
    /// Customer meters' under-registration, % (apparent loss: metered × p/(100−p)).
    #[arg(long, default_value_t = 0.0)]
    pub under_registration_pct: f64,
    /// Unauthorised consumption, % of system input.
    #[arg(long, default_value_t = 0.0)]
    pub unauthorised_pct: f64,
    /// Systematic data handling errors, % of billed metered.
    #[arg(long, default_value_t = 0.0)]
    pub data_error_pct: f64,
    /// Unbilled unmetered consumption (flushing, fire fighting), % of system input.
    #[arg(long, default_value_t = 0.0)]
    pub unbilled_unmetered_pct: f64,
    /// Average operating pressure, m (default: the mean of the district's pressure meters).
    #[arg(long)]
    pub mean_pressure_m: Option<f64>,
    /// CJJ 92: yearly mean outlet pressure of the plants, MPa (R3); without it no CJJ 92 rates.
    #[arg(long)]
    pub outlet_pressure_mpa: Option<f64>,
    /// CJJ 92: share of supply billed at individual households, 0–1 (R1; default: billed metered / supply).
    #[arg(long)]
    pub household_share: Option<f64>,
    /// CJJ 92: maximum frost depth, m (R4).
    #[arg(long, default_value_t = 0.0)]
    pub frost_depth_m: f64,
    /// Also write one row per district as CSV.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// List every meter that went into each figure.
    #[arg(long)]
    pub trace: bool,
}

pub fn run(args: BalanceArgs) -> anyhow::Result<()> {
    let store = args.db.open()?;
    let (from_s, to_s, select) = args.span.resolve(&store)?;
    let settings = BalanceSettings {
        under_registration_pct: args.under_registration_pct,
        unauthorised_pct: args.unauthorised_pct,
        data_error_pct: args.data_error_pct,
        unbilled_unmetered_pct: args.unbilled_unmetered_pct,
        mean_pressure_m: args.mean_pressure_m,
        outlet_pressure_mpa: args.outlet_pressure_mpa,
        household_share: args.household_share,
        frost_depth_m: args.frost_depth_m,
        trace_customers: args.trace,
    };
    let results = compute(&store, &select, &settings, from_s, to_s)?;
    let off = store.utc_offset_s();
    let mut out = String::new();
    for r in &results {
        out.push_str(&render(r, off, args.trace));
    }
    if let Some(path) = &args.csv {
        write_csv(path, &results, off)?;
        out.push_str(&format!("wrote {}\n", path.display()));
    }
    crate::table::emit(&out)
}

fn m3(v: f64) -> String {
    let s = format!("{:.1}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "0"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}{grouped}.{frac}", if v < 0.0 { "−" } else { "" })
}

fn render(r: &DistrictBalance, off: i32, trace: bool) -> String {
    let b = &r.balance;
    let d = &r.district;
    let mut out = format!(
        "district {} (level {}{})  {} → {}  ({:.0} days)  {}\n",
        d.id,
        d.level,
        d.parent.as_ref().map(|p| format!(", in {p}")).unwrap_or_default(),
        format_local_time(b.period_s.0, off),
        format_local_time(b.period_s.1, off),
        b.days,
        if r.complete { "complete" } else { "INCOMPLETE" }
    );
    out.push_str(&format!("  {:<44} {:>14}\n", "IWA water balance", "m³"));
    if b.storage_increase_m3 != 0.0 {
        out.push_str(&format!("  {:<44} {:>14}\n", "Measured input (inlets − outlets)", m3(b.system_input_measured_m3)));
        out.push_str(&format!("  {:<44} {:>14}\n", "− storage increase (tanks)", m3(b.storage_increase_m3)));
    }
    for (level, label, v) in oasis_metering::balance::iwa_table_rows(b) {
        let unknown = !r.complete && (label.contains("losses") || label.contains("Non-revenue") || label == "Water losses");
        let value = if unknown { "—".to_string() } else { m3(v) };
        out.push_str(&format!("  {:<44} {:>14}\n", format!("{}{label}", "  ".repeat(level as usize)), value));
    }
    if r.complete {
        let nrw_pct = b.nrw_pct_of_siv.map(|p| format!("{p:.1} % of input")).unwrap_or_default();
        let per_day = match b.real_losses_per_day {
            Some(RealLossesPerDay::PerConnectionL(v)) => format!("{v:.1} L/connection/day"),
            Some(RealLossesPerDay::PerKmMainsL(v)) => format!("{v:.1} L/km of mains/day"),
            None => "—".into(),
        };
        out.push_str(&format!("  NRW {} m³ ({nrw_pct}); real losses {per_day}", m3(b.non_revenue_water_m3)));
        match b.ili {
            Some(ili) => out.push_str(&format!("; UARL {} m³; ILI {ili:.2}\n", m3(b.uarl_m3))),
            None => out.push('\n'),
        }
        if let Some(c) = &r.cjj92 {
            out.push_str(&format!(
                "  CJJ 92-2016: 综合漏损率 R_WL {:.2} %; R1 {:.2} R2 {:.2} R3 {:.2} R4 {:.2} %; 漏损率 R_BL {:.2} % ({})\n",
                c.r_wl_pct,
                c.r1_pct,
                c.r2_pct,
                c.r3_pct,
                c.r4_pct,
                c.r_bl_pct,
                match c.grade {
                    oasis_metering::Grade::First => "一级 ≤ 10 %",
                    oasis_metering::Grade::Second => "二级 ≤ 12 %",
                    oasis_metering::Grade::Fails => "above 二级",
                }
            ));
        }
    }
    out.push_str(&format!(
        "  from {} inlet meter(s) ({}), {} customers ({} incomplete, {} left out), {} connections, {:.2} km of mains\n",
        r.inlets.len(),
        r.inlets.join(", "),
        r.customers,
        r.customers_incomplete,
        r.customers_left_out.len(),
        d.connections,
        d.mains_length_m / 1000.0
    ));
    for n in r.notes.iter().chain(&b.validity_warnings) {
        out.push_str(&format!("  note: {n}\n"));
    }
    if trace {
        for t in &r.trace {
            out.push_str(&format!("    {t}\n"));
        }
    }
    out.push('\n');
    out
}

fn write_csv(path: &std::path::Path, results: &[DistrictBalance], off: i32) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))?;
    w.write_record([
        "district", "level", "from", "to", "complete", "measured_input_m3", "storage_increase_m3", "system_input_m3",
        "billed_metered_m3", "unbilled_unmetered_m3", "apparent_losses_m3", "real_losses_m3", "nrw_m3", "nrw_pct",
        "uarl_m3", "ili", "r_wl_pct", "r_bl_pct", "inlets", "customers", "customers_incomplete", "customers_left_out",
    ])?;
    let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    for r in results {
        let b = &r.balance;
        let losses = |v: f64| if r.complete { v.to_string() } else { String::new() };
        w.write_record([
            r.district.id.clone(),
            r.district.level.to_string(),
            format_local_time(b.period_s.0, off),
            format_local_time(b.period_s.1, off),
            r.complete.to_string(),
            b.system_input_measured_m3.to_string(),
            b.storage_increase_m3.to_string(),
            b.system_input_volume_m3.to_string(),
            b.billed_metered_m3.to_string(),
            b.unbilled_unmetered_m3.to_string(),
            losses(b.apparent_losses_m3),
            losses(b.real_losses_m3),
            losses(b.non_revenue_water_m3),
            if r.complete { opt(b.nrw_pct_of_siv) } else { String::new() },
            b.uarl_m3.to_string(),
            if r.complete { opt(b.ili) } else { String::new() },
            opt(r.cjj92.as_ref().map(|c| c.r_wl_pct)),
            opt(r.cjj92.as_ref().map(|c| c.r_bl_pct)),
            r.inlets.join(" "),
            r.customers.to_string(),
            r.customers_incomplete.to_string(),
            r.customers_left_out.len().to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
