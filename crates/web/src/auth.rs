//! Sessions over HTTP: the session token travels only in an HttpOnly, SameSite=Strict cookie;
//! every request's work runs on a blocking thread with its own database connection, after the
//! session is looked up there. Forms that change something carry the session's CSRF token;
//! JSON writes must say `Content-Type: application/json`, which a cross-site form cannot.

use axum::http::{header, HeaderMap, HeaderValue};
use traject_app::users::{self, SessionUser};
use traject_store::Store;

use super::failure::Failure;
use super::{Server, Shared};

pub const COOKIE: &str = "traject_session";

/// Seconds since the epoch, for session expiry and login throttling.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The session token from the request's cookies.
pub fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

pub fn session_cookie(token: &str, max_age: i64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn cleared_cookie() -> HeaderValue {
    HeaderValue::from_static("traject_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

/// Run `work` for the person whose session the request carries (401 without one).
pub async fn as_user<T, F>(s: &Shared, headers: &HeaderMap, work: F) -> Result<T, Failure>
where
    T: Send + 'static,
    F: FnOnce(&Server, &SessionUser, &mut Store) -> Result<T, Failure> + Send + 'static,
{
    let token = token(headers).ok_or_else(Failure::unauthorized)?;
    let server = s.clone();
    blocking(move || {
        // A programme file saved since the last request is read again (a stat per file).
        server.catalogue.refresh();
        let mut store = server.store()?;
        let user = users::session(&store, &token, now())?.ok_or_else(Failure::unauthorized)?;
        // A failure is shown in the user's language (their setting; pages of a programme may
        // have chosen its language already).
        work(&server, &user, &mut store).map_err(|mut f| {
            f.lang = f.lang.or(user.lang);
            f
        })
    })
    .await
}

/// Run blocking work (the database, the engine, simulations) off the async threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(work).await.map_err(|_| {
        Failure::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "the request stopped unexpectedly",
        )
    })?
}

/// A form's CSRF token must be the session's.
pub fn check_csrf(user: &SessionUser, given: Option<&str>) -> Result<(), Failure> {
    let expected = user.csrf.as_bytes();
    let given = given.unwrap_or_default().as_bytes();
    // Compare in constant time: the token is a secret.
    let same = expected.len() == given.len()
        && expected
            .iter()
            .zip(given)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(Failure::csrf())
    }
}

/// JSON writes must be declared as JSON.
pub fn require_json(headers: &HeaderMap) -> Result<(), Failure> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if is_json {
        Ok(())
    } else {
        Err(Failure::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the request body as JSON with `Content-Type: application/json`",
        ))
    }
}
