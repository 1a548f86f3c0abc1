//! The board's figures, kept for a few seconds per programme and reader's scope. The board is
//! the page a team opens all day, and with 100,000 cases computing its figures takes hundreds
//! of milliseconds: under fifty readers at once the page would take seconds. A write through
//! this server drops every kept figure, so its effect shows on the next board; a write through
//! another server sharing the store, or through the command line, shows within `FRESH`.
//! Readers of a scope whose figures are being computed wait for them rather than compute them
//! again beside it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use traject_app::cases::{CaseloadRow, DueBoard};
use traject_app::Role;
use traject_store::CaseRow;

/// How long figures are served after they were computed.
pub const FRESH: Duration = Duration::from_secs(5);

/// Scopes kept at most (programmes × teams × roles in practice; each at most about 100 rows);
/// past it everything is dropped.
const MAX_KEPT: usize = 256;

/// What a board section shows of one programme, for one reader's scope.
pub struct BoardFigures {
    pub row: Option<CaseloadRow>,
    pub waiting: Vec<CaseRow>,
    pub due: DueBoard,
    /// Participants absent without excuse as often in a row as their programme flags.
    pub absences: Vec<traject_app::sessions::AbsenceFlag>,
}

/// Whose figures: the programme (and which compiled text of it), the reader's organisation,
/// team and role, and the day.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BoardKey {
    pub program: String,
    /// The compiled programme's identity: a programme saved or reloaded since is another key.
    pub text: usize,
    pub org: Option<String>,
    pub team: Option<String>,
    pub role: Role,
    pub on: NaiveDate,
}

struct Kept {
    at: Instant,
    figures: Arc<BoardFigures>,
}

type Slot = Arc<Mutex<Option<Kept>>>;

#[derive(Default)]
pub struct BoardCache {
    slots: Mutex<HashMap<BoardKey, Slot>>,
    /// Counts the writes seen: figures computed while a write went through are not kept.
    writes: AtomicU64,
}

impl BoardCache {
    /// The figures of `key`: kept ones still fresh, else `compute`d now (once, however many
    /// readers ask meanwhile).
    pub fn figures<E>(
        &self,
        key: BoardKey,
        compute: impl FnOnce() -> Result<BoardFigures, E>,
    ) -> Result<Arc<BoardFigures>, E> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            if slots.len() >= MAX_KEPT && !slots.contains_key(&key) {
                slots.clear();
            }
            slots.entry(key).or_default().clone()
        };
        let mut kept = slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = kept.as_ref().filter(|k| k.at.elapsed() < FRESH) {
            return Ok(k.figures.clone());
        }
        let writes = self.writes.load(Ordering::Acquire);
        let at = Instant::now();
        let figures = Arc::new(compute()?);
        if self.writes.load(Ordering::Acquire) == writes {
            *kept = Some(Kept {
                at,
                figures: figures.clone(),
            });
        }
        Ok(figures)
    }

    /// A write went through this server: every kept figure is dropped.
    pub fn forget(&self) {
        self.writes.fetch_add(1, Ordering::AcqRel);
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Scopes whose figures are kept (a metric).
    pub fn kept(&self) -> usize {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(program: &str) -> BoardKey {
        BoardKey {
            program: program.into(),
            text: 1,
            org: None,
            team: Some("north".into()),
            role: Role::SocialWorker,
            on: NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
        }
    }

    fn figures() -> BoardFigures {
        BoardFigures {
            row: None,
            waiting: Vec::new(),
            due: (Vec::new(), Vec::new()),
            absences: Vec::new(),
        }
    }

    #[test]
    fn figures_are_computed_once_until_a_write_drops_them() {
        let cache = BoardCache::default();
        let mut computed = 0;
        for _ in 0..3 {
            cache
                .figures(key("a"), || {
                    computed += 1;
                    Ok::<_, ()>(figures())
                })
                .unwrap();
        }
        assert_eq!(computed, 1);
        cache.forget();
        cache
            .figures(key("a"), || {
                computed += 1;
                Ok::<_, ()>(figures())
            })
            .unwrap();
        assert_eq!(computed, 2);
        // Another scope is computed for itself.
        cache
            .figures(key("b"), || {
                computed += 1;
                Ok::<_, ()>(figures())
            })
            .unwrap();
        assert_eq!((computed, cache.kept()), (3, 2));
    }

    #[test]
    fn figures_computed_while_a_write_goes_through_are_not_kept() {
        let cache = BoardCache::default();
        cache
            .figures(key("a"), || {
                cache.forget();
                Ok::<_, ()>(figures())
            })
            .unwrap();
        let mut again = false;
        cache
            .figures(key("a"), || {
                again = true;
                Ok::<_, ()>(figures())
            })
            .unwrap();
        assert!(again);
    }

    #[test]
    fn a_failed_computation_keeps_nothing() {
        let cache = BoardCache::default();
        assert!(cache
            .figures(key("a"), || Err::<BoardFigures, _>("down"))
            .is_err());
        let mut computed = false;
        cache
            .figures(key("a"), || {
                computed = true;
                Ok::<_, ()>(figures())
            })
            .unwrap();
        assert!(computed);
    }
}
