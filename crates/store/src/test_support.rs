//! What test suites and benchmarks need to shape or inspect a store beyond the application's
//! own reads: every row of the tables the application only writes, a synthetic history written
//! in one transaction, the faults and tampering a test provokes on purpose. The application
//! never calls these; they keep SQL out of the tests.

use chrono::NaiveDate;

use traject_cases::event::Event;
use traject_cases::CaseState;
use traject_rules::Verdict;

use crate::sql::{args, Sql};
use crate::{Store, StoreError};

/// One enrolment row: a case in a module (and group), from a day, until it left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub case_id: i64,
    pub module: String,
    pub group: Option<String>,
    pub enrolled_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
}

/// Every enrolment, past and present.
pub fn enrolments(store: &Store) -> Result<Vec<Enrolment>, StoreError> {
    store.query_map(
        "SELECT case_id, module, grp, enrolled_on, left_on FROM enrolments ORDER BY case_id, enrolled_on, module",
        &[],
        |r| {
            Ok(Enrolment {
                case_id: r.get(0)?,
                module: r.get(1)?,
                group: r.get(2)?,
                enrolled_on: r.get(3)?,
                left_on: r.get(4)?,
            })
        },
    )
}

/// Every kept programme text: (hash, the scripts as kept — `None` before scripts were kept).
pub fn snapshots(store: &Store) -> Result<Vec<(String, Option<String>)>, StoreError> {
    store.query_map(
        "SELECT hash, scripts FROM snapshots ORDER BY hash",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// A case written as it would stand after its history, for benchmarks that need many.
#[derive(Debug, Clone)]
pub struct Synthetic<'a> {
    pub program: &'a str,
    pub version: &'a str,
    pub version_hash: &'a str,
    pub state: CaseState,
    pub verdict: Verdict,
    pub referral_date: NaiveDate,
    pub referral: &'a str,
    pub track: Option<&'a str>,
    pub started_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub events: Vec<(NaiveDate, Event)>,
}

/// Write synthetic cases with their events in one transaction; returns their ids.
pub fn insert_synthetic(store: &mut Store, cases: &[Synthetic]) -> Result<Vec<i64>, StoreError> {
    store.write(|tx| {
        let mut ids = Vec::with_capacity(cases.len());
        for c in cases {
            let id: i64 = tx.one(
                "INSERT INTO cases (program, version, version_hash, state, verdict, referral_date, referral, updated_on, track, started_on, ends_on) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8, ?9, ?10) RETURNING id",
                args![c.program, c.version, c.version_hash, c.state, c.verdict, c.referral_date, c.referral, c.track, c.started_on, c.ends_on],
            )?;
            for (on, event) in &c.events {
                traject_cases::CaseTx::append(tx, id, *on, event, "bench", c.version_hash)?;
            }
            ids.push(id);
        }
        Ok(ids)
    })
}

/// Append events to existing cases in one transaction (bulk histories for benchmarks).
pub fn append_events(
    store: &mut Store,
    events: &[(i64, NaiveDate, Event)],
) -> Result<(), StoreError> {
    store.write(|tx| {
        for (id, on, event) in events {
            traject_cases::CaseTx::append(tx, *id, *on, event, "bench", "bench")?;
        }
        Ok(())
    })
}

/// Mark every scheduled moment of `evaluation` as held on its first day.
pub fn hold_all(store: &mut Store, evaluation: &str) -> Result<(), StoreError> {
    store.write(|tx| {
        tx.execute(
            "UPDATE due SET held_on = due_from WHERE evaluation = ?1",
            args![evaluation],
        )?;
        Ok(())
    })
}

/// A change the append-only rules must refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// Change an event's kind.
    EventKind { case: i64, seq: i64 },
    /// Empty an event's details (not a redaction).
    EventDetails { case: i64, seq: i64 },
    /// A redaction that also changes who acted.
    RedactionAndActor { case: i64, seq: i64 },
    /// Delete a case's events.
    DeleteEvents { case: i64 },
    /// Change every event's kind.
    EveryEventKind,
    /// Delete every event.
    EveryEvent,
    /// Empty the event table at once (PostgreSQL's TRUNCATE; SQLite has none, so DELETE).
    TruncateEvents,
    /// Change who did something in the audit trail.
    AuditActor,
    /// Delete the audit trail.
    EveryAuditRow,
}

/// Try a tampering change; the store's rules should refuse it with a database error.
pub fn tamper(store: &Store, t: Tamper) -> Result<usize, StoreError> {
    match t {
        Tamper::EventKind { case, seq } => store.execute(
            "UPDATE events SET kind = 'closed' WHERE case_id = ?1 AND seq = ?2",
            args![case, seq],
        ),
        Tamper::EventDetails { case, seq } => store.execute(
            "UPDATE events SET payload = '{}' WHERE case_id = ?1 AND seq = ?2",
            args![case, seq],
        ),
        Tamper::RedactionAndActor { case, seq } => store.execute(
            "UPDATE events SET payload = '{\"redacted\": true}', actor = 'x' WHERE case_id = ?1 AND seq = ?2",
            args![case, seq],
        ),
        Tamper::DeleteEvents { case } => {
            store.execute("DELETE FROM events WHERE case_id = ?1", args![case])
        }
        Tamper::EveryEventKind => store.execute("UPDATE events SET kind = 'x'", &[]),
        Tamper::EveryEvent => store.execute("DELETE FROM events", &[]),
        Tamper::TruncateEvents => match store.dialect() {
            crate::sql::Dialect::Postgres => store.execute("TRUNCATE events CASCADE", &[]),
            crate::sql::Dialect::Sqlite => store.execute("DELETE FROM events", &[]),
        },
        Tamper::AuditActor => store.execute("UPDATE audit SET actor = 'x'", &[]),
        Tamper::EveryAuditRow => store.execute("DELETE FROM audit", &[]),
    }
}

/// Drop the case tables under the application's feet: a database fault.
pub fn drop_case_tables(store: &Store) -> Result<(), StoreError> {
    for table in ["due", "enrolments", "events", "cases"] {
        store.execute(&format!("DROP TABLE {table}"), &[])?;
    }
    Ok(())
}

/// Pretend a newer traject migrated the store: its schema version becomes `version`.
pub fn set_schema_version(store: &Store, version: i64) -> Result<(), StoreError> {
    match store.dialect() {
        crate::sql::Dialect::Sqlite => {
            store.execute(&format!("PRAGMA user_version = {version}"), &[])?;
        }
        crate::sql::Dialect::Postgres => {
            store.execute("UPDATE traject_schema SET version = ?1", args![version])?;
        }
    }
    Ok(())
}

/// PostgreSQL: advisory locks granted right now (a writer holds one until it commits).
pub fn advisory_locks_held(store: &Store) -> Result<i64, StoreError> {
    store.one(
        "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted",
        &[],
    )
}

/// Corrupt a SQLite store the way a hand edit would: date an event of `case` (number `seq`)
/// on `on`, past the append-only rule (which is dropped for good).
pub fn misdate_event(store: &Store, case: i64, seq: i64, on: &str) -> Result<(), StoreError> {
    store.execute("DROP TRIGGER events_are_append_only_u", &[])?;
    store.execute(
        "UPDATE events SET on_date = ?3 WHERE case_id = ?1 AND seq = ?2",
        args![case, seq, on],
    )?;
    Ok(())
}
