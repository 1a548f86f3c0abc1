//! One SQL surface over the two back ends: SQLite (the embedded default) and PostgreSQL (a
//! shared server). Statements are written once, in the SQL both understand, with `?1`-style
//! parameters (rewritten to `$1` for PostgreSQL); values cross as a small `Value` enum and rows
//! come back as `Row`s read by column index. Where the dialects really differ (JSON access,
//! row order of the audit table) `Dialect` gives the fragment.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::error::Error as StdError;
use std::sync::Mutex;

use postgres::types::{IsNull, ToSql, Type};

use super::bulk::{Outgoing, Pending, ProgrammeKey, RowKind};
use super::StoreError;

/// The database's own error as a store error: its message (and PostgreSQL's code), never a
/// row value.
pub(crate) trait OrStore<T> {
    fn or_store(self) -> Result<T, StoreError>;
}

impl<T> OrStore<T> for Result<T, rusqlite::Error> {
    fn or_store(self) -> Result<T, StoreError> {
        self.map_err(|e| {
            let reason = e.to_string();
            match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    StoreError::Busy { reason }
                }
                Some(rusqlite::ErrorCode::DiskFull) => StoreError::Full { reason },
                _ => StoreError::Database(reason),
            }
        })
    }
}

impl<T> OrStore<T> for Result<T, postgres::Error> {
    fn or_store(self) -> Result<T, StoreError> {
        self.map_err(|e| {
            let reason = super::postgres::describe(&e);
            if super::postgres::is_unavailable(&e) {
                StoreError::Unavailable { reason }
            } else if super::postgres::is_disk_full(&e) {
                StoreError::Full { reason }
            } else {
                StoreError::Database(reason)
            }
        })
    }
}

/// Which SQL a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The text of a top-level JSON key of a TEXT column holding JSON.
    pub fn json_text(self, column: &str, key: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_extract({column}, '$.{key}')"),
            Dialect::Postgres => format!("({column}::jsonb ->> '{key}')"),
        }
    }
}

/// A parameter or a column value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bool(bool),
}

/// Anything that can be a statement parameter.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}
impl ToValue for i64 {
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
}
impl ToValue for i32 {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for u32 {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}
impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}
impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}
impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

/// Statement parameters: `args![id, name, team]` (each borrowed, like rusqlite's `params!`).
#[macro_export]
macro_rules! args {
    () => { &[] as &[$crate::sql::Value] };
    ($($x:expr),+ $(,)?) => { &[$($crate::sql::ToValue::to_value(&$x)),+] as &[$crate::sql::Value] };
}
pub use args;

/// A column value read back as a Rust type.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Option<Self>;
    const EXPECTED: &'static str;
}

impl FromValue for i64 {
    const EXPECTED: &'static str = "an integer";
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }
}
impl FromValue for u32 {
    const EXPECTED: &'static str = "a count";
    fn from_value(v: &Value) -> Option<Self> {
        i64::from_value(v).and_then(|i| u32::try_from(i).ok())
    }
}
impl FromValue for bool {
    const EXPECTED: &'static str = "a boolean";
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Bool(b) => Some(*b),
            Value::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
}
impl FromValue for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Real(f) => Some(*f),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }
}
impl FromValue for String {
    const EXPECTED: &'static str = "text";
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
/// Days are stored as ISO text (`2024-06-01`) on both back ends, so that they sort and compare
/// as text in SQL.
impl ToValue for chrono::NaiveDate {
    fn to_value(&self) -> Value {
        Value::Text(self.format("%Y-%m-%d").to_string())
    }
}
impl FromValue for chrono::NaiveDate {
    const EXPECTED: &'static str = "a day (YYYY-MM-DD)";
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => s.parse().ok(),
            _ => None,
        }
    }
}

/// Typed words the store keeps as text: case states, verdicts, event kinds.
macro_rules! stored_word {
    ($t:ty, $expected:literal, $parse:expr) => {
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Text(self.as_str().to_string())
            }
        }
        impl FromValue for $t {
            const EXPECTED: &'static str = $expected;
            fn from_value(v: &Value) -> Option<Self> {
                match v {
                    Value::Text(s) => $parse(s.as_str()),
                    _ => None,
                }
            }
        }
    };
}
stored_word!(traject_cases::CaseState, "a case state", |s: &str| s
    .parse()
    .ok());
