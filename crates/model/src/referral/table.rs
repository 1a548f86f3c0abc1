//! Tables of referrals as offices produce them: CSV in the dialects Excel and social-welfare
//! software write (delimiter `,` `;` or tab, sniffed from the header; UTF-8 with or without a
//! BOM, or Windows-1252, detected; CRLF or LF) and `.xlsx` workbooks (the first sheet or a named
//! one, with date, number and yes/no cells). Nothing is guessed silently: the dialect found is
//! reported, and a byte that is not text in the detected encoding is a located error. CSV is
//! read a row at a time, so a batch of millions of rows stays in constant memory.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

use chrono::NaiveDate;

use crate::diag::{Diagnostic, Pos};
use crate::problem::{TableProblem, Unreadable};

/// One cell as the source holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
}

/// What a table was found to be, for the reader ("semicolon-separated, Windows-1252").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Csv { delimiter: u8, encoding: Encoding },
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Only ASCII seen so far: UTF-8 and Windows-1252 read it the same; the first other byte
    /// decides.
    Ascii,
    Utf8,
    Utf8Bom,
    Windows1252,
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dialect::Xlsx => f.write_str("Excel workbook"),
            Dialect::Csv {
                delimiter,
                encoding,
            } => {
                let sep = match delimiter {
                    b';' => "semicolon",
                    b'\t' => "tab",
                    _ => "comma",
                };
                let enc = match encoding {
                    Encoding::Ascii => "UTF-8",
                    Encoding::Utf8 => "UTF-8",
                    Encoding::Utf8Bom => "UTF-8 with BOM",
                    Encoding::Windows1252 => "Windows-1252",
                };
                write!(f, "{sep}-separated CSV, {enc}")
            }
        }
    }
}

/// A table read row by row: its header, then each row's cells by column.
pub trait Source {
    fn dialect(&self) -> Dialect;
    fn header(&self) -> &[String];
    /// Move to the next row: its line (CSV) or row number (sheet), `None` at the end.
    fn advance(&mut self) -> Option<Result<u64, Diagnostic>>;
    /// Number of cells in the current row.
    fn width(&self) -> usize;
    fn cell(&self, column: usize) -> Cell<'_>;
    /// Where a cell of the current row is, for messages: its `line:col` position, and for a
    /// sheet the cell's name ("C12").
    fn place(&self, column: usize) -> (Pos, Option<String>);
    /// Whether every row must have as many cells as the header (CSV: a short row is a
    /// misplaced separator or quote).
    fn strict_width(&self) -> bool {
        false
    }
    /// Whether the source gave up after an error it cannot read past.
    fn stopped(&self) -> bool {
        false
    }
}

/// Bytes the first part of a CSV file is sniffed from.
const SNIFF: usize = 64 * 1024;

/// CRLF line ends read as LF. The CSV reader counts a CRLF's line only when it reads on, so
/// rows after the first would be placed a line too early; Excel on Windows writes CRLF.
struct Lf<R> {
    inner: R,
    /// A `\r` at the end of the last chunk, not yet known to start a CRLF.
    held: bool,
    scratch: Vec<u8>,
}

impl<R: Read> Read for Lf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.len() < 2 {
            return self.inner.read(buf);
        }
        let mut chunk = std::mem::take(&mut self.scratch);
        chunk.resize(buf.len() - 1, 0);
        let n = self.inner.read(&mut chunk)?;
        let mut out = 0;
        if self.held {
            self.held = false;
            if n == 0 || chunk[0] != b'\n' {
                buf[out] = b'\r';
                out += 1;
            }
        }
        for i in 0..n {
            let b = chunk[i];
            if b == b'\r' {
                match chunk.get(i + 1) {
                    Some(b'\n') => continue,
                    None if i + 1 == n => {
                        self.held = true;
                        continue;
                    }
                    _ => {}
                }
            }
            buf[out] = b;
            out += 1;
        }
        self.scratch = chunk;
        if out == 0 && n > 0 {
            // Only a held `\r`: read on, so that 0 keeps meaning the end.
            return self.read(buf);
        }
        Ok(out)
    }
}

/// A CSV table over any reader.
pub struct CsvSource<R: Read> {
    file: String,
    reader: csv::Reader<Lf<BufReader<R>>>,
    header: Vec<String>,
    record: csv::ByteRecord,
    /// The current row decoded (Windows-1252 only), with each field's byte range.
    decoded: String,
    spans: Vec<(usize, usize)>,
    dialect: Dialect,
    line: u64,
    failed: bool,
}

