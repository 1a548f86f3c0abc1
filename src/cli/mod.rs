//! The `traject` command line: one function per verb that parses nothing itself (clap has
//! done that, see `args`), calls the application layer (`traject_app`) and renders the result
//! (`render`). Exit codes, decided in `exit_code` alone: 0 success, 1 invalid input (programme,
//! referral, CSV, database, a refused case action), 2 usage error.

pub mod args;
mod cases;
mod render;
mod sessions;
mod watch;
mod web;
mod words;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;
use traject_app::config::{Clock, Settings};
use traject_app::{self as app, forecast, programmes, referrals, reports, AppError, FilePrograms};
use traject_i18n::{LabelIn, Lang};
use traject_model::problem::FileProblem;
use traject_model::program::{self, LoadOptions};
use traject_render::simulation::{self, Reader};
use traject_render::table::Table;
use traject_render::{activity, funding, xlsx};

use args::*;

/// The clock every command reads "today" from (the settings' time zone).
static CLOCK: std::sync::OnceLock<Clock> = std::sync::OnceLock::new();

/// Today, in the settings' time zone (`traject_app::config::DEFAULT_TIME_ZONE` unless set).
pub fn today() -> chrono::NaiveDate {
    CLOCK.get_or_init(Clock::default).today()
}

/// The settings every command runs under: the file `--config` names and the TRAJECT_…
/// variables over it, and for `serve` its flags over both. A problem is reported, each at its
/// place, and gives the exit code. (`config check` reads its own file.)
pub fn settings(cli: &Cli) -> Result<Settings, ExitCode> {
    if matches!(cli.command, Command::Config(_)) {
        return Ok(Settings::default());
    }
    let var = |name: &str| std::env::var(name).ok();
    match Settings::load(cli.config.as_deref(), &var) {
        Ok(mut s) => {
            if let Command::Serve(args) = &cli.command {
                web::with_flags(&mut s, args);
            }
            Ok(s)
        }
        Err(problems) => Err(fail(
            &AppError::Config(problems),
            traject_i18n::locale_lang(),
        )),
    }
}

pub fn run(cli: Cli, settings: Settings) -> ExitCode {
    let lang = reader_lang(&cli.command);
    let _ = CLOCK.set(settings.clock.clone());
    let result = match cli.command {
        Command::Validate(args) => cmd_validate(args),
        Command::Show(args) => cmd_show(args),
        Command::Check(args) => cmd_check(args),
        Command::Test(args) => cmd_run_tests(args),
        Command::Route(args) => cmd_route(args),
        Command::Simulate(args) => cmd_simulate(args),
        Command::Case(cmd) => cases::run(cmd),
        Command::Due(args) => cases::cmd_due(args),
        Command::Caseload(args) => cases::cmd_caseload(args),
        Command::New(args) => cmd_rollout_new(args),
        Command::Diff(args) => cmd_diff(args),
        Command::Watch(args) => cmd_watch(args),
        Command::Demand(args) => cmd_demand(args),
        Command::Backtest(args) => cmd_backtest(args),
        Command::Impact(args) => cmd_impact(args),
        Command::Program(cmd) => cmd_program(cmd),
        Command::Retention(RetentionCommand::Apply(args)) => cases::cmd_retention(args),
        Command::Report(ReportCommand::Funding(args)) => cmd_report_funding(args),
        Command::Report(ReportCommand::Activity(args)) => cmd_report_activity(args),
        Command::Serve(args) => web::cmd_serve(args, settings),
        Command::Config(ConfigCommand::Check(args)) => web::cmd_config_check(args),
        Command::Person(cmd) => cases::cmd_person(cmd),
        Command::RecordOfProcessing(args) => cmd_record_of_processing(args),
        Command::User(cmd) => web::cmd_user(cmd),
        Command::Db(DbCommand::Copy(args)) => web::cmd_db_copy(args),
        Command::Db(DbCommand::Backup(args)) => web::cmd_db_backup(args),
        Command::Db(DbCommand::Verify(args)) => web::cmd_db_verify(args),
        Command::Db(DbCommand::Restore(args)) => web::cmd_db_restore(args),
        Command::Db(DbCommand::Tombstones(TombstonesCommand::Export(args))) => {
            web::cmd_tombstones_export(args)
        }
        Command::Rollup(args) => web::cmd_rollup(args),
        Command::Audit(args) => web::cmd_audit(args),
        Command::Calendar(args) => web::cmd_calendar(args),
        Command::Session(cmd) => sessions::run(cmd),
        Command::Remind(args) => sessions::remind(args, settings.mail.as_ref()),
        Command::Attendance(args) => sessions::attendance(args),
        Command::Completions(args) => cmd_completions(args),
        Command::Schema => {
            print!("{}", program::schema::PROGRAM_SCHEMA);
            Ok(Done::Success)
        }
    };
    match result {
        Ok(done) => done.code(),
        Err(e) => fail(&e, lang),
    }
}

