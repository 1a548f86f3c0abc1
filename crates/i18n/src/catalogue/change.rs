//! Justified changes between versions.

use traject_model::problem::ChangeProblem as P;
use traject_model::program::changes::{ChangeKind, ChangeSection};

use super::{m, meant, Wording};
use crate::Lang;

/// What one item of a section is called: in English, and with its article in Dutch and
/// French ("de regel", "la règle").
fn item(s: ChangeSection) -> (&'static str, &'static str, &'static str) {
    match s {
        ChangeSection::Eligibility => ("rule", "de regel", "la règle"),
        ChangeSection::Tracks => ("track", "het traject", "le parcours"),
        ChangeSection::Modules => ("module", "de module", "le module"),
        ChangeSection::Evaluations => ("evaluation", "de evaluatie", "l'évaluation"),
        ChangeSection::Staffing => ("role", "de functie", "la fonction"),
        ChangeSection::Capacity => ("capacity", "de capaciteit", "la capacité"),
        ChangeSection::Funders => ("funder", "de financier", "le financeur"),
        ChangeSection::FundingSplit => ("cost category", "de kostensoort", "la catégorie de coûts"),
    }
}

pub(super) fn words(p: &P, l: Lang) -> Wording {
    match p {
        P::WithoutBase { version: vid } => Wording::new(
            m(
                l,
                format!("versie '{vid}' geeft wijzigingen op maar steunt niet (`based_on`) op een andere versie"),
                format!("la version «\u{a0}{vid}\u{a0}» déclare des changements mais ne repose (`based_on`) sur aucune autre version"),
                format!("version '{vid}' declares changes but is not `based_on` another version"),
            ),
            m(
                l,
                "verwijder `changes:`, of voeg `based_on: <id van een eerdere versie>` toe waartegenover ze wijzigingen zijn",
                "supprimez `changes:`, ou ajoutez `based_on: <id d'une version antérieure>` par rapport à laquelle ce sont des changements",
                "remove `changes:`, or add `based_on: <earlier version id>` that they are changes from",
            ),
        ),
        P::Undeclared {
            version,
            base,
            section,
            change,
            id,
        } => undeclared(version, base, *section, *change, id.as_deref(), l),
        P::DeclaredTwice { section, id } => {
            let (en, nl, fr) = item(*section);
            Wording::new(
                m(
                    l,
                    format!("{nl} '{id}' staat twee keer in `changes:`"),
                    format!("{fr} «\u{a0}{id}\u{a0}» est déclaré(e) deux fois dans `changes:`"),
                    format!("{en} '{id}' is declared twice in `changes:`"),
                ),
                m(l, "één element per item", "une seule entrée par élément", "keep one entry per item"),
            )
        }
        P::NeedsId { section } => {
            let (en, nl, fr) = item(*section);
            let s = section.as_str();
            Wording::new(
                m(
                    l,
                    format!("een wijziging van {s} heeft een `id` nodig"),
                    format!("un changement de {s} demande un `id`"),
                    format!("a change of {s} needs an `id`"),
                ),
                m(
                    l,
                    format!("noem {nl} waarover het gaat: `id: <id>`"),
                    format!("nommez {fr} dont il s'agit : `id: <id>`"),
                    format!("name the {en} it is about: `id: <id>`"),
                ),
            )
        }
        P::ReasonMissingSocietyText { language: lang } => Wording::new(
            m(
                l,
                format!("tekst ontbreekt in de taal van de samenleving '{lang}'"),
                format!("le texte manque dans la langue de la société «\u{a0}{lang}\u{a0}»"),
                format!("text is missing in the society language '{lang}'"),
            ),
            m(
                l,
                format!("voeg `{lang}: …` toe aan deze reden; andere talen vallen erop terug"),
                format!("ajoutez `{lang}: …` à ce motif ; les autres langues s'y replient"),
                format!("add `{lang}: …` to this reason; other languages fall back to it"),
            ),
        ),
        P::WrongChange {
            section,
            id,
            said,
            is,
            version: vid,
            base,
        } => {
            let (en, nl, fr) = item(*section);
            let (said, is) = (said.as_str(), is.as_str());
            Wording::new(
                m(
                    l,
                    format!("{nl} '{id}' staat als {said}, maar versie '{vid}' heeft het {is} tegenover versie '{base}'"),
                    format!("{fr} «\u{a0}{id}\u{a0}» est déclaré(e) {said}, mais la version «\u{a0}{vid}\u{a0}» l'a {is} par rapport à la version «\u{a0}{base}\u{a0}»"),
                    format!("{en} '{id}' is declared {said}, but version '{vid}' has it {is} against version '{base}'"),
                ),
                m(
                    l,
                    format!("schrijf `change: {is}`"),
                    format!("écrivez `change: {is}`"),
                    format!("write `change: {is}`"),
                ),
            )
        }
        P::NoDifference {
            section,
            id,
            said,
            version: vid,
            base,
            nearest,
        } => {
            let (en, nl, fr) = item(*section);
            let (said, mean) = (said.as_str(), meant(nearest.as_deref(), l));
            Wording::new(
                m(
                    l,
                    format!("{nl} '{id}' staat als {said}, maar is in versie '{vid}' hetzelfde als in versie '{base}'{mean}"),
                    format!("{fr} «\u{a0}{id}\u{a0}» est déclaré(e) {said}, mais est identique dans la version «\u{a0}{vid}\u{a0}» et la version «\u{a0}{base}\u{a0}»{mean}"),
                    format!("{en} '{id}' is declared {said}, but it is the same in version '{vid}' as in version '{base}'{mean}"),
                ),
                m(
                    l,
                    "verwijder het element; alleen wat verschilt van de basisversie wordt opgegeven (teksten en bronnen niet)",
                    "supprimez l'entrée ; seul ce qui diffère de la version de base est déclaré (pas les textes ni les sources)",
                    "remove the entry; only what differs from the base version is declared (texts and sources need no entry)",
                ),
            )
        }
    }
}

