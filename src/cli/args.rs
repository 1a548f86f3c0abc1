//! The command line's arguments: one `Args` struct per verb, with its help text and examples.
//! Nothing here acts; `cli::run` dispatches each verb to its function.

use std::path::PathBuf;

use traject_store::DbTarget;

use clap::{Parser, Subcommand, ValueEnum};

use traject_i18n::Lang;

#[derive(Parser)]
#[command(
    name = "traject",
    version,
    about = "Workflow engine for OCMW/CPAS social-activation programmes for newcomers",
    long_about = "traject reads one YAML file per programme (eligibility, pathway, modules, evaluation moments, staffing, capacity, funding) and checks, explains and runs it.\n\nA PROGRAM argument is a path to a .yaml file or the id of a bundled programme (`traject validate` run outside a project folder lists them).",
    after_help = "Examples:\n  traject validate                      check every programme in programs/ (or the bundled ones)\n  traject show programs/x.yaml --lang fr  summary of a programme in French\n  traject schema > program.schema.json  the JSON Schema for editors"
)]
pub struct Cli {
    /// The settings file (TOML; see `traject config check`): for `serve` every setting, for
    /// every command the time zone that decides what today is.
    #[arg(long, global = true, env = "TRAJECT_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SimFormat {
    Text,
    Json,
    Csv,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check programme files: schema, references, dates, funding shares, labels.
    #[command(
        after_help = "Examples:\n  traject validate\n  traject validate programs/x.yaml\n  traject validate my-ocmw/ --format json\n\nExit status: 0 all valid, 1 some file invalid, 2 usage error."
    )]
    Validate(ValidateArgs),
    /// Show a readable summary of a programme.
    #[command(
        after_help = "Examples:\n  traject show <id>\n  traject show <id> --version 2022 --lang en\n  traject show programs/x.yaml --option income_rule=leefloon_only"
    )]
    Show(ShowArgs),
    /// Check whether a referral is eligible, criterion by criterion; or a CSV batch.
    #[command(
        after_help = "Examples:\n  traject check --program <id> referral.yaml\n  traject check --program programs/x.yaml referral.json --lang fr --format json\n  traject check --program <id> --batch referrals.csv --out results.xlsx\n  traject check --program <id> --batch export.xlsx --sheet Aanmeldingen --columns columns-nl.yaml\n\nExit status: 0 a verdict was given (for a batch: for every row), 1 invalid input, 2 usage error."
    )]
    Check(CheckArgs),
    /// Run programme tests (programs/tests/*.yaml): expected verdicts for referrals.
    #[command(
        after_help = "Examples:\n  traject test\n  traject test programs/\n  traject test programs/tests/x.yaml\n\nPrints one line per test, a diff for each failure, and `N passed, N failed`. Exit status 1 on any failure."
    )]
    Test(TestArgs),
    /// Put a CSV of referrals into the groups of one module (the module's routing script).
    #[command(
        after_help = "Examples:\n  traject route --program <id> --module <module> cohort.csv\n  traject route --program programs/x.yaml --module via cohort.csv --version 2021 --format json\n\nNobody is dropped: who does not fit waits. Exit status: 0 routed, 1 invalid input or script error, 2 usage error."
    )]
    Route(RouteArgs),
    /// Simulate the caseload against the per-FTE norm: waiting lists, waits, utilisation.
    #[command(
        after_help = "Examples:\n  traject simulate --program <id>\n  traject simulate --program <id> --fte 2.5 --months 36 --runs 1000 --seed 7 --html report.html\n  traject simulate --program <id> --solve-fte --max-wait-days 30 --quantile 0.9\n  traject simulate --mmc --arrival-rate 18 --service-rate 1 --servers 20 --format json\n  traject simulate --program <id> --db cases.db --from 2024-05-01 --months 12\n  traject simulate --program <id> --db cases.db --from 2024-05-01 --fte-change 2024-06-01=1.5\n  traject simulate --program <id> --compare scenarios.yaml\n\nThe demand profile (referrals per month, never started, track mix, extensions, drop-out, giving up) is the version's `demand:` in the programme file. With --db and --from the forecast starts from the cases as they stood that day, and the demand is learnt from the store's history where it holds enough cases."
    )]
    Simulate(SimulateArgs),
    /// Follow clients through a programme: referral, start or waiting list, evaluations, exit.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Evaluation moments due (window open) or overdue (window passed) on a date.
    #[command(
        after_help = "Examples:\n  traject due\n  traject due --on 2023-06-15 --program <id>\n  traject due --db cases.db --format json"
    )]
    Due(DueArgs),
    /// Capacity (FTE × caseload norm) against active cases and the waiting list, per programme.
    #[command(
        after_help = "Examples:\n  traject caseload\n  traject caseload --program <id> --format json"
    )]
    Caseload(CaseloadArgs),
    /// The demand a case store shows: referrals per month, never started, track mix,
    /// extensions, drop-out, giving up — each with its observations.
    #[command(
        after_help = "Examples:\n  traject demand --program <id> --db cases.db\n  traject demand --program <id> --db cases.db --history 2023-01-01..2024-12-31 --format yaml\n\nA figure with too few observations (under 20 cases, or 3 months for the referral rate) is the programme's own, marked `programme`. --format yaml prints a `demand:` block to paste into the programme, with its source."
    )]
    Demand(DemandArgs),
    /// How good the forecasts are: a forecast at the start of each month of a period, from the
    /// case store as it stood then, against what the store shows happened.
    #[command(
        after_help = "Examples:\n  traject backtest --program <id> --db cases.db\n  traject backtest --program <id> --db cases.db --from 2016-02-01 --to 2016-04-01 --horizon 6 --format json\n\nEach forecast reads only the events dated before its day (the business date, not when they were recorded). Per horizon month: the share of observed values inside the p10–p90 band (nominally 80%), the mean absolute error of the median and its bias, for the active cases and the waiting list. Default period: from three months after the first referral to a month before the last event."
    )]
    Backtest(BacktestArgs),
    /// What a proposed programme change does to people before it takes effect: every
    /// referral in the store (or a batch) judged under the version in force and the proposed
    /// one — who flips and by which criterion — the diff, and the forecast under both.
    #[command(
        after_help = "Examples:\n  traject impact --program <id> --proposed my-edit.yaml --db cases.db\n  traject impact --program <id> --proposed my-edit.yaml --db cases.db --from 2021-06-01 --months 36 --format json\n  traject impact --program <id> --proposed my-edit.yaml --batch referrals.csv --out flips.xlsx\n\nThe proposed file is the whole programme as it would be; its version with the same id as the current one (else the one in force on --from) is compared. Who flips is listed by case and dossier number for coordinators (and the command line) only; others see the counts. With a store, the forecast starts from the cases on --from (default: today), on the same random numbers for both versions, the proposed one's referrals scaled by the share of stored referrals it admits."
    )]
    Impact(ImpactArgs),
    /// Programmes edited through traject, kept in the store: save a checked text, list the
    /// saves with what each changed, export a text (or one version of it).
    #[command(subcommand)]
    Program(ProgramCommand),
    /// Personal data past the programmes' retention periods.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Roll a programme out to another OCMW: copy one version of a model, resolved and dated
    /// from the roll-out; replace identity, residence, staffing and local funder, keep
    /// comments and sources; list the TODO items.
    #[command(
        after_help = "Examples:\n  traject new --from <id>@2022 --ocmw my-ocmw --valid-from 2025-01-01 --fte 0.2 --out my-ocmw/my-ocmw.yaml\n  traject new --from programs/x.yaml --ocmw my-ocmw --out my-ocmw/my-ocmw.yaml   (its latest version, from today)\n\nThe new programme has one version, named after the year it starts, with everything it\ntook from earlier versions written out. The model's tests of that version are copied to\ntests/ beside the new file, their dates moved to the roll-out. The new file validates at once."
    )]
    New(NewArgs),
    /// Semantic difference between two programmes or two versions: rules, tracks, pathway,
    /// modules, evaluations, staffing and capacity, funding — by id, not by line.
    #[command(
        after_help = "Examples:\n  traject diff programs/a.yaml programs/b.yaml\n  traject diff <id>@2020 <id>@2022 --lang fr\n  traject diff <id>@2020 <id>@2022 --format json\n\nPROGRAM@VERSION picks a version; without it the most recent one is compared."
    )]
    Diff(DiffArgs),
    /// Re-check programme files on every save: validate, compile, run their tests.
    #[command(
        after_help = "Examples:\n  traject watch\n  traject watch programs/x.yaml\n  traject watch --poll my-ocmw/        (network drives)\n\nA broken save never replaces the last good programme; the watcher says which stays in force."
    )]
    Watch(WatchArgs),
    /// Reports for the annual report to the EU: funding per funder, activity from the case store.
    #[command(subcommand)]
    Report(ReportCommand),
    /// The team's web application: intake, caseload board, case files, what-if, programmes,
    /// reports — and a JSON API under /api/ — with logins and roles.
    #[command(
        after_help = "Examples:\n  traject serve --demo\n  traject serve --db cases.db --listen 127.0.0.1:8080\n  traject serve --db cases.db --programs my-ocmw/\n\nAdd users first with `traject user add`. --demo starts on a fresh temporary database with sample cases and prints one user per role."
    )]
    Serve(ServeArgs),
    /// A user's agenda as an iCalendar feed (the same as their calendar address serves): the
    /// evaluation windows of the cases they may see, named by case number and moment only.
    #[command(
        after_help = "Examples:\n  traject calendar an --db cases.db > an.ics\n  traject calendar an --db cases.db --as-of 2024-06-01\n\nA user makes the secret address their calendar program subscribes to on their account page."
    )]
    Calendar(CalendarArgs),
    /// Group sessions of a module's group: plan one, plan a period from the module's weekly
    /// rhythm, list them, show one with its participants.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Record who came to a group session, for the whole group at once: each participant
    /// present, excused or absent (without excuse).
    #[command(
        after_help = "Example:\n  traject attendance 7 --present 12 13 15 --excused 14 --absent 16\n\nEach mark is an event of the participant's case; marking a session again corrects it. `traject session show 7` lists the participants. Three absences without excuse in a row (as the programme sets) flag a participant on the board."
    )]
    Attendance(AttendanceArgs),
    /// Send today's reminder e-mails: each user with an address who follows cases gets one
    /// digest of evaluations overdue or opening soon and tomorrow's group sessions — once a
    /// day, however often this runs and however many servers share the store.
    #[command(
        after_help = "Examples:\n  traject remind --dry-run --db cases.db\n  traject remind --config traject.toml --db cases.db\n\nThe mail server is `[mail]` in the settings (host, port, security, user, password, from). A digest that fails to send is tried again by the next run; one that was sent is not sent again the same day. With `mail.reminders_at` the server sends them itself every day."
    )]
    Remind(RemindArgs),
    /// The audit trail of one case file or user: who read or changed it, and when.
    #[command(
        after_help = "Examples:\n  traject audit --case 12\n  traject audit --user an --format json"
    )]
    Audit(AuditArgs),
    /// Users of the web application: add, list, disable, change a password.
    #[command(subcommand)]
    User(UserCommand),
    /// The case store as a whole: copy it between SQLite and PostgreSQL.
    #[command(subcommand)]
    Db(DbCommand),
    /// Cases per organisation (OCMW) and programme, by state: the roll-up for a funder or a
    /// regional service across the organisations sharing a store. Counts only.
    #[command(
        after_help = "Examples:\n  traject rollup --db postgres://traject@db.example/traject\n  traject rollup --org <org> --format json"
    )]
    Rollup(RollupArgs),
    /// One person — one dossier number — across programmes: everything held about them, or
    /// the erasure of all of it (GDPR arts. 15 and 17).
    #[command(subcommand)]
    Person(PersonCommand),
    /// The record of processing (GDPR art. 30) of a programme: controller, purposes, legal
    /// basis, categories of personal data, special categories, recipients, retention, storage.
    #[command(
        name = "record-of-processing",
        after_help = "Examples:\n  traject record-of-processing --program <id>\n  traject record-of-processing --program <id> --lang fr --format html > register.html\n\nGenerated from the programme (its `processing:` block, exits, funders, partners and\nretention) and the referral schema. Entries the data-protection officer still has to\nconfirm are marked so; a declaration the programme lacks is said to be missing."
    )]
    RecordOfProcessing(RecordArgs),
    /// The service's settings file: check it and show what `serve` would use.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Shell completions for bash, zsh or fish.
    #[command(
        after_help = "Examples:\n  traject completions bash > /etc/bash_completion.d/traject\n  traject completions zsh > ~/.zfunc/_traject\n  traject completions fish > ~/.config/fish/completions/traject.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the programme JSON Schema (draft-07) that editors and the loader use.
    #[command(after_help = "Example:\n  traject schema > schemas/program.schema.json")]
    Schema,
}

