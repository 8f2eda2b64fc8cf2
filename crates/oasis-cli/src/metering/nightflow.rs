//! `oasis nightflow`: minimum night flow per district and day from the stored inlet series, night
//! leakage after legitimate night use, the night-day factor from the twin's pressures (FAVAD), the
//! daily leakage estimate, a baseline and an alert; a table, CSV and an SVG chart of MNF.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use oasis_metering::nightflow::{FlowSample, LegitimateNightUse, NightFlowDay, NightFlowSettings, night_day_factor, night_flow};
use oasis_metering::{Meter, Reading, SeriesKind};
use oasis_store::{MeterRole, StoredDistrict};

use super::registry::Register;

#[derive(clap::Args)]
pub struct NightflowArgs {
    #[command(flatten)]
    pub db: super::DbArgs,
    /// First day (YYYY-MM-DD) or month (YYYY-MM), local time.
    #[arg(long)]
    pub from: String,
    /// Last day, included.
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long)]
    pub level: Option<u8>,
    #[arg(long)]
    pub district: Vec<String>,
    /// Night window, local time.
    #[arg(long, default_value = "02:00-04:00")]
    pub window: String,
    /// Average the net inflow over blocks of this many minutes (default: the data's own interval).
    #[arg(long)]
    pub resolution_min: Option<i64>,
    /// Legitimate night use per connection, L/h.
    #[arg(long, default_value_t = 0.0)]
    pub per_connection_lph: f64,
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

/// A meter's series as flow in m³/h at each stamp (volumes and registers divided by their step).
fn as_flow(meter: &Meter, series: &[Reading]) -> BTreeMap<i64, f64> {
    match meter.series {
        SeriesKind::Flow => series.iter().map(|r| (r.t_s, r.value)).collect(),
        SeriesKind::Volume | SeriesKind::Register | SeriesKind::Level => series
            .windows(2)
            .filter(|w| w[1].t_s > w[0].t_s)
            .map(|w| {
                let dt_h = (w[1].t_s - w[0].t_s) as f64 / 3600.0;
                let v = if meter.series == SeriesKind::Volume { w[1].value } else { w[1].value - w[0].value };
                (w[1].t_s, v / dt_h)
            })
            .collect(),
        SeriesKind::Pressure => BTreeMap::new(),
    }
}

pub struct DistrictNight {
    pub district: StoredDistrict,
    pub days: Vec<NightFlowDay>,
    pub notes: Vec<String>,
}

