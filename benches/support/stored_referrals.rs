//! The referrals the store benchmarks write as cases: Antwerp residents on leefloon, four
//! nationalities, birth years over four decades, referral days spread over the years given.
//! Shared by benches/store.rs and benches/impact.rs.

use traject_model::referral::{FieldType, Referral, FIELDS};

/// Referral `i`, referred in one of `years` years from `first_year`.
pub fn referral(i: usize, first_year: usize, years: usize) -> Referral {
    let mut r = Referral::default();
    let mut set = |f: &str, v: &str| {
        let ty = FIELDS
            .iter()
            .find(|(n, _)| *n == f)
            .map(|(_, t)| *t)
            .unwrap_or(FieldType::Text);
        r.set_text(f, ty, v).unwrap();
    };
    set("id", &format!("r{i:06}"));
    set(
        "referral_date",
        &format!(
            "{}-{:02}-{:02}",
            first_year + i % years.max(1),
            1 + i % 12,
            1 + i % 28
        ),
    );
    set("birth_date", &format!("{}-05-01", 1960 + i % 40));
    set("nationality", ["SY", "AF", "ER", "IQ"][i % 4]);
    set("residence_status", "recognised_refugee");
    set("residence_ocmw", "antwerpen");
    set("income_support", "leefloon");
    set("in_art60", "false");
    set("civic_orientation_completed", "true");
    set("motivated", "true");
    set("help_request_fits", "true");
    r
}
