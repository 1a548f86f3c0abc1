//! The HTML pages, rendered on the server (maud) in the reader's language: the user's choice,
//! else the programme's society language. Every page calls the same use cases as the API;
//! forms that change something carry the session's CSRF token, and a refusal is shown on the
//! page it came from, with the reason the engine gave. Without a session, pages send the
//! browser to the login form.

mod account;
pub(crate) mod case;
mod editor;
mod figures;
mod intake;
mod rights;
mod sessions;
mod statement;

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

pub use account::{
    account, enrol as enrol_second_factor, new_calendar_address, set_email as set_own_email,
};
pub use case::{case_action, case_file, case_list};
pub use editor::{editor, editor_action, editor_check, history as programme_history};
pub use figures::{board, programme, programmes, report_file, reports, whatif};
pub use intake::{intake, intake_submit, intake_verdict};
pub use rights::{case_erase, case_export, person_erase, person_export, record, search};
pub use sessions::{attendance, plan as plan_sessions, sessions, sheet as session_sheet};
pub use statement::statement;

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
                a.skip href="#content" { (t(lang, "Naar de inhoud", "Aller au contenu", "Skip to the content")) }
                @if let Some(u) = user {
                    header {
                        nav aria-label=(t(lang, "Hoofdmenu", "Menu principal", "Main menu")) {
                            a href="/board" { (t(lang, "Werklijst", "Tableau de bord", "Board")) }
                            @if u.role != Role::Auditor {
                                a href="/intake" { (t(lang, "Aanmelding", "Orientation", "Intake")) }
                                a href="/cases" { (t(lang, "Dossiers", "Dossiers", "Cases")) }
                                a href="/sessions" { (t(lang, "Groepssessies", "Séances de groupe", "Group sessions")) }
                            }
                            a href="/whatif" { (t(lang, "Wat als", "Et si", "What-if")) }
                            a href="/programmes" { (t(lang, "Programma's", "Programmes", "Programmes")) }
                            a href="/reports" { (t(lang, "Rapporten", "Rapports", "Reports")) }
                        }
                        form.logout method="post" action="/logout" {
                            span.user { a href="/account" title=(t(lang, "Mijn account", "Mon compte", "My account")) { (u.name) } " · " (role_word(u.role, lang))
                                @if let Some(team) = &u.team { " · " (team) } }
                            input type="hidden" name="csrf" value=(u.csrf);
                            button type="submit" { (t(lang, "Afmelden", "Se déconnecter", "Log out")) }
                        }
                    }
                }
                main #content tabindex="-1" {
                    h1 { (title) }
                    (content)
                }
                footer {
                    a href=(format!("/accessibility?lang={}", lang.code())) { (t(lang, "Toegankelijkheidsverklaring", "Déclaration d'accessibilité", "Accessibility statement")) }
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
        Err(f) => failure_page(f, headers),
    }
}

/// The language a request without a session reads: the first of Dutch, French and English
/// its `Accept-Language` names, else Dutch.
pub fn browser_lang(headers: &HeaderMap) -> Lang {
    let accepted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    accepted
        .split(',')
        .filter_map(|part| part.split(';').next())
        .filter_map(|tag| tag.trim().get(..2))
        .find_map(|code| code.to_ascii_lowercase().parse::<Lang>().ok())
        .unwrap_or(Lang::Nl)
}

/// A failure as a page: what went wrong in the reader's language, and the way back.
fn failure_page(f: Failure, headers: &HeaderMap) -> Response {
    let lang = f.lang.unwrap_or_else(|| browser_lang(headers));
    let title = t(
        lang,
        "Dat lukte niet",
        "Cela n'a pas abouti",
        "That did not work",
    );
    let body = layout(
        lang,
        f.viewer.as_deref(),
        title,
        html! {
            (problem(&f, lang))
            @if let Some(id) = f.status.is_server_error().then(crate::ops::request_id).flatten() {
                p.help { (t(lang, "Referentie voor de informaticadienst: ", "Référence pour le service informatique : ", "Reference for the IT department: ")) code { (id) } }
            }
            p { a href="/board" { (t(lang, "Terug naar de werklijst", "Retour au tableau de bord", "Back to the board")) } }
        },
    );
    let response = (f.status, Html(body.into_string())).into_response();
    f.marked(response)
}

/// A failure as the caller reads it: JSON under `/api/`, a page elsewhere.
pub fn failure_response(path: &str, headers: &HeaderMap, f: Failure) -> Response {
    if path.starts_with("/api/") {
        f.into_response()
    } else {
        failure_page(f, headers)
    }
}