/// The language problems with the reader's input are worded in: the verb's `--lang` where it
/// has one, else the locale of the person at the terminal. (A summary or report defaults to
/// the programme's society language instead; a file too broken to load may not say it.)
fn reader_lang(command: &Command) -> Lang {
    let flag = match command {
        Command::Validate(a) => a.lang,
        Command::Show(a) => a.lang,
        Command::RecordOfProcessing(a) => a.lang,
        Command::Check(a) => a.lang,
        Command::Simulate(a) => a.lang,
        Command::New(a) => a.lang,
        Command::Diff(a) => a.lang,
        Command::Watch(a) => a.lang,
        Command::Report(ReportCommand::Funding(a)) => a.lang,
        Command::Case(c) => c.store().lang,
        Command::Due(a) => a.store.lang,
        Command::Caseload(a) => a.store.lang,
        Command::Retention(RetentionCommand::Apply(a)) => a.store.lang,
        Command::Config(ConfigCommand::Check(a)) => a.lang,
        Command::Person(PersonCommand::Export(a)) => a.store.lang,
        Command::Person(PersonCommand::Erase(a)) => a.store.lang,
        _ => None,
    };
    flag.unwrap_or_else(traject_i18n::locale_lang)
}

/// How a verb that ran to its end went: some verbs finish their work and still report a
/// failure (an invalid file among those validated, a failing programme test).
pub enum Done {
    Success,
    Failed,
}

impl Done {
    fn code(self) -> ExitCode {
        match self {
            Done::Success => ExitCode::SUCCESS,
            Done::Failed => ExitCode::from(1),
        }
    }

    fn from_ok(ok: bool) -> Done {
        if ok {
            Done::Success
        } else {
            Done::Failed
        }
    }
}

type Verb = Result<Done, AppError>;

/// The one place that turns an error into an exit code.
fn exit_code(e: &AppError) -> u8 {
    if e.is_usage() {
        2
    } else {
        1
    }
}

/// Report an error on stderr — located diagnostics with their source lines where there are
/// some — and give its exit code.
fn fail(e: &AppError, lang: Lang) -> ExitCode {
    match e {
        AppError::Load(load) => eprint!("{}", words::load_error(load, lang)),
        AppError::Rows(diags) => diags
            .iter()
            .for_each(|d| eprint!("{}", words::row(d, lang))),
        AppError::Config(problems) => problems
            .iter()
            .for_each(|p| eprintln!("{}", traject_i18n::catalogue::config_error(p, lang))),
        other => eprintln!(
            "{} {}",
            traject_i18n::say(lang, "fout:", "erreur\u{a0}:", "error:"),
            words::app_error(other, lang)
        ),
    }
    ExitCode::from(exit_code(e))
}

