//! Who may use the team application: users with a role and a team, passwords hashed with
//! argon2, sessions identified by a random token of which only the SHA-256 is stored, a CSRF
//! token per session, and throttling of failed logins (ten within fifteen minutes lock the name
//! for the rest of that window). Every change to a user is audited with the actor's name.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{AppError, Ctx, Need, Role};
use traject_model::text::Lang;
use traject_store::users::UserRow;
use traject_store::Store;

/// Failed logins allowed within `FAILURE_WINDOW_SECS` before further attempts are refused.
pub const MAX_FAILURES: i64 = 10;
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;
/// How long a session lasts: one working day.
pub const SESSION_SECS: i64 = 10 * 60 * 60;
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// Wrong name or password (the two are not told apart), or a disabled user.
    BadCredentials,
    Throttled {
        retry_after_secs: i64,
    },
    Exists {
        name: String,
    },
    Unknown {
        name: String,
    },
    WeakPassword,
    BadName {
        name: String,
    },
    TeamMissing,
    Hash(String),
    OtherOrganisation {
        org: String,
    },
}

/// A user to add.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    pub team: Option<String>,
    pub lang: Option<Lang>,
    /// The organisation the user works for; `None` for a user across organisations.
    pub org: Option<String>,
}

/// The person behind a session: what the front end needs to act for them.
#[derive(Debug, Clone, Serialize)]
pub struct SessionUser {
    pub name: String,
    pub role: Role,
    pub team: Option<String>,
    pub lang: Option<Lang>,
    pub org: Option<String>,
    #[serde(skip)]
    pub csrf: String,
}

impl SessionUser {
    /// The use-case context for this person on `on`.
    pub fn ctx(&self, on: chrono::NaiveDate) -> Ctx {
        Ctx {
            on,
            actor: self.name.clone(),
            role: self.role,
            team: self.team.clone(),
            org: self.org.clone(),
        }
    }
}

/// A new session: the token goes into the cookie and nowhere else.
#[derive(Debug, Clone)]
pub struct Opened {
    pub token: String,
    pub user: SessionUser,
    pub expires_in_secs: i64,
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

fn hash_password(password: &str) -> Result<String, AuthError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AuthError::WeakPassword);
    }
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| AuthError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

fn random_bytes<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(buf)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database keeps of a session token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub fn add(
    store: &mut Store,
    user: &NewUser,
    password: &str,
    ctx: &Ctx,
) -> Result<UserRow, AppError> {
    ctx.require(Need::ManageUsers)?;
    if !valid_name(&user.name) {
        return Err(AuthError::BadName {
            name: user.name.clone(),
        }
        .into());
    }
    if user.role == Role::SocialWorker && user.team.is_none() {
        return Err(AuthError::TeamMissing.into());
    }
    // A coordinator of one organisation adds users to it only.
    let org = match (&ctx.org, &user.org) {
        (Some(mine), Some(theirs)) if mine != theirs => {
            return Err(AuthError::OtherOrganisation {
                org: theirs.clone(),
            }
            .into())
        }
        (Some(mine), _) => Some(mine.clone()),
        (None, theirs) => theirs.clone(),
    };
    let hash = hash_password(password)?;
    let row = UserRow {
        name: user.name.clone(),
        role: user.role.as_str().to_string(),
        team: user.team.clone(),
        lang: user.lang.map(|l| l.to_string()),
        disabled: false,
        created_on: ctx.on.to_string(),
        org,
    };
    let audit = ctx.audit(
        &format!("add user ({})", user.role),
        format!("user:{}", user.name),
    );
    if !store.add_user(&row, &hash, &audit)? {
        return Err(AuthError::Exists {
            name: user.name.clone(),
        }
        .into());
    }
    Ok(row)
}

pub fn list(store: &Store, ctx: &Ctx) -> Result<Vec<UserRow>, AppError> {
    ctx.require(Need::ManageUsers)?;
    Ok(store.users()?)
}

/// Disable a user (their sessions end at once; the name stays, for the audit trail).
pub fn disable(store: &mut Store, name: &str, ctx: &Ctx) -> Result<(), AppError> {
    ctx.require(Need::ManageUsers)?;
    let audit = ctx.audit("disable user", format!("user:{name}"));
    if !store.update_user(name, None, true, &audit)? {
        return Err(AuthError::Unknown { name: name.into() }.into());
    }
    Ok(())
}

/// Set a new password (their sessions end).
pub fn set_password(
    store: &mut Store,
    name: &str,
    password: &str,
    ctx: &Ctx,
) -> Result<(), AppError> {
    ctx.require(Need::ManageUsers)?;
    let hash = hash_password(password)?;
    let audit = ctx.audit("change password", format!("user:{name}"));
    if !store.update_user(name, Some(&hash), false, &audit)? {
        return Err(AuthError::Unknown { name: name.into() }.into());
    }
    Ok(())
}

/// Check a name and password and open a session. `now` is seconds since the epoch.
pub fn login(store: &mut Store, name: &str, password: &str, now: i64) -> Result<Opened, AppError> {
    let window_start = now - FAILURE_WINDOW_SECS;
    if store.failures_since(name, window_start)? >= MAX_FAILURES {
        return Err(AuthError::Throttled {
            retry_after_secs: FAILURE_WINDOW_SECS,
        }
        .into());
    }
    let found = store.user_with_hash(name)?;
    let verified = found.as_ref().is_some_and(|(user, hash)| {
        !user.disabled
            && PasswordHash::new(hash).is_ok_and(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
    });
    let Some((row, _)) = found.filter(|_| verified) else {
        store.record_failure(name, now, window_start)?;
        return Err(AuthError::BadCredentials.into());
    };
    let token = hex(&random_bytes::<32>()?);
    let csrf = hex(&random_bytes::<16>()?);
    store.open_session(
        &token_hash(&token),
        &row.name,
        &csrf,
        now,
        now + SESSION_SECS,
    )?;
    Ok(Opened {
        token,
        user: session_user(row, csrf),
        expires_in_secs: SESSION_SECS,
    })
}

fn session_user(row: UserRow, csrf: String) -> SessionUser {
    SessionUser {
        role: Role::parse(&row.role).unwrap_or(Role::Auditor),
        lang: row.lang.as_deref().and_then(|l| l.parse().ok()),
        name: row.name,
        team: row.team,
        org: row.org,
        csrf,
    }
}

/// The person behind a session token, while the session lasts.
pub fn session(store: &Store, token: &str, now: i64) -> Result<Option<SessionUser>, AppError> {
    Ok(store
        .session(&token_hash(token), now)?
        .map(|s| session_user(s.user, s.csrf)))
}

pub fn logout(store: &mut Store, token: &str) -> Result<(), AppError> {
    Ok(store.close_session(&token_hash(token))?)
}

/// Who read or changed what about a subject (`case:12`, `user:ann`): only a coordinator.
pub fn audit_trail(
    store: &Store,
    subject: &str,
    ctx: &Ctx,
) -> Result<Vec<traject_store::users::AuditRow>, AppError> {
    ctx.require(Need::ManageUsers)?;
    Ok(store.audit_of(subject)?)
}
