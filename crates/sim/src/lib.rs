//! Caseload simulation: a discrete-event Monte Carlo of referrals arriving month by month,
//! starting when a slot is free (FTE × caseload norm) or waiting in a FIFO list, following their
//! track (with drop-out, and extension decided at the final evaluation), and leaving. Runs are
//! seeded one by one from the seed and the run number, so the result does not depend on how
//! many threads shared the work; the same seed gives byte-identical output.

pub mod history;
pub mod report;

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use serde::Serialize;

use traject_model::program::duration::Duration;
use traject_model::program::model::{Demand, Version};

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
    /// The caseload on the first day (empty unless read from a case store).
    pub initial: Initial,
    /// (day, capacity from that day), in time order: staff joining or leaving.
    pub capacity_changes: Vec<(f64, u32)>,
    /// (month of the simulation, referrals per calendar month from then on), in time order: a
    /// later version's demand profile taking over.
    pub arrivals_from: Vec<(usize, [f64; 12])>,
    /// (day, how long a case that starts from then on stays), in time order: a later
    /// version's tracks taking over.
    pub service_from: Vec<(f64, Service)>,
    /// Group modules whose seats are simulated next to the caseload.
    pub groups: Vec<GroupSeats>,
}

impl Model {
    /// Referrals per calendar month in force in month `month` of the simulation.
    #[inline]
    pub fn arrivals_in(&self, month: usize) -> &[f64; 12] {
        self.arrivals_from
            .iter()
            .rev()
            .find(|(from, _)| *from <= month)
            .map_or(&self.arrivals_per_month, |(_, a)| a)
    }
}

/// The cases at the start: days left for each active case, days waited so far for each
/// waiting one (in the order of the waiting list).
#[derive(Debug, Clone, Default)]
pub struct Initial {
    pub active_remaining_days: Vec<f64>,
    pub waiting_days: Vec<f64>,
}

