//! The case verbs (`case new|import|list|show|history|start|evaluate|close|drop|not-start`,
//! `due`, `caseload`): open the store, call `traject_app::cases`, render.

use traject_app::cases::{self, CaseFilter, Ending, EvaluationInput};
use traject_app::{AppError, FilePrograms, Programs};
use traject_cases as lifecycle;
use traject_cases::{Freed, StartOutcome};
use traject_i18n::Lang;
use traject_model::program::LoadOptions;
use traject_store::Store;

use super::args::*;
use super::{print_json, render, Done, Verb};

/// The language of a confirmation line: `--lang`, else the locale's (as for errors).
fn lang_of(store: &StoreArgs) -> Lang {
    store.lang.unwrap_or_else(traject_i18n::locale_lang)
}

/// One line for a reader of `lang`: the English, or the Dutch or French built alongside.
fn tell(lang: Lang, en: String, nl: String, fr: String) -> String {
    traject_i18n::prose(&traject_i18n::say(lang, nl, fr, en), lang)
}

/// What a case verb did, as "case 12 …" in each language.
fn done_words(lang: Lang, id: i64, en: &str, nl: &str, fr: &str) -> String {
    tell(
        lang,
        format!("case {id} {en}"),
        format!("dossier {id} {nl}"),
        format!("dossier {id} {fr}"),
    )
}

pub fn run(cmd: CaseCommand) -> Verb {
    match cmd {
        CaseCommand::New(args) => cmd_case_new(args),
        CaseCommand::Import(args) => cmd_case_import(args),
        CaseCommand::List(args) => cmd_case_list(args),
        CaseCommand::Show(args) => cmd_case_show(args),
        CaseCommand::History(args) => cmd_case_history(args),
        CaseCommand::Start(args) => cmd_case_start(args),
        CaseCommand::Evaluate(args) => cmd_case_evaluate(args),
        CaseCommand::Close(args) => finish(
            &args.store,
            args.id,
            args.program,
            Ending::Close,
            &args.destination,
            ["closed", "afgesloten", "clôturé"],
        ),
        CaseCommand::Drop(args) => finish(
            &args.store,
            args.id,
            args.program,
            Ending::Drop,
            &args.reason,
            ["dropped", "afgehaakt", "abandonné"],
        ),
        CaseCommand::NotStart(args) => finish(
            &args.store,
            args.id,
            args.program,
            Ending::NotStart,
            &args.reason,
            ["will not start", "start niet", "ne démarrera pas"],
        ),
        CaseCommand::Enrol(args) => enrol(args, false),
        CaseCommand::EnrolCohort(args) => cmd_enrol_cohort(args),
        CaseCommand::Leave(args) => enrol(args, true),
        CaseCommand::Migrate(args) => cmd_case_migrate(args),
        CaseCommand::Export(args) => cmd_case_export(args),
        CaseCommand::Contact(args) => contact(args),
        CaseCommand::Appoint(args) => appoint(args),
        CaseCommand::Pause(args) => continuity(
            args,
            cases::Continuity::Pause,
            ["paused", "gepauzeerd", "mis en pause"],
        ),
        CaseCommand::Resume(args) => continuity(
            args,
            cases::Continuity::Resume,
            ["resumed", "hervat", "repris"],
        ),
        CaseCommand::Reopen(args) => continuity(
            args,
            cases::Continuity::Reopen,
            [
                "re-opened: referred again, start it when the client is ready",
                "heropend: opnieuw aangemeld, start het wanneer de cliënt klaar is",
                "rouvert : orienté à nouveau, démarrez-le quand le client est prêt",
            ],
        ),
        CaseCommand::Erase(args) => cmd_case_erase(args),
        CaseCommand::Assess(args) => rejudge(args, lifecycle::Judgement::Assessment),
        CaseCommand::Correct(args) => rejudge(args, lifecycle::Judgement::Correction),
    }
}

/// `case assess` and `case correct`: record the facts, show the verdict before and after.
fn rejudge(args: CaseRejudgeArgs, judgement: lifecycle::Judgement) -> Verb {
    let lang = lang_of(&args.store);
    let (mut db, ctx) = open_as(&args.store)?;
    let programs = programs(args.program.clone());
    let reason = args.reason.as_deref();
    let (done, labels) = cases::rejudge(
        &mut db,
        &programs,
        args.id,
        judgement,
        &args.facts,
        reason,
        &ctx,
    )?;
    if matches!(args.format, Format::Json) {
        print_json(&done);
        return Ok(Done::Success);
    }
    let payload = serde_json::to_value(&done).unwrap_or_default();
    let words = traject_render::access::payload_in_words(&payload, &labels, lang);
    let id = args.id;
    println!(
        "{}",
        tell(
            lang,
            format!("case {id}: {words}"),
            format!("dossier {id}: {words}"),
            format!("dossier {id} : {words}"),
        )
    );
    Ok(Done::Success)
}

