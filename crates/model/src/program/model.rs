//! The typed programme model, one struct per concept of `schemas/program.schema.json`.
//!
//! Every struct that stands for an element of a list keeps `ptr`, the JSON pointer of the
//! place it was written (injected by the loader as `_ptr`), so later stages — semantic checks,
//! eligibility traces, diffs — can point back at `file:line:col` even for entries a version
//! inherited from an earlier one.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::duration::Duration;
pub use super::terms::{Anchor, Decision, ExitKind, PathwayKind, SpecialCategory};
use crate::text::{Label, Lang};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramSpec {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    pub name: Label,
    pub organisation: Label,
    pub ocmw: String,
    pub society_language: Lang,
    #[serde(default)]
    pub policy_region: Option<String>,
    #[serde(default)]
    pub summary: Option<Label>,
    pub source: String,
    #[serde(default)]
    pub options: Vec<OptionSpec>,
    pub versions: Vec<Version>,
    #[serde(default)]
    pub limits: Option<LimitsSpec>,
    #[serde(default)]
    pub retention: Option<Retention>,
    /// What the record of processing states beyond the programme itself.
    #[serde(default)]
    pub processing: Option<Processing>,
    /// Which Flemish NT2 levels correspond to which CEFR level, where an option says so;
    /// without an entry, levels on the two scales are not compared.
    #[serde(default)]
    pub level_equivalences: Vec<LevelEquivalence>,
}

/// NT2 levels ("1.1", "1.2") that count as one CEFR level ("A1").
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LevelEquivalence {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub nt2: Vec<String>,
    pub cefr: String,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
}

/// The record of processing's declarations (GDPR art. 30) that the rest of the programme does
/// not hold: on what legal basis the OCMW processes the data and who receives it. Each entry
/// has a source, or is marked for the data-protection officer to confirm.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Processing {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub legal_basis: Vec<Declaration>,
    pub recipients: Vec<Declaration>,
    /// How to reach the OCMW's data-protection officer; absent until the officer fills it.
    #[serde(default)]
    pub dpo_contact: Option<String>,
}

/// One declared legal basis or recipient.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub label: Label,
    pub source: String,
    /// Written from the seeds or by assumption, not yet confirmed by the data-protection officer.
    #[serde(default)]
    pub dpo_to_confirm: bool,
}

/// How long personal data is kept once a case has ended.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub erase_after: Duration,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
    /// Cases that never end (never started, or left open): kept this long after their last
    /// event. Without it they are kept until someone ends them.
    #[serde(default)]
    pub unended: Option<UnendedRetention>,
}

/// How long a case that never ends is kept after its last event.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnendedRetention {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub erase_after: Duration,
    pub source: String,
}

/// A pause: the case keeps its place (it still counts against capacity) unless the
/// programme frees it; its evaluation moments and end date move by the days it was paused.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PausePolicy {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    /// How long one pause may last ("3 months").
    pub max_length: Duration,
    /// How many pauses one case may take.
    pub max_pauses: u32,
    /// Whether a paused case keeps its place or gives it to the waiting list.
    #[serde(default)]
    pub place: PausePlace,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
}

/// Attendance at group sessions: after how many absences without excuse in a row the board
/// flags a participant.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AttendancePolicy {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub absences_in_a_row: u32,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
}

/// What happens to a paused case's place in the team's caseload.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PausePlace {
    /// The place stays reserved: the case still counts against capacity (the default, so
    /// that a client who comes back is never turned away).
    #[default]
    Keep,
    /// The place goes to the first case on the waiting list; resuming needs a free place.
    Free,
}

/// Re-opening: a closed or dropped case comes back to `referred` (and starts again, or waits)
/// when the client returns within `within` of the end.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReopenPolicy {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub within: Duration,
    /// A case that never started may be re-opened too (a candidate not yet ready who comes
    /// back), counted from the day it was recorded as not started.
    #[serde(default)]
    pub not_started: bool,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
}

