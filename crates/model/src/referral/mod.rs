//! Referrals: the facts about one person that eligibility checks, cases, CSV batches and tests
//! judge, in the fields of the vocabulary (`crate::vocab`, documented for editors in
//! `schemas/referral.schema.json`).
//!
//! A referral is read from a YAML/JSON mapping or a CSV row into the typed `Referral`. Every
//! field is optional except `referral_date`: a missing fact makes a rule *unknown*, never
//! *failed*. Bad values are located errors (`file:line:col`, or CSV row and column).

pub mod batch;
pub mod mapping;
pub mod table;
mod value_error;

pub use value_error::{Holds, ValueError};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::Value;

use crate::diag::{did_you_mean, Diagnostic, LoadError, Pos};
use crate::problem::ReferralProblem;
use crate::yaml::{escape_segment, SpanIndex};

pub use crate::vocab::{
    bool_index, language_rank, FieldType, BOOL_FIELDS, EDUCATION_LEVELS, EU_MEMBERS, FIELDS,
    GENDERS, INCOME_SUPPORT, RESIDENCE_STATUSES,
};

/// A referral, typed. `None` means the fact is not known.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Referral {
    pub id: Option<String>,
    pub referral_date: Option<NaiveDate>,
    pub birth_date: Option<NaiveDate>,
    pub nationality: Option<String>,
    pub residence_status: Option<String>,
    pub residence_ocmw: Option<String>,
    pub income_support: Option<String>,
    pub language_level: Option<String>,
    pub education_level: Option<String>,
    pub gender: Option<String>,
    pub mother_tongue: Option<String>,
    pub contact_languages: Option<Vec<String>>,
    /// Yes/no fields, indexed like `BOOL_FIELDS`.
    #[serde(skip)]
    pub flags: [Option<bool>; BOOL_FIELDS.len()],
}

impl Referral {
    /// Age in whole years on the referral date.
    pub fn age(&self) -> Option<u32> {
        let (b, d) = (self.birth_date?, self.referral_date?);
        if d < b {
            return None;
        }
        let mut years = d.year() - b.year();
        if (d.month(), d.day()) < (b.month(), b.day()) {
            years -= 1;
        }
        Some(years as u32)
    }

    pub fn flag(&self, field: &str) -> Option<bool> {
        bool_index(field).and_then(|i| self.flags[i])
    }

    /// The value of a field as text, for explanations (`None` when missing).
    pub fn display(&self, field: &str) -> Option<String> {
        match field {
            "id" => self.id.clone(),
            "referral_date" => self.referral_date.map(|d| d.to_string()),
            "birth_date" => self.birth_date.map(|d| d.to_string()),
            "age" => self.age().map(|a| a.to_string()),
            "nationality" => self.nationality.clone(),
            "residence_status" => self.residence_status.clone(),
            "residence_ocmw" => self.residence_ocmw.clone(),
            "income_support" => self.income_support.clone(),
            "language_level" => self.language_level.clone(),
            "education_level" => self.education_level.clone(),
            "gender" => self.gender.clone(),
            "mother_tongue" => self.mother_tongue.clone(),
            "contact_languages" => self.contact_languages.as_ref().map(|l| l.join(";")),
            f => self.flag(f).map(|b| b.to_string()),
        }
    }

