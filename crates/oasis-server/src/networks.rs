//! Networks: upload and validate `.inp` files (the reader's line/field errors as JSON), run them
//! (a job, see [`crate::jobs`]), and serve their geometry, GeoJSON and results per time.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oasis_hydraulics::Snapshot;
use oasis_network::{LinkKind, Network, NodeKind, ReadError, read_inp};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{self, Role};
use crate::error::{ApiError, ApiResult};
use crate::jobs;
use crate::state::{AppState, Shared, valid_id};

/// A network the server knows: its model, summary, geometry and latest results.
pub struct NetEntry {
    pub id: String,
    pub name: String,
    pub net: Network,
    pub summary: Value,
    /// The geometry JSON, made once (the map's input).
    pub geometry: Bytes,
    pub results: RwLock<Option<Arc<RunData>>>,
}

/// The results of one run, with each reporting time's JSON made once.
pub struct RunData {
    pub mode: String,
    pub periods: Vec<Snapshot>,
    pub json: Vec<Bytes>,
    pub summary: Value,
}

impl RunData {
    pub fn new(net: &Network, mode: &str, periods: Vec<Snapshot>, quality: Option<crate::jobs::NodeQuality>) -> RunData {
        let json = periods
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut v = period_json(p);
                if let Some((kind, q)) = &quality {
                    v["nodes"]["quality"] = json!(q[i].iter().map(|x| round6(*x)).collect::<Vec<_>>());
                    v["quality"] = json!(kind);
                }
                Bytes::from(v.to_string())
            })
            .collect();
        let (mut pmin, mut pmax) = (f64::INFINITY, f64::NEG_INFINITY);
        for p in &periods {
            for (n, r) in net.nodes.iter().zip(&p.nodes) {
                if matches!(n.kind, NodeKind::Junction(_)) {
                    pmin = pmin.min(r.pressure);
                    pmax = pmax.max(r.pressure);
                }
            }
        }
        let summary = json!({
            "mode": mode,
            "quality": quality.as_ref().map(|q| q.0.clone()),
            "times_s": periods.iter().map(|p| p.time_s).collect::<Vec<_>>(),
            "iterations_at_0": periods.first().map(|p| p.iterations),
            "balanced": !periods.iter().any(|p| p.warnings.contains(&oasis_hydraulics::Warning::Unbalanced)),
            "warnings": periods.iter().flat_map(|p| p.warnings.iter().map(move |w| json!({"time_s": p.time_s, "code": w.code(), "message": w.describe()}))).take(50).collect::<Vec<_>>(),
            "pressure_min": pmin.is_finite().then_some(pmin),
            "pressure_max": pmax.is_finite().then_some(pmax),
        });
        RunData { mode: mode.to_string(), periods, json, summary }
    }
}

fn round6(v: f64) -> f64 {
    if v.is_finite() { (v * 1e6).round() / 1e6 } else { 0.0 }
}

/// One reporting time, column by column (in node and link order of the geometry).
fn period_json(p: &Snapshot) -> Value {
    json!({
        "time_s": p.time_s,
        "nodes": {
            "head": p.nodes.iter().map(|n| round6(n.head)).collect::<Vec<_>>(),
            "pressure": p.nodes.iter().map(|n| round6(n.pressure)).collect::<Vec<_>>(),
            "demand": p.nodes.iter().map(|n| round6(n.demand)).collect::<Vec<_>>(),
        },
        "links": {
            "flow": p.links.iter().map(|l| round6(l.flow)).collect::<Vec<_>>(),
            "velocity": p.links.iter().map(|l| round6(l.velocity)).collect::<Vec<_>>(),
            "headloss": p.links.iter().map(|l| round6(l.headloss)).collect::<Vec<_>>(),
            "status": p.links.iter().map(|l| l.status).collect::<Vec<_>>(),
        },
    })
}

fn node_kind(n: &oasis_network::Node) -> &'static str {
    match n.kind {
        NodeKind::Junction(_) => "junction",
        NodeKind::Reservoir(_) => "reservoir",
        NodeKind::Tank(_) => "tank",
    }
}

