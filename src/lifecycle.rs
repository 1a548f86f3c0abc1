//! The states a case can be in and the actions each state allows — in one place, so the engine,
//! the store, the command line and the tests agree on them.
//!
//! referred → active | waiting → (extended) → closed | dropped; referred/waiting → not_started.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Referred,
    Waiting,
    Active,
    Extended,
    Closed,
    Dropped,
    NotStarted,
}

/// What a person can do to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Start,
    Evaluate,
    Close,
    Drop,
    NotStart,
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
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl CaseState {
    pub const ALL: [CaseState; 7] = [
        CaseState::Referred,
        CaseState::Waiting,
        CaseState::Active,
        CaseState::Extended,
        CaseState::Closed,
        CaseState::Dropped,
        CaseState::NotStarted,
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
                &[Action::Evaluate, Action::Close, Action::Drop]
            }
            CaseState::Closed | CaseState::Dropped | CaseState::NotStarted => &[],
        }
    }

    pub fn allows(self, action: Action) -> bool {
        self.allowed().contains(&action)
    }

    /// Counts against the team's capacity.
    pub fn is_active(self) -> bool {
        matches!(self, CaseState::Active | CaseState::Extended)
    }

    pub fn is_finished(self) -> bool {
        self.allowed().is_empty()
    }

    /// The allowed actions as people read them ("nothing" for a finished case).
    pub fn allowed_text(self) -> Vec<&'static str> {
        self.allowed()
            .iter()
            .map(|a| match (self, a) {
                (CaseState::Referred, Action::Evaluate) => "evaluate (gate evaluations)",
                _ => a.as_str(),
            })
            .collect()
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A state name that is not one of `CaseState`'s (a damaged database or a bad `--state`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{given}' is not a case state; states: referred, waiting, active, extended, closed, dropped, not_started")]
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
        assert_eq!(CaseState::Waiting.allowed_text(), ["not-start", "drop"]);
    }
}
