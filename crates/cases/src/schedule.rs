//! Evaluation moments falling due: from the referral, the intake, the start, a module's start
//! or end, the end of the track or the closure, as a day (`at`), a window (`window`) or a
//! repeat (`every`) — each scheduled once in the case store.

use chrono::NaiveDate;

use traject_model::program::duration::Duration;
use traject_model::program::model::{Anchor, Evaluation, Version};

use crate::{CaseError, CaseTx};

/// `date` plus a programme duration (none for an open one, or one past the calendar).
pub(crate) fn add(date: NaiveDate, d: Duration) -> Option<NaiveDate> {
    d.after(date)
}

/// Schedule one evaluation moment of case `id` counted from `base`; a repeat runs until
/// `until` (or two years).
pub(crate) fn schedule_one(
    tx: &dyn CaseTx,
    id: i64,
    e: &Evaluation,
    base: NaiveDate,
    until: Option<NaiveDate>,
) -> Result<(), CaseError> {
    let insert = |from: NaiveDate, to: NaiveDate| tx.schedule(id, &e.id, from, to);
    if let Some(at) = &e.at {
        if let Some(d) = add(base, *at) {
            insert(d, d)?;
        }
    } else if let Some(w) = &e.window {
        if let (Some(a), Some(b)) = (add(base, w.from), add(base, w.to)) {
            insert(a, b)?;
        }
    } else if let Some(every) = &e.every {
        let end = until
            .or_else(|| base.checked_add_months(chrono::Months::new(24)))
            .unwrap_or(base);
        let mut d = add(base, *every);
        while let Some(x) = d {
            if x > end {
                break;
            }
            insert(x, x)?;
            d = add(x, *every);
        }
    } else {
        insert(base, base)?;
    }
    Ok(())
}

/// Schedule the start-anchored evaluations of a case that starts on `on` on `track`.
pub(crate) fn schedule_start(
    tx: &dyn CaseTx,
    id: i64,
    version: &Version,
    track: Option<&str>,
    on: NaiveDate,
    ends: Option<NaiveDate>,
) -> Result<(), CaseError> {
    for e in &version.evaluations {
        let applies = e.tracks.is_empty() || track.is_some_and(|t| e.tracks.iter().any(|x| x == t));
        if !applies {
            continue;
        }
        match e.anchor {
            Anchor::Start => schedule_one(tx, id, e, on, ends)?,
            Anchor::TrajectoryEnd => {
                if let Some(end) = ends {
                    schedule_one(tx, id, e, end, None)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}