fn print_json(value: &impl Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// `--option ID=CHOICE` values.
fn parse_options(raw: &[String]) -> Result<LoadOptions, AppError> {
    let mut opts = LoadOptions::default();
    for r in raw {
        let (k, v) = r
            .split_once('=')
            .ok_or_else(|| app::SettingError::OptionSyntax { given: r.clone() })?;
        opts.choices.insert(k.to_string(), v.to_string());
    }
    Ok(opts)
}

/// A file that could not be read or written, located at its start.
fn file_problem(file: impl Into<String>, problem: FileProblem) -> AppError {
    AppError::from(vec![traject_model::diag::Diagnostic::error(
        file,
        traject_model::diag::Pos::new(1, 1),
        problem,
    )])
}

/// The system's reason an input could not be read.
fn cannot_read(e: std::io::Error) -> FileProblem {
    FileProblem::CannotRead {
        reason: e.to_string(),
    }
}

/// Write a table to `path`: as an Excel workbook for `.xlsx`, else as CSV with formula-like
/// cells marked as text; whole or not at all.
fn write_table(path: &Path, sheet: &str, table: &Table) -> Result<(), AppError> {
    let bytes = if xlsx::is_workbook(path) {
        xlsx::workbook(sheet, table)?
    } else {
        table.csv().into_bytes()
    };
    write_bytes(path, &bytes)
}

/// Write `bytes` to `path`, whole or not at all.
fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    app::files::write_atomically(path, |w| {
        std::io::Write::write_all(w, bytes).map_err(|e| {
            let problem = FileProblem::CannotWrite {
                reason: e.to_string(),
            };
            vec![traject_model::diag::Diagnostic::error(
                path.display().to_string(),
                traject_model::diag::Pos::new(1, 1),
                problem,
            )]
        })
    })
    .map_err(AppError::from)
}

/// Open an input file, or say where it could not be read (exit 1).
fn open_input(path: &Path) -> Result<(String, std::io::BufReader<std::fs::File>), AppError> {
    let shown = traject_model::diag::display_path(path);
    match std::fs::File::open(path) {
        Ok(f) => Ok((shown, std::io::BufReader::new(f))),
        Err(e) => Err(file_problem(shown, cannot_read(e))),
    }
}

fn cmd_validate(args: ValidateArgs) -> Verb {
    let v = programmes::validate(&args.paths);
    let lang = args.lang.unwrap_or_else(traject_i18n::locale_lang);
    let ok = v.ok;
    match args.format {
        Format::Json => print_json(&render::validation_json(&v, lang)),
        Format::Text => render::validation(&v, lang),
    }
    Ok(Done::from_ok(ok))
}

fn cmd_show(args: ShowArgs) -> Verb {
    let opts = parse_options(&args.options)?;
    let (program, version) = programmes::show(
        &FilePrograms::here(),
        &args.program,
        args.version.as_deref(),
        &opts,
    )?;
    let lang = args.lang.unwrap_or(program.spec.society_language);
    let text = traject_render::summary::render_shown(&program, version.as_deref(), lang);
    print!("{text}");
    Ok(Done::Success)
}

fn cmd_record_of_processing(args: RecordArgs) -> Verb {
    let compiled = traject_app::Programs::open(
        &FilePrograms::here(),
        &args.program,
        &LoadOptions::default(),
    )?;
    let lang = args.lang.unwrap_or(compiled.program.spec.society_language);
    let record = traject_render::processing::record(&compiled, lang);
    match args.format {
        RecordFormat::Md => print!("{}", traject_render::processing::markdown(&record)),
        RecordFormat::Html => print!("{}", traject_render::processing::html(&record)),
        RecordFormat::Json => print_json(&record),
    }
    Ok(Done::Success)
}

fn cmd_check(args: CheckArgs) -> Verb {
    let opts = parse_options(&args.options)?;
    let compiled = traject_app::Programs::open(&FilePrograms::here(), &args.program, &opts)?;
    if let Some(batch) = &args.batch {
        let lang = args.lang.unwrap_or_else(traject_i18n::locale_lang);
        return check_batch(
            &compiled,
            &args.table.input(batch),
            args.out.as_deref(),
            lang,
        );
    }
    let path = args
        .referral
        .expect("clap requires a referral without --csv");
    let (r, date_at) = traject_model::referral::read_file(&path)?;
    let explanation = match referrals::check(&compiled, &r, &args::operator(None, None)) {
        Ok(c) => c,
        Err(AppError::Referral(e)) => {
            let shown = traject_model::diag::display_path(&path);
            let d = traject_model::diag::Located::at(shown, date_at, app::RowProblem::Unjudged(e));
            return Err(AppError::Rows(vec![d]));
        }
        Err(e) => return Err(e),
    };
    let lang = args.lang.unwrap_or(compiled.program.spec.society_language);
    match args.format {
        Format::Json => print_json(&traject_render::explain::view(
            &compiled,
            &explanation,
            lang,
        )),
        Format::Text => print!(
            "{}",
            traject_render::explain::text(&compiled, &explanation, lang)
        ),
    }
    Ok(Done::Success)
}

