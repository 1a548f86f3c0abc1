//! Reports as Excel workbooks, the format the office and the funder open: one sheet from a
//! report's CSV rendering, the header row bold, numbers as numbers and everything else as text
//! (never as a formula, so a cell starting with `=` cannot run anything).

use rust_xlsxwriter::{Format, Workbook};

use super::ReportError;

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
