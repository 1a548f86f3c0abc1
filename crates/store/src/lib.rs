//! The case store, on one of two back ends: SQLite (bundled; the embedded default) in WAL mode
//! with a busy timeout and foreign keys on, or PostgreSQL (a shared server for several offices
//! and several `traject serve` instances). Both carry the same schema, versioned and migrated
//! on open; cases hold the referral (personal data stays in the database, never in logs);
//! `events` and `audit` are append-only (triggers refuse updates and deletes) and every change
//! to a case is written in the same transaction as its event. Writers are serialised (SQLite's
//! IMMEDIATE transactions, a PostgreSQL transaction-level advisory lock), so the capacity check
//! and the start that depends on it cannot interleave with another writer's.

use std::collections::BTreeMap;
use std::path::Path;

mod copy;
pub mod lifecycle;
mod postgres;
pub mod sql;
mod target;
pub mod users;

use rusqlite::{Connection, TransactionBehavior};
use serde::Serialize;
use traject_i18n::Lang;

pub use copy::{copy, digest, Copied};
pub use postgres::create_database;
use sql::{Conn, Dialect, Sql, Tx};
pub use target::DbTarget;

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
    r#"
-- Tenancy: several organisations (OCMWs) may share one store; each case and user belongs to
-- one (NULL: a single-organisation store, or a user who works across organisations).
ALTER TABLE cases ADD COLUMN org TEXT;
ALTER TABLE users ADD COLUMN org TEXT;
CREATE INDEX cases_by_org ON cases(org, program, state);
"#,
    r#"
-- The scripts a snapshot's programme ran (name → file and text, JSON), so that a case keeps
-- its exact routing and script rules after a script file changes.
ALTER TABLE snapshots ADD COLUMN scripts TEXT;
"#,
    r#"
-- A paused case whose programme frees its place while paused (`pause: {place: free}`): it
-- does not count against capacity until it resumes.
ALTER TABLE cases ADD COLUMN place_freed INTEGER NOT NULL DEFAULT 0;
"#,
];

/// The cases that count against a team's capacity: running ones, and paused ones that keep
/// their place (a programme may free a paused case's place instead).
const HOLDS_PLACE: &str =
    "(state IN ('active', 'extended') OR (state = 'paused' AND place_freed = 0))";

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
    #[error("{target}: cannot connect to the PostgreSQL server: {reason} — check the address, the user and that the server runs")]
    Connect { target: String, reason: String },
    #[error("database: {0}")]
    Postgres(String),
    #[error(
        "database: column {index} holds {found}, expected {expected} — is this a traject database?"
    )]
    Column {
        index: usize,
        expected: &'static str,
        found: String,
    },
    #[error("database: a row the query needs is missing")]
    NoRow,
    #[error("{0}")]
    Copy(String),
}

impl StoreError {
    /// The problem worded for a reader of `lang`; the database's own report stays as the
    /// database words it.
    pub fn in_lang(&self, lang: Lang) -> String {
        use traject_i18n::nl_fr;
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            StoreError::Create { path, source } => nl_fr(lang, format!("{path}: kan de databank niet aanmaken: {source}"), format!("{path} : impossible de créer la base de données : {source}")),
            StoreError::Open { path, source } => nl_fr(lang, format!("{path}: kan de databank niet openen: {source}"), format!("{path} : impossible d'ouvrir la base de données : {source}")),
            StoreError::NotTraject { path, source } => nl_fr(lang, format!("{path}: {source} — is dit een traject-databank?"), format!("{path} : {source} — est-ce une base de données traject ?")),
            StoreError::TooNew { path, found, known } => nl_fr(lang, format!("{path}: schemaversie {found} van de databank is nieuwer dan deze traject kent ({known}); gebruik een nieuwere traject"), format!("{path} : la version de schéma {found} de la base de données est plus récente que ce que connaît ce traject ({known}) ; utilisez un traject plus récent")),
            StoreError::Database(e) => nl_fr(lang, format!("databank: {e}"), format!("base de données : {e}")),
            StoreError::Connect { target, reason } => nl_fr(lang, format!("{target}: geen verbinding met de PostgreSQL-server: {reason} — controleer het adres, de gebruiker en of de server draait"), format!("{target} : connexion au serveur PostgreSQL impossible : {reason} — vérifiez l'adresse, l'utilisateur et que le serveur tourne")),
            StoreError::Postgres(e) => nl_fr(lang, format!("databank: {e}"), format!("base de données : {e}")),
            StoreError::Column { index, expected, found } => nl_fr(lang, format!("databank: kolom {index} bevat {found}, verwacht {expected} — is dit een traject-databank?"), format!("base de données : la colonne {index} contient {found}, attendu {expected} — est-ce une base de données traject ?")),
            StoreError::NoRow => nl_fr(lang, "databank: een rij die de opvraging nodig heeft ontbreekt".to_string(), "base de données : une ligne nécessaire à la requête manque".to_string()),
            StoreError::Copy(e) => e.clone(),
        }
    }
}