stored_word!(
    traject_rules::Verdict,
    "a verdict",
    traject_rules::Verdict::parse
);
stored_word!(
    traject_cases::EventKind,
    "an event kind",
    traject_cases::EventKind::parse
);

impl<T: FromValue> FromValue for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// One result row.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Value>);

impl Row {
    pub fn get<T: FromValue>(&self, index: usize) -> Result<T, StoreError> {
        let v = self.0.get(index).unwrap_or(&Value::Null);
        T::from_value(v).ok_or_else(|| StoreError::Column {
            index,
            expected: T::EXPECTED,
            found: format!("{v:?}").chars().take(40).collect(),
        })
    }
}

/// Statements, the same on a connection and inside a transaction.
pub trait Sql {
    fn dialect(&self) -> Dialect;
    fn execute(&self, sql: &str, args: &[Value]) -> Result<usize, StoreError>;
    fn rows(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError>;

    /// Every row, each read by `f`.
    fn query_map<T>(
        &self,
        sql: &str,
        args: &[Value],
        f: impl FnMut(&Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError>
    where
        Self: Sized,
    {
        self.rows(sql, args)?.iter().map(f).collect()
    }

    /// The first row, if any.
    fn query_opt<T>(
        &self,
        sql: &str,
        args: &[Value],
        f: impl FnOnce(&Row) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError>
    where
        Self: Sized,
    {
        self.rows(sql, args)?.first().map(f).transpose()
    }

    /// The first row; none is an error.
    fn query_row<T>(
        &self,
        sql: &str,
        args: &[Value],
        f: impl FnOnce(&Row) -> Result<T, StoreError>,
    ) -> Result<T, StoreError>
    where
        Self: Sized,
    {
        self.query_opt(sql, args, f)?.ok_or(StoreError::NoRow)
    }

    /// The first column of the first row.
    fn one<T: FromValue>(&self, sql: &str, args: &[Value]) -> Result<T, StoreError>
    where
        Self: Sized,
    {
        self.query_row(sql, args, |r| r.get(0))
    }
}

/// An open connection to either back end.
pub enum Conn {
    Sqlite(rusqlite::Connection),
    /// The client sits behind a lock so that reads can take `&self` as they do on SQLite.
    Postgres(Box<Mutex<PgClient>>),
}

/// One write transaction on either back end.
pub enum Tx<'a> {
    Sqlite(rusqlite::Transaction<'a>),
    Postgres(RefCell<PgTx<'a>>),
}

/// A PostgreSQL connection with the statements it has prepared. Without them every call
/// parses its statement again, a round trip of its own: an import of 10,000 referrals was
/// 14× slower than on SQLite (whose statements are cached the same way).
pub struct PgClient {
    pub client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
    /// Statements kept by name with SQL `PREPARE` (see `FirstRead`).
    kept: HashSet<&'static str>,
    /// Time this connection's transactions spent on programmes' locks, since last taken.
    pub(crate) lock_times: LockTimes,
    /// Programme snapshots a committed transaction on this connection wrote or found: never
    /// sent again (a snapshot is a whole programme text, and it is never removed).
    snapshots: HashSet<String>,
}

/// How long transactions waited for programmes' locks and held them (PostgreSQL: writers of
/// one programme in one organisation take turns; see `Tx::lock_programme`). For monitoring:
/// a long wait per lock with a short hold means many writers of one programme at once; a
/// long hold means each of them is slow to finish while the others wait.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LockTimes {
    /// Locks taken.
    pub taken: u64,
    /// From asking for a lock to having it (the round trip that asks included).
    pub waited: std::time::Duration,
    /// From having a lock to the answer of the transaction's COMMIT or ROLLBACK.
    pub held: std::time::Duration,
}

impl LockTimes {
    pub fn add(&mut self, other: LockTimes) {
        self.taken += other.taken;
        self.waited += other.waited;
        self.held += other.held;
    }
}

/// One statement of a transaction's first message (`PgTx::first_read`): its text in the
/// shared `?n` syntax, its values, and the columns of its rows to read as integers (a simple
/// query answers in text).
pub(crate) struct FirstRead<'s> {
    pub sql: &'s str,
    pub args: &'s [Value],
    pub ints: &'s [usize],
    /// Kept on the connection under this name (SQL `PREPARE`) and sent as its `EXECUTE`: a
    /// statement sent as text is planned each time it comes (0.6 ms for the first who waits,
    /// under the programme's lock).
    pub kept_as: Option<&'static str>,
}

/// A write transaction on PostgreSQL, using and filling its connection's statements (a
/// prepared statement outlives the transaction it was prepared in), with the rows it holds
/// back for bulk work (see `bulk`).
///
/// BEGIN, COMMIT and ROLLBACK are sent here rather than through `postgres::Transaction`, so
/// that BEGIN goes in one message with the transaction's first lock (`begin_with`), and the
/// writes held back to the end in one message with the COMMIT (see `pg_literal`).
pub struct PgTx<'a> {
    client: &'a mut postgres::Client,
    /// BEGIN was sent (with the first statement), and neither COMMIT nor ROLLBACK since:
    /// dropped so, it rolls back.
    open: bool,
    statements: &'a mut HashMap<String, postgres::Statement>,
    kept: &'a mut HashSet<&'static str>,
    snapshots: &'a mut HashSet<String>,
    pub(crate) pending: Box<Pending>,
    lock_times: &'a mut LockTimes,
    /// When the transaction's first programme lock was had (see `LockTimes`).
    locked_since: Option<std::time::Instant>,
}

impl Drop for PgTx<'_> {
    fn drop(&mut self) {
        if self.open {
            // A broken connection cannot roll back, and needs not: the server ends the
            // transaction with the connection.
            let _ = self.client.batch_execute("ROLLBACK");
        }
        self.unlocked();
    }
}

/// Statement texts are fixed at their call sites, so the cache stays small; the bound only
/// keeps a long-running server safe should one ever be built from data.
const MAX_PREPARED: usize = 512;

impl PgClient {
    pub fn new(client: postgres::Client) -> PgClient {
        PgClient {
            client,
            statements: HashMap::new(),
            kept: HashSet::new(),
            lock_times: LockTimes::default(),
            snapshots: HashSet::new(),
        }
    }

