//! The accessibility statement the Web Accessibility Directive (EU) 2016/2102 asks beside the
//! WCAG level: how far the pages conform, what is known not to, how it is checked, and how to
//! report a barrier — in Dutch, French and English, open to everyone, linked from every page.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::html;

use super::{browser_lang, layout, t, LangQuery};
use crate::auth::as_user;
use crate::failure::Failure;
use crate::Shared;

pub async fn statement(
    State(s): State<Shared>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    // Logged in: the page keeps the navigation and the person's language.
    let seen = as_user(&s, &headers, |_, user, _| Ok::<_, Failure>(user.clone())).await;
    let user = seen.ok();
    let lang = q
        .lang
        .or(user.as_ref().and_then(|u| u.lang))
        .unwrap_or_else(|| browser_lang(&headers));
    let title = t(
        lang,
        "Toegankelijkheidsverklaring",
        "Déclaration d'accessibilité",
        "Accessibility statement",
    );
    let body = html! {
        p { (t(lang,
            "Het OCMW wil dat iedereen in het team traject kan gebruiken, met of zonder muis, met een schermlezer of vergroting. Deze verklaring geldt voor de pagina's van traject.",
            "Le CPAS veut que chacun dans l'équipe puisse utiliser traject, avec ou sans souris, avec un lecteur d'écran ou un agrandissement. Cette déclaration vaut pour les pages de traject.",
            "The OCMW/CPAS wants everyone in the team to be able to use traject, with or without a mouse, with a screen reader or magnification. This statement covers traject's pages.")) }
        h2 { (t(lang, "Nalevingsstatus", "État de conformité", "Conformance status")) }
        p { (t(lang,
            "De pagina's zijn gedeeltelijk conform met de WCAG 2.1 op niveau AA (EN 301 549): elke pagina wordt bij elke wijziging voor elke rol, in het Nederlands en het Frans, automatisch getoetst met axe-core (0 overtredingen van de regels voor A en AA), en het werk van intake tot afsluiten wordt met enkel het toetsenbord getest. Een automatische toets vindt niet alles; een volledige audit door een deskundige is nog niet gebeurd.",
            "Les pages sont partiellement conformes aux WCAG 2.1 niveau AA (EN 301 549) : à chaque modification, chaque page est testée automatiquement avec axe-core pour chaque rôle, en néerlandais et en français (0 violation des règles A et AA), et le travail de l'orientation à la clôture est testé au clavier seul. Un test automatique ne trouve pas tout ; un audit complet par un expert n'a pas encore eu lieu.",
            "The pages partially conform to WCAG 2.1 level AA (EN 301 549): on every change each page is checked automatically with axe-core for each role, in Dutch and French (0 violations of the A and AA rules), and the work from intake to closing is tested with the keyboard only. An automatic check does not find everything; a full audit by an expert has not been done yet.")) }
        h2 { (t(lang, "Wat nog niet toegankelijk is", "Ce qui n'est pas encore accessible", "What is not yet accessible")) }
        ul {
            li { (t(lang,
                "De grafieken van de wat-als-simulatie zijn afbeeldingen; dezelfde cijfers staan in een tabel eronder.",
                "Les graphiques de la simulation « et si » sont des images ; les mêmes chiffres figurent dans un tableau en dessous.",
                "The what-if charts are images; the same figures are in a table below them.")) }
            li { (t(lang,
                "De programmatekst (YAML) en de verschillen tussen versies worden als vooraf opgemaakte tekst getoond, met de sleutels van het bestand.",
                "Le texte du programme (YAML) et les différences entre versions sont affichés en texte préformaté, avec les clés du fichier.",
                "The programme text (YAML) and the differences between versions are shown as preformatted text, with the file's keys.")) }
            li { (t(lang,
                "Datumvelden tonen de datum zoals de browser ze instelt; kies in de browser Nederlands of Frans om de dag eerst te zien.",
                "Les champs de date suivent le réglage du navigateur ; choisissez le français ou le néerlandais dans le navigateur pour voir le jour en premier.",
                "Date fields follow the browser's setting; choose Dutch or French in the browser to see the day first.")) }
            li { (t(lang,
                "Rapporten om te downloaden (CSV, Excel) volgen de kolommen van de financiers, niet de taal van de lezer.",
                "Les rapports à télécharger (CSV, Excel) suivent les colonnes des financeurs, pas la langue du lecteur.",
                "Downloadable reports (CSV, Excel) follow the funders' columns, not the reader's language.")) }
        }
        h2 { (t(lang, "Een drempel melden", "Signaler un obstacle", "Reporting a barrier")) }
        p { (t(lang,
            "Loopt u vast op een pagina? Meld het aan de informaticadienst van uw OCMW, met de pagina, wat u wilde doen en welk hulpmiddel u gebruikt. U krijgt binnen vijf werkdagen antwoord en, tot het opgelost is, een andere weg om hetzelfde te doen.",
            "Vous êtes bloqué sur une page ? Signalez-le au service informatique de votre CPAS, avec la page, ce que vous vouliez faire et l'outil que vous utilisez. Vous recevez une réponse dans les cinq jours ouvrables et, en attendant la solution, une autre façon de faire la même chose.",
            "Stuck on a page? Tell your OCMW/CPAS's IT department, with the page, what you wanted to do and which assistive tool you use. You get an answer within five working days and, until it is solved, another way to do the same.")) }
        p { (t(lang,
            "Bent u niet tevreden met het antwoord, dan kunt u terecht bij de ombudsdienst van uw gewest (Vlaamse Ombudsdienst, Médiateur de Wallonie en de la Fédération Wallonie-Bruxelles, of de ombudsdienst van het Brussels Hoofdstedelijk Gewest).",
            "Si la réponse ne vous satisfait pas, vous pouvez vous adresser au médiateur de votre région (Médiateur de Wallonie et de la Fédération Wallonie-Bruxelles, Vlaamse Ombudsdienst, ou le service de médiation de la Région de Bruxelles-Capitale).",
            "If the answer does not satisfy you, you can turn to your region's ombudsman (Vlaamse Ombudsdienst, Médiateur de Wallonie et de la Fédération Wallonie-Bruxelles, or the Brussels-Capital Region's ombudsman).")) }
        p.help { (t(lang, "Opgesteld op 06/12/2026, bij versie", "Établie le 06/12/2026, pour la version", "Drawn up on 06/12/2026, for version")) " " (env!("CARGO_PKG_VERSION")) "." }
    };
    let page = layout(lang, user.as_ref(), title, body);
    (StatusCode::OK, Html(page.into_string())).into_response()
}
