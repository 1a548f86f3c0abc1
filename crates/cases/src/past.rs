//! A case's history as an office's file records it: it waited from a day, started on a day on a
//! track, never started, ended or dropped out — written with the file's dates, inside the
//! import's transaction. What happened is recorded, not decided again: no capacity check puts a
//! recorded start on the waiting list, and an ending frees no place for someone else (their own
//! rows say when they started). The states still have to follow each other as the lifecycle
//! allows, the days must run forward, tracks and exits must be the version's.

use super::event;
use super::finish::{check_exit, end_case, finishing};
use super::start::{activate, joined_waiting_list, put_on_waiting_list, resolve_track};
use super::{allowing, load_on, refuse, Action, CaseError, CaseState, CaseTx, Ctx};
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
            let (c, version) = allowing(tx, compiled, id, Action::Start, ctx)?;
            if c.verdict == Verdict::Ineligible {
                return Err(CaseError::Ineligible { id });
            }
            let track = resolve_track(version, track.as_deref())?;
            put_on_waiting_list(tx, version, c, track, None, ctx)?;
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
            let joined = match c.state {
                CaseState::Waiting => joined_waiting_list(tx, id)?,
                _ => None,
            };
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

fn end(
    tx: &dyn CaseTx,
    compiled: &CompiledProgram,
    id: i64,
    action: Action,
    exit: &str,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    let (c, version) = allowing(tx, compiled, id, action, ctx)?;
    let (kind, state) = finishing(action);
    check_exit(version, exit, kind)?;
    end_case(tx, compiled, c, state, exit, ctx)
}
