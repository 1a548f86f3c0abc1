//! The explanation of a verdict, criterion by criterion, in the reader's language: as text
//! (✓ / ✗ / ? / (assess), label, the referral's value, seed source, programme file and line)
//! and as the JSON other tools read (each label in the reader's language).

use std::fmt::Write as _;

use serde::Serialize;

use traject_i18n::{ui, Key, LabelIn, Lang};
use traject_rules::explain::{Explanation, RuleLine};
use traject_rules::{CompiledProgram, Outcome};

/// One criterion as the JSON output shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleView {
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

/// An explanation as the JSON output shows it: labels in the reader's language.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExplanationView {
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
    pub rules: Vec<RuleView>,
}

/// The explanation with its labels in `lang` (else the programme's society language).
pub fn view(compiled: &CompiledProgram, e: &Explanation, lang: Lang) -> ExplanationView {
    view_in(e, lang, compiled.program.spec.society_language)
}

/// The explanation with its labels in `lang`, else in `fallback`.
pub fn view_in(e: &Explanation, lang: Lang, fallback: Lang) -> ExplanationView {
    ExplanationView {
        program: e.program.clone(),
        version: e.version.clone(),
        version_hash: e.version_hash.clone(),
        referral: e.referral.clone(),
        referral_date: e.referral_date.map(|d| d.to_string()).unwrap_or_default(),
        verdict: e.verdict,
        funding: e.funding.clone(),
        funding_unknown: e.funding_unknown.clone(),
        rules: e
            .rules
            .iter()
            .map(|r| RuleView {
                id: r.id.clone(),
                mode: r.mode,
                outcome: r.outcome,
                by_exception: r.by_exception,
                label: r.label.get(lang, fallback).to_string(),
                value: r.value.clone(),
                source: r.source.clone(),
                at: r.at.clone(),
            })
            .collect(),
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
fn rule_lines(out: &mut String, r: &RuleLine, label: &str, lang: Lang) {
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
        label,
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
pub fn text(compiled: &CompiledProgram, e: &Explanation, lang: Lang) -> String {
    let p = &compiled.program;
    let fallback = p.spec.society_language;
    let Some(version) = p.version(&e.version) else {
        return String::new();
    };
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
        e.referral_date
            .map(|d| traject_i18n::date(d, lang))
            .unwrap_or_default()
    );
    for r in &e.rules {
        rule_lines(&mut out, r, r.label.get(lang, fallback), lang);
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
