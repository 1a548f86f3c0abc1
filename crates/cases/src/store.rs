//! What the case lifecycle needs of a case store, and nothing more: one write transaction at a
//! time, inside which cases are read and saved, events appended, evaluation moments scheduled
//! and modules joined — all in typed values. The lifecycle knows no SQL and no back end; the
//! store crate implements these traits for SQLite and PostgreSQL (as zen-engine's engine
//! knows its decisions only through a loader).

use chrono::NaiveDate;

use traject_rules::Verdict;

use crate::event::{Event, EventKind};
use crate::states::CaseState;

/// What is wrong with a connection string's TLS parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsSetting {
    /// `sslmode` is not one of disable, prefer, require, verify-ca, verify-full.
    UnknownMode { given: String },
    /// `verify-ca` or `verify-full` without `sslrootcert`: nothing to verify against.
    NeedsRootCert { mode: String },
    /// The `sslrootcert` file cannot be read or holds no certificate.
    RootCert { path: String, reason: String },
}

/// Why the case store could not do what was asked: problems with the database itself, never a
/// refused case action (see `CaseError`). Each variant holds the facts; the database's own
/// report is kept as the database words it (without row values).
#[derive(Debug, Clone, PartialEq)]
pub enum StoreError {
    Create {
        path: String,
        reason: String,
    },
    Open {
        path: String,
        reason: String,
    },
    NotTraject {
        path: String,
        reason: String,
    },
    TooNew {
        path: String,
        found: i64,
        known: usize,
    },
    Database(String),
    /// The database cannot be reached just now (its server restarts, the connection broke):
    /// nothing was saved, and the same request may succeed a moment later.
    Unavailable {
        reason: String,
    },
    /// SQLite stayed busy (other writers) past its timeout: nothing was saved; try later.
    Busy {
        reason: String,
    },
    /// The connection broke while a transaction was being committed: the change may or may
    /// not have been saved, so the request must not be sent again blindly.
    CommitUnknown {
        reason: String,
    },
    /// The disk the database writes to is full (SQLite's SQLITE_FULL, PostgreSQL's 53100):
    /// nothing was written; work resumes once there is room.
    Full {
        reason: String,
    },
    Connect {
        target: String,
        reason: String,
    },
    /// The connection string asks for TLS in a way that cannot be honoured (libpq's `sslmode`
    /// and `sslrootcert` parameters).
    ConnectTls {
        target: String,
        problem: TlsSetting,
    },
    Column {
        index: usize,
        expected: &'static str,
        found: String,
    },
    NoRow,
    CopyTargetNotEmpty {
        target: String,
    },
    CopyRowsDiffer {
        table: String,
        read: usize,
        found: i64,
    },
    CopyDigestDiffers,
    CopyToItself {
        store: String,
    },
    CopyNoSource {
        path: String,
    },
    BadDatabaseName {
        name: String,
    },
}

/// A store of cases that can run one write transaction.
pub trait CaseStore {
    /// Run `f` in one write transaction, taken at once so that concurrent writers queue: all
    /// it wrote is committed together when it returns `Ok`, nothing when it returns `Err` (the
    /// caller's error passes through unchanged).
    fn in_transaction<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&dyn CaseTx) -> Result<T, E>,
    ) -> Result<T, E>;

    /// Make what was overwritten unrecoverable from the store's own files (after an erasure).
    fn checkpoint(&self) -> Result<(), StoreError>;
}

/// A case as the lifecycle reads and saves it.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRecord {
    pub id: i64,
    pub program: String,
    pub version: String,
    pub version_hash: String,
    pub state: CaseState,
    pub verdict: Verdict,
    pub track: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// Order on the waiting list, while waiting.
    pub queue_seq: Option<i64>,
    /// The exit (destination or reason) of a case that ended.
    pub outcome: Option<String>,
    pub updated_on: NaiveDate,
    /// A paused case that gave its place up: it does not count against capacity.
    pub place_freed: bool,
    /// The day of the case's latest event (read only): nothing may be recorded before it.
    pub latest: Option<NaiveDate>,
    /// The organisation the case belongs to (read only; none in a store without them).
    pub org: Option<String>,
}

