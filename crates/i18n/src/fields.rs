//! The referral vocabulary in words: each field's name and each coded value in Dutch, French
//! and English, for forms and pages a person reads (codes stay the keys in files and the API).

use super::Lang;

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

fn pick(table: &[Words], code: &str, lang: Lang) -> Option<&'static str> {
    table.iter().find(|w| w.0 == code).map(|w| match lang {
        Lang::Nl => w.1,
        Lang::Fr => w.2,
        Lang::En => w.3,
    })
}

/// A referral field's name in `lang` (the code itself for a field the table lacks).
pub fn field_label(field: &str, lang: Lang) -> String {
    pick(FIELD_WORDS, field, lang).map_or_else(|| field.to_string(), str::to_string)
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
    fn every_referral_field_and_coded_value_has_words() {
        for (field, kind) in traject_model::vocab::FIELDS {
            assert!(pick(FIELD_WORDS, field, Lang::Fr).is_some(), "{field}");
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
