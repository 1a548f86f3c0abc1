//! Languages and multilingual labels. Programme text is written per language in the YAML
//! (`{nl: …, fr: …, en: …}`); the fixed wording of traject's own output lives in `ui.rs` so
//! coordinators read reports in the society language of their OCMW/CPAS.

pub mod events;
mod fields;
mod ui;
pub mod vocabulary;

pub use fields::{field_label, field_value_label, value_label};
pub use ui::{ui, Key};

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Nl,
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Nl, Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

impl Lang {
    /// The language of the person at the terminal, as their locale says (`LC_ALL`,
    /// `LC_MESSAGES`, `LANG`, the first one set): `nl_BE.UTF-8` → Dutch, `fr_BE…` → French,
    /// anything else (`C`, `en_GB`, unset) → English. For messages about the tool's own reading
    /// of a file, which may be too broken to say its society language.
    pub fn of_locale() -> Lang {
        let set = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|v| !v.is_empty());
        Self::of_locale_name(set.as_deref().unwrap_or(""))
    }

    /// `nl_BE.UTF-8` → Dutch, `fr…` → French, else English.
    pub fn of_locale_name(name: &str) -> Lang {
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("nl") {
            Lang::Nl
        } else if lower.starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "nl" => Ok(Lang::Nl),
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language '{other}': use nl, fr or en")),
        }
    }
}

/// A text in several languages. The society language of the programme must be present
/// (checked when the programme loads); others fall back to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Label(pub BTreeMap<Lang, String>);

impl<'de> Deserialize<'de> for Label {
    /// Accepts `{nl: …, fr: …, en: …}`; the loader's position marker `_ptr` is skipped.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = BTreeMap::<String, String>::deserialize(d)?;
        let mut out = BTreeMap::new();
        for (k, v) in raw {
            if k == "_ptr" {
                continue;
            }
            let lang = k.parse::<Lang>().map_err(serde::de::Error::custom)?;
            out.insert(lang, v);
        }
        Ok(Label(out))
    }
}

impl Label {
    /// The text in `lang`, else in `fallback`, else any text at all.
    pub fn get(&self, lang: Lang, fallback: Lang) -> &str {
        self.0
            .get(&lang)
            .or_else(|| self.0.get(&fallback))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn has(&self, lang: Lang) -> bool {
        self.0.get(&lang).is_some_and(|s| !s.trim().is_empty())
    }

    pub fn single(lang: Lang, text: impl Into<String>) -> Self {
        Label(BTreeMap::from([(lang, text.into())]))
    }
}

/// One of three wordings, by the reader's language.
pub fn say(lang: Lang, nl: &'static str, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nl => nl,
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// The Dutch or the French of a sentence built at run time; a reader of English is given the
/// English by the caller (usually an error's `Display`) before this is asked.
pub fn nl_fr(lang: Lang, nl: String, fr: String) -> String {
    match lang {
        Lang::Fr => prose(&fr, lang),
        Lang::Nl | Lang::En => nl,
    }
}

/// A number as the reader writes it: no trailing `.0`, a decimal comma in Dutch and French.
pub fn number(x: f64, lang: Lang) -> String {
    let text = if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{}", (x * 100.0).round() / 100.0)
    };
    match lang {
        Lang::En => text,
        Lang::Nl | Lang::Fr => text.replace('.', ","),
    }
}

/// French typography for a text in `lang`: a non-breaking space before `:` `;` `?` `!` that end
/// a phrase (followed by a blank or the line's end), so "Langue : fr", never "Langue: fr";
/// references such as `002:289` and times such as `10:30` are left alone. Other languages
/// are returned unchanged.
pub fn typography(text: &str, lang: Lang) -> String {
    if lang != Lang::Fr {
        return text.to_string();
    }
    const NBSP: char = '\u{a0}';
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    for (i, &c) in chars.iter().enumerate() {
        // "75 %": French separates the percent sign from its number.
        if c == '%' && i > 0 && chars[i - 1].is_ascii_digit() {
            out.push(NBSP);
        }
        let ends_phrase = matches!(c, ':' | ';' | '?' | '!')
            && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if ends_phrase && i > 0 {
            let before = chars[i - 1];
            if before == ' ' {
                out.pop();
                out.push(NBSP);
            } else if before != NBSP
                && before != '\u{202f}'
                && !before.is_whitespace()
                && !matches!(before, ':' | ';' | '?' | '!' | '(' | '[')
            {
                out.push(NBSP);
            }
        }
        out.push(c);
    }
    out
}

/// French typography in running text, leaving `code` (between backticks) as written so a
/// key such as `name: value` can still be copied.
pub fn prose(text: &str, lang: Lang) -> String {
    if lang != Lang::Fr {
        return text.to_string();
    }
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 0 {
                typography(part, lang)
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// A stored ISO day (`2024-06-01`, as the store and referrals keep dates) as the reader writes
/// it; `None` for text that is not one.
pub fn stored_date(text: &str, lang: Lang) -> Option<String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|d| date(d, lang))
}

/// A date as the reader writes it in running text: `12/04/1990` in Dutch and French (day
/// first, as Belgians do), ISO in English. Files and the API keep ISO.
pub fn date(d: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Nl | Lang::Fr => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod typography_tests {
    use super::*;

    #[test]
    fn french_gets_a_non_breaking_space_before_high_punctuation_only_where_a_phrase_ends() {
        assert_eq!(
            typography("Langue de la société: nl", Lang::Fr),
            "Langue de la société\u{a0}: nl"
        );
        assert_eq!(
            typography("Priorité : stress", Lang::Fr),
            "Priorité\u{a0}: stress"
        );
        assert_eq!(
            typography("source 002:289, 10:30", Lang::Fr),
            "source 002:289, 10:30"
        );
        assert_eq!(typography("Admissible ?", Lang::Fr), "Admissible\u{a0}?");
        assert_eq!(typography("Taal: nl", Lang::Nl), "Taal: nl");
        assert_eq!(typography("75% des cas", Lang::Fr), "75\u{a0}% des cas");
        assert_eq!(number(2.5, Lang::Fr), "2,5");
        assert_eq!(number(2.0, Lang::En), "2");
    }
}
