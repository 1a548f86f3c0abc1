//! Referrals: a referral file's fields and values, an office's table (CSV or workbook), a
//! column mapping for an export with its own headers, and a batch's header and rows.

use chrono::NaiveDate;
use serde_json::Value;

use crate::referral::ValueError;

#[derive(Debug, Clone, PartialEq)]
pub enum ReferralProblem {
    /// A referral file that is not a mapping of `field: value` lines.
    NotAMapping,
    NoReferralDate,
    UnknownField {
        key: String,
        nearest: Option<String>,
    },
    NotYesNo {
        key: String,
    },
    NotLanguageCodes {
        key: String,
    },
    /// A language level written as a number (1.10 would read as 1.1).
    UnquotedLevel {
        key: String,
        level: String,
    },
    WrongType {
        key: String,
        found: Value,
    },
    CannotRead {
        reason: String,
    },
    /// A value its field does not take; in a table, with its column and (in a workbook) its
    /// cell ("C12").
    Value {
        cell: Option<String>,
        field: Option<String>,
        error: ValueError,
    },
    BornAfter {
        cell: Option<String>,
        birth: NaiveDate,
        referral: NaiveDate,
    },
    /// A table row whose referral_date cell is empty.
    EmptyDate {
        cell: Option<String>,
    },
}

/// Why a workbook cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not an `.xlsx` workbook (the reader's own words).
    NotXlsx {
        detail: String,
    },
    NoSheets,
    Sheet {
        sheet: String,
        detail: String,
    },
    TooManyCells {
        sheet: String,
        max: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableProblem {
    CannotRead {
        reason: String,
    },
    CannotOpen {
        reason: String,
    },
    EmptyCsv,
    NotUtf8Byte {
        byte: u8,
        column: usize,
    },
    Not1252Byte {
        byte: u8,
        column: usize,
    },
    /// The CSV reader's own report.
    Csv {
        detail: String,
    },
    Workbook(Unreadable),
    NoSuchSheet {
        sheet: String,
        sheets: Vec<String>,
        nearest: Option<String>,
    },
    EmptySheet {
        sheet: String,
    },
    /// A cell far to the right of any table of referrals.
    BeyondLastColumn {
        cell: String,
        last: String,
    },
    /// A sheet was named for a CSV file.
    SheetOfCsv,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MappingProblem {
    NotAMapping,
    UnknownKey {
        key: String,
        nearest: Option<String>,
    },
    ColumnsNotMap,
    ValuesNotMap,
    ColumnNotText {
        header: String,
    },
    FieldTwice {
        field: String,
        first: String,
    },
    /// Not a referral field: under `columns:` (where `ignore` also serves) or `values:`.
    NotAField {
        name: String,
        nearest: Option<String>,
        in_columns: bool,
    },
    WordingsNotMap {
        field: String,
    },
    CodeNotText {
        local: String,
        found: Value,
    },
    BadCode {
        local: String,
        error: ValueError,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchProblem {
    ColumnTwice {
        column: String,
        field: String,
    },
    NoHeader {
        column: usize,
    },
    /// A header that names no field (`mapped`: a column mapping is in use).
    UnknownColumn {
        column: String,
        nearest: Option<String>,
        mapped: bool,
    },
    NoDateColumn,
    WidthMismatch {
        width: usize,
        columns: usize,
    },
}
