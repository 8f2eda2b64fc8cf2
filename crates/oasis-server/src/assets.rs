//! The pages and their scripts, styles and vendored libraries (ECharts), embedded in the binary
//! at build time (rust-embed), so the server needs no network and no files besides its data.

use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "assets/"]
struct Assets;

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Serves `/` as `index.html`, `/map` as `map.html` and so on; anything else under `/api` or not
/// embedded is a 404. Paths are looked up in the embedded set only, never on disk.
pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") || path == "api" {
        return crate::ApiError::not_found(format!("no route {}", uri.path())).into_response();
    }
    let path = if path.is_empty() { "index.html".to_string() } else if !path.contains('.') { format!("{path}.html") } else { path.to_string() };
    match Assets::get(&path) {
        Some(file) => {
            let cache = if path.starts_with("vendor/") { "public, max-age=86400" } else { "no-cache" };
            ([(header::CONTENT_TYPE, mime(&path)), (header::CACHE_CONTROL, cache)], file.data.into_owned()).into_response()
        }
        None => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "not found").into_response(),
    }
}

/// The names of the embedded files (for tests).
pub fn names() -> Vec<String> {
    Assets::iter().map(|s| s.to_string()).collect()
}
