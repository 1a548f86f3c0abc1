//! Why a use case did not happen. One enum over the layers' own errors, so a front end can
//! tell a refused case action from a bad file, a bad setting or a database fault by type —
//! and map each kind to its exit code or HTTP status in one place.

use std::path::PathBuf;

use super::{Need, Role};
use traject_cases::CaseError;
use traject_model::diag::Diagnostic;
use traject_model::program::{LoadError, VersionError};
use traject_report::ReportError;
use traject_rollout::RolloutError;
use traject_rules::eval::EvalError;
use traject_sim::ModelError;
use traject_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A programme, referral or script that does not load: located diagnostics.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Located problems in an input or output file (CSV rows, a file that cannot be written).
    #[error("{}", .0.iter().map(|d| d.headline()).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<Diagnostic>),
    /// A `--version` that the programme does not have.
    #[error(transparent)]
    Version(#[from] VersionError),
    /// A referral that cannot be judged (no version in force on its date, a script failed).
    #[error(transparent)]
    Referral(#[from] EvalError),
    /// A case action refused, or a case that does not exist.
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The programme version cannot be simulated.
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Setting(#[from] SettingError),
    #[error(transparent)]
    Rollout(#[from] RolloutError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error("{}: the file exists already; choose another --out or remove it first", .0.display())]
    Exists(PathBuf),
    #[error("cannot create a temporary folder: {0}")]
    TempDir(String),
    #[error("cannot watch {}: {message}", path.display())]
    Watch { path: PathBuf, message: String },
    /// A login refused, or a user that cannot be added or changed.
    #[error(transparent)]
    Auth(#[from] super::users::AuthError),
    /// The actor's role does not allow the use case.
    #[error("{} may not {}", super::error_words::with_article(*role), super::error_words::need_words(*need, traject_i18n::Lang::En))]
    Forbidden { role: Role, need: Need },
    /// A use case over the whole store (every organisation's cases) asked for by someone who
    /// acts for one organisation.
    #[error("{what} covers every organisation in the store; only a user across organisations may do it (act without --org {org})")]
    WholeStore { what: &'static str, org: String },
}

/// A setting of a use case outside what it can work with (front ends show these as usage
/// errors: the person asked for something impossible, no file is wrong).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingError {
    #[error("--months and --runs must be at least 1 and --quantile between 0 and 1")]
    SimulationSize,
    #[error("--arrival-rate and --service-rate must be above 0 and --servers at least 1")]
    QueueRates,
    #[error("{setting} must be a number above 0")]
    NotPositive { setting: &'static str },
    #[error("a what-if runs at most {runs} runs of at most {months} months")]
    WhatIfSize { runs: usize, months: usize },
    #[error("--option '{given}': write ID=CHOICE, e.g. --option art60_exclusion_2022=dropped")]
    OptionSyntax { given: String },
}

impl AppError {
    /// Whether the person asked for something impossible (a usage error) rather than giving
    /// input that is wrong or meeting a refusal.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            AppError::Version(VersionError::Unknown { .. })
                | AppError::Setting(_)
                | AppError::Exists(_)
                | AppError::Report(ReportError::Amount { .. })
                | AppError::Rollout(RolloutError::Language { .. })
        )
    }
}
