//! Judging referrals: one, explained criterion by criterion in the reader's language, or a CSV
//! batch, one output row per input row (verdict, failing rules, unknown rules, rules awaiting
//! assessment, funding streams). A bad row gets an `error` row and a located diagnostic; the
//! batch goes on. Both work on referrals the caller holds; nothing is stored.

use std::io::{Read, Write};

use serde::Serialize;

use super::{AppError, Ctx, Need};
use traject_i18n::Lang;
use traject_model::diag::Diagnostic;
use traject_model::program::model::Mode;
use traject_model::referral::batch::Batch;
use traject_model::referral::Referral;
use traject_rules::eval::{Evaluation, Outcome};
use traject_rules::explain::{self, rule_ids, Explanation};
use traject_rules::CompiledProgram;

/// One referral judged: the explanation and the language it is written in.
#[derive(Debug, Serialize)]
pub struct Checked {
    pub explanation: Explanation,
    #[serde(skip)]
    pub lang: Lang,
}

/// Judge one referral with the version in force on its date; explain it in `lang`, else in the
/// programme's society language. A referral is about a person: auditors may not.
pub fn check(
    compiled: &CompiledProgram,
    referral: &Referral,
    lang: Option<Lang>,
    ctx: &Ctx,
) -> Result<Checked, AppError> {
    ctx.require(Need::Persons)?;
    let evaluation = compiled.evaluate(referral)?;
    let lang = lang.unwrap_or(compiled.program.spec.society_language);
    Ok(Checked {
        explanation: explain::explain(compiled, referral, &evaluation, lang),
        lang,
    })
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    pub rows: usize,
    pub eligible: usize,
    pub ineligible: usize,
    pub needs_assessment: usize,
    pub errors: usize,
}

impl Summary {
    pub fn line(&self) -> String {
        self.line_in(Lang::En)
    }

    /// The summary in the reader's language.
    pub fn line_in(&self, lang: Lang) -> String {
        let (n, e, i, a, x) = (
            self.rows,
            self.eligible,
            self.ineligible,
            self.needs_assessment,
            self.errors,
        );
        match lang {
            Lang::En => format!(
                "{n} rows: {e} eligible, {i} ineligible, {a} needs_assessment, {x} with errors"
            ),
            Lang::Nl => format!(
                "{n} rijen: {e} toelaatbaar, {i} niet toelaatbaar, {a} te beoordelen, {x} met fouten"
            ),
            Lang::Fr => format!(
                "{n} lignes\u{a0}: {e} admissibles, {i} non admissibles, {a} à évaluer, {x} avec erreurs"
            ),
        }
    }
}

pub const HEADER: [&str; 9] = [
    "row", "id", "version", "verdict", "failed", "unknown", "assess", "funding", "error",
];

/// Judge every row of `input` (CSV); write result rows to `out` as CSV; report row problems
/// to `on_error`.
pub fn check_csv<R: Read, W: Write>(
    compiled: &CompiledProgram,
    file: &str,
    input: R,
    out: W,
    on_error: impl FnMut(&Diagnostic),
) -> Result<Summary, Vec<Diagnostic>> {
    let batch = Batch::open(file, input)?;
    check_batch(compiled, file, batch, out, on_error)
}