/// The delimiter of a header line: the most frequent of `;`, tab and `,` outside quotes.
fn sniff_delimiter(first_line: &[u8]) -> u8 {
    let (mut quoted, mut counts) = (false, [0usize; 3]);
    for &b in first_line {
        match b {
            b'"' => quoted = !quoted,
            b';' if !quoted => counts[0] += 1,
            b'\t' if !quoted => counts[1] += 1,
            b',' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 2 - i)).unwrap_or(2);
    if counts[best] == 0 {
        b','
    } else {
        [b';', b'\t', b','][best]
    }
}

/// Whether `bytes` is UTF-8, allowing a character cut off at the end of the sample.
fn utf8_sample(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4,
    }
}

/// Windows-1252 leaves five bytes undefined; any of them means the file is not in it.
fn undefined_in_1252(b: u8) -> bool {
    matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D)
}

impl<R: Read> CsvSource<R> {
    /// Open a CSV table: sniff the encoding and delimiter from its start, read the header.
    pub fn open(file: &str, input: R) -> Result<Self, Diagnostic> {
        let mut buffered = BufReader::with_capacity(SNIFF, input);
        let sample = buffered
            .fill_buf()
            .map_err(|e| {
                let problem = TableProblem::CannotRead {
                    reason: e.to_string(),
                };
                Diagnostic::error(file, Pos::new(1, 1), problem)
            })?
            .to_vec();
        let bom = sample.starts_with(b"\xEF\xBB\xBF");
        if bom {
            buffered.consume(3);
        }
        let body = if bom { &sample[3..] } else { &sample[..] };
        let encoding = if bom {
            Encoding::Utf8Bom
        } else if body.is_ascii() {
            Encoding::Ascii
        } else if utf8_sample(body) {
            Encoding::Utf8
        } else {
            Encoding::Windows1252
        };
        let first_line = body.split(|b| *b == b'\n').next().unwrap_or_default();
        let delimiter = sniff_delimiter(first_line);
        let reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .delimiter(delimiter)
            .from_reader(Lf {
                inner: buffered,
                held: false,
                scratch: Vec::new(),
            });
        let mut source = CsvSource {
            file: file.to_string(),
            reader,
            header: Vec::new(),
            record: csv::ByteRecord::new(),
            decoded: String::new(),
            spans: Vec::new(),
            dialect: Dialect::Csv {
                delimiter,
                encoding,
            },
            line: 0,
            failed: false,
        };
        match source.advance() {
            None => Err(Diagnostic::error(
                file,
                Pos::new(1, 1),
                TableProblem::EmptyCsv,
            )),
            Some(Err(d)) => Err(d),
            Some(Ok(_)) => {
                source.header = (0..source.width())
                    .map(|i| match source.cell(i) {
                        Cell::Text(t) => t.trim().to_string(),
                        _ => String::new(),
                    })
                    .collect();
                Ok(source)
            }
        }
    }

    fn encoding(&self) -> Encoding {
        match self.dialect {
            Dialect::Csv { encoding, .. } => encoding,
            Dialect::Xlsx => Encoding::Utf8,
        }
    }

    fn set_encoding(&mut self, e: Encoding) {
        if let Dialect::Csv { encoding, .. } = &mut self.dialect {
            *encoding = e;
        }
    }

    /// Check (UTF-8) or decode (Windows-1252) the record just read. After ASCII only, the
    /// first other byte settles the encoding: UTF-8 if the row is UTF-8, else Windows-1252.
    fn decode(&mut self) -> Result<(), Diagnostic> {
        let line = self.line as usize;
        if self.encoding() == Encoding::Ascii && !self.record.as_slice().is_ascii() {
            let utf8 = self.record.iter().all(|f| std::str::from_utf8(f).is_ok());
            self.set_encoding(if utf8 {
                Encoding::Utf8
            } else {
                Encoding::Windows1252
            });
        }
        if self.encoding() != Encoding::Windows1252 {
            for (i, field) in self.record.iter().enumerate() {
                if let Err(e) = std::str::from_utf8(field) {
                    let byte = field[e.valid_up_to()];
                    let problem = TableProblem::NotUtf8Byte {
                        byte,
                        column: i + 1,
                    };
                    return Err(Diagnostic::error(
                        &self.file,
                        Pos::new(line, i + 1),
                        problem,
                    ));
                }
            }
            return Ok(());
        }
        self.decoded.clear();
        self.spans.clear();
        for (i, field) in self.record.iter().enumerate() {
            if let Some(&bad) = field.iter().find(|b| undefined_in_1252(**b)) {
                let problem = TableProblem::Not1252Byte {
                    byte: bad,
                    column: i + 1,
                };
                return Err(Diagnostic::error(
                    &self.file,
                    Pos::new(line, i + 1),
                    problem,
                ));
            }
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(field);
            let start = self.decoded.len();
            self.decoded.push_str(&text);
            self.spans.push((start, self.decoded.len()));
        }
        Ok(())
    }
}

