//! Located problems: every problem with user input becomes a `Diagnostic` — a `Problem` (the
//! facts) at a file, line and column, with the width of the text it is about. Front ends word
//! the problem in the reader's language (`traject_i18n`) and render the compiler convention
//! `file:line:col: error: message`, the offending line and a caret.

use crate::problem::Problem;

/// 1-based line and column (columns count characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub fn new(line: usize, col: usize) -> Self {
        Pos { line, col }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Severity {
    Error,
    Warning,
}

/// A problem of type `P` at a place in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<P> {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    /// Boxed: problems hold their facts, and a `Result<_, Diagnostic>` should stay small.
    pub problem: Box<P>,
    /// Width of the underlined region on the line, in characters (at least 1).
    pub width: usize,
    /// The option choice the problem was found under, when a programme was loaded once per
    /// choice: (option id, choice).
    pub under_option: Option<Box<(String, String)>>,
}

/// A problem with a programme, a referral or an office's file, at its place.
pub type Diagnostic = Located<Problem>;

impl<P> Located<P> {
    pub fn at(file: impl Into<String>, pos: Pos, problem: impl Into<P>) -> Self {
        Located {
            file: file.into(),
            line: pos.line,
            col: pos.col,
            severity: Severity::Error,
            problem: Box::new(problem.into()),
            width: 1,
            under_option: None,
        }
    }

    pub fn with_width(mut self, width: usize) -> Self {
        self.width = width.max(1);
        self
    }

    /// The same problem, found under one choice of a programme option.
    pub fn under(mut self, option: &str, choice: &str) -> Self {
        self.under_option = Some(Box::new((option.to_string(), choice.to_string())));
        self
    }

    /// The same place with another kind of problem (a model problem inside an application's).
    pub fn map<Q>(self, f: impl FnOnce(P) -> Q) -> Located<Q> {
        Located {
            file: self.file,
            line: self.line,
            col: self.col,
            severity: self.severity,
            problem: Box::new(f(*self.problem)),
            width: self.width,
            under_option: self.under_option,
        }
    }
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, pos: Pos, problem: impl Into<Problem>) -> Self {
        Located::at(file, pos, problem)
    }
}

/// The closest candidate to a word (kept with the problems that name it).
pub use crate::problem::did_you_mean;

/// A failed load: the diagnostics, and the text for rendering them (when it was readable).
#[derive(Debug, Clone)]
pub struct LoadError {
    pub diagnostics: Vec<Diagnostic>,
    /// `(file, text)` of the files the diagnostics point into, to show the offending lines.
    pub sources: Vec<(String, String)>,
}

impl LoadError {
    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        LoadError {
            diagnostics,
            sources: Vec::new(),
        }
    }

    pub fn with_source(mut self, file: &str, text: &str) -> Self {
        self.sources.push((file.to_string(), text.to_string()));
        self
    }

    /// The text of `file`, when it was kept.
    pub fn source_of(&self, file: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|(f, _)| f == file)
            .map(|(_, t)| t.as_str())
    }
}

impl From<Diagnostic> for LoadError {
    fn from(d: Diagnostic) -> Self {
        LoadError::new(vec![d])
    }
}

/// A path as we show it: relative to the working directory when possible.
pub fn display_path(path: &std::path::Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd
        .as_deref()
        .and_then(|c| path.strip_prefix(c).ok())
        .unwrap_or(path);
    shown.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["eligibility", "evaluations", "exits"];
        assert_eq!(did_you_mean("eligibilty", keys), Some("eligibility"));
        assert_eq!(did_you_mean("zzzzzz", keys), None);
    }
}
