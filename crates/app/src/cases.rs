//! The caseload a team shares: create cases from referrals (one or a CSV batch, all or none),
//! move them through the lifecycle, and read them back — one case, its history, the list, the
//! evaluations due, the caseload against capacity. Each use case checks the actor's role first;
//! an auditor sees the caseload's figures but never a case.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::{AppError, Ctx, Need, Programs, RowProblem};
use chrono::NaiveDate;
use traject_cases::{self as lifecycle, CaseError, CaseState, Freed, StartOutcome};
use traject_cases::{CaseStore, EventRecord};
use traject_model::diag::{Located, Pos};
use traject_model::referral::batch::{Batch, History};
use traject_model::referral::Referral;
use traject_rules::explain::{self, Explanation};
use traject_rules::CompiledProgram;
use traject_store::{CaseRow, Due, DueRow, Store};

/// A new case: its id and the eligibility verdict it was referred with.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Created {
    pub id: i64,
    pub verdict: &'static str,
}

/// Create a case from a referral, judged with the version in force on its date.
pub fn new_case(
    store: &mut Store,
    compiled: &CompiledProgram,
    referral: &Referral,
    ctx: &Ctx,
) -> Result<Created, AppError> {
    ctx.require(Need::ChangeCases)?;
    if let Some((dossier, erased_on)) = erased_dossier(store, referral, ctx)? {
        return Err(CaseError::ErasedDossier { dossier, erased_on }.into());
    }
    let made = lifecycle::new_case(store, compiled, referral, &ctx.lifecycle());
    let (id, verdict) = unseen_stays_unseen(store, made, ctx)?;
    Ok(Created { id, verdict })
}

/// A referral of a dossier whose data was erased, taken in because a coordinator says why
/// (the person came back and asks again): the reason goes into the audit trail with the case.
pub fn new_case_after_erasure(
    store: &mut Store,
    compiled: &CompiledProgram,
    referral: &Referral,
    reason: &str,
    ctx: &Ctx,
) -> Result<Created, AppError> {
    ctx.require(Need::Erase)?;
    let erased = erased_dossier(store, referral, ctx)?;
    let (id, verdict) = lifecycle::new_case(store, compiled, referral, &ctx.lifecycle())?;
    if let Some((_, erased_on)) = erased {
        audit_after_erasure(store, id, erased_on, reason, ctx)?;
    }
    Ok(Created { id, verdict })
}

/// The dossier number of `referral` and the day its data was erased, when a tombstone names it.
fn erased_dossier(
    store: &Store,
    referral: &Referral,
    ctx: &Ctx,
) -> Result<Option<(String, chrono::NaiveDate)>, AppError> {
    let Some(dossier) = referral.id.as_deref() else {
        return Ok(None);
    };
    Ok(store
        .erased_dossier(ctx.org.as_deref(), dossier)?
        .map(|on| (dossier.to_string(), on)))
}

fn audit_after_erasure(
    store: &mut Store,
    id: i64,
    erased_on: chrono::NaiveDate,
    reason: &str,
    ctx: &Ctx,
) -> Result<(), AppError> {
    let what = format!("referral after the erasure of {erased_on}: {reason}");
    store.audit(&ctx.audit(&what, format!("case:{id}")))?;
    Ok(())
}

/// A dossier number that has a case the actor may not see is refused without naming that
/// case or saying whether its data is the same (no probing another team's dossiers).
fn unseen_stays_unseen<T>(
    store: &Store,
    made: Result<T, CaseError>,
    ctx: &Ctx,
) -> Result<T, AppError> {
    match made {
        Err(CaseError::AlreadyPresent { id, dossier } | CaseError::Conflict { id, dossier })
            if visible_case(store, id, ctx).is_err() =>
        {
            Err(CaseError::DossierElsewhere { dossier }.into())
        }
        other => Ok(other?),
    }
}

/// What an import did: the cases it created, and the rows whose dossier already had a case
/// with the same referral (skipped, so that importing a file again changes nothing).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Imported {
    pub created: Vec<i64>,
    pub present: Vec<Present>,
    /// The line of each created case (in the order of `created`).
    #[serde(skip)]
    pub lines: Vec<u64>,
}