fn cmd_case_migrate(args: CaseMigrateArgs) -> Verb {
    let (mut db, ctx) = open_as(&args.store)?;
    let programs = programs(args.program);
    cases::migrate(&mut db, &programs, args.id, &args.to_version, &ctx)?;
    let v = &args.to_version;
    println!(
        "{}",
        done_words(
            lang_of(&args.store),
            args.id,
            &format!("now follows version {v} as it is now"),
            &format!("volgt nu versie {v} zoals ze nu is"),
            &format!("suit maintenant la version {v} telle qu'elle est"),
        )
    );
    Ok(Done::Success)
}

fn cmd_case_erase(args: CaseEraseArgs) -> Verb {
    let (mut db, ctx) = open_as(&args.store)?;
    cases::erase(&mut db, args.id, &args.reason, &ctx)?;
    let (id, lang) = (args.id, lang_of(&args.store));
    println!(
        "{}",
        tell(
            lang,
            format!("case {id}: personal data erased"),
            format!("dossier {id}: persoonsgegevens gewist"),
            format!("dossier {id} : données personnelles effacées"),
        )
    );
    Ok(Done::Success)
}

fn enrol(args: CaseEnrolArgs, leave: bool) -> Verb {
    let (mut db, ctx) = open_as(&args.store)?;
    let (id, module) = (args.id, args.module.as_str());
    let programs = programs(args.program.clone());
    let group = args.group.as_deref();
    cases::enrol(&mut db, &programs, id, module, group, leave, &ctx)?;
    let [en, nl, fr] = if leave {
        ["left", "verliet", "quitte le"]
    } else {
        ["joined", "neemt deel aan", "rejoint le"]
    };
    let lang = lang_of(&args.store);
    println!(
        "{}",
        done_words(
            lang,
            id,
            &format!("{en} module {module}"),
            &format!("{nl} module {module}"),
            &format!("{fr} module {module}"),
        )
    );
    Ok(Done::Success)
}

/// Open the store and say who acts there (see `traject_app::users::acting`).
pub fn open_as(args: &StoreArgs) -> Result<(Store, traject_app::Ctx), AppError> {
    let store = Store::connect(&args.db)?;
    let on = args.as_of.unwrap_or_else(super::today);
    let ctx = traject_app::users::acting(&store, args.actor.as_deref(), args.org.clone(), on)?;
    Ok((store, ctx))
}

/// Programmes of stored cases: `programs/<id>.yaml` here, else the bundled one, unless
/// `--program` names another file.
fn programs(explicit: Option<String>) -> FilePrograms {
    FilePrograms::here().with_explicit(explicit)
}

fn continuity(args: CaseContinuityArgs, what: cases::Continuity, done: [&str; 3]) -> Verb {
    let lang = lang_of(&args.store);
    let (mut db, ctx) = open_as(&args.store)?;
    let freed = cases::continuity(
        &mut db,
        &programs(args.program),
        args.id,
        what,
        args.reason.as_deref(),
        args.until,
        &ctx,
    )?;
    let [en, nl, fr] = done;
    println!("{}", done_words(lang, args.id, en, nl, fr));
    print_freed(&freed, lang);
    Ok(Done::Success)
}

/// The longest note read from standard input: more than a note may hold, so that a longer one
/// is refused with its length rather than cut.
const NOTE_READ_LIMIT: u64 = 8 * 1024;

fn appoint(args: CaseAppointArgs) -> Verb {
    let lang = lang_of(&args.store);
    let (mut db, ctx) = open_as(&args.store)?;
    let appointment = traject_cases::event::Appointed {
        kind: args.kind.into(),
        day: args.on,
        at_minute: args.at,
        minutes: args.minutes,
    };
    cases::appoint(&mut db, args.id, &appointment, &ctx)?;
    let day = traject_i18n::date(args.on, lang);
    println!(
        "{}",
        done_words(
            lang,
            args.id,
            &format!("— appointment planned on {day}"),
            &format!("— afspraak gepland op {day}"),
            &format!("— rendez-vous planifié le {day}"),
        )
    );
    Ok(Done::Success)
}

