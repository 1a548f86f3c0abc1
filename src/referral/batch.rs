//! Referrals in CSV batches: the same column names as the referral fields, lists separated by
//! `;`, empty cells meaning "not known". The header is checked once (unknown columns get "did
//! you mean", `referral_date` is required); each row is then read on its own, so a bad row is
//! reported with its line and column and the batch goes on.

use std::io::Read;

use super::{FieldType, Referral, FIELDS};
use crate::diag::{suggestion_suffix, Diagnostic, Pos};

/// An open CSV batch.
pub struct Batch<R: Read> {
    file: String,
    reader: csv::Reader<R>,
    columns: Vec<(&'static str, FieldType)>,
    record: csv::StringRecord,
    row: usize,
    /// Set after a read error the reader cannot recover from.
    failed: bool,
}

/// One row: its number (1 = first data row), CSV line, and the referral or its problems.
pub struct Row {
    pub row: usize,
    pub line: u64,
    pub referral: Result<Referral, Vec<Diagnostic>>,
}

impl<R: Read> Batch<R> {
    /// Read and check the header.
    pub fn open(file: &str, input: R) -> Result<Self, Vec<Diagnostic>> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let headers = reader
            .headers()
            .map_err(|e| vec![csv_error(file, &e)])?
            .clone();
        let mut columns = Vec::with_capacity(headers.len());
        let mut errors = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            let name = h.trim().trim_start_matches('\u{feff}');
            match FIELDS.iter().find(|(n, _)| *n == name) {
                Some(f) => {
                    if columns.iter().any(|(n, _)| *n == f.0) {
                        errors.push(
                            Diagnostic::error(
                                file,
                                Pos::new(1, i + 1),
                                format!("column '{name}' appears twice"),
                            )
                            .with_help("keep one column per field"),
                        );
                    }
                    columns.push(*f)
                }
                None => errors.push(
                    Diagnostic::error(
                        file,
                        Pos::new(1, i + 1),
                        format!(
                            "unknown column '{name}'{}",
                            suggestion_suffix(name, FIELDS.iter().map(|(n, _)| *n))
                        ),
                    )
                    .with_help(
                        "column names are the referral fields of schemas/referral.schema.json",
                    ),
                ),
            }
        }
        if !columns.iter().any(|(n, _)| *n == "referral_date") {
            errors.push(
                Diagnostic::error(file, Pos::new(1, 1), "missing column 'referral_date'")
                    .with_help(
                        "every referral needs its date: add a referral_date column (YYYY-MM-DD)",
                    ),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Batch {
            file: file.to_string(),
            reader,
            columns,
            record: csv::StringRecord::new(),
            row: 0,
            failed: false,
        })
    }

    /// The next row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Option<Row> {
        if self.failed {
            return None;
        }
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Err(e) => {
                self.row += 1;
                let line = e.position().map_or(0, |p| p.line());
                // Bad UTF-8 spoils one row; a read failure ends the batch.
                let d = csv_error(&self.file, &e);
                self.failed = matches!(e.kind(), csv::ErrorKind::Io(_));
                Some(Row {
                    row: self.row,
                    line,
                    referral: Err(vec![d]),
                })
            }
            Ok(true) => {
                self.row += 1;
                let line = self.record.position().map_or(0, |p| p.line());
                Some(Row {
                    row: self.row,
                    line,
                    referral: self.convert(line),
                })
            }
        }
    }

    fn convert(&self, line: u64) -> Result<Referral, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        if self.record.len() != self.columns.len() {
            return Err(vec![Diagnostic::error(
                &self.file,
                Pos::new(line as usize, self.record.len().min(self.columns.len()) + 1),
                format!(
                    "row has {} fields but the header has {} columns",
                    self.record.len(),
                    self.columns.len()
                ),
            )
            .with_help(
                "check for a missing or extra separator, or an unclosed quote, on this line",
            )]);
        }
        let mut r = Referral::default();
        for (i, ((name, ty), cell)) in self.columns.iter().zip(self.record.iter()).enumerate() {
            if cell.trim().is_empty() {
                continue;
            }
            if let Err(msg) = r.set_text(name, *ty, cell) {
                errors.push(Diagnostic::error(
                    &self.file,
                    Pos::new(line as usize, i + 1),
                    format!("column '{name}': {msg}"),
                ));
            }
        }
        if r.referral_date.is_none() && errors.is_empty() {
            let col = self
                .columns
                .iter()
                .position(|(n, _)| *n == "referral_date")
                .unwrap_or(0)
                + 1;
            errors.push(
                Diagnostic::error(
                    &self.file,
                    Pos::new(line as usize, col),
                    "column 'referral_date' is empty",
                )
                .with_help("every referral needs its date"),
            );
        }
        if let (Some(b), Some(d)) = (r.birth_date, r.referral_date) {
            if b > d {
                let col = self
                    .columns
                    .iter()
                    .position(|(n, _)| *n == "birth_date")
                    .unwrap_or(0)
                    + 1;
                errors.push(Diagnostic::error(
                    &self.file,
                    Pos::new(line as usize, col),
                    format!("birth_date {b} is after referral_date {d}"),
                ));
            }
        }
        if errors.is_empty() {
            Ok(r)
        } else {
            Err(errors)
        }
    }

    /// Whether the reader gave up after a read failure.
    pub fn stopped(&self) -> bool {
        self.failed
    }
}

fn csv_error(file: &str, e: &csv::Error) -> Diagnostic {
    let line = e.position().map_or(1, |p| p.line() as usize);
    let msg = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("text is not UTF-8 in field {}", err.field() + 1)
        }
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => format!("CSV: {e}"),
    };
    Diagnostic::error(file, Pos::new(line.max(1), 1), msg)
        .with_help("save the file as UTF-8 CSV with a header row of referral field names")
}
