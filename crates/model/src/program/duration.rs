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

/// Why a text is not a duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    /// No blank between a number and a unit.
    NoUnit {
        text: String,
    },
    NotANumber {
        number: String,
        text: String,
    },
    UnknownUnit {
        unit: String,
    },
    Negative {
        text: String,
    },
}

/// The facts of a bad duration, for serde's error channel (the loader locates it; the
/// programme schema refuses such texts before they get here).
impl std::fmt::Display for DurationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DurationError::NoUnit { text } => write!(
                f,
                "'{text}' is not a duration: write e.g. \"3 months\" or \"open\""
            ),
            DurationError::NotANumber { number, text } => {
                write!(f, "'{number}' is not a number in duration '{text}'")
            }
            DurationError::UnknownUnit { unit } => write!(
                f,
                "'{unit}' is not a unit: use hours, days, weeks, months or years"
            ),
            DurationError::Negative { text } => write!(f, "duration '{text}' must be zero or more"),
        }
    }
}

impl Unit {
    /// The unit's word in programme files, singular.
    pub fn code(self) -> &'static str {
        match self {
            Unit::Hour => "hour",
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Year => "year",
        }
    }
}

impl Duration {
    pub fn parse(text: &str) -> Result<Duration, DurationError> {
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
        let (num, unit) = t.split_once(' ').ok_or_else(|| DurationError::NoUnit {
            text: text.to_string(),
        })?;
        let amount: f64 = num.parse().map_err(|_| DurationError::NotANumber {
            number: num.to_string(),
            text: text.to_string(),
        })?;
        let unit = match unit {
            "hour" | "hours" => Unit::Hour,
            "day" | "days" => Unit::Day,
            "week" | "weeks" => Unit::Week,
            "month" | "months" => Unit::Month,
            "year" | "years" => Unit::Year,
            other => {
                return Err(DurationError::UnknownUnit {
                    unit: other.to_string(),
                })
            }
        };
        if !(amount.is_finite() && amount >= 0.0) {
            return Err(DurationError::Negative {
                text: text.to_string(),
            });
        }
        Ok(Duration::Fixed { amount, unit })
    }

    /// Whether it has a fixed length.
    pub fn is_fixed(self) -> bool {
        matches!(self, Duration::Fixed { .. })
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

/// As programme files write it: "3 months", "1 week", "half day", "open".
impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Duration::Open => f.write_str("open"),
            Duration::Fixed {
                amount: 0.5,
                unit: Unit::Day,
            } => f.write_str("half day"),
            Duration::Fixed { amount, unit } => {
                let plural = if amount == 1.0 { "" } else { "s" };
                write!(f, "{amount} {}{plural}", unit.code())
            }
        }
    }
}

impl serde::Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Duration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Duration::parse(&text).map_err(serde::de::Error::custom)
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
        for text in ["3 months", "1 week", "half day", "open", "1.5 days"] {
            assert_eq!(Duration::parse(text).unwrap().to_string(), text);
        }
    }
}
