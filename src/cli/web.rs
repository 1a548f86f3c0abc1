//! `traject serve` and `traject user`: start the web application (or its demonstration) and
//! manage who may log in. Passwords are read from standard input only, never from arguments
//! (which other users of the machine can see).

use std::io::BufRead;

use traject_app::second_factor::{self, Enrolment};
use traject_app::users::{self, NewUser};

use super::args::{
    operator, AuditArgs, ConfigCheckArgs, DbBackupArgs, DbCopyArgs, DbRestoreArgs, DbVerifyArgs,
    LogFormat, RollupArgs, ServeArgs, TombstonesExportArgs, TotpCommand, UserCommand,
};
use super::{file_problem, print_json, words, Done, Format, Verb};
use traject_app::config::{Place, Settings};
use traject_web::Demo;

/// The flags of `serve` over the settings from the file and the environment.
pub fn with_flags(s: &mut Settings, args: &ServeArgs) {
    if let Some(db) = &args.db {
        s.db = db.clone();
    }
    if let Some(listen) = args.listen {
        s.listen = listen;
    }
    if let Some(p) = &args.programs {
        s.programs = Some(p.clone());
    }
    if let Some(url) = &args.public_url {
        s.public_url = Some(url.clone());
    }
    if !args.trusted_proxy.is_empty() {
        s.trusted_proxies = args.trusted_proxy.clone();
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        s.tls_cert = Some(cert.clone());
        s.tls_key = Some(key.clone());
    }
    if let Some(format) = args.log_format {
        s.log_format = match format {
            LogFormat::Text => traject_app::config::LogFormat::Text,
            LogFormat::Json => traject_app::config::LogFormat::Json,
        };
    }
    if let Some(token) = &args.metrics_token {
        s.metrics_token = Some(token.clone());
    }
}

pub fn cmd_serve(args: ServeArgs, settings: Settings) -> Verb {
    let today = args.as_of.unwrap_or_else(|| settings.clock.today());
    let demo = if args.demo {
        Some(Demo::create(today, settings.programs.as_deref())?)
    } else {
        None
    };
    let https = settings.tls_cert.is_some();
    let opts = traject_web::Options {
        db: demo.as_ref().map_or(settings.db.clone(), |d| {
            traject_store::DbTarget::File(d.db.clone())
        }),
        listen: settings.listen,
        programs: settings.programs,
        as_of: args.as_of,
        clock: settings.clock,
        limits: settings.limits,
        public_url: settings.public_url,
        trusted_proxies: settings.trusted_proxies,
        tls: settings
            .tls_cert
            .zip(settings.tls_key)
            .map(|(cert, key)| traject_web::tls::Files { cert, key }),
        metrics_token: settings.metrics_token,
        login: traject_web::Login {
            policy: second_factor::LoginPolicy {
                second_factor_for: settings.second_factor_for,
            },
            passwords: settings.passwords,
            sign_on: settings.sign_on,
        },
        mail: settings.mail,
    };
    let scheme = if https { "https" } else { "http" };
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
            let (mut store, ctx) = super::cases::open_as(&a.store)?;
            let user = NewUser {
                name: a.name,
                role: a.role.into(),
                team: a.team,
                lang: a.store.lang,
                org: a.store.org.clone(),
                email: a.email,
            };
            let password = read_password()?;
            let row = users::add(&mut store, &user, &password, &ctx)?;
            println!(
                "user {} added ({}{})",
                row.name,
                row.role,
                row.team.map(|t| format!(", team {t}")).unwrap_or_default()
            );
        }
        UserCommand::List(a) => {
            let (store, ctx) = super::cases::open_as(&a.store)?;
            let rows = users::list(&store, &ctx)?;
            match a.format {
                Format::Json => print_json(&rows),
                Format::Text => {
                    for u in rows {
                        println!(
                            "{:<16} {:<14} {:<10} {:<3} {:<32} {}",
                            u.name,
                            u.role,
                            u.team.as_deref().unwrap_or("-"),
                            u.lang.as_deref().unwrap_or("-"),
                            u.email.as_deref().unwrap_or("-"),
                            if u.disabled { "disabled" } else { "" }
                        );
                    }
                }
            }
        }
        UserCommand::Email(a) => set_email(a)?,
        UserCommand::Disable(a) => {
            let (mut store, ctx) = super::cases::open_as(&a.store)?;
            users::disable(&mut store, &a.name, &ctx)?;
            println!("user {} disabled; their sessions have ended", a.name);
        }
        UserCommand::Passwd(a) => {
            let (mut store, ctx) = super::cases::open_as(&a.store)?;
            let password = read_password()?;
            users::set_password(&mut store, &a.name, &password, &ctx)?;
            println!("password of {} changed; their sessions have ended", a.name);
        }
        UserCommand::Totp(TotpCommand::Enroll(a)) => {
            let (mut store, ctx) = super::cases::open_as(&a.store)?;
            let enrolment = second_factor::enrol(&mut store, &a.name, &ctx)?;
            match a.format {
                Format::Json => print_json(&serde_json::json!({
                    "user": a.name,
                    "secret": enrolment.secret,
                    "uri": enrolment.uri,
                    "recovery_codes": enrolment.recovery_codes,
                })),
                Format::Text => print_enrolment(&a.name, &enrolment),
            }
        }
        UserCommand::Totp(TotpCommand::Remove(a)) => {
            let (mut store, ctx) = super::cases::open_as(&a.store)?;
            second_factor::remove(&mut store, &a.name, &ctx)?;
            println!("the second factor of {} is removed", a.name);
        }
    }
    Ok(Done::Success)
}

