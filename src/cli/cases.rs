//! The case verbs (`case new|import|list|show|history|start|evaluate|close|drop|not-start`,
//! `due`, `caseload`): open the store, call `traject::app::cases`, render.

use traject::app::cases::{self, CaseFilter, Ending, EvaluationInput};
use traject::app::{AppError, FilePrograms, Programs};
use traject::engine::{Freed, StartOutcome};
use traject::program::LoadOptions;
use traject::store::Store;

use super::args::*;
use super::{print_json, render, Done, Verb};

pub fn run(cmd: CaseCommand) -> Verb {
    match cmd {
        CaseCommand::New(args) => cmd_case_new(args),
        CaseCommand::Import(args) => cmd_case_import(args),
        CaseCommand::List(args) => cmd_case_list(args),
        CaseCommand::Show(args) => cmd_case_show(args),
        CaseCommand::History(args) => cmd_case_history(args),
        CaseCommand::Start(args) => cmd_case_start(args),
        CaseCommand::Evaluate(args) => cmd_case_evaluate(args),
        CaseCommand::Close(args) => {
            let done = format!("closed ({})", args.destination);
            finish(
                &args.store,
                args.id,
                args.program,
                Ending::Close,
                &args.destination,
                &done,
            )
        }
        CaseCommand::Drop(args) => {
            let done = format!("dropped ({})", args.reason);
            finish(
                &args.store,
                args.id,
                args.program,
                Ending::Drop,
                &args.reason,
                &done,
            )
        }
        CaseCommand::Enrol(args) => enrol(args, false),
        CaseCommand::EnrolCohort(args) => cmd_enrol_cohort(args),
        CaseCommand::Leave(args) => enrol(args, true),
        CaseCommand::Migrate(args) => {
            let mut db = open_store(&args.store)?;
            let programs = programs(args.program);
            cases::migrate(
                &mut db,
                &programs,
                args.id,
                &args.to_version,
                &args.store.ctx(),
            )?;
            println!(
                "case {} now follows version {} as it is now",
                args.id, args.to_version
            );
            Ok(Done::Success)
        }
        CaseCommand::Export(args) => cmd_case_export(args),
        CaseCommand::Pause(args) => continuity(args, cases::Continuity::Pause, "paused"),
        CaseCommand::Resume(args) => continuity(args, cases::Continuity::Resume, "resumed"),
        CaseCommand::Reopen(args) => continuity(
            args,
            cases::Continuity::Reopen,
            "re-opened: referred again, start it when the client is ready",
        ),
        CaseCommand::Erase(args) => {
            let mut db = open_store(&args.store)?;
            cases::erase(&mut db, args.id, &args.reason, &args.store.ctx())?;
            println!("case {}: personal data erased", args.id);
            Ok(Done::Success)
        }
        CaseCommand::NotStart(args) => {
            let done = format!("will not start ({})", args.reason);
            finish(
                &args.store,
                args.id,
                args.program,
                Ending::NotStart,
                &args.reason,
                &done,
            )
        }
    }
}

fn enrol(args: CaseEnrolArgs, leave: bool) -> Verb {
    let mut db = open_store(&args.store)?;
    let (id, module) = (args.id, args.module.as_str());
    let programs = programs(args.program.clone());
    let group = args.group.as_deref();
    cases::enrol(
        &mut db,
        &programs,
        id,
        module,
        group,
        leave,
        &args.store.ctx(),
    )?;
    let done = if leave { "left" } else { "joined" };
    println!("case {id} {done} module {module}");
    Ok(Done::Success)
}

pub fn open_store(args: &StoreArgs) -> Result<Store, AppError> {
    Ok(Store::connect(&args.db)?)
}

/// Programmes of stored cases: `programs/<id>.yaml` here, else the bundled one, unless
/// `--program` names another file.
fn programs(explicit: Option<String>) -> FilePrograms {
    FilePrograms::here().with_explicit(explicit)
}

fn continuity(args: CaseContinuityArgs, what: cases::Continuity, done: &str) -> Verb {
    let mut db = open_store(&args.store)?;
    let freed = cases::continuity(
        &mut db,
        &programs(args.program),
        args.id,
        what,
        args.reason.as_deref(),
        args.until,
        &args.store.ctx(),
    )?;
    println!("case {} {done}", args.id);
    print_freed(&freed);
    Ok(Done::Success)
}

