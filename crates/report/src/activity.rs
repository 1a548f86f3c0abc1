//! The activity report from the case store: for one programme and one cohort (referred within
//! the period), how many started, wait, finished, dropped (with reasons), never started (with
//! reasons), where they went, and how many scheduled evaluations were held — each figure with
//! its denominator, so that it can be compared across years and cities.

use super::Labels;
use chrono::NaiveDate;
use serde::Serialize;
use traject_store::sql::{args, Sql};
use traject_store::Reach;

use traject_store::{Store, StoreError};

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub figure: String,
    pub count: i64,
    pub denominator: i64,
    pub of: String,
    pub share: f64,
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
    }
}

pub fn activity(
    store: &Store,
    program: &str,
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
    org: Reach,
) -> Result<ActivityReport, StoreError> {
    let (f, t) = (from.to_string(), to.to_string());
    let (all, one_org) = org.params();
    let one = |sql: &str| -> Result<i64, StoreError> {
        store.one(sql, args![program, f, t, all, one_org])
    };
    // One organisation's cases, or every organisation's (?4, ?5).
    let cohort = "FROM cases WHERE program = ?1 AND referral_date BETWEEN ?2 AND ?3 AND (?4 OR org IS NOT DISTINCT FROM ?5)";
    let referred = one(&format!("SELECT COUNT(*) {cohort}"))?;
    let started = one(&format!(
        "SELECT COUNT(*) {cohort} AND started_on IS NOT NULL"
    ))?;
    let mut figures = vec![
        fig("referred", referred, referred, "referred"),
        fig("eligible on referral", one(&format!("SELECT COUNT(*) {cohort} AND verdict = 'eligible'"))?, referred, "referred"),
        fig("needs assessment on referral", one(&format!("SELECT COUNT(*) {cohort} AND verdict = 'needs_assessment'"))?, referred, "referred"),
        fig("ineligible on referral", one(&format!("SELECT COUNT(*) {cohort} AND verdict = 'ineligible'"))?, referred, "referred"),
        fig("started", started, referred, "referred"),
        fig("waiting now", one(&format!("SELECT COUNT(*) {cohort} AND state = 'waiting'"))?, referred, "referred"),
        fig("active now", one(&format!("SELECT COUNT(*) {cohort} AND state IN ('active', 'extended', 'paused')"))?, started, "started"),
        fig("extended", one(&format!("SELECT COUNT(*) {cohort} AND id IN (SELECT case_id FROM events WHERE kind = 'evaluated' AND {} = 'extend')", store.dialect().json_text("payload", "decision")))?, started, "started"),
    ];
    let closed = one(&format!("SELECT COUNT(*) {cohort} AND state = 'closed'"))?;
    figures.push(fig("finished (closed)", closed, started, "started"));
    let grouped = |state: &str| -> Result<Vec<(String, i64)>, StoreError> {
        store.query_map(
            &format!("SELECT outcome, COUNT(*) {cohort} AND state = ?6 GROUP BY outcome ORDER BY outcome"),
            args![program, f, t, all, one_org, state],
            |r| Ok((r.get::<Option<String>>(0)?.unwrap_or_default(), r.get(1)?)),
        )
    };
    for (dest, n) in grouped("closed")? {
        figures.push(fig(format!("exit: {dest}"), n, closed, "finished"));
    }
    let dropped = one(&format!("SELECT COUNT(*) {cohort} AND state = 'dropped'"))?;
    figures.push(fig("dropped", dropped, referred, "referred"));
    for (reason, n) in grouped("dropped")? {
        figures.push(fig(format!("dropped: {reason}"), n, dropped, "dropped"));
    }
    let not_started = one(&format!(
        "SELECT COUNT(*) {cohort} AND state = 'not_started'"
    ))?;
    figures.push(fig("not started", not_started, referred, "referred"));
    for (reason, n) in grouped("not_started")? {
        figures.push(fig(
            format!("not started: {reason}"),
            n,
            not_started,
            "not started",
        ));
    }
    let scheduled = one(&format!(
        "SELECT COUNT(*) FROM due WHERE case_id IN (SELECT id {cohort}) AND due_from <= '{as_of}'"
    ))?;
    let held = one(&format!("SELECT COUNT(*) FROM due WHERE case_id IN (SELECT id {cohort}) AND due_from <= '{as_of}' AND held_on IS NOT NULL"))?;
    figures.push(fig(
        "evaluations held",
        held,
        scheduled,
        "evaluations due so far",
    ));
    Ok(ActivityReport {
        program: program.to_string(),
        cohort_from: from,
        cohort_to: to,
        as_of,
        figures,
    })
}

