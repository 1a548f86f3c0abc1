//! Group sessions on pages: the list of a period's sessions with a form to plan one or a
//! period's worth (from the module's weekly rhythm), and a session's attendance sheet — one
//! form for the whole group, each participant present, excused or absent. Module names, days
//! and marks are shown in the reader's language; the sheet lists only the participants the
//! reader may see (their team's, or every team's for a coordinator).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Days, NaiveDate};
use maud::{html, Markup};
use serde::Deserialize;
use traject_app::sessions::{self, minute_of_day, PlanInput, SessionInput};
use traject_app::users::SessionUser;
use traject_app::Need;
use traject_cases::event::Presence;
use traject_cases::records::SessionRow;
use traject_i18n::Lang;

use super::figures::label_of;
use super::{answered, checked_form, field, form_pairs, layout, not_a, page, t};
use crate::auth::as_user;
use crate::failure::Failure;
use crate::{Server, Shared};

fn title(lang: Lang) -> &'static str {
    t(lang, "Groepssessies", "Séances de groupe", "Group sessions")
}

/// A day from a form or a query; an empty field is none.
fn day_field(text: Option<&str>, name: &str) -> Result<Option<NaiveDate>, Failure> {
    text.map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            d.parse().map_err(|_| {
                not_a(
                    name,
                    "a day (YYYY-MM-DD)",
                    "een dag (JJJJ-MM-DD)",
                    "un jour (AAAA-MM-JJ)",
                )
            })
        })
        .transpose()
}

/// The module's name in the reader's language, by the programme the session belongs to.
fn module_name(server: &Server, user: &SessionUser, s: &SessionRow, lang: Lang) -> String {
    match server.programmes(user).get(&s.program) {
        Some(c) => label_of(&c.program, &s.module, lang),
        None => s.module.clone(),
    }
}