impl Imported {
    /// The case created from the row on `line`, if one was.
    pub fn created_on_line(&self, line: u64) -> Option<i64> {
        self.lines
            .iter()
            .position(|l| *l == line)
            .map(|i| self.created[i])
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Present {
    pub line: u64,
    pub dossier: String,
    pub case: i64,
}

/// Import every row of a CSV batch as new cases, all in one transaction — or none, with the
/// bad rows listed (`AppError::Rows`): rows that do not read, dates no version covers, a
/// dossier number twice in the file, or a dossier whose case holds a different referral.
pub fn import(
    store: &mut Store,
    compiled: &CompiledProgram,
    file: &str,
    batch: Batch<'_>,
    after_erasure: Option<&str>,
    ctx: &Ctx,
) -> Result<Imported, AppError> {
    ctx.require(Need::ChangeCases)?;
    if after_erasure.is_some() {
        ctx.require(Need::Erase)?;
    }
    let rows = read_batch(compiled, file, batch).map_err(AppError::from)?;
    // Dossiers erased before: refused, unless a coordinator gave the reason to take them in.
    let dossiers: Vec<&str> = rows
        .iter()
        .filter_map(|(_, r, _)| r.id.as_deref())
        .collect();
    let erased_on = store.erased_dossiers(ctx.org.as_deref(), &dossiers)?;
    let erased: std::collections::HashMap<u64, (String, chrono::NaiveDate)> = rows
        .iter()
        .filter_map(|(line, r, _)| {
            let dossier = r.id.as_deref()?;
            let on = erased_on.get(dossier)?;
            Some((*line, (dossier.to_string(), *on)))
        })
        .collect();
    if after_erasure.is_none() && !erased.is_empty() {
        let mut lines: Vec<_> = erased.into_iter().collect();
        lines.sort_by_key(|(line, _)| *line);
        let problems = lines
            .into_iter()
            .map(|(line, (dossier, erased_on))| {
                let e = CaseError::ErasedDossier { dossier, erased_on };
                Located::at(file, Pos::new(line as usize, 1), RowProblem::Case(e))
            })
            .collect();
        return Err(AppError::Rows(problems));
    }
    let imported = import_rows(store, compiled, file, &rows, ctx)?;
    if let Some(reason) = after_erasure {
        for (line, (_, erased_on)) in &erased {
            if let Some(id) = imported.created_on_line(*line) {
                audit_after_erasure(store, id, *erased_on, reason, ctx)?;
            }
        }
    }
    Ok(imported)
}

fn import_rows(
    store: &mut Store,
    compiled: &CompiledProgram,
    file: &str,
    rows: &[ImportRow],
    ctx: &Ctx,
) -> Result<Imported, AppError> {
    let clock = ctx.lifecycle();
    let at = |line: u64, e: CaseError| {
        Located::at(file, Pos::new(line as usize, 1), RowProblem::Case(e))
    };
    store.in_transaction(|tx| {
        prepare_bulk(tx, compiled, rows, ctx)?;
        let mut out = Imported::default();
        let mut problems = Vec::new();
        let mut seen = std::collections::HashMap::new();
        // The rows' histories, recorded once every case exists, in the order of their days.
        let mut later = Vec::new();
        for (line, r, history) in rows {
            if let Some(first) = r.id.as_ref().and_then(|d| seen.insert(d.clone(), *line)) {
                let dossier = r.id.as_deref().unwrap_or_default();
                problems.push(twice_in_file(file, *line, dossier, first));
                continue;
            }
            match lifecycle::existing_case(tx, &compiled.program.spec.id, ctx.org.as_deref(), r)? {
                Some(e) if e.same => out.present.push(Present {
                    line: *line,
                    dossier: e.dossier,
                    case: e.id,
                }),
                Some(e) => problems.push(at(
                    *line,
                    CaseError::Conflict {
                        id: e.id,
                        dossier: e.dossier,
                    },
                )),
                None => match new_case_with_past(tx, compiled, file, *line, r, history, ctx) {
                    Ok((id, past)) => {
                        out.created.push(id);
                        out.lines.push(*line);
                        later.extend(past.into_iter().map(|(d, p)| (d, *line, id, p)));
                    }
                    Err(p) => problems.push(p),
                },
            }
        }
        later.sort_by_key(|(day, line, _, _)| (*day, *line));
        for (on, line, id, past) in &later {
            let day = lifecycle::Ctx {
                on: *on,
                ..clock.clone()
            };
            if let Err(e) = lifecycle::record_past(tx, compiled, *id, past, &day) {
                problems.push(at(*line, e));
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(AppError::Rows(problems))
        }
    })
}

/// Tell the store what the import is about to do, so that it can do it in bulk: look up
/// every dossier number of the file at once and take the numbers of the cases to add (each
/// row whose dossier is new, once per dossier).
fn prepare_bulk(
    tx: &dyn lifecycle::CaseTx,
    compiled: &CompiledProgram,
    rows: &[ImportRow],
    ctx: &Ctx,
) -> Result<(), AppError> {
    let program = &compiled.program.spec.id;
    let org = ctx.org.as_deref();
    let dossiers: Vec<&str> = rows
        .iter()
        .filter_map(|(_, r, _)| r.id.as_deref())
        .collect();
    tx.look_up_dossiers(program, org, &dossiers)?;
    let mut seen = std::collections::HashSet::new();
    let mut new = 0;
    for (_, r, _) in rows {
        let first = r.id.as_ref().is_none_or(|d| seen.insert(d.as_str()));
        if first && lifecycle::existing_case(tx, program, org, r)?.is_none() {
            new += 1;
        }
    }
    tx.reserve_case_numbers(new)?;
    Ok(())
}

/// A row of an import: its line, the referral and the history it carries.
type ImportRow = (u64, Referral, History);

/// A case's history to record: each fact on its day.
type DatedPast = Vec<(NaiveDate, lifecycle::Past)>;

/// One new row's case, recorded on its referral date (the import is when it was written, so
/// an office's history keeps its dates), and its history still to record.
fn new_case_with_past(
    tx: &dyn lifecycle::CaseTx,
    compiled: &CompiledProgram,
    file: &str,
    line: u64,
    r: &Referral,
    history: &History,
    ctx: &Ctx,
) -> Result<(i64, DatedPast), Located<RowProblem>> {
    let at = |p: RowProblem| Located::at(file, Pos::new(line as usize, 1), p);
    let referred = r.referral_date.unwrap_or(ctx.on);
    if referred > ctx.on {
        let e = CaseError::BeforeReferral {
            on: ctx.on,
            referral_date: referred,
        };
        return Err(at(RowProblem::Case(e)));
    }
    let past = pasts(referred, ctx.on, history).map_err(|p| at(*p))?;
    let day = lifecycle::Ctx {
        on: referred,
        ..ctx.lifecycle()
    };
    let (id, _) =
        lifecycle::insert_case(tx, compiled, r, &day).map_err(|e| at(RowProblem::Case(e)))?;
    Ok((id, past))
}

/// Every history column that needs another has it: a day its exit, an exit its day, a track
/// its start.
fn companions(h: &History) -> Result<(), Box<RowProblem>> {
    let started = h.started_on.is_some() || h.waiting_since.is_some();
    let pairs = [
        (
            "not_started_on",
            h.not_started_on.is_some(),
            "not_started_reason",
            h.not_started_reason.is_some(),
        ),
        ("ended_on", h.ended_on.is_some(), "exit", h.exit.is_some()),
        (
            "dropped_on",
            h.dropped_on.is_some(),
            "drop_reason",
            h.drop_reason.is_some(),
        ),
    ];
    for (day, has_day, id, has_id) in pairs {
        if has_day && !has_id {
            return Err(Box::new(RowProblem::HistoryWithout {
                column: day,
                needs: id,
            }));
        }
        if has_id && !has_day {
            return Err(Box::new(RowProblem::HistoryWithout {
                column: id,
                needs: day,
            }));
        }
    }
    if h.track.is_some() && !started {
        return Err(Box::new(RowProblem::HistoryWithout {
            column: "track",
            needs: "started_on",
        }));
    }
    Ok(())
}

/// A row's history as dated facts, in the order a case lives them; every day on or after the
/// one before it and not after `today`, every exit with its day and every day with its exit.
fn pasts(referred: NaiveDate, today: NaiveDate, h: &History) -> Result<DatedPast, Box<RowProblem>> {
    use lifecycle::Past;
    companions(h)?;
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    let steps = [
        (
            "waiting_since",
            h.waiting_since,
            Past::Waiting {
                track: h.track.clone(),
            },
        ),
        (
            "not_started_on",
            h.not_started_on,
            Past::NotStarted {
                exit: text(&h.not_started_reason),
            },
        ),
        (
            "started_on",
            h.started_on,
            Past::Started {
                track: h.track.clone(),
            },
        ),
        (
            "ended_on",
            h.ended_on,
            Past::Closed {
                exit: text(&h.exit),
            },
        ),
        (
            "dropped_on",
            h.dropped_on,
            Past::Dropped {
                exit: text(&h.drop_reason),
            },
        ),
    ];
    let mut last = ("referral_date", referred);
    let mut out = Vec::new();
    for (column, day, past) in steps {
        let Some(on) = day else { continue };
        if on > today {
            return Err(Box::new(RowProblem::HistoryAfterToday { column, on }));
        }
        if on < last.1 {
            return Err(Box::new(RowProblem::HistoryBackwards {
                column,
                on,
                earlier: last.0,
                earlier_on: last.1,
            }));
        }
        last = (column, on);
        out.push((on, past));
    }
    Ok(out)
}

/// A dossier number given twice in one import file.
fn twice_in_file(file: &str, line: u64, dossier: &str, first: u64) -> Located<RowProblem> {
    let problem = RowProblem::DossierTwice {
        dossier: dossier.to_string(),
        first,
    };
    Located::at(file, Pos::new(line as usize, 1), problem)
}

/// Every referral of a batch with its line, or every problem in it (bad rows, dates no
/// version covers).
fn read_batch(
    compiled: &CompiledProgram,
    file: &str,
    mut batch: Batch<'_>,
) -> Result<Vec<ImportRow>, Vec<Located<RowProblem>>> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    while let Some(row) = batch.next_row() {
        match row.referral {
            Ok(r) => match compiled.version_for(&r) {
                Ok(_) => rows.push((row.line, r, row.history)),
                Err(e) => errors.push(Located::at(
                    file,
                    Pos::new(row.line as usize, 1),
                    RowProblem::Unjudged(e),
                )),
            },
            Err(ds) => errors.extend(super::rows(ds)),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// The stored case, if the actor may see it (another team's case is "not found").
fn visible_case(store: &Store, id: i64, ctx: &Ctx) -> Result<CaseRow, AppError> {
    let row = store.case(id)?.ok_or(CaseError::NotFound { id })?;
    ctx.may_see(&row)?;
    Ok(row)
}

/// What a freed slot tells the actor: the case that took it only if they may see that case
/// (another team's case is not theirs to know about, not even by its number).
fn told(store: &Store, freed: Freed, ctx: &Ctx) -> Freed {
    Freed {
        next_started: freed
            .next_started
            .filter(|id| visible_case(store, *id, ctx).is_ok()),
    }
}

/// Note in the audit trail that the actor read a case file (GDPR: who looked at whose file).
fn audit_read(store: &mut Store, id: i64, what: &str, ctx: &Ctx) -> Result<(), AppError> {
    store.audit(&ctx.audit(what, format!("case:{id}")))?;
    Ok(())
}

/// The stored case and the programme it belongs to.
fn open_case(
    store: &Store,
    programs: &dyn Programs,
    id: i64,
    ctx: &Ctx,
) -> Result<(CaseRow, Arc<CompiledProgram>), AppError> {
    let row = visible_case(store, id, ctx)?;
    let current = programs.for_case(&row.program)?;
    let same = current
        .program
        .version(&row.version)
        .is_some_and(|v| v.hash == row.version_hash);
    if same {
        return Ok((row, current));
    }
    // The programme file changed since the case was judged: use the text it was judged under.
    match store.snapshot(&row.version_hash)? {
        Some(snap) => {
            let opts = traject_model::program::LoadOptions {
                choices: snap.options,
                scripts: snap.scripts.and_then(|s| serde_json::from_str(&s).ok()),
            };
            let loaded =
                traject_model::program::load_bytes(&snap.file, snap.text.as_bytes(), &opts)?;
            let compiled = traject_rules::compile_loaded(loaded)?;
            Ok((row, Arc::new(compiled)))
        }
        None => Ok((row, current)),
    }
}

/// Enrol an active case in a module (and a group), or take it out (`group` is ignored then).
pub fn enrol(
    store: &mut Store,
    programs: &dyn Programs,
    id: i64,
    module: &str,
    group: Option<&str>,
    leave: bool,
    ctx: &Ctx,
) -> Result<(), AppError> {
    ctx.require(Need::ChangeCases)?;
    let (_, compiled) = open_case(store, programs, id, ctx)?;
    let clock = ctx.lifecycle();
    if leave {
        Ok(lifecycle::leave(store, &compiled, id, module, &clock)?)
    } else {
        Ok(lifecycle::enrol(
            store, &compiled, id, module, group, &clock,
        )?)
    }
}

/// A worker's assessment of assessed criteria (or, with a reason, a corrected fact) recorded
/// for case `id`; the referral judged again under the case's version. With the labels of the
/// version's rules, to say what changed.
pub fn rejudge(
    store: &mut Store,
    programs: &dyn Programs,
    id: i64,
    judgement: lifecycle::Judgement,
    facts: &[(String, String)],
    reason: Option<&str>,
    ctx: &Ctx,
) -> Result<(lifecycle::Rejudgement, Labels), AppError> {
    ctx.require(Need::ChangeCases)?;
    let (case, compiled) = open_case(store, programs, id, ctx)?;
    let clock = ctx.lifecycle();
    let done = lifecycle::rejudge(store, &compiled, id, judgement, facts, reason, &clock)?;
    Ok((done, version_labels(&compiled, &case.version)))
}

/// Labels of a version's ids, by id.
pub type Labels = std::collections::BTreeMap<String, traject_model::text::Label>;

/// A cohort routed into a module's groups and enrolled.
#[derive(Debug, Serialize)]
pub struct Cohort {
    pub program: String,
    pub version: String,
    pub routing: traject_rules::plugins::routing::Routing,
    /// Cases the routing left without a group (not enrolled; they wait for the next group).
    pub waiting: Vec<i64>,
}

/// Route stored cases into the groups of `module` with the module's routing script, then
/// enrol every placed case in its group — all in one transaction, or none.
pub fn enrol_cohort(
    store: &mut Store,
    programs: &dyn Programs,
    module: &str,
    ids: &[i64],
    ctx: &Ctx,
) -> Result<Cohort, AppError> {
    ctx.require(Need::ChangeCases)?;
    let mut people = Vec::new();
    let mut program: Option<Arc<CompiledProgram>> = None;
    for &id in ids {
        let (row, compiled) = open_case(store, programs, id, ctx)?;
        if let Some(first) = &program {
            if first.program.spec.id != row.program {
                return Err(CaseError::WrongProgramme {
                    case_program: row.program,
                    given: first.program.spec.id.clone(),
                }
                .into());
            }
        }
        let vi = compiled.version_index(&row.version).unwrap_or(0);
        let referral: serde_json::Value = serde_json::from_str(&row.referral).unwrap_or_default();
        let Some((r, _)) = compiled.judge_stored(vi, &referral) else {
            return Err(AppError::Rows(vec![Located::at(
                "cohort",
                Pos::new(1, 1),
                RowProblem::CaseErased { case: id },
            )]));
        };
        // Zero-padded, so that routing's ordering by id is the order of the case numbers.
        people.push((format!("{id:012}"), r));
        program.get_or_insert(compiled);
    }
    let Some(compiled) = program else {
        return Err(AppError::Rows(vec![Located::at(
            "cohort",
            Pos::new(1, 1),
            RowProblem::NoCases,
        )]));
    };
    let mut out = super::route::route(&compiled, module, None, Some(ctx.on), "cohort", &people)
        .map_err(AppError::from)?;
    let plain = |m: &mut String| *m = m.trim_start_matches('0').to_string();
    out.routing
        .groups
        .iter_mut()
        .for_each(|g| g.members.iter_mut().for_each(plain));
    out.routing.waiting.iter_mut().for_each(plain);
    let case_of = |m: &String| m.parse::<i64>().ok();
    let placements: Vec<(i64, Option<String>)> = out
        .routing
        .groups
        .iter()
        .flat_map(|g| {
            g.members
                .iter()
                .filter_map(move |m| case_of(m).map(|id| (id, Some(g.id.clone()))))
        })
        .collect();
    lifecycle::enrol_cohort(store, &compiled, module, &placements, &ctx.lifecycle())?;
    Ok(Cohort {
        waiting: out.routing.waiting.iter().filter_map(case_of).collect(),
        program: out.program,
        version: out.version,
        routing: out.routing,
    })
}

/// Move a case to a version of the programme as it is now (`case migrate`).
pub fn migrate(
    store: &mut Store,
    programs: &dyn Programs,
    id: i64,
    to_version: &str,
    ctx: &Ctx,
) -> Result<(), AppError> {
    ctx.require(Need::ChangeCases)?;
    let row = visible_case(store, id, ctx)?;
    let current = programs.for_case(&row.program)?;
    current.program.pick_version(Some(to_version))?;
    Ok(lifecycle::migrate(
        store,
        &current,
        id,
        to_version,
        &ctx.lifecycle(),
    )?)
}

/// Start a case on a track (`None` when the version has one), or put it on the waiting list.
pub fn start(
    store: &mut Store,
    programs: &dyn Programs,
    id: i64,
    track: Option<&str>,
    ctx: &Ctx,
) -> Result<StartOutcome, AppError> {
    ctx.require(Need::ChangeCases)?;
    let (_, compiled) = open_case(store, programs, id, ctx)?;
    Ok(lifecycle::start(
        store,
        &compiled,
        id,
        track,
        &ctx.lifecycle(),
    )?)
}

/// What an evaluation moment recorded.
#[derive(Debug, Clone, Default)]
pub struct EvaluationInput {
    pub evaluation: String,
    pub decision: Option<String>,
    pub goals: Vec<String>,
    pub score: Option<f64>,
    /// How long an extension lasts, when the programme states none ("3 months").
    pub extend_by: Option<String>,
    /// The exit destination, when the decision closes the case.
    pub destination: Option<String>,
    /// Why the moment is held outside its window (needed then).
    pub reason: Option<String>,
}

/// Record an evaluation; a closing decision may free a slot (`Some`).
pub fn evaluate(
    store: &mut Store,
    programs: &dyn Programs,
    id: i64,
    input: &EvaluationInput,
    ctx: &Ctx,
) -> Result<Option<Freed>, AppError> {
    ctx.require(Need::ChangeCases)?;
    let (_, compiled) = open_case(store, programs, id, ctx)?;
    let freed = lifecycle::evaluate(
        store,
        &compiled,
        id,
        &input.evaluation,
        input.decision.as_deref(),
        &input.goals,
        input.score,
        input.extend_by.as_deref(),
        input.destination.as_deref(),
        input.reason.as_deref(),
        &ctx.lifecycle(),
    )?;
    Ok(freed.map(|f| told(store, f, ctx)))
}

/// How a case ends, with the programme's exit that says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Closed with an exit destination.
    Close,
    /// Dropped out, with a reason.
    Drop,
    /// Never started, with a reason.
    NotStart,
}

/// End a case; the slot it frees goes to the first who waits.
pub fn finish(
    store: &mut Store,
    programs: &dyn Programs,
    id: i64,
    ending: Ending,
    exit: &str,
    ctx: &Ctx,
) -> Result<Freed, AppError> {
    ctx.require(Need::ChangeCases)?;
    let (_, compiled) = open_case(store, programs, id, ctx)?;
    let clock = ctx.lifecycle();
    let freed = match ending {
        Ending::Close => lifecycle::close(store, &compiled, id, exit, &clock)?,
        Ending::Drop => lifecycle::drop_case(store, &compiled, id, exit, &clock)?,
        Ending::NotStart => lifecycle::not_start(store, &compiled, id, exit, &clock)?,
    };
    Ok(told(store, freed, ctx))
}

/// A contact moment as a worker records it: how, how long, an optional short note, and the
/// day it took place (today when none is given; never a day still to come).
#[derive(Debug, Clone)]
pub struct ContactInput {
    pub kind: traject_cases::event::ContactKind,
    pub minutes: u32,
    pub note: Option<String>,
    pub on: Option<chrono::NaiveDate>,
}

/// Record a contact with a case's client (by whoever may change the case: its team, a
/// coordinator); its event's number.
pub fn contact(
    store: &mut Store,
    id: i64,
    input: &ContactInput,
    ctx: &Ctx,
) -> Result<i64, AppError> {
    ctx.require(Need::ChangeCases)?;
    visible_case(store, id, ctx)?;
    let mut clock = ctx.lifecycle();
    if let Some(on) = input.on {
        if on > ctx.on {
            return Err(AppError::FutureDay {
                field: "on",
                given: on,
                today: ctx.on,
            });
        }
        clock.on = on;
    }
    let contact = lifecycle::Contact {
        kind: input.kind,
        minutes: input.minutes,
        note: input.note.clone(),
    };
    Ok(lifecycle::record_contact(store, id, &contact, &clock)?)
}

/// Plan a contact with a case's client (an appointment, today or later) for the agenda of the
/// case's team; its event's number.
pub fn appoint(
    store: &mut Store,
    id: i64,
    appointment: &traject_cases::event::Appointed,
    ctx: &Ctx,
) -> Result<i64, AppError> {
    ctx.require(Need::ChangeCases)?;
    visible_case(store, id, ctx)?;
    Ok(lifecycle::plan_contact(
        store,
        id,
        appointment,
        &ctx.lifecycle(),
    )?)
}

/// A case leaving and coming back: paused, resumed, or re-opened after it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Continuity {
    Pause,
    Resume,
    Reopen,
}

/// Pause, resume or re-open a case as its version's `pause:` and `reopen:` policies allow.
pub fn continuity(
    store: &mut Store,
    programs: &dyn Programs,
    id: i64,
    what: Continuity,
    reason: Option<&str>,
    until: Option<chrono::NaiveDate>,
    ctx: &Ctx,
) -> Result<Freed, AppError> {
    ctx.require(Need::ChangeCases)?;
    let (_, compiled) = open_case(store, programs, id, ctx)?;
    let clock = ctx.lifecycle();
    let nobody = Freed { next_started: None };
    let freed = match what {
        Continuity::Pause => lifecycle::pause(store, &compiled, id, reason, until, &clock)?,
        Continuity::Resume => lifecycle::resume(store, &compiled, id, &clock).map(|()| nobody)?,
        Continuity::Reopen => lifecycle::reopen(store, &compiled, id, &clock).map(|()| nobody)?,
    };
    Ok(told(store, freed, ctx))
}

/// Erase a client's personal data for good (only a coordinator); see `lifecycle::erase`.
pub fn erase(store: &mut Store, id: i64, reason: &str, ctx: &Ctx) -> Result<(), AppError> {
    ctx.require(Need::Erase)?;
    visible_case(store, id, ctx)?;
    if let Some(erased_on) = store.erased_case(id)? {
        return Err(CaseError::AlreadyErased { id, erased_on }.into());
    }
    lifecycle::erase(store, id, reason, &ctx.lifecycle())?;
    Ok(())
}

/// A case whose personal data is past its programme's retention period.
#[derive(Debug, Clone, Serialize)]
pub struct Expired {
    pub case: i64,
    pub program: String,
    /// The day the period counts from: the case's end, or its last event when it never ended.
    pub from: chrono::NaiveDate,
    pub counted_from: CountedFrom,
    pub erase_after: traject_model::program::duration::Duration,
}

/// What a retention period counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CountedFrom {
    /// The case ended (closed, dropped, never started).
    End,
    /// The case never ended: its last event (the programme's `retention: unended:`).
    LastEvent,
}

/// Erase the personal data of every case past its programme's `retention:` period — counted
/// from the end of an ended case, and from the last event of a case that never ends (when the
/// programme says how long for those) — or, with `dry_run`, only list them. Each erasure, and
/// each dry run, is written to the audit trail. Programmes without a retention policy keep
/// their data.
pub fn apply_retention(
    store: &mut Store,
    programs: &dyn Programs,
    dry_run: bool,
    ctx: &Ctx,
) -> Result<Vec<Expired>, AppError> {
    ctx.require(Need::Erase)?;
    let mut expired = Vec::new();
    for program in store.programs(ctx.org_reach())? {
        let compiled = programs.for_case(&program)?;
        let Some(policy) = &compiled.program.spec.retention else {
            continue;
        };
        let mut rules = vec![(
            CountedFrom::End,
            policy.erase_after,
            store.ended(&program, ctx.org_reach())?,
        )];
        if let Some(unended) = &policy.unended {
            let cases = store.unended(&program, ctx.org_reach())?;
            rules.push((CountedFrom::LastEvent, unended.erase_after, cases));
        }
        for (counted_from, keep, cases) in rules {
            for (id, from) in cases {
                if keep.after(from).is_some_and(|due| due <= ctx.on) {
                    expired.push(Expired {
                        case: id,
                        program: program.clone(),
                        from,
                        counted_from,
                        erase_after: keep,
                    });
                }
            }
        }
    }
    expired.sort_by_key(|e| e.case);
    if dry_run {
        let what = format!("retention dry run: {} case(s) due", expired.len());
        store.audit(&ctx.audit(&what, "retention".to_string()))?;
        return Ok(expired);
    }
    // Cases with the same reason are erased together: one transaction, and one sweep of the
    // store's files per reason instead of one per case.
    let mut by_reason: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
    for e in &expired {
        let after = match e.counted_from {
            CountedFrom::End => "after the case ends",
            CountedFrom::LastEvent => "after the last event of a case that never ended",
        };
        let reason = format!("retention: personal data is kept {} {after}", e.erase_after);
        by_reason.entry(reason).or_default().push(e.case);
    }
    for (reason, ids) in &by_reason {
        lifecycle::erase_all(store, ids, reason, &ctx.lifecycle())?;
        for id in ids {
            store.audit(&ctx.audit(&format!("erase ({reason})"), format!("case:{id}")))?;
        }
    }
    Ok(expired)
}

/// Which cases to list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub program: Option<String>,
    pub state: Option<CaseState>,
    pub limit: usize,
    /// Only the cases of this dossier number (one person, across programmes).
    pub dossier: Option<String>,
}

pub fn list(store: &Store, filter: &CaseFilter, ctx: &Ctx) -> Result<Vec<CaseRow>, AppError> {
    ctx.require(Need::Persons)?;
    if let Some(dossier) = &filter.dossier {
        let mut rows = store.dossier_cases(dossier, ctx.scope())?;
        rows.retain(|r| {
            filter.program.as_ref().is_none_or(|p| *p == r.program)
                && filter.state.is_none_or(|s| s == r.state)
        });
        rows.truncate(filter.limit);
        return Ok(rows);
    }
    Ok(store.list(
        filter.program.as_deref(),
        filter.state,
        ctx.scope(),
        filter.limit,
    )?)
}

/// A page of the case list: up to `filter.limit` cases after `after`, and where the next page
/// starts. (A dossier's cases are few: they come as one page.)
pub fn list_page(
    store: &Store,
    filter: &CaseFilter,
    after: traject_store::ListKey,
    ctx: &Ctx,
) -> Result<traject_store::CasePage, AppError> {
    ctx.require(Need::Persons)?;
    if filter.dossier.is_some() {
        let rows = list(store, filter, ctx)?;
        return Ok(traject_store::CasePage { rows, next: None });
    }
    Ok(store.list_page(
        filter.program.as_deref(),
        filter.state,
        ctx.scope(),
        after,
        filter.limit,
    )?)
}

/// One case with its evaluation moments (held or to do).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    pub case: CaseRow,
    pub schedule: Vec<Due>,
}