/// Judge every row of `batch`; write result rows to `out` as CSV (cells a spreadsheet would
/// run as formulas written as text); report row problems to `on_error`.
pub fn check_batch<W: Write>(
    compiled: &CompiledProgram,
    file: &str,
    mut batch: Batch<'_>,
    out: W,
    mut on_error: impl FnMut(&Diagnostic),
) -> Result<Summary, Vec<Diagnostic>> {
    let mut w = csv::Writer::from_writer(out);
    let cannot_write = |e: String| {
        vec![Diagnostic::error(
            file,
            traject_model::diag::Pos::new(1, 1),
            format!("cannot write results: {e}"),
        )]
    };
    let io = |e: csv::Error| cannot_write(e.to_string());
    w.write_record(HEADER).map_err(io)?;
    let mut s = Summary::default();
    while let Some(row) = batch.next_row() {
        s.rows += 1;
        let n = row.row.to_string();
        let result = row.referral.and_then(|r| {
            compiled.evaluate(&r).map(|e| (r, e)).map_err(|e| {
                vec![Diagnostic::error(
                    file,
                    traject_model::diag::Pos::new(row.line as usize, 1),
                    e.to_string(),
                )
                .with_help("check referral_date against the programme's versions")]
            })
        });
        let record = match result {
            Ok((r, e)) => {
                s.count(e.verdict);
                judged_row(compiled, &n, &r, &e)
            }
            Err(diags) => {
                s.errors += 1;
                diags.iter().for_each(&mut on_error);
                error_row(&n, row.id.as_deref(), &diags)
            }
        };
        w.write_record(
            record
                .iter()
                .map(|c| traject_report::xlsx::safe_cell(c).into_owned()),
        )
        .map_err(io)?;
    }
    w.flush().map_err(|e| cannot_write(e.to_string()))?;
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

/// The output row of a judged referral: verdict, failing, unknown and assessed rules, funders.
fn judged_row(compiled: &CompiledProgram, n: &str, r: &Referral, e: &Evaluation) -> [String; 9] {
    let ids = |keep: fn(Mode, Outcome) -> bool| rule_ids(compiled, e, keep).join(";");
    let failed = ids(|m, o| o == Outcome::Fail && matches!(m, Mode::Hard | Mode::Assessed));
    let unknown = ids(|m, o| o == Outcome::Unknown && m == Mode::Hard);
    let assess = ids(|m, o| o == Outcome::Unknown && m == Mode::Assessed);
    let version = &compiled.program.spec.versions[e.version_index].id;
    [
        n.to_string(),
        r.id.clone().unwrap_or_default(),
        version.clone(),
        e.verdict.as_str().to_string(),
        failed,
        unknown,
        assess,
        e.funder_ids(compiled).join(";"),
        String::new(),
    ]
}

/// The output row of a row that could not be judged: its problems, located.
fn error_row(n: &str, id: Option<&str>, diags: &[Diagnostic]) -> [String; 9] {
    let msg = diags
        .iter()
        .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
        .collect::<Vec<_>>()
        .join(" | ");
    let mut row: [String; 9] = Default::default();
    row[0] = n.to_string();
    row[1] = id.unwrap_or_default().to_string();
    row[3] = "error".into();
    row[8] = msg;
    row
}

/// One field of an intake form: a referral field that a version's rules (or its funders'
/// conditions) read, with the labels of the rules that read it.
#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    pub name: &'static str,
    #[serde(skip)]
    pub kind: traject_model::vocab::FieldType,
    pub rules: Vec<String>,
}

/// The fields an intake form for version `version` (else the one in force on `on`) needs, in
/// the vocabulary's order: the dossier number and the referral date first, then every field a
/// rule or funding condition reads. A coordinator who adds a rule gets its field on the form.
pub fn form(
    compiled: &CompiledProgram,
    on: chrono::NaiveDate,
    lang: Lang,
) -> (String, Vec<FormField>) {
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
    let fallback = p.spec.society_language;
    let mut used: Vec<(&'static str, String)> = Vec::new();
    let cv = &compiled.versions[vi];
    for (rule, spec) in cv.rules.iter().zip(&version.eligibility.rules) {
        let mut fs = Vec::new();
        fields_of(&rule.cond, &mut fs);
        rule.exceptions.iter().for_each(|e| fields_of(e, &mut fs));
        let label = spec.label.get(lang, fallback).to_string();
        used.extend(fs.into_iter().map(|f| (f, label.clone())));
    }
    for funder in &cv.funders {
        let mut fs = Vec::new();
        funder.conditions.iter().for_each(|c| fields_of(c, &mut fs));
        used.extend(fs.into_iter().map(|f| (f, funder.id.clone())));
    }
    let fields = traject_model::vocab::FIELDS
        .iter()
        .filter(|(name, _)| {
            matches!(*name, "id" | "referral_date") || used.iter().any(|(f, _)| f == name)
        })
        .map(|(name, kind)| {
            let mut rules: Vec<String> = used
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
pub fn from_form(pairs: &[(String, String)]) -> Result<Referral, Vec<Diagnostic>> {
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
