//! The referral vocabulary shared by eligibility checks, cases, CSV batches and tests
//! (see `schemas/referral.schema.json`).

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

/// Member states of the European Union (ISO 3166-1 alpha-2), for `EU` in nationality rules.
pub const EU_MEMBERS: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

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