/// No such address: a page (or JSON under `/api/`) that says so, in the reader's language —
/// with their navigation when they are logged in.
pub async fn not_found(
    State(s): State<Shared>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path().to_string();
    if path.starts_with("/api/") {
        return failure_response(&path, &headers, Failure::not_found());
    }
    let seen = as_user(&s, &headers, |_, _, _| Err::<(), _>(Failure::not_found())).await;
    match seen {
        Err(f) if f.status == StatusCode::NOT_FOUND => failure_response(&path, &headers, f),
        _ => failure_response(&path, &headers, Failure::not_found()),
    }
}

/// Text with `quoted` keys (a programme's YAML keys named in a sentence) shown as code.
pub fn with_code(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

/// A labelled choice of programme, by name, for a form that shows one programme at a time.
pub fn programme_select(server: &Server, lang: Lang, selected: &str) -> Markup {
    let named = named_programmes(server, lang);
    html! {
        label { (t(lang, "Programma", "Programme", "Programme")) " "
            select name="program" { @for (id, name) in &named { option value=(id) selected[id == selected] { (name) } } }
        }
    }
}

/// The programmes that load, as (id, name in `lang`).
pub fn named_programmes(server: &Server, lang: Lang) -> Vec<(String, String)> {
    server
        .catalogue
        .list()
        .into_iter()
        .filter_map(|l| {
            let spec = &l.compiled.as_ref()?.program.spec;
            Some((
                l.id.clone(),
                traject_i18n::LabelIn::get(&spec.name, lang, spec.society_language).to_string(),
            ))
        })
        .collect()
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

/// The fields of a posted form, read only once the user's permission is known.
pub fn form_pairs(bytes: &axum::body::Bytes) -> Result<Vec<(String, String)>, Failure> {
    serde_urlencoded::from_bytes(bytes).map_err(|_| {
        Failure::worded(
            StatusCode::BAD_REQUEST,
            "the form could not be read; reload the page and try again",
            "het formulier kon niet gelezen worden; laad de pagina opnieuw en probeer nog eens",
            "le formulaire n'a pas pu être lu ; rechargez la page et réessayez",
        )
    })
}

/// A page's answer, or its failure as a page — without a session, the login form.
pub fn answered(done: Result<Response, Failure>, path: &str, headers: &HeaderMap) -> Response {
    match done {
        Ok(r) => r,
        Err(f) if f.status == StatusCode::UNAUTHORIZED => Redirect::to("/login").into_response(),
        Err(f) => failure_response(path, headers, f),
    }
}

/// A form field whose value is not of the kind it asks for (the value is not repeated).
pub fn not_a(field: &str, en: &str, nl: &str, fr: &str) -> Failure {
    Failure::worded(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!("`{field}` needs {en}"),
        format!("`{field}` vraagt {nl}"),
        format!("`{field}` demande {fr}"),
    )
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

fn login_page(lang: Lang, notice: Option<&Failure>, token: &str, ways: &LoginWays) -> Markup {
    layout(
        lang,
        None,
        t(lang, "Aanmelden", "Connexion", "Log in"),
        html! {
            p.langs { a href="/login?lang=nl" { "NL" } " · " a href="/login?lang=fr" { "FR" } " · " a href="/login?lang=en" { "EN" } }
            @if let Some(f) = notice { (problem(f, lang)) }
            @if let Some(label) = &ways.provider {
                p { a.button href=(format!("/login/oidc?lang={}", lang.code())) {
                    (t(lang, "Aanmelden met ", "Se connecter avec ", "Log in with ")) (label)
                } }
            }
            @if ways.passwords {
                form.login method="post" action=(format!("/login?lang={}", lang.code())) {
                    input type="hidden" name="login_token" value=(token);
                    label { (t(lang, "Gebruikersnaam", "Nom d'utilisateur", "User name"))
                        input name="username" autocomplete="username" maxlength="64" required autofocus; }
                    label { (t(lang, "Wachtwoord", "Mot de passe", "Password"))
                        input name="password" type="password" autocomplete="current-password" required; }
                    label { (t(lang, "Code van je authenticator-app (als je er een hebt)", "Code de votre application d'authentification (si vous en avez une)", "Code from your authenticator app (if you have one)"))
                        input name="totp" autocomplete="one-time-code" maxlength="32" aria-describedby="totp-help"; }
                    p.help #totp-help { (t(lang,
                        "Zes cijfers, of een van je herstelcodes als je je telefoon kwijt bent.",
                        "Six chiffres, ou l'un de vos codes de secours si vous avez perdu votre téléphone.",
                        "Six digits, or one of your recovery codes if you lost your phone.")) }
                    button type="submit" { (t(lang, "Aanmelden", "Se connecter", "Log in")) }
                }
            }
        },
    )
}

/// The ways in the login page offers.
pub struct LoginWays {
    pub passwords: bool,
    /// The OpenID provider's name, when there is one.
    pub provider: Option<String>,
}

