//! Every route of the API: success, bad input, no auth, wrong role — on the demonstration city
//! seeded into a fresh data directory.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use oasis_server::{AppState, Config, app};
use serde_json::{Value, json};
use tower::ServiceExt;

struct Client {
    app: Router,
}

struct Resp {
    status: StatusCode,
    json: Value,
    headers: axum::http::HeaderMap,
}

impl Client {
    async fn req(&self, method: &str, path: &str, auth: Option<&str>, ctype: &str, body: Vec<u8>, extra: &[(&str, &str)]) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = auth {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if !ctype.is_empty() {
            b = b.header(header::CONTENT_TYPE, ctype);
        }
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        let resp = self.app.clone().oneshot(b.body(Body::from(body)).unwrap()).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or_else(|_| json!({"raw": String::from_utf8_lossy(&bytes)}));
        Resp { status, json, headers }
    }
    async fn get(&self, path: &str, auth: Option<&str>) -> Resp {
        self.req("GET", path, auth, "", vec![], &[]).await
    }
    async fn send(&self, method: &str, path: &str, auth: Option<&str>, ctype: &str, body: impl Into<Vec<u8>>) -> Resp {
        self.req(method, path, auth, ctype, body.into(), &[]).await
    }
    async fn login(&self, name: &str, password: &str) -> Resp {
        self.send("POST", "/api/login", None, "application/json", json!({"name": name, "password": password}).to_string()).await
    }
}

fn data_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("oasis-server-test-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// The PostgreSQL database of this test run (`OASIS_TEST_DATABASE`, e.g.
/// postgres://oasis:oasis@127.0.0.1/oasis), with a fresh schema per test; `None`: SQLite.
fn test_database(tag: &str) -> Option<String> {
    let url = std::env::var("OASIS_TEST_DATABASE").ok()?;
    let schema = schema_name(tag);
    let u = url.clone();
    let s = schema.clone();
    // The synchronous client may not run on the test's runtime threads.
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&u, postgres::NoTls).expect("connect to OASIS_TEST_DATABASE");
        // Earlier runs' schemas of this test go first (one per test is kept at most).
        let tag_prefix = s.rsplit_once('_').map(|(p, _)| format!("{p}_")).unwrap_or_default();
        for row in c.query("SELECT schema_name FROM information_schema.schemata WHERE starts_with(schema_name, $1)", &[&tag_prefix]).unwrap() {
            let old: String = row.get(0);
            c.batch_execute(&format!("DROP SCHEMA IF EXISTS {old} CASCADE")).unwrap();
        }
        c.batch_execute(&format!("DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s}")).unwrap();
    })
    .join()
    .unwrap();
    schema_url(tag)
}

fn schema_name(tag: &str) -> String {
    format!("oasis_api_{tag}_{}", std::process::id())
}

/// The URL of the test's schema as it is (made by `test_database`), for a restarted server.
fn schema_url(tag: &str) -> Option<String> {
    let url = std::env::var("OASIS_TEST_DATABASE").ok()?;
    let sep = if url.contains('?') { '&' } else { '?' };
    Some(format!("{url}{sep}options=-csearch_path%3D{}", schema_name(tag)))
}

/// With `OASIS_TEST_DATABASE`: the number of rows of `table` in the test's schema.
fn pg_rows(tag: &str, table: &str) -> Option<i64> {
    let url = std::env::var("OASIS_TEST_DATABASE").ok()?;
    let sql = format!("SELECT count(*) FROM {}.{table}", schema_name(tag));
    std::thread::spawn(move || postgres::Client::connect(&url, postgres::NoTls).unwrap().query_one(&sql, &[]).unwrap().get(0)).join().ok()
}

/// The stored bytes of a document, read where the server keeps them: with
/// `OASIS_TEST_DATABASE`, the `documents` table of the test's schema (and then the data
/// directory must hold nothing at all); else `<kind>/<id>` in the data directory.
fn stored_document(tag: &str, dir: &std::path::Path, kind: &str, id: &str) -> Option<Vec<u8>> {
    let Ok(url) = std::env::var("OASIS_TEST_DATABASE") else {
        return std::fs::read(dir.join(kind).join(id)).ok();
    };
    let in_dir: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(in_dir.is_empty(), "with --database the data directory holds {in_dir:?}");
    let sql = format!("SELECT bytes FROM {}.documents WHERE kind = $1 AND id = $2", schema_name(tag));
    let (kind, id) = (kind.to_string(), id.to_string());
    std::thread::spawn(move || postgres::Client::connect(&url, postgres::NoTls).unwrap().query_opt(&sql, &[&kind, &id]).unwrap().map(|r| r.get(0))).join().unwrap()
}