#[derive(Subcommand)]
pub enum DbCommand {
    /// Copy every case, event, evaluation, user, session and audit line from one store into
    /// another, empty one — SQLite to PostgreSQL or back — and verify the copy.
    #[command(
        after_help = "Examples:\n  traject db copy --from traject.db --to postgres://traject:secret@db.example/traject\n  traject db copy --from postgres://traject@db.example/traject --to back.db\n\nThe target must be empty; the copy is one transaction (nothing is written if it fails) and is\nchecked afterwards: the rows of every table are counted and the cases and events compared by\ndigest. Case numbers stay the same. Stop `traject serve` on the source first."
    )]
    Copy(DbCopyArgs),
    /// Back the store up into a new SQLite file, while `traject serve` runs if need be.
    #[command(
        after_help = "Examples:\n  traject db backup --db traject.db --to backups/traject-2026-12-05.db\n  traject db backup --db postgres://traject@db.example/traject --to backups/traject.db\n\nThe backup is read from one consistent view of the store (writers go on meanwhile), is\ncreated readable by its owner only, never overwrites a file, and is checked against that view\nby digest. Restore it with `traject db restore`; check it with `traject db verify`."
    )]
    Backup(DbBackupArgs),
    /// Check a store or a backup: integrity, the event log's order, the schema, and the digest
    /// of cases and events (exit 1 when something is wrong).
    Verify(DbVerifyArgs),
    /// Restore a backup into an empty store (a new SQLite file or an empty PostgreSQL
    /// database), checked by digest.
    #[command(
        after_help = "Examples:\n  traject db restore --from backups/traject-2026-12-05.db --db traject.db --tombstones-from broken.db\n  traject db restore --from backups/traject.db --db postgres://traject@db.example/traject --tombstones tombstones.json\n\nThe target must be empty; the restore is one transaction and its digest must equal the\nbackup's (`traject db verify` prints it). Then every erasure the tombstones name is applied\nagain to a case the backup brought back, before the store is used: a person erased after\nthe backup was taken stays erased."
    )]
    Restore(DbRestoreArgs),
    /// Erasures' tombstones (case, programme, day, a hash of the dossier number).
    #[command(subcommand)]
    Tombstones(TombstonesCommand),
}

#[derive(Subcommand)]
pub enum TombstonesCommand {
    /// Write the store's tombstones to a new file (readable by its owner only), to keep apart
    /// from the backups: `db restore --tombstones FILE` re-applies them.
    #[command(
        after_help = "Example:\n  traject db tombstones export --db traject.db --to /srv/tombstones/traject-2026-12-05.json"
    )]
    Export(TombstonesExportArgs),
}

#[derive(clap::Args)]
pub struct TombstonesExportArgs {
    /// The store: a SQLite file or a postgres:// URL.
    #[arg(long, env = "TRAJECT_DB", default_value = traject_store::DEFAULT_DB, hide_env_values = true)]
    pub db: DbTarget,
    /// The new file; it must not exist yet.
    #[arg(long)]
    pub to: PathBuf,
}

