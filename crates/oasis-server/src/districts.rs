//! Districts, their water balance and night flow (`oasis-audit`, the same functions as `oasis
//! balance` and `oasis nightflow`), and the meter-reading upload (the store's idempotent ingest),
//! over the meter store: `meters/` in the data directory, or PostgreSQL with `--database`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use oasis_audit::balance::{BalanceSettings, DistrictBalance};
use oasis_audit::nightflow::{DistrictNight, NightSettings};
use oasis_audit::{Register, Selection};
use oasis_metering::Meter;
use oasis_store::{DocumentStore, IngestCounts, IngestSettings, MeterStore, PgStore, REGISTER_COLUMNS, Store};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{self, Role};
use crate::error::{ApiError, ApiResult};
use crate::state::{Shared, loaded};

/// The store's clock: China Standard Time.
pub const UTC_OFFSET_S: i32 = 8 * 3600;

/// The meter store: PostgreSQL when a URL is given, else `meters/` in the data directory.
pub fn open_store(dir: &Path, database: Option<&str>) -> Result<Box<dyn MeterStore>, String> {
    let store: Box<dyn MeterStore> = match database {
        Some(url) => Box::new(PgStore::open(url, UTC_OFFSET_S).map_err(|e| e.to_string())?),
        None => Box::new(Store::open(&dir.join("meters"), UTC_OFFSET_S).map_err(|e| e.to_string())?),
    };
    Ok(store)
}

/// Imports a register CSV (the columns of docs/meter-data.md); bad rows are named and left out.
pub fn import_register(store: &mut dyn MeterStore, file: &str, bytes: &[u8]) -> Result<(usize, usize, Vec<String>), String> {
    let offset = store.utc_offset_s();
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(bytes);
    let headers: Vec<String> = rdr.headers().map_err(|e| format!("{file}: no header line: {e}"))?.iter().map(String::from).collect();
    if let Some(h) = headers.iter().find(|h| !REGISTER_COLUMNS.contains(&h.as_str())) {
        return Err(format!("{file}: unknown column '{h}' in the header (known: {})", REGISTER_COLUMNS.join(",")));
    }
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("{file}: unreadable CSV: {e}"))?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |c: &str| headers.iter().position(|h| h == c).and_then(|i| rec.get(i));
        match Meter::from_fields(get, offset) {
            Ok(m) => rows.push((m.id.clone(), REGISTER_COLUMNS[1..].iter().map(|c| get(c).map(String::from)).collect())),
            Err(e) => rejected.push(format!("{file} line {line} field '{}' ({:?}): {}", e.field, e.value, e.reason)),
        }
    }
    let (added, updated) = store.upsert_meters(&rows).map_err(|e| e.to_string())?;
    Ok((added, updated, rejected))
}

/// `YYYY-MM-DD HH:MM[:SS]` (or with `T`) in the store's clock, or RFC 3339 with its own offset.
fn parse_time(s: &str, offset_s: i32) -> Result<i64, String> {
    let s = s.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(dt.timestamp());
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, f) {
            return Ok(t.and_utc().timestamp() - offset_s as i64);
        }
    }
    Err(format!("'{s}' is not a time (expected YYYY-MM-DD HH:MM[:SS])"))
}

/// Ingests readings in the long format `meter_id,time,value` (idempotent: a reading already stored
/// is a duplicate, a different value at the same time a conflict; bad lines are rejected and kept
/// with their reason). A bad header is an error.
pub fn ingest_readings(store: &mut dyn MeterStore, file: &str, bytes: &[u8]) -> Result<IngestCounts, String> {
    let register = Register::load(store).map_err(|e| e.to_string())?;
    let offset = store.utc_offset_s();
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(bytes);
    let headers: Vec<String> = rdr.headers().map_err(|e| format!("{file}: no header line: {e}"))?.iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
    let find = |n: &str| headers.iter().position(|h| h == n).ok_or_else(|| format!("{file}: no column '{n}' (header: {}; expected meter_id,time,value)", headers.join(",")));
    let (mi, ti, vi) = (find("meter_id")?, find("time")?, find("value")?);
    let mut session = store.ingest(file, IngestSettings::default()).map_err(|e| e.to_string())?;
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("{file}: unreadable CSV: {e}"))?;
        let line = rec.position().map_or(0, |p| p.line());
        let text = rec.iter().collect::<Vec<_>>().join(",");
        let (Some(meter), Some(time), Some(value)) = (rec.get(mi), rec.get(ti), rec.get(vi)) else {
            session.reject(line, "", &format!("{} fields, expected {}", rec.len(), headers.len()), &text);
            continue;
        };
        let Some(entry) = register.find(meter) else {
            session.reject(line, "meter_id", &format!("unknown meter '{meter}' (not in the register)"), &text);
            continue;
        };
        let t_s = match parse_time(time, offset) {
            Ok(t) => t,
            Err(m) => {
                session.reject(line, "time", &m, &text);
                continue;
            }
        };
        let v = match value.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                session.reject(line, "value", &format!("'{value}' is not a number"), &text);
                continue;
            }
        };
        if let Err(e) = session.push(entry.key, t_s, entry.meter.canonical(v), line) {
            session.reject(line, "value", &e.to_string(), &text);
        }
    }
    session.finish().map_err(|e| e.to_string())
}

