//! The person's own page: who they are in traject (name, role, team, organisation) and their
//! second factor — enrolled or not, recovery codes left — with a button to enrol one when they
//! have none: the QR code for the authenticator app (an SVG image), the secret to type in, and
//! the recovery codes, shown this once. Replacing or removing an enrolled factor is for whoever
//! manages users (`traject user totp`), so a session left open cannot move it to another phone.
//! And the e-mail address the server's reminders go to, which the person sets or removes.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use maud::{html, Markup};
use traject_app::second_factor::{self, Enrolment};
use traject_app::users::SessionUser;
use traject_i18n::catalogue::role_word;
use traject_i18n::Lang;

use super::{answered, checked_form, layout, t};
use crate::auth::as_user;
use crate::failure::Failure;
use crate::Shared;

fn title(lang: Lang) -> &'static str {
    t(lang, "Mijn account", "Mon compte", "My account")
}

fn who(user: &SessionUser, lang: Lang) -> Markup {
    let none = "—";
    html! {
        dl {
            dt { (t(lang, "Gebruikersnaam", "Nom d'utilisateur", "User name")) } dd { (user.name) }
            dt { (t(lang, "Rol", "Rôle", "Role")) } dd { (role_word(user.role, lang)) }
            dt { (t(lang, "Team", "Équipe", "Team")) } dd { (user.team.as_deref().unwrap_or(none)) }
            dt { (t(lang, "Organisatie", "Organisation", "Organisation")) } dd { (user.org.as_deref().unwrap_or(none)) }
        }
    }
}

/// `GET /account`.
pub async fn account(State(s): State<Shared>, headers: HeaderMap) -> Response {
    let shown = as_user(&s, &headers, |_, user, store| {
        let status = second_factor::status(store, user)?;
        let lang = user.lang.unwrap_or(Lang::Nl);
        let email = traject_app::users::own_email(store, user)?;
        let body = html! {
            (who(user, lang))
            (email_form(user, lang, email.as_deref()))
            @if user.ctx(chrono::NaiveDate::MIN).require(traject_app::Need::Persons).is_ok() {
                (calendar_form(user, lang))
            }
            h2 { (t(lang, "Tweede factor", "Second facteur", "Second factor")) }
            @if status.enrolled {
                p { (t(lang,
                    "Je meldt je aan met je wachtwoord en de code van je authenticator-app.",
                    "Vous vous connectez avec votre mot de passe et le code de votre application d'authentification.",
                    "You log in with your password and the code from your authenticator app.")) }
                p { (t(lang, "Herstelcodes over: ", "Codes de secours restants : ", "Recovery codes left: ")) (status.recovery_codes_left) }
                p.help { (t(lang,
                    "Nieuwe telefoon of geen herstelcodes meer? De beheerder zet een nieuwe tweede factor op met traject user totp.",
                    "Nouveau téléphone ou plus de codes de secours ? L'administrateur installe un nouveau second facteur avec traject user totp.",
                    "New phone, or no recovery codes left? The administrator sets up a new second factor with traject user totp.")) }
            } @else {
                p { (t(lang,
                    "Je hebt nog geen tweede factor. Met een authenticator-app op je telefoon (bijvoorbeeld FreeOTP, Google Authenticator of Microsoft Authenticator) kan niemand zich met enkel je wachtwoord aanmelden.",
                    "Vous n'avez pas encore de second facteur. Avec une application d'authentification sur votre téléphone (par exemple FreeOTP, Google Authenticator ou Microsoft Authenticator), personne ne peut se connecter avec votre seul mot de passe.",
                    "You have no second factor yet. With an authenticator app on your phone (for example FreeOTP, Google Authenticator or Microsoft Authenticator) no one can log in with your password alone.")) }
                form method="post" action="/account/second-factor" {
                    input type="hidden" name="csrf" value=(user.csrf);
                    button type="submit" { (t(lang, "Tweede factor instellen", "Configurer le second facteur", "Set up a second factor")) }
                }
            }
        };
        Ok(Html(layout(lang, Some(user), title(lang), body).into_string()).into_response())
    })
    .await;
    answered(shown, "/account", &headers)
}

