//! How a case ends — closed with a destination, dropped with a reason, or never started — and
//! what that frees: the place goes to the first who waits. Also the erasure of a client's
//! personal data, which keeps the case's dates, states and decisions for the figures.

use traject_model::diag::did_you_mean;
use traject_model::program::model::{Anchor, ExitKind, Version};
use traject_rules::CompiledProgram;

use crate::event::{self, Event, EventKind};
use crate::schedule::schedule_one;
use crate::start::promote;
use crate::store::CaseRecord;
use crate::{allowing, load_on, Action, CaseError, CaseState, CaseStore, CaseTx, Ctx, ProgrammeIn};

/// What a close or drop did to the waiting list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Freed {
    /// The case that took the freed slot, if anyone was waiting.
    pub next_started: Option<i64>,
}

/// `id` must be an exit of `kind` in the version.
pub(crate) fn check_exit(version: &Version, id: &str, kind: ExitKind) -> Result<(), CaseError> {
    let ids: Vec<&str> = version
        .exits
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.id.as_str())
        .collect();
    if ids.contains(&id) {
        Ok(())
    } else {
        Err(CaseError::UnknownExit {
            version: version.id.clone(),
            kind,
            given: id.to_string(),
            suggestion: did_you_mean(id, ids.iter().copied()).map(str::to_string),
            known: ids.iter().map(|s| s.to_string()).collect(),
        })
    }
}

/// End case `c` in `state` with `outcome`; a place it held goes to the first who waits.
pub(crate) fn finish(
    tx: &dyn CaseTx,
    compiled: &CompiledProgram,
    c: CaseRecord,
    state: CaseState,
    outcome: &str,
    ctx: &Ctx,
) -> Result<Freed, CaseError> {
    let held_a_place = c.state.is_active();
    let (program, org) = (c.program.clone(), c.org.clone());
    end_case(tx, compiled, c, state, outcome, ctx)?;
    let next_started = if held_a_place {
        let at = ProgrammeIn {
            program: &program,
            org: org.as_deref(),
        };
        promote(tx, compiled, at, ctx)?
    } else {
        None
    };
    Ok(Freed { next_started })
}

/// End case `c` in `state` with `outcome`: its open evaluations are no longer due, its
/// closure-anchored ones are, its ending is appended. Nobody is promoted (see `finish`).
pub(crate) fn end_case(
    tx: &dyn CaseTx,
    compiled: &CompiledProgram,
    mut c: CaseRecord,
    state: CaseState,
    outcome: &str,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    c.state = state;
    c.outcome = Some(outcome.to_string());
    c.queue_seq = None;
    c.updated_on = ctx.on;
    tx.save(&c)?;
    // Evaluations not held any more are no longer due; closure-anchored ones now are.
    tx.unschedule_open(c.id, None)?;
    if state == CaseState::Closed {
        if let Some(v) = compiled.program.version(&c.version) {
            for e in v.evaluations.iter().filter(|e| e.anchor == Anchor::Closure) {
                schedule_one(tx, c.id, e, ctx.on, None)?;
            }
        }
    }
    if let Some(ended) = Event::ending(state, outcome) {
        tx.append(c.id, ctx.on, &ended, &ctx.actor, &c.version_hash)?;
    }
    Ok(())
}

/// Close an active case with an exit destination; the freed slot goes to the first who waits.
pub fn close(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    id: i64,
    destination: &str,
    ctx: &Ctx,
) -> Result<Freed, CaseError> {
    transition(store, compiled, id, ctx, Action::Close, destination)
}

/// Drop a case with a reason (an exit of kind drop_out).
pub fn drop_case(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    id: i64,
    reason: &str,
    ctx: &Ctx,
) -> Result<Freed, CaseError> {
    transition(store, compiled, id, ctx, Action::Drop, reason)
}

/// Record that a referred or waiting case will not start, with a reason (exit of kind not_started).
pub fn not_start(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    id: i64,
    reason: &str,
    ctx: &Ctx,
) -> Result<Freed, CaseError> {
    transition(store, compiled, id, ctx, Action::NotStart, reason)
}

/// A finishing action: the exit kind it takes and the state it leads to.
pub(crate) fn finishing(action: Action) -> (ExitKind, CaseState) {
    match action {
        Action::Close => (ExitKind::Destination, CaseState::Closed),
        Action::Drop => (ExitKind::DropOut, CaseState::Dropped),
        _ => (ExitKind::NotStarted, CaseState::NotStarted),
    }
}

fn transition(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    id: i64,
    ctx: &Ctx,
    action: Action,
    exit: &str,
) -> Result<Freed, CaseError> {
    store.in_transaction(|tx| {
        let (c, version) = allowing(tx, compiled, id, action, ctx)?;
        let (exit_kind, to) = finishing(action);
        check_exit(version, exit, exit_kind)?;
        finish(tx, compiled, c, to, exit, ctx)
    })
}

/// Erase a client's personal data: the referral's facts, the dossier number and the free text
/// of evaluations and pauses are replaced, in one transaction with an `erased` event (who,
/// when, why). Dates, states, decisions, exits and the event chain stay, so reports count the
/// same. Then the store's log is emptied into its file (the store overwrites freed space), so
/// the old values cannot be read back.
pub fn erase(
    store: &mut impl CaseStore,
    id: i64,
    reason: &str,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    erase_all(store, &[id], reason, ctx)
}

/// Erase several cases' personal data (one person's cases) in one transaction: all or none.
pub fn erase_all(
    store: &mut impl CaseStore,
    ids: &[i64],
    reason: &str,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.in_transaction(|tx| {
        for &id in ids {
            let c = load_on(tx, id, ctx)?;
            tx.erase_referral(id, ctx.on)?;
            // Free text written about the client (goals, a pause's reason) goes too; the
            // decisions, scores and dates stay.
            for kind in [
                EventKind::Evaluated,
                EventKind::Paused,
                EventKind::Assessed,
                EventKind::Corrected,
                EventKind::Contacted,
            ] {
                for r in tx.events(id, kind)? {
                    if let Some(redacted) = r.event.redacted() {
                        tx.redact(id, r.seq, &redacted)?;
                    }
                }
            }
            let erased = Event::Erased(event::Erased {
                reason: reason.to_string(),
            });
            tx.append(id, ctx.on, &erased, &ctx.actor, &c.version_hash)?;
        }
        Ok::<_, CaseError>(())
    })?;
    store.checkpoint()?;
    Ok(())
}
