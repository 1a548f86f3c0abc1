//! Who may use the team application: users with a role and a team, passwords hashed with
//! argon2, sessions identified by a random token of which only the SHA-256 is stored, a CSRF
//! token per session, and throttling of failed logins that cannot lock the owner out: failures
//! count per (user name, client address) — after `FREE_FAILURES` each further try from there
//! waits twice as long, up to `MAX_DELAY_SECS` — and per client address (`ADDRESS_FAILURES`
//! in a window close that address), so guesses from one address never stop the owner logging
//! in from another. A name is stored only as a keyed hash, never as text; unknown names cost
//! the same argon2 work as known ones. Every change to a user, and every throttling, is
//! audited.

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::Argon2;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::second_factor::{self, LoginPolicy, SecondFactorCheck};
use super::{AppError, Ctx, Need, Role};
use traject_model::text::Lang;
use traject_store::users::UserRow;
use traject_store::Store;

/// Failures are counted within this window (a quiet quarter of an hour starts again).
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;
/// Failures for one name from one address before each further try must wait.
pub const FREE_FAILURES: i64 = 5;
/// The longest wait between tries for one name from one address.
pub const MAX_DELAY_SECS: i64 = 15 * 60;
/// Failures from one address (any names) in a window before that address must wait out the
/// window: an office behind one address makes mistakes, not a hundred in a quarter hour.
pub const ADDRESS_FAILURES: i64 = 100;
/// The most keys the failure counts keep (each row under 150 bytes: about 1.5 MB).
pub const MAX_THROTTLE_KEYS: i64 = 10_000;
/// The longest user name and password looked at; longer ones are wrong without a look.
pub const MAX_NAME_CHARS: usize = 64;
pub const MAX_PASSWORD_BYTES: usize = 1024;
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
    /// An e-mail address that cannot be one (nothing of it is repeated: it is personal data).
    BadEmail,
    TeamMissing,
    Hash(String),
    OtherOrganisation {
        org: String,
    },
    /// The password was right and the user has a second factor: a code is needed too.
    SecondFactorMissing,
    /// The user's role must log in with a second factor and they have not enrolled one.
    SecondFactorNotEnrolled,
    /// A login through the OpenID provider that cannot be accepted (what was wrong is logged
    /// for IT, never shown: it may be an attack).
    SignOn(crate::sign_on::SignOnError),
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
    /// Where the server's reminders go.
    pub email: Option<String>,
}

/// The person behind a session: what the front end needs to act for them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