/// A group module: the share of starters who take it, its seats (groups × maximum group size),
/// how long a seat is taken, and whether a group starts together (cohort) or seats free one by
/// one (rolling entry).
#[derive(Debug, Clone)]
pub struct GroupSeats {
    pub module: String,
    pub share: f64,
    pub seats: u32,
    pub days: f64,
    pub cohort: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct Config {
    pub months: usize,
    pub runs: usize,
    pub seed: u64,
    /// Months at the start left out of the wait statistics (the system starts empty).
    pub warmup_months: usize,
    /// When the work must stop: a run past it ends early and says so (`RunResult::stopped`),
    /// so that no computation outlives the request that asked for it.
    pub deadline: Option<std::time::Instant>,
}

/// How many events a run handles between looks at the clock.
const EVENTS_PER_CLOCK_LOOK: u64 = 4096;

impl Config {
    fn past_deadline(&self) -> bool {
        self.deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
    }
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
    /// The capacity changes to `model.capacity_changes[i]`.
    Capacity(usize),
    /// A seat of group module `g` frees (rolling entry).
    SeatFree(usize),
    /// The running group of module `g` ends (cohort entry).
    CohortEnd(usize),
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
    /// The run was stopped at the deadline: its figures are incomplete.
    pub stopped: bool,
    /// Per month: (sum of waits, starts) of those who started that month.
    pub month_waits: Vec<(f64, u32)>,
    /// Per group module: days each client waited for a seat.
    pub seat_waits: Vec<Vec<f64>>,
    /// Per group module: clients waiting for a seat at the end of each month.
    pub seat_queue: Vec<Vec<u32>>,
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
        let rate = model.arrivals_in(month as usize)[cal] / MONTH_DAYS;
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
fn service_days(model: &Model, rng: &mut Rng, t: f64) -> f64 {
    let service = model
        .service_from
        .iter()
        .rev()
        .find(|(from, _)| *from <= t)
        .map_or(&model.service, |(_, s)| s);
    let base = match service {
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

/// One group module's seats during a run.
#[derive(Debug, Clone, Default)]
struct Seats {
    used: u32,
    /// Since when each client waits for a seat.
    queue: VecDeque<f64>,
    /// A cohort is running (cohort entry only).
    running: bool,
}

/// The state of one run: the event queue, the caseload, the waiting list and the seats.
struct Run<'a> {
    model: &'a Model,
    cfg: &'a Config,
    rng: Rng,
    heap: BinaryHeap<Event>,
    seq: u64,
    horizon: f64,
    warmup: f64,
    capacity: u32,
    active: u32,
    queue: VecDeque<(usize, f64)>,
    gone: Vec<bool>,
    waiting_now: u32,
    last_t: f64,
    next_month: usize,
    seats: Vec<Seats>,
    out: RunResult,
}

/// Simulate one run.
pub fn run(model: &Model, cfg: &Config, run_index: usize) -> RunResult {
    let groups = model.groups.len();
    let mut r = Run {
        model,
        cfg,
        rng: Rng::seeded(cfg.seed, run_index as u64),
        heap: BinaryHeap::new(),
        seq: 0,
        horizon: cfg.months as f64 * MONTH_DAYS,
        warmup: cfg.warmup_months as f64 * MONTH_DAYS,
        capacity: model.capacity,
        active: 0,
        queue: VecDeque::new(),
        gone: Vec::new(),
        waiting_now: 0,
        last_t: 0.0,
        next_month: 1,
        seats: vec![Seats::default(); groups],
        out: RunResult {
            active: Vec::with_capacity(cfg.months),
            waiting: Vec::with_capacity(cfg.months),
            month_waits: vec![(0.0, 0); cfg.months],
            seat_waits: vec![Vec::new(); groups],
            seat_queue: vec![Vec::with_capacity(cfg.months); groups],
            ..Default::default()
        },
    };
    // Past the deadline already (earlier runs used the time up): stop before starting.
    if cfg.past_deadline() {
        r.out.stopped = true;
        return r.out;
    }
    r.begin();
    while let Some(ev) = r.heap.pop() {
        if ev.time >= r.horizon {
            break;
        }
        // Month-end snapshots and time-weighted occupancy up to this event.
        r.month_ends(ev.time);
        r.out.busy_slot_days += r.active as f64 * (ev.time - r.last_t);
        r.last_t = ev.time;
        r.out.events += 1;
        if r.out.events % EVENTS_PER_CLOCK_LOOK == 0 && cfg.past_deadline() {
            r.out.stopped = true;
            break;
        }
        match ev.kind {
            Kind::Arrival => r.arrival(ev.time),
            Kind::Renege(id) => r.renege(id),
            Kind::Departure => {
                r.active -= 1;
                r.start_waiting(ev.time);
            }
            Kind::Capacity(i) => {
                r.capacity = model.capacity_changes[i].1;
                r.start_waiting(ev.time);
            }
            Kind::SeatFree(g) => {
                r.seats[g].used -= 1;
                r.fill_seats(g, ev.time);
            }
            Kind::CohortEnd(g) => {
                r.seats[g].running = false;
                r.seats[g].used = 0;
                r.fill_seats(g, ev.time);
            }
        }
    }
    r.month_ends(f64::INFINITY);
    r.finish()
}

impl Run<'_> {
    fn push(&mut self, time: f64, kind: Kind) {
        self.seq += 1;
        self.heap.push(Event {
            time,
            seq: self.seq,
            kind,
        });
    }

    /// The first arrival, the capacity changes, and the caseload on the first day.
    fn begin(&mut self) {
        let first = next_arrival(self.model, &mut self.rng, 0.0, self.horizon);
        if first < self.horizon {
            self.push(first, Kind::Arrival);
        }
        for (i, (day, _)) in self.model.capacity_changes.iter().enumerate() {
            self.push(*day, Kind::Capacity(i));
        }
        for left in &self.model.initial.active_remaining_days {
            self.active += 1;
            self.push(left.max(0.0), Kind::Departure);
        }
        for waited in &self.model.initial.waiting_days {
            let id = self.gone.len();
            self.gone.push(false);
            self.queue.push_back((id, -waited));
            self.waiting_now += 1;
        }
    }

    /// Whether a client who arrived at `arrived` counts in the wait statistics: after the
    /// warm-up, or any client (those already waiting at the start too) when there is none.
    fn counted(&self, arrived: f64) -> bool {
        self.cfg.warmup_months == 0 || arrived >= self.warmup
    }

    fn arrival(&mut self, t: f64) {
        let next = next_arrival(self.model, &mut self.rng, t, self.horizon);
        if next < self.horizon {
            self.push(next, Kind::Arrival);
        }
        self.out.referred += 1;
        if self.model.not_started_share > 0.0 && self.rng.uniform() < self.model.not_started_share {
            self.out.not_started += 1;
            return;
        }
        if self.active < self.capacity && self.queue.is_empty() {
            self.start(t, t);
            return;
        }
        let id = self.gone.len();
        self.gone.push(false);
        self.queue.push_back((id, t));
        self.waiting_now += 1;
        if let Some((share, after)) = self.model.reneging {
            if self.rng.uniform() < share {
                self.push(t + after, Kind::Renege(id));
            }
        }
    }

    fn renege(&mut self, id: usize) {
        if !self.gone[id] {
            self.gone[id] = true;
            self.waiting_now -= 1;
            self.out.reneged += 1;
        }
    }

    /// Start a client who arrived at `arrived`: a slot, a service time, maybe a group seat.
    fn start(&mut self, t: f64, arrived: f64) {
        self.active += 1;
        if self.counted(arrived) {
            self.out.started += 1;
            let wait = t - arrived;
            if t > arrived {
                self.out.waited += 1;
            }
            self.out.waits.push(wait);
            let month = ((t / MONTH_DAYS) as usize).min(self.cfg.months.saturating_sub(1));
            if let Some(m) = self.out.month_waits.get_mut(month) {
                m.0 += wait;
                m.1 += 1;
            }
        }
        let d = service_days(self.model, &mut self.rng, t);
        self.push(t + d, Kind::Departure);
        for g in 0..self.model.groups.len() {
            if self.rng.uniform() < self.model.groups[g].share {
                self.seats[g].queue.push_back(t);
                self.fill_seats(g, t);
            }
        }
    }

    /// Start waiting clients while there are free slots.
    fn start_waiting(&mut self, t: f64) {
        while self.active < self.capacity {
            let Some((id, arrived)) = self.queue.pop_front() else {
                return;
            };
            if self.gone[id] {
                continue;
            }
            self.gone[id] = true;
            self.waiting_now -= 1;
            self.start(t, arrived);
        }
    }

    /// Seat those waiting for group module `g`: one by one as seats free (rolling entry), or
    /// a whole new group when none runs (cohort entry).
    fn fill_seats(&mut self, g: usize, t: f64) {
        let spec = &self.model.groups[g];
        let (seats, days, cohort) = (spec.seats, spec.days, spec.cohort);
        if cohort && self.seats[g].running {
            return;
        }
        let mut seated = 0;
        while self.seats[g].used < seats {
            let Some(joined) = self.seats[g].queue.pop_front() else {
                break;
            };
            self.seats[g].used += 1;
            seated += 1;
            if self.counted(joined) {
                self.out.seat_waits[g].push(t - joined);
            }
            if !cohort {
                self.push(t + days, Kind::SeatFree(g));
            }
        }
        if cohort && seated > 0 {
            self.seats[g].running = true;
            self.push(t + days, Kind::CohortEnd(g));
        }
    }

    /// Record the month ends up to `until`: the active cases, the waiting list and the seat
    /// queues at each, and the slot-days used since the last event.
    fn month_ends(&mut self, until: f64) {
        while self.next_month as f64 * MONTH_DAYS <= until && self.next_month <= self.cfg.months {
            let boundary = self.next_month as f64 * MONTH_DAYS;
            self.out.busy_slot_days += self.active as f64 * (boundary - self.last_t);
            self.last_t = boundary;
            self.out.active.push(self.active);
            self.out.waiting.push(self.waiting_now);
            for (g, seats) in self.seats.iter().enumerate() {
                self.out.seat_queue[g].push(seats.queue.len() as u32);
            }
            self.next_month += 1;
        }
    }

    /// Those still waiting at the end count with the wait so far (a lower bound).
    fn finish(mut self) -> RunResult {
        for (id, arrived) in std::mem::take(&mut self.queue) {
            if !self.gone[id] && self.counted(arrived) {
                self.out.still_waiting += 1;
                self.out.waits.push(self.horizon - arrived);
            }
        }
        // Kept until the summary: no more room than the waits need.
        self.out.waits.shrink_to_fit();
        self.out
    }
}

/// Run `cfg.runs` replications on all cores; results in run order.
/// What the textbook M/M/c gives over all runs: clients after the warm-up, how many of them
/// waited and how long in all (days), and the client events (arrivals and departures).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MmcTotals {
    pub customers: u64,
    pub waited: u64,
    pub wait_days: f64,
    pub events: u64,
    /// Stopped at the deadline: the totals are incomplete.
    pub stopped: bool,
}

/// The textbook M/M/c — Poisson arrivals, exponential stays, `c` servers, first come first
/// served — by the Kiefer–Wolfowitz recursion: a client starts when they arrive or when the
/// earliest of the `c` servers comes free, whichever is later. It is the system the general
/// event loop (`run`) simulates for a model without drop-out, reneging or groups, without its
/// bookkeeping per month: one heap of `c` free times (as ordered bits, so the heap compares
/// integers) updated in place. One thread; runs are independent streams of `cfg.seed`.
pub fn mmc_recursion(
    lambda_per_month: f64,
    mu_per_month: f64,
    c: u32,
    cfg: &Config,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> MmcTotals {
    use std::cmp::Reverse;
    let mut t = MmcTotals::default();
    let end = cfg.months as f64 * MONTH_DAYS;
    let warmup = cfg.warmup_months as f64 * MONTH_DAYS;
    let (arrival_rate, stay_rate) = (lambda_per_month / MONTH_DAYS, mu_per_month / MONTH_DAYS);
    for run in 0..cfg.runs {
        if cfg.past_deadline() {
            t.stopped = true;
            return t;
        }
        let mut rng = Rng::seeded(cfg.seed, run as u64);
        // Non-negative f64 order as their bits do.
        let mut free: std::collections::BinaryHeap<Reverse<u64>> =
            (0..c).map(|_| Reverse(0f64.to_bits())).collect();
        let mut now = 0.0;
        loop {
            now += rng.exponential(arrival_rate);
            if now >= end {
                break;
            }
            t.events += 1;
            if t.events % EVENTS_PER_CLOCK_LOOK == 0 && cfg.past_deadline() {
                t.stopped = true;
                return t;
            }
            let mut earliest = free.peek_mut().expect("c > 0 servers");
            let start = now.max(f64::from_bits(earliest.0));
            let leaves = start + rng.exponential(stay_rate);
            earliest.0 = leaves.to_bits();
            drop(earliest);
            if leaves < end {
                t.events += 1;
            }
            if now >= warmup {
                t.customers += 1;
                if start > now {
                    t.waited += 1;
                    t.wait_days += start - now;
                }
            }
        }
        progress(run + 1, cfg.runs);
    }
    t
}

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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Month {
    pub month: usize,
    /// The calendar month ("2024-05"), when the simulation starts on a known day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    pub active_p10: f64,
    pub active_p50: f64,
    pub active_p90: f64,
    /// The capacity at the end of the month (staff changes move it).
    pub capacity: u32,
    pub waiting_p10: f64,
    pub waiting_p50: f64,
    pub waiting_p90: f64,
    /// The mean wait of those who started this month, across runs (runs where nobody
    /// started leave it out).
    pub wait_days_p10: f64,
    pub wait_days_p50: f64,
    pub wait_days_p90: f64,
}

/// A group module's seats over all runs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupSummary {
    pub module: String,
    pub seats: u32,
    /// Clients seated (per run on average).
    pub seated_per_run: f64,
    pub seat_wait_days_p50: f64,
    pub seat_wait_days_p90: f64,
    pub mean_seat_wait_days: f64,
    /// Median and p90 of those waiting for a seat at each month end.
    pub queue_p50: Vec<f64>,
    pub queue_p90: Vec<f64>,
}

/// The summary over all runs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Group modules with seats, when the demand profile names some.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupSummary>,
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
    let sorted = |v: Vec<f64>| {
        let mut v = v;
        v.sort_by(f64::total_cmp);
        v
    };
    let a = sorted(results.iter().map(|r| r.active[m] as f64).collect());
    let w = sorted(results.iter().map(|r| r.waiting[m] as f64).collect());
    let waits = sorted(
        results
            .iter()
            .filter_map(|r| r.month_waits.get(m))
            .filter(|(_, n)| *n > 0)
            .map(|(sum, n)| sum / *n as f64)
            .collect(),
    );
    Month {
        month: m + 1,
        calendar: None,
        active_p10: percentile(&a, 0.1),
        active_p50: percentile(&a, 0.5),
        active_p90: percentile(&a, 0.9),
        capacity: 0,
        waiting_p10: percentile(&w, 0.1),
        waiting_p50: percentile(&w, 0.5),
        waiting_p90: percentile(&w, 0.9),
        wait_days_p10: round(percentile(&waits, 0.1), 1),
        wait_days_p50: round(percentile(&waits, 0.5), 1),
        wait_days_p90: round(percentile(&waits, 0.9), 1),
    }
}

