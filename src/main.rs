//! The `traject` command line: parses arguments, calls the library, prints. Exit codes:
//! 0 success, 1 invalid input (programme, referral, CSV, …), 2 usage error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use traject::i18n::Lang;
use traject::pipeline::{self, batch, cases, route, simulate, validate};
use traject::program::{self, LoadOptions};
use traject::rules::explain;
use traject::testing;

#[derive(Parser)]
#[command(
    name = "traject",
    version,
    about = "Workflow engine for OCMW/CPAS social-activation programmes for newcomers",
    long_about = "traject reads one YAML file per programme (eligibility, pathway, modules, evaluation moments, staffing, capacity, funding) and checks, explains and runs it.\n\nA PROGRAM argument is a path to a .yaml file or the id of a bundled programme (`traject validate` run outside a project folder lists them).",
    after_help = "Examples:\n  traject validate                      check every programme in programs/ (or the bundled ones)\n  traject show programs/x.yaml --lang fr  summary of a programme in French\n  traject schema > program.schema.json  the JSON Schema for editors"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum SimFormat {
    Text,
    Json,
    Csv,
}

#[derive(Subcommand)]
enum Command {
    /// Check programme files: schema, references, dates, funding shares, labels.
    #[command(
        after_help = "Examples:\n  traject validate\n  traject validate programs/x.yaml\n  traject validate my-ocmw/ --format json\n\nExit status: 0 all valid, 1 some file invalid, 2 usage error."
    )]
    Validate {
        /// Files or folders (default: programs/, or the bundled programmes when there is none).
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show a readable summary of a programme.
    #[command(
        after_help = "Examples:\n  traject show <id>\n  traject show <id> --version 2022 --lang en\n  traject show programs/x.yaml --option income_rule=leefloon_only"
    )]
    Show {
        /// Path or bundled programme id.
        program: String,
        /// Only this version (default: all versions).
        #[arg(long)]
        version: Option<String>,
        /// Language of the summary (default: the programme's society language).
        #[arg(long)]
        lang: Option<Lang>,
        /// Choose a named option: ID=CHOICE (repeatable).
        #[arg(long = "option", value_name = "ID=CHOICE")]
        options: Vec<String>,
    },
    /// Check whether a referral is eligible, criterion by criterion; or a CSV batch.
    #[command(
        after_help = "Examples:\n  traject check --program <id> referral.yaml\n  traject check --program programs/x.yaml referral.json --lang fr --format json\n  traject check --program <id> --csv referrals.csv --out results.csv\n\nExit status: 0 a verdict was given (for a batch: for every row), 1 invalid input, 2 usage error."
    )]
    Check {
        /// Path or bundled programme id.
        #[arg(long)]
        program: String,
        /// A referral file (YAML or JSON).
        #[arg(required_unless_present = "csv", conflicts_with = "csv")]
        referral: Option<PathBuf>,
        /// A CSV batch of referrals (columns named like the referral fields; lists separated by ;).
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Where to write the batch results (CSV); default standard output.
        #[arg(long, requires = "csv")]
        out: Option<PathBuf>,
        /// Language of labels and wording (default: the programme's society language).
        #[arg(long)]
        lang: Option<Lang>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Choose a named option: ID=CHOICE (repeatable).
        #[arg(long = "option", value_name = "ID=CHOICE")]
        options: Vec<String>,
    },
    /// Run programme tests (programs/tests/*.yaml): expected verdicts for referrals.
    #[command(
        after_help = "Examples:\n  traject test\n  traject test programs/\n  traject test programs/tests/x.yaml\n\nPrints one line per test, a diff for each failure, and `N passed, N failed`. Exit status 1 on any failure."
    )]
    Test {
        /// Test files or folders (default: programs/, or the bundled tests when there is none).
        paths: Vec<PathBuf>,
    },
    /// Put a CSV of referrals into the groups of one module (the module's routing script).
    #[command(
        after_help = "Examples:\n  traject route --program <id> --module <module> cohort.csv\n  traject route --program programs/x.yaml --module via cohort.csv --version 2021 --format json\n\nNobody is dropped: who does not fit waits. Exit status: 0 routed, 1 invalid input or script error, 2 usage error."
    )]
    Route {
        /// Path or bundled programme id.
        #[arg(long)]
        program: String,
        /// The module whose groups to form.
        #[arg(long)]
        module: String,
        /// The cohort: a CSV of referrals with an `id` column.
        input: PathBuf,
        /// Programme version (default: the one in force on the referrals' dates).
        #[arg(long)]
        version: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Choose a named option: ID=CHOICE (repeatable).
        #[arg(long = "option", value_name = "ID=CHOICE")]
        options: Vec<String>,
    },
    /// Simulate the caseload against the per-FTE norm: waiting lists, waits, utilisation.
    #[command(
        after_help = "Examples:\n  traject simulate --program <id>\n  traject simulate --program <id> --fte 2.5 --months 36 --runs 1000 --seed 7 --html report.html\n  traject simulate --program <id> --solve-fte --max-wait-days 30 --quantile 0.9\n  traject simulate --mmc --arrival-rate 18 --service-rate 1 --servers 20 --format json\n\nThe demand profile (referrals per month, never started, track mix, extensions, drop-out, giving up) is the version's `demand:` in the programme file."
    )]
    Simulate {
        /// Path or bundled programme id (not with --mmc).
        #[arg(long, required_unless_present = "mmc")]
        program: Option<String>,
        /// Programme version (default: the most recent).
        #[arg(long)]
        version: Option<String>,
        /// Staff counting for the caseload norm (default: the programme's own).
        #[arg(long)]
        fte: Option<f64>,
        #[arg(long, default_value_t = 36)]
        months: usize,
        #[arg(long, default_value_t = 1000)]
        runs: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_enum, default_value_t = SimFormat::Text)]
        format: SimFormat,
        /// Also write a self-contained HTML report with charts.
        #[arg(long)]
        html: Option<PathBuf>,
        /// Find the smallest FTE (0.1 steps) whose wait quantile stays under --max-wait-days.
        #[arg(long, requires = "max_wait_days")]
        solve_fte: bool,
        #[arg(long)]
        max_wait_days: Option<f64>,
        #[arg(long, default_value_t = 0.9)]
        quantile: f64,
        /// Textbook M/M/c model instead of a programme (compare with Erlang C).
        #[arg(long, requires_all = ["arrival_rate", "service_rate", "servers"], conflicts_with_all = ["program", "solve_fte"])]
        mmc: bool,
        /// Arrivals per month (M/M/c).
        #[arg(long)]
        arrival_rate: Option<f64>,
        /// Completions per month per slot (M/M/c).
        #[arg(long)]
        service_rate: Option<f64>,
        /// Slots (M/M/c).
        #[arg(long)]
        servers: Option<u32>,
        /// Choose a named option: ID=CHOICE (repeatable).
        #[arg(long = "option", value_name = "ID=CHOICE")]
        options: Vec<String>,
    },
    /// Follow clients through a programme: referral, start or waiting list, evaluations, exit.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Evaluation moments due (window open) or overdue (window passed) on a date.
    #[command(
        after_help = "Examples:\n  traject due\n  traject due --on 2023-06-15 --program <id>\n  traject due --db cases.db --format json"
    )]
    Due {
        #[command(flatten)]
        store: StoreArgs,
        /// The day to look at (default: --as-of or today).
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
        #[arg(long)]
        program: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Capacity (FTE × caseload norm) against active cases and the waiting list, per programme.
    #[command(
        after_help = "Examples:\n  traject caseload\n  traject caseload --program <id> --format json"
    )]
    Caseload {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        program: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Roll a programme out to another OCMW: copy a model, replace identity, residence,
    /// staffing and local funder, keep structure, comments and sources; list the TODO items.
    #[command(
        after_help = "Example:\n  traject new --from programs/x.yaml --ocmw my-ocmw --fte 0.2 --out my-ocmw/my-ocmw.yaml\n\nThe model's tests are copied to tests/ beside the new file. The new file validates at once."
    )]
    New {
        /// The model programme (path or bundled id).
        #[arg(long)]
        from: String,
        /// The new OCMW, lower case as referrals write it (residence_ocmw).
        #[arg(long)]
        ocmw: String,
        /// Display name of the new programme.
        #[arg(long)]
        name: Option<String>,
        /// FTE that count for the caseload norm (split over the model's guiding roles).
        #[arg(long)]
        fte: Option<f64>,
        #[arg(long)]
        society_language: Option<String>,
        /// Where to write the new programme (must not exist yet).
        #[arg(long)]
        out: PathBuf,
    },
    /// Semantic difference between two programmes or two versions: rules, tracks, pathway,
    /// modules, evaluations, staffing and capacity, funding — by id, not by line.
    #[command(
        after_help = "Examples:\n  traject diff programs/a.yaml programs/b.yaml\n  traject diff <id>@2020 <id>@2022 --format json\n\nPROGRAM@VERSION picks a version; without it the most recent one is compared."
    )]
    Diff {
        a: String,
        b: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Re-check programme files on every save: validate, compile, run their tests.
    #[command(
        after_help = "Examples:\n  traject watch\n  traject watch programs/x.yaml\n  traject watch --poll my-ocmw/        (network drives)\n\nA broken save never replaces the last good programme; the watcher says which stays in force."
    )]
    Watch {
        /// Files or folders (default: programs/).
        paths: Vec<PathBuf>,
        /// Poll modification times instead of waiting for file events.
        #[arg(long)]
        poll: bool,
        /// Polling interval in milliseconds.
        #[arg(long, default_value_t = 300)]
        interval_ms: u64,
    },
    /// Reports for the annual report to the EU: funding per funder, activity from the case store.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Shell completions for bash, zsh or fish.
    #[command(
        after_help = "Examples:\n  traject completions bash > /etc/bash_completion.d/traject\n  traject completions zsh > ~/.zfunc/_traject\n  traject completions fish > ~/.config/fish/completions/traject.fish"
    )]
    Completions { shell: clap_complete::Shell },
    /// Print the programme JSON Schema (draft-07) that editors and the loader use.
    #[command(after_help = "Example:\n  traject schema > schemas/program.schema.json")]
    Schema,
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Personnel and material costs per funder per cost category, exact to the cent.
    #[command(
        after_help = "Example:\n  traject report funding --program <id> --from 2023-01-01 --to 2023-12-31 --cost-per-fte-month 4000\n\nThe version(s) in force in the period give the staffing and the split; a category the sources do not split stays unallocated."
    )]
    Funding {
        #[arg(long)]
        program: String,
        #[arg(long)]
        from: chrono::NaiveDate,
        #[arg(long)]
        to: chrono::NaiveDate,
        /// Cost of one FTE for one month, in euros.
        #[arg(long)]
        cost_per_fte_month: String,
        /// Material costs for the whole period, in euros.
        #[arg(long)]
        materials: Option<String>,
        #[arg(long, value_enum, default_value_t = SimFormat::Text)]
        format: SimFormat,
        #[arg(long = "option", value_name = "ID=CHOICE")]
        options: Vec<String>,
        /// Consult this case store: a funder with conditions (AMIF: non-EU only) is charged only
        /// for the share of cases that meet them.
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Referred, started, waiting, finished, dropped, not started, exits, evaluations held — each with its denominator.
    #[command(
        after_help = "Example:\n  traject report activity --program <id> --from 2023-01-01 --to 2023-12-31 --format html > activity.html"
    )]
    Activity {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        program: String,
        #[arg(long)]
        from: chrono::NaiveDate,
        #[arg(long)]
        to: chrono::NaiveDate,
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    Csv,
    Html,
}

