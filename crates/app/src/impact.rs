//! What a proposed programme change does to people before it takes effect (`traject impact`):
//! every referral of the programme — as recorded for each case in the store, or the rows of a
//! batch — judged under the version in force and under the proposed one; the referrals whose
//! verdict or funding streams change, each with the criteria that changed (label and source),
//! counted per transition and per criterion; the semantic diff of the two versions; and, with
//! a store, the forecast under both on the same random numbers (the proposed version's
//! referrals scaled by the share it admits of the stored ones), the FTE each needs to keep the
//! wait within a limit, and the funding streams per funder before and after. Who flips is named
//! by case number and dossier number to those who may change programmes; others see counts.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::forecast::{self, Forecast, FromStore, Scenario, Settings};
use super::{AppError, Ctx, Need};
use traject_model::program::model::Mode;
use traject_model::referral::Referral;
use traject_model::text::Label;
use traject_rollout::diff::Diff;
use traject_rules::eval::{Outcome, Verdict};
use traject_rules::explain::{self, Explanation};
use traject_rules::CompiledProgram;
use traject_sim::report::ProgrammeReport;
use traject_store::{Store, StoredReferral};

/// One referral to judge: where it comes from (a case, or a row of a batch) and the referral,
/// or why it could not be read.
pub struct Subject {
    pub case: Option<i64>,
    pub dossier: Option<String>,
    pub row: Option<u64>,
    pub referral: Option<Referral>,
}

impl Subject {
    /// A stored case's referral (`None` for the referral when it no longer reads).
    pub fn stored(s: &StoredReferral) -> Subject {
        Subject {
            case: Some(s.case),
            dossier: s.dossier.clone(),
            row: None,
            referral: traject_model::referral::from_stored_text(&s.referral),
        }
    }
}

/// A criterion whose outcome differs between the two versions (absent from one of them: its
/// outcome there is `None`).
#[derive(Debug, Clone, Serialize)]
pub struct CriterionChange {
    pub id: String,
    pub label: Label,
    pub source: String,
    pub before: Option<Outcome>,
    pub after: Option<Outcome>,
}

/// A referral whose verdict or funding streams change.
#[derive(Debug, Clone, Serialize)]
pub struct Flip {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dossier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    pub before: Verdict,
    pub after: Verdict,
    pub funding_before: Vec<String>,
    pub funding_after: Vec<String>,
    pub criteria: Vec<CriterionChange>,
}

/// Referrals that went from one verdict to another.
#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    pub before: Verdict,
    pub after: Verdict,
    pub referrals: usize,
}

/// How many referrals a criterion's change touched.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionCount {
    pub id: String,
    pub label: Label,
    pub source: String,
    pub referrals: usize,
}

/// Referrals a funder pays for, before and after.
#[derive(Debug, Clone, Serialize)]
pub struct FunderCount {
    pub funder: String,
    /// The funder's label (from the proposed text, else the current one).
    pub label: Option<traject_model::text::Label>,
    pub before: usize,
    pub after: usize,
}

/// The forecast under both versions from the store, on the same seed.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastImpact {
    /// The proposed version's referrals per month, as a share of the current one's: the stored
    /// referrals it admits (eligible or awaiting assessment) over those the current admits.
    pub demand_factor: f64,
    pub admitted_before: usize,
    pub admitted_after: usize,
    pub max_wait_days: f64,
    /// The FTE that keeps the 90th-percentile wait within `max_wait_days` (none found: `None`).
    pub fte_needed_before: Option<f64>,
    pub fte_needed_after: Option<f64>,
    pub current: ProgrammeReport,
    pub proposed: ProgrammeReport,
}

#[derive(Debug, Serialize)]
pub struct Impact {
    pub program: String,
    pub current_version: String,
    pub proposed_version: String,
    /// Referrals judged under both versions.
    pub referrals: usize,
    /// Referrals that could not be judged (unreadable, or a script failed), left out.
    pub unjudged: usize,
    /// Referrals whose verdict or funding changes.
    pub changed: usize,
    /// Referrals each version admits (eligible, or awaiting an assessment).
    pub admitted_before: usize,
    pub admitted_after: usize,
    pub transitions: Vec<Transition>,
    pub criteria: Vec<CriterionCount>,
    /// Who flips, for those who may change programmes; `None` for everyone else (counts only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flips: Option<Vec<Flip>>,
    pub funding: Vec<FunderCount>,
    pub diff: Diff,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<ForecastImpact>,
    /// The funding report's difference per funder and cost category (given a staff cost).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub money: Option<super::impact_money::FundingDifference>,
}

