//! The layouts people read traject's results in — text for the terminal, CSV and xlsx for
//! spreadsheets, HTML with SVG charts for a saved report — built from the data the domain
//! crates return, in the reader's language. Used by the front ends (the command line and the
//! web pages) only; nothing below them renders.

pub mod access;
pub mod activity;
pub mod backtest;
pub mod batch;
pub mod calendar;
pub mod diff;
pub mod explain;
pub mod funding;
pub mod impact;
pub mod processing;
pub mod reminders;
pub mod rollout;
pub mod route;
pub mod simulation;
pub mod summary;
pub mod table;
pub mod words;
pub mod xlsx;

/// Text made safe inside HTML elements and attribute values.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