/// Where the cases are kept, on which day, and who acts.
#[derive(clap::Args, Clone)]
struct StoreArgs {
    /// The case database (default: traject.db in the working directory).
    #[arg(long, default_value = traject::store::DEFAULT_DB)]
    db: PathBuf,
    /// Act as if today were this date (tests and scripts run on a fixed clock).
    #[arg(long)]
    as_of: Option<chrono::NaiveDate>,
    /// Who makes the change, for the audit trail (default: $USER).
    #[arg(long)]
    actor: Option<String>,
}

impl StoreArgs {
    fn ctx(&self) -> traject::engine::Ctx {
        traject::engine::Ctx {
            on: self
                .as_of
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
            actor: self
                .actor
                .clone()
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "unknown".into()),
        }
    }
}

#[derive(Subcommand)]
enum CaseCommand {
    /// Create a case from a referral (runs the eligibility check; prints the new case id).
    #[command(
        after_help = "Example:\n  traject case new --program <id> referral.yaml --as-of 2023-01-10"
    )]
    New {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        program: String,
        referral: PathBuf,
    },
    /// Create cases from a CSV of referrals: all rows in one transaction, or none.
    #[command(after_help = "Example:\n  traject case import --program <id> referrals.csv")]
    Import {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        program: String,
        csv: PathBuf,
    },
    /// List cases.
    #[command(after_help = "Example:\n  traject case list --state waiting --program <id>")]
    List {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        program: Option<String>,
        #[arg(long, default_value_t = 1000)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Explain a case's state and what is due next.
    #[command(after_help = "Example:\n  traject case show 12")]
    Show {
        #[command(flatten)]
        store: StoreArgs,
        id: i64,
    },
    /// The audit trail of a case.
    #[command(after_help = "Example:\n  traject case history 12 --format json")]
    History {
        #[command(flatten)]
        store: StoreArgs,
        id: i64,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Start a case on a track — or put it on the waiting list when the team is full.
    #[command(after_help = "Example:\n  traject case start 12 --track long --as-of 2023-02-01")]
    Start {
        #[command(flatten)]
        store: StoreArgs,
        id: i64,
        #[arg(long)]
        track: Option<String>,
        /// The programme file, when it is not programs/<id>.yaml or bundled.
        #[arg(long)]
        program: Option<String>,
    },
    /// Record an evaluation: goals, a score and the decision (continue, extend, close, redirect, …).
    #[command(
        after_help = "Examples:\n  traject case evaluate 12 --evaluation interim --decision continue --goal housing --goal language --score 3\n  traject case evaluate 12 --evaluation final --decision extend --extend-by \"3 months\""
    )]
    Evaluate {
        #[command(flatten)]
        store: StoreArgs,
        id: i64,
        #[arg(long)]
        evaluation: String,
        #[arg(long)]
        decision: Option<String>,
        /// A goal agreed with the client (repeatable).
        #[arg(long = "goal")]
        goals: Vec<String>,
        #[arg(long)]
        score: Option<f64>,
        #[arg(long)]
        extend_by: Option<String>,
        /// With --decision close: the exit destination.
        #[arg(long)]
        destination: Option<String>,
        #[arg(long)]
        program: Option<String>,
    },
    /// Close a case with an exit destination; the freed slot goes to the first who waits.
    #[command(after_help = "Example:\n  traject case close 12 --destination art60")]
    Close {
        #[command(flatten)]
        store: StoreArgs,
        id: i64,
        #[arg(long)]
        destination: String,
        #[arg(long)]
        program: Option<String>,
    },
    /// Drop a case with a reason.
    #[command(after_help = "Example:\n  traject case drop 12 --reason moved")]
    Drop {
        #[command(flatten)]
        store: StoreArgs,
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        program: Option<String>,
    },
    /// Record that a referred or waiting case will not start, with a reason.
    #[command(after_help = "Example:\n  traject case not-start 12 --reason no_help_request")]
    NotStart {
        #[command(flatten)]
        store: StoreArgs,
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        program: Option<String>,
    },
}