/// The proposal: the programme in force and the proposed text, each compiled, and the version
/// of each to compare.
pub struct Proposal<'a> {
    pub current: &'a CompiledProgram,
    pub proposed: &'a CompiledProgram,
    /// The current version (default: in force on `on`, else the latest).
    pub version: Option<&'a str>,
    /// The day the comparison is made for, and the forecast starts from.
    pub on: NaiveDate,
}

impl Proposal<'_> {
    /// The two versions' indices: the one asked for (else in force on the day, else the
    /// latest) and the proposed version of the same id (else in force on the day, else its
    /// latest).
    fn versions(&self) -> Result<(usize, usize), AppError> {
        let pick = |c: &CompiledProgram, id: Option<&str>| -> Result<usize, AppError> {
            let v = match id {
                Some(id) => c.program.pick_version(Some(id))?,
                None => c
                    .program
                    .version_on(self.on)
                    .or_else(|_| c.program.pick_version(None))?,
            };
            Ok(c.version_index(&v.id).expect("a version of the programme"))
        };
        let current = pick(self.current, self.version)?;
        let id = &self.current.program.spec.versions[current].id;
        let proposed = match self.proposed.version_index(id) {
            Some(i) => i,
            None => pick(self.proposed, None)?,
        };
        Ok((current, proposed))
    }
}

/// Whether a criterion's change can move a verdict: a different outcome, except a criterion
/// met on one side and absent on the other (dropping a met criterion changes nothing).
fn matters(before: Option<Outcome>, after: Option<Outcome>) -> bool {
    before != after
        && !matches!(
            (before, after),
            (Some(Outcome::Pass), None) | (None, Some(Outcome::Pass))
        )
}

/// The criteria whose outcome differs between two explanations in a way that can move the
/// verdict.
fn changed_criteria(before: &Explanation, after: &Explanation) -> Vec<CriterionChange> {
    // A priority orders the waiting list; it decides no verdict.
    let deciding = |l: &&explain::RuleLine| l.mode != Mode::Priority.as_str();
    let before_rules: Vec<&explain::RuleLine> = before.rules.iter().filter(deciding).collect();
    let after_rules: Vec<&explain::RuleLine> = after.rules.iter().filter(deciding).collect();
    let mut out = Vec::new();
    for line in &after_rules {
        let was = before_rules
            .iter()
            .find(|l| l.id == line.id)
            .map(|l| l.outcome);
        if matters(was, Some(line.outcome)) {
            out.push(CriterionChange {
                id: line.id.clone(),
                label: line.label.clone(),
                source: line.source.clone(),
                before: was,
                after: Some(line.outcome),
            });
        }
    }
    let dropped = before_rules
        .iter()
        .filter(|l| !after_rules.iter().any(|a| a.id == l.id) && matters(Some(l.outcome), None));
    for line in dropped {
        out.push(CriterionChange {
            id: line.id.clone(),
            label: line.label.clone(),
            source: line.source.clone(),
            before: Some(line.outcome),
            after: None,
        });
    }
    out
}

fn admits(v: Verdict) -> bool {
    v != Verdict::Ineligible
}

/// The two compiled versions being compared.
#[derive(Clone, Copy)]
struct Pair<'a> {
    current: &'a CompiledProgram,
    proposed: &'a CompiledProgram,
    vi: usize,
    vj: usize,
}

/// One subject judged under both versions: what the counts and the list of flips need.
enum Judged<'a> {
    /// Unreadable, or a script failed.
    Unjudged,
    Judged {
        before: Verdict,
        after: Verdict,
        funders_before: Vec<&'a str>,
        funders_after: Vec<&'a str>,
        /// When the verdict or the funding changes: the explanations' funding and the
        /// criteria that changed.
        changed: Option<(Vec<String>, Vec<String>, Vec<CriterionChange>)>,
    },
}

fn judge_one<'a>(p: Pair<'a>, subject: &Subject) -> Judged<'a> {
    let Some(r) = &subject.referral else {
        return Judged::Unjudged;
    };
    let (Ok(a), Ok(b)) = (p.current.judge(p.vi, r), p.proposed.judge(p.vj, r)) else {
        return Judged::Unjudged;
    };
    let (funders_before, funders_after) = (a.funder_ids(p.current), b.funder_ids(p.proposed));
    // Explained only when something changes: most referrals change nothing.
    let changed = (a.verdict != b.verdict || funders_before != funders_after).then(|| {
        let before = explain::explain(p.current, r, &a);
        let after = explain::explain(p.proposed, r, &b);
        let criteria = changed_criteria(&before, &after);
        (before.funding, after.funding, criteria)
    });
    Judged::Judged {
        before: a.verdict,
        after: b.verdict,
        funders_before,
        funders_after,
        changed,
    }
}

