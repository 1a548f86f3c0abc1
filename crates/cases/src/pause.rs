//! Pausing, resuming and re-opening cases, each as the version's `pause:` and `reopen:`
//! policies allow. A paused case keeps its place, or gives it to the first who waits when the
//! policy says `place: free` (and then needs a free place to resume); on resuming, its end
//! date and the evaluation moments still to hold move by the days it was paused. A closed or
//! dropped case re-opened within the policy's period goes back to `referred`, to be started
//! again (or to wait).

use chrono::NaiveDate;

use traject_model::program::model::{PausePlace, Version};
use traject_rules::CompiledProgram;

use crate::event::{self, Event, EventKind};
use crate::finish::Freed;
use crate::modules::schedule_before_start;
use crate::schedule::add;
use crate::start::promote;
use crate::store::CaseRecord;
use crate::{
    allowing, capacity, is_full, load_on, pinned, refuse, Action, CaseError, CaseState, CaseStore,
    CaseTx, Ctx,
};

fn policy<'a, T>(
    version: &'a Version,
    pick: impl Fn(&'a Version) -> Option<&'a T>,
    what: &'static str,
    key: &'static str,
) -> Result<&'a T, CaseError> {
    pick(version).ok_or_else(|| CaseError::NoPolicy {
        version: version.id.clone(),
        what,
        key,
    })
}

/// The latest pause of a case: its day and the state it paused from.
fn last_pause(tx: &dyn CaseTx, id: i64) -> Result<(NaiveDate, CaseState), CaseError> {
    let pauses = tx.events(id, EventKind::Paused)?;
    let last = pauses.last().ok_or(crate::StoreError::NoRow)?;
    let from = match &last.event {
        Event::Paused(p) => p.from,
        _ => CaseState::Active,
    };
    Ok((last.on, from))
}

/// Pause an active or extended case, until a planned day if one is given (it must fall
/// within the policy's longest pause). Where the policy frees the place, the first case on
/// the waiting list starts in the same transaction.
pub fn pause(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    id: i64,
    reason: Option<&str>,
    until: Option<NaiveDate>,
    ctx: &Ctx,
) -> Result<Freed, CaseError> {
    store.in_transaction(|tx| {
        let (mut c, version) = allowing(tx, compiled, id, Action::Pause, ctx)?;
        let p = policy(version, |v| v.pause.as_ref(), "pausing a case", "pause")?;
        let taken = tx.events(id, EventKind::Paused)?.len() as u32;
        if taken >= p.max_pauses {
            return Err(CaseError::PauseLimit {
                id,
                taken,
                max: p.max_pauses,
                version: version.id.clone(),
            });
        }
        let frees = p.place == PausePlace::Free;
        let from = c.state;
        c.state = CaseState::Paused;
        c.place_freed = frees;
        c.updated_on = ctx.on;
        tx.save(&c)?;
        let limit = add(ctx.on, p.max_length);
        if let Some(u) = until {
            if u <= ctx.on || limit.is_some_and(|l| u > l) {
                return Err(CaseError::PauseUntil {
                    until: u,
                    on: ctx.on,
                    max: p.max_length,
                });
            }
        }
        let paused = Event::Paused(event::Paused {
            from,
            reason: reason.map(str::to_string),
            resume_by: until.or(limit),
            place_freed: frees,
            redacted: false,
        });
        tx.append(id, ctx.on, &paused, &ctx.actor, &c.version_hash)?;
        let next_started = if frees {
            promote(tx, compiled, c.programme_in(), ctx)?
        } else {
            None
        };
        Ok(Freed { next_started })
    })
}

