//! A user's agenda for their own calendar program: the evaluation windows of the cases they
//! may see (their team's, or every case for a coordinator) that are not held yet, from those
//! overdue to those opening within the horizon. Each names the case by its internal number and
//! the moment by its label — never a dossier number, a name or a birth date — so the feed a
//! calendar program fetches holds no personal data. The feed's address carries a secret token
//! of the user's own, kept in the store as a hash only and shown once when made; making a new
//! one stops the old one.

use chrono::NaiveDate;

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

/// What one user's calendar shows.
#[derive(Debug, Clone)]
pub struct Agenda {
    pub user: String,
    pub lang: Lang,
    pub entries: Vec<Entry>,
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
    today: NaiveDate,
) -> Result<Agenda, AppError> {
    agenda(store, programs, user, today)
}

/// The agenda of user `name` (for `traject calendar`): the user themselves, or whoever
/// manages users.
pub fn agenda_of(
    store: &Store,
    programs: &dyn Programs,
    name: &str,
    ctx: &Ctx,
) -> Result<Agenda, AppError> {
    if name != ctx.actor {
        ctx.require(Need::ManageUsers)?;
    }
    let user = session_user(user_in_reach(store, name, ctx)?, String::new());
    agenda(store, programs, &user, ctx.on)
}

/// The evaluation windows `user` may see on `today`, for them to read in their language
/// (Dutch unless they chose).
fn agenda(
    store: &Store,
    programs: &dyn Programs,
    user: &SessionUser,
    today: NaiveDate,
) -> Result<Agenda, AppError> {
    let ctx = &user.ctx(today);
    ctx.require(Need::Persons)?;
    let until = ctx.on + chrono::Days::new(HORIZON_DAYS);
    let rows = store.due_until(ctx.on, until, ctx.scope(), MAX_ENTRIES)?;
    type Compiled = Option<std::sync::Arc<traject_rules::CompiledProgram>>;
    let mut opened: std::collections::BTreeMap<String, Compiled> = Default::default();
    let entries = rows
        .into_iter()
        .map(|d| {
            let compiled = opened
                .entry(d.program.clone())
                .or_insert_with(|| programs.for_case(&d.program).ok())
                .clone();
            let (label, programme, fallback) = match &compiled {
                Some(c) => {
                    let spec = &c.program.spec;
                    let label = spec
                        .versions
                        .iter()
                        .rev()
                        .flat_map(|v| &v.evaluations)
                        .find(|e| e.id == d.evaluation)
                        .map(|e| e.label.clone());
                    (label, spec.name.clone(), spec.society_language)
                }
                None => (None, Label::single(Lang::En, d.program.clone()), Lang::En),
            };
            Entry {
                case: d.case_id,
                label: label.unwrap_or_else(|| Label::single(Lang::En, d.evaluation.clone())),
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
    Ok(Agenda {
        user: ctx.actor.clone(),
        lang: user.lang.unwrap_or(Lang::Nl),
        entries,
    })
}
