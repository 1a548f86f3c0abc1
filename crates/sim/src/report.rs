//! Simulation output: JSON for tools, text and CSV for people and spreadsheets, and a
//! self-contained HTML report with SVG charts (active cases with their p10–p90 band against the
//! capacity line, the waiting list, and the distribution of waits).

use serde::Serialize;

use super::history::{Calibration, Snapshot};
use super::Summary;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeReport {
    pub program: String,
    pub version: String,
    pub fte: f64,
    pub seed: u64,
    /// The scenario's name, in a comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// The first day simulated, when the forecast starts from the case store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<chrono::NaiveDate>,
    /// The caseload on that day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Snapshot>,
    /// The demand learnt from the case store, figure by figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
    /// Versions that come into force within the horizon: their capacity and demand profile
    /// take over from their first day.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub later_versions: Vec<VersionSwitch>,
    /// How well forecasts from this store did lately (`traject backtest`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reliability: Option<Reliability>,
    #[serde(flatten)]
    pub summary: Summary,
}

/// A version taking over within a forecast's horizon.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionSwitch {
    pub version: String,
    pub from: chrono::NaiveDate,
    pub capacity: Option<u32>,
}

/// A backtest's verdict on the waiting list, over the horizon months it could check: the share
/// of observed values inside the p10–p90 band and the mean absolute error of the median.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reliability {
    pub origins: usize,
    pub points: usize,
    pub waiting_coverage: f64,
    pub waiting_mae: f64,
    pub active_coverage: f64,
    pub active_mae: f64,
}

/// One point of the FTE solver's search.
#[derive(Debug, Clone, Serialize)]
pub struct FtePoint {
    pub fte: f64,
    pub capacity: u32,
    pub wait_days: f64,
    pub meets: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SolveReport {
    pub program: String,
    pub version: String,
    pub max_wait_days: f64,
    pub quantile: f64,
    pub runs: usize,
    pub months: usize,
    pub seed: u64,
    /// The smallest FTE (0.1 steps) that keeps the quantile wait under the maximum.
    pub fte: Option<f64>,
    pub curve: Vec<FtePoint>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MmcReport {
    pub model: &'static str,
    pub arrival_rate: f64,
    pub service_rate: f64,
    pub servers: u32,
    pub utilisation_offered: f64,
    pub runs: usize,
    pub months: usize,
    pub warmup_months: usize,
    pub seed: u64,
    pub customers: u64,
    pub mean_wait_days: f64,
    pub prob_wait: f64,
    pub erlang_c_mean_wait_days: Option<f64>,
    pub erlang_c_prob_wait: Option<f64>,
    pub events: u64,
}