/// One case file; the read is audited.
pub fn show(store: &mut Store, id: i64, ctx: &Ctx) -> Result<CaseView, AppError> {
    ctx.require(Need::Persons)?;
    let case = visible_case(store, id, ctx)?;
    let schedule = store.schedule(id)?;
    audit_read(store, id, "read", ctx)?;
    Ok(CaseView { case, schedule })
}

/// Everything traject holds about one client, for an access request (GDPR art. 15): the case,
/// the referral as stored, the eligibility check explained criterion by criterion (under the
/// version the case is pinned to), every event and every evaluation moment.
#[derive(Debug, Serialize)]
pub struct Export {
    pub case: CaseRow,
    pub referral: serde_json::Value,
    /// `None` once the personal data is erased (nothing left to judge).
    pub eligibility: Option<Explanation>,
    pub events: Vec<EventRecord>,
    pub evaluations: Vec<Due>,
    /// Who read, exported or changed the file, and when (this export included).
    pub readers: Vec<Reader>,
    /// The programme text the case was judged under (as stored with it).
    pub programme_text: Option<String>,
    /// The day the personal data is due to be erased under the programme's retention, if it
    /// is (a case that never ends has none without `retention: unended:`).
    pub erase_on: Option<chrono::NaiveDate>,
    /// The programme's name, and the labels of the ids its version's events and evaluation
    /// moments hold (tracks, modules, evaluations, exits, rules, funders), so a reader sees
    /// words, not codes.
    pub program_name: traject_model::text::Label,
    pub labels: std::collections::BTreeMap<String, traject_model::text::Label>,
}

