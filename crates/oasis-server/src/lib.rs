//! `oasis serve`: the city's water network, districts, air, water and prices as a JSON API and
//! web pages, on axum and tokio.
//!
//! Layout: [`state`] (the shared state and its stores), [`error`] (every failure as a JSON
//! body with the reader's file, line and field), [`auth`] (users, roles, sessions, CSRF, write
//! log), one module per concern for the handlers ([`networks`], [`jobs`], [`air`], [`water`],
//! [`pricing`], [`districts`], [`board`]), [`openapi`] (the served API document), [`assets`] (the
//! pages, embedded in the binary) and [`seed`] (the demonstration city).
//!
//! Invariants: this crate is the only one that knows HTTP or JSON; it keeps every user file in the
//! document store (`oasis_store::DocumentStore`: the data directory, or PostgreSQL), named by the
//! server (ids are checked against `[a-z0-9_-]`, never joined to a path as given); no handler panics on input (bad input is a 4xx JSON error).

pub mod air;
pub mod assets;
pub mod auth;
pub mod board;
pub mod districts;
pub mod error;
pub mod jobs;
pub mod networks;
pub mod openapi;
pub mod pricing;
pub mod seed;
pub mod state;
pub mod water;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub use error::ApiError;
pub use state::{AppState, Shared};

/// Largest request body for ordinary JSON and CSV routes.
pub const BODY_LIMIT: usize = 8 << 20;
/// Largest `.inp` upload (a city of a few hundred thousand links).
pub const INP_LIMIT: usize = 128 << 20;
/// Time one request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// How `oasis serve` was started.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub addr: SocketAddr,
    /// Reads need a login too (by default anyone may read, as on a public board).
    pub private: bool,
    /// Seed the demonstration city into a store that holds none of its documents.
    pub demo: bool,
    /// Keep the users, sessions and write log, the meter store and the documents in PostgreSQL
    /// (`postgres://…`) instead of the data directory's `users.sqlite`, `meters/` and files.
    pub database: Option<String>,
}

/// The whole application: API routes, pages, limits.
pub fn app(state: Shared) -> Router {
    let inp_routes = Router::new()
        .route("/api/networks", post(networks::upload))
        .route("/api/networks/validate", post(networks::validate))
        .route("/api/meters/readings", post(districts::upload_readings))
        .layer(DefaultBodyLimit::max(INP_LIMIT))
        .layer(RequestBodyLimitLayer::new(INP_LIMIT));
    let api = Router::new()
        .route("/api/health", get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/login", post(auth::login))
        .route("/api/logout", post(auth::logout))
        .route("/api/me", get(auth::me))
        .route("/api/users", get(auth::list_users).post(auth::add_user))
        .route("/api/users/{name}", delete(auth::delete_user))
        .route("/api/write-log", get(auth::write_log))
        .route("/api/networks", get(networks::list))
        .route("/api/networks/{id}", get(networks::summary).delete(networks::remove))
        .route("/api/networks/{id}/geometry", get(networks::geometry))
        .route("/api/networks/{id}/geojson", get(networks::geojson))
        .route("/api/networks/{id}/districts", get(districts::outlines_route))
        .route("/api/networks/{id}/runs", post(networks::start_run))
        .route("/api/networks/{id}/results", get(networks::results))
        .route("/api/networks/{id}/nodes/{node}", get(networks::node_series))
        .route("/api/networks/{id}/links/{link}", get(networks::link_series))
        .route("/api/jobs", get(jobs::list))
        .route("/api/jobs/{id}", get(jobs::status).delete(jobs::cancel))
        .route("/api/jobs/{id}/events", get(jobs::events))
        .route("/api/districts", get(districts::list))
        .route("/api/districts/{id}/balance", get(districts::balance))
        .route("/api/districts/{id}/nightflow", get(districts::nightflow))
        .route("/api/meters/ingests", get(districts::ingests))
        .route("/api/air/stations", get(air::stations))
        .route("/api/air/hourly", get(air::hourly))
        .route("/api/air/daily", get(air::daily))
        .route("/api/air/evaluation", get(air::evaluation))
        .route("/api/air/data", put(air::upload))
        .route("/api/water/sections", get(water::sections))
        .route("/api/water/ranking", get(water::ranking))
        .route("/api/water/data", put(water::upload))
        .route("/api/tariffs", get(pricing::tariffs))
        .route("/api/tariffs/{name}", put(pricing::put_tariff))
        .route("/api/bills", get(pricing::bills))
        .route("/api/quota/report", get(pricing::quota_report))
        .route("/api/dual-control", get(pricing::dual_control))
        .route("/api/targets", get(board::targets))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT));
    Router::new()
        .merge(inp_routes)
        .merge(api)
        .fallback(assets::serve)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::log_writes))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        // A bug must not drop the connection: it is answered as a JSON error.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(ApiError::internal("the server hit an internal error (logged); nothing was changed by this request unless its answer says so"))
        }))
        .with_state(state)
}

/// Opens (seeding if asked) the data directory and serves until Ctrl-C. `ready` gets the bound
/// address (useful with port 0).
pub async fn serve(config: Config, ready: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    let state = state::AppState::open(&config)?;
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    ready(addr);
    let app = app(Arc::new(state));
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// Seconds since the epoch (for sessions and the write log).
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Runs [`serve`] on a multi-threaded tokio runtime (for the `oasis` binary, which has none).
pub fn serve_blocking(config: Config) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(serve(config, |addr| {
        println!("Oasis is serving on http://{addr}/  (Ctrl-C stops it)");
    }))
}

/// `oasis users add`: adds or updates a user of the data directory.
pub fn add_user_cli(data_dir: &std::path::Path, database: Option<&str>, name: &str, role: &str, password: &str) -> anyhow::Result<bool> {
    let role = auth::Role::parse(role).ok_or_else(|| anyhow::anyhow!("role '{role}': use viewer, operator or admin"))?;
    let mut db = state::open_users(data_dir, database)?;
    auth::create_user(&mut db, name, role, password)
}
