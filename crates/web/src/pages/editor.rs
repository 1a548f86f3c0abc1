//! The programme editor: the programme's YAML in a text area, checked as it is edited (every
//! problem at its line and column, in the reader's language; *Save* stays disabled while there
//! are any), *Impact* — what the text would do to the referrals in the store, the waiting list
//! and the funders — and, for the programme's coordinators, a new dated version written into
//! the text, the `changes:` entries it needs (what changed filled in from the semantic
//! difference, the coordinator writing reason and source), and *Save* into the append-only
//! programme history, which the catalogue serves from the next request. Social workers and
//! auditors see the text read-only and the impact's counts; the history page lists every save.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use maud::{html, Markup};
use traject_app::programme_editor::{self as editor, Checked, Undeclared};
use traject_app::users::SessionUser;
use traject_app::{forecast, impact, programme_history, Need};
use traject_i18n::Lang;
use traject_rollout::new_version::Entry;
use traject_store::Store;

use super::{answered, checked_form, failure_response, field, form_pairs, lang_of, layout, t};
use crate::auth::as_user;
use crate::failure::Failure;
use crate::{Server, Shared};

/// The page as it is shown: the text, what its check found, and what was asked of it.
struct Shown {
    id: String,
    file: String,
    text: String,
    checked: Checked,
    notice: Option<Markup>,
    impact: Option<Markup>,
    new_id: String,
    valid_from: NaiveDate,
    /// The staff cost per FTE-month given for the impact's money, as typed.
    cost: String,
}

fn coordinator(server: &Server, user: &SessionUser) -> bool {
    user.ctx(server.today())
        .require(Need::EditProgrammes)
        .is_ok()
}

/// The located problems of a check, or that there are none; `data-problems` tells the page's
/// script whether saving is possible.
fn check_section(checked: &Checked, lang: Lang) -> Markup {
    let problems = checked.problems.as_ref().map_or(0, |e| e.diagnostics.len());
    html! {
        div #check data-problems=(problems) {
            @match &checked.problems {
                None => p.ok { (t(lang, "Geen problemen: de tekst laadt onder elke optiekeuze.", "Aucun problème : le texte se charge sous chaque choix d'option.", "No problems: the text loads under every option choice.")) },
                Some(e) => {
                    p.problem { (t(lang, "Problemen (bewaren kan pas als ze opgelost zijn):", "Problèmes (l'enregistrement n'est possible qu'une fois résolus) :", "Problems (saving is possible once they are solved):")) " " (problems) }
                    ol.problems { @for d in &e.diagnostics {
                        @let v = traject_i18n::diagnostics::view(d, lang);
                        li {
                            strong { (t(lang, "regel ", "ligne ", "line ")) (v.line) (t(lang, ", kolom ", ", colonne ", ", column ")) (v.col) } ": " (v.message)
                            @if let Some(help) = &v.help { br; span.help { (help) } }
                            " " button.goto type="button" data-line=(v.line) data-col=(v.col) { (t(lang, "Ga naar regel ", "Aller à la ligne ", "Go to line ")) (v.line) }
                        }
                    } }
                }
            }
        }
    }
}

fn section_word(s: traject_model::program::changes::ChangeSection, lang: Lang) -> &'static str {
    use traject_model::program::changes::ChangeSection as S;
    match s {
        S::Eligibility => t(
            lang,
            "toelatingsregel",
            "règle d'admission",
            "eligibility rule",
        ),
        S::Tracks => t(lang, "traject", "trajet", "track"),
        S::Modules => t(lang, "module", "module", "module"),
        S::Evaluations => t(
            lang,
            "evaluatiemoment",
            "moment d'évaluation",
            "evaluation moment",
        ),
        S::Staffing => t(lang, "personeel", "personnel", "staffing"),
        S::Capacity => t(lang, "capaciteit", "capacité", "capacity"),
        S::Funders => t(lang, "financier", "financeur", "funder"),
        S::FundingSplit => t(
            lang,
            "verdeling van de financiering",
            "répartition du financement",
            "funding split",
        ),
    }
}

fn change_word(c: traject_model::program::changes::ChangeKind, lang: Lang) -> &'static str {
    use traject_model::program::changes::ChangeKind as K;
    match c {
        K::Added => t(lang, "toegevoegd", "ajouté", "added"),
        K::Removed => t(lang, "verwijderd", "supprimé", "removed"),
        K::Changed => t(lang, "gewijzigd", "modifié", "changed"),
    }
}

