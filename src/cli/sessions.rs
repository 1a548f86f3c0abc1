//! The group-session verbs (`session add|plan|list|show`, `attendance`) and the reminder
//! e-mails (`remind`): open the store, call `traject_app`, say what was done in the reader's
//! language.

use chrono::Days;
use traject_app::sessions::{self, PlanInput, SessionInput};
use traject_app::FilePrograms;
use traject_cases::event::Presence;
use traject_cases::records::SessionRow;
use traject_i18n::Lang;

use super::args::*;
use super::cases::open_as;
use super::{print_json, Done, Verb};

fn lang_of(store: &StoreArgs) -> Lang {
    store.lang.unwrap_or_else(traject_i18n::locale_lang)
}

fn say(lang: Lang, nl: String, fr: String, en: String) -> String {
    traject_i18n::prose(&traject_i18n::say(lang, nl, fr, en), lang)
}

fn when(s: &SessionRow, lang: Lang) -> String {
    traject_render::words::session_when(s.on, s.at_minute, lang)
}

pub fn run(cmd: SessionCommand) -> Verb {
    match cmd {
        SessionCommand::Add(args) => add(args),
        SessionCommand::Plan(args) => plan(args),
        SessionCommand::List(args) => list(args),
        SessionCommand::Show(args) => show(args),
    }
}

fn add(args: SessionAddArgs) -> Verb {
    let lang = lang_of(&args.store);
    let (mut store, ctx) = open_as(&args.store)?;
    let w = &args.what;
    let input = SessionInput {
        program: w.program.clone(),
        module: w.module.clone(),
        group: w.group.clone(),
        on: args.on,
        at_minute: w.at,
        minutes: w.minutes,
    };
    let id = sessions::add(&mut store, &FilePrograms::here(), &input, &ctx)?;
    let day = traject_i18n::date(args.on, lang);
    println!(
        "{}",
        say(
            lang,
            format!("groepssessie {id} gepland op {day}"),
            format!("séance de groupe {id} planifiée le {day}"),
            format!("group session {id} planned on {day}"),
        )
    );
    Ok(Done::Success)
}

fn plan(args: SessionPlanArgs) -> Verb {
    let lang = lang_of(&args.store);
    let (mut store, ctx) = open_as(&args.store)?;
    let w = &args.what;
    let input = PlanInput {
        program: w.program.clone(),
        module: w.module.clone(),
        group: w.group.clone(),
        from: args.from,
        to: args.to,
        at_minute: w.at,
        minutes: w.minutes,
    };
    let planned = sessions::plan(&mut store, &FilePrograms::here(), &input, &ctx)?;
    let (n, skipped) = (planned.added.len(), planned.skipped.len());
    println!(
        "{}",
        say(
            lang,
            format!("{n} groepssessies gepland, {skipped} dagen hadden er al een"),
            format!("{n} séances de groupe planifiées, {skipped} jours en avaient déjà une"),
            format!("{n} group sessions planned, {skipped} days had one already"),
        )
    );
    for (id, on) in &planned.added {
        println!("  {id:>6}  {}", traject_i18n::date(*on, lang));
    }
    if planned.minutes.is_none() && !planned.added.is_empty() {
        println!(
            "{}",
            say(
                lang,
                "zonder duur tellen deze sessies niet mee in de uren begeleiding: geef --minutes".into(),
                "sans durée, ces séances ne comptent pas dans les heures d'accompagnement : indiquez --minutes".into(),
                "without a length these sessions do not count in the hours of guidance: give --minutes".into(),
            )
        );
    }
    Ok(Done::Success)
}

fn list(args: SessionListArgs) -> Verb {
    let lang = lang_of(&args.store);
    let (store, ctx) = open_as(&args.store)?;
    let from = args.from.unwrap_or(ctx.on - Days::new(28));
    let to = args.to.unwrap_or(ctx.on + Days::new(28));
    let rows = sessions::list(&store, args.program.as_deref(), from, to, &ctx)?;
    match args.format {
        Format::Json => print_json(&rows),
        Format::Text => {
            for s in &rows {
                let length = s.minutes.map(|m| format!("{m} min")).unwrap_or_default();
                let marked = say(
                    lang,
                    format!("{} aangeduid", s.marked),
                    format!("{} indiqués", s.marked),
                    format!("{} marked", s.marked),
                );
                println!(
                    "{:>6}  {:<17} {} / {} / {}  {length}  {marked}",
                    s.id,
                    when(s, lang),
                    s.program,
                    s.module,
                    s.group
                );
            }
        }
    }
    Ok(Done::Success)
}

