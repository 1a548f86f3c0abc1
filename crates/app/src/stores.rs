//! The case store as a whole: moving it between back ends (`db copy`), backing it up while
//! it runs (`db backup`), checking it (`db verify`) and restoring a backup (`db restore`).
//! These read or write every organisation's cases and the users, so they are for a
//! coordinator who acts for no single organisation.

use super::{AppError, Ctx, Need};
use traject_store::{Copied, DbTarget, Store};

/// Copy the store at `from` into the empty store at `to`, verified (see `store::copy`).
pub fn copy(from: &DbTarget, to: &DbTarget, ctx: &Ctx) -> Result<Copied, AppError> {
    whole_store(ctx)?;
    if from == to {
        return Err(traject_store::StoreError::CopyToItself {
            store: from.to_string(),
        }
        .into());
    }
    existing(from)?;
    let source = Store::connect(from)?;
    let mut target = Store::connect(to)?;
    Ok(traject_store::copy(&source, &mut target)?)
}

/// Back the store at `from` up into a new SQLite file `to` (readable by its owner only), from
/// one consistent view of the store — so it may run while `traject serve` writes — and
/// verified by digest against that view.
pub fn backup(from: &DbTarget, to: &std::path::Path, ctx: &Ctx) -> Result<Copied, AppError> {
    whole_store(ctx)?;
    if to.exists() {
        return Err(AppError::Exists(to.to_path_buf()));
    }
    let source = Store::connect(from)?;
    let mut target = Store::open(to)?;
    let copied = source.in_snapshot(|source| traject_store::copy(source, &mut target));
    if copied.is_err() {
        // Half a backup is no backup: the new file goes.
        drop(target);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
        }
    }
    Ok(copied?)
}

/// What `db verify` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Verified {
    pub store: String,
    /// The schema version found, and the one this build writes.
    pub schema: (i64, usize),
    pub cases: i64,
    pub events: i64,
    /// SHA-256 over every case, event, evaluation moment and enrolment (as `db copy` checks).
    pub digest: String,
    /// The database's own checks (SQLite: integrity and foreign keys).
    pub integrity: Vec<String>,
    /// The event log's numbering and day order.
    pub event_order: Vec<String>,
}

impl Verified {
    pub fn ok(&self) -> bool {
        self.integrity.is_empty()
            && self.event_order.is_empty()
            && self.schema.0 == self.schema.1 as i64
    }
}

/// Check a store (a backup, or the live one): the database's integrity, the event log's
/// order, the schema version, and the digest a restore must reproduce.
pub fn verify(store: &DbTarget, ctx: &Ctx) -> Result<Verified, AppError> {
    whole_store(ctx)?;
    existing(store)?;
    let s = Store::connect(store)?;
    Ok(s.in_snapshot(|s| {
        Ok(Verified {
            store: s.shown().to_string(),
            schema: s.schema_versions()?,
            cases: s.count(traject_store::Table::Cases)?,
            events: s.count(traject_store::Table::Events)?,
            digest: traject_store::digest(s)?,
            integrity: s.integrity_problems()?,
            event_order: s.event_order_problems()?,
        })
    })?)
}

/// Restore a backup file into the empty store `to`, verified by digest.
pub fn restore(from: &std::path::Path, to: &DbTarget, ctx: &Ctx) -> Result<Copied, AppError> {
    copy(&DbTarget::File(from.to_path_buf()), to, ctx)
}

/// A store to read must be there: opening a missing SQLite file would create an empty one.
fn existing(store: &DbTarget) -> Result<(), AppError> {
    match store {
        DbTarget::File(path) if !path.exists() => Err(traject_store::StoreError::CopyNoSource {
            path: path.display().to_string(),
        }
        .into()),
        _ => Ok(()),
    }
}

/// Whole-store work is a coordinator's who acts for no single organisation.
fn whole_store(ctx: &Ctx) -> Result<(), AppError> {
    ctx.require(Need::ManageUsers)?;
    match &ctx.org {
        Some(org) => Err(AppError::WholeStore {
            what: super::WholeStore::Copy,
            org: org.clone(),
        }),
        None => Ok(()),
    }
}
