//! A programme file against its JSON Schema.

use serde_json::Value;
use traject_model::problem::{JsonType, SchemaHint, SchemaProblem as P};

use super::{m, meant, q, Wording};
use crate::Lang;

/// The schema's description in the reader's language, else in English.
fn hint(h: &Option<SchemaHint>, l: Lang) -> Option<String> {
    let h = h.as_ref()?;
    let local = match l {
        Lang::Nl => h.nl.as_ref(),
        Lang::Fr => h.fr.as_ref(),
        Lang::En => None,
    };
    Some(local.unwrap_or(&h.en).clone())
}

/// A value found in a file, as a reader names it ("the number 3", « x », "a list").
pub fn described(v: &Value, l: Lang) -> String {
    let quoted = |s: &str| -> String {
        let short: String = s.chars().take(40).collect();
        let more = if s.chars().count() > 40 { "…" } else { "" };
        match l {
            Lang::Fr => format!("«\u{a0}{short}{more}\u{a0}»"),
            _ => format!("'{short}'{more}"),
        }
    };
    match v {
        Value::Null => m(l, "niets (null)", "rien (null)", "nothing (null)").to_string(),
        Value::Bool(b) => match l {
            Lang::Fr => format!("«\u{a0}{b}\u{a0}» (true/false)"),
            _ => format!("'{b}' (true/false)"),
        },
        Value::Number(n) => m(
            l,
            format!("het getal {n}"),
            format!("le nombre {n}"),
            format!("the number {n}"),
        ),
        Value::String(s) => match l {
            // Dutch keeps the ellipsis inside the quotes, as it was written before.
            Lang::Nl => {
                let short: String = s.chars().take(40).collect();
                let more = if s.chars().count() > 40 { "…" } else { "" };
                format!("'{short}{more}'")
            }
            _ => quoted(s),
        },
        Value::Array(_) => m(l, "een lijst", "une liste", "a list"),
        Value::Object(_) => m(l, "een mapping", "un tableau de clés", "a mapping"),
    }
}

fn readable(t: JsonType, l: Lang) -> String {
    match t {
        JsonType::Object => m(
            l,
            "een mapping (regels sleutel: waarde)",
            "un tableau de clés (lignes clé: valeur)",
            "a mapping (key: value lines)",
        ),
        JsonType::Array => m(l, "een lijst", "une liste", "a list"),
        JsonType::String => m(l, "tekst", "du texte", "text"),
        JsonType::Number => m(l, "een getal", "un nombre", "a number"),
        JsonType::Integer => m(l, "een geheel getal", "un nombre entier", "a whole number"),
        JsonType::Boolean => m(l, "true of false", "true ou false", "true or false"),
        JsonType::Null => m(l, "niets (null)", "rien (null)", "nothing (null)"),
    }
}

pub(super) fn words(p: &P, l: Lang) -> Wording {
    match p {
        P::UnknownKey {
            key,
            allowed,
            nearest,
        } => {
            let list = allowed.join(", ");
            Wording::new(
                m(
                    l,
                    format!(
                        "onbekende sleutel {}{}",
                        q(l, key),
                        meant(nearest.as_deref(), l)
                    ),
                    format!("clé inconnue {}{}", q(l, key), meant(nearest.as_deref(), l)),
                    format!("unknown key {}{}", q(l, key), meant(nearest.as_deref(), l)),
                ),
                m(
                    l,
                    format!("sleutels die hier mogen: {list}"),
                    format!("clés admises ici : {list}"),
                    format!("allowed keys here: {list}"),
                ),
            )
        }
        P::MissingKey { key, hint: h } => {
            let local =
                |written: Option<&String>| written.map(|t| format!(" {t}")).unwrap_or_default();
            let help = match (l, h) {
                (Lang::En, Some(h)) => format!("add `{key}:` here. {}", h.en),
                (Lang::En, None) => format!("add `{key}:` to this entry"),
                (Lang::Nl, h) => format!(
                    "voeg hier `{key}:` toe.{}",
                    local(h.as_ref().and_then(|h| h.nl.as_ref()))
                ),
                (Lang::Fr, h) => format!(
                    "ajoutez `{key}:` ici.{}",
                    local(h.as_ref().and_then(|h| h.fr.as_ref()))
                ),
            };
            Wording::new(
                m(
                    l,
                    format!("sleutel {} ontbreekt", q(l, key)),
                    format!("la clé {} manque", q(l, key)),
                    format!("missing key {}", q(l, key)),
                ),
                help,
            )
        }
        P::WrongType {
            expected,
            found,
            hint: h,
        } => {
            let or = m(l, " of ", " ou ", " or ");
            let expected: Vec<String> = expected.iter().map(|t| readable(*t, l)).collect();
            let expected = expected.join(&or);
            let found = described(found, l);
            Wording::maybe(
                m(
                    l,
                    format!("verwacht: {expected}, gevonden: {found}"),
                    format!("attendu : {expected}, trouvé : {found}"),
                    format!("expected {expected}, found {found}"),
                ),
                hint(h, l),
            )
        }
        P::NotOneOf {
            found,
            options,
            nearest,
            hint: h,
        } => {
            let opts = options.join(", ");
            let found = described(found, l);
            let mean = meant(nearest.as_deref(), l);
            Wording::maybe(
                m(
                    l,
                    format!("{found} is niet een van: {opts}{mean}"),
                    format!("{found} n'est pas l'une des valeurs : {opts}{mean}"),
                    format!("{found} is not one of: {opts}{mean}"),
                ),
                hint(h, l),
            )
        }
        P::NotADate { found, hint: h } => Wording::maybe(
            format!(
                "{} {}",
                described(found, l),
                m(
                    l,
                    "is geen echte datum in de vorm JJJJ-MM-DD",
                    "n'est pas une vraie date de la forme AAAA-MM-JJ",
                    "is not a real date in the form YYYY-MM-DD"
                )
            ),
            hint(h, l),
        ),
        P::NotInForm { found, hint: h } => Wording::maybe(
            format!(
                "{} {}",
                described(found, l),
                m(
                    l,
                    "heeft niet de verwachte vorm",
                    "n'a pas la forme attendue",
                    "is not in the expected form"
                )
            ),
            hint(h, l),
        ),
        P::TooFewItems { min, hint: h } => Wording::maybe(
            match (l, *min) {
                (Lang::En, 1) => "this list needs at least 1 entry".to_string(),
                (Lang::En, n) => format!("this list needs at least {n} entries"),
                (Lang::Nl, 1) => "deze lijst heeft minstens 1 element nodig".to_string(),
                (Lang::Nl, n) => format!("deze lijst heeft minstens {n} elementen nodig"),
                (Lang::Fr, 1) => "cette liste doit compter au moins 1 élément".to_string(),
                (Lang::Fr, n) => format!("cette liste doit compter au moins {n} éléments"),
            },
            hint(h, l),
        ),
        P::NotAccepted { found, hint: h } => Wording::maybe(
            format!(
                "{} {}",
                described(found, l),
                m(
                    l,
                    "is hier geen aanvaarde waarde",
                    "n'est pas une valeur acceptée ici",
                    "is not an accepted value here"
                )
            ),
            hint(h, l),
        ),
        P::Other { validator, hint: h } => Wording::maybe(validator.clone(), hint(h, l)),
    }
}
