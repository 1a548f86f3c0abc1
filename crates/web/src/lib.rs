//! `traject serve`: the team's web application — HTML pages for people and a JSON API for
//! other systems, both calling the same use cases as the command line (`traject_app`), which
//! check roles and teams. Each request runs on a blocking thread with its own connection to the
//! case database (SQLite serialises writers); programmes come from a catalogue that re-reads
//! changed files and keeps the last good version. Assets are embedded: no network needed.

mod api;
mod auth;
mod board_cache;
mod calendar;
mod demo;
mod failure;
mod guard;
mod metrics;
mod openapi;
mod ops;
pub(crate) mod pages;
mod reminders;
pub mod sign_on;
pub mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use traject_app::catalogue::Catalogue;
use traject_app::AppError;
use traject_store::{DbTarget, Store};

pub use demo::Demo;
pub use pages::case::CASES_PER_PAGE;

/// How to serve.
pub struct Options {
    pub db: DbTarget,
    pub listen: SocketAddr,
    pub programs: Option<PathBuf>,
    /// A fixed business day (tests, demonstrations); else today.
    pub as_of: Option<NaiveDate>,
    /// The time zone that decides what today is (else `as_of`).
    pub clock: traject_app::config::Clock,
    /// The work a computing request may ask for, and its deadline.
    pub limits: traject_app::Limits,
    /// The address people type (`https://traject.ocmw.example`), when a reverse proxy or TLS
    /// stands in front: writes must come from its origin, and under https cookies are
    /// `Secure` and browsers are told to keep to https (HSTS).
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Serve https with this certificate chain and key (PEM files).
    pub tls: Option<tls::Files>,
    /// The bearer token `/metrics` asks for; without one, there are no metrics.
    pub metrics_token: Option<String>,
    /// How people log in: which roles need a second factor, whether the password form is
    /// offered, and the OpenID provider (which needs `public_url`).
    pub login: Login,
    /// The mail server; with `reminders_at`, the server sends the day's reminders itself.
    pub mail: Option<traject_app::mail::MailSettings>,
}

/// How people log in.
#[derive(Debug, Clone)]
pub struct Login {
    pub policy: traject_app::second_factor::LoginPolicy,
    /// Whether local accounts log in with a password (off: only through the provider).
    pub passwords: bool,
    pub sign_on: Option<traject_app::sign_on::SignOnSettings>,
}

impl Default for Login {
    fn default() -> Self {
        Login {
            policy: Default::default(),
            passwords: true,
            sign_on: None,
        }
    }
}

pub struct Server {
    db: DbTarget,
    catalogue: Catalogue,
    as_of: Option<NaiveDate>,
    clock: traject_app::config::Clock,
    limits: traject_app::Limits,
    /// Open connections kept between requests (opening one costs more than most requests),
    /// each with the moment it was given back.
    idle: std::sync::Mutex<Vec<(Store, std::time::Instant)>>,
    /// Threads for the requests' blocking work (`BLOCKING_THREADS_PER_CORE`), and so the
    /// connections kept: counted once, at the start.
    blocking_threads: usize,
    origins: guard::Origins,
    /// The board's figures, kept a few seconds per programme and scope.
    boards: board_cache::BoardCache,
    /// Simulations running at once; more wait for a turn (a simulation uses every core).
    computing: tokio::sync::Semaphore,
    /// Password checks running at once: argon2 takes 19 MiB each, by design, so a flood of
    /// logins would otherwise take the server's memory.
    hashing: tokio::sync::Semaphore,
    metrics: metrics::Metrics,
    metrics_token: Option<String>,
    login_policy: traject_app::second_factor::LoginPolicy,
    passwords: bool,
    sign_on: Option<Arc<sign_on::Provider>>,
}

