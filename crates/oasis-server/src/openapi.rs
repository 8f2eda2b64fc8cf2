//! The OpenAPI 3.1 document of the API, served at `/api/openapi.json`; written from one table of
//! routes (the test `every_route_is_documented` checks the table against the router's routes).

use axum::Json;
use serde_json::{Map, Value, json};

/// (method, path, summary, who may call it, request body media type or "")
pub const ROUTES: &[(&str, &str, &str, &str, &str)] = &[
    ("get", "/api/health", "Liveness", "anyone", ""),
    ("get", "/api/openapi.json", "This document", "anyone", ""),
    ("post", "/api/login", "Log in: sets the session cookie; returns a bearer token and the CSRF token", "anyone", "application/json"),
    ("post", "/api/logout", "End the session", "anyone", ""),
    ("get", "/api/me", "Who is logged in", "anyone", ""),
    ("get", "/api/users", "List users", "admin", ""),
    ("post", "/api/users", "Add or update a user {name, password, role}", "admin", "application/json"),
    ("delete", "/api/users/{name}", "Delete a user", "admin", ""),
    ("get", "/api/write-log", "Every write: who, when, what, status", "admin", ""),
    ("get", "/api/networks", "List networks with their latest run", "viewer", ""),
    ("post", "/api/networks", "Upload an .inp (body: the file; ?name=NAME.inp); line/field errors as 422", "operator", "application/octet-stream"),
    ("post", "/api/networks/validate", "Read an .inp and report, storing nothing", "viewer", "application/octet-stream"),
    ("get", "/api/networks/{id}", "Network summary", "viewer", ""),
    ("delete", "/api/networks/{id}", "Delete a network", "operator", ""),
    ("get", "/api/networks/{id}/geometry", "Node coordinates, link ends and vertices (column arrays)", "viewer", ""),
    ("get", "/api/networks/{id}/geojson", "GeoJSON of nodes and links (planar), with results at ?time=S", "viewer", ""),
    ("get", "/api/networks/{id}/districts", "District outlines for the map (the network the districts were built from)", "viewer", ""),
    ("post", "/api/networks/{id}/runs", "Start a run {mode: steady|extended}: a job", "operator", "application/json"),
    ("get", "/api/networks/{id}/results", "All node and link values at ?time=S (column arrays)", "viewer", ""),
    ("get", "/api/networks/{id}/nodes/{node}", "One node's values over time", "viewer", ""),
    ("get", "/api/networks/{id}/links/{link}", "One link's values over time", "viewer", ""),
    ("get", "/api/jobs", "Recent jobs", "viewer", ""),
    ("get", "/api/jobs/{id}", "A job's state and progress (poll it)", "viewer", ""),
    ("delete", "/api/jobs/{id}", "Cancel a job", "operator", ""),
    ("get", "/api/districts", "Districts (一级/二级/DMA)", "viewer", ""),
    ("get", "/api/districts/{id}/balance", "IWA water balance, NRW, CJJ 92 rates of a district (?from=&to=)", "viewer", ""),
    ("get", "/api/districts/{id}/nightflow", "Minimum night flow per day of a district", "viewer", ""),
    ("get", "/api/meters/ingests", "Meter-reading ingests with their counts", "viewer", ""),
    ("post", "/api/meters/readings", "Ingest meter readings (CSV meter_id,time,value; idempotent)", "operator", "text/csv"),
    ("get", "/api/air/stations", "Stations and the period of the data", "viewer", ""),
    ("get", "/api/air/hourly", "Hourly AQI of a station (?station=)", "viewer", ""),
    ("get", "/api/air/daily", "Daily AQI of a station or the city (?station=)", "viewer", ""),
    ("get", "/api/air/evaluation", "Good-air days and rate, means, attainment (?from=&to=)", "viewer", ""),
    ("put", "/api/air/data", "Replace the station-hours (CSV time,station,so2,no2,pm10,pm25,co,o3)", "operator", "text/csv"),
    ("get", "/api/water/sections", "GB 3838 class of every section", "viewer", ""),
    ("get", "/api/water/ranking", "CWQI ranking of the cities, 优良率", "viewer", ""),
    ("put", "/api/water/data", "Replace the water samples (CSV time,site,item,value[,city][,kind])", "operator", "text/csv"),
    ("get", "/api/tariffs", "Tariff versions", "viewer", ""),
    ("put", "/api/tariffs/{name}", "Add or replace a tariff (TOML); errors by field", "admin", "application/toml"),
    ("get", "/api/bills", "Bills with the clerk's lines (?period=2025-03)", "viewer", ""),
    ("get", "/api/quota/report", "Plan vs actual by user, sector, district (?period=2025-Q1)", "viewer", ""),
    ("get", "/api/dual-control", "Total use vs caps, intensities", "viewer", ""),
    ("get", "/api/targets", "The city board: targets against actuals", "viewer", ""),
];

fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect()
}

fn query_params(summary: &str) -> Vec<Value> {
    ["time", "station", "from", "to", "period", "name"]
        .iter()
        .filter(|q| summary.contains(&format!("?{q}=")) || summary.contains(&format!("&{q}=")))
        .map(|q| json!({"name": q, "in": "query", "required": false, "schema": {"type": "string"}}))
        .collect()
}

pub fn build() -> Value {
    let mut paths = Map::new();
    for (method, path, summary, who, body) in ROUTES {
        let mut op = json!({
            "summary": summary,
            "description": format!("Allowed: {who}. Errors are JSON bodies {{error, message, errors?}}."),
            "parameters": path_params(path).into_iter().chain(query_params(summary)).collect::<Vec<_>>(),
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {}}},
                "400": {"$ref": "#/components/responses/Error"},
                "401": {"$ref": "#/components/responses/Error"},
                "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
                "422": {"$ref": "#/components/responses/Error"},
            },
        });
        if !body.is_empty() {
            op["requestBody"] = json!({"required": true, "content": {*body: {}}});
        }
        if *who != "anyone" {
            op["security"] = json!([{"bearer": []}, {"cookie": []}]);
        }
        paths.entry(path.to_string()).or_insert_with(|| json!({}))[*method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Oasis", "version": env!("CARGO_PKG_VERSION"), "description": "The water network twin, districts, air and water quality and water prices of Jinchang."},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE, "description": "writes also need the X-CSRF-Token header"},
            },
            "responses": {"Error": {"description": "error", "content": {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "errors": {"type": "array"}}, "required": ["error", "message"]}}}}},
        },
    })
}

pub async fn document() -> Json<Value> {
    Json(build())
}
