//! Reminder e-mails: once a day, each user with an e-mail address who follows cases gets a
//! digest of what is due — evaluation windows overdue, those open or opening within the next
//! days, and tomorrow's group sessions of their clients' groups — naming cases by number and
//! moments by label, never a name or a birth date. A user with nothing due gets no message.
//! Each digest is sent once per user and day even when several servers share the store: the
//! sender claims the day in the store's send log first; a failed send gives the claim back to
//! be tried again, never twice.

use chrono::{Days, NaiveDate};

use super::calendar::{agenda, Entry, SessionEntry};
use super::config::Clock;
use super::mail::{MailSettings, SendError};
use super::users::session_user;
use super::{AppError, Ctx, Need, Programs};
use traject_model::text::Lang;
use traject_store::Store;

/// How long a claim of a sender that stopped mid-send holds before another takes over.
pub const STALE_CLAIM_SECS: i64 = 15 * 60;
/// How many times one run tries to send a digest before giving the claim back.
pub const ATTEMPTS: u32 = 2;

/// What one user is reminded of on one day.
#[derive(Debug, Clone)]
pub struct Digest {
    pub user: String,
    pub email: String,
    pub lang: Lang,
    pub on: NaiveDate,
    /// Within how many days the windows listed open.
    pub days: u32,
    pub overdue: Vec<Entry>,
    pub opening: Vec<Entry>,
    pub tomorrow: Vec<SessionEntry>,
}

impl Digest {
    pub fn is_empty(&self) -> bool {
        self.overdue.is_empty() && self.opening.is_empty() && self.tomorrow.is_empty()
    }
}

/// What became of one digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Sent already today (by this or another server), or being sent by another.
    AlreadySent,
    /// The mail server refused or could not be reached; the digest is tried again later.
    Failed(SendError),
}

/// The digests of `on`: one per enabled user with an address who may see cases and has
/// something due. Only the command line (or the server itself) asks.
pub fn digests(
    store: &Store,
    programs: &dyn Programs,
    clock: &Clock,
    days: u32,
    ctx: &Ctx,
) -> Result<Vec<Digest>, AppError> {
    ctx.require(Need::ManageUsers)?;
    let on = ctx.on;
    let tomorrow = on + Days::new(1);
    let until = on + Days::new(u64::from(days));
    let mut out = Vec::new();
    for row in store.users()? {
        let Some(email) = row.email.clone() else {
            continue;
        };
        if row.disabled
            || ctx
                .org
                .as_ref()
                .is_some_and(|o| row.org.as_ref() != Some(o))
        {
            continue;
        }
        let user = session_user(row, String::new());
        if !user.role.may(Need::Persons) {
            continue;
        }
        // Only as far ahead as the digest looks (and tomorrow, for the sessions).
        let a = agenda(store, programs, &user, clock, (on, u64::from(days.max(1))))?;
        let (overdue, rest): (Vec<Entry>, Vec<Entry>) =
            a.entries.into_iter().partition(|e| e.overdue);
        let digest = Digest {
            user: user.name.clone(),
            email,
            lang: a.lang,
            on,
            days,
            overdue,
            opening: rest.into_iter().filter(|e| e.from <= until).collect(),
            tomorrow: a
                .sessions
                .into_iter()
                .filter(|s| s.on == tomorrow)
                .collect(),
        };
        if !digest.is_empty() {
            out.push(digest);
        }
    }
    Ok(out)
}

/// Send `digest` (worded as `subject` and `body`) unless it went out today already: claimed
/// in the send log, sent (tried `ATTEMPTS` times), and marked sent with its audit line — or
/// its claim given back when the mail server fails.
pub fn send_once(
    store: &mut Store,
    mail: &MailSettings,
    digest: &Digest,
    subject: &str,
    body: &str,
    ctx: &Ctx,
) -> Result<Outcome, AppError> {
    ctx.require(Need::ManageUsers)?;
    let now = chrono::Utc::now().timestamp();
    if !store.claim_reminder(&digest.user, digest.on, now, now - STALE_CLAIM_SECS)? {
        return Ok(Outcome::AlreadySent);
    }
    let mut sent = mail.send(&digest.email, subject, body);
    for _ in 1..ATTEMPTS {
        if sent.is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
        sent = mail.send(&digest.email, subject, body);
    }
    match sent {
        Ok(()) => {
            let audit = ctx.audit("sent reminder e-mail", format!("user:{}", digest.user));
            store.reminder_sent(&digest.user, digest.on, &audit)?;
            Ok(Outcome::Sent)
        }
        Err(e) => {
            store.release_reminder(&digest.user, digest.on)?;
            Ok(Outcome::Failed(e))
        }
    }
}
