//! The city board: targets against actuals from every part of the data directory.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{Value, json};

use crate::auth;
use crate::error::ApiResult;
use crate::state::Shared;

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
    let (water_city, ranking) = match &*state.water.read().unwrap_or_else(|e| e.into_inner()) {
        Ok(w) => (w.cities.iter().find(|c| c["city"] == "金昌").cloned(), Some(json!(w.cities))),
        Err(_) => (None, None),
    };
    let dual = crate::pricing::dual_control_json(&state.data_dir).ok();
    let districts = match &*state.districts.read().unwrap_or_else(|e| e.into_inner()) {
        Ok(d) => Some(d.city_summary()),
        Err(_) => None,
    };
    Ok(Json(json!({
        "air": air,
        "water": water_city,
        "water_ranking": ranking,
        "dual_control": dual,
        "losses": districts,
        "greening": {"available": false, "note": "no greening data in the data directory yet"},
    })))
}
