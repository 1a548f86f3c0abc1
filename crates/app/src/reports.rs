//! Reports for the coordinator and the funder: the funding report of a period (staff cost per
//! funder from the programme, and — given a case store — how many cases each conditional funder
//! may be charged for), and the activity report over the stored cases. Figures only: no report
//! names a person, so an auditor may read them all.

use chrono::NaiveDate;

use super::{AppError, Ctx, Need, Programs};
use traject_model::program::LoadOptions;
use traject_model::program::Program;
use traject_report::{self as report, activity::ActivityReport, FundingReport};
use traject_rules::{compile_loaded, CompiledProgram};
use traject_store::Store;

/// What the funding report is asked for.
#[derive(Debug, Clone)]
pub struct FundingRequest {
    pub program: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub cost_per_fte_month_cents: i64,
    pub materials_cents: Option<i64>,
}

/// The funding report; with a store, the cases each conditional funder may be charged for.
pub fn funding(
    programs: &dyn Programs,
    store: Option<&Store>,
    ask: &FundingRequest,
    opts: &LoadOptions,
    ctx: &Ctx,
) -> Result<FundingReport, AppError> {
    ctx.require(Need::Figures)?;
    let p = programs.load(&ask.program, opts)?;
    match store {
        Some(store) => funding_of(&p, Some((&compile_loaded(p.clone())?, store)), ask, ctx),
        None => funding_of(&p, None, ask, ctx),
    }
}

/// The funding report of a programme at hand; given its compiled form and a store, only the
/// store's cases that meet a conditional funder's conditions (judged by that form) are charged
/// to it.
pub(crate) fn funding_of(
    p: &Program,
    fundable_in: Option<(&CompiledProgram, &Store)>,
    ask: &FundingRequest,
    ctx: &Ctx,
) -> Result<FundingReport, AppError> {
    let mut r = report::funding(
        p,
        ask.from,
        ask.to,
        ask.cost_per_fte_month_cents,
        ask.materials_cents,
    )?;
    if let Some((compiled, store)) = fundable_in {
        let cases = store.fundable_cases(&p.spec.id, ask.from, ask.to, ctx.org_reach())?;
        report::apply_fundable(&mut r, report::activity::fundable(compiled, &cases));
    }
    Ok(r)
}

/// Referrals, starts, exits and waits of one programme's cases referred in [from, to]; and
/// the sessions, attendance, guidance hours and module participants of that period.
pub fn activity(
    store: &Store,
    programs: &dyn Programs,
    program: &str,
    from: NaiveDate,
    to: NaiveDate,
    ctx: &Ctx,
) -> Result<ActivityReport, AppError> {
    ctx.require(Need::Figures)?;
    let counts = store.cohort_counts(program, from, to, ctx.on, ctx.org_reach())?;
    let mut r = report::activity::activity(program, &counts, from, to, ctx.on);
    // Each module's kind of support, the latest version's word for it; a programme that no
    // longer loads gives its figures without the kinds.
    let mut kinds: Vec<(String, String)> = Vec::new();
    if let Ok(compiled) = programs.for_case(program) {
        for m in compiled
            .program
            .spec
            .versions
            .iter()
            .rev()
            .flat_map(|v| &v.modules)
        {
            if !kinds.iter().any(|(id, _)| *id == m.id) {
                kinds.push((m.id.clone(), m.kind.clone()));
            }
        }
    }
    let weeks = store.participation_counts(program, (from, to, ctx.on), ctx.org_reach(), &kinds)?;
    r.figures.extend(report::activity::participation(&weeks));
    Ok(r)
}