impl<R: Read> Source for CsvSource<R> {
    fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn header(&self) -> &[String] {
        &self.header
    }

    fn advance(&mut self) -> Option<Result<u64, Diagnostic>> {
        if self.failed {
            return None;
        }
        let before = self.reader.position().line();
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                // The record's own position is its first line; blank lines before it are skipped.
                self.line = self
                    .record
                    .position()
                    .map_or(before, |p| p.line())
                    .max(before);
                Some(self.decode().map(|()| self.line))
            }
            Err(e) => {
                let line = e.position().map_or(self.line + 1, |p| p.line());
                self.line = line;
                self.failed = matches!(e.kind(), csv::ErrorKind::Io(_));
                let problem = TableProblem::Csv {
                    detail: e.to_string(),
                };
                Some(Err(Diagnostic::error(
                    &self.file,
                    Pos::new(line.max(1) as usize, 1),
                    problem,
                )))
            }
        }
    }

    fn width(&self) -> usize {
        self.record.len()
    }

    fn cell(&self, column: usize) -> Cell<'_> {
        let text: &str = if self.encoding() == Encoding::Windows1252 {
            match self.spans.get(column) {
                Some(&(a, b)) => &self.decoded[a..b],
                None => return Cell::Empty,
            }
        } else {
            match self
                .record
                .get(column)
                .and_then(|f| std::str::from_utf8(f).ok())
            {
                Some(t) => t,
                None => return Cell::Empty,
            }
        };
        if text.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(Cow::Borrowed(text))
        }
    }

    fn place(&self, column: usize) -> (Pos, Option<String>) {
        (Pos::new(self.line as usize, column + 1), None)
    }

    fn stopped(&self) -> bool {
        self.failed
    }

    fn strict_width(&self) -> bool {
        true
    }
}

fn unreadable_workbook(file: &str, why: Unreadable) -> Diagnostic {
    Diagnostic::error(file, Pos::new(1, 1), TableProblem::Workbook(why))
}

fn no_such_sheet(file: &str, sheet: &str, names: &[String]) -> Diagnostic {
    let problem = TableProblem::NoSuchSheet {
        sheet: sheet.to_string(),
        sheets: names.to_vec(),
        nearest: crate::diag::did_you_mean(sheet, names.iter().map(String::as_str))
            .map(str::to_string),
    };
    Diagnostic::error(file, Pos::new(1, 1), problem)
}

fn empty_sheet(file: &str, name: &str) -> Diagnostic {
    let problem = TableProblem::EmptySheet {
        sheet: name.to_string(),
    };
    Diagnostic::error(file, Pos::new(1, 1), problem)
}

/// The first sheet (or the one named) of an `.xlsx` workbook, read whole. Cells are read one
/// by one, never as the rectangle the sheet declares: a file claiming a cell at XFD1048576 would
/// otherwise make the reader set aside room for seventeen billion cells.
pub struct XlsxSource {
    header: Vec<String>,
    /// The rows after the header that hold anything: (sheet row, 1-based), cells from `first_col`.
    rows: Vec<(u32, Vec<calamine::Data>)>,
    /// The sheet column (0-based) of the table's first column.
    first_col: u32,
    next: usize,
}

/// More columns than a referral table could mean: the file is not one.
const MAX_COLUMNS: u32 = 256;
/// More cells than a batch of referrals holds (a million rows of a few columns).
const MAX_CELLS: usize = 20_000_000;