    /// Set one field from text (CSV cell or YAML scalar rendered as text). `Err` explains.
    pub fn set_text(&mut self, field: &str, ty: FieldType, text: &str) -> Result<(), ValueError> {
        let t = text.trim();
        match ty {
            FieldType::Text => self.set_string(field, t.to_string()),
            FieldType::Date => {
                let d = parse_date(t)?;
                match field {
                    "referral_date" => self.referral_date = Some(d),
                    _ => self.birth_date = Some(d),
                }
            }
            FieldType::Country => {
                let code = t.to_ascii_uppercase();
                if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
                    self.nationality = Some(code);
                } else {
                    return Err(ValueError::NotCountry(t.to_string()));
                }
            }
            FieldType::Language => {
                let code = t.to_ascii_lowercase();
                check_language(&code)?;
                self.mother_tongue = Some(code);
            }
            FieldType::LanguageList => {
                let list: Vec<String> = t
                    .split([';', ','])
                    .map(|s| s.trim().to_ascii_lowercase())
                    .filter(|s| !s.is_empty())
                    .collect();
                for l in &list {
                    check_language(l)?;
                }
                self.contact_languages = Some(list);
            }
            FieldType::Level => {
                // Belgian spreadsheets write the NT2 level with a decimal comma: 1,2.
                let level = t.replace(',', ".").to_ascii_uppercase();
                if language_rank(&level).is_none() {
                    return Err(ValueError::NotLevel(t.to_string()));
                }
                self.language_level = Some(level);
            }
            FieldType::Bool => {
                let b = crate::vocab::table::boolean(t).ok_or_else(|| ValueError::NotYesNo {
                    text: t.to_string(),
                    words: crate::vocab::table::boolean_words(),
                })?;
                self.flags[bool_index(field).expect("bool field listed")] = Some(b);
            }
            FieldType::Choice(choices) => {
                let code = choice_code(field, choices, t)?;
                self.set_string(field, code.to_string());
            }
            FieldType::OcmwName => self.residence_ocmw = Some(ocmw_name(field, t)?),
        }
        Ok(())
    }

    fn set_string(&mut self, field: &str, v: String) {
        match field {
            "id" => self.id = Some(v),
            "residence_status" => self.residence_status = Some(v),
            "income_support" => self.income_support = Some(v),
            "education_level" => self.education_level = Some(v),
            "gender" => self.gender = Some(v),
            _ => {}
        }
    }
}

/// The code a cell names for a coded field: the code, or a label or alias in nl/fr/en; else
/// an error with the nearest code by prefix, alias or spelling.
fn choice_code(
    field: &str,
    choices: &'static [&'static str],
    t: &str,
) -> Result<&'static str, ValueError> {
    crate::vocab::table::code_for(field, t)
        .and_then(|c| choices.iter().copied().find(|x| *x == c))
        .ok_or_else(|| {
            let near = crate::vocab::table::suggest(field, t);
            let nearest = near
                .first()
                .copied()
                .or_else(|| did_you_mean(t, choices.iter().copied()))
                .map(str::to_string);
            ValueError::NotChoice {
                text: t.to_string(),
                choices,
                nearest,
            }
        })
}

/// An OCMW as programmes name it: an alias of the vocabulary table (its name in another
/// language), else the text
/// in lower case without accents, spaces as hyphens.
fn ocmw_name(field: &str, t: &str) -> Result<String, ValueError> {
    let name = crate::vocab::table::code_for(field, t)
        .map(str::to_string)
        .unwrap_or_else(|| crate::vocab::table::fold(t).replace(' ', "-"));
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
    {
        return Err(ValueError::NotOcmw(t.to_string()));
    }
    Ok(name)
}

fn check_language(t: &str) -> Result<(), ValueError> {
    if t.len() == 2 && t.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(())
    } else {
        Err(ValueError::NotLanguage(t.to_string()))
    }
}

/// A date as Belgian offices write it: ISO `2023-04-12`, or day first `12/04/2023`,
/// `12-04-2023`, `12.04.2023`. An impossible date (`31/02/2023`) or a two-digit year
/// (`04/12/90`, ambiguous) is refused, never reinterpreted.
pub fn parse_date(t: &str) -> Result<NaiveDate, ValueError> {
    let t = t.trim();
    let b = t.as_bytes();
    let iso = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    if iso {
        // Read by hand: chrono's format parser was a tenth of a million-row batch.
        let number = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |n, c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        return match (number(0..4), number(5..7), number(8..10)) {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
            _ => None,
        }
        .ok_or_else(|| ValueError::NotRealDate(t.to_string()));
    }
    let sep = t.chars().find(|c| matches!(c, '/' | '-' | '.'));
    let parts: Vec<&str> = match sep {
        Some(s) => t.split(s).collect(),
        None => vec![],
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit());
    if parts.len() == 3
        && parts.iter().all(|p| digits(p))
        && parts[0].len() <= 2
        && parts[1].len() <= 2
    {
        if parts[2].len() != 4 {
            return Err(ValueError::TwoDigitYear {
                text: t.to_string(),
                year: parts[2].to_string(),
            });
        }
        let (d, m, y) = (
            parts[0].parse::<u32>(),
            parts[1].parse::<u32>(),
            parts[2].parse::<i32>(),
        );
        if let (Ok(d), Ok(m), Ok(y)) = (d, m, y) {
            return NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
                ValueError::ImpossibleDayFirst {
                    text: t.to_string(),
                    day: d,
                    month: m,
                }
            });
        }
    }
    Err(ValueError::NotADate(t.to_string()))
}