/// The capacity in force on `day`: the last staff change before it, else the model's own.
fn capacity_at(model: &Model, day: f64) -> u32 {
    model
        .capacity_changes
        .iter()
        .rev()
        .find(|(at, _)| *at <= day)
        .map_or(model.capacity, |c| c.1)
}

/// Seat waits and seat queues of group module `g` over all runs.
fn group_of(model: &Model, cfg: &Config, results: &[RunResult], g: usize) -> GroupSummary {
    let mut waits: Vec<f64> = results
        .iter()
        .flat_map(|r| r.seat_waits[g].iter().copied())
        .collect();
    waits.sort_by(f64::total_cmp);
    let total: f64 = waits.iter().sum();
    let queue = |q: f64| -> Vec<f64> {
        (0..cfg.months)
            .map(|m| {
                let mut v: Vec<f64> = results.iter().map(|r| r.seat_queue[g][m] as f64).collect();
                v.sort_by(f64::total_cmp);
                percentile(&v, q)
            })
            .collect()
    };
    GroupSummary {
        module: model.groups[g].module.clone(),
        seats: model.groups[g].seats,
        seated_per_run: round(waits.len() as f64 / results.len().max(1) as f64, 1),
        seat_wait_days_p50: round(percentile(&waits, 0.5), 1),
        seat_wait_days_p90: round(percentile(&waits, 0.9), 1),
        mean_seat_wait_days: round(share(total, waits.len() as u64), 1),
        queue_p50: queue(0.5),
        queue_p90: queue(0.9),
    }
}