fn print_freed(freed: &Freed) {
    if let Some(next) = freed.next_started {
        println!("slot freed: case {next} comes off the waiting list and starts");
    }
}

fn cmd_case_new(args: CaseNewArgs) -> Verb {
    let compiled = FilePrograms::here().open(&args.program, &LoadOptions::default())?;
    let (r, _) = traject::referral::read_file(&args.referral)?;
    let mut db = open_store(&args.store)?;
    let created = cases::new_case(&mut db, &compiled, &r, &args.store.ctx())?;
    println!("{}", created.id);
    eprintln!("case {} created ({})", created.id, created.verdict);
    Ok(Done::Success)
}

fn cmd_case_import(args: CaseImportArgs) -> Verb {
    let compiled = FilePrograms::here().open(&args.program, &LoadOptions::default())?;
    let (shown, batch) = args.table.input(&args.csv).open().map_err(AppError::Rows)?;
    let mut db = open_store(&args.store)?;
    match cases::import(&mut db, &compiled, &shown, batch, &args.store.ctx()) {
        Ok(done) => {
            match (done.created.first(), done.created.last()) {
                (Some(first), Some(last)) => {
                    println!("{} cases imported ({first}–{last})", done.created.len())
                }
                _ => println!("no new cases imported"),
            }
            if !done.present.is_empty() {
                println!(
                    "{} rows already present, skipped (the same referral has a case already):",
                    done.present.len()
                );
                for p in &done.present {
                    println!(
                        "  line {}: dossier {} is case {}",
                        p.line, p.dossier, p.case
                    );
                }
            }
            Ok(Done::Success)
        }
        Err(AppError::Rows(diags)) => {
            let lang = args
                .store
                .lang
                .unwrap_or_else(traject::i18n::Lang::of_locale);
            for d in &diags {
                eprint!("{}", d.in_lang(lang).render(None));
            }
            eprintln!(
                "nothing imported: {} problem(s); fix the rows and import again",
                diags.len()
            );
            Ok(Done::Failed)
        }
        Err(e) => Err(e),
    }
}

fn cmd_enrol_cohort(args: CaseCohortArgs) -> Verb {
    let mut db = open_store(&args.store)?;
    let ctx = args.store.ctx();
    let cohort = cases::enrol_cohort(
        &mut db,
        &programs(args.program),
        &args.module,
        &args.ids,
        &ctx,
    )?;
    match args.format {
        Format::Json => print_json(&cohort),
        Format::Text => render::cohort(&cohort),
    }
    Ok(Done::Success)
}

fn cmd_case_export(args: CaseExportArgs) -> Verb {
    let mut db = open_store(&args.store)?;
    let ctx = args.store.ctx();
    let export = cases::export(
        &mut db,
        &programs(args.program),
        args.id,
        args.store.lang,
        &ctx,
    )?;
    match args.format {
        Format::Json => print_json(&export),
        Format::Text => print!("{}", render::export(&export)),
    }
    Ok(Done::Success)
}

fn cmd_case_list(args: CaseListArgs) -> Verb {
    let db = open_store(&args.store)?;
    let filter = CaseFilter {
        program: args.program,
        state: args.state,
        limit: args.limit,
    };
    let rows = cases::list(&db, &filter, &args.store.ctx())?;
    match args.format {
        Format::Json => print_json(&rows),
        Format::Text => render::print_rows(
            args.store.lang,
            filter.program.as_deref(),
            &rows,
            |r| &r.program,
            render::case_line,
        ),
    }
    Ok(Done::Success)
}

fn cmd_case_show(args: CaseShowArgs) -> Verb {
    let mut db = open_store(&args.store)?;
    let view = cases::show(&mut db, args.id, &args.store.ctx())?;
    let w = render::Words::new(args.store.lang, Some(&view.case.program));
    w.print(&render::case_view(&w, &view));
    Ok(Done::Success)
}

