//! Located diagnostics: every problem with user input becomes a `Diagnostic` that names the
//! file, line and column, says what is wrong and, where we can tell, what to do about it.
//! Rendering follows the compiler convention `file:line:col: error: message` so editors and
//! terminals can jump to the spot, followed by the offending line and a caret.

use std::fmt;

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
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Width of the underlined region on the line, in characters (at least 1).
    #[serde(skip)]
    pub width: usize,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: pos.line,
            col: pos.col,
            severity: Severity::Error,
            message: message.into(),
            help: None,
            width: 1,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_width(mut self, width: usize) -> Self {
        self.width = width.max(1);
        self
    }

    /// `file:line:col: error: message`, the first line of the rendering.
    pub fn headline(&self) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        format!(
            "{}:{}:{}: {}: {}",
            self.file, self.line, self.col, sev, self.message
        )
    }

    /// Full rendering with the offending source line (when `source` holds the file's text).
    pub fn render(&self, source: Option<&str>) -> String {
        let mut out = self.headline();
        out.push('\n');
        if let Some(text) = source.and_then(|s| s.lines().nth(self.line.saturating_sub(1))) {
            let shown: String = text.chars().take(160).collect();
            let gutter = self.line.to_string().len();
            let pad = " ".repeat(gutter);
            let caret_at = self.col.saturating_sub(1).min(shown.chars().count());
            let width = self.width.min(80);
            out.push_str(&format!(
                "{pad} |\n{} | {}\n",
                self.line,
                shown.replace('\t', " ")
            ));
            out.push_str(&format!(
                "{pad} | {}{}\n",
                " ".repeat(caret_at),
                "^".repeat(width)
            ));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("  = help: {help}\n"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())
    }
}

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len().max(3) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// " (did you mean 'x'?)" or the empty string.
pub fn suggestion_suffix<'a, I>(word: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    match did_you_mean(word, candidates) {
        Some(s) => format!(" (did you mean '{s}'?)"),
        None => String::new(),
    }
}

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

    pub fn render(&self) -> String {
        self.diagnostics
            .iter()
            .map(|d| {
                let text = self
                    .sources
                    .iter()
                    .find(|(f, _)| *f == d.file)
                    .map(|(_, t)| t.as_str());
                d.render(text)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for LoadError {}

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

    #[test]
    fn renders_caret_under_column() {
        let d = Diagnostic::error("f.yaml", Pos::new(2, 4), "bad").with_width(3);
        let text = d.render(Some("a: 1\nb: xyz\n"));
        assert!(text.starts_with("f.yaml:2:4: error: bad\n"));
        assert!(text.contains("2 | b: xyz\n"));
        assert!(text.contains("  |    ^^^\n"), "{text}");
    }
}
