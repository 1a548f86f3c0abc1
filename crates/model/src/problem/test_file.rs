//! Programme test files (`programs/tests/*.yaml`) and forecast scenario files: their keys,
//! their shapes and the values they must hold.

use super::LoadProblem;

/// Which list of keys a test file's unknown key was checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyList {
    /// The keys of a test file, a test or an expectation.
    Keys,
    StepKeys,
    Expectations,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestProblem {
    NotAMapping {
        keys: Vec<String>,
    },
    UnknownKey {
        key: String,
        list: KeyList,
        allowed: Vec<String>,
        nearest: Option<String>,
    },
    MissingKey {
        key: String,
    },
    ProgramNotText,
    TestsNotList,
    NoSource,
    OptionsNotMap,
    NotAVerdict {
        given: String,
    },
    /// An option choice of a test that the programme does not have.
    Option(LoadProblem),
    TrajectoriesNotList,
    TrajectoryNeeds {
        key: String,
    },
    StepNotMapping,
    StepWithoutDate,
    /// A step's referral or action the trajectory cannot read (the reason as found).
    Step {
        detail: String,
    },
    CannotRead {
        reason: String,
    },
    NoSuchPath,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioProblem {
    NoScenarios,
    NotAMapping,
    UnknownKey {
        key: String,
        allowed: Vec<String>,
        nearest: Option<String>,
    },
    NoName,
    FteChangeNotMap,
    BadFteChange {
        day: String,
        fte: String,
    },
    BadFactor {
        key: String,
    },
}
