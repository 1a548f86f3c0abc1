//! Case files: the list of the team's cases, and one case — its state, track, dates, the
//! evaluations due, its history, and the actions its state allows as forms. A refused action
//! comes back on the same page with the engine's reason.

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use traject_app::cases::{self, CaseFilter, CaseView};
use traject_app::users::SessionUser;
use traject_app::Programs;
use traject_cases::{Action, EventRecord};
use traject_i18n::{LabelIn, Lang};
use traject_model::program::terms::ExitKind;
use traject_rules::CompiledProgram;

use super::{checked_form, field, lang_of, layout, not_a, page, problem, t};
use crate::api::{act_on, ActionBody};
use crate::auth::as_user;
use crate::failure::Failure;
use crate::{Server, Shared};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    program: Option<String>,
    state: Option<String>,
    /// Where the page starts: the key the previous page's "next" link carries.
    after: Option<String>,
}

/// Cases on one page of the list: a page any reader's screen and the server's two cores
/// render quickly however many cases the store holds; the rest is behind "next page".
pub const CASES_PER_PAGE: usize = 50;

/// A filter of the list the reader cannot have meant: the field named, nothing of its value
/// repeated.
fn bad_list_field(field: &str) -> Failure {
    Failure::worded(
        StatusCode::BAD_REQUEST,
        format!("the case list's field `{field}` is not one the list offers: choose it again in the form above the list"),
        format!("het veld `{field}` van de dossierlijst heeft een waarde die de lijst niet kent: kies opnieuw in het formulier boven de lijst"),
        format!("le champ `{field}` de la liste des dossiers a une valeur que la liste ne connaît pas : choisissez à nouveau dans le formulaire au-dessus de la liste"),
    )
}

pub async fn case_list(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    page(&s, &headers, move |server, user, store| {
        let lang = lang_of(user, None);
        let program = q.program.filter(|p| !p.is_empty());
        if program.as_ref().is_some_and(|p| p.len() > 64) {
            return Err(bad_list_field("program"));
        }
        let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(s.parse().map_err(|_| bad_list_field("state"))?),
        };
        let after = match q.after.as_deref() {
            None => None,
            Some(a) => Some(a.parse().map_err(|_| bad_list_field("after"))?),
        };
        let filter = CaseFilter {
            program,
            state,
            limit: CASES_PER_PAGE,
            dossier: None,
        };
        let ctx = user.ctx(server.today());
        let shown = cases::list_page(store, &filter, after.unwrap_or(traject_store::ListKey::START), &ctx)?;
        let next = shown.next.map(|key| list_address(&filter, key));
        let body = html! {
            (super::rights::search_form(user, lang, None))
            (list_filter_form(server, &filter, lang))
            (case_table(&shown.rows, lang))
            @if shown.rows.is_empty() {
                p { @if after.is_some() || filter.program.is_some() || filter.state.is_some() {
                    (t(lang, "Geen dossiers meer die bij deze keuze passen.", "Plus de dossiers qui correspondent à ce choix.", "No more cases match this choice."))
                } @else {
                    (t(lang, "Nog geen dossiers.", "Pas encore de dossiers.", "No cases yet."))
                } }
            }
            @if after.is_some() || next.is_some() {
                nav.pages aria-label=(t(lang, "Pagina's van de lijst", "Pages de la liste", "Pages of the list")) {
                    @if after.is_some() {
                        a href=(list_address(&filter, traject_store::ListKey::START)) rel="first" { (t(lang, "← Eerste pagina", "← Première page", "← First page")) }
                        " "
                    }
                    @if let Some(href) = &next {
                        a href=(href) rel="next" { (t(lang, "Volgende pagina →", "Page suivante →", "Next page →")) }
                    }
                }
            }
        };
        Ok((StatusCode::OK, layout(lang, Some(user), t(lang, "Dossiers", "Dossiers", "Cases"), body)))
    })
    .await
}

