//! The city board: targets against actuals from every part of the store.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{Value, json};

use crate::auth;
use crate::error::ApiResult;
use crate::state::{Shared, doc_text};

/// `GET /api/targets`: good-air days and rate, water 优良率 and ranking, water use against the
/// dual-control caps, NRW and leakage of the districts, greening (no data yet: said so).
pub async fn targets(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let air = match &*state.air.read().unwrap_or_else(|e| e.into_inner()) {
        Ok(a) => match (a.first, a.last) {
            (Some(f), Some(t)) => a
                .evaluation(f, t)
                .ok()
                .and_then(|ev| ev["stations"].as_array().and_then(|s| s.iter().find(|x| x["station"] == crate::air::CITY).cloned()))
                .map(|mut v| {
                    v["from"] = json!(f.to_string());
                    v["to"] = json!(t.to_string());
                    v
                }),
            _ => None,
        },
        Err(_) => None,
    };
    let (water_city, ranking, water_years) = match &*state.water.read().unwrap_or_else(|e| e.into_inner()) {
        Ok(w) => {
            // The years the samples span (the register's water target is for one year).
            let years: std::collections::BTreeSet<String> = w
                .sections
                .iter()
                .flat_map(|s| [s["first_sample"].as_str(), s["last_sample"].as_str()])
                .flatten()
                .filter_map(|t| t.get(..4).map(String::from))
                .collect();
            let city = w.cities.iter().find(|c| c["city"] == "金昌").cloned();
            (city, Some(json!(w.cities)), years.into_iter().collect::<Vec<_>>())
        }
        Err(_) => (None, None, Vec::new()),
    };
    let dual = crate::pricing::dual_control_json(&*state.docs).ok();
    let districts = match &*state.districts.read().unwrap_or_else(|e| e.into_inner()) {
        Ok(d) => Some(d.city_summary()),
        Err(_) => None,
    };
    let register = targets_board(&state, &water_years, dual.as_ref(), districts.as_ref());
    let greening_rows: Vec<Value> = register["rows"].as_array().map(|r| r.iter().filter(|x| x["from"].as_str().is_some_and(|f| f.starts_with("greening."))).cloned().collect()).unwrap_or_default();
    let greening = if greening_rows.is_empty() {
        json!({"available": false, "note": "no greening projects or targets in the store"})
    } else {
        json!({"available": true, "rows": greening_rows})
    };
    Ok(Json(json!({
        "targets": register,
        "air": air,
        "water": water_city,
        "water_ranking": ranking,
        "dual_control": dual,
        "losses": districts,
        "greening": greening,
    })))
}

/// The targets register (`ecology/targets.csv`) read against the actuals this server computes:
/// water 优良率 (when the samples lie in the target's year), total use (dual control), the city's
/// NRW (the year the balance period ends), greening areas (`ecology/greening-projects.csv`); the
/// rest as entered by hand or shown missing (`oasis-targets`' rules, the same as `oasis targets`).
fn targets_board(state: &Shared, water_years: &[String], dual: Option<&Value>, losses: Option<&Value>) -> Value {
    use oasis_records::Decimal;
    use oasis_targets::{Actuals, Computed};
    let Ok(Some(text)) = doc_text(&*state.docs, "ecology", "targets.csv") else {
        return json!({"available": false, "note": "no ecology/targets.csv in the store"});
    };
    let register = match oasis_targets::read_register("ecology/targets.csv", &text) {
        Ok(r) => r,
        Err(e) => return json!({"available": false, "note": e.to_string()}),
    };
    let dec = |v: &Value| -> Option<Decimal> { v.as_str().map(String::from).or_else(|| v.as_f64().map(|f| format!("{f:.4}"))).and_then(|s| s.parse().ok()) };
    let mut actuals = Actuals::new();
    let computed = |value: Decimal, unit: &str, by: String| Computed { value, unit: unit.into(), by };
    if water_years.len() == 1
        && let (Ok(y), Some(w)) = (water_years[0].parse::<i32>(), state.water.read().unwrap_or_else(|e| e.into_inner()).as_ref().ok())
    {
        // 优良率 over every section of the samples (all cities' sections, as the register's indicator).
        let classes: Vec<&str> = w.sections.iter().filter_map(|s| s["class"].as_str()).collect();
        if !classes.is_empty() {
            let good = classes.iter().filter(|c| matches!(**c, "I" | "II" | "III")).count();
            let pct = Decimal::from(good as u64 * 100) / Decimal::from(classes.len() as u64);
            actuals.insert(("water.good_rate_pct".into(), y), computed(pct.round_dp(2), "%", format!("oasis-surface-water, {} sections, water/samples.csv", classes.len())));
        }
    }
    if let Some(d) = dual
        && let (Some(y), Some(total)) = (d["year"].as_i64(), dec(&d["total_m3"]))
    {
        actuals.insert(("dual_control.total_use_m3".into(), y as i32), computed(total, "m3", "oasis-tariff dual control, pricing/dual-control.toml".into()));
    }
    if let Some(l) = losses
        && let (Some(nrw), Some(to)) = (l["nrw_pct"].as_f64(), l["note"].as_str())
        && let Some(y) = to.rsplit(' ').next().and_then(|d| d.get(..4)).and_then(|y| y.parse::<i32>().ok())
        && let Ok(v) = format!("{nrw:.2}").parse::<Decimal>()
    {
        actuals.insert(("metering.nrw_pct".into(), y), computed(v, "%", format!("oasis-audit balance of the city district, {to}")));
    }
    if let Ok(Some(text)) = doc_text(&*state.docs, "ecology", "greening-projects.csv")
        && let Ok(projects) = oasis_greening::read_projects("ecology/greening-projects.csv", &text)
    {
        for ((y, k), t) in oasis_greening::totals(&projects) {
            actuals.insert((format!("greening.{}_mu", k.name()), y), computed(t.area_mu, "亩", format!("oasis-greening, {} projects", t.projects)));
        }
    }
    match oasis_targets::board(&register, &actuals) {
        Ok(rows) => json!({
            "available": true,
            "rows": rows.iter().map(|r| json!({
                "id": r.target.id, "indicator": r.target.indicator, "unit": r.target.unit, "year": r.target.year,
                "target": r.target.target.normalize().to_string(),
                "direction": if matches!(r.target.direction, oasis_targets::Direction::AtLeast) { "at_least" } else { "at_most" },
                "actual": r.actual.map(|a| a.round_dp(2).normalize().to_string()),
                "gap": r.gap.map(|g| g.round_dp(2).normalize().to_string()),
                "met": r.met, "by": r.by, "source": r.target.source_document, "from": r.target.actual_from,
            })).collect::<Vec<_>>(),
        }),
        Err(e) => json!({"available": false, "note": e.to_string()}),
    }
}