/// A page that moves on to `to` by itself (and says so, with a link, for whoever it does
/// not move).
pub fn moving_on(lang: Lang, to: &str) -> Markup {
    html! {
        (maud::DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta http-equiv="refresh" content=(format!("0;url={to}"));
                title { (t(lang, "Aangemeld", "Connecté", "Logged in")) }
            }
            body { main { p { a href=(to) { (t(lang, "Verder naar de werklijst", "Continuer vers le tableau de bord", "On to the board")) } } } }
        }
    }
}

/// The login page with a fresh login token: in the form and in a cookie only this site's
/// pages send back, so a login posted from elsewhere is refused.
pub(crate) fn login_response(
    s: &Server,
    status: StatusCode,
    lang: Lang,
    notice: Option<&Failure>,
) -> Response {
    let token = auth::fresh_token();
    let ways = LoginWays {
        passwords: s.passwords,
        provider: s.sign_on.as_ref().map(|p| p.settings.label.clone()),
    };
    (
        status,
        [(
            header::SET_COOKIE,
            auth::login_cookie(&token, s.secure_cookies()),
        )],
        Html(login_page(lang, notice, &token, &ways).into_string()),
    )
        .into_response()
}

pub async fn login_form(State(s): State<Shared>, Query(q): Query<LangQuery>) -> Response {
    login_response(&s, StatusCode::OK, q.lang.unwrap_or(Lang::Nl), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    totp: String,
    #[serde(default)]
    login_token: String,
}

pub async fn login(
    State(s): State<Shared>,
    Query(q): Query<LangQuery>,
    axum::Extension(client): axum::Extension<crate::guard::ClientAddress>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let lang = q.lang.unwrap_or(Lang::Nl);
    let expected = auth::cookie(&headers, auth::LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !auth::same_secret(&expected, &f.login_token) {
        let mut refused = Failure::csrf();
        refused.error = t(
            lang,
            "Het aanmeldformulier is verlopen: probeer opnieuw.",
            "Le formulaire de connexion a expiré : réessayez.",
            "The login form has expired: try again.",
        )
        .to_string();
        refused.local = None;
        return login_response(&s, StatusCode::FORBIDDEN, lang, Some(&refused));
    }
    let code = Some(f.totp).filter(|c| !c.trim().is_empty());
    let opened = auth::open_session(&s, &client, f.username, f.password, code).await;
    match opened {
        Ok(o) => (
            [(
                header::SET_COOKIE,
                auth::session_cookie(&o.token, o.expires_in_secs, s.secure_cookies()),
            )],
            Redirect::to("/board"),
        )
            .into_response(),
        Err(mut f) => {
            f.error = match f.status {
                StatusCode::UNAUTHORIZED => t(
                    lang,
                    "Verkeerde gebruikersnaam of wachtwoord.",
                    "Nom d'utilisateur ou mot de passe incorrect.",
                    "Wrong user name or password.",
                )
                .to_string(),
                StatusCode::TOO_MANY_REQUESTS => {
                    let secs = f.retry_after.unwrap_or(0);
                    match lang {
                        Lang::Nl => format!("Te veel mislukte pogingen van hier: probeer over {secs} seconden opnieuw."),
                        Lang::Fr => format!("Trop d'essais manqués d'ici : réessayez dans {secs} secondes."),
                        Lang::En => format!("Too many failed attempts from here: try again in {secs} seconds."),
                    }
                }
                StatusCode::SERVICE_UNAVAILABLE => t(
                    lang,
                    "De server heeft het druk: probeer zo dadelijk opnieuw.",
                    "Le serveur est occupé : réessayez dans un instant.",
                    "The server is busy: try again in a moment.",
                )
                .to_string(),
                _ => t(
                    lang,
                    "Aanmelden lukt nu niet; de serverlog zegt waarom.",
                    "La connexion a échoué ; le journal du serveur indique pourquoi.",
                    "Logging in failed; the server log says why.",
                )
                .to_string(),
            };
            // The page's own sentence, in every language (a refused login tells nothing more).
            f.local = None;
            let mut response = login_response(&s, f.status, lang, Some(&f));
            if let Some(secs) = f.retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, secs.into());
            }
            response
        }
    }
}

/// Log out: the session ends on the server whatever the form carries (the origin check has
/// already refused a logout posted from elsewhere), and the cookie is cleared.
pub async fn logout(State(s): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(token) = auth::token(&headers) {
        let server = s.clone();
        let _ = blocking(move || {
            let mut store = server.store()?;
            Ok(users::logout(&mut store, &token)?)
        })
        .await;
    }
    (
        [(header::SET_COOKIE, auth::cleared_cookie(s.secure_cookies()))],
        Redirect::to("/login"),
    )
        .into_response()
}