/// The rows asking reason and source for each undeclared change, the reason filled in from
/// the semantic difference (in the programme's society language, as the loader requires).
fn declare_section(shown: &Shown, server: &Server, user: &SessionUser, lang: Lang) -> Markup {
    // One version at a time (the form writes the first version's entries; the next version
    // that lacks some is asked for after).
    let first = shown.checked.undeclared.first().map(|u| u.version.as_str());
    let undeclared: Vec<Undeclared> = shown
        .checked
        .undeclared
        .iter()
        .filter(|u| Some(u.version.as_str()) == first)
        .cloned()
        .collect();
    let undeclared = &undeclared;
    let ctx = user.ctx(server.today());
    let diff = editor::undeclared_diff(&shown.file, &shown.text, undeclared, &ctx);
    let society = diff.as_ref().map(|d| d.society_language).unwrap_or(lang);
    let prefill = |u: &Undeclared| -> String {
        let Some(d) = &diff else { return String::new() };
        let mut one = d.clone();
        one.changes.retain(|c| {
            c.section == u.section.as_str() && Some(c.id.as_str()) == u.id.as_deref().or(Some(""))
        });
        let text = traject_render::diff::render_text(&one, society);
        text.lines()
            .skip(3)
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ")
    };
    html! {
        fieldset #declare {
            legend { (t(lang, "Wijzigingen verklaren", "Déclarer les modifications", "Declare the changes")) }
            p.help { (t(lang,
                "Een nieuwe versie zegt bij elke wijziging waarom en op welke bron ze steunt. Schrijf de reden in de taal van het programma; de bron is een regel uit de bronbestanden (bv. 003:1081) of \"local: \" gevolgd door het besluit van uw OCMW.",
                "Une nouvelle version dit pour chaque modification pourquoi et sur quelle source elle repose. Écrivez la raison dans la langue du programme ; la source est une ligne des fichiers sources (p. ex. 003:1081) ou « local: » suivi de la décision de votre CPAS.",
                "A new version says for each change why and on which source it rests. Write the reason in the programme's language; the source is a line of the source files (e.g. 003:1081) or \"local: \" followed by your OCMW's decision.")) }
            @if let Some(d) = &diff { pre.diff tabindex="0" { (traject_render::diff::render_text(d, lang)) } }
            @for (n, u) in undeclared.iter().enumerate() {
                fieldset.change {
                    legend { (section_word(u.section, lang)) " " (u.id.as_deref().unwrap_or("")) " — " (change_word(u.change, lang)) " (" (t(lang, "versie ", "version ", "version ")) (u.version) ")" }
                    label for=(format!("reason-{n}")) { (t(lang, "Reden", "Raison", "Reason")) " (" (society.code()) ")" }
                    input type="text" id=(format!("reason-{n}")) name=(format!("reason.{n}")) value=(prefill(u)) size="80";
                    label for=(format!("source-{n}")) { (t(lang, "Bron", "Source", "Source")) }
                    input type="text" id=(format!("source-{n}")) name=(format!("source.{n}")) placeholder="local: …" size="40";
                }
            }
            button type="submit" formaction=(format!("/programmes/{}/edit/declare", shown.id)) { (t(lang, "Schrijf deze wijzigingen in de tekst", "Écrire ces modifications dans le texte", "Write these changes into the text")) }
        }
    }
}