fn contact(args: CaseContactArgs) -> Verb {
    let lang = lang_of(&args.store);
    let note = if args.note_stdin {
        use std::io::Read;
        let mut text = String::new();
        std::io::stdin()
            .take(NOTE_READ_LIMIT)
            .read_to_string(&mut text)
            .map_err(|e| {
                let reason = format!("note: {e}");
                super::file_problem(
                    "<stdin>",
                    traject_model::problem::FileProblem::CannotRead { reason },
                )
            })?;
        Some(text)
    } else {
        None
    };
    let (mut db, ctx) = open_as(&args.store)?;
    let input = cases::ContactInput {
        kind: args.kind.into(),
        minutes: args.minutes,
        note,
        on: args.on,
    };
    cases::contact(&mut db, args.id, &input, &ctx)?;
    println!(
        "{}",
        done_words(
            lang,
            args.id,
            "— contact recorded",
            "— contact vastgelegd",
            "— contact enregistré"
        )
    );
    Ok(Done::Success)
}

fn print_freed(freed: &Freed, lang: Lang) {
    if let Some(next) = freed.next_started {
        println!(
            "{}",
            tell(
                lang,
                format!("slot freed: case {next} comes off the waiting list and starts"),
                format!("plaats vrij: dossier {next} komt van de wachtlijst en start"),
                format!("place libérée : le dossier {next} sort de la liste d'attente et démarre"),
            )
        );
    }
}

fn cmd_case_new(args: CaseNewArgs) -> Verb {
    let compiled = FilePrograms::here().open(&args.program, &LoadOptions::default())?;
    let (r, _) = traject_model::referral::read_file(&args.referral)?;
    let (mut db, ctx) = open_as(&args.store)?;
    let created = match &args.after_erasure {
        Some(reason) => cases::new_case_after_erasure(&mut db, &compiled, &r, reason, &ctx)?,
        None => cases::new_case(&mut db, &compiled, &r, &ctx)?,
    };
    println!("{}", created.id);
    let lang = lang_of(&args.store);
    let verdict =
        traject_i18n::vocabulary::term("verdict", created.verdict, lang).unwrap_or(created.verdict);
    eprintln!(
        "{}",
        done_words(
            lang,
            created.id,
            &format!("created ({verdict})"),
            &format!("aangemaakt ({verdict})"),
            &format!("créé ({verdict})"),
        )
    );
    Ok(Done::Success)
}

fn cmd_case_import(args: CaseImportArgs) -> Verb {
    let compiled = FilePrograms::here().open(&args.program, &LoadOptions::default())?;
    let (shown, batch) = args.table.input(&args.csv).open().map_err(AppError::from)?;
    let (mut db, ctx) = open_as(&args.store)?;
    let lang = lang_of(&args.store);
    let after_erasure = args.after_erasure.as_deref();
    match cases::import(&mut db, &compiled, &shown, batch, after_erasure, &ctx) {
        Ok(done) => {
            println!("{}", imported_words(&done, lang));
            Ok(Done::Success)
        }
        Err(AppError::Rows(diags)) => {
            for d in &diags {
                eprint!("{}", super::words::row(d, lang));
            }
            let n = diags.len();
            eprintln!(
                "{}",
                tell(
                    lang,
                    format!("nothing imported: {n} problem(s); fix the rows and import again"),
                    format!("niets geïmporteerd: {n} probleem/problemen; verbeter de rijen en importeer opnieuw"),
                    format!("rien n'a été importé : {n} problème(s) ; corrigez les lignes et importez à nouveau"),
                )
            );
            Ok(Done::Failed)
        }
        Err(e) => Err(e),
    }
}

/// What an import did: the cases it created, and the rows it skipped because their referral
/// has its case already.
fn imported_words(done: &cases::Imported, lang: Lang) -> String {
    let n = done.created.len();
    let mut out = match (done.created.first(), done.created.last()) {
        (Some(first), Some(last)) => tell(
            lang,
            format!("{n} cases imported ({first}–{last})"),
            format!("{n} dossiers geïmporteerd ({first}–{last})"),
            format!("{n} dossiers importés ({first}–{last})"),
        ),
        _ => tell(
            lang,
            "no new cases imported".into(),
            "geen nieuwe dossiers geïmporteerd".into(),
            "aucun nouveau dossier importé".into(),
        ),
    };
    if !done.present.is_empty() {
        let k = done.present.len();
        out.push('\n');
        out.push_str(&tell(
            lang,
            format!("{k} rows already present, skipped (the same referral has a case already):"),
            format!(
                "{k} rijen al aanwezig, overgeslagen (dezelfde aanmelding heeft al een dossier):"
            ),
            format!(
                "{k} lignes déjà présentes, ignorées (la même orientation a déjà un dossier) :"
            ),
        ));
        for p in &done.present {
            let (line, dossier, case) = (p.line, &p.dossier, p.case);
            out.push('\n');
            out.push_str(&tell(
                lang,
                format!("  line {line}: dossier {dossier} is case {case}"),
                format!("  regel {line}: referentie {dossier} is dossier {case}"),
                format!("  ligne {line} : la référence {dossier} est le dossier {case}"),
            ));
        }
    }
    out
}