/// `check --batch`: result rows to `--out` (.csv or .xlsx, written whole or not at all) or
/// stdout, row problems and the summary to stderr.
fn check_batch(
    compiled: &traject_rules::CompiledProgram,
    input: &traject_model::referral::batch::BatchInput,
    out: Option<&Path>,
    lang: Lang,
) -> Verb {
    let (shown, batch) = input.open().map_err(AppError::from)?;
    let summary = match out {
        Some(path) if xlsx::is_workbook(path) => {
            let mut results = Table::new(&traject_render::batch::HEADER);
            let summary = referrals::check_batch(compiled, &shown, batch, |row| {
                report_row_problems(&row, lang);
                results.push(traject_render::batch::cells(&row, lang).to_vec());
                Ok::<(), AppError>(())
            })?;
            write_bytes(path, &xlsx::workbook("results", &results)?)?;
            summary
        }
        Some(path) => app::files::write_atomically(path, |w| {
            judge_rows(compiled, &shown, batch, w, lang).map_err(|e| vec![e])
        })
        .map_err(AppError::from)?,
        None => {
            let stdout = std::io::BufWriter::new(std::io::stdout().lock());
            judge_rows(compiled, &shown, batch, stdout, lang).map_err(batch_failure)?
        }
    };
    eprintln!("{}", traject_render::batch::summary_line(&summary, lang));
    Ok(Done::from_ok(summary.errors == 0))
}

/// The problems of a row that could not be judged, on stderr as they come.
fn report_row_problems(row: &referrals::BatchRow, lang: Lang) {
    if let referrals::BatchRow::Failed { problems, .. } = row {
        problems
            .iter()
            .for_each(|d| eprint!("{}", words::row(d, lang)));
    }
}

/// A batch stopped by a result it could not write.
fn batch_failure(d: traject_model::diag::Diagnostic) -> AppError {
    AppError::from(vec![d])
}

/// Judge every row of `batch`, writing the result rows to `out` as CSV and each row's
/// problems to stderr as they come.
fn judge_rows(
    compiled: &traject_rules::CompiledProgram,
    shown: &str,
    batch: traject_model::referral::batch::Batch<'_>,
    out: impl std::io::Write,
    lang: Lang,
) -> Result<referrals::Summary, traject_model::diag::Diagnostic> {
    let cannot_write = |e: &dyn std::fmt::Display| {
        let problem = FileProblem::CannotWrite {
            reason: e.to_string(),
        };
        traject_model::diag::Diagnostic::error(shown, traject_model::diag::Pos::new(1, 1), problem)
    };
    let mut rows = traject_render::batch::CsvRows::new(out, lang).map_err(|e| cannot_write(&e))?;
    let summary = referrals::check_batch(compiled, shown, batch, |row| {
        report_row_problems(&row, lang);
        rows.write(&row).map_err(|e| cannot_write(&e))
    })?;
    rows.finish().map_err(|e| cannot_write(&e))?;
    Ok(summary)
}

fn cmd_run_tests(args: TestArgs) -> Verb {
    let report = if args.paths.is_empty() && !Path::new(programmes::PROGRAMS_DIR).is_dir() {
        traject_programme_tests::run_bundled()
    } else {
        traject_programme_tests::run_paths(&programmes::or_programs_dir(&args.paths))
    };
    print!("{}", traject_programme_tests::render(&report));
    Ok(Done::from_ok(
        report.failed() == 0 && report.errors.is_empty(),
    ))
}

