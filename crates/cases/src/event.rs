//! What happened to a case, as typed events. Every change the lifecycle makes is one event,
//! written in the same transaction as the change. A store keeps an event as its kind and its
//! details (JSON, in the shape below: the shape the access export, the API and `--format json`
//! show) and reads it back as the same type. Details added in later versions are optional, so
//! events written by an earlier traject still read.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use traject_model::program::model::Decision;
use traject_rules::{Outcome, Verdict};

use crate::states::CaseState;

/// One event of a case's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum Event {
    /// A referral became a case, judged by the version in force on its date.
    Referred(Referred),
    /// The team was full: the case joined the waiting list.
    Waiting(Waiting),
    /// The case started on a track.
    Started(Started),
    /// An evaluation moment was held.
    Evaluated(Evaluated),
    /// Closed with an exit destination.
    Closed(Ended),
    /// Dropped with a reason.
    Dropped(Ended),
    /// Will not start, with a reason.
    NotStarted(Ended),
    /// Moved on purpose to another version of the programme.
    Migrated(Migrated),
    /// Joined a module (and group).
    Enrolled(Enrolled),
    /// Left a module.
    Left(Left),
    /// Paused by the client.
    Paused(Paused),
    /// Resumed after a pause.
    Resumed(Resumed),
    /// A closed or dropped case was referred again.
    Reopened(Reopened),
    /// A worker recorded an assessment of an assessed criterion; the referral was judged again.
    Assessed(Rejudged),
    /// A fact of the referral was corrected; the referral was judged again.
    Corrected(Rejudged),
    /// The client's personal data was erased.
    Erased(Erased),
    /// A worker saw or spoke with the client (a contact moment).
    Contacted(Contacted),
    /// The client's attendance at a group session was recorded.
    Attended(Attended),
    /// A contact with the client was planned (an appointment).
    Appointed(Appointed),
}

/// The kind of an event, without its details: what queries over histories select on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Referred,
    Waiting,
    Started,
    Evaluated,
    Closed,
    Dropped,
    NotStarted,
    Migrated,
    Enrolled,
    Left,
    Paused,
    Resumed,
    Reopened,
    Assessed,
    Corrected,
    Erased,
    Contacted,
    Attended,
    Appointed,
}

impl EventKind {
    pub const ALL: [EventKind; 19] = [
        EventKind::Referred,
        EventKind::Waiting,
        EventKind::Started,
        EventKind::Evaluated,
        EventKind::Closed,
        EventKind::Dropped,
        EventKind::NotStarted,
        EventKind::Migrated,
        EventKind::Enrolled,
        EventKind::Left,
        EventKind::Paused,
        EventKind::Resumed,
        EventKind::Reopened,
        EventKind::Assessed,
        EventKind::Corrected,
        EventKind::Erased,
        EventKind::Contacted,
        EventKind::Attended,
        EventKind::Appointed,
    ];