/// A figure's name for a reader: the fixed figures by their wording, "exit: art60" and the
/// like by the programme's label of the exit or reason.
fn figure_name(figure: &str, l: &Labels) -> String {
    let (head, code) = match figure.split_once(": ") {
        Some((h, c)) => (h, Some(c)),
        None => (figure, None),
    };
    let head = match head {
        "referred" => l.say("doorverwezen", "orientés", "referred"),
        "eligible on referral" => l.say(
            "toelaatbaar bij doorverwijzing",
            "admissibles à l'orientation",
            "eligible on referral",
        ),
        "needs assessment on referral" => l.say(
            "beoordeling nodig bij doorverwijzing",
            "à évaluer à l'orientation",
            "needs assessment on referral",
        ),
        "ineligible on referral" => l.say(
            "niet toelaatbaar bij doorverwijzing",
            "non admissibles à l'orientation",
            "ineligible on referral",
        ),
        "started" => l.say("gestart", "commencés", "started"),
        "waiting now" => l.say("nu wachtend", "en attente maintenant", "waiting now"),
        "active now" => l.say("nu actief", "actifs maintenant", "active now"),
        "extended" => l.say("verlengd", "prolongés", "extended"),
        "finished (closed)" => l.say(
            "afgerond (afgesloten)",
            "terminés (clôturés)",
            "finished (closed)",
        ),
        "finished" => l.say("afgerond", "terminés", "finished"),
        "exit" => l.say("uitstroom", "sortie", "exit"),
        "dropped" => l.say("uitgevallen", "abandons", "dropped"),
        "not started" => l.say("niet gestart", "non commencés", "not started"),
        "evaluations held" => l.say(
            "evaluaties gehouden",
            "évaluations tenues",
            "evaluations held",
        ),
        "evaluations due so far" => l.say(
            "evaluaties tot nu toe te doen",
            "évaluations prévues jusqu'ici",
            "evaluations due so far",
        ),
        other => return other.to_string(),
    };
    match code {
        Some(c) => format!("{head}: {}", l.code(c)),
        None => head.to_string(),
    }
}

pub fn text(r: &ActivityReport, l: &Labels) -> String {
    let lang = l.lang;
    let mut out = format!(
        "{} — {} {} {} {}, {} {}\n",
        l.name,
        l.say(
            "cohorte doorverwezen van",
            "cohorte orientée du",
            "cohort referred"
        ),
        traject_i18n::date(r.cohort_from, lang),
        l.say("tot", "au", "to"),
        traject_i18n::date(r.cohort_to, lang),
        l.say("toestand op", "état au", "states on"),
        traject_i18n::date(r.as_of, lang)
    );
    for f in &r.figures {
        let pct = traject_i18n::number((f.share * 1000.0).round() / 10.0, lang);
        out.push_str(&format!(
            "  {:<44} {:>6} {} {:>6} {:<30} {:>6}%\n",
            figure_name(&f.figure, l),
            f.count,
            l.say("van", "sur", "of"),
            f.denominator,
            figure_name(&f.of, l),
            pct
        ));
    }
    traject_i18n::typography(&out, lang)
}

pub fn csv(r: &ActivityReport) -> String {
    let mut out =
        String::from("program,cohort_from,cohort_to,as_of,figure,count,denominator,of,share\n");
    for f in &r.figures {
        out.push_str(&format!(
            "{},{},{},{},\"{}\",{},{},\"{}\",{}\n",
            r.program,
            r.cohort_from,
            r.cohort_to,
            r.as_of,
            f.figure.replace('"', "'"),
            f.count,
            f.denominator,
            f.of,
            f.share
        ));
    }
    out
}

