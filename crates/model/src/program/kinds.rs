//! The registry of built-in rule kinds: their names and the parameters each one takes. The
//! loader asks this registry to check every rule so a wrong kind or parameter is a located
//! load error ("did you mean"), never a surprise when a referral is checked.

use serde_json::Value;

use crate::diag::suggestion_in;
use crate::vocab::{BOOL_FIELDS, EDUCATION_LEVELS, INCOME_SUPPORT, RESIDENCE_STATUSES};
use traject_i18n::Lang;

/// Every rule kind the engine knows; `expr` and `script` hand the decision to Rhai.
pub const KINDS: &[&str] = &[
    "min_age",
    "max_age",
    "nationality_in",
    "nationality_not_in",
    "residence_status_in",
    "residence_ocmw_in",
    "income_support_in",
    "flag_true",
    "flag_false",
    "language_level_at_least",
    "language_level_at_most",
    "education_in",
    "expr",
    "script",
];

/// Check a rule's parameters for its kind. `Err` is the message in the reader's language
/// (keys and codes stay as written in the file); the caller locates it.
pub fn check_params(
    kind: &str,
    field: Option<&str>,
    value: Option<&Value>,
    lang: Lang,
) -> Result<(), String> {
    let say = |en: String, nl: String, fr: String| match lang {
        Lang::En => en,
        Lang::Nl => nl,
        Lang::Fr => fr,
    };
    check_field(kind, field, lang)?;
    let needs_value = |what_en: &str, what_nl: &str, what_fr: &str| {
        Err(say(
            format!("rule kind '{kind}' needs `value:` {what_en}"),
            format!("regelsoort '{kind}' heeft `value:` nodig {what_nl}"),
            format!("la sorte de règle «\u{a0}{kind}\u{a0}» demande `value:` {what_fr}"),
        ))
    };
    if let Some(checked) = check_list_kind(kind, value, lang) {
        return checked;
    }
    match kind {
        "flag_true" | "flag_false" => match value {
            None => Ok(()),
            Some(_) => Err(say(
                format!("rule kind '{kind}' takes no `value:`"),
                format!("regelsoort '{kind}' neemt geen `value:`"),
                format!("la sorte de règle «\u{a0}{kind}\u{a0}» ne prend pas de `value:`"),
            )),
        },
        "min_age" | "max_age" => match value.and_then(Value::as_u64) {
            Some(n) if n <= 130 => Ok(()),
            _ => needs_value(
                "as a whole number of years, e.g. 18",
                "als een geheel aantal jaren, bv. 18",
                "en nombre entier d'années, p. ex. 18",
            ),
        },
        "language_level_at_least" | "language_level_at_most" => match value.and_then(Value::as_str) {
            Some(s) if crate::vocab::language_rank(s).is_some() => Ok(()),
            _ => needs_value(
                "as a language level in quotes: \"1.1\", \"1.2\", … or \"A1\", \"A2\", …",
                "als taalniveau tussen aanhalingstekens: \"1.1\", \"1.2\", … of \"A1\", \"A2\", …",
                "comme niveau de langue entre guillemets : \"1.1\", \"1.2\", … ou \"A1\", \"A2\", …",
            ),
        },
        "expr" => match value.and_then(Value::as_str) {
            Some(s) if !s.trim().is_empty() => Ok(()),
            _ => needs_value(
                "with a Rhai expression, e.g. \"age >= 18\"",
                "met een Rhai-uitdrukking, bv. \"age >= 18\"",
                "avec une expression Rhai, p. ex. \"age >= 18\"",
            ),
        },
        "script" => match value.and_then(Value::as_str) {
            Some(s) if !s.trim().is_empty() => Ok(()),
            _ => needs_value(
                "with a script name from scripts/ (without .rhai)",
                "met de naam van een script uit scripts/ (zonder .rhai)",
                "avec le nom d'un script de scripts/ (sans .rhai)",
            ),
        },
        _ => {
            let mean = suggestion_in(kind, KINDS.iter().copied(), lang);
            Err(say(
                format!("unknown rule kind '{kind}'{mean}"),
                format!("onbekende regelsoort '{kind}'{mean}"),
                format!("sorte de règle inconnue «\u{a0}{kind}\u{a0}»{mean}"),
            ))
        }
    }
}