/// A difference no `changes:` entry declares, with the entry that would declare it.
fn undeclared(
    vid: &str,
    base: &str,
    section: ChangeSection,
    change: ChangeKind,
    id: Option<&str>,
    l: Lang,
) -> Wording {
    let (en_item, nl_item, fr_item) = item(section);
    let shown = id.map(|i| format!(" '{i}'")).unwrap_or_default();
    let fr_shown = id
        .map(|i| format!(" «\u{a0}{i}\u{a0}»"))
        .unwrap_or_default();
    let id_key = id.map(|i| format!("id: {i}, ")).unwrap_or_default();
    let entry = format!(
        "`changes: [{{section: {}, {id_key}change: {}, source: \"<seed:line>\", reason: {{…}}}}]`",
        section.as_str(),
        change.as_str()
    );
    let (en_verb, nl_verb, fr_verb) = match change {
        ChangeKind::Added => ("adds", "voegt", "ajoute"),
        ChangeKind::Removed => ("removes", "verwijdert", "retire"),
        ChangeKind::Changed => ("changes", "wijzigt", "modifie"),
    };
    let (en_against, nl_against, fr_against) = match change {
        ChangeKind::Added => (
            format!(", which version '{base}' (its `based_on`) does not have,"),
            format!(" toe, die versie '{base}' (haar `based_on`) niet heeft,"),
            format!(", qui n'existe pas dans la version «\u{a0}{base}\u{a0}» (son `based_on`),"),
        ),
        _ => (
            format!(" of version '{base}' (its `based_on`)"),
            format!(" van versie '{base}' (haar `based_on`)"),
            format!(" de la version «\u{a0}{base}\u{a0}» (son `based_on`)"),
        ),
    };
    let (en_undo, nl_undo, fr_undo) = match change {
        ChangeKind::Removed => (
            format!("restore the {en_item}"),
            format!("zet {nl_item} terug"),
            format!("rétablissez {fr_item}"),
        ),
        ChangeKind::Added => (
            format!("remove the {en_item}"),
            format!("verwijder {nl_item}"),
            format!("supprimez {fr_item}"),
        ),
        ChangeKind::Changed => (
            format!("write the {en_item} as in version '{base}'"),
            format!("schrijf {nl_item} zoals in versie '{base}'"),
            format!("écrivez {fr_item} comme dans la version «\u{a0}{base}\u{a0}»"),
        ),
    };
    Wording::new(
        m(
            l,
            format!("versie '{vid}' {nl_verb} {nl_item}{shown}{nl_against} zonder te zeggen waarom"),
            format!("la version «\u{a0}{vid}\u{a0}» {fr_verb} {fr_item}{fr_shown}{fr_against} sans dire pourquoi"),
            format!("version '{vid}' {en_verb} {en_item}{shown}{en_against} without saying why"),
        ),
        m(
            l,
            format!("voeg toe aan versie '{vid}': {entry}, of {nl_undo}"),
            format!("ajoutez à la version «\u{a0}{vid}\u{a0}» : {entry}, ou {fr_undo}"),
            format!("add to version '{vid}': {entry}, or {en_undo}"),
        ),
    )
}
