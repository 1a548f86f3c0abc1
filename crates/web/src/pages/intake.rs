//! Intake: a referral form made from the eligibility rules of the programme version in force
//! today — only the fields its rules read, each with the rules that read it — and the verdict
//! explained criterion by criterion. The small embedded script re-asks the server for the
//! verdict as fields are filled; without it, the "check" button does the same.

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use traject_app::{cases, referrals};
use traject_i18n::{field_label, field_value_label, ui, Key, LabelIn, Lang};
use traject_model::vocab::FieldType;
use traject_rules::eval::Outcome;
use traject_rules::explain::Explanation;
use traject_rules::CompiledProgram;

use super::{checked_form, field, lang_of, layout, page, problem, served_ids, t};
use crate::auth::as_user;
use crate::failure::Failure;
use crate::Shared;

#[derive(Deserialize, Default)]
pub struct ProgramQuery {
    pub program: Option<String>,
}

fn verdict_word(verdict: &str, lang: Lang) -> &'static str {
    match verdict {
        "eligible" => t(lang, "komt in aanmerking", "éligible", "eligible"),
        "ineligible" => t(
            lang,
            "komt niet in aanmerking",
            "non éligible",
            "ineligible",
        ),
        _ => t(
            lang,
            "beoordeling nodig",
            "évaluation nécessaire",
            "needs assessment",
        ),
    }
}

/// A referral's value as the reader says it: yes/no and coded values in words.
fn shown_value(value: Option<&str>, field: &str, lang: Lang) -> String {
    match value {
        None => "—".into(),
        Some(v) => traject_render::explain::value_in_words(v, field, lang),
    }
}

/// The verdict and one line per rule: ✓ passes, ✗ fails, ? unknown or awaiting a worker.
pub fn verdict(compiled: &CompiledProgram, e: &Explanation, lang: Lang) -> Markup {
    let p = &compiled.program;
    let fallback = p.spec.society_language;
    let funders: Vec<String> = e
        .funding
        .iter()
        .map(|id| {
            p.version(&e.version)
                .and_then(|v| v.funding.funders.iter().find(|f| &f.id == id))
                .map_or(id.clone(), |f| f.label.get(lang, fallback).to_string())
        })
        .collect();
    html! {
        div.verdict data-verdict=(e.verdict) {
            p.headline { strong { (verdict_word(e.verdict, lang)) } " — "
                (t(lang, "versie", "version", "version")) " " (e.version) }
            p { (t(lang, "Financiering", "Financement", "Funding")) ": "
                @if funders.is_empty() { "—" } @else { (funders.join(", ")) } }
            table.rules {
                @for r in &e.rules {
                    @let (class, mark) = match r.outcome { Outcome::Pass => ("pass", "✓"), Outcome::Fail => ("fail", "✗"), Outcome::Unknown => ("unknown", "?") };
                    tr class=(class) {
                        td.mark { (mark) }
                        td { (r.label.get(lang, fallback))
                            @if let Some(m) = traject_render::explain::mode_words(r.mode, lang) { " " small.mode { "(" (m) ")" } }
                            @if let Some(x) = &r.exception { br; small.exception { (ui(Key::Exception, lang)) ": " (x.label.get(lang, fallback)) " · " (t(lang, "bron", "source", "source")) " " (traject_render::explain::source_words(&x.source, lang)) } } }
                        td.value { (shown_value(r.value.as_deref(), r.field, lang)) }
                    }
                }
            }
        }
    }
}

fn input(f: &referrals::FormField, value: Option<&str>, lang: Lang) -> Markup {
    let v = value.unwrap_or_default();
    html! {
        @match f.kind {
            FieldType::Date => input type="date" name=(f.name) value=(v);,
            FieldType::Bool => select name=(f.name) {
                option value="" { "—" }
                option value="yes" selected[v == "yes"] { (t(lang, "ja", "oui", "yes")) }
                option value="no" selected[v == "no"] { (t(lang, "nee", "non", "no")) }
            },
            FieldType::Choice(values) => select name=(f.name) {
                option value="" { "—" }
                @for c in values { option value=(c) selected[v == *c] { (field_value_label(f.name, c, lang)) } }
            },
            _ => input type="text" name=(f.name) value=(v);,
        }
    }
}

