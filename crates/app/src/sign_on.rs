//! Single sign-on with OpenID Connect (authorization code flow with PKCE): the login round
//! trip (state, nonce and PKCE verifier kept in the store under the hash of a cookie's id, so
//! any server finishes it, once), the ID token's checks (signature by the provider's published
//! keys, issuer, audience, expiry, nonce; only asymmetric algorithms), and the person it names
//! mapped to a user — role, team and organisation from configured claims, bound to the
//! provider's subject. Fetching the provider's documents is the front end's job (it has the
//! HTTP client); nothing here logs a token or puts one in a URL.

use base64::Engine;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::users::{self, AuthError, Opened, SessionUser};
use super::{AppError, Role};
use traject_model::text::Lang;
use traject_store::users::{AuditRow, RoundTrip, UserRow};
use traject_store::Store;

/// How long a login round trip may take at the provider.
pub const ROUND_TRIP_SECS: i64 = 10 * 60;
/// Clock difference allowed between the provider and us when checking expiry.
pub const LEEWAY_SECS: u64 = 60;

/// Who may log in through the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Admission {
    /// Only users registered beforehand (`traject user add`), matched by name on their first
    /// login and by the provider's subject after that.
    #[default]
    Registered,
    /// Anyone the provider vouches for with a role: created on their first login.
    Create,
}

/// The provider and how its claims map to users (`[oidc]` in the settings).
#[derive(Debug, Clone)]
pub struct SignOnSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub scopes: Vec<String>,
    /// The provider's name on the login page's button ("Log in with …").
    pub label: String,
    pub admission: Admission,
    /// The claim whose value (before any `@`) is the user name.
    pub name_claim: String,
    /// The claim (a text or a list of texts) holding the person's roles or groups.
    pub role_claim: String,
    /// The value of `role_claim` that makes each role, in the order they are tried.
    pub role_values: Vec<(Role, String)>,
    pub team_claim: Option<String>,
    pub org_claim: Option<String>,
}

impl SignOnSettings {
    /// The settings with their defaults for a provider.
    pub fn new(issuer: &str, client_id: &str, client_secret: &str) -> SignOnSettings {
        SignOnSettings {
            issuer: issuer.trim_end_matches('/').to_string(),
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            scopes: ["openid", "profile", "email"].map(String::from).to_vec(),
            label: "OpenID Connect".to_string(),
            admission: Admission::Registered,
            name_claim: "preferred_username".to_string(),
            role_claim: "roles".to_string(),
            role_values: [Role::Coordinator, Role::SocialWorker, Role::Auditor]
                .into_iter()
                .map(|r| (r, r.as_str().to_string()))
                .collect(),
            team_claim: None,
            org_claim: None,
        }
    }
}

/// Why a login through the provider is refused. The person sees only that it failed; the log
/// says which of these (never a token or a claim's value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignOnError {
    /// No round trip for this browser (expired, finished already, or never begun).
    NoRoundTrip,
    /// The `state` the provider sent back is not this round trip's.
    StateMismatch,
    /// The provider answered with an error code (for example `access_denied`).
    Provider {
        code: String,
    },
    /// The provider cannot be reached or answered something unreadable.
    Unreachable {
        what: String,
        why: String,
    },
    /// The token is not a signed JWT, or signed with an algorithm we do not take.
    Malformed {
        why: String,
    },
    /// No published key of the provider has the token's key id.
    UnknownKey,
    BadSignature,
    Expired,
    WrongIssuer,
    WrongAudience,
    /// The nonce is not this round trip's (a replayed or injected token).
    WrongNonce,
    /// No user name in the configured claim.
    NoName,
    /// No configured role value among the person's roles.
    NoRole,
    /// A social worker without a team claim.
    NoTeam,
    /// Only registered users may log in, and there is none of this name.
    NotRegistered,
    /// The user of this name is bound to another subject of the provider.
    NameTaken,
    /// The user is disabled.
    Disabled,
}

impl From<SignOnError> for AppError {
    fn from(e: SignOnError) -> AppError {
        AppError::Auth(AuthError::SignOn(e))
    }
}

/// A login round trip just begun: the id for the short-lived cookie, and where to send the
/// browser.
#[derive(Debug, Clone)]
pub struct Begun {
    pub cookie_id: String,
    pub authorize_url: String,
}

fn random_text<const N: usize>() -> Result<String, AppError> {
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(users::random_bytes::<N>()?))
}

