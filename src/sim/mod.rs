//! Caseload simulation: a discrete-event Monte Carlo of referrals arriving month by month,
//! starting when a slot is free (FTE × caseload norm) or waiting in a FIFO list, following their
//! track (with drop-out, and extension decided at the final evaluation), and leaving. Runs are
//! seeded one by one from the seed and the run number, so the result does not depend on how
//! many threads shared the work; the same seed gives byte-identical output.

pub mod report;

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use serde::Serialize;

use crate::program::duration::Duration;
use crate::program::model::Version;

/// Days in an average month: rates are per month, times in days.
pub const MONTH_DAYS: f64 = 365.25 / 12.0;

/// How long a trajectory lasts once started.
#[derive(Debug, Clone)]
pub enum Service {
    /// Tracks with their share of starters and fixed length in days.
    Tracks(Vec<(String, f64, f64)>),
    /// Exponential with this rate per month (the textbook M/M/c model).
    Exponential(f64),
}

/// Everything a run needs: demand, capacity and the life of a case.
#[derive(Debug, Clone)]
pub struct Model {
    pub capacity: u32,
    /// Expected referrals per calendar month, January first.
    pub arrivals_per_month: [f64; 12],
    /// Calendar month (0 = January) the simulation starts in.
    pub start_month: usize,
    pub not_started_share: f64,
    pub service: Service,
    pub dropout_rate: f64,
    /// (share extended, extra days) at the final evaluation.
    pub extension: Option<(f64, f64)>,
    /// (share who give up, after how many days of waiting).
    pub reneging: Option<(f64, f64)>,
}

#[derive(Debug, Clone, Copy)]
pub struct Config {
    pub months: usize,
    pub runs: usize,
    pub seed: u64,
    /// Months at the start left out of the wait statistics (the system starts empty).
    pub warmup_months: usize,
}

/// xoshiro256++: small, fast, and the same stream on every platform.
#[derive(Debug, Clone)]
pub struct Rng([u64; 4]);

