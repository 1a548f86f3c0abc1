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
    // Logs go to stderr: warnings and errors always (a database that cannot be reached, a
    // server error with its request id), more when TRAJECT_LOG asks (e.g. TRAJECT_LOG=info);
    // `serve --log-format json` writes them as JSON lines. They name cases by id and never
    // carry personal data.
    let filter = tracing_subscriber::EnvFilter::try_from_env("TRAJECT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let json = matches!(&cli.command, cli::args::Command::Serve(a) if a.log_format == cli::args::LogFormat::Json);
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        logs.json().init();
    } else {
        logs.init();
    }
    cli::run(cli)
}
