//! Excel workbooks, the format the office and the funder open: one sheet holding a table, the
//! header row bold, numbers as numbers and everything else as text — never as a formula, so a
//! formula-like cell (see `table::safe_cell`) needs no mark here.

use rust_xlsxwriter::{Format, Workbook};

use traject_report::ReportError;

use crate::table::Table;

/// Whether a path names a workbook (`.xlsx`) rather than a CSV file.
pub fn is_workbook(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// A workbook with one sheet named `sheet` holding `table` (the header row bold).
pub fn workbook(sheet: &str, table: &Table) -> Result<Vec<u8>, ReportError> {
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
    for (c, cell) in table.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, cell, &bold)
            .map_err(fail)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (row, col) = (r as u32 + 1, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if n.is_finite() => ws.write_number(row, col, n).map(|_| ()),
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
    use crate::table::safe_cell;

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
    }

    #[test]
    fn a_report_table_becomes_a_workbook_with_its_sheet() {
        let mut table = Table::new(&["figure", "count"]);
        table.push(vec!["referred".into(), "12".into()]);
        table.push(vec!["=1+1".into(), "x".into()]);
        let bytes = workbook("activity: 2023/24", &table).unwrap();
        assert_eq!(&bytes[..2], b"PK", "an xlsx file is a zip archive");
        let names = String::from_utf8_lossy(&bytes);
        assert!(names.contains("xl/worksheets/sheet1.xml"));
        assert!(
            names.contains("xl/sharedStrings.xml"),
            "text cells are strings"
        );
        // The same table as CSV marks the formula-like cell as text.
        assert_eq!(table.csv(), "figure,count\nreferred,12\n'=1+1,x\n");
    }
}
