//! Minimum night flow per district and day from the stored inlet series (less the storage gain of
//! tanks inside), night leakage after legitimate night use, the night-day factor from the twin's
//! zone pressures (FAVAD), the daily leakage estimate, a baseline and alerts.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use oasis_metering::nightflow::{FlowSample, LegitimateNightUse, NightFlowDay, NightFlowSettings, night_day_factor, night_flow};
use oasis_metering::{Meter, Reading, SeriesKind};
use oasis_network::Network;
use oasis_store::{MeterRole, MeterStore, StoredDistrict};

use crate::{AuditError, Register, Selection};

/// The night-flow choices (window in minutes after local midnight).
#[derive(Debug, Clone)]
pub struct NightSettings {
    pub window_start_min: u32,
    pub window_end_min: u32,
    pub resolution_s: Option<i64>,
    pub per_connection_lph: f64,
    pub n1: f64,
    pub baseline_days: usize,
    pub alert_rise_m3h: f64,
    pub alert_rise_pct: f64,
    /// Legitimate night use from the customers' billed use of each day, shaped by the twin's
    /// diurnal demand at the MNF hour (needs the network); added to the per-connection figure.
    pub lnu_from_billing: bool,
    /// Customer meters' under-registration, %: billed use / (1 − p) is what customers drew.
    pub under_registration_pct: f64,
}