#[derive(clap::Args)]
pub struct DbBackupArgs {
    /// The store to back up: a SQLite file or a postgres:// URL.
    #[arg(long, env = "TRAJECT_DB", default_value = traject_store::DEFAULT_DB, hide_env_values = true)]
    pub db: DbTarget,
    /// The new backup file (SQLite); it must not exist yet.
    #[arg(long)]
    pub to: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct DbVerifyArgs {
    /// The store or backup to check: a SQLite file or a postgres:// URL.
    #[arg(long, env = "TRAJECT_DB", default_value = traject_store::DEFAULT_DB, hide_env_values = true)]
    pub db: DbTarget,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct DbRestoreArgs {
    /// The backup file to restore.
    #[arg(long)]
    pub from: PathBuf,
    /// The empty store to restore into.
    #[arg(long, env = "TRAJECT_DB", default_value = traject_store::DEFAULT_DB, hide_env_values = true)]
    pub db: DbTarget,
    /// A `db tombstones export` file whose erasures are applied again (repeatable).
    #[arg(long, value_name = "FILE")]
    pub tombstones: Vec<PathBuf>,
    /// The store this restore replaces (a SQLite file or a postgres:// URL), whose tombstones
    /// are applied again.
    #[arg(long, value_name = "STORE")]
    pub tombstones_from: Option<DbTarget>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct DbCopyArgs {
    /// The store to copy: a SQLite file or a postgres:// URL.
    #[arg(long)]
    pub from: DbTarget,
    /// The empty store to copy into (created when it is a new SQLite file).
    #[arg(long)]
    pub to: DbTarget,
    /// Who makes the copy, for the record (default: $USER).
    #[arg(long)]
    pub actor: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct RollupArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Personnel and material costs per funder per cost category, exact to the cent.
    #[command(
        after_help = "Example:\n  traject report funding --program <id> --from 2023-01-01 --to 2023-12-31 --cost-per-fte-month 4000\n\nThe version(s) in force in the period give the staffing and the split; a category the sources do not split stays unallocated."
    )]
    Funding(ReportFundingArgs),
    /// Referred, started, waiting, finished, dropped, not started, exits, evaluations held — each with its denominator.
    #[command(
        after_help = "Example:\n  traject report activity --program <id> --from 2023-01-01 --to 2023-12-31 --format html > activity.html"
    )]
    Activity(ReportActivityArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Csv,
    Html,
}

/// `FROM..TO`: two dates, the first not after the second.
/// Days or whole months: `2023-01-01..2024-12-31`, or `2022-01..2022-12` (the first day of the
/// first month to the last day of the last).
pub fn parse_period(s: &str) -> Result<(chrono::NaiveDate, chrono::NaiveDate), String> {
    let bad = || format!("'{s}': write FROM..TO, e.g. 2023-01-01..2024-12-31 or 2022-01..2022-12");
    let (a, b) = s.split_once("..").ok_or_else(bad)?;
    let month = |m: &str| chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok();
    let (a, b) = match (a.parse(), b.parse()) {
        (Ok(a), Ok(b)) => (a, b),
        _ => {
            let (first, last) = (month(a).ok_or_else(bad)?, month(b).ok_or_else(bad)?);
            let end = last
                .checked_add_months(chrono::Months::new(1))
                .and_then(|d| d.pred_opt())
                .ok_or_else(bad)?;
            (first, end)
        }
    };
    if b < a {
        return Err(format!("'{s}': the period ends before it starts"));
    }
    Ok((a, b))
}

/// `DATE=FTE`, e.g. 2024-06-01=1.5.
pub fn parse_fte_change(s: &str) -> Result<(chrono::NaiveDate, f64), String> {
    let bad = || format!("'{s}': write DATE=FTE, e.g. 2024-06-01=1.5");
    let (d, f) = s.split_once('=').ok_or_else(bad)?;
    let fte: f64 = f.parse().map_err(|_| bad())?;
    if fte.is_nan() || fte < 0.0 {
        return Err(bad());
    }
    Ok((d.parse().map_err(|_| bad())?, fte))
}