fn cmd_route(args: RouteArgs) -> Verb {
    let opts = parse_options(&args.options)?;
    let compiled = traject_app::Programs::open(&FilePrograms::here(), &args.program, &opts)?;
    let (shown, batch) = args
        .table
        .input(&args.input)
        .open()
        .map_err(AppError::from)?;
    let people = app::route::read_cohort(&shown, batch).map_err(AppError::Rows)?;
    let out = app::route::route(
        &compiled,
        &args.module,
        args.version.as_deref(),
        Some(args.on.unwrap_or_else(today)),
        &shown,
        &people,
    )
    .map_err(AppError::Rows)?;
    let lang = traject_i18n::locale_lang();
    match args.format {
        Format::Json => print_json(&traject_render::route::route_json(&out, lang)),
        Format::Text => print!("{}", traject_render::route::route_text(&out, lang)),
    }
    Ok(Done::Success)
}

fn cmd_simulate(args: SimulateArgs) -> Verb {
    let opts = parse_options(&args.options)?;
    let settings = forecast::Settings {
        months: args.months,
        runs: args.runs,
        seed: args.seed,
        limits: traject_app::Limits {
            simulated_work: args.max_work,
            ..traject_app::Limits::COMMAND_LINE
        },
    };
    if args.mmc {
        return simulate_mmc(&args, &settings);
    }
    let program = args
        .program
        .as_deref()
        .expect("clap requires --program without --mmc");
    let loaded = traject_app::Programs::load(&FilePrograms::here(), program, &opts)?;
    let lang = args.lang.unwrap_or(loaded.spec.society_language);
    let name = loaded
        .spec
        .name
        .get(lang, loaded.spec.society_language)
        .to_string();
    let reader = Reader { lang, name: &name };
    if args.solve_fte {
        let wait = args.max_wait_days.unwrap_or(0.0);
        let version = args.version.as_deref();
        let r = forecast::solve_fte(&loaded, version, wait, args.quantile, &settings)?;
        match args.format {
            SimFormat::Json => print_json(&r),
            _ => print!("{}", simulation::solve_text(&r, reader)),
        }
        return Ok(Done::Success);
    }
    let ask = forecast::Forecast {
        version: args.version.clone(),
        fte: args.fte,
        scenario: forecast::Scenario {
            name: String::new(),
            fte_changes: args.fte_changes.clone(),
            demand_factor: args.demand_factor,
            norm: args.norm,
        },
    };
    let store = match &args.db {
        Some(target) => Some(traject_store::Store::connect(target)?),
        None => None,
    };
    let ctx = args::operator(None, None);
    let from_store = store
        .as_ref()
        .zip(args.from)
        .map(|(store, from)| forecast::FromStore {
            store,
            from,
            history: args.history,
            ctx: &ctx,
        });
    if let Some(file) = &args.compare {
        let (shown, bytes) = read_input(file)?;
        let scenarios = forecast::read_scenarios(&shown, &bytes)?;
        let reports = forecast::compare(&loaded, &ask, &scenarios, from_store, &settings)?;
        match args.format {
            SimFormat::Json => print_json(&serde_json::json!({"scenarios": reports})),
            _ => print!("{}", simulation::compare_text(&reports, reader)),
        }
        return Ok(Done::Success);
    }
    let mut r = forecast::forecast(&loaded, &ask, from_store, &settings, &render::progress)?;
    if let Some(f) = from_store {
        r.reliability = traject_app::backtest::latest(&loaded, f.store, f.from, &settings, &ctx);
    }
    simulation_out(&args, &r, reader)
}

/// A programme simulation written out: the HTML report and the table file if asked, then the
/// chosen format on standard output.
fn simulation_out(
    args: &SimulateArgs,
    r: &traject_sim::report::ProgrammeReport,
    reader: Reader,
) -> Verb {
    if let Some(path) = &args.html {
        app::files::write_text(path, &simulation::html(r, reader)).map_err(AppError::from)?;
    }
    if let Some(path) = &args.out {
        write_table(path, "simulation", &simulation::table(r))?;
    }
    match args.format {
        SimFormat::Json => print_json(r),
        SimFormat::Csv => print!("{}", simulation::csv(r)),
        SimFormat::Text => print!("{}", simulation::text(r, reader)),
    }
    Ok(Done::Success)
}