/// The wait lengths the histogram counts up to, in days (the last: any length).
const WAIT_BOUNDS: [f64; 9] = [
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

/// The share of waits at most each of `WAIT_BOUNDS`.
fn wait_histogram(waits: &[f64]) -> Vec<(f64, f64)> {
    let bounds = WAIT_BOUNDS;
    // One pass: each wait into the first bound it is within, then the shares cumulated.
    let mut within = [0usize; WAIT_BOUNDS.len()];
    for w in waits {
        if let Some(i) = bounds.iter().position(|b| w <= b) {
            within[i] += 1;
        }
    }
    let n = waits.len().max(1) as f64;
    let mut so_far = 0;
    bounds
        .iter()
        .zip(within)
        .map(|(b, k)| {
            so_far += k;
            (*b, so_far as f64 / n)
        })
        .collect()
}

/// Percentile (nearest rank) of values in any order, found without sorting them all (the
/// values are reordered around it). The same value `percentile` gives of them sorted.
pub fn percentile_of(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    *values.select_nth_unstable_by(rank - 1, f64::total_cmp).1
}

/// `part / whole`, or 0 when there is no whole.
fn share(part: f64, whole: u64) -> f64 {
    if whole > 0 {
        part / whole as f64
    } else {
        0.0
    }
}

/// The summary over all runs. The runs' waits are moved out into one sorted list (not
/// copied): a request's memory holds each wait once.
pub fn summarise(model: &Model, cfg: &Config, results: &mut [RunResult]) -> Summary {
    let started: u64 = results.iter().map(|r| r.started).sum();
    let waited: u64 = results.iter().map(|r| r.waited).sum();
    let started_waits: f64 = results
        .iter()
        .map(|r| r.waits.iter().take(r.started as usize).sum::<f64>())
        .sum();
    let mut waits: Vec<f64> = Vec::with_capacity(results.iter().map(|r| r.waits.len()).sum());
    for r in results.iter_mut() {
        waits.append(&mut r.waits);
        r.waits.shrink_to_fit();
    }
    // Two percentiles and a histogram: no need to sort millions of waits.
    let (p50, p90) = (
        percentile_of(&mut waits, 0.5),
        percentile_of(&mut waits, 0.9),
    );
    let results: &[RunResult] = results;
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
    let monthly = (0..cfg.months)
        .map(|m| Month {
            capacity: capacity_at(model, (m + 1) as f64 * MONTH_DAYS),
            ..month_of(results, m)
        })
        .collect();
    let histogram = wait_histogram(&waits);
    Summary {
        capacity: model.capacity,
        runs: cfg.runs,
        months: cfg.months,
        wait_days_p50: round(p50, 2),
        wait_days_p90: round(p90, 2),
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
        groups: (0..model.groups.len())
            .map(|g| group_of(model, cfg, results, g))
            .collect(),
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
#[derive(Debug, Clone)]
pub enum ModelError {
    NoDemand { version: String },
    NoNorm { version: String },
}

/// The mean length of a trajectory in the model, in days (for cases whose end is unknown).
pub fn mean_service_days(model: &Model) -> f64 {
    match &model.service {
        Service::Exponential(mu) => MONTH_DAYS / mu,
        Service::Tracks(tracks) => {
            let total: f64 = tracks.iter().map(|t| t.1).sum();
            if total > 0.0 {
                tracks.iter().map(|t| t.1 * t.2).sum::<f64>() / total
            } else {
                tracks.iter().map(|t| t.2).fold(0.0, f64::max)
            }
        }
    }
}

/// The group modules of the demand profile, with their seats, length and entry.
fn group_seats(
    version: &Version,
    demand: &traject_model::program::model::Demand,
) -> Vec<GroupSeats> {
    demand
        .modules
        .iter()
        .filter_map(|d| {
            let m = version.module(&d.module)?;
            let max = m.group_size.as_ref().and_then(|g| g.max)?;
            let days = m.duration.and_then(Duration::days)?;
            Some(GroupSeats {
                module: d.module.clone(),
                share: d.share,
                seats: max * d.groups,
                days,
                cohort: m.entry.as_deref() == Some("cohort"),
            })
        })
        .collect()
}

/// The model of a programme version: capacity from FTE × norm (or `fte` to try another
/// staffing), tracks and demand from the YAML.
pub fn model_for(version: &Version, fte: Option<f64>) -> Result<Model, ModelError> {
    model_with(version, fte, None)
}

/// The caseload norm a simulation of `version` uses: `norm` if given, else the version's,
/// else the one its demand profile assumes.
pub fn norm_of(version: &Version, norm: Option<f64>) -> Option<f64> {
    norm.or(version.capacity.caseload_per_fte)
        .or(version.demand.as_ref().and_then(|d| d.caseload_per_fte))
}

/// As `model_for`, with another caseload norm per FTE (`norm`) if given.
pub fn model_with(
    version: &Version,
    fte: Option<f64>,
    norm: Option<f64>,
) -> Result<Model, ModelError> {
    let demand = version
        .demand
        .as_ref()
        .ok_or_else(|| ModelError::NoDemand {
            version: version.id.clone(),
        })?;
    let given = norm;
    let norm = norm_of(version, norm);
    let capacity = match (fte, version.capacity.total, norm) {
        (None, Some(total), _) if given.is_none() => total,
        (Some(f), _, Some(n)) => (f * n + 1e-9).floor() as u32,
        (None, _, Some(n)) => (version.caseload_fte() * n + 1e-9).floor() as u32,
        (_, _, None) => {
            return Err(ModelError::NoNorm {
                version: version.id.clone(),
            })
        }
    };
    let days = |d: Option<Duration>| d.and_then(Duration::days).unwrap_or(0.0);
    use chrono::Datelike;
    Ok(Model {
        capacity,
        arrivals_per_month: arrivals_of(demand),
        start_month: version.valid_from.month0() as usize,
        not_started_share: demand.not_started_share,
        service: service_of(version, demand),
        dropout_rate: demand.dropout_rate,
        extension: demand
            .extension_rate
            .zip(demand.extension.map(|d| days(Some(d)))),
        reneging: demand
            .reneging
            .as_ref()
            .map(|r| (r.share, days(Some(r.after)))),
        initial: Initial::default(),
        capacity_changes: Vec::new(),
        arrivals_from: Vec::new(),
        service_from: Vec::new(),
        groups: group_seats(version, demand),
    })
}

/// Referrals per calendar month, January first, as a version's demand profile gives them.
pub fn arrivals_of(demand: &Demand) -> [f64; 12] {
    let mut arrivals = [0.0; 12];
    arrivals.copy_from_slice(&demand.referrals_per_month[..12]);
    arrivals
}

/// How long a case of `version` stays: its tracks with their shares (the demand's track mix),
/// or the demand's stay when the version has no tracks.
pub fn service_of(version: &Version, demand: &Demand) -> Service {
    // The programme checks keep simulated lengths fixed; an open one counts as none.
    let days = |d: Option<Duration>| d.and_then(Duration::days).unwrap_or(0.0);
    let tracks: Vec<(String, f64, f64)> = if version.tracks.is_empty() {
        vec![("stay".into(), 1.0, days(demand.stay))]
    } else if version.tracks.len() == 1 && demand.track_mix.is_empty() {
        vec![(
            version.tracks[0].id.clone(),
            1.0,
            days(Some(version.tracks[0].duration)),
        )]
    } else {
        version
            .tracks
            .iter()
            .map(|t| {
                (
                    t.id.clone(),
                    demand.track_mix.get(&t.id).copied().unwrap_or(0.0),
                    days(Some(t.duration)),
                )
            })
            .collect()
    };
    Service::Tracks(tracks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percentile_found_without_sorting_is_the_sorted_ones() {
        let mut rng = 7u64;
        let values: Vec<f64> = (0..10_001)
            .map(|_| {
                rng = rng
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((rng >> 33) % 400_000) as f64 / 1000.0
            })
            .collect();
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
            let mut shuffled = values.clone();
            assert_eq!(
                percentile_of(&mut shuffled, q),
                percentile(&sorted, q),
                "q = {q}"
            );
        }
        let from_sorted: Vec<(f64, f64)> = WAIT_BOUNDS
            .iter()
            .map(|b| {
                let within = sorted.iter().filter(|w| **w <= *b).count();
                (*b, within as f64 / sorted.len() as f64)
            })
            .collect();
        assert_eq!(wait_histogram(&values), from_sorted);
    }

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
