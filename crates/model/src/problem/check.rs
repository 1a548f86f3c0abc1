//! The semantic checks of a programme: what the schema cannot say — ids unique and references
//! resolving, dates and windows in order, shares adding up, texts in the society language,
//! a demand profile the simulation can run.

use chrono::NaiveDate;

use super::Known;
use crate::program::duration::Duration;
use crate::program::terms::{Anchor, Decision};
use crate::text::Lang;

/// A kind of entry with an id, as messages about ids name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Rule,
    Track,
    Module,
    Evaluation,
    Step,
    Exit,
    Partner,
    Phase,
    Funder,
    Role,
    Option,
    Version,
    NotStartedExit,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CheckProblem {
    /// A label without text in the programme's society language.
    MissingSocietyText {
        language: Lang,
    },
    DuplicateId {
        entry: Entry,
        id: String,
        first_line: usize,
    },
    UnknownReference {
        entry: Entry,
        id: String,
        known: Known,
    },
    /// `times: "a-b"` with a > b.
    RangeBackwards {
        range: String,
    },
    TimesWithoutPer,
    AnyOfAndAllOf,
    KindAndGroup,
    NoKindNorGroup {
        rule: String,
        kinds: Vec<String>,
    },
    UnknownScript {
        name: String,
        available: Vec<String>,
        nearest: Option<String>,
    },
    ValidToBeforeFrom {
        from: NaiveDate,
        to: NaiveDate,
    },
    ExtensionNotExtendable,
    GroupMinAboveMax {
        min: u32,
        max: u32,
    },
    TemporaryLimitBackwards {
        from: NaiveDate,
        to: NaiveDate,
    },
    SeveralTimings {
        evaluation: String,
    },
    AnchorNeedsModule {
        anchor: Anchor,
    },
    WindowBackwards {
        from: Duration,
        to: Duration,
    },
    StepAfterItself {
        step: String,
    },
    StepLoop {
        step: String,
    },
    GatedWithoutGate,
    GateDecision {
        evaluation: String,
        decision: Decision,
        decisions: Vec<Decision>,
    },
    NormWithoutStaff,
    CategorySplitTwice {
        category: String,
        first_line: usize,
    },
    SharesNot100 {
        category: String,
        total: f64,
    },
    FunderTwiceInSplit {
        funder: String,
    },
    /// A pause or re-open policy with an open length.
    NotFixedLength,
    GroupModuleWithoutMax {
        module: String,
    },
    GroupModuleWithoutDuration {
        module: String,
    },
    TrackSharesNot1 {
        total: f64,
    },
    TrackMixMissing,
    StayMissing,
    /// `stay` or `extension` of a demand profile that is open.
    DemandLengthOpen {
        key: String,
    },
    ExtensionRateWithoutExtension,
    NormTwice,
    NormMissing,
    RetentionOpen,
    /// A step taken before the start that follows a step taken after it.
    BeforeStartAfterStart {
        step: String,
        after: String,
    },
    /// A hard or assessed rule (which can refuse a client) whose source is an inference.
    InferenceRefuses {
        rule: String,
    },
    Nt2Twice {
        level: String,
        first: String,
    },
    VersionsOverlap {
        version: String,
        from: NaiveDate,
        other: String,
        other_from: NaiveDate,
        other_to: Option<NaiveDate>,
    },
    /// A dated staffing step outside its version's period, or not after the step before it.
    FteStepOutOfPlace {
        role: String,
        from: NaiveDate,
        version_from: NaiveDate,
        version_to: Option<NaiveDate>,
    },
}
