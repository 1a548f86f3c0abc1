//! What the case store says about a programme's caseload: the cases as they stood on a day
//! (active with the days they have left, waiting in order with the days they have waited), and
//! the demand learnt from a window of history — referrals per month, never-started share, track
//! mix, extension and drop-out rates, giving up while waiting — each figure with the number of
//! observations behind it. A figure with too few observations is taken from the programme's
//! `demand:` instead, and the calibration says so.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{Model, Service};
use traject_cases::event::{Event, EventKind};
use traject_cases::records::CaseHistory;
use traject_model::program::model::Demand;

/// Shares need this many cases behind them, the referral rate this many months.
pub const MIN_CASES: u64 = 20;
pub const MIN_MONTHS: u32 = 3;

/// One case as its events tell it.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    pub referral_date: Option<NaiveDate>,
    pub waiting_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    pub track: Option<String>,
    /// When the track ends: from the start, or the latest extension.
    pub ends_on: Option<NaiveDate>,
    pub extended: bool,
    /// The finishing event: its kind (closed, dropped, not_started) and day.
    pub finished: Option<(EventKind, NaiveDate)>,
}

/// Every case's timeline, from its history as the store reports it (`Store::histories`).
pub fn timelines(cases: impl IntoIterator<Item = CaseHistory>) -> Vec<Timeline> {
    cases
        .into_iter()
        .map(|c| {
            let mut t = Timeline {
                referral_date: Some(c.referral_date),
                ..Default::default()
            };
            for (on, event) in &c.events {
                apply(&mut t, *on, event);
            }
            t
        })
        .collect()
}

fn apply(case: &mut Timeline, on: NaiveDate, event: &Event) {
    match event {
        Event::Waiting(_) => case.waiting_on = Some(on),
        Event::Started(s) => {
            case.started_on = Some(on);
            case.track = s.track.clone();
            case.ends_on = s.ends_on;
        }
        Event::Evaluated(e) => {
            if let Some(until) = e.extended_until {
                case.ends_on = Some(until);
                case.extended = true;
            }
        }
        Event::Closed(_) | Event::Dropped(_) | Event::NotStarted(_) => {
            case.finished = Some((event.kind(), on));
        }
        _ => {}
    }
}

/// The caseload on a day: days left per active case (a case past its end counts as leaving at
/// once), days waited per waiting case in the order of the list.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snapshot {
    pub on: NaiveDate,
    pub active: usize,
    pub waiting: usize,
    #[serde(skip)]
    pub active_remaining_days: Vec<f64>,
    #[serde(skip)]
    pub waiting_days: Vec<f64>,
}

/// The cases as they stood on `on` (the timelines read up to that day).
pub fn snapshot(cases: &[Timeline], on: NaiveDate, default_days: f64) -> Snapshot {
    let mut s = Snapshot {
        on,
        ..Default::default()
    };
    let mut waiting: Vec<NaiveDate> = Vec::new();
    for c in cases.iter().filter(|c| c.finished.is_none()) {
        match (c.started_on, c.waiting_on) {
            (Some(started), _) => {
                let end = c
                    .ends_on
                    .map_or(default_days - (on - started).num_days() as f64, |e| {
                        (e - on).num_days() as f64
                    });
                s.active_remaining_days.push(end.max(0.0));
            }
            (None, Some(since)) => waiting.push(since),
            (None, None) => {}
        }
    }
    waiting.sort();
    s.waiting_days = waiting
        .iter()
        .map(|w| (on - *w).num_days() as f64)
        .collect();
    s.active = s.active_remaining_days.len();
    s.waiting = s.waiting_days.len();
    s
}

/// A figure of the demand: its value, how many observations it rests on, and where it comes
/// from (`case store`, or `programme` when the history is too thin).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figure<T> {
    pub value: T,
    pub observations: u64,
    pub from: &'static str,
}

fn learnt<T>(value: T, observations: u64, enough: bool, fallback: T) -> Figure<T> {
    if enough {
        Figure {
            value,
            observations,
            from: "case store",
        }
    } else {
        Figure {
            value: fallback,
            observations,
            from: "programme",
        }
    }
}

