//! `oasis balance`: the IWA water balance, NRW, UARL/ILI and CJJ 92-2016 loss rates per district
//! and period, from the stored readings. Inlets are integrated from their full series; customer
//! registers are read from the day index (first and last reading of each day), which holds every
//! reading a prorated register difference needs. Every figure says what went into it and what
//! was missing; a district whose input is not fully covered is marked incomplete and gets no
//! real-loss figure.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use anyhow::{Context, bail};
use oasis_metering::balance::{ApparentLossRates, BalanceInputs, Infrastructure, RealLossesPerDay, WaterBalance};
use oasis_metering::time::{format_local_time, parse_local_time};
use oasis_metering::{Cjj92Inputs, Meter, MeterReadings, Reading, SeriesKind, interval_volume, register_usage, replacement_chain};
use oasis_store::{DistrictMeter, MeterRole, Store, StoredDistrict, from_micro};

use super::registry::Register;

#[derive(clap::Args)]
pub struct BalanceArgs {
    #[command(flatten)]
    pub db: super::DbArgs,
    /// First day (YYYY-MM-DD) or a whole month (YYYY-MM), local time.
    #[arg(long)]
    pub from: String,
    /// Last day, included (default: the end of `--from`'s day or month).
    #[arg(long)]
    pub to: Option<String>,
    /// Only districts of this level.
    #[arg(long)]
    pub level: Option<u8>,
    /// Only these districts (repeatable).
    #[arg(long)]
    pub district: Vec<String>,
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

/// `YYYY-MM` or `YYYY-MM-DD` → [start, end) of local days.
pub fn period(store: &Store, from: &str, to: Option<&str>) -> anyhow::Result<(i64, i64)> {
    let off = store.utc_offset_s();
    let month = |s: &str| -> Option<(i32, u32)> {
        let (y, m) = s.split_once('-')?;
        if s.len() != 7 {
            return None;
        }
        Some((y.parse().ok()?, m.parse().ok().filter(|m| (1..=12).contains(m))?))
    };
    let day = |s: &str| parse_local_time(s, off).map_err(|e| anyhow::anyhow!("'{s}': {e}"));
    let (start, mut end) = match month(from) {
        Some((y, m)) => {
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            (day(&format!("{y:04}-{m:02}-01"))?, day(&format!("{ny:04}-{nm:02}-01"))?)
        }
        None => {
            let s = day(from)?;
            (s, s + 86_400)
        }
    };
    if let Some(to) = to {
        end = match month(to) {
            Some(_) => period(store, to, None)?.1,
            None => day(to)? + 86_400,
        };
    }
    if end <= start {
        bail!("the period ends before it starts");
    }
    Ok((start, end))
}

/// One district's figures and where they came from.
pub struct DistrictBalance {
    pub district: StoredDistrict,
    pub balance: WaterBalance,
    pub complete: bool,
    pub cjj92: Option<oasis_metering::Cjj92>,
    pub inlets: Vec<String>,
    pub customers: usize,
    pub customers_incomplete: usize,
    pub customers_left_out: Vec<String>,
    pub notes: Vec<String>,
    pub trace: Vec<String>,
}

pub fn run(args: BalanceArgs) -> anyhow::Result<()> {
    let store = args.db.open()?;
    let (from_s, to_s) = period(&store, &args.from, args.to.as_deref())?;
    let results = compute(&store, &args, from_s, to_s)?;
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

pub fn compute(store: &Store, args: &BalanceArgs, from_s: i64, to_s: i64) -> anyhow::Result<Vec<DistrictBalance>> {
    let register = Register::load(store)?;
    let meters = register.meters();
    let mut districts = store.districts()?;
    if districts.is_empty() {
        bail!("no districts in {}: run `oasis districts build` first", store.dir().display());
    }
    districts.retain(|d| args.level.is_none_or(|l| d.level == l) && (args.district.is_empty() || args.district.contains(&d.id)));
    if districts.is_empty() {
        bail!("no district matches --level/--district");
    }
    let members = store.district_meters()?;
    let by_district: BTreeMap<&str, Vec<&DistrictMeter>> = members.iter().fold(BTreeMap::new(), |mut m, dm| {
        m.entry(dm.district.as_str()).or_insert_with(Vec::new).push(dm);
        m
    });
    let wanted: Vec<&str> = districts.iter().map(|d| d.id.as_str()).collect();
    let key_of = |id: &str| register.find(id).map(|e| e.key);

    // Raw series for the few meters that are integrated or averaged; a day either side so the
    // period's first interval and the register at its ends are bounded.
    let raw_keys: Vec<u32> = members
        .iter()
        .filter(|m| wanted.contains(&m.district.as_str()) && m.role != MeterRole::Customer)
        .filter_map(|m| key_of(&m.meter_id))
        .collect();
    let raw = store.readings(&raw_keys, from_s - 86_400, to_s + 86_400)?;
    let as_readings = |k: u32| -> Vec<Reading> {
        raw.get(&k).map(|v| v.iter().map(|r| Reading { t_s: r.t_s, value: r.value }).collect()).unwrap_or_default()
    };
    let customers = CustomerReadings::load(store, from_s, to_s)?;

    let mut results = Vec::new();
    for d in districts {
        let mine = by_district.get(d.id.as_str()).cloned().unwrap_or_default();
        let mut notes = Vec::new();
        let mut trace = Vec::new();
        let mut complete = true;
        let (mut siv, mut storage) = (0.0, 0.0);
        let mut inlets = Vec::new();
        let mut pressures = Vec::new();
        for dm in &mine {
            let Some(entry) = register.find(&dm.meter_id) else {
                notes.push(format!("meter {} is not in the register", dm.meter_id));
                complete = false;
                continue;
            };
            let series = as_readings(entry.key);
            match dm.role {
                MeterRole::Inlet => {
                    inlets.push(dm.meter_id.clone());
                    let (volume, missing) = meter_volume(&entry.meter, &series, from_s, to_s)?;
                    if !missing.is_empty() {
                        complete = false;
                        notes.push(format!("inlet {} has no readings for {}", dm.meter_id, spans(&missing, store.utc_offset_s())));
                    }
                    siv += dm.sign * volume;
                    trace.push(format!("inlet {} {:+} × {:.3} m³ ({} readings)", dm.meter_id, dm.sign, volume, series.len()));
                }
                MeterRole::Level => match (level_at(&series, from_s), level_at(&series, to_s)) {
                    (Some(a), Some(b)) => {
                        storage += dm.sign * (b - a);
                        trace.push(format!("tank level {}: {a:.3} → {b:.3} m × {:.1} m²", dm.meter_id, dm.sign));
                    }
                    _ => {
                        complete = false;
                        notes.push(format!("tank level {} does not cover the period's ends", dm.meter_id));
                    }
                },
                MeterRole::Pressure => {
                    let inside: Vec<f64> = series.iter().filter(|r| r.t_s >= from_s && r.t_s < to_s).map(|r| r.value).collect();
                    if !inside.is_empty() {
                        pressures.push(inside.iter().sum::<f64>() / inside.len() as f64);
                    }
                }
                MeterRole::Customer => {}
            }
        }
        if inlets.is_empty() {
            complete = false;
            notes.push("no inlet meter: the system input is not measured".into());
        }
        // Customers: one usage per replacement chain, counted at its newest register.
        let (mut billed, mut n_customers, mut n_incomplete, mut left_out) = (0.0, 0, 0, Vec::new());
        for dm in mine.iter().filter(|m| m.role == MeterRole::Customer) {
            if meters.iter().any(|m| m.replaces.as_deref() == Some(dm.meter_id.as_str())) {
                continue; // an older register: counted with the meter that replaced it
            }
            let Some(chain) = replacement_chain(&meters, &dm.meter_id) else {
                left_out.push(format!("{} (broken replacement chain)", dm.meter_id));
                continue;
            };
            let readings: Vec<Vec<Reading>> = chain.iter().map(|m| key_of(&m.id).map(|k| customers.of(k)).unwrap_or_default()).collect();
            let parts: Vec<MeterReadings> = chain.iter().zip(&readings).map(|(m, r)| MeterReadings { meter: m, readings: r }).collect();
            n_customers += 1;
            match usage(&parts, from_s, to_s) {
                Ok((v, done)) => {
                    billed += v;
                    if !done {
                        n_incomplete += 1;
                    }
                    if args.trace {
                        trace.push(format!("customer {} {:.3} m³{}", dm.meter_id, v, if done { "" } else { " (incomplete)" }));
                    }
                }
                Err(e) => left_out.push(format!("{}: {e}", dm.meter_id)),
            }
        }
        if n_incomplete > 0 {
            notes.push(format!("{n_incomplete} customer meters do not cover the whole period (their covered part is counted)"));
        }
        if !left_out.is_empty() {
            notes.push(format!("{} customer meters left out (see --trace)", left_out.len()));
        }
        let mean_pressure_m = args.mean_pressure_m.or_else(|| {
            (!pressures.is_empty()).then(|| pressures.iter().sum::<f64>() / pressures.len() as f64)
        });
        if mean_pressure_m.is_none() {
            notes.push("no pressure: UARL and ILI need --mean-pressure-m or a pressure meter".into());
        }
        let inputs = BalanceInputs {
            period_s: (from_s, to_s),
            system_input_m3: siv,
            storage_increase_m3: storage,
            billed_metered_m3: billed,
            billed_unmetered_m3: 0.0,
            unbilled_metered_m3: 0.0,
            unbilled_unmetered_m3: (siv - storage) * args.unbilled_unmetered_pct / 100.0,
            apparent: ApparentLossRates {
                customer_meter_under_registration_pct: args.under_registration_pct,
                unauthorised_pct: args.unauthorised_pct,
                data_error_pct: args.data_error_pct,
            },
            infrastructure: Infrastructure {
                mains_km: d.mains_length_m / 1000.0,
                connections: d.connections,
                private_pipe_km: 0.0,
                mean_pressure_m: mean_pressure_m.unwrap_or(0.0),
            },
        };
        let balance = oasis_metering::balance::water_balance(&inputs).with_context(|| format!("district {}", d.id))?;
        let cjj92 = match args.outlet_pressure_mpa {
            Some(p) if balance.system_input_volume_m3 > 0.0 => Some(oasis_metering::cjj92::cjj92(&Cjj92Inputs {
                period_s: (from_s, to_s),
                supply_m3: balance.system_input_volume_m3,
                registered_use_m3: balance.authorised_m3,
                household_metered_share: args
                    .household_share
                    .unwrap_or((balance.billed_metered_m3 / balance.system_input_volume_m3).clamp(0.0, 1.0)),
                pipe_length_dn75_km: d.mains_length_dn75_m / 1000.0,
                mean_outlet_pressure_mpa: p,
                max_frost_depth_m: args.frost_depth_m,
            })?),
            _ => None,
        };
        if args.trace {
            trace.extend(left_out.iter().map(|l| format!("left out: {l}")));
        }
        results.push(DistrictBalance {
            district: d,
            balance,
            complete,
            cjj92,
            inlets,
            customers: n_customers,
            customers_incomplete: n_incomplete,
            customers_left_out: left_out,
            notes,
            trace,
        });
    }
    Ok(results)
}

/// A register chain's usage, or an interval series' volume (a customer read as volumes).
fn usage(parts: &[MeterReadings], from_s: i64, to_s: i64) -> anyhow::Result<(f64, bool)> {
    let last = parts.last().context("empty chain")?;
    if last.meter.series == SeriesKind::Register {
        let u = register_usage(parts, from_s, to_s)?;
        Ok((u.volume_m3, u.complete))
    } else {
        let (v, missing) = meter_volume(last.meter, last.readings, from_s, to_s)?;
        Ok((v, missing.is_empty()))
    }
}

/// Volume through a meter over the period (its own sign: along its positive direction), and
/// the spans its readings do not cover.
fn meter_volume(meter: &Meter, series: &[Reading], from_s: i64, to_s: i64) -> anyhow::Result<(f64, Vec<(i64, i64)>)> {
    match meter.series {
        SeriesKind::Register => {
            let u = register_usage(&[MeterReadings { meter, readings: series }], from_s, to_s)?;
            Ok((u.volume_m3, u.missing))
        }
        SeriesKind::Flow | SeriesKind::Volume => {
            let c = interval_volume(series, meter.series, from_s, to_s, max_step_s(series))?;
            Ok((c.volume_m3, c.missing))
        }
        other => bail!("meter {} has a {} series, not a volume", meter.id, other.as_str()),
    }
}

/// The longest step still counted as one interval: 1.5 × the series' median step.
fn max_step_s(series: &[Reading]) -> i64 {
    let mut steps: Vec<i64> = series.windows(2).map(|w| w[1].t_s - w[0].t_s).filter(|s| *s > 0).collect();
    if steps.is_empty() {
        return 3600;
    }
    steps.sort_unstable();
    steps[steps.len() / 2] * 3 / 2
}

/// A level at an instant, linearly interpolated between the readings around it.
fn level_at(series: &[Reading], t_s: i64) -> Option<f64> {
    let i = series.partition_point(|r| r.t_s < t_s);
    let after = series.get(i)?;
    if after.t_s == t_s {
        return Some(after.value);
    }
    let before = series.get(i.checked_sub(1)?)?;
    let f = (t_s - before.t_s) as f64 / (after.t_s - before.t_s) as f64;
    Some(before.value + f * (after.value - before.value))
}

fn spans(missing: &[(i64, i64)], off: i32) -> String {
    let shown: Vec<String> =
        missing.iter().take(3).map(|(a, b)| format!("{} → {}", format_local_time(*a, off), format_local_time(*b, off))).collect();
    let more = if missing.len() > 3 { format!(" and {} more", missing.len() - 3) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

const MARGIN_DAYS: i32 = 3;

/// Every meter's first and last reading of each day around the period, from the store's day
/// index: two readings a meter-day instead of ninety-six.
pub struct CustomerReadings {
    by_key: HashMap<u32, Vec<Reading>>,
}

impl CustomerReadings {
    pub fn load(store: &Store, from_s: i64, to_s: i64) -> anyhow::Result<CustomerReadings> {
        let mut by_key: HashMap<u32, Vec<Reading>> = HashMap::new();
        // Days either side hold the readings just before the start and just after the end (a
        // daily read late in the evening, or one missed read, still bounds the period).
        let (d0, d1) = (store.day_of(from_s) - MARGIN_DAYS, store.day_of(to_s) + MARGIN_DAYS);
        for (_, e) in store.meter_days(d0, d1)? {
            let v = by_key.entry(e.meter).or_default();
            v.push(Reading { t_s: e.first_t_s, value: from_micro(e.first_micro) });
            if e.count > 1 {
                v.push(Reading { t_s: e.last_t_s, value: from_micro(e.last_micro) });
            }
        }
        Ok(CustomerReadings { by_key })
    }

    fn of(&self, key: u32) -> Vec<Reading> {
        self.by_key.get(&key).cloned().unwrap_or_default()
    }
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