fn editor_page(shown: &Shown, server: &Server, user: &SessionUser, lang: Lang) -> Markup {
    let may_edit = coordinator(server, user);
    let problems = shown.checked.problems.is_some();
    let id = &shown.id;
    let body = html! {
        p.help { (t(lang,
            "De tekst van het programma in YAML. Controleer toont elk probleem met zijn regel en kolom; Impact toont wat de tekst zou doen met de aanmeldingen in de databank, de wachtlijst en de financiers. Een wijziging geldt pas na Bewaren, en het best als nieuwe versie vanaf een datum.",
            "Le texte du programme en YAML. Vérifier montre chaque problème avec sa ligne et sa colonne ; Impact montre ce que le texte ferait aux orientations de la base de données, à la liste d'attente et aux financeurs. Une modification ne s'applique qu'après Enregistrer, et de préférence comme nouvelle version à partir d'une date.",
            "The programme's text in YAML. Check shows every problem with its line and column; Impact shows what the text would do to the referrals in the database, the waiting list and the funders. A change applies only after Save, best as a new version from a date.")) }
        @if !may_edit { p.notice { (t(lang,
            "Alleen de coördinatoren van het programma bewaren wijzigingen; u ziet de tekst en de impact.",
            "Seuls les coordinateurs du programme enregistrent des modifications ; vous voyez le texte et l'impact.",
            "Only the programme's coordinators save changes; you see the text and the impact.")) } }
        @if let Some(n) = &shown.notice { (n) }
        form #editor method="post" action=(format!("/programmes/{id}/edit/check")) data-check=(format!("/programmes/{id}/check")) {
            input type="hidden" name="csrf" value=(user.csrf);
            input type="hidden" name="file" value=(shown.file);
            label for="programme-text" { (t(lang, "Programmatekst (YAML)", "Texte du programme (YAML)", "Programme text (YAML)")) " — " (shown.file) }
            textarea #programme-text name="text" rows="28" cols="110" spellcheck="false" autocapitalize="off" aria-describedby="caret" readonly[!may_edit] { (shown.text) }
            p #caret .help data-words=(t(lang, "Cursor: regel {line}, kolom {col}", "Curseur : ligne {line}, colonne {col}", "Cursor: line {line}, column {col}")) { (t(lang, "Problemen noemen hun regel en kolom; de knop bij elk probleem zet de cursor daar.", "Les problèmes indiquent leur ligne et leur colonne ; le bouton de chaque problème y place le curseur.", "Problems name their line and column; the button by each puts the cursor there.")) }
            div aria-live="polite" { (check_section(&shown.checked, lang)) }
            div.buttons {
                button type="submit" formaction=(format!("/programmes/{id}/edit/check")) { (t(lang, "Controleer", "Vérifier", "Check")) }
                button type="submit" formaction=(format!("/programmes/{id}/edit/impact")) { (t(lang, "Impact", "Impact", "Impact")) }
                label for="cost" { (t(lang, "Personeelskost per VTE-maand (€, voor de financiering; mag leeg)", "Coût du personnel par mois-ETP (€, pour le financement ; facultatif)", "Staff cost per FTE-month (€, for the funding; optional)")) }
                input #cost type="text" inputmode="decimal" name="cost" size="10" value=(shown.cost);
                @if may_edit { button #save type="submit" formaction=(format!("/programmes/{id}/edit/save")) disabled[problems] { (t(lang, "Bewaar", "Enregistrer", "Save")) } }
            }
            @if may_edit {
                fieldset #new-version {
                    legend { (t(lang, "Nieuwe versie", "Nouvelle version", "New version")) }
                    p.help { (t(lang,
                        "Voegt achteraan een versie toe die gebaseerd is op de versie die op die dag geldt, met al haar onderdelen om aan te passen; die versie eindigt de dag ervoor.",
                        "Ajoute à la fin une version basée sur celle en vigueur ce jour-là, avec toutes ses parties à adapter ; cette version se termine la veille.",
                        "Adds a version at the end based on the one in force that day, with all its parts to adapt; that version ends the day before.")) }
                    label for="new-id" { (t(lang, "Naam van de versie", "Nom de la version", "Version name")) }
                    input #new-id type="text" name="new_id" value=(shown.new_id) size="12";
                    label for="valid-from" { (t(lang, "Geldig vanaf", "En vigueur à partir du", "In force from")) }
                    input #valid-from type="date" name="valid_from" value=(shown.valid_from.to_string());
                    button type="submit" formaction=(format!("/programmes/{id}/edit/version")) { (t(lang, "Begin een nieuwe versie", "Commencer une nouvelle version", "Start a new version")) }
                }
                @if !shown.checked.undeclared.is_empty() { (declare_section(shown, server, user, lang)) }
            }
        }
        @if let Some(i) = &shown.impact { section #impact { h2 { (t(lang, "Impact", "Impact", "Impact")) } (i) } }
        p { a href=(format!("/programmes/{id}/history")) { (t(lang, "Geschiedenis van de bewaarde teksten", "Historique des textes enregistrés", "History of the saved texts")) } " · " a href=(format!("/programmes/{id}")) { (t(lang, "Terug naar het programma", "Retour au programme", "Back to the programme")) } }
    };
    let title = format!(
        "{} — {}",
        t(
            lang,
            "Programma bewerken",
            "Modifier le programme",
            "Edit the programme"
        ),
        programme_name(server, user, id, lang)
    );
    layout(lang, Some(user), &title, body)
}