    /// A transaction that shares this connection's prepared statements; BEGIN goes with its
    /// first statement.
    pub fn transaction(&mut self) -> PgTx<'_> {
        PgTx {
            client: &mut self.client,
            open: false,
            statements: &mut self.statements,
            kept: &mut self.kept,
            snapshots: &mut self.snapshots,
            pending: Box::default(),
            lock_times: &mut self.lock_times,
            locked_since: None,
        }
    }

    fn prepared(&mut self, sql: &str) -> Result<postgres::Statement, postgres::Error> {
        prepared(&mut self.client, &mut self.statements, sql)
    }
}

impl PgTx<'_> {
    fn prepared(&mut self, sql: &str) -> Result<postgres::Statement, postgres::Error> {
        prepared(self.client, self.statements, sql)
    }

    /// A programme's lock asked for at `asked` is had now.
    fn locked(&mut self, asked: std::time::Instant) {
        let now = std::time::Instant::now();
        self.lock_times.taken += 1;
        self.lock_times.waited += now - asked;
        self.locked_since.get_or_insert(now);
    }

    /// The transaction ended: its locks are released.
    fn unlocked(&mut self) {
        if let Some(since) = self.locked_since.take() {
            self.lock_times.held += since.elapsed();
        }
    }

    /// BEGIN, unless it was sent: before any statement of the transaction. The lock of the
    /// programme the transaction named goes with it (`Pending::named`).
    fn begin(&mut self) -> Result<(), postgres::Error> {
        if self.open {
            return Ok(());
        }
        // Open before the answer: should it fail half-way, the drop rolls back.
        self.open = true;
        let Some(named) = self.pending.named.take() else {
            return self.client.batch_execute("BEGIN");
        };
        let (sql, args) = crate::cases::programme_lock_statement(&named);
        let statement = self.prepared(&sql)?;
        let asked = std::time::Instant::now();
        match super::pg_literal::statement(&sql, &args, statement.params()) {
            Some(lock) => self.client.batch_execute(&format!("BEGIN; {lock}"))?,
            None => {
                self.client.batch_execute("BEGIN")?;
                self.client.execute(&statement, &pg_args(&args))?;
            }
        }
        self.locked(asked);
        self.pending.locked.insert(named);
        Ok(())
    }

    /// `statements` as the transaction's first, in one message with BEGIN, when the
    /// transaction sent nothing yet; when it named a programme, the first of them takes that
    /// programme's lock itself. The rows of each, read back as text (see `FirstRead`). `None`
    /// when that is not so (or a value cannot be written in): the caller goes the usual way.
    pub(crate) fn first_read(
        &mut self,
        statements: &[FirstRead<'_>],
    ) -> Result<Option<Vec<Vec<Row>>>, StoreError> {
        if self.open {
            return Ok(None);
        }
        let named = self.pending.named.clone();
        let mut text = String::from("BEGIN");
        for s in statements {
            match self.first_read_text(s)? {
                Some(t) => {
                    text.push_str("; ");
                    text.push_str(&t);
                }
                None => return Ok(None),
            }
        }
        self.pending.named = None;
        self.open = true;
        let asked = std::time::Instant::now();
        let answer = self.client.simple_query(&text).or_store()?;
        if let Some(named) = named {
            self.locked(asked);
            self.pending.locked.insert(named);
        }
        // Each statement's rows end with its CommandComplete; BEGIN's come first, empty.
        let mut results = Vec::new();
        let mut rows = Vec::new();
        for m in &answer {
            match m {
                postgres::SimpleQueryMessage::Row(r) => {
                    let ints = statements
                        .get(results.len().saturating_sub(1))
                        .map_or(&[][..], |s| s.ints);
                    rows.push(text_row(r, ints)?);
                }
                postgres::SimpleQueryMessage::CommandComplete(_) => {
                    results.push(std::mem::take(&mut rows));
                }
                _ => {}
            }
        }
        Ok(Some(results.into_iter().skip(1).collect()))
    }

    /// The text of one of a first message's statements with its values written in; for one
    /// kept by name, its `EXECUTE` (prepared on this connection first, outside the
    /// transaction).
    fn first_read_text(&mut self, s: &FirstRead<'_>) -> Result<Option<String>, StoreError> {
        let statement = self.prepared(s.sql).or_store()?;
        let types = statement.params().to_vec();
        let Some(name) = s.kept_as else {
            return Ok(super::pg_literal::statement(s.sql, s.args, &types));
        };
        if !self.kept.contains(name) {
            let Some(names) = types
                .iter()
                .map(super::pg_literal::type_name)
                .collect::<Option<Vec<_>>>()
            else {
                return Ok(None);
            };
            let prepare = format!("PREPARE {name}({}) AS {}", names.join(", "), pg_sql(s.sql));
            match self.client.batch_execute(&prepare) {
                Ok(()) => {}
                // Kept already in this session (the set and the session disagree only if
                // a PREPARE's answer was lost, which breaks the connection anyway).
                Err(e) if e.code() == Some(&postgres::error::SqlState::DUPLICATE_PSTATEMENT) => {}
                Err(e) => return Err(e).or_store(),
            }
            self.kept.insert(name);
        }
        let execute = format!(
            "EXECUTE {name}({})",
            (1..=types.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(super::pg_literal::statement(&execute, s.args, &types))
    }

    /// `sql`, whose answer nobody reads (a lock), as the transaction's first statement: in one
    /// message with BEGIN when its values can be written in (see `pg_literal`), else after it.
    pub(crate) fn begin_with(&mut self, sql: &str, args: &[Value]) -> Result<(), postgres::Error> {
        let statement = self.prepared(sql)?;
        if !self.open && self.pending.named.is_none() {
            if let Some(text) = super::pg_literal::statement(sql, args, statement.params()) {
                self.open = true;
                return self.client.batch_execute(&format!("BEGIN; {text}"));
            }
        }
        self.begin()?;
        self.flush()?;
        self.client.execute(&statement, &pg_args(args)).map(|_| ())
    }

    /// Send every write held back. A statement of one row is kept prepared like any other; a
    /// batch's text depends on its length, so it is parsed once and not kept.
    pub(crate) fn flush(&mut self) -> Result<(), postgres::Error> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let outgoing = self.pending.take_statements();
        self.send(outgoing)
    }

    fn send(&mut self, outgoing: Vec<Outgoing>) -> Result<(), postgres::Error> {
        self.begin()?;
        for o in outgoing {
            if o.rows == 1 {
                let statement = self.prepared(&o.sql)?;
                self.client.execute(&statement, &pg_args(&o.args))?;
            } else {
                self.client
                    .execute(pg_sql(&o.sql).as_str(), &pg_args(&o.args))?;
            }
        }
        Ok(())
    }

    /// The writes held back, as the text to send with COMMIT (see `pg_literal`): one message
    /// then releases the transaction's locks one round trip after its last read, rather than
    /// one round trip per write. Writes that cannot be written so are sent now, one by one.
    fn last_writes(&mut self) -> Result<String, postgres::Error> {
        let outgoing = self.pending.take_statements();
        match self.as_literals(&outgoing)? {
            Some(text) => Ok(text),
            None => {
                self.send(outgoing)?;
                Ok(String::new())
            }
        }
    }

    /// COMMIT, after `last` (statements each followed by `;`). A transaction that sent
    /// nothing and has nothing to send has nothing to commit.
    fn commit_after(&mut self, last: String) -> Result<(), postgres::Error> {
        if !self.open && last.is_empty() {
            return Ok(());
        }
        // Writes without a read before them still hold the named programme's lock.
        if self.pending.named.is_some() {
            self.begin()?;
        }
        let begin = if self.open { "" } else { "BEGIN; " };
        // Open until COMMIT answers: a write of the message that fails leaves the transaction
        // aborted, and the drop rolls it back.
        self.open = true;
        self.client.batch_execute(&format!("{begin}{last}COMMIT"))?;
        self.open = false;
        Ok(())
    }

    /// The writes as one text of statements with their values written in, each followed by
    /// `;`; `None` when there are too many or a value cannot be written so.
    fn as_literals(&mut self, outgoing: &[Outgoing]) -> Result<Option<String>, postgres::Error> {
        if outgoing.iter().map(|o| o.args.len()).sum::<usize>() > super::pg_literal::MAX_VALUES {
            return Ok(None);
        }
        let mut text = String::new();
        for o in outgoing {
            let types = self.prepared(&o.one_row)?.params().to_vec();
            match super::pg_literal::statement(&o.sql, &o.args, &types) {
                Some(statement) => {
                    text.push_str(&statement);
                    text.push_str("; ");
                }
                None => return Ok(None),
            }
        }
        Ok(Some(text))
    }

    /// Whether the snapshot `hash` is known to be in the database or written in this
    /// transaction.
    pub(crate) fn snapshot_known(&self, hash: &str) -> bool {
        self.pending.kept.contains(hash) || self.snapshots.contains(hash)
    }
}

/// The prepared form of `sql` (in the shared `?1` syntax) on this connection, prepared now
/// if it is new.
fn prepared(
    client: &mut impl postgres::GenericClient,
    statements: &mut HashMap<String, postgres::Statement>,
    sql: &str,
) -> Result<postgres::Statement, postgres::Error> {
    if let Some(s) = statements.get(sql) {
        return Ok(s.clone());
    }
    let statement = client.prepare(&pg_sql(sql))?;
    if statements.len() >= MAX_PREPARED {
        statements.clear();
    }
    statements.insert(sql.to_string(), statement.clone());
    Ok(statement)
}

impl Sql for Conn {
    fn dialect(&self) -> Dialect {
        match self {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Postgres(_) => Dialect::Postgres,
        }
    }
    fn execute(&self, sql: &str, args: &[Value]) -> Result<usize, StoreError> {
        match self {
            Conn::Sqlite(c) => sqlite_execute(c, sql, args),
            Conn::Postgres(m) => {
                let mut pg = m.lock().unwrap_or_else(|p| p.into_inner());
                let statement = pg.prepared(sql).or_store()?;
                Ok(pg.client.execute(&statement, &pg_args(args)).or_store()? as usize)
            }
        }
    }
    fn rows(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
        match self {
            Conn::Sqlite(c) => sqlite_rows(c, sql, args),
            Conn::Postgres(m) => {
                let mut pg = m.lock().unwrap_or_else(|p| p.into_inner());
                let statement = pg.prepared(sql).or_store()?;
                pg_rows(pg.client.query(&statement, &pg_args(args)).or_store()?)
            }
        }
    }
}

impl Sql for Tx<'_> {
    fn dialect(&self) -> Dialect {
        match self {
            Tx::Sqlite(_) => Dialect::Sqlite,
            Tx::Postgres(_) => Dialect::Postgres,
        }
    }
    fn execute(&self, sql: &str, args: &[Value]) -> Result<usize, StoreError> {
        match self {
            Tx::Sqlite(t) => sqlite_execute(t, sql, args),
            Tx::Postgres(t) => {
                let mut t = t.borrow_mut();
                t.flush().or_store()?;
                // A write may change what was looked up ahead.
                t.pending.dossiers = None;
                t.pending.told = None;
                t.begin().or_store()?;
                let statement = t.prepared(sql).or_store()?;
                Ok(t.client.execute(&statement, &pg_args(args)).or_store()? as usize)
            }
        }
    }
    fn rows(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
        match self {
            Tx::Sqlite(t) => sqlite_rows(t, sql, args),
            Tx::Postgres(t) => {
                let mut t = t.borrow_mut();
                t.flush().or_store()?;
                // It may write (`RETURNING`), and what it read is for its caller alone.
                t.pending.told = None;
                t.begin().or_store()?;
                let statement = t.prepared(sql).or_store()?;
                pg_rows(t.client.query(&statement, &pg_args(args)).or_store()?)
            }
        }
    }
}

