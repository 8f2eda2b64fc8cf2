//! Users and roles: viewers read, operators upload and run, admins manage users and tariffs.
//!
//! A login (`POST /api/login`) makes a session: a random 256-bit token, kept only as its SHA-256
//! in `users.sqlite`, sent back both as an `HttpOnly; SameSite=Strict` cookie and in the body (for
//! `Authorization: Bearer` clients), together with a CSRF token. A write that is authenticated by
//! the cookie must carry that CSRF token in `X-CSRF-Token`; one with a bearer token need not (a
//! browser never adds that header by itself). Passwords are hashed with Argon2id. Every request
//! that is not a read is logged with who, when, what and the answer's status.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use oasis_store::{StoredSession, UserStore};
use rand::RngCore;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use crate::state::Shared;

pub const SESSION_COOKIE: &str = "oasis_session";
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// Failed logins of one user name allowed per window before the name is locked for the rest of it.
pub const LOGIN_ATTEMPTS: u32 = 5;
pub const LOGIN_WINDOW: std::time::Duration = std::time::Duration::from_secs(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Viewer,
    Operator,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "operator" => Some(Role::Operator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }
}

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: Option<String>,
    pub role: Option<Role>,
    pub by_cookie: bool,
    csrf: Option<String>,
}

impl Caller {
    pub fn name(&self) -> &str {
        self.user.as_deref().unwrap_or("anonymous")
    }
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt).map_err(|e| anyhow::anyhow!("{e}"))?.to_string())
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

fn random_hex() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|x| format!("{x:02x}")).collect()
}

/// Adds or updates a user (the `oasis users add` command and `POST /api/users`).
pub fn create_user(db: &mut UserStore, name: &str, role: Role, password: &str) -> anyhow::Result<bool> {
    if !valid_user_name(name) {
        anyhow::bail!("user name '{name}': use 1 to 64 letters, digits, '.', '_' or '-'");
    }
    if password.chars().count() < 8 {
        anyhow::bail!("password of user '{name}': at least 8 characters");
    }
    Ok(db.upsert_user(name, role.name(), &hash_password(password)?, crate::now_unix())?)
}

fn valid_user_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

/// The session token of a request: `Authorization: Bearer …` or the session cookie.
fn request_token(headers: &HeaderMap) -> Option<(String, bool)> {
    if let Some(v) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
        && let Some(t) = v.strip_prefix("Bearer ")
    {
        return Some((t.trim().to_string(), false));
    }
    cookie(headers, SESSION_COOKIE).map(|t| (t.to_string(), true))
}

fn session(state: &Shared, token: &str) -> ApiResult<Option<StoredSession>> {
    let h = token_hash(token);
    let now = crate::now_unix();
    if let Some(s) = state.sessions.read().unwrap_or_else(|e| e.into_inner()).get(&h)
        && s.expires_unix > now
    {
        return Ok(Some(s.clone()));
    }
    let found = state.users.lock().unwrap_or_else(|e| e.into_inner()).session(&h, now)?;
    if let Some(s) = &found {
        state.sessions.write().unwrap_or_else(|e| e.into_inner()).insert(h, s.clone());
    }
    Ok(found)
}

/// Who sent the request (anonymous if no valid token).
pub fn caller(state: &Shared, headers: &HeaderMap) -> ApiResult<Caller> {
    let Some((token, by_cookie)) = request_token(headers) else {
        return Ok(Caller { user: None, role: None, by_cookie: false, csrf: None });
    };
    match session(state, &token)? {
        Some(s) => Ok(Caller { user: Some(s.user_name), role: Role::parse(&s.role), by_cookie, csrf: Some(s.csrf) }),
        None => Ok(Caller { user: None, role: None, by_cookie: false, csrf: None }),
    }
}

