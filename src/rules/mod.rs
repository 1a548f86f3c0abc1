//! Eligibility rules: the registry of rule kinds and (later stages) their evaluation.

pub mod kinds;
