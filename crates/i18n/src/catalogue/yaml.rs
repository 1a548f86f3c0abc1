//! YAML itself: syntax, duplicate keys, what traject does not accept.

use traject_model::problem::YamlProblem as P;

use super::{m, q, Wording};
use crate::Lang;

const REUSE: [&str; 3] = [
    "schrijf de waarde voluit, of gebruik `based_on:` om een hele versie over te nemen",
    "écrivez la valeur en entier, ou utilisez `based_on:` pour reprendre toute une version",
    "write the value out in full, or use `based_on:` to reuse a whole version",
];
const DEPTH: [&str; 3] = [
    "een programmabestand heeft maar enkele niveaus nodig; kijk na of haakjes en inspringing kloppen",
    "un fichier de programme n'a besoin que de quelques niveaux ; vérifiez les crochets et l'indentation",
    "programme files need only a few levels; check for runaway brackets or indentation",
];

fn pick(l: Lang, t: [&str; 3]) -> String {
    m(l, t[0], t[1], t[2])
}

pub(super) fn words(p: &P, l: Lang) -> Wording {
    match p {
        P::Syntax { info, tab: true } => Wording::new(
            m(
                l,
                format!("YAML-syntaxis: {info}"),
                format!("syntaxe YAML : {info}"),
                format!("YAML syntax: {info}"),
            ),
            m(
                l,
                "spring in met spaties, nooit met tabs (laat je editor spaties invoegen)",
                "indentez avec des espaces, jamais des tabulations (réglez l'éditeur pour insérer des espaces)",
                "indent with spaces, never tabs (set your editor to insert spaces)",
            ),
        ),
        P::Syntax { info, tab: false } => Wording::new(
            m(
                l,
                format!("YAML-syntaxis: {info}"),
                format!("syntaxe YAML : {info}"),
                format!("YAML syntax: {info}"),
            ),
            m(
                l,
                "kijk inspringing, dubbele punten en aanhalingstekens na op deze regel en de vorige",
                "vérifiez l'indentation, les deux-points et les guillemets sur cette ligne et la précédente",
                "check indentation, colons and quotes on this line and the one before",
            ),
        ),
        P::NoDocument => Wording::bare(m(l, "bestand is leeg", "le fichier est vide", "file is empty")),
        P::TwoDocuments => Wording::new(
            m(
                l,
                "meer dan één YAML-document in dit bestand",
                "plus d'un document YAML dans ce fichier",
                "more than one YAML document in this file",
            ),
            m(
                l,
                "één programma per bestand; verwijder de extra `---`",
                "un seul programme par fichier ; supprimez le `---` en trop",
                "keep one programme per file; remove the extra `---`",
            ),
        ),
        P::Alias => Wording::new(
            m(
                l,
                "YAML-aliassen (*naam) worden niet ondersteund",
                "les alias YAML (*nom) ne sont pas acceptés",
                "YAML aliases (*name) are not supported",
            ),
            pick(l, REUSE),
        ),
        P::Anchor => Wording::new(
            m(
                l,
                "YAML-ankers (&naam) worden niet ondersteund",
                "les ancres YAML (&nom) ne sont pas acceptées",
                "YAML anchors (&name) are not supported",
            ),
            pick(l, REUSE),
        ),
        P::Tag { tag } => Wording::new(
            m(
                l,
                format!("YAML-tag {} wordt niet ondersteund", q(l, tag)),
                format!("l'étiquette YAML {} n'est pas acceptée", q(l, tag)),
                format!("YAML tag {} is not supported", q(l, tag)),
            ),
            m(
                l,
                "verwijder de tag; schrijf datums en getallen gewoon, tekst tussen aanhalingstekens",
                "supprimez l'étiquette ; écrivez dates et nombres tels quels, le texte entre guillemets",
                "remove the tag; write dates and numbers plainly, text in quotes",
            ),
        ),
        P::CollectionTag => Wording::new(
            m(
                l,
                "YAML-tags worden niet ondersteund",
                "les étiquettes YAML ne sont pas acceptées",
                "YAML tags are not supported",
            ),
            m(l, "verwijder de tag", "supprimez l'étiquette", "remove the tag"),
        ),
        P::DuplicateKey { key, first_line } => Wording::new(
            m(
                l,
                format!("sleutel {} staat er twee keer (eerst op regel {first_line})", q(l, key)),
                format!("la clé {} figure deux fois (d'abord à la ligne {first_line})", q(l, key)),
                format!("duplicate key {} (first written on line {first_line})", q(l, key)),
            ),
            m(
                l,
                "elke sleutel mag één keer voorkomen; voeg de twee samen",
                "chaque clé ne peut figurer qu'une fois ; fusionnez les deux entrées",
                "each key may appear once in a mapping; merge the two entries",
            ),
        ),
        P::TooDeep { max } => Wording::new(
            m(
                l,
                format!("document is meer dan {max} niveaus diep genest"),
                format!("le document est imbriqué sur plus de {max} niveaux"),
                format!("document is nested more than {max} levels deep"),
            ),
            pick(l, DEPTH),
        ),
        P::NestedTooDeeply { max } => Wording::new(
            m(
                l,
                format!("document is te diep genest (traject aanvaardt {max} niveaus)"),
                format!("le document est trop imbriqué (traject accepte {max} niveaux)"),
                format!("document is nested too deeply (traject accepts {max} levels)"),
            ),
            pick(l, DEPTH),
        ),
        P::KeyNotText => Wording::new(
            m(
                l,
                "sleutels moeten gewone tekst zijn, geen lijsten of mappings",
                "les clés doivent être du texte simple, pas des listes ni des tableaux",
                "keys must be plain text, not lists or mappings",
            ),
            m(
                l,
                "schrijf paren `naam: waarde` met een tekst als naam",
                "écrivez des paires `nom: valeur` dont le nom est un texte",
                "write `name: value` pairs with a text name",
            ),
        ),
    }
}
