//! The case store as a whole: moving it between back ends (`db copy`). Copying reads and
//! writes every organisation's cases and the users, so it is for a coordinator who acts for
//! no single organisation.

use super::{AppError, Ctx, Need};
use traject_store::{Copied, DbTarget, Store};

/// Copy the store at `from` into the empty store at `to`, verified (see `store::copy`).
pub fn copy(from: &DbTarget, to: &DbTarget, ctx: &Ctx) -> Result<Copied, AppError> {
    ctx.require(Need::ManageUsers)?;
    if let Some(org) = &ctx.org {
        return Err(AppError::WholeStore {
            what: super::WholeStore::Copy,
            org: org.clone(),
        });
    }
    if from == to {
        return Err(traject_store::StoreError::CopyToItself {
            store: from.to_string(),
        }
        .into());
    }
    if let DbTarget::File(path) = from {
        if !path.exists() {
            return Err(traject_store::StoreError::CopyNoSource {
                path: path.display().to_string(),
            }
            .into());
        }
    }
    let source = Store::connect(from)?;
    let mut target = Store::connect(to)?;
    Ok(traject_store::copy(&source, &mut target)?)
}