/// Simulations the server runs at the same time (each bounded by `Limits::SERVER`): one,
/// since one simulation already runs on every core — more at once only add their memory.
const CONCURRENT_SIMULATIONS: usize = 1;
/// The largest request body taken (1 MiB): a referral or a simulation request is a few KiB.
const BODY_LIMIT: usize = 1 << 20;
/// Threads for the requests' blocking work (the database, the engine, simulations), per
/// core; requests beyond them wait their turn as cheap tasks. More threads at once only cost
/// more per request: on two cores, 32 threads spent 1.5× the CPU per write of 6 on either
/// store, for fewer writes per second (`cargo bench --bench server`; see the README).
const BLOCKING_THREADS_PER_CORE: usize = 4;
/// Password checks at the same time (argon2: 19 MiB and about 25 ms each).
const CONCURRENT_PASSWORD_CHECKS: usize = 4;

/// A connection lent to one request; it goes back to the pool when the request is done.
pub struct Pooled<'a> {
    store: Option<Store>,
    server: &'a Server,
}

impl std::ops::Deref for Pooled<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.store.as_ref().expect("present until dropped")
    }
}

impl std::ops::DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        self.store.as_mut().expect("present until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        let Some(mut store) = self.store.take() else {
            return;
        };
        self.server.metrics.add_lock_times(store.take_lock_times());
        let mut idle = self.server.idle.lock().unwrap_or_else(|p| p.into_inner());
        // A connection the server closed (it restarted) is not kept, nor are the others,
        // closed with it: the next requests, and a request run once more, open new ones.
        if store.is_closed() {
            idle.clear();
        } else if idle.len() < self.server.blocking_threads {
            // Kept: as many as requests may use at once (one per blocking thread), so that a
            // busy server does not open and close a connection per request.
            idle.push((store, std::time::Instant::now()));
        }
    }
}

/// How long checking a kept connection may take before it counts as broken.
const CONNECTION_CHECK: std::time::Duration = std::time::Duration::from_secs(2);

/// A kept connection idle longer than this is checked (a round trip) before it is lent; one
/// given back more recently is lent as it is. Should it have broken meanwhile, its request
/// fails before anything is saved and runs once more on a new connection (`ops::retry_once`).
const CHECK_AFTER_IDLE: std::time::Duration = std::time::Duration::from_secs(1);

pub type Shared = Arc<Server>;

impl Server {
    /// The server of `opts`, reached at the `public` origin (when given), over https or not.
    fn new(opts: Options, public: Option<String>, https: bool) -> Result<Server, ServeError> {
        let sign_on = match (opts.login.sign_on, &public) {
            (Some(settings), Some(public)) => {
                Some(Arc::new(sign_on::Provider::new(settings, public)))
            }
            (Some(_), None) => return Err(ServeError::SignOnWithoutPublicUrl),
            (None, _) => None,
        };
        Ok(Server {
            catalogue: Catalogue::open(opts.programs.as_deref()),
            db: opts.db,
            as_of: opts.as_of,
            clock: opts.clock,
            limits: opts.limits,
            idle: std::sync::Mutex::new(Vec::new()),
            blocking_threads: traject_app::parallel::cores() * BLOCKING_THREADS_PER_CORE,
            boards: Default::default(),
            origins: guard::Origins {
                public,
                https,
                trusted_proxies: opts.trusted_proxies,
            },
            computing: tokio::sync::Semaphore::new(CONCURRENT_SIMULATIONS),
            hashing: tokio::sync::Semaphore::new(CONCURRENT_PASSWORD_CHECKS),
            metrics: metrics::Metrics::default(),
            metrics_token: opts.metrics_token.filter(|t| !t.is_empty()),
            login_policy: opts.login.policy,
            passwords: opts.login.passwords,
            sign_on,
        })
    }

