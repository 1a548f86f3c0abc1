//! Why a use case did not happen. One enum over the layers' own errors, so a front end can
//! tell a refused case action from a bad file, a bad setting or a database fault by type —
//! and map each kind to its exit code or HTTP status in one place. Every variant holds facts;
//! the catalogue (`traject_i18n`) words them.

use std::path::PathBuf;

use super::users::AuthError;
use super::{Need, Role};
use traject_cases::CaseError;
use traject_model::diag::{Diagnostic, LoadError, Located};
use traject_model::problem::Problem;
use traject_model::program::VersionError;
use traject_report::ReportError;
use traject_rollout::RolloutError;
use traject_rules::eval::EvalError;
use traject_sim::ModelError;
use traject_store::StoreError;

#[derive(Debug, Clone)]
pub enum AppError {
    /// A programme, referral or script that does not load: located diagnostics.
    Load(LoadError),
    /// Located problems in an input or output file (CSV rows, a file that cannot be written).
    Rows(Vec<Located<RowProblem>>),
    /// A version that the programme does not have.
    Version(VersionError),
    /// A referral that cannot be judged (no version in force on its date, a script failed).
    Referral(EvalError),
    /// A case action refused, or a case that does not exist.
    Case(CaseError),
    Store(StoreError),
    /// The programme version cannot be simulated.
    Model(ModelError),
    Setting(SettingError),
    Rollout(RolloutError),
    Report(ReportError),
    /// A file that is there already (nothing is overwritten).
    Exists(PathBuf),
    TempDir(String),
    Watch {
        path: PathBuf,
        message: String,
    },
    /// A login refused, or a user that cannot be added or changed.
    Auth(AuthError),
    /// The actor's role does not allow the use case.
    Forbidden {
        role: Role,
        need: Need,
    },
    /// Tombstones from a store of another lineage than the backup (other case numbers).
    TombstonesOfAnotherStore {
        source: String,
    },
    /// Settings that cannot be used (the settings file, the environment): every problem, each
    /// at its place.
    Config(Vec<crate::config::ConfigError>),
    /// A use case over the whole store (every organisation's cases) asked for by someone who
    /// acts for one organisation.
    WholeStore {
        what: WholeStore,
        org: String,
    },
    /// The programme history: nothing new to save, or nothing saved.
    History(HistoryError),
    /// A group session not planned, found or recorded.
    Session(crate::sessions::SessionError),
    /// Reminder e-mails not sent.
    Mail(crate::mail::MailProblem),
    /// A day that has not come yet where only a past day or today makes sense.
    FutureDay {
        field: &'static str,
        given: chrono::NaiveDate,
        today: chrono::NaiveDate,
    },
}

/// Why a programme text is not saved or not found in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryError {
    /// The text is the one saved last.
    Unchanged { program: String, seq: i64 },
    /// Nothing saved for this programme (by this organisation).
    NothingSaved { program: String },
    /// No saved text has this number.
    NoEntry { program: String, seq: i64 },
    /// The editor cannot write a new version or its change entries into the text.
    Unwritable(traject_rollout::new_version::Unwritable),
    /// A text with more option choices than a request checks (each is a whole load).
    TooManyChoices { choices: usize, limit: usize },
}

/// A use case that covers every organisation in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WholeStore {
    Copy,
}

