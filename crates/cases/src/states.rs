//! The states a case can be in and the actions each state allows — in one place, so the lifecycle,
//! the store, the command line and the tests agree on them.
//!
//! referred → active | waiting → (extended) → closed | dropped; referred/waiting → not_started;
//! active/extended ⇄ paused (where the version allows a pause); closed/dropped → referred again
//! (re-opened, where the version allows it).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CaseState {
    Referred,
    Waiting,
    Active,
    Extended,
    Closed,
    Dropped,
    NotStarted,
    /// Paused by the client; keeps its place, its dates move on resuming.
    Paused,
}

/// What a person can do to a case (the API names them in kebab case: `not-start`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(rename_all = "kebab-case"))]
pub enum Action {
    Start,
    Evaluate,
    Close,
    Drop,
    NotStart,
    Pause,
    Resume,
    Reopen,
}

impl Action {
    /// The command-line verb.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Evaluate => "evaluate",
            Action::Close => "close",
            Action::Drop => "drop",
            Action::NotStart => "not-start",
            Action::Pause => "pause",
            Action::Resume => "resume",
            Action::Reopen => "reopen",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl CaseState {
    pub const ALL: [CaseState; 8] = [
        CaseState::Referred,
        CaseState::Waiting,
        CaseState::Active,
        CaseState::Extended,
        CaseState::Closed,
        CaseState::Dropped,
        CaseState::NotStarted,
        CaseState::Paused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Referred => "referred",
            CaseState::Waiting => "waiting",
            CaseState::Active => "active",
            CaseState::Extended => "extended",
            CaseState::Closed => "closed",
            CaseState::Dropped => "dropped",
            CaseState::NotStarted => "not_started",
            CaseState::Paused => "paused",
        }
    }

    /// The actions this state allows. Before the start, `evaluate` is only for the pathway's
    /// gate evaluations (see `allowed_text`).
    pub fn allowed(self) -> &'static [Action] {
        match self {
            CaseState::Referred => &[
                Action::Start,
                Action::Evaluate,
                Action::NotStart,
                Action::Drop,
            ],
            CaseState::Waiting => &[Action::NotStart, Action::Drop],
            CaseState::Active | CaseState::Extended => {
                &[Action::Evaluate, Action::Close, Action::Drop, Action::Pause]
            }
            CaseState::Paused => &[Action::Resume, Action::Drop],
            CaseState::Closed | CaseState::Dropped => &[Action::Reopen],
            // Re-opened only where the programme's `reopen:` says `not_started: true` (see
            // `reopen`), so nothing by the state alone.
            CaseState::NotStarted => &[],
        }
    }

    pub fn allows(self, action: Action) -> bool {
        self.allowed().contains(&action)
    }

    /// Not ended: referred, waiting, running or paused (its referral may still be judged again).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseState::Referred
                | CaseState::Waiting
                | CaseState::Active
                | CaseState::Extended
                | CaseState::Paused
        )
    }

    /// Counts against the team's capacity (a paused case keeps its place).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            CaseState::Active | CaseState::Extended | CaseState::Paused
        )
    }

    /// Running now: evaluations fall due, modules can be joined (not while paused).
    pub fn is_running(self) -> bool {
        matches!(self, CaseState::Active | CaseState::Extended)
    }

    /// Ended (a closed or dropped case may still be re-opened).
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            CaseState::Closed | CaseState::Dropped | CaseState::NotStarted
        )
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A state name that is not one of `CaseState`'s (a damaged database or a bad `--state`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownState {
    pub given: String,
}

impl FromStr for CaseState {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CaseState::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownState { given: s.into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_their_names() {
        for s in CaseState::ALL {
            assert_eq!(s.as_str().parse::<CaseState>(), Ok(s));
        }
        assert!("paused?".parse::<CaseState>().is_err());
    }

    #[test]
    fn finished_states_allow_nothing() {
        assert!(CaseState::Closed.is_finished());
        assert!(!CaseState::Waiting.allows(Action::Close));
        assert_eq!(
            CaseState::Waiting.allowed(),
            [Action::NotStart, Action::Drop]
        );
    }
}