/// A read: anyone unless the server is private, then any logged-in user.
pub fn read(state: &Shared, headers: &HeaderMap) -> ApiResult<Caller> {
    let c = caller(state, headers)?;
    if state.private && c.role.is_none() {
        return Err(ApiError::unauthorized());
    }
    Ok(c)
}

/// A write needing at least `role`; cookie sessions must send the CSRF token.
pub fn write(state: &Shared, headers: &HeaderMap, role: Role) -> ApiResult<Caller> {
    let c = caller(state, headers)?;
    let Some(have) = c.role else { return Err(ApiError::unauthorized()) };
    if c.by_cookie {
        let sent = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        if sent.is_none() || sent != c.csrf.as_deref() {
            return Err(ApiError::forbidden("missing or wrong X-CSRF-Token header for a cookie session"));
        }
    }
    if have < role {
        return Err(ApiError::forbidden(format!("needs the {} role; {} has {}", role.name(), c.name(), have.name())));
    }
    Ok(c)
}

#[derive(Deserialize)]
pub struct LoginBody {
    pub name: String,
    pub password: String,
}

pub async fn login(State(state): State<Shared>, body: Result<Json<LoginBody>, axum::extract::rejection::JsonRejection>) -> ApiResult<Response> {
    let Json(body) = body.map_err(|e| ApiError::bad_request(e.body_text()))?;
    {
        let mut failures = state.login_failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.retain(|_, (_, since)| since.elapsed() < LOGIN_WINDOW);
        if let Some((n, since)) = failures.get(&body.name)
            && *n >= LOGIN_ATTEMPTS
        {
            let wait = LOGIN_WINDOW.saturating_sub(since.elapsed()).as_secs() + 1;
            return Err(ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_logins", format!("{n} failed logins for '{}': try again in {wait} s", body.name)));
        }
    }
    let st = state.clone();
    let name = body.name.clone();
    // Argon2 takes tens of milliseconds: off the async threads.
    let user = tokio::task::spawn_blocking(move || -> ApiResult<Option<String>> {
        let user = st.users.lock().unwrap_or_else(|e| e.into_inner()).user(&body.name)?;
        Ok(user.filter(|u| verify_password(&body.password, &u.password_hash)).map(|u| u.role))
    })
    .await
    .map_err(ApiError::internal)??;
    let Some(role) = user else {
        let mut failures = state.login_failures.lock().unwrap_or_else(|e| e.into_inner());
        let entry = failures.entry(name).or_insert((0, std::time::Instant::now()));
        entry.0 += 1;
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_login", "unknown user or wrong password"));
    };
    state.login_failures.lock().unwrap_or_else(|e| e.into_inner()).remove(&name);
    let token = random_hex();
    let csrf = random_hex();
    let now = crate::now_unix();
    state.users.lock().unwrap_or_else(|e| e.into_inner()).add_session(&token_hash(&token), &name, &csrf, now, now + SESSION_SECONDS)?;
    let cookie = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}");
    let mut resp = Json(json!({"user": name, "role": role, "token": token, "csrf": csrf, "expires_in_s": SESSION_SECONDS})).into_response();
    resp.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(ApiError::internal)?);
    Ok(resp)
}