/// `user email`: set or remove a user's address.
fn set_email(a: super::args::UserEmailArgs) -> Result<(), traject_app::AppError> {
    let (mut store, ctx) = super::cases::open_as(&a.store)?;
    users::set_email(&mut store, &a.name, a.email.as_deref(), &ctx)?;
    match a.email {
        Some(_) => println!("the e-mail address of {} is set", a.name),
        None => println!("{} has no e-mail address any more", a.name),
    }
    Ok(())
}

/// An enrolment as the terminal shows it: the QR code (two rows of modules per line), the
/// secret for typing in, and the recovery codes.
fn print_enrolment(name: &str, enrolment: &Enrolment) {
    println!("Second factor of {name}: scan this code with an authenticator app");
    println!("(or type the secret {} in it).", enrolment.secret);
    match qrcode::QrCode::new(enrolment.uri.as_bytes()) {
        Ok(code) => println!(
            "{}",
            code.render::<qrcode::render::unicode::Dense1x2>()
                .dark_color(qrcode::render::unicode::Dense1x2::Light)
                .light_color(qrcode::render::unicode::Dense1x2::Dark)
                .build()
        ),
        Err(_) => println!("{}", enrolment.uri),
    }
    println!("Recovery codes, each good once if the phone is lost (they are not shown again):");
    for code in &enrolment.recovery_codes {
        println!("  {code}");
    }
}

/// Who read or changed what about one case or user.
pub fn cmd_calendar(args: super::args::CalendarArgs) -> Verb {
    let (store, ctx) = super::cases::open_as(&args.store)?;
    let programs = traject_app::catalogue::FilePrograms::here();
    let clock = super::CLOCK.get().cloned().unwrap_or_default();
    let agenda = traject_app::calendar::agenda_of(&store, &programs, &args.user, &clock, &ctx)?;
    print!(
        "{}",
        traject_render::calendar::ics(&agenda, chrono::Utc::now())
    );
    Ok(Done::Success)
}

