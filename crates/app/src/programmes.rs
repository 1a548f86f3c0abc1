//! Programmes as a coordinator works on them: validate files and folders (every diagnostic of
//! every file), show a programme in a reader's language, run the programmes' tests, compare two
//! programmes or versions, and roll a programme out to another OCMW.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

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
    let (sources, missing): (Vec<Source>, _) =
        if paths.is_empty() && !Path::new(PROGRAMS_DIR).is_dir() {
            let bundled = bundled::PROGRAMS
                .iter()
                .map(|(file, text)| Source::Bundled(file, text))
                .collect();
            (bundled, vec![])
        } else {
            let paths = or_programs_dir(paths);
            let (found, missing) = collect(&paths);
            (found.into_iter().map(Source::File).collect(), missing)
        };
    let files = checked_together(&sources, &opts);
    Validation {
        ok: missing.is_empty() && files.iter().all(|r| r.ok),
        files,
        missing,
    }
}

/// A programme file to check: bundled in the binary, or on disk (read on the core that checks
/// it).
enum Source {
    Bundled(&'static str, &'static str),
    File(PathBuf),
}

impl Source {
    /// Its size in bytes (0 when it cannot be read: the read says why).
    fn size(&self) -> u64 {
        match self {
            Source::Bundled(_, text) => text.len() as u64,
            Source::File(path) => std::fs::metadata(path).map_or(0, |m| m.len()),
        }
    }

    /// Its name in messages and its bytes (a located problem when a file cannot be read).
    fn read(&self) -> Result<(String, std::borrow::Cow<'static, [u8]>), LoadError> {
        match self {
            Source::Bundled(file, text) => Ok((file.to_string(), text.as_bytes().into())),
            Source::File(path) => read_programme(path).map(|(file, bytes)| (file, bytes.into())),
        }
    }
}

/// A file parsed and loaded under the options asked for, or its problems.
type FirstLoad = Result<(Parsed, CompiledProgram), LoadError>;

/// Files, each read, parsed once and loaded under `opts`, and every file's other option
/// choices, as one list of work on every core: a file's choices are taken up as soon as it
/// is parsed (no core waits for the other files first), the largest file is parsed first, and
/// no load starts threads of its own.
fn checked_together(sources: &[Source], opts: &LoadOptions) -> Vec<FileResult> {
    let mut files: Vec<usize> = (0..sources.len()).collect();
    files.sort_by_key(|i| std::cmp::Reverse(sources[*i].size()));
    let mut jobs: Vec<Job> = files.into_iter().map(Job::File).collect();
    // Rhai's engine is made while the first file is parsed (and the schema compiled) rather
    // than by the first file to need it while the other core waits for it.
    jobs.insert(jobs.len().min(1), Job::Engine);
    let first: Vec<OnceLock<(String, FirstLoad)>> =
        sources.iter().map(|_| OnceLock::new()).collect();
    let found: Mutex<Vec<(usize, usize, LoadError)>> = Mutex::new(Vec::new());
    super::parallel::growing(jobs, |job, more| match job {
        Job::Engine => {
            traject_rules::plugins::shared_engine(traject_rules::plugins::DEFAULT_LIMITS);
        }
        Job::File(i) => {
            let loaded = first_load(&sources[i], opts);
            if let Ok((p, _)) = &loaded.1 {
                more.extend(
                    alternatives_of(p, opts)
                        .enumerate()
                        .map(|(k, choice)| Job::Choice { file: i, k, choice }),
                );
            }
            let _ = first[i].set(loaded);
        }
        Job::Choice { file, k, choice } => {
            // A choice is listed only once its file's first load is in place.
            let Some((_, Ok((parsed, _)))) = first[file].get() else {
                return;
            };
            if let Some(e) = load_other(parsed, opts, &choice) {
                found
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push((file, k, e));
            }
        }
    });
    let mut found = found.into_inner().unwrap_or_else(PoisonError::into_inner);
    // The problems in the choices' order, whichever core found them first.
    found.sort_by_key(|(file, k, _)| (*file, *k));
    let mut by_file: Vec<Vec<LoadError>> = sources.iter().map(|_| Vec::new()).collect();
    for (file, _, e) in found {
        by_file[file].push(e);
    }
    first
        .into_iter()
        .zip(by_file)
        .zip(sources)
        .map(|((loaded, found), source)| {
            let (file, r) = loaded.into_inner().unwrap_or_else(|| unchecked(source));
            match r.and_then(|(_, c)| merged(c, found)) {
                Ok(c) => ok_result(file, &c),
                Err(e) => failed_result(file, e),
            }
        })
        .collect()
}