/// Resume a paused case: back to the state it paused from, its end date and the evaluation
/// moments still open when the pause began moved by the days it was paused (those already
/// overdue then stay overdue).
pub fn resume(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    id: i64,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.in_transaction(|tx| {
        let (mut c, version) = allowing(tx, compiled, id, Action::Resume, ctx)?;
        let p = policy(version, |v| v.pause.as_ref(), "pausing a case", "pause")?;
        let (since, from) = last_pause(tx, id)?;
        if add(since, p.max_length).is_some_and(|limit| ctx.on > limit) {
            return Err(CaseError::PauseTooLong {
                id,
                since,
                max: p.max_length,
            });
        }
        if c.place_freed && is_full(tx, version, c.programme_in(), ctx.on)? {
            return Err(CaseError::NoPlaceToResume {
                id,
                capacity: capacity(version, ctx.on).unwrap_or_default(),
            });
        }
        let days = chrono::Duration::days((ctx.on - since).num_days());
        let shifted = |d: NaiveDate| d.checked_add_signed(days).unwrap_or(d);
        c.state = from;
        c.ends_on = c.ends_on.map(shifted);
        c.place_freed = false;
        c.updated_on = ctx.on;
        tx.save(&c)?;
        // Open evaluations are moved last-first so that no moment lands on another's day
        // before that one has moved.
        let mut open: Vec<_> = tx
            .due(id)?
            .into_iter()
            .filter(|d| d.held_on.is_none() && d.due_to >= since)
            .collect();
        open.sort_by_key(|d| std::cmp::Reverse(d.due_from));
        for d in open {
            tx.reschedule(id, &d, shifted(d.due_from), shifted(d.due_to))?;
        }
        let resumed = Event::Resumed(event::Resumed {
            paused_days: days.num_days(),
            to: from,
            ends_on: c.ends_on,
        });
        tx.append(id, ctx.on, &resumed, &ctx.actor, &c.version_hash)?;
        Ok(())
    })
}

/// Re-open a closed or dropped case when the client returns within the policy's period: it
/// is referred again, keeping its history, and starts (or waits) like any referral.
/// The case to re-open with its version: an ended one, or one that never started where the
/// version's `reopen:` takes such cases back.
fn reopenable<'a>(
    tx: &dyn CaseTx,
    compiled: &'a CompiledProgram,
    id: i64,
    ctx: &Ctx,
) -> Result<(CaseRecord, &'a Version), CaseError> {
    let c = load_on(tx, id, ctx)?;
    if c.state != CaseState::NotStarted {
        return allowing(tx, compiled, id, Action::Reopen, ctx);
    }
    let (version, _) = pinned(compiled, &c)?;
    match &version.reopen {
        Some(p) if p.not_started => Ok((c, version)),
        Some(_) => Err(CaseError::ReopenNotStarted {
            id,
            version: version.id.clone(),
        }),
        None => Err(refuse(id, c.state, Action::Reopen)),
    }
}

pub fn reopen(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    id: i64,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.in_transaction(|tx| {
        let (mut c, version) = reopenable(tx, compiled, id, ctx)?;
        let p = policy(
            version,
            |v| v.reopen.as_ref(),
            "re-opening a case",
            "reopen",
        )?;
        let ended = c.updated_on;
        let reopened_from_not_started = c.state == CaseState::NotStarted;
        if add(ended, p.within).is_none_or(|limit| ctx.on > limit) {
            return Err(CaseError::ReopenTooLate {
                id,
                ended,
                within: p.within,
                version: version.id.clone(),
            });
        }
        let reopened = Event::Reopened(event::Reopened {
            from: c.state,
            outcome: c.outcome.take(),
            ended_on: ended,
        });
        c.state = CaseState::Referred;
        c.track = None;
        c.started_on = None;
        c.ends_on = None;
        c.updated_on = ctx.on;
        tx.save(&c)?;
        // Closure-anchored moments of the ended stay are no longer due.
        tx.unschedule_open(id, None)?;
        // A candidate who never started goes through the steps before the start again.
        if reopened_from_not_started {
            schedule_before_start(tx, version, id, ctx.on)?;
        }
        tx.append(id, ctx.on, &reopened, &ctx.actor, &c.version_hash)?;
        Ok(())
    })
}
