//! Programmes as a coordinator works on them: validate files and folders (every diagnostic of
//! every file), show a programme in a reader's language, run the programmes' tests, compare two
//! programmes or versions, and roll a programme out to another OCMW.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{files, AppError, Ctx, Need, Programs};
use crate::testing;
use traject_i18n::Lang;
use traject_model::diag::{Diagnostic, Pos};
use traject_model::program::{self, bundled, load_bytes, load_path, LoadError, LoadOptions};
use traject_rollout::{self as rollout, diff::Diff, NewProgramme};
use traject_rules::{compile_loaded, CompiledProgram};

/// The folder a team keeps its programmes in, when no path is given.
pub const PROGRAMS_DIR: &str = "programs";

/// Every programme file checked, and the paths that named nothing.
#[derive(Debug, Serialize)]
pub struct Validation {
    pub ok: bool,
    pub files: Vec<FileResult>,
    #[serde(rename = "errors")]
    pub missing: Vec<Diagnostic>,
}

impl Validation {
    /// Every diagnostic worded for a reader of `lang` (for JSON output).
    pub fn in_lang(self, lang: Lang) -> Validation {
        Validation {
            ok: self.ok,
            files: self.files.into_iter().map(|f| f.in_lang(lang)).collect(),
            missing: self.missing.iter().map(|d| d.in_lang(lang)).collect(),
        }
    }
}

/// Validate the programme files under `paths`; with no paths, `programs/` here, else the
/// bundled programmes, so the command works anywhere.
pub fn validate(paths: &[PathBuf]) -> Validation {
    let opts = LoadOptions::default();
    let (files, missing) = if paths.is_empty() && !Path::new(PROGRAMS_DIR).is_dir() {
        let checked: Vec<FileResult> = bundled::PROGRAMS
            .iter()
            .map(|(file, text)| validate_bytes(file, text.as_bytes(), &opts))
            .collect();
        (checked, vec![])
    } else {
        let paths = or_programs_dir(paths);
        let (found, missing) = collect(&paths);
        let checked = found.iter().map(|f| validate_file(f, &opts)).collect();
        (checked, missing)
    };
    Validation {
        ok: missing.is_empty() && files.iter().all(|r| r.ok),
        files,
        missing,
    }
}

/// The paths given, or `programs/` when none are.
pub fn or_programs_dir(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(PROGRAMS_DIR)]
    } else {
        paths.to_vec()
    }
}

/// A programme (or one version of it) summarised for a reader in `lang`, else in the
/// programme's society language.
pub fn show(
    programs: &dyn Programs,
    program: &str,
    version: Option<&str>,
    lang: Option<Lang>,
    opts: &LoadOptions,
) -> Result<String, AppError> {
    let p = programs.load(program, opts)?;
    let v = match version {
        Some(id) => Some(p.pick_version(Some(id))?),
        None => None,
    };
    let lang = lang.unwrap_or(p.spec.society_language);
    Ok(program::summary::render(&p, v, lang))
}

/// Run the programme tests under `paths`; with no paths, those under `programs/` here, else
/// the bundled ones.
pub fn run_tests(paths: &[PathBuf]) -> testing::Report {
    if paths.is_empty() && !Path::new(PROGRAMS_DIR).is_dir() {
        testing::run_bundled()
    } else {
        testing::run_paths(&or_programs_dir(paths))
    }
}

/// `PROGRAM[@VERSION]`: a programme and, unless a file of that name exists, a version.
pub fn split_version(arg: &str) -> (&str, Option<&str>) {
    match arg.rsplit_once('@') {
        Some((p, v)) if !Path::new(arg).exists() => (p, Some(v)),
        _ => (arg, None),
    }
}

/// What changed from programme `a` to `b` (each `PROGRAM[@VERSION]`, the latest by default).
pub fn diff(programs: &dyn Programs, a: &str, b: &str) -> Result<Diff, AppError> {
    let opts = LoadOptions::default();
    let ((pa, va), (pb, vb)) = (split_version(a), split_version(b));
    let (pa, pb) = (programs.load(pa, &opts)?, programs.load(pb, &opts)?);
    let (va, vb) = (pa.pick_version(va)?, pb.pick_version(vb)?);
    Ok(rollout::diff::diff(&pa, va, &pb, vb))
}

/// A programme rolled out: where it was written, whether it validates, what to decide locally.
#[derive(Debug)]
pub struct RolledOut {
    pub programme: PathBuf,
    pub tests: Option<PathBuf>,
    pub check: FileResult,
    pub todo: Vec<rollout::Todo>,
    /// The language the TODO list is read in (the new programme's society language).
    pub lang: traject_i18n::Lang,
}

