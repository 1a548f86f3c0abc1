//! Why a value written in a referral (a YAML scalar, a CSV or workbook cell) is not one its
//! field takes: the facts, worded by the catalogue (`traject_i18n`).

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueError {
    NotRealDate(String),
    TwoDigitYear {
        text: String,
        year: String,
    },
    ImpossibleDayFirst {
        text: String,
        day: u32,
        month: u32,
    },
    NotADate(String),
    NotCountry(String),
    NotLanguage(String),
    NotLevel(String),
    NotYesNo {
        text: String,
        words: &'static str,
    },
    NotChoice {
        text: String,
        choices: &'static [&'static str],
        nearest: Option<String>,
    },
    NotOcmw(String),
    /// A workbook date cell in a column of another kind.
    DateCell {
        date: String,
        holds: Holds,
    },
    /// A workbook yes/no cell in a column of another kind.
    YesNoCell {
        value: bool,
        holds: Holds,
    },
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
