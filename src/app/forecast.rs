//! Forecasting caseload: the simulation of a programme version (waiting list and wait against
//! the per-FTE limit), the FTE solver for a target wait, and the textbook M/M/c mode that
//! checks the simulator against Erlang C.

use super::error::SettingError;
use super::AppError;
use crate::program::Program;
use crate::sim::report::{FtePoint, MmcReport, ProgrammeReport, SolveReport};
use crate::sim::{self, Config, Model, Service};

/// How long, how often and from which seed to simulate.
pub struct Settings {
    pub months: usize,
    pub runs: usize,
    pub seed: u64,
}

impl Settings {
    fn checked(&self) -> Result<(), SettingError> {
        if self.months == 0 || self.runs == 0 {
            return Err(SettingError::SimulationSize);
        }
        Ok(())
    }

    fn config(&self) -> Config {
        Config {
            months: self.months,
            runs: self.runs,
            seed: self.seed,
            warmup_months: 0,
        }
    }
}

pub fn programme(
    program: &Program,
    version: Option<&str>,
    fte: Option<f64>,
    s: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ProgrammeReport, AppError> {
    s.checked()?;
    let v = program.pick_version(version)?;
    let model = sim::model_for(v, fte)?;
    let cfg = s.config();
    let results = sim::run_all(&model, &cfg, progress);
    Ok(ProgrammeReport {
        program: program.spec.id.clone(),
        version: v.id.clone(),
        fte: fte.unwrap_or_else(|| v.caseload_fte()),
        seed: s.seed,
        summary: sim::summarise(&model, &cfg, &results),
    })
}

/// Smallest FTE on a 0.1 grid whose `quantile` wait stays under `max_wait_days`. Searches by
/// doubling then bisection (waits fall as FTE rises), and reports every point it tried.
pub fn solve_fte(
    program: &Program,
    version: Option<&str>,
    max_wait_days: f64,
    quantile: f64,
    s: &Settings,
) -> Result<SolveReport, AppError> {
    s.checked()?;
    if !(0.0..=1.0).contains(&quantile) {
        return Err(SettingError::SimulationSize.into());
    }
    let v = program.pick_version(version)?;
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
        let model = sim::model_for(v, Some(fte))?;
        let results = sim::run_all(&model, &cfg, &|_, _| {});
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
    let (mut lo, mut hi) = (0u32, 1u32);
    const MAX_TENTHS: u32 = 1000;
    while !eval(hi, &mut curve)? {
        lo = hi;
        hi *= 2;
        if hi > MAX_TENTHS {
            curve.sort_by(|a, b| a.fte.total_cmp(&b.fte));
            return Ok(SolveReport {
                program: program.spec.id.clone(),
                version: v.id.clone(),
                max_wait_days,
                quantile,
                runs: s.runs,
                months: s.months,
                seed: s.seed,
                fte: None,
                curve,
            });
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
    curve.sort_by(|a, b| a.fte.total_cmp(&b.fte));
    Ok(SolveReport {
        program: program.spec.id.clone(),
        version: v.id.clone(),
        max_wait_days,
        quantile,
        runs: s.runs,
        months: s.months,
        seed: s.seed,
        fte: Some(hi as f64 / 10.0),
        curve,
    })
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
    if !(lambda > 0.0 && mu > 0.0 && c > 0) {
        return Err(SettingError::QueueRates.into());
    }
    let model = Model {
        capacity: c,
        arrivals_per_month: [lambda; 12],
        start_month: 0,
        not_started_share: 0.0,
        service: Service::Exponential(mu),
        dropout_rate: 0.0,
        extension: None,
        reneging: None,
    };
    let cfg = Config {
        months: s.months,
        runs: s.runs,
        seed: s.seed,
        warmup_months: s.months / 10,
    };
    let results = sim::run_all(&model, &cfg, progress);
    let summary = sim::summarise(&model, &cfg, &results);
    let theory = sim::erlang_c(lambda, mu, c);
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
        customers: summary.started,
        mean_wait_days: summary.mean_wait_days,
        prob_wait: summary.prob_wait,
        erlang_c_mean_wait_days: theory
            .map(|t| (t.1 * sim::MONTH_DAYS * 10_000.0).round() / 10_000.0),
        erlang_c_prob_wait: theory.map(|t| (t.0 * 10_000.0).round() / 10_000.0),
        events: summary.events,
    })
}