/// The list's address with its filter, starting after `key` (`START`: the first page).
fn list_address(filter: &CaseFilter, key: traject_store::ListKey) -> String {
    let start = (key != traject_store::ListKey::START).then(|| key.to_string());
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    if let Some(p) = &filter.program {
        pairs.push(("program", p));
    }
    if let Some(s) = filter.state {
        pairs.push(("state", s.as_str()));
    }
    if let Some(after) = &start {
        pairs.push(("after", after));
    }
    // Pairs of text always encode; an empty query would only drop the filter, never widen it.
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if query.is_empty() {
        "/cases".to_string()
    } else {
        format!("/cases?{query}")
    }
}

/// Which cases the list shows: one programme or all, one state or all.
fn list_filter_form(server: &Server, filter: &CaseFilter, lang: Lang) -> Markup {
    let chosen = filter.program.as_deref().unwrap_or_default();
    let programmes = super::named_programmes(server, lang);
    html! {
        form.filter method="get" action="/cases" {
            label { (t(lang, "Programma", "Programme", "Programme")) " "
                select name="program" {
                    option value="" { (t(lang, "Alle programma's", "Tous les programmes", "All programmes")) }
                    @for (id, name) in &programmes { option value=(id) selected[id == chosen] { (name) } }
                } }
            " "
            label { (t(lang, "Toestand", "État", "State")) " "
                select name="state" {
                    option value="" { (t(lang, "Alle toestanden", "Tous les états", "All states")) }
                    @for st in traject_cases::CaseState::ALL {
                        option value=(st.as_str()) selected[filter.state == Some(st)] { (traject_i18n::catalogue::state_word(st, lang)) }
                    }
                } }
            " "
            button type="submit" { (t(lang, "Toon", "Afficher", "Show")) }
        }
    }
}

/// The cases as a table: number, dossier number, programme, state, team, referral day, verdict.
pub fn case_table(rows: &[traject_store::CaseRow], lang: Lang) -> Markup {
    html! {
        table.cases {
            thead { tr { th scope="col" { (t(lang, "Dossier", "Dossier", "Case")) } th scope="col" { (t(lang, "Dossiernummer", "Numéro de dossier", "Dossier number")) }
                th scope="col" { (t(lang, "Programma", "Programme", "Programme")) } th scope="col" { (t(lang, "Toestand", "État", "State")) }
                th scope="col" { (t(lang, "Team", "Équipe", "Team")) } th scope="col" { (t(lang, "Aangemeld op", "Orienté le", "Referred on")) } th scope="col" { (t(lang, "Oordeel", "Verdict", "Verdict")) } } }
            tbody { @for c in rows { tr {
                td { a href=(format!("/cases/{}", c.id)) { (c.id) } }
                td { (super::rights::dossier_of(c).unwrap_or_else(|| "—".into())) }
                td { (c.program) } td { (traject_i18n::catalogue::state_word(c.state, lang)) @if let Some(p) = c.position { " (" (p) ")" } }
                td { (c.team.clone().unwrap_or_default()) } td { (day(c.referral_date, lang)) } td { (traject_i18n::vocabulary::term("verdict", c.verdict.as_str(), lang).unwrap_or(c.verdict.as_str())) }
            } } }
        }
    }
}

/// A day as the reader writes it (day first in Dutch and French).
fn day(d: chrono::NaiveDate, lang: Lang) -> String {
    traject_i18n::date(d, lang)
}

/// The history in words: the programme's ids (rules, funders, tracks, exits) by their labels.
fn history(
    events: &[EventRecord],
    labels: &std::collections::BTreeMap<String, traject_model::text::Label>,
    lang: Lang,
) -> Markup {
    let kind = |k: &str| {
        traject_i18n::vocabulary::term("event", k, lang)
            .unwrap_or(k)
            .to_string()
    };
    html! {
        ol.history { @for e in events { li {
            @let k = e.event.kind().as_str();
            span.date { (day(e.on_date, lang)) } " " strong data-kind=(k) { (kind(k)) } " — " (e.actor)
            @let details = traject_render::access::details_in_words(e, labels, lang);
            @if !details.is_empty() { " " small { (details) } }
        } } }
    }
}