/// One file of `oasis_citysim::write_files`, kept in memory until it goes to the documents.
struct Captured {
    name: String,
    files: Rc<RefCell<BTreeMap<String, Vec<u8>>>>,
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.files.borrow_mut().entry(self.name.clone()).or_default().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes the synthetic metered city (`oasis-citysim`, `days` of readings) as the `city/`
/// documents and `networks/city.inp`.
pub fn write_city(docs: &dyn DocumentStore, days: u32) -> anyhow::Result<()> {
    let opts = oasis_citysim::CitySimOptions { days, ..Default::default() };
    let sim = oasis_citysim::simulate(&opts).map_err(|e| anyhow::anyhow!("{e}"))?;
    let files = Rc::new(RefCell::new(BTreeMap::new()));
    oasis_citysim::write_files(&sim, |name| Ok(Box::new(Captured { name: name.to_string(), files: files.clone() }) as Box<dyn std::io::Write>))?;
    for (name, bytes) in files.take() {
        docs.put("city", &name, &bytes)?;
    }
    docs.put("networks", "city.inp", sim.network_inp.as_bytes())?;
    Ok(())
}

/// A `city/` document that must be there.
fn city_doc(docs: &dyn DocumentStore, id: &str) -> anyhow::Result<Vec<u8>> {
    docs.get("city", id)?.ok_or_else(|| anyhow::anyhow!("no city/{id}"))
}

/// Loads the city that `write_city` wrote (its register, readings and districts) into a store.
pub fn load_city(docs: &dyn DocumentStore, store: &mut dyn MeterStore) -> anyhow::Result<()> {
    import_register(store, "city/meters.csv", &city_doc(docs, "meters.csv")?).map_err(anyhow::Error::msg)?;
    ingest_readings(store, "city/readings.csv", &city_doc(docs, "readings.csv")?).map_err(anyhow::Error::msg)?;
    let net = oasis_network::read_inp(&city_doc(docs, "network.inp")?, "city/network.inp").map_err(|e| anyhow::anyhow!("city/network.inp: {e}"))?;
    oasis_audit::districts::build(store, Some((&net, "city/network.inp")), None)?;
    Ok(())
}

/// The network the districts were built from (`city/network.inp`), if it is there and reads.
fn city_network(docs: &dyn DocumentStore) -> Option<oasis_network::Network> {
    docs.get("city", "network.inp").ok().flatten().and_then(|b| oasis_network::read_inp(&b, "city/network.inp").ok())
}

/// The districts with the balance and night flow over every whole stored day, computed when the
/// data directory is opened and after each upload.
pub struct DistrictData {
    pub period: (String, String),
    pub districts: Vec<Value>,
    pub balances: Vec<(String, Value)>,
    pub nights: Vec<(String, Value)>,
    pub city: Value,
    /// Outlines (convex hulls of the junctions' coordinates) of the districts of `city/network.inp`.
    pub outlines: Vec<Value>,
}

/// The convex hull of points (Andrew's monotone chain), counter-clockwise.
fn hull(mut p: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    p.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    p.dedup();
    if p.len() < 3 {
        return p;
    }
    let cross = |o: [f64; 2], a: [f64; 2], b: [f64; 2]| (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    let mut h: Vec<[f64; 2]> = Vec::new();
    for pass in 0..2 {
        let start = h.len();
        let iter: Box<dyn Iterator<Item = &[f64; 2]>> = if pass == 0 { Box::new(p.iter()) } else { Box::new(p.iter().rev()) };
        for &q in iter {
            while h.len() >= start + 2 && cross(h[h.len() - 2], h[h.len() - 1], q) <= 0.0 {
                h.pop();
            }
            h.push(q);
        }
        h.pop();
    }
    h
}

fn outlines(net: Option<&oasis_network::Network>, store: &dyn MeterStore) -> Vec<Value> {
    let Some(net) = net else { return Vec::new() };
    let Ok(register) = Register::load(store) else { return Vec::new() };
    let Ok(tree) = oasis_audit::districts::tree_for(net, &register) else { return Vec::new() };
    let coords: std::collections::HashMap<&str, [f64; 2]> = net.coordinates.iter().map(|(id, x, y)| (id.as_str(), [*x, *y])).collect();
    tree.districts
        .iter()
        .filter(|d| d.level > 0)
        .map(|d| {
            let pts = d.junctions.iter().filter_map(|&i| coords.get(net.nodes[i].id.as_str()).copied()).collect();
            json!({"id": d.id, "level": d.level, "hull": hull(pts)})
        })
        .collect()
}

fn day_text(store: &dyn MeterStore, t_s: i64) -> String {
    match oasis_metering::time::local_day(t_s, store.utc_offset_s()) {
        Some((_, date)) => date.to_string(),
        None => format!("@{t_s}"),
    }
}

fn balance_json(b: &DistrictBalance) -> Value {
    let w = &b.balance;
    let zh = |label: &str| -> &'static str {
        match label {
            "System input volume" => "供水总量",
            "Authorised consumption" => "注册用户用水量",
            "Billed authorised consumption" => "计费用水量",
            "Billed metered consumption" => "计费计量用水量",
            "Billed unmetered consumption" => "计费未计量用水量",
            "Unbilled authorised consumption" => "免费用水量",
            "Unbilled metered consumption" => "免费计量用水量",
            "Unbilled unmetered consumption" => "免费未计量用水量",
            "Water losses" => "漏损水量",
            "Apparent losses" => "表观漏损",
            "Unauthorised consumption" => "未注册用水",
            "Customer metering inaccuracies" => "计量损失",
            "Systematic data handling errors" => "数据处理误差",
            "Real losses" => "真实漏失",
            "Revenue water" => "收益水量",
            "Non-revenue water" => "产销差水量",
            _ => "",
        }
    };
    json!({
        "district": b.district.id, "level": b.district.level, "complete": b.complete,
        "inlets": b.inlets, "customers": b.customers, "customers_incomplete": b.customers_incomplete,
        "days": w.days, "nrw_pct": w.nrw_pct_of_siv, "ili": w.ili, "uarl_m3": w.uarl_m3,
        "real_losses_m3": w.real_losses_m3, "system_input_m3": w.system_input_volume_m3,
        "rows": oasis_metering::balance::iwa_table_rows(w).iter().map(|(lvl, label, v)| json!({"level": lvl, "label": label, "label_zh": zh(label), "value_m3": if v.is_finite() { Some(*v) } else { None }})).collect::<Vec<_>>(),
        "notes": b.notes, "warnings": w.validity_warnings,
        "note": (!b.complete).then_some("incomplete inputs: see notes"),
    })
}

fn night_json(n: &DistrictNight) -> Value {
    json!({
        "district": n.district.id,
        "days": n.days.iter().map(|d| json!({
            "date": d.date.to_string(), "mnf_m3h": d.mnf_m3h, "mnf_hour": d.mnf_hour, "complete": d.complete,
            "lnu_m3h": d.lnu_m3h, "leakage_m3h": d.night_leakage_m3h, "daily_leakage_m3": d.daily_leakage_m3,
            "baseline_m3h": d.baseline_mnf_m3h, "alert": d.alert,
        })).collect::<Vec<_>>(),
        "notes": n.notes,
    })
}

impl DistrictData {
    pub fn load(docs: &dyn DocumentStore, dir: &Path, database: Option<&str>) -> Result<DistrictData, String> {
        if database.is_none() && !dir.join("meters").join("registry.sqlite").exists() {
            return Err("no meter store (meters/) in the data directory".into());
        }
        let store = open_store(dir, database)?;
        let store = &*store;
        let stored = store.districts().map_err(|e| e.to_string())?;
        if stored.is_empty() {
            return Err("no districts in the meter store".into());
        }
        let parts = store.days().map_err(|e| e.to_string())?;
        let (Some(first), Some(last)) = (parts.iter().map(|p| p.0).min(), parts.iter().map(|p| p.0).max()) else {
            return Err("no readings in the meter store".into());
        };
        // Whole days only: the first stored day may start after midnight.
        let from_s = store.day_start_s(first + 1);
        let to_s = store.day_start_s(last);
        let net = city_network(docs);
        let (balances, nights) = if to_s > from_s {
            let b = oasis_audit::balance::compute(store, &Selection::default(), &BalanceSettings::default(), from_s, to_s).map_err(|e| e.to_string())?;
            let n = oasis_audit::nightflow::compute(store, &Selection::default(), &NightSettings::default(), from_s, to_s, net.as_ref()).map_err(|e| e.to_string())?;
            (b, n)
        } else {
            (Vec::new(), Vec::new())
        };
        let nrw = |id: &str| balances.iter().find(|b| b.district.id == id).and_then(|b| b.balance.nrw_pct_of_siv);
        let districts = stored
            .iter()
            .map(|d| json!({"id": d.id, "level": d.level, "parent": d.parent, "junctions": d.junctions, "connections": d.connections, "mains_length_m": d.mains_length_m, "nrw_pct": nrw(&d.id)}))
            .collect();
        let root = balances.iter().find(|b| b.district.level == 0).or(balances.first());
        let city = match root {
            Some(b) => json!({
                "district": b.district.id, "nrw_pct": b.balance.nrw_pct_of_siv, "real_losses_m3": b.balance.real_losses_m3,
                "system_input_m3": b.balance.system_input_volume_m3, "ili": b.balance.ili, "districts": stored.len(),
                "note": format!("{} … {}", day_text(store, from_s), day_text(store, to_s - 1)),
            }),
            None => json!({"districts": stored.len(), "nrw_pct": null, "note": "not enough readings for a whole day"}),
        };
        Ok(DistrictData {
            period: (day_text(store, from_s), day_text(store, to_s - 1)),
            districts,
            balances: balances.iter().map(|b| (b.district.id.clone(), balance_json(b))).collect(),
            nights: nights.iter().map(|n| (n.district.id.clone(), night_json(n))).collect(),
            city,
            outlines: outlines(net.as_ref(), store),
        })
    }

