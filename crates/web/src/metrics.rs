//! `GET /metrics` in the Prometheus text format, for the IT department's monitoring: requests
//! by route (the route's pattern, never a case number), method and status; latency
//! histograms by route; the database connections kept and the times the database could not
//! be reached; the time writers waited for programmes' locks and held them (PostgreSQL);
//! cases active and waiting and evaluations overdue per programme. Labels carry no
//! personal data. Answered only with `Authorization: Bearer <token>` when a metrics token is
//! configured, and not at all (404) when none is.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::auth::{blocking, same_secret};
use super::failure::Failure;
use super::Shared;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Latency {
    /// Counts per bucket (not cumulative; summed when written).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// What the server counts as it runs.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Latency>>,
    locks: Mutex<traject_store::LockTimes>,
}

impl Metrics {
    /// One answered request: its route pattern, method, status and time taken.
    pub fn record(&self, route: &str, method: &str, status: u16, took: Duration) {
        let mut requests = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        *requests
            .entry((route.to_string(), method.to_string(), status))
            .or_insert(0) += 1;
        drop(requests);
        let secs = took.as_secs_f64();
        let mut latency = self.latency.lock().unwrap_or_else(|p| p.into_inner());
        let l = latency.entry(route.to_string()).or_default();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            l.buckets[i] += 1;
        }
        l.count += 1;
        l.sum += secs;
    }

    /// What a connection's transactions spent on programmes' locks, as it goes back to the pool.
    pub fn add_lock_times(&self, times: traject_store::LockTimes) {
        if times.taken > 0 {
            let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
            locks.add(times);
        }
    }

    fn write_locks(&self, out: &mut String) {
        let locks = *self.locks.lock().unwrap_or_else(|p| p.into_inner());
        single(out, "traject_programme_locks_total", Kind::Counter, "Programme locks taken by writers (PostgreSQL: writers of one programme in one organisation take turns; SQLite serialises every write and counts none).", locks.taken);
        single(out, "traject_programme_lock_wait_seconds_total", Kind::Counter, "Time writers waited for a programme lock (many writers of one programme at once make it grow).", locks.waited.as_secs_f64());
        single(out, "traject_programme_lock_held_seconds_total", Kind::Counter, "Time writers held a programme lock, from having it to the end of their transaction (the others of the programme wait meanwhile).", locks.held.as_secs_f64());
    }

    fn write_http(&self, out: &mut String) {
        let _ = writeln!(out, "# HELP traject_http_requests_total Requests answered, by route pattern, method and status.");
        let _ = writeln!(out, "# TYPE traject_http_requests_total counter");
        for ((route, method, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "traject_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                label(route),
                label(method)
            );
        }
        let _ = writeln!(
            out,
            "# HELP traject_http_request_duration_seconds Time to answer, by route pattern."
        );
        let _ = writeln!(
            out,
            "# TYPE traject_http_request_duration_seconds histogram"
        );
        for (route, l) in self
            .latency
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let route = label(route);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(l.buckets) {
                cumulative += n;
                let _ = writeln!(out, "traject_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}");
            }
            let _ = writeln!(
                out,
                "traject_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                l.count
            );
            let _ = writeln!(
                out,
                "traject_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                l.sum
            );
            let _ = writeln!(
                out,
                "traject_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                l.count
            );
        }
    }
}

/// What a metric is, in the text format's words.
enum Kind {
    Counter,
    Gauge,
}

/// One metric without labels: its help, its type and its value.
fn single(out: &mut String, name: &str, kind: Kind, help: &str, value: impl std::fmt::Display) {
    let kind = match kind {
        Kind::Counter => "counter",
        Kind::Gauge => "gauge",
    };
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
    let _ = writeln!(out, "{name} {value}");
}

/// A label value as the text format wants it (backslash, quote and newline escaped).
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The token a request presents, if it is the configured one.
fn authorised(expected: &str, headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| same_secret(expected, given.trim()))
}

/// The handler.
pub async fn metrics(State(s): State<Shared>, headers: HeaderMap) -> Response {
    let Some(token) = s.metrics_token.clone() else {
        return Failure::not_found().into_response();
    };
    if !authorised(&token, &headers) {
        let refused = Failure::new(
            StatusCode::UNAUTHORIZED,
            "the metrics need the bearer token configured for them: Authorization: Bearer <token>",
        );
        let mut response = refused.into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        return response;
    }
    let server = s.clone();
    let text = blocking(move || {
        let mut out = String::new();
        server.metrics.write_http(&mut out);
        server.metrics.write_locks(&mut out);
        let idle = server.idle.lock().unwrap_or_else(|p| p.into_inner()).len();
        single(&mut out, "traject_db_connections_idle", Kind::Gauge, "Database connections kept open between requests.", idle);
        single(&mut out, "traject_board_scopes_kept", Kind::Gauge, "Programme and reader scopes whose board figures are kept (a few seconds; a write drops them).", server.boards.kept());
        single(&mut out, "traject_db_unavailable_total", Kind::Counter, "Requests that met a database that could not be reached (some then succeeded on their one retry).", super::failure::DATABASE_UNAVAILABLE.load(Ordering::Relaxed));
        single(&mut out, "traject_requests_retried_total", Kind::Counter, "Requests run once more on a fresh connection after a broken one saved nothing.", super::ops::RETRIED.load(Ordering::Relaxed));
        caseload(&server, &mut out);
        Ok(out)
    })
    .await;
    match text {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(f) => f.into_response(),
    }
}

/// Cases active and waiting, capacity and evaluations overdue per programme (counts only); left
/// out when the database cannot be read now (the other figures still tell why).
fn caseload(server: &super::Server, out: &mut String) {
    let ctx = traject_app::Ctx {
        on: server.today(),
        actor: "metrics".into(),
        role: traject_app::Role::Auditor,
        team: None,
        org: None,
    };
    let Ok(store) = server.store() else { return };
    let (Ok(rows), Ok(overdue)) = (
        traject_app::cases::caseload(&store, &server.catalogue, None, &ctx),
        traject_app::cases::overdue_counts(&store, &ctx),
    ) else {
        return;
    };
    let _ = writeln!(
        out,
        "# HELP traject_cases Cases per programme and state now (active or waiting)."
    );
    let _ = writeln!(out, "# TYPE traject_cases gauge");
    for r in &rows {
        let p = label(&r.program);
        let _ = writeln!(
            out,
            "traject_cases{{program=\"{p}\",state=\"active\"}} {}",
            r.active
        );
        let _ = writeln!(
            out,
            "traject_cases{{program=\"{p}\",state=\"waiting\"}} {}",
            r.waiting
        );
    }
    let _ = writeln!(
        out,
        "# HELP traject_capacity Places of the programme version in force."
    );
    let _ = writeln!(out, "# TYPE traject_capacity gauge");
    for r in rows.iter().filter(|r| r.capacity.is_some()) {
        let _ = writeln!(
            out,
            "traject_capacity{{program=\"{}\"}} {}",
            label(&r.program),
            r.capacity.unwrap_or(0)
        );
    }
    let _ = writeln!(
        out,
        "# HELP traject_evaluations_overdue Evaluation moments past their window, not held."
    );
    let _ = writeln!(out, "# TYPE traject_evaluations_overdue gauge");
    for r in &rows {
        let n = overdue.get(&r.program).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "traject_evaluations_overdue{{program=\"{}\"}} {n}",
            label(&r.program)
        );
    }
}