pub fn cmd_audit(args: AuditArgs) -> Verb {
    let (store, ctx) = super::cases::open_as(&args.store)?;
    let subject = match (args.case, &args.user) {
        (Some(id), _) => format!("case:{id}"),
        (None, Some(name)) => format!("user:{name}"),
        (None, None) => unreachable!("clap requires --case or --user"),
    };
    let rows = users::audit_trail(&store, &subject, &ctx)?;
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
    use traject_app::stores::Tombstones;
    let lang = traject_i18n::locale_lang();
    let mut sources: Vec<Tombstones> = args.tombstones.into_iter().map(Tombstones::File).collect();
    sources.extend(args.tombstones_from.map(Tombstones::Store));
    if sources.is_empty() {
        eprintln!(
            "{}",
            traject_i18n::say(
                lang,
                "let op: geen grafstenen gegeven — wie na deze back-up gewist werd, wordt niet opnieuw gewist (geef --tombstones BESTAND of --tombstones-from DATABANK)",
                "attention\u{a0}: aucune pierre tombale donnée — les personnes effacées après cette sauvegarde ne sont pas effacées à nouveau (donnez --tombstones FICHIER ou --tombstones-from BASE)",
                "warning: no tombstones given — people erased after this backup was taken are not erased again (give --tombstones FILE or --tombstones-from STORE)",
            )
        );
    }
    let restored =
        traject_app::stores::restore(&args.from, &args.db, &sources, &operator(None, None))?;
    match args.format {
        Format::Json => print_json(&restored),
        Format::Text => {
            println!(
                "restored {} → {}; digest {} (the backup's)",
                args.from.display(),
                args.db,
                &restored.copied.digest[..16]
            );
            println!(
                "{} tombstones; erased again: {}",
                restored.tombstones,
                if restored.erased_again.is_empty() {
                    "none".to_string()
                } else {
                    restored
                        .erased_again
                        .iter()
                        .map(|c| format!("case {c}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            );
        }
    }
    Ok(Done::Success)
}

pub fn cmd_tombstones_export(args: TombstonesExportArgs) -> Verb {
    let n = traject_app::stores::export_tombstones(&args.db, &args.to, &operator(None, None))?;
    println!("{n} tombstones of {} → {}", args.db, args.to.display());
    Ok(Done::Success)
}

pub fn cmd_rollup(args: RollupArgs) -> Verb {
    let (store, ctx) = super::cases::open_as(&args.store)?;
    let rows = traject_app::cases::rollup(&store, &ctx)?;
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

/// How `config check` shows a login or OpenID key (the client secret as "set"); `None`: not
/// set.
/// How `config check` shows a `mail.` key (the password as "(set)").
fn mail_shown(s: &Settings, key: &str, set: &str) -> Option<String> {
    let m = s.mail.as_ref()?;
    match key {
        "mail.host" => Some(m.host.clone()),
        "mail.port" => Some(m.port().to_string()),
        "mail.security" => Some(format!("{:?}", m.security).to_lowercase()),
        "mail.user" => m.user.clone(),
        "mail.password" => m.password.as_ref().map(|_| set.to_string()),
        "mail.ca_file" => m.ca_file.as_ref().map(|p| p.display().to_string()),
        "mail.from" => Some(m.from.clone()),
        "mail.reminders_at" => m.reminders_at.map(traject_app::sessions::clock_time),
        "mail.reminder_days" => Some(m.days().to_string()),
        _ => None,
    }
}

fn login_shown(s: &Settings, key: &str, set: &str) -> Option<String> {
    let roles = |roles: &[traject_app::Role]| {
        roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match key {
        "login.passwords" => return Some(s.passwords.to_string()),
        "login.second_factor" if s.second_factor_for.is_empty() => return None,
        "login.second_factor" => return Some(roles(&s.second_factor_for)),
        _ => {}
    }
    let o = s.sign_on.as_ref()?;
    let role_value = |role| {
        o.role_values
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, v)| v.clone())
    };
    match key {
        "oidc.issuer" => Some(o.issuer.clone()),
        "oidc.client_id" => Some(o.client_id.clone()),
        "oidc.client_secret" => Some(set.to_string()),
        "oidc.label" => Some(o.label.clone()),
        "oidc.scopes" => Some(o.scopes.join(" ")),
        "oidc.users" => Some(format!("{:?}", o.admission).to_lowercase()),
        "oidc.name_claim" => Some(o.name_claim.clone()),
        "oidc.role_claim" => Some(o.role_claim.clone()),
        "oidc.team_claim" => o.team_claim.clone(),
        "oidc.org_claim" => o.org_claim.clone(),
        "oidc.roles.coordinator" => role_value(traject_app::Role::Coordinator),
        "oidc.roles.social_worker" => role_value(traject_app::Role::SocialWorker),
        "oidc.roles.auditor" => role_value(traject_app::Role::Auditor),
        _ => None,
    }
}

/// `traject config check FILE`: every problem at its place; when there is none, each setting
/// `serve` would use (secrets as "set") and where it comes from.
pub fn cmd_config_check(args: ConfigCheckArgs) -> Verb {
    let lang = args.lang.unwrap_or_else(traject_i18n::locale_lang);
    let var = |name: &str| std::env::var(name).ok();
    let s = Settings::load(Some(&args.file), &var).map_err(traject_app::AppError::Config)?;
    let set = traject_i18n::say(lang, "(ingesteld)", "(défini)", "(set)");
    let none = "-";
    let shown = |key: &str| -> String {
        let path = |p: &Option<std::path::PathBuf>| {
            p.as_ref()
                .map_or(none.to_string(), |p| p.display().to_string())
        };
        match key {
            "db" => s.db.to_string(),
            "listen" => s.listen.to_string(),
            "public_url" => s.public_url.clone().unwrap_or_else(|| none.into()),
            "trusted_proxies" if s.trusted_proxies.is_empty() => none.to_string(),
            "trusted_proxies" => s
                .trusted_proxies
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            "programs" => path(&s.programs),
            "time_zone" => s.clock.name().to_string(),
            "metrics_token" => s.metrics_token.as_ref().map_or(none, |_| set).to_string(),
            "tls.cert" => path(&s.tls_cert),
            "tls.key" => path(&s.tls_key),
            "log.format" => format!("{:?}", s.log_format).to_lowercase(),
            "log.level" => s.log_level.as_str().to_string(),
            "limits.simulated_work" => s.limits.simulated_work.to_string(),
            "limits.deadline_seconds" => s
                .limits
                .deadline
                .map_or(none.to_string(), |d| d.as_secs().to_string()),
            _ if key.starts_with("mail.") => {
                mail_shown(&s, key, set).unwrap_or_else(|| none.to_string())
            }
            _ => login_shown(&s, key, set).unwrap_or_else(|| none.to_string()),
        }
    };
    println!(
        "{}: {}",
        args.file.display(),
        traject_i18n::say(lang, "in orde", "valide", "good")
    );
    for key in traject_app::config::keys() {
        let from = match s.place_of(key) {
            Place::Default => traject_i18n::say(lang, "standaard", "par défaut", "default").into(),
            p => traject_i18n::catalogue::place_words(p, lang)
                .trim_end_matches([':', '\u{a0}'])
                .to_string(),
        };
        println!("  {key:<24} {:<32} {from}", shown(key));
    }
    Ok(Done::Success)
}