/// The forms of the actions the case's state allows, filled from the programme version.
fn actions(
    view: &CaseView,
    compiled: &CompiledProgram,
    csrf: &str,
    lang: Lang,
    today: chrono::NaiveDate,
) -> Markup {
    let id = view.case.id;
    let version = compiled
        .program
        .version(&view.case.version)
        .unwrap_or_else(|| compiled.program.version_on_or_latest(today));
    let fallback = compiled.program.spec.society_language;
    let exits = |kind: ExitKind| -> Markup {
        let word = match kind {
            ExitKind::Destination => t(lang, "Uitstroom naar", "Sortie vers", "Exit to"),
            _ => t(lang, "Reden", "Raison", "Reason"),
        };
        html! {
            label { (word) " "
                select name="exit" required { @for e in version.exits.iter().filter(|e| e.kind == kind) { option value=(e.id) { (e.label.get(lang, fallback)) } } } }
        }
    };
    let allowed = view.case.state.allowed();
    let assessed = assessed_facts(compiled, &view.case.version);
    let open: Vec<_> = version
        .evaluations
        .iter()
        .filter(|e| {
            view.schedule
                .iter()
                .any(|d| d.evaluation == e.id && d.held_on.is_none())
        })
        .collect();
    // What ends a case is asked for twice: a box to tick that says what will happen.
    let confirm = |what: &str| -> Markup {
        html! { label.confirm { input type="checkbox" name="confirm" value="yes" required; " " (what) } }
    };
    let form = |action: &str, label: &str, inner: Markup| -> Markup {
        html! {
            form.action method="post" action=(format!("/cases/{id}/{action}")) {
                input type="hidden" name="csrf" value=(csrf);
                (inner)
                button type="submit" name="do" value=(action) { (label) }
            }
        }
    };
    html! {
        @if allowed.contains(&Action::Start) {
            (form("start", t(lang, "Start", "Démarrer", "Start"), html! {
                @if version.tracks.len() > 1 { label { (t(lang, "Traject", "Parcours", "Track")) " " select name="track" { @for tr in &version.tracks { option value=(tr.id) { (tr.label.get(lang, fallback)) } } } } }
            }))
        }
        @if allowed.contains(&Action::Evaluate) {
            (form("evaluate", t(lang, "Evaluatie vastleggen", "Enregistrer l'évaluation", "Record evaluation"), html! {
                label { (t(lang, "Evaluatie", "Évaluation", "Evaluation")) " "
                    select name="evaluation" {
                        // The moments still to hold come first; any other may be recorded too.
                        @for e in open.iter().copied().chain(version.evaluations.iter().filter(|e| !open.iter().any(|o| o.id == e.id))) {
                            option value=(e.id) { (e.label.get(lang, fallback)) }
                        }
                    } }
                label { (t(lang, "Beslissing", "Décision", "Decision")) " "
                    select name="decision" { option value="" { (t(lang, "geen", "aucune", "none")) } @for d in version.evaluations.iter().flat_map(|e| &e.decisions).collect::<std::collections::BTreeSet<_>>() { option value=(d.as_str()) { (traject_i18n::vocabulary::term("decision", d.as_str(), lang).unwrap_or(d.as_str())) } } } }
                label { (t(lang, "Score", "Score", "Score")) " " input type="number" name="score" step="any"; }
                label { (t(lang, "Reden, als het moment nog niet of niet meer te doen is", "Raison, si le moment n'est pas encore ou plus à faire", "Reason, when the moment is not or no longer due")) " " input type="text" name="reason"; }
                label { (t(lang, "Doelen, één per regel", "Objectifs, un par ligne", "Goals, one per line")) " " textarea name="goals" rows="2" {} }
                label { (t(lang, "Uitstroom bij afsluiten", "Sortie à la clôture", "Exit when closing")) " "
                    select name="destination" { option value="" { (t(lang, "geen", "aucune", "none")) } @for e in version.exits.iter().filter(|e| e.kind == ExitKind::Destination) { option value=(e.id) { (e.label.get(lang, fallback)) } } } }
            }))
        }
        @if allowed.contains(&Action::Close) { (form("close", t(lang, "Afsluiten", "Clôturer", "Close"), html! { (exits(ExitKind::Destination)) (confirm(t(lang, "Ik bevestig: het dossier wordt afgesloten en de plaats gaat naar wie het langst wacht.", "Je confirme : le dossier est clôturé et la place revient à qui attend depuis le plus longtemps.", "I confirm: the case is closed and its place goes to whoever has waited longest."))) })) }
        @if allowed.contains(&Action::Drop) { (form("drop", t(lang, "Afhaken", "Abandon", "Drop out"), html! { (exits(ExitKind::DropOut)) (confirm(t(lang, "Ik bevestig: het dossier eindigt als afgehaakt en de plaats gaat naar wie het langst wacht.", "Je confirme : le dossier se termine par un abandon et la place revient à qui attend depuis le plus longtemps.", "I confirm: the case ends as dropped out and its place goes to whoever has waited longest."))) })) }
        @if allowed.contains(&Action::Pause) && version.pause.is_some() {
            (form("pause", t(lang, "Pauzeren", "Mettre en pause", "Pause"), html! {
                label { (t(lang, "Reden (geen persoonsgegevens)", "Raison (sans données personnelles)", "Reason (no personal data)")) " " input type="text" name="reason"; }
                label { (t(lang, "tot", "jusqu'au", "until")) input type="date" name="until"; }
            }))
        }
        @if allowed.contains(&Action::Resume) { (form("resume", t(lang, "Hervatten", "Reprendre", "Resume"), html! {})) }
        @if (allowed.contains(&Action::Reopen) && version.reopen.is_some()) || (view.case.state == traject_cases::CaseState::NotStarted && version.reopen.as_ref().is_some_and(|p| p.not_started)) { (form("reopen", t(lang, "Heropenen", "Rouvrir", "Re-open"), html! {})) }
        @if allowed.contains(&Action::NotStart) { (form("not-start", t(lang, "Niet gestart", "Pas commencé", "Not started"), html! { (exits(ExitKind::NotStarted)) (confirm(t(lang, "Ik bevestig: het dossier start niet en verlaat de wachtlijst.", "Je confirme : le dossier ne démarre pas et quitte la liste d'attente.", "I confirm: the case will not start and leaves the waiting list."))) })) }
        @if !assessed.is_empty() && view.case.state.is_open() {
            (form("assess", t(lang, "Beoordeling vastleggen", "Enregistrer l'évaluation des critères", "Record assessment"), assess_fields(&assessed, lang)))
        }
        (form("contact", t(lang, "Contact vastleggen", "Enregistrer le contact", "Record contact"), contact_fields(lang, today)))
        (form("appoint", t(lang, "Afspraak plannen", "Planifier un rendez-vous", "Plan an appointment"), appointment_fields(lang, today)))
    }
}