/// The kinds whose `value:` is a list of codes; `None` for the other kinds.
fn check_list_kind(kind: &str, value: Option<&Value>, lang: Lang) -> Option<Result<(), String>> {
    Some(match kind {
        "nationality_in" | "nationality_not_in" => list_of(
            value,
            kind,
            lang,
            [
                "ISO 3166-1 alpha-2 codes or EU, e.g. [EU] or [SY, AF]",
                "ISO 3166-1-alpha-2-codes of EU, bv. [EU] of [SY, AF]",
                "codes ISO 3166-1 alpha-2 ou EU, p. ex. [EU] ou [SY, AF]",
            ],
            |s| s == "EU" || (s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())),
        ),
        "residence_status_in" => {
            let codes = RESIDENCE_STATUSES.join(", ");
            list_of(value, kind, lang, [&codes, &codes, &codes], |s| {
                RESIDENCE_STATUSES.contains(&s)
            })
        }
        "income_support_in" => {
            let codes = INCOME_SUPPORT.join(", ");
            list_of(value, kind, lang, [&codes, &codes, &codes], |s| {
                INCOME_SUPPORT.contains(&s)
            })
        }
        "education_in" => {
            let codes = EDUCATION_LEVELS.join(", ");
            list_of(value, kind, lang, [&codes, &codes, &codes], |s| {
                EDUCATION_LEVELS.contains(&s)
            })
        }
        "residence_ocmw_in" => list_of(
            value,
            kind,
            lang,
            [
                "lower-case OCMW names as referrals write residence_ocmw",
                "OCMW-namen in kleine letters, zoals aanmeldingen residence_ocmw schrijven",
                "noms de CPAS en minuscules, comme les orientations écrivent residence_ocmw",
            ],
            |s| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
            },
        ),
        _ => return None,
    })
}

/// Whether the rule's kind takes a `field:`, and that it names a yes/no referral field.
fn check_field(kind: &str, field: Option<&str>, lang: Lang) -> Result<(), String> {
    let say = |en: String, nl: String, fr: String| match lang {
        Lang::En => en,
        Lang::Nl => nl,
        Lang::Fr => fr,
    };
    let needs_field = matches!(kind, "flag_true" | "flag_false");
    match (needs_field, field) {
        (true, None) => {
            Err(say(
                format!("rule kind '{kind}' needs `field:` (a yes/no referral field such as in_art60)"),
                format!("regelsoort '{kind}' heeft `field:` nodig (een ja/nee-veld van de aanmelding, zoals in_art60)"),
                format!("la sorte de règle «\u{a0}{kind}\u{a0}» demande `field:` (un champ oui/non de l'orientation, comme in_art60)"),
            ))
        }
        (false, Some(_)) => {
            Err(say(
                format!("rule kind '{kind}' takes no `field:`"),
                format!("regelsoort '{kind}' neemt geen `field:`"),
                format!("la sorte de règle «\u{a0}{kind}\u{a0}» ne prend pas de `field:`"),
            ))
        }
        (true, Some(f)) if !BOOL_FIELDS.contains(&f) => {
            let mean = suggestion_in(f, BOOL_FIELDS.iter().copied(), lang);
            Err(say(
                format!("'{f}' is not a yes/no referral field{mean}"),
                format!("'{f}' is geen ja/nee-veld van de aanmelding{mean}"),
                format!("«\u{a0}{f}\u{a0}» n'est pas un champ oui/non de l'orientation{mean}"),
            ))
        }
        _ => Ok(()),
    }
}

/// `value:` as a non-empty list of accepted items; `what` in English, Dutch and French.
fn list_of(
    value: Option<&Value>,
    kind: &str,
    lang: Lang,
    what: [&str; 3],
    ok: impl Fn(&str) -> bool,
) -> Result<(), String> {
    let [en, nl, fr] = what;
    let Some(items) = value.and_then(Value::as_array) else {
        return Err(match lang {
            Lang::En => format!("rule kind '{kind}' needs `value:` as a list of {en}"),
            Lang::Nl => format!("regelsoort '{kind}' heeft `value:` nodig als lijst van {nl}"),
            Lang::Fr => format!("la sorte de règle «\u{a0}{kind}\u{a0}» demande `value:` sous forme de liste de {fr}"),
        });
    };
    if items.is_empty() {
        return Err(match lang {
            Lang::En => format!("rule kind '{kind}' needs a non-empty list of {en}"),
            Lang::Nl => format!("regelsoort '{kind}' heeft een niet-lege lijst van {nl} nodig"),
            Lang::Fr => {
                format!("la sorte de règle «\u{a0}{kind}\u{a0}» demande une liste non vide de {fr}")
            }
        });
    }
    for item in items {
        match item.as_str() {
            Some(s) if ok(s) => {}
            _ => {
                return Err(match lang {
                    Lang::En => format!("{item} is not accepted by '{kind}': use {en}"),
                    Lang::Nl => format!("{item} wordt niet aanvaard door '{kind}': gebruik {nl}"),
                    Lang::Fr => {
                        format!("{item} n'est pas accepté par «\u{a0}{kind}\u{a0}» : utilisez {fr}")
                    }
                })
            }
        }
    }
    Ok(())
}
