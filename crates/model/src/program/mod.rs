//! Programme files: the typed model, the loader with its located diagnostics, the semantic
//! checks, the embedded schema and the bundled programmes.

pub mod bundled;
pub mod changes;
pub mod check;
pub mod duration;
pub mod kinds;
pub mod load;
pub mod model;
pub mod schema;
pub mod scripts;
pub mod terms;

use std::path::Path;

pub use crate::diag::LoadError;
pub use load::{load_bytes, load_path, read_programme, LoadOptions, Parsed, Program, VersionError};

use crate::diag::{did_you_mean, Diagnostic, Pos};
use crate::problem::LoadProblem;

/// Resolve a PROGRAM argument: a path to a file, or the id of a bundled programme.
pub fn open(arg: &str, opts: &LoadOptions) -> Result<Program, LoadError> {
    let path = Path::new(arg);
    if path.exists() {
        return load_path(path, opts);
    }
    if let Some((file, text)) = bundled::program(arg) {
        return load_bytes(file, text.as_bytes(), opts);
    }
    let ids = bundled::program_ids();
    let problem = LoadProblem::UnknownProgramme {
        given: arg.to_string(),
        nearest: did_you_mean(arg, ids.iter().copied()).map(str::to_string),
        bundled: ids.iter().map(|i| i.to_string()).collect(),
    };
    Err(LoadError::from(Diagnostic::error(
        arg,
        Pos::new(1, 1),
        problem,
    )))
}
