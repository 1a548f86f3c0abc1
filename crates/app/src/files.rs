//! Files the use cases write: always whole or not at all. Output goes to a temporary file
//! beside the target and is renamed at the end, so a failed run never leaves half a file and
//! an existing file is never half overwritten.

use std::io::Write;
use std::path::Path;

use traject_model::diag::{Diagnostic, Pos};
use traject_model::problem::FileProblem;

/// Write `f`'s output to `path` atomically: a temporary file beside it, renamed on success.
pub fn write_atomically<T>(
    path: &std::path::Path,
    f: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<T, Vec<Diagnostic>>,
) -> Result<T, Vec<Diagnostic>> {
    let shown = path.display().to_string();
    let fail = |e: std::io::Error| {
        let problem = FileProblem::CannotWrite {
            reason: e.to_string(),
        };
        vec![Diagnostic::error(&shown, Pos::new(1, 1), problem)]
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let file = std::fs::File::create(&tmp).map_err(fail)?;
    let mut w = std::io::BufWriter::new(file);
    let result = f(&mut w);
    let finished = result.and_then(|v| {
        w.flush().map_err(fail)?;
        w.get_ref().sync_all().map_err(fail)?;
        std::fs::rename(&tmp, path).map_err(fail)?;
        Ok(v)
    });
    if finished.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    finished
}

/// Write `text` to `path` atomically, creating its folder if needed.
pub fn write_text(path: &Path, text: &str) -> Result<(), Vec<Diagnostic>> {
    let shown = path.display().to_string();
    let fail = |e: std::io::Error| {
        let problem = FileProblem::CannotWrite {
            reason: e.to_string(),
        };
        vec![Diagnostic::error(&shown, Pos::new(1, 1), problem)]
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    write_atomically(path, |w| w.write_all(text.as_bytes()).map_err(fail))
}

/// Write `text` to the new file `path`, readable by its owner only (a backup's companion:
/// never over an existing file; removed again when writing fails).
pub fn write_private(path: &Path, text: &str) -> Result<(), Vec<Diagnostic>> {
    let shown = path.display().to_string();
    let fail = |e: std::io::Error| {
        let problem = FileProblem::CannotWrite {
            reason: e.to_string(),
        };
        vec![Diagnostic::error(&shown, Pos::new(1, 1), problem)]
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(fail)?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        let _ = std::fs::remove_file(path);
        return Err(fail(e));
    }
    Ok(())
}