/// A seeded server with users admin/operator/viewer and their tokens.
async fn setup(tag: &str, private: bool) -> (Client, String, String, String, PathBuf) {
    // SAFETY: tests of this file set the same value; nothing reads it concurrently with a change.
    unsafe { std::env::set_var("OASIS_DEMO_DAYS", "3") };
    let dir = data_dir(tag);
    let database = test_database(tag);
    if database.is_some() {
        eprintln!("users, sessions and write log in PostgreSQL");
    }
    let config = Config { data_dir: dir.clone(), addr: "127.0.0.1:0".parse().unwrap(), private, demo: true, database: database.clone() };
    let state = AppState::open(&config).unwrap();
    for (n, r) in [("ada", "admin"), ("otto", "operator"), ("vera", "viewer")] {
        oasis_server::add_user_cli(&dir, database.as_deref(), n, r, "password-123").unwrap();
    }
    let c = Client { app: app(Arc::new(state)) };
    let mut tokens = Vec::new();
    for n in ["ada", "otto", "vera"] {
        let r = c.login(n, "password-123").await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
        tokens.push(r.json["token"].as_str().unwrap().to_string());
    }
    (c, tokens[0].clone(), tokens[1].clone(), tokens[2].clone(), dir)
}

async fn wait_job(c: &Client, id: u64) -> Value {
    for _ in 0..600 {
        let r = c.get(&format!("/api/jobs/{id}"), None).await;
        assert_eq!(r.status, StatusCode::OK);
        if r.json["state"] != "running" {
            return r.json;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("job {id} did not finish");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_users_and_write_log() {
    let (c, admin, operator, viewer, dir) = setup("auth", false).await;
    // Bad login, bad JSON.
    assert_eq!(c.login("ada", "wrong").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(c.send("POST", "/api/login", None, "application/json", "{nope").await.status, StatusCode::BAD_REQUEST);
    // Guessing is slowed down: after 5 failures a name is locked for a while, even with the right password.
    for _ in 0..5 {
        assert_eq!(c.login("vera", "guess").await.status, StatusCode::UNAUTHORIZED);
    }
    let locked = c.login("vera", "password-123").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{}", locked.json);
    assert_eq!(locked.json["error"], "too_many_logins");
    // Other names are not locked, and vera's session made before still works.
    assert_eq!(c.login("otto", "password-123").await.status, StatusCode::OK);
    assert_eq!(c.get("/api/me", Some(&viewer)).await.json["user"], "vera");
    // me
    let r = c.get("/api/me", Some(&operator)).await;
    assert_eq!(r.json["role"], "operator");
    assert_eq!(c.get("/api/me", None).await.json["user"], Value::Null);
    // users: admin only
    assert_eq!(c.get("/api/users", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(c.get("/api/users", Some(&viewer)).await.status, StatusCode::FORBIDDEN);
    let r = c.get("/api/users", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json.as_array().unwrap().len(), 3);
    let new = json!({"name": "nina", "password": "long-enough-1", "role": "viewer"}).to_string();
    assert_eq!(c.send("POST", "/api/users", None, "application/json", new.clone()).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(c.send("POST", "/api/users", Some(&operator), "application/json", new.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.send("POST", "/api/users", Some(&admin), "application/json", new.clone()).await.status, StatusCode::CREATED);
    let bad = json!({"name": "x", "password": "short", "role": "viewer"}).to_string();
    assert_eq!(c.send("POST", "/api/users", Some(&admin), "application/json", bad).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad = json!({"name": "x", "password": "long-enough-1", "role": "king"}).to_string();
    assert_eq!(c.send("POST", "/api/users", Some(&admin), "application/json", bad).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(c.login("nina", "long-enough-1").await.status, StatusCode::OK);
    assert_eq!(c.send("DELETE", "/api/users/nina", Some(&viewer), "", "").await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.send("DELETE", "/api/users/nina", Some(&admin), "", "").await.status, StatusCode::OK);
    assert_eq!(c.send("DELETE", "/api/users/nina", Some(&admin), "", "").await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.send("DELETE", "/api/users/ada", Some(&admin), "", "").await.status, StatusCode::CONFLICT);
    // Cookie sessions need the CSRF token for writes.
    let r = c.login("otto", "password-123").await;
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    assert!(r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().contains("HttpOnly"));
    let csrf = r.json["csrf"].as_str().unwrap().to_string();
    let body = br#"{"mode":"steady"}"#.to_vec();
    let no_csrf = c.req("POST", "/api/networks/demo/runs", None, "application/json", body.clone(), &[("cookie", &cookie)]).await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let wrong = c.req("POST", "/api/networks/demo/runs", None, "application/json", body.clone(), &[("cookie", &cookie), ("x-csrf-token", "nope")]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let ok = c.req("POST", "/api/networks/demo/runs", None, "application/json", body, &[("cookie", &cookie), ("x-csrf-token", &csrf)]).await;
    assert_eq!(ok.status, StatusCode::ACCEPTED, "{:?}", ok.json);
    let me = c.req("GET", "/api/me", None, "", vec![], &[("cookie", &cookie)]).await;
    assert_eq!(me.json["user"], "otto");
    // Logout ends the session.
    let r = c.req("POST", "/api/logout", None, "", vec![], &[("cookie", &cookie)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(c.req("GET", "/api/me", None, "", vec![], &[("cookie", &cookie)]).await.json["user"], Value::Null);
    // The write log has who and what, admin only.
    assert_eq!(c.get("/api/write-log", Some(&operator)).await.status, StatusCode::FORBIDDEN);
    let log = c.get("/api/write-log", Some(&admin)).await.json;
    let entries = log.as_array().unwrap();
    assert!(entries.iter().any(|e| e["user"] == "ada" && e["action"] == "POST" && e["target"] == "/api/users" && e["status"] == 201), "{log}");
    assert!(entries.iter().any(|e| e["user"] == "otto" && e["target"] == "/api/networks/demo/runs" && e["status"] == 202));
    assert!(entries.iter().any(|e| e["user"] == "anonymous" && e["status"] == 401));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn networks_runs_jobs_and_results() {
    let (c, admin, operator, viewer, dir) = setup("net", false).await;
    let list = c.get("/api/networks", None).await;
    assert_eq!(list.status, StatusCode::OK);
    let ids: Vec<&str> = list.json.as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"demo") && ids.contains(&"city"), "{ids:?}");
    let s = c.get("/api/networks/demo", None).await;
    assert_eq!(s.json["junctions"], 293);
    assert_eq!(c.get("/api/networks/nope", None).await.status, StatusCode::NOT_FOUND);
    // Geometry and GeoJSON without results.
    let g = c.get("/api/networks/demo/geometry", None).await;
    assert_eq!(g.json["nodes"]["id"].as_array().unwrap().len(), 295);
    let gj = c.get("/api/networks/demo/geojson", None).await;
    assert_eq!(gj.json["type"], "FeatureCollection");
    // No results yet.
    assert_eq!(c.get("/api/networks/demo/results", None).await.status, StatusCode::NOT_FOUND);
    // Runs: no auth, wrong role, bad mode.
    assert_eq!(c.send("POST", "/api/networks/demo/runs", None, "application/json", "{}").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(c.send("POST", "/api/networks/demo/runs", Some(&viewer), "application/json", "{}").await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.send("POST", "/api/networks/demo/runs", Some(&operator), "application/json", r#"{"mode":"sideways"}"#).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(c.send("POST", "/api/networks/nope/runs", Some(&operator), "application/json", "{}").await.status, StatusCode::NOT_FOUND);
    let job = c.send("POST", "/api/networks/demo/runs", Some(&operator), "application/json", r#"{"mode":"extended"}"#).await;
    assert_eq!(job.status, StatusCode::ACCEPTED);
    let done = wait_job(&c, job.json["id"].as_u64().unwrap()).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["progress"], 1.0);
    let s = c.get("/api/networks/demo", None).await;
    assert_eq!(s.json["results"]["times_s"].as_array().unwrap().len(), 25);
    assert_eq!(s.json["results"]["balanced"], true);
    let r = c.get("/api/networks/demo/results?time=3600", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["time_s"], 3600);
    assert_eq!(r.json["nodes"]["pressure"].as_array().unwrap().len(), 295);
    assert_eq!(r.json["links"]["flow"].as_array().unwrap().len(), 521);
    // Water age (the demo models no constituent: the run adds age, hours).
    assert_eq!(r.json["quality"], "age_h");
    let age = r.json["nodes"]["quality"].as_array().unwrap();
    assert_eq!(age.len(), 295);
    assert!(age.iter().any(|a| a.as_f64().unwrap() > 0.0));
    assert_eq!(c.get("/api/networks/demo/results?time=-5", None).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(c.get("/api/networks/demo/results?time=abc", None).await.status, StatusCode::BAD_REQUEST);
    let gj = c.get("/api/networks/demo/geojson?time=7200", None).await;
    assert_eq!(gj.json["time_s"], 7200);
    assert!(gj.json["features"].as_array().unwrap().iter().any(|f| f["properties"]["pressure"].is_number()));
    let node = g.json["nodes"]["id"][5].as_str().unwrap().to_string();
    let n = c.get(&format!("/api/networks/demo/nodes/{node}"), None).await;
    assert_eq!(n.json["series"]["pressure"].as_array().unwrap().len(), 25);
    let link = g.json["links"]["id"][5].as_str().unwrap().to_string();
    let l = c.get(&format!("/api/networks/demo/links/{link}"), None).await;
    assert_eq!(l.json["series"]["flow"].as_array().unwrap().len(), 25);
    assert_eq!(c.get("/api/networks/demo/nodes/nope", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/api/networks/demo/links/nope", None).await.status, StatusCode::NOT_FOUND);
    // Server-sent events of a finished job: one progress event with its final state.
    let jid = job.json["id"].as_u64().unwrap();
    let ev = c.get(&format!("/api/jobs/{jid}/events"), None).await;
    assert_eq!(ev.status, StatusCode::OK);
    assert!(ev.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/event-stream"));
    let raw = ev.json["raw"].as_str().unwrap();
    assert!(raw.contains("event: progress") && raw.contains("\"state\":\"done\""), "{raw}");
    assert_eq!(c.get("/api/jobs/999999/events", None).await.status, StatusCode::NOT_FOUND);
    // Jobs list, bad ids, cancel (a finished job stays done).
    assert!(!c.get("/api/jobs", None).await.json.as_array().unwrap().is_empty());
    assert_eq!(c.get("/api/jobs/abc", None).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(c.get("/api/jobs/999999", None).await.status, StatusCode::NOT_FOUND);
    let jid = job.json["id"].as_u64().unwrap();
    assert_eq!(c.send("DELETE", &format!("/api/jobs/{jid}"), None, "", "").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(c.send("DELETE", &format!("/api/jobs/{jid}"), Some(&viewer), "", "").await.status, StatusCode::FORBIDDEN);
    let r = c.send("DELETE", &format!("/api/jobs/{jid}"), Some(&operator), "", "").await;
    assert_eq!(r.json["state"], "done");
    // Cancel a long run of the synthetic city (many 15-minute periods).
    let job = c.send("POST", "/api/networks/city/runs", Some(&operator), "application/json", r#"{"mode":"extended"}"#).await;
    let jid = job.json["id"].as_u64().unwrap();
    let r = c.send("DELETE", &format!("/api/jobs/{jid}"), Some(&operator), "", "").await;
    assert_eq!(r.status, StatusCode::OK);
    let end = wait_job(&c, jid).await;
    assert!(end["state"] == "cancelled" || end["state"] == "done", "{end}");

    // Upload: a good network, then bad ones with the reader's named errors.
    let inp = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/jinchang-demo.inp")).unwrap();
    assert_eq!(c.send("POST", "/api/networks?name=mine.inp", None, "application/octet-stream", inp.clone()).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(c.send("POST", "/api/networks?name=mine.inp", Some(&viewer), "application/octet-stream", inp.clone()).await.status, StatusCode::FORBIDDEN);
    let up = c.send("POST", "/api/networks?name=../../etc/Mine%20Net.inp", Some(&operator), "application/octet-stream", inp.clone()).await;
    assert_eq!(up.status, StatusCode::CREATED, "{:?}", up.json);
    let id = up.json["id"].as_str().unwrap().to_string();
    assert!(id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '_'), "{id}");
    assert_eq!(stored_document("net", &dir, "networks", &format!("{id}.inp")).as_ref(), Some(&inp));
    // A restarted server (same data directory and database, demo seeding on) has it, unchanged.
    let config = Config { data_dir: dir.clone(), addr: "127.0.0.1:0".parse().unwrap(), private: false, demo: true, database: schema_url("net") };
    let restarted = Client { app: app(Arc::new(AppState::open(&config).unwrap())) };
    let again = restarted.get(&format!("/api/networks/{id}"), None).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.json);
    assert_eq!(again.json["junctions"], up.json["junctions"]);
    let ids = |v: &Value| -> Vec<String> { v.as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_string()).collect() };
    assert_eq!(ids(&restarted.get("/api/networks", None).await.json), ids(&c.get("/api/networks", None).await.json));
    let up2 = c.send("POST", "/api/networks?name=../../etc/Mine%20Net.inp", Some(&operator), "application/octet-stream", inp.clone()).await;
    assert_ne!(up2.json["id"], up.json["id"]);
    let text = String::from_utf8(inp.clone()).unwrap();
    let broken = text.replacen("[PIPES]", "[PIPES]\n P-BAD  NOPE-1  NOPE-2  100  200  130  0  Open", 1);
    let bad = c.send("POST", "/api/networks?name=broken.inp", Some(&operator), "application/octet-stream", broken.clone()).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json["error"], "bad_inp");
    let first = &bad.json["errors"][0];
    assert_eq!(first["code"], 203, "{}", bad.json);
    assert_eq!(first["section"], "PIPES");
    assert!(first["line"].as_u64().unwrap() > 0);
    assert!(bad.json["message"].as_str().unwrap().contains("broken.inp: error 200"));
    let v = c.send("POST", "/api/networks/validate?name=broken.inp", None, "application/octet-stream", broken).await;
    assert_eq!(v.status, StatusCode::UNPROCESSABLE_ENTITY);
    let v = c.send("POST", "/api/networks/validate", None, "application/octet-stream", inp.clone()).await;
    assert_eq!(v.json["valid"], true);
    assert_eq!(c.send("POST", "/api/networks/validate", None, "application/octet-stream", "").await.status, StatusCode::BAD_REQUEST);
    let garbage: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect();
    assert_eq!(c.send("POST", "/api/networks/validate", None, "application/octet-stream", garbage).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Delete
    assert_eq!(c.send("DELETE", &format!("/api/networks/{id}"), Some(&viewer), "", "").await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.send("DELETE", &format!("/api/networks/{id}"), Some(&operator), "", "").await.status, StatusCode::OK);
    assert_eq!(stored_document("net", &dir, "networks", &format!("{id}.inp")), None);
    // Both writes are logged with who and when.
    let log = c.get("/api/write-log", Some(&admin)).await.json;
    for (action, status) in [("POST", 201), ("DELETE", 200)] {
        assert!(log.as_array().unwrap().iter().any(|e| e["user"] == "otto" && e["action"] == action && e["target"].as_str().unwrap().starts_with("/api/networks") && e["status"] == status && e["time_unix"].as_i64() > Some(0)), "{action}: {log}");
    }
    // Nothing outside the data directory.
    assert_eq!(c.get("/api/networks/..%2F..%2Fetc%2Fpasswd", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/../../etc/passwd", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/%2e%2e/%2e%2e/etc/passwd", None).await.status, StatusCode::NOT_FOUND);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn air_water_pricing_board() {
    let (c, admin, operator, viewer, dir) = setup("eco", false).await;
    let st = c.get("/api/air/stations", None).await;
    assert_eq!(st.status, StatusCode::OK);
    assert!(st.json["stations"].as_array().unwrap().iter().any(|s| s == "金昌市"));
    let h = c.get("/api/air/hourly?station=1943A", None).await;
    assert!(h.json["hours"].as_array().unwrap().iter().any(|x| x["time"] == "2026-03-01T00:00" && x["aqi"] == 65), "{}", h.json);
    assert_eq!(c.get("/api/air/hourly?station=nope", None).await.status, StatusCode::NOT_FOUND);
    let d = c.get("/api/air/daily", None).await;
    assert!(!d.json["days"].as_array().unwrap().is_empty());
    assert_eq!(c.get("/api/air/daily?station=nope", None).await.status, StatusCode::NOT_FOUND);
    let e = c.get("/api/air/evaluation?from=2026-02-27&to=2026-03-02", None).await;
    let city = e.json["stations"].as_array().unwrap().iter().find(|s| s["station"] == "金昌市").unwrap().clone();
    assert_eq!(city["valid_days"], 4);
    assert_eq!(city["good_days"], 3);
    assert_eq!(c.get("/api/air/evaluation?from=2026-13-01", None).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(c.get("/api/air/evaluation?from=2026-03-02&to=2026-03-01", None).await.status, StatusCode::BAD_REQUEST);
    // Air upload: bad CSV named like the CLI, no auth, wrong role, then a good one.
    let bad = "time,station,so2,no2,pm10,pm25,co,o3\n2026-03-01T01:00,X,1,2,3,4,0.5,-7\n";
    let r = c.send("PUT", "/api/air/data", Some(&operator), "text/csv", bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["message"].as_str().unwrap().contains("line 2") && r.json["message"].as_str().unwrap().contains("'o3'"), "{}", r.json);
    let r = c.send("PUT", "/api/air/data", Some(&operator), "text/csv", "time,station,bogus\n").await;
    assert!(r.json["message"].as_str().unwrap().contains("unknown column 'bogus'"));
    assert_eq!(c.send("PUT", "/api/air/data", None, "text/csv", bad).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(c.send("PUT", "/api/air/data", Some(&viewer), "text/csv", bad).await.status, StatusCode::FORBIDDEN);
    let good = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/air/jinchang_hourly.csv")).unwrap();
    assert_eq!(c.send("PUT", "/api/air/data", Some(&operator), "text/csv", good).await.status, StatusCode::OK);

    // Water
    let rank = c.get("/api/water/ranking", None).await;
    let cities = rank.json.as_array().unwrap();
    assert_eq!(cities[0]["city"], "张掖");
    assert!(cities.iter().any(|x| x["city"] == "金昌" && x["rank"] == 3));
    let secs = c.get("/api/water/sections", None).await;
    assert!(secs.json.as_array().unwrap().iter().any(|s| s["site"] == "金川峡水库" && s["class"].is_string()));
    let r = c.send("PUT", "/api/water/data", Some(&operator), "text/csv", "time,site,item,value\n2026-01-12,A,zz,1\n").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["message"].as_str().unwrap().contains("line 2: column 'item'"), "{}", r.json);
    assert_eq!(c.send("PUT", "/api/water/data", Some(&viewer), "text/csv", "x").await.status, StatusCode::FORBIDDEN);
    let good = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/water/jinchang_sections.csv")).unwrap();
    assert_eq!(c.send("PUT", "/api/water/data", Some(&operator), "text/csv", good).await.status, StatusCode::OK);

    // Pricing
    let t = c.get("/api/tariffs", None).await;
    assert_eq!(t.json.as_array().unwrap().len(), 2);
    let b = c.get("/api/bills?period=2025-03", None).await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.json);
    let hh104 = b.json["bills"].as_array().unwrap().iter().find(|x| x["customer"] == "JC-HH-104").unwrap().clone();
    assert_eq!(hh104["total"], "96.00", "{hh104}");
    assert!(hh104["lines"].as_array().unwrap().iter().any(|l| l["band"] == "tier 3" && l["amount"] == "42.00"));
    assert!(b.json["held"].as_array().unwrap().iter().any(|h| h.as_str().unwrap().contains("JC-HH-108")));
    assert_eq!(c.get("/api/bills?period=2025-13", None).await.status, StatusCode::BAD_REQUEST);
    let q = c.get("/api/quota/report?period=2025-Q1", None).await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.json);
    assert!(!q.json["by_user"].as_array().unwrap().is_empty());
    assert_eq!(c.get("/api/quota/report?period=Q9", None).await.status, StatusCode::BAD_REQUEST);
    let dc = c.get("/api/dual-control", None).await;
    assert_eq!(dc.status, StatusCode::OK, "{}", dc.json);
    assert!(dc.json["total_cap_m3"].is_string());
    // Tariffs: admins only; a broken tariff is refused with its problems; a bad name never reaches the disk.
    let broken = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/pricing/tariff-broken-example.toml")).unwrap();
    assert_eq!(c.send("PUT", "/api/tariffs/x", None, "application/toml", broken.clone()).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(c.send("PUT", "/api/tariffs/x", Some(&operator), "application/toml", broken.clone()).await.status, StatusCode::FORBIDDEN);
    let r = c.send("PUT", "/api/tariffs/x", Some(&admin), "application/toml", broken).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["message"].as_str().unwrap().contains("error"), "{}", r.json);
    assert_eq!(c.send("PUT", "/api/tariffs/..%2F..%2Fevil", Some(&admin), "application/toml", "x").await.status, StatusCode::BAD_REQUEST);
    let same = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/pricing/tariff-2024.toml")).unwrap();
    let r = c.send("PUT", "/api/tariffs/2024", Some(&admin), "application/toml", same.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(stored_document("eco", &dir, "pricing", "tariff-2024.toml"), Some(same));

    // Board
    let b = c.get("/api/targets", None).await;
    assert_eq!(b.status, StatusCode::OK);
    assert_eq!(b.json["air"]["good_days"], 3);
    assert_eq!(b.json["water"]["city"], "金昌");
    assert!(b.json["dual_control"]["total_m3"].is_string());
    assert_eq!(b.json["greening"]["available"], true, "{}", b.json["greening"]);
    let rows = b.json["targets"]["rows"].as_array().unwrap();
    let use_row = rows.iter().find(|r| r["id"] == "water-use").unwrap();
    assert_eq!(use_row["actual"], "6.6", "{use_row}");
    assert_eq!(use_row["met"], true);
    assert!(rows.iter().any(|r| r["id"] == "afforestation" && r["actual"].is_string()), "{rows:?}");
    assert!(rows.iter().any(|r| r["id"] == "green-mines" && r["actual"] == "4" && r["met"] == false));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_server_needs_login_to_read_and_limits_hold() {
    let (c, _admin, _operator, viewer, dir) = setup("private", true).await;
    for path in ["/api/networks", "/api/networks/demo", "/api/air/stations", "/api/water/ranking", "/api/bills", "/api/targets", "/api/districts", "/api/jobs"] {
        assert_eq!(c.get(path, None).await.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_ne!(c.get(path, Some(&viewer)).await.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    // Health, the API document and the pages stay open.
    assert_eq!(c.get("/api/health", None).await.status, StatusCode::OK);
    assert_eq!(c.get("/api/openapi.json", None).await.status, StatusCode::OK);
    // A body over the limit is refused, not read.
    let big = vec![b'x'; oasis_server::BODY_LIMIT + 10];
    let r = c.send("PUT", "/api/air/data", Some(&viewer), "text/csv", big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn pages_and_api_document() {
    let dir = data_dir("pages");
    std::fs::create_dir_all(&dir).unwrap();
    let config = Config { data_dir: dir.clone(), addr: "127.0.0.1:0".parse().unwrap(), private: false, demo: false, database: test_database("pages") };
    let c = Client { app: app(Arc::new(AppState::open(&config).unwrap())) };
    for page in ["/", "/map", "/districts", "/air", "/water", "/bills"] {
        let r = c.get(page, None).await;
        assert_eq!(r.status, StatusCode::OK, "{page}");
        assert!(r.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    }
    assert_eq!(c.get("/vendor/echarts.min.js", None).await.status, StatusCode::OK);
    assert_eq!(c.get("/nope.html", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/api/nope", None).await.json["error"], "not_found");
    // An empty data directory: the routes say what is missing, never 500.
    for path in ["/api/air/stations", "/api/water/ranking", "/api/bills", "/api/districts"] {
        assert_eq!(c.get(path, None).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(c.get("/api/targets", None).await.status, StatusCode::OK);
    let doc = c.get("/api/openapi.json", None).await.json;
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/networks/{id}/results"]["get"].is_object());
    let _ = std::fs::remove_dir_all(dir);
}

/// Every documented route answers (not 404/405 from the router), and the router has no route the
/// document lacks (checked through the route table in `lib.rs`'s source).
#[tokio::test]
async fn every_route_is_documented() {
    let src = include_str!("../src/lib.rs");
    let mut in_router = Vec::new();
    for line in src.lines() {
        if let Some(rest) = line.trim().strip_prefix(".route(\"") {
            let path = rest.split('"').next().unwrap();
            let methods = rest.split(", ").nth(1).unwrap_or("");
            for m in ["get", "post", "put", "delete"] {
                if methods.contains(&format!("{m}(")) || methods.contains(&format!(".{m}(")) || rest.contains(&format!(").{m}(")) {
                    in_router.push((m.to_string(), path.to_string()));
                }
            }
        }
    }
    in_router.sort();
    in_router.dedup();
    let mut documented: Vec<(String, String)> = oasis_server::openapi::ROUTES.iter().map(|r| (r.0.to_string(), r.1.to_string())).collect();
    documented.sort();
    assert_eq!(in_router, documented);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn districts_balance_nightflow_and_meter_upload() {
    let (c, _admin, operator, viewer, dir) = setup("districts", false).await;
    // With --database the meter data is in PostgreSQL, none in the data directory.
    let readings_in_pg = pg_rows("districts", "readings");
    if let Some(n) = readings_in_pg {
        assert!(n > 1000, "{n} readings in PostgreSQL");
        assert!(!dir.join("meters").exists());
    }
    let list = c.get("/api/districts", None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.json);
    let ds = list.json.as_array().unwrap().clone();
    assert!(ds.len() >= 3, "{ds:?}");
    let root = ds.iter().find(|d| d["level"] == 0).unwrap()["id"].as_str().unwrap().to_string();
    let sub = ds.iter().find(|d| d["level"] == 1).unwrap()["id"].as_str().unwrap().to_string();
    let b = c.get(&format!("/api/districts/{sub}/balance"), None).await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.json);
    let rows = b.json["rows"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["label"] == "Non-revenue water" && r["label_zh"] == "产销差水量"));
    assert!(b.json["system_input_m3"].as_f64().unwrap() > 0.0);
    let b2 = c.get(&format!("/api/districts/{root}/balance?from={}&to={}", b.json["from"].as_str().unwrap(), b.json["to"].as_str().unwrap()), None).await;
    assert_eq!(b2.status, StatusCode::OK, "{}", b2.json);
    assert_eq!(c.get(&format!("/api/districts/{sub}/balance?from=2026-99"), None).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(c.get("/api/districts/nope/balance", None).await.status, StatusCode::NOT_FOUND);
    let n = c.get(&format!("/api/districts/{sub}/nightflow"), None).await;
    assert_eq!(n.status, StatusCode::OK);
    assert!(!n.json["days"].as_array().unwrap().is_empty(), "{}", n.json);
    assert_eq!(c.get("/api/districts/nope/nightflow", None).await.status, StatusCode::NOT_FOUND);
    let board = c.get("/api/targets", None).await;
    assert!(board.json["losses"]["nrw_pct"].is_number(), "{}", board.json["losses"]);
    let outlines = c.get("/api/networks/city/districts", None).await.json;
    assert!(outlines.as_array().unwrap().iter().any(|o| o["level"] == 1 && o["hull"].as_array().unwrap().len() >= 3), "{outlines}");
    assert_eq!(c.get("/api/networks/demo/districts", None).await.json, json!([]));
    assert_eq!(c.get("/api/networks/nope/districts", None).await.status, StatusCode::NOT_FOUND);
    // Meter upload: idempotent, bad lines named, auth and role checked.
    let ing = c.get("/api/meters/ingests", None).await;
    assert_eq!(ing.json.as_array().unwrap().len(), 1);
    let readings = String::from_utf8(stored_document("districts", &dir, "city", "readings.csv").unwrap()).unwrap();
    let head: String = readings.lines().take(200).map(|l| format!("{l}\n")).collect();
    assert_eq!(c.send("POST", "/api/meters/readings", None, "text/csv", head.clone()).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(c.send("POST", "/api/meters/readings", Some(&viewer), "text/csv", head.clone()).await.status, StatusCode::FORBIDDEN);
    let r = c.send("POST", "/api/meters/readings?name=again.csv", Some(&operator), "text/csv", head.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["new"], 0);
    assert_eq!(r.json["duplicate"], 199);
    let bad = "meter_id,time,value\nNOPE,2026-01-01 00:00,1\nX,yesterday,1\n";
    let r = c.send("POST", "/api/meters/readings?name=bad.csv", Some(&operator), "text/csv", bad).await;
    assert_eq!(r.json["rejected"], 2);
    assert_eq!(r.json["rejected_lines"][0]["line"], 2);
    assert!(r.json["rejected_lines"][0]["message"].as_str().unwrap().contains("unknown meter 'NOPE'"));
    let r = c.send("POST", "/api/meters/readings", Some(&operator), "text/csv", "who,when\n1,2\n").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["message"].as_str().unwrap().contains("no column 'meter_id'"));
    assert_eq!(c.send("POST", "/api/meters/readings", Some(&operator), "text/csv", "").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(c.get("/api/meters/ingests", None).await.json.as_array().unwrap().len(), 3);
    // One new reading (a second after a stored one) is stored, and only once.
    let first: Vec<&str> = readings.lines().nth(1).unwrap().split(',').collect();
    let line = format!("{},{}07,{}\n", first[0], &first[1][..first[1].len() - 2], first[2]);
    let one = format!("meter_id,time,value\n{line}{line}");
    let r = c.send("POST", "/api/meters/readings?name=one.csv", Some(&operator), "text/csv", one).await;
    assert_eq!((r.json["new"].as_u64(), r.json["duplicate"].as_u64()), (Some(1), Some(1)), "{}", r.json);
    if let Some(n) = readings_in_pg {
        assert_eq!(pg_rows("districts", "readings"), Some(n + 1));
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// The same demonstration city in the embedded store and in PostgreSQL: every district route
/// answers the same numbers (needs `OASIS_TEST_DATABASE`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn district_routes_answer_alike_on_the_embedded_store_and_postgres() {
    let Some(database) = test_database("alike") else {
        eprintln!("skipped: OASIS_TEST_DATABASE is not set");
        return;
    };
    // SAFETY: tests of this file set the same value; nothing reads it concurrently with a change.
    unsafe { std::env::set_var("OASIS_DEMO_DAYS", "3") };
    let mut clients = Vec::new();
    for (tag, database) in [("alike-embedded", None), ("alike-pg", Some(database))] {
        let config = Config { data_dir: data_dir(tag), addr: "127.0.0.1:0".parse().unwrap(), private: false, demo: true, database };
        clients.push((Client { app: app(Arc::new(AppState::open(&config).unwrap())) }, config.data_dir));
    }
    let districts = clients[0].0.get("/api/districts", None).await.json;
    let ids: Vec<String> = districts.as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_string()).collect();
    assert!(ids.len() >= 3, "{districts}");
    let mut paths = vec!["/api/districts".to_string(), "/api/targets".into(), "/api/networks/city/districts".into()];
    for id in &ids {
        paths.push(format!("/api/districts/{id}/balance"));
        paths.push(format!("/api/districts/{id}/nightflow"));
    }
    let sub = ids.iter().find(|id| *id != "city").unwrap();
    let b = clients[0].0.get(&format!("/api/districts/{sub}/balance"), None).await.json;
    paths.push(format!("/api/districts/{sub}/balance?from={}&to={}", b["from"].as_str().unwrap(), b["from"].as_str().unwrap()));
    for path in &paths {
        let (a, b) = (clients[0].0.get(path, None).await, clients[1].0.get(path, None).await);
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.json);
        assert_eq!(a.json, b.json, "{path}");
    }
    let counts = |v: Value| -> Vec<Value> { v.as_array().unwrap().iter().map(|i| json!([i["source"], i["lines"], i["new"], i["duplicate"], i["rejected"]])).collect() };
    assert_eq!(counts(clients[0].0.get("/api/meters/ingests", None).await.json), counts(clients[1].0.get("/api/meters/ingests", None).await.json));
    for (_, dir) in clients {
        let _ = std::fs::remove_dir_all(dir);
    }
}
