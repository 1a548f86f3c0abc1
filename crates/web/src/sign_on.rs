//! Logging in through the OCMW's OpenID provider: `/login/oidc` begins the round trip (a
//! short-lived `SameSite=Lax` cookie pairs the browser with it: the provider's redirect back is
//! a cross-site navigation, which a `Strict` cookie would not survive) and sends the browser
//! to the provider; `/login/oidc/callback` takes the code back, exchanges it at the token
//! endpoint (with the client secret and the PKCE verifier), checks the ID token and opens a
//! session. The provider's discovery document and keys are fetched over https and kept; a
//! token signed with a key not seen yet fetches the keys again (providers rotate them), at most
//! once a minute. Failures are logged by kind — never a token, code or claim — and shown as
//! the login page with what the person can do.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use traject_app::sign_on::{self, Discovery, SignOnError, SignOnSettings};
use traject_app::AppError;
use traject_i18n::Lang;

use super::auth::{self, blocking, now};
use super::failure::Failure;
use super::Shared;

/// The cookie that pairs a browser with its login round trip.
pub const COOKIE: &str = "traject_oidc";
/// The callback's path (the provider must know the redirect URI built from it).
pub const CALLBACK: &str = "/login/oidc/callback";
/// How long the discovery document is kept before it is fetched again.
const DISCOVERY_KEPT: Duration = Duration::from_secs(3600);
/// The shortest time between two fetches of the keys for an unknown key id.
const KEYS_REFETCH: Duration = Duration::from_secs(60);
/// The longest a call to the provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest document taken from the provider.
const MAX_DOCUMENT: u64 = 1 << 20;

/// The configured provider, with what was fetched from it.
pub struct Provider {
    pub settings: SignOnSettings,
    redirect_uri: String,
    agent: ureq::Agent,
    fetched: Mutex<Option<Fetched>>,
}

#[derive(Clone)]
struct Fetched {
    discovery: Discovery,
    keys: JwkSet,
    at: Instant,
    keys_at: Instant,
}

fn unreachable(what: &str, why: impl ToString) -> SignOnError {
    SignOnError::Unreachable {
        what: what.to_string(),
        why: why.to_string(),
    }
}

impl Provider {
    /// The provider of `settings`, whose redirect URI is under `public_url`.
    pub fn new(settings: SignOnSettings, public_url: &str) -> Provider {
        Provider {
            settings,
            redirect_uri: format!("{}{CALLBACK}", public_url.trim_end_matches('/')),
            agent: ureq::AgentBuilder::new()
                .timeout(PROVIDER_TIMEOUT)
                .redirects(0)
                .build(),
            fetched: Mutex::new(None),
        }
    }

    fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        url: &str,
    ) -> Result<T, SignOnError> {
        let response = self
            .agent
            .get(url)
            .call()
            .map_err(|e| unreachable(what, e))?;
        let reader = std::io::Read::take(response.into_reader(), MAX_DOCUMENT);
        serde_json::from_reader(reader).map_err(|e| unreachable(what, e))
    }

    /// The discovery document and keys, fetched when not kept or too old.
    fn fetched(&self) -> Result<Fetched, SignOnError> {
        if let Some(f) = self.kept().filter(|f| f.at.elapsed() < DISCOVERY_KEPT) {
            return Ok(f);
        }
        let url = format!("{}/.well-known/openid-configuration", self.settings.issuer);
        let discovery: Discovery = self.get_json("discovery document", &url)?;
        if discovery.issuer.trim_end_matches('/') != self.settings.issuer {
            return Err(SignOnError::WrongIssuer);
        }
        let keys: JwkSet = self.get_json("keys", &discovery.jwks_uri)?;
        let now = Instant::now();
        let f = Fetched {
            discovery,
            keys,
            at: now,
            keys_at: now,
        };
        *self.fetched.lock().unwrap_or_else(|p| p.into_inner()) = Some(f.clone());
        Ok(f)
    }

    fn kept(&self) -> Option<Fetched> {
        self.fetched
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The keys again (a token names a key id not among them), unless fetched a moment ago.
    fn refetch_keys(&self, f: &Fetched) -> Result<Option<JwkSet>, SignOnError> {
        if f.keys_at.elapsed() < KEYS_REFETCH {
            return Ok(None);
        }
        let keys: JwkSet = self.get_json("keys", &f.discovery.jwks_uri)?;
        let mut kept = self.fetched.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = kept.as_mut() {
            k.keys = keys.clone();
            k.keys_at = Instant::now();
        }
        Ok(Some(keys))
    }

    /// Check an ID token against the provider's keys (fetched again once for a new key id).
    pub fn verify(
        &self,
        token: &str,
        nonce: &str,
        now: i64,
    ) -> Result<serde_json::Map<String, serde_json::Value>, SignOnError> {
        let f = self.fetched()?;
        let check = |keys: &JwkSet| {
            sign_on::verify_id_token(
                token,
                keys,
                &f.discovery.issuer,
                &self.settings.client_id,
                nonce,
                now,
            )
        };
        match check(&f.keys) {
            Err(SignOnError::UnknownKey) => match self.refetch_keys(&f)? {
                Some(keys) => check(&keys),
                None => Err(SignOnError::UnknownKey),
            },
            other => other,
        }
    }

    /// Exchange the authorization code for the ID token (client secret by HTTP Basic, as
    /// `client_secret_basic`, the default every provider takes).
    fn exchange(&self, code: &str, verifier: &str) -> Result<String, SignOnError> {
        use base64::Engine;
        let f = self.fetched()?;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            form_escape(&self.settings.client_id),
            form_escape(&self.settings.client_secret)
        ));
        let answer = self
            .agent
            .post(&f.discovery.token_endpoint)
            .set("Authorization", &format!("Basic {basic}"))
            .send_form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", &self.redirect_uri),
                ("code_verifier", verifier),
            ]);
        let response = match answer {
            Ok(r) => r,
            // The provider refused the code (used before, expired, or not ours).
            Err(ureq::Error::Status(status, _)) if status < 500 => {
                return Err(SignOnError::Provider {
                    code: format!("token endpoint answered {status}"),
                })
            }
            Err(e) => return Err(unreachable("token endpoint", e)),
        };
        #[derive(Deserialize)]
        struct Tokens {
            id_token: String,
        }
        let reader = std::io::Read::take(response.into_reader(), MAX_DOCUMENT);
        let tokens: Tokens =
            serde_json::from_reader(reader).map_err(|e| unreachable("token endpoint", e))?;
        Ok(tokens.id_token)
    }
}

/// `application/x-www-form-urlencoded` escaping, which HTTP Basic client credentials use
/// (RFC 6749, 2.3.1).
fn form_escape(value: &str) -> String {
    sign_on::query_escape(value).replace("%20", "+")
}

/// The round trip's cookie (the value is always one the server made).
fn round_trip_cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; HttpOnly; SameSite=Lax; Path=/login/oidc; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[derive(Deserialize, Default)]
pub struct BeginQuery {
    lang: Option<Lang>,
}

/// Without a configured provider these addresses are not found (a page, as any other unknown
/// address).
fn no_provider(headers: &HeaderMap) -> Response {
    super::pages::failure_response("/login/oidc", headers, Failure::not_found())
}

