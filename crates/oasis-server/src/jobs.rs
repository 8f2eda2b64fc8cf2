//! Long runs as jobs: a hydraulic run on a blocking thread, its progress (simulated time over the
//! duration) polled by the page, cancellable between periods.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use oasis_hydraulics::Simulation;
use serde_json::{Value, json};

use crate::auth::{self, Role};
use crate::error::{ApiError, ApiResult};
use crate::networks::{NetEntry, RunData};
use crate::state::Shared;

#[derive(Debug, Clone, PartialEq)]
pub enum JobState {
    Running,
    Done,
    Failed(String),
    Cancelled,
}

pub struct Job {
    pub id: u64,
    pub network: String,
    pub mode: &'static str,
    pub started_unix: i64,
    pub state: Mutex<JobState>,
    /// Simulated seconds reached, and the run's duration.
    pub done_s: AtomicI64,
    pub duration_s: i64,
    pub cancel: AtomicBool,
}

impl Job {
    pub fn to_json(&self) -> Value {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let (name, error) = match &state {
            JobState::Running => ("running", None),
            JobState::Done => ("done", None),
            JobState::Failed(m) => ("failed", Some(m.clone())),
            JobState::Cancelled => ("cancelled", None),
        };
        let done = self.done_s.load(Ordering::Relaxed);
        let progress = match state {
            JobState::Done => 1.0,
            _ if self.duration_s > 0 => (done as f64 / self.duration_s as f64).clamp(0.0, 1.0),
            _ => 0.0,
        };
        json!({
            "id": self.id, "network": self.network, "mode": self.mode, "state": name, "error": error,
            "progress": progress, "simulated_s": done, "duration_s": self.duration_s, "started_unix": self.started_unix,
        })
    }
}

/// Starts a run of `net` (all periods if `extended`, else time 0 only).
pub fn start_run(state: &Shared, net: Arc<NetEntry>, extended: bool) -> Arc<Job> {
    let id = state.next_job.fetch_add(1, Ordering::Relaxed);
    let job = Arc::new(Job {
        id,
        network: net.id.clone(),
        mode: if extended { "extended" } else { "steady" },
        started_unix: crate::now_unix(),
        state: Mutex::new(JobState::Running),
        done_s: AtomicI64::new(0),
        duration_s: if extended { net.net.times.duration_s } else { 0 },
        cancel: AtomicBool::new(false),
    });
    state.jobs.lock().unwrap_or_else(|e| e.into_inner()).insert(id, job.clone());
    let j = job.clone();
    tokio::task::spawn_blocking(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&net, &j, extended)));
        let end = match outcome {
            Ok(Ok(Some(periods))) => {
                let data = RunData::new(&net.net, j.mode, periods);
                *net.results.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(data));
                JobState::Done
            }
            Ok(Ok(None)) => JobState::Cancelled,
            Ok(Err(msg)) => JobState::Failed(msg),
            Err(_) => JobState::Failed("the run stopped on an internal error".into()),
        };
        *j.state.lock().unwrap_or_else(|e| e.into_inner()) = end;
    });
    job
}

/// The periods of the run, `None` if cancelled, or the engine's error.
fn run(net: &NetEntry, job: &Job, extended: bool) -> Result<Option<Vec<oasis_hydraulics::Snapshot>>, String> {
    let mut sim = Simulation::new(&net.net).map_err(|e| format!("error {}: {e}", e.code()))?;
    let mut periods = Vec::new();
    loop {
        if job.cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let snap = sim.run().map_err(|e| format!("error {}: {e}", e.code()))?;
        job.done_s.store(snap.time_s, Ordering::Relaxed);
        if !extended {
            periods.push(snap);
            return Ok(Some(periods));
        }
        if sim.is_reporting_time(snap.time_s) {
            periods.push(snap);
        }
        if sim.next().map_err(|e| format!("error {}: {e}", e.code()))? == 0 {
            return Ok(Some(periods));
        }
    }
}

pub async fn list(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let jobs = state.jobs.lock().unwrap_or_else(|e| e.into_inner());
    Ok(Json(json!(jobs.values().rev().take(100).map(|j| j.to_json()).collect::<Vec<_>>())))
}

fn job(state: &Shared, id: &str) -> ApiResult<Arc<Job>> {
    let n: u64 = id.parse().map_err(|_| ApiError::bad_request(format!("job id '{id}' is not a number")))?;
    state.jobs.lock().unwrap_or_else(|e| e.into_inner()).get(&n).cloned().ok_or_else(|| ApiError::not_found(format!("no job {n}")))
}

pub async fn status(State(state): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    Ok(Json(job(&state, &id)?.to_json()))
}

/// `DELETE /api/jobs/{id}`: asks a running job to stop (operator).
pub async fn cancel(State(state): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    auth::write(&state, &headers, Role::Operator)?;
    let j = job(&state, &id)?;
    j.cancel.store(true, Ordering::Relaxed);
    Ok(Json(j.to_json()))
}
