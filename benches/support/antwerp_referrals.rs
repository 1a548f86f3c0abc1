//! The generated referrals of the eligibility benchmarks and the Antwerp 2022-2024 rules
//! written by hand: shared by benches/eligibility.rs and the peer benchmark in benches/zen/,
//! so both judge the same referrals against the same rules.

#![allow(dead_code)]

use traject_model::referral::{FieldType, Referral, EU_MEMBERS};
use traject_rules::Verdict;

pub const N: usize = 1_000_000;

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    /// Some(b) most of the time, None (unknown) one time in ten.
    pub fn flag(&mut self, p_true: u64) -> Option<&'static str> {
        match self.next() % 100 {
            x if x < 10 => None,
            x if x < 10 + p_true * 90 / 100 => Some("true"),
            _ => Some("false"),
        }
    }
}

pub const COLUMNS: [&str; 14] = [
    "id",
    "referral_date",
    "birth_date",
    "nationality",
    "residence_ocmw",
    "income_support",
    "in_art60",
    "civic_orientation_completed",
    "language_level",
    "mobile",
    "motivated",
    "help_request_fits",
    "reduced_autonomy",
    "stress_factors",
];

/// One generated referral as CSV cells (empty = unknown).
pub fn cells(rng: &mut Rng, i: usize) -> Vec<String> {
    let year = 1950 + rng.next() % 60;
    let month = 1 + rng.next() % 12;
    let day = 1 + rng.next() % 28;
    let opt = |v: Option<&str>| v.unwrap_or("").to_string();
    vec![
        format!("r{i}"),
        format!("2023-{:02}-{:02}", 1 + rng.next() % 12, 1 + rng.next() % 28),
        format!("{year}-{month:02}-{day:02}"),
        rng.pick(&["SY", "AF", "ER", "IQ", "SO", "RO", "PL", "MA", "GN", "CD"])
            .into(),
        rng.pick(&[
            "antwerpen",
            "antwerpen",
            "antwerpen",
            "antwerpen",
            "mortsel",
        ])
        .into(),
        rng.pick(&["leefloon", "leefloon", "equivalent_leefloon", "none"])
            .into(),
        opt(rng.flag(10)),
        opt(rng.flag(85)),
        rng.pick(&["1.1", "1.2", "2.1", "2.2", ""]).into(),
        opt(rng.flag(90)),
        opt(rng.flag(90)),
        opt(rng.flag(90)),
        opt(rng.flag(50)),
        opt(rng.flag(50)),
    ]
}

pub fn to_referral(cells: &[String]) -> Referral {
    let mut r = Referral::default();
    for (name, cell) in COLUMNS.iter().zip(cells) {
        if cell.is_empty() {
            continue;
        }
        let ty = traject_model::referral::FIELDS
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| *t)
            .unwrap_or(FieldType::Text);
        r.set_text(name, ty, cell).unwrap();
    }
    r
}

/// (c) The same decision, hand-written: three-valued logic inline, funding included (AMIF
/// only for non-EU nationals; POD MI and the city always).
pub fn hand_written(r: &Referral) -> (Verdict, usize) {
    let mut failed = false;
    let mut open = false;
    let mut hard = |o: Option<bool>| match o {
        Some(false) => failed = true,
        None => open = true,
        Some(true) => {}
    };
    hard(r.age().map(|a| a >= 18));
    hard(r.nationality.as_deref().map(|n| !EU_MEMBERS.contains(&n)));
    hard(r.flag("civic_orientation_completed"));
    hard(
        r.income_support
            .as_deref()
            .map(|s| s == "leefloon" || s == "equivalent_leefloon"),
    );
    hard(r.residence_ocmw.as_deref().map(|s| s == "antwerpen"));
    hard(r.flag("in_art60").map(|b| !b));
    hard(r.flag("motivated"));
    hard(r.flag("help_request_fits"));
    let non_eu = r.nationality.as_deref().map(|n| !EU_MEMBERS.contains(&n));
    let funders = 2 + usize::from(non_eu == Some(true));
    let verdict = if failed {
        Verdict::Ineligible
    } else if open {
        Verdict::NeedsAssessment
    } else {
        Verdict::Eligible
    };
    (verdict, funders)
}