pub fn html(r: &ActivityReport, l: &Labels) -> String {
    let lang = l.lang;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let rows: String = r
        .figures
        .iter()
        .map(|f| {
            format!(
                "<tr><td style=\"text-align:left\">{}</td><td>{}</td><td>{}</td><td style=\"text-align:left\">{}</td><td>{}%</td></tr>\n",
                esc(&figure_name(&f.figure, l)),
                f.count,
                f.denominator,
                esc(&figure_name(&f.of, l)),
                traject_i18n::number((f.share * 1000.0).round() / 10.0, lang)
            )
        })
        .collect();
    let heads = [
        l.say("cijfer", "chiffre", "figure"),
        l.say("aantal", "nombre", "count"),
        l.say("van", "sur", "of"),
        l.say("noemer", "dénominateur", "denominator"),
        l.say("aandeel", "part", "share"),
    ];
    let ths: String = heads
        .iter()
        .map(|h| format!("<th>{}</th>", esc(h)))
        .collect();
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\"><title>traject — {what} {p}</title><style>body{{font-family:sans-serif;max-width:760px;margin:2em auto}}td,th{{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}}</style></head><body>\n<h1>{p} — {what}</h1><p>{cohort} {a} {to} {b}; {states} {c}.</p>\n<table><tr>{ths}</tr>\n{rows}</table></body></html>\n",
        code = lang.code(),
        what = esc(l.say("activiteitenverslag", "rapport d'activité", "activity")),
        p = esc(&l.name),
        cohort = esc(l.say("Cohorte doorverwezen van", "Cohorte orientée du", "Cohort referred")),
        to = l.say("tot", "au", "to"),
        states = esc(l.say("toestand op", "état au", "states on")),
        a = traject_i18n::date(r.cohort_from, lang),
        b = traject_i18n::date(r.cohort_to, lang),
        c = traject_i18n::date(r.as_of, lang)
    );
    traject_i18n::typography(&page, lang)
}

/// Per funder with conditions: of the programme's cases active at some time in [from, to],
/// how many meet the funder's conditions (judged on the stored referral, with the version the
/// case is pinned to). A case whose facts leave a condition unknown does not count as fundable.
pub fn fundable(
    store: &Store,
    compiled: &traject_rules::CompiledProgram,
    from: NaiveDate,
    to: NaiveDate,
    org: Reach,
) -> Result<Vec<super::Fundable>, StoreError> {
    let (all, one_org) = org.params();
    let rows: Vec<(String, String, Option<String>)> = store.query_map(
        "SELECT version, referral, (SELECT payload FROM events e WHERE e.case_id = cases.id AND e.kind = 'referred') \
         FROM cases WHERE program = ?1 AND started_on IS NOT NULL AND started_on <= ?3 \
         AND NOT (state IN ('closed', 'dropped') AND updated_on < ?2) AND (?4 OR org IS NOT DISTINCT FROM ?5)",
        args![compiled.program.spec.id, from.to_string(), to.to_string(), all, one_org],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut counts: Vec<super::Fundable> = Vec::new();
    for (version, referral, referred) in rows {
        let Some(vi) = compiled
            .program
            .spec
            .versions
            .iter()
            .position(|v| v.id == version)
        else {
            continue;
        };
        let value: serde_json::Value = serde_json::from_str(&referral).unwrap_or_default();
        let judged = funders_of(compiled, vi, &value, referred.as_deref());
        let Some(funding) = judged else {
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
    Ok(counts)
}

/// The funders a stored case counts for: judged again on its referral, or — once erased — the
/// ones recorded in its referred event.
fn funders_of(
    compiled: &traject_rules::CompiledProgram,
    vi: usize,
    value: &serde_json::Value,
    referred: Option<&str>,
) -> Option<Vec<usize>> {
    if value.get("erased_on").is_some() {
        let payload: serde_json::Value = serde_json::from_str(referred?).ok()?;
        let ids = payload["funding"].as_array()?;
        let funders = &compiled.versions[vi].funders;
        return Some(
            (0..funders.len())
                .filter(|&i| {
                    ids.iter()
                        .any(|x| x.as_str() == Some(funders[i].id.as_str()))
                })
                .collect(),
        );
    }
    compiled.judge_stored(vi, value).map(|(_, e)| e.funding)
}