/// `GET /login/oidc`: begin a round trip and send the browser to the provider.
pub async fn begin(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<BeginQuery>,
) -> Response {
    let lang = q.lang.unwrap_or(Lang::Nl);
    let Some(provider) = s.sign_on.clone() else {
        return no_provider(&headers);
    };
    let server = s.clone();
    let begun = blocking(move || {
        let f = provider.fetched().map_err(|e| logged(e.into()))?;
        let mut store = server.store()?;
        Ok(sign_on::begin(
            &mut store,
            &provider.settings,
            &f.discovery.authorization_endpoint,
            &provider.redirect_uri,
            lang.code(),
            now(),
        )?)
    })
    .await;
    match begun {
        Ok(b) => {
            let location = HeaderValue::from_str(&b.authorize_url)
                .unwrap_or_else(|_| HeaderValue::from_static("/login"));
            (
                StatusCode::SEE_OTHER,
                [
                    (
                        header::SET_COOKIE,
                        round_trip_cookie(
                            &b.cookie_id,
                            sign_on::ROUND_TRIP_SECS,
                            s.secure_cookies(),
                        ),
                    ),
                    (header::LOCATION, location),
                ],
            )
                .into_response()
        }
        Err(f) => refused(&s, lang, f),
    }
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /login/oidc/callback`: finish the round trip and open a session.
pub async fn callback(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let Some(provider) = s.sign_on.clone() else {
        return no_provider(&headers);
    };
    let cookie_id = auth::cookie(&headers, COOKIE).unwrap_or_default();
    let server = s.clone();
    let finished = blocking(move || {
        let mut store = server.store()?;
        let trip = sign_on::resume(
            &mut store,
            &cookie_id,
            q.state.as_deref().unwrap_or(""),
            now(),
        )
        .map_err(logged)?;
        let lang: Lang = trip.kept.parse().unwrap_or(Lang::Nl);
        let result = (|| {
            if let Some(error) = q.error {
                // The provider's own error code, kept to its characters (it goes to the log).
                let code: String = error
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .take(40)
                    .collect();
                return Err(SignOnError::Provider { code }.into());
            }
            let code = q.code.unwrap_or_default();
            let token = provider.exchange(&code, &trip.verifier)?;
            let claims = provider.verify(&token, &trip.nonce, now())?;
            sign_on::finish(&mut store, &provider.settings, &claims, now())
        })();
        result.map_err(|e: AppError| {
            let mut f = Failure::from(logged(e));
            f.lang = Some(lang);
            f
        })
    })
    .await;
    match finished {
        Ok(opened) => signed_in(&s, &opened),
        Err(f) => {
            let lang = f.lang.unwrap_or(Lang::Nl);
            refused(&s, lang, f)
        }
    }
}

/// The session cookie, and a page that moves on to the board itself: the browser arrived
/// from the provider (a cross-site navigation), so a redirect would reach the board without
/// the `SameSite=Strict` session cookie; a page of ours that moves on is same-site.
fn signed_in(s: &Shared, opened: &traject_app::users::Opened) -> Response {
    let lang = opened.user.lang.unwrap_or(Lang::Nl);
    let page = super::pages::moving_on(lang, "/board");
    let mut response = (
        StatusCode::OK,
        [(
            header::SET_COOKIE,
            auth::session_cookie(&opened.token, opened.expires_in_secs, s.secure_cookies()),
        )],
        Html(page.into_string()),
    )
        .into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        round_trip_cookie("", 0, s.secure_cookies()),
    );
    response
}

/// A refused login through the provider, logged by its kind for IT (the person is told only
/// what they can do). The kinds carry no token, code or claim value.
fn logged(e: AppError) -> AppError {
    if let AppError::Auth(traject_app::users::AuthError::SignOn(kind)) = &e {
        tracing::warn!(reason = ?kind, "login through the OpenID provider refused");
    }
    e
}

/// The login page with why the login through the provider failed.
fn refused(s: &Shared, lang: Lang, mut f: Failure) -> Response {
    // The same sentence for every way a proof can be wrong (the log has which).
    f.lang = Some(lang);
    let mut response = super::pages::login_response(s, f.status, lang, Some(&f));
    response.headers_mut().append(
        header::SET_COOKIE,
        round_trip_cookie("", 0, s.secure_cookies()),
    );
    response
}
