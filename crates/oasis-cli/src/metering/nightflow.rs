//! `oasis nightflow`: minimum night flow per district and day from the stored inlet series, night
//! leakage after legitimate night use, the night-day factor from the twin's pressures (FAVAD), the
//! daily leakage estimate, a baseline and an alert; a table, CSV and an SVG chart of MNF.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use oasis_audit::nightflow::{DistrictNight, NightSettings, compute};

#[derive(clap::Args)]
pub struct NightflowArgs {
    #[command(flatten)]
    pub db: super::DbArgs,
    #[command(flatten)]
    pub span: super::SpanArgs,
    /// Night window, local time.
    #[arg(long, default_value = "02:00-04:00")]
    pub window: String,
    /// Average the net inflow over blocks of this many minutes (default: the data's own interval).
    #[arg(long)]
    pub resolution_min: Option<i64>,
    /// Legitimate night use per connection, L/h.
    #[arg(long, default_value_t = 0.0)]
    pub per_connection_lph: f64,
    /// Legitimate night use from each day's billed customer use, shaped by the twin's diurnal
    /// demand at the MNF hour (needs --network); added to --per-connection-lph.
    #[arg(long, requires = "network")]
    pub lnu_from_billing: bool,
    /// Customer meters' under-registration, % (with --lnu-from-billing).
    #[arg(long, default_value_t = 0.0)]
    pub under_registration_pct: f64,
    /// FAVAD leakage exponent N1 for the night-day factor.
    #[arg(long, default_value_t = 1.0)]
    pub n1: f64,
    /// The network (.inp): its simulated day gives each district's hourly zone pressure for the
    /// night-day factor (else 24 h, said so).
    #[arg(long)]
    pub network: Option<PathBuf>,
    #[arg(long, default_value_t = 7)]
    pub baseline_days: usize,
    /// Alert when MNF exceeds the baseline by this much, m³/h…
    #[arg(long, default_value_t = 1.0)]
    pub alert_rise_m3h: f64,
    /// …and by this share of the baseline, %.
    #[arg(long, default_value_t = 20.0)]
    pub alert_rise_pct: f64,
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Draw MNF per district over the days as SVG.
    #[arg(long)]
    pub svg: Option<PathBuf>,
}

fn parse_window(s: &str) -> anyhow::Result<(u32, u32)> {
    let min = |t: &str| -> Option<u32> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (h <= 24 && m < 60).then_some(h * 60 + m)
    };
    let (a, b) = s.split_once('-').context("--window: expected HH:MM-HH:MM")?;
    match (min(a), min(b)) {
        (Some(a), Some(b)) if a < b => Ok((a, b)),
        _ => bail!("--window '{s}': expected HH:MM-HH:MM within one day"),
    }
}

pub fn run(args: NightflowArgs) -> anyhow::Result<()> {
    let store = args.db.open()?;
    let (from_s, to_s, select) = args.span.resolve(&store)?;
    let (window_start_min, window_end_min) = parse_window(&args.window)?;
    let settings = NightSettings {
        window_start_min,
        window_end_min,
        resolution_s: args.resolution_min.map(|m| m * 60),
        per_connection_lph: args.per_connection_lph,
        n1: args.n1,
        baseline_days: args.baseline_days,
        alert_rise_m3h: args.alert_rise_m3h,
        alert_rise_pct: args.alert_rise_pct,
        lnu_from_billing: args.lnu_from_billing,
        under_registration_pct: args.under_registration_pct,
    };
    let network = args.network.as_deref().map(super::districts::read_network).transpose()?;
    let results = compute(&store, &select, &settings, from_s, to_s, network.as_ref())?;
    let mut out = String::new();
    for r in &results {
        out.push_str(&render(r));
    }
    if let Some(path) = &args.csv {
        write_csv(path, &results)?;
        let _ = writeln!(out, "wrote {}", path.display());
    }
    if let Some(path) = &args.svg {
        std::fs::write(path, chart_svg(&results)).with_context(|| format!("cannot write {}", path.display()))?;
        let _ = writeln!(out, "wrote {}", path.display());
    }
    crate::table::emit(&out)
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map(|x| format!("{x:.digits$}")).unwrap_or_else(|| "—".into())
}

fn render(r: &DistrictNight) -> String {
    let mut out = format!("district {} (level {})\n", r.district.id, r.district.level);
    let _ = writeln!(
        out,
        "  {:<10} {:>9} {:>6} {:>8} {:>10} {:>6} {:>11} {:>9}  {}",
        "date", "MNF m³/h", "at", "LNU m³/h", "NL m³/h", "NDF h", "leak m³/day", "baseline", "alert"
    );
    for d in &r.days {
        let _ = writeln!(
            out,
            "  {:<10} {:>9} {:>6} {:>8.3} {:>10} {:>6} {:>11} {:>9}  {}{}",
            d.date,
            opt(d.mnf_m3h, 3),
            d.mnf_hour.map(|h| format!("{h:02}h")).unwrap_or_else(|| "—".into()),
            d.lnu_m3h,
            opt(d.night_leakage_m3h, 3),
            if d.ndf_assumed_24h { "24*".to_string() } else { format!("{:.2}", d.ndf_h) },
            opt(d.daily_leakage_m3, 1),
            opt(d.baseline_mnf_m3h, 3),
            if d.complete { "" } else { "incomplete " },
            d.alert.as_deref().unwrap_or("")
        );
    }
    if r.days.iter().any(|d| d.ndf_assumed_24h) {
        out.push_str("  * NDF assumed 24 h (no zone pressures: give --network)\n");
    }
    for n in &r.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    out.push('\n');
    out
}