/// A new version's default name and day: the next year's first day, named by its year.
fn next_version(server: &Server) -> (String, NaiveDate) {
    let today = server.today();
    let from = NaiveDate::from_ymd_opt(today.year() + 1, 1, 1).unwrap_or(today);
    (from.year().to_string(), from)
}

fn shown_for(
    server: &Server,
    user: &SessionUser,
    id: &str,
    file: String,
    text: String,
) -> Result<Shown, Failure> {
    let checked = editor::check(&file, &text, &user.ctx(server.today()))?;
    let (new_id, valid_from) = next_version(server);
    Ok(Shown {
        id: id.to_string(),
        file,
        text,
        checked,
        notice: None,
        impact: None,
        new_id,
        valid_from,
        cost: String::new(),
    })
}

/// The programme's name in the reader's language (its id when it does not load).
fn programme_name(server: &Server, user: &SessionUser, id: &str, lang: Lang) -> String {
    server.programmes(user).get(id).map_or_else(
        || id.to_string(),
        |c| {
            let spec = &c.program.spec;
            traject_i18n::LabelIn::get(&spec.name, lang, spec.society_language).to_string()
        },
    )
}

fn reader_lang(server: &Server, user: &SessionUser, id: &str) -> Lang {
    let society = server
        .programmes(user)
        .get(id)
        .map(|c| c.program.spec.society_language);
    lang_of(user, society)
}

fn html_page(status: StatusCode, m: Markup) -> Response {
    (status, Html(m.into_string())).into_response()
}

/// `GET /programmes/{id}/edit`.
pub async fn editor(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/programmes/{id}/edit");
    let done = as_user(&s, &headers, move |server, user, store| {
        crate::api::served(server, user, &id)?;
        let e = editor::editable(store, server.programmes(user), &id, &user.ctx(server.today()))?;
        let mut shown = shown_for(server, user, &id, e.file, e.text)?;
        if e.saved.is_none() {
            shown.notice = Some(html! { p.notice { (t(reader_lang(server, user, &id),
                "Dit is de tekst uit het programmabestand, die niet verandert: bewaren begint de eigen geschiedenis van dit programma in de databank.",
                "Voici le texte du fichier du programme, qui ne change pas : enregistrer commence l'historique propre de ce programme dans la base de données.",
                "This is the text of the programme file, which does not change: saving starts this programme's own history in the database.")) } });
        }
        Ok(html_page(StatusCode::OK, editor_page(&shown, server, user, reader_lang(server, user, &id))))
    })
    .await;
    answered(done, &path, &headers)
}

/// The declared changes from the form: a reason and a source for every undeclared change.
fn entries(pairs: &[(String, String)], undeclared: &[Undeclared]) -> Result<Vec<Entry>, Failure> {
    undeclared
        .iter()
        .enumerate()
        .map(|(n, u)| {
            let reason = field(pairs, &format!("reason.{n}"));
            let source = field(pairs, &format!("source.{n}"));
            match (reason, source) {
                (Some(reason), Some(source)) => Ok(Entry {
                    section: u.section,
                    id: u.id.clone(),
                    change: u.change,
                    option: None,
                    source: source.to_string(),
                    reason: reason.to_string(),
                }),
                _ => Err(Failure::worded(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "every change needs a reason and a source: fill in both fields of each change under \"Declare the changes\"",
                    "elke wijziging heeft een reden en een bron nodig: vul beide velden van elke wijziging in onder \"Wijzigingen verklaren\"",
                    "chaque modification a besoin d'une raison et d'une source : remplissez les deux champs de chaque modification sous « Déclarer les modifications »",
                )),
            }
        })
        .collect()
}

