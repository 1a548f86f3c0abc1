//! Durations as programme files write them: "3 months", "6 weeks", "1 day", "half day", "open".

use chrono::{Months, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Duration {
    /// No fixed end ("geen vaste duurtijd").
    Open,
    Fixed {
        amount: f64,
        unit: Unit,
    },
}

impl Duration {
    pub fn parse(text: &str) -> Result<Duration, String> {
        let t = text.trim();
        if t == "open" {
            return Ok(Duration::Open);
        }
        if t == "half day" {
            return Ok(Duration::Fixed {
                amount: 0.5,
                unit: Unit::Day,
            });
        }
        let (num, unit) = t.split_once(' ').ok_or_else(|| {
            format!("'{text}' is not a duration: write e.g. \"3 months\" or \"open\"")
        })?;
        let amount: f64 = num
            .parse()
            .map_err(|_| format!("'{num}' is not a number in duration '{text}'"))?;
        let unit = match unit {
            "hour" | "hours" => Unit::Hour,
            "day" | "days" => Unit::Day,
            "week" | "weeks" => Unit::Week,
            "month" | "months" => Unit::Month,
            "year" | "years" => Unit::Year,
            other => {
                return Err(format!(
                    "'{other}' is not a unit: use hours, days, weeks, months or years"
                ))
            }
        };
        if !(amount.is_finite() && amount >= 0.0) {
            return Err(format!("duration '{text}' must be zero or more"));
        }
        Ok(Duration::Fixed { amount, unit })
    }

    /// Approximate length in days (months as 365.25/12), for ordering and simulation.
    pub fn days(self) -> Option<f64> {
        match self {
            Duration::Open => None,
            Duration::Fixed { amount, unit } => Some(
                amount
                    * match unit {
                        Unit::Hour => 1.0 / 24.0,
                        Unit::Day => 1.0,
                        Unit::Week => 7.0,
                        Unit::Month => 365.25 / 12.0,
                        Unit::Year => 365.25,
                    },
            ),
        }
    }

    /// The calendar date this long after `date` (whole months and years count on the calendar).
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Duration::Open => None,
            Duration::Fixed {
                amount,
                unit: Unit::Month,
            } if amount.fract() == 0.0 => date.checked_add_months(Months::new(amount as u32)),
            Duration::Fixed {
                amount,
                unit: Unit::Year,
            } if amount.fract() == 0.0 => date.checked_add_months(Months::new(amount as u32 * 12)),
            d => date.checked_add_days(chrono::Days::new(d.days()?.round() as u64)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_months() {
        let d = NaiveDate::from_ymd_opt(2023, 2, 1).unwrap();
        assert_eq!(
            Duration::parse("4 months").unwrap().after(d),
            NaiveDate::from_ymd_opt(2023, 6, 1)
        );
        assert_eq!(
            Duration::parse("6 weeks").unwrap().after(d),
            NaiveDate::from_ymd_opt(2023, 3, 15)
        );
        assert!(Duration::parse("3 fortnights").is_err());
        assert_eq!(Duration::parse("open").unwrap(), Duration::Open);
    }
}
