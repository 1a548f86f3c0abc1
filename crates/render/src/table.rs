//! A table as data — a header and rows of cells — from which a report is written as CSV, as an
//! Excel workbook (`xlsx::workbook`) or as an HTML table by a front end, so that no front end
//! reads another's rendering back in.
//!
//! A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a number
//! is what Excel and LibreOffice would run as a formula ("CSV injection", e.g. a dossier number
//! written `=HYPERLINK(…)` in an export). In CSV such a cell is written with a leading `'`,
//! which both show as text.

use std::borrow::Cow;

/// Whether a spreadsheet would read `cell` as a formula.
fn formula_like(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.trim().parse::<f64>().is_err()
}

/// A CSV cell that a spreadsheet shows as the text it is.
pub fn safe_cell(cell: &str) -> Cow<'_, str> {
    if formula_like(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// The table as CSV, every cell a spreadsheet would run as a formula written as text.
    pub fn csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        for row in std::iter::once(&self.header).chain(&self.rows) {
            // Writing to memory cannot fail.
            let _ = w.write_record(row.iter().map(|c| safe_cell(c).into_owned()));
        }
        w.into_inner()
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_where_needed_and_formulas_marked() {
        let mut t = Table::new(&["figure", "count"]);
        t.push(vec!["exit: art60, \"job\"".into(), "3".into()]);
        t.push(vec!["=1+1".into(), "-2".into()]);
        assert_eq!(
            t.csv(),
            "figure,count\n\"exit: art60, \"\"job\"\"\",3\n'=1+1,-2\n"
        );
    }
}
