//! The case store, on one of two back ends: SQLite (bundled; the embedded default) in WAL mode
//! with a busy timeout and foreign keys on, or PostgreSQL (a shared server for several offices
//! and several `traject serve` instances). Both carry the same schema, versioned and migrated
//! on open (`migrations/<back end>/*.sql`); cases hold the referral (personal data stays in the
//! database, never in logs); `events` and `audit` are append-only (triggers refuse updates and
//! deletes) and every change to a case is written in the same transaction as its event.
//! Writers are serialised where they must be: on SQLite every write transaction is IMMEDIATE;
//! on PostgreSQL the case lifecycle's transactions take a transaction-level advisory lock per
//! programme (so the capacity check and the start that depends on it cannot interleave with
//! another writer's on that programme) and per dossier number being added, and every other
//! write takes one lock for the whole store.
//!
//! This is the only crate that speaks SQL: the case lifecycle reaches it through
//! `traject_cases::CaseStore`, everything else through the typed reads of `queries`.

use std::path::Path;

mod bulk;
mod cases;
mod copy;
mod inspect;
mod pg_literal;
mod pg_tls;
mod postgres;
mod queries;
pub use queries::StoredReferral;
mod reminders;
mod schema;
pub mod sessions;
pub mod sql;
mod target;
pub mod test_support;
pub mod tombstones;
pub mod users;

use rusqlite::{Connection, TransactionBehavior};

pub use copy::{copy, digest, Copied};
pub use inspect::Table;
pub use postgres::create_database;
pub use sql::LockTimes;
use sql::{Conn, Dialect, OrStore, Sql, Tx};
pub use target::DbTarget;
pub use tombstones::Tombstone;
pub use traject_cases::records::{
    CaseHistory, CasePage, CaseRow, CohortCounts, DueRow, FundableCase, ListKey, ModuleCount,
    OrganisationCount, Reach, Scope, Snapshot,
};
pub use traject_cases::store::{Due, StoreError};

/// Default database file, in the working directory.
pub const DEFAULT_DB: &str = "traject.db";

/// An open case store. Statements go through `Sql` (see `sql.rs`), on either back end.
pub struct Store {
    conn: Conn,
    /// Where the store is, as it may be shown (a PostgreSQL password masked).
    shown: String,
    /// The store's key for dossier numbers (see `tombstones`), read once per connection: a
    /// store keeps its key for life (`db copy` writes the source's into a new store).
    key: std::sync::OnceLock<String>,
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
            create_private(path).map_err(|e| StoreError::Create {
                path: shown.to_string(),
                reason: e.to_string(),
            })?;
        }
        let conn = Connection::open(path).map_err(|e| StoreError::Open {
            path: shown.to_string(),
            reason: e.to_string(),
        })?;
        Self::configure(conn, &shown.to_string())
    }

    /// A private in-memory database (trajectory tests).
    pub fn in_memory() -> Result<Store, StoreError> {
        Self::configure(Connection::open_in_memory().or_store()?, ":memory:")
    }

    fn configure(conn: Connection, shown: &str) -> Result<Store, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .or_store()?;
        let fail = |e: rusqlite::Error| StoreError::NotTraject {
            path: shown.to_string(),
            reason: e.to_string(),
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
            key: Default::default(),
        };
        store.migrate_sqlite()?;
        Ok(store)
    }

    fn migrate_sqlite(&mut self) -> Result<(), StoreError> {
        let Conn::Sqlite(conn) = &mut self.conn else {
            unreachable!("called on SQLite stores only")
        };
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .or_store()?;
        if version as usize > schema::SQLITE.len() {
            return Err(StoreError::TooNew {
                path: self.shown.clone(),
                found: version,
                known: schema::SQLITE.len(),
            });
        }
        for (i, (_, sql)) in schema::SQLITE.iter().enumerate().skip(version as usize) {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .or_store()?;
            tx.execute_batch(sql).or_store()?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .or_store()?;
            tx.commit().or_store()?;
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

    /// Whether the connection still works, asking the server within `timeout` (PostgreSQL; a
    /// SQLite file is always there): a pooled connection from before a server restart is not.
    pub fn usable(&mut self, timeout: std::time::Duration) -> bool {
        match &mut self.conn {
            Conn::Sqlite(_) => true,
            Conn::Postgres(client) => {
                let client = client.get_mut().unwrap_or_else(|p| p.into_inner());
                client.client.is_valid(timeout).is_ok()
            }
        }
    }

    /// The time this connection's transactions spent on programmes' locks since this was
    /// last asked (none on SQLite, which serialises every writer instead).
    pub fn take_lock_times(&mut self) -> LockTimes {
        match &mut self.conn {
            Conn::Sqlite(_) => LockTimes::default(),
            Conn::Postgres(client) => {
                let client = client.get_mut().unwrap_or_else(|p| p.into_inner());
                std::mem::take(&mut client.lock_times)
            }
        }
    }

    /// Whether the connection is known to be closed (no round trip).
    pub fn is_closed(&self) -> bool {
        match &self.conn {
            Conn::Sqlite(_) => false,
            Conn::Postgres(client) => client.lock().map_or(true, |c| c.client.is_closed()),
        }
    }

    /// The schema version the store is at, and the one this build writes: equal once open.
    pub fn schema_versions(&self) -> Result<(i64, usize), StoreError> {
        let found = match self.dialect() {
            Dialect::Sqlite => self.one("PRAGMA user_version", &[])?,
            Dialect::Postgres => self.one("SELECT version FROM traject_schema", &[])?,
        };
        let known = match self.dialect() {
            Dialect::Sqlite => schema::SQLITE.len(),
            Dialect::Postgres => schema::POSTGRES.len(),
        };
        Ok((found, known))
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
    pub(crate) fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Tx) -> Result<T, E>,
    ) -> Result<T, E> {
        self.write_holding(postgres::Lock::Store, f)
    }

    /// A write transaction holding `lock` on PostgreSQL (on SQLite every writer is serialised).
    fn write_holding<T, E: From<StoreError>>(
        &mut self,
        lock: postgres::Lock,
        f: impl FnOnce(&Tx) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = match &mut self.conn {
            Conn::Sqlite(c) => Tx::Sqlite(
                c.transaction_with_behavior(TransactionBehavior::Immediate)
                    .or_store()?,
            ),
            Conn::Postgres(m) => postgres::begin(m, lock).or_store()?,
        };
        let v = f(&tx)?;
        tx.commit()?;
        Ok(v)
    }

    /// Make erased values unreadable from the store's files: on SQLite, copy the write-ahead
    /// log into the database file and empty it (freed space is overwritten: `secure_delete`);
    /// on PostgreSQL, `VACUUM FULL` the tables erasure rewrites: they and their indexes are
    /// written anew and the old files removed, old row versions with them (a plain `VACUUM`
    /// leaves their bytes in the freed space of a page). The tables are locked while that runs
    /// — well under a second for an office's store. Old WAL segments and backups age out, as
    /// the README says.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        match &self.conn {
            Conn::Sqlite(c) => c
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .or_store(),
            Conn::Postgres(m) => {
                let mut pg = m.lock().unwrap_or_else(|p| p.into_inner());
                // VACUUM may not run in a transaction: one simple-protocol statement.
                pg.client
                    .batch_execute("VACUUM FULL cases, events")
                    .or_store()
            }
        }
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