/// A referral as the case store keeps it (a JSON mapping it wrote itself), or `None` when it
/// no longer reads (erased, or written by a version that knew other fields).
pub fn from_stored(stored: &Value) -> Option<Referral> {
    from_value("case store", stored, &SpanIndex::default(), "").ok()
}

/// The same from the stored text.
pub fn from_stored_text(stored: &str) -> Option<Referral> {
    from_stored(&serde_json::from_str(stored).ok()?)
}

/// Read a referral from a parsed YAML/JSON mapping. `base` is the JSON pointer of the mapping
/// inside the document (empty for a whole file), so errors point into the right place.
pub fn from_value(
    file: &str,
    value: &Value,
    index: &SpanIndex,
    base: &str,
) -> Result<Referral, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let Some(map) = value.as_object() else {
        return Err(vec![not_a_mapping(file, index.locate(base))]);
    };
    let mut r = Referral::default();
    for (key, v) in map {
        let ptr = format!("{base}/{}", escape_segment(key));
        let Some((_, ty)) = FIELDS.iter().find(|(n, _)| n == key) else {
            errors.push(unknown_field(file, index.locate_key(&ptr), key));
            continue;
        };
        let place = index.locate(&ptr);
        let text = match field_text(file, place, key, *ty, v) {
            Ok(Some(text)) => text,
            Ok(None) => continue,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        if let Err(e) = r.set_text(key, *ty, &text) {
            let problem = ReferralProblem::Value {
                cell: None,
                field: None,
                error: e,
            };
            errors.push(Diagnostic::error(file, place.value, problem).with_width(place.width));
        }
    }
    if r.referral_date.is_none() && !map.contains_key("referral_date") {
        errors.push(no_referral_date(file, index.locate(base)));
    }
    if let (Some(b), Some(d)) = (r.birth_date, r.referral_date) {
        if b > d {
            let place = index.locate(&format!("{base}/birth_date"));
            let problem = ReferralProblem::BornAfter {
                cell: None,
                birth: b,
                referral: d,
            };
            errors.push(Diagnostic::error(file, place.value, problem).with_width(place.width));
        }
    }
    if errors.is_empty() {
        Ok(r)
    } else {
        errors.sort_by_key(|d| (d.line, d.col));
        Err(errors)
    }
}

fn not_a_mapping(file: &str, place: crate::yaml::Place) -> Diagnostic {
    Diagnostic::error(file, place.value, ReferralProblem::NotAMapping)
}

fn no_referral_date(file: &str, place: crate::yaml::Place) -> Diagnostic {
    Diagnostic::error(file, place.value, ReferralProblem::NoReferralDate)
}

/// An unknown key of a referral, with the field it most likely means.
fn unknown_field(file: &str, place: crate::yaml::Place, key: &str) -> Diagnostic {
    let problem = ReferralProblem::UnknownField {
        key: key.to_string(),
        nearest: did_you_mean(key, FIELDS.iter().map(|(n, _)| *n)).map(str::to_string),
    };
    Diagnostic::error(file, place.value, problem).with_width(key.chars().count())
}

/// The text of one referral value for its field (`None` for an empty value), or why the
/// value's YAML/JSON type does not fit the field.
fn field_text(
    file: &str,
    place: crate::yaml::Place,
    key: &str,
    ty: FieldType,
    v: &Value,
) -> Result<Option<String>, Diagnostic> {
    Ok(Some(match (ty, v) {
        (_, Value::Null) => return Ok(None),
        (FieldType::Bool, Value::Bool(b)) => b.to_string(),
        (FieldType::Bool, Value::String(s)) => s.clone(),
        (FieldType::Bool, _) => return Err(not_yes_no(file, place, key)),
        (FieldType::LanguageList, Value::Array(items)) => {
            let strs: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
            match strs {
                Some(s) => s.join(";"),
                None => return Err(not_language_codes(file, place, key)),
            }
        }
        (_, Value::String(s)) => s.clone(),
        (FieldType::Level, Value::Number(n)) => return Err(unquoted_level(file, place, key, n)),
        (_, other) => return Err(wrong_type(file, place, key, other)),
    }))
}