/// A spreadsheet column's letters: 0 → A, 26 → AA.
pub fn column_letters(mut n: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn unreadable_sheet(name: &str, e: &impl std::fmt::Display) -> Unreadable {
    Unreadable::Sheet {
        sheet: name.to_string(),
        detail: e.to_string(),
    }
}

type SheetCells = std::collections::BTreeMap<u32, Vec<(u32, calamine::Data)>>;

impl XlsxSource {
    pub fn open(file: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Self, Diagnostic> {
        use calamine::Reader;
        let bad = |why: Unreadable| unreadable_workbook(file, why);
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(
            bytes,
        ))
        .map_err(|e: calamine::XlsxError| {
            bad(Unreadable::NotXlsx {
                detail: e.to_string(),
            })
        })?;
        let names = book.sheet_names();
        let name = match sheet {
            Some(s) => names
                .iter()
                .find(|n| n.as_str() == s)
                .cloned()
                .ok_or_else(|| no_such_sheet(file, s, &names))?,
            None => names
                .first()
                .cloned()
                .ok_or_else(|| bad(Unreadable::NoSheets))?,
        };
        let cells = Self::cells(file, &mut book, &name, &bad)?;
        let first_col = cells.values().flatten().map(|(c, _)| *c).min().unwrap_or(0);
        let width = cells
            .values()
            .flatten()
            .map(|(c, _)| c - first_col + 1)
            .max()
            .unwrap_or(0) as usize;
        let mut rows: Vec<(u32, Vec<calamine::Data>)> = cells
            .into_iter()
            .map(|(r, row)| {
                let mut dense = vec![calamine::Data::Empty; width];
                for (c, v) in row {
                    dense[(c - first_col) as usize] = v;
                }
                (r + 1, dense)
            })
            .collect();
        if rows.is_empty() {
            return Err(empty_sheet(file, &name));
        }
        let (_, head) = rows.remove(0);
        let header = head
            .iter()
            .map(|c| match c {
                calamine::Data::String(s) => s.trim().to_string(),
                calamine::Data::Empty => String::new(),
                other => other.to_string(),
            })
            .collect();
        Ok(XlsxSource {
            header,
            rows,
            first_col,
            next: 0,
        })
    }

    /// The sheet's non-empty cells by row, refusing sheets no referral table could be.
    fn cells(
        file: &str,
        book: &mut calamine::Xlsx<std::io::Cursor<Vec<u8>>>,
        name: &str,
        bad: &dyn Fn(Unreadable) -> Diagnostic,
    ) -> Result<SheetCells, Diagnostic> {
        let mut reader = book
            .worksheet_cells_reader(name)
            .map_err(|e| bad(unreadable_sheet(name, &e)))?;
        let mut rows = SheetCells::new();
        let mut count = 0usize;
        while let Some(cell) = reader
            .next_cell()
            .map_err(|e| bad(unreadable_sheet(name, &e)))?
        {
            let (r, c) = cell.get_position();
            let value: calamine::Data = cell.get_value().clone().into();
            if value == calamine::Data::Empty {
                continue;
            }
            if c >= MAX_COLUMNS {
                let problem = TableProblem::BeyondLastColumn {
                    cell: format!("{}{}", column_letters(c as usize), r + 1),
                    last: column_letters(MAX_COLUMNS as usize - 1),
                };
                let at = Pos::new(r as usize + 1, c as usize + 1);
                return Err(Diagnostic::error(file, at, problem));
            }
            count += 1;
            if count > MAX_CELLS {
                return Err(bad(Unreadable::TooManyCells {
                    sheet: name.to_string(),
                    max: MAX_CELLS,
                }));
            }
            rows.entry(r).or_default().push((c, value));
        }
        Ok(rows)
    }

    fn current(&self) -> Option<&(u32, Vec<calamine::Data>)> {
        self.next.checked_sub(1).and_then(|i| self.rows.get(i))
    }
}

impl Source for XlsxSource {
    fn dialect(&self) -> Dialect {
        Dialect::Xlsx
    }

    fn header(&self) -> &[String] {
        &self.header
    }

    fn advance(&mut self) -> Option<Result<u64, Diagnostic>> {
        if self.next >= self.rows.len() {
            return None;
        }
        self.next += 1;
        self.current().map(|(r, _)| Ok(u64::from(*r)))
    }

    fn width(&self) -> usize {
        self.current().map_or(0, |(_, cells)| cells.len())
    }

    fn cell(&self, column: usize) -> Cell<'_> {
        use calamine::Data;
        match self.current().and_then(|(_, r)| r.get(column)) {
            None | Some(Data::Empty) => Cell::Empty,
            Some(Data::String(s)) if s.trim().is_empty() => Cell::Empty,
            Some(Data::String(s)) | Some(Data::DateTimeIso(s)) | Some(Data::DurationIso(s)) => {
                Cell::Text(Cow::Borrowed(s))
            }
            Some(Data::Int(i)) => Cell::Number(*i as f64),
            Some(Data::Float(f)) => Cell::Number(*f),
            Some(Data::Bool(b)) => Cell::Bool(*b),
            Some(Data::DateTime(d)) => match d.as_datetime() {
                Some(dt) => Cell::Date(dt.date()),
                None => Cell::Text(Cow::Owned(d.as_f64().to_string())),
            },
            Some(Data::Error(e)) => Cell::Text(Cow::Owned(format!("#{e:?}"))),
        }
    }

    fn place(&self, column: usize) -> (Pos, Option<String>) {
        let row = self.current().map_or(0, |(r, _)| *r as usize);
        let col = self.first_col as usize + column;
        (
            Pos::new(row, col + 1),
            Some(format!("{}{row}", column_letters(col))),
        )
    }
}

