//! Judging referrals: one, explained criterion by criterion, or a batch, one result per input
//! row (verdict, failing rules, unknown rules, rules awaiting assessment, funding streams) —
//! handed to the caller row by row, so that a million rows stream through. A bad row is a
//! result with its located problems; the batch goes on. Both work on referrals the caller
//! holds; nothing is stored.

use serde::Serialize;

use super::{AppError, Ctx, Need, RowProblem};
use traject_model::diag::{Located, Pos};
use traject_model::program::model::Mode;
use traject_model::referral::batch::Batch;
use traject_model::referral::Referral;
use traject_model::text::Label;
use traject_rules::eval::{Evaluation, Outcome};
use traject_rules::explain::{self, rule_ids, Explanation};
use traject_rules::CompiledProgram;

/// Judge one referral with the version in force on its date, explained criterion by
/// criterion. A referral is about a person: auditors may not.
pub fn check(
    compiled: &CompiledProgram,
    referral: &Referral,
    ctx: &Ctx,
) -> Result<Explanation, AppError> {
    ctx.require(Need::Persons)?;
    let evaluation = compiled.evaluate(referral)?;
    Ok(explain::explain(compiled, referral, &evaluation))
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    pub rows: usize,
    pub eligible: usize,
    pub ineligible: usize,
    pub needs_assessment: usize,
    pub errors: usize,
}

/// The result of one row of a batch.
#[derive(Debug, Clone)]
pub enum BatchRow {
    Judged {
        row: u64,
        id: Option<String>,
        version: String,
        verdict: traject_rules::Verdict,
        failed: Vec<String>,
        unknown: Vec<String>,
        assess: Vec<String>,
        funding: Vec<String>,
    },
    /// A row that could not be judged, with its problems.
    Failed {
        row: u64,
        id: Option<String>,
        problems: Vec<Located<RowProblem>>,
    },
}

/// Judge every row of `batch`, handing each result to `each` in order (which may stop the
/// batch with its own error, e.g. when the output cannot be written).
pub fn check_batch<E>(
    compiled: &CompiledProgram,
    file: &str,
    mut batch: Batch<'_>,
    mut each: impl FnMut(BatchRow) -> Result<(), E>,
) -> Result<Summary, E> {
    let mut s = Summary::default();
    while let Some(row) = batch.next_row() {
        s.rows += 1;
        let result = match row.referral {
            Ok(r) => compiled.evaluate(&r).map(|e| (r, e)).map_err(|e| {
                let at = Pos::new(row.line as usize, 1);
                vec![Located::at(file, at, RowProblem::Unjudged(e))]
            }),
            Err(ds) => Err(super::rows(ds)),
        };
        let outcome = match result {
            Ok((r, e)) => {
                s.count(e.verdict);
                judged_row(compiled, row.row as u64, &r, &e)
            }
            Err(problems) => {
                s.errors += 1;
                BatchRow::Failed {
                    row: row.row as u64,
                    id: row.id.clone(),
                    problems,
                }
            }
        };
        each(outcome)?;
    }
    Ok(s)
}

impl Summary {
    fn count(&mut self, verdict: traject_rules::Verdict) {
        match verdict {
            traject_rules::Verdict::Eligible => self.eligible += 1,
            traject_rules::Verdict::Ineligible => self.ineligible += 1,
            traject_rules::Verdict::NeedsAssessment => self.needs_assessment += 1,
        }
    }
}

/// The result of a judged referral: verdict, failing, unknown and assessed rules, funders.
fn judged_row(compiled: &CompiledProgram, row: u64, r: &Referral, e: &Evaluation) -> BatchRow {
    let ids = |keep: fn(Mode, Outcome) -> bool| rule_ids(compiled, e, keep);
    BatchRow::Judged {
        row,
        id: r.id.clone(),
        version: compiled.program.spec.versions[e.version_index].id.clone(),
        verdict: e.verdict,
        failed: ids(|m, o| o == Outcome::Fail && matches!(m, Mode::Hard | Mode::Assessed)),
        unknown: ids(|m, o| o == Outcome::Unknown && m == Mode::Hard),
        assess: ids(|m, o| o == Outcome::Unknown && m == Mode::Assessed),
        funding: e
            .funder_ids(compiled)
            .into_iter()
            .map(str::to_string)
            .collect(),
    }
}

