//! The client's rights in the browser: finding a person's cases by dossier number (sent in a
//! form, so the number never appears in an address), answering an access request (the export
//! as a page or a JSON download) and an erasure request (with a reason and a confirmation) for
//! one case or for every case of a dossier, and the programme's record of processing. Only a
//! coordinator answers requests; the search is for everyone who sees cases. Permission is
//! checked before the form is read.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{html, Markup, PreEscaped};
use traject_app::cases::{self, CaseFilter, Export};
use traject_app::users::SessionUser;
use traject_app::Need;
use traject_i18n::Lang;
use traject_store::{CaseRow, Store};

use super::{checked_form, field, form_pairs, lang_of, layout, page, t};
use crate::auth::as_allowed;
use crate::failure::Failure;
use crate::{Server, Shared};

/// A required form field, or a 422 that names it.
fn required<'a>(pairs: &'a [(String, String)], name: &'static str) -> Result<&'a str, Failure> {
    field(pairs, name).ok_or_else(|| {
        Failure::worded(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("fill in the field `{name}`"),
            format!("vul het veld `{name}` in"),
            format!("remplissez le champ `{name}`"),
        )
    })
}

/// An erasure must say why and be confirmed.
fn confirmed_reason(pairs: &[(String, String)]) -> Result<&str, Failure> {
    let reason = required(pairs, "reason")?;
    if field(pairs, "confirm") != Some("yes") {
        return Err(Failure::worded(
            StatusCode::UNPROCESSABLE_ENTITY,
            "tick the box to confirm the erasure; it cannot be undone",
            "vink het vakje aan om het wissen te bevestigen; het kan niet ongedaan gemaakt worden",
            "cochez la case pour confirmer l'effacement ; il est irréversible",
        ));
    }
    Ok(reason)
}

/// The dossier number of a listed case, from its stored referral.
pub fn dossier_of(row: &CaseRow) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(&row.referral).ok()?;
    v.get("id")?.as_str().map(str::to_string)
}

/// Whether the case's personal data were erased (its referral replaced by the erasure's note).
pub fn erased(row: &CaseRow) -> bool {
    serde_json::from_str::<serde_json::Value>(&row.referral)
        .ok()
        .is_some_and(|v| v.get("erased_on").is_some())
}

/// The search form on the case list.
pub fn search_form(user: &SessionUser, lang: Lang, given: Option<&str>) -> Markup {
    html! {
        form.search method="post" action="/cases/search" {
            input type="hidden" name="csrf" value=(user.csrf);
            label for="dossier" { (t(lang, "Dossiernummer", "Numéro de dossier", "Dossier number")) }
            input #dossier type="search" name="dossier" maxlength="64" required value=(given.unwrap_or_default());
            button type="submit" { (t(lang, "Zoek de dossiers van deze persoon", "Chercher les dossiers de cette personne", "Find this person's cases")) }
        }
    }
}

/// The forms that answer a request for every case of `dossier` (coordinators only).
fn person_forms(user: &SessionUser, lang: Lang, dossier: &str) -> Markup {
    html! {
        section.rights aria-labelledby="person-rights" {
            h2 #person-rights { (t(lang, "Rechten van deze persoon", "Droits de cette personne", "This person's rights")) }
            (export_form("/persons/export", user, lang, Some(dossier)))
            (erase_form("/persons/erase", user, lang, Some(dossier), t(lang,
                "Wis de persoonsgegevens van al deze dossiers",
                "Effacer les données personnelles de tous ces dossiers",
                "Erase the personal data of all these cases")))
        }
    }
}

/// "Access export" as a page or a download.
fn export_form(action: &str, user: &SessionUser, lang: Lang, dossier: Option<&str>) -> Markup {
    html! {
        form.export method="post" action=(action) {
            input type="hidden" name="csrf" value=(user.csrf);
            @if let Some(d) = dossier { input type="hidden" name="dossier" value=(d); }
            fieldset {
                legend { (t(lang, "Inzageverzoek beantwoorden", "Répondre à une demande d'accès", "Answer an access request")) }
                label { input type="radio" name="format" value="html" checked; " " (t(lang, "als pagina", "en page", "as a page")) }
                label { input type="radio" name="format" value="json"; " " (t(lang, "als JSON-bestand", "en fichier JSON", "as a JSON file")) }
                button type="submit" { (t(lang, "Exporteer alles wat we bewaren", "Exporter tout ce que nous conservons", "Export everything we keep")) }
            }
        }
    }
}