/// Open a table by its file name: `.xlsx` as a workbook (`sheet` names one), anything else as
/// CSV.
pub fn open_path(
    path: &std::path::Path,
    sheet: Option<&str>,
) -> Result<(String, Box<dyn Source>), Diagnostic> {
    let shown = crate::diag::display_path(path);
    let cannot = |e: std::io::Error| {
        let problem = TableProblem::CannotOpen {
            reason: e.to_string(),
        };
        Diagnostic::error(&shown, Pos::new(1, 1), problem)
    };
    let is_xlsx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"));
    if is_xlsx {
        let bytes = std::fs::read(path).map_err(cannot)?;
        let source = XlsxSource::open(&shown, bytes, sheet)?;
        return Ok((shown, Box::new(source)));
    }
    if sheet.is_some() {
        return Err(Diagnostic::error(
            &shown,
            Pos::new(1, 1),
            TableProblem::SheetOfCsv,
        ));
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    let source = CsvSource::open(&shown, file)?;
    Ok((shown, Box::new(source)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{Problem, TableProblem};

    fn rows(src: &mut dyn Source) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        while let Some(r) = src.advance() {
            r.unwrap();
            out.push(
                (0..src.width())
                    .map(|i| match src.cell(i) {
                        Cell::Text(t) => t.into_owned(),
                        Cell::Empty => String::new(),
                        other => format!("{other:?}"),
                    })
                    .collect(),
            );
        }
        out
    }

    #[test]
    fn dialects_are_found_from_the_file_itself() {
        let semi = b"id;referral_date\r\nA-1;12/04/2023\r\n".to_vec();
        let mut s = CsvSource::open("s.csv", &semi[..]).unwrap();
        assert_eq!(s.header(), ["id", "referral_date"]);
        assert_eq!(s.dialect().to_string(), "semicolon-separated CSV, UTF-8");
        assert_eq!(rows(&mut s), [["A-1", "12/04/2023"]]);

        let mut latin = b"id;naam\r\n7;Ren\xe9e\r\n".to_vec();
        let mut s = CsvSource::open("w.csv", &latin[..]).unwrap();
        assert_eq!(
            s.dialect().to_string(),
            "semicolon-separated CSV, Windows-1252"
        );
        assert_eq!(rows(&mut s), [["7", "Renée"]]);
        latin.extend_from_slice(b"8;bad\x81\r\n");
        let mut s = CsvSource::open("w.csv", &latin[..]).unwrap();
        assert_eq!(s.advance().unwrap().unwrap(), 2);
        let e = s.advance().unwrap().unwrap_err();
        assert_eq!((e.line, e.col), (3, 2));
        assert!(
            matches!(
                *e.problem,
                Problem::Table(TableProblem::Not1252Byte { byte: 0x81, .. })
            ),
            "{:?}",
            e.problem
        );

        let bom = b"\xEF\xBB\xBFid,gender\n1,v\n".to_vec();
        let s = CsvSource::open("b.csv", &bom[..]).unwrap();
        assert_eq!(s.header(), ["id", "gender"]);
        assert_eq!(
            s.dialect().to_string(),
            "comma-separated CSV, UTF-8 with BOM"
        );

        let tab = b"id\treferral_date\n1\t2023-01-01\n".to_vec();
        assert_eq!(
            CsvSource::open("t.tsv", &tab[..])
                .unwrap()
                .dialect()
                .to_string(),
            "tab-separated CSV, UTF-8"
        );
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(27), "AB");
    }
}
