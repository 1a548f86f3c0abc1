//! Functions stay short enough to read in one screen or two: none in `src/` or `crates/` is longer than 150
//! lines, and at most six are longer than 80. The count runs from the `fn` line to its closing
//! brace, matching braces outside strings, characters and line comments.
//!
//! The message catalogue (`crates/i18n/src/catalogue/`, and the interface words in
//! `crates/i18n/src/ui.rs`) is exempt: its functions are tables — one `match` arm per message,
//! the Dutch, French and English wordings side by side — that read as lists, not as logic.

use std::path::Path;

use crate::common;

const HARD_LIMIT: usize = 150;
const SOFT_LIMIT: usize = 80;
const ALLOWED_OVER_SOFT: usize = 6;

/// The line without string and character literals and without a trailing `//` comment.
fn code_of(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(s) = chars.next() {
                    match s {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '\'' => {
                // A character literal ('x', '\n', '{') — not a lifetime ('a).
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with('\\') {
                    chars.nth(2);
                } else if rest.chars().nth(1) == Some('\'') {
                    chars.nth(1);
                }
            }
            '/' if chars.peek() == Some(&'/') => break,
            _ => out.push(c),
        }
    }
    out
}

fn fn_name(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let t = t
        .strip_prefix("pub(crate) ")
        .or_else(|| t.strip_prefix("pub(super) "))
        .or_else(|| t.strip_prefix("pub "))
        .unwrap_or(t);
    let t = t.strip_prefix("async ").unwrap_or(t);
    let t = t.strip_prefix("const ").unwrap_or(t);
    let rest = t.strip_prefix("fn ")?;
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// (name, first line, length) of every function with a body in `text`.
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else { continue };
        let mut depth = 0i64;
        let mut started = false;
        for (j, l) in lines.iter().enumerate().skip(i) {
            let code = code_of(l);
            for c in code.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        started = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if started && depth <= 0 {
                found.push((name.to_string(), i + 1, j - i + 1));
                break;
            }
            if !started && code.trim_end().ends_with(';') {
                break;
            }
        }
    }
    found
}

#[test]
fn no_function_is_too_long() {
    let mut files = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::rust_files(&root.join("src"), &mut files);
    common::rust_files(&root.join("crates"), &mut files);
    let mut long = Vec::new();
    let tables = [
        root.join("crates/i18n/src/catalogue"),
        root.join("crates/i18n/src/ui.rs"),
    ];
    for f in files
        .iter()
        .filter(|f| !tables.iter().any(|t| f.starts_with(t)))
    {
        let text = std::fs::read_to_string(f).unwrap();
        for (name, line, len) in functions(&text) {
            if len > SOFT_LIMIT {
                long.push((len, format!("{}:{line} {name}", f.display())));
            }
        }
    }
    long.sort();
    long.reverse();
    let listing: Vec<String> = long.iter().map(|(n, w)| format!("{n:5} {w}")).collect();
    let too_long: Vec<&String> = listing
        .iter()
        .zip(&long)
        .filter(|(_, (n, _))| *n > HARD_LIMIT)
        .map(|(l, _)| l)
        .collect();
    assert!(
        too_long.is_empty(),
        "functions over {HARD_LIMIT} lines:\n{}",
        listing.join("\n")
    );
    assert!(
        long.len() <= ALLOWED_OVER_SOFT,
        "{} functions over {SOFT_LIMIT} lines (at most {ALLOWED_OVER_SOFT}):\n{}",
        long.len(),
        listing.join("\n")
    );
}

#[test]
fn the_counter_sees_braces_only_in_code() {
    let text = "fn short() {\n    let s = \"}}}\";\n    let c = '}';\n    // }\n}\n\npub fn three<'a>(x: &'a str) -> &'a str {\n    x\n}\n\nfn declared();\n";
    let found = functions(text);
    assert_eq!(
        found,
        vec![("short".to_string(), 1, 5), ("three".to_string(), 7, 3)]
    );
}
