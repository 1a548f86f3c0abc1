//! Figures for everyone who may see them: the caseload board (capacity against active cases,
//! the waiting list in order, evaluations due per team — the lists only for those who may see
//! cases), the what-if simulation with its charts and the FTE solver, the programme pages
//! (summary, problems with file:line, versions and their diff) and the reports with CSV
//! downloads. An auditor sees numbers here, never a case.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;
use traject_app::{cases, forecast, programmes as progs, reports, Need};
use traject_cases::CaseState;
use traject_i18n::{LabelIn, Lang};
use traject_render::table::Table;

use super::intake::ProgramQuery;
use super::{lang_of, layout, page, t};
use crate::api::SimulateRequest;
use crate::auth::as_user;
use crate::failure::Failure;
use crate::{Server, Shared};

/// The evaluations due a board lists by name (the most urgent first); the rest are counted,
/// so that the page stays the same size however many cases the store holds.
const DUE_SHOWN: usize = 50;

fn days_since(day: chrono::NaiveDate, today: chrono::NaiveDate) -> i64 {
    (today - day).num_days()
}

/// The label of an id the programme names in some version (an evaluation, a module), else
/// the id itself.
pub(super) fn label_of(program: &traject_model::program::Program, id: &str, lang: Lang) -> String {
    let fallback = program.spec.society_language;
    program
        .spec
        .versions
        .iter()
        .rev()
        .find_map(|v| {
            v.evaluations
                .iter()
                .map(|e| (&e.id, &e.label))
                .chain(v.modules.iter().map(|m| (&m.id, &m.label)))
                .find(|(i, _)| i.as_str() == id)
                .map(|(_, l)| l.get(lang, fallback).to_string())
        })
        .unwrap_or_else(|| id.to_string())
}

/// " (ended on …)" for a version whose period is over on `today`, so that nobody reads an
/// ended version as the one in force.
fn ended_note(
    program: &traject_model::program::Program,
    version: &str,
    today: chrono::NaiveDate,
    lang: Lang,
) -> String {
    match program
        .version(version)
        .and_then(|v| v.valid_to)
        .filter(|to| *to < today)
    {
        Some(to) => format!(
            " ({} {})",
            t(lang, "afgelopen op", "terminée le", "ended on"),
            traject_i18n::date(to, lang)
        ),
        None => String::new(),
    }
}

type PeopleLists = (
    Vec<traject_store::CaseRow>,
    cases::DueBoard,
    Vec<traject_app::sessions::AbsenceFlag>,
);

/// The board's lists of people, the first of each (a page of the same size however many
/// cases the store holds; the rest counted): the waiting list, the moments due, and the
/// participants absent from their group sessions.
fn people_lists(
    store: &traject_store::Store,
    served: &dyn traject_app::Programs,
    id: &str,
    ctx: &traject_app::Ctx,
) -> Result<PeopleLists, Failure> {
    let filter = cases::CaseFilter {
        program: Some(id.to_string()),
        state: Some(CaseState::Waiting),
        limit: DUE_SHOWN,
        dossier: None,
    };
    let mut w = cases::list(store, &filter, ctx)?;
    w.sort_by_key(|c| c.position);
    let due = cases::due_board(store, Some(id), DUE_SHOWN, ctx)?;
    let absences = traject_app::sessions::absence_flags(store, served, Some(id), ctx)?;
    Ok((w, due, absences))
}

/// Participants absent without excuse as often in a row as their programme flags.
fn absence_list(absences: &[traject_app::sessions::AbsenceFlag], lang: Lang) -> Markup {
    html! {
        @if !absences.is_empty() {
            h3 { (t(lang, "Afwezig op groepssessies", "Absents aux séances de groupe", "Absent from group sessions")) }
            ul.absences { @for a in absences.iter() { li data-case=(a.case) {
                a href=(format!("/cases/{}", a.case)) { "#" (a.case) } " — "
                (a.absences) " " (t(lang, "keer na elkaar afwezig zonder verwittiging", "absences sans excuse d'affilée", "absences without excuse in a row"))
                " (" (t(lang, "melding vanaf", "signalé dès", "flagged from")) " " (a.threshold) ")"
            } } }
        }
    }
}

