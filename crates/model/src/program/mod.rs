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
pub mod summary;
pub mod terms;
pub mod words;

use std::path::Path;

pub use load::{load_bytes, load_path, load_str, LoadError, LoadOptions, Program, VersionError};

use crate::diag::{suggestion_suffix, Diagnostic, Pos};

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
    Err(LoadError::new(vec![Diagnostic::error(
        arg,
        Pos::new(1, 1),
        format!(
            "no such file, and no bundled programme '{arg}'{}",
            suggestion_suffix(arg, ids.iter().copied())
        ),
    )
    .with_help(format!(
        "bundled programmes: {}; or give a path to a .yaml file",
        ids.join(", ")
    ))
    .nl(
        format!(
            "geen bestand met die naam, en geen meegeleverd programma '{arg}'{}",
            crate::diag::suggestion_in(arg, ids.iter().copied(), traject_i18n::Lang::Nl)
        ),
        format!(
            "meegeleverde programma's: {}; of geef het pad naar een .yaml-bestand",
            ids.join(", ")
        ),
    )
    .fr(
        format!(
            "aucun fichier de ce nom, ni programme fourni «\u{a0}{arg}\u{a0}»{}",
            crate::diag::suggestion_in(arg, ids.iter().copied(), traject_i18n::Lang::Fr)
        ),
        format!(
            "programmes fournis : {} ; ou donnez le chemin d'un fichier .yaml",
            ids.join(", ")
        ),
    )]))
}
