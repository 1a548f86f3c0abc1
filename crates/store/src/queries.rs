//! The typed reads the application, the reports and the forecast make: a case, the case list,
//! a history, the moments due, counts per module, state and organisation, the cases a funder
//! may pay for, a cohort's counts and every case's history. Each is scoped to the
//! organisation and team the reader may see.

use chrono::NaiveDate;

use traject_cases::event::{Event, EventKind, EventRecord};
use traject_cases::records::{
    CaseHistory, CasePage, CaseRow, CohortCounts, DueRow, FundableCase, ListKey, ModuleCount,
    OrganisationCount, Reach, Scope, Snapshot,
};
use traject_cases::store::Due;
use traject_cases::CaseState;

use crate::sql::{args, Row, Sql};
use crate::{Store, StoreError};

/// The cases that count against a team's capacity: running ones, and paused ones that keep
/// their place (a programme may free a paused case's place instead).
pub(crate) const HOLDS_PLACE: &str =
    "(state IN ('active', 'extended') OR (state = 'paused' AND place_freed = 0))";

const CASE_SELECT: &str = "SELECT c.id, c.program, c.version, c.version_hash, c.state, c.verdict, c.track, c.referral_date, c.started_on, c.ends_on, c.outcome, c.updated_on, \
    CASE WHEN c.state = 'waiting' THEN (SELECT COUNT(*) FROM cases w WHERE w.program = c.program AND w.org IS NOT DISTINCT FROM c.org AND w.state = 'waiting' AND w.queue_seq <= c.queue_seq) END, c.referral, c.team, c.org, COALESCE(c.queue_seq, 0) FROM cases c";

fn case_from_row(r: &Row) -> Result<CaseRow, StoreError> {
    Ok(CaseRow {
        id: r.get(0)?,
        program: r.get(1)?,
        version: r.get(2)?,
        version_hash: r.get(3)?,
        state: r.get(4)?,
        verdict: r.get(5)?,
        track: r.get(6)?,
        referral_date: r.get(7)?,
        started_on: r.get(8)?,
        ends_on: r.get(9)?,
        outcome: r.get(10)?,
        updated_on: r.get(11)?,
        position: r.get(12)?,
        referral: r.get(13)?,
        team: r.get(14)?,
        org: r.get(15)?,
    })
}

/// (everything?, the one value) as a filter `(?n OR col IS NOT DISTINCT FROM ?n+1)` reads them.
pub(crate) fn reach(r: Reach) -> (bool, Option<String>) {
    match r {
        Reach::All => (true, None),
        Reach::Only(v) => (false, v.map(str::to_string)),
    }
}

/// A moment due as the due queries select it (case, programme, evaluation, window, team);
/// overdue when its window closed before `today`.
fn due_row(r: &Row, today: NaiveDate) -> Result<DueRow, StoreError> {
    let due_to: NaiveDate = r.get(4)?;
    Ok(DueRow {
        case_id: r.get(0)?,
        program: r.get(1)?,
        evaluation: r.get(2)?,
        due_from: r.get(3)?,
        overdue: due_to < today,
        due_to,
        team: r.get(5)?,
    })
}

/// The filter on `cases c`, reading four parameters from `?first` on (see `scope`).
/// The moments `due` lists: not held, their window open by `?1`, of cases in a state where
/// moments fall due, of the programme `?2` (or all).
const DUE_NOW: &str = "d.held_on IS NULL AND d.due_from <= ?1 AND c.state IN ('referred', 'waiting', 'active', 'extended', 'closed') \
     AND (CAST(?2 AS TEXT) IS NULL OR c.program = ?2)";

fn scope_filter(first: usize) -> String {
    let [a, b, c, d] = [first, first + 1, first + 2, first + 3];
    format!(
        "(?{a} OR c.org IS NOT DISTINCT FROM ?{b}) AND (?{c} OR c.team IS NOT DISTINCT FROM ?{d})"
    )
}

fn scope(s: Scope) -> (bool, Option<String>, bool, Option<String>) {
    let (a, b) = reach(s.org);
    let (c, d) = reach(s.team);
    (a, b, c, d)
}

/// An event as stored: its kind and details read back as the typed event.
pub(crate) fn stored_event(
    kind: EventKind,
    details: &str,
    index: usize,
) -> Result<Event, StoreError> {
    serde_json::from_str(details)
        .ok()
        .and_then(|d| Event::from_details(kind, d))
        .ok_or_else(|| StoreError::Column {
            index,
            expected: "the details of an event of its kind",
            found: kind.to_string(),
        })
}

