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

/// Where a restore takes the erasures made since the backup from.
#[derive(Debug, Clone)]
pub enum Tombstones {
    /// A `db tombstones export` file.
    File(std::path::PathBuf),
    /// The store the restore replaces (readable enough to read its tombstones).
    Store(DbTarget),
}

/// What a restore did: the copy (its digest equals the backup's) and the erasures re-applied.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Restored {
    #[serde(flatten)]
    pub copied: Copied,
    /// Tombstones the restored store holds, from the backup and the sources given.
    pub tombstones: usize,
    /// Cases whose personal data came back with the backup and were erased again.
    pub erased_again: Vec<i64>,
}

/// Restore a backup file into the empty store `to`, verified by digest; then take the
/// tombstones of `sources` in and erase again every case they name whose personal data the
/// backup brought back (an erasure made after the backup was taken), before anyone opens it.
pub fn restore(
    from: &std::path::Path,
    to: &DbTarget,
    sources: &[Tombstones],
    ctx: &Ctx,
) -> Result<Restored, AppError> {
    whole_store(ctx)?;
    // Read every source first: a source that cannot be read, or that belongs to another store
    // (other case numbers: its tombstones would erase the wrong people), stops the restore
    // before it writes.
    let backup = DbTarget::File(from.to_path_buf());
    existing(&backup)?;
    let lineage = Store::connect(&backup)?.key_fingerprint()?;
    let mut tombstones = Vec::new();
    for source in sources {
        let (shown, fingerprint, found) = match source {
            Tombstones::File(path) => {
                let file = read_tombstones(path)?;
                (path.display().to_string(), file.store, file.tombstones)
            }
            Tombstones::Store(store) => {
                existing(store)?;
                let s = Store::connect(store)?;
                (s.shown().to_string(), s.key_fingerprint()?, s.tombstones()?)
            }
        };
        if fingerprint != lineage {
            return Err(AppError::TombstonesOfAnotherStore { source: shown });
        }
        tombstones.extend(found);
    }
    let copied = copy(&backup, to, ctx)?;
    let mut store = Store::connect(to)?;
    store.add_tombstones(&tombstones)?;
    let mut erased_again = Vec::new();
    for (case, erased_on) in store.erasures_to_reapply()? {
        let reason = format!("erasure of {erased_on} applied again after a restore from a backup");
        traject_cases::erase(&mut store, case, &reason, &ctx.lifecycle())?;
        erased_again.push(case);
    }
    Ok(Restored {
        copied,
        tombstones: store.tombstones()?.len(),
        erased_again,
    })
}

/// What a tombstones file holds.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TombstonesFile {
    /// The format's version (1).
    traject_tombstones: u32,
    /// The fingerprint of the store's key: the store (and its backups) the tombstones belong to.
    store: String,
    tombstones: Vec<traject_store::Tombstone>,
}

/// Write the store's tombstones to a new file `to` (readable by its owner only; never over
/// an existing file): kept apart from the backups, it lets a restore re-apply erasures even
/// when the store it replaces is lost. How many were written.
pub fn export_tombstones(
    from: &DbTarget,
    to: &std::path::Path,
    ctx: &Ctx,
) -> Result<usize, AppError> {
    whole_store(ctx)?;
    existing(from)?;
    if to.exists() {
        return Err(AppError::Exists(to.to_path_buf()));
    }
    let source = Store::connect(from)?;
    let tombstones = source.tombstones()?;
    let n = tombstones.len();
    let text = serde_json::to_string_pretty(&TombstonesFile {
        traject_tombstones: 1,
        store: source.key_fingerprint()?,
        tombstones,
    })
    .expect("tombstones serialise");
    super::files::write_private(to, &text).map_err(|ds| AppError::Rows(super::rows(ds)))?;
    Ok(n)
}

/// The tombstones of a `db tombstones export` file; a file that does not read is a located
/// problem.
fn read_tombstones(path: &std::path::Path) -> Result<TombstonesFile, AppError> {
    use traject_model::diag::{Located, Pos};
    use traject_model::problem::{FileProblem, Problem};
    let shown = path.display().to_string();
    let at = |line: usize, col: usize, reason: String| {
        AppError::Rows(vec![Located::at(
            shown.clone(),
            Pos::new(line.max(1), col.max(1)),
            super::RowProblem::Input(Problem::File(FileProblem::CannotRead { reason })),
        )])
    };
    let text = std::fs::read_to_string(path).map_err(|e| at(1, 1, e.to_string()))?;
    let file: TombstonesFile = serde_json::from_str(&text).map_err(|e| {
        at(
            e.line(),
            e.column(),
            format!("not a tombstones file of `traject db tombstones export`: {e}"),
        )
    })?;
    Ok(file)
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