impl CaseRecord {
    /// The places and waiting list this case counts in.
    pub fn programme_in(&self) -> ProgrammeIn<'_> {
        ProgrammeIn {
            program: &self.program,
            org: self.org.as_deref(),
        }
    }
}

/// One programme in one organisation (none, in a store without organisations): its team's
/// places and its waiting list. Two organisations sharing a store and a programme each have
/// their own, and their writers do not wait for each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProgrammeIn<'a> {
    pub program: &'a str,
    pub org: Option<&'a str>,
}

/// A case about to be created from a referral.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub program: &'a str,
    pub version: &'a str,
    pub version_hash: &'a str,
    pub verdict: Verdict,
    pub referral_date: NaiveDate,
    /// The referral as stored (JSON): every known field.
    pub referral: &'a str,
    pub created_on: NaiveDate,
    /// The OCMW's dossier number: one case per programme and organisation.
    pub dossier: Option<&'a str>,
    pub team: Option<&'a str>,
    pub org: Option<&'a str>,
}

/// The programme text a version was judged under, kept once per content hash.
#[derive(Debug, Clone)]
pub struct SnapshotRecord<'a> {
    pub hash: &'a str,
    pub program: &'a str,
    pub version: &'a str,
    pub file: &'a str,
    pub text: &'a str,
    /// The option choices (JSON object).
    pub options: &'a str,
    /// The scripts the programme ran (JSON: name → file and text).
    pub scripts: &'a str,
    pub recorded_on: NaiveDate,
}

/// One scheduled evaluation moment of a case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Due {
    pub evaluation: String,
    pub due_from: NaiveDate,
    pub due_to: NaiveDate,
    pub held_on: Option<NaiveDate>,
}

/// One stored event as the lifecycle reads it back.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub seq: i64,
    pub on: NaiveDate,
    pub event: Event,
}

/// Reads and writes inside one write transaction.
pub trait CaseTx {
    fn case(&self, id: i64) -> Result<Option<CaseRecord>, StoreError>;
    /// Write back the changeable fields of `case` (state, version, track, dates, queue place,
    /// outcome, whether its place is freed).
    fn save(&self, case: &CaseRecord) -> Result<(), StoreError>;
    fn insert(&self, case: &NewCase) -> Result<i64, StoreError>;
    /// The first case of `program` holding `dossier` in organisation `org`: its id and its
    /// referral as stored.
    fn dossier_case(
        &self,
        program: &str,
        org: Option<&str>,
        dossier: &str,
    ) -> Result<Option<(i64, String)>, StoreError>;
    /// A hint for bulk work: the dossier numbers of `program` in `org` about to be looked up
    /// (`dossier_case`) and, for those not found, added. A store may look them up together
    /// now and answer from memory later.
    fn look_up_dossiers(
        &self,
        program: &str,
        org: Option<&str>,
        dossiers: &[&str],
    ) -> Result<(), StoreError>;
    /// A hint for bulk work: `n` cases are about to be added (`insert`). A store may take
    /// their numbers now and write them together later.
    fn reserve_case_numbers(&self, n: usize) -> Result<(), StoreError>;
    /// A case's referral as stored (JSON).
    fn referral(&self, id: i64) -> Result<Option<String>, StoreError>;
    /// Replace a case's referral and its verdict (an assessment or correction recorded after
    /// the referral, judged again).
    fn set_referral(&self, id: i64, referral: &str, verdict: Verdict) -> Result<(), StoreError>;
    /// Replace the referral by a note of the erasure and forget the dossier number.
    fn erase_referral(&self, id: i64, erased_on: NaiveDate) -> Result<(), StoreError>;
    /// Keep a programme text (nothing happens when its hash is kept already).
    fn keep_snapshot(&self, snapshot: &SnapshotRecord) -> Result<(), StoreError>;

