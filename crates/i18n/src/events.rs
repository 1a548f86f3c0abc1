//! What an event of a case's history recorded, as a person reads it: each stored detail by its
//! name in the reader's language ("beslissing: verlengen"), codes by their labels, dates day
//! first, numbers with a decimal comma. Hashes and the referral itself are left out (the case
//! file shows them elsewhere); empty details are not shown. The stored JSON stays as it is for
//! `--format json`, the API and the access export.

use serde_json::Value;

use super::{number, say, stored_date, vocabulary, Lang};

/// The name of a detail an event records, or `None` for one not shown to people.
fn detail_name(key: &str, lang: Lang) -> Option<&'static str> {
    let w = |nl, fr, en| Some(say(lang, nl, fr, en));
    match key {
        "referral" | "from_hash" | "to_hash" => None,
        "verdict" => w("oordeel", "verdict", "verdict"),
        "verdict_before" => w("oordeel ervoor", "verdict avant", "verdict before"),
        "facts" => w("gegevens", "données", "facts"),
        "rules" => w("regels", "règles", "rules"),
        "version" => w("versie", "version", "version"),
        "not_passed" => w("niet voldaan", "non remplies", "not passed"),
        "funding" => w("financiering", "financement", "funding"),
        "track" => w("traject", "parcours", "track"),
        "position" => w("plaats", "position", "position"),
        "capacity" => w("capaciteit", "capacité", "capacity"),
        "changed" => w("gewijzigd", "modifié", "changed"),
        "ends_on" => w("einde", "fin", "ends"),
        "evaluation" => w("evaluatie", "évaluation", "evaluation"),
        "decision" => w("beslissing", "décision", "decision"),
        "goals" => w("doelen", "objectifs", "goals"),
        "score" => w("score", "score", "score"),
        "scheduled_for" => w("gepland op", "prévue le", "scheduled for"),
        "extended_until" => w("verlengd tot", "prolongé jusqu'au", "extended until"),
        "outcome" => w("uitstroom", "sortie", "outcome"),
        "module" => w("module", "module", "module"),
        "group" => w("groep", "groupe", "group"),
        "from_version" => w("van versie", "de la version", "from version"),
        "to_version" => w("naar versie", "vers la version", "to version"),
        "reason" => w("reden", "raison", "reason"),
        "from_waiting_list" => w(
            "van de wachtlijst",
            "de la liste d'attente",
            "from the waiting list",
        ),
        "slot_freed_on" => w("plaats vrij op", "place libérée le", "slot freed on"),
        "resume_by" => w("hervatten uiterlijk", "reprise au plus tard", "resume by"),
        "paused_days" => w("dagen gepauzeerd", "jours de pause", "days paused"),
        "place_freed" => w("plaats vrijgegeven", "place libérée", "place freed"),
        "redacted" => w(
            "vrije tekst gewist",
            "texte libre effacé",
            "free text erased",
        ),
        "erased_on" => w("gewist op", "effacé le", "erased on"),
        "kind" => w("soort", "type", "kind"),
        "minutes" => w("minuten", "minutes", "minutes"),
        "note" => w("notitie", "note", "note"),
        "session" => w("groepssessie", "séance de groupe", "group session"),
        "presence" => w("aanwezigheid", "présence", "attendance"),
        "day" => w("dag", "jour", "day"),
        "at_minute" => None,
        _ => Some(""),
    }
}

/// One stored value as a reader writes it.
fn value_text(v: &Value, lang: Lang) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(
            say(
                lang,
                if *b { "ja" } else { "nee" },
                if *b { "oui" } else { "non" },
                if *b { "yes" } else { "no" },
            )
            .to_string(),
        ),
        Value::Number(n) => n.as_f64().map(|x| number(x, lang)),
        Value::String(s) => {
            Some(stored_date(s, lang).unwrap_or_else(|| {
                vocabulary::any(s, lang).map_or_else(|| s.clone(), str::to_string)
            }))
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(|i| value_text(i, lang)).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .filter_map(|(k, v)| Some(format!("{k} {}", value_text(v, lang)?)))
                .collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
    }
}

/// A rule's outcome as a reader says it.
fn outcome_word(outcome: &str, lang: Lang) -> &'static str {
    match outcome {
        "pass" => say(lang, "voldaan", "remplie", "met"),
        "fail" => say(lang, "niet voldaan", "non remplie", "not met"),
        _ => say(lang, "onbekend", "inconnue", "unknown"),
    }
}

/// Details that read better than a stored value in words: facts by their field labels, rule
/// changes as "rule: before → after".
fn special_text(key: &str, v: &Value, lang: Lang) -> Option<String> {
    let items = v.as_array()?;
    let parts: Vec<String> = match key {
        "facts" => items
            .iter()
            .filter_map(Value::as_str)
            .map(|f| vocabulary::field_label(f, lang))
            .collect(),
        "rules" => items
            .iter()
            .filter_map(|r| {
                let (rule, from, to) = (r.get("rule")?, r.get("from")?, r.get("to")?);
                Some(format!(
                    "{} ({} → {})",
                    rule.as_str()?,
                    outcome_word(from.as_str()?, lang),
                    outcome_word(to.as_str()?, lang)
                ))
            })
            .collect(),
        _ => return None,
    };
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The details of an event's payload, "name: value" joined by "; " (empty when none); French
/// puts a space before the colon and the semicolon.
pub fn details(payload: &Value, lang: Lang) -> String {
    let Some(map) = payload.as_object() else {
        return String::new();
    };
    let (colon, between) = say(lang, (": ", "; "), ("\u{a0}: ", "\u{a0}; "), (": ", "; "));
    map.iter()
        .filter_map(|(key, v)| {
            let name = detail_name(key, lang)?;
            let text = special_text(key, v, lang).or_else(|| value_text(v, lang))?;
            Some(if name.is_empty() {
                format!("{key}{colon}{text}")
            } else {
                format!("{name}{colon}{text}")
            })
        })
        .collect::<Vec<_>>()
        .join(between)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn details_read_as_words_with_codes_labelled_and_hashes_left_out() {
        let p = json!({"verdict": "eligible", "version": "2022", "not_passed": [], "from_hash": "ab12", "scheduled_for": "2024-06-01", "score": 3.5, "decision": null});
        assert_eq!(
            details(&p, Lang::Nl),
            "oordeel: toelaatbaar; versie: 2022; gepland op: 01/06/2024; score: 3,5"
        );
        assert_eq!(
            details(&p, Lang::En),
            "verdict: eligible; version: 2022; scheduled for: 2024-06-01; score: 3.5"
        );
        assert_eq!(
            details(&json!({"custom": true}), Lang::Fr),
            "custom\u{a0}: oui"
        );
    }
}