/// A contact moment's fields: how, how long, which day (today unless changed, never later),
/// and a short note for the case's team.
fn contact_fields(lang: Lang, today: chrono::NaiveDate) -> Markup {
    use traject_cases::event::ContactKind;
    html! {
        label { (t(lang, "Soort contact", "Type de contact", "Kind of contact")) " "
            select name="kind" required { @for k in ContactKind::ALL {
                option value=(k.as_str()) { (traject_i18n::vocabulary::term("contact_kind", k.as_str(), lang).unwrap_or(k.as_str())) }
            } } }
        label { (t(lang, "Duur in minuten", "Durée en minutes", "Length in minutes")) " "
            input type="number" name="minutes" min="1" max=(traject_cases::MAX_CONTACT_MINUTES) required; }
        label { (t(lang, "Op", "Le", "On")) " " input type="date" name="on" value=(today) max=(today); }
        label { (t(lang, "Korte notitie voor het team (wordt gewist met de persoonsgegevens)", "Courte note pour l'équipe (effacée avec les données personnelles)", "Short note for the team (erased with the personal data)")) " "
            textarea name="note" rows="2" maxlength=(traject_cases::MAX_NOTE_CHARS) {} }
    }
}

/// A planned contact's fields: how, which day (today or later), at what time, how long.
fn appointment_fields(lang: Lang, today: chrono::NaiveDate) -> Markup {
    use traject_cases::event::ContactKind;
    html! {
        label { (t(lang, "Soort contact", "Type de contact", "Kind of contact")) " "
            select name="kind" required { @for k in ContactKind::ALL {
                option value=(k.as_str()) { (traject_i18n::vocabulary::term("contact_kind", k.as_str(), lang).unwrap_or(k.as_str())) }
            } } }
        label { (t(lang, "Dag", "Jour", "Day")) " " input type="date" name="on" value=(today) min=(today) required; }
        label { (t(lang, "Uur", "Heure", "Time")) " " input type="time" name="at"; }
        label { (t(lang, "Duur in minuten", "Durée en minutes", "Length in minutes")) " "
            input type="number" name="minutes" min="1" max=(traject_cases::MAX_CONTACT_MINUTES); }
        p.help { (t(lang, "De afspraak komt in de agenda van het team (dossiernummer en soort contact, geen naam).", "Le rendez-vous apparaît dans l'agenda de l'équipe (numéro de dossier et type de contact, pas de nom).", "The appointment shows in the team's calendar (case number and kind of contact, no name).")) }
    }
}

