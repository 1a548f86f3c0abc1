//! How much work one request may ask for, shared by every front end: each computing use case
//! estimates its work before it starts (simulated referrals = runs × expected referrals over
//! the horizon, plus the month-end bookkeeping) and refuses above the limit, naming the limit
//! and the estimate; it checks every number it is given for range and finiteness; and it
//! stops at a deadline. The server uses `Limits::SERVER`; the command line, on the user's own
//! machine, `Limits::COMMAND_LINE`, which a flag may raise.

use std::time::{Duration, Instant};

use super::error::{Setting, SettingError};

/// The work a request may ask for and how long it may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Simulated referrals (with month-end records) one request may ask for. Memory grows
    /// with this number (about 20 bytes each), so it bounds a request's memory too.
    pub simulated_work: u64,
    /// How long a computation may run before it is stopped.
    pub deadline: Option<Duration>,
}

impl Limits {
    /// A server shared by a team: about 40 MB and a few seconds per request at most.
    pub const SERVER: Limits = Limits {
        simulated_work: 2_000_000,
        deadline: Some(Duration::from_secs(20)),
    };
    /// One person's machine: fifty times more, no deadline (Ctrl-C stops it).
    pub const COMMAND_LINE: Limits = Limits {
        simulated_work: 100_000_000,
        deadline: None,
    };

    /// The moment work started now must stop.
    pub fn stop_at(&self) -> Option<Instant> {
        self.deadline.map(|d| Instant::now() + d)
    }

    /// Refuse work above the limit.
    pub fn admit(&self, estimate: f64) -> Result<(), SettingError> {
        // A NaN or infinite estimate (from a number that slipped through) is over any limit.
        if estimate.is_finite() && estimate <= self.simulated_work as f64 {
            Ok(())
        } else {
            Err(SettingError::TooMuchWork {
                estimate: if estimate.is_finite() {
                    estimate.round() as u64
                } else {
                    u64::MAX
                },
                limit: self.simulated_work,
            })
        }
    }

    /// The error for work stopped at the deadline.
    pub fn stopped(&self) -> SettingError {
        SettingError::DeadlinePassed {
            secs: self.deadline.map_or(0, |d| d.as_secs()),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::SERVER
    }
}

/// The range (both ends included) each number a person gives a forecast must fall in.
pub fn range_of(setting: Setting) -> (f64, f64) {
    match setting {
        // A tenth of an FTE (half a day a week) is the smallest share a team plans with; the
        // largest team any OCMW has is far below a thousand caseload FTE.
        Setting::Fte => (0.1, 1000.0),
        // From a hundredth to a hundred times the expected referrals.
        Setting::DemandFactor => (0.01, 100.0),
        // Clients per FTE.
        Setting::Norm => (1.0, 1000.0),
    }
}

/// `value` if it is a finite number inside the setting's range.
pub fn in_range(setting: Setting, value: Option<f64>) -> Result<Option<f64>, SettingError> {
    let Some(x) = value else { return Ok(None) };
    let (min, max) = range_of(setting);
    if x.is_finite() && x >= min && x <= max {
        Ok(Some(x))
    } else {
        Err(SettingError::OutOfRange {
            setting,
            given: x,
            min,
            max,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_outside_their_range_are_refused() {
        for bad in [-1.0, 0.0, 1e-300, 1e300, f64::NAN, f64::INFINITY] {
            assert!(in_range(Setting::Fte, Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(in_range(Setting::Fte, Some(2.5)), Ok(Some(2.5)));
        assert!(in_range(Setting::DemandFactor, Some(1e9)).is_err());
        assert_eq!(in_range(Setting::Norm, None), Ok(None));
    }

    #[test]
    fn work_above_the_limit_is_refused_with_both_numbers() {
        let l = Limits::SERVER;
        assert!(l.admit(1000.0).is_ok());
        assert_eq!(
            l.admit(3e6),
            Err(SettingError::TooMuchWork {
                estimate: 3_000_000,
                limit: 2_000_000
            })
        );
        assert!(l.admit(f64::NAN).is_err());
    }
}
