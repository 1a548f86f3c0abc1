//! Programme tests in YAML (`programs/tests/*.yaml`): a referral, the expected verdict and,
//! optionally, expected rule outcomes, version and funding streams — each test citing the seed
//! sentence it encodes. `traject test` runs them and prints a diff of expected vs actual for
//! every failure, then `N passed, N failed`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use traject_i18n::catalogue::meant;
use traject_i18n::Lang;
use traject_model::diag::{did_you_mean, Diagnostic, Pos};
use traject_model::problem::{KeyList, Problem, TestProblem};
use traject_model::program::{bundled, LoadError, LoadOptions};
use traject_model::yaml::{self, SpanIndex};
use traject_rules::CompiledProgram;

mod trajectory;
pub use trajectory::on_stores;

/// One test's result.
#[derive(Debug, Clone)]
pub struct TestResult {
    pub file: String,
    pub line: usize,
    pub name: String,
    /// Empty when the test passed; otherwise one line per difference.
    pub differences: Vec<String>,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.differences.is_empty()
    }
}

/// The outcome of running some test files.
#[derive(Debug, Default)]
pub struct Report {
    pub results: Vec<TestResult>,
    /// Files that could not be run (bad YAML, unknown programme, bad referral…).
    pub errors: Vec<LoadError>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
}

/// Test files under `paths`: files as given; folders searched recursively for `.yaml` files
/// whose top level has `tests:`.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut stack = vec![p.clone()];
            while let Some(dir) = stack.pop() {
                let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
                    .map(|rd| rd.flatten().map(|e| e.path()).collect())
                    .unwrap_or_default();
                entries.sort();
                for e in entries {
                    if e.is_dir() {
                        stack.push(e);
                    } else if e.extension().is_some_and(|x| x == "yaml" || x == "yml")
                        && is_test_file(&e)
                    {
                        out.push(e);
                    }
                }
            }
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(LoadError::new(vec![Diagnostic::error(
                p.to_string_lossy(),
                Pos::new(1, 1),
                TestProblem::NoSuchPath,
            )]));
        }
    }
    out.sort();
    Ok(out)
}

fn is_test_file(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| {
        t.lines()
            .any(|l| l.starts_with("tests:") || l.starts_with("trajectories:"))
    })
}

/// Run every test in the files at `paths` (on disk).
pub fn run_paths(paths: &[PathBuf]) -> Report {
    let mut report = Report::default();
    match collect(paths) {
        Ok(files) => {
            for f in files {
                let display = traject_model::program::load::display_path(&f);
                match std::fs::read(&f) {
                    Ok(bytes) => run_file(&display, &bytes, &mut report),
                    Err(e) => report.errors.push(LoadError::new(vec![Diagnostic::error(
                        &display,
                        Pos::new(1, 1),
                        TestProblem::CannotRead {
                            reason: e.to_string(),
                        },
                    )])),
                }
            }
        }
        Err(e) => report.errors.push(e),
    }
    report
}

/// Run the tests bundled with the binary.
pub fn run_bundled() -> Report {
    let mut report = Report::default();
    for (file, text) in bundled::PROGRAM_TESTS {
        run_file(file, text.as_bytes(), &mut report);
    }
    report
}

struct FileCtx<'a> {
    file: &'a str,
    index: &'a SpanIndex,
    errors: Vec<Diagnostic>,
}

impl FileCtx<'_> {
    fn err(&mut self, ptr: &str, problem: TestProblem) {
        let place = self.index.locate(ptr);
        self.errors
            .push(Diagnostic::error(self.file, place.value, problem).with_width(place.width));
    }

    fn keys(&mut self, v: &Value, ptr: &str, allowed: &[&str], required: &[&str]) -> bool {
        let Some(map) = v.as_object() else {
            let keys = allowed.iter().map(|k| k.to_string()).collect();
            self.err(ptr, TestProblem::NotAMapping { keys });
            return false;
        };
        for k in map.keys() {
            if !allowed.contains(&k.as_str()) {
                let place = self
                    .index
                    .locate_key(&format!("{ptr}/{}", yaml::escape_segment(k)));
                let problem = TestProblem::UnknownKey {
                    key: k.clone(),
                    list: KeyList::Keys,
                    allowed: allowed.iter().map(|k| k.to_string()).collect(),
                    nearest: did_you_mean(k, allowed.iter().copied()).map(str::to_string),
                };
                self.errors.push(
                    Diagnostic::error(self.file, place.value, problem)
                        .with_width(k.chars().count()),
                );
            }
        }
        for r in required {
            if !map.contains_key(*r) {
                let problem = TestProblem::MissingKey { key: r.to_string() };
                self.err(ptr, problem);
            }
        }
        true
    }
}

