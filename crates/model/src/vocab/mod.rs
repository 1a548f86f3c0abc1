//! The referral vocabulary: the fields a referral may carry, the kind of value each holds and
//! the code lists of the coded fields. It sits below the programme loader (which checks that
//! rules name real fields and codes) and the referral readers (which read values into these
//! fields), and needs neither (`schemas/referral.schema.json` documents it for editors).

pub mod table;

/// Referral fields that hold yes/no facts or a worker's yes/no judgement.
pub const BOOL_FIELDS: &[&str] = &[
    "in_contact_with_ocmw_service",
    "in_art60",
    "civic_orientation_completed",
    "literate",
    "motivated",
    "help_request_fits",
    "small_social_network",
    "integration_difficulty",
    "reduced_autonomy",
    "long_term_assistance",
    "stress_factors",
    "partner_in_programme",
    "mobile",
    "social_worker_approved",
];

pub const RESIDENCE_STATUSES: &[&str] = &[
    "recognised_refugee",
    "subsidiary_protection",
    "family_reunification",
    "trafficking_victim",
    "other",
];

pub const INCOME_SUPPORT: &[&str] = &["leefloon", "equivalent_leefloon", "none"];

pub const EDUCATION_LEVELS: &[&str] = &["none", "low", "medium", "high"];

pub const GENDERS: &[&str] = &["female", "male", "x"];

/// Member states of the European Union (ISO 3166-1 alpha-2), for `EU` in nationality rules.
pub const EU_MEMBERS: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// What kind of value a referral field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Date,
    Country,
    Language,
    LanguageList,
    Level,
    Bool,
    Choice(&'static [&'static str]),
    OcmwName,
}

/// Every referral field, in CSV column order.
pub const FIELDS: &[(&str, FieldType)] = &[
    ("id", FieldType::Text),
    ("referral_date", FieldType::Date),
    ("birth_date", FieldType::Date),
    ("nationality", FieldType::Country),
    ("residence_status", FieldType::Choice(RESIDENCE_STATUSES)),
    ("residence_ocmw", FieldType::OcmwName),
    ("income_support", FieldType::Choice(INCOME_SUPPORT)),
    ("in_contact_with_ocmw_service", FieldType::Bool),
    ("in_art60", FieldType::Bool),
    ("civic_orientation_completed", FieldType::Bool),
    ("language_level", FieldType::Level),
    ("literate", FieldType::Bool),
    ("education_level", FieldType::Choice(EDUCATION_LEVELS)),
    ("gender", FieldType::Choice(GENDERS)),
    ("mother_tongue", FieldType::Language),
    ("contact_languages", FieldType::LanguageList),
    ("motivated", FieldType::Bool),
    ("help_request_fits", FieldType::Bool),
    ("small_social_network", FieldType::Bool),
    ("integration_difficulty", FieldType::Bool),
    ("reduced_autonomy", FieldType::Bool),
    ("long_term_assistance", FieldType::Bool),
    ("stress_factors", FieldType::Bool),
    ("partner_in_programme", FieldType::Bool),
    ("mobile", FieldType::Bool),
    ("social_worker_approved", FieldType::Bool),
];

/// Index of a yes/no field in `Referral::flags`.
pub fn bool_index(field: &str) -> Option<usize> {
    BOOL_FIELDS.iter().position(|f| *f == field)
}

/// Order of language levels: Flemish NT2 breakdown "1.1" … "4.2" and CEFR "A1" … "C2".
/// The two scales are kept apart (no rank is shared), since the seeds give no mapping.
pub fn language_rank(level: &str) -> Option<(u8, u32)> {
    let l = level.trim();
    if let Some((a, b)) = l.split_once('.') {
        let a: u32 = a.parse().ok()?;
        let b: u32 = b.parse().ok()?;
        if (1..=9).contains(&a) && (1..=9).contains(&b) {
            return Some((0, a * 10 + b));
        }
        return None;
    }
    const CEFR: [&str; 6] = ["A1", "A2", "B1", "B2", "C1", "C2"];
    CEFR.iter()
        .position(|c| c.eq_ignore_ascii_case(l))
        .map(|i| (1, i as u32))
}