/// Per-programme overrides of the script sandbox limits.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSpec {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub max_operations: Option<u64>,
    pub max_call_levels: Option<usize>,
    pub max_expr_depth: Option<usize>,
    pub max_string_size: Option<usize>,
    pub max_array_size: Option<usize>,
    pub max_map_size: Option<usize>,
    pub max_time_ms: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    pub label: Label,
    pub default: String,
    pub choices: Vec<OptionChoice>,
    #[serde(default)]
    pub note: Option<Label>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OptionChoice {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    pub label: Label,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    #[serde(default)]
    pub label: Option<Label>,
    pub valid_from: NaiveDate,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    #[serde(default)]
    pub based_on: Option<String>,
    #[serde(default)]
    pub funding_call: Option<String>,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
    pub eligibility: Eligibility,
    #[serde(default)]
    pub tracks: Vec<Track>,
    pub modules: Vec<Module>,
    #[serde(default)]
    pub phases: Vec<Phase>,
    pub pathway: Pathway,
    pub evaluations: Vec<Evaluation>,
    pub exits: Vec<Exit>,
    pub staffing: Vec<Role>,
    pub capacity: Capacity,
    pub funding: Funding,
    #[serde(default)]
    pub partners: Vec<Partner>,
    #[serde(default)]
    pub demand: Option<Demand>,
    /// Whether and how long an active case may be paused and then resumed.
    #[serde(default)]
    pub pause: Option<PausePolicy>,
    /// Whether a closed or dropped case may be re-opened when the client comes back.
    #[serde(default)]
    pub reopen: Option<ReopenPolicy>,
    /// When a participant's absences from group sessions are flagged on the board.
    #[serde(default)]
    pub attendance: Option<AttendancePolicy>,
    /// What this version adds, removes or changes against the version it is `based_on`, each
    /// with its source and reason (checked against the real differences when loading).
    #[serde(default)]
    pub changes: Vec<super::changes::VersionChange>,
    /// Content hash of the resolved version (filled by the loader, never read from YAML).
    #[serde(skip_deserializing, default)]
    pub hash: String,
}

impl Version {
    /// Module `module` belongs to a pathway step taken before the start.
    pub fn before_start(&self, module: &str) -> bool {
        self.pathway
            .steps
            .iter()
            .any(|s| s.before_start && s.modules.iter().any(|m| m == module))
    }

    /// Whether `date` falls inside this version's period (both ends inclusive).
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        date >= self.valid_from && self.valid_to.is_none_or(|to| date <= to)
    }

    pub fn module(&self, id: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.id == id)
    }

    pub fn track(&self, id: &str) -> Option<&Track> {
        self.tracks.iter().find(|t| t.id == id)
    }

    /// FTE that count towards the caseload norm, with the staff the version states in full.
    pub fn caseload_fte(&self) -> f64 {
        self.staffing
            .iter()
            .filter(|r| r.counts_for_caseload)
            .map(|r| r.fte)
            .sum()
    }

    /// FTE that count towards the caseload norm on `day`: each role's dated step in force.
    pub fn caseload_fte_on(&self, day: NaiveDate) -> f64 {
        self.staffing
            .iter()
            .filter(|r| r.counts_for_caseload)
            .map(|r| r.fte_on(day))
            .sum()
    }

    /// Concurrent active clients allowed with the staff the version states in full.
    pub fn capacity_limit(&self) -> Option<u32> {
        self.limit_with(self.caseload_fte())
    }

    /// Concurrent active clients allowed on `day`, with the staff in force that day.
    pub fn capacity_limit_on(&self, day: NaiveDate) -> Option<u32> {
        self.limit_with(self.caseload_fte_on(day))
    }

    /// Caseload FTE × norm, no more than the stated total; or the total alone.
    fn limit_with(&self, fte: f64) -> Option<u32> {
        let by_norm = self
            .capacity
            .caseload_per_fte
            .map(|norm| (fte * norm + 1e-9).floor() as u32);
        match (self.capacity.total, by_norm) {
            (Some(total), Some(n)) => Some(total.min(n)),
            (total, n) => total.or(n),
        }
    }

    /// The days within `[from, to]` on which a role's dated staffing step takes effect.
    pub fn staffing_changes(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = self
            .staffing
            .iter()
            .flat_map(|r| r.fte_from.iter().map(|s| s.from))
            .filter(|d| from < *d && *d <= to)
            .collect();
        days.sort();
        days.dedup();
        days
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub note: Option<Label>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Hard,
    Soft,
    Assessed,
    Priority,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Hard => "hard",
            Mode::Soft => "soft",
            Mode::Assessed => "assessed",
            Mode::Priority => "priority",
        }
    }
}

