//! Finding the Rhai scripts a programme refers to by name: `scripts/<name>.rhai` beside the
//! programme's folder (or inside it), else the scripts bundled with the binary.

use std::path::{Component, Path, PathBuf};

use super::bundled;

/// Folders searched for the scripts of a programme file, nearest first.
pub fn folders(program_file: &str) -> Vec<PathBuf> {
    let dir = Path::new(program_file).parent().unwrap_or(Path::new(""));
    vec![
        normalize(&dir.join("scripts")),
        normalize(&dir.join("..").join("scripts")),
    ]
}

/// `a/b/../c` → `a/c`, without touching the file system (messages show tidy paths).
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Names (without .rhai) of every script a programme file can use.
pub fn available(program_file: &str) -> Vec<String> {
    let mut names: Vec<String> = bundled::SCRIPTS
        .iter()
        .map(|(p, _)| {
            p.trim_start_matches("scripts/")
                .trim_end_matches(".rhai")
                .to_string()
        })
        .collect();
    for dir in folders(program_file) {
        if let Ok(rd) = std::fs::read_dir(&dir) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "rhai") {
                    if let Some(s) = p.file_stem() {
                        names.push(s.to_string_lossy().into_owned());
                    }
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// The text and display path of script `name`, looked up next to the programme first.
pub fn find(program_file: &str, name: &str) -> Option<(String, String)> {
    for dir in folders(program_file) {
        let p = dir.join(format!("{name}.rhai"));
        if let Ok(text) = std::fs::read_to_string(&p) {
            return Some((super::load::display_path(&p), text));
        }
    }
    bundled::script(name).map(|t| (format!("scripts/{name}.rhai"), t.to_string()))
}