/// One field of an intake form: a referral field that a version's rules (or its funders'
/// conditions) read, with the labels of the rules that read it.
#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    pub name: &'static str,
    #[serde(skip)]
    pub kind: traject_model::vocab::FieldType,
    /// The labels of the rules (or the ids of the funders) that read the field.
    pub rules: Vec<Label>,
}

/// The fields an intake form for version `version` (else the one in force on `on`) needs, in
/// the vocabulary's order: the dossier number and the referral date first, then every field a
/// rule or funding condition reads. A coordinator who adds a rule gets its field on the form.
pub fn form(compiled: &CompiledProgram, on: chrono::NaiveDate) -> (String, Vec<FormField>) {
    use traject_rules::compile::{Cond, Test};
    fn fields_of(c: &Cond, out: &mut Vec<&'static str>) {
        // Explanations show the age; the form asks for what it is computed from.
        out.push(if c.field == "age" {
            "birth_date"
        } else {
            c.field
        });
        out.extend(c.reads.iter().copied());
        if let Test::AnyOf(subs) | Test::AllOf(subs) = &c.test {
            subs.iter().for_each(|s| fields_of(s, out));
        }
    }
    let p = &compiled.program;
    let version = p.version_on_or_latest(on);
    let vi = p
        .spec
        .versions
        .iter()
        .position(|v| v.id == version.id)
        .unwrap_or(0);
    let mut used: Vec<(&'static str, Label)> = Vec::new();
    let cv = &compiled.versions[vi];
    for (rule, spec) in cv.rules.iter().zip(&version.eligibility.rules) {
        let mut fs = Vec::new();
        fields_of(&rule.cond, &mut fs);
        rule.exceptions.iter().for_each(|e| fields_of(e, &mut fs));
        used.extend(fs.into_iter().map(|f| (f, spec.label.clone())));
    }
    for funder in &cv.funders {
        let mut fs = Vec::new();
        funder.conditions.iter().for_each(|c| fields_of(c, &mut fs));
        // The funder by its label ("AMIF (European Union)"), as people know it.
        let label = version
            .funding
            .funders
            .iter()
            .find(|f| f.id == funder.id)
            .map_or_else(
                || Label::single(p.spec.society_language, funder.id.clone()),
                |f| f.label.clone(),
            );
        used.extend(fs.into_iter().map(|f| (f, label.clone())));
    }
    let fields = traject_model::vocab::FIELDS
        .iter()
        .filter(|(name, _)| {
            matches!(*name, "id" | "referral_date") || used.iter().any(|(f, _)| f == name)
        })
        .map(|(name, kind)| {
            let mut rules: Vec<Label> = used
                .iter()
                .filter(|(f, _)| f == name)
                .map(|(_, l)| l.clone())
                .collect();
            rules.dedup();
            FormField {
                name,
                kind: *kind,
                rules,
            }
        })
        .collect();
    (version.id.clone(), fields)
}

/// A referral from an intake form's fields (name, text): empty fields are unknown facts,
/// yes/no fields read `yes`/`no`, language lists are comma-separated. Problems name the field.
pub fn from_form(
    pairs: &[(String, String)],
) -> Result<Referral, Vec<traject_model::diag::Diagnostic>> {
    use traject_model::vocab::{FieldType, FIELDS};
    let mut map = serde_json::Map::new();
    for (name, text) in pairs {
        let text = text.trim();
        let Some((field, kind)) = FIELDS.iter().find(|(f, _)| f == name) else {
            continue;
        };
        if text.is_empty() {
            continue;
        }
        let value = match kind {
            FieldType::Bool => match text {
                "yes" | "true" => serde_json::Value::Bool(true),
                "no" | "false" => serde_json::Value::Bool(false),
                other => serde_json::Value::String(other.to_string()),
            },
            FieldType::LanguageList => text
                .split(',')
                .map(|l| serde_json::Value::String(l.trim().to_string()))
                .collect(),
            _ => serde_json::Value::String(text.to_string()),
        };
        map.insert(field.to_string(), value);
    }
    let index = traject_model::yaml::SpanIndex::default();
    traject_model::referral::from_value("form", &serde_json::Value::Object(map), &index, "")
}