/// The labels of everything a version names by id that a case's history may hold (tracks,
/// modules, evaluations, exits, rules not passed, funders).
pub fn version_labels(
    compiled: &CompiledProgram,
    version: &str,
) -> std::collections::BTreeMap<String, traject_model::text::Label> {
    let mut out = std::collections::BTreeMap::new();
    let Some(v) = compiled.program.version(version) else {
        return out;
    };
    let named = v
        .tracks
        .iter()
        .map(|t| (&t.id, &t.label))
        .chain(v.modules.iter().map(|m| (&m.id, &m.label)))
        .chain(v.evaluations.iter().map(|e| (&e.id, &e.label)))
        .chain(v.exits.iter().map(|e| (&e.id, &e.label)))
        .chain(v.eligibility.rules.iter().map(|r| (&r.id, &r.label)))
        .chain(v.funding.funders.iter().map(|f| (&f.id, &f.label)));
    for (id, label) in named {
        out.insert(id.clone(), label.clone());
    }
    out
}

/// One entry of a case file's audit trail, as the client may read it.
#[derive(Debug, Clone, Serialize)]
pub struct Reader {
    pub at: String,
    pub actor: String,
    pub role: String,
    pub action: String,
}

/// Everything held about one person: the access export of every case of their dossier number
/// (in the actor's reach), as one answer.
#[derive(Debug, Serialize)]
pub struct PersonExport {
    pub dossier: String,
    pub cases: Vec<Export>,
}

