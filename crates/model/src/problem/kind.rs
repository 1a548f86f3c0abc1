//! A rule's kind and the parameters that kind takes.

/// What a list-valued rule kind takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListOf {
    /// ISO 3166-1 alpha-2 codes, or EU.
    CountryCodes,
    /// Lower-case OCMW names.
    OcmwNames,
    /// The codes of a referral field.
    Codes(Vec<String>),
}

/// What a single-valued rule kind takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueOf {
    /// A whole number of years.
    Years,
    /// A language level in quotes.
    LanguageLevel,
    /// A Rhai expression.
    Expression,
    /// A script's name.
    ScriptName,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindProblem {
    Unknown {
        kind: String,
        nearest: Option<String>,
    },
    NeedsField {
        kind: String,
    },
    TakesNoField {
        kind: String,
    },
    NotYesNoField {
        field: String,
        nearest: Option<String>,
    },
    TakesNoValue {
        kind: String,
    },
    NeedsValue {
        kind: String,
        of: ValueOf,
    },
    NeedsList {
        kind: String,
        of: ListOf,
    },
    EmptyList {
        kind: String,
        of: ListOf,
    },
    /// An item of the list (as written, JSON) the kind does not accept.
    ItemNotAccepted {
        kind: String,
        item: String,
        of: ListOf,
    },
}

impl KindProblem {
    /// The key of the rule the problem is about: `kind`, `field` or `value`.
    pub fn key(&self) -> &'static str {
        match self {
            KindProblem::Unknown { .. } => "kind",
            KindProblem::NeedsField { .. }
            | KindProblem::TakesNoField { .. }
            | KindProblem::NotYesNoField { .. } => "field",
            _ => "value",
        }
    }
}
