//! Languages and multilingual labels. Programme text is written per language in the YAML
//! (`{nl: …, fr: …, en: …}`); the fixed wording of traject's own output lives in `ui.rs` so
//! coordinators read reports in the society language of their OCMW/CPAS.

mod fields;
mod ui;

pub use fields::{field_label, value_label};
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
