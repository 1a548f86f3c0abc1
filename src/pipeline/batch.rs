//! `traject check --csv`: judge a CSV batch of referrals, one output row per input row (verdict,
//! failing rules, unknown rules, rules awaiting assessment, funding streams). A bad row gets an
//! `error` row and a located diagnostic; the batch goes on. Output to a file is written to a
//! temporary file beside it and renamed at the end, so a failed run never leaves half a file.

use std::io::{Read, Write};

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::program::model::Mode;
use crate::referral::batch::Batch;
use crate::rules::eval::Outcome;
use crate::rules::explain::rule_ids;
use crate::rules::CompiledProgram;

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
        format!(
            "{} rows: {} eligible, {} ineligible, {} needs_assessment, {} with errors",
            self.rows, self.eligible, self.ineligible, self.needs_assessment, self.errors
        )
    }
}

pub const HEADER: [&str; 9] = [
    "row", "id", "version", "verdict", "failed", "unknown", "assess", "funding", "error",
];

/// Judge every row of `input`; write result rows to `out`; report row problems to `on_error`.
pub fn check_csv<R: Read, W: Write>(
    compiled: &CompiledProgram,
    file: &str,
    input: R,
    out: W,
    mut on_error: impl FnMut(&Diagnostic),
) -> Result<Summary, Vec<Diagnostic>> {
    let mut batch = Batch::open(file, input)?;
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| {
        vec![Diagnostic::error(
            file,
            crate::diag::Pos::new(1, 1),
            format!("cannot write results: {e}"),
        )]
    };
    w.write_record(HEADER).map_err(io)?;
    let mut s = Summary::default();
    let join = |v: Vec<String>| v.join(";");
    while let Some(row) = batch.next_row() {
        s.rows += 1;
        let n = row.row.to_string();
        let result = row.referral.and_then(|r| {
            compiled.evaluate(&r).map(|e| (r, e)).map_err(|e| {
                vec![Diagnostic::error(
                    file,
                    crate::diag::Pos::new(row.line as usize, 1),
                    e.to_string(),
                )
                .with_help("check referral_date against the programme's versions")]
            })
        });
        match result {
            Ok((r, e)) => {
                match e.verdict {
                    crate::rules::Verdict::Eligible => s.eligible += 1,
                    crate::rules::Verdict::Ineligible => s.ineligible += 1,
                    crate::rules::Verdict::NeedsAssessment => s.needs_assessment += 1,
                }
                let failed = join(rule_ids(compiled, &e, |m, o| {
                    o == Outcome::Fail && matches!(m, Mode::Hard | Mode::Assessed)
                }));
                let unknown = join(rule_ids(compiled, &e, |m, o| {
                    o == Outcome::Unknown && m == Mode::Hard
                }));
                let assess = join(rule_ids(compiled, &e, |m, o| {
                    o == Outcome::Unknown && m == Mode::Assessed
                }));
                let version = &compiled.program.spec.versions[e.version_index].id;
                w.write_record([
                    n.as_str(),
                    r.id.as_deref().unwrap_or(""),
                    version,
                    e.verdict.as_str(),
                    &failed,
                    &unknown,
                    &assess,
                    &e.funder_ids(compiled).join(";"),
                    "",
                ])
                .map_err(io)?;
            }
            Err(diags) => {
                s.errors += 1;
                for d in &diags {
                    on_error(d);
                }
                let msg = diags
                    .iter()
                    .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
                    .collect::<Vec<_>>()
                    .join(" | ");
                w.write_record([n.as_str(), "", "", "error", "", "", "", "", &msg])
                    .map_err(io)?;
            }
        }
    }
    w.flush().map_err(|e| {
        vec![Diagnostic::error(
            file,
            crate::diag::Pos::new(1, 1),
            format!("cannot write results: {e}"),
        )]
    })?;
    Ok(s)
}

/// Write `f`'s output to `path` atomically: a temporary file beside it, renamed on success.
pub fn write_atomically<T>(
    path: &std::path::Path,
    f: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<T, Vec<Diagnostic>>,
) -> Result<T, Vec<Diagnostic>> {
    let shown = path.display().to_string();
    let fail = |e: std::io::Error| {
        vec![Diagnostic::error(
            &shown,
            crate::diag::Pos::new(1, 1),
            format!("cannot write: {e}"),
        )
        .with_help("check the folder exists and is writable")]
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let file = std::fs::File::create(&tmp).map_err(fail)?;
    let mut w = std::io::BufWriter::new(file);
    let result = f(&mut w);
    let finished = result.and_then(|v| {
        w.flush().map_err(fail)?;
        w.get_ref().sync_all().map_err(fail)?;
        std::fs::rename(&tmp, path).map_err(fail)?;
        Ok(v)
    });
    if finished.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    finished
}