fn board_section(
    server: &Server,
    user: &traject_app::users::SessionUser,
    store: &mut traject_store::Store,
    program: &traject_model::program::Program,
    lang: Lang,
) -> Result<Markup, Failure> {
    let id = program.spec.id.as_str();
    let name = program.spec.name.get(lang, program.spec.society_language);
    let today = server.today();
    let ctx = user.ctx(server.today());
    let persons = user.role.may(Need::Persons);
    let served = server.programmes(user);
    let key = crate::board_cache::BoardKey {
        program: id.to_string(),
        text: served
            .get(id)
            .map_or(0, |c| std::sync::Arc::as_ptr(&c) as usize),
        org: ctx.org.clone(),
        team: ctx.team.clone(),
        role: ctx.role,
        on: today,
    };
    let figures = server.boards.figures(key, || {
        let row = cases::caseload(store, &served, Some(id), &ctx)?.pop();
        let (waiting, due, absences) = if persons {
            people_lists(store, &served, id, &ctx)?
        } else {
            (Vec::new(), (Vec::new(), Vec::new()), Vec::new())
        };
        Ok::<_, Failure>(crate::board_cache::BoardFigures {
            row,
            waiting,
            due,
            absences,
        })
    })?;
    let (row, waiting, (due, teams)) = (&figures.row, &figures.waiting, &figures.due);
    let absences = &figures.absences;
    let due_total: i64 = teams.iter().map(|(_, open, late)| open + late).sum();
    let waiting_total = row.as_ref().map_or(0, |r| r.waiting as usize);
    Ok(html! {
        section.programme id=(format!("board-{id}")) {
            h2 { (name) @if let Some(r) = &row { " · " (t(lang, "versie", "version", "version")) " " (r.version) (ended_note(program, &r.version, today, lang)) } }
            @if let Some(r) = &row {
                p.load {
                    span.active data-active=(r.active) { (r.active) " " (t(lang, "actief", "actifs", "active")) }
                    " / " span.capacity { (r.capacity.map_or("—".to_string(), |c| c.to_string())) " " (t(lang, "plaatsen", "places", "places")) }
                    " · " span.waiting data-waiting=(r.waiting) { (r.waiting) " " (t(lang, "op de wachtlijst", "en attente", "waiting")) }
                }
                @if let Some(cap) = r.capacity.filter(|c| *c > 0) {
                    meter min="0" max=(cap) value=(r.active) {}
                }
                @if !r.modules.is_empty() {
                    ul.modules { @for m in &r.modules { li {
                        (label_of(program, &m.module, lang)) @if let Some(g) = &m.group { " · " (g) } ": " (m.enrolled) " " (t(lang, "ingeschreven", "inscrits", "enrolled"))
                    } } }
                }
            }
            @if persons {
                @if !waiting.is_empty() {
                    h3 { (t(lang, "Wachtlijst", "Liste d'attente", "Waiting list")) }
                    ol.waiting { @for c in waiting.iter() { li { a href=(format!("/cases/{}", c.id)) { "#" (c.id) } " — " (days_since(c.updated_on, server.today())) " " (t(lang, "dagen", "jours", "days")) } } }
                    @if waiting_total > waiting.len() { p.help { (t(lang, "en nog", "et encore", "and")) " " (waiting_total - waiting.len()) " " (t(lang, "verder op de lijst", "plus loin sur la liste", "further down the list")) } }
                }
                (absence_list(absences, lang))
                h3 { (t(lang, "Evaluaties te doen", "Évaluations à faire", "Evaluations due")) }
                @if due.is_empty() { p { "—" } } @else {
                    table.due {
                        tr { th { (t(lang, "Team", "Équipe", "Team")) } th { (t(lang, "te doen", "à faire", "due")) } th { (t(lang, "te laat", "en retard", "overdue")) } }
                        @for (team, open, late) in teams.iter() { tr { td { (team.as_deref().unwrap_or("—")) } td { (open) } td.late { (late) } } }
                    }
                    ul.due { @for d in due.iter() { li class=(if d.overdue { "late" } else { "open" }) {
                        a href=(format!("/cases/{}", d.case_id)) { "#" (d.case_id) } " " (label_of(program, &d.evaluation, lang)) " " (traject_i18n::date(d.due_from, lang)) " – " (traject_i18n::date(d.due_to, lang))
                    } } }
                    @if due_total > due.len() as i64 {
                        p.help { (t(lang, "De eerste", "Les", "The first")) " " (due.len()) " " (t(lang, "van", "premières sur", "of")) " " (due_total) " " (t(lang, "(de dringendste eerst); de rest staat in de teamtabel hierboven en in `traject due`.", "(les plus urgentes d'abord) ; les autres figurent dans le tableau par équipe ci-dessus et dans `traject due`.", "(most urgent first); the rest are counted in the team table above and listed by `traject due`.")) }
                    }
                }
            }
        }
    })
}

