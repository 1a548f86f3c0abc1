//! How good are the forecasts? A backtest makes a forecast at the start of each month of a
//! period from the case store as it stood then — only events whose business date (`on_date`,
//! not when they were recorded) falls before that day — and compares each horizon month with
//! what the store shows happened: the share of observed values inside the p10–p90 band
//! (coverage), the mean absolute error of the median, and its bias, for the active caseload
//! and the waiting list.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::error::SettingError;
use super::forecast::{self, Forecast, FromStore, Settings};
use super::{AppError, Ctx, Need};
use traject_model::program::Program;
use traject_sim::history::{self, Timeline, MIN_MONTHS};
use traject_sim::report::Reliability;
use traject_store::Store;

/// What to test: the first and last forecast day (each moved to the first of its month) and
/// the months each forecast looks ahead.
#[derive(Debug, Clone, Copy)]
pub struct BacktestAsk {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub horizon: usize,
    /// Only what the store knew up to this day (a backtest as of an earlier day).
    pub until: Option<NaiveDate>,
}

/// One horizon month of one forecast, and what happened.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    /// Months after the forecast day (0: the end of its first month).
    pub month: usize,
    /// The day the observation is read (the first of the next month).
    pub on: NaiveDate,
    pub active: f64,
    pub active_p10: f64,
    pub active_p50: f64,
    pub active_p90: f64,
    pub waiting: f64,
    pub waiting_p10: f64,
    pub waiting_p50: f64,
    pub waiting_p90: f64,
}

/// One forecast of the backtest: its day and its horizon months that could be checked.
#[derive(Debug, Clone, Serialize)]
pub struct Origin {
    pub from: NaiveDate,
    pub version: String,
    pub points: Vec<Point>,
}

/// The scores of one horizon month over all forecasts.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    pub month: usize,
    pub points: usize,
    pub active_coverage: f64,
    pub active_mae: f64,
    pub active_bias: f64,
    pub waiting_coverage: f64,
    pub waiting_mae: f64,
    pub waiting_bias: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    pub program: String,
    pub horizon: usize,
    pub runs: usize,
    pub seed: u64,
    /// The last day of the store's history: months after it cannot be checked.
    pub history_to: NaiveDate,
    pub origins: Vec<Origin>,
    pub by_month: Vec<Score>,
    /// Over every point checked.
    pub overall: Reliability,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap_or(d)
}

/// Backtest `program`'s forecasts against `store`.
pub fn backtest(
    program: &Program,
    store: &Store,
    ask: BacktestAsk,
    s: &Settings,
    ctx: &Ctx,
) -> Result<Backtest, AppError> {
    ctx.require(Need::Figures)?;
    let histories = store.histories(&program.spec.id, ask.until)?;
    let first = histories.iter().map(|c| c.referral_date).min();
    let last = histories
        .iter()
        .flat_map(|c| c.events.iter().map(|(on, _)| *on))
        .max();
    let all = history::timelines(histories);
    let (from, to) = period(ask, first, last)?;
    let history_to = last.expect("period() needs a history");
    let mut origins = Vec::new();
    let mut day = from;
    while day <= to {
        origins.push(one_origin(
            program,
            store,
            day,
            ask.horizon,
            &all,
            history_to,
            s,
            ctx,
        )?);
        day = day + chrono::Months::new(1);
    }
    let by_month = (0..ask.horizon)
        .map(|k| score(k, origins.iter().filter_map(|o| o.points.get(k))))
        .filter(|sc| sc.points > 0)
        .collect();
    let all_points: Vec<&Point> = origins.iter().flat_map(|o| &o.points).collect();
    let overall = score(0, all_points.iter().copied());
    Ok(Backtest {
        program: program.spec.id.clone(),
        horizon: ask.horizon,
        runs: s.runs,
        seed: s.seed,
        history_to,
        overall: Reliability {
            origins: origins.len(),
            points: overall.points,
            waiting_coverage: overall.waiting_coverage,
            waiting_mae: overall.waiting_mae,
            active_coverage: overall.active_coverage,
            active_mae: overall.active_mae,
        },
        origins,
        by_month,
    })
}

/// The reliability of forecasts made from `store` in the six months before `day`, checked
/// against what the store knew by then (at most six months ahead, fewer runs): `None` when the
/// history is too short to tell.
pub fn latest(
    program: &Program,
    store: &Store,
    day: NaiveDate,
    s: &Settings,
    ctx: &Ctx,
) -> Option<Reliability> {
    let ask = BacktestAsk {
        from: Some(day - chrono::Months::new(6)),
        to: Some(day - chrono::Months::new(1)),
        horizon: s.months.min(6),
        until: day.pred_opt(),
    };
    let settings = Settings {
        runs: s.runs.min(100),
        ..*s
    };
    backtest(program, store, ask, &settings, ctx)
        .ok()
        .map(|b| b.overall)
}