/// Where the cases are kept, on which day, and who acts.
#[derive(clap::Args, Clone)]
pub struct StoreArgs {
    /// The case store: a SQLite file (default: traject.db in the working directory) or a
    /// PostgreSQL server, postgres://user:password@host:port/database.
    #[arg(long, env = "TRAJECT_DB", default_value = traject_store::DEFAULT_DB, hide_env_values = true)]
    pub db: DbTarget,
    /// The organisation (OCMW) you act for in a store several share: new cases belong to it,
    /// and only its cases are shown.
    #[arg(long, env = "TRAJECT_ORG")]
    pub org: Option<String>,
    /// Act as if today were this date (tests and scripts run on a fixed clock).
    #[arg(long)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Act as this user of the store (they must exist and be enabled; their role is
    /// checked). Without it: the operating-system user, recorded as the command line.
    #[arg(long)]
    pub actor: Option<String>,
    /// Language of the text output (default: the programme's society language); for
    /// `user add`, the language the user's pages are shown in.
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

/// The person at the command line holds the store itself, so they act with a coordinator's
/// rights, recorded as the command line (`Role::CommandLine`) under their operating-system
/// name; the day is `--as-of` or today. (`--actor` on a store with users: see `open_as`.)
pub fn operator(as_of: Option<chrono::NaiveDate>, actor: Option<String>) -> traject_app::Ctx {
    traject_app::Ctx {
        role: traject_app::Role::CommandLine,
        on: as_of.unwrap_or_else(super::today),
        actor: actor.unwrap_or_else(traject_app::users::system_user),
        team: None,
        org: None,
    }
}

#[derive(Subcommand)]
pub enum CaseCommand {
    /// Create a case from a referral (runs the eligibility check; prints the new case id).
    #[command(
        after_help = "Example:\n  traject case new --program <id> referral.yaml --as-of 2023-01-10"
    )]
    New(CaseNewArgs),
    /// Create cases from a CSV of referrals: all rows in one transaction, or none; rows whose dossier already has the same case are skipped.
    #[command(
        after_help = "Examples:\n  traject case import --program <id> referrals.csv\n  traject case import --program <id> export.xlsx --columns columns-nl.yaml"
    )]
    Import(CaseImportArgs),
    /// List cases.
    #[command(after_help = "Example:\n  traject case list --state waiting --program <id>")]
    List(CaseListArgs),
    /// Explain a case's state and what is due next.
    #[command(after_help = "Example:\n  traject case show 12")]
    Show(CaseShowArgs),
    /// The audit trail of a case.
    #[command(after_help = "Example:\n  traject case history 12 --format json")]
    History(CaseHistoryArgs),
    /// Start a case on a track — or put it on the waiting list when the team is full.
    #[command(after_help = "Example:\n  traject case start 12 --track long --as-of 2023-02-01")]
    Start(CaseStartArgs),
    /// Record an evaluation: goals, a score and the decision (continue, extend, close, redirect, …).
    #[command(
        after_help = "Examples:\n  traject case evaluate 12 --evaluation interim --decision continue --goal housing --goal language --score 3\n  traject case evaluate 12 --evaluation final --decision extend --extend-by \"3 months\""
    )]
    Evaluate(CaseEvaluateArgs),
    /// Close a case with an exit destination; the freed slot goes to the first who waits.
    #[command(after_help = "Example:\n  traject case close 12 --destination art60")]
    Close(CaseCloseArgs),
    /// Drop a case with a reason.
    #[command(after_help = "Example:\n  traject case drop 12 --reason moved")]
    Drop(CaseDropArgs),
    /// Record that a referred or waiting case will not start, with a reason.
    #[command(after_help = "Example:\n  traject case not-start 12 --reason no_help_request")]
    NotStart(CaseNotStartArgs),
    /// Pause an active case (the client stops for a while and keeps their place).
    #[command(
        after_help = "Example:\n  traject case pause 12 --reason health --until 2024-05-01\n\nThe version's `pause:` policy says how long and how often; on `case resume` the end date and the evaluation moments still to hold move by the days paused."
    )]
    Pause(CaseContinuityArgs),
    /// Resume a paused case.
    Resume(CaseContinuityArgs),
    /// Re-open a closed or dropped case when the client returns (within the version's `reopen:` period).
    #[command(
        after_help = "Example:\n  traject case reopen 12\n  traject case start 12 --track long\n\nThe case is referred again and starts (or waits) like any referral; its history stays."
    )]
    Reopen(CaseContinuityArgs),
    /// Record a contact with the client: how, how long, and a short note for the case's team
    /// (read from standard input; erased with the client's personal data).
    #[command(
        after_help = "Examples:\n  traject case contact 12 --kind home-visit --minutes 45\n  echo 'Brought the rental contract; next visit with an interpreter' | traject case contact 12 --kind individual-guidance --minutes 30 --note-stdin --on 2024-05-02\n\nA note has at most 500 characters; a contact lasts 1 to 600 minutes. --on is the day it took place (today by default, never a day to come)."
    )]
    Contact(CaseContactArgs),
    /// Plan a contact with the client (an appointment): it shows in the agenda of the case's
    /// team (their calendar address), by case number and kind of contact only.
    #[command(
        after_help = "Example:\n  traject case appoint 12 --kind home-visit --on 2024-06-12 --at 10:00 --minutes 60\n\nThe day is today or later; a contact that took place is recorded with `case contact`."
    )]
    Appoint(CaseAppointArgs),
    /// Erase a client's personal data (the referral's facts and dossier number) for good; the
    /// case's dates, states, decisions and events stay, so figures do not change.
    #[command(
        after_help = "Example:\n  traject case erase 12 --reason \"request under GDPR art. 17, 2026-11-20\"\n\nThe erasure is itself an event (who, when, why). Free space in the database is overwritten and the write-ahead log emptied, so the erased values cannot be read back from the file. Only a coordinator erases."
    )]
    Erase(CaseEraseArgs),
    /// Everything held about a client (an access request): the referral, the eligibility check
    /// explained, every event and evaluation moment.
    #[command(
        after_help = "Examples:\n  traject case export 12 > case-12.json\n  traject case export 12 --format text --lang fr"
    )]
    Export(CaseExportArgs),
    /// Move a case to a version of the programme as it is now (its current rules), with an
    /// event; until then a case keeps the exact programme text it was judged under.
    #[command(after_help = "Example:\n  traject case migrate 12 --to-version 2022")]
    Migrate(CaseMigrateArgs),
    /// Route a cohort of cases into a module's groups (the module's routing script) and enrol
    /// them: all in one transaction, or none.
    #[command(
        after_help = "Example:\n  traject case enrol-cohort --module via 12 13 14 15\n\nCases the routing cannot place are listed and not enrolled."
    )]
    EnrolCohort(CaseCohortArgs),
    /// Record a worker's assessment of an assessed criterion (after a motivation talk, say);
    /// the referral is judged again under the case's version and the new verdict shown.
    #[command(
        after_help = "Example:\n  traject case assess 12 --fact motivated=yes\n\nOnly facts an assessed rule of the case's version reads; a fact a hard rule checks (a birth date) is corrected with `case correct` and a reason."
    )]
    Assess(CaseRejudgeArgs),
    /// Correct a fact of a case's referral that was written wrongly, with a reason for the
    /// audit; the referral is judged again under the case's version.
    #[command(
        after_help = "Example:\n  traject case correct 12 --fact birth_date=04/12/1990 --reason \"typing error in the referral form\""
    )]
    Correct(CaseRejudgeArgs),
    /// A client joins a module (and a group); its module evaluations become due.
    #[command(after_help = "Example:\n  traject case enrol 12 --module via --group via-2024-03")]
    Enrol(CaseEnrolArgs),
    /// A client leaves a module; its module evaluations not yet held are no longer due.
    #[command(after_help = "Example:\n  traject case leave 12 --module via")]
    Leave(CaseEnrolArgs),
}

impl CaseCommand {
    /// The store options every case verb takes (the database, the actor, `--lang`).
    pub fn store(&self) -> &StoreArgs {
        use CaseCommand::*;
        match self {
            New(a) => &a.store,
            Import(a) => &a.store,
            List(a) => &a.store,
            Show(a) => &a.store,
            History(a) => &a.store,
            Start(a) => &a.store,
            Evaluate(a) => &a.store,
            Close(a) => &a.store,
            Drop(a) => &a.store,
            NotStart(a) => &a.store,
            Pause(a) | Resume(a) | Reopen(a) => &a.store,
            Erase(a) => &a.store,
            Contact(a) => &a.store,
            Appoint(a) => &a.store,
            Export(a) => &a.store,
            Migrate(a) => &a.store,
            EnrolCohort(a) => &a.store,
            Enrol(a) | Leave(a) => &a.store,
            Assess(a) | Correct(a) => &a.store,
        }
    }
}

#[derive(clap::Args)]
pub struct ValidateArgs {
    /// Files or folders (default: programs/, or the bundled programmes when there is none).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Language of the problems found (default: your locale, LANG=nl_BE… or fr_BE…, else English).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// Path or bundled programme id.
    pub program: String,
    /// Only this version (default: all versions).
    #[arg(long)]
    pub version: Option<String>,
    /// Language of the summary (default: the programme's society language).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Choose a named option: ID=CHOICE (repeatable).
    #[arg(long = "option", value_name = "ID=CHOICE")]
    pub options: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct RecordArgs {
    /// Path or bundled programme id.
    #[arg(long)]
    pub program: String,
    /// Language of the record (default: the programme's society language).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// md (default), html (a page to print or publish) or json.
    #[arg(long, value_enum, default_value = "md")]
    pub format: RecordFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RecordFormat {
    Md,
    Html,
    Json,
}

/// How to read a table of referrals.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct TableArgs {
    /// The sheet of an .xlsx workbook to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// A column mapping (YAML) for an export with its own headers and wordings: `columns:`
    /// header → field (or ignore), `values:` field → {local wording: code}.
    #[arg(long)]
    pub columns: Option<PathBuf>,
}

impl TableArgs {
    pub fn input(&self, path: &std::path::Path) -> traject_model::referral::batch::BatchInput {
        traject_model::referral::batch::BatchInput {
            path: path.to_path_buf(),
            sheet: self.sheet.clone(),
            columns: self.columns.clone(),
        }
    }
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Path or bundled programme id.
    #[arg(long)]
    pub program: String,
    /// A referral file (YAML or JSON).
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    pub referral: Option<PathBuf>,
    /// A batch of referrals: CSV (comma, semicolon or tab; UTF-8 or Windows-1252) or an .xlsx
    /// workbook, columns named like the referral fields (or mapped with --columns).
    #[arg(long, visible_alias = "csv")]
    pub batch: Option<PathBuf>,
    #[command(flatten)]
    pub table: TableArgs,
    /// Where to write the batch results: a .csv or .xlsx file; default CSV on standard output.
    #[arg(long, requires = "batch")]
    pub out: Option<PathBuf>,
    /// Language of labels and wording (default: the programme's society language).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Choose a named option: ID=CHOICE (repeatable).
    #[arg(long = "option", value_name = "ID=CHOICE")]
    pub options: Vec<String>,
}

#[derive(clap::Args)]
pub struct TestArgs {
    /// Test files or folders (default: programs/, or the bundled tests when there is none).
    pub paths: Vec<PathBuf>,
}

#[derive(clap::Args)]
pub struct RouteArgs {
    /// Path or bundled programme id.
    #[arg(long)]
    pub program: String,
    /// The module whose groups to form.
    #[arg(long)]
    pub module: String,
    /// The cohort: a CSV or .xlsx table of referrals with an `id` column.
    pub input: PathBuf,
    #[command(flatten)]
    pub table: TableArgs,
    /// Programme version (default: the one in force on the referrals' dates).
    #[arg(long)]
    pub version: Option<String>,
    /// The day the groups form, for temporary group limits (default: today).
    #[arg(long)]
    pub on: Option<chrono::NaiveDate>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Choose a named option: ID=CHOICE (repeatable).
    #[arg(long = "option", value_name = "ID=CHOICE")]
    pub options: Vec<String>,
}

#[derive(Subcommand)]
pub enum RetentionCommand {
    /// Erase the personal data of ended cases past their programme's `retention:` period.
    #[command(
        after_help = "Examples:\n  traject retention apply --dry-run\n  traject retention apply --db cases.db\n\nDates, states, decisions and events stay, so reports count the same; each erasure is an event."
    )]
    Apply(RetentionArgs),
}

