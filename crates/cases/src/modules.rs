//! Which modules a client attends: joining one (alone or as a routed cohort) schedules the
//! module's evaluation moments; leaving one takes those not yet held off the list.

use chrono::NaiveDate;

use traject_model::diag::did_you_mean;
use traject_model::program::model::{Anchor, Evaluation, Module, Version};
use traject_rules::CompiledProgram;

use crate::event::{self, Event};
use crate::schedule::{add, schedule_one};
use crate::{load_on, pinned, CaseError, CaseState, CaseStore, CaseTx, Ctx};

/// Enrol an active case in a module (optionally a group) — or a referred one in a module of a
/// step before the start: the module's evaluation moments anchored on its start or end are
/// scheduled from today — at the end when no timing is given.
pub fn enrol(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    id: i64,
    module: &str,
    group: Option<&str>,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.in_transaction(|tx| enrol_in(tx, compiled, id, module, group, ctx))
}

/// Enrol a cohort in a module, each case in its group (as routing placed them): all of them
/// in one transaction, or none when one is refused.
pub fn enrol_cohort(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    module: &str,
    placements: &[(i64, Option<String>)],
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.in_transaction(|tx| {
        placements
            .iter()
            .try_for_each(|(id, group)| enrol_in(tx, compiled, *id, module, group.as_deref(), ctx))
    })
}

fn enrol_in(
    tx: &dyn CaseTx,
    compiled: &CompiledProgram,
    id: i64,
    module: &str,
    group: Option<&str>,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    let c = load_on(tx, id, ctx)?;
    let (version, _) = pinned(compiled, &c)?;
    let before_start = c.state == CaseState::Referred && version.before_start(module);
    if !c.state.is_running() && !before_start {
        return Err(CaseError::NotEnrollable { id, state: c.state });
    }
    let Some(m) = version.module(module) else {
        let known: Vec<String> = version.modules.iter().map(|m| m.id.clone()).collect();
        return Err(CaseError::UnknownModule {
            version: version.id.clone(),
            suggestion: did_you_mean(module, known.iter().map(String::as_str)).map(str::to_string),
            given: module.to_string(),
            known,
        });
    };
    if let Some(since) = tx.enrolled_since(id, module)? {
        return Err(CaseError::AlreadyEnrolled {
            id,
            module: module.to_string(),
            since,
        });
    }
    if let Some(group) = group {
        group_has_room(tx, m, id, group, ctx)?;
    }
    tx.enrol(id, module, group, ctx.on)?;
    // Moments counted from the referral until now (a step before the start) count from today.
    for e in module_evaluations(version, module) {
        tx.unschedule_open(id, Some(&e.id))?;
    }
    let ends = schedule_module(tx, version, id, m, ctx.on)?;
    let enrolled = Event::Enrolled(event::Enrolled {
        module: module.to_string(),
        group: group.map(str::to_string),
        ends_on: ends,
    });
    tx.append(id, ctx.on, &enrolled, &ctx.actor, &c.version_hash)?;
    Ok(())
}

/// The evaluations anchored on module `module`.
fn module_evaluations<'a>(
    version: &'a Version,
    module: &'a str,
) -> impl Iterator<Item = &'a Evaluation> + 'a {
    version
        .evaluations
        .iter()
        .filter(move |e| e.module.as_deref() == Some(module))
}

/// Schedule the moments of module `m` for case `id` as if it began on `on`: those anchored
/// on its start from `on`, those on its end from its end (at the end when no timing is
/// given); the day it ends, when it has a duration.
fn schedule_module(
    tx: &dyn CaseTx,
    version: &Version,
    id: i64,
    m: &Module,
    on: NaiveDate,
) -> Result<Option<NaiveDate>, CaseError> {
    let ends = m.duration.and_then(|d| add(on, d));
    for e in module_evaluations(version, &m.id) {
        let base = match e.anchor {
            Anchor::ModuleStart => Some(on),
            Anchor::ModuleEnd => ends,
            _ => None,
        };
        if let Some(base) = base {
            if e.at.is_none() && e.window.is_none() && e.every.is_none() {
                tx.schedule(id, &e.id, base, base)?;
            } else {
                schedule_one(tx, id, e, base, ends)?;
            }
        }
    }
    Ok(ends)
}

/// A case referred (or taken back) on `on` is in the pathway's first steps before the start
/// (an orientation) from that day: their moments fall due from it until the client's joining
/// is recorded, which counts them again from that day.
pub(crate) fn schedule_before_start(
    tx: &dyn CaseTx,
    version: &Version,
    id: i64,
    on: NaiveDate,
) -> Result<(), CaseError> {
    let first = version
        .pathway
        .steps
        .iter()
        .filter(|s| s.before_start && s.after.is_empty());
    for m in first
        .flat_map(|s| &s.modules)
        .filter_map(|m| version.module(m))
    {
        schedule_module(tx, version, id, m, on)?;
    }
    Ok(())
}

/// A named group takes one more client only under the module's limit on that day (a dated
/// temporary limit, else its maximum), however the client joins — alone, as a cohort, routed.
fn group_has_room(
    tx: &dyn CaseTx,
    m: &Module,
    id: i64,
    group: &str,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    let Some(size) = &m.group_size else {
        return Ok(());
    };
    let Some(max) = size.max_on(ctx.on) else {
        return Ok(());
    };
    let source = size
        .temporary
        .iter()
        .find(|t| t.from <= ctx.on && ctx.on <= t.to)
        .map_or_else(|| m.source.clone(), |t| t.source.clone());
    if tx.group_members(id, &m.id, group)? >= i64::from(max) {
        return Err(CaseError::GroupFull {
            module: m.id.clone(),
            group: group.to_string(),
            max,
            source,
        });
    }
    Ok(())
}

/// A case leaves a module: its module evaluations not yet held are no longer due.
pub fn leave(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    id: i64,
    module: &str,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.in_transaction(|tx| {
        let c = load_on(tx, id, ctx)?;
        let (version, _) = pinned(compiled, &c)?;
        if tx.enrolled_since(id, module)?.is_none() {
            return Err(CaseError::NotEnrolled {
                id,
                module: module.to_string(),
            });
        }
        tx.leave(id, module, ctx.on)?;
        for e in module_evaluations(version, module) {
            tx.unschedule_open(id, Some(&e.id))?;
        }
        let left = Event::Left(event::Left {
            module: module.to_string(),
        });
        tx.append(id, ctx.on, &left, &ctx.actor, &c.version_hash)?;
        Ok(())
    })
}
