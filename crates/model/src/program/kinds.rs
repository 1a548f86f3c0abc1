//! The registry of built-in rule kinds: their names and the parameters each one takes. The
//! loader asks this registry to check every rule so a wrong kind or parameter is a located
//! load error ("did you mean"), never a surprise when a referral is checked.

use serde_json::Value;

use crate::diag::did_you_mean;
use crate::problem::{KindProblem, ListOf, ValueOf};
use crate::vocab::{BOOL_FIELDS, EDUCATION_LEVELS, INCOME_SUPPORT, RESIDENCE_STATUSES};

/// Every rule kind the engine knows; `expr` and `script` hand the decision to Rhai.
pub const KINDS: &[&str] = &[
    "min_age",
    "max_age",
    "nationality_in",
    "nationality_not_in",
    "residence_status_in",
    "residence_ocmw_in",
    "income_support_in",
    "flag_true",
    "flag_false",
    "language_level_at_least",
    "language_level_at_most",
    "education_in",
    "expr",
    "script",
];

/// Check a rule's parameters for its kind (the caller locates the problem).
pub fn check_params(
    kind: &str,
    field: Option<&str>,
    value: Option<&Value>,
) -> Result<(), KindProblem> {
    check_field(kind, field)?;
    let needs_value = |of: ValueOf| {
        Err(KindProblem::NeedsValue {
            kind: kind.to_string(),
            of,
        })
    };
    if let Some(checked) = check_list_kind(kind, value) {
        return checked;
    }
    match kind {
        "flag_true" | "flag_false" => match value {
            None => Ok(()),
            Some(_) => Err(KindProblem::TakesNoValue {
                kind: kind.to_string(),
            }),
        },
        "min_age" | "max_age" => match value.and_then(Value::as_u64) {
            Some(n) if n <= 130 => Ok(()),
            _ => needs_value(ValueOf::Years),
        },
        "language_level_at_least" | "language_level_at_most" => match value.and_then(Value::as_str)
        {
            Some(s) if crate::vocab::language_rank(s).is_some() => Ok(()),
            _ => needs_value(ValueOf::LanguageLevel),
        },
        "expr" => match value.and_then(Value::as_str) {
            Some(s) if !s.trim().is_empty() => Ok(()),
            _ => needs_value(ValueOf::Expression),
        },
        "script" => match value.and_then(Value::as_str) {
            Some(s) if !s.trim().is_empty() => Ok(()),
            _ => needs_value(ValueOf::ScriptName),
        },
        _ => Err(KindProblem::Unknown {
            kind: kind.to_string(),
            nearest: did_you_mean(kind, KINDS.iter().copied()).map(str::to_string),
        }),
    }
}

fn codes(list: &[&str]) -> ListOf {
    ListOf::Codes(list.iter().map(|c| c.to_string()).collect())
}

/// The kinds whose `value:` is a list of codes; `None` for the other kinds.
fn check_list_kind(kind: &str, value: Option<&Value>) -> Option<Result<(), KindProblem>> {
    Some(match kind {
        "nationality_in" | "nationality_not_in" => {
            list_of(value, kind, ListOf::CountryCodes, |s| {
                s == "EU" || (s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()))
            })
        }
        "residence_status_in" => list_of(value, kind, codes(RESIDENCE_STATUSES), |s| {
            RESIDENCE_STATUSES.contains(&s)
        }),
        "income_support_in" => list_of(value, kind, codes(INCOME_SUPPORT), |s| {
            INCOME_SUPPORT.contains(&s)
        }),
        "education_in" => list_of(value, kind, codes(EDUCATION_LEVELS), |s| {
            EDUCATION_LEVELS.contains(&s)
        }),
        "residence_ocmw_in" => list_of(value, kind, ListOf::OcmwNames, |s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
        }),
        _ => return None,
    })
}

/// Whether the rule's kind takes a `field:`, and that it names a yes/no referral field.
fn check_field(kind: &str, field: Option<&str>) -> Result<(), KindProblem> {
    let needs_field = matches!(kind, "flag_true" | "flag_false");
    let kind = kind.to_string();
    match (needs_field, field) {
        (true, None) => Err(KindProblem::NeedsField { kind }),
        (false, Some(_)) => Err(KindProblem::TakesNoField { kind }),
        (true, Some(f)) if !BOOL_FIELDS.contains(&f) => Err(KindProblem::NotYesNoField {
            field: f.to_string(),
            nearest: did_you_mean(f, BOOL_FIELDS.iter().copied()).map(str::to_string),
        }),
        _ => Ok(()),
    }
}

/// `value:` as a non-empty list of accepted items.
fn list_of(
    value: Option<&Value>,
    kind: &str,
    of: ListOf,
    ok: impl Fn(&str) -> bool,
) -> Result<(), KindProblem> {
    let kind = kind.to_string();
    let Some(items) = value.and_then(Value::as_array) else {
        return Err(KindProblem::NeedsList { kind, of });
    };
    if items.is_empty() {
        return Err(KindProblem::EmptyList { kind, of });
    }
    for item in items {
        match item.as_str() {
            Some(s) if ok(s) => {}
            _ => {
                return Err(KindProblem::ItemNotAccepted {
                    kind,
                    item: item.to_string(),
                    of,
                })
            }
        }
    }
    Ok(())
}
