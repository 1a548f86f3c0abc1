//! What people read, in their language: the message catalogue (every problem, refusal and
//! error, worded in Dutch, French and English side by side), the labels of codes and
//! programme terms, and numbers, dates and French typography. Only front ends use this crate:
//! everything below it holds facts, and languages there are data (`traject_model::text`).

pub mod catalogue;
pub mod diagnostics;
pub mod events;
mod ui;
pub mod vocabulary;

pub use traject_model::text::{Label, Lang};
pub use ui::{ui, Key};
pub use vocabulary::{field_label, field_value_label, value_label};

/// The language of the person at the terminal, as their locale says (`LC_ALL`,
/// `LC_MESSAGES`, `LANG`, the first one set): `nl_BE.UTF-8` → Dutch, `fr_BE…` → French,
/// anything else (`C`, `en_GB`, unset) → English.
pub fn locale_lang() -> Lang {
    let set = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|v| !v.is_empty());
    locale_lang_of(set.as_deref().unwrap_or(""))
}

/// `nl_BE.UTF-8` → Dutch, `fr…` → French, else English.
pub fn locale_lang_of(name: &str) -> Lang {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("nl") {
        Lang::Nl
    } else if lower.starts_with("fr") {
        Lang::Fr
    } else {
        Lang::En
    }
}

/// A programme text in the reader's language, else in the programme's society language,
/// else in any language it is written in.
pub trait LabelIn {
    fn get(&self, lang: Lang, fallback: Lang) -> &str;
}

impl LabelIn for Label {
    fn get(&self, lang: Lang, fallback: Lang) -> &str {
        self.first_of(&[lang, fallback])
    }
}

/// One of three wordings (always in the order nl, fr, en), by the reader's language: the one
/// helper every wording in traject goes through.
pub fn say<T>(lang: Lang, nl: T, fr: T, en: T) -> T {
    match lang {
        Lang::Nl => nl,
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// ": " before a value in Dutch and English, " : " in French.
pub fn colon(lang: Lang) -> &'static str {
    say(lang, ": ", " : ", ": ")
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
                // A name written with its "!" glued on ("MOVE UP!", "Interactief!") keeps its
                // spelling; traject's own French sentences write the space themselves.
                && matches!(c, ':' | ';')
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
        assert_eq!(
            typography("MOVE UP! : 2020", Lang::Fr),
            "MOVE UP!\u{a0}: 2020"
        );
        assert_eq!(typography("Interactief!", Lang::Fr), "Interactief!");
        assert_eq!(typography("Taal: nl", Lang::Nl), "Taal: nl");
        assert_eq!(typography("75% des cas", Lang::Fr), "75\u{a0}% des cas");
        assert_eq!(number(2.5, Lang::Fr), "2,5");
        assert_eq!(number(2.0, Lang::En), "2");
    }
}
