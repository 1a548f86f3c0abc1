//! Why a value written in a referral (a YAML scalar, a CSV or workbook cell) is not one its
//! field takes: a type, so each reader's front end words it in their language. `Display` is
//! the English; `in_lang` gives Dutch and French.

use traject_i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("'{0}' is not a real date")]
    NotRealDate(String),
    #[error("'{text}' has a two-digit year, which could be 19{year} or 20{year}: write the year in full (e.g. 04/12/1990)")]
    TwoDigitYear { text: String, year: String },
    #[error("'{text}' is not a real date (day {day} of month {month}; dates are read day first, as 12/04/2023)")]
    ImpossibleDayFirst { text: String, day: u32, month: u32 },
    #[error("'{0}' is not a date: write it as 12/04/2023 (day first) or 2023-04-12")]
    NotADate(String),
    #[error("'{0}' is not an ISO 3166-1 alpha-2 country code (two letters, e.g. SY, AF, ER, RO)")]
    NotCountry(String),
    #[error(
        "'{0}' is not an ISO 639-1 language code (two lower-case letters, e.g. ar, ps, ti, fr)"
    )]
    NotLanguage(String),
    #[error("'{0}' is not a language level: write \"1.1\", \"1.2\", … or A1, A2, B1, B2, C1, C2")]
    NotLevel(String),
    #[error("'{text}' is not yes/no: write {words}")]
    NotYesNo { text: String, words: &'static str },
    #[error("'{text}' is not one of: {}{}", .choices.join(", "), .nearest.as_deref().map(|c| format!(" (did you mean '{c}'?)")).unwrap_or_default())]
    NotChoice {
        text: String,
        choices: &'static [&'static str],
        nearest: Option<String>,
    },
    #[error("'{0}' is not an OCMW name: lower case, e.g. as in the programme's `ocmw:`")]
    NotOcmw(String),
    /// A workbook date cell in a column of another kind.
    #[error("a date ({date}), but this column holds {}", holds.english())]
    DateCell { date: String, holds: Holds },
    /// A workbook yes/no cell in a column of another kind.
    #[error("a yes/no cell ({value}), but this column holds {}", holds.english())]
    YesNoCell { value: bool, holds: Holds },
    #[error(
        "the number {0} is not a date: format the column as a date, or write it as 12/04/2023"
    )]
    NumberNotDate(String),
}

/// What a column holds, for a cell of the wrong type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    Dates,
    YesNo,
    Codes,
    CountryCodes,
    LanguageCodes,
    LanguageLevels,
    OcmwNames,
    Text,
}

impl Holds {
    fn english(self) -> &'static str {
        self.worded(Lang::En)
    }

    fn worded(self, lang: Lang) -> &'static str {
        let say = |nl, fr, en| traject_i18n::say(lang, nl, fr, en);
        match self {
            Holds::Dates => say("datums", "des dates", "dates"),
            Holds::YesNo => say(
                "ja/nee-antwoorden",
                "des réponses oui/non",
                "yes/no answers",
            ),
            Holds::Codes => say("codes", "des codes", "codes"),
            Holds::CountryCodes => say("landcodes", "des codes de pays", "country codes"),
            Holds::LanguageCodes => say("taalcodes", "des codes de langue", "language codes"),
            Holds::LanguageLevels => say("taalniveaus", "des niveaux de langue", "language levels"),
            Holds::OcmwNames => say("OCMW-namen", "des noms de CPAS", "OCMW names"),
            Holds::Text => say("tekst", "du texte", "text"),
        }
    }
}