/// Erasure with a reason and a confirmation, saying what will happen.
fn erase_form(
    action: &str,
    user: &SessionUser,
    lang: Lang,
    dossier: Option<&str>,
    button: &str,
) -> Markup {
    html! {
        form.erase method="post" action=(action) {
            input type="hidden" name="csrf" value=(user.csrf);
            @if let Some(d) = dossier { input type="hidden" name="dossier" value=(d); }
            fieldset {
                legend { (t(lang, "Wisverzoek beantwoorden", "Répondre à une demande d'effacement", "Answer an erasure request")) }
                p.help { (t(lang,
                    "De referentie, de geboortedatum en alle vrije tekst verdwijnen voorgoed; data, toestanden en beslissingen blijven voor de cijfers. Een nieuwe aanmelding met hetzelfde dossiernummer vraagt daarna een reden.",
                    "La référence, la date de naissance et tout texte libre disparaissent définitivement ; dates, états et décisions restent pour les chiffres. Une nouvelle orientation avec le même numéro de dossier demandera ensuite une raison.",
                    "The reference, the birth date and all free text are gone for good; dates, states and decisions stay for the figures. A new referral with the same dossier number will then need a reason.")) }
                label for=(format!("reason-{action}")) { (t(lang, "Reden (het verzoek, zonder persoonsgegevens)", "Raison (la demande, sans données personnelles)", "Reason (the request, no personal data)")) }
                input id=(format!("reason-{action}")) type="text" name="reason" maxlength="200" required;
                label { input type="checkbox" name="confirm" value="yes" required; " " (t(lang, "Ik bevestig: dit kan niet ongedaan gemaakt worden", "Je confirme : c'est irréversible", "I confirm: this cannot be undone")) }
                button type="submit" { (button) }
            }
        }
    }
}

/// The rights section of a case file (coordinators only).
pub fn case_forms(user: &SessionUser, lang: Lang, id: i64, erased: bool) -> Markup {
    html! {
        section.rights aria-labelledby="case-rights" {
            h2 #case-rights { (t(lang, "Rechten van de cliënt", "Droits du client", "The client's rights")) }
            (export_form(&format!("/cases/{id}/export"), user, lang, None))
            @if !erased {
                (erase_form(&format!("/cases/{id}/erase"), user, lang, None, t(lang,
                    "Wis de persoonsgegevens van dit dossier",
                    "Effacer les données personnelles de ce dossier",
                    "Erase this case's personal data")))
            }
        }
    }
}

/// Run a rights form's work for a user allowed `need`, with the CSRF token checked; a
/// failure becomes a page.
async fn rights_form<F>(
    s: &Shared,
    headers: &HeaderMap,
    need: Need,
    bytes: Bytes,
    work: F,
) -> Response
where
    F: FnOnce(&Server, &SessionUser, &mut Store, &[(String, String)]) -> Result<Response, Failure>
        + Send
        + 'static,
{
    let done = as_allowed(s, headers, need, move |server, user, store| {
        let pairs = form_pairs(&bytes)?;
        checked_form(user, &pairs)?;
        work(server, user, store, &pairs)
    })
    .await;
    match done {
        Ok(r) => r,
        Err(f) if f.status == StatusCode::UNAUTHORIZED => Redirect::to("/login").into_response(),
        Err(f) => super::failure_response("/cases", headers, f),
    }
}

/// `POST /cases/search`: the cases of one dossier number, and for a coordinator the forms
/// that answer this person's requests.
pub async fn search(State(s): State<Shared>, headers: HeaderMap, bytes: Bytes) -> Response {
    rights_form(&s, &headers.clone(), Need::Persons, bytes, move |server, user, store, pairs| {
        let lang = lang_of(user, None);
        let dossier = required(pairs, "dossier")?.to_string();
        let filter = CaseFilter { program: None, state: None, limit: 500, dossier: Some(dossier.clone()) };
        let rows = cases::list(store, &filter, &user.ctx(server.today()))?;
        let coordinator = user.ctx(server.today()).require(Need::Erase).is_ok();
        let body = html! {
            (search_form(user, lang, Some(&dossier)))
            (super::case::case_table(&rows, lang))
            @if rows.is_empty() {
                p { (t(lang, "Geen dossiers met dit nummer in uw bereik.", "Aucun dossier avec ce numéro dans votre périmètre.", "No cases with this number within your reach.")) }
            } @else if coordinator {
                (person_forms(user, lang, &dossier))
            }
        };
        let title = t(lang, "Dossiers van één persoon", "Dossiers d'une personne", "One person's cases");
        Ok(Html(layout(lang, Some(user), title, body).into_string()).into_response())
    })
    .await
}

