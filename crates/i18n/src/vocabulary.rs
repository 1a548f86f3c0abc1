//! The labels of codes and programme terms in the reader's language, and the singular and
//! plural of the units traject counts in — read from the vocabulary table the model keeps
//! (`traject_model::vocab::table`, where offices' aliases are read too).

use traject_model::vocab::table::{self, Entry};

use super::Lang;

fn pick(e: &'static Entry, lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => &e.nl,
        Lang::Fr => &e.fr,
        Lang::En => &e.en,
    }
}

/// The label of a coded referral value, e.g. `income_support` `leefloon` in French.
pub fn field_value(field: &str, code: &str, lang: Lang) -> Option<&'static str> {
    table::field_value(field, code).map(|e| pick(e, lang))
}

/// The label of a programme term in one of the lists (`mode`, `module_kind`, `anchor`, …).
pub fn term(list: &str, code: &str, lang: Lang) -> Option<&'static str> {
    table::term(list, code).map(|e| pick(e, lang))
}

/// A code's label wherever it is found: referral values first, then programme terms.
pub fn any(code: &str, lang: Lang) -> Option<&'static str> {
    table::any(code).map(|e| pick(e, lang))
}

/// `n unit` with the unit's singular or plural form in `lang` ("1 fois", "2 heures").
pub fn count(n: f64, unit: &str, lang: Lang) -> String {
    let forms = table::unit_forms(unit).and_then(|u| u.get(lang.code()));
    let number = super::number(n, lang);
    match forms {
        Some([one, many]) => {
            if (n - 1.0).abs() < f64::EPSILON || (lang == Lang::Fr && n.abs() < 2.0) {
                format!("{number} {one}")
            } else {
                format!("{number} {many}")
            }
        }
        None => format!("{number} {unit}"),
    }
}

/// The plain unit word in `lang`, singular or plural.
pub fn unit(unit: &str, plural: bool, lang: Lang) -> String {
    table::unit_forms(unit)
        .and_then(|u| u.get(lang.code()))
        .map(|[one, many]| if plural { many.clone() } else { one.clone() })
        .unwrap_or_else(|| unit.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_plural_of_their_language() {
        assert_eq!(count(1.0, "time", Lang::Fr), "1 fois");
        assert_eq!(count(2.0, "hour", Lang::Fr), "2 heures");
        assert_eq!(count(1.0, "hour", Lang::Fr), "1 heure");
        assert_eq!(count(3.0, "month", Lang::Nl), "3 maanden");
        assert_eq!(count(1.0, "week", Lang::En), "1 week");
        assert_eq!(count(0.5, "day", Lang::Fr), "0,5 jour");
    }

    #[test]
    fn every_coded_field_has_labels_in_three_languages() {
        for (field, kind) in traject_model::vocab::FIELDS {
            if let traject_model::vocab::FieldType::Choice(codes) = kind {
                for c in *codes {
                    for lang in Lang::ALL {
                        assert!(field_value(field, c, lang).is_some(), "{field} {c} {lang}");
                    }
                }
            }
        }
    }
}