/// Yes/no facts an assessed rule of the case's version reads (a motivation talk's outcome).
fn assessed_facts(compiled: &CompiledProgram, version: &str) -> Vec<&'static str> {
    compiled
        .version(version)
        .map(|(_, cv)| cv.fields_read_by(traject_model::program::model::Mode::Assessed))
        .unwrap_or_default()
        .into_iter()
        .filter(|f| traject_model::referral::bool_index(f).is_some())
        .collect()
}

/// The assessment form's fields: each assessed fact, answered yes or no, or left alone.
fn assess_fields(assessed: &[&str], lang: Lang) -> Markup {
    html! {
        p.help { (t(lang, "Wat het gesprek uitwees over de criteria die een maatschappelijk werker beoordeelt; het oordeel wordt opnieuw bepaald.", "Ce que l'entretien a montré pour les critères qu'un travailleur social évalue ; le verdict est établi à nouveau.", "What the talk showed for the criteria a social worker assesses; the verdict is judged again.")) }
        @for f in assessed {
            label { (traject_i18n::vocabulary::field_label(f, lang)) " "
                select name=(format!("fact.{f}")) {
                    option value="" { (t(lang, "niet beoordeeld", "non évalué", "not assessed")) }
                    option value="yes" { (t(lang, "ja", "oui", "yes")) }
                    option value="no" { (t(lang, "nee", "non", "no")) }
                }
            }
        }
    }
}