impl Tx<'_> {
    pub fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => Ok(t.commit().or_store()?),
            // Once COMMIT is sent, a broken connection leaves the outcome unknown (it may
            // have committed before the answer was lost); before it, nothing was saved.
            Tx::Postgres(t) => {
                let mut t = t.into_inner();
                let kept = std::mem::take(&mut t.pending.kept);
                let last = t.last_writes().or_store()?;
                let committed = t.commit_after(last).or_store();
                t.unlocked();
                match committed {
                    Err(StoreError::Unavailable { reason }) => {
                        Err(StoreError::CommitUnknown { reason })
                    }
                    Err(e) => Err(e),
                    Ok(()) => {
                        t.snapshots.extend(kept);
                        Ok(())
                    }
                }
            }
        }
    }

    /// Insert a row of `kind`: at once on SQLite; on PostgreSQL held back with the others of
    /// its kind (see `bulk`).
    pub(crate) fn insert_later(
        &self,
        kind: &'static RowKind,
        args: &[Value],
    ) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => sqlite_execute(t, &kind.insert(1), args).map(|_| ()),
            Tx::Postgres(t) => {
                let mut t = t.borrow_mut();
                if t.pending.hold(kind, args) {
                    t.flush().or_store()?;
                }
                Ok(())
            }
        }
    }

    /// A lock, whose answer nobody reads: on PostgreSQL in one message with BEGIN when it is
    /// the transaction's first statement; nothing on SQLite, which serialises every writer.
    pub(crate) fn lock(&self, sql: &str, args: &[Value]) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(_) => Ok(()),
            Tx::Postgres(t) => t.borrow_mut().begin_with(sql, args).or_store(),
        }
    }

    /// Name the programme the transaction works on before it sends anything: its lock goes
    /// with the first message (`Pending::named`). False when that cannot be (the transaction
    /// sent something, or holds a lock already): the caller locks it now. SQLite locks nothing.
    pub(crate) fn name_programme(&self, key: ProgrammeKey) -> bool {
        match self {
            Tx::Sqlite(_) => true,
            Tx::Postgres(t) => {
                let mut t = t.borrow_mut();
                if t.open || !t.pending.locked.is_empty() || t.pending.named.is_some() {
                    return false;
                }
                t.pending.named = Some(key);
                true
            }
        }
    }

    /// BEGIN, with the named programme's lock (see `name_programme`), unless it was sent.
    pub(crate) fn open(&self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(_) => Ok(()),
            Tx::Postgres(t) => t.borrow_mut().begin().or_store(),
        }
    }

    /// See `PgTx::first_read`; `None` on SQLite.
    pub(crate) fn first_read(
        &self,
        statements: &[FirstRead<'_>],
    ) -> Result<Option<Vec<Vec<Row>>>, StoreError> {
        match self {
            Tx::Sqlite(_) => Ok(None),
            Tx::Postgres(t) => t.borrow_mut().first_read(statements),
        }
    }

    /// A programme's lock, asked for at `asked`, is had now (see `LockTimes`).
    pub(crate) fn programme_locked(&self, asked: std::time::Instant) {
        if let Tx::Postgres(t) = self {
            t.borrow_mut().locked(asked);
        }
    }

    /// A write whose answer nobody needs: at once on SQLite; on PostgreSQL held back until
    /// the next statement or the COMMIT (see `bulk`). It must not change what a look-up ahead
    /// answered (a case's dossier number).
    pub(crate) fn write_later(&self, sql: &'static str, args: &[Value]) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => sqlite_execute(t, sql, args).map(|_| ()),
            Tx::Postgres(t) => {
                let mut t = t.borrow_mut();
                if t.pending.hold_write(sql, args) {
                    t.flush().or_store()?;
                }
                Ok(())
            }
        }
    }

    /// What a PostgreSQL transaction holds back or knows ahead, for `f` to read or change;
    /// `None` on SQLite, which holds nothing back.
    pub(crate) fn pending<T>(&self, f: impl FnOnce(&mut Pending) -> T) -> Option<T> {
        match self {
            Tx::Sqlite(_) => None,
            Tx::Postgres(t) => Some(f(&mut t.borrow_mut().pending)),
        }
    }

    /// Whether the snapshot `hash` need not be written again in this transaction (PostgreSQL
    /// only: SQLite's conflict clause costs nothing to send).
    pub(crate) fn snapshot_known(&self, hash: &str) -> bool {
        match self {
            Tx::Sqlite(_) => false,
            Tx::Postgres(t) => t.borrow().snapshot_known(hash),
        }
    }
}