/// The access export of every case of `dossier` the actor may see; none is "not found".
pub fn person_export(
    store: &mut Store,
    programs: &dyn Programs,
    dossier: &str,
    ctx: &Ctx,
) -> Result<PersonExport, AppError> {
    ctx.require(Need::Persons)?;
    let ids: Vec<i64> = store
        .dossier_cases(dossier, ctx.scope())?
        .iter()
        .map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return Err(CaseError::NoDossier {
            dossier: dossier.to_string(),
        }
        .into());
    }
    let mut cases = Vec::new();
    for id in ids {
        cases.push(export(store, programs, id, ctx)?);
    }
    Ok(PersonExport {
        dossier: dossier.to_string(),
        cases,
    })
}

/// Erase the personal data of every case of `dossier` the actor may see, in one transaction;
/// the cases erased (one erased already is left as it is).
pub fn person_erase(
    store: &mut Store,
    dossier: &str,
    reason: &str,
    ctx: &Ctx,
) -> Result<Vec<i64>, AppError> {
    ctx.require(Need::Erase)?;
    let rows = store.dossier_cases(dossier, ctx.scope())?;
    if rows.is_empty() {
        return Err(CaseError::NoDossier {
            dossier: dossier.to_string(),
        }
        .into());
    }
    let mut ids = Vec::new();
    for row in &rows {
        if store.erased_case(row.id)?.is_none() {
            ids.push(row.id);
        }
    }
    lifecycle::erase_all(store, &ids, reason, &ctx.lifecycle())?;
    for id in &ids {
        store.audit(&ctx.audit("erase (person)", format!("case:{id}")))?;
    }
    Ok(ids)
}

