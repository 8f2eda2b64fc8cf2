//! Surface water: GB 3838 class of each section over the period, 优良率 and the CWQI ranking of the
//! cities, from `water/samples.csv` (the long format of `oasis water`, same messages).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use oasis_air::Date;
use oasis_surface_water::{Item, Measure, Reading, Shares, WaterBody, WaterClass, city_cwqi, classify, period_mean, rank, section_cwqi};
use serde_json::{Value, json};

use crate::air::header_columns;
use crate::auth::{self, Role};
use crate::error::{ApiError, ApiResult};
use crate::state::{Shared, loaded};

const REQUIRED: [&str; 4] = ["time", "site", "item", "value"];
const OPTIONAL: [&str; 2] = ["city", "kind"];

#[derive(Clone, Default)]
struct Site {
    city: Option<String>,
    body: Option<WaterBody>,
    samples: BTreeMap<String, BTreeMap<Item, Measure>>,
}

pub struct WaterData {
    pub sections: Vec<Value>,
    pub cities: Vec<Value>,
}

fn sample_date(text: &str) -> Option<Date> {
    let date: Date = text.get(..10)?.parse().ok()?;
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(date);
    }
    let clock = rest.strip_prefix(['T', ' '])?;
    let parts: Vec<&str> = clock.split(':').collect();
    let ok = (2..=3).contains(&parts.len())
        && parts.iter().all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[0].parse::<u32>().ok()? < 24
        && parts[1].parse::<u32>().ok()? < 60
        && parts.get(2).is_none_or(|s| s.parse::<u32>().map(|v| v < 60).unwrap_or(false));
    ok.then_some(date)
}

fn read_water(file: &str, bytes: &[u8]) -> Result<BTreeMap<String, Site>, String> {
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(bytes);
    let headers = rdr.headers().map_err(|e| format!("{file}: cannot read the header line: {e}"))?.clone();
    let col = header_columns(file, &headers, &REQUIRED, &OPTIONAL)?;
    let mut seen: BTreeMap<(String, String, Item), u64> = BTreeMap::new();
    let mut sites: BTreeMap<String, Site> = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("{file}: malformed CSV: {e}"))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let field = |name: &str| col.get(name).and_then(|&i| rec.get(i)).unwrap_or("");
        let (time, site) = (field("time").to_string(), field("site").to_string());
        if sample_date(&time).is_none() {
            return Err(format!("{file} line {line}: column 'time': '{time}' is not a date YYYY-MM-DD[THH:MM]"));
        }
        if site.is_empty() {
            return Err(format!("{file} line {line}: column 'site' is empty"));
        }
        let item: Item = field("item").parse().map_err(|e| format!("{file} line {line}: column 'item': {e}"))?;
        let value_text = field("value");
        if value_text.is_empty() {
            continue;
        }
        let value = value_text
            .parse::<Reading>()
            .map_err(|e| format!("{file} line {line} (site {site}, {time}, {}): column 'value': {e}", item.code()))?
            .value_for_statistics();
        let body = match field("kind") {
            "" => None,
            k => Some(k.parse::<WaterBody>().map_err(|e| format!("{file} line {line}: column 'kind': {e}"))?),
        };
        let city = Some(field("city")).filter(|s| !s.is_empty()).map(String::from);
        if let Some(&first) = seen.get(&(site.clone(), time.clone(), item)) {
            return Err(format!("{file} line {line}: duplicated sample {site} {time} {} (first at line {first})", item.code()));
        }
        seen.insert((site.clone(), time.clone(), item), line);
        let entry = sites.entry(site.clone()).or_default();
        if let Some(b) = body {
            match entry.body {
                Some(prev) if prev != b => return Err(format!("{file} line {line}: site {site} is both {} and {}", prev.code(), b.code())),
                _ => entry.body = Some(b),
            }
        }
        if let Some(c) = city {
            match &entry.city {
                Some(prev) if *prev != c => return Err(format!("{file} line {line}: site {site} is in both {prev} and {c}")),
                _ => entry.city = Some(c),
            }
        }
        entry.samples.entry(time).or_default().insert(item, value);
    }
    sites.retain(|_, s| !s.samples.is_empty());
    if sites.is_empty() {
        return Err(format!("{file}: no samples"));
    }
    Ok(sites)
}

