//! Watching programmes: re-check programme files on every save — validate, compile, run their
//! tests — and print the result at once. Editors' atomic saves (write a temporary file, then
//! rename) come as bursts of events, so events are debounced; on network drives where events
//! do not arrive, `--poll` compares modification times instead. A broken save never replaces
//! the last good programme: the watcher says which version stays in force.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use traject_app::programmes as validate;
use traject_app::AppError;
use traject_model::program::LoadOptions;
use traject_programme_tests as programme_tests;

use super::{render, words};

/// What the watcher keeps per programme file: the hashes of its last good check.
#[derive(Default)]
pub struct Watcher {
    last_good: BTreeMap<PathBuf, String>,
    /// The reader's language for problems found.
    pub lang: traject_i18n::Lang,
}

impl Watcher {
    /// Check every programme file under `paths`; return the lines to print.
    pub fn check(&mut self, paths: &[PathBuf], started: Instant) -> Vec<String> {
        let (files, missing) = validate::collect(paths);
        let mut out: Vec<String> = missing
            .iter()
            .map(|d| {
                words::diagnostic(d, None, self.lang)
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        let stamp = chrono::Local::now().format("%H:%M:%S");
        for f in files {
            let r = validate::validate_file(&f, &LoadOptions::default());
            let shown = r.file.clone();
            if r.ok {
                let hashes: Vec<String> = r
                    .versions
                    .iter()
                    .map(|(id, h)| format!("{id} ({h})"))
                    .collect();
                let tests = test_files_for(&f);
                let (passed, failed, problems) = if tests.is_empty() {
                    (0, 0, 0)
                } else {
                    let report = programme_tests::run_paths(&tests);
                    for res in report.results.iter().filter(|r| !r.passed()) {
                        out.push(format!("  FAIL {}:{}: {}", res.file, res.line, res.name));
                        for d in &res.differences {
                            out.push(format!("       {d}"));
                        }
                    }
                    for e in &report.errors {
                        out.push(words::load_error(e, self.lang));
                    }
                    (report.passed(), report.failed(), report.errors.len())
                };
                out.push(format!(
                    "[{stamp}] ok   {shown}: versions {} — tests {passed} passed, {} failed ({} ms)",
                    hashes.join(", "),
                    failed + problems,
                    started.elapsed().as_millis()
                ));
                self.last_good.insert(f.clone(), hashes.join(", "));
            } else {
                out.push(format!(
                    "[{stamp}] FAIL {shown}: {} problem(s) ({} ms)",
                    r.diagnostics.len(),
                    started.elapsed().as_millis()
                ));
                out.push(render::file_problems(&r, self.lang).trim_end().to_string());
                match self.last_good.get(&f) {
                    Some(h) => out.push(format!(
                        "         keeping the last good version of {shown}: {h}"
                    )),
                    None => out.push(format!("         no good version of {shown} seen yet")),
                }
            }
        }
        out
    }
}

/// Test files of a programme file: `tests/<stem>.yaml` beside it.
fn test_files_for(programme: &Path) -> Vec<PathBuf> {
    let stem = programme
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let t = programme
        .parent()
        .unwrap_or(Path::new("."))
        .join("tests")
        .join(format!("{stem}.yaml"));
    if t.exists() {
        vec![t]
    } else {
        Vec::new()
    }
}

fn relevant(p: &Path) -> bool {
    p.extension()
        .is_some_and(|x| x == "yaml" || x == "yml" || x == "rhai")
}

/// Folders to watch for `paths` (a file's folder, or the folder itself).
fn roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut r: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                p.parent()
                    .filter(|x| !x.as_os_str().is_empty())
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from("."))
            }
        })
        .collect();
    r.sort();
    r.dedup();
    r
}

/// Watch with file events (debounced). Runs until the process is stopped.
pub fn run_events(
    paths: &[PathBuf],
    lang: traject_i18n::Lang,
    print: &mut dyn FnMut(&str),
) -> Result<(), AppError> {
    use notify::RecursiveMode;
    let (tx, rx) = std::sync::mpsc::channel();
    let cannot = |path: &Path, e: notify::Error| AppError::Watch {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut debouncer = notify_debouncer_full::new_debouncer(Duration::from_millis(60), None, tx)
        .map_err(|e| cannot(Path::new("."), e))?;
    for root in roots(paths) {
        debouncer
            .watch(&root, RecursiveMode::Recursive)
            .map_err(|e| cannot(&root, e))?;
    }
    let mut w = Watcher {
        lang,
        ..Watcher::default()
    };
    for line in w.check(paths, Instant::now()) {
        print(&line);
    }
    for result in rx {
        let Ok(events) = result else { continue };
        // Reading a file (our own check included) raises access events: only changes count.
        let changed = events.iter().any(|e| {
            !e.kind.is_access() && !e.kind.is_other() && e.paths.iter().any(|p| relevant(p))
        });
        if changed {
            let started = Instant::now();
            for line in w.check(paths, started) {
                print(&line);
            }
        }
    }
    Ok(())
}

/// Watch by polling modification times (network drives). Runs until the process is stopped.
pub fn run_poll(
    paths: &[PathBuf],
    every: Duration,
    lang: traject_i18n::Lang,
    print: &mut dyn FnMut(&str),
) -> Result<(), AppError> {
    let snapshot = |paths: &[PathBuf]| -> BTreeMap<PathBuf, (SystemTime, u64)> {
        let mut m = BTreeMap::new();
        for root in roots(paths) {
            let mut stack = vec![root];
            while let Some(dir) = stack.pop() {
                for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if relevant(&p) {
                        if let Ok(meta) = e.metadata() {
                            m.insert(
                                p,
                                (
                                    meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                                    meta.len(),
                                ),
                            );
                        }
                    }
                }
            }
        }
        m
    };
    let mut w = Watcher {
        lang,
        ..Watcher::default()
    };
    for line in w.check(paths, Instant::now()) {
        print(&line);
    }
    let mut last = snapshot(paths);
    loop {
        std::thread::sleep(every);
        let now = snapshot(paths);
        if now != last {
            last = now;
            for line in w.check(paths, Instant::now()) {
                print(&line);
            }
        }
    }
}