fn sqlite_args(args: &[Value]) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value as V;
    args.iter()
        .map(|a| match a {
            Value::Null => V::Null,
            Value::Int(i) => V::Integer(*i),
            Value::Real(f) => V::Real(*f),
            Value::Text(s) => V::Text(s.clone()),
            Value::Bool(b) => V::Integer(i64::from(*b)),
        })
        .collect()
}

fn sqlite_execute(
    c: &rusqlite::Connection,
    sql: &str,
    args: &[Value],
) -> Result<usize, StoreError> {
    let mut stmt = c.prepare_cached(sql).or_store()?;
    stmt.execute(rusqlite::params_from_iter(sqlite_args(args)))
        .or_store()
}

fn sqlite_rows(
    c: &rusqlite::Connection,
    sql: &str,
    args: &[Value],
) -> Result<Vec<Row>, StoreError> {
    use rusqlite::types::ValueRef;
    let mut stmt = c.prepare_cached(sql).or_store()?;
    let width = stmt.column_count();
    let mut rows = stmt
        .query(rusqlite::params_from_iter(sqlite_args(args)))
        .or_store()?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().or_store()? {
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            values.push(match r.get_ref(i).or_store()? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::Int(n),
                ValueRef::Real(f) => Value::Real(f),
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    Value::Text(String::from_utf8_lossy(t).into_owned())
                }
            });
        }
        out.push(Row(values));
    }
    Ok(out)
}

