//! The explanation of a verdict, criterion by criterion, in the reader's language: for text
//! (✓ / ✗ / ? / (assess), label, the referral's value, seed source, programme file and line)
//! and as JSON for other tools.

use std::fmt::Write as _;

use serde::Serialize;

use super::compile::{CompiledProgram, Cond, Test};
use super::eval::{Evaluation, Outcome};
use traject_i18n::{ui, Key, Lang};
use traject_model::program::model::Mode;
use traject_model::referral::Referral;

#[derive(Debug, Clone, Serialize)]
pub struct RuleLine {
    pub id: String,
    pub mode: &'static str,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub by_exception: bool,
    pub label: String,
    pub value: Option<String>,
    pub source: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub program: String,
    pub version: String,
    pub version_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral: Option<String>,
    pub referral_date: String,
    pub verdict: &'static str,
    pub funding: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub funding_unknown: Vec<String>,
    pub rules: Vec<RuleLine>,
}

/// The value a condition looked at, as the referral gives it.
fn value_of(cond: &Cond, r: &Referral) -> Option<String> {
    let shown = |field: &str| r.display(field);
    let pairs = |fields: &mut dyn Iterator<Item = &str>| {
        let parts: Vec<String> = fields
            .map(|f| format!("{f}={}", shown(f).unwrap_or_else(|| "?".into())))
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    };
    match &cond.test {
        Test::AnyOf(subs) | Test::AllOf(subs) => {
            pairs(&mut subs.iter().map(|s| s.field).filter(|f| !f.is_empty()))
        }
        Test::Expr { .. } => pairs(&mut cond.reads.iter().copied()),
        _ => shown(cond.field),
    }
}

/// true/false in the reader's language, also inside `field=value` lists.
fn yes_no(v: &str, lang: Lang) -> String {
    v.split(", ")
        .map(|part| {
            let (prefix, value) = part.rsplit_once('=').map_or(("", part), |(f, x)| (f, x));
            let value = match value {
                "true" => ui(Key::Yes, lang).to_string(),
                "false" => ui(Key::No, lang).to_string(),
                other => traject_i18n::value_label(other, lang),
            };
            if prefix.is_empty() {
                value.to_string()
            } else {
                format!("{prefix}={value}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn explain(
    compiled: &CompiledProgram,
    r: &Referral,
    eval: &Evaluation,
    lang: Lang,
) -> Explanation {
    let p = &compiled.program;
    let version = &p.spec.versions[eval.version_index];
    let fallback = p.spec.society_language;
    let cv = &compiled.versions[eval.version_index];
    let rules = cv
        .rules
        .iter()
        .zip(&eval.rules)
        .zip(&version.eligibility.rules)
        .map(|((rule, outcome), spec)| RuleLine {
            id: rule.id.clone(),
            mode: rule.mode.as_str(),
            outcome: outcome.outcome,
            by_exception: outcome.by_exception,
            label: spec.label.get(lang, fallback).to_string(),
            value: value_of(&rule.cond, r),
            source: spec.source.clone(),
            at: p.at(&rule.ptr),
        })
        .collect();
    Explanation {
        program: p.spec.id.clone(),
        version: version.id.clone(),
        version_hash: version.hash.clone(),
        referral: r.id.clone(),
        referral_date: r.referral_date.map(|d| d.to_string()).unwrap_or_default(),
        verdict: eval.verdict.as_str(),
        funding: eval
            .funder_ids(compiled)
            .into_iter()
            .map(str::to_string)
            .collect(),
        funding_unknown: eval
            .unknown_funder_ids(compiled)
            .into_iter()
            .map(str::to_string)
            .collect(),
        rules,
    }
}

/// The mark shown before a criterion.
pub fn mark(mode: &str, outcome: Outcome) -> &'static str {
    match (outcome, mode) {
        (Outcome::Pass, _) => "✓",
        (Outcome::Fail, _) => "✗",
        (Outcome::Unknown, "assessed") => "(assess)",
        (Outcome::Unknown, _) => "?",
    }
}

/// Two lines per rule: mark, label and id (and mode); value, exception, source and place.
fn rule_lines(out: &mut String, r: &RuleLine, lang: Lang) {
    let mode = match r.mode {
        "soft" => format!("  [{}]", ui(Key::ModeSoft, lang)),
        "assessed" => format!("  [{}]", ui(Key::ModeAssessed, lang)),
        "priority" => format!("  [{}]", ui(Key::ModePriority, lang)),
        _ => String::new(),
    };
    let value = match &r.value {
        Some(v) => yes_no(v, lang),
        None if r.outcome == Outcome::Unknown => ui(Key::Missing, lang).to_string(),
        None => "—".to_string(),
    };
    let exception = if r.by_exception {
        format!(" · {}", ui(Key::Exception, lang))
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "  {:<8} {} ({}){mode}",
        mark(r.mode, r.outcome),
        r.label,
        r.id
    );
    let _ = writeln!(
        out,
        "           {}: {value}{exception} · {} {} · {}",
        ui(Key::Value, lang),
        ui(Key::Source, lang),
        r.source,
        r.at,
    );
}

/// The readable explanation.
pub fn render_text(compiled: &CompiledProgram, e: &Explanation, lang: Lang) -> String {
    let p = &compiled.program;
    let fallback = p.spec.society_language;
    let version = p.version(&e.version).expect("explained version exists");
    let mut out = String::new();
    let to = version
        .valid_to
        .map_or("…".to_string(), |d| traject_i18n::date(d, lang));
    let who = e
        .referral
        .as_ref()
        .map(|id| format!(" · {id}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} — {} {} ({} {} {to}, hash {}) · {}{who}",
        p.spec.name.get(lang, fallback),
        ui(Key::Version, lang).to_lowercase(),
        e.version,
        traject_i18n::date(version.valid_from, lang),
        ui(Key::Until, lang),
        e.version_hash,
        traject_i18n::stored_date(&e.referral_date, lang)
            .unwrap_or_else(|| e.referral_date.clone())
    );
    for r in &e.rules {
        rule_lines(&mut out, r, lang);
    }
    let verdict = match e.verdict {
        "eligible" => ui(Key::Eligible, lang),
        "ineligible" => ui(Key::Ineligible, lang),
        _ => ui(Key::NeedsAssessment, lang),
    };
    let _ = writeln!(out, "{}: {verdict}", ui(Key::Verdict, lang));
    let funder_label = |id: &String| {
        version
            .funding
            .funders
            .iter()
            .find(|f| &f.id == id)
            .map_or(id.clone(), |f| f.label.get(lang, fallback).to_string())
    };
    let funding: Vec<String> = e.funding.iter().map(funder_label).collect();
    let _ = writeln!(
        out,
        "{}: {}",
        ui(Key::FundingStreams, lang),
        if funding.is_empty() {
            ui(Key::None, lang).to_string()
        } else {
            funding.join(", ")
        }
    );
    if !e.funding_unknown.is_empty() {
        let unknown: Vec<String> = e.funding_unknown.iter().map(funder_label).collect();
        let _ = writeln!(out, "  ? {}", unknown.join(", "));
    }
    traject_i18n::typography(&out, lang)
}

/// Ids of the top-level rules with a given outcome and mode filter, for batch output.
pub fn rule_ids(
    compiled: &CompiledProgram,
    eval: &Evaluation,
    pick: impl Fn(Mode, Outcome) -> bool,
) -> Vec<String> {
    compiled.versions[eval.version_index]
        .rules
        .iter()
        .zip(&eval.rules)
        .filter(|(rule, o)| pick(rule.mode, o.outcome))
        .map(|(rule, _)| rule.id.clone())
        .collect()
}
