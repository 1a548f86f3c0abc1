//! The message catalogue: every problem, refusal and error traject reports, worded in Dutch,
//! French and English side by side — one file per area, each a match over the area's typed
//! problems, whose variants hold the facts. Front ends ask for a wording in the reader's
//! language; nothing below them words anything.
//!
//! Conventions: the three wordings of a message stand in the order nl, fr, en; French quotes
//! ids with « » and gets its typography (a non-breaking space before `:` `;` `?` `!`) when
//! shown; codes and keys stay as the file writes them.

mod app;
mod cases;
mod change;
mod check;
mod config;
mod file;
mod kind;
mod load;
mod referral;
mod rule;
mod schema;
mod sessions;
mod test_file;
mod yaml;

use traject_model::problem::Problem;

use crate::Lang;

pub use app::{
    app_error, auth_error, model_error, report_error, role_word, rollout_error, row_problem,
    setting_error, setting_word, whole_store,
};
pub use cases::{allowed_words, case_error, state_word, store_error, unknown_state};
pub use config::{config_error, place_words};
pub use load::version_error;
pub use referral::value_error;
pub use rule::{eval_error, routing_note, script_failure};
pub use schema::described;
pub use sessions::session_error;

/// A problem in words: what is wrong, and what to do about it (where we can tell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    pub message: String,
    pub help: Option<String>,
}

impl Wording {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Wording {
        Wording {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    fn bare(message: impl Into<String>) -> Wording {
        Wording {
            message: message.into(),
            help: None,
        }
    }

    fn maybe(message: impl Into<String>, help: Option<String>) -> Wording {
        Wording {
            message: message.into(),
            help,
        }
    }
}

/// The one of three wordings (nl, fr, en) a reader of `lang` reads, as text.
pub(crate) fn m(
    lang: Lang,
    nl: impl Into<String>,
    fr: impl Into<String>,
    en: impl Into<String>,
) -> String {
    crate::say(lang, nl.into(), fr.into(), en.into())
}

/// An id quoted as the reader's language quotes it: 'x', or « x » in French.
pub fn q(lang: Lang, id: &str) -> String {
    match lang {
        Lang::Fr => format!("«\u{a0}{id}\u{a0}»"),
        _ => format!("'{id}'"),
    }
}

/// " (did you mean 'x'?)" in the reader's language, or nothing.
pub fn meant(nearest: Option<&str>, lang: Lang) -> String {
    match nearest {
        Some(s) => match lang {
            Lang::En => format!(" (did you mean '{s}'?)"),
            Lang::Nl => format!(" (bedoelde je '{s}'?)"),
            Lang::Fr => format!(" (vouliez-vous dire «\u{a0}{s}\u{a0}»\u{a0}?)"),
        },
        None => String::new(),
    }
}

/// A programme, referral or file problem in the reader's language.
pub fn problem(p: &Problem, lang: Lang) -> Wording {
    let worded = match p {
        Problem::File(p) => file::words(p, lang),
        Problem::Yaml(p) => yaml::words(p, lang),
        Problem::Schema(p) => schema::words(p, lang),
        Problem::Load(p) => load::words(p, lang),
        Problem::Check(p) => check::words(p, lang),
        Problem::Change(p) => change::words(p, lang),
        Problem::Kind(p) => kind::words(p, lang),
        Problem::Referral(p) => referral::words(p, lang),
        Problem::Table(p) => referral::table_words(p, lang),
        Problem::Mapping(p) => referral::mapping_words(p, lang),
        Problem::Batch(p) => referral::batch_words(p, lang),
        Problem::Rule(p) => rule::words(p, lang),
        Problem::Routing(p) => rule::routing_words(p, lang),
        Problem::Test(p) => test_file::words(p, lang),
        Problem::Scenario(p) => test_file::scenario_words(p, lang),
    };
    Wording {
        message: crate::prose(&worded.message, lang),
        help: worded.help.map(|h| crate::prose(&h, lang)),
    }
}