/// Percent-encoding of a query value (RFC 3986's unreserved characters stay).
pub fn query_escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// PKCE's S256 challenge of a verifier (RFC 7636).
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Begin a login: a fresh state, nonce and PKCE verifier kept in the store (with `kept`, what
/// the front end wants back when the login finishes), and the provider's authorization URL
/// that carries the state, the nonce and the verifier's challenge.
pub fn begin(
    store: &mut Store,
    settings: &SignOnSettings,
    authorization_endpoint: &str,
    redirect_uri: &str,
    kept: &str,
    now: i64,
) -> Result<Begun, AppError> {
    let cookie_id = random_text::<24>()?;
    let trip = RoundTrip {
        state: random_text::<24>()?,
        nonce: random_text::<24>()?,
        verifier: random_text::<48>()?,
        kept: kept.to_string(),
        expires_at: now + ROUND_TRIP_SECS,
    };
    store.begin_round_trip(&users::token_hash(&cookie_id), &trip, now)?;
    let separator = if authorization_endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    let authorize_url = format!(
        "{authorization_endpoint}{separator}response_type=code&client_id={}&redirect_uri={}&scope={}&state={}&nonce={}&code_challenge={}&code_challenge_method=S256",
        query_escape(&settings.client_id),
        query_escape(redirect_uri),
        query_escape(&settings.scopes.join(" ")),
        trip.state,
        trip.nonce,
        pkce_challenge(&trip.verifier),
    );
    Ok(Begun {
        cookie_id,
        authorize_url,
    })
}

/// Take the round trip of the cookie `cookie_id` and check the `state` the provider sent back:
/// the round trip (nonce and verifier) to finish the login with.
pub fn resume(
    store: &mut Store,
    cookie_id: &str,
    state: &str,
    now: i64,
) -> Result<RoundTrip, AppError> {
    let trip = store
        .take_round_trip(&users::token_hash(cookie_id), now)?
        .ok_or(SignOnError::NoRoundTrip)?;
    if !users::same_secret(&trip.state, state) {
        return Err(SignOnError::StateMismatch.into());
    }
    Ok(trip)
}

/// What the provider's discovery document says (`/.well-known/openid-configuration`).
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
}

/// The algorithms an ID token may be signed with: public-key ones only (a symmetric one would
/// let anyone who knows the client secret make tokens, and `none` anyone at all).
const ALGORITHMS: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// The key id an ID token names (to find its key among the provider's, fetching them again
/// when a new one appears: keys rotate).
pub fn key_id(token: &str) -> Result<Option<String>, SignOnError> {
    jsonwebtoken::decode_header(token)
        .map(|h| h.kid)
        .map_err(|e| SignOnError::Malformed { why: e.to_string() })
}

/// The claims of an ID token, once its signature (by one of `keys`), issuer, audience, expiry
/// and nonce are checked.
pub fn verify_id_token(
    token: &str,
    keys: &JwkSet,
    issuer: &str,
    client_id: &str,
    nonce: &str,
    now: i64,
) -> Result<serde_json::Map<String, serde_json::Value>, SignOnError> {
    let header = jsonwebtoken::decode_header(token)
        .map_err(|e| SignOnError::Malformed { why: e.to_string() })?;
    if !ALGORITHMS.contains(&header.alg) {
        return Err(SignOnError::Malformed {
            why: format!("algorithm {:?} is not taken", header.alg),
        });
    }
    let jwk = match &header.kid {
        Some(kid) => keys.find(kid),
        None if keys.keys.len() == 1 => keys.keys.first(),
        None => None,
    }
    .ok_or(SignOnError::UnknownKey)?;
    let key =
        DecodingKey::from_jwk(jwk).map_err(|e| SignOnError::Malformed { why: e.to_string() })?;
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = LEEWAY_SECS;
    // Expiry is checked against `now` below (the library reads the system clock).
    validation.validate_exp = false;
    let data = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
        token,
        &key,
        &validation,
    )
    .map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::InvalidSignature => SignOnError::BadSignature,
            ErrorKind::InvalidIssuer => SignOnError::WrongIssuer,
            ErrorKind::InvalidAudience => SignOnError::WrongAudience,
            ErrorKind::ExpiredSignature => SignOnError::Expired,
            _ => SignOnError::Malformed { why: e.to_string() },
        }
    })?;
    let claims = data.claims;
    let expires = claims.get("exp").and_then(|v| v.as_i64()).unwrap_or(0);
    if expires + LEEWAY_SECS as i64 <= now {
        return Err(SignOnError::Expired);
    }
    let given = claims.get("nonce").and_then(|v| v.as_str()).unwrap_or("");
    if !users::same_secret(nonce, given) {
        return Err(SignOnError::WrongNonce);
    }
    Ok(claims)
}

