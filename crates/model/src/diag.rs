//! Located diagnostics: every problem with user input becomes a `Diagnostic` that names the
//! file, line and column, says what is wrong and, where we can tell, what to do about it.
//! Rendering follows the compiler convention `file:line:col: error: message` so editors and
//! terminals can jump to the spot, followed by the offending line and a caret.
//!
//! A diagnostic is written in English and, where its site gives them, in Dutch and French
//! too; `in_lang` picks the reader's wording (English where no other was written), so the
//! message a coordinator reads is in their language while tests and logs may ask for English.

use std::fmt;

use traject_i18n::Lang;

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
    /// The message and help in Dutch and French, where the site wrote them (a boxed slice,
    /// so that a `Result<_, Diagnostic>` stays small).
    #[serde(skip)]
    pub local: Box<[Wording]>,
    /// The language the frame ("error", "help") is rendered in; set by `in_lang`.
    #[serde(skip)]
    pub shown_in: Lang,
}

/// A diagnostic's message and help in one language other than English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    pub lang: Lang,
    pub message: String,
    pub help: Option<String>,
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
            local: Box::default(),
            shown_in: Lang::En,
        }
    }

    /// The Dutch wording (an empty `message` or `help` keeps the English one).
    pub fn nl(self, message: impl Into<String>, help: impl Into<String>) -> Self {
        self.worded(Lang::Nl, message.into(), help.into())
    }

    /// The French wording (an empty `message` or `help` keeps the English one). Typography
    /// is applied when rendered, outside `code`.
    pub fn fr(self, message: impl Into<String>, help: impl Into<String>) -> Self {
        self.worded(Lang::Fr, message.into(), help.into())
    }

    fn worded(mut self, lang: Lang, message: String, help: String) -> Self {
        let mut local: Vec<Wording> = std::mem::take(&mut self.local).into_vec();
        local.retain(|w| w.lang != lang);
        local.push(Wording {
            lang,
            message,
            help: (!help.is_empty()).then_some(help),
        });
        self.local = local.into_boxed_slice();
        self
    }

    /// The same diagnostic with a phrase before its message in each language, e.g. the
    /// option choice under which it was found.
    pub fn prefixed(mut self, en: &str, nl: &str, fr: &str) -> Self {
        self.message = format!("{en}{}", self.message);
        for w in self.local.iter_mut() {
            let before = match w.lang {
                Lang::Nl => nl,
                Lang::Fr => fr,
                Lang::En => en,
            };
            w.message = format!("{before}{}", w.message);
        }
        self
    }

    /// This diagnostic worded for a reader of `lang`: English where no wording in `lang` was
    /// written; French with its typography (outside `code`).
    pub fn in_lang(&self, lang: Lang) -> Diagnostic {
        let mut d = self.clone();
        d.shown_in = lang;
        if let Some(w) = self.local.iter().find(|w| w.lang == lang) {
            // An empty wording keeps the English message (a site that words only the help).
            if !w.message.is_empty() {
                d.message = traject_i18n::prose(&w.message, lang);
            }
            // No help written in `lang` keeps the English one: a hint in another language
            // is better than none.
            if let Some(h) = &w.help {
                d.help = Some(traject_i18n::prose(h, lang));
            }
        }
        d
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
        let sev = match (self.severity, self.shown_in) {
            (Severity::Error, Lang::En) => "error:",
            (Severity::Error, Lang::Nl) => "fout:",
            (Severity::Error, Lang::Fr) => "erreur\u{a0}:",
            (Severity::Warning, Lang::En) => "warning:",
            (Severity::Warning, Lang::Nl) => "waarschuwing:",
            (Severity::Warning, Lang::Fr) => "avertissement\u{a0}:",
        };
        format!(
            "{}:{}:{}: {} {}",
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
            let word = match self.shown_in {
                Lang::En => "help:",
                Lang::Nl => "tip:",
                Lang::Fr => "aide\u{a0}:",
            };
            out.push_str(&format!("  = {word} {help}\n"));
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

/// " (did you mean 'x'?)" in the reader's language, or the empty string.
pub fn suggestion_in<'a, I>(word: &str, candidates: I, lang: Lang) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    meant(did_you_mean(word, candidates), lang)
}

/// " (did you mean 'x'?)" for a suggestion already found, or the empty string: errors keep
/// the suggested word and word it in the reader's language when shown.
pub fn meant(suggestion: Option<&str>, lang: Lang) -> String {
    match suggestion {
        Some(s) => match lang {
            Lang::En => format!(" (did you mean '{s}'?)"),
            Lang::Nl => format!(" (bedoelde je '{s}'?)"),
            Lang::Fr => format!(" (vouliez-vous dire «\u{a0}{s}\u{a0}»\u{a0}?)"),
        },
        None => String::new(),
    }
}

/// " (did you mean 'x'?)" or the empty string.
pub fn suggestion_suffix<'a, I>(word: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    suggestion_in(word, candidates, Lang::En)
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
        self.render_in(Lang::En)
    }

    /// Every diagnostic in the reader's language, with its source line.
    pub fn render_in(&self, lang: Lang) -> String {
        self.diagnostics
            .iter()
            .map(|d| d.in_lang(lang))
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
