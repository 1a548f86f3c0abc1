//! What the IT department running the server needs from it: `/healthz` (the process answers)
//! and `/readyz` (the store is reachable at the current schema and programmes are loaded), both
//! without login and without personal data; a request id on every answer (`X-Request-Id`), in
//! every log line the request causes and in the body of every 5xx; and a shutdown on SIGTERM or
//! Ctrl-C that lets requests in flight finish, for a bounded time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use super::auth::blocking;
use super::Shared;

tokio::task_local! {
    /// The id of the request the current task serves.
    pub static REQUEST_ID: String;
}

/// The id of the request being served, if any (for 5xx bodies and pages).
pub fn request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// A short id, unique within this run of the server and unlikely to repeat across runs.
fn new_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static PREFIX: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let prefix = PREFIX.get_or_init(|| {
        let mut b = [0u8; 4];
        let _ = getrandom::fill(&mut b);
        u32::from_le_bytes(b)
    });
    format!("{prefix:08x}-{:x}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// The middleware: an id made by the server (never taken from the request), a log span that
/// carries it, and the header on the answer. Failures of 500 and above are logged here, with
/// the route (never the query, which may hold values).
pub async fn with_request_id(
    State(s): State<Shared>,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let id = new_id();
    let span = tracing::info_span!("request", id = %id);
    let method = request.method().clone();
    // The route's pattern (`/api/cases/{id}`), never the path with its numbers.
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched".to_string(), |m| m.as_str().to_string());
    let started = std::time::Instant::now();
    let mut response = REQUEST_ID
        .scope(id.clone(), next.run(request).instrument(span.clone()))
        .await;
    let status = response.status();
    s.metrics
        .record(&route, method.as_str(), status.as_u16(), started.elapsed());
    let took_ms = started.elapsed().as_millis() as u64;
    span.in_scope(|| {
        if status.is_server_error() {
            // The route's pattern here too: a path may carry a secret (a calendar address).
            tracing::warn!(%method, %route, status = status.as_u16(), took_ms, "answered with a server error");
        } else {
            // The access log (TRAJECT_LOG=info): the route's pattern, never the query.
            tracing::info!(%method, %route, status = status.as_u16(), took_ms, "answered");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Alive: the process answers.
pub async fn healthz() -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({"status": "ok"})),
    )
        .into_response()
}

/// What `/readyz` found.
#[derive(serde::Serialize)]
struct Readiness {
    status: &'static str,
    store: String,
    schema: Option<i64>,
    programmes: usize,
    programmes_not_loading: usize,
}

/// Ready: the store answers at the schema this build writes, and at least one programme loads.
pub async fn readyz(State(s): State<Shared>) -> Response {
    let checked = blocking(move || {
        let programmes = s.catalogue.list();
        let loaded = programmes.iter().filter(|l| l.compiled.is_some()).count();
        let broken = programmes.iter().filter(|l| l.problem.is_some()).count();
        let (store, schema) = match s.store() {
            Err(_) => ("unreachable".to_string(), None),
            Ok(store) => match store.schema_versions() {
                Ok((found, known)) if found == known as i64 => ("ok".to_string(), Some(found)),
                Ok((found, _)) => ("schema not current".to_string(), Some(found)),
                Err(_) => ("unreachable".to_string(), None),
            },
        };
        let ready = store == "ok" && loaded > 0;
        Ok(Readiness {
            status: if ready { "ready" } else { "not ready" },
            store,
            schema,
            programmes: loaded,
            programmes_not_loading: broken,
        })
    })
    .await;
    match checked {
        Ok(r) => {
            let status = if r.status == "ready" {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            (status, [(header::CACHE_CONTROL, "no-store")], axum::Json(r)).into_response()
        }
        Err(f) => f.into_response(),
    }
}

/// How long requests in flight may take to finish after a stop signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// SIGTERM (the service manager) or Ctrl-C.
pub async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::warn!("stopping: no new connections; requests in flight may finish");
}

/// Run a request once more when its first run met a database connection that had broken and
/// saved nothing (a read, or a write whose transaction never committed: the answer carries
/// `RetrySafe`): the second run takes a fresh connection, so a database that restarted a moment
/// ago costs the person nothing. Bodies are read into memory first (at most the body limit) so
/// that the request can be sent twice; a second failure is answered as it is.
pub async fn retry_once(request: Request<axum::body::Body>, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, super::BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return crate::pages::failure_response(
                parts.uri.path(),
                &parts.headers,
                crate::failure::of_status(StatusCode::PAYLOAD_TOO_LARGE),
            )
        }
    };
    let again = Request::from_parts(parts.clone(), axum::body::Body::from(bytes.clone()));
    let first = next
        .clone()
        .run(Request::from_parts(parts, bytes.into()))
        .await;
    if first
        .extensions()
        .get::<crate::failure::RetrySafe>()
        .is_none()
    {
        return first;
    }
    tracing::warn!(
        "a database connection broke and nothing was saved: running the request once more"
    );
    RETRIED.fetch_add(1, Ordering::Relaxed);
    next.run(again).await
}

/// Requests run a second time by `retry_once` (a metric).
pub static RETRIED: AtomicU64 = AtomicU64::new(0);