/// A problem at a row or place of a file the application read or wrote.
#[derive(Debug, Clone, PartialEq)]
pub enum RowProblem {
    /// A programme, referral or table problem.
    Input(Problem),
    /// A case refused at this row of an import.
    Case(CaseError),
    /// A referral of a batch that cannot be judged (no version in force on its date).
    Unjudged(EvalError),
    /// A history column that needs another beside it (`ended_on` its `exit`, `exit` its
    /// `ended_on`, …).
    HistoryWithout {
        column: &'static str,
        needs: &'static str,
    },
    /// History days that run backwards (`started_on` before `waiting_since`, or before the
    /// referral).
    HistoryBackwards {
        column: &'static str,
        on: chrono::NaiveDate,
        earlier: &'static str,
        earlier_on: chrono::NaiveDate,
    },
    /// A history day after today (the import's day).
    HistoryAfterToday {
        column: &'static str,
        on: chrono::NaiveDate,
    },
    /// A dossier number twice in one import file.
    DossierTwice {
        dossier: String,
        first: u64,
    },
    /// An id twice in one cohort.
    IdTwice {
        id: String,
        first: u64,
    },
    /// A case whose referral was erased cannot be routed.
    CaseErased {
        case: i64,
    },
    /// A cohort without cases.
    NoCases,
    CannotWriteResults {
        reason: String,
    },
    /// A cohort to route under a version the programme does not have.
    CohortVersion(VersionError),
    /// A cohort's referral that cannot be judged.
    CohortUnjudged {
        id: String,
        error: EvalError,
    },
    /// A cohort whose referrals fall under different programme versions.
    MixedVersions,
    EmptyCohort,
    /// A module that cannot be routed in the version, and the modules that can.
    NotRouted {
        module: String,
        version: String,
        exists: bool,
        nearest: Option<String>,
        routed: Vec<String>,
    },
}

/// Model diagnostics as the application's located problems.
pub fn rows(ds: Vec<Diagnostic>) -> Vec<Located<RowProblem>> {
    ds.into_iter().map(|d| d.map(RowProblem::Input)).collect()
}

/// A setting of a use case outside what it can work with (front ends show these as usage
/// errors: the person asked for something impossible, no file is wrong).
#[derive(Debug, Clone, PartialEq)]
pub enum SettingError {
    SimulationSize,
    QueueRates,
    WhatIfSize {
        runs: usize,
        months: usize,
    },
    /// A number outside the range the setting allows (or not a finite number).
    OutOfRange {
        setting: Setting,
        given: f64,
        min: f64,
        max: f64,
    },
    /// The estimated work of a request is above the limit (see `limits`).
    TooMuchWork {
        estimate: u64,
        limit: u64,
    },
    /// The work was stopped at the deadline.
    DeadlinePassed {
        secs: u64,
    },
    OptionSyntax {
        given: String,
    },
    /// A backtest with no month to test: the period lies outside the store's history (or the
    /// store holds no case of the programme).
    NothingToBacktest {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        history: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    },
}

/// A setting of a forecast a person chooses (the command line names it by its flag, a page
/// by its field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Fte,
    DemandFactor,
    Norm,
}

impl AppError {
    /// Whether the person asked for something impossible (a usage error) rather than giving
    /// input that is wrong or meeting a refusal.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            AppError::Version(VersionError::Unknown { .. })
                | AppError::Setting(_)
                | AppError::Config(_)
                | AppError::TombstonesOfAnotherStore { .. }
                | AppError::Exists(_)
                | AppError::Report(ReportError::Amount { .. })
                | AppError::Rollout(RolloutError::Language { .. })
        )
    }
}

/// A case refused, or the store failing under a case action: a store error is the store's,
/// whatever layer it came through (so that a database away is "unavailable", not "refused").
impl From<CaseError> for AppError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::Store(e) => AppError::Store(e),
            e => AppError::Case(e),
        }
    }
}

/// Located model problems (a file that cannot be written, rows that do not read).
impl From<Vec<Diagnostic>> for AppError {
    fn from(ds: Vec<Diagnostic>) -> Self {
        AppError::Rows(rows(ds))
    }
}

impl From<Vec<Located<RowProblem>>> for AppError {
    fn from(ds: Vec<Located<RowProblem>>) -> Self {
        AppError::Rows(ds)
    }
}

macro_rules! from_layer {
    ($($variant:ident($t:ty)),+ $(,)?) => {
        $(impl From<$t> for AppError {
            fn from(e: $t) -> Self {
                AppError::$variant(e)
            }
        })+
    };
}

from_layer!(
    Load(LoadError),
    Version(VersionError),
    Referral(EvalError),
    Store(StoreError),
    Model(ModelError),
    Setting(SettingError),
    Rollout(RolloutError),
    Report(ReportError),
    Auth(AuthError),
    History(HistoryError),
);
