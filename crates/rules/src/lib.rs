//! Eligibility rules: the registry of rule kinds, their compilation when a programme loads,
//! their evaluation on referrals, and the explanation of each verdict.

pub mod compile;
pub mod eval;
pub mod explain;
pub mod fuzz;
pub mod lower;
pub mod plugins;

pub use compile::{compile, CompiledProgram};
pub use eval::{Evaluation, Outcome, Verdict};

use traject_model::program::{self, LoadError, LoadOptions, Program};

/// Compile a loaded programme's rules and scripts, keeping its text for error display.
pub fn compile_loaded(p: Program) -> Result<CompiledProgram, LoadError> {
    let (file, text) = (p.file.clone(), p.text.clone());
    compile(p).map_err(|d| LoadError::new(d).with_source(&file, &text))
}

/// Open a programme (path or bundled id) and compile its rules and scripts.
pub fn open(arg: &str, opts: &LoadOptions) -> Result<CompiledProgram, LoadError> {
    program::open(arg, opts).and_then(compile_loaded)
}
