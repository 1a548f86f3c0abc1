//! The `traject` command line: one function per verb that parses nothing itself (clap has
//! done that, see `args`), calls the library and prints. Exit codes: 0 success, 1 invalid input
//! (programme, referral, CSV, database, a refused case action), 2 usage error.

pub mod args;

use std::path::PathBuf;
use std::process::ExitCode;

use traject::engine;
use traject::i18n::Lang;
use traject::pipeline::{self, batch, cases, route, simulate, validate};
use traject::program::{self, LoadOptions};
use traject::rules::explain;
use traject::testing;

use args::*;

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Validate(args) => cmd_validate(args),
        Command::Show(args) => cmd_show(args),
        Command::Check(args) => cmd_check(args),
        Command::Test(args) => cmd_run_tests(args),
        Command::Route(args) => cmd_route(args),
        Command::Simulate(args) => cmd_simulate(args),
        Command::Case(cmd) => run_case(cmd),
        Command::Due(args) => cmd_due(args),
        Command::Caseload(args) => cmd_caseload(args),
        Command::New(args) => cmd_rollout_new(args),
        Command::Diff(args) => cmd_diff(args),
        Command::Watch(args) => cmd_watch(args),
        Command::Report(ReportCommand::Funding(args)) => cmd_report_funding(args),
        Command::Report(ReportCommand::Activity(args)) => cmd_report_activity(args),
        Command::Completions(args) => cmd_completions(args),
        Command::Schema => {
            print!("{}", program::schema::PROGRAM_SCHEMA);
            ExitCode::SUCCESS
        }
    }
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
    match cmd {
        CaseCommand::New(args) => cmd_case_new(args),
        CaseCommand::Import(args) => cmd_case_import(args),
        CaseCommand::List(args) => cmd_case_list(args),
        CaseCommand::Show(args) => cmd_case_show(args),
        CaseCommand::History(args) => cmd_case_history(args),
        CaseCommand::Start(args) => cmd_case_start(args),
        CaseCommand::Evaluate(args) => cmd_case_evaluate(args),
        CaseCommand::Close(args) => cmd_case_close(args),
        CaseCommand::Drop(args) => cmd_case_drop(args),
        CaseCommand::NotStart(args) => cmd_case_not_start(args),
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

fn cmd_validate(args: ValidateArgs) -> ExitCode {
    let ValidateArgs { paths, format } = args;
    run_validate(paths, format)
}

fn cmd_show(args: ShowArgs) -> ExitCode {
    let ShowArgs {
        program,
        version,
        lang,
        options,
    } = args;
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
                let ids: Vec<&str> = p.spec.versions.iter().map(|v| v.id.as_str()).collect();
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

fn cmd_check(args: CheckArgs) -> ExitCode {
    let CheckArgs {
        program,
        referral,
        csv,
        out,
        lang,
        format,
        options,
    } = args;
    let opts = match options_or_usage(&options) {
        Ok(o) => o,
        Err(code) => return code,
    };
    run_check(&program, referral, csv, out, lang, format, &opts)
}

fn cmd_run_tests(args: TestArgs) -> ExitCode {
    let TestArgs { paths } = args;
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

fn cmd_route(args: RouteArgs) -> ExitCode {
    let RouteArgs {
        program,
        module,
        input,
        version,
        format,
        options,
    } = args;
    let opts = match options_or_usage(&options) {
        Ok(o) => o,
        Err(code) => return code,
    };
    run_route(&program, &module, &input, version.as_deref(), format, &opts)
}

fn cmd_simulate(args: SimulateArgs) -> ExitCode {
    let SimulateArgs {
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
    } = args;
    let opts = match options_or_usage(&options) {
        Ok(o) => o,
        Err(code) => return code,
    };
    if months == 0 || runs == 0 || !(0.0..=1.0).contains(&quantile) {
        eprintln!("error: --months and --runs must be at least 1 and --quantile between 0 and 1");
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
                    std::io::Write::write_all(w, traject::sim::report::html(&r).as_bytes()).map_err(
                        |e| {
                            vec![traject::diag::Diagnostic::error(
                                path.display().to_string(),
                                traject::diag::Pos::new(1, 1),
                                e.to_string(),
                            )]
                        },
                    )
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

fn cmd_due(args: DueArgs) -> ExitCode {
    let DueArgs {
        store,
        on,
        program,
        format,
    } = args;
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
                    serde_json::to_string_pretty(&serde_json::json!({"on": on, "due": rows}))
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

fn cmd_caseload(args: CaseloadArgs) -> ExitCode {
    let CaseloadArgs {
        store,
        program,
        format,
    } = args;
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

fn cmd_rollout_new(args: NewArgs) -> ExitCode {
    let NewArgs {
        from,
        ocmw,
        name,
        fte,
        society_language,
        out,
    } = args;
    run_new(&from, ocmw, name, fte, society_language, &out)
}

fn cmd_diff(args: DiffArgs) -> ExitCode {
    let DiffArgs { a, b, format } = args;
    let open = |arg: &str| -> Result<(traject::program::Program, Option<String>), ExitCode> {
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

fn cmd_watch(args: WatchArgs) -> ExitCode {
    let WatchArgs {
        paths,
        poll,
        interval_ms,
    } = args;
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

fn cmd_report_funding(args: ReportFundingArgs) -> ExitCode {
    let ReportFundingArgs {
        program,
        from,
        to,
        cost_per_fte_month,
        materials,
        format,
        options,
        db,
    } = args;
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

fn cmd_report_activity(args: ReportActivityArgs) -> ExitCode {
    let ReportActivityArgs {
        store,
        program,
        from,
        to,
        format,
    } = args;
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

fn cmd_completions(args: CompletionsArgs) -> ExitCode {
    let CompletionsArgs { shell } = args;
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "traject", &mut std::io::stdout());
    ExitCode::SUCCESS
}

fn cmd_case_new(args: CaseNewArgs) -> ExitCode {
    let CaseNewArgs {
        store,
        program,
        referral,
    } = args;
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

fn cmd_case_import(args: CaseImportArgs) -> ExitCode {
    let CaseImportArgs {
        store,
        program,
        csv,
    } = args;
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

fn cmd_case_list(args: CaseListArgs) -> ExitCode {
    let CaseListArgs {
        store,
        state,
        program,
        limit,
        format,
    } = args;
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

fn cmd_case_show(args: CaseShowArgs) -> ExitCode {
    let CaseShowArgs { store, id } = args;
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

fn cmd_case_history(args: CaseHistoryArgs) -> ExitCode {
    let CaseHistoryArgs { store, id, format } = args;
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

fn cmd_case_start(args: CaseStartArgs) -> ExitCode {
    let CaseStartArgs {
        store,
        id,
        track,
        program,
    } = args;
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

fn cmd_case_evaluate(args: CaseEvaluateArgs) -> ExitCode {
    let CaseEvaluateArgs {
        store,
        id,
        evaluation,
        decision,
        goals,
        score,
        extend_by,
        destination,
        program,
    } = args;
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

fn cmd_case_close(args: CaseCloseArgs) -> ExitCode {
    let CaseCloseArgs {
        store,
        id,
        destination,
        program,
    } = args;
    finish_case(
        &store,
        id,
        program.as_deref(),
        &format!("closed ({destination})"),
        |db, c, ctx| engine::close(db, c, id, &destination, ctx),
    )
}

fn cmd_case_drop(args: CaseDropArgs) -> ExitCode {
    let CaseDropArgs {
        store,
        id,
        reason,
        program,
    } = args;
    finish_case(
        &store,
        id,
        program.as_deref(),
        &format!("dropped ({reason})"),
        |db, c, ctx| engine::drop_case(db, c, id, &reason, ctx),
    )
}

fn cmd_case_not_start(args: CaseNotStartArgs) -> ExitCode {
    let CaseNotStartArgs {
        store,
        id,
        reason,
        program,
    } = args;
    finish_case(
        &store,
        id,
        program.as_deref(),
        &format!("will not start ({reason})"),
        |db, c, ctx| engine::not_start(db, c, id, &reason, ctx),
    )
}