fn link_kind(l: &oasis_network::Link) -> &'static str {
    match l.kind {
        LinkKind::Pipe(_) => "pipe",
        LinkKind::Pump(_) => "pump",
        LinkKind::Valve(_) => "valve",
    }
}

fn summary_of(id: &str, name: &str, net: &Network) -> Value {
    let junctions = net.junction_count();
    let tanks = net.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Tank(_))).count();
    let count = |k: &str| net.links.iter().filter(|l| link_kind(l) == k).count();
    json!({
        "id": id,
        "name": name,
        "title": net.title.first().cloned().unwrap_or_default(),
        "junctions": junctions,
        "tanks": tanks,
        "reservoirs": net.nodes.len() - junctions - tanks,
        "pipes": count("pipe"),
        "pumps": count("pump"),
        "valves": count("valve"),
        "flow_units": net.options.flow_units.keyword(),
        "headloss": net.options.headloss.keyword(),
        "duration_s": net.times.duration_s,
        "report_step_s": net.times.report_step_s,
        "coordinates": net.coordinates.len(),
    })
}

/// Node coordinates (in node order; `null` where the file has none), link ends as node indices
/// and the links' intermediate vertices.
fn geometry_json(net: &Network) -> Value {
    let index: HashMap<&str, usize> = net.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let mut x: Vec<Option<f64>> = vec![None; net.nodes.len()];
    let mut y: Vec<Option<f64>> = vec![None; net.nodes.len()];
    for (id, cx, cy) in &net.coordinates {
        if let Some(&i) = index.get(id.as_str()) {
            x[i] = Some(*cx);
            y[i] = Some(*cy);
        }
    }
    let link_index: HashMap<&str, usize> = net.links.iter().enumerate().map(|(i, l)| (l.id.as_str(), i)).collect();
    let mut vertices: std::collections::BTreeMap<usize, Vec<[f64; 2]>> = std::collections::BTreeMap::new();
    for (id, vx, vy) in &net.vertices {
        if let Some(&i) = link_index.get(id.as_str()) {
            vertices.entry(i).or_default().push([*vx, *vy]);
        }
    }
    json!({
        "nodes": {
            "id": net.nodes.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
            "kind": net.nodes.iter().map(node_kind).collect::<Vec<_>>(),
            "x": x,
            "y": y,
        },
        "links": {
            "id": net.links.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
            "kind": net.links.iter().map(link_kind).collect::<Vec<_>>(),
            "from": net.links.iter().map(|l| index.get(l.from.as_str()).copied()).collect::<Vec<_>>(),
            "to": net.links.iter().map(|l| index.get(l.to.as_str()).copied()).collect::<Vec<_>>(),
            "vertices": vertices.into_iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        },
    })
}

impl NetEntry {
    pub fn new(id: &str, name: &str, net: Network) -> NetEntry {
        NetEntry {
            id: id.to_string(),
            name: name.to_string(),
            summary: summary_of(id, name, &net),
            geometry: Bytes::from(geometry_json(&net).to_string()),
            net,
            results: RwLock::new(None),
        }
    }
}

/// The reader's error as a JSON error body: one item per bad line, with line, section, field,
/// token, EPANET code and message (the same text as the CLI prints).
pub fn read_error(e: &ReadError) -> ApiError {
    let items = match e {
        ReadError::Input { errors, .. } => errors
            .iter()
            .map(|l| json!({"line": l.line, "section": l.section, "field": l.field, "token": l.token, "code": l.code, "message": l.message, "text": l.to_string()}))
            .collect(),
        ReadError::Network { code, message, .. } => vec![json!({"code": code, "message": message, "text": format!("error {code}: {message}")})],
    };
    ApiError::invalid("bad_inp", e.to_string()).with_errors(Value::Array(items))
}