fn case_page(
    server: &Server,
    user: &SessionUser,
    store: &mut traject_store::Store,
    id: i64,
    refusal: Option<&Failure>,
) -> Result<(Lang, Markup), Failure> {
    let ctx = user.ctx(server.today());
    let view = cases::show(store, id, &ctx)?;
    let events = cases::history(store, id, &ctx)?;
    let compiled = server
        .programmes(user)
        .for_case(&view.case.program)
        .map_err(traject_app::AppError::from)?;
    let lang = lang_of(user, Some(compiled.program.spec.society_language));
    let c = &view.case;
    let fallback = compiled.program.spec.society_language;
    let version = compiled.program.version(&c.version);
    let track = c.track.as_deref().map_or_else(
        || "—".to_string(),
        |id| {
            version
                .and_then(|v| v.tracks.iter().find(|t| t.id == id))
                .map_or_else(
                    || id.to_string(),
                    |t| t.label.get(lang, fallback).to_string(),
                )
        },
    );
    let evaluation = |id: &str| {
        version
            .and_then(|v| v.evaluations.iter().find(|e| e.id == id))
            .map_or_else(
                || id.to_string(),
                |e| e.label.get(lang, fallback).to_string(),
            )
    };
    let verdict = traject_i18n::vocabulary::term("verdict", c.verdict.as_str(), lang)
        .unwrap_or(c.verdict.as_str());
    let on = |d: &Option<chrono::NaiveDate>| d.map_or_else(|| "—".to_string(), |d| day(d, lang));
    // The dossier number, or none once the referral is erased.
    let dossier = super::rights::dossier_of(c);
    let body = html! {
        @if let Some(f) = refusal { (problem(f, lang)) }
        dl.case {
            dt { (t(lang, "Dossiernummer", "Numéro de dossier", "Dossier number")) } dd #dossier { (dossier.clone().unwrap_or_else(|| if super::rights::erased(c) { t(lang, "gewist", "effacé", "erased") } else { t(lang, "niet opgegeven", "non indiqué", "not given") }.to_string())) }
            dt { (t(lang, "Programma", "Programme", "Programme")) } dd { (compiled.program.spec.name.get(lang, fallback)) " · " (t(lang, "versie", "version", "version")) " " (c.version) }
            dt { (t(lang, "Toestand", "État", "State")) } dd #state data-state=(c.state.as_str()) { (traject_i18n::catalogue::state_word(c.state, lang)) @if let Some(p) = c.position { " (" (t(lang, "plaats", "position", "position")) " " (p) ")" } }
            dt { (t(lang, "Oordeel over de toelating", "Verdict d'admission", "Eligibility verdict")) } dd data-verdict=(c.verdict.as_str()) { (verdict) }
            dt { (t(lang, "Traject", "Parcours", "Track")) } dd { (track) }
            dt { (t(lang, "Aangemeld", "Orienté", "Referred")) } dd { (day(c.referral_date, lang)) }
            dt { (t(lang, "Gestart", "Démarré", "Started")) } dd { (on(&c.started_on)) }
            dt { (t(lang, "Einde gepland", "Fin prévue", "Ends")) } dd { (on(&c.ends_on)) }
            dt { (t(lang, "Team", "Équipe", "Team")) } dd { (c.team.clone().unwrap_or_else(|| "—".into())) }
        }
        h2 { (t(lang, "Evaluaties", "Évaluations", "Evaluations")) }
        table.schedule {
            thead { tr { th scope="col" { (t(lang, "Evaluatie", "Évaluation", "Evaluation")) } th scope="col" { (t(lang, "Te doen", "À faire", "Due")) } th scope="col" { (t(lang, "Gehouden op", "Tenue le", "Held on")) } } }
            @for d in &view.schedule { tr { td data-evaluation=(d.evaluation) { (evaluation(&d.evaluation)) } td { (day(d.due_from, lang)) " – " (day(d.due_to, lang)) } td { (d.held_on.map_or_else(|| t(lang, "open", "à faire", "to do").to_string(), |h| day(h, lang))) } } } }
        h2 { (t(lang, "Acties", "Actions", "Actions")) }
        @if view.case.state.is_open() || version.and_then(|v| v.reopen.as_ref()).is_some_and(|p| view.case.state.allows(Action::Reopen) || (p.not_started && view.case.state == traject_cases::CaseState::NotStarted)) {
            div.actions { (actions(&view, &compiled, &user.csrf, lang, server.today())) }
        } @else {
            p.help { (t(lang, "Het dossier is afgelopen: er is niets meer te doen.", "Le dossier est terminé : il n'y a plus rien à faire.", "The case has ended: there is nothing left to do.")) }
        }
        h2 { (t(lang, "Geschiedenis", "Historique", "History")) }
        (history(&events, &cases::version_labels(&compiled, &c.version), lang))
        @if ctx.require(traject_app::Need::Erase).is_ok() {
            (super::rights::case_forms(user, lang, id, super::rights::erased(c)))
        }
    };
    let title = format!("{} {id}", t(lang, "Dossier", "Dossier", "Case"));
    Ok((lang, layout(lang, Some(user), &title, body)))
}

pub async fn case_file(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(&s, &headers, move |server, user, store| {
        let id = crate::api::case_id(&id)?;
        Ok((StatusCode::OK, case_page(server, user, store, id, None)?.1))
    })
    .await
}

