//! The vocabulary table (`schemas/vocabulary.json`, embedded): every coded referral value and
//! programme term with its label in Dutch, French and English, the aliases an office's export
//! may write for a coded value or a yes/no answer, and the singular and plural of the units
//! traject counts in. Read once; codes stay the keys in files and the API. Reading an office's
//! file uses every label and alias here; choosing the label a person reads is the front
//! ends' (`traject_i18n`).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

const TEXT: &str = include_str!("../../../../schemas/vocabulary.json");

/// A code's labels in the three languages, and the other words offices write for it.
#[derive(Debug, Deserialize)]
pub struct Entry {
    pub nl: String,
    pub fr: String,
    pub en: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Table {
    fields: BTreeMap<String, BTreeMap<String, Entry>>,
    booleans: BTreeMap<String, Vec<String>>,
    terms: BTreeMap<String, BTreeMap<String, Entry>>,
    units: BTreeMap<String, BTreeMap<String, [String; 2]>>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    // The file is part of the binary and covered by a test; a broken edit fails that test.
    TABLE.get_or_init(|| serde_json::from_str(TEXT).expect("schemas/vocabulary.json is valid"))
}

/// Every folded name of every code (the code, its labels, its aliases) → the code, per field;
/// and every folded yes/no word → its answer. Built once: a batch of millions of rows looks
/// up several cells each.
struct Index {
    codes: HashMap<&'static str, HashMap<String, &'static str>>,
    booleans: HashMap<String, bool>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let t = table();
        let codes = t
            .fields
            .iter()
            .map(|(field, list)| {
                let mut names = HashMap::new();
                for (code, e) in list {
                    let all = [code.as_str(), &e.nl, &e.fr, &e.en]
                        .into_iter()
                        .chain(e.aliases.iter().map(String::as_str));
                    for n in all {
                        names.entry(fold(n)).or_insert(code.as_str());
                    }
                }
                (field.as_str(), names)
            })
            .collect();
        let mut booleans = HashMap::new();
        for (answer, words) in [(true, "true"), (false, "false")] {
            for w in t.booleans.get(words).into_iter().flatten() {
                booleans.insert(fold(w), answer);
            }
        }
        Index { codes, booleans }
    })
}

/// Lower case, accents removed, inner blanks collapsed: how aliases are compared.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        let plain = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            '’' => '\'',
            '_' | '-' => ' ',
            c => c,
        };
        if plain.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(plain);
        }
    }
    out.trim_end().to_string()
}

/// The entry of a coded referral value, e.g. `income_support` `leefloon`.
pub fn field_value(field: &str, code: &str) -> Option<&'static Entry> {
    table().fields.get(field)?.get(code)
}

/// The entry of a programme term in one of the lists (`mode`, `module_kind`, `anchor`, …).
pub fn term(list: &str, code: &str) -> Option<&'static Entry> {
    table().terms.get(list)?.get(code)
}

/// A code's entry wherever it is found: referral values first (income before education, so a
/// bare `none` reads "none", not "no schooling"), then programme terms.
pub fn any(code: &str) -> Option<&'static Entry> {
    let t = table();
    [
        "income_support",
        "residence_status",
        "gender",
        "education_level",
    ]
    .iter()
    .filter_map(|f| t.fields.get(*f))
    .chain(t.fields.values())
    .chain(t.terms.values())
    .find_map(|list| list.get(code))
}

/// The code a cell means for a coded field: the code itself, a label or an alias in any of
/// the three languages (without case or accents). `None` when nothing matches.
pub fn code_for(field: &str, text: &str) -> Option<&'static str> {
    let list = table().fields.get(field)?;
    // Most cells already hold the code.
    if let Some((code, _)) = list.get_key_value(text) {
        return Some(code.as_str());
    }
    index().codes.get(field)?.get(&fold(text)).copied()
}

/// Suggestions for a cell that names no code: codes whose code, label or alias starts with
/// the text or is within two edits of it, best first.
pub fn suggest(field: &str, text: &str) -> Vec<&'static str> {
    let Some(list) = table().fields.get(field) else {
        return Vec::new();
    };
    let f = fold(text);
    if f.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, &'static str)> = Vec::new();
    for (code, e) in list {
        let names = std::iter::once(code.as_str())
            .chain([e.nl.as_str(), e.fr.as_str(), e.en.as_str()])
            .chain(e.aliases.iter().map(String::as_str));
        let best = names
            .map(|n| {
                let n = fold(n);
                if n.starts_with(&f) {
                    0
                } else {
                    strsim::levenshtein(&n, &f)
                }
            })
            .min()
            .unwrap_or(usize::MAX);
        if best <= 2 {
            scored.push((best, code.as_str()));
        }
    }
    scored.sort();
    scored.into_iter().map(|(_, c)| c).collect()
}

/// A yes/no answer in any of the three languages (`ja`, `oui`, `yes`, `1`, …).
pub fn boolean(text: &str) -> Option<bool> {
    match text {
        "true" => Some(true),
        "false" => Some(false),
        _ => index().booleans.get(&fold(text)).copied(),
    }
}

/// The accepted yes/no words, for a hint.
pub fn boolean_words() -> &'static str {
    "ja/nee, oui/non, yes/no, true/false or 1/0"
}

/// The singular and plural of a unit traject counts in, per language code (`nl`, `fr`, `en`).
pub fn unit_forms(unit: &str) -> Option<&'static BTreeMap<String, [String; 2]>> {
    table().units.get(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_reads_and_covers_every_coded_field() {
        for (field, kind) in crate::vocab::FIELDS {
            if let crate::vocab::FieldType::Choice(codes) = kind {
                for c in *codes {
                    assert!(field_value(field, c).is_some(), "{field} {c}");
                    assert_eq!(code_for(field, c), Some(*c), "a code is its own alias");
                }
            }
        }
    }

    #[test]
    fn aliases_in_three_languages_and_suggestions_by_prefix() {
        assert_eq!(code_for("gender", "V"), Some("female"));
        assert_eq!(code_for("gender", "femme"), Some("female"));
        assert_eq!(code_for("gender", "H"), Some("male"));
        assert_eq!(
            code_for("residence_status", "Erkend"),
            Some("recognised_refugee")
        );
        assert_eq!(
            code_for("residence_status", "réfugié reconnu"),
            Some("recognised_refugee")
        );
        assert_eq!(
            code_for("income_support", "Revenu d'integration"),
            Some("leefloon")
        );
        assert_eq!(code_for("gender", "q"), None);
        assert_eq!(suggest("gender", "fem").first(), Some(&"female"));
        assert_eq!(
            suggest("residence_status", "erkent").first(),
            Some(&"recognised_refugee")
        );
        assert_eq!(boolean("Ja"), Some(true));
        assert_eq!(boolean("non"), Some(false));
        assert_eq!(boolean("peut-être"), None);
    }
}