    /// NRW and leakage of the whole city (the level-0 district), for the board.
    pub fn city_summary(&self) -> Value {
        self.city.clone()
    }
}

fn data(state: &Shared) -> ApiResult<Arc<DistrictData>> {
    loaded(&state.districts, "district")
}

pub async fn list(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    Ok(Json(json!(data(&state)?.districts)))
}

#[derive(Deserialize)]
pub struct RangeQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// `GET /api/districts/{id}/balance[?from=YYYY-MM[-DD]&to=…]`: the IWA table of the district over
/// the stored period (computed once), or over the period asked for.
pub async fn balance(State(state): State<Shared>, headers: HeaderMap, UrlPath(id): UrlPath<String>, Query(q): Query<RangeQuery>) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let d = data(&state)?;
    if !d.districts.iter().any(|x| x["id"] == id) {
        return Err(ApiError::not_found(format!("no district '{id}'")));
    }
    if q.from.is_none() && q.to.is_none() {
        let (_, b) = d.balances.iter().find(|(k, _)| *k == id).ok_or_else(|| ApiError::not_found(format!("no balance for district '{id}'")))?;
        let mut b = b.clone();
        b["from"] = json!(d.period.0);
        b["to"] = json!(d.period.1);
        return Ok(Json(b));
    }
    let st = state.clone();
    let out = tokio::task::spawn_blocking(move || -> ApiResult<Value> {
        let store = open_store(&st.data_dir, st.database.as_deref()).map_err(ApiError::internal)?;
        let store = &*store;
        let from = q.from.as_deref().unwrap_or(&d.period.0).to_string();
        let (from_s, to_s) = oasis_audit::balance::period(store, &from, q.to.as_deref()).map_err(|e| ApiError::bad_request(e.to_string()))?;
        let sel = Selection { level: None, districts: vec![id.clone()] };
        let r = oasis_audit::balance::compute(store, &sel, &BalanceSettings::default(), from_s, to_s).map_err(|e| ApiError::invalid("balance", e.to_string()))?;
        let mut b = r.first().map(balance_json).ok_or_else(|| ApiError::not_found(format!("no balance for district '{id}'")))?;
        b["from"] = json!(day_text(store, from_s));
        b["to"] = json!(day_text(store, to_s - 1));
        Ok(b)
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(Json(out))
}

/// `GET /api/districts/{id}/nightflow`: MNF, legitimate night use, night leakage per day.
pub async fn nightflow(State(state): State<Shared>, headers: HeaderMap, UrlPath(id): UrlPath<String>) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let d = data(&state)?;
    match d.nights.iter().find(|(k, _)| *k == id) {
        Some((_, n)) => Ok(Json(n.clone())),
        None if d.districts.iter().any(|x| x["id"] == id) => Ok(Json(json!({"district": id, "days": [], "notes": ["no night-flow figures for this district"]}))),
        None => Err(ApiError::not_found(format!("no district '{id}'"))),
    }
}

/// `GET /api/networks/{id}/districts`: district outlines for the map (the network the districts
/// were built from, `city`; none for other networks).
pub async fn outlines_route(State(state): State<Shared>, headers: HeaderMap, UrlPath(id): UrlPath<String>) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    crate::networks::entry(&state, &id)?;
    let list = match (&*state.districts.read().unwrap_or_else(|e| e.into_inner()), id.as_str()) {
        (Ok(d), "city") => json!(d.outlines),
        _ => json!([]),
    };
    Ok(Json(list))
}