pub fn export(
    store: &mut Store,
    programs: &dyn Programs,
    id: i64,
    ctx: &Ctx,
) -> Result<Export, AppError> {
    ctx.require(Need::Persons)?;
    let (case, compiled) = open_case(store, programs, id, ctx)?;
    audit_read(store, id, "export", ctx)?;
    let referral: serde_json::Value = serde_json::from_str(&case.referral).unwrap_or_default();
    let eligibility = explained(&compiled, &case.version, &referral);
    let readers = store
        .audit_of(&format!("case:{id}"))?
        .into_iter()
        .map(|r| Reader {
            at: r.at,
            actor: r.actor,
            role: r.role,
            action: r.action,
        })
        .collect();
    let programme_text = store.snapshot(&case.version_hash)?.map(|s| s.text);
    let erase_on = erase_on(&compiled, &case);
    let labels = version_labels(&compiled, &case.version);
    Ok(Export {
        program_name: compiled.program.spec.name.clone(),
        labels,
        events: store.history(id)?,
        evaluations: store.schedule(id)?,
        case,
        referral,
        eligibility,
        readers,
        programme_text,
        erase_on,
    })
}

/// The day retention erases a case's personal data: its end (or, for a case that never
/// ends, its last change) plus the programme's period; `None` once erased or without a rule.
fn erase_on(compiled: &CompiledProgram, case: &CaseRow) -> Option<chrono::NaiveDate> {
    let retention = compiled.program.spec.retention.as_ref()?;
    if case.referral.contains("\"erased_on\"") {
        return None;
    }
    let ended = matches!(
        case.state,
        CaseState::Closed | CaseState::Dropped | CaseState::NotStarted
    );
    let keep = if ended {
        retention.erase_after
    } else {
        retention.unended.as_ref()?.erase_after
    };
    keep.after(case.updated_on)
}