fn cmd_enrol_cohort(args: CaseCohortArgs) -> Verb {
    let (mut db, ctx) = open_as(&args.store)?;
    let cohort = cases::enrol_cohort(
        &mut db,
        &programs(args.program),
        &args.module,
        &args.ids,
        &ctx,
    )?;
    match args.format {
        Format::Json => {
            let mut value = serde_json::to_value(&cohort).unwrap_or_default();
            let notes = &cohort.routing.notes;
            value["routing"]["notes"] =
                traject_render::route::notes_json(notes, lang_of(&args.store));
            print_json(&value)
        }
        Format::Text => render::cohort(&cohort, lang_of(&args.store)),
    }
    Ok(Done::Success)
}

fn cmd_case_export(args: CaseExportArgs) -> Verb {
    let (mut db, ctx) = open_as(&args.store)?;
    let export = cases::export(&mut db, &programs(args.program), args.id, &ctx)?;
    let lang = args
        .store
        .lang
        .unwrap_or_else(|| render::Words::new(None, Some(&export.case.program)).lang);
    print!("{}", access_export(&[export], None, args.format, lang));
    Ok(Done::Success)
}

fn cmd_case_list(args: CaseListArgs) -> Verb {
    let (db, ctx) = open_as(&args.store)?;
    let filter = CaseFilter {
        program: args.program,
        state: args.state,
        limit: args.limit,
        dossier: args.dossier,
    };
    let rows = cases::list(&db, &filter, &ctx)?;
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
    let (mut db, ctx) = open_as(&args.store)?;
    let view = cases::show(&mut db, args.id, &ctx)?;
    let w = render::Words::new(args.store.lang, Some(&view.case.program));
    w.print(&render::case_view(&w, &view));
    Ok(Done::Success)
}

fn cmd_case_history(args: CaseHistoryArgs) -> Verb {
    let (mut db, ctx) = open_as(&args.store)?;
    let (program, events) = cases::history_with_programme(&mut db, args.id, &ctx)?;
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
    let (mut db, ctx) = open_as(&args.store)?;
    let id = args.id;
    let outcome = cases::start(
        &mut db,
        &programs(args.program),
        id,
        args.track.as_deref(),
        &ctx,
    )?;
    let lang = lang_of(&args.store);
    let said = match outcome {
        StartOutcome::Started => done_words(lang, id, "started", "gestart", "démarré"),
        StartOutcome::Waiting { position } => done_words(
            lang,
            id,
            &format!("waits: the team is full; position {position} on the waiting list"),
            &format!("wacht: het team is volzet; plaats {position} op de wachtlijst"),
            &format!("attend : l'équipe est complète ; position {position} sur la liste d'attente"),
        ),
    };
    println!("{said}");
    Ok(Done::Success)
}

fn cmd_case_evaluate(args: CaseEvaluateArgs) -> Verb {
    let (mut db, ctx) = open_as(&args.store)?;
    let id = args.id;
    let input = EvaluationInput {
        evaluation: args.evaluation,
        decision: args.decision,
        goals: args.goals,
        score: args.score,
        extend_by: args.extend_by,
        destination: args.destination,
        reason: args.reason,
    };
    let freed = cases::evaluate(&mut db, &programs(args.program), id, &input, &ctx)?;
    let lang = lang_of(&args.store);
    let e = &input.evaluation;
    let decision = input
        .decision
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    println!(
        "{}",
        tell(
            lang,
            format!("case {id}: evaluation {e} recorded{decision}"),
            format!("dossier {id}: evaluatie {e} vastgelegd{decision}"),
            format!("dossier {id} : évaluation {e} enregistrée{decision}"),
        )
    );
    if let Some(f) = &freed {
        print_freed(f, lang);
    }
    Ok(Done::Success)
}

/// Close, drop or not-start a case, and say so (`done` in English, Dutch and French) and who
/// comes off the waiting list.
fn finish(
    store: &StoreArgs,
    id: i64,
    program: Option<String>,
    ending: Ending,
    exit: &str,
    done: [&str; 3],
) -> Verb {
    let (mut db, ctx) = open_as(store)?;
    let freed = cases::finish(&mut db, &programs(program), id, ending, exit, &ctx)?;
    let lang = lang_of(store);
    let [en, nl, fr] = done.map(|d| format!("{d} ({exit})"));
    println!("{}", done_words(lang, id, &en, &nl, &fr));
    print_freed(&freed, lang);
    Ok(Done::Success)
}

