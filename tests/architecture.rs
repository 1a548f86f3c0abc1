//! What Cargo cannot enforce about the layers (it enforces which crate may use which):
//! 1. SQL only in the store crate — no statement in any other crate, the binary, the tests or
//!    the benchmarks, and no `.sql` file outside the store's migrations;
//! 2. no reader's language below the front ends — the domain and application crates take no
//!    `Lang` parameter (a label's own language in the model's `text` module is data, not a
//!    reader) and do not depend on the wording crates;
//! 3. no command-line flag outside the command line — a `--flag` in a string literal of any
//!    crate is a hint the CLI's renderer should add (`src/cli/words.rs`).
//!
//! Each check is a function over a file's text; its own test first shows it catching a
//! planted violation, then runs it over the workspace.

use std::path::PathBuf;

use crate::common;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The crates below the front ends: they hold facts and data, never words for a reader.
const BELOW_FRONT_ENDS: [&str; 8] = [
    "model", "rules", "cases", "store", "sim", "report", "rollout", "app",
];

fn files_under(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in dirs {
        common::rust_files(d, &mut out);
    }
    out.sort();
    out
}

/// The pieces of a Rust source: string literals (with the line they start on) and the code
/// outside strings, characters and comments.
struct Lexed {
    strings: Vec<(usize, String)>,
    code: String,
}

