//! The checked programme model: programme files read from YAML with every node's place kept,
//! checked against the JSON Schema and by the semantic checks, and typed; the referral
//! vocabulary and the readers of referrals (YAML, JSON, CSV, xlsx). Problems are located
//! diagnostics (file, line, column). Nothing here runs rules, stores cases or talks to users.

pub mod diag;
pub mod problem;
pub mod program;
pub mod referral;
pub mod text;
pub mod vocab;
pub mod yaml;
