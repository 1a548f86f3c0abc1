//! `traject serve` and `traject user`: start the web application (or its demonstration) and
//! manage who may log in. Passwords are read from standard input only, never from arguments
//! (which other users of the machine can see).

use std::io::BufRead;

use traject_app::users::{self, NewUser};

use super::args::{
    operator, AuditArgs, DbBackupArgs, DbCopyArgs, DbRestoreArgs, DbVerifyArgs, RollupArgs,
    ServeArgs, UserCommand,
};
use super::{file_problem, print_json, words, Done, Format, Verb};
use traject_web::Demo;

pub fn cmd_serve(args: ServeArgs) -> Verb {
    let today = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let demo = if args.demo {
        Some(Demo::create(today, args.programs.as_deref())?)
    } else {
        None
    };
    let opts = traject_web::Options {
        db: demo.as_ref().map_or(args.db.clone(), |d| {
            traject_store::DbTarget::File(d.db.clone())
        }),
        listen: args.listen,
        programs: args.programs,
        as_of: args.as_of,
        public_url: args.public_url.clone(),
        trusted_proxies: args.trusted_proxy.clone(),
        tls: args
            .tls_cert
            .clone()
            .zip(args.tls_key.clone())
            .map(|(cert, key)| traject_web::tls::Files { cert, key }),
        metrics_token: args.metrics_token.clone(),
    };
    let scheme = if args.tls_cert.is_some() {
        "https"
    } else {
        "http"
    };
    let ready = |addr: std::net::SocketAddr| {
        if let Some(d) = &demo {
            println!(
                "demonstration database with {} sample cases; users (name, role, team, password):",
                d.cases
            );
            for (name, role, team, pw) in &d.users {
                println!(
                    "  {name:<14} {:<14} {:<8} {pw}",
                    role.as_str(),
                    team.as_deref().unwrap_or("-")
                );
            }
        }
        println!("traject is listening on {scheme}://{addr}/ (Ctrl-C stops it)");
    };
    match traject_web::run(opts, ready) {
        Ok(()) => Ok(Done::Success),
        Err(traject_web::ServeError::App(e)) => Err(e),
        Err(e) => {
            let lang = traject_i18n::locale_lang();
            eprintln!(
                "{} {}",
                traject_i18n::say(lang, "fout:", "erreur\u{a0}:", "error:"),
                words::serve_error(&e, lang)
            );
            Ok(Done::Failed)
        }
    }
}

/// The password on the first line of standard input.
fn read_password() -> Result<String, traject_app::AppError> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        let reason = format!("password: {e}");
        file_problem(
            "<stdin>",
            traject_model::problem::FileProblem::CannotRead { reason },
        )
    })?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub fn cmd_user(cmd: UserCommand) -> Verb {
    match cmd {
        UserCommand::Add(a) => {
            let mut store = super::cases::open_store(&a.store)?;
            let user = NewUser {
                name: a.name,
                role: a.role.into(),
                team: a.team,
                lang: a.store.lang,
                org: a.store.org.clone(),
            };
            let password = read_password()?;
            let row = users::add(&mut store, &user, &password, &a.store.ctx())?;
            println!(
                "user {} added ({}{})",
                row.name,
                row.role,
                row.team.map(|t| format!(", team {t}")).unwrap_or_default()
            );
        }
        UserCommand::List(a) => {
            let store = super::cases::open_store(&a.store)?;
            let rows = users::list(&store, &operator(a.store.as_of, a.store.actor.clone()))?;
            match a.format {
                Format::Json => print_json(&rows),
                Format::Text => {
                    for u in rows {
                        println!(
                            "{:<16} {:<14} {:<10} {:<3} {}",
                            u.name,
                            u.role,
                            u.team.as_deref().unwrap_or("-"),
                            u.lang.as_deref().unwrap_or("-"),
                            if u.disabled { "disabled" } else { "" }
                        );
                    }
                }
            }
        }
        UserCommand::Disable(a) => {
            let mut store = super::cases::open_store(&a.store)?;
            users::disable(&mut store, &a.name, &a.store.ctx())?;
            println!("user {} disabled; their sessions have ended", a.name);
        }
        UserCommand::Passwd(a) => {
            let mut store = super::cases::open_store(&a.store)?;
            let password = read_password()?;
            users::set_password(&mut store, &a.name, &password, &a.store.ctx())?;
            println!("password of {} changed; their sessions have ended", a.name);
        }
    }
    Ok(Done::Success)
}

