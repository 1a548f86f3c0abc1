//! Loading a programme: which programme, its named options and the choices given for them,
//! versions based on earlier ones, and values whose form the model cannot take.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadProblem {
    /// Neither a file nor a bundled programme.
    UnknownProgramme {
        given: String,
        bundled: Vec<String>,
        nearest: Option<String>,
    },
    /// A programme id the server does not serve.
    NotServed {
        given: String,
        served: Vec<String>,
        nearest: Option<String>,
    },
    /// A value the typed model cannot take (serde's own English words).
    Form { detail: String },
    /// An option's `default:` is not one of its choices.
    BadDefault {
        default: String,
        choices: Vec<String>,
        nearest: Option<String>,
    },
    /// A choice given for an option the programme does not declare (`--option id=choice`,
    /// or a choice a page sent).
    NoSuchOption {
        option: String,
        choice: String,
        options: Vec<String>,
        nearest: Option<String>,
    },
    /// A choice given that is not one of the option's.
    NotAChoiceGiven {
        option: String,
        choice: String,
        choices: Vec<String>,
        nearest: Option<String>,
    },
    /// A list entry marked `option: id=choice` whose choice the option does not have.
    NotAChoice {
        option: String,
        choice: String,
        choices: Vec<String>,
        nearest: Option<String>,
    },
    /// A list entry marked with an option that `options:` does not declare.
    UndeclaredOption {
        option: String,
        nearest: Option<String>,
    },
    /// `based_on:` names no earlier version.
    BasedOnUnknown {
        base: String,
        earlier: Vec<String>,
        nearest: Option<String>,
    },
    /// A version lacks a section and is based on no version to take it from.
    MissingSection { section: String },
}

impl LoadProblem {
    /// The option choice given from outside the file (a command line, a page), if this is a
    /// problem with one.
    pub fn given_choice(&self) -> Option<(&str, &str)> {
        match self {
            LoadProblem::NoSuchOption { option, choice, .. }
            | LoadProblem::NotAChoiceGiven { option, choice, .. } => Some((option, choice)),
            _ => None,
        }
    }
}
