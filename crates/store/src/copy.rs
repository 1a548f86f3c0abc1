//! `db copy`: move a whole store from one back end to the other (a growing office from SQLite
//! to PostgreSQL, or back), in one transaction on the target, which must be empty. Every table
//! is copied row for row with its keys (case numbers stay the same) and verified afterwards:
//! the row counts of every table and a digest of all cases and events must match.

use sha2::{Digest, Sha256};

use super::sql::{Dialect, Row, Sql, Tx, Value};
use super::{Store, StoreError};

/// Tables in dependency order, with their columns and the order that makes a digest stable.
const TABLES: &[(&str, &[&str], &str)] = &[
    (
        "cases",
        &[
            "id",
            "program",
            "version",
            "version_hash",
            "state",
            "verdict",
            "track",
            "referral_date",
            "referral",
            "started_on",
            "ends_on",
            "queue_seq",
            "outcome",
            "updated_on",
            "dossier",
            "team",
            "org",
            "place_freed",
        ],
        "id",
    ),
    (
        "events",
        &[
            "case_id",
            "seq",
            "on_date",
            "recorded_at",
            "kind",
            "payload",
            "actor",
            "version_hash",
        ],
        "case_id, seq",
    ),
    (
        "due",
        &["case_id", "evaluation", "due_from", "due_to", "held_on"],
        "case_id, evaluation, due_from",
    ),
    (
        "snapshots",
        &[
            "hash",
            "program",
            "version",
            "file",
            "text",
            "options",
            "recorded_on",
            "scripts",
        ],
        "hash",
    ),
    (
        "enrolments",
        &["case_id", "module", "grp", "enrolled_on", "left_on"],
        "case_id, module, enrolled_on",
    ),
    (
        "group_sessions",
        &[
            "id",
            "org",
            "program",
            "module",
            "grp",
            "on_day",
            "at_minute",
            "minutes",
            "created_by",
        ],
        "id",
    ),
    (
        "attendance",
        &["session_id", "case_id", "presence"],
        "session_id, case_id",
    ),
    (
        "appointments",
        &["case_id", "kind", "on_day", "at_minute", "minutes"],
        "case_id, on_day, at_minute, kind",
    ),
    (
        "reminders_sent",
        &["\"user\"", "day", "state", "claimed_at"],
        "\"user\", day",
    ),
    // The target's own key is replaced by the source's (see `copy`): tombstones keep working.
    ("store_key", &["id", "key"], "id"),
    (
        "tombstones",
        &["case_id", "program", "dossier_mac", "erased_on"],
        "case_id",
    ),
    (
        "users",
        &[
            "name",
            "role",
            "team",
            "lang",
            "password",
            "disabled",
            "created_on",
            "org",
            "totp_secret",
            "totp_step",
            "subject",
            "email",
            "calendar_token_hash",
        ],
        "name",
    ),
    ("recovery_codes", &["code_hash", "\"user\""], "code_hash"),
    (
        "sessions",
        &["token_hash", "\"user\"", "csrf", "expires_at"],
        "token_hash",
    ),
    (
        "login_round_trips",
        &[
            "id_hash",
            "state",
            "nonce",
            "verifier",
            "kept",
            "expires_at",
        ],
        "id_hash",
    ),
    (
        "login_throttle",
        &["key", "failures", "first_at", "last_at"],
        "key",
    ),
    (
        "programme_texts",
        &[
            "seq", "org", "program", "file", "text", "hash", "author", "saved_at",
        ],
        "seq",
    ),
    (
        "audit",
        &["at", "actor", "role", "action", "subject"],
        "AUDIT_ORDER",
    ),
];

/// Rows per INSERT statement: well under both back ends' parameter limits.
const CHUNK: usize = 400;

/// What a copy moved: rows per table, and the digest of cases and events on both sides.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Copied {
    pub tables: Vec<(String, usize)>,
    pub digest: String,
}