fn pct(m: Option<Measure>) -> Option<f64> {
    m.map(|v| (v.to_f64() * 10.0).round() / 10.0)
}

impl WaterData {
    pub fn load(docs: &dyn oasis_store::DocumentStore) -> Result<WaterData, String> {
        let bytes = docs.get("water", "samples.csv").map_err(|e| format!("water/samples.csv: {e}"))?.ok_or("no water/samples.csv")?;
        WaterData::parse("water/samples.csv", &bytes)
    }

    pub fn parse(file: &str, bytes: &[u8]) -> Result<WaterData, String> {
        let sites = read_water(file, bytes)?;
        let mut sections = Vec::new();
        let mut per_city: BTreeMap<String, (Vec<f64>, Vec<WaterClass>)> = BTreeMap::new();
        for (name, site) in &sites {
            let body = site.body.unwrap_or(WaterBody::River);
            let mut by_item: BTreeMap<Item, Vec<Measure>> = BTreeMap::new();
            for values in site.samples.values() {
                for (&it, &v) in values {
                    by_item.entry(it).or_default().push(v);
                }
            }
            let means: BTreeMap<Item, Measure> = by_item.into_iter().filter_map(|(it, vs)| period_mean(it, &vs).map(|m| (it, m))).collect();
            let c = classify(body, &means);
            let q = section_cwqi(body, &means);
            let city = site.city.clone().unwrap_or_default();
            let e = per_city.entry(city.clone()).or_default();
            e.0.push(q.total);
            if let Some(k) = c.class {
                e.1.push(k);
            }
            sections.push(json!({
                "site": name,
                "city": city,
                "kind": body.code(),
                "samples": site.samples.len(),
                "first_sample": site.samples.keys().next(),
                "last_sample": site.samples.keys().next_back(),
                "class": c.class.map(|k| k.label()),
                "status": c.class.map(|k| k.status_zh()),
                "main_pollutants": c.main_pollutants(),
                "exceeding": c.exceeding().iter().map(|r| format!("{}:{}", r.item.code(), r.class.label())).collect::<Vec<_>>(),
                "missing_items": c.missing.iter().map(|i| i.code()).collect::<Vec<_>>(),
                "cwqi": (q.total * 10_000.0).round() / 10_000.0,
            }));
        }
        let totals: Vec<(String, f64)> = per_city.iter().filter_map(|(c, (t, _))| city_cwqi(t).map(|q| (c.clone(), q))).collect();
        let cities = rank(&totals)
            .into_iter()
            .map(|r| {
                let (t, classes) = &per_city[&r.city];
                let s = Shares::of(classes);
                json!({
                    "rank": r.rank, "city": r.city, "cwqi": (r.cwqi * 10_000.0).round() / 10_000.0, "sections": t.len(),
                    "good_pct": pct(s.good_pct()), "worse_than_v_pct": pct(s.worse_than_v_pct()),
                    "rating": s.rating().map(|x| x.name_zh()), "by_class": s.by_class,
                })
            })
            .collect();
        Ok(WaterData { sections, cities })
    }
}

fn water(state: &Shared) -> ApiResult<Arc<WaterData>> {
    loaded(&state.water, "water")
}

pub async fn sections(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    Ok(Json(json!(water(&state)?.sections)))
}

pub async fn ranking(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    Ok(Json(json!(water(&state)?.cities)))
}

/// `PUT /api/water/data`: replaces the samples (operator).
pub async fn upload(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> ApiResult<Json<Value>> {
    auth::write(&state, &headers, Role::Operator)?;
    let b = body.clone();
    let data = tokio::task::spawn_blocking(move || WaterData::parse("upload.csv", &b)).await.map_err(ApiError::internal)?.map_err(|e| ApiError::invalid("bad_csv", e))?;
    state.docs.put("water", "samples.csv", &body)?;
    let summary = json!({"sections": data.sections.len(), "cities": data.cities.len()});
    *state.water.write().unwrap_or_else(|e| e.into_inner()) = Ok(Arc::new(data));
    Ok(Json(summary))
}
