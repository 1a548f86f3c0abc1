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
    /// Count one more waiting client than wait, for every programme: allowed, and found by
    /// `Store::integrity_problems`.
    WaitingCount,
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
        Tamper::WaitingCount => store.execute("UPDATE waiting_counts SET n = n + 1", &[]),
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

/// PostgreSQL: the folder of the server's data directory that holds this database's table and
/// index files, after a `CHECKPOINT` has written every changed page to them (a test on the
/// server's own machine reads them to see what is left on disk).
pub fn database_folder(store: &Store) -> Result<std::path::PathBuf, StoreError> {
    store.execute("CHECKPOINT", &[])?;
    let data: String = store.one(
        "SELECT setting FROM pg_settings WHERE name = 'data_directory'",
        &[],
    )?;
    let oid: i64 = store.one(
        "SELECT oid::bigint FROM pg_database WHERE datname = current_database()",
        &[],
    )?;
    Ok(std::path::Path::new(&data)
        .join("base")
        .join(oid.to_string()))
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

/// How many schema versions each back end has had (SQLite's, PostgreSQL's).
pub fn schema_versions() -> (usize, usize) {
    (crate::schema::SQLITE.len(), crate::schema::POSTGRES.len())
}

/// A new store at `target` (a SQLite file that does not exist yet, or an empty PostgreSQL
/// database) with only the first `k` migrations applied: the store as the build of that
/// schema version left it. Opening it with `Store::connect` migrates it.
pub fn store_at_version(target: &crate::DbTarget, k: usize) -> Result<Store, StoreError> {
    use crate::sql::{Conn, OrStore, PgClient};
    match target {
        crate::DbTarget::File(path) => {
            let conn = rusqlite::Connection::open(path).or_store()?;
            for (_, sql) in &crate::schema::SQLITE[..k] {
                conn.execute_batch(sql).or_store()?;
            }
            conn.pragma_update(None, "user_version", k as i64)
                .or_store()?;
            Ok(Store {
                conn: Conn::Sqlite(conn),
                shown: path.display().to_string(),
                key: Default::default(),
            })
        }
        crate::DbTarget::Postgres(url) => {
            let mut client = crate::pg_tls::connect(url, url)?;
            client
                .batch_execute("CREATE TABLE traject_schema (version BIGINT NOT NULL)")
                .or_store()?;
            for (_, sql) in &crate::schema::POSTGRES[..k] {
                client.batch_execute(sql).or_store()?;
            }
            client
                .execute(
                    "INSERT INTO traject_schema (version) VALUES ($1)",
                    &[&(k as i64)],
                )
                .or_store()?;
            Ok(Store {
                conn: Conn::Postgres(Box::new(std::sync::Mutex::new(PgClient::new(client)))),
                shown: target.to_string(),
                key: Default::default(),
            })
        }
    }
}

/// A value for column `column` of `table` in fixture row `i`, as the build that had the
/// column wrote it; `None` for a column this generator does not know (a new migration must
/// teach it, or the upgrade test fails).
fn fixture_value(table: &str, column: &str, i: i64) -> Option<crate::sql::Value> {
    use crate::sql::Value::{Int, Null, Text};
    let t = |s: &str| Text(s.to_string());
    Some(match (table, column) {
        (_, "case_id") => Int(i),
        ("cases", "id") => Int(i),
        ("cases", "program") => t("fixture"),
        ("cases" | "snapshots", "version") => t("2024"),
        (_, "version_hash") | ("snapshots", "hash") => t(&format!("hash{i}")),
        ("cases", "state") => t(if i % 2 == 0 { "active" } else { "waiting" }),
        ("cases", "verdict") => t("eligible"),
        ("cases", "track") => {
            if i % 2 == 0 {
                t("short")
            } else {
                Null
            }
        }
        ("cases", "referral_date") => t(&format!("2024-01-{:02}", i + 1)),
        ("cases", "referral") => t(&format!(r#"{{"id": "D-{i}", "birth_date": "1990-01-01"}}"#)),
        ("cases", "started_on") => {
            if i % 2 == 0 {
                t("2024-02-01")
            } else {
                Null
            }
        }
        ("cases", "ends_on" | "outcome") => Null,
        ("cases", "queue_seq") => {
            if i % 2 == 0 {
                Null
            } else {
                Int(i)
            }
        }
        ("cases", "updated_on") => t("2024-02-01"),
        ("cases", "dossier") => t(&format!("D-{i}")),
        ("cases" | "users", "team") => t("north"),
        ("cases" | "users", "org") => Null,
        ("cases", "place_freed") => Int(0),
        ("events", "seq") => Int(1),
        ("events", "on_date") => t(&format!("2024-01-{:02}", i + 1)),
        ("events", "recorded_at") => t("2024-01-31T10:00:00Z"),
        ("events", "kind") => t("referred"),
        ("events", "payload") => t(r#"{"verdict": "eligible"}"#),
        ("events" | "audit", "actor") => t("ann"),
        ("due", "evaluation") => t("intake"),
        ("due", "due_from") => t("2024-03-01"),
        ("due", "due_to") => t("2024-03-15"),
        ("due", "held_on") => Null,
        ("enrolments", "module") => t("language"),
        ("enrolments", "grp") => t("g1"),
        ("enrolments", "enrolled_on") => t("2024-02-01"),
        ("enrolments", "left_on") => Null,
        ("snapshots", "program") => t("fixture"),
        ("snapshots", "file") => t("fixture.yaml"),
        ("snapshots", "text") => t("id: fixture"),
        ("snapshots", "options") => t("{}"),
        ("snapshots", "recorded_on") => t("2024-01-01"),
        ("snapshots", "scripts") => t("{}"),
        ("users", "name") => t(&format!("user{i}")),
        ("users" | "audit", "role") => t("coordinator"),
        ("users", "lang") => t("nl"),
        ("users", "password") => t("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"),
        ("users", "disabled") => crate::sql::Value::Bool(false),
        ("users", "created_on") => t("2024-01-01"),
        ("users", "totp_secret" | "totp_step" | "subject") => Null,
        ("users", "email") => t(&format!("user{i}@ocmw.example.be")),
        ("users", "calendar_token_hash") => t(&format!("calendarhash{i}")),
        ("audit", "at") => t("2024-01-31T10:00:00Z"),
        ("audit", "action") => t("read"),
        ("audit", "subject") => t(&format!("case:{i}")),
        _ => return session_fixture_value(table, column, i),
    })
}

/// The group sessions' and attendance's columns (see `fixture_value`).
fn session_fixture_value(table: &str, column: &str, i: i64) -> Option<crate::sql::Value> {
    use crate::sql::Value::{Int, Null, Text};
    let t = |s: &str| Text(s.to_string());
    Some(match (table, column) {
        ("group_sessions", "id") => Int(i),
        ("group_sessions", "org") => Null,
        ("group_sessions", "program") => t("fixture"),
        ("group_sessions", "module") => t("language"),
        ("group_sessions", "grp") => t("g1"),
        ("group_sessions", "on_day") => t(&format!("2024-02-{:02}", i + 1)),
        ("group_sessions", "at_minute") => Int(570),
        ("group_sessions", "minutes") => Int(180),
        ("group_sessions", "created_by") => t("ann"),
        ("attendance", "session_id") => Int(i),
        ("attendance", "presence") => t("present"),
        _ => return None,
    })
}

/// Write three cases with an event, an evaluation moment and an enrolment each, a user, a
/// programme snapshot and an audit line — every column the store's schema has at its version
/// filled as the build of that version filled it. The tables a version did not have yet are
/// left out.
pub fn write_fixture_rows(store: &Store) -> Result<(), String> {
    let tables = store.columns().map_err(|e| format!("{e:?}"))?;
    let order = [
        "cases",
        "events",
        "due",
        "enrolments",
        "group_sessions",
        "attendance",
        "snapshots",
        "users",
        "audit",
    ];
    for table in order.iter().filter(|t| tables.contains_key(**t)) {
        // PostgreSQL numbers the audit trail itself (an identity column written by no one).
        let columns: Vec<&String> = tables[*table]
            .iter()
            .filter(|c| !(*table == "audit" && c.as_str() == "seq"))
            .collect();
        let rows: i64 = if matches!(*table, "snapshots" | "users") {
            1
        } else {
            3
        };
        for i in 1..=rows {
            let mut values = Vec::new();
            for c in &columns {
                values.push(fixture_value(table, c, i).ok_or_else(|| {
                    format!(
                        "the upgrade fixture does not know column {table}.{c}: teach fixture_value"
                    )
                })?);
            }
            let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
            let marks: Vec<String> = (1..=columns.len()).map(|n| format!("?{n}")).collect();
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                quoted.join(", "),
                marks.join(", ")
            );
            store
                .execute(&sql, &values)
                .map_err(|e| format!("{table}: {e:?}"))?;
        }
    }
    // PostgreSQL's identity for new cases continues after the fixture's.
    if store.dialect() == crate::sql::Dialect::Postgres {
        store
            .execute(
                "SELECT setval(pg_get_serial_sequence('cases', 'id'), 3)",
                &[],
            )
            .map_err(|e| format!("{e:?}"))?;
    }
    Ok(())
}

/// A digest over what every schema version has had of cases and events (the first version's
/// columns): equal before and after an upgrade when nothing was lost or changed.
pub fn core_digest(store: &Store) -> Result<String, StoreError> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for sql in [
        "SELECT id, program, version, version_hash, state, verdict, track, referral_date, referral, started_on, ends_on, queue_seq, outcome, updated_on FROM cases ORDER BY id",
        "SELECT case_id, seq, on_date, recorded_at, kind, payload, actor, version_hash FROM events ORDER BY case_id, seq",
        "SELECT case_id, evaluation, due_from, due_to, held_on FROM due ORDER BY case_id, evaluation, due_from",
    ] {
        for row in store.rows(sql, &[])? {
            h.update(format!("{:?}\n", row.0));
        }
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Plans PostgreSQL made for the reads of a start and of a referral while the store was
/// empty, kept on `store`'s connection the way a long-running server keeps its own (a
/// generic plan, made once), to be measured once the store has grown (`rows_passed_over`).
/// Autovacuum is turned off for the cases, so that no analysis makes the plans again
/// meanwhile.
pub struct BlindPlans {
    program: String,
    org: Option<String>,
}

/// The statements `BlindPlans` keeps: name, text (the programme `?1` and organisation `?2`
/// first), the dossier number after those two when it takes one.
fn blind_statements() -> [(&'static str, String, Option<&'static str>); 2] {
    [
        (
            "traject_blind_first_waiting",
            crate::cases::first_waiting_sql(),
            None,
        ),
        (
            "traject_blind_dossier_case",
            crate::cases::DOSSIER_CASE.to_string(),
            Some("no-such-dossier"),
        ),
    ]
}

impl BlindPlans {
    /// Made now, on PostgreSQL, for programme `program` in organisation `org`.
    pub fn made_now(
        store: &Store,
        program: &str,
        org: Option<&str>,
    ) -> Result<BlindPlans, StoreError> {
        let plans = BlindPlans {
            program: program.to_string(),
            org: org.map(str::to_string),
        };
        plans.simple(
            store,
            "ALTER TABLE cases SET (autovacuum_enabled = off); SET plan_cache_mode = force_generic_plan",
        )?;
        for (name, sql, dossier) in blind_statements() {
            let types = vec!["text"; 2 + usize::from(dossier.is_some())].join(", ");
            let sql = crate::sql::pg_sql(&sql);
            plans.simple(store, &format!("PREPARE {name}({types}) AS {sql}"))?;
            plans.simple(store, &plans.execute(name, dossier)?)?;
        }
        Ok(plans)
    }

    /// The rows each statement passes over now by its plan (rows read and then removed by
    /// a filter): (statement, rows).
    pub fn rows_passed_over(&self, store: &Store) -> Result<Vec<(&'static str, u64)>, StoreError> {
        let mut passed = Vec::new();
        for (name, _, dossier) in blind_statements() {
            let execute = self.execute(name, dossier)?;
            let plan = self.simple(store, &format!("EXPLAIN (ANALYZE, COSTS OFF) {execute}"))?;
            let rows = plan
                .iter()
                .filter_map(|line| line.trim().strip_prefix("Rows Removed by Filter: "))
                .filter_map(|n| n.parse::<u64>().ok())
                .sum();
            passed.push((name, rows));
        }
        Ok(passed)
    }

    /// `EXECUTE` of the kept statement `name` with the programme, the organisation and
    /// `dossier` written in as literals (see `pg_literal`).
    fn execute(&self, name: &str, dossier: Option<&str>) -> Result<String, StoreError> {
        use crate::sql::ToValue;
        let mut values = vec![self.program.to_value(), self.org.to_value()];
        values.extend(dossier.map(|d| d.to_value()));
        let types = vec![postgres::types::Type::TEXT; values.len()];
        let sql = format!(
            "EXECUTE {name}({})",
            crate::sql::placeholders(1, values.len())
        );
        crate::pg_literal::statement(&sql, &values, &types)
            .ok_or_else(|| StoreError::Database(format!("{name}: a value has no literal")))
    }

    /// `sql` in the simple protocol on the store's connection; the first column of its rows.
    fn simple(&self, store: &Store, sql: &str) -> Result<Vec<String>, StoreError> {
        let crate::sql::Conn::Postgres(m) = &store.conn else {
            return Err(StoreError::Database(
                "kept plans are PostgreSQL's: this store is SQLite".to_string(),
            ));
        };
        let mut pg = m.lock().unwrap_or_else(|p| p.into_inner());
        let answer = crate::sql::OrStore::or_store(pg.client.simple_query(sql))?;
        Ok(answer
            .iter()
            .filter_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
                _ => None,
            })
            .collect())
    }
}