/// The stored referral judged again under version `version`, explained.
fn explained(
    compiled: &CompiledProgram,
    version: &str,
    referral: &serde_json::Value,
) -> Option<Explanation> {
    let vi = compiled.version_index(version)?;
    let (r, evaluation) = compiled.judge_stored(vi, referral)?;
    Some(explain::explain(compiled, &r, &evaluation))
}

/// Every event of a case, oldest first; the read is audited.
pub fn history(store: &mut Store, id: i64, ctx: &Ctx) -> Result<Vec<EventRecord>, AppError> {
    Ok(history_with_programme(store, id, ctx)?.1)
}

/// A case's events with the id of its programme (whose labels a reader sees them in).
pub fn history_with_programme(
    store: &mut Store,
    id: i64,
    ctx: &Ctx,
) -> Result<(String, Vec<EventRecord>), AppError> {
    ctx.require(Need::Persons)?;
    let case = visible_case(store, id, ctx)?;
    let events = store.history(id)?;
    audit_read(store, id, "read history", ctx)?;
    Ok((case.program, events))
}

/// Evaluations due on `ctx.on` (window open) or overdue, optionally of one programme.
pub fn due(store: &Store, program: Option<&str>, ctx: &Ctx) -> Result<Vec<DueRow>, AppError> {
    ctx.require(Need::Persons)?;
    Ok(store.due(ctx.on, program, ctx.scope())?)
}