/// Resolve `program:` of a test file: a path relative to the test file, or a bundled id.
fn open_program(
    test_file: &str,
    reference: &str,
    opts: &LoadOptions,
) -> Result<CompiledProgram, LoadError> {
    let joined = Path::new(test_file)
        .parent()
        .unwrap_or(Path::new(""))
        .join(reference);
    let normal = traject_model::program::scripts::normalize(&joined);
    if normal.exists() {
        return traject_rules::open(&normal.to_string_lossy(), opts);
    }
    let key = normal.to_string_lossy().replace('\\', "/");
    if let Some((file, text)) = bundled::PROGRAMS.iter().find(|(f, _)| *f == key) {
        return traject_model::program::load_bytes(file, text.as_bytes(), opts)
            .and_then(traject_rules::compile_loaded);
    }
    traject_rules::open(reference, opts)
}

/// Run the tests of one file, adding results (or its problems) to `report`.
pub fn run_file(file: &str, bytes: &[u8], report: &mut Report) {
    let text = match yaml::check_text(file, bytes) {
        Ok(t) => t,
        Err(d) => return report.errors.push(LoadError::new(vec![d])),
    };
    let doc = match yaml::parse(file, text) {
        Ok(d) => d,
        Err(d) => {
            return report
                .errors
                .push(LoadError::new(vec![d]).with_source(file, text))
        }
    };
    let mut ctx = FileCtx {
        file,
        index: &doc.index,
        errors: Vec::new(),
    };
    // Read every test first, so that a file with a bad test reports all its problems at once.
    let read = read_header(&mut ctx, &doc.value).map(|(reference, tests)| {
        let cases: Vec<Case> = tests
            .iter()
            .enumerate()
            .filter_map(|(i, t)| read_case(&mut ctx, t, &format!("/tests/{i}")))
            .collect();
        (reference, cases)
    });
    let (reference, cases) = match read {
        Some(r) if ctx.errors.is_empty() => r,
        _ => {
            if read.is_some() {
                ctx.errors.sort_by_key(|d| (d.line, d.col));
            }
            return report
                .errors
                .push(LoadError::new(ctx.errors).with_source(file, text));
        }
    };
    let src = TestSource {
        file,
        text,
        index: &doc.index,
        reference,
    };
    let Some(mut programs) = run_cases(&src, cases, report) else {
        return;
    };
    if let Some(trajectories) = doc.value.get("trajectories") {
        let compiled = match programs.remove(&BTreeMap::new()) {
            Some(p) => p,
            None => match open_program(file, reference, &LoadOptions::default()) {
                Ok(p) => p,
                Err(e) => return report.errors.push(e),
            },
        };
        trajectory::run_all(file, text, trajectories, &doc.index, &compiled, report);
    }
}

/// One test of a file, read and checked.
struct Case {
    line: usize,
    name: String,
    options: BTreeMap<String, String>,
    referral: traject_model::referral::Referral,
    expect: Value,
    ptr: String,
}

/// The test file and the programme it names.
struct TestSource<'a> {
    file: &'a str,
    text: &'a str,
    index: &'a SpanIndex,
    reference: &'a str,
}

/// `program:` and the `tests:` list (empty when absent), or `None` with the problems noted.
fn read_header<'v>(ctx: &mut FileCtx, value: &'v Value) -> Option<(&'v str, &'v [Value])> {
    if !ctx.keys(
        value,
        "",
        &["program", "tests", "trajectories"],
        &["program"],
    ) {
        return None;
    }
    let Some(reference) = value["program"].as_str() else {
        ctx.err("/program", TestProblem::ProgramNotText);
        return None;
    };
    let tests = match value.get("tests") {
        None => Some(&[][..]),
        Some(t) => t.as_array().map(Vec::as_slice),
    };
    if tests.is_none() {
        ctx.err("/tests", TestProblem::TestsNotList);
    }
    Some((reference, tests?))
}