/// A case's referral as recorded (JSON), with the case and its dossier number.
#[derive(Debug, Clone)]
pub struct StoredReferral {
    pub case: i64,
    pub dossier: Option<String>,
    pub referral: String,
}

impl Store {
    pub fn case(&self, id: i64) -> Result<Option<CaseRow>, StoreError> {
        self.query_opt(
            &format!("{CASE_SELECT} WHERE c.id = ?1"),
            args![id],
            case_from_row,
        )
    }

    /// The first `limit` cases of the list (see `list_page`).
    pub fn list(
        &self,
        program: Option<&str>,
        state: Option<CaseState>,
        within: Scope,
        limit: usize,
    ) -> Result<Vec<CaseRow>, StoreError> {
        Ok(self
            .list_page(program, state, within, ListKey::START, limit)?
            .rows)
    }

    /// A page of the case list: up to `limit` cases after `after`, in the list's order (the
    /// waiting list's place, then the case number), walked in the index of that order so that
    /// a page reads its own rows and one more (to know whether another page follows).
    pub fn list_page(
        &self,
        program: Option<&str>,
        state: Option<CaseState>,
        within: Scope,
        after: ListKey,
        limit: usize,
    ) -> Result<CasePage, StoreError> {
        let (a, b, c, d) = scope(within);
        let asked = limit.saturating_add(1).min(i64::MAX as usize) as i64;
        // The page's case numbers come from two walks of the list's index, each a seek: the
        // rest of `after`'s place (most cases share place 0), then the places after it. One
        // condition on the pair `(place, id) > (?4, ?5)` would make SQLite seek on the place
        // alone and read every case of place 0 before the page.
        let filters = format!(
            "(CAST(?1 AS TEXT) IS NULL OR c.program = ?1) AND (CAST(?2 AS TEXT) IS NULL OR c.state = ?2) AND {}",
            scope_filter(6)
        );
        let mut rows = self.query_map(
            &format!(
                "{CASE_SELECT} WHERE c.id IN (\
                   SELECT id FROM (SELECT c.id FROM cases c WHERE {filters} AND COALESCE(c.queue_seq, 0) = ?4 AND c.id > ?5 ORDER BY c.id LIMIT ?3) AS same_place \
                   UNION ALL \
                   SELECT id FROM (SELECT c.id FROM cases c WHERE {filters} AND COALESCE(c.queue_seq, 0) > ?4 ORDER BY COALESCE(c.queue_seq, 0), c.id LIMIT ?3) AS later_places) \
                 ORDER BY COALESCE(c.queue_seq, 0), c.id LIMIT ?3"
            ),
            args![program, state, asked, after.place, after.case, a, b, c, d],
            |r| Ok((case_from_row(r)?, r.get::<i64>(16)?)),
        )?;
        let next = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|(row, place)| ListKey {
                place: *place,
                case: row.id,
            })
        } else {
            None
        };
        Ok(CasePage {
            rows: rows.into_iter().map(|(row, _)| row).collect(),
            next,
        })
    }

    /// The cases of one person — one dossier number — across programmes, within `within`.
    pub fn dossier_cases(&self, dossier: &str, within: Scope) -> Result<Vec<CaseRow>, StoreError> {
        let (a, b, c, d) = scope(within);
        self.query_map(
            &format!(
                "{CASE_SELECT} WHERE c.dossier = ?1 AND {} ORDER BY c.id",
                scope_filter(2)
            ),
            args![dossier, a, b, c, d],
            case_from_row,
        )
    }

    /// A case's events, in order.
    pub fn history(&self, id: i64) -> Result<Vec<EventRecord>, StoreError> {
        self.query_map(
            "SELECT case_id, seq, on_date, recorded_at, kind, payload, actor, version_hash FROM events WHERE case_id = ?1 ORDER BY seq",
            args![id],
            |r| {
                Ok(EventRecord {
                    case_id: r.get(0)?,
                    seq: r.get(1)?,
                    on_date: r.get(2)?,
                    recorded_at: r.get(3)?,
                    event: stored_event(r.get(4)?, &r.get::<String>(5)?, 5)?,
                    actor: r.get(6)?,
                    version_hash: r.get(7)?,
                })
            },
        )
    }

    /// Evaluations not yet held that are due on `on` (window open) or overdue (window closed):
    /// of cases referred or waiting (moments before the start), running, or closed (moments
    /// after the closure) — a paused case's moments move with its pause.
    pub fn due(
        &self,
        on: NaiveDate,
        program: Option<&str>,
        within: Scope,
    ) -> Result<Vec<DueRow>, StoreError> {
        self.due_first(on, program, within, None)
    }

    /// As `due`, the most urgent `limit` only (all without one).
    pub fn due_first(
        &self,
        on: NaiveDate,
        program: Option<&str>,
        within: Scope,
        limit: Option<usize>,
    ) -> Result<Vec<DueRow>, StoreError> {
        let (a, b, c, d) = scope(within);
        let limit = limit.map_or_else(String::new, |n| format!(" LIMIT {n}"));
        self.query_map(
            &format!(
                "SELECT d.case_id, c.program, d.evaluation, d.due_from, d.due_to, c.team FROM due d JOIN cases c ON c.id = d.case_id \
                 WHERE {DUE_NOW} AND {} ORDER BY d.due_to, d.case_id{limit}",
                scope_filter(3)
            ),
            args![on, program, a, b, c, d],
            |r| due_row(r, on),
        )
    }

    /// The evaluation moments not yet held whose window opens by `until`, of cases where moments
    /// fall due, within `within`, by when their window opens — at most `limit` (a calendar's);
    /// overdue when their window closed before `today`.
    pub fn due_until(
        &self,
        today: NaiveDate,
        until: NaiveDate,
        within: Scope,
        limit: usize,
    ) -> Result<Vec<DueRow>, StoreError> {
        let (a, b, c, d) = scope(within);
        self.query_map(
            &format!(
                "SELECT d.case_id, c.program, d.evaluation, d.due_from, d.due_to, c.team FROM due d JOIN cases c ON c.id = d.case_id \
                 WHERE d.held_on IS NULL AND d.due_from <= ?1 AND c.state IN ('referred', 'waiting', 'active', 'extended', 'closed') \
                 AND {} ORDER BY d.due_from, d.case_id, d.evaluation LIMIT ?2",
                scope_filter(3)
            ),
            args![until, limit as i64, a, b, c, d],
            |r| due_row(r, today),
        )
    }

    /// The evaluations `due` lists, counted per team: (team, still in their window, overdue).
    pub fn due_per_team(
        &self,
        on: NaiveDate,
        program: Option<&str>,
        within: Scope,
    ) -> Result<Vec<(Option<String>, i64, i64)>, StoreError> {
        let (a, b, c, d) = scope(within);
        self.query_map(
            &format!(
                "SELECT c.team, SUM(CASE WHEN d.due_to < ?1 THEN 0 ELSE 1 END), SUM(CASE WHEN d.due_to < ?1 THEN 1 ELSE 0 END) \
                 FROM due d JOIN cases c ON c.id = d.case_id WHERE {DUE_NOW} AND {} GROUP BY c.team ORDER BY c.team",
                scope_filter(3)
            ),
            args![on, program, a, b, c, d],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// Scheduled evaluations of one case (held or not).
    pub fn schedule(&self, id: i64) -> Result<Vec<Due>, StoreError> {
        self.query_map(
            "SELECT evaluation, due_from, due_to, held_on FROM due WHERE case_id = ?1 ORDER BY due_from, evaluation",
            args![id],
            due_from_row,
        )
    }

    /// Open enrolments of a programme's running or paused cases, per module and group.
    pub fn module_counts(&self, program: &str, org: Reach) -> Result<Vec<ModuleCount>, StoreError> {
        let (all, one) = reach(org);
        self.query_map(
            "SELECT e.module, e.grp, COUNT(*) FROM enrolments e JOIN cases c ON c.id = e.case_id \
             WHERE c.program = ?1 AND e.left_on IS NULL AND c.state IN ('active', 'extended', 'paused') \
             AND (?2 OR c.org IS NOT DISTINCT FROM ?3) GROUP BY e.module, e.grp ORDER BY e.module, e.grp",
            args![program, all, one],
            |r| {
                Ok(ModuleCount {
                    module: r.get(0)?,
                    group: r.get(1)?,
                    enrolled: r.get(2)?,
                })
            },
        )
    }

    /// (place-holding, waiting) cases of a programme (of one organisation's, or everyone's).
    pub fn counts(&self, program: &str, org: Reach) -> Result<(i64, i64), StoreError> {
        let (all, one) = reach(org);
        self.query_row(
            &format!(
                "SELECT COUNT(*) FILTER (WHERE {HOLDS_PLACE}), COUNT(*) FILTER (WHERE state = 'waiting') \
                 FROM cases WHERE program = ?1 AND state IN ('active', 'extended', 'paused', 'waiting') AND (?2 OR org IS NOT DISTINCT FROM ?3)"
            ),
            args![program, all, one],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Cases per organisation, programme and state: the roll-up across organisations (no
    /// person in it).
    pub fn organisation_counts(&self, org: Reach) -> Result<Vec<OrganisationCount>, StoreError> {
        let (all, one) = reach(org);
        self.query_map(
            "SELECT org, program, state, COUNT(*) FROM cases WHERE (?1 OR org IS NOT DISTINCT FROM ?2) \
             GROUP BY org, program, state ORDER BY org, program, state",
            args![all, one],
            |r| {
                Ok(OrganisationCount {
                    org: r.get(0)?,
                    program: r.get(1)?,
                    state: r.get(2)?,
                    cases: r.get(3)?,
                })
            },
        )
    }

    /// Cases of a programme that have ended (closed, dropped, never started) and still hold
    /// personal data: (id, the day they ended).
    pub fn ended(&self, program: &str, org: Reach) -> Result<Vec<(i64, NaiveDate)>, StoreError> {
        let erased = self.dialect().json_text("referral", "erased_on");
        let (all, one) = reach(org);
        self.query_map(
            &format!(
                "SELECT id, updated_on FROM cases WHERE program = ?1 AND state IN ('closed', 'dropped', 'not_started') \
                 AND {erased} IS NULL AND (?2 OR org IS NOT DISTINCT FROM ?3) ORDER BY id"
            ),
            args![program, all, one],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Cases of `program` that have not ended (referred, waiting, active, paused, …) and are
    /// not erased, with the day of their last change: what retention counts from for a case
    /// that never ends.
    pub fn unended(&self, program: &str, org: Reach) -> Result<Vec<(i64, NaiveDate)>, StoreError> {
        let erased = self.dialect().json_text("referral", "erased_on");
        let (all, one) = reach(org);
        self.query_map(
            &format!(
                "SELECT id, updated_on FROM cases WHERE program = ?1 AND state NOT IN ('closed', 'dropped', 'not_started') \
                 AND {erased} IS NULL AND (?2 OR org IS NOT DISTINCT FROM ?3) ORDER BY id"
            ),
            args![program, all, one],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// The referral recorded for every case of `program` that is not erased (of one
    /// organisation, or of all), oldest first: what a proposed programme change is judged on.
    pub fn referrals_of(
        &self,
        program: &str,
        org: Reach,
    ) -> Result<Vec<StoredReferral>, StoreError> {
        let erased = self.dialect().json_text("referral", "erased_on");
        let (all, one) = reach(org);
        self.query_map(
            &format!(
                "SELECT id, dossier, referral FROM cases WHERE program = ?1 \
                 AND {erased} IS NULL AND (?2 OR org IS NOT DISTINCT FROM ?3) ORDER BY id"
            ),
            args![program, all, one],
            |r| {
                Ok(StoredReferral {
                    case: r.get(0)?,
                    dossier: r.get(1)?,
                    referral: r.get(2)?,
                })
            },
        )
    }

    /// The programme text stored for a version content hash.
    pub fn snapshot(&self, hash: &str) -> Result<Option<Snapshot>, StoreError> {
        self.query_opt(
            "SELECT file, text, options, scripts FROM snapshots WHERE hash = ?1",
            args![hash],
            |r| {
                let options: String = r.get(2)?;
                Ok(Snapshot {
                    file: r.get(0)?,
                    text: r.get(1)?,
                    options: serde_json::from_str(&options).unwrap_or_default(),
                    scripts: r.get(3)?,
                })
            },
        )
    }

    /// Programmes with cases (of one organisation, or of all).
    pub fn programs(&self, org: Reach) -> Result<Vec<String>, StoreError> {
        let (all, one) = reach(org);
        self.query_map(
            "SELECT DISTINCT program FROM cases WHERE (?1 OR org IS NOT DISTINCT FROM ?2) ORDER BY program",
            args![all, one],
            |r| r.get(0),
        )
    }

    /// Every case of `program` with its events up to and including `until` (all, without).
    pub fn histories(
        &self,
        program: &str,
        until: Option<NaiveDate>,
    ) -> Result<Vec<CaseHistory>, StoreError> {
        let rows: Vec<(i64, NaiveDate, NaiveDate, Event)> = self.query_map(
            "SELECT c.id, c.referral_date, e.on_date, e.kind, e.payload FROM cases c JOIN events e ON e.case_id = c.id \
             WHERE c.program = ?1 AND (CAST(?2 AS TEXT) IS NULL OR e.on_date <= ?2) ORDER BY c.id, e.seq",
            args![program, until],
            |r| {
                let event = stored_event(r.get(3)?, &r.get::<String>(4)?, 4)?;
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, event))
            },
        )?;
        let mut cases: Vec<CaseHistory> = Vec::new();
        let mut last_id = None;
        for (id, referral_date, on, event) in rows {
            if last_id != Some(id) {
                last_id = Some(id);
                cases.push(CaseHistory {
                    referral_date,
                    events: Vec::new(),
                });
            }
            cases
                .last_mut()
                .expect("pushed above")
                .events
                .push((on, event));
        }
        Ok(cases)
    }

    /// The cases of `program` active at some time in [from, to], for the funders' conditions.
    pub fn fundable_cases(
        &self,
        program: &str,
        from: NaiveDate,
        to: NaiveDate,
        org: Reach,
    ) -> Result<Vec<FundableCase>, StoreError> {
        let (all, one_org) = reach(org);
        self.query_map(
            "SELECT version, referral, (SELECT payload FROM events e WHERE e.case_id = cases.id AND e.kind = 'referred') \
             FROM cases WHERE program = ?1 AND started_on IS NOT NULL AND started_on <= ?3 \
             AND NOT (state IN ('closed', 'dropped') AND updated_on < ?2) AND (?4 OR org IS NOT DISTINCT FROM ?5)",
            args![program, from, to, all, one_org],
            |r| {
                let referral: String = r.get(1)?;
                let referred: Option<String> = r.get(2)?;
                Ok(FundableCase {
                    version: r.get(0)?,
                    referral: serde_json::from_str(&referral).unwrap_or_default(),
                    referred: referred
                        .map(|p| stored_event(EventKind::Referred, &p, 2))
                        .transpose()?,
                })
            },
        )
    }

    /// The cases of `program` referred from `from` to `to` (inclusive), counted as they stand
    /// now; evaluation moments counted up to `as_of`.
    pub fn cohort_counts(
        &self,
        program: &str,
        from: NaiveDate,
        to: NaiveDate,
        as_of: NaiveDate,
        org: Reach,
    ) -> Result<CohortCounts, StoreError> {
        let (all, one_org) = reach(org);
        let one = |sql: &str| -> Result<i64, StoreError> {
            self.one(sql, args![program, from, to, all, one_org])
        };
        let until_as_of = |sql: &str| -> Result<i64, StoreError> {
            self.one(sql, args![program, from, to, all, one_org, as_of])
        };
        // One organisation's cases, or every organisation's (?4, ?5).
        let cohort = "FROM cases WHERE program = ?1 AND referral_date BETWEEN ?2 AND ?3 AND (?4 OR org IS NOT DISTINCT FROM ?5)";
        let count = |condition: &str| one(&format!("SELECT COUNT(*) {cohort} {condition}"));
        let grouped = |state: CaseState| -> Result<Vec<(String, i64)>, StoreError> {
            self.query_map(
                &format!("SELECT outcome, COUNT(*) {cohort} AND state = ?6 GROUP BY outcome ORDER BY outcome"),
                args![program, from, to, all, one_org, state],
                |r| Ok((r.get::<Option<String>>(0)?.unwrap_or_default(), r.get(1)?)),
            )
        };
        let decision = self.dialect().json_text("payload", "decision");
        Ok(CohortCounts {
            referred: count("")?,
            eligible: count("AND verdict = 'eligible'")?,
            needs_assessment: count("AND verdict = 'needs_assessment'")?,
            ineligible: count("AND verdict = 'ineligible'")?,
            started: count("AND started_on IS NOT NULL")?,
            waiting: count("AND state = 'waiting'")?,
            active: count("AND state IN ('active', 'extended', 'paused')")?,
            extended: count(&format!(
                "AND id IN (SELECT case_id FROM events WHERE kind = 'evaluated' AND {decision} = 'extend')"
            ))?,
            closed: count("AND state = 'closed'")?,
            exits: grouped(CaseState::Closed)?,
            dropped: count("AND state = 'dropped'")?,
            drop_reasons: grouped(CaseState::Dropped)?,
            not_started: count("AND state = 'not_started'")?,
            not_started_reasons: grouped(CaseState::NotStarted)?,
            evaluations_due: until_as_of(&format!(
                "SELECT COUNT(*) FROM due WHERE case_id IN (SELECT id {cohort}) AND due_from <= ?6"
            ))?,
            evaluations_held: until_as_of(&format!(
                "SELECT COUNT(*) FROM due WHERE case_id IN (SELECT id {cohort}) AND due_from <= ?6 AND held_on IS NOT NULL"
            ))?,
        })
    }
}

pub(crate) fn due_from_row(r: &Row) -> Result<Due, StoreError> {
    Ok(Due {
        evaluation: r.get(0)?,
        due_from: r.get(1)?,
        due_to: r.get(2)?,
        held_on: r.get(3)?,
    })
}