    /// Append the next event of a case; returns its sequence number.
    fn append(
        &self,
        id: i64,
        on: NaiveDate,
        event: &Event,
        actor: &str,
        version_hash: &str,
    ) -> Result<i64, StoreError>;
    /// A case's events of one kind, in order.
    fn events(&self, id: i64, kind: EventKind) -> Result<Vec<Recorded>, StoreError>;
    /// Replace a stored event by its redacted form (the one change events allow).
    fn redact(&self, id: i64, seq: i64, redacted: &Event) -> Result<(), StoreError>;

    /// This transaction works on cases of `at`: a store shared by several servers locks it
    /// now, before its cases are read (one statement fewer than finding the programme from
    /// the case; a case found to belong elsewhere is read again under its own lock).
    fn working_on(&self, at: ProgrammeIn<'_>) -> Result<(), StoreError>;
    /// Said first, before `working_on`: the transaction will ask for the places and the
    /// waiting list of the programme it works on (a start), which a store shared over the
    /// network may then read ahead, in the same message as the case.
    fn will_read_places(&self);
    /// Said first: the transaction adds one case, after looking up its dossier
    /// (`dossier_case`). A store shared over the network may take the case's number in the
    /// look-up's message and send the case with the COMMIT.
    fn will_add_case(&self);

    /// Cases of `at` holding a place: running ones and paused ones that kept theirs.
    fn places_held(&self, at: ProgrammeIn<'_>) -> Result<i64, StoreError>;
    /// The place at the end of `at`'s waiting list, and the position (1 = next) the case
    /// that takes it will have: one look-up, as a case joins the list.
    fn waiting_list_end(&self, at: ProgrammeIn<'_>) -> Result<(i64, i64), StoreError>;
    /// The first case on `at`'s waiting list.
    fn first_waiting(&self, at: ProgrammeIn<'_>) -> Result<Option<CaseRecord>, StoreError>;

    /// Schedule an evaluation moment (once: the same moment again is ignored).
    fn schedule(
        &self,
        id: i64,
        evaluation: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(), StoreError>;
    /// Every scheduled moment of a case, by its first day.
    fn due(&self, id: i64) -> Result<Vec<Due>, StoreError>;
    fn hold(
        &self,
        id: i64,
        evaluation: &str,
        due_from: NaiveDate,
        on: NaiveDate,
    ) -> Result<(), StoreError>;
    /// Move an open moment to other days.
    fn reschedule(
        &self,
        id: i64,
        moved: &Due,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(), StoreError>;
    /// Forget the moments not held (of one evaluation, or all of them).
    fn unschedule_open(&self, id: i64, evaluation: Option<&str>) -> Result<(), StoreError>;

    /// Since when a case attends `module`, if it does.
    fn enrolled_since(&self, id: i64, module: &str) -> Result<Option<NaiveDate>, StoreError>;

    /// How many clients attend `group` of `module` now, among the running or paused cases of
    /// case `id`'s programme and organisation.
    fn group_members(&self, id: i64, module: &str, group: &str) -> Result<i64, StoreError>;
    fn enrol(
        &self,
        id: i64,
        module: &str,
        group: Option<&str>,
        on: NaiveDate,
    ) -> Result<(), StoreError>;
    fn leave(&self, id: i64, module: &str, on: NaiveDate) -> Result<(), StoreError>;

    /// Whether case `id` attended `group` of `module` on day `on` (enrolled by then, not left
    /// before).
    fn in_group_on(
        &self,
        id: i64,
        module: &str,
        group: &str,
        on: NaiveDate,
    ) -> Result<bool, StoreError>;
    /// Keep a planned contact of case `id` for the agenda.
    fn add_appointment(
        &self,
        id: i64,
        appointment: &crate::event::Appointed,
    ) -> Result<(), StoreError>;
    /// Keep `presence` as case `id`'s mark for group session `session` (replacing an earlier
    /// one).
    fn mark_attendance(
        &self,
        session: i64,
        id: i64,
        presence: crate::event::Presence,
    ) -> Result<(), StoreError>;
}
