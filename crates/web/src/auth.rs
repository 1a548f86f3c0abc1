//! Sessions over HTTP: the session token travels only in an HttpOnly, SameSite=Strict cookie
//! (and `Secure` under https); every request's work runs on a blocking thread with its own
//! database connection, after the session is looked up there — before the request's body is
//! parsed, so that nothing about the input is told to someone who may not send it. Forms that
//! change something carry the session's CSRF token, the login form a token of its own; JSON
//! writes must say `Content-Type: application/json`, which a cross-site form cannot. (The
//! origin of every write is checked before any of this, in `guard`.)

use axum::http::{header, HeaderMap, HeaderValue};
use traject_app::users::{self, SessionUser};
use traject_store::Store;

use super::failure::Failure;
use super::{Server, Shared};

pub const COOKIE: &str = "traject_session";
/// The cookie that pairs the login form with the browser that asked for it.
pub const LOGIN_COOKIE: &str = "traject_login";

/// Seconds since the epoch, for session expiry and login throttling.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The session token from the request's cookies.
pub fn token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, COOKIE)
}

/// A cookie only this site's requests carry, never readable by scripts. The value is always
/// one the server made (hex), never from a request.
fn set_cookie(name: &str, value: &str, path: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; HttpOnly; SameSite=Strict; Path={path}; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn session_cookie(token: &str, max_age: i64, secure: bool) -> HeaderValue {
    set_cookie(COOKIE, token, "/", max_age, secure)
}

pub fn cleared_cookie(secure: bool) -> HeaderValue {
    set_cookie(COOKIE, "", "/", 0, secure)
}

/// The login form's token cookie: an hour to fill the form in.
pub fn login_cookie(token: &str, secure: bool) -> HeaderValue {
    set_cookie(LOGIN_COOKIE, token, "/login", 3600, secure)
}

/// A fresh random token (hex) for the login form.
pub fn fresh_token() -> String {
    let mut buf = [0u8; 16];
    // Without randomness the token is empty, and an empty token is never accepted.
    if getrandom::fill(&mut buf).is_err() {
        return String::new();
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Two secrets compared in constant time.
pub use traject_app::users::same_secret;

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
        // And a programme text saved in the store since (by any server sharing it): its
        // mark comes with the session, in one read.
        let (user, mark) = users::session_and_mark(&store, &token, now())?;
        server.catalogue.follow_from(&store, mark);
        let user = user.ok_or_else(Failure::unauthorized)?;
        // A failure is shown in the user's language (their setting; pages of a programme may
        // have chosen its language already).
        work(&server, &user, &mut store).map_err(|mut f| {
            f.lang = f.lang.or(user.lang);
            f.viewer = Some(Box::new(user.clone()));
            f
        })
    })
    .await
}

/// As `as_user`, for someone whose role allows `need`: the role is checked first, so that
/// nothing about the request's input is answered to someone who may not send it (403).
pub async fn as_allowed<T, F>(
    s: &Shared,
    headers: &HeaderMap,
    need: traject_app::Need,
    work: F,
) -> Result<T, Failure>
where
    T: Send + 'static,
    F: FnOnce(&Server, &SessionUser, &mut Store) -> Result<T, Failure> + Send + 'static,
{
    as_user(s, headers, move |server, user, store| {
        user.ctx(server.today()).require(need)?;
        work(server, user, store)
    })
    .await
}

/// How long a simulation waits for its turn before the server answers that it is busy.
const TURN_WAIT: std::time::Duration = std::time::Duration::from_secs(15);
/// How long a login waits for a password check.
const PASSWORD_TURN_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// 503 with Retry-After: the server is busy, the request may come again.
fn busy(retry_after: i64) -> Failure {
    let mut f = Failure::worded(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "the server is busy: try again in a moment",
        "de server heeft het druk: probeer zo dadelijk opnieuw",
        "le serveur est occupé : réessayez dans un instant",
    );
    f.retry_after = Some(retry_after);
    f
}

/// A turn to simulate (at most `CONCURRENT_SIMULATIONS` at once) for someone whose session
/// and role allow `need` — checked first, so that no one else can hold up the queue — or 503
/// with Retry-After when no turn comes free in time.
pub async fn computing<'a>(
    s: &'a Shared,
    headers: &HeaderMap,
    need: traject_app::Need,
) -> Result<tokio::sync::SemaphorePermit<'a>, Failure> {
    as_allowed(s, headers, need, |_, _, _| Ok(())).await?;
    match tokio::time::timeout(TURN_WAIT, s.computing.acquire()).await {
        Ok(Ok(turn)) => Ok(turn),
        _ => Err(busy(5)),
    }
}

/// A turn to check a password (at most `CONCURRENT_PASSWORD_CHECKS` at once), or 503.
pub async fn password_turn(s: &Shared) -> Result<tokio::sync::SemaphorePermit<'_>, Failure> {
    match tokio::time::timeout(PASSWORD_TURN_WAIT, s.hashing.acquire()).await {
        Ok(Ok(turn)) => Ok(turn),
        _ => Err(busy(2)),
    }
}

/// Check a name and password from the client's address (in turn with other password
/// checks) and open a session: the one login of the form and of the API.
pub async fn open_session(
    s: &Shared,
    client: &super::guard::ClientAddress,
    name: String,
    password: String,
    code: Option<String>,
) -> Result<users::Opened, Failure> {
    if !s.passwords {
        return Err(Failure::worded(
            axum::http::StatusCode::FORBIDDEN,
            "this server takes no passwords: log in through the identity provider",
            "deze server neemt geen wachtwoorden aan: meld je aan via de identiteitsprovider",
            "ce serveur n'accepte pas de mots de passe : connectez-vous par le fournisseur d'identité",
        ));
    }
    let _turn = password_turn(s).await?;
    let (server, address) = (s.clone(), client.0.clone());
    blocking(move || {
        let mut store = server.store()?;
        let given = users::Credentials {
            name: &name,
            password: &password,
            code: code.as_deref(),
        };
        Ok(users::login(
            &mut store,
            given,
            &server.login_policy,
            &address,
            now(),
        )?)
    })
    .await
}

/// Run blocking work (the database, the engine, simulations) off the async threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    // The request's log span (its id) follows the work onto the blocking thread.
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(work))
        .await
        .map_err(|_| {
            Failure::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "the request stopped unexpectedly",
            )
        })?
}

/// A form's CSRF token must be the session's.
pub fn check_csrf(user: &SessionUser, given: Option<&str>) -> Result<(), Failure> {
    if same_secret(&user.csrf, given.unwrap_or_default()) {
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