pub async fn ingests(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let st = state.clone();
    let list = tokio::task::spawn_blocking(move || -> Result<Value, String> {
        let store = open_store(&st.data_dir, st.database.as_deref())?;
        let ingests = store.ingests().map_err(|e| e.to_string())?;
        Ok(json!(ingests
            .iter()
            .map(|i| json!({"id": i.id, "source": i.source, "started_unix": i.started_unix, "finished": i.finished, "lines": i.counts.lines, "new": i.counts.new, "duplicate": i.counts.duplicate, "conflicting": i.counts.conflicting, "rejected": i.counts.rejected}))
            .collect::<Vec<_>>()))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::not_found)?;
    Ok(Json(list))
}

#[derive(Deserialize)]
pub struct UploadQuery {
    pub name: Option<String>,
}

/// `POST /api/meters/readings?name=FILE.csv` (operator): ingests readings; sending the same file
/// again stores nothing new (every line a duplicate). The balances are recomputed after.
pub async fn upload_readings(State(state): State<Shared>, headers: HeaderMap, Query(q): Query<UploadQuery>, body: Bytes) -> ApiResult<(StatusCode, Json<Value>)> {
    let caller = auth::write(&state, &headers, Role::Operator)?;
    if body.is_empty() {
        return Err(ApiError::bad_request("empty body: send the CSV meter_id,time,value"));
    }
    let name: String = q.name.unwrap_or_else(|| "upload.csv".into()).chars().filter(|c| !c.is_control()).take(100).collect();
    let source = format!("{name} (by {})", caller.name());
    let st = state.clone();
    let (counts, rejected) = tokio::task::spawn_blocking(move || -> ApiResult<(IngestCounts, Vec<Value>)> {
        let _guard = st.ingest_lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut store = open_store(&st.data_dir, st.database.as_deref()).map_err(ApiError::not_found)?;
        let counts = ingest_readings(&mut *store, &source, &body).map_err(|e| ApiError::invalid("bad_csv", e))?;
        let last = store.ingests().map_err(ApiError::from)?.into_iter().map(|i| i.id).max().unwrap_or(0);
        let rejected = store
            .rejected_lines(last)
            .map_err(ApiError::from)?
            .into_iter()
            .take(100)
            .map(|(line, field, message, text)| json!({"line": line, "field": field, "message": message, "text": text}))
            .collect();
        drop(store);
        if counts.new > 0 {
            let fresh = DistrictData::load(&*st.docs, &st.data_dir, st.database.as_deref()).map(Arc::new);
            *st.districts.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        }
        Ok((counts, rejected))
    })
    .await
    .map_err(ApiError::internal)??;
    Ok((
        StatusCode::OK,
        Json(json!({"lines": counts.lines, "new": counts.new, "duplicate": counts.duplicate, "conflicting": counts.conflicting, "rejected": counts.rejected, "rejected_lines": rejected})),
    ))
}