/// A programme, referral or script that could not be loaded: its located errors, exit 1.
fn load_failed(e: traject::program::LoadError) -> ExitCode {
    eprint!("{}", e.render());
    ExitCode::from(1)
}

/// Say who took the slot a case freed, if anyone was waiting.
fn print_freed(freed: &traject::engine::Freed) {
    if let Some(next) = freed.next_started {
        println!("slot freed: case {next} comes off the waiting list and starts");
    }
}

/// `--option` values, or a usage error (exit 2) saying how to write them.
fn options_or_usage(raw: &[String]) -> Result<LoadOptions, ExitCode> {
    parse_options(raw).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}

fn parse_options(raw: &[String]) -> Result<LoadOptions, String> {
    let mut opts = LoadOptions::default();
    for r in raw {
        let (k, v) = r.split_once('=').ok_or_else(|| {
            format!("--option '{r}': write ID=CHOICE, e.g. --option art60_exclusion_2022=dropped")
        })?;
        opts.choices.insert(k.to_string(), v.to_string());
    }
    Ok(opts)
}

fn main() -> ExitCode {
    // Logs go to stderr, off unless TRAJECT_LOG asks (e.g. TRAJECT_LOG=debug); they name
    // cases by id and never carry personal data.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TRAJECT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { paths, format } => run_validate(paths, format),
        Command::Show {
            program,
            version,
            lang,
            options,
        } => {
            let opts = match options_or_usage(&options) {
                Ok(o) => o,
                Err(code) => return code,
            };
            let p = match program::open(&program, &opts) {
                Ok(p) => p,
                Err(e) => return load_failed(e),
            };
            let v = match &version {
                Some(id) => match p.version(id) {
                    Some(v) => Some(v),
                    None => {
                        let ids: Vec<&str> =
                            p.spec.versions.iter().map(|v| v.id.as_str()).collect();
                        eprintln!(
                            "error: programme '{}' has no version '{id}'{}\n  = help: versions: {}",
                            p.id(),
                            traject::diag::suggestion_suffix(id, ids.iter().copied()),
                            ids.join(", ")
                        );
                        return ExitCode::from(2);
                    }
                },
                None => None,
            };
            let lang = lang.unwrap_or(p.spec.society_language);
            print!("{}", program::summary::render(&p, v, lang));
            ExitCode::SUCCESS
        }
        Command::Check {
            program,
            referral,
            csv,
            out,
            lang,
            format,
            options,
        } => {
            let opts = match options_or_usage(&options) {
                Ok(o) => o,
                Err(code) => return code,
            };
            run_check(&program, referral, csv, out, lang, format, &opts)
        }
        Command::Test { paths } => {
            let report = if paths.is_empty() && !std::path::Path::new("programs").is_dir() {
                testing::run_bundled()
            } else if paths.is_empty() {
                testing::run_paths(&[PathBuf::from("programs")])
            } else {
                testing::run_paths(&paths)
            };
            print!("{}", testing::render(&report));
            if report.failed() == 0 && report.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Command::Route {
            program,
            module,
            input,
            version,
            format,
            options,
        } => {
            let opts = match options_or_usage(&options) {
                Ok(o) => o,
                Err(code) => return code,
            };
            run_route(&program, &module, &input, version.as_deref(), format, &opts)
        }
        Command::Simulate {
            program,
            version,
            fte,
            months,
            runs,
            seed,
            format,
            html,
            solve_fte,
            max_wait_days,
            quantile,
            mmc,
            arrival_rate,
            service_rate,
            servers,
            options,
        } => {
            let opts = match options_or_usage(&options) {
                Ok(o) => o,
                Err(code) => return code,
            };
            if months == 0 || runs == 0 || !(0.0..=1.0).contains(&quantile) {
                eprintln!(
                    "error: --months and --runs must be at least 1 and --quantile between 0 and 1"
                );
                return ExitCode::from(2);
            }
            let settings = simulate::Settings { months, runs, seed };
            let show_progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let progress = move |done: usize, total: usize| {
                if show_progress && (done % 25 == 0 || done == total) {
                    let width = 30;
                    let filled = done * width / total.max(1);
                    eprint!(
                        "\r  [{}{}] {done}/{total} runs",
                        "#".repeat(filled),
                        " ".repeat(width - filled)
                    );
                    if done == total {
                        eprintln!();
                    }
                }
            };
            if mmc {
                let (l, m, c) = (
                    arrival_rate.unwrap_or(0.0),
                    service_rate.unwrap_or(0.0),
                    servers.unwrap_or(0),
                );
                return match simulate::mmc(l, m, c, &settings, &progress) {
                    Ok(r) => {
                        match format {
                            SimFormat::Json => println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default()),
                            _ => println!(
                                "M/M/{c}, λ={l}/month, μ={m}/month: mean wait {} days (Erlang C {}), P(wait) {} (Erlang C {}) over {} customers",
                                r.mean_wait_days,
                                r.erlang_c_mean_wait_days.map_or("unstable".into(), |x| x.to_string()),
                                r.prob_wait,
                                r.erlang_c_prob_wait.map_or("unstable".into(), |x| x.to_string()),
                                r.customers
                            ),
                        }
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        ExitCode::from(2)
                    }
                };
            }
            let program = program.expect("clap requires --program without --mmc");
            let loaded = match traject::program::open(&program, &opts) {
                Ok(p) => p,
                Err(e) => return load_failed(e),
            };
            if solve_fte {
                return match simulate::solve_fte(
                    &loaded,
                    version.as_deref(),
                    max_wait_days.unwrap_or(0.0),
                    quantile,
                    &settings,
                ) {
                    Ok(r) => {
                        match format {
                            SimFormat::Json => {
                                println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default())
                            }
                            _ => print!("{}", traject::sim::report::solve_text(&r)),
                        }
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("{}: error: {e}", loaded.file);
                        ExitCode::from(1)
                    }
                };
            }
            match simulate::programme(&loaded, version.as_deref(), fte, &settings, &progress) {
                Ok(r) => {
                    if let Some(path) = &html {
                        let written = batch::write_atomically(path, |w| {
                            std::io::Write::write_all(w, traject::sim::report::html(&r).as_bytes())
                                .map_err(|e| {
                                    vec![traject::diag::Diagnostic::error(
                                        path.display().to_string(),
                                        traject::diag::Pos::new(1, 1),
                                        e.to_string(),
                                    )]
                                })
                        });
                        if let Err(d) = written {
                            for x in d {
                                eprint!("{}", x.render(None));
                            }
                            return ExitCode::from(1);
                        }
                    }
                    match format {
                        SimFormat::Json => {
                            println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default())
                        }
                        SimFormat::Csv => print!("{}", traject::sim::report::csv(&r)),
                        SimFormat::Text => print!("{}", traject::sim::report::text(&r)),
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{}: error: {e}", loaded.file);
                    ExitCode::from(1)
                }
            }
        }
        Command::Case(cmd) => run_case(cmd),
        Command::Due {
            store,
            on,
            program,
            format,
        } => {
            let db = match open_store(&store) {
                Ok(d) => d,
                Err(code) => return code,
            };
            let on = on.unwrap_or(store.ctx().on).to_string();
            match db.due(&on, program.as_deref()) {
                Ok(rows) => {
                    match format {
                        Format::Json => println!(
                            "{}",
                            serde_json::to_string_pretty(
                                &serde_json::json!({"on": on, "due": rows})
                            )
                            .unwrap_or_default()
                        ),
                        Format::Text => {
                            for r in &rows {
                                let window = if r.due_from == r.due_to {
                                    r.due_from.clone()
                                } else {
                                    format!("{} – {}", r.due_from, r.due_to)
                                };
                                println!(
                                    "{}  case {:>6}  {:<10} {:<16} {window}",
                                    if r.overdue { "OVERDUE" } else { "due    " },
                                    r.case_id,
                                    r.program,
                                    r.evaluation
                                );
                            }
                            println!(
                                "{} due, {} overdue on {on}",
                                rows.iter().filter(|r| !r.overdue).count(),
                                rows.iter().filter(|r| r.overdue).count()
                            );
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Caseload {
            store,
            program,
            format,
        } => {
            let db = match open_store(&store) {
                Ok(d) => d,
                Err(code) => return code,
            };
            match cases::caseload(&db, program.as_deref(), store.ctx().on) {
                Ok(rows) => {
                    match format {
                        Format::Json => println!(
                            "{}",
                            serde_json::to_string_pretty(&serde_json::json!({"programs": rows}))
                                .unwrap_or_default()
                        ),
                        Format::Text => {
                            for r in &rows {
                                println!(
                                    "{:<12} version {:<6} capacity {:>6}  active {:>5}  waiting {:>5}",
                                    r.program,
                                    r.version,
                                    r.capacity.map_or("—".to_string(), |c| c.to_string()),
                                    r.active,
                                    r.waiting
                                );
                            }
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::New {
            from,
            ocmw,
            name,
            fte,
            society_language,
            out,
        } => run_new(&from, ocmw, name, fte, society_language, &out),
        Command::Diff { a, b, format } => {
            let open =
                |arg: &str| -> Result<(traject::program::Program, Option<String>), ExitCode> {
                    let (path, version) = match arg.rsplit_once('@') {
                        Some((p, v)) if !std::path::Path::new(arg).exists() => {
                            (p.to_string(), Some(v.to_string()))
                        }
                        _ => (arg.to_string(), None),
                    };
                    traject::program::open(&path, &LoadOptions::default())
                        .map(|p| (p, version))
                        .map_err(load_failed)
                };
            let ((pa, va), (pb, vb)) = match (open(&a), open(&b)) {
                (Ok(x), Ok(y)) => (x, y),
                (Err(c), _) | (_, Err(c)) => return c,
            };
            let (va, vb) = match (
                traject::rollout::diff::pick(&pa, va.as_deref()),
                traject::rollout::diff::pick(&pb, vb.as_deref()),
            ) {
                (Ok(x), Ok(y)) => (x, y),
                (Err(e), _) | (_, Err(e)) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let d = traject::rollout::diff::diff(&pa, va, &pb, vb);
            match format {
                Format::Json => {
                    println!("{}", serde_json::to_string_pretty(&d).unwrap_or_default())
                }
                Format::Text => print!("{}", traject::rollout::diff::render_text(&d)),
            }
            ExitCode::SUCCESS
        }
        Command::Watch {
            paths,
            poll,
            interval_ms,
        } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from("programs")]
            } else {
                paths
            };
            let mut print = |line: &str| {
                println!("{line}");
                let _ = std::io::Write::flush(&mut std::io::stdout());
            };
            let result = if poll {
                traject::watch::run_poll(
                    &paths,
                    std::time::Duration::from_millis(interval_ms.max(50)),
                    &mut print,
                )
            } else {
                traject::watch::run_events(&paths, &mut print)
            };
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Report(ReportCommand::Funding {
            program,
            from,
            to,
            cost_per_fte_month,
            materials,
            format,
            options,
            db,
        }) => {
            let opts = match options_or_usage(&options) {
                Ok(o) => o,
                Err(code) => return code,
            };
            let cost = match traject::report::parse_euros(&cost_per_fte_month) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error: --cost-per-fte-month: {e}");
                    return ExitCode::from(2);
                }
            };
            let materials = match materials
                .as_deref()
                .map(traject::report::parse_euros)
                .transpose()
            {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("error: --materials: {e}");
                    return ExitCode::from(2);
                }
            };
            let p = match traject::program::open(&program, &opts) {
                Ok(p) => p,
                Err(e) => return load_failed(e),
            };
            let fundable = match &db {
                None => None,
                Some(path) => {
                    let store = match traject::store::Store::open(path) {
                        Ok(s) => s,
                        Err(e) => return case_error(e),
                    };
                    let compiled = match validate::compile_loaded(p.clone()) {
                        Ok(c) => c,
                        Err(e) => return load_failed(e),
                    };
                    match traject::report::activity::fundable(&store, &compiled, from, to) {
                        Ok(f) => Some(f),
                        Err(e) => return case_error(e),
                    }
                }
            };
            match traject::report::funding(&p, from, to, cost, materials) {
                Ok(mut r) => {
                    if let Some(f) = fundable {
                        traject::report::apply_fundable(&mut r, f);
                    }
                    match format {
                        SimFormat::Json => {
                            println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default())
                        }
                        SimFormat::Csv => print!("{}", traject::report::funding_csv(&r)),
                        SimFormat::Text => print!("{}", traject::report::funding_text(&r)),
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Report(ReportCommand::Activity {
            store,
            program,
            from,
            to,
            format,
        }) => {
            let db = match open_store(&store) {
                Ok(d) => d,
                Err(code) => return code,
            };
            match traject::report::activity::activity(&db, &program, from, to, store.ctx().on) {
                Ok(r) => {
                    match format {
                        ReportFormat::Json => {
                            println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default())
                        }
                        ReportFormat::Csv => print!("{}", traject::report::activity::csv(&r)),
                        ReportFormat::Html => print!("{}", traject::report::activity::html(&r)),
                        ReportFormat::Text => print!("{}", traject::report::activity::text(&r)),
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => case_error(e),
            }
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "traject", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Schema => {
            print!("{}", program::schema::PROGRAM_SCHEMA);
            ExitCode::SUCCESS
        }
    }
}

fn run_validate(paths: Vec<PathBuf>, format: Format) -> ExitCode {
    let (results, missing) = if paths.is_empty() && !std::path::Path::new("programs").is_dir() {
        // No programs/ here: check the bundled programmes, so the command works anywhere.
        let results: Vec<validate::FileResult> = program::bundled::PROGRAMS
            .iter()
            .map(|(file, text)| {
                validate::validate_bytes(file, text.as_bytes(), &LoadOptions::default())
            })
            .collect();
        (results, vec![])
    } else {
        let paths = if paths.is_empty() {
            vec![PathBuf::from("programs")]
        } else {
            paths
        };
        let (files, missing) = validate::collect(&paths);
        let results = files
            .iter()
            .map(|f| validate::validate_file(f, &LoadOptions::default()))
            .collect();
        (results, missing)
    };
    let all_ok = missing.is_empty() && results.iter().all(|r| r.ok);
    match format {
        Format::Json => {
            let json = serde_json::json!({
                "ok": all_ok,
                "files": results,
                "errors": missing,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
        Format::Text => {
            for d in &missing {
                eprint!("{}", d.render(None));
            }
            for r in &results {
                if r.ok {
                    let versions: Vec<String> = r
                        .versions
                        .iter()
                        .map(|(id, h)| format!("{id} ({h})"))
                        .collect();
                    println!(
                        "ok   {}: {} — versions {}",
                        r.file,
                        r.program.as_deref().unwrap_or(""),
                        versions.join(", ")
                    );
                } else {
                    eprintln!("FAIL {}: {} problem(s)", r.file, r.diagnostics.len());
                    eprint!("{}", r.rendered);
                }
            }
            let bad = results.iter().filter(|r| !r.ok).count() + missing.len();
            println!(
                "{} file(s) checked, {} valid, {} invalid",
                results.len(),
                results.len() - results.iter().filter(|r| !r.ok).count(),
                bad
            );
        }
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn run_check(
    program: &str,
    referral: Option<PathBuf>,
    csv: Option<PathBuf>,
    out: Option<PathBuf>,
    lang: Option<Lang>,
    format: Format,
    opts: &LoadOptions,
) -> ExitCode {
    let compiled = match pipeline::open(program, opts) {
        Ok(c) => c,
        Err(e) => return load_failed(e),
    };
    let lang = lang.unwrap_or(compiled.program.spec.society_language);
    if let Some(csv_path) = csv {
        let shown = traject::program::load::display_path(&csv_path);
        let input = match std::fs::File::open(&csv_path) {
            Ok(f) => std::io::BufReader::new(f),
            Err(e) => {
                eprintln!("{shown}:1:1: error: cannot read: {e}");
                return ExitCode::from(1);
            }
        };
        let report_row = |d: &traject::diag::Diagnostic| eprint!("{}", d.render(None));
        let result = match &out {
            Some(path) => batch::write_atomically(path, |w| {
                batch::check_csv(&compiled, &shown, input, w, report_row)
            }),
            None => {
                let stdout = std::io::stdout();
                let lock = std::io::BufWriter::new(stdout.lock());
                batch::check_csv(&compiled, &shown, input, lock, report_row)
            }
        };
        return match result {
            Ok(summary) => {
                eprintln!("{}", summary.line());
                if summary.errors == 0 {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                }
            }
            Err(diags) => {
                for d in diags {
                    eprint!("{}", d.render(None));
                }
                ExitCode::from(1)
            }
        };
    }
    let path = referral.expect("clap requires a referral without --csv");
    let (r, date_at) = match traject::referral::read_file(&path) {
        Ok(r) => r,
        Err(e) => return load_failed(e),
    };
    let evaluation = match compiled.evaluate(&r) {
        Ok(e) => e,
        Err(e) => {
            let shown = traject::program::load::display_path(&path);
            let d = traject::diag::Diagnostic::error(shown, date_at, e.to_string())
                .with_help("check the referral date, or choose a programme version that covers it");
            eprint!("{}", d.render(None));
            return ExitCode::from(1);
        }
    };
    let explanation = explain::explain(&compiled, &r, &evaluation, lang);
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&explanation).unwrap_or_default()
        ),
        Format::Text => print!("{}", explain::render_text(&compiled, &explanation, lang)),
    }
    ExitCode::SUCCESS
}

fn run_route(
    program: &str,
    module: &str,
    input: &std::path::Path,
    version: Option<&str>,
    format: Format,
    opts: &LoadOptions,
) -> ExitCode {
    let compiled = match pipeline::open(program, opts) {
        Ok(c) => c,
        Err(e) => return load_failed(e),
    };
    let shown = traject::program::load::display_path(input);
    let fail = |diags: Vec<traject::diag::Diagnostic>| {
        for d in diags {
            eprint!("{}", d.render(None));
        }
        ExitCode::from(1)
    };
    let file = match std::fs::File::open(input) {
        Ok(f) => std::io::BufReader::new(f),
        Err(e) => {
            eprintln!("{shown}:1:1: error: cannot read: {e}");
            return ExitCode::from(1);
        }
    };
    let people = match route::read_cohort(&shown, file) {
        Ok(p) => p,
        Err(d) => return fail(d),
    };
    match route::route(&compiled, module, version, &shown, &people) {
        Ok(out) => {
            match format {
                Format::Json => {
                    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default())
                }
                Format::Text => print!("{}", route::render_text(&out)),
            }
            ExitCode::SUCCESS
        }
        Err(d) => fail(d),
    }
}

fn open_store(args: &StoreArgs) -> Result<traject::store::Store, ExitCode> {
    traject::store::Store::open(&args.db).map_err(|e| {
        eprintln!("{}: error: {e}", args.db.display());
        ExitCode::from(1)
    })
}

fn case_error(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(1)
}

fn run_case(cmd: CaseCommand) -> ExitCode {
    use traject::engine;
    match cmd {
        CaseCommand::New {
            store,
            program,
            referral,
        } => {
            let compiled = match pipeline::open(&program, &LoadOptions::default()) {
                Ok(c) => c,
                Err(e) => return load_failed(e),
            };
            let (r, _) = match traject::referral::read_file(&referral) {
                Ok(r) => r,
                Err(e) => return load_failed(e),
            };
            let mut db = match open_store(&store) {
                Ok(d) => d,
                Err(code) => return code,
            };
            match engine::new_case(&mut db, &compiled, &r, &store.ctx()) {
                Ok((id, verdict)) => {
                    println!("{id}");
                    eprintln!("case {id} created ({verdict})");
                    ExitCode::SUCCESS
                }
                Err(e) => case_error(e),
            }
        }
        CaseCommand::Import {
            store,
            program,
            csv,
        } => {
            let compiled = match pipeline::open(&program, &LoadOptions::default()) {
                Ok(c) => c,
                Err(e) => return load_failed(e),
            };
            let shown = traject::program::load::display_path(&csv);
            let file = match std::fs::File::open(&csv) {
                Ok(f) => std::io::BufReader::new(f),
                Err(e) => return case_error(format!("{shown}: cannot read: {e}")),
            };
            let mut db = match open_store(&store) {
                Ok(d) => d,
                Err(code) => return code,
            };
            match cases::import(&mut db, &compiled, &shown, file, &store.ctx()) {
                Ok(ids) => {
                    println!(
                        "{} cases imported ({}–{})",
                        ids.len(),
                        ids.first().copied().unwrap_or(0),
                        ids.last().copied().unwrap_or(0)
                    );
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    for d in &diags {
                        eprint!("{}", d.render(None));
                    }
                    eprintln!(
                        "nothing imported: {} problem(s); fix the rows and import again",
                        diags.len()
                    );
                    ExitCode::from(1)
                }
            }
        }
        CaseCommand::List {
            store,
            state,
            program,
            limit,
            format,
        } => {
            let db = match open_store(&store) {
                Ok(d) => d,
                Err(code) => return code,
            };
            match db.list(program.as_deref(), state.as_deref(), limit) {
                Ok(rows) => {
                    match format {
                        Format::Json => println!(
                            "{}",
                            serde_json::to_string_pretty(&rows).unwrap_or_default()
                        ),
                        Format::Text => {
                            for r in &rows {
                                let pos = r.position.map(|p| format!(" #{p}")).unwrap_or_default();
                                println!(
                                    "{:>6}  {:<10} {:<6} {:<12}{pos:<5} {:<18} referred {}",
                                    r.id, r.program, r.version, r.state, r.verdict, r.referral_date
                                );
                            }
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => case_error(e),
            }
        }
        CaseCommand::Show { store, id } => {
            let db = match open_store(&store) {
                Ok(d) => d,
                Err(code) => return code,
            };
            match db.case(id) {
                Ok(Some(r)) => match cases::show(&db, &r) {
                    Ok(text) => {
                        print!("{text}");
                        ExitCode::SUCCESS
                    }
                    Err(e) => case_error(e),
                },
                Ok(None) => case_error(format!("there is no case {id}")),
                Err(e) => case_error(e),
            }
        }
        CaseCommand::History { store, id, format } => {
            let db = match open_store(&store) {
                Ok(d) => d,
                Err(code) => return code,
            };
            match db.history(id) {
                Ok(events) if events.is_empty() => case_error(format!("there is no case {id}")),
                Ok(events) => {
                    match format {
                        Format::Json => println!(
                            "{}",
                            serde_json::to_string_pretty(&events).unwrap_or_default()
                        ),
                        Format::Text => {
                            for e in &events {
                                println!(
                                    "{:>3}  {}  {:<10} by {:<10} {}  [recorded {}, version {}]",
                                    e.seq,
                                    e.on_date,
                                    e.kind,
                                    e.actor,
                                    e.payload,
                                    e.recorded_at,
                                    e.version_hash
                                );
                            }
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => case_error(e),
            }
        }
        CaseCommand::Start {
            store,
            id,
            track,
            program,
        } => {
            let (mut db, compiled) = match open_case(&store, id, program.as_deref()) {
                Ok(x) => x,
                Err(code) => return code,
            };
            match engine::start(&mut db, &compiled, id, track.as_deref(), &store.ctx()) {
                Ok(engine::StartOutcome::Started) => {
                    println!("case {id} started");
                    ExitCode::SUCCESS
                }
                Ok(engine::StartOutcome::Waiting { position }) => {
                    println!("case {id} waits: the team is full; position {position} on the waiting list");
                    ExitCode::SUCCESS
                }
                Err(e) => case_error(e),
            }
        }
        CaseCommand::Evaluate {
            store,
            id,
            evaluation,
            decision,
            goals,
            score,
            extend_by,
            destination,
            program,
        } => {
            let (mut db, compiled) = match open_case(&store, id, program.as_deref()) {
                Ok(x) => x,
                Err(code) => return code,
            };
            match engine::evaluate(
                &mut db,
                &compiled,
                id,
                &evaluation,
                decision.as_deref(),
                &goals,
                score,
                extend_by.as_deref(),
                destination.as_deref(),
                &store.ctx(),
            ) {
                Ok(freed) => {
                    println!(
                        "case {id}: evaluation {evaluation} recorded{}",
                        decision.map(|d| format!(" ({d})")).unwrap_or_default()
                    );
                    if let Some(f) = &freed {
                        print_freed(f);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => case_error(e),
            }
        }
        CaseCommand::Close {
            store,
            id,
            destination,
            program,
        } => finish_case(
            &store,
            id,
            program.as_deref(),
            &format!("closed ({destination})"),
            |db, c, ctx| engine::close(db, c, id, &destination, ctx),
        ),
        CaseCommand::Drop {
            store,
            id,
            reason,
            program,
        } => finish_case(
            &store,
            id,
            program.as_deref(),
            &format!("dropped ({reason})"),
            |db, c, ctx| engine::drop_case(db, c, id, &reason, ctx),
        ),
        CaseCommand::NotStart {
            store,
            id,
            reason,
            program,
        } => finish_case(
            &store,
            id,
            program.as_deref(),
            &format!("will not start ({reason})"),
            |db, c, ctx| engine::not_start(db, c, id, &reason, ctx),
        ),
    }
}

fn run_new(
    from: &str,
    ocmw: String,
    name: Option<String>,
    fte: Option<f64>,
    society_language: Option<String>,
    out: &std::path::Path,
) -> ExitCode {
    if out.exists() {
        eprintln!(
            "{}: error: the file exists already; choose another --out or remove it first",
            out.display()
        );
        return ExitCode::from(2);
    }
    let file_name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| format!("{ocmw}.yaml"));
    let spec = traject::rollout::NewProgramme {
        ocmw,
        name,
        fte,
        society_language,
    };
    let rollout = match traject::rollout::new_from(from, &spec, &file_name) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let write = |path: &std::path::Path, text: &str| -> Result<(), String> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        batch::write_atomically(path, |w| {
            std::io::Write::write_all(w, text.as_bytes()).map_err(|e| {
                vec![traject::diag::Diagnostic::error(
                    path.display().to_string(),
                    traject::diag::Pos::new(1, 1),
                    e.to_string(),
                )]
            })
        })
        .map_err(|d| {
            d.iter()
                .map(|x| x.headline())
                .collect::<Vec<_>>()
                .join("\n")
        })
    };
    if let Err(e) = write(out, &rollout.programme) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    let tests_path = dir.join("tests").join(&file_name);
    if let Some(tests) = &rollout.tests {
        if let Err(e) = write(&tests_path, tests) {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    }
    println!(
        "wrote {}{}",
        out.display(),
        if rollout.tests.is_some() {
            format!(" and {}", tests_path.display())
        } else {
            String::new()
        }
    );
    let check = validate::validate_file(out, &LoadOptions::default());
    if !check.ok {
        eprint!("{}", check.rendered);
        eprintln!("the new programme does not validate yet: fix the problems above");
        return ExitCode::from(1);
    }
    println!("the new programme validates");
    println!("TODO, to decide locally:");
    for t in &rollout.todo {
        println!("  - {t}");
    }
    ExitCode::SUCCESS
}

/// Open the store and the case's programme (or report why not).
fn open_case(
    store: &StoreArgs,
    id: i64,
    program: Option<&str>,
) -> Result<(traject::store::Store, traject::rules::CompiledProgram), ExitCode> {
    let db = open_store(store)?;
    let row = match db.case(id) {
        Ok(Some(r)) => r,
        Ok(None) => {
            return Err(case_error(format!(
                "there is no case {id} in {}",
                store.db.display()
            )))
        }
        Err(e) => return Err(case_error(e)),
    };
    let compiled = cases::open_for(&row.program, program).map_err(load_failed)?;
    Ok((db, compiled))
}

/// Close, drop or not-start a case, and say who comes off the waiting list.
fn finish_case(
    store: &StoreArgs,
    id: i64,
    program: Option<&str>,
    done: &str,
    act: impl FnOnce(
        &mut traject::store::Store,
        &traject::rules::CompiledProgram,
        &traject::engine::Ctx,
    ) -> Result<traject::engine::Freed, traject::engine::CaseError>,
) -> ExitCode {
    let (mut db, compiled) = match open_case(store, id, program) {
        Ok(x) => x,
        Err(code) => return code,
    };
    match act(&mut db, &compiled, &store.ctx()) {
        Ok(freed) => {
            println!("case {id} {done}");
            print_freed(&freed);
            ExitCode::SUCCESS
        }
        Err(e) => case_error(e),
    }
}