#[derive(clap::Args)]
pub struct RetentionArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Only list the cases that would be erased.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DemandFormat {
    Text,
    Json,
    Yaml,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum BacktestFormat {
    Text,
    Json,
    Csv,
}

#[derive(clap::Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Path or bundled programme id.
    #[arg(long)]
    pub program: String,
    /// The first forecast day (moved to the first of its month).
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
    /// The last forecast day (moved to the first of its month).
    #[arg(long)]
    pub to: Option<chrono::NaiveDate>,
    /// Months each forecast looks ahead.
    #[arg(long, default_value_t = 6)]
    pub horizon: usize,
    /// Simulation runs per forecast.
    #[arg(long, default_value_t = 200)]
    pub runs: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The most work each forecast may do, in simulated referrals.
    #[arg(long, value_name = "REFERRALS", default_value_t = traject_app::Limits::COMMAND_LINE.simulated_work)]
    pub max_work: u64,
    #[arg(long, value_enum, default_value_t = BacktestFormat::Text)]
    pub format: BacktestFormat,
}

#[derive(clap::Subcommand)]
pub enum ProgramCommand {
    /// Save a programme text in the store's history once it loads without a problem under
    /// every option choice (a version that changes another names its `changes:`); from then
    /// on the server serves it. Coordinators only; audited.
    #[command(
        after_help = "Examples:\n  traject program save my-programme.yaml --db cases.db\n  traject program history <id> --db cases.db\n  traject program export <id> --db cases.db > my-programme.yaml\n  traject program export <id>@<version> --db cases.db --entry 2"
    )]
    Save(ProgramSaveArgs),
    /// The saves of a programme, oldest first: number, time, author, hash, versions and what
    /// each changed against the one before.
    History(ProgramHistoryArgs),
    /// A saved text on standard output: the latest (or --entry N); with ID@VERSION that
    /// version cut out as a programme of its own.
    Export(ProgramExportArgs),
}

#[derive(clap::Args)]
pub struct ProgramSaveArgs {
    /// The programme file (YAML).
    pub file: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(clap::Args)]
pub struct ProgramHistoryArgs {
    /// The programme's id.
    pub id: String,
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct ProgramExportArgs {
    /// The programme's id, or ID@VERSION for one version.
    pub id: String,
    /// The save to export (its number in `program history`; default: the latest).
    #[arg(long)]
    pub entry: Option<i64>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(clap::Args)]
pub struct ImpactArgs {
    /// Path or bundled programme id: the programme in force.
    #[arg(long)]
    pub program: String,
    /// The current version (default: the one in force on --from, else the latest).
    #[arg(long)]
    pub version: Option<String>,
    /// The proposed programme file (YAML), as it would be after the change.
    #[arg(long)]
    pub proposed: PathBuf,
    /// The case store whose referrals to judge: a SQLite file or postgres:// URL.
    #[arg(
        long,
        required_unless_present = "batch",
        conflicts_with = "batch",
        hide_env_values = true
    )]
    pub db: Option<DbTarget>,
    /// The organisation (OCMW) you act for in a store several share.
    #[arg(long, env = "TRAJECT_ORG")]
    pub org: Option<String>,
    /// Act as this user of the store (their role decides whether cases are named).
    #[arg(long)]
    pub actor: Option<String>,
    /// A batch of referrals to judge instead (CSV or .xlsx, as `check --batch`).
    #[arg(long, visible_alias = "csv")]
    pub batch: Option<PathBuf>,
    #[command(flatten)]
    pub table: TableArgs,
    /// The day the change would take effect: the current version in force then, and the
    /// forecast's first day (default: today).
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
    /// Months to forecast (with a store).
    #[arg(long, default_value_t = 36)]
    pub months: usize,
    /// Simulation runs per forecast.
    #[arg(long, default_value_t = 200)]
    pub runs: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The 90th-percentile wait the FTE needed is solved for, in days.
    #[arg(long, default_value_t = 28.0)]
    pub max_wait_days: f64,
    /// Cost of one FTE for one month, in euros: with a store, the funding report's difference
    /// per funder and cost category over the forecast's months.
    #[arg(long, value_name = "EUROS")]
    pub cost_per_fte_month: Option<String>,
    /// Leave the forecast out (only the verdicts, the diff and the funding streams).
    #[arg(long)]
    pub no_forecast: bool,
    /// The most work each forecast may do, in simulated referrals.
    #[arg(long, value_name = "REFERRALS", default_value_t = traject_app::Limits::COMMAND_LINE.simulated_work)]
    pub max_work: u64,
    /// Write who flips to a .csv or .xlsx file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Language of the text output and the table (default: the programme's society language).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

#[derive(clap::Args)]
pub struct DemandArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Path or bundled programme id.
    #[arg(long)]
    pub program: String,
    /// Programme version whose demand fills the gaps (default: the most recent).
    #[arg(long)]
    pub version: Option<String>,
    /// The history to learn from, FROM..TO (default: the 24 months before today or --as-of).
    #[arg(long, value_name = "FROM..TO", value_parser = parse_period)]
    pub history: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    #[arg(long, value_enum, default_value_t = DemandFormat::Text)]
    pub format: DemandFormat,
}

