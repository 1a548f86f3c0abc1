//! The case lifecycle, driven by the programme: a referral becomes a case (with its eligibility
//! verdict), starts on a track when a slot is free (FTE × caseload norm) or waits in a FIFO
//! list, gets its evaluation moments scheduled from the programme, is evaluated, extended,
//! closed with an exit destination, dropped with a reason, or never starts. Each change is one
//! transaction together with its event; a refused transition lists the allowed ones.
//!
//! States: referred → active | waiting → (extended) → closed | dropped; referred/waiting →
//! not_started. A case stays pinned to the version (and content hash) it was referred under.

use chrono::NaiveDate;
use serde_json::{json, Value};
use traject_store::sql::{args, Sql, Tx};

use traject_model::diag::did_you_mean;
use traject_model::program::duration::Duration;
use traject_model::program::model::{Anchor, Decision, Evaluation, ExitKind, Version};
use traject_model::referral::Referral;
use traject_rules::CompiledProgram;
use traject_store::{append_event, Store};

mod error;
mod error_words;
mod pause;

pub use error::CaseError;
pub use pause::{pause, reopen, resume};
pub use traject_store::lifecycle::{Action, CaseState, UnknownState};

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

impl Ctx {
    fn day(&self) -> String {
        self.on.to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum StartOutcome {
    Started,
    Waiting { position: i64 },
}

/// What a close or drop did to the waiting list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Freed {
    /// The case that took the freed slot, if anyone was waiting.
    pub next_started: Option<i64>,
}

fn refuse(id: i64, state: CaseState, action: Action) -> CaseError {
    CaseError::Refused {
        id,
        state,
        action,
        gate_only: false,
    }
}

struct StoredCase {
    program: String,
    version: String,
    version_hash: String,
    state: CaseState,
    verdict: String,
    track: Option<String>,
    /// The day of the case's latest event: nothing may be recorded before it.
    latest: Option<String>,
}

/// The case `id`, to be changed on `ctx.on` — refused when that day is before the case's
/// latest event, so that a case's history always runs forward.
fn load_on(tx: &Tx, id: i64, ctx: &Ctx) -> Result<StoredCase, CaseError> {
    let c = load(tx, id)?;
    if let Some(latest) = c
        .latest
        .as_deref()
        .and_then(|d| d.parse::<NaiveDate>().ok())
    {
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

fn load(tx: &Tx, id: i64) -> Result<StoredCase, CaseError> {
    tx.query_opt(
        "SELECT program, version, version_hash, state, verdict, track, (SELECT MAX(on_date) FROM events WHERE case_id = cases.id) FROM cases WHERE id = ?1",
        args![id],
        |r| {
            Ok(StoredCase {
                program: r.get(0)?,
                version: r.get(1)?,
                version_hash: r.get(2)?,
                state: r.get::<String>(3)?.parse().map_err(|e: UnknownState| {
                    traject_store::StoreError::Column {
                        index: 3,
                        expected: "a case state",
                        found: e.to_string(),
                    }
                })?,
                verdict: r.get(4)?,
                track: r.get(5)?,
                latest: r.get(6)?,
            })
        },
    )?
    .ok_or(CaseError::NotFound { id })
}

/// The pinned version of a case in the current programme file; a changed file is noted.
fn pinned<'a>(
    compiled: &'a CompiledProgram,
    c: &StoredCase,
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
    tx: &Tx,
    compiled: &'a CompiledProgram,
    id: i64,
    action: Action,
    ctx: &Ctx,
) -> Result<(StoredCase, &'a Version), CaseError> {
    let c = load_on(tx, id, ctx)?;
    if !c.state.allows(action) {
        return Err(refuse(id, c.state, action));
    }
    let (version, _) = pinned(compiled, &c)?;
    Ok((c, version))
}

fn add(date: NaiveDate, d: &str) -> Option<NaiveDate> {
    Duration::parse(d).ok()?.after(date)
}

/// Create a case from a referral: judge it with the version in force on its date.
pub fn new_case(
    store: &mut Store,
    compiled: &CompiledProgram,
    referral: &Referral,
    ctx: &Ctx,
) -> Result<(i64, &'static str), CaseError> {
    store.write(|tx| insert_case(tx, compiled, referral, ctx))
}

/// Insert one case (inside a transaction): the case row, its intake evaluations, its event.
pub fn insert_case(
    tx: &Tx,
    compiled: &CompiledProgram,
    referral: &Referral,
    ctx: &Ctx,
) -> Result<(i64, &'static str), CaseError> {
    let evaluation = compiled.evaluate(referral)?;
    let version = &compiled.program.spec.versions[evaluation.version_index];
    let verdict = evaluation.verdict.as_str();
    let referral_json = serde_json::to_string(&referral_value(referral)).unwrap_or_default();
    let referral_date = referral
        .referral_date
        .expect("evaluated referrals have a date");
    if ctx.on < referral_date {
        return Err(CaseError::BeforeReferral {
            on: ctx.on,
            referral_date,
        });
    }
    let date = referral_date.to_string();
    if let Some(existing) =
        existing_case(tx, &compiled.program.spec.id, ctx.org.as_deref(), referral)?
    {
        return Err(existing.refusal());
    }
    keep_snapshot(tx, compiled, version, ctx)?;
    let id: i64 = tx.one(
        "INSERT INTO cases (program, version, version_hash, state, verdict, referral_date, referral, updated_on, dossier, team, org) \
         VALUES (?1, ?2, ?3, 'referred', ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
        args![compiled.program.spec.id, version.id, version.hash, verdict, date, referral_json, ctx.day(), referral.id, ctx.team, ctx.org],
    )?;
    for e in version
        .evaluations
        .iter()
        .filter(|e| matches!(e.anchor, Anchor::Intake | Anchor::Referral))
    {
        let base = if e.anchor == Anchor::Referral {
            referral.referral_date.unwrap_or(ctx.on)
        } else {
            ctx.on
        };
        schedule_one(tx, id, e, base, None)?;
    }
    let failed: Vec<&str> = compiled.versions[evaluation.version_index]
        .rules
        .iter()
        .zip(&evaluation.rules)
        .filter(|(_, o)| o.outcome != traject_rules::Outcome::Pass)
        .map(|(r, _)| r.id.as_str())
        .collect();
    append_event(
        tx,
        id,
        &ctx.day(),
        "referred",
        // The funders are kept with the event so that funding reports survive an erasure.
        &json!({"verdict": verdict, "version": version.id, "not_passed": failed, "funding": evaluation.funder_ids(compiled)}),
        &ctx.actor,
        &version.hash,
    )?;
    Ok((id, verdict))
}

/// The referral as stored: every known field, flags included.
/// Store the programme text a version was judged under, once per content hash.
fn keep_snapshot(
    tx: &Tx,
    compiled: &CompiledProgram,
    version: &Version,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    let p = &compiled.program;
    let options = serde_json::to_string(&p.options).unwrap_or_default();
    let scripts = serde_json::to_string(&p.scripts).unwrap_or_default();
    tx.execute(
        "INSERT INTO snapshots (hash, program, version, file, text, options, recorded_on, scripts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (hash) DO NOTHING",
        args![version.hash, p.spec.id, version.id, p.file, p.text, options, ctx.day(), scripts],
    )?;
    Ok(())
}

/// Move a case deliberately to version `to` of the programme as it is now (its rules, its
/// hash), with a `migrated` event naming both.
pub fn migrate(
    store: &mut Store,
    compiled: &CompiledProgram,
    id: i64,
    to: &str,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.write(|tx| {
        let c = load_on(tx, id, ctx)?;
        let version = compiled.program.version(to).ok_or_else(|| CaseError::VersionGone {
            program: c.program.clone(),
            version: to.to_string(),
        })?;
        keep_snapshot(tx, compiled, version, ctx)?;
        tx.execute(
            "UPDATE cases SET version = ?2, version_hash = ?3, updated_on = ?4 WHERE id = ?1",
            args![id, version.id, version.hash, ctx.day()],
        )?;
        let payload = json!({"from_version": c.version, "from_hash": c.version_hash, "to_version": version.id, "to_hash": version.hash});
        append_event(tx, id, &ctx.day(), "migrated", &payload, &ctx.actor, &version.hash)?;
        Ok(())
    })
}

/// Enrol an active case in a module (optionally a group): the module's evaluation moments
/// anchored on its start or end are scheduled from today — at the end when no timing is given.
pub fn enrol(
    store: &mut Store,
    compiled: &CompiledProgram,
    id: i64,
    module: &str,
    group: Option<&str>,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.write(|tx| enrol_in(tx, compiled, id, module, group, ctx))
}

/// Enrol a cohort in a module, each case in its group (as routing placed them): all of them
/// in one transaction, or none when one is refused.
pub fn enrol_cohort(
    store: &mut Store,
    compiled: &CompiledProgram,
    module: &str,
    placements: &[(i64, Option<String>)],
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.write(|tx| {
        placements
            .iter()
            .try_for_each(|(id, group)| enrol_in(tx, compiled, *id, module, group.as_deref(), ctx))
    })
}

fn enrol_in(
    tx: &Tx,
    compiled: &CompiledProgram,
    id: i64,
    module: &str,
    group: Option<&str>,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    let c = load_on(tx, id, ctx)?;
    if !c.state.is_running() {
        return Err(CaseError::NotEnrollable { id, state: c.state });
    }
    let (version, _) = pinned(compiled, &c)?;
    let Some(m) = version.module(module) else {
        let known: Vec<String> = version.modules.iter().map(|m| m.id.clone()).collect();
        return Err(CaseError::UnknownModule {
            version: version.id.clone(),
            suggestion: did_you_mean(module, known.iter().map(String::as_str)).map(str::to_string),
            given: module.to_string(),
            known,
        });
    };
    if let Some(since) = open_enrolment(tx, id, module)? {
        return Err(CaseError::AlreadyEnrolled {
            id,
            module: module.to_string(),
            since,
        });
    }
    tx.execute(
        "INSERT INTO enrolments (case_id, module, grp, enrolled_on) VALUES (?1, ?2, ?3, ?4)",
        args![id, module, group, ctx.day()],
    )?;
    let ends = m.duration.as_deref().and_then(|d| add(ctx.on, d));
    for e in version
        .evaluations
        .iter()
        .filter(|e| e.module.as_deref() == Some(module))
    {
        let base = match e.anchor {
            Anchor::ModuleStart => Some(ctx.on),
            Anchor::ModuleEnd => ends,
            _ => None,
        };
        if let Some(base) = base {
            if e.at.is_none() && e.window.is_none() && e.every.is_none() {
                due_between(tx, id, &e.id, base, base)?;
            } else {
                schedule_one(tx, id, e, base, ends)?;
            }
        }
    }
    let payload = json!({"module": module, "group": group, "ends_on": ends.map(|d| d.to_string())});
    append_event(
        tx,
        id,
        &ctx.day(),
        "enrolled",
        &payload,
        &ctx.actor,
        &c.version_hash,
    )?;
    Ok(())
}

/// A case leaves a module: its module evaluations not yet held are no longer due.
pub fn leave(
    store: &mut Store,
    compiled: &CompiledProgram,
    id: i64,
    module: &str,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.write(|tx| {
        let c = load_on(tx, id, ctx)?;
        let (version, _) = pinned(compiled, &c)?;
        if open_enrolment(tx, id, module)?.is_none() {
            return Err(CaseError::NotEnrolled { id, module: module.to_string() });
        }
        tx.execute(
            "UPDATE enrolments SET left_on = ?3 WHERE case_id = ?1 AND module = ?2 AND left_on IS NULL",
            args![id, module, ctx.day()],
        )?;
        for e in version.evaluations.iter().filter(|e| e.module.as_deref() == Some(module)) {
            tx.execute(
                "DELETE FROM due WHERE case_id = ?1 AND evaluation = ?2 AND held_on IS NULL",
                args![id, e.id],
            )?;
        }
        append_event(tx, id, &ctx.day(), "left", &json!({"module": module}), &ctx.actor, &c.version_hash)?;
        Ok(())
    })
}

/// Since when a case attends `module`, if it does.
fn open_enrolment(tx: &Tx, id: i64, module: &str) -> Result<Option<String>, CaseError> {
    Ok(tx.query_opt(
        "SELECT enrolled_on FROM enrolments WHERE case_id = ?1 AND module = ?2 AND left_on IS NULL",
        args![id, module],
        |r| r.get(0),
    )?)
}

/// A case that already holds a referral's dossier number in the programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub id: i64,
    pub dossier: String,
    /// The stored referral is the same as the one given.
    pub same: bool,
}

impl Existing {
    fn refusal(&self) -> CaseError {
        if self.same {
            CaseError::AlreadyPresent {
                id: self.id,
                dossier: self.dossier.clone(),
            }
        } else {
            CaseError::Conflict {
                id: self.id,
                dossier: self.dossier.clone(),
            }
        }
    }
}

/// The case of `program` with the referral's dossier number (its `id`), if there is one. Dossier
/// numbers are the organisation's own, so two organisations sharing a store may both hold one.
pub fn existing_case(
    tx: &Tx,
    program: &str,
    org: Option<&str>,
    referral: &Referral,
) -> Result<Option<Existing>, CaseError> {
    let Some(dossier) = referral.id.as_deref() else {
        return Ok(None);
    };
    let found: Option<(i64, String)> = tx.query_opt(
        "SELECT id, referral FROM cases WHERE program = ?1 AND dossier = ?2 AND org IS NOT DISTINCT FROM ?3 ORDER BY id LIMIT 1",
        args![program, dossier, org],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let given = serde_json::to_string(&referral_value(referral)).unwrap_or_default();
    Ok(found.map(|(id, stored)| Existing {
        id,
        dossier: dossier.to_string(),
        same: stored == given,
    }))
}

fn referral_value(r: &Referral) -> Value {
    let mut m = serde_json::Map::new();
    for (name, _) in traject_model::referral::FIELDS {
        if let Some(v) = r.display(name) {
            let value = match v.as_str() {
                "true" if traject_model::referral::bool_index(name).is_some() => Value::Bool(true),
                "false" if traject_model::referral::bool_index(name).is_some() => {
                    Value::Bool(false)
                }
                _ => Value::String(v),
            };
            m.insert((*name).to_string(), value);
        }
    }
    Value::Object(m)
}

/// An evaluation of a case is due between `from` and `to` (once; a repeat is ignored).
fn due_between(
    tx: &Tx,
    id: i64,
    evaluation: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(), CaseError> {
    tx.execute(
        "INSERT INTO due (case_id, evaluation, due_from, due_to) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        args![id, evaluation, from.to_string(), to.to_string()],
    )?;
    Ok(())
}

fn schedule_one(
    tx: &Tx,
    id: i64,
    e: &traject_model::program::model::Evaluation,
    base: NaiveDate,
    until: Option<NaiveDate>,
) -> Result<(), CaseError> {
    let insert = |from: NaiveDate, to: NaiveDate| due_between(tx, id, &e.id, from, to);
    if let Some(at) = &e.at {
        if let Some(d) = add(base, at) {
            insert(d, d)?;
        }
    } else if let Some(w) = &e.window {
        if let (Some(a), Some(b)) = (add(base, &w.from), add(base, &w.to)) {
            insert(a, b)?;
        }
    } else if let Some(every) = &e.every {
        let end = until
            .or_else(|| base.checked_add_months(chrono::Months::new(24)))
            .unwrap_or(base);
        let mut d = add(base, every);
        while let Some(x) = d {
            if x > end {
                break;
            }
            insert(x, x)?;
            d = add(x, every);
        }
    } else {
        insert(base, base)?;
    }
    Ok(())
}

/// Schedule the start-anchored evaluations of a case that starts on `on` on `track`.
fn schedule_start(
    tx: &Tx,
    id: i64,
    version: &Version,
    track: Option<&str>,
    on: NaiveDate,
    ends: Option<NaiveDate>,
) -> Result<(), CaseError> {
    for e in &version.evaluations {
        let applies = e.tracks.is_empty() || track.is_some_and(|t| e.tracks.iter().any(|x| x == t));
        if !applies {
            continue;
        }
        match e.anchor {
            Anchor::Start => schedule_one(tx, id, e, on, ends)?,
            Anchor::TrajectoryEnd => {
                if let Some(end) = ends {
                    schedule_one(tx, id, e, end, None)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn capacity(version: &Version) -> Option<i64> {
    version.capacity_limit().map(|c| c as i64)
}

/// Whether the programme's team has no free slot (never, without a caseload norm).
fn is_full(tx: &Tx, version: &Version, program: &str) -> Result<bool, CaseError> {
    match capacity(version) {
        Some(cap) => Ok(active_count(tx, program)? >= cap),
        None => Ok(false),
    }
}

fn active_count(tx: &Tx, program: &str) -> Result<i64, CaseError> {
    // Two counts, each answered from the (program, state) index: a single OR over states
    // makes the planners scan every case of the programme, on every start.
    Ok(tx.query_row(
        "SELECT (SELECT COUNT(*) FROM cases WHERE program = ?1 AND state IN ('active', 'extended')) \
              + (SELECT COUNT(*) FROM cases WHERE program = ?1 AND state = 'paused' AND place_freed = 0)",
        args![program],
        |r| r.get(0),
    )?)
}

/// Start a case on a track, or put it on the waiting list when the team is full.
pub fn start(
    store: &mut Store,
    compiled: &CompiledProgram,
    id: i64,
    track: Option<&str>,
    ctx: &Ctx,
) -> Result<StartOutcome, CaseError> {
    store.write(|tx| start_in(tx, compiled, id, track, ctx))
}

fn start_in(
    tx: &Tx,
    compiled: &CompiledProgram,
    id: i64,
    track: Option<&str>,
    ctx: &Ctx,
) -> Result<StartOutcome, CaseError> {
    let c = load_on(tx, id, ctx)?;
    if c.state != CaseState::Referred {
        return Err(refuse(id, c.state, Action::Start));
    }
    if c.verdict == "ineligible" {
        return Err(CaseError::Ineligible { id });
    }
    let (version, changed) = pinned(compiled, &c)?;
    let track = resolve_track(version, track)?;
    // Gates of the pathway's required steps must have been passed (e.g. action plan, trial
    // week → enrol); optional steps (VIA after screening) do not hold up the start.
    for step in version.pathway.steps.iter().filter(|s| !s.optional) {
        if let Some(g) = &step.gate {
            let (evaluation, decision) = (
                tx.dialect().json_text("payload", "evaluation"),
                tx.dialect().json_text("payload", "decision"),
            );
            let passed: bool = tx.one(
                &format!("SELECT EXISTS(SELECT 1 FROM events WHERE case_id = ?1 AND kind = 'evaluated' AND {evaluation} = ?2 AND {decision} = ?3)"),
                args![id, g.evaluation, g.decision.as_str()],
            )?;
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
    let full = is_full(tx, version, &c.program)?;
    let waiting_exists: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM cases WHERE program = ?1 AND state = 'waiting')",
        args![c.program],
        |r| r.get(0),
    )?;
    if full || waiting_exists {
        let seq: i64 = tx.query_row(
            "SELECT COALESCE(MAX(queue_seq), 0) + 1 FROM cases WHERE program = ?1",
            args![c.program],
            |r| r.get(0),
        )?;
        tx.execute("UPDATE cases SET state = 'waiting', track = ?2, queue_seq = ?3, updated_on = ?4 WHERE id = ?1", args![id, track, seq, ctx.day()])?;
        let position: i64 = tx.query_row("SELECT COUNT(*) FROM cases WHERE program = ?1 AND state = 'waiting' AND queue_seq <= ?2", args![c.program, seq], |r| r.get(0))?;
        append_event(
            tx,
            id,
            &ctx.day(),
            "waiting",
            &json!({"track": track, "position": position, "capacity": capacity(version), "changed": changed}),
            &ctx.actor,
            &c.version_hash,
        )?;
        return Ok(StartOutcome::Waiting { position });
    }
    activate(
        tx,
        version,
        id,
        track.as_deref(),
        ctx,
        &c.version_hash,
        json!({"track": track, "changed": changed}),
    )?;
    Ok(StartOutcome::Started)
}

fn resolve_track(version: &Version, track: Option<&str>) -> Result<Option<String>, CaseError> {
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

fn activate(
    tx: &Tx,
    version: &Version,
    id: i64,
    track: Option<&str>,
    ctx: &Ctx,
    hash: &str,
    payload: Value,
) -> Result<(), CaseError> {
    let ends = track
        .and_then(|t| version.track(t))
        .and_then(|t| add(ctx.on, &t.duration));
    tx.execute("UPDATE cases SET state = 'active', track = ?2, started_on = ?3, ends_on = ?4, queue_seq = NULL, updated_on = ?3 WHERE id = ?1", args![id, track, ctx.day(), ends.map(|d| d.to_string())])?;
    schedule_start(tx, id, version, track, ctx.on, ends)?;
    let mut payload = payload;
    payload["ends_on"] = json!(ends.map(|d| d.to_string()));
    append_event(tx, id, &ctx.day(), "started", &payload, &ctx.actor, hash)?;
    Ok(())
}

/// After a slot frees: start the first case on the waiting list, if the team has room.
fn promote(
    tx: &Tx,
    compiled: &CompiledProgram,
    program: &str,
    ctx: &Ctx,
) -> Result<Option<i64>, CaseError> {
    let next: Option<(i64, String, Option<String>, String)> = tx.query_opt(
        "SELECT id, version, track, version_hash FROM cases WHERE program = ?1 AND state = 'waiting' ORDER BY queue_seq LIMIT 1",
        args![program],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let Some((id, version_id, track, hash)) = next else {
        return Ok(None);
    };
    let Some(version) = compiled.program.version(&version_id) else {
        return Ok(None);
    };
    if is_full(tx, version, program)? {
        return Ok(None);
    }
    let waited_since: String = tx.query_row("SELECT on_date FROM events WHERE case_id = ?1 AND kind = 'waiting' ORDER BY seq DESC LIMIT 1", args![id], |r| r.get(0))?;
    let joined = NaiveDate::parse_from_str(&waited_since, "%Y-%m-%d").ok();
    let mut payload = json!({"track": track, "from_waiting_list": true});
    // A slot freed on a day before this case joined the list (a change recorded late): it
    // starts on the day it joined, so that its own history still runs forward.
    let start = match joined {
        Some(d) if d > ctx.on => {
            payload["slot_freed_on"] = json!(ctx.day());
            Ctx {
                on: d,
                ..ctx.clone()
            }
        }
        _ => ctx.clone(),
    };
    payload["waited_days"] = json!(joined.map_or(0, |d| (start.on - d).num_days()));
    activate(tx, version, id, track.as_deref(), &start, &hash, payload)?;
    Ok(Some(id))
}

/// Record an evaluation: goals, score, decision. `extend` lengthens the track; `close` needs a
/// destination and closes the case.
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    store: &mut Store,
    compiled: &CompiledProgram,
    id: i64,
    evaluation: &str,
    decision: Option<&str>,
    goals: &[String],
    score: Option<f64>,
    extend_by: Option<&str>,
    destination: Option<&str>,
    ctx: &Ctx,
) -> Result<Option<Freed>, CaseError> {
    store.write(|tx| {
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
        let held: Option<String> = tx.query_opt(
            "SELECT due_from FROM due WHERE case_id = ?1 AND evaluation = ?2 AND held_on IS NULL ORDER BY due_from LIMIT 1",
            args![id, evaluation],
            |r| r.get(0),
        )?;
        if let Some(from) = &held {
            tx.execute("UPDATE due SET held_on = ?4 WHERE case_id = ?1 AND evaluation = ?2 AND due_from = ?3", args![id, evaluation, from, ctx.day()])?;
        }
        let mut payload = json!({"evaluation": evaluation, "decision": decision, "goals": goals, "score": score, "scheduled_for": held, "changed": changed});
        match decision {
            Some(Decision::Extend) => {
                let ends = extend(tx, version, &c, id, evaluation, extend_by, ctx)?;
                payload["extended_until"] = json!(ends.to_string());
            }
            Some(Decision::Close) => {
                let dest = destination.ok_or(CaseError::DestinationMissing)?;
                check_exit(version, dest, ExitKind::Destination)?;
                payload["destination"] = json!(dest);
            }
            _ => {}
        }
        append_event(tx, id, &ctx.day(), "evaluated", &payload, &ctx.actor, &c.version_hash)?;
        if decision == Some(Decision::Close) {
            let dest = destination.unwrap_or_default();
            return Ok(Some(finish(tx, compiled, id, &c, CaseState::Closed, dest, ctx)?));
        }
        Ok(None)
    })
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

fn evaluation_of<'a>(
    version: &'a Version,
    evaluation: &str,
) -> Result<&'a traject_model::program::model::Evaluation, CaseError> {
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
    tx: &Tx,
    version: &Version,
    c: &StoredCase,
    id: i64,
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
    let by = extend_by
        .map(str::to_string)
        .or_else(|| track.and_then(|t| t.extension.clone()))
        .ok_or(CaseError::ExtensionLengthMissing)?;
    let current: Option<String> =
        tx.query_row("SELECT ends_on FROM cases WHERE id = ?1", args![id], |r| {
            r.get(0)
        })?;
    let from = current
        .as_deref()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .unwrap_or(ctx.on);
    let ends = add(from, &by).ok_or(CaseError::BadExtension { given: by })?;
    tx.execute(
        "UPDATE cases SET state = 'extended', ends_on = ?2, updated_on = ?3 WHERE id = ?1",
        args![id, ends.to_string(), ctx.day()],
    )?;
    due_between(tx, id, evaluation, ends, ends)?;
    Ok(ends)
}

fn check_exit(version: &Version, id: &str, kind: ExitKind) -> Result<(), CaseError> {
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

fn finish(
    tx: &Tx,
    compiled: &CompiledProgram,
    id: i64,
    c: &StoredCase,
    state: CaseState,
    outcome: &str,
    ctx: &Ctx,
) -> Result<Freed, CaseError> {
    tx.execute("UPDATE cases SET state = ?2, outcome = ?3, queue_seq = NULL, updated_on = ?4 WHERE id = ?1", args![id, state.as_str(), outcome, ctx.day()])?;
    // Evaluations not held any more are no longer due; closure-anchored ones now are.
    tx.execute(
        "DELETE FROM due WHERE case_id = ?1 AND held_on IS NULL",
        args![id],
    )?;
    if state == CaseState::Closed {
        if let Some(v) = compiled.program.version(&c.version) {
            for e in v.evaluations.iter().filter(|e| e.anchor == Anchor::Closure) {
                schedule_one(tx, id, e, ctx.on, None)?;
            }
        }
    }
    append_event(
        tx,
        id,
        &ctx.day(),
        state.as_str(),
        &json!({"outcome": outcome}),
        &ctx.actor,
        &c.version_hash,
    )?;
    let next_started = if c.state.is_active() {
        promote(tx, compiled, &c.program, ctx)?
    } else {
        None
    };
    Ok(Freed { next_started })
}

/// Close an active case with an exit destination; the freed slot goes to the first who waits.
pub fn close(
    store: &mut Store,
    compiled: &CompiledProgram,
    id: i64,
    destination: &str,
    ctx: &Ctx,
) -> Result<Freed, CaseError> {
    transition(store, compiled, id, ctx, Action::Close, destination)
}

/// Drop a case with a reason (an exit of kind drop_out).
pub fn drop_case(
    store: &mut Store,
    compiled: &CompiledProgram,
    id: i64,
    reason: &str,
    ctx: &Ctx,
) -> Result<Freed, CaseError> {
    transition(store, compiled, id, ctx, Action::Drop, reason)
}

/// Record that a referred or waiting case will not start, with a reason (exit of kind not_started).
pub fn not_start(
    store: &mut Store,
    compiled: &CompiledProgram,
    id: i64,
    reason: &str,
    ctx: &Ctx,
) -> Result<Freed, CaseError> {
    transition(store, compiled, id, ctx, Action::NotStart, reason)
}

/// A finishing action: the exit kind it takes and the state it leads to.
fn finishing(action: Action) -> (ExitKind, CaseState) {
    match action {
        Action::Close => (ExitKind::Destination, CaseState::Closed),
        Action::Drop => (ExitKind::DropOut, CaseState::Dropped),
        _ => (ExitKind::NotStarted, CaseState::NotStarted),
    }
}

fn transition(
    store: &mut Store,
    compiled: &CompiledProgram,
    id: i64,
    ctx: &Ctx,
    action: Action,
    exit: &str,
) -> Result<Freed, CaseError> {
    store.write(|tx| {
        let (c, version) = allowing(tx, compiled, id, action, ctx)?;
        let (exit_kind, to) = finishing(action);
        check_exit(version, exit, exit_kind)?;
        finish(tx, compiled, id, &c, to, exit, ctx)
    })
}

/// Erase a client's personal data: the referral's facts, the dossier number and the free text
/// of evaluations and pauses are replaced,
/// in one transaction with an `erased` event (who, when, why). Dates, states, decisions, exits
/// and the event chain stay, so reports count the same. Then the write-ahead log is emptied
/// into the file (the store overwrites freed space), so the old values cannot be read back.
pub fn erase(store: &mut Store, id: i64, reason: &str, ctx: &Ctx) -> Result<(), CaseError> {
    store.write(|tx| {
        let c = load_on(tx, id, ctx)?;
        let erased = json!({"erased_on": ctx.day()}).to_string();
        tx.execute(
            "UPDATE cases SET referral = ?2, dossier = NULL WHERE id = ?1",
            args![id, erased],
        )?;
        // Free text written about the client (goals, a pause's reason) goes too; the
        // decisions, scores and dates stay.
        let written: Vec<(i64, String)> = tx.query_map(
            "SELECT seq, payload FROM events WHERE case_id = ?1 AND kind IN ('evaluated', 'paused') ORDER BY seq",
            args![id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        for (seq, payload) in written {
            let mut p: Value = serde_json::from_str(&payload).unwrap_or_else(|_| json!({}));
            if let Some(fields) = p.as_object_mut() {
                fields.insert("goals".into(), json!([]));
                fields.insert("reason".into(), Value::Null);
                fields.insert("redacted".into(), json!(true));
            }
            tx.execute(
                "UPDATE events SET payload = ?3 WHERE case_id = ?1 AND seq = ?2",
                args![id, seq, p.to_string()],
            )?;
        }
        let payload = json!({"reason": reason});
        append_event(
            tx,
            id,
            &ctx.day(),
            "erased",
            &payload,
            &ctx.actor,
            &c.version_hash,
        )?;
        Ok::<_, CaseError>(())
    })?;
    store.checkpoint()?;
    Ok(())
}

/// Cases in one programme's waiting list, in order.
pub fn waiting_list(store: &Store, program: &str) -> Result<Vec<i64>, CaseError> {
    Ok(store.query_map(
        "SELECT id FROM cases WHERE program = ?1 AND state = 'waiting' ORDER BY queue_seq",
        args![program],
        |r| r.get(0),
    )?)
}

/// The referral date of a case (for reports).
pub fn referral_date(store: &Store, id: i64) -> Result<String, CaseError> {
    Ok(store.one("SELECT referral_date FROM cases WHERE id = ?1", args![id])?)
}
