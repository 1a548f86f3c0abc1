//! The parsers a stranger's file reaches, as fuzz targets: a programme file, a referral in
//! YAML or JSON, a CSV batch in any dialect, an `.xlsx` workbook and a column mapping. Each
//! takes raw bytes and must either accept them or refuse them with diagnostics that name a
//! place (a file, a line and a column from 1) — never panic. `fuzz/` drives them with
//! mutated inputs (not part of CI); `tests/fuzz_regressions.rs` replays the seeds and every
//! input a run ever found, so a fixed crash stays fixed.

use traject_model::diag::Diagnostic;
use traject_model::program::LoadOptions;
use traject_model::referral::batch::Batch;
use traject_model::referral::mapping::ColumnMapping;
use traject_model::referral::table::{CsvSource, XlsxSource};

/// A target: bytes in, `Err` with what was wrong about the answer (not about the input).
pub type Target = fn(&[u8]) -> Result<(), String>;

/// The targets by name.
pub const TARGETS: [(&str, Target); 5] = [
    ("programme", programme),
    ("referral", referral),
    ("csv", csv),
    ("xlsx", xlsx),
    ("mapping", mapping),
];

/// Every diagnostic names its file and a real line and column.
fn located(diagnostics: &[Diagnostic]) -> Result<(), String> {
    if diagnostics.is_empty() {
        return Err("refused without a diagnostic".into());
    }
    match diagnostics
        .iter()
        .find(|d| d.file.is_empty() || d.line == 0 || d.col == 0)
    {
        Some(d) => Err(format!(
            "unlocated error: {}:{}:{}: {:?}",
            d.file, d.line, d.col, d.problem
        )),
        None => Ok(()),
    }
}

/// A programme file through the loader, the semantic checks and the rule compiler.
pub fn programme(bytes: &[u8]) -> Result<(), String> {
    match traject_model::program::load_bytes("fuzz.yaml", bytes, &LoadOptions::default())
        .and_then(crate::compile_loaded)
    {
        Ok(_) => Ok(()),
        Err(e) => located(&e.diagnostics),
    }
}

/// A referral file (YAML or JSON).
pub fn referral(bytes: &[u8]) -> Result<(), String> {
    let text = match traject_model::yaml::check_text("fuzz.yaml", bytes) {
        Ok(t) => t,
        Err(d) => return located(&[d]),
    };
    let doc = match traject_model::yaml::parse("fuzz.yaml", text) {
        Ok(d) => d,
        Err(d) => return located(&[d]),
    };
    match traject_model::referral::from_value("fuzz.yaml", &doc.value, &doc.index, "") {
        Ok(_) => Ok(()),
        Err(ds) => located(&ds),
    }
}

/// Read a whole batch: the header, then every row.
fn whole(batch: Result<Batch<'_>, Vec<Diagnostic>>) -> Result<(), String> {
    let mut batch = match batch {
        Ok(b) => b,
        Err(ds) => return located(&ds),
    };
    while let Some(row) = batch.next_row() {
        if let Err(ds) = row.referral {
            located(&ds)?;
        }
    }
    Ok(())
}

/// A CSV batch, whatever its delimiter and encoding.
pub fn csv(bytes: &[u8]) -> Result<(), String> {
    match CsvSource::open("fuzz.csv", bytes) {
        Ok(source) => whole(Batch::new("fuzz.csv", Box::new(source), None)),
        Err(d) => located(&[d]),
    }
}

/// An `.xlsx` workbook's first sheet.
pub fn xlsx(bytes: &[u8]) -> Result<(), String> {
    match XlsxSource::open("fuzz.xlsx", bytes.to_vec(), None) {
        Ok(source) => whole(Batch::new("fuzz.xlsx", Box::new(source), None)),
        Err(d) => located(&[d]),
    }
}

/// A column mapping.
pub fn mapping(bytes: &[u8]) -> Result<(), String> {
    match ColumnMapping::parse("fuzz.yaml", bytes) {
        Ok(_) => Ok(()),
        Err(ds) => located(&ds),
    }
}
