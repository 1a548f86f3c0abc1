//! The whole way from a PROGRAM argument to a compiled programme — load, check, compile — and
//! `traject validate` over files and folders. Commands start here.

pub mod batch;
pub mod cases;
pub mod route;
pub mod simulate;
pub mod validate;

use crate::program::{self, LoadError, LoadOptions};
use crate::rules::CompiledProgram;

/// Open a programme (path or bundled id) and compile its rules and scripts.
pub fn open(arg: &str, opts: &LoadOptions) -> Result<CompiledProgram, LoadError> {
    program::open(arg, opts).and_then(validate::compile_loaded)
}
