//! Why the engine refused or could not carry out a case action. Each variant says what was
//! wrong in terms a social worker can act on; the wording is the command line's.

use crate::lifecycle::{Action, CaseState};
use crate::store::StoreError;
use traject_i18n::Lang;
use traject_model::diag::meant;
use traject_model::program::model::ExitKind;
use traject_rules::eval::EvalError;

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("there is no case {id}")]
    NotFound { id: i64 },
    /// A case's history runs forward: nothing is recorded before its latest event.
    #[error("case {id} has an event on {latest}: nothing can be recorded for it on {on}, an earlier day — check --as-of")]
    BeforeLatest {
        id: i64,
        on: chrono::NaiveDate,
        latest: chrono::NaiveDate,
    },
    /// The referral's dossier number already has a case, with the same data.
    #[error("dossier {dossier} already has case {id} in this programme, with the same referral: nothing to add")]
    AlreadyPresent { id: i64, dossier: String },
    /// The referral's dossier number already has a case, with other data.
    #[error("dossier {dossier} already has case {id} in this programme, with a different referral: nothing changed — correct the dossier number, or update case {id}")]
    Conflict { id: i64, dossier: String },
    #[error("the referral is dated {referral_date}: a case cannot be created for it on {on}, an earlier day — check --as-of or the referral date")]
    BeforeReferral {
        on: chrono::NaiveDate,
        referral_date: chrono::NaiveDate,
    },
    /// The case's state does not allow the action.
    #[error("case {id} is {state}: `{action}` is not possible. Allowed now: {}{}", allowed_list(*state), if *gate_only { " (before the start only the pathway's gate evaluations)" } else { "" })]
    Refused {
        id: i64,
        state: CaseState,
        action: Action,
        /// Only the pathway's gate evaluations are possible before the start.
        gate_only: bool,
    },
    #[error("case {id} was judged ineligible on referral; it cannot start (see `traject case show {id}`)")]
    Ineligible { id: i64 },
    #[error("case {id} cannot start yet: step '{step}' needs evaluation '{evaluation}' with decision '{decision}' — record it with `traject case evaluate {id} --evaluation {evaluation} --decision {decision}`")]
    GateNotPassed {
        id: i64,
        step: String,
        evaluation: String,
        decision: String,
    },
    #[error("this case belongs to programme '{case_program}', not '{given}'")]
    WrongProgramme { case_program: String, given: String },
    #[error(
        "programme '{program}' no longer has version '{version}' that this case was pinned to"
    )]
    VersionGone { program: String, version: String },
    #[error("version {version} has several tracks: choose one with --track ({})", known.join(", "))]
    ChooseTrack { version: String, known: Vec<String> },
    #[error("version {version} has no track '{given}'{}; tracks: {}", meant(suggestion.as_deref(), Lang::En), if known.is_empty() { "none".to_string() } else { known.join(", ") })]
    UnknownTrack {
        version: String,
        given: String,
        /// The known id the given one most likely means.
        suggestion: Option<String>,
        known: Vec<String>,
    },
    #[error("version {version} has no evaluation '{given}'{}; evaluations: {}", meant(suggestion.as_deref(), Lang::En), known.join(", "))]
    UnknownEvaluation {
        version: String,
        given: String,
        /// The known id the given one most likely means.
        suggestion: Option<String>,
        known: Vec<String>,
    },
    #[error("evaluation '{evaluation}' cannot decide '{given}'{}; its decisions: {}", meant(suggestion.as_deref(), Lang::En), known.join(", "))]
    DecisionNotAllowed {
        evaluation: String,
        given: String,
        /// The known id the given one most likely means.
        suggestion: Option<String>,
        known: Vec<String>,
    },
    #[error("'{given}' is not a {} of version {version}{}; choose one of: {}", kind.as_str().replace('_', " "), meant(suggestion.as_deref(), Lang::En), known.join(", "))]
    UnknownExit {
        version: String,
        kind: ExitKind,
        given: String,
        /// The known id the given one most likely means.
        suggestion: Option<String>,
        known: Vec<String>,
    },
    #[error("case {id} is {state}: only an active case can join a module")]
    NotEnrollable { id: i64, state: CaseState },
    #[error("version {version} has no module '{given}'{}; modules: {}", meant(suggestion.as_deref(), Lang::En), known.join(", "))]
    UnknownModule {
        version: String,
        given: String,
        /// The known id the given one most likely means.
        suggestion: Option<String>,
        known: Vec<String>,
    },
    #[error("case {id} already attends module '{module}' (since {since})")]
    AlreadyEnrolled {
        id: i64,
        module: String,
        since: chrono::NaiveDate,
    },
    #[error("case {id} does not attend module '{module}'")]
    NotEnrolled { id: i64, module: String },
    #[error("track '{track}' is not extendable in version {version}")]
    NotExtendable { track: String, version: String },
    #[error("how long is the extension? give --extend-by (e.g. \"3 months\"); the programme states no extension length")]
    ExtensionLengthMissing,
    #[error("'{given}' is not a fixed length such as \"3 months\"")]
    BadExtension { given: String },
    #[error("decision close needs --destination (an exit of the programme)")]
    DestinationMissing,
    #[error("version {version} says nothing about {what}: add a `{key}:` policy to the version (with its source) to allow it")]
    NoPolicy {
        version: String,
        what: &'static str,
        key: &'static str,
    },
    #[error("case {id} has been paused {taken} times already; version {version} allows {max}")]
    PauseLimit {
        id: i64,
        taken: u32,
        max: u32,
        version: String,
    },
    #[error("--until {until}: a pause starting {on} ends after that day and lasts at most {max}")]
    PauseUntil {
        until: chrono::NaiveDate,
        on: chrono::NaiveDate,
        max: String,
    },
    #[error("case {id} cannot resume yet: its place was freed while it was paused and all {capacity} places are taken; it stays paused — resume it when a place frees up (within its pause), or drop it with a reason")]
    NoPlaceToResume { id: i64, capacity: i64 },
    #[error("case {id} was paused on {since}, longer than the {max} a pause may last: drop it with a reason, and re-open it if the programme allows")]
    PauseTooLong {
        id: i64,
        since: chrono::NaiveDate,
        max: String,
    },
    #[error("case {id} ended on {ended}; version {version} allows re-opening within {within} only — refer the client again as a new case")]
    ReopenTooLate {
        id: i64,
        ended: chrono::NaiveDate,
        within: String,
        version: String,
    },
    /// The referral could not be judged (no version in force, a script failed).
    #[error("{0}")]
    Referral(#[from] EvalError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn allowed_list(state: CaseState) -> String {
    let ok = state.allowed_text(Lang::En);
    if ok.is_empty() {
        "nothing (the case is finished)".to_string()
    } else {
        ok.join(", ")
    }
}