pub async fn board(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ProgramQuery>,
) -> Response {
    page(&s, &headers, move |server, user, store| {
        let lang = lang_of(user, None);
        let mut sections = Vec::new();
        for listed in server.programmes(user).list() {
            let Some(compiled) = &listed.compiled else {
                continue;
            };
            if q.program.as_ref().is_some_and(|p| *p != listed.id) {
                continue;
            }
            sections.push(board_section(server, user, store, &compiled.program, lang)?);
        }
        let body = html! { p.help { (t(lang, "Stand op", "Situation au", "As of")) " " (traject_i18n::date(server.today(), lang)) } @for s in &sections { (s) } };
        Ok((StatusCode::OK, layout(lang, Some(user), t(lang, "Werklijst", "Tableau de bord", "Board"), body)))
    })
    .await
}

#[derive(Deserialize, Default)]
pub struct WhatIfQuery {
    program: Option<String>,
    fte: Option<f64>,
    demand: Option<f64>,
    months: Option<usize>,
    solve: Option<String>,
}

pub async fn whatif(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<WhatIfQuery>,
) -> Response {
    let turn = match crate::auth::computing(&s, &headers, traject_app::Need::Figures).await {
        Ok(turn) => turn,
        Err(f) if f.status == StatusCode::UNAUTHORIZED => {
            return axum::response::Redirect::to("/login").into_response()
        }
        Err(f) => return super::failure_response("/whatif", &headers, f),
    };
    let shown = page(&s, &headers, move |server, user, _| {
        user.ctx(server.today())
            .require(traject_app::Need::Figures)?;
        let ids: Vec<String> = super::served_ids(server);
        let id = q.program.clone().or_else(|| ids.first().cloned()).unwrap_or_default();
        let compiled = crate::api::served(server, user, &id)?;
        let lang = lang_of(user, Some(compiled.program.spec.society_language));
        let req = SimulateRequest { program: id.clone(), version: None, fte: q.fte, demand_factor: q.demand, months: q.months, runs: Some(200), seed: Some(1) };
        let (ask, settings) = req.settings(server.limits);
        let report = forecast::what_if(&compiled.program, &ask, &settings, &user.ctx(server.today()))?;
        let [active, waiting, waits] = traject_render::simulation::charts(&report, lang);
        let solved = match q.solve {
            Some(_) => Some(forecast::solve_fte(&compiled.program, None, 28.0, 0.9, &settings)?),
            None => None,
        };
        let sm = &report.summary;
        let days = |x: f64| traject_i18n::vocabulary::count(x.round(), "day", lang);
        let pct = |x: f64| traject_i18n::typography(&format!("{}%", traject_i18n::number((x * 100.0).round(), lang)), lang);
        let ended = ended_note(&compiled.program, &report.version, server.today(), lang);
        let body = html! {
            @if !ended.is_empty() {
                p.notice { (t(lang, "Deze simulatie gebruikt versie", "Cette simulation utilise la version", "This simulation uses version")) " " (report.version) (ended) "." }
            }
            form.whatif method="get" action="/whatif" {
                (super::programme_select(server, lang, &id))
                label { (t(lang, "VTE", "ETP", "FTE")) input #fte type="number" name="fte" step="0.1" min="0.1" value=(report.fte); }
                label { (t(lang, "Aanmeldingen ×", "Orientations ×", "Referrals ×")) input #demand type="range" name="demand" min="0.5" max="2" step="0.1" value=(q.demand.unwrap_or(1.0)); output #demand-value { (q.demand.unwrap_or(1.0)) } }
                label { (t(lang, "Maanden", "Mois", "Months")) input type="number" name="months" min="1" max="120" value=(sm.months); }
                button type="submit" { (t(lang, "Simuleer", "Simuler", "Simulate")) }
                button type="submit" name="solve" value="1" { (t(lang, "Hoeveel VTE voor p90-wachttijd ≤ 28 dagen?", "Combien d'ETP pour une attente p90 ≤ 28 jours ?", "How many FTE keep the p90 wait ≤ 28 days?")) }
            }
            @if let Some(sol) = &solved {
                p #solved.solved { (t(lang, "Nodig: ", "Nécessaire : ", "Needed: ")) strong { (sol.fte.map_or("> 50".to_string(), |f| format!("{f:.1}"))) " " (t(lang, "VTE", "ETP", "FTE")) } }
            }
            table #summary.summary {
                tr { th { (t(lang, "capaciteit", "capacité", "capacity")) } th { (t(lang, "mediane wachttijd", "attente médiane", "median wait")) } th { (t(lang, "p90 wachttijd", "attente p90", "p90 wait")) } th { (t(lang, "moest wachten", "a dû attendre", "had to wait")) } th { (t(lang, "bezetting", "occupation", "utilisation")) } }
                tr { td { (sm.capacity) } td { (days(sm.wait_days_p50)) } td #p90 { (days(sm.wait_days_p90)) } td { (pct(sm.prob_wait)) } td { (pct(sm.utilisation)) } }
            }
            figure { (PreEscaped(active)) } figure { (PreEscaped(waiting)) } figure { (PreEscaped(waits)) }
            // The charts' figures as a table, for whoever does not see the charts.
            details.chart-data {
                summary { (t(lang, "De cijfers van de grafieken, maand per maand", "Les chiffres des graphiques, mois par mois", "The charts' figures, month by month")) }
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "Maand", "Mois", "Month")) }
                        th scope="col" { (t(lang, "Capaciteit", "Capacité", "Capacity")) }
                        th scope="col" { (t(lang, "Actief (mediaan)", "Actifs (médiane)", "Active (median)")) }
                        th scope="col" { (t(lang, "Wachtend (mediaan)", "En attente (médiane)", "Waiting (median)")) }
                        th scope="col" { (t(lang, "Wachtend (p90)", "En attente (p90)", "Waiting (p90)")) }
                    } }
                    tbody { @for m in &sm.monthly { tr {
                        td { (m.month + 1) } td { (m.capacity) } td { (traject_i18n::number(m.active_p50, lang)) } td { (traject_i18n::number(m.waiting_p50, lang)) } td { (traject_i18n::number(m.waiting_p90, lang)) }
                    } } }
                }
            }
            p.help { (t(lang, "200 simulaties, startgetal 1. Vraag en duur komen uit het programmabestand; aannames staan daar vermeld.", "200 simulations, graine 1. Demande et durées viennent du fichier du programme ; les hypothèses y sont indiquées.", "200 runs, seed 1. Demand and durations come from the programme file; assumptions are marked there.")) }
        };
        Ok((StatusCode::OK, layout(lang, Some(user), t(lang, "Wat als", "Et si", "What-if"), body)))
    })
    .await;
    drop(turn);
    shown
}

