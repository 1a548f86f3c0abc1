//! Forecasting caseload: the simulation of a programme version (waiting list and wait against
//! the per-FTE limit), the FTE solver for a target wait, and the textbook M/M/c mode that
//! checks the simulator against Erlang C.

use chrono::{Datelike, NaiveDate};

use super::error::{Setting, SettingError};
use super::limits::{in_range, range_of, Limits};
use super::{AppError, Ctx, Need};
use traject_model::diag::{did_you_mean, Diagnostic};
use traject_model::problem::ScenarioProblem;
use traject_model::program::model::Version;
use traject_model::program::LoadError;
use traject_model::program::Program;
use traject_sim::history;
use traject_sim::report::{FtePoint, MmcReport, ProgrammeReport, SolveReport, VersionSwitch};
use traject_sim::{self as sim, Config};
use traject_store::Store;

/// How long, how often and from which seed to simulate, and within which limits.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub months: usize,
    pub runs: usize,
    pub seed: u64,
    pub limits: Limits,
}

impl Settings {
    fn checked(&self) -> Result<(), SettingError> {
        if self.months == 0 || self.runs == 0 {
            return Err(SettingError::SimulationSize);
        }
        Ok(())
    }

    /// The run configuration; its deadline starts now.
    fn config(&self) -> Config {
        Config {
            months: self.months,
            runs: self.runs,
            seed: self.seed,
            warmup_months: 0,
            deadline: self.limits.stop_at(),
        }
    }

    /// Refuse a simulation of `model` above the work limit: the expected referrals over the
    /// horizon, the cases already there, and a record per month, times the runs.
    fn admit(&self, model: &sim::Model, evaluations: f64) -> Result<(), SettingError> {
        let referrals: f64 = (0..self.months)
            .map(|m| model.arrivals_in(m)[(model.start_month + m) % 12])
            .sum();
        let initial =
            (model.initial.active_remaining_days.len() + model.initial.waiting_days.len()) as f64;
        let per_run = referrals + initial + self.months as f64;
        self.limits.admit(per_run * self.runs as f64 * evaluations)
    }

    /// The runs, or the deadline's error if they were stopped there.
    fn finished(&self, results: Vec<sim::RunResult>) -> Result<Vec<sim::RunResult>, SettingError> {
        if results.iter().any(|r| r.stopped) {
            return Err(self.limits.stopped());
        }
        Ok(results)
    }
}

/// The simulation of a programme version from an empty start, with the programme's demand.
pub fn programme(
    program: &Program,
    version: Option<&str>,
    fte: Option<f64>,
    s: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ProgrammeReport, AppError> {
    let ask = Forecast {
        version: version.map(str::to_string),
        fte,
        ..Default::default()
    };
    forecast(program, &ask, None, s, progress)
}

/// A what-if: staff changes on given days, more or fewer referrals, another caseload norm.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    pub name: String,
    /// From this day on, this many FTE count for the caseload.
    pub fte_changes: Vec<(NaiveDate, f64)>,
    /// Referrals are this many times the expected number (1 when not given).
    pub demand_factor: Option<f64>,
    /// Another caseload norm per FTE.
    pub norm: Option<f64>,
}

/// What to forecast: a version, its staffing, a scenario.
#[derive(Debug, Clone, Default)]
pub struct Forecast {
    pub version: Option<String>,
    pub fte: Option<f64>,
    pub scenario: Scenario,
}

/// Where a forecast starts from the case store: the day, and the window of history the
/// demand is learnt from (default: the 24 months before that day). Reading the store needs a
/// role that may see figures.
#[derive(Clone, Copy)]
pub struct FromStore<'a> {
    pub store: &'a Store,
    pub from: NaiveDate,
    pub history: Option<(NaiveDate, NaiveDate)>,
    pub ctx: &'a Ctx,
}

impl FromStore<'_> {
    fn window(&self) -> (NaiveDate, NaiveDate) {
        self.history.unwrap_or_else(|| {
            let start = self.from - chrono::Months::new(24);
            (start, self.from.pred_opt().unwrap_or(self.from))
        })
    }
}