/// A judged subject into the counts (and the flips, for those who see them).
fn absorb(impact: &mut Impact, tally: &mut Tally, subject: &Subject, judged: Judged) {
    let Judged::Judged {
        before,
        after,
        funders_before,
        funders_after,
        changed,
    } = judged
    else {
        impact.unjudged += 1;
        return;
    };
    impact.referrals += 1;
    impact.admitted_before += usize::from(admits(before));
    impact.admitted_after += usize::from(admits(after));
    tally.funders(&funders_before, &funders_after);
    let Some((funding_before, funding_after, criteria)) = changed else {
        return;
    };
    impact.changed += 1;
    tally.change(before, after, &criteria);
    if let Some(flips) = &mut impact.flips {
        flips.push(Flip {
            case: subject.case,
            dossier: subject.dossier.clone(),
            row: subject.row,
            before,
            after,
            funding_before,
            funding_after,
            criteria,
        });
    }
}

/// The impact before any subject is judged: the versions, their diff, nothing counted.
fn empty_impact(p: Pair, ctx: &Ctx) -> Impact {
    let (current, proposed) = (p.current, p.proposed);
    Impact {
        program: current.program.spec.id.clone(),
        current_version: current.program.spec.versions[p.vi].id.clone(),
        proposed_version: proposed.program.spec.versions[p.vj].id.clone(),
        referrals: 0,
        unjudged: 0,
        changed: 0,
        admitted_before: 0,
        admitted_after: 0,
        transitions: Vec::new(),
        criteria: Vec::new(),
        flips: ctx.role.may(Need::EditProgrammes).then(Vec::new),
        funding: Vec::new(),
        diff: traject_rollout::diff::diff(
            &current.program,
            &current.program.spec.versions[p.vi],
            &proposed.program,
            &proposed.program.spec.versions[p.vj],
        ),
        forecast: None,
        money: None,
    }
}

fn finish(mut impact: Impact, tally: Tally, p: Pair) -> Impact {
    tally.write_into(&mut impact);
    for f in &mut impact.funding {
        f.label = super::impact_money::funder_label(p.proposed, &f.funder)
            .or_else(|| super::impact_money::funder_label(p.current, &f.funder));
    }
    impact
}

impl Proposal<'_> {
    fn pair(&self) -> Result<Pair<'_>, AppError> {
        let (vi, vj) = self.versions()?;
        Ok(Pair {
            current: self.current,
            proposed: self.proposed,
            vi,
            vj,
        })
    }
}

/// Judge every subject under both versions and count what changes, one at a time (a batch
/// file is read as it goes). Everyone who may see figures may ask; who flips is listed only
/// for those who may change programmes.
pub fn judge_all(
    proposal: &Proposal,
    subjects: impl Iterator<Item = Subject>,
    ctx: &Ctx,
) -> Result<Impact, AppError> {
    ctx.require(Need::Figures)?;
    let p = proposal.pair()?;
    let mut impact = empty_impact(p, ctx);
    let mut tally = Tally::default();
    for subject in subjects {
        let judged = judge_one(p, &subject);
        absorb(&mut impact, &mut tally, &subject, judged);
    }
    Ok(finish(impact, tally, p))
}

/// The referrals recorded in the store, read (and each parsed) on every core.
fn stored_subjects(store: &Store, program: &str, ctx: &Ctx) -> Result<Vec<Subject>, AppError> {
    let stored = store.referrals_of(program, ctx.org_reach())?;
    Ok(super::parallel::on_every_core(&stored, Subject::stored))
}

/// The same for subjects already read, judged on every core (in the order given: the flips
/// come out in it).
fn judge_read(p: Pair, subjects: &[Subject], ctx: &Ctx) -> Impact {
    let judged = super::parallel::on_every_core(subjects, |x| judge_one(p, x));
    let mut impact = empty_impact(p, ctx);
    let mut tally = Tally::default();
    for (subject, j) in subjects.iter().zip(judged) {
        absorb(&mut impact, &mut tally, subject, j);
    }
    finish(impact, tally, p)
}

/// The counts of an impact as the referrals go by.
#[derive(Default)]
struct Tally {
    transitions: BTreeMap<(&'static str, &'static str), Transition>,
    criteria: BTreeMap<String, CriterionCount>,
    funding: BTreeMap<String, FunderCount>,
}

