//! Located problems as people read them: the compiler convention `file:line:col: error:
//! message`, then the offending line with a caret under the place and the help — in the
//! reader's language — and as the JSON tools read (`--format json`, the API).

use serde::Serialize;
use traject_model::diag::{Diagnostic, LoadError, Located, Severity};

use crate::catalogue::{problem, Wording};
use crate::Lang;

/// "error:" / "fout:" / "erreur :" (and the warnings').
fn severity_word(s: Severity, lang: Lang) -> &'static str {
    match (s, lang) {
        (Severity::Error, Lang::En) => "error:",
        (Severity::Error, Lang::Nl) => "fout:",
        (Severity::Error, Lang::Fr) => "erreur\u{a0}:",
        (Severity::Warning, Lang::En) => "warning:",
        (Severity::Warning, Lang::Nl) => "waarschuwing:",
        (Severity::Warning, Lang::Fr) => "avertissement\u{a0}:",
    }
}

/// The phrase before a problem found under one choice of a programme option.
fn under_option(d: &Located<impl Sized>, lang: Lang) -> String {
    match d.under_option.as_deref() {
        Some((option, choice)) => crate::say(
            lang,
            format!("met optie {option}={choice}: "),
            format!("avec l'option {option}={choice} : "),
            format!("with option {option}={choice}: "),
        ),
        None => String::new(),
    }
}

/// `file:line:col: error: message`, the first line of a rendering.
pub fn headline<P>(d: &Located<P>, message: &str, lang: Lang) -> String {
    let under = under_option(d, lang);
    format!(
        "{}:{}:{}: {} {under}{message}",
        d.file,
        d.line,
        d.col,
        severity_word(d.severity, lang)
    )
}

/// A problem's headline and full rendering from its wording: the offending line of `source`
/// (when given) with a caret under the place, and the help.
pub fn rendered<P>(d: &Located<P>, w: &Wording, source: Option<&str>, lang: Lang) -> String {
    let mut out = headline(d, &w.message, lang);
    out.push('\n');
    if let Some(text) = source.and_then(|s| s.lines().nth(d.line.saturating_sub(1))) {
        let shown: String = text.chars().take(160).collect();
        let gutter = d.line.to_string().len();
        let pad = " ".repeat(gutter);
        let caret_at = d.col.saturating_sub(1).min(shown.chars().count());
        let width = d.width.min(80);
        out.push_str(&format!(
            "{pad} |\n{} | {}\n",
            d.line,
            shown.replace('\t', " ")
        ));
        out.push_str(&format!(
            "{pad} | {}{}\n",
            " ".repeat(caret_at),
            "^".repeat(width)
        ));
    }
    if let Some(help) = &w.help {
        let word = crate::say(lang, "tip:", "aide\u{a0}:", "help:");
        out.push_str(&format!("  = {word} {help}\n"));
    }
    out
}

/// A programme, referral or file problem rendered in full.
pub fn render(d: &Diagnostic, source: Option<&str>, lang: Lang) -> String {
    rendered(d, &problem(&d.problem, lang), source, lang)
}

/// Every problem of a failed load, with its source line.
pub fn render_load(e: &LoadError, lang: Lang) -> String {
    e.diagnostics
        .iter()
        .map(|d| render(d, e.source_of(&d.file), lang))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The headlines only, one per line.
pub fn headlines(ds: &[Diagnostic], lang: Lang) -> String {
    ds.iter()
        .map(|d| headline(d, &problem(&d.problem, lang).message, lang))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A located problem as tools read it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiagnosticView {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// A located problem with its wording, as tools read it.
pub fn view_of<P>(d: &Located<P>, w: Wording, lang: Lang) -> DiagnosticView {
    DiagnosticView {
        file: d.file.clone(),
        line: d.line,
        col: d.col,
        severity: d.severity,
        message: format!("{}{}", under_option(d, lang), w.message),
        help: w.help,
    }
}

/// A programme, referral or file problem as tools read it.
pub fn view(d: &Diagnostic, lang: Lang) -> DiagnosticView {
    view_of(d, problem(&d.problem, lang), lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use traject_model::diag::Pos;
    use traject_model::problem::YamlProblem;

    #[test]
    fn renders_caret_under_column() {
        let d =
            Diagnostic::error("f.yaml", Pos::new(2, 4), YamlProblem::CollectionTag).with_width(3);
        let text = render(&d, Some("a: 1\nb: xyz\n"), Lang::En);
        assert!(text.starts_with("f.yaml:2:4: error: YAML tags are not supported\n"));
        assert!(text.contains("2 | b: xyz\n"));
        assert!(text.contains("  |    ^^^\n"), "{text}");
        assert!(text.contains("  = help: remove the tag\n"), "{text}");
    }

    #[test]
    fn a_duplicate_key_names_the_key_and_its_first_line() {
        let d = traject_model::yaml::parse("t.yaml", "a: 1\nb: 2\na: 3\n").unwrap_err();
        let text = render(&d, None, Lang::En);
        assert!(text.contains("duplicate key 'a'"), "{text}");
        let nl = render(&d, None, Lang::Nl);
        assert!(
            nl.starts_with("t.yaml:3:1: fout: sleutel 'a' staat er twee keer"),
            "{nl}"
        );
    }
}
