//! The languages programme texts are written in, and a text written in several of them (a
//! `Label`): `{nl: …, fr: …, en: …}` in a programme file. The society language of a programme
//! must be present (checked when it loads). Which language a person reads is the front ends'
//! choice (`traject_i18n`); here languages are data.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code that is none of `nl`, `fr`, `en`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLang {
    pub given: String,
}

impl std::str::FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code() == s)
            .ok_or_else(|| UnknownLang { given: s.into() })
    }
}

/// A text in several languages.
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
            let lang = k
                .parse::<Lang>()
                .map_err(|e| serde::de::Error::unknown_variant(&e.given, &["nl", "fr", "en"]))?;
            out.insert(lang, v);
        }
        Ok(Label(out))
    }
}

impl Label {
    /// Whether the label has a (non-blank) text in `written_in`.
    pub fn has(&self, written_in: Lang) -> bool {
        self.0
            .get(&written_in)
            .is_some_and(|s| !s.trim().is_empty())
    }

    pub fn single(written_in: Lang, text: impl Into<String>) -> Self {
        Label(BTreeMap::from([(written_in, text.into())]))
    }

    /// The text in the first of `preferred` it is written in, else any text at all.
    pub fn first_of(&self, preferred: &[Lang]) -> &str {
        preferred
            .iter()
            .find_map(|l| self.0.get(l))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }
}
