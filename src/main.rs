//! The `traject` command line: parses arguments, calls the library, prints. Exit codes:
//! 0 success, 1 invalid input (programme, referral, CSV, …), 2 usage error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use traject::i18n::Lang;
use traject::pipeline::{self, batch, route, simulate, validate};
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
    /// Print the programme JSON Schema (draft-07) that editors and the loader use.
    #[command(after_help = "Example:\n  traject schema > schemas/program.schema.json")]
    Schema,
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
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { paths, format } => run_validate(paths, format),
        Command::Show {
            program,
            version,
            lang,
            options,
        } => {
            let opts = match parse_options(&options) {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let p = match program::open(&program, &opts) {
                Ok(p) => p,
                Err(e) => {
                    eprint!("{}", e.render());
                    return ExitCode::from(1);
                }
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
            let opts = match parse_options(&options) {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
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
            let opts = match parse_options(&options) {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
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
            let opts = match parse_options(&options) {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
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
                Err(e) => {
                    eprint!("{}", e.render());
                    return ExitCode::from(1);
                }
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
        Err(e) => {
            eprint!("{}", e.render());
            return ExitCode::from(1);
        }
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
        Err(e) => {
            eprint!("{}", e.render());
            return ExitCode::from(1);
        }
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
        Err(e) => {
            eprint!("{}", e.render());
            return ExitCode::from(1);
        }
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