pub fn cmd_due(args: DueArgs) -> Verb {
    let (db, mut ctx) = open_as(&args.store)?;
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
    let (mut db, ctx) = open_as(&args.store)?;
    let expired = cases::apply_retention(&mut db, &FilePrograms::here(), args.dry_run, &ctx)?;
    match args.format {
        Format::Json => print_json(&serde_json::json!({"dry_run": args.dry_run, "cases": expired})),
        Format::Text => {
            let lang = lang_of(&args.store);
            let [case, ended, last, kept] = match lang {
                Lang::Nl => ["dossier", "beëindigd", "laatste gebeurtenis", "bewaard"],
                Lang::Fr => ["dossier", "terminé le", "dernier événement le", "conservé"],
                Lang::En => ["case", "ended", "last event", "kept"],
            };
            for e in &expired {
                let on = render::Words::new(Some(lang), None).day(e.from);
                let from = match e.counted_from {
                    cases::CountedFrom::End => ended,
                    cases::CountedFrom::LastEvent => last,
                };
                println!(
                    "{case} {:>6}  {:<10} {from} {on}  ({kept} {})",
                    e.case, e.program, e.erase_after
                );
            }
            let (n, on) = (
                expired.len(),
                traject_i18n::date(ctx.on, lang_of(&args.store)),
            );
            let said = match args.dry_run {
                true => tell(
                    lang_of(&args.store),
                    format!("{n} case(s) would be erased on {on}"),
                    format!("{n} dossier(s) zou(den) gewist worden op {on}"),
                    format!("{n} dossier(s) serai(en)t effacé(s) le {on}"),
                ),
                false => tell(
                    lang_of(&args.store),
                    format!("{n} case(s) erased on {on}"),
                    format!("{n} dossier(s) gewist op {on}"),
                    format!("{n} dossier(s) effacé(s) le {on}"),
                ),
            };
            println!("{said}");
        }
    }
    Ok(Done::Success)
}

pub fn cmd_caseload(args: CaseloadArgs) -> Verb {
    let (db, ctx) = open_as(&args.store)?;
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

/// Access exports written as asked: one case's alone, or a person's cases under their
/// dossier number.
fn access_export(
    exports: &[cases::Export],
    dossier: Option<&str>,
    format: ExportFormat,
    lang: Lang,
) -> String {
    use traject_render::access;
    let views: Vec<_> = exports.iter().map(|x| access::view(x, lang)).collect();
    match (format, dossier) {
        (ExportFormat::Json, None) => json_string(&views[0]),
        (ExportFormat::Json, Some(d)) => {
            json_string(&serde_json::json!({"dossier": d, "cases": views}))
        }
        (ExportFormat::Text, _) => views
            .iter()
            .map(access::text)
            .collect::<Vec<_>>()
            .join(&format!("\n{}\n\n", "=".repeat(72))),
        (ExportFormat::Html, _) => {
            let articles: Vec<String> = views.iter().map(access::html).collect();
            let title = match dossier {
                Some(d) => format!(
                    "{} {d}",
                    traject_i18n::say(lang, "Inzage", "Accès", "Access")
                ),
                None => access::title(&views[0], lang),
            };
            access::page(&title, &articles, lang)
        }
    }
}

fn json_string(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

pub fn cmd_person(cmd: PersonCommand) -> Verb {
    match cmd {
        PersonCommand::Export(args) => {
            let (mut db, ctx) = open_as(&args.store)?;
            let person = cases::person_export(&mut db, &programs(None), &args.dossier, &ctx)?;
            let lang = args.store.lang.unwrap_or_else(|| {
                render::Words::new(None, Some(&person.cases[0].case.program)).lang
            });
            let dossier = Some(person.dossier.as_str());
            print!(
                "{}",
                access_export(&person.cases, dossier, args.format, lang)
            );
        }
        PersonCommand::Erase(args) => {
            let (mut db, ctx) = open_as(&args.store)?;
            let erased = cases::person_erase(&mut db, &args.dossier, &args.reason, &ctx)?;
            let list = erased
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let lang = lang_of(&args.store);
            println!(
                "{}",
                tell(
                    lang,
                    format!("erased: case(s) {list}"),
                    format!("gewist: dossier(s) {list}"),
                    format!("effacé(s) : dossier(s) {list}"),
                )
            );
        }
    }
    Ok(Done::Success)
}
