//! A batch of referrals judged: the result rows as CSV (cells a spreadsheet would run as
//! formulas written as text) and the closing summary line.

use std::io::Write;

use traject_app::referrals::{BatchRow, Summary};
use traject_i18n::{catalogue::row_problem, Lang};

/// The result file's columns.
pub const HEADER: [&str; 9] = [
    "row", "id", "version", "verdict", "failed", "unknown", "assess", "funding", "error",
];

/// Writes judged rows as CSV; problems of rows that could not be judged in `lang`.
pub struct CsvRows<W: Write> {
    writer: csv::Writer<W>,
    lang: Lang,
}

impl<W: Write> CsvRows<W> {
    /// A writer that has written the header.
    pub fn new(out: W, lang: Lang) -> Result<Self, csv::Error> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(HEADER)?;
        Ok(CsvRows { writer, lang })
    }

    /// One result row.
    pub fn write(&mut self, row: &BatchRow) -> Result<(), csv::Error> {
        let record = cells(row, self.lang);
        self.writer.write_record(
            record
                .iter()
                .map(|c| crate::table::safe_cell(c).into_owned()),
        )
    }

    /// Flush what is buffered.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

/// The nine cells of a result row (the columns of `HEADER`).
pub fn cells(row: &BatchRow, lang: Lang) -> [String; 9] {
    match row {
        BatchRow::Judged {
            row,
            id,
            version,
            verdict,
            failed,
            unknown,
            assess,
            funding,
        } => [
            row.to_string(),
            id.clone().unwrap_or_default(),
            version.clone(),
            verdict.as_str().to_string(),
            failed.join(";"),
            unknown.join(";"),
            assess.join(";"),
            funding.join(";"),
            String::new(),
        ],
        BatchRow::Failed { row, id, problems } => {
            let message = problems
                .iter()
                .map(|d| {
                    let w = row_problem(&d.problem, lang);
                    format!("{}:{}: {}", d.line, d.col, w.message)
                })
                .collect::<Vec<_>>()
                .join(" | ");
            let mut cells: [String; 9] = Default::default();
            cells[0] = row.to_string();
            cells[1] = id.clone().unwrap_or_default();
            cells[3] = "error".into();
            cells[8] = message;
            cells
        }
    }
}

/// "N rows: … eligible, … with errors" in `lang`.
pub fn summary_line(s: &Summary, lang: Lang) -> String {
    let (n, e, i, a, x) = (
        s.rows,
        s.eligible,
        s.ineligible,
        s.needs_assessment,
        s.errors,
    );
    match lang {
        Lang::En => {
            format!("{n} rows: {e} eligible, {i} ineligible, {a} needs_assessment, {x} with errors")
        }
        Lang::Nl => format!(
            "{n} rijen: {e} toelaatbaar, {i} niet toelaatbaar, {a} te beoordelen, {x} met fouten"
        ),
        Lang::Fr => format!(
            "{n} lignes\u{a0}: {e} admissibles, {i} non admissibles, {a} à évaluer, {x} avec erreurs"
        ),
    }
}
