//! traject: a workflow engine for the social-activation programmes of OCMW/CPAS for
//! newcomers. Programmes are data (YAML, checked against `schemas/program.schema.json`); this
//! library loads and checks them, and everything else — eligibility, cases, simulation,
//! reports — reads the checked model. Data flows one way: YAML → checked model → engine →
//! `app` (the use cases every front end calls).

pub mod app;
pub mod diag;
pub mod engine;
pub mod i18n;
pub mod lifecycle;
pub mod plugins;
pub mod program;
pub mod referral;
pub mod report;
pub mod rollout;
pub mod rules;
pub mod sim;
pub mod store;
pub mod testing;
pub mod vocab;
pub mod yaml;