/// The whole intake page: the form filled with `pairs`, and the verdict or refusal if any.
fn intake_page(
    server: &crate::Server,
    user: &traject_app::users::SessionUser,
    compiled: &CompiledProgram,
    pairs: &[(String, String)],
    result: Option<Result<Explanation, Failure>>,
    lang: Lang,
) -> Markup {
    let (version, fields) = referrals::form(compiled, server.today());
    let fallback = compiled.program.spec.society_language;
    let id = &compiled.program.spec.id;
    let csrf = &user.csrf;
    let body = html! {
        form.pick method="get" action="/intake" {
            (super::programme_select(server, lang, id))
            button type="submit" { (t(lang, "Kies", "Choisir", "Choose")) }
        }
        p.help { (t(lang, "Formulier volgens de regels van versie", "Formulaire selon les règles de la version", "Form from the rules of version")) " " (version)
            ". " (t(lang, "Lege velden tellen als onbekend, nooit als niet voldaan.", "Un champ vide compte comme inconnu, jamais comme non rempli.", "An empty field counts as unknown, never as failed.")) }
        div.intake {
            form #referral method="post" action="/intake" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="program" value=(id);
                @for f in &fields {
                    label {
                        span.name { (field_label(f.name, lang)) }
                        (input(f, field(pairs, f.name), lang))
                        @if !f.rules.is_empty() { small.help { (t(lang, "Gebruikt door: ", "Utilisé par : ", "Used by: ")) (f.rules.iter().map(|l| l.get(lang, fallback)).collect::<Vec<_>>().join("; ")) } }
                    }
                }
                div.actions {
                    button type="submit" name="intent" value="check" { (t(lang, "Controleer", "Vérifier", "Check")) }
                    button type="submit" name="intent" value="create" { (t(lang, "Maak dossier", "Créer le dossier", "Create case")) }
                }
            }
            div #verdict aria-live="polite" {
                @match &result {
                    Some(Ok(e)) => (verdict(compiled, e, lang)),
                    Some(Err(f)) => (problem(f, lang)),
                    None => p.help { (t(lang, "Het oordeel verschijnt hier.", "Le verdict apparaît ici.", "The verdict appears here.")) },
                }
            }
        }
    };
    layout(
        lang,
        Some(user),
        t(lang, "Aanmelding", "Orientation", "Intake"),
        body,
    )
}

fn judge(
    server: &crate::Server,
    user: &traject_app::users::SessionUser,
    compiled: &CompiledProgram,
    pairs: &[(String, String)],
) -> Result<Explanation, Failure> {
    let r =
        referrals::from_form(pairs).map_err(|d| Failure::from(traject_app::AppError::from(d)))?;
    Ok(referrals::check(compiled, &r, &user.ctx(server.today()))?)
}

fn programme(
    server: &crate::Server,
    user: &traject_app::users::SessionUser,
    id: Option<&str>,
) -> Result<std::sync::Arc<CompiledProgram>, Failure> {
    let id = match id {
        Some(id) => id.to_string(),
        None => served_ids(server).into_iter().next().unwrap_or_default(),
    };
    crate::api::served(server, user, &id)
}

pub async fn intake(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ProgramQuery>,
) -> Response {
    page(&s, &headers, move |server, user, _| {
        user.ctx(server.today())
            .require(traject_app::Need::Persons)?;
        let compiled = programme(server, user, q.program.as_deref())?;
        let lang = lang_of(user, Some(compiled.program.spec.society_language));
        Ok((
            StatusCode::OK,
            intake_page(server, user, &compiled, &[], None, lang),
        ))
    })
    .await
}

/// The form sent: check it (the page again, with the verdict), or create the case.
pub async fn intake_submit(
    State(s): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let created = as_user(&s, &headers, {
        let pairs = pairs.clone();
        move |server, user, store| {
            checked_form(user, &pairs)?;
            user.ctx(server.today())
                .require(traject_app::Need::Persons)?;
            if field(&pairs, "intent") != Some("create") {
                return Ok(None);
            }
            let compiled = programme(server, user, field(&pairs, "program"))?;
            let r = referrals::from_form(&pairs)
                .map_err(|d| Failure::from(traject_app::AppError::from(d)));
            let made = r.and_then(|r| {
                Ok(cases::new_case(
                    store,
                    &compiled,
                    &r,
                    &user.ctx(server.today()),
                )?)
            });
            Ok(Some(made))
        }
    })
    .await;
    let refusal = match created {
        Ok(Some(Ok(c))) => return Redirect::to(&format!("/cases/{}", c.id)).into_response(),
        Ok(Some(Err(f))) => Some(f),
        Ok(None) => None,
        Err(f) if f.status == StatusCode::UNAUTHORIZED => {
            return Redirect::to("/login").into_response()
        }
        Err(f) => return super::failure_response("/intake", &headers, f),
    };
    page(&s, &headers, move |server, user, _| {
        let compiled = programme(server, user, field(&pairs, "program"))?;
        let lang = lang_of(user, Some(compiled.program.spec.society_language));
        let status = refusal.as_ref().map_or(StatusCode::OK, |f| f.status);
        let result = Some(match refusal {
            Some(f) => Err(f),
            None => judge(server, user, &compiled, &pairs),
        });
        Ok((
            status,
            intake_page(server, user, &compiled, &pairs, result, lang),
        ))
    })
    .await
}

/// Only the verdict, for the script that updates it as fields are filled.
pub async fn intake_verdict(
    State(s): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fragment = as_user(&s, &headers, move |server, user, _| {
        checked_form(user, &pairs)?;
        user.ctx(server.today())
            .require(traject_app::Need::Persons)?;
        let compiled = programme(server, user, field(&pairs, "program"))?;
        let lang = lang_of(user, Some(compiled.program.spec.society_language));
        Ok(match judge(server, user, &compiled, &pairs) {
            Ok(e) => verdict(&compiled, &e, lang),
            Err(f) => problem(&f, lang),
        })
    })
    .await;
    match fragment {
        Ok(m) => Html(m.into_string()).into_response(),
        Err(f) => f.into_response(),
    }
}
