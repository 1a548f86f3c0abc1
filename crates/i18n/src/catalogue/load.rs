//! Loading a programme: which one, its options, versions based on others, forms of values.

use traject_model::problem::LoadProblem as P;
use traject_model::program::VersionError;

use super::{m, meant, q, Wording};
use crate::{date, Lang};

fn choices(l: Lang, list: &[String]) -> String {
    let list = list.join(", ");
    m(
        l,
        format!("keuzes: {list}"),
        format!("choix : {list}"),
        format!("choices: {list}"),
    )
}

/// The choice as given from outside the file: `id=choice`.
fn given(option: &str, choice: &str) -> String {
    format!("{option}={choice}")
}

pub(super) fn words(p: &P, l: Lang) -> Wording {
    match p {
        P::UnknownProgramme {
            given: arg,
            bundled,
            nearest,
        } => {
            let (list, mean) = (bundled.join(", "), meant(nearest.as_deref(), l));
            Wording::new(
                m(
                    l,
                    format!("geen bestand met die naam, en geen meegeleverd programma {}{mean}", q(l, arg)),
                    format!("aucun fichier de ce nom, ni programme fourni {}{mean}", q(l, arg)),
                    format!("no such file, and no bundled programme {}{mean}", q(l, arg)),
                ),
                m(
                    l,
                    format!("meegeleverde programma's: {list}; of geef het pad naar een .yaml-bestand"),
                    format!("programmes fournis : {list} ; ou donnez le chemin d'un fichier .yaml"),
                    format!("bundled programmes: {list}; or give a path to a .yaml file"),
                ),
            )
        }
        P::NotServed {
            given,
            served,
            nearest,
        } => {
            let (list, mean) = (served.join(", "), meant(nearest.as_deref(), l));
            Wording::new(
                m(
                    l,
                    format!("programma {} wordt niet aangeboden{mean}", q(l, given)),
                    format!("le programme {} n'est pas servi{mean}", q(l, given)),
                    format!("no programme {} is served{mean}", q(l, given)),
                ),
                m(
                    l,
                    format!("aangeboden programma's: {list}"),
                    format!("programmes servis : {list}"),
                    format!("programmes served: {list}"),
                ),
            )
        }
        P::Form { detail } => Wording::new(
            m(
                l,
                format!("waarde in de verkeerde vorm: {detail}"),
                format!("valeur de forme incorrecte : {detail}"),
                detail.clone(),
            ),
            m(
                l,
                "verbeter de vorm van de waarde; `traject schema` toont wat elke sleutel aanvaardt",
                "corrigez la forme de la valeur ; `traject schema` montre ce que chaque clé accepte",
                "fix the value's form; `traject schema` prints what each key accepts",
            ),
        ),
        P::BadDefault {
            default,
            choices: list,
            nearest,
        } => {
            let mean = meant(nearest.as_deref(), l);
            Wording::new(
                m(
                    l,
                    format!("standaardkeuze {} is geen van de keuzes van deze optie{mean}", q(l, default)),
                    format!("le choix par défaut {} n'est pas un choix de cette option{mean}", q(l, default)),
                    format!("default {} is not one of this option's choices{mean}", q(l, default)),
                ),
                choices(l, list),
            )
        }
        P::NoSuchOption {
            option,
            choice,
            options,
            nearest,
        } => {
            let (g, mean) = (given(option, choice), meant(nearest.as_deref(), l));
            let list = |none: &str| {
                if options.is_empty() {
                    none.to_string()
                } else {
                    options.join(", ")
                }
            };
            Wording::new(
                m(
                    l,
                    format!("{g}: dit programma heeft geen optie {}{mean}", q(l, option)),
                    format!("{g} : ce programme n'a pas d'option {}{mean}", q(l, option)),
                    format!("{g}: this programme has no option {}{mean}", q(l, option)),
                ),
                m(
                    l,
                    format!("opties van dit programma: {}", list("geen")),
                    format!("options de ce programme : {}", list("aucune")),
                    format!("options of this programme: {}", list("none")),
                ),
            )
        }
        P::NotAChoiceGiven {
            option,
            choice,
            choices: list,
            nearest,
        } => {
            let (g, mean) = (given(option, choice), meant(nearest.as_deref(), l));
            Wording::new(
                m(
                    l,
                    format!("{g}: {} is geen keuze van optie {}{mean}", q(l, choice), q(l, option)),
                    format!("{g} : {} n'est pas un choix de l'option {}{mean}", q(l, choice), q(l, option)),
                    format!("{g}: {} is not a choice of option {}{mean}", q(l, choice), q(l, option)),
                ),
                choices(l, list),
            )
        }
        P::NotAChoice {
            option,
            choice,
            choices: list,
            nearest,
        } => {
            let mean = meant(nearest.as_deref(), l);
            Wording::new(
                m(
                    l,
                    format!("{} is geen keuze van optie {}{mean}", q(l, choice), q(l, option)),
                    format!("{} n'est pas un choix de l'option {}{mean}", q(l, choice), q(l, option)),
                    format!("{} is not a choice of option {}{mean}", q(l, choice), q(l, option)),
                ),
                choices(l, list),
            )
        }
        P::UndeclaredOption { option, nearest } => {
            let mean = meant(nearest.as_deref(), l);
            Wording::new(
                m(
                    l,
                    format!("optie {} staat niet onder `options:`{mean}", q(l, option)),
                    format!("l'option {} n'est pas déclarée sous `options:`{mean}", q(l, option)),
                    format!("option {} is not declared under `options:`{mean}", q(l, option)),
                ),
                m(
                    l,
                    "beschrijf de optie met haar keuzes bovenaan het bestand",
                    "déclarez l'option et ses choix en tête du fichier",
                    "declare the option with its choices at the top of the file",
                ),
            )
        }
        P::BasedOnUnknown {
            base,
            earlier,
            nearest,
        } => {
            let mean = meant(nearest.as_deref(), l);
            let list = earlier.join(", ");
            Wording::new(
                m(
                    l,
                    format!("based_on {} noemt geen eerdere versie{mean}", q(l, base)),
                    format!("based_on {} ne désigne pas une version antérieure{mean}", q(l, base)),
                    format!("based_on {} does not name an earlier version{mean}", q(l, base)),
                ),
                if earlier.is_empty() {
                    m(
                        l,
                        "de eerste versie kan niet op een andere steunen; schrijf haar onderdelen uit".to_string(),
                        "la première version ne peut reposer sur une autre ; écrivez ses sections en entier".to_string(),
                        "the first version cannot be based on another; write its sections out".to_string(),
                    )
                } else {
                    m(
                        l,
                        format!("eerdere versies: {list}"),
                        format!("versions antérieures : {list}"),
                        format!("earlier versions: {list}"),
                    )
                },
            )
        }
        P::MissingSection { section } => Wording::new(
            m(
                l,
                format!("versie mist onderdeel {}", q(l, section)),
                format!("il manque à la version la section {}", q(l, section)),
                format!("version is missing section {}", q(l, section)),
            ),
            m(
                l,
                format!("schrijf `{section}:` in deze versie, of voeg `based_on: <id van een eerdere versie>` toe om het daarvan over te nemen"),
                format!("écrivez `{section}:` dans cette version, ou ajoutez `based_on: <id d'une version antérieure>` pour la reprendre de celle-ci"),
                format!("write `{section}:` in this version, or add `based_on: <earlier version id>` to take it from there"),
            ),
        ),
    }
}

