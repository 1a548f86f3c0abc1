//! Where programmes come from. The CLI names a file or a bundled id and finds a stored case's
//! programme in `programs/` (or the bundled one); the web server will keep a watched catalogue.
//! Use cases ask through `Programs` and do not care which.

use std::path::PathBuf;
use std::sync::Arc;

use traject_model::program::{self, LoadError, LoadOptions, Program};
use traject_rules::{self as rules, CompiledProgram};

pub trait Programs {
    /// A programme named by a person: a path to a file, or an id.
    fn load(&self, arg: &str, opts: &LoadOptions) -> Result<Program, LoadError>;

    /// The same, with its rules and scripts compiled.
    fn open(&self, arg: &str, opts: &LoadOptions) -> Result<Arc<CompiledProgram>, LoadError> {
        let loaded = self.load(arg, opts)?;
        rules::compile_loaded(loaded).map(Arc::new)
    }

    /// The programme a stored case (or a caseload row) belongs to, by its id.
    fn for_case(&self, program_id: &str) -> Result<Arc<CompiledProgram>, LoadError>;
}

/// Programmes on disk beside the bundled ones: a path as given, else `<dir>/<id>.yaml`, else
/// the bundled programme with that id. `explicit` makes every case use one named programme
/// (`--program` on case commands, for a programme kept elsewhere).
#[derive(Debug, Clone)]
pub struct FilePrograms {
    pub dir: PathBuf,
    pub explicit: Option<String>,
}

impl FilePrograms {
    /// `programs/` in the working directory, as the CLI uses it.
    pub fn here() -> FilePrograms {
        FilePrograms {
            dir: PathBuf::from("programs"),
            explicit: None,
        }
    }

    pub fn with_explicit(mut self, program: Option<String>) -> FilePrograms {
        self.explicit = program;
        self
    }
}

impl Programs for FilePrograms {
    fn load(&self, arg: &str, opts: &LoadOptions) -> Result<Program, LoadError> {
        program::open(arg, opts)
    }

    fn for_case(&self, program_id: &str) -> Result<Arc<CompiledProgram>, LoadError> {
        let opts = LoadOptions::default();
        if let Some(p) = &self.explicit {
            return self.open(p, &opts);
        }
        let local = self.dir.join(format!("{program_id}.yaml"));
        if local.exists() {
            return self.open(&local.to_string_lossy(), &opts);
        }
        self.open(program_id, &opts)
    }
}