impl Rng {
    pub fn seeded(seed: u64, stream: u64) -> Rng {
        let mut x = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng([next(), next(), next(), next()])
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Exponential with the given rate.
    pub fn exponential(&mut self, rate: f64) -> f64 {
        -(1.0 - self.uniform()).ln() / rate
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Arrival,
    Departure,
    Renege(usize),
}

#[derive(Debug, Clone, Copy)]
struct Event {
    time: f64,
    seq: u64,
    kind: Kind,
}

impl PartialEq for Event {
    fn eq(&self, o: &Self) -> bool {
        self.time == o.time && self.seq == o.seq
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Event {
    // Earliest first (BinaryHeap is a max-heap), ties in creation order.
    fn cmp(&self, o: &Self) -> Ordering {
        o.time.total_cmp(&self.time).then(o.seq.cmp(&self.seq))
    }
}

/// One run's raw results.
#[derive(Debug, Clone, Default)]
pub struct RunResult {
    /// Days waited by each referral counted (arrived after warm-up, did start or still waits).
    pub waits: Vec<f64>,
    pub started: u64,
    pub waited: u64,
    pub referred: u64,
    pub not_started: u64,
    pub reneged: u64,
    pub still_waiting: u64,
    /// Active cases and waiting list at the end of each month.
    pub active: Vec<u32>,
    pub waiting: Vec<u32>,
    pub busy_slot_days: f64,
    /// Events handled (arrivals, starts, departures, reneging).
    pub events: u64,
}

/// Arrival times of a non-homogeneous Poisson process with a constant rate per month: the
/// next arrival after `from`, or infinity past the horizon.
#[inline]
fn next_arrival(model: &Model, rng: &mut Rng, from: f64, horizon: f64) -> f64 {
    let mut t = from;
    loop {
        let month = (t / MONTH_DAYS).floor();
        let end = (month + 1.0) * MONTH_DAYS;
        let cal = (model.start_month + month as usize) % 12;
        let rate = model.arrivals_per_month[cal] / MONTH_DAYS;
        if rate > 0.0 {
            let candidate = t + rng.exponential(rate);
            if candidate < end {
                return candidate;
            }
        }
        t = end;
        if t >= horizon {
            return f64::INFINITY;
        }
    }
}

/// How long one case stays: its track (or an exponential time), cut short by drop-out or
/// lengthened by an extension.
#[inline]
fn service_days(model: &Model, rng: &mut Rng) -> f64 {
    let base = match &model.service {
        Service::Exponential(mu) => rng.exponential(*mu) * MONTH_DAYS,
        Service::Tracks(tracks) => {
            let u = rng.uniform();
            let mut acc = 0.0;
            let mut days = tracks.last().map_or(0.0, |t| t.2);
            for (_, share, d) in tracks {
                acc += share;
                if u < acc {
                    days = *d;
                    break;
                }
            }
            days
        }
    };
    if model.dropout_rate > 0.0 && rng.uniform() < model.dropout_rate {
        return base * rng.uniform();
    }
    match model.extension {
        Some((share, extra)) if rng.uniform() < share => base + extra,
        _ => base,
    }
}

/// Record the month ends up to `until` (at most `months`): the active cases and the waiting
/// list at each, and the slot-days used since `last_t`.
#[inline]
fn month_ends(
    out: &mut RunResult,
    (active, waiting): (u32, u32),
    last_t: &mut f64,
    next_month: &mut usize,
    until: f64,
    months: usize,
) {
    while *next_month as f64 * MONTH_DAYS <= until && *next_month <= months {
        let boundary = *next_month as f64 * MONTH_DAYS;
        out.busy_slot_days += active as f64 * (boundary - *last_t);
        *last_t = boundary;
        out.active.push(active);
        out.waiting.push(waiting);
        *next_month += 1;
    }
}

/// Simulate one run.
pub fn run(model: &Model, cfg: &Config, run_index: usize) -> RunResult {
    let mut rng = Rng::seeded(cfg.seed, run_index as u64);
    let horizon = cfg.months as f64 * MONTH_DAYS;
    let warmup = cfg.warmup_months as f64 * MONTH_DAYS;
    let mut heap = BinaryHeap::new();
    let mut seq = 0u64;
    let mut push = |heap: &mut BinaryHeap<Event>, time: f64, kind: Kind| {
        seq += 1;
        heap.push(Event { time, seq, kind });
    };
    let mut out = RunResult {
        active: Vec::with_capacity(cfg.months),
        waiting: Vec::with_capacity(cfg.months),
        ..Default::default()
    };

    let next_arrival = |rng: &mut Rng, from: f64| next_arrival(model, rng, from, horizon);

    let mut active: u32 = 0;
    let mut queue: VecDeque<(usize, f64)> = VecDeque::new();
    let mut gone: Vec<bool> = Vec::new();
    let mut waiting_now: u32 = 0;
    let mut last_t = 0.0;
    let mut next_month = 1usize;

    let first = next_arrival(&mut rng, 0.0);
    if first < horizon {
        push(&mut heap, first, Kind::Arrival);
    }

    let service_days = |rng: &mut Rng| service_days(model, rng);

    while let Some(ev) = heap.pop() {
        if ev.time >= horizon {
            break;
        }
        // Month-end snapshots and time-weighted occupancy up to this event.
        month_ends(
            &mut out,
            (active, waiting_now),
            &mut last_t,
            &mut next_month,
            ev.time,
            cfg.months,
        );
        out.busy_slot_days += active as f64 * (ev.time - last_t);
        last_t = ev.time;
        out.events += 1;
        match ev.kind {
            Kind::Arrival => {
                let next = next_arrival(&mut rng, ev.time);
                if next < horizon {
                    push(&mut heap, next, Kind::Arrival);
                }
                out.referred += 1;
                if model.not_started_share > 0.0 && rng.uniform() < model.not_started_share {
                    out.not_started += 1;
                    continue;
                }
                let counted = ev.time >= warmup;
                if active < model.capacity && queue.is_empty() {
                    active += 1;
                    if counted {
                        out.started += 1;
                        out.waits.push(0.0);
                    }
                    let d = service_days(&mut rng);
                    push(&mut heap, ev.time + d, Kind::Departure);
                } else {
                    let id = gone.len();
                    gone.push(false);
                    queue.push_back((id, ev.time));
                    waiting_now += 1;
                    if let Some((share, after)) = model.reneging {
                        if rng.uniform() < share {
                            push(&mut heap, ev.time + after, Kind::Renege(id));
                        }
                    }
                }
            }
            Kind::Renege(id) => {
                if !gone[id] {
                    gone[id] = true;
                    waiting_now -= 1;
                    out.reneged += 1;
                }
            }
            Kind::Departure => {
                active -= 1;
                while let Some((id, arrived)) = queue.pop_front() {
                    if gone[id] {
                        continue;
                    }
                    gone[id] = true;
                    waiting_now -= 1;
                    active += 1;
                    if arrived >= warmup {
                        out.started += 1;
                        out.waited += 1;
                        out.waits.push(ev.time - arrived);
                    }
                    let d = service_days(&mut rng);
                    push(&mut heap, ev.time + d, Kind::Departure);
                    break;
                }
            }
        }
    }
    month_ends(
        &mut out,
        (active, waiting_now),
        &mut last_t,
        &mut next_month,
        f64::INFINITY,
        cfg.months,
    );
    // Those still waiting at the end count with the wait so far (a lower bound).
    for (id, arrived) in queue {
        if !gone[id] && arrived >= warmup {
            out.still_waiting += 1;
            out.waits.push(horizon - arrived);
        }
    }
    out
}

/// Run `cfg.runs` replications on all cores; results in run order.
pub fn run_all(
    model: &Model,
    cfg: &Config,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<RunResult> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(cfg.runs.max(1));
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<RunResult>> = vec![None; cfg.runs];
    std::thread::scope(|s| {
        let chunks: Vec<&mut [Option<RunResult>]> = results
            .chunks_mut(cfg.runs.div_ceil(threads).max(1))
            .collect();
        let mut start = 0;
        for chunk in chunks {
            let first = start;
            start += chunk.len();
            let done = &done;
            s.spawn(move || {
                for (i, slot) in chunk.iter_mut().enumerate() {
                    *slot = Some(run(model, cfg, first + i));
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    progress(n, cfg.runs);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|r| r.expect("every run finished"))
        .collect()
}

/// Percentile (nearest rank) of sorted values.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[derive(Debug, Clone, Serialize)]
pub struct Month {
    pub month: usize,
    pub active_p10: f64,
    pub active_p50: f64,
    pub active_p90: f64,
    pub waiting_p50: f64,
    pub waiting_p90: f64,
}

/// The summary over all runs.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub capacity: u32,
    pub runs: usize,
    pub months: usize,
    pub wait_days_p50: f64,
    pub wait_days_p90: f64,
    pub mean_wait_days: f64,
    pub prob_wait: f64,
    pub utilisation: f64,
    pub months_over_capacity: f64,
    pub referred: u64,
    pub not_started: u64,
    pub started: u64,
    pub reneged: u64,
    pub still_waiting_at_end: u64,
    pub events: u64,
    pub monthly: Vec<Month>,
    /// Wait histogram: (upper bound in days, share of referrals).
    #[serde(skip)]
    pub histogram: Vec<(f64, f64)>,
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// Month `m` across the runs: percentiles of the active cases and the waiting list.
fn month_of(results: &[RunResult], m: usize) -> Month {
    let mut a: Vec<f64> = results.iter().map(|r| r.active[m] as f64).collect();
    let mut w: Vec<f64> = results.iter().map(|r| r.waiting[m] as f64).collect();
    a.sort_by(f64::total_cmp);
    w.sort_by(f64::total_cmp);
    Month {
        month: m + 1,
        active_p10: percentile(&a, 0.1),
        active_p50: percentile(&a, 0.5),
        active_p90: percentile(&a, 0.9),
        waiting_p50: percentile(&w, 0.5),
        waiting_p90: percentile(&w, 0.9),
    }
}

/// The share of waits at most 0, 7, 14, 30, 60, 90, 180, 365 days and any length.
fn wait_histogram(sorted_waits: &[f64]) -> Vec<(f64, f64)> {
    let bounds = [
        0.0,
        7.0,
        14.0,
        30.0,
        60.0,
        90.0,
        180.0,
        365.0,
        f64::INFINITY,
    ];
    let n = sorted_waits.len().max(1) as f64;
    bounds
        .iter()
        .map(|b| {
            (
                *b,
                sorted_waits.iter().filter(|w| **w <= *b).count() as f64 / n,
            )
        })
        .collect()
}

/// `part / whole`, or 0 when there is no whole.
fn share(part: f64, whole: u64) -> f64 {
    if whole > 0 {
        part / whole as f64
    } else {
        0.0
    }
}

pub fn summarise(model: &Model, cfg: &Config, results: &[RunResult]) -> Summary {
    let mut waits: Vec<f64> = results
        .iter()
        .flat_map(|r| r.waits.iter().copied())
        .collect();
    waits.sort_by(f64::total_cmp);
    let started: u64 = results.iter().map(|r| r.started).sum();
    let waited: u64 = results.iter().map(|r| r.waited).sum();
    let started_waits: f64 = results
        .iter()
        .map(|r| r.waits.iter().take(r.started as usize).sum::<f64>())
        .sum();
    let horizon = cfg.months as f64 * MONTH_DAYS;
    let utilisation = if model.capacity == 0 {
        0.0
    } else {
        results
            .iter()
            .map(|r| r.busy_slot_days / (model.capacity as f64 * horizon))
            .sum::<f64>()
            / results.len().max(1) as f64
    };
    let over = results
        .iter()
        .map(|r| r.waiting.iter().filter(|w| **w > 0).count() as f64)
        .sum::<f64>()
        / results.len().max(1) as f64;
    let monthly = (0..cfg.months).map(|m| month_of(results, m)).collect();
    let histogram = wait_histogram(&waits);
    Summary {
        capacity: model.capacity,
        runs: cfg.runs,
        months: cfg.months,
        wait_days_p50: round(percentile(&waits, 0.5), 2),
        wait_days_p90: round(percentile(&waits, 0.9), 2),
        mean_wait_days: round(share(started_waits, started), 4),
        prob_wait: round(share(waited as f64, started), 4),
        utilisation: round(utilisation, 4),
        months_over_capacity: round(over, 2),
        referred: results.iter().map(|r| r.referred).sum(),
        not_started: results.iter().map(|r| r.not_started).sum(),
        started,
        reneged: results.iter().map(|r| r.reneged).sum(),
        still_waiting_at_end: results.iter().map(|r| r.still_waiting).sum(),
        events: results.iter().map(|r| r.events).sum(),
        monthly,
        histogram,
    }
}

/// Erlang C: probability of waiting and mean wait (months) for M/M/c.
pub fn erlang_c(lambda: f64, mu: f64, c: u32) -> Option<(f64, f64)> {
    let a = lambda / mu;
    let rho = a / c as f64;
    if rho >= 1.0 {
        return None;
    }
    // Sum a^k/k! iteratively to stay stable for larger c.
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / k as f64;
        }
        sum += term;
    }
    let last = term * a / c as f64; // a^c / c!
    let top = last / (1.0 - rho);
    let p_wait = top / (sum + top);
    Some((p_wait, p_wait / (c as f64 * mu - lambda)))
}

/// Why a programme version cannot be simulated.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ModelError {
    #[error("version {version} has no `demand:` profile to simulate")]
    NoDemand { version: String },
    #[error("version {version} states no caseload norm and its demand profile assumes none")]
    NoNorm { version: String },
}

/// The model of a programme version: capacity from FTE × norm (or `fte` to try another
/// staffing), tracks and demand from the YAML.
pub fn model_for(version: &Version, fte: Option<f64>) -> Result<Model, ModelError> {
    let demand = version
        .demand
        .as_ref()
        .ok_or_else(|| ModelError::NoDemand {
            version: version.id.clone(),
        })?;
    let norm = version
        .capacity
        .caseload_per_fte
        .or(demand.caseload_per_fte);
    let capacity = match (fte, version.capacity.total, norm) {
        (None, Some(total), _) => total,
        (Some(f), _, Some(n)) => (f * n + 1e-9).floor() as u32,
        (None, None, Some(n)) => (version.caseload_fte() * n + 1e-9).floor() as u32,
        (_, _, None) => {
            return Err(ModelError::NoNorm {
                version: version.id.clone(),
            })
        }
    };
    let days = |t: &str| {
        Duration::parse(t)
            .ok()
            .and_then(Duration::days)
            .unwrap_or(0.0)
    };
    let tracks: Vec<(String, f64, f64)> = if version.tracks.is_empty() {
        vec![(
            "stay".into(),
            1.0,
            days(demand.stay.as_deref().unwrap_or("0 days")),
        )]
    } else if version.tracks.len() == 1 && demand.track_mix.is_empty() {
        vec![(
            version.tracks[0].id.clone(),
            1.0,
            days(&version.tracks[0].duration),
        )]
    } else {
        version
            .tracks
            .iter()
            .map(|t| {
                (
                    t.id.clone(),
                    demand.track_mix.get(&t.id).copied().unwrap_or(0.0),
                    days(&t.duration),
                )
            })
            .collect()
    };
    let mut arrivals = [0.0; 12];
    arrivals.copy_from_slice(&demand.referrals_per_month[..12]);
    use chrono::Datelike;
    Ok(Model {
        capacity,
        arrivals_per_month: arrivals,
        start_month: version.valid_from.month0() as usize,
        not_started_share: demand.not_started_share,
        service: Service::Tracks(tracks),
        dropout_rate: demand.dropout_rate,
        extension: demand
            .extension_rate
            .zip(demand.extension.as_deref().map(days)),
        reneging: demand.reneging.as_ref().map(|r| (r.share, days(&r.after))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_known_value() {
        // a = 2, c = 3: P(wait) = 4/9.
        let (p, w) = erlang_c(2.0, 1.0, 3).unwrap();
        assert!((p - 4.0 / 9.0).abs() < 1e-12);
        assert!((w - 4.0 / 9.0).abs() < 1e-12);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(percentile(&v, 0.5), 5.0);
        assert_eq!(percentile(&v, 0.9), 9.0);
        assert_eq!(percentile(&v, 0.1), 1.0);
    }
}