/// Copy the programme `from` for another OCMW to `out` (and its tests to `tests/` beside it),
/// then validate the copy. An existing `out` is never overwritten. Only a coordinator rolls out.
pub fn rollout_new(
    programs: &dyn Programs,
    from: &str,
    spec: &NewProgramme,
    out: &Path,
    ctx: &Ctx,
) -> Result<RolledOut, AppError> {
    ctx.require(Need::EditProgrammes)?;
    if out.exists() {
        return Err(AppError::Exists(out.to_path_buf()));
    }
    let file_name = out.file_name().map_or_else(
        || format!("{}.yaml", spec.ocmw),
        |n| n.to_string_lossy().into_owned(),
    );
    let (from, version) = split_version(from);
    let model = programs.load(from, &LoadOptions::default())?;
    let mut spec = spec.clone();
    if let Some(v) = version {
        spec.version = Some(v.to_string());
    }
    let rollout = rollout::new_from(&model, &spec, &file_name)?;
    files::write_text(out, &rollout.programme).map_err(AppError::Rows)?;
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty());
    let tests_path = dir.unwrap_or(Path::new(".")).join("tests").join(&file_name);
    let tests = match &rollout.tests {
        Some(text) => {
            files::write_text(&tests_path, text).map_err(AppError::Rows)?;
            Some(tests_path)
        }
        None => None,
    };
    Ok(RolledOut {
        programme: out.to_path_buf(),
        tests,
        check: validate_file(out, &LoadOptions::default()),
        todo: rollout.todo,
        lang: spec
            .society_language
            .as_deref()
            .and_then(|l| l.parse().ok())
            .unwrap_or(model.spec.society_language),
    })
}

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
    /// The failed load, to render its diagnostics with their source lines.
    #[serde(skip)]
    pub error: Option<LoadError>,
}

impl FileResult {
    /// The diagnostics with their source lines, worded for a reader of `lang`.
    pub fn rendered(&self, lang: Lang) -> String {
        self.error
            .as_ref()
            .map(|e| e.render_in(lang))
            .unwrap_or_default()
    }

    /// This result with its diagnostics worded for a reader of `lang` (for JSON output).
    pub fn in_lang(mut self, lang: Lang) -> FileResult {
        self.diagnostics = self.diagnostics.iter().map(|d| d.in_lang(lang)).collect();
        self
    }
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
                .with_help("check the path; run from the folder that holds programs/")
                .nl(
                    "geen bestand of map met die naam",
                    "kijk het pad na; start vanuit de map die programs/ bevat",
                )
                .fr(
                    "aucun fichier ni dossier de ce nom",
                    "vérifiez le chemin ; lancez depuis le dossier qui contient programs/",
                ),
            );
        }
    }
    (files, missing)
}

pub fn validate_file(path: &Path, opts: &LoadOptions) -> FileResult {
    let file = traject_model::program::load::display_path(path);
    let load = |o: &LoadOptions| load_path(path, o).and_then(compile_loaded);
    match under_every_choice(load, opts) {
        Ok(p) => ok_result(file, &p),
        Err(e) => failed_result(file, e),
    }
}

/// Check a programme given as bytes (e.g. a bundled one), named `file` in messages.
pub fn validate_bytes(file: &str, bytes: &[u8], opts: &LoadOptions) -> FileResult {
    let load = |o: &LoadOptions| load_bytes(file, bytes, o).and_then(compile_loaded);
    match under_every_choice(load, opts) {
        Ok(p) => ok_result(file.to_string(), &p),
        Err(e) => failed_result(file.to_string(), e),
    }
}

/// Load with the choices given, then — when none were given — once more for every other
/// choice of every option, so that a reading nobody selects by default is checked too (its
/// rules, references and declared version changes). Problems found only under a choice say
/// which one.
fn under_every_choice(
    load: impl Fn(&LoadOptions) -> Result<CompiledProgram, LoadError>,
    opts: &LoadOptions,
) -> Result<CompiledProgram, LoadError> {
    let compiled = load(opts)?;
    if !opts.choices.is_empty() {
        return Ok(compiled);
    }
    let mut problems: Option<LoadError> = None;
    for option in &compiled.program.spec.options {
        for choice in option.choices.iter().filter(|c| c.id != option.default) {
            let mut alt = opts.clone();
            alt.choices.insert(option.id.clone(), choice.id.clone());
            if let Err(e) = load(&alt) {
                let found = problems.get_or_insert_with(|| LoadError::new(Vec::new()));
                for d in e.diagnostics {
                    let choice = format!("--option {}={}", option.id, choice.id);
                    let d = d.prefixed(
                        &format!("with {choice}: "),
                        &format!("met {choice}: "),
                        &format!("avec {choice} : "),
                    );
                    if !found.diagnostics.contains(&d) {
                        found.diagnostics.push(d);
                    }
                }
                for (f, t) in e.sources {
                    if !found.sources.iter().any(|(g, _)| *g == f) {
                        found.sources.push((f, t));
                    }
                }
            }
        }
    }
    match problems {
        Some(e) => Err(e),
        None => Ok(compiled),
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
        error: None,
    }
}

fn failed_result(file: String, e: LoadError) -> FileResult {
    FileResult {
        file,
        ok: false,
        program: None,
        versions: Vec::new(),
        diagnostics: e.diagnostics.clone(),
        error: Some(e),
    }
}