    /// The word a store keeps in its `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Referred => "referred",
            EventKind::Waiting => "waiting",
            EventKind::Started => "started",
            EventKind::Evaluated => "evaluated",
            EventKind::Closed => "closed",
            EventKind::Dropped => "dropped",
            EventKind::NotStarted => "not_started",
            EventKind::Migrated => "migrated",
            EventKind::Enrolled => "enrolled",
            EventKind::Left => "left",
            EventKind::Paused => "paused",
            EventKind::Resumed => "resumed",
            EventKind::Reopened => "reopened",
            EventKind::Assessed => "assessed",
            EventKind::Corrected => "corrected",
            EventKind::Erased => "erased",
            EventKind::Contacted => "contacted",
            EventKind::Attended => "attended",
            EventKind::Appointed => "appointed",
        }
    }

    pub fn parse(word: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == word)
    }

    /// The event that ends a case in `state` (closed, dropped, not started).
    pub fn ending(state: CaseState) -> Option<EventKind> {
        match state {
            CaseState::Closed => Some(EventKind::Closed),
            CaseState::Dropped => Some(EventKind::Dropped),
            CaseState::NotStarted => Some(EventKind::NotStarted),
            _ => None,
        }
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Referred {
    pub verdict: Verdict,
    pub version: String,
    /// The rules that did not pass (failed, unknown or awaiting a worker).
    #[serde(default)]
    pub not_passed: Vec<String>,
    /// The funders the case may be charged to, kept here so that funding reports survive an
    /// erasure of the referral.
    #[serde(default)]
    pub funding: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiting {
    #[serde(default)]
    pub track: Option<String>,
    pub position: i64,
    #[serde(default)]
    pub capacity: Option<i64>,
    /// How the pinned version changed since the referral, if it did.
    #[serde(default)]
    pub changed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Started {
    #[serde(default)]
    pub track: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<String>,
    /// Started by the first free place, from the waiting list.
    #[serde(default, skip_serializing_if = "is_false")]
    pub from_waiting_list: bool,
    /// The place freed on a day before the case joined the list (a change recorded late).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_freed_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waited_days: Option<i64>,
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluated {
    pub evaluation: String,
    #[serde(default)]
    pub decision: Option<Decision>,
    /// Free text about the client: erased with the rest of their personal data.
    #[serde(default)]
    pub goals: Vec<String>,
    #[serde(default)]
    pub score: Option<f64>,
    /// The first day of the scheduled moment this evaluation held, if one was due.
    #[serde(default)]
    pub scheduled_for: Option<NaiveDate>,
    #[serde(default)]
    pub changed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_until: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Why the moment was held outside its window (free text, erased with the rest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The free text was erased.
    #[serde(default, skip_serializing_if = "is_false")]
    pub redacted: bool,
}

/// A case ended: closed, dropped or never started, with its exit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ended {
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Migrated {
    pub from_version: String,
    pub from_hash: String,
    pub to_version: String,
    pub to_hash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrolled {
    pub module: String,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Left {
    pub module: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paused {
    /// The state the case paused from, and resumes to.
    pub from: CaseState,
    /// Free text about the client: erased with the rest of their personal data.
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub resume_by: Option<NaiveDate>,
    #[serde(default)]
    pub place_freed: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub redacted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resumed {
    pub paused_days: i64,
    pub to: CaseState,
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reopened {
    pub from: CaseState,
    #[serde(default)]
    pub outcome: Option<String>,
    pub ended_on: NaiveDate,
}

/// The referral judged again after an assessment or a correction: which facts were recorded
/// (their names only — the values live in the referral, erased with it), the verdict before
/// and after, and each rule whose outcome changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejudged {
    pub facts: Vec<String>,
    pub verdict_before: Verdict,
    pub verdict: Verdict,
    #[serde(default)]
    pub rules: Vec<RuleChange>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub redacted: bool,
}

/// A rule whose outcome changed when the referral was judged again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleChange {
    pub rule: String,
    pub from: Outcome,
    pub to: Outcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Erased {
    pub reason: String,
}

/// How a worker and a client met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Intake,
    IndividualGuidance,
    HomeVisit,
    Phone,
    Group,
}

impl ContactKind {
    pub const ALL: [ContactKind; 5] = [
        ContactKind::Intake,
        ContactKind::IndividualGuidance,
        ContactKind::HomeVisit,
        ContactKind::Phone,
        ContactKind::Group,
    ];

    /// The word the command line, the forms and the store use.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Intake => "intake",
            ContactKind::IndividualGuidance => "individual_guidance",
            ContactKind::HomeVisit => "home_visit",
            ContactKind::Phone => "phone",
            ContactKind::Group => "group",
        }
    }

    pub fn parse(word: &str) -> Option<ContactKind> {
        ContactKind::ALL
            .into_iter()
            .find(|k| k.as_str() == word.replace('-', "_"))
    }
}

/// A contact moment: how, how long, and a short note for the case's team (free text about
/// the client: erased with the rest of their personal data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contacted {
    pub kind: ContactKind,
    pub minutes: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub redacted: bool,
}

/// Whether a participant came to a group session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Presence {
    Present,
    /// Absent with a reason the team accepted (ill, an appointment, a job interview).
    Excused,
    /// Absent without an excuse: what the board's absence flag counts.
    Absent,
}

impl Presence {
    pub const ALL: [Presence; 3] = [Presence::Present, Presence::Excused, Presence::Absent];

    /// The word the command line, the forms and the store use.
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Present => "present",
            Presence::Excused => "excused",
            Presence::Absent => "absent",
        }
    }

    pub fn parse(word: &str) -> Option<Presence> {
        Presence::ALL.into_iter().find(|p| p.as_str() == word)
    }
}

/// Attendance at one group session of a module: which session, of which group, and whether
/// the client came. A correction is a later event of the same session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attended {
    pub session: i64,
    pub module: String,
    pub group: String,
    pub presence: Presence,
    /// The session's length, when planned with one: the hours of group guidance counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
}

/// A planned contact: how, on which day (and at what time, local, and for how long). The
/// agenda shows it; it holds no free text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appointed {
    pub kind: ContactKind,
    pub day: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_minute: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
}

impl Event {
    pub fn kind(&self) -> EventKind {
        match self {
            Event::Referred(_) => EventKind::Referred,
            Event::Waiting(_) => EventKind::Waiting,
            Event::Started(_) => EventKind::Started,
            Event::Evaluated(_) => EventKind::Evaluated,
            Event::Closed(_) => EventKind::Closed,
            Event::Dropped(_) => EventKind::Dropped,
            Event::NotStarted(_) => EventKind::NotStarted,
            Event::Migrated(_) => EventKind::Migrated,
            Event::Enrolled(_) => EventKind::Enrolled,
            Event::Left(_) => EventKind::Left,
            Event::Paused(_) => EventKind::Paused,
            Event::Resumed(_) => EventKind::Resumed,
            Event::Reopened(_) => EventKind::Reopened,
            Event::Assessed(_) => EventKind::Assessed,
            Event::Corrected(_) => EventKind::Corrected,
            Event::Erased(_) => EventKind::Erased,
            Event::Contacted(_) => EventKind::Contacted,
            Event::Attended(_) => EventKind::Attended,
            Event::Appointed(_) => EventKind::Appointed,
        }
    }

