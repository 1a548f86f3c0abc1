//! Why the lifecycle refused or could not carry out a case action: the facts a social worker
//! can act on (ids, dates, the state and what it allows, the ids the version knows). The
//! catalogue (`traject_i18n`) words them; a front end adds its own hints (the command line
//! names its flags).

use crate::states::{Action, CaseState};
use crate::store::StoreError;
use traject_model::program::duration::Duration;
use traject_model::program::model::ExitKind;
use traject_model::referral::ValueError;
use traject_rules::eval::EvalError;

#[derive(Debug, Clone, PartialEq)]
pub enum CaseError {
    NotFound {
        id: i64,
    },
    /// A case's history runs forward: nothing is recorded before its latest event.
    BeforeLatest {
        id: i64,
        on: chrono::NaiveDate,
        latest: chrono::NaiveDate,
    },
    /// The referral's dossier number already has a case, with the same data.
    AlreadyPresent {
        id: i64,
        dossier: String,
    },
    /// The referral's dossier number already has a case, with other data.
    Conflict {
        id: i64,
        dossier: String,
    },
    BeforeReferral {
        on: chrono::NaiveDate,
        referral_date: chrono::NaiveDate,
    },
    /// The dossier's data was erased (a tombstone names it): a new referral needs a
    /// coordinator's reason.
    ErasedDossier {
        dossier: String,
        erased_on: chrono::NaiveDate,
    },
    /// The dossier number has a case the actor may not see (another team's or organisation's):
    /// which case, and whether its data is the same, is not theirs to learn.
    DossierElsewhere {
        dossier: String,
    },
    /// No case (that the actor may see) has this dossier number.
    NoDossier {
        dossier: String,
    },
    /// A contact longer than a working day, or of no length.
    ContactMinutes {
        given: u32,
        max: u32,
    },
    /// A contact's note longer than the short note it is meant to be.
    NoteTooLong {
        chars: usize,
        max: usize,
    },
    /// Nothing new about a client is recorded once their personal data is erased.
    ErasedCase {
        id: i64,
        erased_on: chrono::NaiveDate,
    },
    /// An appointment on a day that has passed (a contact that took place is recorded).
    AppointmentPast {
        day: chrono::NaiveDate,
        today: chrono::NaiveDate,
    },
    /// Attendance for a case that is not in the session's group of that module on its day.
    NotInGroup {
        id: i64,
        module: String,
        group: String,
        on: chrono::NaiveDate,
    },
    /// The case's personal data is erased already.
    AlreadyErased {
        id: i64,
        erased_on: chrono::NaiveDate,
    },
    /// The case's state does not allow the action.
    Refused {
        id: i64,
        state: CaseState,
        action: Action,
        /// Only the pathway's gate evaluations are possible before the start.
        gate_only: bool,
    },
    Ineligible {
        id: i64,
    },
    GateNotPassed {
        id: i64,
        step: String,
        evaluation: String,
        decision: String,
    },
    WrongProgramme {
        case_program: String,
        given: String,
    },
    VersionGone {
        program: String,
        version: String,
    },
    ChooseTrack {
        version: String,
        known: Vec<String>,
    },
    UnknownTrack {
        version: String,
        given: String,
        /// The known id the given one most likely means.
        suggestion: Option<String>,
        known: Vec<String>,
    },
    UnknownEvaluation {
        version: String,
        given: String,
        /// The known id the given one most likely means.
        suggestion: Option<String>,
        known: Vec<String>,
    },
    DecisionNotAllowed {
        evaluation: String,
        given: String,
        /// The known id the given one most likely means.
        suggestion: Option<String>,
        known: Vec<String>,
    },
    UnknownExit {
        version: String,
        kind: ExitKind,
        given: String,
        /// The known id the given one most likely means.
        suggestion: Option<String>,
        known: Vec<String>,
    },
    NotEnrollable {
        id: i64,
        state: CaseState,
    },
    UnknownModule {
        version: String,
        given: String,
        /// The known id the given one most likely means.
        suggestion: Option<String>,
        known: Vec<String>,
    },
    AlreadyEnrolled {
        id: i64,
        module: String,
        since: chrono::NaiveDate,
    },
    NotEnrolled {
        id: i64,
        module: String,
    },
    /// The group holds as many clients as the programme allows on that day.
    GroupFull {
        module: String,
        group: String,
        max: u32,
        source: String,
    },
    NotExtendable {
        track: String,
        version: String,
    },
    ExtensionLengthMissing,
    BadExtension {
        given: String,
    },
    DestinationMissing,
    NoPolicy {
        version: String,
        what: &'static str,
        key: &'static str,
    },
    PauseLimit {
        id: i64,
        taken: u32,
        max: u32,
        version: String,
    },
    PauseUntil {
        until: chrono::NaiveDate,
        on: chrono::NaiveDate,
        max: Duration,
    },
    NoPlaceToResume {
        id: i64,
        capacity: i64,
    },
    PauseTooLong {
        id: i64,
        since: chrono::NaiveDate,
        max: Duration,
    },
    ReopenTooLate {
        id: i64,
        ended: chrono::NaiveDate,
        within: Duration,
        version: String,
    },
    /// A case that never started, in a version whose `reopen:` does not take such cases back.
    ReopenNotStarted {
        id: i64,
        version: String,
    },
    /// An evaluation held before its moment's window opens or after it closed, without a reason.
    OutsideWindow {
        id: i64,
        evaluation: String,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        on: chrono::NaiveDate,
    },
    /// Only a case not yet ended can have its referral judged again.
    RejudgeEnded {
        id: i64,
        state: CaseState,
    },
    /// A correction of a fact needs a reason, for the audit.
    CorrectionWithoutReason {
        id: i64,
    },
    /// An assessment or correction without a single fact.
    NoFacts {
        id: i64,
    },
    /// The case's referral was erased: there is nothing to judge again.
    ReferralErased {
        id: i64,
    },
    /// A value the fact does not take.
    BadFact {
        field: String,
        problem: ValueError,
    },
    /// Not a referral field.
    UnknownFact {
        given: String,
        suggestion: Option<String>,
    },
    /// The referral's identity and date are not changed after the fact.
    FixedFact {
        field: String,
    },
    /// An assessment of a fact no assessed rule of the version reads (a fact a hard rule checks
    /// is corrected, with a reason).
    NotAssessed {
        field: String,
        version: String,
        assessed: Vec<String>,
    },
    /// The referral could not be judged (no version in force, a script failed).
    Referral(EvalError),
    Store(StoreError),
}

impl From<EvalError> for CaseError {
    fn from(e: EvalError) -> Self {
        CaseError::Referral(e)
    }
}

impl From<StoreError> for CaseError {
    fn from(e: StoreError) -> Self {
        CaseError::Store(e)
    }
}