pub fn run(args: NightflowArgs) -> anyhow::Result<()> {
    let store = args.db.open()?;
    let (from_s, to_s) = super::balance::period(&store, &args.from, args.to.as_deref())?;
    let register = Register::load(&store)?;
    let mut districts = store.districts()?;
    districts.retain(|d| args.level.is_none_or(|l| d.level == l) && (args.district.is_empty() || args.district.contains(&d.id)));
    if districts.is_empty() {
        bail!("no districts (run `oasis districts build`, or check --level/--district)");
    }
    let members = store.district_meters()?;
    let wanted: Vec<&str> = districts.iter().map(|d| d.id.as_str()).collect();
    let keys: Vec<u32> = members
        .iter()
        .filter(|m| wanted.contains(&m.district.as_str()) && matches!(m.role, MeterRole::Inlet | MeterRole::Level))
        .filter_map(|m| register.find(&m.meter_id).map(|e| e.key))
        .collect();
    let raw = store.readings(&keys, from_s - 3600, to_s)?;
    let (window_start_min, window_end_min) = parse_window(&args.window)?;
    let pressures = match &args.network {
        Some(path) => zone_pressures(path, &register, &districts)?,
        None => HashMap::new(),
    };
    let mut results = Vec::new();
    for d in districts {
        let mut notes = Vec::new();
        // Net inflow at the stamps every inlet (and tank level) has: inlets − storage gain.
        let mut net: Option<BTreeMap<i64, f64>> = None;
        for dm in members.iter().filter(|m| m.district == d.id && matches!(m.role, MeterRole::Inlet | MeterRole::Level)) {
            let Some(e) = register.find(&dm.meter_id) else { continue };
            let series: Vec<Reading> = raw.get(&e.key).map(|v| v.iter().map(|r| Reading { t_s: r.t_s, value: r.value }).collect()).unwrap_or_default();
            let flow = as_flow(&e.meter, &series);
            // Inlets add with their sign; a tank's level rise (× area) is water the district did not use.
            let factor = if dm.role == MeterRole::Inlet { dm.sign } else { -dm.sign };
            net = Some(match net {
                None => flow.into_iter().map(|(t, f)| (t, factor * f)).collect(),
                Some(acc) => acc.into_iter().filter_map(|(t, a)| flow.get(&t).map(|f| (t, a + factor * f))).collect(),
            });
        }
        let Some(net) = net else {
            notes.push("no inlet meter: no night flow".into());
            results.push(DistrictNight { district: d, days: Vec::new(), notes });
            continue;
        };
        let samples: Vec<FlowSample> =
            net.into_iter().filter(|(t, _)| *t > from_s && *t <= to_s).map(|(t_s, flow_m3h)| FlowSample { t_s, flow_m3h }).collect();
        let settings = NightFlowSettings {
            window_start_min,
            window_end_min,
            resolution_s: args.resolution_min.map(|m| m * 60),
            utc_offset_s: store.utc_offset_s(),
            lnu: LegitimateNightUse { per_connection_lph: args.per_connection_lph, connections: d.connections, ..Default::default() },
            n1: args.n1,
            baseline_days: args.baseline_days,
            alert_rise_m3h: args.alert_rise_m3h,
            alert_rise_pct: args.alert_rise_pct,
        };
        // First pass finds each day's MNF hour; the NDF is then taken at that hour.
        let first = night_flow(&samples, &|_| None, &settings).with_context(|| format!("district {}", d.id))?;
        let days = match pressures.get(&d.id) {
            Some(hourly) => {
                let by_day: HashMap<NaiveDate, f64> = first
                    .iter()
                    .filter_map(|day| {
                        let h = day.mnf_hour? as usize;
                        night_day_factor(hourly, h, args.n1).ok().map(|ndf| (day.date, ndf))
                    })
                    .collect();
                night_flow(&samples, &|date| by_day.get(&date).copied(), &settings)?
            }
            None => {
                if args.network.is_some() {
                    notes.push("district not found in the network's districts: NDF 24 h".into());
                }
                first
            }
        };
        results.push(DistrictNight { district: d, days, notes });
    }
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

/// Each district's average zone pressure (m) per hour of the network's first simulated day.
fn zone_pressures(path: &std::path::Path, register: &Register, districts: &[StoredDistrict]) -> anyhow::Result<HashMap<String, [f64; 24]>> {
    let mut net = super::districts::read_network(path)?;
    net.times.duration_s = 86_400;
    net.times.report_step_s = 3600;
    net.times.report_start_s = 0;
    let tree = super::districts::tree_for(&net, register)?;
    let run = oasis_hydraulics::extended_period(&net).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let to_m = if net.options.flow_units.is_si() { 1.0 } else { 0.703_07 };
    let mut out = HashMap::new();
    for d in districts {
        let Some(i) = tree.index_of(&d.id) else { continue };
        let mut hourly = [0.0; 24];
        let mut ok = true;
        for (h, slot) in hourly.iter_mut().enumerate() {
            let Some(snap) = run.periods.iter().find(|p| p.time_s == h as i64 * 3600) else {
                ok = false;
                break;
            };
            let p: Vec<f64> = snap.nodes.iter().map(|n| n.pressure * to_m).collect();
            match oasis_districts::zone_pressure_m(&tree, i, &p) {
                Some(azp) => *slot = azp,
                None => ok = false,
            }
        }
        if ok {
            out.insert(d.id.clone(), hourly);
        }
    }
    Ok(out)
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
        let at = d.mnf_at_s.and_then(|t| oasis_metering::time::local_datetime(t, 0)).map(|_| ());
        let _ = at;
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
    let _ = writeln!(s, "<text x=\"{}\" y=\"{}\" fill=\"#d62728\">● alert   ○ incomplete day</text>", W - R + 10.0, H - B + 18.0);
    s.push_str("</svg>\n");
    s
}
