//! Work spread over the machine's cores: the same function over every item of a slice, in
//! scoped threads that take the next block of items as they finish one (so a large item does
//! not leave the other cores idle), the results in the items' order. For work that is
//! independent per item and heavy enough to pay for a thread: judging stored referrals,
//! checking programme files.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, on every core, in the items' order.
pub fn on_every_core<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_once_in_order() {
        for n in [0, 1, 2, 5, 1000, 12345] {
            let items: Vec<usize> = (0..n).collect();
            let out = on_every_core(&items, |x| x * 2);
            assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }
}