pub(crate) fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// An e-mail address as a mail server takes it: one `@`, a local part of printable characters
/// without spaces or the characters that need quoting, and a domain of at least two labels of
/// letters, digits and hyphens. Spaces around it are dropped. Deliberately stricter than
/// RFC 5321 allows: an address a team types for a colleague is never a quoted one.
pub fn checked_email(given: &str) -> Result<String, AuthError> {
    let address = given.trim();
    let (local, domain) = address.split_once('@').ok_or(AuthError::BadEmail)?;
    let local_ok = (1..=64).contains(&local.len())
        && local
            .chars()
            .all(|c| c.is_ascii_graphic() && !"<>()[],;:\"\\@".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
    if local_ok && domain_ok && address.len() <= 254 {
        Ok(address.to_string())
    } else {
        Err(AuthError::BadEmail)
    }
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

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(buf)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Two secrets compared in constant time.
pub fn same_secret(expected: &str, given: &str) -> bool {
    let (expected, given) = (expected.as_bytes(), given.as_bytes());
    expected.len() == given.len()
        && expected
            .iter()
            .zip(given)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
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
    let email = user.email.as_deref().map(checked_email).transpose()?;
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
        second_factor: false,
        email,
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

/// The key failures of `name` from `address` count against: never the name's text.
fn pair_key(name: &str, address: &str) -> String {
    let digest = Sha256::digest(format!("traject-login\0{name}").as_bytes());
    format!("name:{}@{address}", hex(&digest[..16]))
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

/// How long the next try of a key with `failures` failures, the last at `last_at`, must
/// wait from `now` (0: it may try).
fn wait_for(failures: i64, last_at: i64, now: i64) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let delay = 1i64
        .checked_shl((failures - FREE_FAILURES).min(20) as u32)
        .unwrap_or(MAX_DELAY_SECS)
        .min(MAX_DELAY_SECS);
    (last_at + delay - now).max(0)
}

/// When a try that began at `now` (whole seconds) failed: once its check is done, rounded up
/// to the next whole second. A wait counts from there — a check under load can take longer
/// than the first wait (a second), which, counted from the try's start, would have passed
/// before the next try came.
fn failed_at(now: i64, checking: std::time::Instant) -> i64 {
    now + checking.elapsed().as_secs_f64().ceil() as i64
}

/// A hash to verify unknown names against, so that they cost what known names cost.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::encode_b64(b"traject-decoy-salt").expect("a valid constant salt");
        Argon2::default()
            .hash_password(b"no password matches this one", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Argon2's working memory (19 MiB per check with the default parameters), kept between
/// checks: allocated afresh on every login, the allocator keeps it per thread and a server
/// grows by hundreds of megabytes under a flood of logins. At most `KEPT_MEMORIES` are kept
/// (the web server runs at most that many checks at once).
static MEMORIES: std::sync::Mutex<Vec<Vec<argon2::Block>>> = std::sync::Mutex::new(Vec::new());
const KEPT_MEMORIES: usize = 4;

fn memory(blocks: usize) -> Vec<argon2::Block> {
    let mut kept = MEMORIES.lock().unwrap_or_else(|p| p.into_inner());
    match kept.iter().position(|m| m.len() == blocks) {
        Some(i) => kept.swap_remove(i),
        None => vec![argon2::Block::default(); blocks],
    }
}

fn keep(memory: Vec<argon2::Block>) {
    let mut kept = MEMORIES.lock().unwrap_or_else(|p| p.into_inner());
    if kept.len() < KEPT_MEMORIES {
        kept.push(memory);
    }
}

/// Whether `password` hashes to the stored PHC string `hash` (argon2, any of its variants and
/// parameters), compared in constant time.
fn verify(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(params), Some(expected), Some(salt)) =
        (argon2::Params::try_from(&parsed), parsed.hash, parsed.salt)
    else {
        return false;
    };
    let Ok(algorithm) = argon2::Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(argon2::Version::try_from) {
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
        None => argon2::Version::default(),
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    let argon = Argon2::new(algorithm, version, params);
    let mut work = memory(blocks);
    let mut out = vec![0u8; expected.len()];
    let hashed = argon
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut work)
        .is_ok();
    keep(work);
    hashed
        && out
            .iter()
            .zip(expected.as_bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// What a login form or request gives.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    pub name: &'a str,
    pub password: &'a str,
    /// The second factor's code (or a recovery code), when the user has one.
    pub code: Option<&'a str>,
}

/// Check a name, password and second factor from a client address and open a session. `now`
/// is seconds since the epoch. Throttled tries are refused before the password is looked at;
/// a wrong code counts as a failed login.
pub fn login(
    store: &mut Store,
    given: Credentials,
    policy: &LoginPolicy,
    address: &str,
    now: i64,
) -> Result<Opened, AppError> {
    let (name, password) = (given.name, given.password);
    let checking = std::time::Instant::now();
    let since = now - FAILURE_WINDOW_SECS;
    // A name no user can have is wrong without a look (and leaves nothing behind but the
    // address's count): the rule for names is public, so nothing is learnt from its speed.
    let plausible = name.chars().count() <= MAX_NAME_CHARS
        && valid_name(name)
        && password.len() <= MAX_PASSWORD_BYTES;
    let pair = plausible.then(|| pair_key(name, address));
    let by_address = address_key(address);
    let address_count = store.throttle(&by_address, since)?;
    let pair_count = match &pair {
        Some(key) => store.throttle(key, since)?,
        None => None,
    };
    let mut wait = 0;
    if let Some(t) = address_count.filter(|t| t.failures >= ADDRESS_FAILURES) {
        wait = t.last_at.max(since) + FAILURE_WINDOW_SECS - now;
    }
    if let Some(t) = pair_count {
        wait = wait.max(wait_for(t.failures, t.last_at, now));
    }
    if wait > 0 {
        return Err(AuthError::Throttled {
            retry_after_secs: wait,
        }
        .into());
    }
    let found = if plausible {
        store.user_with_hash(name)?
    } else {
        None
    };
    let verified = match &found {
        Some((user, hash)) => verify(password, hash) && !user.disabled,
        None => {
            if plausible {
                verify(password, decoy_hash());
            }
            false
        }
    };
    let counts = Counts {
        pair: pair
            .as_deref()
            .map(|key| (key, pair_count.map_or(0, |t| t.failures))),
        address: (&by_address, address_count.map_or(0, |t| t.failures)),
    };
    let Some((row, _)) = found.filter(|_| verified) else {
        record_failure(store, counts, address, failed_at(now, checking))?;
        return Err(AuthError::BadCredentials.into());
    };
    let person = session_user(row, String::new());
    match second_factor::check(store, &person, given.code, policy, now)? {
        SecondFactorCheck::NotNeeded | SecondFactorCheck::Passed => {}
        SecondFactorCheck::Missing => return Err(AuthError::SecondFactorMissing.into()),
        SecondFactorCheck::NotEnrolled => return Err(AuthError::SecondFactorNotEnrolled.into()),
        SecondFactorCheck::Wrong => {
            record_failure(store, counts, address, failed_at(now, checking))?;
            return Err(AuthError::BadCredentials.into());
        }
    }
    if let Some(key) = &pair {
        store.clear_throttle(key)?;
    }
    open(store, person, now)
}

/// A new session for `person` (whose identity has been checked).
pub(crate) fn open(store: &mut Store, person: SessionUser, now: i64) -> Result<Opened, AppError> {
    let token = hex(&random_bytes::<32>()?);
    let csrf = hex(&random_bytes::<16>()?);
    store.open_session(
        &token_hash(&token),
        &person.name,
        &csrf,
        now,
        now + SESSION_SECS,
    )?;
    Ok(Opened {
        token,
        user: SessionUser { csrf, ..person },
        expires_in_secs: SESSION_SECS,
    })
}

/// The throttling keys of a failed login and the failures counted against each before it.
struct Counts<'a> {
    pair: Option<(&'a str, i64)>,
    address: (&'a str, i64),
}

/// Count a failure against the (name, address) pair and the address, and audit the moment
/// either starts to be throttled (once per window, so the audit trail cannot be flooded).
fn record_failure(
    store: &mut Store,
    counts: Counts,
    address: &str,
    now: i64,
) -> Result<(), AppError> {
    let since = now - FAILURE_WINDOW_SECS;
    let mut audit = Vec::new();
    let at = chrono::DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .to_rfc3339();
    let row = |action: String| traject_store::users::AuditRow {
        at: at.clone(),
        actor: "-".into(),
        role: "-".into(),
        action,
        subject: format!("address:{address}"),
    };
    if counts.address.1 + 1 == ADDRESS_FAILURES {
        audit.push(row(format!(
            "login throttled: {ADDRESS_FAILURES} failed logins from this address"
        )));
    }
    if counts.pair.is_some_and(|(_, n)| n + 1 == FREE_FAILURES) {
        audit.push(row(format!(
            "login throttled: {FREE_FAILURES} failed logins for one user name from this address"
        )));
    }
    let keys: Vec<&str> = counts
        .pair
        .map(|(key, _)| key)
        .into_iter()
        .chain([counts.address.0])
        .collect();
    store.record_failure(&keys, now, since, MAX_THROTTLE_KEYS, &audit)?;
    Ok(())
}

pub(crate) fn session_user(row: UserRow, csrf: String) -> SessionUser {
    SessionUser {
        role: Role::parse(&row.role).unwrap_or(Role::Auditor),
        lang: row.lang.as_deref().and_then(|l| l.parse().ok()),
        name: row.name,
        team: row.team,
        org: row.org,
        csrf,
    }
}

/// The person behind a session token, while the session lasts, and the programme history's
/// mark for `Catalogue::follow_from`, read together: what every request reads first.
pub fn session_and_mark(
    store: &Store,
    token: &str,
    now: i64,
) -> Result<(Option<SessionUser>, i64), AppError> {
    let (session, mark) = store.session_and_history_mark(&token_hash(token), now)?;
    Ok((session.map(|s| session_user(s.user, s.csrf)), mark))
}

/// The user `name` as `ctx` may act on them: one of its organisation's (any, for someone
/// across organisations); else unknown, as a user elsewhere must not be told apart from none.
pub(crate) fn user_in_reach(store: &Store, name: &str, ctx: &Ctx) -> Result<UserRow, AppError> {
    store
        .user(name)?
        .filter(|u| ctx.org.is_none() || u.org == ctx.org)
        .ok_or_else(|| {
            AuthError::Unknown {
                name: name.to_string(),
            }
            .into()
        })
}

/// The e-mail address of the person behind a session (their own: no role needed).
pub fn own_email(store: &Store, user: &SessionUser) -> Result<Option<String>, AppError> {
    Ok(store.user(&user.name)?.and_then(|u| u.email))
}

/// Set (or, with `None`, remove) the e-mail address the server's reminders go to: a
/// coordinator for anyone in their organisation, anyone for themselves. Audited without the
/// address.
pub fn set_email(
    store: &mut Store,
    name: &str,
    email: Option<&str>,
    ctx: &Ctx,
) -> Result<(), AppError> {
    if name != ctx.actor {
        ctx.require(Need::ManageUsers)?;
    }
    let email = email.map(checked_email).transpose()?;
    user_in_reach(store, name, ctx)?;
    let what = if email.is_some() {
        "set e-mail address"
    } else {
        "remove e-mail address"
    };
    let audit = ctx.audit(what, format!("user:{name}"));
    if store.set_user_email(name, email.as_deref(), &audit)? {
        Ok(())
    } else {
        Err(AuthError::Unknown {
            name: name.to_string(),
        }
        .into())
    }
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

/// Who acts at the command line. With `actor` on a store that has users: that user, who must
/// exist and be enabled, in their own role, team and organisation (so the role is checked as
/// on the web). With `actor` on a store without users: that name, as the command line. Without
/// `actor`: the operating-system user, as the command line — never a web role.
pub fn acting(
    store: &Store,
    actor: Option<&str>,
    org: Option<String>,
    on: chrono::NaiveDate,
) -> Result<Ctx, AppError> {
    let command_line = |actor: String| Ctx {
        on,
        actor,
        role: Role::CommandLine,
        team: None,
        org: org.clone(),
    };
    let Some(name) = actor else {
        return Ok(command_line(system_user()));
    };
    let users = store.users()?;
    if users.is_empty() {
        return Ok(command_line(name.to_string()));
    }
    let user = users
        .into_iter()
        .find(|u| u.name == name && !u.disabled)
        .ok_or_else(|| AuthError::Unknown {
            name: name.to_string(),
        })?;
    if let (Some(given), Some(theirs)) = (&org, &user.org) {
        if given != theirs {
            return Err(AuthError::OtherOrganisation {
                org: theirs.clone(),
            }
            .into());
        }
    }
    Ok(Ctx {
        on,
        actor: user.name,
        role: Role::parse(&user.role).ok_or_else(|| AuthError::Unknown {
            name: name.to_string(),
        })?,
        team: user.team,
        org: user.org.or(org),
    })
}

/// The operating-system user running this process: `$USER`, `$LOGNAME`, else the numeric
/// user id (never "unknown").
pub fn system_user() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .or_else(|| {
            let status = std::fs::read_to_string("/proc/self/status").ok()?;
            let uid = status.lines().find_map(|l| l.strip_prefix("Uid:"))?;
            Some(format!("uid {}", uid.split_whitespace().next()?))
        })
        .unwrap_or_else(|| "uid ?".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reused_memory_check_agrees_with_argon2_and_tells_wrong_from_right() {
        let stored = hash_password("a long passphrase").unwrap();
        for _ in 0..3 {
            assert!(verify("a long passphrase", &stored));
            assert!(!verify("a long passphrasE", &stored));
        }
        // A hash made with other parameters (and another variant) is checked with its own.
        let other = Argon2::new(
            argon2::Algorithm::Argon2i,
            argon2::Version::V0x13,
            argon2::Params::new(8 * 1024, 2, 1, None).unwrap(),
        )
        .hash_password(
            b"another passphrase",
            &SaltString::encode_b64(b"0123456789abcdef").unwrap(),
        )
        .unwrap()
        .to_string();
        assert!(verify("another passphrase", &other));
        assert!(!verify("a long passphrase", &other));
        assert!(!verify("x", "not a hash"));
        assert!(!verify("x", decoy_hash()));
    }
}