/// The demand as the case store shows it over a window of history.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Calibration {
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    /// Calendar months with history in the window (from the first referral on).
    pub months_observed: u32,
    /// The level: referrals in an average month, the seasons taken out (the referrals seen,
    /// divided by what the shape expects of the months seen).
    pub referrals_per_month: Figure<f64>,
    /// The shape: each calendar month's referrals against an average month (January first,
    /// averaging 1) — from the store once it holds a year, else from the programme's profile.
    pub shape: Figure<Vec<f64>>,
    pub not_started_share: Figure<f64>,
    pub track_mix: Figure<BTreeMap<String, f64>>,
    pub extension_rate: Figure<f64>,
    pub dropout_rate: Figure<f64>,
    /// Share of those who waited who gave up (never started after waiting), and after how
    /// many days on average.
    pub reneging_share: Figure<f64>,
    pub reneging_after_days: Figure<f64>,
}

impl Calibration {
    /// Put the learnt figures into a model built from the programme (the programme's own stay
    /// where the store has none).
    pub fn apply(&self, model: &mut Model) {
        if self.referrals_per_month.from == "case store" {
            let level = self.referrals_per_month.value;
            for (m, a) in model.arrivals_per_month.iter_mut().enumerate() {
                *a = level * self.shape.value.get(m).copied().unwrap_or(1.0);
            }
        }
        model.not_started_share = self.not_started_share.value;
        model.dropout_rate = self.dropout_rate.value;
        if let Some((share, _)) = &mut model.extension {
            *share = self.extension_rate.value;
        }
        if let Service::Tracks(tracks) = &mut model.service {
            if self.track_mix.from == "case store" && tracks.len() > 1 {
                for (id, share, _) in tracks.iter_mut() {
                    *share = self
                        .track_mix
                        .value
                        .get(id.as_str())
                        .copied()
                        .unwrap_or(0.0);
                }
            }
        }
        let share = self.reneging_share.value;
        model.reneging = match model.reneging {
            Some((_, after)) => Some((share, after)),
            None if share > 0.0 => Some((share, self.reneging_after_days.value)),
            None => None,
        };
    }
}

/// Twelve monthly figures as factors averaging 1 (all 1 when they sum to nothing).
fn factors(monthly: &[f64]) -> Vec<f64> {
    let mean = monthly.iter().sum::<f64>() / 12.0;
    if mean > 0.0 {
        monthly.iter().map(|m| m / mean).collect()
    } else {
        vec![1.0; 12]
    }
}

/// The seasons of the referrals in [first, to]: per calendar month the referrals seen and how
/// many times that month was seen.
fn seasons(cases: &[&Timeline], first: NaiveDate, to: NaiveDate) -> ([f64; 12], [f64; 12]) {
    let (mut seen, mut times) = ([0.0; 12], [0.0; 12]);
    for c in cases {
        if let Some(d) = c.referral_date {
            seen[d.month0() as usize] += 1.0;
        }
    }
    let mut month = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).unwrap_or(first);
    while month <= to {
        times[month.month0() as usize] += 1.0;
        month = month + chrono::Months::new(1);
    }
    (seen, times)
}

/// The shape of the year and the level of an average month: the shape from the store once it
/// covers every calendar month, else the programme's profile; the level is the referrals seen
/// over the shape's expectation of the months seen.
fn level_and_shape(
    cases: &[&Timeline],
    first: NaiveDate,
    to: NaiveDate,
    months: u32,
    demand: &Demand,
) -> (f64, Figure<Vec<f64>>) {
    let (seen, times) = seasons(cases, first, to);
    let per_month: Vec<f64> = seen
        .iter()
        .zip(&times)
        .map(|(s, t)| if *t > 0.0 { s / t } else { 0.0 })
        .collect();
    let shape = learnt(
        factors(&per_month),
        u64::from(months),
        months >= 12,
        factors(&demand.referrals_per_month),
    );
    let expected: f64 = times.iter().zip(&shape.value).map(|(t, f)| t * f).sum();
    let level = if expected > 0.0 {
        seen.iter().sum::<f64>() / expected
    } else {
        0.0
    };
    (level, shape)
}

fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let m = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32 + 1;
    m.max(0) as u32
}

/// Counts behind the learnt figures. Only cases whose outcome is known by the end of the
/// window count for a share, so that recent cases do not pull it towards "nothing happened".
#[derive(Default)]
struct Counts {
    referred: u64,
    /// Referred cases that either started or were recorded as never starting.
    resolved: u64,
    not_started: u64,
    started: u64,
    tracks: BTreeMap<String, f64>,
    /// Started cases whose track is over by the end of the window.
    completed: u64,
    extended: u64,
    dropped: u64,
    /// Cases that waited and then started or gave up, and the days those who gave up waited.
    waited_resolved: u64,
    gave_up_days: Vec<f64>,
}

fn count(cases: &[&Timeline], to: NaiveDate) -> Counts {
    let mut n = Counts::default();
    for c in cases {
        n.referred += 1;
        let kind = c.finished.as_ref().map(|(k, _)| *k);
        if c.started_on.is_some() {
            n.resolved += 1;
            n.started += 1;
            let track = c.track.clone().unwrap_or_else(|| "stay".into());
            *n.tracks.entry(track).or_default() += 1.0;
            if c.finished.is_some() || c.ends_on.is_some_and(|e| e <= to) {
                n.completed += 1;
                n.extended += u64::from(c.extended);
                n.dropped += u64::from(kind == Some(EventKind::Dropped));
            }
        } else if kind == Some(EventKind::NotStarted) && c.waiting_on.is_none() {
            n.resolved += 1;
            n.not_started += 1;
        }
        if let Some(since) = c.waiting_on {
            if c.started_on.is_some() {
                n.waited_resolved += 1;
            } else if let Some((_, on)) = &c.finished {
                n.waited_resolved += 1;
                n.gave_up_days.push((*on - since).num_days() as f64);
            }
        }
    }
    n
}

/// Learn the demand from the cases referred in [from, to]; `demand` gives the fallbacks.
pub fn calibrate(
    cases: &[Timeline],
    from: NaiveDate,
    to: NaiveDate,
    demand: &Demand,
) -> Calibration {
    let in_window: Vec<&Timeline> = cases
        .iter()
        .filter(|c| c.referral_date.is_some_and(|d| d >= from && d <= to))
        .collect();
    let first = in_window
        .iter()
        .filter_map(|c| c.referral_date)
        .min()
        .unwrap_or(to);
    let months = months_between(first.max(from), to);
    let (level, shape) = level_and_shape(&in_window, first.max(from), to, months, demand);
    let n = count(&in_window, to);
    let mut mix = n.tracks.clone();
    mix.values_mut().for_each(|v| *v /= n.started.max(1) as f64);
    let yaml_after = demand.reneging.as_ref().and_then(|r| r.after.days());
    let share = |x: u64, of: u64, fallback: f64| {
        learnt(x as f64 / of.max(1) as f64, of, of >= MIN_CASES, fallback)
    };
    let gave_up = n.gave_up_days.len() as u64;
    let mean_wait = n.gave_up_days.iter().sum::<f64>() / gave_up.max(1) as f64;
    Calibration {
        window_from: from,
        window_to: to,
        months_observed: months,
        referrals_per_month: learnt(
            level,
            u64::from(months),
            months >= MIN_MONTHS && n.referred > 0,
            demand.referrals_per_month.iter().sum::<f64>() / 12.0,
        ),
        shape,
        not_started_share: share(n.not_started, n.resolved, demand.not_started_share),
        track_mix: learnt(
            mix,
            n.started,
            n.started >= MIN_CASES,
            demand.track_mix.clone(),
        ),
        extension_rate: share(
            n.extended,
            n.completed,
            demand.extension_rate.unwrap_or(0.0),
        ),
        dropout_rate: share(n.dropped, n.completed, demand.dropout_rate),
        reneging_share: share(
            gave_up,
            n.waited_resolved,
            demand.reneging.as_ref().map_or(0.0, |r| r.share),
        ),
        reneging_after_days: learnt(
            mean_wait,
            gave_up,
            gave_up >= MIN_CASES,
            yaml_after.unwrap_or(0.0),
        ),
    }
}
