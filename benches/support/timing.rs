//! The median of repeated timings, for the benchmarks that time whole calls or processes.

use std::time::{Duration, Instant};

/// The median of `n` timings of `f`.
pub fn median(n: usize, mut f: impl FnMut()) -> Duration {
    let mut t: Vec<Duration> = (0..n)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[n / 2]
}
