//! The integration tests: one test binary (ripgrep's layout) over the real `traject`
//! binary, the bundled programmes, real SQLite and PostgreSQL stores and a real browser. Each
//! module is one area; `common` holds what several share (starting the binary and a server).

mod accessibility;
mod app;
mod architecture;
mod assessment;
mod attacks;
mod backup;
mod broken_corpus;
mod browser;
mod calendar;
mod cases;
mod common;
mod contacts;
mod diagnostics_lang;
mod editor;
mod eligibility;
mod error_words;
mod errors;
mod faults;
mod forecast;
mod function_lengths;
mod fuzz_regressions;
mod impact;
mod office;
mod openapi;
mod packaging;
mod pg_tls;
mod plugins;
mod postgres;
mod programme_history;
mod programs;
mod readers;
mod reminders;
mod rights;
mod rights_web;
mod rollout;
mod second_factor;
mod server;
mod sessions;
mod settings;
mod sign_on;
mod simulation;
mod soak;
mod upgrades;
mod users;
