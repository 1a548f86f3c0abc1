//! The activity report from the case store: for one programme and one cohort (referred within
//! the period), how many started, wait, finished, dropped (with reasons), never started (with
//! reasons), where they went, and how many scheduled evaluations were held — each figure with
//! its denominator, so that it can be compared across years and cities. Beside the cohort,
//! what filled the programme's weeks in the same period: group sessions held, attendance,
//! hours of guidance per participant by kind, and participants per module.

use chrono::NaiveDate;
use serde::Serialize;

use traject_cases::event::Event;
use traject_cases::records::{CohortCounts, FundableCase, ParticipationCounts};

/// What a figure's `share` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// The count's part of the denominator (0 to 1).
    Share,
    /// Hours per member of the denominator (the count is in minutes).
    HoursEach,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub figure: String,
    pub count: i64,
    pub denominator: i64,
    pub of: String,
    pub share: f64,
    pub unit: Unit,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityReport {
    pub program: String,
    /// The cohort: cases referred from..to (inclusive).
    pub cohort_from: NaiveDate,
    pub cohort_to: NaiveDate,
    /// States are counted as they stand on this day.
    pub as_of: NaiveDate,
    pub figures: Vec<Figure>,
}

fn fig(figure: impl Into<String>, count: i64, denominator: i64, of: &str) -> Figure {
    let share = if denominator > 0 {
        (count as f64 / denominator as f64 * 1000.0).round() / 1000.0
    } else {
        0.0
    };
    Figure {
        figure: figure.into(),
        count,
        denominator,
        of: of.to_string(),
        share,
        unit: Unit::Share,
    }
}

/// `minutes` of guidance spread over `people`: hours each, to a tenth.
fn hours_each(figure: impl Into<String>, minutes: i64, people: i64, of: &str) -> Figure {
    let share = if people > 0 {
        (minutes as f64 / 60.0 / people as f64 * 10.0).round() / 10.0
    } else {
        0.0
    };
    Figure {
        figure: figure.into(),
        count: minutes,
        denominator: people,
        of: of.to_string(),
        share,
        unit: Unit::HoursEach,
    }
}

/// The figures of what filled the programme's weeks in the period: sessions held of those
/// planned, attendance marks, hours of guidance per participant guided (group sessions
/// attended, and contacts by kind), and participants per module.
pub fn participation(p: &ParticipationCounts) -> Vec<Figure> {
    let marks = p.present + p.excused + p.absent;
    let mut figures = vec![
        fig(
            "sessions held",
            p.sessions_held,
            p.sessions_planned,
            "sessions planned so far",
        ),
        fig("attendance: present", p.present, marks, "attendance marks"),
        fig("attendance: excused", p.excused, marks, "attendance marks"),
        fig("attendance: absent", p.absent, marks, "attendance marks"),
        hours_each(
            "guidance hours: group_sessions",
            p.group_minutes,
            p.guided,
            "participants guided",
        ),
    ];
    for (kind, minutes) in &p.contact_minutes {
        figures.push(hours_each(
            format!("guidance hours: {kind}"),
            *minutes,
            p.guided,
            "participants guided",
        ));
    }
    for (kind, n) in &p.enrolled_per_kind {
        figures.push(fig(
            format!("participants by kind: {kind}"),
            *n,
            p.enrolled,
            "participants in a module",
        ));
    }
    for (module, n) in &p.enrolled_per_module {
        figures.push(fig(
            format!("participants: {module}"),
            *n,
            p.enrolled,
            "participants in a module",
        ));
    }
    figures
}

/// The activity report of `program`'s cohort referred from `from` to `to`, from the counts
/// the store gives (`Store::cohort_counts`), states as they stood on `as_of`.
pub fn activity(
    program: &str,
    n: &CohortCounts,
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
) -> ActivityReport {
    let (referred, started) = (n.referred, n.started);
    let mut figures = vec![
        fig("referred", referred, referred, "referred"),
        fig("eligible on referral", n.eligible, referred, "referred"),
        fig(
            "needs assessment on referral",
            n.needs_assessment,
            referred,
            "referred",
        ),
        fig("ineligible on referral", n.ineligible, referred, "referred"),
        fig("started", started, referred, "referred"),
        fig("waiting now", n.waiting, referred, "referred"),
        fig("active now", n.active, started, "started"),
        fig("extended", n.extended, started, "started"),
    ];
    figures.push(fig("finished (closed)", n.closed, started, "started"));
    for (dest, count) in &n.exits {
        figures.push(fig(format!("exit: {dest}"), *count, n.closed, "finished"));
    }
    figures.push(fig("dropped", n.dropped, referred, "referred"));
    for (reason, count) in &n.drop_reasons {
        figures.push(fig(
            format!("dropped: {reason}"),
            *count,
            n.dropped,
            "dropped",
        ));
    }
    figures.push(fig("not started", n.not_started, referred, "referred"));
    for (reason, count) in &n.not_started_reasons {
        figures.push(fig(
            format!("not started: {reason}"),
            *count,
            n.not_started,
            "not started",
        ));
    }
    figures.push(fig(
        "evaluations held",
        n.evaluations_held,
        n.evaluations_due,
        "evaluations due so far",
    ));
    ActivityReport {
        program: program.to_string(),
        cohort_from: from,
        cohort_to: to,
        as_of,
        figures,
    }
}
/// Per funder with conditions: of the programme's cases active at some time in a period (as
/// `Store::fundable_cases` gives them), how many meet the funder's conditions (judged on the
/// stored referral, with the version the case is pinned to). A case whose facts leave a
/// condition unknown does not count as fundable.
pub fn fundable(
    compiled: &traject_rules::CompiledProgram,
    cases: &[FundableCase],
) -> Vec<super::Fundable> {
    let mut counts: Vec<super::Fundable> = Vec::new();
    for case in cases {
        let Some(vi) = compiled
            .program
            .spec
            .versions
            .iter()
            .position(|v| v.id == case.version)
        else {
            continue;
        };
        let Some(funding) = funders_of(compiled, vi, &case.referral, case.referred.as_ref()) else {
            continue;
        };
        for (fi, f) in compiled.versions[vi]
            .funders
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.conditions.is_empty())
        {
            let entry = match counts.iter_mut().position(|c| c.funder == f.id) {
                Some(i) => &mut counts[i],
                None => {
                    counts.push(super::Fundable {
                        funder: f.id.clone(),
                        fundable: 0,
                        cases: 0,
                    });
                    counts.last_mut().expect("just pushed")
                }
            };
            entry.cases += 1;
            entry.fundable += i64::from(funding.contains(&fi));
        }
    }
    counts
}

/// The funders a stored case counts for: judged again on its referral, or — once erased — the
/// ones recorded in its referred event.
fn funders_of(
    compiled: &traject_rules::CompiledProgram,
    vi: usize,
    value: &serde_json::Value,
    referred: Option<&Event>,
) -> Option<Vec<usize>> {
    if value.get("erased_on").is_some() {
        let Some(Event::Referred(r)) = referred else {
            return None;
        };
        let funders = &compiled.versions[vi].funders;
        return Some(
            (0..funders.len())
                .filter(|&i| r.funding.iter().any(|x| *x == funders[i].id))
                .collect(),
        );
    }
    compiled.judge_stored(vi, value).map(|(_, e)| e.funding)
}
