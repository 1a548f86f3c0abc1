//! A user's agenda for their own calendar program: the evaluation windows of the cases they
//! may see (their team's, or every case for a coordinator) that are not held yet, from those
//! overdue to those opening within the horizon. Each names the case by its internal number and
//! the moment by its label — never a dossier number, a name or a birth date — so the feed a
//! calendar program fetches holds no personal data. The feed's address carries a secret token
//! of the user's own, kept in the store as a hash only and shown once when made; making a new
//! one stops the old one. The group sessions of the groups their clients attend are in it
//! too, at their time in the configured time zone, named by module and group, and the contacts
//! planned with their clients (by case number and kind of contact).

use chrono::NaiveDate;

use super::config::Clock;
use super::users::{hex, random_bytes, session_user, token_hash, user_in_reach, SessionUser};
use super::{AppError, Ctx, Need, Programs};
use traject_model::text::{Label, Lang};
use traject_store::Store;

/// How far ahead the agenda looks: windows opening within this many days.
pub const HORIZON_DAYS: u64 = 120;
/// The most moments one agenda holds (a calendar program copes; a coordinator of a large
/// office sees the most urgent).
pub const MAX_ENTRIES: usize = 2_000;

/// One evaluation window in the agenda.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub case: i64,
    pub program: String,
    pub evaluation: String,
    /// The moment's label and the programme's name, in every language they are written in
    /// (the front end picks the reader's), and the programme's own language to fall back on.
    pub label: Label,
    pub programme: Label,
    pub fallback: Lang,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub overdue: bool,
}

/// One group session in the agenda.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionEntry {
    pub id: i64,
    pub module: Label,
    pub programme: Label,
    pub fallback: Lang,
    pub group: String,
    pub on: NaiveDate,
    /// Its time of day (minutes after midnight, local time), when planned with one.
    pub at_minute: Option<u32>,
    /// When it starts (in UTC) and ends, for a session planned with a time.
    pub starts: Option<chrono::DateTime<chrono::Utc>>,
    pub ends: Option<chrono::DateTime<chrono::Utc>>,
}

/// One planned contact (appointment) in the agenda.
#[derive(Debug, Clone, PartialEq)]
pub struct AppointmentEntry {
    pub case: i64,
    pub kind: traject_cases::event::ContactKind,
    pub on: NaiveDate,
    pub at_minute: Option<u32>,
    pub starts: Option<chrono::DateTime<chrono::Utc>>,
    pub ends: Option<chrono::DateTime<chrono::Utc>>,
}

/// What one user's calendar shows.
#[derive(Debug, Clone)]
pub struct Agenda {
    pub user: String,
    pub lang: Lang,
    pub entries: Vec<Entry>,
    pub sessions: Vec<SessionEntry>,
    pub appointments: Vec<AppointmentEntry>,
}

/// Make `name` a new secret calendar address (its token, shown this once): the user for
/// themselves, or whoever manages users. The old address stops working.
pub fn renew_token(store: &mut Store, name: &str, ctx: &Ctx) -> Result<String, AppError> {
    if name != ctx.actor {
        ctx.require(Need::ManageUsers)?;
    }
    let user = user_in_reach(store, name, ctx)?;
    // Who may see no case has no agenda: no address is made.
    session_user(user, String::new())
        .ctx(ctx.on)
        .require(Need::Persons)?;
    let token = hex(&random_bytes::<24>()?);
    let audit = ctx.audit("new calendar address", format!("user:{name}"));
    store.set_calendar_token(name, &token_hash(&token), &audit)?;
    Ok(token)
}

/// Whose calendar address `token` is; `None` when it is no one's (or their account is
/// disabled).
pub fn holder_of(store: &Store, token: &str) -> Result<Option<SessionUser>, AppError> {
    // A token is 48 hex digits: anything else is no one's, without a query.
    if token.len() != 48 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(store
        .user_by_calendar_token(&token_hash(token))?
        .map(|row| session_user(row, String::new())))
}

/// The agenda of the holder of a calendar address, on `today`, in their language.
pub fn agenda_for(
    store: &Store,
    programs: &dyn Programs,
    user: &SessionUser,
    clock: &Clock,
    today: NaiveDate,
) -> Result<Agenda, AppError> {
    agenda(store, programs, user, clock, (today, HORIZON_DAYS))
}

/// The agenda of user `name` (for `traject calendar`): the user themselves, or whoever
/// manages users.
pub fn agenda_of(
    store: &Store,
    programs: &dyn Programs,
    name: &str,
    clock: &Clock,
    ctx: &Ctx,
) -> Result<Agenda, AppError> {
    if name != ctx.actor {
        ctx.require(Need::ManageUsers)?;
    }
    let user = session_user(user_in_reach(store, name, ctx)?, String::new());
    agenda(store, programs, &user, clock, (ctx.on, HORIZON_DAYS))
}

