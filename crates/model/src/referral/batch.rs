//! Referrals in batches: a CSV or `.xlsx` table (see `table`) whose columns are the referral
//! fields — or local headers a column mapping names — lists separated by `;`, empty cells
//! meaning "not known". The header is checked once (unknown columns get "did you mean",
//! `referral_date` is required); each row is then read on its own, so a bad row is reported
//! with its row and column and the cell's text, and the batch goes on.
//!
//! Beside the referral fields a table may carry a case's history, dated: `waiting_since`,
//! `started_on` with `track`, `not_started_on` with `not_started_reason`, `ended_on` with
//! `exit`, `dropped_on` with `drop_reason` (`HISTORY_COLUMNS`); an import records them on
//! their days.

use std::io::Read;

use chrono::NaiveDate;

use super::mapping::{ColumnMapping, Target};
use super::table::{Cell, CsvSource, Dialect, Source};
use super::{FieldType, Holds, Referral, ValueError, FIELDS};
use crate::diag::{did_you_mean, Diagnostic, Pos};
use crate::problem::{BatchProblem, ReferralProblem};
use crate::vocab::table::fold;

/// The dated columns of a case's history a table may carry beside the referral fields.
pub const HISTORY_COLUMNS: [&str; 9] = [
    "waiting_since",
    "started_on",
    "track",
    "not_started_on",
    "not_started_reason",
    "ended_on",
    "exit",
    "dropped_on",
    "drop_reason",
];

/// A row's history: the days it waited from, started, never started, ended or dropped out,
/// with the track and exits (ids of the programme's version) that go with them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub waiting_since: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    pub track: Option<String>,
    pub not_started_on: Option<NaiveDate>,
    pub not_started_reason: Option<String>,
    pub ended_on: Option<NaiveDate>,
    pub exit: Option<String>,
    pub dropped_on: Option<NaiveDate>,
    pub drop_reason: Option<String>,
}

impl History {
    fn set_date(&mut self, column: &str, d: NaiveDate) {
        match column {
            "waiting_since" => self.waiting_since = Some(d),
            "started_on" => self.started_on = Some(d),
            "not_started_on" => self.not_started_on = Some(d),
            "ended_on" => self.ended_on = Some(d),
            _ => self.dropped_on = Some(d),
        }
    }

    fn set_text(&mut self, column: &str, t: String) {
        match column {
            "track" => self.track = Some(t),
            "not_started_reason" => self.not_started_reason = Some(t),
            "exit" => self.exit = Some(t),
            _ => self.drop_reason = Some(t),
        }
    }
}

/// Whether a history column holds a day (the others hold an id).
fn dated(column: &str) -> bool {
    column.ends_with("_on") || column == "waiting_since"
}

/// An open batch (`'m`: how long its source may borrow its input).
pub struct Batch<'m> {
    file: String,
    source: Box<dyn Source + 'm>,
    /// Per column: the field it holds, or `None` for a column the mapping ignores or a
    /// history column.
    columns: Vec<Option<(&'static str, FieldType)>>,
    /// The history columns: (column index, name).
    history: Vec<(usize, &'static str)>,
    mapping: Option<ColumnMapping>,
    row: usize,
}

/// One row: its number (1 = first data row), its line or sheet row, and the referral or its
/// problems.
pub struct Row {
    pub row: usize,
    pub line: u64,
    /// The dossier number as written, even when the row has problems (to name it in results).
    pub id: Option<String>,
    pub referral: Result<Referral, Vec<Diagnostic>>,
    /// The case's history the row carries (empty without history columns).
    pub history: History,
}

/// The field a header names without a mapping: the field itself, in any case, with spaces
/// or hyphens for underscores ("Referral date" → referral_date).
fn field_named(header: &str) -> Option<(&'static str, FieldType)> {
    let f = snake(header);
    FIELDS.iter().find(|(n, _)| *n == f).copied()
}

/// The history column a header names, written as `field_named` reads fields.
fn history_named(header: &str) -> Option<&'static str> {
    let f = snake(header);
    HISTORY_COLUMNS.iter().find(|c| **c == f).copied()
}

/// A header folded (case, accents) with underscores for spaces.
fn snake(header: &str) -> String {
    fold(header).replace(' ', "_")
}