/// A programme version that does not exist or is not in force, in the reader's language.
pub fn version_error(e: &VersionError, l: Lang) -> String {
    let text = match e {
        VersionError::NotInForce {
            program,
            date: on,
            nearest,
            from,
            to,
        } => {
            let to = to.map_or_else(
                || m(l, "open einde", "sans fin", "open end").to_string(),
                |d| date(d, l),
            );
            let (on, from) = (date(*on, l), date(*from, l));
            m(
                l,
                format!("geen versie van {} is van kracht op {on}; de dichtstbije is versie {} ({from} tot {to})", q(l, program), q(l, nearest)),
                format!("aucune version de {} n'est en vigueur le {on} ; la plus proche est la version {} (du {from} au {to})", q(l, program), q(l, nearest)),
                format!("no version of {} is in force on {on}; the nearest is version {} ({from} to {to})", q(l, program), q(l, nearest)),
            )
        }
        VersionError::Unknown {
            program,
            asked,
            suggestion,
            known,
        } => {
            let (mean, list) = (meant(suggestion.as_deref(), l), known.join(", "));
            m(
                l,
                format!(
                    "programma {} heeft geen versie {}{mean}; versies: {list}",
                    q(l, program),
                    q(l, asked)
                ),
                format!(
                    "le programme {} n'a pas de version {}{mean} ; versions : {list}",
                    q(l, program),
                    q(l, asked)
                ),
                format!(
                    "programme {} has no version {}{mean}; versions: {list}",
                    q(l, program),
                    q(l, asked)
                ),
            )
        }
    };
    crate::prose(&text, l)
}