#[derive(clap::Args)]
pub struct SimulateArgs {
    /// Path or bundled programme id (not with --mmc).
    #[arg(long, required_unless_present = "mmc")]
    pub program: Option<String>,
    /// Programme version (default: the most recent).
    #[arg(long)]
    pub version: Option<String>,
    /// Staff counting for the caseload norm (default: the programme's own).
    #[arg(long)]
    pub fte: Option<f64>,
    #[arg(long, default_value_t = 36)]
    pub months: usize,
    #[arg(long, default_value_t = 1000)]
    pub runs: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The most work this command may do, in simulated referrals (runs × referrals expected
    /// over the months, plus a record per month); raise it for very long or large runs.
    #[arg(long, value_name = "REFERRALS", default_value_t = traject_app::Limits::COMMAND_LINE.simulated_work)]
    pub max_work: u64,
    #[arg(long, value_enum, default_value_t = SimFormat::Text)]
    pub format: SimFormat,
    /// Also write a self-contained HTML report with charts.
    #[arg(long)]
    pub html: Option<PathBuf>,
    /// Also write the monthly table to a .csv or .xlsx file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Language of the text and the HTML report (default: the programme's society language).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Find the smallest FTE (0.1 steps) whose wait quantile stays under --max-wait-days.
    #[arg(long, requires = "max_wait_days")]
    pub solve_fte: bool,
    #[arg(long)]
    pub max_wait_days: Option<f64>,
    #[arg(long, default_value_t = 0.9)]
    pub quantile: f64,
    /// Textbook M/M/c model instead of a programme (compare with Erlang C).
    #[arg(long, requires_all = ["arrival_rate", "service_rate", "servers"], conflicts_with_all = ["program", "solve_fte"])]
    pub mmc: bool,
    /// Arrivals per month (M/M/c).
    #[arg(long)]
    pub arrival_rate: Option<f64>,
    /// Completions per month per slot (M/M/c).
    #[arg(long)]
    pub service_rate: Option<f64>,
    /// Slots (M/M/c).
    #[arg(long)]
    pub servers: Option<u32>,
    /// Start from the cases in this case store (with --from) and learn the demand from its
    /// history.
    #[arg(long, requires = "from")]
    pub db: Option<DbTarget>,
    /// The day the forecast starts: the caseload as it stood then (needs --db).
    #[arg(long, requires = "db")]
    pub from: Option<chrono::NaiveDate>,
    /// The history the demand is learnt from, FROM..TO (default: the 24 months before --from).
    #[arg(long, value_name = "FROM..TO", value_parser = parse_period, requires = "db")]
    pub history: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// From DATE on, FTE staff count for the caseload (repeatable), e.g. 2024-06-01=1.5.
    #[arg(long = "fte-change", value_name = "DATE=FTE", value_parser = parse_fte_change)]
    pub fte_changes: Vec<(chrono::NaiveDate, f64)>,
    /// Referrals are this many times the expected number, e.g. 1.2.
    #[arg(long)]
    pub demand_factor: Option<f64>,
    /// Another caseload norm per FTE.
    #[arg(long)]
    pub norm: Option<f64>,
    /// Run the scenarios of this file side by side (same random numbers), see README.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["solve_fte", "mmc"])]
    pub compare: Option<PathBuf>,
    /// Choose a named option: ID=CHOICE (repeatable).
    #[arg(long = "option", value_name = "ID=CHOICE")]
    pub options: Vec<String>,
}

#[derive(clap::Args)]
pub struct DueArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The day to look at (default: --as-of or today).
    #[arg(long)]
    pub on: Option<chrono::NaiveDate>,
    #[arg(long)]
    pub program: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct CaseloadArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long)]
    pub program: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct NewArgs {
    /// The model programme and the version to start from, `PROGRAM@VERSION` (path or bundled
    /// id; without `@VERSION`, its most recent version).
    #[arg(long)]
    pub from: String,
    /// The day the roll-out starts: the new programme's one version is in force from then
    /// (default: today).
    #[arg(long)]
    pub valid_from: Option<chrono::NaiveDate>,
    /// The new OCMW, lower case as referrals write it (residence_ocmw).
    #[arg(long)]
    pub ocmw: String,
    /// Display name of the new programme.
    #[arg(long)]
    pub name: Option<String>,
    /// FTE that count for the caseload norm (split over the model's guiding roles).
    #[arg(long)]
    pub fte: Option<f64>,
    #[arg(long)]
    pub society_language: Option<String>,
    /// Where to write the new programme (must not exist yet).
    #[arg(long)]
    pub out: PathBuf,
    /// Language of the TODO list (default: the new programme's society language).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

#[derive(clap::Args)]
pub struct DiffArgs {
    pub a: String,
    pub b: String,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Language of the text (default: the second programme's society language).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

#[derive(clap::Args)]
pub struct WatchArgs {
    /// Files or folders (default: programs/).
    pub paths: Vec<PathBuf>,
    /// Poll modification times instead of waiting for file events.
    #[arg(long)]
    pub poll: bool,
    /// Polling interval in milliseconds.
    #[arg(long, default_value_t = 300)]
    pub interval_ms: u64,
    /// Language of the problems found (default: your locale, else English).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

#[derive(clap::Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
}

#[derive(clap::Args)]
pub struct ReportFundingArgs {
    #[arg(long)]
    pub program: String,
    #[arg(long)]
    pub from: chrono::NaiveDate,
    #[arg(long)]
    pub to: chrono::NaiveDate,
    /// Cost of one FTE for one month, in euros.
    #[arg(long)]
    pub cost_per_fte_month: String,
    /// Material costs for the whole period, in euros.
    #[arg(long)]
    pub materials: Option<String>,
    #[arg(long, value_enum, default_value_t = SimFormat::Text)]
    pub format: SimFormat,
    #[arg(long = "option", value_name = "ID=CHOICE")]
    pub options: Vec<String>,
    /// Consult this case store: a funder with conditions (AMIF: non-EU only) is charged only
    /// for the share of cases that meet them.
    #[arg(long)]
    pub db: Option<DbTarget>,
    /// Language of the text (default: the programme's society language).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Also write the report to a .csv or .xlsx file.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ReportActivityArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long)]
    pub program: String,
    #[arg(long)]
    pub from: chrono::NaiveDate,
    #[arg(long)]
    pub to: chrono::NaiveDate,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Also write the report to a .csv or .xlsx file.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct CaseNewArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long)]
    pub program: String,
    pub referral: PathBuf,
    /// Take in a referral of a dossier whose data was erased (the person came back and asks
    /// again), saying why; only a coordinator may, and the reason is audited.
    #[arg(long, value_name = "REASON")]
    pub after_erasure: Option<String>,
}

#[derive(clap::Args)]
pub struct CaseImportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long)]
    pub program: String,
    /// The referrals: CSV or .xlsx, as for `check --batch`.
    pub csv: PathBuf,
    #[command(flatten)]
    pub table: TableArgs,
    /// Take in rows of dossiers whose data was erased, saying why (only a coordinator; the
    /// reason is audited for each). Without it, such rows are refused.
    #[arg(long, value_name = "REASON")]
    pub after_erasure: Option<String>,
}

#[derive(clap::Args)]
pub struct CaseListArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Only cases in this state: referred, waiting, active, extended, closed, dropped, not_started.
    #[arg(long, value_parser = parse_state)]
    pub state: Option<traject_cases::CaseState>,
    #[arg(long)]
    pub program: Option<String>,
    /// Only the cases of this dossier number (one person, across programmes).
    #[arg(long)]
    pub dossier: Option<String>,
    #[arg(long, default_value_t = 1000)]
    pub limit: usize,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct CaseShowArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
}

#[derive(clap::Args)]
pub struct CaseHistoryArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct CaseStartArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    #[arg(long)]
    pub track: Option<String>,
    /// The programme file, when it is not programs/<id>.yaml or bundled.
    #[arg(long)]
    pub program: Option<String>,
}

#[derive(clap::Args)]
pub struct CaseEvaluateArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    #[arg(long)]
    pub evaluation: String,
    #[arg(long)]
    pub decision: Option<String>,
    /// A goal agreed with the client (repeatable).
    #[arg(long = "goal")]
    pub goals: Vec<String>,
    #[arg(long)]
    pub score: Option<f64>,
    #[arg(long)]
    pub extend_by: Option<String>,
    /// With --decision close: the exit destination.
    #[arg(long)]
    pub destination: Option<String>,
    /// Why the moment is held before its window opens or after it closed (needed then; no
    /// personal data).
    #[arg(long)]
    pub reason: Option<String>,
    #[arg(long)]
    pub program: Option<String>,
}

#[derive(clap::Args)]
pub struct CaseCloseArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    #[arg(long)]
    pub destination: String,
    #[arg(long)]
    pub program: Option<String>,
}

#[derive(clap::Args)]
pub struct CaseDropArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    #[arg(long)]
    pub reason: String,
    #[arg(long)]
    pub program: Option<String>,
}

#[derive(clap::Args)]
pub struct CaseEnrolArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    #[arg(long)]
    pub module: String,
    /// The group within the module (enrol only).
    #[arg(long)]
    pub group: Option<String>,
    /// Programme file to use instead of programs/<id>.yaml or the bundled one.
    #[arg(long)]
    pub program: Option<String>,
}

#[derive(clap::Args)]
pub struct CaseRejudgeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    /// A fact and its value, FIELD=VALUE (repeat for several), e.g. motivated=yes.
    #[arg(long = "fact", value_name = "FIELD=VALUE", value_parser = parse_fact, required = true)]
    pub facts: Vec<(String, String)>,
    /// Why (needed for a correction); do not write personal data here.
    #[arg(long)]
    pub reason: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Programme file to use instead of programs/<id>.yaml or the bundled one.
    #[arg(long)]
    pub program: Option<String>,
}