/// A top-level eligibility rule: a condition with a mode and exceptions.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    pub mode: Mode,
    pub label: Label,
    pub source: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub value: Option<Value>,
    #[serde(default)]
    pub any_of: Vec<Condition>,
    #[serde(default)]
    pub all_of: Vec<Condition>,
    #[serde(default)]
    pub exceptions: Vec<Condition>,
    #[serde(default)]
    pub note: Option<Label>,
}

impl Rule {
    /// The rule seen as a plain condition (its own test, without mode or exceptions).
    pub fn as_condition(&self) -> Condition {
        Condition {
            ptr: self.ptr.clone(),
            id: self.id.clone(),
            label: self.label.clone(),
            source: self.source.clone(),
            kind: self.kind.clone(),
            field: self.field.clone(),
            value: self.value.clone(),
            any_of: self.any_of.clone(),
            all_of: self.all_of.clone(),
            note: self.note.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    pub label: Label,
    pub source: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub value: Option<Value>,
    #[serde(default)]
    pub any_of: Vec<Condition>,
    #[serde(default)]
    pub all_of: Vec<Condition>,
    #[serde(default)]
    pub note: Option<Label>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    #[serde(default)]
    pub times: Option<Value>,
    #[serde(default)]
    pub per: Option<String>,
    #[serde(default)]
    pub every: Option<Duration>,
    #[serde(default)]
    pub session: Option<Duration>,
    #[serde(default)]
    pub max_per_week: Option<f64>,
    #[serde(default)]
    pub days_per_week: Option<f64>,
    #[serde(default)]
    pub min_hours_per_week: Option<f64>,
    #[serde(default)]
    pub count: Option<u32>,
    #[serde(default)]
    pub weekdays: Vec<String>,
    #[serde(default)]
    pub alternating: bool,
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub intensive_start: Option<Duration>,
    #[serde(default)]
    pub note: Option<Label>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Track {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    pub label: Label,
    pub duration: Duration,
    #[serde(default)]
    pub extendable: bool,
    #[serde(default)]
    pub extension: Option<Duration>,
    #[serde(default)]
    pub selection: Option<Label>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    pub label: Label,
    #[serde(default)]
    pub tracks: Vec<String>,
    #[serde(default)]
    pub contact: Option<Schedule>,
    #[serde(default)]
    pub goals: Vec<Label>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Interpretation {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    #[serde(default)]
    pub interpreters: bool,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub note: Option<Label>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSize {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    #[serde(default)]
    pub min: Option<u32>,
    #[serde(default)]
    pub max: Option<u32>,
    /// Lower limits for a period (e.g. Covid measures): groups formed on a day inside it are
    /// at most this large.
    #[serde(default)]
    pub temporary: Vec<TemporaryLimit>,
}

impl GroupSize {
    /// The largest group allowed on `on`: a temporary limit in force then, else `max`.
    pub fn max_on(&self, on: NaiveDate) -> Option<u32> {
        self.temporary
            .iter()
            .find(|t| t.from <= on && on <= t.to)
            .map(|t| t.max)
            .or(self.max)
    }
}

/// A group limit in force between two dates (both inclusive).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TemporaryLimit {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub max: u32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub script: String,
    #[serde(default)]
    pub params: Option<Value>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    pub label: Label,
    pub kind: String,
    #[serde(default)]
    pub goals: Vec<Label>,
    #[serde(default)]
    pub delivery_language: Option<String>,
    #[serde(default)]
    pub interpretation: Option<Interpretation>,
    #[serde(default)]
    pub schedule: Option<Schedule>,
    #[serde(default)]
    pub duration: Option<Duration>,
    #[serde(default)]
    pub group_size: Option<GroupSize>,
    #[serde(default)]
    pub staff_per_group: Option<f64>,
    #[serde(default)]
    pub entry: Option<String>,
    #[serde(default)]
    pub on_request: bool,
    #[serde(default)]
    pub mandatory: bool,
    #[serde(default)]
    pub phases: Vec<Phase>,
    #[serde(default)]
    pub routing: Option<Routing>,
    #[serde(default)]
    pub partners: Vec<String>,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub evaluation: String,
    pub decision: Decision,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    #[serde(default)]
    pub label: Option<Label>,
    pub modules: Vec<String>,
    #[serde(default)]
    pub after: Vec<String>,
    #[serde(default)]
    pub gate: Option<Gate>,
    #[serde(default)]
    pub optional: bool,
    /// The client takes this step before the trajectory starts (an orientation, a trial
    /// week): a referred case may join its modules, and their moments fall due before the start.
    #[serde(default)]
    pub before_start: bool,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pathway {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub kind: PathwayKind,
    pub steps: Vec<Step>,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub from: Duration,
    pub to: Duration,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    pub label: Label,
    pub anchor: Anchor,
    #[serde(default)]
    pub at: Option<Duration>,
    #[serde(default)]
    pub window: Option<Window>,
    #[serde(default)]
    pub every: Option<Duration>,
    #[serde(default)]
    pub tracks: Vec<String>,
    #[serde(default)]
    pub module: Option<String>,
    pub instrument: String,
    #[serde(default)]
    pub participants: Vec<String>,
    #[serde(default)]
    pub decisions: Vec<Decision>,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exit {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    pub label: Label,
    pub kind: ExitKind,
    pub source: String,
    /// The special category of personal data this exit reveals (a drop-out for health).
    #[serde(default)]
    pub special_category: Option<SpecialCategory>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    pub label: Label,
    pub fte: f64,
    /// Staffing that changes within the version: from each step's day, the role has its FTE
    /// (before the first, `fte`).
    #[serde(default)]
    pub fte_from: Vec<FteStep>,
    #[serde(default)]
    pub persons: Option<u32>,
    #[serde(default)]
    pub counts_for_caseload: bool,
    #[serde(default)]
    pub funded_by: Vec<String>,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
}

impl Role {
    /// The role's FTE on `day`: the last dated step begun by then, else `fte`.
    pub fn fte_on(&self, day: NaiveDate) -> f64 {
        self.fte_from
            .iter()
            .filter(|s| s.from <= day)
            .max_by_key(|s| s.from)
            .map_or(self.fte, |s| s.fte)
    }
}

/// One step of a role's staffing: its FTE from a day on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FteStep {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub from: NaiveDate,
    pub fte: f64,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub caseload_per_fte: Option<f64>,
    #[serde(default)]
    pub total: Option<u32>,
    pub waiting_list: String,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Funder {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    pub label: Label,
    pub kind: String,
    #[serde(default)]
    pub eligible_if: Vec<Condition>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Share {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub funder: String,
    pub percent: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Split {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub category: String,
    pub shares: Vec<Share>,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub funders: Vec<Funder>,
    pub split: Vec<Split>,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub role: Option<Label>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reneging {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub share: f64,
    pub after: Duration,
}

/// The demand profile a caseload simulation draws referrals from.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub referrals_per_month: Vec<f64>,
    pub not_started_share: f64,
    #[serde(default)]
    pub not_started_reasons: Vec<String>,
    #[serde(default, deserialize_with = "shares_without_ptr")]
    pub track_mix: std::collections::BTreeMap<String, f64>,
    #[serde(default)]
    pub stay: Option<Duration>,
    #[serde(default)]
    pub extension_rate: Option<f64>,
    #[serde(default)]
    pub extension: Option<Duration>,
    pub dropout_rate: f64,
    #[serde(default)]
    pub reneging: Option<Reneging>,
    #[serde(default)]
    pub caseload_per_fte: Option<f64>,
    #[serde(default)]
    pub modules: Vec<ModuleDemand>,
    pub source: String,
    #[serde(default)]
    pub note: Option<Label>,
}

/// A group module simulated as seats: who takes it, and how many groups run at once.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleDemand {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub module: String,
    pub share: f64,
    pub groups: u32,
    pub source: String,
}

/// A `{key: share}` mapping, skipping the loader's `_ptr` marker.
fn shares_without_ptr<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<String, f64>, D::Error> {
    let raw = std::collections::BTreeMap::<String, Value>::deserialize(d)?;
    raw.into_iter()
        .filter(|(k, _)| k != "_ptr")
        .map(|(k, v)| {
            v.as_f64()
                .map(|f| (k.clone(), f))
                .ok_or_else(|| serde::de::Error::custom(format!("share of '{k}' is not a number")))
        })
        .collect()
}