/// Reads every `networks/*.inp` document (bad ones are skipped with a note).
pub fn load_all(state: &AppState) -> anyhow::Result<()> {
    let mut map = state.networks.write().unwrap_or_else(|e| e.into_inner());
    for file in state.docs.list("networks")? {
        let Some(id) = file.strip_suffix(".inp").filter(|id| valid_id(id)) else { continue };
        let Some(bytes) = state.docs.get("networks", &file)? else { continue };
        match read_inp(&bytes, &file) {
            Ok(net) => {
                map.insert(id.to_string(), Arc::new(NetEntry::new(id, &file, net)));
            }
            Err(e) => eprintln!("warning: skipped networks/{file}: {e}"),
        }
    }
    Ok(())
}

pub fn entry(state: &Shared, id: &str) -> ApiResult<Arc<NetEntry>> {
    state
        .networks
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("no network '{id}'")))
}

pub async fn list(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let map = state.networks.read().unwrap_or_else(|e| e.into_inner());
    Ok(Json(json!(map.values().map(|e| with_run(e)).collect::<Vec<_>>())))
}

fn with_run(e: &NetEntry) -> Value {
    let mut v = e.summary.clone();
    v["results"] = e.results.read().unwrap_or_else(|e| e.into_inner()).as_ref().map(|r| r.summary.clone()).unwrap_or(Value::Null);
    v
}

pub async fn summary(State(state): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let e = entry(&state, &id)?;
    Ok(Json(with_run(&e)))
}

#[derive(Deserialize)]
pub struct UploadQuery {
    pub name: Option<String>,
}

/// An id made from a file name: lower-case ASCII letters, digits, '-' and '_'.
fn make_id(name: &str) -> String {
    let stem = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = stem.strip_suffix(".inp").or_else(|| stem.strip_suffix(".INP")).unwrap_or(stem);
    let mut id: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else if c == '_' { '_' } else { '-' })
        .take(48)
        .collect();
    id = id.trim_matches('-').to_string();
    if id.is_empty() { "network".into() } else { id }
}

fn parse_upload(name: &str, body: &[u8]) -> ApiResult<Network> {
    if body.is_empty() {
        return Err(ApiError::bad_request("empty body: send the .inp file's bytes"));
    }
    read_inp(body, name).map_err(|e| read_error(&e))
}

/// `POST /api/networks/validate`: reads the body as an `.inp` and reports, storing nothing.
pub async fn validate(State(state): State<Shared>, headers: HeaderMap, Query(q): Query<UploadQuery>, body: Bytes) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let name = q.name.unwrap_or_else(|| "upload.inp".into());
    let n = name.clone();
    let net = tokio::task::spawn_blocking(move || parse_upload(&n, &body)).await.map_err(ApiError::internal)??;
    Ok(Json(json!({"valid": true, "summary": summary_of("", &name, &net)})))
}

/// `POST /api/networks?name=NAME.inp`: stores a network (operator).
pub async fn upload(State(state): State<Shared>, headers: HeaderMap, Query(q): Query<UploadQuery>, body: Bytes) -> ApiResult<(StatusCode, Json<Value>)> {
    auth::write(&state, &headers, Role::Operator)?;
    let name = q.name.unwrap_or_else(|| "upload.inp".into());
    let base = make_id(&name);
    let n = name.clone();
    let body2 = body.clone();
    let net = tokio::task::spawn_blocking(move || parse_upload(&n, &body2)).await.map_err(ApiError::internal)??;
    let id = {
        let map = state.networks.read().unwrap_or_else(|e| e.into_inner());
        let mut id = base.clone();
        let mut k = 2;
        while map.contains_key(&id) {
            id = format!("{base}-{k}");
            k += 1;
        }
        id
    };
    state.docs.put("networks", &format!("{id}.inp"), &body)?;
    let e = Arc::new(NetEntry::new(&id, &name, net));
    let summary = e.summary.clone();
    state.networks.write().unwrap_or_else(|e| e.into_inner()).insert(id, e);
    Ok((StatusCode::CREATED, Json(summary)))
}

