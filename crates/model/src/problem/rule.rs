//! Compiling a programme's rules and scripts: Rhai that does not compile, a trial run that
//! fails, an expression that is not a yes/no question, limits above the ceiling, and routing
//! scripts whose answer does not fit the cohort.

/// Why a script run stopped or failed, as facts (the limits hit, a name Rhai did not know);
/// `Other` quotes Rhai's own English report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptFailure {
    /// The limit on operations (with its value, when the caller knows the limits in force).
    TooManyOperations {
        limit: Option<u64>,
    },
    TimedOut {
        limit_ms: Option<u64>,
    },
    TooDeep {
        limit: Option<usize>,
    },
    /// A string, array or map grew past its size limit (`limit`: the setting and its value).
    TooLarge {
        what: String,
        limit: Option<(String, usize)>,
    },
    UnknownVariable {
        name: String,
    },
    /// The script or expression gave something other than true or false.
    NotBoolean {
        found: String,
    },
    Other {
        detail: String,
    },
}

/// Which rule or module uses a script, and where (`file:line:col`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsedBy {
    Rule { id: String, at: String },
    Module { id: String, at: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleProblem {
    ScriptNotFound {
        script: String,
    },
    /// A rule script that does not compile (Rhai's own words).
    ScriptSyntax {
        detail: String,
        used_by: UsedBy,
    },
    /// A rule script's trial run failed.
    ScriptFailed {
        failure: ScriptFailure,
        used_by: UsedBy,
    },
    /// A routing script's problem, with the module that uses it.
    Routing {
        problem: RoutingProblem,
        used_by: UsedBy,
    },
    RoutingParamRepeats {
        key: String,
    },
    ExprSyntax {
        detail: String,
    },
    /// An expression reads a name that is not a referral field.
    ExprUnknownName {
        name: String,
        nearest: Option<String>,
        fields: Vec<String>,
    },
    ExprFailed {
        failure: ScriptFailure,
        fields: Vec<String>,
    },
    NotBoolean {
        found: String,
    },
    AboveCeiling {
        key: String,
        value: u64,
        max: u64,
    },
}

/// Where a routing script put an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    InGroup(String),
    OnWaitingList,
}

/// A part of a routing script's answer that should hold ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdList {
    MembersOf(String),
    Waiting,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutingProblem {
    Syntax {
        detail: String,
    },
    NoRouteFunction,
    Failed {
        script: String,
        failure: ScriptFailure,
    },
    NotAMap {
        script: String,
        found: String,
    },
    NoGroups {
        script: String,
    },
    GroupsNotArray {
        script: String,
        found: String,
    },
    GroupNotMap {
        script: String,
        group: usize,
        found: String,
    },
    NotIds {
        script: String,
        list: IdList,
        found: String,
    },
    NotAnId {
        script: String,
        list: IdList,
        found: String,
    },
    UnknownId {
        script: String,
        id: String,
        placed: Placed,
    },
    PlacedTwice {
        script: String,
        id: String,
    },
}