/// The forecast days: the asked ones, else from three months after the first referral to a
/// month before the end of the history; refused when none is left.
fn period(
    ask: BacktestAsk,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    let (Some(first), Some(last)) = (first, last) else {
        let today = ask.from.or(ask.to).unwrap_or(NaiveDate::MIN);
        return Err(SettingError::NothingToBacktest {
            from: ask.from.unwrap_or(today),
            to: ask.to.unwrap_or(today),
            history: None,
        }
        .into());
    };
    let earliest = first_of_month(first) + chrono::Months::new(MIN_MONTHS);
    let latest = first_of_month(last) - chrono::Months::new(1);
    let from = first_of_month(ask.from.unwrap_or(earliest)).max(earliest);
    let to = first_of_month(ask.to.unwrap_or(latest)).min(latest);
    if from > to {
        return Err(SettingError::NothingToBacktest {
            from: ask.from.unwrap_or(from),
            to: ask.to.unwrap_or(to),
            history: Some((first, last)),
        }
        .into());
    }
    Ok((from, to))
}

/// The forecast made on `day` and, for each horizon month the history covers, what happened.
#[allow(clippy::too_many_arguments)]
fn one_origin(
    program: &Program,
    store: &Store,
    day: NaiveDate,
    horizon: usize,
    all: &[Timeline],
    history_to: NaiveDate,
    s: &Settings,
    ctx: &Ctx,
) -> Result<Origin, AppError> {
    let settings = Settings {
        months: horizon,
        ..*s
    };
    let from_store = FromStore {
        store,
        from: day,
        history: None,
        ctx,
    };
    // Made at the start of `day`: what was dated that day or later is not known yet.
    let known = day.pred_opt().unwrap_or(day);
    let r = forecast::forecast_knowing(
        program,
        &Forecast::default(),
        Some((from_store, known)),
        &settings,
        &|_, _| {},
    )?;
    let points = r
        .summary
        .monthly
        .iter()
        .enumerate()
        .filter_map(|(k, m)| {
            let on = day + chrono::Months::new(k as u32 + 1);
            // What happened up to the day before `on`, as the store shows it now.
            (on <= history_to).then(|| {
                let seen = observed(all, on);
                Point {
                    month: k,
                    on,
                    active: seen.0,
                    active_p10: m.active_p10,
                    active_p50: m.active_p50,
                    active_p90: m.active_p90,
                    waiting: seen.1,
                    waiting_p10: m.waiting_p10,
                    waiting_p50: m.waiting_p50,
                    waiting_p90: m.waiting_p90,
                }
            })
        })
        .collect();
    Ok(Origin {
        from: day,
        version: r.version,
        points,
    })
}

/// The active and waiting cases at the start of `on`, from every case's whole timeline read
/// up to the day before.
fn observed(all: &[Timeline], on: NaiveDate) -> (f64, f64) {
    let before = on.pred_opt().unwrap_or(on);
    let (mut active, mut waiting) = (0.0, 0.0);
    for c in all {
        let finished = c.finished.as_ref().is_some_and(|(_, d)| *d <= before);
        if finished || c.referral_date.is_none_or(|r| r > before) {
            continue;
        }
        match (c.started_on, c.waiting_on) {
            (Some(s), _) if s <= before => active += 1.0,
            (_, Some(w)) if w <= before => waiting += 1.0,
            _ => {}
        }
    }
    (active, waiting)
}

/// Coverage, mean absolute error and bias of the points of one horizon month.
fn score<'a>(month: usize, points: impl Iterator<Item = &'a Point>) -> Score {
    let points: Vec<&Point> = points.collect();
    let n = points.len().max(1) as f64;
    let inside = |x: f64, lo: f64, hi: f64| f64::from(u8::from(lo <= x && x <= hi));
    let mean = |f: &dyn Fn(&Point) -> f64| points.iter().map(|p| f(p)).sum::<f64>() / n;
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    Score {
        month,
        points: points.len(),
        active_coverage: round(mean(&|p| inside(p.active, p.active_p10, p.active_p90))),
        active_mae: round(mean(&|p| (p.active_p50 - p.active).abs())),
        active_bias: round(mean(&|p| p.active_p50 - p.active)),
        waiting_coverage: round(mean(&|p| inside(p.waiting, p.waiting_p10, p.waiting_p90))),
        waiting_mae: round(mean(&|p| (p.waiting_p50 - p.waiting).abs())),
        waiting_bias: round(mean(&|p| p.waiting_p50 - p.waiting)),
    }
}