/// The address the server's reminders go to, to set, change or (left empty) remove.
fn email_form(user: &SessionUser, lang: Lang, email: Option<&str>) -> Markup {
    html! {
        h2 { (t(lang, "E-mailadres", "Adresse e-mail", "E-mail address")) }
        form method="post" action="/account/email" {
            input type="hidden" name="csrf" value=(user.csrf);
            label for="email" { (t(lang, "Waar herinneringen naartoe gaan", "Où vont les rappels", "Where reminders go")) }
            " "
            input #email type="email" name="email" maxlength="254" autocomplete="email" value=(email.unwrap_or_default()) aria-describedby="email-help";
            " "
            button type="submit" { (t(lang, "Bewaren", "Enregistrer", "Save")) }
            p.help #email-help { (t(lang,
                "Laat het veld leeg om geen herinneringen per e-mail meer te krijgen.",
                "Laissez le champ vide pour ne plus recevoir de rappels par e-mail.",
                "Leave the field empty to get no more reminders by e-mail.")) }
        }
    }
}

/// The agenda for one's own calendar program: a new secret address on request.
fn calendar_form(user: &SessionUser, lang: Lang) -> Markup {
    html! {
        h2 { (t(lang, "Agenda", "Agenda", "Calendar")) }
        p { (t(lang,
            "Zie de evaluatievensters van je dossiers in je eigen agenda (Outlook, Google, Apple): maak een geheim adres en voeg het daar toe als agenda via internet. Het toont dossiernummers en evaluaties, geen namen.",
            "Voyez les fenêtres d'évaluation de vos dossiers dans votre propre agenda (Outlook, Google, Apple) : créez une adresse secrète et ajoutez-la comme agenda Internet. Elle montre des numéros de dossier et des évaluations, pas de noms.",
            "See your cases' evaluation windows in your own calendar (Outlook, Google, Apple): make a secret address and add it there as an internet calendar. It shows case numbers and evaluations, no names.")) }
        form method="post" action="/account/calendar" {
            input type="hidden" name="csrf" value=(user.csrf);
            button type="submit" { (t(lang, "Maak een nieuw agenda-adres (het vorige werkt dan niet meer)", "Créer une nouvelle adresse d'agenda (la précédente ne fonctionne plus)", "Make a new calendar address (the previous one stops working)")) }
        }
    }
}

/// `POST /account/calendar`: a new secret calendar address, shown this once.
pub async fn new_calendar_address(
    State(s): State<Shared>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let request_headers = headers.clone();
    let done = as_user(&s, &headers, move |server, user, store| {
        let pairs = super::form_pairs(&bytes)?;
        checked_form(user, &pairs)?;
        let token = traject_app::calendar::renew_token(store, &user.name, &user.ctx(server.today()))?;
        let address = crate::calendar::feed_address(server, &request_headers, &token);
        let lang = user.lang.unwrap_or(Lang::Nl);
        let body = html! {
            p { (t(lang,
                "Je nieuwe agenda-adres. Voeg het toe in je agenda als agenda via internet (abonneren); het wordt maar deze ene keer getoond. Deel het met niemand: wie het heeft, ziet je evaluatievensters.",
                "Votre nouvelle adresse d'agenda. Ajoutez-la dans votre agenda comme agenda Internet (abonnement) ; elle n'est affichée que cette fois. Ne la partagez avec personne : qui l'a voit vos fenêtres d'évaluation.",
                "Your new calendar address. Add it in your calendar as an internet calendar (subscribe); it is shown this once only. Share it with no one: whoever has it sees your evaluation windows.")) }
            label for="calendar-address" { (t(lang, "Agenda-adres", "Adresse d'agenda", "Calendar address")) }
            input #calendar-address type="text" readonly value=(address) size="80";
            p { a href="/account" { (t(lang, "Terug naar mijn account", "Retour à mon compte", "Back to my account")) } }
        };
        Ok(Html(layout(lang, Some(user), title(lang), body).into_string()).into_response())
    })
    .await;
    answered(done, "/account", &headers)
}

