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
    // Logs go to stderr: warnings and errors always (a database that cannot be reached, a
    // server error with its request id), more when TRAJECT_LOG asks (e.g. TRAJECT_LOG=info).
    // They name cases by id and never carry personal data.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TRAJECT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    cli::run(cli::args::Cli::parse())
}