impl Tally {
    /// A referral's funders under each version.
    fn funders(&mut self, before: &[&str], after: &[&str]) {
        for (funders, is_after) in [(before, false), (after, true)] {
            for f in funders {
                let count = self
                    .funding
                    .entry(f.to_string())
                    .or_insert_with(|| FunderCount {
                        funder: f.to_string(),
                        label: None,
                        before: 0,
                        after: 0,
                    });
                if is_after {
                    count.after += 1;
                } else {
                    count.before += 1;
                }
            }
        }
    }

    /// A referral whose verdict or funding changes, and the criteria that change.
    fn change(&mut self, before: Verdict, after: Verdict, changes: &[CriterionChange]) {
        self.transitions
            .entry((before.as_str(), after.as_str()))
            .or_insert(Transition {
                before,
                after,
                referrals: 0,
            })
            .referrals += 1;
        for c in changes {
            self.criteria
                .entry(c.id.clone())
                .or_insert_with(|| CriterionCount {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    source: c.source.clone(),
                    referrals: 0,
                })
                .referrals += 1;
        }
    }

    /// The counts into the impact: criteria that moved most referrals first.
    fn write_into(self, impact: &mut Impact) {
        impact.transitions = self.transitions.into_values().collect();
        let mut criteria: Vec<CriterionCount> = self.criteria.into_values().collect();
        criteria.sort_by(|a, b| b.referrals.cmp(&a.referrals).then(a.id.cmp(&b.id)));
        impact.criteria = criteria;
        impact.funding = self.funding.into_values().collect();
    }
}

/// The impact on the referrals recorded in the store, and the forecast under both versions
/// from `proposal.on` on the same seed.
pub fn in_store(
    proposal: &Proposal,
    store: &Store,
    settings: Option<(&Settings, f64)>,
    ctx: &Ctx,
) -> Result<Impact, AppError> {
    ctx.require(Need::Figures)?;
    let p = proposal.pair()?;
    let stored = stored_subjects(store, &proposal.current.program.spec.id, ctx)?;
    let Some((settings, max_wait_days)) = settings else {
        return Ok(judge_read(p, &stored, ctx));
    };
    let from = FromStore {
        store,
        from: proposal.on,
        history: None,
        ctx,
    };
    // The cases the forecasts start from are read from the store (on this thread, which
    // holds the connection) while the referrals are judged on the others.
    let (mut impact, cases) = std::thread::scope(|s| {
        let judging = s.spawn(|| judge_read(p, &stored, ctx));
        let cases = forecast::cases_known(&proposal.current.program, from, proposal.on);
        (judging.join().expect("judging does not panic"), cases)
    });
    let start = ((from, proposal.on), cases?);
    impact.forecast = Some(forecast_both(
        proposal,
        &impact,
        (&start.0, &start.1),
        (settings, max_wait_days),
    )?);
    Ok(impact)
}

/// Both forecasts from the store, on the same seed, and the staffing each needs.
fn forecast_both(
    proposal: &Proposal,
    impact: &Impact,
    (from, cases): (&(FromStore, NaiveDate), &[traject_sim::history::Timeline]),
    (settings, max_wait_days): (&Settings, f64),
) -> Result<ForecastImpact, AppError> {
    let (before, after) = (impact.admitted_before, impact.admitted_after);
    let demand_factor = if before == 0 {
        1.0
    } else {
        after as f64 / before as f64
    };
    let ask = |version: &str, factor: Option<f64>| Forecast {
        version: Some(version.to_string()),
        fte: None,
        scenario: Scenario {
            demand_factor: factor,
            ..Scenario::default()
        },
    };
    // Both forecasts start from the same cases, read once.
    let start = Some((*from, cases));
    let current = forecast::forecast_from(
        &proposal.current.program,
        &ask(&impact.current_version, None),
        start,
        settings,
        &|_, _| {},
    )?;
    // The proposed programme's cases are the store's: the same cases and history, its
    // capacity and the share of referrals it admits.
    let proposed = forecast::forecast_from(
        &proposal.proposed.program,
        &ask(&impact.proposed_version, Some(demand_factor.max(0.01))),
        start,
        settings,
        &|_, _| {},
    )?;
    let needed = |program: &traject_model::program::Program, version: &str, factor: f64| {
        forecast::solve_fte_scaled(program, Some(version), max_wait_days, 0.9, factor, settings)
            .map(|r| r.fte)
    };
    Ok(ForecastImpact {
        demand_factor,
        admitted_before: before,
        admitted_after: after,
        max_wait_days,
        fte_needed_before: needed(&proposal.current.program, &impact.current_version, 1.0)?,
        fte_needed_after: needed(
            &proposal.proposed.program,
            &impact.proposed_version,
            demand_factor.max(0.01),
        )?,
        current,
        proposed,
    })
}