fn show(args: SessionShowArgs) -> Verb {
    let lang = lang_of(&args.store);
    let (store, ctx) = open_as(&args.store)?;
    let sheet = sessions::sheet(&store, args.session, &ctx)?;
    match args.format {
        Format::Json => print_json(&serde_json::json!({
            "session": sheet.session,
            "participants": sheet.participants,
        })),
        Format::Text => {
            let s = &sheet.session;
            println!(
                "{}  {} / {} / {}",
                when(s, lang),
                s.program,
                s.module,
                s.group
            );
            for p in &sheet.participants {
                let mark = match p.presence {
                    Some(presence) => traject_i18n::value_label(presence.as_str(), lang),
                    None => traject_i18n::say(
                        lang,
                        "nog niet aangeduid",
                        "pas encore indiqué",
                        "not marked yet",
                    )
                    .to_string(),
                };
                let case = traject_i18n::say(lang, "dossier", "dossier", "case");
                println!("  {case} {:<8} {mark}", p.case);
            }
        }
    }
    Ok(Done::Success)
}

pub fn attendance(args: AttendanceArgs) -> Verb {
    let lang = lang_of(&args.store);
    let (mut store, ctx) = open_as(&args.store)?;
    let marks: Vec<(i64, Presence)> = [
        (&args.present, Presence::Present),
        (&args.excused, Presence::Excused),
        (&args.absent, Presence::Absent),
    ]
    .into_iter()
    .flat_map(|(ids, p)| ids.iter().map(move |&id| (id, p)))
    .collect();
    let n = sessions::record(&mut store, args.session, &marks, &ctx)?;
    let id = args.session;
    println!(
        "{}",
        say(
            lang,
            format!("aanwezigheid van {n} deelnemers vastgelegd voor groepssessie {id}"),
            format!("présence de {n} participants enregistrée pour la séance de groupe {id}"),
            format!("attendance of {n} participants recorded for group session {id}"),
        )
    );
    Ok(Done::Success)
}

pub fn remind(args: RemindArgs, mail: Option<&traject_app::mail::MailSettings>) -> Verb {
    use traject_app::mail::MailProblem;
    use traject_app::reminders::{self, Outcome};
    let lang = lang_of(&args.store);
    let (mut store, ctx) = open_as(&args.store)?;
    let clock = super::CLOCK.get().cloned().unwrap_or_default();
    let days = mail.map_or(traject_app::mail::DEFAULT_REMINDER_DAYS, |m| m.days());
    let digests = reminders::digests(&store, &FilePrograms::here(), &clock, days, &ctx)?;
    if args.dry_run {
        for d in &digests {
            let (subject, body) = traject_render::reminders::message(d);
            println!("To: {} <{}>\nSubject: {subject}\n\n{body}", d.user, d.email);
        }
        return Ok(Done::Success);
    }
    let mail = mail.ok_or(MailProblem::NotConfigured)?;
    let mut failure = None;
    let mut failed = 0;
    for d in &digests {
        let (subject, body) = traject_render::reminders::message(d);
        match reminders::send_once(&mut store, mail, d, &subject, &body, &ctx)? {
            Outcome::Sent => println!(
                "{}",
                say(
                    lang,
                    format!("verstuurd: {}", d.user),
                    format!("envoyé : {}", d.user),
                    format!("sent: {}", d.user),
                )
            ),
            Outcome::AlreadySent => println!(
                "{}",
                say(
                    lang,
                    format!("al eerder verstuurd: {}", d.user),
                    format!("déjà envoyé : {}", d.user),
                    format!("sent before: {}", d.user),
                )
            ),
            Outcome::Failed(e) => {
                failed += 1;
                failure = Some(e);
            }
        }
    }
    match failure {
        Some(e) => Err(MailProblem::Failed {
            host: e.host,
            reason: e.reason,
            failed,
        }
        .into()),
        None => Ok(Done::Success),
    }
}