impl ValueError {
    /// The reason in the reader's language (English is `Display`). French quotes with « ».
    pub fn in_lang(&self, lang: Lang) -> String {
        use ValueError::*;
        if lang == Lang::En {
            return self.to_string();
        }
        let q = |t: &str| match lang {
            Lang::Fr => format!("«\u{a0}{t}\u{a0}»"),
            _ => format!("'{t}'"),
        };
        let fr = lang == Lang::Fr;
        match self {
            NotRealDate(t) => match fr {
                false => format!("{} is geen bestaande datum", q(t)),
                true => format!("{} n'est pas une date réelle", q(t)),
            },
            TwoDigitYear { text, year } => match fr {
                false => format!("{} heeft een jaartal met twee cijfers, dat 19{year} of 20{year} kan zijn: schrijf het jaar voluit (bv. 04/12/1990)", q(text)),
                true => format!("{} a une année à deux chiffres, qui peut être 19{year} ou 20{year} : écrivez l'année en entier (p. ex. 04/12/1990)", q(text)),
            },
            ImpossibleDayFirst { text, day, month } => match fr {
                false => format!("{} is geen bestaande datum (dag {day} van maand {month}; datums worden dag eerst gelezen, als 12/04/2023)", q(text)),
                true => format!("{} n'est pas une date réelle (jour {day} du mois {month} ; les dates se lisent jour d'abord, comme 12/04/2023)", q(text)),
            },
            NotADate(t) => match fr {
                false => format!("{} is geen datum: schrijf ze als 12/04/2023 (dag eerst) of 2023-04-12", q(t)),
                true => format!("{} n'est pas une date : écrivez-la 12/04/2023 (jour d'abord) ou 2023-04-12", q(t)),
            },
            NotCountry(t) => match fr {
                false => format!("{} is geen ISO 3166-1-landcode (twee letters, bv. SY, AF, ER, RO)", q(t)),
                true => format!("{} n'est pas un code de pays ISO 3166-1 (deux lettres, p. ex. SY, AF, ER, RO)", q(t)),
            },
            NotLanguage(t) => match fr {
                false => format!("{} is geen ISO 639-1-taalcode (twee kleine letters, bv. ar, ps, ti, fr)", q(t)),
                true => format!("{} n'est pas un code de langue ISO 639-1 (deux lettres minuscules, p. ex. ar, ps, ti, fr)", q(t)),
            },
            NotLevel(t) => match fr {
                false => format!("{} is geen taalniveau: schrijf \"1.1\", \"1.2\", … of A1, A2, B1, B2, C1, C2", q(t)),
                true => format!("{} n'est pas un niveau de langue : écrivez \"1.1\", \"1.2\", … ou A1, A2, B1, B2, C1, C2", q(t)),
            },
            NotYesNo { text, words } => match fr {
                false => format!("{} is geen ja/nee: schrijf {words}", q(text)),
                true => format!("{} n'est pas oui/non : écrivez {words}", q(text)),
            },
            NotChoice { text, choices, nearest } => {
                let list = choices.join(", ");
                let mean = nearest.as_deref().map(|c| match fr {
                    false => format!(" (bedoelde je '{c}'?)"),
                    true => format!(" (vouliez-vous dire «\u{a0}{c}\u{a0}»\u{a0}?)"),
                });
                let mean = mean.unwrap_or_default();
                match fr {
                    false => format!("{} is niet een van: {list}{mean}", q(text)),
                    true => format!("{} n'est pas l'une des valeurs : {list}{mean}", q(text)),
                }
            }
            NotOcmw(t) => match fr {
                false => format!("{} is geen OCMW-naam: kleine letters, bv. zoals in `ocmw:` van het programma", q(t)),
                true => format!("{} n'est pas un nom de CPAS : en minuscules, p. ex. comme dans `ocmw:` du programme", q(t)),
            },
            DateCell { date, holds } => match fr {
                false => format!("een datum ({date}), maar deze kolom bevat {}", holds.worded(lang)),
                true => format!("une date ({date}), mais cette colonne contient {}", holds.worded(lang)),
            },
            YesNoCell { value, holds } => match fr {
                false => format!("een ja/nee-cel ({value}), maar deze kolom bevat {}", holds.worded(lang)),
                true => format!("une cellule oui/non ({value}), mais cette colonne contient {}", holds.worded(lang)),
            },
            NumberNotDate(n) => match fr {
                false => format!("het getal {n} is geen datum: geef de kolom de opmaak datum, of schrijf 12/04/2023"),
                true => format!("le nombre {n} n'est pas une date : mettez la colonne au format date, ou écrivez 12/04/2023"),
            },
        }
    }
}
