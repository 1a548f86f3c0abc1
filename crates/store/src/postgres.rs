//! The PostgreSQL back end: connecting (TLS as the URL's `sslmode` asks, see `pg_tls`), its own
//! schema migrations (the same tables as SQLite's latest schema, in
//! PostgreSQL's types, with the append-only rules as trigger functions) and write transactions
//! serialised across every process by transaction-level advisory locks: one for the whole
//! store, or, for the case lifecycle, one per programme and one per dossier number added.

use std::cell::RefCell;
use std::sync::Mutex;

use super::sql::{Conn, OrStore, PgClient, Tx};
use super::{Store, StoreError};

/// The advisory lock every writer holds until it commits ("traject" in ASCII).
const WRITER_LOCK: i64 = 0x0074_7261_6a65_6374;

/// Connect and migrate. `shown` is the masked URL, the only form errors may carry.
pub(super) fn connect(url: &str, shown: &str) -> Result<Store, StoreError> {
    let mut client = super::pg_tls::connect(url, shown)?;
    migrate(&mut client, shown)?;
    Ok(Store {
        conn: Conn::Postgres(Box::new(Mutex::new(PgClient::new(client)))),
        shown: shown.to_string(),
        key: Default::default(),
    })
}

/// Bring the schema up to date under the writer lock, so that several `serve` instances
/// starting at once migrate it once.
fn migrate(client: &mut postgres::Client, shown: &str) -> Result<(), StoreError> {
    let mut tx = client.transaction().or_store()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITER_LOCK])
        .or_store()?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS traject_schema (version BIGINT NOT NULL)")
        .or_store()?;
    let found: Option<i64> = tx
        .query_opt("SELECT version FROM traject_schema", &[])
        .or_store()?
        .map(|r| r.get(0));
    let version = match found {
        Some(v) => v,
        None => {
            tx.execute("INSERT INTO traject_schema (version) VALUES (0)", &[])
                .or_store()?;
            0
        }
    };
    if version as usize > super::schema::POSTGRES.len() {
        return Err(StoreError::TooNew {
            path: shown.to_string(),
            found: version,
            known: super::schema::POSTGRES.len(),
        });
    }
    for (i, (_, sql)) in super::schema::POSTGRES
        .iter()
        .enumerate()
        .skip(version as usize)
    {
        tx.batch_execute(sql).or_store()?;
        tx.execute(
            "UPDATE traject_schema SET version = $1",
            &[&((i + 1) as i64)],
        )
        .or_store()?;
    }
    tx.commit().or_store()?;
    Ok(())
}

/// What a write transaction locks when it begins.
pub(crate) enum Lock {
    /// The whole store: the writer lock, held until the transaction ends.
    Store,
    /// Nothing yet: the transaction locks the programmes and dossier numbers it works on as
    /// it reaches them (the case lifecycle; see `Tx::lock_programme`).
    AsNeeded,
}

/// A write transaction, holding `lock` until it ends.
pub(super) fn begin(client: &mut Mutex<PgClient>, lock: Lock) -> Result<Tx<'_>, postgres::Error> {
    let client = client.get_mut().unwrap_or_else(|p| p.into_inner());
    let mut tx = client.transaction();
    if let Lock::Store = lock {
        tx.begin_with(
            "SELECT pg_advisory_xact_lock(?1)",
            &[super::sql::Value::Int(WRITER_LOCK)],
        )?;
    }
    Ok(Tx::Postgres(RefCell::new(tx)))
}

/// An error as it may be shown and logged: the server's message and code, never the DETAIL
/// line (which quotes row values, i.e. personal data) nor the connection string.
/// Whether an error means the server cannot be reached now rather than that the statement is
/// wrong: the connection closed or broke (an I/O error), a connection exception (SQLSTATE class
/// 08), or the server shutting down or starting (57P01–57P03).
pub(super) fn is_unavailable(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        return code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03");
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Whether the server's disk is full (SQLSTATE 53100, disk_full).
pub(super) fn is_disk_full(e: &postgres::Error) -> bool {
    e.as_db_error()
        .is_some_and(|db| db.code().code() == "53100")
}

pub(super) fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{} ({})", db.message(), db.code().code());
    }
    if e.is_closed() {
        return "the connection to the server was closed".to_string();
    }
    // Client-side errors (I/O, protocol, conversions) name no row values.
    let text = e.to_string();
    match std::error::Error::source(e) {
        Some(source) => format!("{text}: {source}"),
        None => text,
    }
}

/// Test support: a fresh, empty database on the server at `url` (its name is returned in a
/// URL for the new database). Used by the test suites of both back ends.
pub fn create_database(url: &str, name: &str) -> Result<String, StoreError> {
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(StoreError::BadDatabaseName {
            name: name.to_string(),
        });
    }
    let mut client = super::pg_tls::connect(url, url)?;
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .or_store()?;
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .or_store()?;
    let base = url.rsplit_once('/').map_or(url, |(b, _)| b);
    Ok(format!("{base}/{name}"))
}