pub async fn programmes(State(s): State<Shared>, headers: HeaderMap) -> Response {
    page(&s, &headers, move |server, user, _| {
        let lang = lang_of(user, None);
        server.catalogue.refresh();
        let body = html! {
            ul.programmes { @for l in server.programmes(user).list() { li {
                a href=(format!("/programmes/{}", l.id)) { (l.compiled.as_ref().map_or_else(|| l.id.clone(), |c| c.program.spec.name.get(lang, c.program.spec.society_language).to_string())) }
                @if let Some(c) = &l.compiled { " — " (c.program.spec.versions.iter().map(|v| v.id.as_str()).collect::<Vec<_>>().join(", ")) }
                @if let Some(p) = &l.problem { div.problem { p { (t(lang, "Het bestand laadt niet; de laatste goede versie blijft gelden:", "Le fichier ne se charge pas ; la dernière version valide reste en vigueur :", "The file does not load; the last good version stays in force:")) } pre { (traject_i18n::diagnostics::render_load(p, lang)) } } }
            } } }
        };
        Ok((StatusCode::OK, layout(lang, Some(user), t(lang, "Programma's", "Programmes", "Programmes"), body)))
    })
    .await
}

#[derive(Deserialize, Default)]
pub struct DiffQuery {
    a: Option<String>,
    b: Option<String>,
}

