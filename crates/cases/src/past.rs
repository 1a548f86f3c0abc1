//! A case's history as an office's file records it: it waited from a day, started on a day on a
//! track, never started, ended or dropped out — written with the file's dates, inside the
//! import's transaction. What happened is recorded, not decided again: no capacity check puts a
//! recorded start on the waiting list, and an ending frees no place for someone else (their own
//! rows say when they started). The states still have to follow each other as the lifecycle
//! allows, the days must run forward, tracks and exits must be the version's.

use chrono::NaiveDate;

use super::event::{self, Event};
use super::finish::{check_exit, end_case};
use super::start::{activate, resolve_track};
use super::{allowing, capacity, load_on, refuse, Action, CaseError, CaseState, CaseTx, Ctx};
use traject_model::program::terms::ExitKind;
use traject_rules::{CompiledProgram, Verdict};

/// One dated fact of a case's past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Past {
    /// On the waiting list from this day, for this track (when the file names one).
    Waiting {
        track: Option<String>,
    },
    Started {
        track: Option<String>,
    },
    /// Never started, for this exit of kind `not_started`.
    NotStarted {
        exit: String,
    },
    /// Closed to this destination.
    Closed {
        exit: String,
    },
    /// Dropped out, for this exit of kind `drop_out`.
    Dropped {
        exit: String,
    },
}

/// Record `what` on case `id` on `ctx.on`, as it happened.
pub fn record_past(
    tx: &dyn CaseTx,
    compiled: &CompiledProgram,
    id: i64,
    what: &Past,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    match what {
        Past::Waiting { track } => {
            let (mut c, version) = allowing(tx, compiled, id, Action::Start, ctx)?;
            if c.verdict == Verdict::Ineligible {
                return Err(CaseError::Ineligible { id });
            }
            let track = resolve_track(version, track.as_deref())?;
            let seq = tx.next_queue_seq(&c.program)?;
            c.state = CaseState::Waiting;
            c.track = track.clone();
            c.queue_seq = Some(seq);
            c.updated_on = ctx.on;
            tx.save(&c)?;
            let waiting = Event::Waiting(event::Waiting {
                track,
                position: tx.waiting_position(&c.program, seq)?,
                capacity: capacity(version),
                changed: None,
            });
            tx.append(id, ctx.on, &waiting, &ctx.actor, &c.version_hash)?;
            Ok(())
        }
        Past::Started { track } => {
            let c = load_on(tx, id, ctx)?;
            if !matches!(c.state, CaseState::Referred | CaseState::Waiting) {
                return Err(refuse(id, c.state, Action::Start));
            }
            if c.verdict == Verdict::Ineligible {
                return Err(CaseError::Ineligible { id });
            }
            let (version, _) = super::pinned(compiled, &c)?;
            let track = resolve_track(version, track.as_deref().or(c.track.as_deref()))?;
            let joined = waiting_since(tx, id, c.state)?;
            let started = event::Started {
                track,
                changed: None,
                from_waiting_list: joined.is_some(),
                slot_freed_on: None,
                waited_days: joined.map(|d| (ctx.on - d).num_days()),
                ends_on: None,
            };
            activate(tx, version, c, ctx, started)
        }
        Past::NotStarted { exit } => end(tx, compiled, id, Action::NotStart, exit, ctx),
        Past::Closed { exit } => end(tx, compiled, id, Action::Close, exit, ctx),
        Past::Dropped { exit } => end(tx, compiled, id, Action::Drop, exit, ctx),
    }
}

/// The day a waiting case joined the list.
fn waiting_since(
    tx: &dyn CaseTx,
    id: i64,
    state: CaseState,
) -> Result<Option<NaiveDate>, CaseError> {
    if state != CaseState::Waiting {
        return Ok(None);
    }
    Ok(tx
        .events(id, event::EventKind::Waiting)?
        .last()
        .map(|r| r.on))
}

fn end(
    tx: &dyn CaseTx,
    compiled: &CompiledProgram,
    id: i64,
    action: Action,
    exit: &str,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    let (c, version) = allowing(tx, compiled, id, action, ctx)?;
    let (kind, state) = match action {
        Action::Close => (ExitKind::Destination, CaseState::Closed),
        Action::Drop => (ExitKind::DropOut, CaseState::Dropped),
        _ => (ExitKind::NotStarted, CaseState::NotStarted),
    };
    check_exit(version, exit, kind)?;
    end_case(tx, compiled, c, state, exit, ctx)
}
