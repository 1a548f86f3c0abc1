//! The explanation of a verdict, criterion by criterion, as data: each top-level rule with
//! its mode, outcome, label (in every language the programme writes), the value the referral
//! gave, its seed source and its place in the programme file. Front ends word and show it.

use serde::Serialize;

use super::compile::{CompiledProgram, Cond, Test};
use super::eval::{Evaluation, Outcome};
use traject_model::program::model::Mode;
use traject_model::referral::Referral;
use traject_model::text::Label;

#[derive(Debug, Clone, Serialize)]
pub struct RuleLine {
    pub id: String,
    pub mode: &'static str,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub by_exception: bool,
    /// The exception that made the rule pass: its words and source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<ExceptionLine>,
    pub label: Label,
    /// The value the rule looked at, as the referral gives it (`field=value, …` for a group
    /// or an expression); `None` when the referral does not give it.
    pub value: Option<String>,
    /// The referral field a single-field rule looked at (empty for a group or an expression,
    /// whose value names its fields), so the value reads by that field's labels.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub field: &'static str,
    pub source: String,
    pub at: String,
}

/// An exception of a rule, as the explanation names it.
#[derive(Debug, Clone, Serialize)]
pub struct ExceptionLine {
    pub id: String,
    pub label: Label,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub program: String,
    pub version: String,
    pub version_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral: Option<String>,
    pub referral_date: Option<chrono::NaiveDate>,
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

pub fn explain(compiled: &CompiledProgram, r: &Referral, eval: &Evaluation) -> Explanation {
    let p = &compiled.program;
    let version = &p.spec.versions[eval.version_index];
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
            exception: outcome
                .exception
                .and_then(|i| rule.exceptions.get(i))
                .and_then(|c| spec.exceptions.iter().find(|e| e.id == c.id))
                .map(|e| ExceptionLine {
                    id: e.id.clone(),
                    label: e.label.clone(),
                    source: e.source.clone(),
                }),
            label: spec.label.clone(),
            value: value_of(&rule.cond, r),
            field: match rule.cond.test {
                Test::AnyOf(_) | Test::AllOf(_) | Test::Expr { .. } => "",
                _ => rule.cond.field,
            },
            source: spec.source.clone(),
            at: p.at(&rule.ptr),
        })
        .collect();
    Explanation {
        program: p.spec.id.clone(),
        version: version.id.clone(),
        version_hash: version.hash.clone(),
        referral: r.id.clone(),
        referral_date: r.referral_date,
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
