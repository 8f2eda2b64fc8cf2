//! The water balance per district and period from the stored readings. Inlets are integrated
//! from their full series; customer registers are read from the day index (first and last reading
//! of each day), which holds every reading a prorated register difference needs. Every figure says
//! what went into it and what was missing; a district whose input is not fully covered is marked
//! incomplete and its losses are not given.

use std::collections::{BTreeMap, HashMap};

use oasis_metering::balance::{ApparentLossRates, BalanceInputs, Infrastructure, WaterBalance};
use oasis_metering::time::{format_local_time, parse_local_time};
use oasis_metering::{Cjj92Inputs, Meter, MeterReadings, Reading, Replacements, SeriesKind, interval_volume, register_usage};
use oasis_store::{DistrictMeter, MeterRole, MeterStore, StoredDistrict, from_micro};

use crate::{AuditError, Register, Selection};

/// The figures a balance needs beyond the readings (rates in %).
#[derive(Debug, Clone, Default)]
pub struct BalanceSettings {
    pub under_registration_pct: f64,
    pub unauthorised_pct: f64,
    pub data_error_pct: f64,
    pub unbilled_unmetered_pct: f64,
    /// Average operating pressure; `None`: the mean of the district's pressure meters.
    pub mean_pressure_m: Option<f64>,
    /// CJJ 92 R3; `None`: no CJJ 92 rates.
    pub outlet_pressure_mpa: Option<f64>,
    /// CJJ 92 R1; `None`: billed metered / supply.
    pub household_share: Option<f64>,
    pub frost_depth_m: f64,
    /// Keep one line per customer meter in the trace.
    pub trace_customers: bool,
}

/// `YYYY-MM` or `YYYY-MM-DD` → [start, end) of local days.
pub fn period(store: &dyn MeterStore, from: &str, to: Option<&str>) -> Result<(i64, i64), AuditError> {
    let off = store.utc_offset_s();
    let month = |s: &str| -> Option<(i32, u32)> {
        let (y, m) = s.split_once('-')?;
        if s.len() != 7 {
            return None;
        }
        Some((y.parse().ok()?, m.parse().ok().filter(|m| (1..=12).contains(m))?))
    };
    let day = |s: &str| parse_local_time(s, off).map_err(|e| AuditError::Period(format!("'{s}': {e}")));
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
        return Err(AuditError::Period("the period ends before it starts".into()));
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

pub fn compute(store: &dyn MeterStore, select: &Selection, args: &BalanceSettings, from_s: i64, to_s: i64) -> Result<Vec<DistrictBalance>, AuditError> {
    let register = Register::load(store)?;
    let meters = register.meters();
    let replacements = Replacements::new(&meters);
    let districts = select.pick(store)?;
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
    let as_readings = |k: u32| -> Vec<Reading> { crate::to_domain(raw.get(&k)) };
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
        let customer_ids: Vec<&str> = mine.iter().filter(|m| m.role == MeterRole::Customer).map(|m| m.meter_id.as_str()).collect();
        let billing = customers_usage(&register, &replacements, &customer_ids, &customers, from_s, to_s);
        let (billed, n_customers, n_incomplete, left_out) =
            (billing.volume_m3, billing.customers, billing.incomplete, billing.left_out);
        if args.trace_customers {
            trace.extend(billing.lines);
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
        let balance = oasis_metering::balance::water_balance(&inputs)
            .map_err(|source| AuditError::Balance { district: d.id.clone(), source })?;
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
            })
            .map_err(|source| AuditError::Cjj92 { district: d.id.clone(), source })?),
            _ => None,
        };
        if args.trace_customers {
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

/// What a district's customer meters used over a span.
pub(crate) struct Billing {
    pub volume_m3: f64,
    pub customers: usize,
    pub incomplete: usize,
    pub left_out: Vec<String>,
    pub lines: Vec<String>,
}

/// Customers' use over `[from_s, to_s)`: one usage per replacement chain, counted at its newest
/// register; a chain that cannot be read (a decrease, a broken chain) is left out and named.
pub(crate) fn customers_usage(
    register: &Register,
    replacements: &Replacements,
    ids: &[&str],
    customers: &CustomerReadings,
    from_s: i64,
    to_s: i64,
) -> Billing {
    let mut b = Billing { volume_m3: 0.0, customers: 0, incomplete: 0, left_out: Vec::new(), lines: Vec::new() };
    for &id in ids {
        if replacements.is_replaced(id) {
            continue; // an older register: counted with the meter that replaced it
        }
        let Some(chain) = replacements.chain(id) else {
            b.left_out.push(format!("{id} (broken replacement chain)"));
            continue;
        };
        let readings: Vec<Vec<Reading>> =
            chain.iter().map(|m| register.find(&m.id).map(|e| customers.of(e.key)).unwrap_or_default()).collect();
        let parts: Vec<MeterReadings> = chain.iter().zip(&readings).map(|(m, r)| MeterReadings { meter: m, readings: r }).collect();
        b.customers += 1;
        match usage(&parts, from_s, to_s) {
            Ok((v, done)) => {
                b.volume_m3 += v;
                b.incomplete += usize::from(!done);
                b.lines.push(format!("customer {id} {v:.3} m³{}", if done { "" } else { " (incomplete)" }));
            }
            Err(e) => b.left_out.push(format!("{id}: {e}")),
        }
    }
    b
}

/// A register chain's usage, or an interval series' volume (a customer read as volumes).
fn usage(parts: &[MeterReadings], from_s: i64, to_s: i64) -> Result<(f64, bool), AuditError> {
    let Some(last) = parts.last() else { return Err(oasis_metering::UsageError::EmptyChain.into()) };
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
fn meter_volume(meter: &Meter, series: &[Reading], from_s: i64, to_s: i64) -> Result<(f64, Vec<(i64, i64)>), AuditError> {
    match meter.series {
        SeriesKind::Register => {
            let u = register_usage(&[MeterReadings { meter, readings: series }], from_s, to_s)?;
            Ok((u.volume_m3, u.missing))
        }
        SeriesKind::Flow | SeriesKind::Volume => {
            let c = interval_volume(series, meter.series, from_s, to_s, max_step_s(series))?;
            Ok((c.volume_m3, c.missing))
        }
        other => Err(AuditError::NotAVolume { meter: meter.id.clone(), series: other.as_str() }),
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
    pub fn load(store: &dyn MeterStore, from_s: i64, to_s: i64) -> Result<CustomerReadings, AuditError> {
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

    pub(crate) fn of(&self, key: u32) -> Vec<Reading> {
        self.by_key.get(&key).cloned().unwrap_or_default()
    }
}