/// At most this many values in one `IN (…)` list.
pub(crate) const IN_LIST: usize = 1_000;

/// `?first, ?first+1, …` for `n` parameters (an `IN (…)` list).
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `?1` → `$1`.
pub fn pg_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let written = each_parameter(sql, &mut out, |digits, out| {
        out.push('$');
        out.push_str(digits);
        Some(())
    });
    debug_assert!(written.is_some(), "`$n` is written for every parameter");
    out
}

/// `sql` into `out`, each parameter `?n` (a `?` and digits) replaced by what `write` writes for
/// its digits; `None` as soon as `write` has nothing for one. Statements never hold a `?`
/// inside a string literal.
pub(crate) fn each_parameter(
    sql: &str,
    out: &mut String,
    mut write: impl FnMut(&str, &mut String) -> Option<()>,
) -> Option<()> {
    let mut rest = sql;
    while let Some(at) = rest.find('?') {
        let digits = rest[at + 1..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        out.push_str(&rest[..at]);
        if digits == 0 {
            out.push('?');
        } else {
            write(&rest[at + 1..at + 1 + digits], out)?;
        }
        rest = &rest[at + 1 + digits..];
    }
    out.push_str(rest);
    Some(())
}

fn pg_args(args: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|a| a as &(dyn ToSql + Sync)).collect()
}