/// The impact of the text on the store's referrals, waiting list and funders, as text.
fn impact_of(
    server: &Server,
    user: &SessionUser,
    store: &Store,
    id: &str,
    checked: &Checked,
    cost: Option<&str>,
    lang: Lang,
) -> Result<Markup, Failure> {
    let Some(proposed) = &checked.compiled else {
        return Ok(
            html! { p.problem { (t(lang, "De impact volgt zodra de tekst zonder problemen laadt.", "L'impact suit dès que le texte se charge sans problème.", "The impact follows once the text loads without problems.")) } },
        );
    };
    let current = crate::api::served(server, user, id)?;
    let proposal = impact::Proposal {
        current: &current,
        proposed,
        version: None,
        on: server.today(),
    };
    let settings = forecast::Settings {
        months: 24,
        runs: 100,
        seed: 1,
        limits: server.limits,
    };
    let ctx = user.ctx(server.today());
    let mut found = impact::in_store(&proposal, store, Some((&settings, 28.0)), &ctx)?;
    if let Some(cost) = cost {
        let cents =
            traject_report::parse_euros("cost", cost).map_err(traject_app::AppError::from)?;
        found.money =
            traject_app::impact_money::funding_difference(&proposal, store, 24, cents, &ctx)?;
    }
    let society = current.program.spec.society_language;
    let name = traject_i18n::LabelIn::get(&current.program.spec.name, lang, society);
    Ok(html! {
        p.help { (t(lang, "Elke aanmelding in de databank beoordeeld onder de huidige en de voorgestelde versie; de prognose over 24 maanden, 100 simulaties, startgetal 1.", "Chaque orientation de la base de données jugée sous la version actuelle et la version proposée ; la prévision sur 24 mois, 100 simulations, graine 1.", "Every referral in the database judged under the current and the proposed version; the forecast over 24 months, 100 runs, seed 1.")) }
        pre.impact tabindex="0" { (traject_render::impact::text(&found, lang, name, society)) }
        @if cost.is_some() && found.money.is_none() {
            p.notice { (t(lang,
                "Geen financiering te vergelijken: in de 24 maanden vanaf vandaag heeft een van beide teksten geen versie van kracht.",
                "Pas de financement à comparer : dans les 24 mois à partir d'aujourd'hui, aucune version n'est en vigueur pour l'un des deux textes.",
                "No funding to compare: in the 24 months from today one of the texts has no version in force.")) }
        }
    })
}

/// The programme text the form sent, and the file name it is located in.
fn sent_text(pairs: &[(String, String)]) -> (String, String) {
    let file = field(pairs, "file").unwrap_or("programme.yaml").to_string();
    let text = pairs
        .iter()
        .find(|(k, _)| k == "text")
        .map(|(_, v)| v.replace("\r\n", "\n"))
        .unwrap_or_default();
    (file, text)
}

/// The text with the change entries the form declares for the first version that lacks some.
fn declared(
    shown: &Shown,
    pairs: &[(String, String)],
    ctx: &traject_app::Ctx,
) -> Result<String, Failure> {
    let undeclared = &shown.checked.undeclared;
    let version = undeclared
        .first()
        .map(|u| u.version.clone())
        .unwrap_or_default();
    let of_version: Vec<Undeclared> = undeclared
        .iter()
        .filter(|u| u.version == version)
        .cloned()
        .collect();
    let entries = entries(pairs, &of_version)?;
    Ok(editor::declare(
        &shown.file,
        &shown.text,
        &version,
        &entries,
        ctx,
    )?)
}

/// What one action of the form does to the page.
fn act(
    server: &Server,
    user: &SessionUser,
    store: &mut Store,
    id: &str,
    action: &str,
    pairs: &[(String, String)],
) -> Result<(StatusCode, Shown), Failure> {
    let ctx = user.ctx(server.today());
    let lang = reader_lang(server, user, id);
    let (file, text) = sent_text(pairs);
    let mut shown = shown_for(server, user, id, file.clone(), text.clone())?;
    if let Some(n) = field(pairs, "new_id") {
        shown.new_id = n.to_string();
    }
    if let Some(d) = field(pairs, "valid_from").and_then(|d| d.parse().ok()) {
        shown.valid_from = d;
    }
    let rewritten = match action {
        "check" => None,
        "impact" => {
            let cost = field(pairs, "cost");
            shown.cost = cost.unwrap_or_default().to_string();
            shown.impact = Some(impact_of(
                server,
                user,
                store,
                id,
                &shown.checked,
                cost,
                lang,
            )?);
            None
        }
        "version" => Some(editor::start_version(
            &file,
            &text,
            &shown.new_id,
            shown.valid_from,
            &ctx,
        )?),
        "declare" => Some(declared(&shown, pairs, &ctx)?),
        "save" => {
            let saved = programme_history::save(store, &file, &text, &ctx)?;
            server.catalogue.follow(store);
            shown.notice = Some(html! { p.notice role="status" {
                (t(lang, "Bewaard als nummer ", "Enregistré sous le numéro ", "Saved as number ")) (saved.seq)
                (t(lang, "; het programma geldt zo vanaf nu. Versies: ", " ; le programme s'applique ainsi dès maintenant. Versions : ", "; the programme applies as such from now on. Versions: "))
                (saved.versions.join(", "))
            } });
            None
        }
        _ => return Err(Failure::not_found()),
    };
    if let Some(text) = rewritten {
        let mut again = shown_for(server, user, id, file, text)?;
        again.new_id = shown.new_id;
        again.valid_from = shown.valid_from;
        shown = again;
    }
    Ok((StatusCode::OK, shown))
}

