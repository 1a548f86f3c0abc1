//! The explanation of a verdict, criterion by criterion, in the reader's language: as text
//! (✓ / ✗ / ?, label, the rule's mode in words, the referral's value by its labels, the seed
//! source, programme file and line)
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
    /// The exception that made the rule pass, in the reader's language, with its source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<ExceptionView>,
    pub label: String,
    pub value: Option<String>,
    /// The field a single-field rule looked at (empty otherwise).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub field: String,
    pub source: String,
    pub at: String,
}

/// An exception that applied: its id, words and source.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExceptionView {
    pub id: String,
    pub label: String,
    pub source: String,
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
                exception: r.exception.as_ref().map(|x| ExceptionView {
                    id: x.id.clone(),
                    label: x.label.get(lang, fallback).to_string(),
                    source: x.source.clone(),
                }),
                label: r.label.get(lang, fallback).to_string(),
                value: r.value.clone(),
                field: r.field.to_string(),
                source: r.source.clone(),
                at: r.at.clone(),
            })
            .collect(),
    }
}

/// A value a rule looked at, in the reader's words: yes/no, codes by the labels of their field
/// (`none` of education is "no schooling", not "none"), and a group's or an expression's
/// `field=value` pairs as "Field: value"; "?" (not given) as missing.
pub fn value_in_words(value: &str, field: &str, lang: Lang) -> String {
    let word = |field: &str, v: &str| match v {
        "true" => ui(Key::Yes, lang).to_string(),
        "false" => ui(Key::No, lang).to_string(),
        "?" => ui(Key::Missing, lang).to_string(),
        other if field.is_empty() => traject_i18n::value_label(other, lang),
        other => traject_i18n::vocabulary::field_value_label(field, other, lang),
    };
    if !field.is_empty() {
        return word(field, value);
    }
    let colon = traject_i18n::colon(lang);
    value
        .split(", ")
        .map(|part| match part.rsplit_once('=') {
            Some((f, v)) => format!("{}{colon}{}", field_name(f, lang), word(f, v)),
            None => word("", part),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A field's name without the hint a form adds in brackets ("Nationaliteit (ISO-code, …)").
fn field_name(field: &str, lang: Lang) -> String {
    if field == "age" {
        return traject_i18n::say(lang, "leeftijd", "âge", "age").to_string();
    }
    let label = traject_i18n::vocabulary::field_label(field, lang);
    label
        .split(" (")
        .next()
        .map_or(label.clone(), str::to_string)
}

/// A rule's mode in words, for any but a hard rule.
pub fn mode_words(mode: &str, lang: Lang) -> Option<&'static str> {
    match mode {
        "soft" => Some(ui(Key::ModeSoft, lang)),
        "assessed" => Some(ui(Key::ModeAssessed, lang)),
        "priority" => Some(ui(Key::ModePriority, lang)),
        _ => None,
    }
}

/// A source in the reader's language: the markers "(inference)" and "(assumption)" and the
/// prefixes "assumption:", "inference:", "local:" and "todo:" in words (what follows a prefix
/// stays as the programme's author wrote it).
pub fn source_words(source: &str, lang: Lang) -> String {
    let say = |nl, fr, en| traject_i18n::say(lang, nl, fr, en);
    let marks = [
        (
            " (inference)",
            say(" (afgeleid)", " (déduit)", " (inference)"),
        ),
        (
            " (assumption)",
            say(" (aanname)", " (hypothèse)", " (assumption)"),
        ),
    ];
    let prefixes = [
        (
            "assumption: ",
            say("aanname: ", "hypothèse : ", "assumption: "),
        ),
        (
            "inference: ",
            say("afleiding: ", "déduction : ", "inference: "),
        ),
        ("local: ", say("lokaal: ", "local : ", "local: ")),
        ("todo: ", say("te doen: ", "à faire : ", "todo: ")),
    ];
    let mut out = source.to_string();
    for (from, to) in marks {
        out = out.replace(from, to);
    }
    for (from, to) in prefixes {
        if let Some(rest) = out.strip_prefix(from) {
            out = format!("{to}{rest}");
        }
    }
    out
}

/// The mark shown before a criterion.
pub fn mark(mode: &str, outcome: Outcome) -> &'static str {
    match (outcome, mode) {
        (Outcome::Pass, _) => "✓",
        (Outcome::Fail, _) => "✗",
        (Outcome::Unknown, _) => "?",
    }
}

/// Two lines per rule: mark, label and id (and mode); value, exception, source and place.
fn rule_lines(out: &mut String, r: &RuleLine, label: &str, lang: Lang) {
    let mode = mode_words(r.mode, lang)
        .map(|m| format!("  [{m}]"))
        .unwrap_or_default();
    let value = match &r.value {
        Some(v) => value_in_words(v, r.field, lang),
        None if r.outcome == Outcome::Unknown => ui(Key::Missing, lang).to_string(),
        None => "—".to_string(),
    };
    let exception = match (&r.exception, r.by_exception) {
        (Some(x), _) => format!(
            " · {}: {} ({} {})",
            ui(Key::Exception, lang),
            x.label.get(lang, Lang::En),
            ui(Key::Source, lang),
            source_words(&x.source, lang)
        ),
        (None, true) => format!(" · {}", ui(Key::Exception, lang)),
        (None, false) => String::new(),
    };
    // The rule's id is for the file's editors: the place (file:line) below names it for them.
    let _ = writeln!(out, "  {:<2} {label}{mode}", mark(r.mode, r.outcome));
    let _ = writeln!(
        out,
        "     {}: {value}{exception} · {} {} · {}",
        ui(Key::Value, lang),
        ui(Key::Source, lang),
        source_words(&r.source, lang),
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
