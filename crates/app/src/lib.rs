//! The application layer: one typed function per thing traject can do — validate, show, check
//! referrals, run programme tests, route a cohort, simulate and forecast, every case action,
//! the due list and caseload, rollout, reports. Front ends (the CLI, the web server) parse
//! their input, call these and render the typed results; nothing here prints, exits or reads
//! arguments. Who may do what (the actor's role) is checked here, once, for every front end.

pub mod backtest;
pub mod calendar;
pub mod cases;
pub mod catalogue;
pub mod config;
mod error;
pub mod files;
pub mod forecast;
pub mod impact;
pub mod impact_money;
pub mod limits;
pub mod mail;
pub mod parallel;
pub mod programme_editor;
pub mod programme_history;
pub mod programmes;
pub mod referrals;
pub mod reminders;
pub mod reports;
pub mod route;
pub mod second_factor;
pub mod sessions;
pub mod sign_on;
pub mod stores;
pub mod users;

use chrono::NaiveDate;

pub use catalogue::{Catalogue, FilePrograms, Programs};
pub use error::{rows, AppError, HistoryError, RowProblem, Setting, SettingError, WholeStore};
pub use limits::Limits;

/// What a person does in the team, and therefore what traject lets them see and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Owns the programme: everything a social worker may, plus editing programmes.
    Coordinator,
    /// Refers and follows clients: sees and changes cases.
    SocialWorker,
    /// Funder or auditor: figures only, never a person.
    Auditor,
    /// The person at the command line, who holds the store itself (its file, or the database
    /// password): a coordinator's rights, recorded as what it is — never a user's role.
    CommandLine,
}

/// What a use case needs to be allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// See people: referrals, cases, histories, due lists.
    Persons,
    /// Create or move cases.
    ChangeCases,
    /// Aggregate figures: caseload, activity and funding reports, simulations.
    Figures,
    /// Change a programme or roll it out.
    EditProgrammes,
    /// Erase a client's personal data.
    Erase,
    /// Add, disable or change users.
    ManageUsers,
}

impl Role {
    pub fn may(self, need: Need) -> bool {
        match self {
            Role::Coordinator | Role::CommandLine => true,
            Role::SocialWorker => {
                !matches!(need, Need::EditProgrammes | Need::Erase | Need::ManageUsers)
            }
            Role::Auditor => need == Need::Figures,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::SocialWorker => "social_worker",
            Role::Auditor => "auditor",
            Role::CommandLine => "command_line",
        }
    }

    /// A user's role as stored (the command line's is never one).
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Coordinator, Role::SocialWorker, Role::Auditor]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who acts, in which role, on which day. The day is given, not read from the clock here, so
/// tests and scripts run on a fixed date (`--as-of`).
#[derive(Debug, Clone)]
pub struct Ctx {
    pub on: NaiveDate,
    pub actor: String,
    pub role: Role,
    /// The actor's team: a social worker sees and follows only their team's cases.
    pub team: Option<String>,
    /// The actor's organisation (OCMW) in a store several share: they see only its cases.
    /// `None`: a single-organisation store, or a user across organisations (a regional
    /// auditor, who sees figures per organisation).
    pub org: Option<String>,
}

impl Ctx {
    /// Refuse the use case unless the actor's role allows `need`.
    pub fn require(&self, need: Need) -> Result<(), AppError> {
        if self.role.may(need) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                role: self.role,
                need,
            })
        }
    }

    /// The engine's view: who and when, for the audit trail.
    pub fn lifecycle(&self) -> traject_cases::Ctx {
        traject_cases::Ctx {
            on: self.on,
            actor: self.actor.clone(),
            team: self.team.clone(),
            org: self.org.clone(),
        }
    }

    /// Whose cases this actor may see: only their organisation's (everyone's for a user across
    /// organisations); within it a coordinator every team's, anyone else their own team's.
    pub fn scope(&self) -> traject_store::Scope<'_> {
        use traject_store::Reach;
        traject_store::Scope {
            org: self.org_reach(),
            team: match self.role {
                Role::Coordinator | Role::CommandLine => Reach::All,
                _ => Reach::Only(self.team.as_deref()),
            },
        }
    }

    /// Which organisation's cases this actor's figures and lists cover.
    pub fn org_reach(&self) -> traject_store::Reach<'_> {
        match &self.org {
            None => traject_store::Reach::All,
            Some(o) => traject_store::Reach::Only(Some(o)),
        }
    }

    /// Refuse a case of another organisation or team as if it did not exist: its existence is
    /// personal data too.
    pub fn may_see(&self, case: &traject_store::CaseRow) -> Result<(), AppError> {
        let org_ok = self.org.is_none() || case.org == self.org;
        let team_ok =
            matches!(self.role, Role::Coordinator | Role::CommandLine) || case.team == self.team;
        if org_ok && team_ok {
            Ok(())
        } else {
            Err(traject_cases::CaseError::NotFound { id: case.id }.into())
        }
    }

    /// An audit line by this actor, now.
    pub fn audit(&self, action: &str, subject: String) -> traject_store::users::AuditRow {
        traject_store::users::AuditRow {
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            actor: self.actor.clone(),
            role: self.role.as_str().to_string(),
            action: action.to_string(),
            subject,
        }
    }
}
