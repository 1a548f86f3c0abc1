//! Tables for spreadsheets, the format the office and the funder open: CSV whose cells cannot
//! turn into formulas, and Excel workbooks with one sheet from a table's CSV rendering, the
//! header row bold, numbers as numbers and everything else as text (never as a formula).
//!
//! A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a number
//! is what Excel and LibreOffice would run as a formula ("CSV injection", e.g. a dossier number
//! written `=HYPERLINK(…)` in an export). In CSV such a cell is written with a leading `'`, which
//! both show as text; in a workbook every text is a string cell, so it needs no mark.

use std::borrow::Cow;

use rust_xlsxwriter::{Format, Workbook};

use traject_report::ReportError;

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

/// Make every cell of a CSV text safe (`safe_cell`), keeping its rows and quoting.
pub fn safe_csv(csv_text: &str) -> String {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    for record in reader.records() {
        let Ok(record) = record else {
            return csv_text.to_string();
        };
        if w.write_record(record.iter().map(|c| safe_cell(c).into_owned()))
            .is_err()
        {
            return csv_text.to_string();
        }
    }
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_else(|| csv_text.to_string())
}

/// The text a CSV cell stands for: a `safe_cell` mark taken off again.
fn unmarked(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

/// Whether a path names a workbook (`.xlsx`) rather than a CSV file.
pub fn is_workbook(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// A workbook with one sheet named `sheet` holding the rows of `csv_text` (first row: header).
pub fn from_csv(sheet: &str, csv_text: &str) -> Result<Vec<u8>, ReportError> {
    let fail = |e: rust_xlsxwriter::XlsxError| ReportError::Spreadsheet(e.to_string());
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    // Excel limits sheet names to 31 characters and forbids some; keep what is allowed.
    let name: String = sheet
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    ws.set_name(if name.is_empty() { "report" } else { &name })
        .map_err(fail)?;
    let bold = Format::new().set_bold();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ReportError::Spreadsheet(e.to_string()))?;
        for (c, cell) in record.iter().enumerate() {
            let (row, col) = (r as u32, c as u16);
            let cell = unmarked(cell);
            match cell.parse::<f64>() {
                Ok(n) if r > 0 && n.is_finite() => ws.write_number(row, col, n).map(|_| ()),
                _ if r == 0 => ws
                    .write_string_with_format(row, col, cell, &bold)
                    .map(|_| ()),
                _ => ws.write_string(row, col, cell).map(|_| ()),
            }
            .map_err(fail)?;
        }
    }
    book.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_marked_in_csv_and_plain_text_in_workbooks() {
        assert_eq!(
            safe_cell("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(safe_cell("+SUM(1;2)"), "'+SUM(1;2)");
        assert_eq!(safe_cell("-12.5"), "-12.5", "a number stays a number");
        assert_eq!(safe_cell("@cmd"), "'@cmd");
        assert_eq!(safe_cell("A-1"), "A-1");
        assert_eq!(unmarked("'=1+1"), "=1+1");
        assert_eq!(unmarked("'quoted"), "'quoted");
        let csv = safe_csv("id,verdict\n=1+1,eligible\n");
        assert_eq!(csv, "id,verdict\n'=1+1,eligible\n");
    }

    #[test]
    fn a_csv_report_becomes_a_workbook_with_its_sheet() {
        let bytes = from_csv("activity: 2023/24", "figure,count\nreferred,12\n=1+1,x\n").unwrap();
        assert_eq!(&bytes[..2], b"PK", "an xlsx file is a zip archive");
        let names = String::from_utf8_lossy(&bytes);
        assert!(names.contains("xl/worksheets/sheet1.xml"));
        assert!(
            names.contains("xl/sharedStrings.xml"),
            "text cells are strings"
        );
        assert!(
            from_csv("x", "a,b\n\"unclosed").is_ok(),
            "an unclosed quote reads to the end of the text"
        );
    }
}