/// The assessment form: each assessed fact answered (`fact.FIELD` = yes or no; left empty, not
/// recorded), the referral judged again.
fn assess(
    server: &Server,
    user: &SessionUser,
    store: &mut traject_store::Store,
    id: i64,
    pairs: &[(String, String)],
) -> Result<(), Failure> {
    let facts: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("fact.")?.to_string(), v.trim().to_string())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let judgement = traject_cases::Judgement::Assessment;
    let ctx = user.ctx(server.today());
    let programs: &dyn traject_app::Programs = &server.programmes(user);
    cases::rejudge(store, programs, id, judgement, &facts, None, &ctx)?;
    Ok(())
}

fn action_body(pairs: &[(String, String)]) -> Result<ActionBody, Failure> {
    let score = match field(pairs, "score") {
        Some(s) => Some(s.replace(',', ".").parse::<f64>().map_err(|_| {
            Failure::worded(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("score: '{s}' is not a number"),
                format!("score: '{s}' is geen getal"),
                format!("score : «\u{a0}{s}\u{a0}» n'est pas un nombre"),
            )
        })?),
        None => None,
    };
    let text = |k: &str| field(pairs, k).map(str::to_string);
    Ok(ActionBody {
        track: text("track"),
        evaluation: text("evaluation"),
        decision: text("decision"),
        goals: field(pairs, "goals")
            .map(|g| {
                g.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        score,
        extend_by: text("extend_by"),
        destination: text("destination"),
        exit: text("exit"),
        reason: text("reason"),
        until: field(pairs, "until").and_then(|d| d.parse().ok()),
        at: text("at"),
        kind: text("kind"),
        minutes: match field(pairs, "minutes")
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            Some(m) => Some(m.parse::<u32>().map_err(|_| {
                not_a(
                    "minutes",
                    "a whole number of minutes",
                    "een geheel aantal minuten",
                    "un nombre entier de minutes",
                )
            })?),
            None => None,
        },
        note: text("note"),
        on: match field(pairs, "on").map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => Some(d.parse().map_err(|_| {
                not_a(
                    "on",
                    "a day (YYYY-MM-DD)",
                    "een dag (JJJJ-MM-DD)",
                    "un jour (AAAA-MM-JJ)",
                )
            })?),
            None => None,
        },
    })
}

pub async fn case_action(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let done = as_user(&s, &headers, move |server, user, store| {
        checked_form(user, &pairs)?;
        user.ctx(server.today())
            .require(traject_app::Need::ChangeCases)?;
        let id = crate::api::case_id(&id)?;
        let ends = matches!(action.as_str(), "close" | "drop" | "not-start");
        if ends && field(&pairs, "confirm") != Some("yes") {
            let f = Failure::worded(
                StatusCode::UNPROCESSABLE_ENTITY,
                "tick the box that confirms what ending the case does, then send the form again",
                "vink het vakje aan dat bevestigt wat het beëindigen van het dossier doet, en verstuur het formulier opnieuw",
                "cochez la case qui confirme ce que fait la fin du dossier, puis renvoyez le formulaire",
            );
            let (_, page) = case_page(server, user, store, id, Some(&f))?;
            return Ok(Err((f.status, page)));
        }
        let acted = if action == "assess" {
            assess(server, user, store, id, &pairs)
        } else {
            action_body(&pairs)
                .and_then(|b| act_on(server, user, store, id, &action, b).map(|_| ()))
        };
        match acted {
            Ok(_) => Ok(Ok(id)),
            Err(f)
                if f.status == StatusCode::CONFLICT
                    || f.status == StatusCode::UNPROCESSABLE_ENTITY =>
            {
                let (_, page) = case_page(server, user, store, id, Some(&f))?;
                Ok(Err((f.status, page)))
            }
            Err(f) => Err(f),
        }
    })
    .await;
    match done {
        // The address is built from the case number as parsed, never from the request's text.
        Ok(Ok(id)) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Ok(Err((status, page))) => {
            (status, axum::response::Html(page.into_string())).into_response()
        }
        Err(f) if f.status == StatusCode::UNAUTHORIZED => Redirect::to("/login").into_response(),
        Err(f) => super::failure_response("/cases", &headers, f),
    }
}
