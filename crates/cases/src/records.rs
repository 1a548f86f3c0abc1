//! What a case store reports about its cases, as typed records: a case, an evaluation moment
//! due, counts per module or organisation, a case's history for the forecast, a cohort's
//! counts for the activity report. The store fills them; the application, the reports and the
//! simulation read them. Whose cases a read covers is a `Scope`.

use chrono::NaiveDate;
use serde::Serialize;

use traject_rules::Verdict;

use crate::event::Event;
use crate::states::CaseState;

/// A case as the application lists and shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseRow {
    pub id: i64,
    pub program: String,
    pub version: String,
    pub version_hash: String,
    pub state: CaseState,
    pub verdict: Verdict,
    pub track: Option<String>,
    pub referral_date: NaiveDate,
    pub started_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub updated_on: NaiveDate,
    /// The team that follows the case (`None` for cases made outside a team, e.g. the CLI).
    pub team: Option<String>,
    /// The organisation (OCMW) the case belongs to (`None` in a single-organisation store).
    pub org: Option<String>,
    /// Position on the waiting list (1 = next), when waiting.
    pub position: Option<i64>,
    /// The referral as stored (JSON; personal data, never serialised with the row).
    #[serde(skip)]
    pub referral: String,
}

/// Where a page of the case list ends, and the next one starts: the list is in the order of
/// the waiting list's place (0 for a case not waiting), then the case number. Written as
/// `place-case` (for example `0-1234`) in the address of the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ListKey {
    pub place: i64,
    pub case: i64,
}

impl ListKey {
    /// Before every case.
    pub const START: ListKey = ListKey {
        place: i64::MIN,
        case: i64::MIN,
    };
}

impl std::fmt::Display for ListKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.place, self.case)
    }
}

impl std::str::FromStr for ListKey {
    type Err = ();

    /// `place-case`, both whole numbers not below zero (what `Display` writes for a case).
    fn from_str(s: &str) -> Result<ListKey, ()> {
        let (place, case) = s.split_once('-').ok_or(())?;
        let number = |t: &str| -> Result<i64, ()> {
            if t.is_empty() || t.len() > 18 || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(());
            }
            t.parse().map_err(|_| ())
        };
        Ok(ListKey {
            place: number(place)?,
            case: number(case)?,
        })
    }
}

/// One page of the case list, and where the next one starts (`None`: this was the last).
#[derive(Debug, Clone)]
pub struct CasePage {
    pub rows: Vec<CaseRow>,
    pub next: Option<ListKey>,
}

/// An evaluation moment not yet held that is due (window open) or overdue (window closed).
#[derive(Debug, Clone, Serialize)]
pub struct DueRow {
    pub case_id: i64,
    pub program: String,
    pub evaluation: String,
    pub due_from: NaiveDate,
    pub due_to: NaiveDate,
    pub overdue: bool,
    pub team: Option<String>,
}

/// How many running or paused cases attend a module (and group) now.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleCount {
    pub module: String,
    pub group: Option<String>,
    pub enrolled: i64,
}

/// Cases of one organisation, programme and state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationCount {
    pub org: Option<String>,
    pub program: String,
    pub state: CaseState,
    pub cases: i64,
}

/// The programme a case was judged under: its file name, text and option choices.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub file: String,
    pub text: String,
    pub options: std::collections::BTreeMap<String, String>,
    /// The scripts as JSON (name → file and text); `None` for snapshots stored before scripts
    /// were kept.
    pub scripts: Option<String>,
}

/// A case's history as the forecast learns from it: its referral date and its events by day.
#[derive(Debug, Clone)]
pub struct CaseHistory {
    pub referral_date: NaiveDate,
    pub events: Vec<(NaiveDate, Event)>,
}

/// A case that ran in a period, for the funders' conditions: its version, its referral as
/// stored, and its `referred` event (which keeps the funders once the referral is erased).
#[derive(Debug, Clone)]
pub struct FundableCase {
    pub version: String,
    pub referral: serde_json::Value,
    pub referred: Option<Event>,
}

/// A cohort (cases referred in a period) counted for the activity report, states as they
/// stand now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CohortCounts {
    pub referred: i64,
    pub eligible: i64,
    pub needs_assessment: i64,
    pub ineligible: i64,
    pub started: i64,
    pub waiting: i64,
    /// Running or paused.
    pub active: i64,
    /// Extended at least once.
    pub extended: i64,
    pub closed: i64,
    /// Closed cases per exit destination.
    pub exits: Vec<(String, i64)>,
    pub dropped: i64,
    pub drop_reasons: Vec<(String, i64)>,
    pub not_started: i64,
    pub not_started_reasons: Vec<(String, i64)>,
    /// Evaluation moments due on or before the report's day, and how many were held.
    pub evaluations_due: i64,
    pub evaluations_held: i64,
}

/// Whose cases a read covers: which organisation's (all of them, or one — `None`: cases
/// outside any organisation) and, within it, which team's.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub org: Reach<'a>,
    pub team: Reach<'a>,
}

/// Every value, or exactly this one (`None` matches the cases that have none).
#[derive(Debug, Clone, Copy)]
pub enum Reach<'a> {
    All,
    Only(Option<&'a str>),
}

impl Scope<'_> {
    /// Everything: the store's own tools (copy, retention, the CLI without a user).
    pub const ALL: Scope<'static> = Scope {
        org: Reach::All,
        team: Reach::All,
    };
}

/// A group session about to be planned: a day (and time, in minutes after midnight in the
/// configured time zone) for one group of a module of a programme in an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub org: Option<String>,
    pub program: String,
    pub module: String,
    pub group: String,
    pub on: NaiveDate,
    pub at_minute: Option<u32>,
    pub minutes: Option<u32>,
}

/// A planned group session, with how many participants' attendance is recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRow {
    pub id: i64,
    #[serde(skip)]
    pub org: Option<String>,
    pub program: String,
    pub module: String,
    pub group: String,
    pub on: NaiveDate,
    /// Minutes after midnight, local time.
    pub at_minute: Option<u32>,
    pub minutes: Option<u32>,
    pub marked: i64,
}

/// A participant of a session's group: their case and their mark (if recorded).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    pub case: i64,
    pub presence: Option<crate::event::Presence>,
}

/// A running case whose latest group-session marks are absences without excuse: how many in
/// a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsenceStreak {
    pub case: i64,
    pub program: String,
    pub version: String,
    pub absences: i64,
}

/// What filled a programme's weeks in a period: group sessions and attendance, contact
/// moments, and who took part in which module (for the activity report).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParticipationCounts {
    /// Sessions planned in the period up to the report's day, and those with attendance.
    pub sessions_planned: i64,
    pub sessions_held: i64,
    pub present: i64,
    pub excused: i64,
    pub absent: i64,
    /// Minutes of group sessions attended (a present mark times its session's length).
    pub group_minutes: i64,
    /// Contact minutes per kind of contact (its word).
    pub contact_minutes: Vec<(String, i64)>,
    /// Cases with a contact or a present mark in the period: the guidance denominator.
    pub guided: i64,
    /// Cases enrolled in a module at some time in the period, per module.
    pub enrolled_per_module: Vec<(String, i64)>,
    /// Cases enrolled in any module at some time in the period.
    pub enrolled: i64,
    /// Cases enrolled in a module of each kind of support (the module's `kind`).
    pub enrolled_per_kind: Vec<(String, i64)>,
}

/// A planned contact of a case, for the agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentRow {
    pub case: i64,
    pub kind: crate::event::ContactKind,
    pub on: NaiveDate,
    pub at_minute: Option<u32>,
    pub minutes: Option<u32>,
}