fn write_csv(path: &std::path::Path, results: &[DistrictNight]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))?;
    w.write_record([
        "district", "level", "date", "complete", "mnf_m3h", "mnf_hour", "lnu_m3h", "night_leakage_m3h", "ndf_h", "ndf_assumed",
        "daily_leakage_m3", "baseline_mnf_m3h", "alert",
    ])?;
    let o = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    for r in results {
        for d in &r.days {
            w.write_record([
                r.district.id.clone(),
                r.district.level.to_string(),
                d.date.to_string(),
                d.complete.to_string(),
                o(d.mnf_m3h),
                d.mnf_hour.map(|h| h.to_string()).unwrap_or_default(),
                d.lnu_m3h.to_string(),
                o(d.night_leakage_m3h),
                d.ndf_h.to_string(),
                d.ndf_assumed_24h.to_string(),
                o(d.daily_leakage_m3),
                o(d.baseline_mnf_m3h),
                d.alert.clone().unwrap_or_default(),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// MNF per district over the days: one line each, alerts as red dots, incomplete days hollow.
pub fn chart_svg(results: &[DistrictNight]) -> String {
    const W: f64 = 900.0;
    const H: f64 = 420.0;
    const L: f64 = 70.0;
    const R: f64 = 150.0;
    const T: f64 = 40.0;
    const B: f64 = 50.0;
    let days: Vec<NaiveDate> = {
        let mut v: Vec<NaiveDate> = results.iter().flat_map(|r| r.days.iter().map(|d| d.date)).collect();
        v.sort();
        v.dedup();
        v
    };
    let max = results.iter().flat_map(|r| r.days.iter().filter_map(|d| d.mnf_m3h)).fold(0.0f64, f64::max).max(1e-9) * 1.1;
    let x = |i: usize| L + (W - L - R) * if days.len() > 1 { i as f64 / (days.len() - 1) as f64 } else { 0.5 };
    let y = |v: f64| T + (H - T - B) * (1.0 - v / max);
    let colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#d62728"];
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{L}\" y=\"22\" font-size=\"15\">Minimum night flow per district (m³/h)</text>\n"
    );
    for k in 0..=5 {
        let v = max * k as f64 / 5.0;
        let _ = writeln!(
            s,
            "<line x1=\"{L}\" x2=\"{}\" y1=\"{y0:.1}\" y2=\"{y0:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{v:.1}</text>",
            W - R,
            L - 6.0,
            y(v) + 4.0,
            y0 = y(v)
        );
    }
    let step = (days.len() / 8).max(1);
    for (i, d) in days.iter().enumerate().step_by(step) {
        let _ = writeln!(s, "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x(i), H - B + 18.0, d.format("%m-%d"));
    }
    for (k, r) in results.iter().enumerate() {
        let c = colours[k % colours.len()];
        let pts: Vec<String> = r
            .days
            .iter()
            .filter_map(|d| Some(format!("{:.1},{:.1}", x(days.binary_search(&d.date).ok()?), y(d.mnf_m3h?))))
            .collect();
        let _ = writeln!(s, "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"1.8\" points=\"{}\"/>", pts.join(" "));
        for d in &r.days {
            let (Some(v), Ok(i)) = (d.mnf_m3h, days.binary_search(&d.date)) else { continue };
            let (fill, radius) = match (&d.alert, d.complete) {
                (Some(_), _) => ("#d62728", 4.5),
                (None, false) => ("white", 3.0),
                (None, true) => (c, 2.0),
            };
            let _ = writeln!(s, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{radius}\" fill=\"{fill}\" stroke=\"{c}\"/>", x(i), y(v));
        }
        let ly = T + 16.0 * k as f64 + 10.0;
        let _ = writeln!(
            s,
            "<line x1=\"{}\" x2=\"{}\" y1=\"{ly}\" y2=\"{ly}\" stroke=\"{c}\" stroke-width=\"3\"/><text x=\"{}\" y=\"{}\">{}</text>",
            W - R + 10.0,
            W - R + 28.0,
            W - R + 32.0,
            ly + 4.0,
            r.district.id
        );
    }
    let _ = writeln!(s, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#d62728\">● alert   ○ incomplete day</text>", W - R, H - 8.0);
    s.push_str("</svg>\n");
    s
}