/// `FIELD=VALUE` for `case assess` and `case correct`.
fn parse_fact(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((field, value)) if !field.trim().is_empty() => {
            Ok((field.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!(
            "'{s}' is not FIELD=VALUE: write for example motivated=yes"
        )),
    }
}

#[derive(clap::Args)]
pub struct CaseMigrateArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    #[arg(long)]
    pub to_version: String,
    /// Programme file to use instead of programs/<id>.yaml or the bundled one.
    #[arg(long)]
    pub program: Option<String>,
}

#[derive(clap::Args)]
pub struct CaseExportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    /// json (the stored values with their words), text, or html (a page to hand over).
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// Programme file to use instead of programs/<id>.yaml or the bundled one.
    #[arg(long)]
    pub program: Option<String>,
}

#[derive(clap::Args)]
pub struct CaseEraseArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    /// Why (e.g. the request it answers); do not write personal data here.
    #[arg(long)]
    pub reason: String,
}

#[derive(clap::Args)]
pub struct CaseNotStartArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    #[arg(long)]
    pub reason: String,
    #[arg(long)]
    pub program: Option<String>,
}

/// `traject serve`: each flag overrides the setting of the same name in the settings file
/// (`--config`) and its environment variable (`TRAJECT_<SETTING>`).
#[derive(clap::Args)]
#[command(
    after_help = "Settings (file key, environment variable):\n  db TRAJECT_DB · listen TRAJECT_LISTEN · programs TRAJECT_PROGRAMS · public_url TRAJECT_PUBLIC_URL\n  trusted_proxies TRAJECT_TRUSTED_PROXIES · time_zone TRAJECT_TIME_ZONE · metrics_token TRAJECT_METRICS_TOKEN\n  tls.cert TRAJECT_TLS_CERT · tls.key TRAJECT_TLS_KEY · log.format TRAJECT_LOG_FORMAT · log.level TRAJECT_LOG_LEVEL\n  limits.simulated_work TRAJECT_LIMITS_SIMULATED_WORK · limits.deadline_seconds TRAJECT_LIMITS_DEADLINE_SECONDS\n  login.passwords TRAJECT_LOGIN_PASSWORDS · login.second_factor TRAJECT_LOGIN_SECOND_FACTOR\n  oidc.issuer, oidc.client_id, oidc.client_secret, oidc.label, oidc.scopes, oidc.users, oidc.name_claim,\n  oidc.role_claim, oidc.team_claim, oidc.org_claim, oidc.roles.coordinator|social_worker|auditor (TRAJECT_OIDC_…)\n\nExamples:\n  traject serve --demo\n  traject serve --config /etc/traject/traject.toml\n  traject config check /etc/traject/traject.toml"
)]
pub struct ServeArgs {
    /// The case store: a SQLite file (default: traject.db in the working directory) or
    /// postgres://user:password@host:port/database, which several `serve` may share.
    #[arg(long)]
    pub db: Option<DbTarget>,
    /// Address and port to listen on (default 127.0.0.1:8080; port 0: any free port, printed
    /// at start).
    #[arg(long)]
    pub listen: Option<std::net::SocketAddr>,
    /// A folder of programme files to serve (re-read when they change); default: the bundled ones.
    #[arg(long)]
    pub programs: Option<PathBuf>,
    /// Act as if today were this date.
    #[arg(long)]
    pub as_of: Option<chrono::NaiveDate>,
    /// A fresh temporary database with sample cases and one user per role (printed).
    #[arg(long, conflicts_with = "db")]
    pub demo: bool,
    /// The address people open (https://traject.ocmw.example), when a reverse proxy or TLS
    /// stands in front: forms and API writes must come from it; with https, cookies are
    /// Secure and browsers are told to keep to https (HSTS).
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// A reverse proxy whose X-Forwarded-For header names the client (repeat for several);
    /// from any other address that header is ignored.
    #[arg(long, value_name = "ADDR", value_delimiter = ',')]
    pub trusted_proxy: Vec<std::net::IpAddr>,
    /// Serve https with this certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM); needs --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// How log lines are written to standard error: text, or JSON lines for a log collector.
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
    /// The bearer token GET /metrics asks for (Prometheus text format); without one, the
    /// server offers no metrics. (Better in the settings file: arguments are visible to
    /// other users of the machine.)
    #[arg(long, value_name = "TOKEN")]
    pub metrics_token: Option<String>,
}

#[derive(Subcommand)]
pub enum PersonCommand {
    /// Everything held about the person with this dossier number, every case of it (an
    /// access request): JSON, or a readable text.
    #[command(
        after_help = "Example:\n  traject person export D-2023-0042 --format text --lang fr"
    )]
    Export(PersonExportArgs),
    /// Erase the personal data of every case of this dossier number, in one transaction.
    #[command(
        after_help = "Example:\n  traject person erase D-2023-0042 --reason \"art. 17 request of 04/12/2026\""
    )]
    Erase(PersonEraseArgs),
}

#[derive(clap::Args)]
pub struct PersonExportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The dossier number (the referral's `id`).
    pub dossier: String,
    /// json (the stored values with their words), text, or html (a page to hand over).
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
}

/// How an access export is written.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormat {
    Json,
    Text,
    Html,
}

#[derive(clap::Args)]
pub struct PersonEraseArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The dossier number (the referral's `id`).
    pub dossier: String,
    #[arg(long)]
    pub reason: String,
}

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Check a settings file (and the TRAJECT_… variables over it): every problem at its
    /// line and column; when it is good, the settings `serve` would use and where each comes from.
    #[command(
        after_help = "Example:\n  traject config check /etc/traject/traject.toml\n\nExit status: 0 good, 2 a problem."
    )]
    Check(ConfigCheckArgs),
}

#[derive(clap::Args)]
pub struct ConfigCheckArgs {
    /// The settings file (TOML).
    pub file: PathBuf,
    /// Language of the messages (default: the locale's).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

/// How log lines are written.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Coordinator,
    /// Also written `social_worker`, as lists and the API print it.
    #[value(alias = "social_worker")]
    SocialWorker,
    Auditor,
}

impl From<RoleArg> for traject_app::Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Coordinator => traject_app::Role::Coordinator,
            RoleArg::SocialWorker => traject_app::Role::SocialWorker,
            RoleArg::Auditor => traject_app::Role::Auditor,
        }
    }
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input (one line).
    #[command(
        after_help = "Examples:\n  echo 'a long passphrase' | traject user add an --role coordinator --password-stdin\n  traject user add bo --role social-worker --team north --lang fr --password-stdin < pw.txt\n\nIn a store several organisations share, --org gives the user's organisation; a user added\nwithout one works across organisations (e.g. a regional auditor, who sees figures per\norganisation and no person)."
    )]
    Add(UserAddArgs),
    /// List users: name, role, team, language, whether disabled.
    List(UserListArgs),
    /// Set the e-mail address the server's reminders go to (`--remove`: none any more). A
    /// coordinator sets anyone's in their organisation; anyone may set their own.
    #[command(
        after_help = "Examples:\n  traject user email an --email an.peeters@ocmw.example.be --db cases.db\n  traject user email an --remove --db cases.db"
    )]
    Email(UserEmailArgs),
    /// Disable a user: their sessions end at once; the name stays for the audit trail.
    Disable(UserNameArgs),
    /// Set a new password, read from standard input; the user's sessions end.
    Passwd(UserNameArgs),
    /// A second factor (TOTP) for a local account: enrol one (a QR code for the
    /// authenticator app and ten one-time recovery codes, shown once) or remove it.
    #[command(subcommand)]
    Totp(TotpCommand),
}

