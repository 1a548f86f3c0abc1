//! The case store: SQLite (bundled) in WAL mode with a busy timeout, foreign keys on, and
//! migrations keyed on `user_version`. Cases hold the referral (personal data stays in the
//! database, never in logs); `events` is append-only (triggers refuse updates and deletes) and
//! every change to a case is written in the same transaction as its event.

use std::collections::BTreeMap;
use std::path::Path;

pub mod users;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

/// Default database file, in the working directory.
pub const DEFAULT_DB: &str = "traject.db";

const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE cases (
    id            INTEGER PRIMARY KEY,
    program       TEXT NOT NULL,
    version       TEXT NOT NULL,
    version_hash  TEXT NOT NULL,
    state         TEXT NOT NULL,
    verdict       TEXT NOT NULL,
    track         TEXT,
    referral_date TEXT NOT NULL,
    referral      TEXT NOT NULL,
    started_on    TEXT,
    ends_on       TEXT,
    queue_seq     INTEGER,
    outcome       TEXT,
    updated_on    TEXT NOT NULL
);
CREATE INDEX cases_by_state ON cases(program, state, queue_seq);
CREATE TABLE events (
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    seq          INTEGER NOT NULL,
    on_date      TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    actor        TEXT NOT NULL,
    version_hash TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER events_are_append_only_u BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_are_append_only_d BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TABLE due (
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    evaluation TEXT NOT NULL,
    due_from   TEXT NOT NULL,
    due_to     TEXT NOT NULL,
    held_on    TEXT,
    PRIMARY KEY (case_id, evaluation, due_from)
) WITHOUT ROWID;
CREATE INDEX due_open ON due(held_on, due_from);
"#,
    r#"
-- One referral, one case: the OCMW's dossier number (the referral's id) per programme.
ALTER TABLE cases ADD COLUMN dossier TEXT;
UPDATE cases SET dossier = json_extract(referral, '$.id');
CREATE INDEX cases_by_dossier ON cases(program, dossier);
"#,
    r#"
-- The programme text each case was judged under, once per version content hash, so that the
-- case keeps exactly those rules after the file changes.
CREATE TABLE snapshots (
    hash        TEXT PRIMARY KEY,
    program     TEXT NOT NULL,
    version     TEXT NOT NULL,
    file        TEXT NOT NULL,
    text        TEXT NOT NULL,
    options     TEXT NOT NULL,
    recorded_on TEXT NOT NULL
) WITHOUT ROWID;
"#,
    r#"
-- Which modules a client attends: module-anchored evaluations are scheduled from enrolment.
CREATE TABLE enrolments (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    module      TEXT NOT NULL,
    grp         TEXT,
    enrolled_on TEXT NOT NULL,
    left_on     TEXT,
    PRIMARY KEY (case_id, module, enrolled_on)
) WITHOUT ROWID;
"#,
    r#"
-- The team application: who may log in, their sessions, failed logins (throttling), and an
-- append-only audit of what people read and of user administration. A case belongs to the
-- team of the social worker who created it.
ALTER TABLE cases ADD COLUMN team TEXT;
CREATE TABLE users (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL,
    team       TEXT,
    lang       TEXT,
    password   TEXT NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0,
    created_on TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user       TEXT NOT NULL REFERENCES users(name),
    csrf       TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE login_failures (user TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX login_failures_by_user ON login_failures(user, at);
CREATE TABLE audit (
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    role    TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL
);
CREATE INDEX audit_by_subject ON audit(subject);
CREATE TRIGGER audit_is_append_only_u BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_is_append_only_d BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"#,
    r#"
-- Events stay append-only with one exception, for erasure (GDPR art. 17): an event's payload
-- may be replaced by a redacted one (marked "redacted": true); nothing else about it may change.
DROP TRIGGER events_are_append_only_u;
CREATE TRIGGER events_are_append_only_u BEFORE UPDATE ON events
WHEN NOT (json_extract(NEW.payload, '$.redacted') IS 1 AND NEW.case_id = OLD.case_id AND NEW.seq = OLD.seq
          AND NEW.on_date = OLD.on_date AND NEW.recorded_at = OLD.recorded_at AND NEW.kind = OLD.kind
          AND NEW.actor = OLD.actor AND NEW.version_hash = OLD.version_hash)
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
"#,
];

/// Why the case store could not do what was asked. A refused case transition is not a store
/// error (see `engine::CaseError`); these are problems with the database itself.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: cannot create the database: {source}")]
    Create {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot open the database: {source}")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: {source} — is this a traject database?")]
    NotTraject {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: database schema version {found} is newer than this traject knows ({known}); use a newer traject")]
    TooNew {
        path: String,
        found: i64,
        known: usize,
    },
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
}

pub struct Store {
    pub conn: Connection,
}