pub async fn logout(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some((token, _)) = request_token(&headers) {
        let h = token_hash(&token);
        state.sessions.write().unwrap_or_else(|e| e.into_inner()).remove(&h);
        state.users.lock().unwrap_or_else(|e| e.into_inner()).delete_session(&h)?;
    }
    let mut resp = Json(json!({"ok": true})).into_response();
    resp.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_static("oasis_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
    Ok(resp)
}

pub async fn me(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    let c = caller(&state, &headers)?;
    Ok(Json(json!({"user": c.user, "role": c.role.map(Role::name), "csrf": c.csrf, "private": state.private})))
}

pub async fn list_users(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    admin_read(&state, &headers)?;
    let users = state.users.lock().unwrap_or_else(|e| e.into_inner()).users()?;
    Ok(Json(json!(users.iter().map(|u| json!({"name": u.name, "role": u.role, "created_unix": u.created_unix})).collect::<Vec<_>>())))
}

fn admin_read(state: &Shared, headers: &HeaderMap) -> ApiResult<Caller> {
    let c = caller(state, headers)?;
    match c.role {
        None => Err(ApiError::unauthorized()),
        Some(Role::Admin) => Ok(c),
        Some(r) => Err(ApiError::forbidden(format!("needs the admin role; {} has {}", c.name(), r.name()))),
    }
}

#[derive(Deserialize)]
pub struct NewUser {
    pub name: String,
    pub password: String,
    pub role: String,
}

pub async fn add_user_route(state: Shared, headers: HeaderMap, body: NewUser) -> ApiResult<(StatusCode, Json<Value>)> {
    write(&state, &headers, Role::Admin)?;
    let role = Role::parse(&body.role).ok_or_else(|| ApiError::invalid("bad_role", format!("role '{}': use viewer, operator or admin", body.role)))?;
    let st = state.clone();
    let name = body.name.clone();
    let created = tokio::task::spawn_blocking(move || create_user(&mut st.users.lock().unwrap_or_else(|e| e.into_inner()), &body.name, role, &body.password))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::invalid("bad_user", e.to_string()))?;
    state.sessions.write().unwrap_or_else(|e| e.into_inner()).clear();
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(json!({"name": name, "role": role.name(), "created": created}))))
}

pub async fn add_user(State(state): State<Shared>, headers: HeaderMap, body: Result<Json<NewUser>, axum::extract::rejection::JsonRejection>) -> ApiResult<(StatusCode, Json<Value>)> {
    // Authenticate before looking at the body.
    write(&state, &headers, Role::Admin)?;
    let Json(body) = body.map_err(|e| ApiError::bad_request(e.body_text()))?;
    add_user_route(state, headers, body).await
}

pub async fn delete_user(State(state): State<Shared>, headers: HeaderMap, Path(name): Path<String>) -> ApiResult<Json<Value>> {
    let c = write(&state, &headers, Role::Admin)?;
    if c.user.as_deref() == Some(name.as_str()) {
        return Err(ApiError::conflict("an admin cannot delete their own account"));
    }
    let found = state.users.lock().unwrap_or_else(|e| e.into_inner()).delete_user(&name)?;
    state.sessions.write().unwrap_or_else(|e| e.into_inner()).clear();
    if !found {
        return Err(ApiError::not_found(format!("no user '{name}'")));
    }
    Ok(Json(json!({"deleted": name})))
}

pub async fn write_log(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    admin_read(&state, &headers)?;
    let log = state.users.lock().unwrap_or_else(|e| e.into_inner()).write_log(500)?;
    Ok(Json(json!(log
        .iter()
        .map(|e| json!({"id": e.id, "time_unix": e.time_unix, "user": e.user_name, "action": e.action, "target": e.target, "status": e.status, "detail": e.detail}))
        .collect::<Vec<_>>())))
}

/// Middleware: logs every request that is not a read (who, when, method, path, status).
pub async fn log_writes(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    if method == Method::GET || method == Method::HEAD || method == Method::OPTIONS {
        return next.run(req).await;
    }
    let path = req.uri().path().to_string();
    let who = caller(&state, req.headers()).ok().and_then(|c| c.user).unwrap_or_else(|| "anonymous".into());
    let resp = next.run(req).await;
    let status = resp.status().as_u16() as i64;
    let st: Arc<_> = state.clone();
    let _ = tokio::task::spawn_blocking(move || {
        let detail = if path == "/api/login" { "login attempt".to_string() } else { String::new() };
        let _ = st.users.lock().unwrap_or_else(|e| e.into_inner()).log_write(crate::now_unix(), &who, method.as_str(), &path, status, &detail);
    })
    .await;
    resp
}