/// The export(s) as asked: a page inside the application's frame, or a JSON download whose
/// file name holds nothing from the request.
fn export_answer(
    user: &SessionUser,
    exports: &[Export],
    dossier: Option<&str>,
    pairs: &[(String, String)],
) -> Response {
    use traject_render::access;
    let lang = lang_of(user, None);
    let views: Vec<_> = exports.iter().map(|x| access::view(x, lang)).collect();
    if field(pairs, "format") == Some("json") {
        let body = match dossier {
            Some(d) => serde_json::json!({"dossier": d, "cases": views}),
            None => serde_json::to_value(&views[0]).unwrap_or_default(),
        };
        return (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/json"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"access-export.json\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            serde_json::to_string_pretty(&body).unwrap_or_default(),
        )
            .into_response();
    }
    let articles: String = views.iter().map(access::html).collect();
    let title = t(
        lang,
        "Inzage: alles wat we bewaren",
        "Accès : tout ce que nous conservons",
        "Access: everything we keep",
    );
    let body = html! {
        p.help { (t(lang,
            "Druk deze pagina af of bewaar ze als PDF om ze aan de cliënt te geven. Deze export staat in het auditspoor.",
            "Imprimez cette page ou enregistrez-la en PDF pour la remettre au client. Cet export figure dans la piste d'audit.",
            "Print this page or save it as PDF to hand to the client. This export is in the audit trail.")) }
        (PreEscaped(articles))
    };
    (
        [(header::CACHE_CONTROL, "no-store")],
        Html(layout(lang, Some(user), title, body).into_string()),
    )
        .into_response()
}

/// `POST /cases/{id}/export`: one case's access export.
pub async fn case_export(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    rights_form(
        &s,
        &headers.clone(),
        Need::Erase,
        bytes,
        move |server, user, store, pairs| {
            let id = crate::api::case_id(&id)?;
            let x = cases::export(
                store,
                &server.programmes(user),
                id,
                &user.ctx(server.today()),
            )?;
            Ok(export_answer(user, &[x], None, pairs))
        },
    )
    .await
}

/// `POST /cases/{id}/erase`: erase one case's personal data, then back to the case file.
pub async fn case_erase(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    rights_form(
        &s,
        &headers.clone(),
        Need::Erase,
        bytes,
        move |server, user, store, pairs| {
            let id = crate::api::case_id(&id)?;
            let reason = confirmed_reason(pairs)?;
            cases::erase(store, id, reason, &user.ctx(server.today()))?;
            // The address is built from the case number as parsed.
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        },
    )
    .await
}

/// `POST /persons/export`: every case of a dossier number, as one answer.
pub async fn person_export(State(s): State<Shared>, headers: HeaderMap, bytes: Bytes) -> Response {
    rights_form(
        &s,
        &headers.clone(),
        Need::Erase,
        bytes,
        move |server, user, store, pairs| {
            let dossier = required(pairs, "dossier")?;
            let person = cases::person_export(
                store,
                &server.programmes(user),
                dossier,
                &user.ctx(server.today()),
            )?;
            Ok(export_answer(
                user,
                &person.cases,
                Some(&person.dossier),
                pairs,
            ))
        },
    )
    .await
}

/// `POST /persons/erase`: erase every case of a dossier number in one transaction.
pub async fn person_erase(State(s): State<Shared>, headers: HeaderMap, bytes: Bytes) -> Response {
    rights_form(&s, &headers.clone(), Need::Erase, bytes, move |server, user, store, pairs| {
        let dossier = required(pairs, "dossier")?;
        let reason = confirmed_reason(pairs)?;
        let erased = cases::person_erase(store, dossier, reason, &user.ctx(server.today()))?;
        let lang = lang_of(user, None);
        let body = html! {
            p role="status" { (t(lang, "De persoonsgegevens zijn gewist van deze dossiers:", "Les données personnelles de ces dossiers sont effacées :", "The personal data of these cases is erased:")) }
            ul { @for id in &erased { li { a href=(format!("/cases/{id}")) { (t(lang, "Dossier", "Dossier", "Case")) " " (id) } } } }
            @if erased.is_empty() { p { (t(lang, "Ze waren al gewist.", "Elles étaient déjà effacées.", "They were erased already.")) } }
            p { a href="/cases" { (t(lang, "Terug naar de dossiers", "Retour aux dossiers", "Back to the cases")) } }
        };
        let title = t(lang, "Gewist", "Effacé", "Erased");
        Ok(Html(layout(lang, Some(user), title, body).into_string()).into_response())
    })
    .await
}

/// `GET /programmes/{id}/record`: the programme's record of processing (coordinators only).
pub async fn record(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(&s, &headers, move |server, user, _| {
        user.ctx(server.today()).require(Need::EditProgrammes)?;
        let compiled = crate::api::served(server, user, &id)?;
        let lang = lang_of(user, Some(compiled.program.spec.society_language));
        let r = traject_render::processing::record(&compiled, lang);
        let mark = traject_render::processing::to_confirm_words(lang);
        let body = html! {
            @for s in &r.sections {
                section aria-labelledby=(s.key) {
                    h2 id=(s.key) { (s.heading) }
                    ul { @for i in &s.items { li {
                        (super::with_code(&i.text))
                        @if let Some(src) = &i.source { " " small.source { "· " (t(lang, "bron", "source", "source")) " " (src) } }
                        @if i.to_confirm { " " strong.to-confirm { "· " (mark) } }
                    } } }
                }
            }
        };
        Ok((StatusCode::OK, layout(lang, Some(user), &r.title, body)))
    })
    .await
}