/// `simulate --mmc`: the textbook queue against Erlang C.
fn simulate_mmc(args: &SimulateArgs, settings: &forecast::Settings) -> Verb {
    let r = forecast::mmc(
        args.arrival_rate.unwrap_or(0.0),
        args.service_rate.unwrap_or(0.0),
        args.servers.unwrap_or(0),
        settings,
        &render::progress,
    )?;
    match args.format {
        SimFormat::Json => print_json(&r),
        _ => println!("{}", render::mmc_line(&r)),
    }
    Ok(Done::Success)
}

/// A programme (path or bundled id) and the case store, with who acts there.
fn programme_and_store(
    program: &str,
    store: &StoreArgs,
) -> Result<
    (
        traject_model::program::Program,
        traject_store::Store,
        app::Ctx,
    ),
    AppError,
> {
    let loaded =
        traject_app::Programs::load(&FilePrograms::here(), program, &LoadOptions::default())?;
    let (db, ctx) = cases::open_as(store)?;
    Ok((loaded, db, ctx))
}

fn cmd_backtest(args: BacktestArgs) -> Verb {
    let (loaded, db, ctx) = programme_and_store(&args.program, &args.store)?;
    let settings = forecast::Settings {
        months: args.horizon,
        runs: args.runs,
        seed: args.seed,
        limits: traject_app::Limits {
            simulated_work: args.max_work,
            ..traject_app::Limits::COMMAND_LINE
        },
    };
    let ask = traject_app::backtest::BacktestAsk {
        from: args.from,
        to: args.to,
        horizon: args.horizon,
        until: None,
    };
    let b = traject_app::backtest::backtest(&loaded, &db, ask, &settings, &ctx)?;
    match args.format {
        BacktestFormat::Json => print_json(&b),
        BacktestFormat::Csv => print!("{}", traject_render::backtest::csv(&b)),
        BacktestFormat::Text => {
            let lang = args.store.lang.unwrap_or(loaded.spec.society_language);
            let name = loaded.spec.name.get(lang, loaded.spec.society_language);
            print!("{}", traject_render::backtest::text(&b, lang, name));
        }
    }
    Ok(Done::Success)
}

/// With `--cost-per-fte-month`, the funding report's difference over the forecast's months.
fn money_of(
    args: &ImpactArgs,
    proposal: &traject_app::impact::Proposal,
    db: &traject_store::Store,
    ctx: &traject_app::Ctx,
) -> Result<Option<traject_app::impact_money::FundingDifference>, AppError> {
    let Some(cost) = &args.cost_per_fte_month else {
        return Ok(None);
    };
    let cents = traject_report::parse_euros("--cost-per-fte-month", cost)?;
    let months = u32::try_from(args.months).unwrap_or(u32::MAX);
    traject_app::impact_money::funding_difference(proposal, db, months, cents, ctx)
}