/// One test at `ptr`: keys, source, options, expectation, referral.
fn read_case(ctx: &mut FileCtx, t: &Value, ptr: &str) -> Option<Case> {
    if !ctx.keys(
        t,
        ptr,
        &["name", "source", "options", "referral", "expect"],
        &["name", "source", "referral", "expect"],
    ) {
        return None;
    }
    let name = t["name"].as_str().unwrap_or_default().to_string();
    if t["source"].as_str().is_none_or(|s| s.trim().is_empty()) {
        ctx.err(&format!("{ptr}/source"), TestProblem::NoSource);
    }
    let mut options = BTreeMap::new();
    if let Some(o) = t.get("options") {
        match o.as_object() {
            Some(m) => {
                for (k, v) in m.iter().filter(|(k, _)| *k != "_ptr") {
                    options.insert(k.clone(), v.as_str().unwrap_or_default().to_string());
                }
            }
            None => ctx.err(&format!("{ptr}/options"), TestProblem::OptionsNotMap),
        }
    }
    let expect = t["expect"].clone();
    let expect_ptr = format!("{ptr}/expect");
    if ctx.keys(
        &expect,
        &expect_ptr,
        &["verdict", "version", "rules", "funding"],
        &["verdict"],
    ) {
        let v = expect["verdict"].as_str().unwrap_or_default();
        if !["eligible", "ineligible", "needs_assessment"].contains(&v) {
            let problem = TestProblem::NotAVerdict {
                given: v.to_string(),
            };
            ctx.err(&format!("{expect_ptr}/verdict"), problem);
        }
    }
    let referral_ptr = format!("{ptr}/referral");
    match traject_model::referral::from_value(ctx.file, &t["referral"], ctx.index, &referral_ptr) {
        Ok(referral) => Some(Case {
            line: ctx.index.locate(ptr).value.line,
            name,
            options,
            referral,
            expect,
            ptr: ptr.to_string(),
        }),
        Err(ds) => {
            ctx.errors.extend(ds);
            None
        }
    }
}

/// Run every case against the programme compiled with its options; the compiled programmes,
/// or `None` when one could not be opened (the problem is in `report`).
fn run_cases(
    src: &TestSource,
    cases: Vec<Case>,
    report: &mut Report,
) -> Option<BTreeMap<BTreeMap<String, String>, CompiledProgram>> {
    let mut programs: BTreeMap<BTreeMap<String, String>, CompiledProgram> = BTreeMap::new();
    for case in cases {
        if !programs.contains_key(&case.options) {
            let opts = LoadOptions {
                choices: case.options.clone(),
                ..LoadOptions::default()
            };
            match open_program(src.file, src.reference, &opts) {
                Ok(p) => {
                    programs.insert(case.options.clone(), p);
                }
                Err(e) => {
                    let e = locate_option_error(src, &case.ptr, e);
                    report.errors.push(e.with_source(src.file, src.text));
                    return None;
                }
            }
        }
        let compiled = &programs[&case.options];
        report.results.push(TestResult {
            file: src.file.to_string(),
            line: case.line,
            name: case.name,
            differences: compare(compiled, &case.referral, &case.expect),
        });
    }
    Some(programs)
}

/// An unknown option or choice is the test's fault: point at its `options:`.
fn locate_option_error(src: &TestSource, case_ptr: &str, mut e: LoadError) -> LoadError {
    let given = |d: &Diagnostic| match &*d.problem {
        Problem::Load(p) if p.given_choice().is_some() => Some(p.clone()),
        _ => None,
    };
    if let Some(first) = e.diagnostics.first().and_then(given) {
        if e.diagnostics.iter().all(|d| given(d).is_some()) {
            let place = src.index.locate(&format!("{case_ptr}/options"));
            let problem = TestProblem::Option(first);
            e.diagnostics = vec![Diagnostic::error(src.file, place.value, problem)];
        }
    }
    e
}