/// A case row.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRow {
    pub id: i64,
    pub program: String,
    pub version: String,
    pub version_hash: String,
    pub state: crate::lifecycle::CaseState,
    pub verdict: String,
    pub track: Option<String>,
    pub referral_date: String,
    pub started_on: Option<String>,
    pub ends_on: Option<String>,
    pub outcome: Option<String>,
    pub updated_on: String,
    /// The team that follows the case (`None` for cases made outside a team, e.g. the CLI).
    pub team: Option<String>,
    /// Position on the waiting list (1 = next), when waiting.
    pub position: Option<i64>,
    #[serde(skip)]
    pub referral: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub case_id: i64,
    pub seq: i64,
    pub on_date: String,
    pub recorded_at: String,
    pub kind: String,
    pub payload: serde_json::Value,
    pub actor: String,
    pub version_hash: String,
}

/// The programme a case was judged under: its file name, text and option choices.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub file: String,
    pub text: String,
    pub options: BTreeMap<String, String>,
}

/// One scheduled evaluation of a case: (evaluation, due from, due to, held on).
pub type Scheduled = (String, String, String, Option<String>);

#[derive(Debug, Clone, Serialize)]
pub struct DueRow {
    pub case_id: i64,
    pub program: String,
    pub evaluation: String,
    pub due_from: String,
    pub due_to: String,
    pub overdue: bool,
    pub team: Option<String>,
}

impl Store {
    /// Open (and create or migrate) the database at `path`. A new file is readable by its owner only.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let shown = path.display();
        if !path.exists() {
            create_private(path).map_err(|source| StoreError::Create {
                path: shown.to_string(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: shown.to_string(),
            source,
        })?;
        Self::configure(conn, &shown.to_string())
    }

    /// A private in-memory database (trajectory tests).
    pub fn in_memory() -> Result<Store, StoreError> {
        Self::configure(Connection::open_in_memory()?, ":memory:")
    }

    fn configure(conn: Connection, shown: &str) -> Result<Store, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let fail = |source: rusqlite::Error| StoreError::NotTraject {
            path: shown.to_string(),
            source,
        };
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(fail)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(fail)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(fail)?;
        // Deleted and overwritten content is zeroed, so erased personal data is gone from the
        // file, not only unlinked.
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(fail)?;
        let mut store = Store { conn };
        store.migrate(shown)?;
        Ok(store)
    }