fn cmd_impact(args: ImpactArgs) -> Verb {
    let programs = FilePrograms::here();
    let opts = LoadOptions::default();
    let current = traject_app::Programs::open(&programs, &args.program, &opts)?;
    let proposed =
        traject_app::Programs::open(&programs, &args.proposed.display().to_string(), &opts)?;
    let proposal = traject_app::impact::Proposal {
        current: &current,
        proposed: &proposed,
        version: args.version.as_deref(),
        on: args.from.unwrap_or_else(today),
    };
    let settings = forecast::Settings {
        months: args.months,
        runs: args.runs,
        seed: args.seed,
        limits: traject_app::Limits {
            simulated_work: args.max_work,
            ..traject_app::Limits::COMMAND_LINE
        },
    };
    let impact = match &args.batch {
        Some(batch) => {
            let ctx = args::operator(args.from, args.actor.clone());
            let (_, mut rows) = args.table.input(batch).open().map_err(AppError::from)?;
            let subjects = std::iter::from_fn(move || rows.next_row()).map(|row| {
                traject_app::impact::Subject {
                    case: None,
                    dossier: row.id.clone(),
                    row: Some(row.line),
                    referral: row.referral.ok(),
                }
            });
            traject_app::impact::judge_all(&proposal, subjects, &ctx)?
        }
        None => {
            let store_args = StoreArgs {
                db: args.db.clone().unwrap_or_else(|| {
                    traject_store::DEFAULT_DB
                        .parse()
                        .unwrap_or_else(|never| match never {})
                }),
                org: args.org.clone(),
                as_of: args.from,
                actor: args.actor.clone(),
                lang: args.lang,
            };
            let (db, ctx) = cases::open_as(&store_args)?;
            let forecast = (!args.no_forecast).then_some((&settings, args.max_wait_days));
            let mut impact = traject_app::impact::in_store(&proposal, &db, forecast, &ctx)?;
            impact.money = money_of(&args, &proposal, &db, &ctx)?;
            impact
        }
    };
    let society = current.program.spec.society_language;
    let lang = args.lang.unwrap_or(society);
    if let Some(path) = &args.out {
        write_table(
            path,
            "impact",
            &traject_render::impact::table(&impact, lang, society),
        )?;
    }
    match args.format {
        Format::Json => print_json(&impact),
        Format::Text => {
            let name = current.program.spec.name.get(lang, society);
            print!(
                "{}",
                traject_render::impact::text(&impact, lang, name, society)
            );
        }
    }
    Ok(Done::Success)
}

fn cmd_program(cmd: ProgramCommand) -> Verb {
    use traject_app::programme_history as history;
    match cmd {
        ProgramCommand::Save(a) => {
            // Who may save is known before the file is read.
            let (mut db, ctx) = cases::open_as(&a.store)?;
            ctx.require(app::Need::EditProgrammes)?;
            let (shown, bytes) = read_input(&a.file)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| file_problem(&shown, traject_model::problem::FileProblem::NotUtf8))?;
            let saved = history::save(&mut db, &shown, &text, &ctx)?;
            println!(
                "{} saved as number {} ({}), versions {}",
                saved.program,
                saved.seq,
                &saved.hash[..12],
                saved.versions.join(", ")
            );
        }
        ProgramCommand::History(a) => {
            let (db, ctx) = cases::open_as(&a.store)?;
            let entries = history::history(&db, &a.id, &ctx)?;
            match a.format {
                Format::Json => print_json(&entries),
                Format::Text => {
                    let lang = a.store.lang.unwrap_or_else(traject_i18n::locale_lang);
                    print!("{}", traject_render::diff::history_text(&entries, lang));
                }
            }
        }
        ProgramCommand::Export(a) => {
            let (id, version) = programmes::split_version(&a.id);
            let (db, ctx) = cases::open_as(&a.store)?;
            print!("{}", history::export(&db, id, version, a.entry, &ctx)?);
        }
    }
    Ok(Done::Success)
}

fn cmd_demand(args: DemandArgs) -> Verb {
    let (loaded, db, ctx) = programme_and_store(&args.program, &args.store)?;
    let from_store = forecast::FromStore {
        store: &db,
        from: ctx.on,
        history: args.history,
        ctx: &ctx,
    };
    let cal = forecast::demand(&loaded, args.version.as_deref(), from_store)?;
    match args.format {
        DemandFormat::Json => print_json(&cal),
        DemandFormat::Text => {
            let lang = args.store.lang.unwrap_or(loaded.spec.society_language);
            let name = loaded.spec.name.get(lang, loaded.spec.society_language);
            let reader = Reader { lang, name };
            let text = simulation::calibration_text(&cal, reader);
            print!("{}", traject_i18n::typography(&text, lang))
        }
        DemandFormat::Yaml => print!("{}", simulation::calibration_yaml(&cal)),
    }
    Ok(Done::Success)
}

/// A whole input file, or where it could not be read (exit 1).
fn read_input(path: &Path) -> Result<(String, Vec<u8>), AppError> {
    let (shown, mut file) = open_input(path)?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes)
        .map_err(|e| file_problem(shown.clone(), cannot_read(e)))?;
    Ok((shown, bytes))
}

