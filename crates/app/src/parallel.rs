//! Work spread over the machine's cores: the same function over every item of a slice, in
//! scoped threads that take the next block of items as they finish one (so a large item does
//! not leave the other cores idle), the results in the items' order. For work that is
//! independent per item and heavy enough to pay for a thread: judging stored referrals,
//! checking programme files. And work that makes more work (a file parsed gives its option
//! choices to load), taken up by whichever core is free as soon as it is made.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

/// The cores this process may use (1 when that cannot be told). Asking may read files (the
/// cgroup's quota), so a caller on a hot path asks once.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `f` of every item, on every core, in the items' order.
pub fn on_every_core<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = cores().min(items.len().max(1));
    // Blocks small enough to balance, large enough that taking one costs nothing.
    let block = (items.len() / (threads * 16)).max(1);
    let next = AtomicUsize::new(0);
    let (f, next) = (&f, &next);
    let mut done: Vec<(usize, Vec<U>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let start = next.fetch_add(block, Ordering::Relaxed);
                        if start >= items.len() {
                            break mine;
                        }
                        let end = (start + block).min(items.len());
                        mine.push((start, items[start..end].iter().map(f).collect()));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("the work does not panic"))
            .collect()
    });
    done.sort_by_key(|(start, _)| *start);
    done.into_iter().flat_map(|(_, results)| results).collect()
}

/// `f` of every item of `first` and of every item `f` adds (to the list it is handed), on
/// every core, each taken up by whichever core is free as soon as it is added: no core waits
/// for the whole first list to be done before the work it made can start. Items are taken
/// in the order they were listed or added.
pub fn growing<T: Send>(first: Vec<T>, f: impl Fn(T, &mut Vec<T>) + Sync) {
    // Every core, however short the first list: one item may make the rest of the work.
    let threads = cores();
    let work = Work {
        state: Mutex::new(Queue {
            items: first.into(),
            running: 0,
            stopped: false,
        }),
        changed: Condvar::new(),
    };
    let (f, work) = (&f, &work);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(move || {
                while let Some(item) = work.next() {
                    // Given back even when `f` panics, so the other cores stop waiting (the
                    // panic then reaches the caller when the scope ends).
                    let mut done = Done { work, added: None };
                    let mut added = Vec::new();
                    f(item, &mut added);
                    done.added = Some(added);
                }
            });
        }
    });
}

/// The items still to do, how many are being done, and whether one failed.
struct Queue<T> {
    items: VecDeque<T>,
    running: usize,
    stopped: bool,
}

struct Work<T> {
    state: Mutex<Queue<T>>,
    changed: Condvar,
}

impl<T> Work<T> {
    /// The next item, waiting while others are being done (they may add some); none once
    /// nothing is left and nothing is being done.
    fn next(&self) -> Option<T> {
        let mut q = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if q.stopped {
                return None;
            }
            if let Some(item) = q.items.pop_front() {
                q.running += 1;
                return Some(item);
            }
            if q.running == 0 {
                return None;
            }
            q = self.changed.wait(q).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// One item's end: what it added joins the queue; an item that panicked (nothing added)
/// stops the work.
struct Done<'a, T> {
    work: &'a Work<T>,
    added: Option<Vec<T>>,
}

impl<T> Drop for Done<'_, T> {
    fn drop(&mut self) {
        let mut q = self
            .work
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        q.running -= 1;
        match self.added.take() {
            Some(added) => q.items.extend(added),
            None => q.stopped = true,
        }
        self.work.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growing_work_is_all_done_once() {
        // Each n below 1000 adds 2n+1 and 2n+2 (a binary tree over 0..1000): every number once.
        let seen = Mutex::new(Vec::new());
        growing(vec![0usize], |n, more| {
            seen.lock().unwrap().push(n);
            more.extend([2 * n + 1, 2 * n + 2].into_iter().filter(|m| *m < 1000));
        });
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(seen, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn a_panicking_item_stops_the_work_and_reaches_the_caller() {
        let outcome = std::panic::catch_unwind(|| {
            growing((0..100).collect(), |n: usize, _| {
                assert!(n != 7, "item 7 fails")
            });
        });
        assert!(outcome.is_err());
    }

    #[test]
    fn every_item_once_in_order() {
        for n in [0, 1, 2, 5, 1000, 12345] {
            let items: Vec<usize> = (0..n).collect();
            let out = on_every_core(&items, |x| x * 2);
            assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }
}