/// The programmes the agenda has opened, by id (`None`: one that no longer loads).
type Opened =
    std::collections::BTreeMap<String, Option<std::sync::Arc<traject_rules::CompiledProgram>>>;

/// The label of `id` in `program` (from the latest version `pick` finds it in), the
/// programme's name and its own language — the codes themselves for a programme that no
/// longer loads.
fn labels_of(
    opened: &mut Opened,
    programs: &dyn Programs,
    program: &str,
    id: &str,
    pick: impl Fn(&traject_model::program::model::Version, &str) -> Option<Label>,
) -> (Label, Label, Lang) {
    let compiled = opened
        .entry(program.to_string())
        .or_insert_with(|| programs.for_case(program).ok());
    let code = || Label::single(Lang::En, id.to_string());
    match compiled {
        Some(c) => {
            let spec = &c.program.spec;
            let label = spec.versions.iter().rev().find_map(|v| pick(v, id));
            (
                label.unwrap_or_else(code),
                spec.name.clone(),
                spec.society_language,
            )
        }
        None => (
            code(),
            Label::single(Lang::En, program.to_string()),
            Lang::En,
        ),
    }
}

/// The group sessions from today to `until` of the groups the actor's clients attend, named
/// by module, at their time in `clock`'s zone.
fn session_entries(
    store: &Store,
    programs: &dyn Programs,
    opened: &mut Opened,
    clock: &Clock,
    ctx: &Ctx,
    until: NaiveDate,
) -> Result<Vec<SessionEntry>, AppError> {
    Ok(store
        .sessions_of_participants(ctx.on, until, ctx.scope(), MAX_ENTRIES)?
        .into_iter()
        .map(|s| {
            let (module, programme, fallback) =
                labels_of(opened, programs, &s.program, &s.module, |v, id| {
                    v.module(id).map(|m| m.label.clone())
                });
            let starts = s.at_minute.and_then(|m| clock.utc_of(s.on, m));
            SessionEntry {
                id: s.id,
                module,
                programme,
                fallback,
                group: s.group,
                on: s.on,
                at_minute: s.at_minute,
                starts,
                ends: starts
                    .zip(s.minutes)
                    .map(|(t, m)| t + chrono::Duration::minutes(i64::from(m))),
            }
        })
        .collect())
}

/// What `user` may see from `today` to `days` ahead (evaluation windows opening, overdue
/// ones, group sessions, planned contacts), for them to read in their language (Dutch unless
/// they chose).
pub(crate) fn agenda(
    store: &Store,
    programs: &dyn Programs,
    user: &SessionUser,
    clock: &Clock,
    (today, days): (NaiveDate, u64),
) -> Result<Agenda, AppError> {
    let ctx = &user.ctx(today);
    ctx.require(Need::Persons)?;
    let until = ctx.on + chrono::Days::new(days);
    let rows = store.due_until(ctx.on, until, ctx.scope(), MAX_ENTRIES)?;
    let mut opened: Opened = Default::default();
    let entries = rows
        .into_iter()
        .map(|d| {
            let (label, programme, fallback) =
                labels_of(&mut opened, programs, &d.program, &d.evaluation, |v, id| {
                    v.evaluations
                        .iter()
                        .find(|e| e.id == id)
                        .map(|e| e.label.clone())
                });
            Entry {
                case: d.case_id,
                label,
                program: d.program,
                evaluation: d.evaluation,
                programme,
                fallback,
                from: d.due_from,
                to: d.due_to,
                overdue: d.overdue,
            }
        })
        .collect();
    let sessions = session_entries(store, programs, &mut opened, clock, ctx, until)?;
    let appointments = store
        .appointments(ctx.on, until, ctx.scope(), MAX_ENTRIES)?
        .into_iter()
        .map(|a| {
            let starts = a.at_minute.and_then(|m| clock.utc_of(a.on, m));
            AppointmentEntry {
                case: a.case,
                kind: a.kind,
                on: a.on,
                at_minute: a.at_minute,
                starts,
                ends: starts
                    .zip(a.minutes)
                    .map(|(t, m)| t + chrono::Duration::minutes(i64::from(m))),
            }
        })
        .collect();
    Ok(Agenda {
        user: ctx.actor.clone(),
        lang: user.lang.unwrap_or(Lang::Nl),
        entries,
        sessions,
        appointments,
    })
}