/// Split `text` into string literals and code. Handles `// …`, `/* … */`, `"…"` with escapes,
/// raw strings `r#"…"#`, character literals and lifetimes.
fn lex(text: &str) -> Lexed {
    let chars: Vec<char> = text.chars().collect();
    let (mut i, mut line) = (0, 1);
    let mut out = Lexed {
        strings: Vec::new(),
        code: String::new(),
    };
    let at = |i: usize, s: &str| {
        s.chars()
            .enumerate()
            .all(|(k, c)| chars.get(i + k) == Some(&c))
    };
    while i < chars.len() {
        let c = chars[i];
        if at(i, "//") {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if at(i, "/*") {
            while i < chars.len() && !at(i, "*/") {
                line += usize::from(chars[i] == '\n');
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (at(i + 1, "\"") || at(i + 1, "#\"") || at(i + 1, "##\"")) {
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            let close: String = std::iter::once('"')
                .chain("#".repeat(hashes).chars())
                .collect();
            i += 2 + hashes;
            let (start, mut s) = (line, String::new());
            while i < chars.len() && !at(i, &close) {
                line += usize::from(chars[i] == '\n');
                s.push(chars[i]);
                i += 1;
            }
            i += close.len();
            out.strings.push((start, s));
            out.code.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            let (start, mut s) = (line, String::new());
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    s.push(chars[i]);
                    i += 1;
                }
                line += usize::from(chars.get(i) == Some(&'\n'));
                if let Some(c) = chars.get(i) {
                    s.push(*c);
                }
                i += 1;
            }
            i += 1;
            out.strings.push((start, s));
            out.code.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('x', '\n', '"') — not a lifetime ('a).
            if chars.get(i + 1) == Some(&'\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                out.code.push(c);
                i += 1;
            }
        } else {
            line += usize::from(c == '\n');
            out.code.push(c);
            i += 1;
        }
    }
    out
}

/// SQL statements in the string literals of `text`: (line, the literal).
fn sql_statements(text: &str) -> Vec<(usize, String)> {
    const STATEMENTS: [(&str, &str); 11] = [
        ("SELECT ", " FROM "),
        ("INSERT INTO ", ""),
        ("UPDATE ", " SET "),
        ("DELETE FROM ", ""),
        ("CREATE TABLE", ""),
        ("CREATE INDEX", ""),
        ("CREATE TRIGGER", ""),
        ("ALTER TABLE", ""),
        ("DROP TABLE", ""),
        ("TRUNCATE ", ""),
        ("PRAGMA ", ""),
    ];
    lex(text)
        .strings
        .into_iter()
        .filter(|(_, s)| {
            STATEMENTS.iter().any(|(head, then)| {
                s.find(head)
                    .is_some_and(|at| then.is_empty() || s[at..].contains(then))
            })
        })
        .collect()
}

/// Functions of `text` that take a `Lang` (or `Option<Lang>`, `&Lang`) parameter: (line, name).
fn lang_parameters(text: &str) -> Vec<(usize, String)> {
    let code = lex(text).code;
    let mut found = Vec::new();
    let mut rest = code.as_str();
    let mut offset = 0;
    while let Some(at) = rest.find("fn ") {
        let start = offset + at;
        let before = code[..start].chars().last();
        offset = start + 3;
        rest = &code[offset..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let Some(open) = rest.find('(') else { break };
        let (mut depth, mut close) = (0, open);
        for (k, c) in rest[open..].char_indices() {
            match c {
                '(' | '<' | '[' => depth += 1,
                ')' | '>' | ']' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                close = open + k;
                break;
            }
        }
        let params = &rest[open + 1..close];
        let takes_lang = params.split(',').any(|p| {
            p.split_once(':').is_some_and(|(_, ty)| {
                ty.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|word| word == "Lang")
            })
        });
        if takes_lang {
            found.push((code[..start].matches('\n').count() + 1, name));
        }
    }
    found
}

/// Command-line flags (`--name`) in the string literals of `text`: (line, flag).
fn cli_flags(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (line, s) in lex(text).strings {
        let b = s.as_bytes();
        for (k, _) in s.match_indices("--") {
            let starts_word =
                k == 0 || b[k - 1].is_ascii_whitespace() || b"(`'[".contains(&b[k - 1]);
            let next = b.get(k + 2).copied().unwrap_or(b' ');
            if starts_word && next.is_ascii_lowercase() {
                let flag: String = s[k..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                found.push((line, flag));
            }
        }
    }
    found
}

/// Every hit of `check` over `files`, as `path:line: what`.
fn hits(files: &[PathBuf], check: fn(&str) -> Vec<(usize, String)>) -> Vec<String> {
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        for (line, what) in check(&text) {
            let shown = f.strip_prefix(root()).unwrap_or(f).display();
            out.push(format!("{shown}:{line}: {what}"));
        }
    }
    out
}

#[test]
fn sql_is_written_in_the_store_crate_only() {
    // The check catches a statement, also across lines and in a raw string.
    let planted = "fn f() {\n    db.run(\"SELECT id\n        FROM cases\");\n    x(r#\"DELETE FROM events\"#);\n}\n";
    assert_eq!(
        sql_statements(planted)
            .iter()
            .map(|(l, _)| *l)
            .collect::<Vec<_>>(),
        [2, 4]
    );
    assert!(
        sql_statements("// SELECT id FROM cases in a comment\nlet s = \"Selected from\";")
            .is_empty()
    );

    let r = root();
    let mut dirs: Vec<PathBuf> = vec![r.join("src"), r.join("tests"), r.join("benches")];
    for entry in std::fs::read_dir(r.join("crates")).unwrap().flatten() {
        if entry.file_name() != "store" {
            dirs.push(entry.path());
        }
    }
    let files: Vec<PathBuf> = files_under(&dirs)
        .into_iter()
        .filter(|f| !f.ends_with("tests/architecture.rs"))
        .collect();
    let found = hits(&files, sql_statements);
    assert!(
        found.is_empty(),
        "SQL outside the store crate:\n{}",
        found.join("\n")
    );

    // Migrations are .sql files of the store crate, and nothing else is.
    let mut sql_files = Vec::new();
    let mut stack = vec![r.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            let name = entry.file_name();
            if p.is_dir() && name != "target" && name != ".git" {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "sql") {
                sql_files.push(p);
            }
        }
    }
    let stray: Vec<_> = sql_files
        .iter()
        .filter(|p| !p.starts_with(r.join("crates/store/migrations")))
        .collect();
    assert!(
        stray.is_empty(),
        "SQL files outside the store's migrations: {stray:?}"
    );
}

#[test]
fn no_readers_language_below_the_front_ends() {
    // The check catches a `Lang` parameter however it is written, and not a `Lang` value.
    let planted = "pub fn words(e: &E,\n    lang: Lang) -> String { x }\nfn g(l: Option<traject_i18n::Lang>) {}\nfn ok(x: Language) { let l: Lang = y; }\n";
    assert_eq!(
        lang_parameters(planted),
        [(1, "words".to_string()), (3, "g".to_string())]
    );

    let r = root();
    let mut found = Vec::new();
    for krate in BELOW_FRONT_ENDS {
        let dir = r.join("crates").join(krate);
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        for wording in ["traject-i18n", "traject-render"] {
            if manifest.contains(wording) {
                found.push(format!("crates/{krate}/Cargo.toml depends on {wording}"));
            }
        }
        // A label carries the language it is written in: the model's `text` module.
        let files: Vec<PathBuf> = files_under(&[dir.join("src")])
            .into_iter()
            .filter(|f| !f.ends_with("model/src/text.rs"))
            .collect();
        found.extend(hits(&files, lang_parameters));
    }
    assert!(
        found.is_empty(),
        "a reader's language below the front ends:\n{}",
        found.join("\n")
    );
}

#[test]
fn command_line_flags_are_named_by_the_command_line_only() {
    // The check catches a flag in a message, and not a dash in prose or a decrement.
    let planted = "let m = format!(\"choose one with --track ({known})\");\nlet n = \"p10--p90 — and -- then\"; x -= 1; // --flag in a comment\n";
    assert_eq!(cli_flags(planted), [(1, "--track".to_string())]);

    let files = files_under(&[root().join("crates")]);
    let found = hits(&files, cli_flags);
    assert!(
        found.is_empty(),
        "command-line flags outside src/cli:\n{}",
        found.join("\n")
    );
}
