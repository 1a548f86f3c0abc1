//! The `traject` binary: sets up logging and hands the parsed command line to `cli::run`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than the system allocator: a server's threads each allocate (simulations,
/// database connections, password checks) and glibc keeps freed memory per thread arena, so a
/// busy server grew by hundreds of megabytes it no longer used; mimalloc gives it back.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::args::Cli::parse();
    // The settings file and the TRAJECT_… variables, read once: `serve` takes all of them
    // (under its flags), every command the time zone. A problem stops here, at its place.
    let settings = match cli::settings(&cli) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Logs go to stderr: warnings and errors always (a database that cannot be reached, a
    // server error with its request id), more when the settings ask (log.level = "info") or
    // TRAJECT_LOG does (a tracing filter, e.g. TRAJECT_LOG=traject_web=debug); JSON lines
    // with log.format = "json". They name cases by id and never carry personal data.
    let filter = tracing_subscriber::EnvFilter::try_from_env("TRAJECT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(settings.log_level.as_str()));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if settings.log_format == traject_app::config::LogFormat::Json {
        logs.json().init();
    } else {
        logs.init();
    }
    cli::run(cli, settings)
}
