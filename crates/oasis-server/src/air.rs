//! Air quality: hourly AQI per station, daily AQI per station and for the city, and the period
//! evaluation (good-air days and rate, means, attainment), from `air/hourly.csv`.
//!
//! The reader is `oasis air`'s (same columns, same messages naming file, line and column; the
//! strict mode: the first problem is the error).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use oasis_air::{
    AqiReport, AreaClass, Conc, DailyConc, Date, DayHours, DayRecord, Edition, HourStamp, HourlyInput, LimitSet, Limits,
    Pollutant, city_daily, daily_aqi, daily_conc, evaluate, hourly_aqi, o3_8h_moving, so2_24h_moving,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{self, Role};
use crate::error::{ApiError, ApiResult};
use crate::state::{Shared, loaded};

/// The name the city's own daily series goes by.
pub const CITY: &str = "金昌市";

const REQUIRED: [&str; 8] = ["time", "station", "so2", "no2", "pm10", "pm25", "co", "o3"];
const OPTIONAL: [&str; 1] = ["o3_8h"];
const POLLUTANT_COLUMNS: [&str; 6] = ["so2", "no2", "pm10", "pm25", "co", "o3"];

struct HourRow {
    time: HourStamp,
    station: String,
    conc: [Option<Conc>; 6],
    o3_8h: Option<Conc>,
}

pub struct DayRow {
    pub date: Date,
    pub station: String,
    pub conc: DailyConc,
    pub report: AqiReport,
}

/// What the air routes serve, computed once per upload.
pub struct AirData {
    pub stations: Vec<String>,
    pub hourly: BTreeMap<String, Vec<Value>>,
    pub days: Vec<DayRow>,
    pub first: Option<Date>,
    pub last: Option<Date>,
}

/// Maps the header's columns; unknown, repeated or missing columns are errors naming the file.
pub fn header_columns<'a>(file: &str, headers: &csv::StringRecord, required: &[&'a str], optional: &[&'a str]) -> Result<BTreeMap<&'a str, usize>, String> {
    let expected = format!("{}{}", required.join(","), optional.iter().map(|o| format!("[,{o}]")).collect::<String>());
    let mut col = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        match required.iter().chain(optional).find(|&&k| k == h) {
            Some(&k) => {
                if col.insert(k, i).is_some() {
                    return Err(format!("{file}: column '{h}' appears twice in the header"));
                }
            }
            None => return Err(format!("{file}: unknown column '{h}' in the header (expected {expected})")),
        }
    }
    let missing: Vec<&str> = required.iter().copied().filter(|k| !col.contains_key(k)).collect();
    if !missing.is_empty() {
        return Err(format!("{file}: missing column(s) {} (expected {expected})", missing.join(",")));
    }
    Ok(col)
}

/// station → hour → index into the rows.
type HourIndex = BTreeMap<String, BTreeMap<HourStamp, usize>>;

fn read_hourly(file: &str, bytes: &[u8]) -> Result<(Vec<HourRow>, HourIndex), String> {
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(bytes);
    let headers = rdr.headers().map_err(|e| format!("{file}: cannot read the header line: {e}"))?.clone();
    let col = header_columns(file, &headers, &REQUIRED, &OPTIONAL)?;
    let mut rows: Vec<HourRow> = Vec::new();
    let mut index: BTreeMap<String, BTreeMap<HourStamp, usize>> = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("{file}: malformed CSV: {e}"))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let field = |name: &str| col.get(name).and_then(|&i| rec.get(i)).unwrap_or("");
        let time: HourStamp = field("time").parse().map_err(|e| format!("{file} line {line}: column 'time': {e}"))?;
        let station = field("station").to_string();
        if station.is_empty() {
            return Err(format!("{file} line {line}: column 'station' is empty"));
        }
        let parse = |name: &str| -> Result<Option<Conc>, String> {
            let text = field(name);
            if text.is_empty() || text.eq_ignore_ascii_case("NA") || text == "/" {
                return Ok(None);
            }
            let msg = match text.parse::<Conc>() {
                Ok(c) if !c.is_negative() => return Ok(Some(c)),
                Ok(_) => format!("negative concentration '{text}'"),
                Err(e) => format!("{e} (leave the cell empty, or write NA, for a missing value)"),
            };
            Err(format!("{file} line {line} (station {station}, {time}): column '{name}': {msg}"))
        };
        let mut conc = [None; 6];
        for (i, name) in POLLUTANT_COLUMNS.iter().enumerate() {
            conc[i] = parse(name)?;
        }
        let o3_8h = if col.contains_key("o3_8h") { parse("o3_8h")? } else { None };
        let hours = index.entry(station.clone()).or_default();
        if hours.contains_key(&time) {
            return Err(format!("{file} line {line}: duplicated station-hour {station} {time}"));
        }
        hours.insert(time, rows.len());
        rows.push(HourRow { time, station, conc, o3_8h });
    }
    Ok((rows, index))
}

