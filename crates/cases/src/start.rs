//! Starting: a referred case starts on a track when the team has a free place and nobody
//! waits, or joins the end of the waiting list; a freed place — or one the team gained —
//! goes to the first who waits.
//! The pathway's gates (an action plan, a trial week) must have been passed first.

use traject_model::diag::did_you_mean;
use traject_model::program::model::Version;
use traject_rules::{CompiledProgram, Verdict};

use crate::event::{self, Event, EventKind};
use crate::schedule::{add, schedule_start};
use crate::store::CaseRecord;
use crate::{
    capacity, is_full, load_in, pinned, refuse, Action, CaseError, CaseState, CaseStore, CaseTx,
    Ctx, ProgrammeIn,
};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StartOutcome {
    Started,
    Waiting { position: i64 },
}

/// Start a case on a track, or put it on the waiting list when the team is full.
pub fn start(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    id: i64,
    track: Option<&str>,
    ctx: &Ctx,
) -> Result<StartOutcome, CaseError> {
    store.in_transaction(|tx| start_in(tx, compiled, id, track, ctx))
}

fn start_in(
    tx: &dyn CaseTx,
    compiled: &CompiledProgram,
    id: i64,
    track: Option<&str>,
    ctx: &Ctx,
) -> Result<StartOutcome, CaseError> {
    // Whether there is room, or who waits, is asked below.
    tx.will_read_places();
    let c = load_in(tx, compiled, id, ctx)?;
    if c.state != CaseState::Referred {
        return Err(refuse(id, c.state, Action::Start));
    }
    if c.verdict == Verdict::Ineligible {
        return Err(CaseError::Ineligible { id });
    }
    let (version, changed) = pinned(compiled, &c)?;
    let track = resolve_track(version, track)?;
    gates_passed(tx, version, id)?;
    // Room the team gained since the list formed (staff joining on a dated step) goes to
    // those who wait first, in their order. When someone still waits, this case joins the
    // list behind them whatever the room; only when nobody does is the room looked at.
    let someone_waits = loop {
        match promote_next(tx, compiled, c.programme_in(), ctx)? {
            Promotion::Started(_) => continue,
            Promotion::NoneWaiting => break false,
            Promotion::Stays => break true,
        }
    };
    if someone_waits || is_full(tx, version, c.programme_in(), ctx.on)? {
        let position = put_on_waiting_list(tx, version, c, track, changed, ctx)?;
        return Ok(StartOutcome::Waiting { position });
    }
    let started = event::Started {
        track: track.clone(),
        changed,
        from_waiting_list: false,
        slot_freed_on: None,
        waited_days: None,
        ends_on: None,
    };
    activate(tx, version, c, ctx, started)?;
    Ok(StartOutcome::Started)
}

/// Gates of the pathway's required steps must have been passed (e.g. action plan, trial week
/// → enrol); optional steps (VIA after screening) do not hold up the start.
fn gates_passed(tx: &dyn CaseTx, version: &Version, id: i64) -> Result<(), CaseError> {
    for step in version.pathway.steps.iter().filter(|s| !s.optional) {
        if let Some(g) = &step.gate {
            let held = tx.events(id, EventKind::Evaluated)?;
            let passed = held.iter().any(|r| {
                matches!(&r.event, Event::Evaluated(e)
                    if e.evaluation == g.evaluation && e.decision == Some(g.decision))
            });
            if !passed {
                return Err(CaseError::GateNotPassed {
                    id,
                    step: step.id.clone(),
                    evaluation: g.evaluation.clone(),
                    decision: g.decision.to_string(),
                });
            }
        }
    }
    Ok(())
}

pub(crate) fn resolve_track(
    version: &Version,
    track: Option<&str>,
) -> Result<Option<String>, CaseError> {
    let ids: Vec<&str> = version.tracks.iter().map(|t| t.id.as_str()).collect();
    match (track, ids.len()) {
        (None, 0) => Ok(None),
        (None, 1) => Ok(Some(ids[0].to_string())),
        (None, _) => Err(CaseError::ChooseTrack {
            version: version.id.clone(),
            known: ids.iter().map(|s| s.to_string()).collect(),
        }),
        (Some(t), _) if ids.contains(&t) => Ok(Some(t.to_string())),
        (Some(t), _) => Err(CaseError::UnknownTrack {
            version: version.id.clone(),
            given: t.to_string(),
            suggestion: did_you_mean(t, ids.iter().copied()).map(str::to_string),
            known: ids.iter().map(|s| s.to_string()).collect(),
        }),
    }
}