/// One piece of checking files together.
enum Job {
    /// Make the shared Rhai engine.
    Engine,
    /// Read, parse and load the file at this index under the options asked for.
    File(usize),
    /// Load that file under its `k`th other choice.
    Choice {
        file: usize,
        k: usize,
        choice: (String, String),
    },
}

/// A file read, parsed and loaded under `opts`: its name and the outcome.
fn first_load(source: &Source, opts: &LoadOptions) -> (String, FirstLoad) {
    let (file, bytes) = match source.read() {
        Ok(read) => read,
        Err(e) => return (failed_file(&e), Err(e)),
    };
    let loaded = Parsed::from_bytes(&file, &bytes).and_then(|p| {
        let c = p.load(opts).and_then(compile_loaded)?;
        Ok((p, c))
    });
    (file, loaded)
}

/// A file whose first load is missing. That cannot happen (every file's job runs unless a
/// panic stops the work, and the panic reaches the caller before this): it is loaded here
/// rather than assumed.
fn unchecked(source: &Source) -> (String, FirstLoad) {
    first_load(source, &LoadOptions::default())
}

/// The file a failed read names.
fn failed_file(e: &LoadError) -> String {
    e.diagnostics
        .first()
        .map(|d| d.file.clone())
        .unwrap_or_default()
}

/// The choices a parsed file is loaded under beyond `opts` (none when `opts` chooses).
fn alternatives_of(p: &Parsed, opts: &LoadOptions) -> impl Iterator<Item = (String, String)> {
    let all = if opts.choices.is_empty() {
        p.alternatives()
    } else {
        Vec::new()
    };
    all.into_iter()
}

/// The problems of `p` loaded and compiled under `opts` with one other choice, each marked
/// with that choice.
fn load_other(
    p: &Parsed,
    opts: &LoadOptions,
    (option, choice): &(String, String),
) -> Option<LoadError> {
    let mut alt = opts.clone();
    alt.choices.insert(option.clone(), choice.clone());
    let e = p.check_under(&alt).and_then(compile_loaded).err()?;
    let mut marked = LoadError::new(Vec::new());
    for d in e.diagnostics {
        let d = d.under(option, choice);
        if !marked.diagnostics.contains(&d) {
            marked.diagnostics.push(d);
        }
    }
    marked.sources = e.sources;
    Some(marked)
}

/// A file's first load with the problems of its other choices: the programme when there are
/// none, else every problem once.
fn merged(
    compiled: CompiledProgram,
    others: impl IntoIterator<Item = LoadError>,
) -> Result<CompiledProgram, LoadError> {
    let mut problems: Option<LoadError> = None;
    for e in others {
        let found = problems.get_or_insert_with(|| LoadError::new(Vec::new()));
        for d in e.diagnostics {
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
/// choices when it gives some), each choice loading from the parsed tree, on every core.
pub fn checked_parsed(parsed: &Parsed, opts: &LoadOptions) -> Result<CompiledProgram, LoadError> {
    let first = parsed.load(opts).and_then(compile_loaded)?;
    let alternatives: Vec<(String, String)> = alternatives_of(parsed, opts).collect();
    let problems = super::parallel::on_every_core(&alternatives, |a| load_other(parsed, opts, a));
    merged(first, problems.into_iter().flatten())
}

/// Check a programme given as bytes (e.g. a bundled one), named `file` in messages.
pub fn validate_bytes(file: &str, bytes: &[u8], opts: &LoadOptions) -> FileResult {
    match checked_bytes_with(file, bytes, opts) {
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