impl AirData {
    pub fn load(docs: &dyn oasis_store::DocumentStore) -> Result<AirData, String> {
        let bytes = docs.get("air", "hourly.csv").map_err(|e| format!("air/hourly.csv: {e}"))?.ok_or("no air/hourly.csv")?;
        AirData::parse("air/hourly.csv", &bytes)
    }

    pub fn parse(file: &str, bytes: &[u8]) -> Result<AirData, String> {
        let (rows, index) = read_hourly(file, bytes)?;
        let value = |station: &str, t: HourStamp, p: Pollutant| index.get(station)?.get(&t).and_then(|&i| rows[i].conc[p.index()]);
        let mut hourly: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for row in &rows {
            let window = |p: Pollutant, n: i64| -> Vec<Option<Conc>> { (0..n).rev().map(|k| value(&row.station, row.time.minus_hours(k), p)).collect() };
            let o3_8h = row.o3_8h.or_else(|| {
                let w: [Option<Conc>; 8] = window(Pollutant::O3, 8).try_into().unwrap_or([None; 8]);
                o3_8h_moving(&w)
            });
            let w24: [Option<Conc>; 24] = window(Pollutant::So2, 24).try_into().unwrap_or([None; 24]);
            let c = |p: Pollutant| row.conc[p.index()];
            let input = HourlyInput {
                so2: c(Pollutant::So2),
                no2: c(Pollutant::No2),
                pm10: c(Pollutant::Pm10),
                pm25: c(Pollutant::Pm25),
                co: c(Pollutant::Co),
                o3: c(Pollutant::O3),
                o3_8h,
                so2_24h: so2_24h_moving(&w24),
            };
            let r = hourly_aqi(Edition::for_hour(row.time), &input);
            hourly.entry(row.station.clone()).or_default().push(json!({
                "time": row.time.to_string(),
                "edition": r.edition.label(),
                "aqi": r.aqi,
                "category": r.category.map(|c| c.name_zh()),
                "level": r.category.map(|c| c.level()),
                "primary": r.primary_names(),
            }));
        }
        let mut days = Vec::new();
        let mut by_day: BTreeMap<Date, Vec<DailyConc>> = BTreeMap::new();
        for (station, hours) in &index {
            let dates: BTreeSet<Date> = hours.keys().map(|t| t.day()).collect();
            for date in dates {
                let mut dh: DayHours = [[None; 6]; 24];
                for (k, t) in date.hour_stamps().enumerate() {
                    if let Some(&i) = hours.get(&t) {
                        dh[k] = rows[i].conc;
                    }
                }
                let conc = daily_conc(&dh);
                let report = daily_aqi(Edition::for_day(date), &conc);
                by_day.entry(date).or_default().push(conc.clone());
                days.push(DayRow { date, station: station.clone(), conc, report });
            }
        }
        for (date, stations) in by_day {
            let conc = city_daily(&stations);
            let report = daily_aqi(Edition::for_day(date), &conc);
            days.push(DayRow { date, station: CITY.to_string(), conc, report });
        }
        days.sort_by(|a, b| (a.date, &a.station).cmp(&(b.date, &b.station)));
        let mut stations: Vec<String> = index.keys().cloned().collect();
        stations.push(CITY.to_string());
        Ok(AirData { stations, hourly, first: days.first().map(|d| d.date), last: days.iter().map(|d| d.date).max(), days })
    }