/// The case starts on `ctx.on` on `started.track`: its end is set, its start-anchored
/// evaluations scheduled, its `started` event appended.
pub(crate) fn activate(
    tx: &dyn CaseTx,
    version: &Version,
    mut c: CaseRecord,
    ctx: &Ctx,
    mut started: event::Started,
) -> Result<(), CaseError> {
    let track = started.track.clone();
    let ends = track
        .as_deref()
        .and_then(|t| version.track(t))
        .and_then(|t| add(ctx.on, t.duration));
    c.state = CaseState::Active;
    c.track = track.clone();
    c.started_on = Some(ctx.on);
    c.ends_on = ends;
    c.queue_seq = None;
    c.updated_on = ctx.on;
    tx.save(&c)?;
    schedule_start(tx, c.id, version, track.as_deref(), ctx.on, ends)?;
    started.ends_on = ends;
    tx.append(
        c.id,
        ctx.on,
        &Event::Started(started),
        &ctx.actor,
        &c.version_hash,
    )?;
    Ok(())
}

/// Case `c` joins the end of its programme's waiting list on `ctx.on` for `track`; its
/// position on the list.
pub(crate) fn put_on_waiting_list(
    tx: &dyn CaseTx,
    version: &Version,
    mut c: CaseRecord,
    track: Option<String>,
    changed: Option<String>,
    ctx: &Ctx,
) -> Result<i64, CaseError> {
    let (seq, position) = tx.waiting_list_end(c.programme_in())?;
    c.state = CaseState::Waiting;
    c.track = track.clone();
    c.queue_seq = Some(seq);
    c.updated_on = ctx.on;
    tx.save(&c)?;
    let waiting = Event::Waiting(event::Waiting {
        track,
        position,
        capacity: capacity(version, ctx.on),
        changed,
    });
    tx.append(c.id, ctx.on, &waiting, &ctx.actor, &c.version_hash)?;
    Ok(position)
}

/// The day case `id` last joined the waiting list, if it ever did.
pub(crate) fn joined_waiting_list(
    tx: &dyn CaseTx,
    id: i64,
) -> Result<Option<chrono::NaiveDate>, CaseError> {
    Ok(tx.events(id, EventKind::Waiting)?.last().map(|r| r.on))
}

/// After a slot frees in `at`: start the first case on its waiting list, if the team has room.
pub(crate) fn promote(
    tx: &dyn CaseTx,
    compiled: &CompiledProgram,
    at: ProgrammeIn<'_>,
    ctx: &Ctx,
) -> Result<Option<i64>, CaseError> {
    Ok(match promote_next(tx, compiled, at, ctx)? {
        Promotion::Started(id) => Some(id),
        _ => None,
    })
}

/// What became of the first case on a waiting list.
pub(crate) enum Promotion {
    /// It started: its number.
    Started(i64),
    /// Nobody waits.
    NoneWaiting,
    /// It stays on the list: no room under its version, or its version is no longer in the
    /// programme.
    Stays,
}

/// Start the first case on `at`'s waiting list if there is room, saying why not otherwise.
pub(crate) fn promote_next(
    tx: &dyn CaseTx,
    compiled: &CompiledProgram,
    at: ProgrammeIn<'_>,
    ctx: &Ctx,
) -> Result<Promotion, CaseError> {
    let Some(next) = tx.first_waiting(at)? else {
        return Ok(Promotion::NoneWaiting);
    };
    let Some(version) = compiled.program.version(&next.version) else {
        return Ok(Promotion::Stays);
    };
    if is_full(tx, version, at, ctx.on)? {
        return Ok(Promotion::Stays);
    }
    let joined = joined_waiting_list(tx, next.id)?;
    // A slot freed on a day before this case joined the list (a change recorded late): it
    // starts on the day it joined, so that its own history still runs forward.
    let (start, slot_freed_on) = match joined {
        Some(d) if d > ctx.on => (
            Ctx {
                on: d,
                ..ctx.clone()
            },
            Some(ctx.on),
        ),
        _ => (ctx.clone(), None),
    };
    let started = event::Started {
        track: next.track.clone(),
        changed: None,
        from_waiting_list: true,
        slot_freed_on,
        waited_days: Some(joined.map_or(0, |d| (start.on - d).num_days())),
        ends_on: None,
    };
    let id = next.id;
    activate(tx, version, next, &start, started)?;
    Ok(Promotion::Started(id))
}
