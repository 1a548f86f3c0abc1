//! Eligibility rules: the registry of rule kinds, their compilation when a programme loads,
//! their evaluation on referrals, and the explanation of each verdict.

pub mod compile;
pub mod eval;
pub mod explain;

pub use compile::{compile, CompiledProgram};
pub use eval::{Evaluation, Outcome, Verdict};
