//! Pausing, resuming and re-opening cases, each as the version's `pause:` and `reopen:`
//! policies allow. A paused case keeps its place, or gives it to the first who waits when the
//! policy says `place: free` (and then needs a free place to resume); on resuming, its end
//! date and the evaluation moments still to hold move by the days it was paused. A closed or dropped case re-opened
//! within the policy's period goes back to `referred`, to be started again (or to wait).

use chrono::NaiveDate;
use serde_json::json;
use traject_store::sql::{args, Sql, Tx};

use super::{add, allowing, capacity, is_full, promote, Action, CaseError, CaseState, Ctx, Freed};
use traject_model::program::model::{PausePlace, Version};
use traject_rules::CompiledProgram;
use traject_store::{append_event, Store};

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

/// The latest `paused` event of a case: (its day, the state it paused from).
fn last_pause(tx: &Tx, id: i64) -> Result<(NaiveDate, CaseState), CaseError> {
    let (day, payload): (String, String) = tx.query_row(
        "SELECT on_date, payload FROM events WHERE case_id = ?1 AND kind = 'paused' ORDER BY seq DESC LIMIT 1",
        args![id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let from = serde_json::from_str::<serde_json::Value>(&payload)
        .ok()
        .and_then(|p| p["from"].as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(CaseState::Active);
    Ok((day.parse().unwrap_or_default(), from))
}

/// Pause an active or extended case, until a planned day if one is given (it must fall
/// within the policy's longest pause). Where the policy frees the place, the first case on
/// the waiting list starts in the same transaction.
pub fn pause(
    store: &mut Store,
    compiled: &CompiledProgram,
    id: i64,
    reason: Option<&str>,
    until: Option<NaiveDate>,
    ctx: &Ctx,
) -> Result<Freed, CaseError> {
    store.write(|tx| {
        let (c, version) = allowing(tx, compiled, id, Action::Pause, ctx)?;
        let p = policy(version, |v| v.pause.as_ref(), "pausing a case", "pause")?;
        let taken: u32 = tx.query_row(
            "SELECT COUNT(*) FROM events WHERE case_id = ?1 AND kind = 'paused'",
            args![id],
            |r| r.get(0),
        )?;
        if taken >= p.max_pauses {
            return Err(CaseError::PauseLimit {
                id,
                taken,
                max: p.max_pauses,
                version: version.id.clone(),
            });
        }
        let frees = p.place == PausePlace::Free;
        tx.execute(
            "UPDATE cases SET state = 'paused', place_freed = ?3, updated_on = ?2 WHERE id = ?1",
            args![id, ctx.day(), i64::from(frees)],
        )?;
        let limit = add(ctx.on, &p.max_length);
        if let Some(u) = until {
            if u <= ctx.on || limit.is_some_and(|l| u > l) {
                return Err(CaseError::PauseUntil {
                    until: u,
                    on: ctx.on,
                    max: p.max_length.clone(),
                });
            }
        }
        let resume_by = until.or(limit).map(|d| d.to_string());
        let payload = json!({"from": c.state.as_str(), "reason": reason, "resume_by": resume_by, "place_freed": frees});
        append_event(
            tx,
            id,
            &ctx.day(),
            "paused",
            &payload,
            &ctx.actor,
            &c.version_hash,
        )?;
        let next_started = if frees {
            promote(tx, compiled, &c.program, ctx)?
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
    store: &mut Store,
    compiled: &CompiledProgram,
    id: i64,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.write(|tx| {
        let (c, version) = allowing(tx, compiled, id, Action::Resume, ctx)?;
        let p = policy(version, |v| v.pause.as_ref(), "pausing a case", "pause")?;
        let (since, from) = last_pause(tx, id)?;
        if add(since, &p.max_length).is_some_and(|limit| ctx.on > limit) {
            return Err(CaseError::PauseTooLong {
                id,
                since: since.to_string(),
                max: p.max_length.clone(),
            });
        }
        let freed: i64 =
            tx.query_row("SELECT place_freed FROM cases WHERE id = ?1", args![id], |r| r.get(0))?;
        if freed != 0 && is_full(tx, version, &c.program)? {
            return Err(CaseError::NoPlaceToResume {
                id,
                capacity: capacity(version).unwrap_or_default(),
            });
        }
        let days = (ctx.on - since).num_days();
        let ends_on: Option<String> =
            tx.query_row("SELECT ends_on FROM cases WHERE id = ?1", args![id], |r| r.get(0))?;
        let ends_on = ends_on.map(|d| shifted(&d, days));
        tx.execute(
            "UPDATE cases SET state = ?2, ends_on = ?3, place_freed = 0, updated_on = ?4 WHERE id = ?1",
            args![id, from.as_str(), ends_on, ctx.day()],
        )?;
        // Dates are shifted here rather than in SQL: the two back ends do date arithmetic
        // differently. Open evaluations are moved last-first so no key collides on the way.
        let open: Vec<(String, String, String)> = tx.query_map(
            "SELECT evaluation, due_from, due_to FROM due WHERE case_id = ?1 AND held_on IS NULL AND due_to >= ?2 ORDER BY due_from DESC",
            args![id, since.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        for (evaluation, due_from, due_to) in open {
            tx.execute(
                "UPDATE due SET due_from = ?4, due_to = ?5 WHERE case_id = ?1 AND evaluation = ?2 AND due_from = ?3",
                args![id, evaluation, due_from, shifted(&due_from, days), shifted(&due_to, days)],
            )?;
        }
        let payload = json!({"paused_days": days, "to": from.as_str(), "ends_on": ends_on});
        append_event(tx, id, &ctx.day(), "resumed", &payload, &ctx.actor, &c.version_hash)?;
        Ok(())
    })
}

/// Re-open a closed or dropped case when the client returns within the policy's period: it
/// is referred again, keeping its history, and starts (or waits) like any referral.
pub fn reopen(
    store: &mut Store,
    compiled: &CompiledProgram,
    id: i64,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.write(|tx| {
        let (c, version) = allowing(tx, compiled, id, Action::Reopen, ctx)?;
        let p = policy(version, |v| v.reopen.as_ref(), "re-opening a case", "reopen")?;
        let ended: String =
            tx.query_row("SELECT updated_on FROM cases WHERE id = ?1", args![id], |r| r.get(0))?;
        let late = ended
            .parse::<NaiveDate>()
            .ok()
            .and_then(|d| add(d, &p.within))
            .is_none_or(|limit| ctx.on > limit);
        if late {
            return Err(CaseError::ReopenTooLate {
                id,
                ended,
                within: p.within.clone(),
                version: version.id.clone(),
            });
        }
        let outcome: Option<String> =
            tx.query_row("SELECT outcome FROM cases WHERE id = ?1", args![id], |r| r.get(0))?;
        tx.execute(
            "UPDATE cases SET state = 'referred', outcome = NULL, track = NULL, started_on = NULL, ends_on = NULL, updated_on = ?2 WHERE id = ?1",
            args![id, ctx.day()],
        )?;
        // Closure-anchored moments of the ended stay are no longer due.
        tx.execute("DELETE FROM due WHERE case_id = ?1 AND held_on IS NULL", args![id])?;
        let payload = json!({"from": c.state.as_str(), "outcome": outcome, "ended_on": ended});
        append_event(tx, id, &ctx.day(), "reopened", &payload, &ctx.actor, &c.version_hash)?;
        Ok(())
    })
}

/// An ISO date `days` later (a date that does not parse is left as it is).
fn shifted(date: &str, days: i64) -> String {
    date.parse::<NaiveDate>()
        .ok()
        .and_then(|d| d.checked_add_signed(chrono::Duration::days(days)))
        .map_or_else(|| date.to_string(), |d| d.to_string())
}
