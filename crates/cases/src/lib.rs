//! The case lifecycle, driven by the programme: a referral becomes a case (with its eligibility
//! verdict), starts on a track when a slot is free (FTE × caseload norm) or waits in a FIFO
//! list, gets its evaluation moments scheduled from the programme, is evaluated, extended,
//! closed with an exit destination, dropped with a reason, or never starts. Each change is one
//! transaction of a `CaseStore` together with its typed `Event`; a refused transition says
//! which are allowed.
//!
//! States: referred → active | waiting → (extended) → closed | dropped; referred/waiting →
//! not_started. A case stays pinned to the version (and content hash) it was referred under.

use chrono::NaiveDate;

mod assess;
mod attendance;
mod contacts;
mod error;
mod evaluate;
pub mod event;
mod finish;
mod intake;
mod modules;
mod past;
mod pause;
pub mod records;
mod schedule;
mod start;
pub mod states;
pub mod store;

pub use assess::{rejudge, Judgement, Rejudgement};
pub use attendance::{record_attendance, SessionRef};
pub use contacts::{plan_contact, record_contact, Contact, MAX_CONTACT_MINUTES, MAX_NOTE_CHARS};
pub use error::CaseError;
pub use evaluate::evaluate;
pub use event::{Event, EventKind, EventRecord};
pub use finish::{close, drop_case, erase, erase_all, not_start, Freed};
pub use intake::{existing_case, insert_case, migrate, new_case, Existing};
pub use modules::{enrol, enrol_cohort, leave};
pub use past::{record_past, Past};
pub use pause::{pause, reopen, resume};
pub use start::{start, StartOutcome};
pub use states::{Action, CaseState, UnknownState};
pub use store::{CaseStore, CaseTx, ProgrammeIn, StoreError};

use store::CaseRecord;
use traject_model::program::model::Version;
use traject_rules::CompiledProgram;

/// Who acts and on which day (`--as-of` gives tests and scripts a fixed clock).
#[derive(Debug, Clone)]
pub struct Ctx {
    pub on: NaiveDate,
    pub actor: String,
    /// The team a new case is given (the creating social worker's).
    pub team: Option<String>,
    /// The organisation a new case belongs to (the creating user's).
    pub org: Option<String>,
}

fn refuse(id: i64, state: CaseState, action: Action) -> CaseError {
    CaseError::Refused {
        id,
        state,
        action,
        gate_only: false,
    }
}

/// The case `id`, to be changed on `ctx.on` — refused when that day is before the case's
/// latest event, so that a case's history always runs forward.
fn load_on(tx: &dyn CaseTx, id: i64, ctx: &Ctx) -> Result<CaseRecord, CaseError> {
    let c = tx.case(id)?.ok_or(CaseError::NotFound { id })?;
    if let Some(latest) = c.latest {
        if ctx.on < latest {
            return Err(CaseError::BeforeLatest {
                id,
                on: ctx.on,
                latest,
            });
        }
    }
    Ok(c)
}

/// The case `id` of programme `compiled`, to be changed on `ctx.on` (see `load_on`): the
/// store is told the programme first (`CaseTx::working_on`).
fn load_in(
    tx: &dyn CaseTx,
    compiled: &CompiledProgram,
    id: i64,
    ctx: &Ctx,
) -> Result<CaseRecord, CaseError> {
    // The acting user's organisation: a case of another is found and locked on its own.
    tx.working_on(ProgrammeIn {
        program: &compiled.program.spec.id,
        org: ctx.org.as_deref(),
    })?;
    load_on(tx, id, ctx)
}

/// The pinned version of a case in the current programme file; a changed file is noted.
fn pinned<'a>(
    compiled: &'a CompiledProgram,
    c: &CaseRecord,
) -> Result<(&'a Version, Option<String>), CaseError> {
    if c.program != compiled.program.spec.id {
        return Err(CaseError::WrongProgramme {
            case_program: c.program.clone(),
            given: compiled.program.spec.id.clone(),
        });
    }
    let v = compiled
        .program
        .version(&c.version)
        .ok_or_else(|| CaseError::VersionGone {
            program: c.program.clone(),
            version: c.version.clone(),
        })?;
    let changed = (v.hash != c.version_hash).then(|| {
        format!(
            "version {} changed since this case was referred (hash {} → {})",
            v.id, c.version_hash, v.hash
        )
    });
    Ok((v, changed))
}

/// The case `id` to change on `ctx.on` if its state allows `action`, with its pinned version.
fn allowing<'a>(
    tx: &dyn CaseTx,
    compiled: &'a CompiledProgram,
    id: i64,
    action: Action,
    ctx: &Ctx,
) -> Result<(CaseRecord, &'a Version), CaseError> {
    let c = load_in(tx, compiled, id, ctx)?;
    if !c.state.allows(action) {
        return Err(refuse(id, c.state, action));
    }
    let (version, _) = pinned(compiled, &c)?;
    Ok((c, version))
}

fn capacity(version: &Version, on: NaiveDate) -> Option<i64> {
    version.capacity_limit_on(on).map(i64::from)
}

/// Whether the programme's team in `at` has no free slot on `on` (never, without a caseload
/// norm).
fn is_full(
    tx: &dyn CaseTx,
    version: &Version,
    at: ProgrammeIn<'_>,
    on: NaiveDate,
) -> Result<bool, CaseError> {
    match capacity(version, on) {
        Some(cap) => Ok(tx.places_held(at)? >= cap),
        None => Ok(false),
    }
}
