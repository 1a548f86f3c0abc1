//! The registry of built-in rule kinds: their names and the parameters each one takes. The
//! loader asks this registry to check every rule so a wrong kind or parameter is a located
//! load error ("did you mean"), never a surprise when a referral is checked.

use serde_json::Value;

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

/// Check a rule's parameters for its kind. `Err` is the message; the caller locates it.
pub fn check_params(kind: &str, field: Option<&str>, value: Option<&Value>) -> Result<(), String> {
    let needs_field = matches!(kind, "flag_true" | "flag_false");
    match (needs_field, field) {
        (true, None) => {
            return Err(format!(
                "rule kind '{kind}' needs `field:` (a yes/no referral field such as in_art60)"
            ))
        }
        (false, Some(_)) => return Err(format!("rule kind '{kind}' takes no `field:`")),
        (true, Some(f)) if !BOOL_FIELDS.contains(&f) => {
            return Err(format!(
                "'{f}' is not a yes/no referral field{}",
                crate::diag::suggestion_suffix(f, BOOL_FIELDS.iter().copied())
            ))
        }
        _ => {}
    }
    match kind {
        "flag_true" | "flag_false" => match value {
            None => Ok(()),
            Some(_) => Err(format!("rule kind '{kind}' takes no `value:`")),
        },
        "min_age" | "max_age" => match value.and_then(Value::as_u64) {
            Some(n) if n <= 130 => Ok(()),
            _ => Err(format!("rule kind '{kind}' needs `value:` as a whole number of years, e.g. 18")),
        },
        "nationality_in" | "nationality_not_in" => list_of(value, kind, "ISO 3166-1 alpha-2 codes or EU, e.g. [EU] or [SY, AF]", |s| {
            s == "EU" || (s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()))
        }),
        "residence_status_in" => list_of(value, kind, &RESIDENCE_STATUSES.join(", "), |s| RESIDENCE_STATUSES.contains(&s)),
        "income_support_in" => list_of(value, kind, &INCOME_SUPPORT.join(", "), |s| INCOME_SUPPORT.contains(&s)),
        "education_in" => list_of(value, kind, &EDUCATION_LEVELS.join(", "), |s| EDUCATION_LEVELS.contains(&s)),
        "residence_ocmw_in" => list_of(value, kind, "lower-case OCMW names as referrals write residence_ocmw", |s| {
            !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
        }),
        "language_level_at_least" | "language_level_at_most" => match value.and_then(Value::as_str) {
            Some(s) if crate::vocab::language_rank(s).is_some() => Ok(()),
            _ => Err(format!(
                "rule kind '{kind}' needs `value:` as a language level in quotes: \"1.1\", \"1.2\", … or \"A1\", \"A2\", …"
            )),
        },
        "expr" => match value.and_then(Value::as_str) {
            Some(s) if !s.trim().is_empty() => Ok(()),
            _ => Err("rule kind 'expr' needs `value:` with a Rhai expression, e.g. \"age >= 18\"".into()),
        },
        "script" => match value.and_then(Value::as_str) {
            Some(s) if !s.trim().is_empty() => Ok(()),
            _ => Err("rule kind 'script' needs `value:` with a script name from scripts/ (without .rhai)".into()),
        },
        _ => Err(format!(
            "unknown rule kind '{kind}'{}",
            crate::diag::suggestion_suffix(kind, KINDS.iter().copied())
        )),
    }
}

fn list_of(
    value: Option<&Value>,
    kind: &str,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<(), String> {
    let Some(items) = value.and_then(Value::as_array) else {
        return Err(format!(
            "rule kind '{kind}' needs `value:` as a list of {what}"
        ));
    };
    if items.is_empty() {
        return Err(format!(
            "rule kind '{kind}' needs a non-empty list of {what}"
        ));
    }
    for item in items {
        match item.as_str() {
            Some(s) if ok(s) => {}
            _ => return Err(format!("{item} is not accepted by '{kind}': use {what}")),
        }
    }
    Ok(())
}