    /// The programmes as this user sees them: their organisation's saved texts in place of
    /// the common programmes (a store shared by several organisations).
    fn programmes<'a>(
        &'a self,
        user: &'a traject_app::users::SessionUser,
    ) -> traject_app::catalogue::ServedTo<'a> {
        self.catalogue.served_to(user.org.as_deref())
    }

    fn today(&self) -> NaiveDate {
        self.as_of.unwrap_or_else(|| self.clock.today())
    }

    /// Whether cookies must be `Secure` (the server is reached over https).
    fn secure_cookies(&self) -> bool {
        self.origins.https
    }

    /// A connection for one request: a kept one that still works (a database server that
    /// restarted since has closed them all: they are dropped, one by one, as they are found),
    /// else a new one.
    fn store(&self) -> Result<Pooled<'_>, AppError> {
        loop {
            let kept = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
            let store = match kept {
                Some((mut s, since)) => {
                    if since.elapsed() > CHECK_AFTER_IDLE && !s.usable(CONNECTION_CHECK) {
                        continue;
                    }
                    s
                }
                None => Store::connect(&self.db)?,
            };
            return Ok(Pooled {
                store: Some(store),
                server: self,
            });
        }
    }
}

/// Why the server stopped or could not start; the front end that started it words it.
#[derive(Debug)]
pub enum ServeError {
    /// The address is taken or not allowed.
    Listen {
        addr: SocketAddr,
        message: String,
    },
    Stopped(String),
    App(AppError),
    /// `--public-url` is not an http(s) URL.
    PublicUrl(String),
    /// The certificate or key cannot be read or used.
    Tls(tls::TlsError),
    /// An OpenID provider is configured without `public_url`, which its redirect URI needs.
    SignOnWithoutPublicUrl,
}

impl From<AppError> for ServeError {
    fn from(e: AppError) -> Self {
        ServeError::App(e)
    }
}

/// Serve until interrupted. `ready` is told the address actually listened on (port 0 picks
/// a free one) before the first request is taken.
pub fn run(opts: Options, ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    // Open (create, migrate) the database once before listening, so a bad path fails now.
    Store::connect(&opts.db).map_err(AppError::from)?;
    let public = match &opts.public_url {
        Some(url) => {
            Some(guard::Origins::origin_of(url).ok_or_else(|| ServeError::PublicUrl(url.clone()))?)
        }
        None => None,
    };
    let tls = opts
        .tls
        .as_ref()
        .map(tls::config)
        .transpose()
        .map_err(ServeError::Tls)?;
    let https = tls.is_some() || public.as_deref().is_some_and(|p| p.starts_with("https://"));
    let listen = opts.listen;
    let mail = opts.mail.clone().filter(|m| m.reminders_at.is_some());
    let server = Arc::new(Server::new(opts, public, https)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        // Requests beyond this many at once wait for a thread: each thread keeps a database
        // connection's caches and the allocator's arena, so threads are memory.
        .max_blocking_threads(server.blocking_threads)
        .enable_all()
        .build()
        .map_err(|e| ServeError::Stopped(e.to_string()))?;
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(listen)
                .await
                .map_err(|e| ServeError::Listen {
                    addr: listen,
                    message: e.to_string(),
                })?;
        let addr = listener
            .local_addr()
            .map_err(|e| ServeError::Stopped(e.to_string()))?;
        ready(addr);
        if let Some(mail) = mail {
            tokio::spawn(reminders::daily(server.clone(), mail));
        }
        let app = router(server).into_make_service_with_connect_info::<guard::Peer>();
        // On SIGTERM or Ctrl-C: no new connections, requests in flight finish — for at most
        // `SHUTDOWN_GRACE`, after which the server stops anyway.
        let stopping = Arc::new(tokio::sync::Notify::new());
        let stop = {
            let stopping = stopping.clone();
            async move {
                ops::stop_signal().await;
                stopping.notify_one();
            }
        };
        let served = async {
            match tls {
                Some(config) => {
                    axum::serve(tls::Listener::new(listener, config), app)
                        .with_graceful_shutdown(stop)
                        .await
                }
                None => {
                    axum::serve(listener, app)
                        .with_graceful_shutdown(stop)
                        .await
                }
            }
        };
        tokio::select! {
            served = served => served.map_err(|e| ServeError::Stopped(e.to_string())),
            () = async {
                stopping.notified().await;
                tokio::time::sleep(ops::SHUTDOWN_GRACE).await;
            } => Ok(()),
        }
    })
}