    /// The period evaluation of every station and the city.
    pub fn evaluation(&self, from: Date, to: Date) -> Result<Value, String> {
        let set = LimitSet::for_date(to);
        let limits = Limits::of(set, AreaClass::Two);
        let mut out = Vec::new();
        for name in &self.stations {
            let days: Vec<DayRecord> = self
                .days
                .iter()
                .filter(|d| &d.station == name)
                .map(|d| DayRecord { date: d.date, conc: d.conc.clone(), report: d.report.clone() })
                .collect();
            let ev = evaluate(from, to, &days, limits).map_err(|e| e.to_string())?;
            let a = &ev.attainment;
            out.push(json!({
                "station": name,
                "days": ev.days_in_period,
                "valid_days": ev.valid_days,
                "good_days": ev.good_days,
                "good_rate_pct": ev.good_rate_pct().map(|c| c.to_string()),
                "days_by_category": ev.days_by_category,
                "means": {"so2": ev.means[0].map(|c| c.to_string()), "no2": ev.means[1].map(|c| c.to_string()), "pm10": ev.means[2].map(|c| c.to_string()), "pm25": ev.means[3].map(|c| c.to_string())},
                "co_p95": ev.co_p95.map(|c| c.to_string()),
                "o3_8h_p90": ev.o3_8h_p90.map(|c| c.to_string()),
                "attains": a.overall(),
            }));
        }
        Ok(json!({"from": from.to_string(), "to": to.to_string(), "limits": set.label(), "area_class": 2, "stations": out}))
    }
}

fn air(state: &Shared) -> ApiResult<Arc<AirData>> {
    loaded(&state.air, "air")
}

pub async fn stations(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let a = air(&state)?;
    Ok(Json(json!({"stations": a.stations, "city": CITY, "first_day": a.first.map(|d| d.to_string()), "last_day": a.last.map(|d| d.to_string())})))
}

#[derive(Deserialize)]
pub struct StationQuery {
    pub station: Option<String>,
}

pub async fn hourly(State(state): State<Shared>, headers: HeaderMap, Query(q): Query<StationQuery>) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let a = air(&state)?;
    let station = q.station.unwrap_or_else(|| a.hourly.keys().next().cloned().unwrap_or_default());
    let rows = a.hourly.get(&station).ok_or_else(|| ApiError::not_found(format!("no station '{station}' in the hourly data")))?;
    Ok(Json(json!({"station": station, "hours": rows})))
}

pub async fn daily(State(state): State<Shared>, headers: HeaderMap, Query(q): Query<StationQuery>) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let a = air(&state)?;
    let station = q.station.unwrap_or_else(|| CITY.to_string());
    if !a.stations.contains(&station) {
        return Err(ApiError::not_found(format!("no station '{station}'")));
    }
    let days: Vec<Value> = a
        .days
        .iter()
        .filter(|d| d.station == station)
        .map(|d| {
            json!({
                "date": d.date.to_string(),
                "aqi": d.report.aqi,
                "category": d.report.category.map(|c| c.name_zh()),
                "level": d.report.category.map(|c| c.level()),
                "primary": d.report.primary_names(),
                "pm25": d.conc.mean(Pollutant::Pm25).map(|c| c.to_string()),
                "pm10": d.conc.mean(Pollutant::Pm10).map(|c| c.to_string()),
                "o3_8h_max": d.conc.o3_8h_max.map(|c| c.to_string()),
                "valid": d.report.aqi.is_some(),
                "notes": d.conc.invalid_reasons(),
            })
        })
        .collect();
    Ok(Json(json!({"station": station, "days": days})))
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

pub async fn evaluation(State(state): State<Shared>, headers: HeaderMap, Query(q): Query<PeriodQuery>) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let a = air(&state)?;
    let date = |s: Option<String>, default: Option<Date>, what: &str| -> ApiResult<Date> {
        match s {
            Some(s) => s.parse::<Date>().map_err(|e| ApiError::bad_request(format!("{what} '{s}': {e}"))),
            None => default.ok_or_else(|| ApiError::not_found("no air data")),
        }
    };
    let from = date(q.from, a.first, "from")?;
    let to = date(q.to, a.last, "to")?;
    if from > to {
        return Err(ApiError::bad_request(format!("from {from} is after to {to}")));
    }
    Ok(Json(a.evaluation(from, to).map_err(|e| ApiError::invalid("bad_period", e))?))
}

/// `PUT /api/air/data`: replaces the station-hours (operator); a bad file is refused whole with
/// the reader's message.
pub async fn upload(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> ApiResult<Json<Value>> {
    auth::write(&state, &headers, Role::Operator)?;
    let b = body.clone();
    let data = tokio::task::spawn_blocking(move || AirData::parse("upload.csv", &b)).await.map_err(ApiError::internal)?.map_err(|e| ApiError::invalid("bad_csv", e))?;
    state.docs.put("air", "hourly.csv", &body)?;
    let summary = json!({"stations": data.stations, "days": data.days.len()});
    *state.air.write().unwrap_or_else(|e| e.into_inner()) = Ok(Arc::new(data));
    Ok(Json(summary))
}