fn cmd_case_history(args: CaseHistoryArgs) -> Verb {
    let mut db = open_store(&args.store)?;
    let (program, events) = cases::history_with_programme(&mut db, args.id, &args.store.ctx())?;
    match args.format {
        Format::Json => print_json(&events),
        Format::Text => {
            let w = render::Words::new(args.store.lang, Some(&program));
            let text: String = events.iter().map(|e| render::event_line(&w, e)).collect();
            w.print(&text);
        }
    }
    Ok(Done::Success)
}

fn cmd_case_start(args: CaseStartArgs) -> Verb {
    let mut db = open_store(&args.store)?;
    let id = args.id;
    let outcome = cases::start(
        &mut db,
        &programs(args.program),
        id,
        args.track.as_deref(),
        &args.store.ctx(),
    )?;
    match outcome {
        StartOutcome::Started => println!("case {id} started"),
        StartOutcome::Waiting { position } => {
            println!("case {id} waits: the team is full; position {position} on the waiting list")
        }
    }
    Ok(Done::Success)
}

fn cmd_case_evaluate(args: CaseEvaluateArgs) -> Verb {
    let mut db = open_store(&args.store)?;
    let id = args.id;
    let input = EvaluationInput {
        evaluation: args.evaluation,
        decision: args.decision,
        goals: args.goals,
        score: args.score,
        extend_by: args.extend_by,
        destination: args.destination,
    };
    let freed = cases::evaluate(
        &mut db,
        &programs(args.program),
        id,
        &input,
        &args.store.ctx(),
    )?;
    println!(
        "case {id}: evaluation {} recorded{}",
        input.evaluation,
        input
            .decision
            .map(|d| format!(" ({d})"))
            .unwrap_or_default()
    );
    if let Some(f) = &freed {
        print_freed(f);
    }
    Ok(Done::Success)
}

/// Close, drop or not-start a case, and say who comes off the waiting list.
fn finish(
    store: &StoreArgs,
    id: i64,
    program: Option<String>,
    ending: Ending,
    exit: &str,
    done: &str,
) -> Verb {
    let mut db = open_store(store)?;
    let freed = cases::finish(&mut db, &programs(program), id, ending, exit, &store.ctx())?;
    println!("case {id} {done}");
    print_freed(&freed);
    Ok(Done::Success)
}

pub fn cmd_due(args: DueArgs) -> Verb {
    let db = open_store(&args.store)?;
    let mut ctx = args.store.ctx();
    if let Some(on) = args.on {
        ctx.on = on;
    }
    let rows = cases::due(&db, args.program.as_deref(), &ctx)?;
    match args.format {
        Format::Json => print_json(&serde_json::json!({"on": ctx.on.to_string(), "due": rows})),
        Format::Text => {
            let first = args
                .program
                .as_deref()
                .or(rows.first().map(|r| r.program.as_str()));
            let w = render::Words::new(args.store.lang, first);
            w.print(&render::due(&w, &rows, ctx.on));
        }
    }
    Ok(Done::Success)
}

pub fn cmd_retention(args: RetentionArgs) -> Verb {
    let mut db = open_store(&args.store)?;
    let ctx = args.store.ctx();
    let expired = cases::apply_retention(&mut db, &FilePrograms::here(), args.dry_run, &ctx)?;
    match args.format {
        Format::Json => print_json(&serde_json::json!({"dry_run": args.dry_run, "cases": expired})),
        Format::Text => {
            for e in &expired {
                println!(
                    "case {:>6}  {:<10} ended {}  (kept {})",
                    e.case, e.program, e.ended_on, e.erase_after
                );
            }
            let done = if args.dry_run {
                "would be erased"
            } else {
                "erased"
            };
            println!("{} case(s) {done} on {}", expired.len(), ctx.on);
        }
    }
    Ok(Done::Success)
}

pub fn cmd_caseload(args: CaseloadArgs) -> Verb {
    let db = open_store(&args.store)?;
    let ctx = args.store.ctx();
    let rows = cases::caseload(&db, &FilePrograms::here(), args.program.as_deref(), &ctx)?;
    match args.format {
        Format::Json => print_json(&serde_json::json!({"programs": rows})),
        Format::Text => render::print_rows(
            args.store.lang,
            args.program.as_deref(),
            &rows,
            |r| &r.program,
            render::caseload_line,
        ),
    }
    Ok(Done::Success)
}
