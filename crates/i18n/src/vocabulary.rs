//! The vocabulary in words: each referral field's name, the labels of codes and programme terms
//! in the reader's language, and the singular and plural of the units traject counts in — the
//! codes and labels read from the vocabulary table the model keeps (`traject_model::vocab`,
//! where offices' aliases are read too), the field names kept here for forms and pages (codes
//! stay the keys in files and the API).

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

/// (code, nl, fr, en)
type Words = (&'static str, &'static str, &'static str, &'static str);

const FIELD_WORDS: &[Words] = &[
    ("id", "Dossiernummer", "Numéro de dossier", "Dossier number"),
    (
        "referral_date",
        "Datum doorverwijzing",
        "Date d'orientation",
        "Referral date",
    ),
    (
        "birth_date",
        "Geboortedatum",
        "Date de naissance",
        "Birth date",
    ),
    (
        "nationality",
        "Nationaliteit (ISO-code, bv. SY)",
        "Nationalité (code ISO, p. ex. SY)",
        "Nationality (ISO code, e.g. SY)",
    ),
    (
        "residence_status",
        "Verblijfsstatus",
        "Statut de séjour",
        "Residence status",
    ),
    (
        "residence_ocmw",
        "OCMW van verblijf",
        "CPAS de résidence",
        "OCMW of residence",
    ),
    ("income_support", "Inkomen", "Revenu", "Income support"),
    (
        "in_contact_with_ocmw_service",
        "In contact met een OCMW-dienst",
        "En contact avec un service du CPAS",
        "In contact with an OCMW service",
    ),
    (
        "in_art60",
        "In art. 60-tewerkstelling",
        "En mise à l'emploi art. 60",
        "In an art. 60 job",
    ),
    (
        "civic_orientation_completed",
        "Maatschappelijke oriëntatie gevolgd",
        "Parcours d'intégration suivi",
        "Civic orientation completed",
    ),
    (
        "language_level",
        "Taalniveau (bv. 1.2 of A2)",
        "Niveau de langue (p. ex. 1.2 ou A2)",
        "Language level (e.g. 1.2 or A2)",
    ),
    ("literate", "Gealfabetiseerd", "Alphabétisé", "Literate"),
    (
        "education_level",
        "Opleidingsniveau",
        "Niveau d'études",
        "Education level",
    ),
    ("gender", "Gender", "Genre", "Gender"),
    (
        "mother_tongue",
        "Moedertaal (ISO-code, bv. ar)",
        "Langue maternelle (code ISO, p. ex. ar)",
        "Mother tongue (ISO code, e.g. ar)",
    ),
    (
        "contact_languages",
        "Contacttalen (bv. en, fr)",
        "Langues de contact (p. ex. en, fr)",
        "Contact languages (e.g. en, fr)",
    ),
    ("motivated", "Gemotiveerd", "Motivé", "Motivated"),
    (
        "help_request_fits",
        "Hulpvraag past",
        "La demande d'aide correspond",
        "Help request fits",
    ),
    (
        "small_social_network",
        "Klein sociaal netwerk",
        "Réseau social restreint",
        "Small social network",
    ),
    (
        "integration_difficulty",
        "Moeilijke integratie",
        "Difficultés d'intégration",
        "Integration difficulty",
    ),
    (
        "reduced_autonomy",
        "Beperkte zelfredzaamheid",
        "Autonomie réduite",
        "Reduced autonomy",
    ),
    (
        "long_term_assistance",
        "Langdurig steuntrekker",
        "Aide de longue durée",
        "Long-term assistance",
    ),
    (
        "stress_factors",
        "Stressfactoren",
        "Facteurs de stress",
        "Stress factors",
    ),
    (
        "partner_in_programme",
        "Partner in het programma",
        "Partenaire dans le programme",
        "Partner in the programme",
    ),
    ("mobile", "Mobiel", "Mobile", "Mobile"),
    (
        "social_worker_approved",
        "Goedgekeurd door de maatschappelijk werker",
        "Approuvé par l'assistant social",
        "Approved by the social worker",
    ),
];

fn field_words(table: &[Words], code: &str, lang: Lang) -> Option<&'static str> {
    table.iter().find(|w| w.0 == code).map(|w| match lang {
        Lang::Nl => w.1,
        Lang::Fr => w.2,
        Lang::En => w.3,
    })
}

/// A referral field's name in `lang` (the code itself for a field the table lacks).
pub fn field_label(field: &str, lang: Lang) -> String {
    field_words(FIELD_WORDS, field, lang).map_or_else(|| field.to_string(), str::to_string)
}

/// A coded value in `lang`, from the vocabulary table (the code itself for one it lacks).
pub fn value_label(code: &str, lang: Lang) -> String {
    super::vocabulary::any(code, lang).map_or_else(|| code.to_string(), str::to_string)
}

/// A coded value of `field` in `lang` (the code itself for one the table lacks).
pub fn field_value_label(field: &str, code: &str, lang: Lang) -> String {
    super::vocabulary::field_value(field, code, lang)
        .map_or_else(|| value_label(code, lang), str::to_string)
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

    #[test]
    fn every_referral_field_and_coded_value_has_words() {
        for (field, kind) in traject_model::vocab::FIELDS {
            assert!(
                field_words(FIELD_WORDS, field, Lang::Fr).is_some(),
                "{field}"
            );
            if let traject_model::vocab::FieldType::Choice(values) = kind {
                for v in *values {
                    assert!(
                        super::super::vocabulary::field_value(field, v, Lang::Nl).is_some(),
                        "{field}: {v}"
                    );
                }
            }
        }
    }
}