    /// The event that ends a case in `state` with `outcome` (its exit).
    pub fn ending(state: CaseState, outcome: &str) -> Option<Event> {
        let ended = Ended {
            outcome: outcome.to_string(),
        };
        match state {
            CaseState::Closed => Some(Event::Closed(ended)),
            CaseState::Dropped => Some(Event::Dropped(ended)),
            CaseState::NotStarted => Some(Event::NotStarted(ended)),
            _ => None,
        }
    }

    /// The details as a store keeps them (a JSON object).
    pub fn details(&self) -> serde_json::Value {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut m)) => {
                m.remove("payload").unwrap_or(serde_json::Value::Null)
            }
            _ => serde_json::Value::Null,
        }
    }

    /// The event of `kind` with these stored details; `None` when they are not that kind's.
    pub fn from_details(kind: EventKind, details: serde_json::Value) -> Option<Event> {
        let tagged = serde_json::json!({"kind": kind.as_str(), "payload": details});
        serde_json::from_value(tagged).ok()
    }

    /// The same event with the free text written about the client erased: an evaluation's
    /// goals, a pause's reason. `None` for events that hold no free text.
    pub fn redacted(&self) -> Option<Event> {
        match self {
            Event::Evaluated(e) => Some(Event::Evaluated(Evaluated {
                goals: Vec::new(),
                reason: None,
                redacted: true,
                ..e.clone()
            })),
            Event::Paused(p) => Some(Event::Paused(Paused {
                reason: None,
                redacted: true,
                ..p.clone()
            })),
            Event::Contacted(c) => Some(Event::Contacted(Contacted {
                note: None,
                redacted: true,
                ..c.clone()
            })),
            Event::Assessed(r) | Event::Corrected(r) => {
                let r = Rejudged {
                    reason: None,
                    redacted: true,
                    ..r.clone()
                };
                Some(match self {
                    Event::Assessed(_) => Event::Assessed(r),
                    _ => Event::Corrected(r),
                })
            }
            _ => None,
        }
    }
}

/// One stored event of a case, in the order the case's history runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRecord {
    pub case_id: i64,
    /// 1, 2, … per case.
    pub seq: i64,
    /// The day the change happened (`--as-of` may set it).
    pub on_date: NaiveDate,
    /// When it was written (UTC, RFC 3339).
    pub recorded_at: String,
    #[serde(flatten)]
    pub event: Event,
    pub actor: String,
    /// The content hash of the programme version the case was under.
    pub version_hash: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_round_trip_through_their_stored_form() {
        let e = Event::Evaluated(Evaluated {
            evaluation: "final".into(),
            decision: Some(Decision::Extend),
            goals: vec!["Nederlands".into()],
            score: Some(3.5),
            scheduled_for: NaiveDate::from_ymd_opt(2024, 6, 1),
            changed: None,
            extended_until: NaiveDate::from_ymd_opt(2024, 9, 1),
            destination: None,
            reason: Some("held late: the client was ill".into()),
            redacted: false,
        });
        let stored = e.details();
        assert_eq!(
            stored.to_string(),
            r#"{"evaluation":"final","decision":"extend","goals":["Nederlands"],"score":3.5,"scheduled_for":"2024-06-01","changed":null,"extended_until":"2024-09-01","reason":"held late: the client was ill"}"#
        );
        assert_eq!(Event::from_details(EventKind::Evaluated, stored), Some(e));
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn details_written_before_a_detail_existed_still_read() {
        let old = serde_json::json!({"track": "long", "changed": null, "ends_on": "2024-01-01"});
        let Some(Event::Started(s)) = Event::from_details(EventKind::Started, old) else {
            panic!("an early started event reads")
        };
        assert_eq!(s.waited_days, None);
        assert!(!s.from_waiting_list);
        assert!(Event::from_details(EventKind::Left, serde_json::json!({})).is_none());
    }

    #[test]
    fn redaction_empties_free_text_only() {
        let p = Event::Paused(Paused {
            from: CaseState::Active,
            reason: Some("ziek".into()),
            resume_by: None,
            place_freed: false,
            redacted: false,
        });
        let r = p.redacted().unwrap();
        assert_eq!(r.details()["reason"], serde_json::Value::Null);
        assert_eq!(r.details()["redacted"], true);
        assert!(Event::Left(Left { module: "m".into() })
            .redacted()
            .is_none());
        let corrected = Event::Corrected(Rejudged {
            facts: vec!["birth_date".into()],
            verdict_before: Verdict::NeedsAssessment,
            verdict: Verdict::Ineligible,
            rules: Vec::new(),
            reason: Some("typed 2010 for 1990".into()),
            redacted: false,
        });
        let r = corrected.redacted().unwrap();
        assert_eq!(r.kind(), EventKind::Corrected);
        assert_eq!(r.details()["reason"], serde_json::Value::Null);
        assert_eq!(
            r.details()["facts"][0],
            "birth_date",
            "the fact's name stays"
        );
    }
}