/// Forecast a programme version: from an empty start with the programme's demand, or — with
/// a store — from the cases as they stand on a day, with the demand learnt from the history.
/// Without `--version`, the version in force on that day, and each version coming into force
/// within the horizon takes over on its first day.
pub fn forecast(
    program: &Program,
    ask: &Forecast,
    store: Option<FromStore>,
    s: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ProgrammeReport, AppError> {
    let known = store.map(|f| f.from);
    forecast_knowing(program, ask, store.zip(known), s, progress)
}

/// `forecast`, from the store as it was known up to a day: the forecast day itself (what
/// happened on it counts), or the day before for a backtest that must not look ahead.
pub(crate) fn forecast_knowing(
    program: &Program,
    ask: &Forecast,
    store: Option<(FromStore, NaiveDate)>,
    s: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ProgrammeReport, AppError> {
    let cases = match store {
        Some((f, known)) => Some(cases_known(program, f, known)?),
        None => None,
    };
    forecast_from(program, ask, store.zip(cases.as_deref()), s, progress)
}

/// The programme's cases in the store as their events up to `known` show them.
pub(crate) fn cases_known(
    program: &Program,
    f: FromStore,
    known: NaiveDate,
) -> Result<Vec<history::Timeline>, AppError> {
    f.ctx.require(Need::Figures)?;
    Ok(history::timelines(
        f.store.histories(&program.spec.id, Some(known))?,
    ))
}

/// `forecast_knowing`, with the cases already read from the store (several forecasts from the
/// same day read them once).
pub(crate) fn forecast_from(
    program: &Program,
    ask: &Forecast,
    store: Option<((FromStore, NaiveDate), &[history::Timeline])>,
    s: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ProgrammeReport, AppError> {
    s.checked()?;
    checked_ask(ask)?;
    let v = match (ask.version.as_deref(), store) {
        (None, Some(((f, _), _))) => program
            .version_on(f.from)
            .or_else(|_| program.pick_version(None))?,
        (id, _) => program.pick_version(id)?,
    };
    let sc = &ask.scenario;
    let mut model = sim::model_with(v, ask.fte, sc.norm)?;
    let start = store.map_or(v.valid_from, |((f, _), _)| f.from);
    model.start_month = start.month0() as usize;
    let (report_start, calibration) = match store {
        Some(((f, _), cases)) => {
            let (snapshot, cal) = from_store(&mut model, v, f, cases);
            (Some(snapshot), Some(cal))
        }
        None => (None, None),
    };
    staff_over_time(&mut model, v, ask, start)?;
    let later_versions = if ask.version.is_none() {
        later_versions(&mut model, program, v, ask, (start, s.months))
    } else {
        Vec::new()
    };
    if let Some(factor) = sc.demand_factor {
        let profiles = std::iter::once(&mut model.arrivals_per_month)
            .chain(model.arrivals_from.iter_mut().map(|(_, a)| a));
        profiles.flatten().for_each(|a| *a *= factor);
    }
    s.admit(&model, 1.0)?;
    let cfg = s.config();
    let mut results = s.finished(sim::run_all(&model, &cfg, progress))?;
    let mut summary = sim::summarise(&model, &cfg, &mut results);
    drop(results);
    for (i, m) in summary.monthly.iter_mut().enumerate() {
        let month = start + chrono::Months::new(i as u32);
        m.calendar = Some(month.format("%Y-%m").to_string());
    }
    Ok(ProgrammeReport {
        program: program.spec.id.clone(),
        version: v.id.clone(),
        fte: ask.fte.unwrap_or_else(|| v.caseload_fte_on(start)),
        seed: s.seed,
        scenario: (!sc.name.is_empty()).then(|| sc.name.clone()),
        from: store.map(|((f, _), _)| f.from),
        start: report_start,
        calibration,
        later_versions,
        reliability: None,
        summary,
    })
}

/// The settings a person gave, each within its range.
fn checked_ask(ask: &Forecast) -> Result<(), AppError> {
    let sc = &ask.scenario;
    in_range(Setting::Fte, ask.fte)?;
    in_range(Setting::DemandFactor, sc.demand_factor)?;
    in_range(Setting::Norm, sc.norm)?;
    let (_, max_fte) = range_of(Setting::Fte);
    for (_, fte) in &sc.fte_changes {
        // A change to no staff at all is a scenario worth simulating; more than the range not.
        if !(fte.is_finite() && (0.0..=max_fte).contains(fte)) {
            let setting = Setting::Fte;
            let (given, min, max) = (*fte, 0.0, max_fte);
            return Err(SettingError::OutOfRange {
                setting,
                given,
                min,
                max,
            }
            .into());
        }
    }
    Ok(())
}

/// Start `model` from the store's cases: the caseload as it stood on the day, the demand learnt
/// from the window of history.
fn from_store(
    model: &mut sim::Model,
    v: &Version,
    f: FromStore,
    cases: &[history::Timeline],
) -> (history::Snapshot, history::Calibration) {
    let stay = sim::mean_service_days(model);
    let snapshot = history::snapshot(cases, f.from, stay);
    let (from, to) = f.window();
    let demand = v.demand.as_ref().expect("model_with checked the demand");
    let cal = history::calibrate(cases, from, to, demand);
    cal.apply(model);
    model.initial = sim::Initial {
        active_remaining_days: snapshot.active_remaining_days.clone(),
        waiting_days: snapshot.waiting_days.clone(),
    };
    (snapshot, cal)
}

/// The versions coming into force within `months` after `start`: from its first day each one's
/// capacity (unless the FTE is fixed for the run, with its own dated staff) and its demand
/// profile (as the programme states it) take over.
fn later_versions(
    model: &mut sim::Model,
    program: &Program,
    v: &Version,
    ask: &Forecast,
    (start, months): (NaiveDate, usize),
) -> Vec<VersionSwitch> {
    let end = start + chrono::Months::new(months as u32);
    let mut later: Vec<&Version> = program
        .spec
        .versions
        .iter()
        .filter(|x| x.valid_from > start.max(v.valid_from) && x.valid_from < end)
        .collect();
    later.sort_by_key(|x| x.valid_from);
    let norm = ask.scenario.norm;
    let mut switches = Vec::new();
    for x in later {
        let day = (x.valid_from - start).num_days() as f64;
        let capacity = capacity_on(x, norm, x.valid_from);
        if ask.fte.is_none() {
            if let Some(c) = capacity {
                model.capacity_changes.push((day, c));
            }
            let to = x.valid_to.unwrap_or(end).min(end);
            for d in x.staffing_changes(x.valid_from, to) {
                if let Some(c) = capacity_on(x, norm, d) {
                    model
                        .capacity_changes
                        .push(((d - start).num_days() as f64, c));
                }
            }
        }
        // Its demand profile, and its tracks for the cases that start from then on.
        if let Some(d) = &x.demand {
            let month = (day / sim::MONTH_DAYS) as usize;
            model.arrivals_from.push((month, sim::arrivals_of(d)));
            model.service_from.push((day, sim::service_of(x, d)));
        }
        switches.push(VersionSwitch {
            version: x.id.clone(),
            from: x.valid_from,
            capacity,
        });
    }
    model.capacity_changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    switches
}

/// The capacity on the first day and its changes after: the version's dated staffing steps
/// (unless the FTE is fixed for the run) and the scenario's staff changes.
fn staff_over_time(
    model: &mut sim::Model,
    v: &Version,
    ask: &Forecast,
    start: NaiveDate,
) -> Result<(), AppError> {
    let sc = &ask.scenario;
    if ask.fte.is_none() {
        if let Some(c) = capacity_on(v, sc.norm, start) {
            model.capacity = c;
        }
    }
    model.capacity_changes = capacity_changes(v, sc, start, ask.fte.is_none())?;
    Ok(())
}

/// The capacity on `day` with the staff in force that day (a norm tried instead of the
/// programme's counts alone, like `sim::model_with`).
fn capacity_on(v: &Version, norm: Option<f64>, day: NaiveDate) -> Option<u32> {
    match (norm, v.capacity_limit_on(day)) {
        (None, Some(c)) => Some(c),
        _ => sim::norm_of(v, norm).map(|n| (v.caseload_fte_on(day) * n + 1e-9).floor() as u32),
    }
}

/// Staff changes as (day of the simulation, capacity from then on): the version's dated
/// staffing steps after `start` (unless the FTE is fixed for the run), then the scenario's.
fn capacity_changes(
    v: &Version,
    sc: &Scenario,
    start: NaiveDate,
    dated_staff: bool,
) -> Result<Vec<(f64, u32)>, AppError> {
    let day_of = |d: NaiveDate| (d - start).num_days().max(0) as f64;
    let mut changes: Vec<(f64, u32)> = Vec::new();
    if dated_staff {
        let end = v.valid_to.unwrap_or(NaiveDate::MAX);
        for d in v.staffing_changes(start, end) {
            if let Some(c) = capacity_on(v, sc.norm, d) {
                changes.push((day_of(d), c));
            }
        }
    }
    if !sc.fte_changes.is_empty() {
        let norm = sim::norm_of(v, sc.norm).ok_or(sim::ModelError::NoNorm {
            version: v.id.clone(),
        })?;
        changes.extend(
            sc.fte_changes
                .iter()
                .map(|(day, fte)| (day_of(*day), (fte * norm + 1e-9).floor() as u32)),
        );
    }
    // Stable: on one day the scenario's change, listed last, wins.
    changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(changes)
}

/// Several scenarios side by side, on the same random numbers (the same seed), so that the
/// differences are the scenarios', not chance.
pub fn compare(
    program: &Program,
    base: &Forecast,
    scenarios: &[Scenario],
    store: Option<FromStore>,
    s: &Settings,
) -> Result<Vec<ProgrammeReport>, AppError> {
    scenarios
        .iter()
        .map(|sc| {
            let ask = Forecast {
                scenario: sc.clone(),
                ..base.clone()
            };
            forecast(program, &ask, store, s, &|_, _| {})
        })
        .collect()
}

/// The demand a programme's case store shows over a window (default: the 24 months up to the
/// day before `on`), figure by figure, with the programme's values where the history is thin.
pub fn demand(
    program: &Program,
    version: Option<&str>,
    store: FromStore,
) -> Result<history::Calibration, AppError> {
    store.ctx.require(Need::Figures)?;
    let v = program.pick_version(version)?;
    let demand = v.demand.as_ref().ok_or(sim::ModelError::NoDemand {
        version: v.id.clone(),
    })?;
    let cases = history::timelines(store.store.histories(&program.spec.id, Some(store.from))?);
    let (from, to) = store.window();
    Ok(history::calibrate(&cases, from, to, demand))
}

/// The largest staffing the solver tries, in tenths of an FTE.
const MAX_TENTHS: u32 = 1000;
/// Evaluations the solver needs at most: doubling from 1 to MAX_TENTHS, then bisecting.
const SOLVER_EVALUATIONS: f64 = 21.0;

/// Smallest FTE on a 0.1 grid whose `quantile` wait stays under `max_wait_days`. Searches by
/// doubling then bisection (waits fall as FTE rises), and reports every point it tried.
pub fn solve_fte(
    program: &Program,
    version: Option<&str>,
    max_wait_days: f64,
    quantile: f64,
    s: &Settings,
) -> Result<SolveReport, AppError> {
    solve_fte_scaled(program, version, max_wait_days, quantile, 1.0, s)
}

/// `solve_fte` with the version's referrals per month times `demand_factor` (a proposed
/// version that admits a different share of them).
pub fn solve_fte_scaled(
    program: &Program,
    version: Option<&str>,
    max_wait_days: f64,
    quantile: f64,
    demand_factor: f64,
    s: &Settings,
) -> Result<SolveReport, AppError> {
    s.checked()?;
    in_range(Setting::DemandFactor, Some(demand_factor))?;
    let scaled = |mut model: sim::Model| {
        model
            .arrivals_per_month
            .iter_mut()
            .for_each(|a| *a *= demand_factor);
        model
    };
    if !(0.0..=1.0).contains(&quantile) {
        return Err(SettingError::SimulationSize.into());
    }
    let v = program.pick_version(version)?;
    // The referrals do not depend on the staffing: one estimate, times the evaluations the
    // search may need (doubling up to MAX_TENTHS, then bisecting).
    s.admit(&scaled(sim::model_for(v, Some(1.0))?), SOLVER_EVALUATIONS)?;
    let cfg = s.config();
    let mut curve: Vec<FtePoint> = Vec::new();
    let eval = |tenths: u32, curve: &mut Vec<FtePoint>| -> Result<bool, AppError> {
        if let Some(p) = curve
            .iter()
            .find(|p| (p.fte * 10.0).round() as u32 == tenths)
        {
            return Ok(p.meets);
        }
        let fte = tenths as f64 / 10.0;
        let model = scaled(sim::model_for(v, Some(fte))?);
        let results = s.finished(sim::run_all(&model, &cfg, &|_, _| {}))?;
        let mut waits: Vec<f64> = results
            .iter()
            .flat_map(|r| r.waits.iter().copied())
            .collect();
        waits.sort_by(f64::total_cmp);
        let w = sim::percentile(&waits, quantile);
        let meets = w <= max_wait_days;
        curve.push(FtePoint {
            fte,
            capacity: model.capacity,
            wait_days: (w * 10.0).round() / 10.0,
            meets,
        });
        Ok(meets)
    };
    let report = |fte: Option<f64>, mut curve: Vec<FtePoint>| {
        curve.sort_by(|a, b| a.fte.total_cmp(&b.fte));
        SolveReport {
            program: program.spec.id.clone(),
            version: v.id.clone(),
            max_wait_days,
            quantile,
            runs: s.runs,
            months: s.months,
            seed: s.seed,
            fte,
            curve,
        }
    };
    let (mut lo, mut hi) = (0u32, 1u32);
    while !eval(hi, &mut curve)? {
        lo = hi;
        hi *= 2;
        if hi > MAX_TENTHS {
            return Ok(report(None, curve));
        }
    }
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if eval(mid, &mut curve)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(report(Some(hi as f64 / 10.0), curve))
}

/// M/M/c: Poisson arrivals (`lambda` per month), exponential durations (`mu` per month), `c`
/// slots, FIFO; the first tenth of the months is warm-up and left out of the statistics.
pub fn mmc(
    lambda: f64,
    mu: f64,
    c: u32,
    s: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<MmcReport, AppError> {
    s.checked()?;
    if !(lambda.is_finite() && mu.is_finite() && lambda > 0.0 && mu > 0.0 && c > 0) {
        return Err(SettingError::QueueRates.into());
    }
    // Work: the arrivals of every run, and a heap of `c` servers per run.
    s.limits
        .admit((lambda * s.months as f64 + c as f64) * s.runs as f64)?;
    let cfg = Config {
        months: s.months,
        runs: s.runs,
        seed: s.seed,
        warmup_months: s.months / 10,
        deadline: s.limits.stop_at(),
    };
    let t = sim::mmc_recursion(lambda, mu, c, &cfg, progress);
    if t.stopped {
        return Err(s.limits.stopped().into());
    }
    let theory = sim::erlang_c(lambda, mu, c);
    let share = |a: f64, b: u64| if b == 0 { 0.0 } else { a / b as f64 };
    let round4 = |x: f64| (x * 10_000.0).round() / 10_000.0;
    Ok(MmcReport {
        model: "M/M/c",
        arrival_rate: lambda,
        service_rate: mu,
        servers: c,
        utilisation_offered: lambda / (mu * c as f64),
        runs: s.runs,
        months: s.months,
        warmup_months: cfg.warmup_months,
        seed: s.seed,
        customers: t.customers,
        mean_wait_days: round4(share(t.wait_days, t.customers)),
        prob_wait: round4(share(t.waited as f64, t.customers)),
        erlang_c_mean_wait_days: theory
            .map(|t| (t.1 * sim::MONTH_DAYS * 10_000.0).round() / 10_000.0),
        erlang_c_prob_wait: theory.map(|t| (t.0 * 10_000.0).round() / 10_000.0),
        events: t.events,
    })
}

/// Scenarios from a file (YAML or JSON) for `--compare`:
///
/// ```yaml
/// scenarios:
///   - name: as planned
///   - name: half an FTE less from June
///     fte_change: {2024-06-01: 1.5}
///   - name: a fifth more referrals
///     demand_factor: 1.2
///     norm: 18
/// ```
pub fn read_scenarios(file: &str, bytes: &[u8]) -> Result<Vec<Scenario>, LoadError> {
    let located = |d: Diagnostic, text: &str| LoadError::new(vec![d]).with_source(file, text);
    let text = traject_model::yaml::check_text(file, bytes).map_err(|d| LoadError::new(vec![d]))?;
    let doc = traject_model::yaml::parse(file, text).map_err(|d| located(d, text))?;
    let mut errors = Vec::new();
    // A pointer ending in `#` names a key (an unknown key, a bad date): point at the key.
    let err = |ptr: &str, problem: ScenarioProblem| {
        let at = match ptr.strip_suffix('#') {
            Some(key) => doc.index.locate_key(key).value,
            None => doc.index.locate(ptr).value,
        };
        Diagnostic::error(file, at, problem)
    };
    let Some(list) = doc.value.get("scenarios").and_then(|s| s.as_array()) else {
        return Err(located(err("", ScenarioProblem::NoScenarios), text));
    };
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let ptr = format!("/scenarios/{i}");
        match scenario_of(item, &ptr, &err) {
            Ok(sc) => out.push(sc),
            Err(ds) => errors.extend(ds),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(LoadError::new(errors).with_source(file, text))
    }
}

const SCENARIO_KEYS: [&str; 4] = ["name", "fte_change", "demand_factor", "norm"];

/// `fte_change: {DATE: FTE, …}` into the scenario, or its problems into `errors`.
fn fte_changes(
    changes: &serde_json::Value,
    cptr: &str,
    err: &dyn Fn(&str, ScenarioProblem) -> Diagnostic,
    sc: &mut Scenario,
    errors: &mut Vec<Diagnostic>,
) {
    let Some(map) = changes.as_object() else {
        return errors.push(err(cptr, ScenarioProblem::FteChangeNotMap));
    };
    for (day, fte) in map {
        match (day.parse::<NaiveDate>(), fte.as_f64().filter(|f| *f >= 0.0)) {
            (Ok(d), Some(f)) => sc.fte_changes.push((d, f)),
            _ => errors.push(err(
                &format!("{cptr}/{day}#"),
                ScenarioProblem::BadFteChange {
                    day: day.clone(),
                    fte: fte.to_string(),
                },
            )),
        }
    }
}

/// One scenario at `ptr`, or every problem in it.
fn scenario_of(
    item: &serde_json::Value,
    ptr: &str,
    err: &dyn Fn(&str, ScenarioProblem) -> Diagnostic,
) -> Result<Scenario, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let Some(map) = item.as_object() else {
        return Err(vec![err(ptr, ScenarioProblem::NotAMapping)]);
    };
    for k in map.keys().filter(|k| !SCENARIO_KEYS.contains(&k.as_str())) {
        let problem = ScenarioProblem::UnknownKey {
            key: k.clone(),
            allowed: SCENARIO_KEYS.iter().map(|k| k.to_string()).collect(),
            nearest: did_you_mean(k, SCENARIO_KEYS).map(str::to_string),
        };
        errors.push(err(&format!("{ptr}/{k}#"), problem));
    }
    let mut sc = Scenario {
        name: map
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_string(),
        ..Default::default()
    };
    if sc.name.is_empty() {
        errors.push(err(ptr, ScenarioProblem::NoName));
    }
    let positive = |key: &str| -> Result<Option<f64>, Diagnostic> {
        match map.get(key) {
            None => Ok(None),
            Some(v) => v.as_f64().filter(|x| *x > 0.0).map(Some).ok_or_else(|| {
                err(
                    &format!("{ptr}/{key}"),
                    ScenarioProblem::BadFactor {
                        key: key.to_string(),
                    },
                )
            }),
        }
    };
    match (positive("demand_factor"), positive("norm")) {
        (Ok(f), Ok(n)) => (sc.demand_factor, sc.norm) = (f, n),
        (f, n) => errors.extend(f.err().into_iter().chain(n.err())),
    }
    if let Some(changes) = map.get("fte_change") {
        fte_changes(
            changes,
            &format!("{ptr}/fte_change"),
            err,
            &mut sc,
            &mut errors,
        );
    }
    if errors.is_empty() {
        Ok(sc)
    } else {
        Err(errors)
    }
}

/// The largest simulation a front end serving many people runs per request.
pub const WHAT_IF_MAX_RUNS: usize = 1000;
pub const WHAT_IF_MAX_MONTHS: usize = 120;

/// A what-if for anyone who may see figures: a programme version simulated with another
/// staffing or demand, bounded in size (`WHAT_IF_MAX_RUNS` × `WHAT_IF_MAX_MONTHS`).
pub fn what_if(
    program: &Program,
    ask: &Forecast,
    s: &Settings,
    ctx: &Ctx,
) -> Result<ProgrammeReport, AppError> {
    ctx.require(super::Need::Figures)?;
    if s.runs > WHAT_IF_MAX_RUNS || s.months > WHAT_IF_MAX_MONTHS {
        return Err(SettingError::WhatIfSize {
            runs: WHAT_IF_MAX_RUNS,
            months: WHAT_IF_MAX_MONTHS,
        }
        .into());
    }
    forecast(program, ask, None, s, &|_, _| {})
}