fn compare(
    compiled: &CompiledProgram,
    referral: &traject_model::referral::Referral,
    expect: &Value,
) -> Vec<String> {
    let mut diffs = Vec::new();
    let eval = match compiled.evaluate(referral) {
        Ok(e) => e,
        Err(e) => {
            return vec![format!(
                "no verdict: {}",
                traject_i18n::catalogue::eval_error(&e, Lang::En)
            )]
        }
    };
    let version = &compiled.program.spec.versions[eval.version_index];
    let want = expect["verdict"].as_str().unwrap_or_default();
    if want != eval.verdict.as_str() {
        diffs.push(format!(
            "verdict: expected {want}, got {}",
            eval.verdict.as_str()
        ));
    }
    if let Some(v) = expect.get("version").and_then(Value::as_str) {
        if v != version.id {
            diffs.push(format!("version: expected {v}, got {}", version.id));
        }
    }
    if let Some(rules) = expect.get("rules").and_then(Value::as_object) {
        let cv = &compiled.versions[eval.version_index];
        for (id, want) in rules.iter().filter(|(k, _)| k.as_str() != "_ptr") {
            let want = want.as_str().unwrap_or_default();
            match cv.rules.iter().position(|r| &r.id == id) {
                None => diffs.push(format!(
                    "rule {id}: expected {want}, but version {} has no such rule{}",
                    version.id,
                    meant(
                        did_you_mean(id, cv.rules.iter().map(|r| r.id.as_str())),
                        Lang::En
                    )
                )),
                Some(i) => {
                    let got = serde_json::to_value(eval.rules[i].outcome)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    if got != want {
                        diffs.push(format!("rule {id}: expected {want}, got {got}"));
                    }
                }
            }
        }
    }
    if let Some(f) = expect.get("funding").and_then(Value::as_array) {
        let mut want: Vec<&str> = f.iter().filter_map(Value::as_str).collect();
        let mut got: Vec<&str> = eval.funder_ids(compiled);
        want.sort_unstable();
        got.sort_unstable();
        if want != got {
            diffs.push(format!(
                "funding: expected [{}], got [{}]",
                want.join(", "),
                got.join(", ")
            ));
        }
    }
    diffs
}

/// The text report: one line per test, differences under failures, and the closing count.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for e in &report.errors {
        out.push_str(&traject_i18n::diagnostics::render_load(e, Lang::En));
        out.push('\n');
    }
    for r in &report.results {
        if r.passed() {
            out.push_str(&format!("ok   {}:{}: {}\n", r.file, r.line, r.name));
        } else {
            out.push_str(&format!("FAIL {}:{}: {}\n", r.file, r.line, r.name));
            for d in &r.differences {
                out.push_str(&format!("       {d}\n"));
            }
        }
    }
    out.push_str(&format!(
        "{} passed, {} failed\n",
        report.passed(),
        report.failed() + report.errors.len()
    ));
    out
}

/// The referrals of the bundled programme tests that use the programme's default options, with
/// the id of the programme they are for: sample clients for a demonstration database.
pub fn bundled_referrals() -> Vec<(String, traject_model::referral::Referral)> {
    let mut out = Vec::new();
    for (file, text) in bundled::PROGRAM_TESTS {
        let Ok(doc) = yaml::parse(file, text) else {
            continue;
        };
        let program = doc
            .value
            .get("program")
            .and_then(|p| p.as_str())
            .and_then(|p| p.rsplit('/').next())
            .and_then(|p| p.strip_suffix(".yaml"))
            .unwrap_or_default()
            .to_string();
        let tests = doc.value.get("tests").and_then(|t| t.as_array());
        for (i, t) in tests.into_iter().flatten().enumerate() {
            let (Some(r), None) = (t.get("referral"), t.get("options")) else {
                continue;
            };
            let ptr = format!("/tests/{i}/referral");
            if let Ok(referral) = traject_model::referral::from_value(file, r, &doc.index, &ptr) {
                out.push((program.clone(), referral));
            }
        }
    }
    out
}
