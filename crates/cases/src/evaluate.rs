//! Holding an evaluation moment: goals, a score and a decision the moment allows. `extend`
//! lengthens the track (the moment comes back at the new end); `close` needs a destination and
//! closes the case. Before the start only the pathway's gate evaluations may be held. A moment
//! held before its window opens or after it closed needs a reason, kept with the event.

use chrono::NaiveDate;

use traject_model::diag::did_you_mean;
use traject_model::program::duration::Duration;
use traject_model::program::model::{Decision, Evaluation, ExitKind, Version};
use traject_rules::CompiledProgram;

use crate::event::{self, Event};
use crate::finish::{check_exit, finish, Freed};
use crate::schedule::add;
use crate::store::CaseRecord;
use crate::{load_on, pinned, Action, CaseError, CaseState, CaseStore, CaseTx, Ctx};

/// Record an evaluation: goals, score, decision. `extend` lengthens the track; `close` needs a
/// destination and closes the case.
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    id: i64,
    evaluation: &str,
    decision: Option<&str>,
    goals: &[String],
    score: Option<f64>,
    extend_by: Option<&str>,
    destination: Option<&str>,
    reason: Option<&str>,
    ctx: &Ctx,
) -> Result<Option<Freed>, CaseError> {
    store.in_transaction(|tx| {
        let c = load_on(tx, id, ctx)?;
        let (version, changed) = pinned(compiled, &c)?;
        let e = evaluation_of(version, evaluation)?;
        let is_gate = version
            .pathway
            .steps
            .iter()
            .any(|s| s.gate.as_ref().is_some_and(|g| g.evaluation == evaluation));
        let ok_state = c.state.is_running() || (c.state == CaseState::Referred && is_gate);
        if !ok_state {
            return Err(CaseError::Refused {
                id,
                state: c.state,
                action: Action::Evaluate,
                gate_only: c.state == CaseState::Referred,
            });
        }
        let decision = decision.map(|d| decision_of(e, d)).transpose()?;
        let moment = tx
            .due(id)?
            .into_iter()
            .find(|d| d.evaluation == evaluation && d.held_on.is_none());
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        within_window_or_said_why(id, moment.as_ref(), reason, ctx)?;
        let held = moment.map(|d| d.due_from);
        if let Some(from) = held {
            tx.hold(id, evaluation, from, ctx.on)?;
        }
        let mut evaluated = event::Evaluated {
            evaluation: evaluation.to_string(),
            decision,
            goals: goals.to_vec(),
            score,
            scheduled_for: held,
            changed,
            extended_until: None,
            destination: None,
            reason: reason.map(str::to_string),
            redacted: false,
        };
        match decision {
            Some(Decision::Extend) => {
                let ends = extend(tx, version, c.clone(), evaluation, extend_by, ctx)?;
                evaluated.extended_until = Some(ends);
            }
            Some(Decision::Close) => {
                let dest = destination.ok_or(CaseError::DestinationMissing)?;
                check_exit(version, dest, ExitKind::Destination)?;
                evaluated.destination = Some(dest.to_string());
            }
            _ => {}
        }
        let hash = c.version_hash.clone();
        tx.append(id, ctx.on, &Event::Evaluated(evaluated), &ctx.actor, &hash)?;
        if decision == Some(Decision::Close) {
            let dest = destination.unwrap_or_default();
            return Ok(Some(finish(tx, compiled, c, CaseState::Closed, dest, ctx)?));
        }
        Ok(None)
    })
}

/// A moment held before its window opens or after it closed needs a reason, for the file.
fn within_window_or_said_why(
    id: i64,
    moment: Option<&crate::store::Due>,
    reason: Option<&str>,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    match moment {
        Some(m) if (ctx.on < m.due_from || ctx.on > m.due_to) && reason.is_none() => {
            Err(CaseError::OutsideWindow {
                id,
                evaluation: m.evaluation.clone(),
                from: m.due_from,
                to: m.due_to,
                on: ctx.on,
            })
        }
        _ => Ok(()),
    }
}

/// The decision `given`, if the evaluation may take it (any decision, when it lists none).
fn decision_of(e: &Evaluation, given: &str) -> Result<Decision, CaseError> {
    let allowed = if e.decisions.is_empty() {
        Decision::ALL
    } else {
        &e.decisions[..]
    };
    match Decision::parse(given) {
        Some(d) if allowed.contains(&d) => Ok(d),
        _ => Err(CaseError::DecisionNotAllowed {
            evaluation: e.id.clone(),
            given: given.to_string(),
            suggestion: did_you_mean(given, allowed.iter().map(|d| d.as_str())).map(str::to_string),
            known: allowed.iter().map(|d| d.to_string()).collect(),
        }),
    }
}

fn evaluation_of<'a>(version: &'a Version, evaluation: &str) -> Result<&'a Evaluation, CaseError> {
    version
        .evaluations
        .iter()
        .find(|e| e.id == evaluation)
        .ok_or_else(|| {
            let ids: Vec<&str> = version.evaluations.iter().map(|e| e.id.as_str()).collect();
            CaseError::UnknownEvaluation {
                version: version.id.clone(),
                given: evaluation.to_string(),
                suggestion: did_you_mean(evaluation, ids.iter().copied()).map(str::to_string),
                known: ids.iter().map(|s| s.to_string()).collect(),
            }
        })
}

/// Lengthen the case's track by `extend_by` (or the track's own extension); the evaluation
/// comes back at the new end. Returns the new end date.
fn extend(
    tx: &dyn CaseTx,
    version: &Version,
    mut c: CaseRecord,
    evaluation: &str,
    extend_by: Option<&str>,
    ctx: &Ctx,
) -> Result<NaiveDate, CaseError> {
    let track = c.track.as_deref().and_then(|t| version.track(t));
    if track.is_some_and(|t| !t.extendable) {
        return Err(CaseError::NotExtendable {
            track: c.track.clone().unwrap_or_default(),
            version: version.id.clone(),
        });
    }
    let by = match extend_by {
        Some(text) => Duration::parse(text).map_err(|_| CaseError::BadExtension {
            given: text.to_string(),
        })?,
        None => track
            .and_then(|t| t.extension)
            .ok_or(CaseError::ExtensionLengthMissing)?,
    };
    let from = c.ends_on.unwrap_or(ctx.on);
    let ends = add(from, by).ok_or_else(|| CaseError::BadExtension {
        given: by.to_string(),
    })?;
    c.state = CaseState::Extended;
    c.ends_on = Some(ends);
    c.updated_on = ctx.on;
    tx.save(&c)?;
    tx.schedule(c.id, evaluation, ends, ends)?;
    Ok(ends)
}