pub async fn programme(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> Response {
    page(&s, &headers, move |server, user, _| {
        server.catalogue.refresh();
        let compiled = crate::api::served(server, user, &id)?;
        let lang = lang_of(user, Some(compiled.program.spec.society_language));
        let (shown, _) = progs::show(&server.programmes(user), &id, None, &Default::default())?;
        let summary = traject_render::summary::render(&shown, None, lang);
        let problem = server.programmes(user).list().into_iter().find(|l| l.id == id).and_then(|l| l.problem);
        let versions = &compiled.program.spec.versions;
        let coordinator = user.ctx(server.today()).require(traject_app::Need::EditProgrammes).is_ok();
        let diff = match (&q.a, &q.b) {
            (Some(a), Some(b)) => Some(progs::diff(&server.programmes(user), &format!("{id}@{a}"), &format!("{id}@{b}"))?),
            _ => None,
        };
        let body = html! {
            @if let Some(p) = &problem { div.problem { pre { (traject_i18n::diagnostics::render_load(p, lang)) } } }
            p { a href=(format!("/programmes/{id}/edit")) { @if coordinator { (t(lang, "Tekst bewerken, impact en nieuwe versie", "Modifier le texte, impact et nouvelle version", "Edit the text, impact and new version")) } @else { (t(lang, "Tekst en impact", "Texte et impact", "Text and impact")) } }
                " · " a href=(format!("/programmes/{id}/history")) { (t(lang, "Geschiedenis", "Historique", "History")) } }
            @if coordinator { p { a href=(format!("/programmes/{id}/record")) { (t(lang, "Register van verwerkingen (AVG art. 30)", "Registre des traitements (RGPD art. 30)", "Record of processing (GDPR art. 30)")) } } }
            table.versions { tr { th { (t(lang, "Versie", "Version", "Version")) } th { (t(lang, "vanaf", "à partir du", "from")) } th { (t(lang, "tot", "jusqu'au", "to")) } th { "hash" } }
                @for v in versions { tr { td { (v.id) } td { (traject_i18n::date(v.valid_from, lang)) } td { (v.valid_to.map(|d| traject_i18n::date(d, lang)).unwrap_or_default()) } td { code { (v.hash) } } } } }
            form.diff method="get" action=(format!("/programmes/{id}")) {
                label { (t(lang, "Van versie", "De la version", "From version")) " "
                    select name="a" { @for v in versions { option value=(v.id) selected[q.a.as_deref() == Some(v.id.as_str())] { (v.id) } } } }
                " → "
                label { (t(lang, "naar versie", "à la version", "to version")) " "
                    select name="b" { @for v in versions.iter().rev() { option value=(v.id) selected[q.b.as_deref() == Some(v.id.as_str())] { (v.id) } } } }
                button type="submit" { (t(lang, "Vergelijk", "Comparer", "Compare")) }
            }
            @if let Some(d) = &diff { pre.diff tabindex="0" { (traject_render::diff::render_text(d, lang)) } }
            pre.summary tabindex="0" { (summary) }
        };
        Ok((StatusCode::OK, layout(lang, Some(user), &id, body)))
    })
    .await
}

#[derive(Deserialize, Default, Clone)]
pub struct ReportQuery {
    program: Option<String>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    /// Staff cost per FTE per month in euros, for the funding report.
    cost: Option<String>,
}

/// A report as a table, by name: `activity`, or `funding` (which needs the staff cost).
fn report_table(
    server: &Server,
    user: &traject_app::users::SessionUser,
    store: &traject_store::Store,
    q: &ReportQuery,
    kind: &str,
    reader: Option<&traject_render::funding::Labels>,
) -> Result<Option<Table>, Failure> {
    let id = q.program.clone().unwrap_or_default();
    let (from, to) = q.period(server.today());
    let ctx = user.ctx(server.today());
    match kind {
        "activity" => {
            let r = reports::activity(store, &server.programmes(user), &id, from, to, &ctx)?;
            Ok(Some(match reader {
                Some(l) => traject_render::activity::reader_table(&r, l),
                None => traject_render::activity::table(&r),
            }))
        }
        "funding" => {
            let Some(cost) = q.cost.as_deref().filter(|c| !c.trim().is_empty()) else {
                return Ok(None);
            };
            let cents = traject_report::parse_euros("cost", &cost.replace(',', "."))
                .map_err(traject_app::AppError::from)?;
            let ask = reports::FundingRequest {
                program: id,
                from,
                to,
                cost_per_fte_month_cents: cents,
                materials_cents: None,
            };
            let r = reports::funding(
                &server.programmes(user),
                Some(store),
                &ask,
                &Default::default(),
                &ctx,
            )?;
            Ok(Some(match reader {
                Some(l) => traject_render::funding::reader_table(&r, l),
                None => traject_render::funding::funding_table(&r),
            }))
        }
        _ => Err(Failure::new(
            StatusCode::NOT_FOUND,
            "no such report: activity or funding, as .csv or .xlsx",
        )),
    }
}

fn html_table(t: &Table) -> Markup {
    html! { table.report {
        thead { tr { @for h in &t.header { th scope="col" { (h) } } } }
        tbody { @for r in &t.rows { tr { @for c in r { td { (c) } } } } }
    } }
}

impl ReportQuery {
    fn period(&self, today: chrono::NaiveDate) -> (chrono::NaiveDate, chrono::NaiveDate) {
        let from = self.from.unwrap_or_else(|| today - chrono::Months::new(12));
        (from, self.to.unwrap_or(today))
    }
}

pub async fn reports(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    page(&s, &headers, move |server, user, store| {
        let ids: Vec<String> = super::served_ids(server);
        let id = q.program.clone().or_else(|| ids.first().cloned()).unwrap_or_default();
        let lang = lang_of(user, None);
        let compiled = traject_app::Programs::for_case(&server.programmes(user), &id).map_err(traject_app::AppError::from)?;
        let program = &compiled.program;
        // Without a period asked for: the last twelve months — or, for a programme whose last
        // version has ended before them, the last twelve months it was in force.
        let last_end = program.spec.versions.iter().map(|v| v.valid_to).max().flatten();
        let ended = last_end.filter(|end| q.from.is_none() && q.to.is_none() && *end < server.today() - chrono::Months::new(12));
        let (from, to) = match ended {
            Some(end) => (end - chrono::Months::new(12) + chrono::Days::new(1), end),
            None => q.period(server.today()),
        };
        let q = ReportQuery { program: Some(id.clone()), from: Some(from), to: Some(to), ..q };
        let labels = traject_render::funding::Labels::of(program, lang);
        let activity = report_table(server, user, store, &q, "activity", Some(&labels))?.unwrap_or_default();
        let funding = report_table(server, user, store, &q, "funding", Some(&labels))?;
        let cost = q.cost.clone().unwrap_or_default();
        let query = format!("program={id}&from={from}&to={to}&cost={cost}");
        let ctx = user.ctx(server.today());
        let organisations = traject_app::cases::rollup(store, &ctx)?;
        let several = organisations.iter().any(|r| r.org.is_some());
        let body = html! {
            form.report method="get" action="/reports" {
                (super::programme_select(server, lang, &id))
                label { (t(lang, "van", "du", "from")) input type="date" name="from" value=(from); }
                label { (t(lang, "tot", "au", "to")) input type="date" name="to" value=(to); }
                label { (t(lang, "Personeelskost per VTE per maand (€)", "Coût du personnel par ETP et par mois (€)", "Staff cost per FTE per month (€)")) input type="text" inputmode="decimal" name="cost" value=(cost); }
                button type="submit" { (t(lang, "Toon", "Afficher", "Show")) }
            }
            @if let Some(end) = ended {
                p.notice { (t(lang, "De laatste versie van dit programma liep af op", "La dernière version de ce programme s'est terminée le", "This programme's last version ended on")) " " (traject_i18n::date(end, lang)) ". "
                    (t(lang, "Het rapport toont de laatste twaalf maanden dat het gold; kies hierboven een andere periode.", "Le rapport montre ses douze derniers mois en vigueur ; choisissez une autre période ci-dessus.", "The report shows its last twelve months in force; choose another period above.")) }
            }
            p.help { (t(lang, "Periode", "Période", "Period")) ": " (traject_i18n::date(from, lang)) " – " (traject_i18n::date(to, lang)) }
            h2 { (t(lang, "Activiteit", "Activité", "Activity")) }
            p { a href=(format!("/reports/activity.csv?{query}")) download { "CSV" } " · " a href=(format!("/reports/activity.xlsx?{query}")) download { "Excel" } }
            (html_table(&activity))
            h2 { (t(lang, "Financiering", "Financement", "Funding")) }
            @match &funding {
                Some(f) => {
                    p { a href=(format!("/reports/funding.csv?{query}")) download { "CSV" } " · " a href=(format!("/reports/funding.xlsx?{query}")) download { "Excel" } }
                    (html_table(f))
                }
                None => p.help { (t(lang, "Geef de personeelskost per VTE per maand om de financiering per financier te berekenen.", "Indiquez le coût du personnel par ETP et par mois pour calculer le financement par financeur.", "Give the staff cost per FTE per month to compute the funding per funder.")) },
            }
            @if several {
                h2 { (t(lang, "Per organisatie", "Par organisation", "Per organisation")) }
                p.help { (t(lang, "Dossiers per OCMW en programma, volgens hun toestand nu.", "Dossiers par CPAS et par programme, selon leur état actuel.", "Cases per OCMW and programme, by their state now.")) }
                table.rollup {
                    thead { tr {
                        th { (t(lang, "Organisatie", "Organisation", "Organisation")) }
                        th { (t(lang, "Programma", "Programme", "Programme")) }
                        th.num { (t(lang, "Doorverwezen", "Orientés", "Referred")) }
                        th { (t(lang, "Toestand", "État", "State")) }
                    } }
                    tbody { @for r in &organisations { tr {
                        td { (r.org.as_deref().unwrap_or("—")) }
                        td { (r.program) }
                        td.num { (r.referred) }
                        td { @for (i, (state, n)) in r.states.iter().enumerate() {
                            @if i > 0 { ", " }
                            @match state.parse::<traject_cases::CaseState>() {
                                Ok(st) => { (traject_i18n::catalogue::state_word(st, lang)) }
                                Err(_) => { (state) }
                            }
                            " " (n)
                        } }
                    } } }
                }
            }
        };
        Ok((StatusCode::OK, layout(lang, Some(user), t(lang, "Rapporten", "Rapports", "Reports"), body)))
    })
    .await
}

pub async fn report_file(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(file): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Response {
    let made = as_user(&s, &headers, move |server, user, store| {
        user.ctx(server.today())
            .require(traject_app::Need::Figures)?;
        let (kind, ext) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
        // Every part of the download's name is one the server knows: the programme's id as
        // served (an unknown one is no report of ours), the report's kind and extension.
        let compiled = crate::api::served(server, user, q.program.as_deref().unwrap_or_default())?;
        let program = compiled.program.spec.id.clone();
        let (kind, ext) = match (kind, ext) {
            ("activity" | "funding", "csv" | "xlsx") => (
                if kind == "activity" { "activity" } else { "funding" },
                if ext == "csv" { "csv" } else { "xlsx" },
            ),
            _ => return Err(Failure::not_found()),
        };
        let missing = || {
            Failure::worded(
                StatusCode::UNPROCESSABLE_ENTITY,
                "the funding report needs `cost`, the staff cost per FTE per month in euros",
                "het financieringsrapport vraagt `cost`, de personeelskost per VTE per maand in euro",
                "le rapport de financement demande `cost`, le coût du personnel par ETP et par mois en euros",
            )
        };
        let table = report_table(server, user, store, &q, kind, None)?.ok_or_else(missing)?;
        let (from, to) = q.period(server.today());
        let name = format!("{kind}-{program}-{from}-{to}.{ext}");
        match ext {
            "csv" => Ok((name, "text/csv; charset=utf-8", table.csv().into_bytes())),
            "xlsx" => {
                let bytes = traject_render::xlsx::workbook(kind, &table)
                    .map_err(traject_app::AppError::from)?;
                Ok((
                    name,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    bytes,
                ))
            }
            _ => Err(Failure::new(
                StatusCode::NOT_FOUND,
                "reports come as .csv or .xlsx",
            )),
        }
    })
    .await;
    match made {
        Ok((name, kind, body)) => (
            [
                (header::CONTENT_TYPE, kind.to_string()),
                (header::CONTENT_DISPOSITION, content_disposition(&name)),
            ],
            body,
        )
            .into_response(),
        Err(f) if f.status == StatusCode::UNAUTHORIZED => {
            axum::response::Redirect::to("/login").into_response()
        }
        Err(f) => super::failure_response("/reports", &headers, f),
    }
}

/// `attachment` with the name both plainly (ASCII, quotes and backslashes taken out) and as
/// RFC 6266's `filename*` (percent-encoded UTF-8), so no name can break out of the header.
fn content_disposition(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' && c != ';' => c,
            _ => '_',
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}