/// What a board shows of the evaluations due: the `limit` most urgent by name, and every one
/// counted per team (team, in their window, overdue).
pub type DueBoard = (Vec<DueRow>, Vec<(Option<String>, i64, i64)>);

pub fn due_board(
    store: &Store,
    program: Option<&str>,
    limit: usize,
    ctx: &Ctx,
) -> Result<DueBoard, AppError> {
    ctx.require(Need::Persons)?;
    let first = store.due_first(ctx.on, program, ctx.scope(), Some(limit))?;
    let teams = store.due_per_team(ctx.on, program, ctx.scope())?;
    Ok((first, teams))
}

/// Evaluations overdue per programme on `ctx.on`: counts only (figures, the server's metrics),
/// never a person.
pub fn overdue_counts(
    store: &Store,
    ctx: &Ctx,
) -> Result<std::collections::BTreeMap<String, usize>, AppError> {
    ctx.require(Need::Figures)?;
    let mut counts = std::collections::BTreeMap::new();
    for row in store.due(ctx.on, None, ctx.scope())? {
        if row.overdue {
            *counts.entry(row.program).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseloadRow {
    pub program: String,
    pub version: String,
    pub capacity: Option<u32>,
    pub active: i64,
    pub waiting: i64,
    /// Cases attending each module (and group) now.
    pub modules: Vec<traject_store::ModuleCount>,
}

/// Per programme, the capacity of the version in force on `ctx.on` (else the latest) against
/// the cases active and waiting.
pub fn caseload(
    store: &Store,
    programs: &dyn Programs,
    program: Option<&str>,
    ctx: &Ctx,
) -> Result<Vec<CaseloadRow>, AppError> {
    ctx.require(Need::Figures)?;
    let ids = match program {
        Some(p) => vec![p.to_string()],
        None => store.programs(ctx.org_reach())?,
    };
    let mut rows = Vec::new();
    for id in ids {
        let compiled = programs.for_case(&id)?;
        let p = &compiled.program;
        let version = p.version_on_or_latest(ctx.on);
        let (active, waiting) = store.counts(&p.spec.id, ctx.org_reach())?;
        rows.push(CaseloadRow {
            program: p.spec.id.clone(),
            version: version.id.clone(),
            capacity: version.capacity_limit_on(ctx.on),
            active,
            waiting,
            modules: store.module_counts(&p.spec.id, ctx.org_reach())?,
        });
    }
    Ok(rows)
}

/// One organisation's cases in one programme, by state: the roll-up a funder or a regional
/// service reads across the organisations sharing a store. Counts only, never a person.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationRow {
    /// `None`: cases outside any organisation (a single-organisation store).
    pub org: Option<String>,
    pub program: String,
    /// Cases ever referred, then per state now.
    pub referred: i64,
    pub states: BTreeMap<String, i64>,
}

/// Per organisation and programme, cases by state. A user of one organisation sees only its
/// rows; a user across organisations sees every organisation side by side.
pub fn rollup(store: &Store, ctx: &Ctx) -> Result<Vec<OrganisationRow>, AppError> {
    ctx.require(Need::Figures)?;
    let mut rows: Vec<OrganisationRow> = Vec::new();
    for c in store.organisation_counts(ctx.org_reach())? {
        let (org, program, state, n) = (c.org, c.program, c.state.as_str().to_string(), c.cases);
        match rows.last_mut() {
            Some(r) if r.org == org && r.program == program => {
                r.referred += n;
                r.states.insert(state, n);
            }
            _ => rows.push(OrganisationRow {
                org,
                program,
                referred: n,
                states: BTreeMap::from([(state, n)]),
            }),
        }
    }
    Ok(rows)
}