/// Copy everything in `from` into the empty store `to`, then verify.
pub fn copy(from: &Store, to: &mut Store) -> Result<Copied, StoreError> {
    let held: i64 = to.one(
        "SELECT (SELECT COUNT(*) FROM cases) + (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM audit)",
        &[],
    )?;
    if held > 0 {
        return Err(StoreError::CopyTargetNotEmpty {
            target: to.shown().to_string(),
        });
    }
    let mut tables = Vec::new();
    let target_dialect = to.dialect();
    to.key = Default::default();
    to.write(|tx| -> Result<(), StoreError> {
        // A new store made its own key; the copy keeps the source's, which its tombstones use.
        tx.execute("DELETE FROM store_key", &[])?;
        for (table, columns, _) in TABLES {
            let rows = read(from, table)?;
            insert(tx, table, columns, &rows)?;
            tables.push((table.to_string(), rows.len()));
        }
        if target_dialect == Dialect::Postgres {
            // Cases keep their numbers; new cases continue after the highest.
            tx.execute(
                "SELECT setval(pg_get_serial_sequence('cases', 'id'), GREATEST(MAX(id), 1), MAX(id) IS NOT NULL) FROM cases",
                &[],
            )?;
            // So do the programme history and the group sessions.
            tx.execute(
                "SELECT setval(pg_get_serial_sequence('programme_texts', 'seq'), GREATEST(MAX(seq), 1), MAX(seq) IS NOT NULL) FROM programme_texts",
                &[],
            )?;
            tx.execute(
                "SELECT setval(pg_get_serial_sequence('group_sessions', 'id'), GREATEST(MAX(id), 1), MAX(id) IS NOT NULL) FROM group_sessions",
                &[],
            )?;
        }
        Ok(())
    })?;
    let (digest_from, digest_to) = (digest(from)?, digest(to)?);
    for (table, n) in &tables {
        let there: i64 = to.one(&format!("SELECT COUNT(*) FROM {table}"), &[])?;
        if there as usize != *n {
            return Err(StoreError::CopyRowsDiffer {
                table: table.clone(),
                read: *n,
                found: there,
            });
        }
    }
    if digest_from != digest_to {
        return Err(StoreError::CopyDigestDiffers);
    }
    Ok(Copied {
        tables,
        digest: digest_to,
    })
}

fn order_of(store: &Store, order: &str) -> String {
    match (order, store.dialect()) {
        ("AUDIT_ORDER", Dialect::Sqlite) => "rowid".into(),
        ("AUDIT_ORDER", Dialect::Postgres) => "seq".into(),
        (o, _) => o.into(),
    }
}

fn read(from: &Store, table: &str) -> Result<Vec<Row>, StoreError> {
    let (_, columns, order) = TABLES
        .iter()
        .find(|(t, ..)| *t == table)
        .expect("known table");
    from.rows(
        &format!(
            "SELECT {} FROM {table} ORDER BY {}",
            columns.join(", "),
            order_of(from, order)
        ),
        &[],
    )
}

fn insert(tx: &Tx, table: &str, columns: &[&str], rows: &[Row]) -> Result<(), StoreError> {
    for chunk in rows.chunks(CHUNK) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * columns.len());
        for (i, row) in chunk.iter().enumerate() {
            let marks: Vec<String> = (0..columns.len())
                .map(|c| format!("?{}", i * columns.len() + c + 1))
                .collect();
            sql.push_str(&format!(
                "{}({})",
                if i == 0 { "" } else { ", " },
                marks.join(", ")
            ));
            args.extend(row.0.iter().cloned());
        }
        tx.execute(&sql, &args)?;
    }
    Ok(())
}

/// SHA-256 over every case and event, column by column, in key order. Booleans and integers
/// are read as numbers on both back ends, so equal content gives an equal digest.
pub fn digest(store: &Store) -> Result<String, StoreError> {
    let mut h = Sha256::new();
    for table in ["cases", "events", "due", "enrolments"] {
        for row in read(store, table)? {
            for v in &row.0 {
                match v {
                    Value::Null => h.update(b"\x00"),
                    Value::Int(i) => h.update(format!("i{i}")),
                    Value::Bool(b) => h.update(format!("i{}", i64::from(*b))),
                    Value::Real(f) => h.update(format!("r{f}")),
                    Value::Text(s) => h.update(format!("t{}:{s}", s.len())),
                }
                h.update(b"|");
            }
            h.update(b"\n");
        }
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