pub async fn remove(State(state): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    auth::write(&state, &headers, Role::Operator)?;
    entry(&state, &id)?;
    state.docs.delete("networks", &format!("{id}.inp"))?;
    state.networks.write().unwrap_or_else(|e| e.into_inner()).remove(&id);
    Ok(Json(json!({"deleted": id})))
}

fn json_bytes(b: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], b).into_response()
}

pub async fn geometry(State(state): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult<Response> {
    auth::read(&state, &headers)?;
    Ok(json_bytes(entry(&state, &id)?.geometry.clone()))
}

#[derive(Deserialize)]
pub struct TimeQuery {
    pub time: Option<i64>,
}

fn run_of(e: &NetEntry) -> ApiResult<Arc<RunData>> {
    e.results
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .ok_or_else(|| ApiError::not_found(format!("network '{}' has no results yet: POST /api/networks/{}/runs", e.id, e.id)))
}

/// The period at `time` (the last one at or before it; the first if none given).
fn period_index(run: &RunData, time: Option<i64>) -> ApiResult<usize> {
    let Some(t) = time else { return Ok(0) };
    if t < 0 {
        return Err(ApiError::bad_request(format!("time {t} s is negative")));
    }
    Ok(run.periods.iter().rposition(|p| p.time_s <= t).unwrap_or(0))
}

/// `GET /api/networks/{id}/results?time=S`: every node and link value at one reporting time.
pub async fn results(State(state): State<Shared>, headers: HeaderMap, Path(id): Path<String>, Query(q): Query<TimeQuery>) -> ApiResult<Response> {
    auth::read(&state, &headers)?;
    let e = entry(&state, &id)?;
    let run = run_of(&e)?;
    let i = period_index(&run, q.time)?;
    Ok(json_bytes(run.json[i].clone()))
}

/// `GET /api/networks/{id}/geojson?time=S`: nodes as points and links as lines, with the results
/// at that time when the network has been run. Coordinates are the file's own (planar).
pub async fn geojson(State(state): State<Shared>, headers: HeaderMap, Path(id): Path<String>, Query(q): Query<TimeQuery>) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let e = entry(&state, &id)?;
    let run = e.results.read().unwrap_or_else(|e| e.into_inner()).clone();
    let period = match &run {
        Some(r) => Some(&r.periods[period_index(r, q.time)?]),
        None => None,
    };
    let net = &e.net;
    let coords: HashMap<&str, [f64; 2]> = net.coordinates.iter().map(|(id, x, y)| (id.as_str(), [*x, *y])).collect();
    let mut verts: HashMap<&str, Vec<[f64; 2]>> = HashMap::new();
    for (id, x, y) in &net.vertices {
        verts.entry(id.as_str()).or_default().push([*x, *y]);
    }
    let mut features = Vec::new();
    for (i, n) in net.nodes.iter().enumerate() {
        let Some(c) = coords.get(n.id.as_str()) else { continue };
        let mut props = json!({"id": n.id, "kind": node_kind(n), "elevation": n.elevation});
        if let Some(p) = period {
            let r = &p.nodes[i];
            props["head"] = json!(round6(r.head));
            props["pressure"] = json!(round6(r.pressure));
            props["demand"] = json!(round6(r.demand));
        }
        features.push(json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": c}, "properties": props}));
    }
    for (i, l) in net.links.iter().enumerate() {
        let (Some(a), Some(b)) = (coords.get(l.from.as_str()), coords.get(l.to.as_str())) else { continue };
        let mut line = vec![*a];
        line.extend(verts.get(l.id.as_str()).into_iter().flatten().copied());
        line.push(*b);
        let mut props = json!({"id": l.id, "kind": link_kind(l), "from": l.from, "to": l.to});
        if let Some(p) = period {
            let r = &p.links[i];
            props["flow"] = json!(round6(r.flow));
            props["velocity"] = json!(round6(r.velocity));
            props["headloss"] = json!(round6(r.headloss));
            props["status"] = json!(r.status);
        }
        features.push(json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": line}, "properties": props}));
    }
    Ok(Json(json!({
        "type": "FeatureCollection",
        "time_s": period.map(|p| p.time_s),
        "crs_note": "planar coordinates of the .inp file's [COORDINATES] section",
        "features": features,
    })))
}

/// `GET /api/networks/{id}/nodes/{node}`: the node's values at every reporting time.
pub async fn node_series(State(state): State<Shared>, headers: HeaderMap, Path((id, node)): Path<(String, String)>) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let e = entry(&state, &id)?;
    let i = e.net.nodes.iter().position(|n| n.id == node).ok_or_else(|| ApiError::not_found(format!("no node '{node}' in network '{id}'")))?;
    let n = &e.net.nodes[i];
    let run = e.results.read().unwrap_or_else(|e| e.into_inner()).clone();
    let series = run.map(|r| {
        json!({
            "time_s": r.periods.iter().map(|p| p.time_s).collect::<Vec<_>>(),
            "head": r.periods.iter().map(|p| round6(p.nodes[i].head)).collect::<Vec<_>>(),
            "pressure": r.periods.iter().map(|p| round6(p.nodes[i].pressure)).collect::<Vec<_>>(),
            "demand": r.periods.iter().map(|p| round6(p.nodes[i].demand)).collect::<Vec<_>>(),
        })
    });
    Ok(Json(json!({"id": n.id, "index": i, "kind": node_kind(n), "elevation": n.elevation, "series": series})))
}

/// `GET /api/networks/{id}/links/{link}`: the link's values at every reporting time.
pub async fn link_series(State(state): State<Shared>, headers: HeaderMap, Path((id, link)): Path<(String, String)>) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let e = entry(&state, &id)?;
    let i = e.net.links.iter().position(|l| l.id == link).ok_or_else(|| ApiError::not_found(format!("no link '{link}' in network '{id}'")))?;
    let l = &e.net.links[i];
    let run = e.results.read().unwrap_or_else(|e| e.into_inner()).clone();
    let series = run.map(|r| {
        json!({
            "time_s": r.periods.iter().map(|p| p.time_s).collect::<Vec<_>>(),
            "flow": r.periods.iter().map(|p| round6(p.links[i].flow)).collect::<Vec<_>>(),
            "velocity": r.periods.iter().map(|p| round6(p.links[i].velocity)).collect::<Vec<_>>(),
            "headloss": r.periods.iter().map(|p| round6(p.links[i].headloss)).collect::<Vec<_>>(),
            "status": r.periods.iter().map(|p| p.links[i].status).collect::<Vec<_>>(),
        })
    });
    let (length, diameter) = match &l.kind {
        LinkKind::Pipe(p) => (Some(p.length), Some(p.diameter)),
        _ => (None, None),
    };
    Ok(Json(json!({"id": l.id, "index": i, "kind": link_kind(l), "from": l.from, "to": l.to, "length": length, "diameter": diameter, "series": series})))
}

#[derive(Deserialize, Default)]
pub struct RunBody {
    /// "steady" (time 0) or "extended" (the whole duration).
    pub mode: Option<String>,
}

/// `POST /api/networks/{id}/runs {"mode": "steady"|"extended"}`: starts a job (operator).
pub async fn start_run(State(state): State<Shared>, headers: HeaderMap, Path(id): Path<String>, body: Option<Json<RunBody>>) -> ApiResult<(StatusCode, Json<Value>)> {
    auth::write(&state, &headers, Role::Operator)?;
    let e = entry(&state, &id)?;
    let mode = body.and_then(|b| b.0.mode).unwrap_or_else(|| "extended".into());
    let extended = match mode.as_str() {
        "steady" => false,
        "extended" => true,
        m => return Err(ApiError::invalid("bad_mode", format!("mode '{m}': use steady or extended"))),
    };
    let job = jobs::start_run(&state, e, extended);
    Ok((StatusCode::ACCEPTED, Json(job.to_json())))
}