impl From<::postgres::Error> for StoreError {
    fn from(e: ::postgres::Error) -> Self {
        StoreError::Postgres(postgres::describe(&e))
    }
}

/// An open case store. Statements go through `Sql` (see `sql.rs`), on either back end.
pub struct Store {
    conn: Conn,
    /// Where the store is, as it may be shown (a PostgreSQL password masked).
    shown: String,
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
    /// The organisation (OCMW) the case belongs to (`None` in a single-organisation store).
    pub org: Option<String>,
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
    /// The scripts as JSON (name → file and text); `None` for snapshots stored before scripts
    /// were kept.
    pub scripts: Option<String>,
}

/// Cases of one (organisation, programme, state).
pub type OrganisationCount = (Option<String>, String, String, i64);

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
    /// Open the store at `target`: a SQLite file (created when missing) or a PostgreSQL server.
    pub fn connect(target: &DbTarget) -> Result<Store, StoreError> {
        match target {
            DbTarget::File(path) => Store::open(path),
            DbTarget::Postgres(url) => postgres::connect(url, &target.to_string()),
        }
    }

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
        let mut store = Store {
            conn: Conn::Sqlite(conn),
            shown: shown.to_string(),
        };
        store.migrate_sqlite()?;
        Ok(store)
    }

    fn migrate_sqlite(&mut self) -> Result<(), StoreError> {
        let Conn::Sqlite(conn) = &mut self.conn else {
            unreachable!("called on SQLite stores only")
        };
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version as usize > MIGRATIONS.len() {
            return Err(StoreError::TooNew {
                path: self.shown.clone(),
                found: version,
                known: MIGRATIONS.len(),
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Where the store is, fit to print (credentials masked).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    pub fn dialect(&self) -> Dialect {
        self.conn.dialect()
    }

    /// The SQLite connection underneath, for SQLite-only work (tests that break the schema on
    /// purpose, raw-file checks); `None` on PostgreSQL.
    pub fn sqlite(&self) -> Option<&Connection> {
        match &self.conn {
            Conn::Sqlite(c) => Some(c),
            Conn::Postgres(_) => None,
        }
    }

    /// One write transaction, taken at once so concurrent writers queue instead of failing.
    /// The caller's error type passes through unchanged (a refused transition stays one), and
    /// any error rolls the whole transaction back.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Tx) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = match &mut self.conn {
            Conn::Sqlite(c) => Tx::Sqlite(
                c.transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(StoreError::from)?,
            ),
            Conn::Postgres(m) => postgres::begin(m).map_err(StoreError::from)?,
        };
        let v = f(&tx)?;
        tx.commit()?;
        Ok(v)
    }

    /// Copy the write-ahead log into the database file and empty it (SQLite; nothing to do on
    /// PostgreSQL, whose files traject does not own).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        if let Conn::Sqlite(c) = &self.conn {
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(())
    }

    pub fn case(&self, id: i64) -> Result<Option<CaseRow>, StoreError> {
        self.query_opt(
            &format!("{CASE_SELECT} WHERE c.id = ?1"),
            args![id],
            case_from_row,
        )
    }

    pub fn list(
        &self,
        program: Option<&str>,
        state: Option<&str>,
        scope: Scope,
        limit: usize,
    ) -> Result<Vec<CaseRow>, StoreError> {
        let (a, b, c, d) = scope.params();
        self.query_map(
            &format!(
                "{CASE_SELECT} WHERE (CAST(?1 AS TEXT) IS NULL OR c.program = ?1) AND (CAST(?2 AS TEXT) IS NULL OR c.state = ?2) AND {} ORDER BY c.id LIMIT ?3",
                Scope::filter(4)
            ),
            args![program, state, limit as i64, a, b, c, d],
            case_from_row,
        )
    }

    pub fn history(&self, id: i64) -> Result<Vec<EventRow>, StoreError> {
        self.query_map(
            "SELECT case_id, seq, on_date, recorded_at, kind, payload, actor, version_hash FROM events WHERE case_id = ?1 ORDER BY seq",
            args![id],
            |r| {
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
            },
        )
    }

    /// Evaluations not yet held that are due on `on` (window open) or overdue (window closed).
    pub fn due(
        &self,
        on: &str,
        program: Option<&str>,
        scope: Scope,
    ) -> Result<Vec<DueRow>, StoreError> {
        let (a, b, c, d) = scope.params();
        self.query_map(
            &format!(
                "SELECT d.case_id, c.program, d.evaluation, d.due_from, d.due_to, c.team FROM due d JOIN cases c ON c.id = d.case_id \
                 WHERE d.held_on IS NULL AND d.due_from <= ?1 AND c.state IN ('active', 'extended') AND (CAST(?2 AS TEXT) IS NULL OR c.program = ?2) \
                 AND {} ORDER BY d.due_to, d.case_id",
                Scope::filter(3)
            ),
            args![on, program, a, b, c, d],
            |r| {
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
            },
        )
    }

    /// Scheduled evaluations of one case (held or not).
    pub fn schedule(&self, id: i64) -> Result<Vec<Scheduled>, StoreError> {
        self.query_map(
            "SELECT evaluation, due_from, due_to, held_on FROM due WHERE case_id = ?1 ORDER BY due_from, evaluation",
            args![id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
    }

    /// Open enrolments of a programme's running or paused cases, per module and group.
    pub fn module_counts(&self, program: &str, org: Reach) -> Result<Vec<ModuleCount>, StoreError> {
        let (all, one) = org.params();
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
        let (all, one) = org.params();
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
        let (all, one) = org.params();
        self.query_map(
            "SELECT org, program, state, COUNT(*) FROM cases WHERE (?1 OR org IS NOT DISTINCT FROM ?2) \
             GROUP BY org, program, state ORDER BY org, program, state",
            args![all, one],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
    }

    /// Cases of a programme that have ended (closed, dropped, never started) and still hold
    /// personal data: (id, the day they ended).
    pub fn ended(&self, program: &str, org: Reach) -> Result<Vec<(i64, String)>, StoreError> {
        let erased = self.dialect().json_text("referral", "erased_on");
        let (all, one) = org.params();
        self.query_map(
            &format!(
                "SELECT id, updated_on FROM cases WHERE program = ?1 AND state IN ('closed', 'dropped', 'not_started') \
                 AND {erased} IS NULL AND (?2 OR org IS NOT DISTINCT FROM ?3) ORDER BY id"
            ),
            args![program, all, one],
            |r| Ok((r.get(0)?, r.get(1)?)),
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
        let (all, one) = org.params();
        self.query_map(
            "SELECT DISTINCT program FROM cases WHERE (?1 OR org IS NOT DISTINCT FROM ?2) ORDER BY program",
            args![all, one],
            |r| r.get(0),
        )
    }
}

/// Reads on the store go straight to its connection.
impl Sql for Store {
    fn dialect(&self) -> Dialect {
        self.conn.dialect()
    }
    fn execute(&self, sql: &str, args: &[sql::Value]) -> Result<usize, StoreError> {
        self.conn.execute(sql, args)
    }
    fn rows(&self, sql: &str, args: &[sql::Value]) -> Result<Vec<sql::Row>, StoreError> {
        self.conn.rows(sql, args)
    }
}

/// How many running or paused cases attend a module (and group) now.
#[derive(Debug, Clone, Serialize)]
pub struct ModuleCount {
    pub module: String,
    pub group: Option<String>,
    pub enrolled: i64,
}

/// Whose cases a query returns: which organisation's (all of them, or one — `None`: cases
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

    /// The filter on `cases c`, reading four parameters from `?first` on (see `params`).
    fn filter(first: usize) -> String {
        let [a, b, c, d] = [first, first + 1, first + 2, first + 3];
        format!("(?{a} OR c.org IS NOT DISTINCT FROM ?{b}) AND (?{c} OR c.team IS NOT DISTINCT FROM ?{d})")
    }

    fn params(self) -> (bool, Option<String>, bool, Option<String>) {
        let (a, b) = self.org.params();
        let (c, d) = self.team.params();
        (a, b, c, d)
    }
}

impl Reach<'_> {
    /// (everything?, the one value) as a filter `(?n OR col IS NOT DISTINCT FROM ?n+1)` reads them.
    pub fn params(self) -> (bool, Option<String>) {
        match self {
            Reach::All => (true, None),
            Reach::Only(v) => (false, v.map(str::to_string)),
        }
    }
}

const CASE_SELECT: &str = "SELECT c.id, c.program, c.version, c.version_hash, c.state, c.verdict, c.track, c.referral_date, c.started_on, c.ends_on, c.outcome, c.updated_on, \
    CASE WHEN c.state = 'waiting' THEN (SELECT COUNT(*) FROM cases w WHERE w.program = c.program AND w.state = 'waiting' AND w.queue_seq <= c.queue_seq) END, c.referral, c.team, c.org FROM cases c";

fn case_from_row(r: &sql::Row) -> Result<CaseRow, StoreError> {
    let state: String = r.get(4)?;
    Ok(CaseRow {
        id: r.get(0)?,
        program: r.get(1)?,
        version: r.get(2)?,
        version_hash: r.get(3)?,
        state: state.parse().map_err(|_| StoreError::Column {
            index: 4,
            expected: "a case state",
            found: state,
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
        org: r.get(15)?,
    })
}

/// Append the next event of a case (inside the caller's transaction).
pub fn append_event(
    tx: &Tx,
    case_id: i64,
    on: &str,
    kind: &str,
    payload: &serde_json::Value,
    actor: &str,
    version_hash: &str,
) -> Result<i64, StoreError> {
    let seq: i64 = tx.one(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE case_id = ?1",
        args![case_id],
    )?;
    let recorded_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    tx.execute(
        "INSERT INTO events (case_id, seq, on_date, recorded_at, kind, payload, actor, version_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        args![case_id, seq, on, recorded_at, kind, payload.to_string(), actor, version_hash],
    )?;
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