#[derive(clap::Subcommand)]
pub enum TotpCommand {
    /// Enrol a second factor for NAME (an earlier one stops working): scan the QR code with an
    /// authenticator app and keep the recovery codes somewhere safe.
    #[command(
        after_help = "Examples:\n  traject user totp enroll an --db cases.db\n  traject user totp enroll an --db cases.db --format json\n\nWhich roles must log in with a second factor is a setting of the server:\n  [login]\n  second_factor = [\"coordinator\", \"auditor\"]"
    )]
    Enroll(TotpEnrollArgs),
    /// Remove NAME's second factor (a lost phone and no recovery code left).
    Remove(UserNameArgs),
}

#[derive(clap::Args)]
pub struct TotpEnrollArgs {
    pub name: String,
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct UserAddArgs {
    pub name: String,
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// The team a social worker belongs to (required for social workers).
    #[arg(long)]
    pub team: Option<String>,
    /// Read the password from standard input (the only way: never on the command line).
    #[arg(long, required = true)]
    pub password_stdin: bool,
    /// Where the server's reminders go (for example an.peeters@ocmw.example.be).
    #[arg(long)]
    pub email: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Subcommand)]
pub enum SessionCommand {
    /// Plan one session of a module's group.
    #[command(
        after_help = "Example:\n  traject session add --program <id> --module via --group \"Arabisch 1\" --on 2026-11-02 --at 09:30 --minutes 180"
    )]
    Add(SessionAddArgs),
    /// Plan a period's sessions from the module's weekly rhythm (its `schedule:`); days that
    /// have a session already are skipped.
    #[command(
        after_help = "Example:\n  traject session plan --program <id> --module via --group \"Arabisch 1\" --from 2026-11-02 --to 2026-12-11 --at 09:30 --minutes 180\n\nWithout weekdays in the module, sessions fall on working days spread over the week (twice a week: Monday and Wednesday)."
    )]
    Plan(SessionPlanArgs),
    /// The sessions of a period, with how many participants are marked.
    List(SessionListArgs),
    /// One session with its participants and their marks.
    Show(SessionShowArgs),
}

#[derive(clap::Args)]
pub struct SessionWhatArgs {
    /// The programme (its id).
    #[arg(long)]
    pub program: String,
    /// The module (its id in the programme).
    #[arg(long)]
    pub module: String,
    /// The group's name, as the module's enrolments name it.
    #[arg(long)]
    pub group: String,
    /// The starting time, HH:MM, in the server's time zone.
    #[arg(long, value_parser = parse_clock)]
    pub at: Option<u32>,
    /// How long a session lasts, in minutes (1 to 600): counted as hours of group guidance.
    #[arg(long)]
    pub minutes: Option<u32>,
}

#[derive(clap::Args)]
pub struct SessionAddArgs {
    #[command(flatten)]
    pub what: SessionWhatArgs,
    /// The day of the session.
    #[arg(long)]
    pub on: chrono::NaiveDate,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(clap::Args)]
pub struct SessionPlanArgs {
    #[command(flatten)]
    pub what: SessionWhatArgs,
    /// The first day of the period.
    #[arg(long)]
    pub from: chrono::NaiveDate,
    /// The last day of the period (at most a year later).
    #[arg(long)]
    pub to: chrono::NaiveDate,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(clap::Args)]
pub struct SessionListArgs {
    /// Only this programme's sessions.
    #[arg(long)]
    pub program: Option<String>,
    /// From this day (default: four weeks ago).
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
    /// Until this day (default: four weeks ahead).
    #[arg(long)]
    pub to: Option<chrono::NaiveDate>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(clap::Args)]
pub struct SessionShowArgs {
    /// The session's number (from `session list`).
    pub session: i64,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(clap::Args)]
pub struct AttendanceArgs {
    /// The session's number (from `session list`).
    pub session: i64,
    /// The cases of the participants who came.
    #[arg(long, num_args = 1..)]
    pub present: Vec<i64>,
    /// The cases of those absent with an excuse.
    #[arg(long, num_args = 1..)]
    pub excused: Vec<i64>,
    /// The cases of those absent without an excuse.
    #[arg(long, num_args = 1..)]
    pub absent: Vec<i64>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(clap::Args)]
pub struct RemindArgs {
    /// Print the digests instead of sending them.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(clap::Args)]
pub struct CalendarArgs {
    /// The user whose agenda it is.
    pub user: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(clap::Args)]
pub struct UserEmailArgs {
    pub name: String,
    /// The new address.
    #[arg(long, required_unless_present = "remove")]
    pub email: Option<String>,
    /// Remove the address: no reminders by e-mail any more.
    #[arg(long, conflicts_with = "email")]
    pub remove: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(clap::Args)]
pub struct UserNameArgs {
    pub name: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(clap::Args)]
pub struct UserListArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("subject").required(true).args(["case", "user"])))]
pub struct AuditArgs {
    /// A case id.
    #[arg(long)]
    pub case: Option<i64>,
    /// A user name.
    #[arg(long)]
    pub user: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct CaseContinuityArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    /// Why (for a pause); do not write personal data here.
    #[arg(long)]
    pub reason: Option<String>,
    /// The day a pause is planned to end (within the programme's longest pause).
    #[arg(long)]
    pub until: Option<chrono::NaiveDate>,
    #[arg(long)]
    pub program: Option<String>,
}

#[derive(clap::Args)]
pub struct CaseContactArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    /// How the worker and the client met.
    #[arg(long, value_enum)]
    pub kind: ContactKindArg,
    /// How long, in minutes (1 to 600).
    #[arg(long)]
    pub minutes: u32,
    /// Read a short note from standard input (at most 500 characters).
    #[arg(long)]
    pub note_stdin: bool,
    /// The day the contact took place (today by default).
    #[arg(long)]
    pub on: Option<chrono::NaiveDate>,
}

#[derive(clap::Args)]
pub struct CaseAppointArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    pub id: i64,
    /// How the worker and the client are to meet.
    #[arg(long, value_enum)]
    pub kind: ContactKindArg,
    /// The day (today or later).
    #[arg(long)]
    pub on: chrono::NaiveDate,
    /// The time, HH:MM, in the server's time zone.
    #[arg(long, value_parser = parse_clock)]
    pub at: Option<u32>,
    /// How long, in minutes (1 to 600).
    #[arg(long)]
    pub minutes: Option<u32>,
}

/// How a worker and a client met, as the command line writes it.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ContactKindArg {
    Intake,
    IndividualGuidance,
    HomeVisit,
    Phone,
    Group,
}

impl From<ContactKindArg> for traject_cases::event::ContactKind {
    fn from(k: ContactKindArg) -> Self {
        use traject_cases::event::ContactKind as K;
        match k {
            ContactKindArg::Intake => K::Intake,
            ContactKindArg::IndividualGuidance => K::IndividualGuidance,
            ContactKindArg::HomeVisit => K::HomeVisit,
            ContactKindArg::Phone => K::Phone,
            ContactKindArg::Group => K::Group,
        }
    }
}

#[derive(clap::Args)]
pub struct CaseCohortArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The module whose groups the cases join.
    #[arg(long)]
    pub module: String,
    /// The cases, by id.
    #[arg(required = true)]
    pub ids: Vec<i64>,
    #[arg(long)]
    pub program: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// `--lang`: nl, fr or en.
/// `--at`: a time of day as HH:MM.
fn parse_clock(s: &str) -> Result<u32, String> {
    traject_app::sessions::minute_of_day(s)
        .ok_or_else(|| format!("'{s}' is not a time of day: write HH:MM, e.g. 09:30"))
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse().map_err(|e: traject_model::text::UnknownLang| {
        format!("unknown language '{}': use nl, fr or en", e.given)
    })
}

/// `--state`: a case state by its code, worded in the terminal's language when unknown.
fn parse_state(s: &str) -> Result<traject_cases::CaseState, String> {
    s.parse().map_err(|e: traject_cases::UnknownState| {
        traject_i18n::catalogue::unknown_state(&e.given, traject_i18n::locale_lang())
    })
}