impl Default for NightSettings {
    fn default() -> Self {
        let d = NightFlowSettings::default();
        NightSettings {
            window_start_min: d.window_start_min,
            window_end_min: d.window_end_min,
            resolution_s: None,
            per_connection_lph: 0.0,
            n1: d.n1,
            baseline_days: d.baseline_days,
            alert_rise_m3h: d.alert_rise_m3h,
            alert_rise_pct: d.alert_rise_pct,
            lnu_from_billing: false,
            under_registration_pct: 0.0,
        }
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

/// Night flow of the selected districts over `[from_s, to_s)`; with a network, the NDF from its
/// first simulated day's zone pressures at each day's MNF hour.
pub fn compute(
    store: &dyn MeterStore,
    select: &Selection,
    args: &NightSettings,
    from_s: i64,
    to_s: i64,
    network: Option<&Network>,
) -> Result<Vec<DistrictNight>, AuditError> {
    let register = Register::load(store)?;
    let districts = select.pick(store)?;
    let members = store.district_meters()?;
    let wanted: Vec<&str> = districts.iter().map(|d| d.id.as_str()).collect();
    let keys: Vec<u32> = members
        .iter()
        .filter(|m| wanted.contains(&m.district.as_str()) && matches!(m.role, MeterRole::Inlet | MeterRole::Level))
        .filter_map(|m| register.find(&m.meter_id).map(|e| e.key))
        .collect();
    let raw = store.readings(&keys, from_s - 3600, to_s)?;
    let twin = match network {
        Some(net) => twin_day(net, &register, &districts)?,
        None => HashMap::new(),
    };
    let meters = register.meters();
    let replacements = oasis_metering::Replacements::new(&meters);
    let billing_days = match (args.lnu_from_billing, network) {
        (true, Some(_)) => Some(crate::balance::CustomerReadings::load(store, from_s, to_s)?),
        _ => None,
    };
    let mut results = Vec::new();
    for d in districts {
        let mut notes = Vec::new();
        // Net inflow at the stamps every inlet (and tank level) has: inlets − storage gain.
        let mut net: Option<BTreeMap<i64, f64>> = None;
        for dm in members.iter().filter(|m| m.district == d.id && matches!(m.role, MeterRole::Inlet | MeterRole::Level)) {
            let Some(e) = register.find(&dm.meter_id) else { continue };
            let series: Vec<Reading> = crate::to_domain(raw.get(&e.key));
            let flow = as_flow(&e.meter, &series);
            // Inlets add with their sign; a tank's level rise (× area) is water the district did not use.
            let factor = if dm.role == MeterRole::Inlet { dm.sign } else { -dm.sign };
            if dm.role == MeterRole::Level {
                // A level's noise becomes flow noise of area × σ × √2 / step: 0.05 m on a 31 m²
                // tank is ±6 m³/h at 15 minutes. Night flow belongs to districts without storage.
                notes.push(format!(
                    "tank level {} ({:.0} m²) enters as storage change: its noise makes this MNF uncertain; prefer the DMAs below",
                    dm.meter_id, dm.sign
                ));
            }
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
            net.into_iter().filter(|(t, _)| *t > from_s && *t < to_s).map(|(t_s, flow_m3h)| FlowSample { t_s, flow_m3h }).collect();
        let settings = NightFlowSettings {
            window_start_min: args.window_start_min,
            window_end_min: args.window_end_min,
            resolution_s: args.resolution_s,
            utc_offset_s: store.utc_offset_s(),
            lnu: LegitimateNightUse { per_connection_lph: args.per_connection_lph, connections: d.connections, ..Default::default() },
            n1: args.n1,
            baseline_days: args.baseline_days,
            alert_rise_m3h: args.alert_rise_m3h,
            alert_rise_pct: args.alert_rise_pct,
        };
        // First pass finds each day's MNF hour; the NDF is then taken at that hour.
        let err = |source| AuditError::NightFlow { district: d.id.clone(), source };
        let first = night_flow(&samples, &|_| None, &settings).map_err(err)?;
        let mut days = match twin.get(&d.id).map(|t| &t.pressure_m) {
            Some(hourly) => {
                let by_day: HashMap<NaiveDate, f64> = first
                    .iter()
                    .filter_map(|day| {
                        let h = day.mnf_hour? as usize;
                        night_day_factor(hourly, h, args.n1).ok().map(|ndf| (day.date, ndf))
                    })
                    .collect();
                night_flow(&samples, &|date| by_day.get(&date).copied(), &settings).map_err(err)?
            }
            None => {
                if network.is_some() {
                    notes.push("district not found in the network's districts: NDF 24 h".into());
                }
                first
            }
        };
        if args.lnu_from_billing {
            match (&billing_days, twin.get(&d.id)) {
                (Some(customers), Some(t)) => {
                    let ids: Vec<&str> = members
                        .iter()
                        .filter(|m| m.district == d.id && m.role == MeterRole::Customer)
                        .map(|m| m.meter_id.as_str())
                        .collect();
                    let mut incomplete = 0;
                    for day in &mut days {
                        let (Some(h), Some(start)) = (day.mnf_hour, day_start(day.date, store.utc_offset_s())) else { continue };
                        let billed = crate::balance::customers_usage(&register, &replacements, &ids, customers, start, start + 86_400);
                        incomplete += billed.incomplete;
                        let drawn_m3 = billed.volume_m3 / (1.0 - args.under_registration_pct / 100.0);
                        let lnu = drawn_m3 / 24.0 * t.demand_shape[h as usize] + day.lnu_m3h;
                        set_lnu(day, lnu);
                    }
                    if incomplete > 0 {
                        notes.push(format!("{incomplete} customer-days of billed use incomplete: the LNU of those days is low"));
                    }
                }
                _ => notes.push("night use from billing needs the network and the district in it: per-connection figure only".into()),
            }
        }
        results.push(DistrictNight { district: d, days, notes });
    }
    Ok(results)
}

fn day_start(date: NaiveDate, utc_offset_s: i32) -> Option<i64> {
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp() - utc_offset_s as i64)
}

/// A day's night use replaced: night leakage and the daily estimate follow it.
fn set_lnu(day: &mut NightFlowDay, lnu_m3h: f64) {
    day.lnu_m3h = lnu_m3h;
    day.night_leakage_m3h = day.mnf_m3h.map(|m| m - lnu_m3h);
    day.daily_leakage_m3 = day.night_leakage_m3h.map(|nl| nl * day.ndf_h);
}

/// What the twin says of a district's day: its average zone pressure per hour (m), and the shape
/// of its consumers' demand per hour (mean 1) from base demands × patterns, emitters left out.
pub struct TwinDay {
    pub pressure_m: [f64; 24],
    pub demand_shape: [f64; 24],
}

fn twin_day(net: &Network, register: &Register, districts: &[StoredDistrict]) -> Result<HashMap<String, TwinDay>, AuditError> {
    let pressures = zone_pressures(net, register, districts)?;
    let tree = crate::districts::tree_for(net, register)?;
    let mut out = HashMap::new();
    for (id, pressure_m) in pressures {
        let Some(i) = tree.index_of(&id) else { continue };
        let Some(demand_shape) = demand_shape(net, &tree.districts[i].junctions) else { continue };
        out.insert(id, TwinDay { pressure_m, demand_shape });
    }
    Ok(out)
}

/// Hourly consumer demand of these junctions over the first day, divided by its daily mean.
fn demand_shape(net: &Network, junctions: &[usize]) -> Option<[f64; 24]> {
    let step = net.times.pattern_step_s.max(1);
    let default = net.options.pattern.clone().unwrap_or_else(|| "1".into());
    let factor = |pattern: &Option<String>, t: i64| -> f64 {
        let id = pattern.as_ref().unwrap_or(&default);
        match net.patterns.iter().find(|p| &p.id == id) {
            Some(p) if !p.factors.is_empty() => {
                let k = ((t + net.times.pattern_start_s) / step) as usize % p.factors.len();
                p.factors[k]
            }
            _ => 1.0,
        }
    };
    let mut hourly = [0.0; 24];
    for (h, slot) in hourly.iter_mut().enumerate() {
        let mut t = h as i64 * 3600;
        let mut n = 0.0;
        while t < (h as i64 + 1) * 3600 {
            for &j in junctions {
                if let oasis_network::NodeKind::Junction(jn) = &net.nodes[j].kind {
                    *slot += jn.demands.iter().map(|d| d.base.max(0.0) * factor(&d.pattern, t)).sum::<f64>();
                }
            }
            n += 1.0;
            t += step.min(3600);
        }
        *slot /= n;
    }
    let mean = hourly.iter().sum::<f64>() / 24.0;
    (mean > 0.0).then(|| hourly.map(|v| v / mean))
}

/// Each district's average zone pressure (m) per hour of the network's first simulated day.
fn zone_pressures(net: &Network, register: &Register, districts: &[StoredDistrict]) -> Result<HashMap<String, [f64; 24]>, AuditError> {
    let mut net = net.clone();
    net.times.duration_s = 86_400;
    net.times.report_step_s = 3600;
    net.times.report_start_s = 0;
    let tree = crate::districts::tree_for(&net, register)?;
    let run = oasis_hydraulics::extended_period(&net)?;
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