/// Any request that may write (every method but GET and HEAD) drops the board's kept
/// figures once it is answered, so that the next board shows its effect.
async fn forget_boards_after_writes(
    axum::extract::State(s): axum::extract::State<Shared>,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let writes = !matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    let response = next.run(request).await;
    if writes {
        s.boards.forget();
    }
    response
}

fn router(server: Shared) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/board") }))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/login/oidc", get(sign_on::begin))
        .route(sign_on::CALLBACK, get(sign_on::callback))
        .route("/logout", post(pages::logout))
        .route("/account", get(pages::account))
        .route("/account/second-factor", post(pages::enrol_second_factor))
        .route("/account/email", post(pages::set_own_email))
        .route("/account/calendar", post(pages::new_calendar_address))
        .route("/calendar/{file}", get(calendar::feed))
        .route("/board", get(pages::board))
        .route("/intake", get(pages::intake).post(pages::intake_submit))
        .route("/intake/verdict", post(pages::intake_verdict))
        .route("/cases", get(pages::case_list))
        .route("/cases/search", post(pages::search))
        .route("/cases/{id}", get(pages::case_file))
        .route("/cases/{id}/export", post(pages::case_export))
        .route("/cases/{id}/erase", post(pages::case_erase))
        .route("/persons/export", post(pages::person_export))
        .route("/persons/erase", post(pages::person_erase))
        .route("/cases/{id}/{action}", post(pages::case_action))
        .route("/sessions", get(pages::sessions).post(pages::plan_sessions))
        .route("/sessions/{id}", get(pages::session_sheet))
        .route("/sessions/{id}/attendance", post(pages::attendance))
        .route("/whatif", get(pages::whatif))
        .route("/programmes", get(pages::programmes))
        .route("/programmes/{id}", get(pages::programme))
        .route("/programmes/{id}/record", get(pages::record))
        .route("/programmes/{id}/edit", get(pages::editor))
        .route("/programmes/{id}/edit/{action}", post(pages::editor_action))
        .route("/programmes/{id}/check", post(pages::editor_check))
        .route("/programmes/{id}/history", get(pages::programme_history))
        .route("/reports", get(pages::reports))
        .route("/reports/{file}", get(pages::report_file))
        .route("/assets/{file}", get(asset))
        .route("/accessibility", get(pages::statement))
        .route("/api/session", post(api::login).delete(api::logout))
        .route("/api/check", post(api::check))
        .route("/api/cases", post(api::create))
        .route("/api/cases/{id}", get(api::case))
        .route("/api/cases/{id}/export", post(api::export))
        .route("/api/cases/{id}/erase", post(api::erase))
        .route("/api/cases/{id}/{action}", post(api::act))
        .route("/api/persons/export", post(api::person_export))
        .route("/api/persons/erase", post(api::person_erase))
        .route("/api/caseload", get(api::caseload))
        .route("/api/rollup", get(api::rollup))
        .route("/api/simulate", post(api::simulate))
        .route("/api/openapi.json", get(api_description))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(metrics::metrics))
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            server.clone(),
            forget_boards_after_writes,
        ))
        .layer(middleware::from_fn(ops::retry_once))
        .layer(middleware::from_fn(guard::worded_rejections))
        .layer(middleware::from_fn_with_state(server.clone(), guard::guard))
        .layer(middleware::from_fn_with_state(
            server.clone(),
            security_headers,
        ))
        .layer(middleware::from_fn_with_state(
            server.clone(),
            ops::with_request_id,
        ))
        .with_state(server)
}

/// Headers on every answer: no inline script may run, no other site may frame the pages,
/// pages with personal data are not cached, and under https browsers keep to https.
async fn security_headers(
    axum::extract::State(s): axum::extract::State<Shared>,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if s.origins.https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    let set = |h: &mut axum::http::HeaderMap, name: header::HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
    );
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "no-referrer");
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    response
}

/// The API's description (OpenAPI 3.1), made once.
async fn api_description() -> Response {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let text = TEXT.get_or_init(openapi::json).clone();
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        text,
    )
        .into_response()
}

const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "style.css" => (STYLE_CSS, "text/css; charset=utf-8"),
        _ => return axum::http::StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        body,
    )
        .into_response()
}