fn text_claim<'a>(
    claims: &'a serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<&'a str> {
    claims
        .get(name)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The role the person's claims give, in the configured order.
fn role_of(
    claims: &serde_json::Map<String, serde_json::Value>,
    settings: &SignOnSettings,
) -> Option<Role> {
    let values: Vec<&str> = match claims.get(&settings.role_claim) {
        Some(serde_json::Value::String(s)) => vec![s.as_str()],
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(|v| v.as_str()).collect(),
        _ => Vec::new(),
    };
    settings
        .role_values
        .iter()
        .find(|(_, value)| values.contains(&value.as_str()))
        .map(|(role, _)| *role)
}

/// The user the checked claims describe, bound to the provider's subject, and a session for
/// them. Role, team and organisation come from the claims (the provider is where IT manages
/// people); a registered user without a role claim keeps the role they have.
pub fn finish(
    store: &mut Store,
    settings: &SignOnSettings,
    claims: &serde_json::Map<String, serde_json::Value>,
    now: i64,
) -> Result<Opened, AppError> {
    let issuer = text_claim(claims, "iss").unwrap_or_default();
    let sub = text_claim(claims, "sub").unwrap_or_default();
    let subject = format!("{issuer} {sub}");
    let bound = store.user_by_subject(&subject)?;
    let name = match &bound {
        Some(user) => user.name.clone(),
        None => text_claim(claims, &settings.name_claim)
            .map(|n| n.split('@').next().unwrap_or(n).to_string())
            .filter(|n| users::valid_name(n))
            .ok_or(SignOnError::NoName)?,
    };
    let known = match bound {
        Some(user) => Some(user),
        None => store.users()?.into_iter().find(|u| u.name == name),
    };
    if known.is_none() && settings.admission == Admission::Registered {
        return Err(SignOnError::NotRegistered.into());
    }
    if known.as_ref().is_some_and(|u| u.disabled) {
        return Err(SignOnError::Disabled.into());
    }
    let row = described(claims, settings, &name, known.as_ref(), now)?;
    let role = Role::parse(&row.role).ok_or(SignOnError::NoRole)?;
    let today = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default();
    let audit = |action: &str| AuditRow {
        at: today.to_rfc3339(),
        actor: name.clone(),
        role: role.as_str().to_string(),
        action: action.to_string(),
        subject: format!("user:{name}"),
    };
    let mut rows = vec![audit("log in through the OpenID provider")];
    if known.is_none() {
        rows.insert(
            0,
            audit(&format!(
                "add user ({}) on first login through the OpenID provider",
                role.as_str()
            )),
        );
    }
    if !store.bind_subject(&row, &subject, known.is_none(), &rows)? {
        return Err(SignOnError::NameTaken.into());
    }
    let person: SessionUser = users::session_user(row, String::new());
    users::open(store, person, now)
}

/// The user the claims describe: role, team and organisation from the configured claims (a
/// known user keeps theirs where a claim is absent), language from `locale`.
fn described(
    claims: &serde_json::Map<String, serde_json::Value>,
    settings: &SignOnSettings,
    name: &str,
    known: Option<&UserRow>,
    now: i64,
) -> Result<UserRow, SignOnError> {
    let role = match (role_of(claims, settings), known) {
        (Some(role), _) => role,
        (None, Some(user)) => Role::parse(&user.role).ok_or(SignOnError::NoRole)?,
        (None, None) => return Err(SignOnError::NoRole),
    };
    let claimed = |c: &Option<String>| {
        c.as_deref()
            .and_then(|c| text_claim(claims, c))
            .map(String::from)
    };
    let team = claimed(&settings.team_claim).or_else(|| known.and_then(|u| u.team.clone()));
    let org = claimed(&settings.org_claim).or_else(|| known.and_then(|u| u.org.clone()));
    if role == Role::SocialWorker && team.is_none() {
        return Err(SignOnError::NoTeam);
    }
    let lang = text_claim(claims, "locale")
        .and_then(|l| l.get(..2))
        .and_then(|l| l.parse::<Lang>().ok())
        .map(|l| l.code().to_string());
    let today = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default();
    let row = UserRow {
        name: name.to_string(),
        role: role.as_str().to_string(),
        team,
        lang: lang.or_else(|| known.and_then(|u| u.lang.clone())),
        disabled: false,
        created_on: today.date_naive().to_string(),
        org,
        second_factor: false,
        // The address is the user's own setting (`user email`), never taken from a login.
        email: known.and_then(|u| u.email.clone()),
    };
    Ok(row)
}
