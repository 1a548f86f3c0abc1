//! Programmes as a coordinator works on them: validate files and folders (every diagnostic of
//! every file), show a programme in a reader's language, run the programmes' tests, compare two
//! programmes or versions, and roll a programme out to another OCMW.

use std::path::{Path, PathBuf};

use super::{files, AppError, Ctx, Need, Programs};
use traject_model::diag::{Diagnostic, Pos};
use traject_model::problem::FileProblem;
use traject_model::program::Program;
use traject_model::program::{bundled, read_programme, LoadError, LoadOptions, Parsed};
use traject_model::text::Lang;
use traject_rollout::{self as rollout, diff::Diff, NewProgramme};
use traject_rules::{compile_loaded, CompiledProgram};

/// The folder a team keeps its programmes in, when no path is given.
pub const PROGRAMS_DIR: &str = "programs";

/// Every programme file checked, and the paths that named nothing.
#[derive(Debug)]
pub struct Validation {
    pub ok: bool,
    pub files: Vec<FileResult>,
    pub missing: Vec<Diagnostic>,
}

/// Validate the programme files under `paths`; with no paths, `programs/` here, else the
/// bundled programmes, so the command works anywhere.
pub fn validate(paths: &[PathBuf]) -> Validation {
    let opts = LoadOptions::default();
    let (files, missing) = if paths.is_empty() && !Path::new(PROGRAMS_DIR).is_dir() {
        // Each file on a core of its own (results in the files' order).
        let checked = super::parallel::on_every_core(bundled::PROGRAMS, |(file, text)| {
            validate_bytes(file, text.as_bytes(), &opts)
        });
        (checked, vec![])
    } else {
        let paths = or_programs_dir(paths);
        let (found, missing) = collect(&paths);
        let checked = super::parallel::on_every_core(&found, |f| validate_file(f, &opts));
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

/// A programme to show, and the version asked for (all of them when none is).
pub fn show(
    programs: &dyn Programs,
    program: &str,
    version: Option<&str>,
    opts: &LoadOptions,
) -> Result<(Program, Option<String>), AppError> {
    let p = programs.load(program, opts)?;
    let v = match version {
        Some(id) => Some(p.pick_version(Some(id))?.id.clone()),
        None => None,
    };
    Ok((p, v))
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
    /// The new programme's society language (the one its TODO list is read in).
    pub society_language: Lang,
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
    files::write_text(out, &rollout.programme).map_err(AppError::from)?;
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty());
    let tests_path = dir.unwrap_or(Path::new(".")).join("tests").join(&file_name);
    let tests = match &rollout.tests {
        Some(text) => {
            files::write_text(&tests_path, text).map_err(AppError::from)?;
            Some(tests_path)
        }
        None => None,
    };
    Ok(RolledOut {
        programme: out.to_path_buf(),
        tests,
        check: validate_file(out, &LoadOptions::default()),
        todo: rollout.todo,
        society_language: spec
            .society_language
            .as_deref()
            .and_then(|l| l.parse().ok())
            .unwrap_or(model.spec.society_language),
    })
}

/// One programme file checked.
#[derive(Debug)]
pub struct FileResult {
    pub file: String,
    pub ok: bool,
    /// Programme id, when the file is valid.
    pub program: Option<String>,
    /// Version ids with their content hashes, when the file is valid.
    pub versions: Vec<(String, String)>,
    pub diagnostics: Vec<Diagnostic>,
    /// The failed load, to render its diagnostics with their source lines.
    pub error: Option<LoadError>,
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
                missing.push(Diagnostic::error(
                    p.to_string_lossy(),
                    Pos::new(1, 1),
                    FileProblem::NoProgrammesInFolder,
                ));
            }
            files.extend(found);
        } else if p.exists() {
            files.push(p.clone());
        } else {
            missing.push(Diagnostic::error(
                p.to_string_lossy(),
                Pos::new(1, 1),
                FileProblem::NoSuchPath,
            ));
        }
    }
    (files, missing)
}

pub fn validate_file(path: &Path, opts: &LoadOptions) -> FileResult {
    let file = traject_model::program::load::display_path(path);
    let checked = read_programme(path)
        .and_then(|(display, bytes)| checked_bytes_with(&display, &bytes, opts));
    match checked {
        Ok(p) => ok_result(file, &p),
        Err(e) => failed_result(file, e),
    }
}

/// A programme given as bytes, compiled and checked under every option choice, or every
/// problem found (each at its place).
pub fn checked_bytes(file: &str, bytes: &[u8]) -> Result<CompiledProgram, LoadError> {
    checked_bytes_with(file, bytes, &LoadOptions::default())
}

/// The same with choices given (then only those are loaded). The file is parsed once; each
/// choice loads from the parsed tree.
fn checked_bytes_with(
    file: &str,
    bytes: &[u8],
    opts: &LoadOptions,
) -> Result<CompiledProgram, LoadError> {
    checked_parsed(&Parsed::from_bytes(file, bytes)?, opts)
}

/// A parsed programme compiled and checked under every option choice (only under `opts`'
/// choices when it gives some), each choice loading from the parsed tree.
pub fn checked_parsed(parsed: &Parsed, opts: &LoadOptions) -> Result<CompiledProgram, LoadError> {
    let load = |o: &LoadOptions| parsed.load(o).and_then(compile_loaded);
    under_every_choice(load, opts)
}

/// Check a programme given as bytes (e.g. a bundled one), named `file` in messages.
pub fn validate_bytes(file: &str, bytes: &[u8], opts: &LoadOptions) -> FileResult {
    match checked_bytes_with(file, bytes, opts) {
        Ok(p) => ok_result(file.to_string(), &p),
        Err(e) => failed_result(file.to_string(), e),
    }
}

/// Load with the choices given, then — when none were given — once more for every other
/// choice of every option, so that a reading nobody selects by default is checked too (its
/// rules, references and declared version changes). Problems found only under a choice say
/// which one.
fn under_every_choice(
    load: impl Fn(&LoadOptions) -> Result<CompiledProgram, LoadError> + Sync,
    opts: &LoadOptions,
) -> Result<CompiledProgram, LoadError> {
    let compiled = load(opts)?;
    if !opts.choices.is_empty() {
        return Ok(compiled);
    }
    let mut alternatives: Vec<(&str, &str, LoadOptions)> = Vec::new();
    for option in &compiled.program.spec.options {
        for choice in option.choices.iter().filter(|c| c.id != option.default) {
            let mut alt = opts.clone();
            alt.choices.insert(option.id.clone(), choice.id.clone());
            alternatives.push((&option.id, &choice.id, alt));
        }
    }
    // Each choice loads on its own from the parsed file: on every core.
    let loaded = super::parallel::on_every_core(&alternatives, |(_, _, alt)| load(alt).err());
    let mut problems: Option<LoadError> = None;
    for ((option, choice, _), failed) in alternatives.iter().zip(loaded) {
        let Some(e) = failed else { continue };
        let found = problems.get_or_insert_with(|| LoadError::new(Vec::new()));
        for d in e.diagnostics {
            let d = d.under(option, choice);
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