fn located(file: &str, place: crate::yaml::Place, problem: ReferralProblem) -> Diagnostic {
    Diagnostic::error(file, place.value, problem).with_width(place.width)
}

fn not_yes_no(file: &str, place: crate::yaml::Place, key: &str) -> Diagnostic {
    let problem = ReferralProblem::NotYesNo {
        key: key.to_string(),
    };
    located(file, place, problem)
}

fn not_language_codes(file: &str, place: crate::yaml::Place, key: &str) -> Diagnostic {
    let problem = ReferralProblem::NotLanguageCodes {
        key: key.to_string(),
    };
    located(file, place, problem)
}

fn unquoted_level(
    file: &str,
    place: crate::yaml::Place,
    key: &str,
    n: &serde_json::Number,
) -> Diagnostic {
    let problem = ReferralProblem::UnquotedLevel {
        key: key.to_string(),
        level: n.to_string(),
    };
    located(file, place, problem)
}

fn wrong_type(file: &str, place: crate::yaml::Place, key: &str, other: &Value) -> Diagnostic {
    let problem = ReferralProblem::WrongType {
        key: key.to_string(),
        found: other.clone(),
    };
    located(file, place, problem)
}

/// Read a referral file (YAML or JSON). Also returns where `referral_date` is written, for
/// errors about the date (no programme version in force).
pub fn read_file(path: &std::path::Path) -> Result<(Referral, Pos), LoadError> {
    let display = crate::diag::display_path(path);
    let fail = |d: Diagnostic, text: Option<&str>| {
        let e = LoadError::new(vec![d]);
        match text {
            Some(t) => e.with_source(&display, t),
            None => e,
        }
    };
    let bytes = std::fs::read(path).map_err(|e| {
        fail(
            Diagnostic::error(
                &display,
                Pos::new(1, 1),
                ReferralProblem::CannotRead {
                    reason: e.to_string(),
                },
            ),
            None,
        )
    })?;
    let text = crate::yaml::check_text(&display, &bytes).map_err(|d| fail(d, None))?;
    let doc = crate::yaml::parse(&display, text).map_err(|d| fail(d, Some(text)))?;
    let date_at = doc.index.locate("/referral_date").value;
    from_value(&display, &doc.value, &doc.index, "")
        .map(|r| (r, date_at))
        .map_err(|d| LoadError::new(d).with_source(&display, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_on_the_referral_date() {
        let mut r = Referral::default();
        r.set_text("birth_date", FieldType::Date, "2005-01-11")
            .unwrap();
        r.set_text("referral_date", FieldType::Date, "2023-01-10")
            .unwrap();
        assert_eq!(r.age(), Some(17));
        r.set_text("referral_date", FieldType::Date, "2023-01-11")
            .unwrap();
        assert_eq!(r.age(), Some(18));
    }

    #[test]
    fn impossible_dates_and_codes_are_refused() {
        let mut r = Referral::default();
        assert!(
            r.set_text("birth_date", FieldType::Date, "2023-02-30")
                .unwrap_err()
                == ValueError::NotRealDate("2023-02-30".into())
        );
        assert!(r
            .set_text("nationality", FieldType::Country, "Syria")
            .is_err());
        assert!(r.set_text("in_art60", FieldType::Bool, "maybe").is_err());
    }

    #[test]
    fn iso_dates_are_read_digit_by_digit() {
        assert_eq!(
            parse_date("2023-04-12"),
            Ok(NaiveDate::from_ymd_opt(2023, 4, 12).unwrap())
        );
        assert_eq!(
            parse_date("2024-02-29"),
            Ok(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
        );
        for bad in [
            "2023-02-29",
            "2023-13-01",
            "2023-00-10",
            "20a3-04-12",
            "2023-04-1x",
            "+023-04-12",
        ] {
            assert_eq!(
                parse_date(bad),
                Err(ValueError::NotRealDate(bad.to_string())),
                "{bad}"
            );
        }
    }
}