/// A row of a simple query, whose values all come as text: the columns `ints` as integers.
fn text_row(r: &postgres::SimpleQueryRow, ints: &[usize]) -> Result<Row, StoreError> {
    (0..r.len())
        .map(|i| match r.get(i) {
            None => Ok(Value::Null),
            Some(t) if ints.contains(&i) => {
                t.parse().map(Value::Int).map_err(|_| StoreError::Column {
                    index: i,
                    expected: "an integer",
                    found: "a text that is no number".to_string(),
                })
            }
            Some(t) => Ok(Value::Text(t.to_string())),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Row)
}

fn pg_rows(rows: Vec<postgres::Row>) -> Result<Vec<Row>, StoreError> {
    rows.iter()
        .map(|r| {
            (0..r.len())
                .map(|i| pg_value(r, i))
                .collect::<Result<Vec<_>, _>>()
                .map(Row)
        })
        .collect()
}

fn pg_value(r: &postgres::Row, i: usize) -> Result<Value, StoreError> {
    let ty = r.columns()[i].type_().clone();
    let v = match ty {
        Type::INT8 => r.try_get::<_, Option<i64>>(i).or_store()?.map(Value::Int),
        Type::INT4 => r
            .try_get::<_, Option<i32>>(i)
            .or_store()?
            .map(|n| Value::Int(n.into())),
        Type::INT2 => r
            .try_get::<_, Option<i16>>(i)
            .or_store()?
            .map(|n| Value::Int(n.into())),
        Type::BOOL => r.try_get::<_, Option<bool>>(i).or_store()?.map(Value::Bool),
        Type::FLOAT8 => r.try_get::<_, Option<f64>>(i).or_store()?.map(Value::Real),
        Type::FLOAT4 => r
            .try_get::<_, Option<f32>>(i)
            .or_store()?
            .map(|f| Value::Real(f.into())),
        Type::VOID => None,
        _ => r
            .try_get::<_, Option<String>>(i)
            .or_store()?
            .map(Value::Text),
    };
    Ok(v.unwrap_or(Value::Null))
}

/// Values are converted to the type PostgreSQL inferred for the parameter, so that one
/// statement text serves both back ends (an integer bound to a BOOLEAN column, a count to INT4).
impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match (self, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Int(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
            (Value::Int(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (Value::Int(i), &Type::TEXT | &Type::VARCHAR) => i.to_string().to_sql(ty, out),
            (Value::Int(i), _) => i.to_sql(ty, out),
            (Value::Bool(b), &Type::BOOL) => b.to_sql(ty, out),
            (Value::Bool(b), _) => Value::Int(i64::from(*b)).to_sql(ty, out),
            (Value::Real(f), _) => f.to_sql(ty, out),
            (Value::Text(s), _) => s.as_str().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}