/// `POST /programmes/{id}/edit/{action}`: check, impact, version, declare or save. Writing
/// into the text and saving are for coordinators — checked before the form is read; the
/// impact waits for a turn to simulate.
pub async fn editor_action(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    bytes: Bytes,
) -> Response {
    let path = format!("/programmes/{id}/edit");
    // The impact forecasts: in turn with the other simulations (503 when none comes free).
    let _turn = if action == "impact" {
        match crate::auth::computing(&s, &headers, Need::Figures).await {
            Ok(turn) => Some(turn),
            Err(f) => return failure_response(&path, &headers, f),
        }
    } else {
        None
    };
    let done = as_user(&s, &headers, move |server, user, store| {
        if matches!(action.as_str(), "version" | "declare" | "save") {
            user.ctx(server.today()).require(Need::EditProgrammes)?;
        }
        crate::api::served(server, user, &id)?;
        let pairs = form_pairs(&bytes)?;
        checked_form(user, &pairs)?;
        let lang = reader_lang(server, user, &id);
        match act(server, user, store, &id, &action, &pairs) {
            Ok((status, shown)) => Ok(html_page(status, editor_page(&shown, server, user, lang))),
            Err(f)
                if f.status.is_client_error()
                    && f.status != StatusCode::FORBIDDEN
                    && f.status != StatusCode::NOT_FOUND =>
            {
                // The refusal on the page, the text as it was sent.
                let (file, text) = sent_text(&pairs);
                let mut shown = shown_for(server, user, &id, file, text)?;
                shown.notice = Some(super::problem(&f, lang));
                Ok(html_page(f.status, editor_page(&shown, server, user, lang)))
            }
            Err(f) => Err(f),
        }
    })
    .await;
    answered(done, &path, &headers)
}

/// `POST /programmes/{id}/check`: the check alone, for the page's script as the text changes.
pub async fn editor_check(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    let path = format!("/programmes/{id}/check");
    let done = as_user(&s, &headers, move |server, user, _| {
        let pairs = form_pairs(&bytes)?;
        checked_form(user, &pairs)?;
        let (file, text) = sent_text(&pairs);
        let checked = editor::check(&file, &text, &user.ctx(server.today()))?;
        Ok(
            Html(check_section(&checked, reader_lang(server, user, &id)).into_string())
                .into_response(),
        )
    })
    .await;
    answered(done, &path, &headers)
}

/// `GET /programmes/{id}/history`: every saved text, who saved it and what it changed.
pub async fn history(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/programmes/{id}/history");
    let done = as_user(&s, &headers, move |server, user, store| {
        let lang = reader_lang(server, user, &id);
        let body = match programme_history::history(store, &id, &user.ctx(server.today())) {
            Ok(entries) => html! { pre.history tabindex="0" { (traject_render::diff::history_text(&entries, lang)) } },
            Err(traject_app::AppError::History(traject_app::HistoryError::NothingSaved { .. })) => html! {
                p { (t(lang, "Er is nog geen tekst van dit programma bewaard: het programma is dat van zijn bestand.", "Aucun texte de ce programme n'est encore enregistré : le programme est celui de son fichier.", "No text of this programme is saved yet: the programme is its file's.")) }
            },
            Err(e) => return Err(e.into()),
        };
        let body = html! { (body) p { a href=(format!("/programmes/{id}/edit")) { (t(lang, "Naar de tekst", "Vers le texte", "To the text")) } } };
        let title = format!(
            "{} — {}",
            t(lang, "Geschiedenis", "Historique", "History"),
            programme_name(server, user, &id, lang)
        );
        Ok(html_page(StatusCode::OK, layout(lang, Some(user), &title, body)))
    })
    .await;
    answered(done, &path, &headers)
}