/// `POST /account/email`: the person's own address set, or removed when left empty.
pub async fn set_email(State(s): State<Shared>, headers: HeaderMap, bytes: Bytes) -> Response {
    let done = as_user(&s, &headers, move |server, user, store| {
        let pairs = super::form_pairs(&bytes)?;
        checked_form(user, &pairs)?;
        let email = super::field(&pairs, "email")
            .map(str::trim)
            .filter(|e| !e.is_empty());
        traject_app::users::set_email(store, &user.name, email, &user.ctx(server.today()))?;
        Ok(axum::response::Redirect::to("/account").into_response())
    })
    .await;
    answered(done, "/account", &headers)
}

/// The QR code of an enrolment as an image the page can show (`img-src data:`).
fn qr_image(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .build();
    Some(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

fn enrolled_page(user: &SessionUser, lang: Lang, enrolment: &Enrolment) -> Markup {
    let body = html! {
        p { (t(lang,
            "Scan deze code met je authenticator-app. Voortaan vraagt het aanmelden ook de code die de app toont.",
            "Scannez ce code avec votre application d'authentification. Désormais, la connexion demande aussi le code affiché par l'application.",
            "Scan this code with your authenticator app. From now on, logging in also asks for the code the app shows.")) }
        @if let Some(src) = qr_image(&enrolment.uri) {
            img.qr src=(src) width="240" height="240" alt=(t(lang,
                "QR-code voor je authenticator-app (de geheime sleutel staat eronder)",
                "Code QR pour votre application d'authentification (la clé secrète figure en dessous)",
                "QR code for your authenticator app (the secret key is below it)"));
        }
        p { (t(lang, "Of typ de geheime sleutel: ", "Ou tapez la clé secrète : ", "Or type the secret key: ")) code { (enrolment.secret) } }
        h2 { (t(lang, "Herstelcodes", "Codes de secours", "Recovery codes")) }
        p { (t(lang,
            "Elke code werkt één keer in plaats van de app, als je je telefoon kwijt bent. Bewaar ze op een veilige plaats: ze worden niet meer getoond.",
            "Chaque code remplace une fois l'application si vous perdez votre téléphone. Gardez-les en lieu sûr : ils ne seront plus affichés.",
            "Each code stands in for the app once if you lose your phone. Keep them somewhere safe: they are not shown again.")) }
        ul.codes { @for code in &enrolment.recovery_codes { li { code { (code) } } } }
        p { a href="/board" { (t(lang, "Verder naar de werklijst", "Continuer vers le tableau de bord", "On to the board")) } }
    };
    layout(lang, Some(user), title(lang), body)
}

/// `POST /account/second-factor`: enrol one, when the person has none.
pub async fn enrol(State(s): State<Shared>, headers: HeaderMap, bytes: Bytes) -> Response {
    let done = as_user(&s, &headers, move |server, user, store| {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        checked_form(user, &pairs)?;
        if second_factor::status(store, user)?.enrolled {
            return Err(Failure::worded(
                StatusCode::CONFLICT,
                "you have a second factor already: the administrator replaces it with traject user totp enroll",
                "je hebt al een tweede factor: de beheerder vervangt hem met traject user totp enroll",
                "vous avez déjà un second facteur : l'administrateur le remplace avec traject user totp enroll",
            ));
        }
        let enrolment = second_factor::enrol(store, &user.name, &user.ctx(server.today()))?;
        let lang = user.lang.unwrap_or(Lang::Nl);
        Ok(Html(enrolled_page(user, lang, &enrolment).into_string()).into_response())
    })
    .await;
    answered(done, "/account", &headers)
}