    fn migrate(&mut self, shown: &str) -> Result<(), StoreError> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version as usize > MIGRATIONS.len() {
            return Err(StoreError::TooNew {
                path: shown.to_string(),
                found: version,
                known: MIGRATIONS.len(),
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// One write transaction, taken at once so concurrent writers queue instead of failing.
    /// The caller's error type passes through unchanged (a refused transition stays one), and
    /// any error rolls the whole transaction back.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Transaction) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let v = f(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(v)
    }

    /// Copy the write-ahead log into the database file and empty it.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    pub fn case(&self, id: i64) -> Result<Option<CaseRow>, StoreError> {
        let row = self
            .conn
            .query_row(
                &format!("{CASE_SELECT} WHERE c.id = ?1"),
                [id],
                case_from_row,
            )
            .optional()?;
        Ok(row)
    }

    pub fn list(
        &self,
        program: Option<&str>,
        state: Option<&str>,
        team: TeamScope,
        limit: usize,
    ) -> Result<Vec<CaseRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{CASE_SELECT} WHERE (?1 IS NULL OR c.program = ?1) AND (?2 IS NULL OR c.state = ?2) AND {TEAM_FILTER} ORDER BY c.id LIMIT ?5"
        ))?;
        let (all, team) = team.params();
        let rows = stmt.query_map(
            params![program, state, all, team, limit as i64],
            case_from_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn history(&self, id: i64) -> Result<Vec<EventRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT case_id, seq, on_date, recorded_at, kind, payload, actor, version_hash FROM events WHERE case_id = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([id], |r| {
            let payload: String = r.get(5)?;
            Ok(EventRow {
                case_id: r.get(0)?,
                seq: r.get(1)?,
                on_date: r.get(2)?,
                recorded_at: r.get(3)?,
                kind: r.get(4)?,
                payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
                actor: r.get(6)?,
                version_hash: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Evaluations not yet held that are due on `on` (window open) or overdue (window closed).
    pub fn due(
        &self,
        on: &str,
        program: Option<&str>,
        team: TeamScope,
    ) -> Result<Vec<DueRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT d.case_id, c.program, d.evaluation, d.due_from, d.due_to, c.team FROM due d JOIN cases c ON c.id = d.case_id \
             WHERE d.held_on IS NULL AND d.due_from <= ?1 AND c.state IN ('active', 'extended') AND (?2 IS NULL OR c.program = ?2) \
             AND {TEAM_FILTER} ORDER BY d.due_to, d.case_id",
        ))?;
        let (all, team) = team.params();
        let rows = stmt.query_map(params![on, program, all, team], |r| {
            let due_to: String = r.get(4)?;
            Ok(DueRow {
                case_id: r.get(0)?,
                program: r.get(1)?,
                evaluation: r.get(2)?,
                due_from: r.get(3)?,
                overdue: due_to.as_str() < on,
                due_to,
                team: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Scheduled evaluations of one case (held or not).
    pub fn schedule(&self, id: i64) -> Result<Vec<Scheduled>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT evaluation, due_from, due_to, held_on FROM due WHERE case_id = ?1 ORDER BY due_from, evaluation")?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Open enrolments of a programme's running or paused cases, per module and group.
    pub fn module_counts(&self, program: &str) -> Result<Vec<ModuleCount>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.module, e.grp, COUNT(*) FROM enrolments e JOIN cases c ON c.id = e.case_id \
             WHERE c.program = ?1 AND e.left_on IS NULL AND c.state IN ('active', 'extended', 'paused') \
             GROUP BY e.module, e.grp ORDER BY e.module, e.grp",
        )?;
        let rows = stmt.query_map([program], |r| {
            Ok(ModuleCount {
                module: r.get(0)?,
                group: r.get(1)?,
                enrolled: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// (active, waiting) cases of a programme.
    pub fn counts(&self, program: &str) -> Result<(i64, i64), StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT COALESCE(SUM(state IN ('active', 'extended', 'paused')), 0), COALESCE(SUM(state = 'waiting'), 0) FROM cases WHERE program = ?1 AND state IN ('active', 'extended', 'paused', 'waiting')",
        )?;
        Ok(stmt.query_row([program], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    /// Cases of a programme that have ended (closed, dropped, never started) and still hold
    /// personal data: (id, the day they ended).
    pub fn ended(&self, program: &str) -> Result<Vec<(i64, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, updated_on FROM cases WHERE program = ?1 AND state IN ('closed', 'dropped', 'not_started') \
             AND json_extract(referral, '$.erased_on') IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([program], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The programme text stored for a version content hash.
    pub fn snapshot(&self, hash: &str) -> Result<Option<Snapshot>, StoreError> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT file, text, options FROM snapshots WHERE hash = ?1",
                [hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.map(|(file, text, options)| Snapshot {
            file,
            text,
            options: serde_json::from_str(&options).unwrap_or_default(),
        }))
    }

    /// Programmes with cases.
    pub fn programs(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT program FROM cases ORDER BY program")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// How many running or paused cases attend a module (and group) now.
#[derive(Debug, Clone, Serialize)]
pub struct ModuleCount {
    pub module: String,
    pub group: Option<String>,
    pub enrolled: i64,
}

/// Whose cases a query returns: every team's, or one team's (`None`: cases without a team).
#[derive(Debug, Clone, Copy)]
pub enum TeamScope<'a> {
    All,
    Team(Option<&'a str>),
}

impl TeamScope<'_> {
    /// (?3 = 1 for all teams, ?4 = the team) as `TEAM_FILTER` reads them.
    fn params(self) -> (bool, Option<String>) {
        match self {
            TeamScope::All => (true, None),
            TeamScope::Team(t) => (false, t.map(str::to_string)),
        }
    }
}

const TEAM_FILTER: &str = "(?3 OR c.team IS ?4)";

const CASE_SELECT: &str = "SELECT c.id, c.program, c.version, c.version_hash, c.state, c.verdict, c.track, c.referral_date, c.started_on, c.ends_on, c.outcome, c.updated_on, \
    CASE WHEN c.state = 'waiting' THEN (SELECT COUNT(*) FROM cases w WHERE w.program = c.program AND w.state = 'waiting' AND w.queue_seq <= c.queue_seq) END, c.referral, c.team FROM cases c";

fn case_from_row(r: &rusqlite::Row) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        id: r.get(0)?,
        program: r.get(1)?,
        version: r.get(2)?,
        version_hash: r.get(3)?,
        state: r
            .get::<_, String>(4)?
            .parse()
            .map_err(|e: crate::lifecycle::UnknownState| {
                rusqlite::Error::FromSqlConversionFailure(
                    4,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?,
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
    })
}

/// Append the next event of a case (inside the caller's transaction).
pub fn append_event(
    tx: &Transaction,
    case_id: i64,
    on: &str,
    kind: &str,
    payload: &serde_json::Value,
    actor: &str,
    version_hash: &str,
) -> Result<i64, StoreError> {
    let seq: i64 = tx.query_row(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE case_id = ?1",
        [case_id],
        |r| r.get(0),
    )?;
    let recorded_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    tx.prepare_cached("INSERT INTO events (case_id, seq, on_date, recorded_at, kind, payload, actor, version_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?
        .execute(params![case_id, seq, on, recorded_at, kind, payload.to_string(), actor, version_hash])?;
    tracing::debug!(case = case_id, seq, kind, "event appended");
    Ok(seq)
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(|_| ())
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map(|_| ())
}