fn when(s: &SessionRow, lang: Lang) -> String {
    traject_render::words::session_when(s.on, s.at_minute, lang)
}

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /sessions`: the sessions from four weeks back to four weeks ahead (or the period
/// asked), and the form to plan more.
pub async fn sessions(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Response {
    page(&s, &headers, move |server, user, store| {
        let lang = user.lang.unwrap_or(Lang::Nl);
        let ctx = user.ctx(server.today());
        ctx.require(Need::Persons)?;
        let today = server.today();
        let bad = |mut f: Failure| {
            f.status = StatusCode::BAD_REQUEST;
            f
        };
        let from = day_field(q.from.as_deref(), "from").map_err(bad)?.unwrap_or(today - Days::new(28));
        let to = day_field(q.to.as_deref(), "to").map_err(bad)?.unwrap_or(today + Days::new(28));
        let rows = sessions::list(store, None, from, to, &ctx)?;
        let body = html! {
            p.help { (t(lang,
                "De groepssessies van de modules, met hoeveel deelnemers al aangeduid zijn. Open een sessie om de aanwezigheid van de hele groep in één keer te noteren.",
                "Les séances de groupe des modules, avec le nombre de participants déjà indiqués. Ouvrez une séance pour noter la présence de tout le groupe en une fois.",
                "The modules' group sessions, with how many participants are marked. Open a session to record the whole group's attendance at once.")) }
            form.filter method="get" action="/sessions" {
                label for="from" { (t(lang, "Van", "Du", "From")) } " " input #from type="date" name="from" value=(from); " "
                label for="to" { (t(lang, "tot", "au", "to")) } " " input #to type="date" name="to" value=(to); " "
                button type="submit" { (t(lang, "Tonen", "Afficher", "Show")) }
            }
            @if rows.is_empty() {
                p { (t(lang, "Geen groepssessies in deze periode.", "Aucune séance de groupe sur cette période.", "No group sessions in this period.")) }
            } @else {
                table.sessions {
                    caption { (t(lang, "Groepssessies van ", "Séances de groupe du ", "Group sessions from ")) (traject_i18n::date(from, lang)) (t(lang, " tot ", " au ", " to ")) (traject_i18n::date(to, lang)) }
                    thead { tr {
                        th scope="col" { (t(lang, "Wanneer", "Quand", "When")) }
                        th scope="col" { (t(lang, "Module", "Module", "Module")) }
                        th scope="col" { (t(lang, "Groep", "Groupe", "Group")) }
                        th scope="col" { (t(lang, "Duur", "Durée", "Length")) }
                        th scope="col" { (t(lang, "Aangeduid", "Indiqués", "Marked")) }
                    } }
                    tbody { @for r in &rows { tr {
                        td { a href=(format!("/sessions/{}", r.id)) { (when(r, lang)) } }
                        td { (module_name(server, user, r, lang)) }
                        td { (r.group) }
                        td { @if let Some(m) = r.minutes { (m) " " (t(lang, "min.", "min", "min")) } @else { "—" } }
                        td { (r.marked) }
                    } } }
                }
            }
            @if ctx.require(Need::ChangeCases).is_ok() { (plan_form(server, user, lang, today)) }
        };
        Ok((StatusCode::OK, layout(lang, Some(user), title(lang), body)))
    })
    .await
}

/// The form that plans one session, or a period's sessions from the module's weekly rhythm.
fn plan_form(server: &Server, user: &SessionUser, lang: Lang, today: NaiveDate) -> Markup {
    let served = server.programmes(user);
    let programmes: Vec<_> = super::served_ids(server)
        .into_iter()
        .filter_map(|id| served.get(&id))
        .collect();
    html! {
        h2 { (t(lang, "Sessies plannen", "Planifier des séances", "Plan sessions")) }
        form.plan method="post" action="/sessions" {
            input type="hidden" name="csrf" value=(user.csrf);
            label for="module" { (t(lang, "Module", "Module", "Module")) }
            " "
            select #module name="module" required {
                @for c in &programmes {
                    @let spec = &c.program.spec;
                    optgroup label=(traject_i18n::LabelIn::get(&spec.name, lang, spec.society_language)) {
                        @for m in spec.versions.last().map(|v| &v.modules[..]).unwrap_or_default() {
                            option value=(format!("{}/{}", spec.id, m.id)) { (traject_i18n::LabelIn::get(&m.label, lang, spec.society_language)) }
                        }
                    }
                }
            }
            br;
            label for="group" { (t(lang, "Groep", "Groupe", "Group")) }
            " " input #group type="text" name="group" required maxlength=(sessions::MAX_GROUP_CHARS) aria-describedby="group-help";
            p.help #group-help { (t(lang, "De naam van de groep zoals bij de inschrijving in de module (bv. Arabisch 1).", "Le nom du groupe comme à l'inscription au module (p. ex. Arabe 1).", "The group's name as at enrolment in the module (e.g. Arabic 1).")) }
            label for="on" { (t(lang, "Dag (of eerste dag)", "Jour (ou premier jour)", "Day (or first day)")) }
            " " input #on type="date" name="on" required value=(today);
            " " label for="until" { (t(lang, "Laatste dag", "Dernier jour", "Last day")) }
            " " input #until type="date" name="until" aria-describedby="until-help";
            p.help #until-help { (t(lang,
                "Laat leeg voor één sessie. Met een laatste dag worden de sessies van die periode gepland volgens het weekritme van de module.",
                "Laissez vide pour une séance. Avec un dernier jour, les séances de la période sont planifiées selon le rythme hebdomadaire du module.",
                "Leave empty for one session. With a last day, the period's sessions are planned from the module's weekly rhythm.")) }
            label for="at" { (t(lang, "Uur", "Heure", "Time")) }
            " " input #at type="time" name="at";
            " " label for="minutes" { (t(lang, "Duur in minuten", "Durée en minutes", "Length in minutes")) }
            " " input #minutes type="number" name="minutes" min="1" max=(sessions::MAX_SESSION_MINUTES);
            br;
            button type="submit" { (t(lang, "Plannen", "Planifier", "Plan")) }
        }
    }
}

type PlanFields<'a> = (
    &'a str,
    &'a str,
    NaiveDate,
    Option<NaiveDate>,
    Option<u32>,
    Option<u32>,
    String,
);

/// The planning form's fields: programme and module, first and last day, time, length and
/// group — each one that cannot be what it should named.
fn plan_fields(pairs: &[(String, String)]) -> Result<PlanFields<'_>, Failure> {
    let (program, module) = field(pairs, "module")
        .and_then(|m| m.split_once('/'))
        .ok_or_else(|| {
            not_a(
                "module",
                "a module from the list",
                "een module uit de lijst",
                "un module de la liste",
            )
        })?;
    let on = day_field(field(pairs, "on"), "on")?.ok_or_else(|| {
        not_a(
            "on",
            "a day (YYYY-MM-DD)",
            "een dag (JJJJ-MM-DD)",
            "un jour (AAAA-MM-JJ)",
        )
    })?;
    let until = day_field(field(pairs, "until"), "until")?;
    let at_minute = field(pairs, "at")
        .map(|a| {
            minute_of_day(a).ok_or_else(|| {
                not_a(
                    "at",
                    "a time (HH:MM)",
                    "een uur (UU:MM)",
                    "une heure (HH:MM)",
                )
            })
        })
        .transpose()?;
    let minutes = field(pairs, "minutes")
        .map(|m| {
            m.parse::<u32>().map_err(|_| {
                not_a(
                    "minutes",
                    "a whole number of minutes",
                    "een geheel aantal minuten",
                    "un nombre entier de minutes",
                )
            })
        })
        .transpose()?;
    let group = field(pairs, "group").unwrap_or_default().to_string();
    Ok((program, module, on, until, at_minute, minutes, group))
}

/// `POST /sessions`: plan one session (no last day) or a period's.
pub async fn plan(State(s): State<Shared>, headers: HeaderMap, bytes: Bytes) -> Response {
    let done = as_user(&s, &headers, move |server, user, store| {
        let ctx = user.ctx(server.today());
        ctx.require(Need::ChangeCases)?;
        let pairs = form_pairs(&bytes)?;
        checked_form(user, &pairs)?;
        let (program, module, on, until, at_minute, minutes, group) = plan_fields(&pairs)?;
        let programs = server.programmes(user);
        let to = match until {
            None => {
                let input = SessionInput {
                    program: program.into(),
                    module: module.into(),
                    group,
                    on,
                    at_minute,
                    minutes,
                };
                let id = sessions::add(store, &programs, &input, &ctx)?;
                return Ok(Redirect::to(&format!("/sessions/{id}")).into_response());
            }
            Some(to) => to,
        };
        let input = PlanInput {
            program: program.into(),
            module: module.into(),
            group,
            from: on,
            to,
            at_minute,
            minutes,
        };
        sessions::plan(store, &programs, &input, &ctx)?;
        Ok(Redirect::to(&format!("/sessions?from={on}&to={to}")).into_response())
    })
    .await;
    answered(done, "/sessions", &headers)
}

/// The session number in a path; anything else is no session.
fn session_id(text: &str) -> Result<i64, Failure> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(Failure::not_found)
}

/// `GET /sessions/{id}`: the attendance sheet of one session.
pub async fn sheet(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(&s, &headers, move |server, user, store| {
        let lang = user.lang.unwrap_or(Lang::Nl);
        let ctx = user.ctx(server.today());
        ctx.require(Need::Persons)?;
        let id = session_id(&id)?;
        let sheet = sessions::sheet(store, id, &ctx)?;
        let s = &sheet.session;
        let may_mark = ctx.require(Need::ChangeCases).is_ok() && s.on <= ctx.on;
        let word = |p: Presence| traject_i18n::value_label(p.as_str(), lang);
        let heading = format!("{} — {} · {}", when(s, lang), module_name(server, user, s, lang), s.group);
        let body = html! {
            p { (heading) @if let Some(m) = s.minutes { " · " (m) " " (t(lang, "minuten", "minutes", "minutes")) } }
            @if sheet.participants.is_empty() {
                p { (t(lang,
                    "Er zitten (in uw team) geen deelnemers in deze groep op die dag. Schrijf dossiers in de module en de groep in vanuit het dossier.",
                    "Aucun participant (de votre équipe) dans ce groupe ce jour-là. Inscrivez des dossiers au module et au groupe depuis le dossier.",
                    "No participants (of your team) in this group on that day. Enrol cases in the module and group from the case file.")) }
            } @else if may_mark {
                form.attendance method="post" action=(format!("/sessions/{}/attendance", s.id)) {
                    input type="hidden" name="csrf" value=(user.csrf);
                    @for p in &sheet.participants {
                        fieldset.mark {
                            legend { a href=(format!("/cases/{}", p.case)) { (t(lang, "Dossier ", "Dossier ", "Case ")) (p.case) } }
                            @for presence in Presence::ALL {
                                @let input_id = format!("case-{}-{}", p.case, presence.as_str());
                                input id=(input_id) type="radio" name=(format!("case.{}", p.case)) value=(presence.as_str()) checked[p.presence == Some(presence)];
                                label for=(input_id) { (word(presence)) }
                                " "
                            }
                        }
                    }
                    p.help { (t(lang,
                        "Een deelnemer zonder aanduiding blijft ongemoeid. Opnieuw bewaren verbetert een aanduiding.",
                        "Un participant sans indication reste inchangé. Enregistrer à nouveau corrige une indication.",
                        "A participant left unmarked stays as they are. Saving again corrects a mark.")) }
                    button type="submit" { (t(lang, "Aanwezigheid bewaren", "Enregistrer les présences", "Save attendance")) }
                }
            } @else {
                @if s.on > ctx.on { p.help { (t(lang, "Deze sessie komt nog: de aanwezigheid wordt na de sessie genoteerd.", "Cette séance est à venir : les présences se notent après la séance.", "This session is still to come: attendance is recorded after it.")) } }
                ul.marks { @for p in &sheet.participants { li {
                    a href=(format!("/cases/{}", p.case)) { (t(lang, "Dossier ", "Dossier ", "Case ")) (p.case) } ": "
                    (p.presence.map(word).unwrap_or_else(|| t(lang, "nog niet aangeduid", "pas encore indiqué", "not marked yet").to_string()))
                } } }
            }
            p { a href="/sessions" { (t(lang, "Terug naar de groepssessies", "Retour aux séances de groupe", "Back to the group sessions")) } }
        };
        Ok((StatusCode::OK, layout(lang, Some(user), t(lang, "Aanwezigheid", "Présences", "Attendance"), body)))
    })
    .await
}

/// `POST /sessions/{id}/attendance`: the marks of the whole group, in one transaction.
pub async fn attendance(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    let done = as_user(&s, &headers, move |server, user, store| {
        let ctx = user.ctx(server.today());
        ctx.require(Need::ChangeCases)?;
        let id = session_id(&id)?;
        let pairs = form_pairs(&bytes)?;
        checked_form(user, &pairs)?;
        let mut marks = Vec::new();
        for (name, value) in &pairs {
            let Some(case) = name.strip_prefix("case.") else {
                continue;
            };
            let bad = || {
                not_a(
                    name,
                    "present, excused or absent",
                    "present, excused of absent",
                    "present, excused ou absent",
                )
            };
            let case: i64 = case.parse().map_err(|_| bad())?;
            marks.push((case, Presence::parse(value).ok_or_else(bad)?));
        }
        sessions::record(store, id, &marks, &ctx)?;
        Ok(Redirect::to(&format!("/sessions/{id}")).into_response())
    })
    .await;
    answered(done, "/sessions", &headers)
}
