//! `traject validate`: find programme files under the given paths and check each one,
//! collecting every diagnostic of every file.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diag::{Diagnostic, Pos};
use crate::program::{load_bytes, load_path, LoadError, LoadOptions};
use crate::rules::{compile, CompiledProgram};

#[derive(Debug, Serialize)]
pub struct FileResult {
    pub file: String,
    pub ok: bool,
    /// Programme id and version ids with their content hashes, when the file is valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<(String, String)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Rendered diagnostics with source lines (text output).
    #[serde(skip)]
    pub rendered: String,
}

/// Programme files under `paths`: files as given, folders' `*.yaml`/`*.yml` (not recursive,
/// so `programs/tests/` holds tests, not programmes). A path that does not exist is reported.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|rd| {
                    rd.flatten()
                        .map(|e| e.path())
                        .filter(|f| {
                            f.is_file() && f.extension().is_some_and(|x| x == "yaml" || x == "yml")
                        })
                        .collect()
                })
                .unwrap_or_default();
            found.sort();
            if found.is_empty() {
                missing.push(
                    Diagnostic::error(
                        p.to_string_lossy(),
                        Pos::new(1, 1),
                        "folder holds no .yaml programme files",
                    )
                    .with_help("point at a folder like programs/ or at a file"),
                );
            }
            files.extend(found);
        } else if p.exists() {
            files.push(p.clone());
        } else {
            missing.push(
                Diagnostic::error(
                    p.to_string_lossy(),
                    Pos::new(1, 1),
                    "no such file or folder",
                )
                .with_help("check the path; run from the folder that holds programs/"),
            );
        }
    }
    (files, missing)
}

pub fn validate_file(path: &Path, opts: &LoadOptions) -> FileResult {
    let file = crate::program::load::display_path(path);
    match load_path(path, opts).and_then(compile_loaded) {
        Ok(p) => ok_result(file, &p),
        Err(e) => failed_result(file, e),
    }
}

/// Compile a loaded programme's rules and scripts, keeping its text for error display.
pub fn compile_loaded(p: crate::program::Program) -> Result<CompiledProgram, LoadError> {
    let (file, text) = (p.file.clone(), p.text.clone());
    compile(p).map_err(|d| LoadError::new(d).with_source(&file, &text))
}

/// Check a programme given as bytes (e.g. a bundled one), named `file` in messages.
pub fn validate_bytes(file: &str, bytes: &[u8], opts: &LoadOptions) -> FileResult {
    match load_bytes(file, bytes, opts).and_then(compile_loaded) {
        Ok(p) => ok_result(file.to_string(), &p),
        Err(e) => failed_result(file.to_string(), e),
    }
}

fn ok_result(file: String, c: &CompiledProgram) -> FileResult {
    let p = &c.program;
    FileResult {
        file,
        ok: true,
        program: Some(p.spec.id.clone()),
        versions: p
            .spec
            .versions
            .iter()
            .map(|v| (v.id.clone(), v.hash.clone()))
            .collect(),
        diagnostics: Vec::new(),
        rendered: String::new(),
    }
}

fn failed_result(file: String, e: LoadError) -> FileResult {
    FileResult {
        file,
        ok: false,
        program: None,
        versions: Vec::new(),
        rendered: e.render(),
        diagnostics: e.diagnostics,
    }
}