impl<'m> Batch<'m> {
    /// A CSV batch read from `input` (dialect and encoding detected), without a mapping.
    pub fn open<R: Read + 'm>(file: &str, input: R) -> Result<Self, Vec<Diagnostic>> {
        let source = CsvSource::open(file, input).map_err(|d| vec![d])?;
        Batch::new(file, Box::new(source), None)
    }

    /// Check the header of `source` (through `mapping` when given).
    pub fn new(
        file: &str,
        source: Box<dyn Source + 'm>,
        mapping: Option<ColumnMapping>,
    ) -> Result<Self, Vec<Diagnostic>> {
        let mut columns = Vec::with_capacity(source.header().len());
        let mut history = Vec::new();
        let mut errors = Vec::new();
        let at = |i: usize| Pos::new(1, i + 1);
        for (i, h) in source.header().iter().enumerate() {
            let name = h.trim().trim_start_matches('\u{feff}');
            let target = mapping
                .as_ref()
                .and_then(|m| m.column(name))
                .or_else(|| field_named(name).map(|(n, t)| Target::Field(n, t)));
            let history_column = history_named(name);
            match target {
                Some(Target::Ignore) => columns.push(None),
                Some(Target::Field(n, t)) => {
                    if columns.iter().flatten().any(|(c, _)| *c == n) {
                        let problem = BatchProblem::ColumnTwice {
                            column: name.to_string(),
                            field: n.to_string(),
                        };
                        errors.push(Diagnostic::error(file, at(i), problem));
                    }
                    columns.push(Some((n, t)));
                }
                None if history_column.is_some() => {
                    history.extend(history_column.map(|c| (i, c)));
                    columns.push(None);
                }
                None if name.is_empty() => errors.push(Diagnostic::error(
                    file,
                    at(i),
                    BatchProblem::NoHeader { column: i + 1 },
                )),
                None => {
                    let problem = BatchProblem::UnknownColumn {
                        column: name.to_string(),
                        nearest: did_you_mean(name, FIELDS.iter().map(|(n, _)| *n))
                            .map(str::to_string),
                        mapped: mapping.is_some(),
                    };
                    errors.push(Diagnostic::error(file, at(i), problem));
                }
            }
        }
        if !columns.iter().flatten().any(|(n, _)| *n == "referral_date") {
            errors.push(Diagnostic::error(
                file,
                Pos::new(1, 1),
                BatchProblem::NoDateColumn,
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Batch {
            file: file.to_string(),
            source,
            columns,
            history,
            mapping,
            row: 0,
        })
    }

    /// What the table was found to be (delimiter and encoding, or a workbook).
    pub fn dialect(&self) -> Dialect {
        self.source.dialect()
    }

    /// The next row, or `None` at the end of the table.
    pub fn next_row(&mut self) -> Option<Row> {
        let step = self.source.advance()?;
        self.row += 1;
        Some(match step {
            Err(d) => Row {
                row: self.row,
                line: d.line as u64,
                id: None,
                referral: Err(vec![d]),
                history: History::default(),
            },
            Ok(line) => {
                let (history, problems) = self.history_cells();
                let referral = match self.convert() {
                    Ok(r) if problems.is_empty() => Ok(r),
                    Ok(_) => Err(problems),
                    Err(mut ds) => {
                        ds.extend(problems);
                        Err(ds)
                    }
                };
                Row {
                    row: self.row,
                    line,
                    id: self.id_cell(),
                    referral,
                    history,
                }
            }
        })
    }

    /// The row's history cells: days read as referral dates are, ids as text.
    fn history_cells(&self) -> (History, Vec<Diagnostic>) {
        let mut h = History::default();
        let mut problems = Vec::new();
        for &(i, column) in &self.history {
            let cell = self.source.cell(i);
            let read = match (&cell, dated(column)) {
                (Cell::Empty, _) => continue,
                (Cell::Date(d), true) => {
                    h.set_date(column, *d);
                    Ok(())
                }
                (Cell::Text(t), true) => super::parse_date(t).map(|d| h.set_date(column, d)),
                (Cell::Number(n), true) => Err(ValueError::NumberNotDate(n.to_string())),
                (Cell::Bool(b), true) => Err(ValueError::YesNoCell {
                    value: *b,
                    holds: Holds::Dates,
                }),
                (Cell::Text(t), false) => {
                    h.set_text(column, t.trim().to_string());
                    Ok(())
                }
                (Cell::Number(n), false) => {
                    h.set_text(column, n.to_string());
                    Ok(())
                }
                (Cell::Date(d), false) => Err(ValueError::DateCell {
                    date: d.to_string(),
                    holds: Holds::Codes,
                }),
                (Cell::Bool(b), false) => Err(ValueError::YesNoCell {
                    value: *b,
                    holds: Holds::Codes,
                }),
            };
            if let Err(error) = read {
                let (pos, cell) = self.source.place(i);
                let problem = ReferralProblem::Value {
                    cell,
                    field: Some(column.to_string()),
                    error,
                };
                problems.push(Diagnostic::error(&self.file, pos, problem));
            }
        }
        (h, problems)
    }

    fn id_cell(&self) -> Option<String> {
        let i = self
            .columns
            .iter()
            .position(|c| c.is_some_and(|(n, _)| n == "id"))?;
        match self.source.cell(i) {
            Cell::Text(t) => Some(t.trim().to_string()),
            Cell::Number(n) if n.fract() == 0.0 => Some(format!("{}", n as i64)),
            Cell::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn convert(&self) -> Result<Referral, Vec<Diagnostic>> {
        let src = &*self.source;
        let width = src.width();
        let extra = (self.columns.len()..width).any(|i| src.cell(i) != Cell::Empty);
        if extra || (src.strict_width() && width != self.columns.len()) {
            let (pos, _) = src.place(width.min(self.columns.len()));
            return Err(vec![width_mismatch(
                &self.file,
                pos,
                width,
                self.columns.len(),
            )]);
        }
        let mut errors = Vec::new();
        let mut r = Referral::default();
        for (i, column) in self.columns.iter().enumerate() {
            let Some((name, ty)) = column else { continue };
            let cell = src.cell(i);
            if cell == Cell::Empty {
                continue;
            }
            if let Err(e) = self.set(&mut r, name, *ty, &cell) {
                let (pos, cell) = src.place(i);
                let problem = ReferralProblem::Value {
                    cell,
                    field: Some(name.to_string()),
                    error: e,
                };
                errors.push(Diagnostic::error(&self.file, pos, problem));
            }
        }
        let place_of = |field: &str| {
            let i = self
                .columns
                .iter()
                .position(|c| c.is_some_and(|(n, _)| n == field))
                .unwrap_or(0);
            src.place(i)
        };
        if r.referral_date.is_none() && errors.is_empty() {
            let (pos, cell) = place_of("referral_date");
            errors.push(Diagnostic::error(
                &self.file,
                pos,
                ReferralProblem::EmptyDate { cell },
            ));
        }
        if let (Some(b), Some(d)) = (r.birth_date, r.referral_date) {
            if b > d {
                let (pos, cell) = place_of("birth_date");
                let problem = ReferralProblem::BornAfter {
                    cell,
                    birth: b,
                    referral: d,
                };
                errors.push(Diagnostic::error(&self.file, pos, problem));
            }
        }
        if errors.is_empty() {
            Ok(r)
        } else {
            Err(errors)
        }
    }

    /// One cell into its field: text through the mapping's wordings, then as any text; typed
    /// cells of a workbook (dates, numbers, yes/no) where the field takes them.
    fn set(
        &self,
        r: &mut Referral,
        name: &str,
        ty: FieldType,
        cell: &Cell,
    ) -> Result<(), ValueError> {
        match (cell, ty) {
            (Cell::Empty, _) => Ok(()),
            (Cell::Text(t), _) => {
                let t = self
                    .mapping
                    .as_ref()
                    .map_or(t.as_ref(), |m| m.value(name, t));
                r.set_text(name, ty, t)
            }
            (Cell::Date(d), FieldType::Date) => r.set_text(name, ty, &d.to_string()),
            (Cell::Date(d), _) => Err(ValueError::DateCell {
                date: d.to_string(),
                holds: what(ty),
            }),
            (Cell::Bool(b), FieldType::Bool) => r.set_text(name, ty, &b.to_string()),
            (Cell::Bool(b), _) => Err(ValueError::YesNoCell {
                value: *b,
                holds: what(ty),
            }),
            (Cell::Number(n), FieldType::Date) => Err(ValueError::NumberNotDate(n.to_string())),
            (Cell::Number(n), FieldType::Bool) if *n == 0.0 || *n == 1.0 => {
                r.set_text(name, ty, &(*n == 1.0).to_string())
            }
            (Cell::Number(n), _) => {
                // A number where text is expected (a dossier number, a level such as 1.2).
                let text = if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", *n as i64)
                } else {
                    format!("{n}")
                };
                let text = self
                    .mapping
                    .as_ref()
                    .map_or(text.as_str(), |m| m.value(name, &text))
                    .to_string();
                r.set_text(name, ty, &text)
            }
        }
    }

    /// Whether the source gave up after an error it cannot read past.
    pub fn stopped(&self) -> bool {
        self.source.stopped()
    }
}

fn width_mismatch(file: &str, pos: Pos, width: usize, columns: usize) -> Diagnostic {
    Diagnostic::error(file, pos, BatchProblem::WidthMismatch { width, columns })
}

fn what(ty: FieldType) -> Holds {
    match ty {
        FieldType::Date => Holds::Dates,
        FieldType::Bool => Holds::YesNo,
        FieldType::Choice(_) => Holds::Codes,
        FieldType::Country => Holds::CountryCodes,
        FieldType::Language | FieldType::LanguageList => Holds::LanguageCodes,
        FieldType::Level => Holds::LanguageLevels,
        FieldType::OcmwName => Holds::OcmwNames,
        FieldType::Text => Holds::Text,
    }
}

/// Where a batch comes from: a file, which sheet of a workbook, which column mapping.
#[derive(Debug, Clone, Default)]
pub struct BatchInput {
    pub path: std::path::PathBuf,
    pub sheet: Option<String>,
    pub columns: Option<std::path::PathBuf>,
}

impl BatchInput {
    /// Open the file (CSV or `.xlsx`) and its mapping; problems are located diagnostics.
    pub fn open(&self) -> Result<(String, Batch<'static>), Vec<Diagnostic>> {
        let mapping = match &self.columns {
            Some(p) => Some(ColumnMapping::read(p).map_err(|e| e.diagnostics)?),
            None => None,
        };
        let (shown, source) =
            super::table::open_path(&self.path, self.sheet.as_deref()).map_err(|d| vec![d])?;
        let batch = Batch::new(&shown, source, mapping)?;
        Ok((shown, batch))
    }
}