/// Who read or changed what about one case or user.
pub fn cmd_audit(args: AuditArgs) -> Verb {
    let store = super::cases::open_store(&args.store)?;
    let subject = match (args.case, &args.user) {
        (Some(id), _) => format!("case:{id}"),
        (None, Some(name)) => format!("user:{name}"),
        (None, None) => unreachable!("clap requires --case or --user"),
    };
    let rows = users::audit_trail(&store, &subject, &args.store.ctx())?;
    match args.format {
        Format::Json => print_json(&rows),
        Format::Text => {
            for r in rows {
                println!("{}  {:<16} {:<14} {}", r.at, r.actor, r.role, r.action);
            }
        }
    }
    Ok(Done::Success)
}

pub fn cmd_db_copy(args: DbCopyArgs) -> Verb {
    let ctx = operator(None, args.actor.clone());
    let copied = traject_app::stores::copy(&args.from, &args.to, &ctx)?;
    match args.format {
        Format::Json => print_json(&copied),
        Format::Text => {
            println!("copied {} → {}", args.from, args.to);
            for (table, n) in &copied.tables {
                println!("  {table:<15} {n:>9} rows");
            }
            println!(
                "verified: row counts match; cases and events digest {}",
                &copied.digest[..16]
            );
        }
    }
    Ok(Done::Success)
}

pub fn cmd_db_backup(args: DbBackupArgs) -> Verb {
    let copied = traject_app::stores::backup(&args.db, &args.to, &operator(None, None))?;
    match args.format {
        Format::Json => print_json(&copied),
        Format::Text => {
            let cases = copied
                .tables
                .iter()
                .find(|(t, _)| t == "cases")
                .map_or(0, |t| t.1);
            println!(
                "backed up {} → {}: {cases} cases; digest {}",
                args.db,
                args.to.display(),
                &copied.digest[..16]
            );
        }
    }
    Ok(Done::Success)
}

pub fn cmd_db_verify(args: DbVerifyArgs) -> Verb {
    let v = traject_app::stores::verify(&args.db, &operator(None, None))?;
    match args.format {
        Format::Json => print_json(&v),
        Format::Text => {
            println!(
                "{}: schema {} of {}, {} cases, {} events",
                v.store, v.schema.0, v.schema.1, v.cases, v.events
            );
            println!("digest {}", v.digest);
            for problem in v.integrity.iter().chain(&v.event_order) {
                println!("problem: {problem}");
            }
            println!(
                "{}",
                if v.ok() {
                    "verified: no problems"
                } else {
                    "NOT verified: see the problems above"
                }
            );
        }
    }
    Ok(if v.ok() { Done::Success } else { Done::Failed })
}

pub fn cmd_db_restore(args: DbRestoreArgs) -> Verb {
    let copied = traject_app::stores::restore(&args.from, &args.db, &operator(None, None))?;
    match args.format {
        Format::Json => print_json(&copied),
        Format::Text => println!(
            "restored {} → {}; digest {} (the backup's)",
            args.from.display(),
            args.db,
            &copied.digest[..16]
        ),
    }
    Ok(Done::Success)
}

pub fn cmd_rollup(args: RollupArgs) -> Verb {
    let store = super::cases::open_store(&args.store)?;
    let rows = traject_app::cases::rollup(&store, &args.store.ctx())?;
    match args.format {
        Format::Json => print_json(&rows),
        Format::Text => {
            println!(
                "{:<16} {:<16} {:>8}  by state",
                "organisation", "programme", "referred"
            );
            for r in rows {
                let states: Vec<String> =
                    r.states.iter().map(|(s, n)| format!("{s} {n}")).collect();
                println!(
                    "{:<16} {:<16} {:>8}  {}",
                    r.org.as_deref().unwrap_or("-"),
                    r.program,
                    r.referred,
                    states.join(", ")
                );
            }
        }
    }
    Ok(Done::Success)
}