fn cmd_rollout_new(args: NewArgs) -> Verb {
    let ctx = args::operator(None, None);
    let spec = traject_rollout::NewProgramme {
        ocmw: args.ocmw,
        name: args.name,
        fte: args.fte,
        society_language: args.society_language,
        version: None,
        valid_from: args.valid_from.unwrap_or(ctx.on),
    };
    let done = programmes::rollout_new(&FilePrograms::here(), &args.from, &spec, &args.out, &ctx)?;
    Ok(render::rolled_out(&done, args.lang))
}

fn cmd_diff(args: DiffArgs) -> Verb {
    let d = programmes::diff(&FilePrograms::here(), &args.a, &args.b)?;
    match args.format {
        Format::Json => print_json(&d),
        Format::Text => print!(
            "{}",
            traject_render::diff::render_text(&d, args.lang.unwrap_or(d.society_language))
        ),
    }
    Ok(Done::Success)
}

fn cmd_watch(args: WatchArgs) -> Verb {
    let paths: Vec<PathBuf> = programmes::or_programs_dir(&args.paths);
    let lang = args.lang.unwrap_or_else(traject_i18n::locale_lang);
    let mut print = |line: &str| {
        println!("{line}");
        let _ = std::io::Write::flush(&mut std::io::stdout());
    };
    if args.poll {
        let every = std::time::Duration::from_millis(args.interval_ms.max(50));
        watch::run_poll(&paths, every, lang, &mut print)?;
    } else {
        watch::run_events(&paths, lang, &mut print)?;
    }
    Ok(Done::Success)
}

fn cmd_report_funding(args: ReportFundingArgs) -> Verb {
    let opts = parse_options(&args.options)?;
    let ask = reports::FundingRequest {
        program: args.program,
        from: args.from,
        to: args.to,
        cost_per_fte_month_cents: traject_report::parse_euros(
            "--cost-per-fte-month",
            &args.cost_per_fte_month,
        )?,
        materials_cents: args
            .materials
            .as_deref()
            .map(|m| traject_report::parse_euros("--materials", m))
            .transpose()?,
    };
    let store = match &args.db {
        Some(target) => Some(traject_store::Store::connect(target)?),
        None => None,
    };
    let ctx = args::operator(None, None);
    let r = reports::funding(&FilePrograms::here(), store.as_ref(), &ask, &opts, &ctx)?;
    if let Some(path) = &args.out {
        write_table(path, "funding", &funding::funding_table(&r))?;
    }
    match args.format {
        SimFormat::Json => print_json(&r),
        SimFormat::Csv => print!("{}", funding::funding_csv(&r)),
        SimFormat::Text => {
            let labels = report_labels(&ask.program, args.lang);
            print!("{}", funding::funding_text(&r, &labels))
        }
    }
    Ok(Done::Success)
}

fn cmd_report_activity(args: ReportActivityArgs) -> Verb {
    let (db, ctx) = cases::open_as(&args.store)?;
    let r = reports::activity(
        &db,
        &FilePrograms::here(),
        &args.program,
        args.from,
        args.to,
        &ctx,
    )?;
    if let Some(path) = &args.out {
        write_table(path, "activity", &activity::table(&r))?;
    }
    let labels = report_labels(&args.program, args.store.lang);
    match args.format {
        ReportFormat::Json => print_json(&r),
        ReportFormat::Csv => print!("{}", activity::csv(&r)),
        ReportFormat::Html => print!("{}", activity::html(&r, &labels)),
        ReportFormat::Text => print!("{}", activity::text(&r, &labels)),
    }
    Ok(Done::Success)
}

/// The labels a report is read with: the programme's, in `lang` or its society language.
fn report_labels(program: &str, lang: Option<traject_i18n::Lang>) -> funding::Labels {
    match traject_app::Programs::load(&FilePrograms::here(), program, &LoadOptions::default()) {
        Ok(p) => funding::Labels::of(&p, lang.unwrap_or(p.spec.society_language)),
        Err(_) => funding::Labels::plain(lang.unwrap_or(traject_i18n::Lang::En), program),
    }
}

fn cmd_completions(args: CompletionsArgs) -> Verb {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(args.shell, &mut cmd, "traject", &mut std::io::stdout());
    Ok(Done::Success)
}
