//! The HTML pages, rendered on the server (maud) in the reader's language: the user's choice,
//! else the programme's society language. Every page calls the same use cases as the API;
//! forms that change something carry the session's CSRF token, and a refusal is shown on the
//! page it came from, with the reason the engine gave. Without a session, pages send the
//! browser to the login form.

mod case;
mod figures;
mod intake;

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;
use traject_app::users::{self, SessionUser};
use traject_app::Role;
use traject_i18n::catalogue::{role_word, row_problem};
use traject_i18n::diagnostics::headline;
use traject_i18n::Lang;
use traject_store::Store;

use super::auth::{self, as_user, blocking};
use super::failure::Failure;
use super::{Server, Shared};

pub use case::{case_action, case_file, case_list};
pub use figures::{board, programme, programmes, report_file, reports, whatif};
pub use intake::{intake, intake_submit, intake_verdict};

/// The same sentence in Dutch, French and English; the reader's language picks one.
pub fn t(lang: Lang, nl: &'static str, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nl => nl,
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// The reader's language: their own choice, else the programme's society language.
pub fn lang_of(user: &SessionUser, programme: Option<Lang>) -> Lang {
    user.lang.or(programme).unwrap_or(Lang::Nl)
}

/// The frame of every page: navigation for the user's role, the title, the content.
pub fn layout(lang: Lang, user: Option<&SessionUser>, title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — traject" }
                link rel="stylesheet" href="/assets/style.css";
                script src="/assets/app.js" defer {}
            }
            body {
                @if let Some(u) = user {
                    header {
                        nav {
                            a href="/board" { (t(lang, "Werklijst", "Tableau de bord", "Board")) }
                            @if u.role != Role::Auditor {
                                a href="/intake" { (t(lang, "Aanmelding", "Orientation", "Intake")) }
                                a href="/cases" { (t(lang, "Dossiers", "Dossiers", "Cases")) }
                            }
                            a href="/whatif" { (t(lang, "Wat als", "Et si", "What-if")) }
                            a href="/programmes" { (t(lang, "Programma's", "Programmes", "Programmes")) }
                            a href="/reports" { (t(lang, "Rapporten", "Rapports", "Reports")) }
                        }
                        form.logout method="post" action="/logout" {
                            span.user { (u.name) " · " (role_word(u.role, lang))
                                @if let Some(team) = &u.team { " · " (team) } }
                            input type="hidden" name="csrf" value=(u.csrf);
                            button type="submit" { (t(lang, "Afmelden", "Se déconnecter", "Log out")) }
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (content)
                }
            }
        }
    }
}

/// The reason something was refused, as a notice on the page; located problems in the
/// reader's language.
pub fn problem(f: &Failure, lang: Lang) -> Markup {
    html! {
        div.problem role="alert" {
            p { (f.text(lang)) }
            @if !f.problems.is_empty() {
                ul { @for d in &f.problems {
                    li { (headline(d, &row_problem(&d.problem, lang).message, lang)) }
                } }
            }
        }
    }
}

/// Run a page's work for the logged-in user; without a session, go to the login form.
pub async fn page<F>(s: &Shared, headers: &HeaderMap, work: F) -> Response
where
    F: FnOnce(&Server, &SessionUser, &mut Store) -> Result<(StatusCode, Markup), Failure>
        + Send
        + 'static,
{
    match as_user(s, headers, work).await {
        Ok((status, markup)) => (status, Html(markup.into_string())).into_response(),
        Err(f) if f.status == StatusCode::UNAUTHORIZED => Redirect::to("/login").into_response(),
        Err(f) => {
            let lang = f.lang.unwrap_or(Lang::Nl);
            let body = layout(
                lang,
                None,
                "traject",
                html! {
                    (problem(&f, lang))
                    p { a href="/board" { "← traject" } }
                },
            );
            (f.status, Html(body.into_string())).into_response()
        }
    }
}

/// The ids of the programmes that load (a broken file without a last good version is left out).
pub fn served_ids(server: &Server) -> Vec<String> {
    server
        .catalogue
        .list()
        .into_iter()
        .filter(|l| l.compiled.is_some())
        .map(|l| l.id)
        .collect()
}

/// A case-changing form's fields, with its CSRF token checked against the session.
pub fn checked_form(user: &SessionUser, pairs: &[(String, String)]) -> Result<(), Failure> {
    let token = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str());
    auth::check_csrf(user, token)
}

pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    lang: Option<Lang>,
}

fn login_page(lang: Lang, notice: Option<&Failure>) -> Markup {
    layout(
        lang,
        None,
        t(lang, "Aanmelden", "Connexion", "Log in"),
        html! {
            p.langs { a href="/login?lang=nl" { "NL" } " · " a href="/login?lang=fr" { "FR" } " · " a href="/login?lang=en" { "EN" } }
            @if let Some(f) = notice { (problem(f, lang)) }
            form.login method="post" action=(format!("/login?lang={}", lang.code())) {
                label { (t(lang, "Gebruikersnaam", "Nom d'utilisateur", "User name"))
                    input name="username" autocomplete="username" required autofocus; }
                label { (t(lang, "Wachtwoord", "Mot de passe", "Password"))
                    input name="password" type="password" autocomplete="current-password" required; }
                button type="submit" { (t(lang, "Aanmelden", "Se connecter", "Log in")) }
            }
        },
    )
}

pub async fn login_form(Query(q): Query<LangQuery>) -> Response {
    Html(login_page(q.lang.unwrap_or(Lang::Nl), None).into_string()).into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn login(
    State(s): State<Shared>,
    Query(q): Query<LangQuery>,
    Form(f): Form<LoginForm>,
) -> Response {
    let opened = blocking(move || {
        let mut store = s.store()?;
        Ok(users::login(
            &mut store,
            &f.username,
            &f.password,
            auth::now(),
        )?)
    })
    .await;
    match opened {
        Ok(o) => (
            [(
                header::SET_COOKIE,
                auth::session_cookie(&o.token, o.expires_in_secs),
            )],
            Redirect::to("/board"),
        )
            .into_response(),
        Err(mut f) => {
            let lang = q.lang.unwrap_or(Lang::Nl);
            f.error = match f.status {
                StatusCode::UNAUTHORIZED => t(
                    lang,
                    "Verkeerde gebruikersnaam of wachtwoord.",
                    "Nom d'utilisateur ou mot de passe incorrect.",
                    "Wrong user name or password.",
                ),
                StatusCode::TOO_MANY_REQUESTS => t(
                    lang,
                    "Te veel mislukte pogingen: probeer over een kwartier opnieuw.",
                    "Trop d'essais manqués : réessayez dans un quart d'heure.",
                    "Too many failed attempts: try again in a quarter of an hour.",
                ),
                _ => t(
                    lang,
                    "Aanmelden lukt nu niet; de serverlog zegt waarom.",
                    "La connexion a échoué ; le journal du serveur indique pourquoi.",
                    "Logging in failed; the server log says why.",
                ),
            }
            .to_string();
            // The page's own sentence, in every language (a refused login tells nothing more).
            f.local = None;
            (f.status, Html(login_page(lang, Some(&f)).into_string())).into_response()
        }
    }
}

pub async fn logout(
    State(s): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let token = auth::token(&headers).unwrap_or_default();
    let _ = as_user(&s, &headers, move |_, user, store| {
        checked_form(user, &pairs)?;
        Ok(users::logout(store, &token)?)
    })
    .await;
    (
        [(header::SET_COOKIE, auth::cleared_cookie())],
        Redirect::to("/login"),
    )
        .into_response()
}
