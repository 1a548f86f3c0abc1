//! Reminder e-mails through a real SMTP server (Python's aiosmtpd, from pip in the tests'
//! virtual environment, writing what it receives into a maildir, read back with Python's own
//! `mailbox` and `email` parsers): each worker with an address gets one digest in their own
//! language — their team's evaluations and tomorrow's group session, by case number, without
//! a dossier number or a birth date; running again the same day sends nothing new, and two
//! senders at once send each digest once; a failed send is tried again by the next run, not
//! doubled; the server sends the day's digests itself at `mail.reminders_at`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

use crate::common::{python_with, serve, traject, Served, ELIGIBLE};

/// An SMTP server on a free port that stores every message in `maildir`; stopped when dropped.
struct Smtp {
    child: Child,
    port: u16,
}

impl Smtp {
    fn start(python: &Path, maildir: &Path) -> Smtp {
        Smtp::start_with(python, maildir, &[])
    }

    /// The same, with more arguments for aiosmtpd (`--tlscert`, `--tlskey`: STARTTLS, required).
    fn start_with(python: &Path, maildir: &Path, extra: &[&std::ffi::OsStr]) -> Smtp {
        let port = crate::browser::free_port();
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(extra)
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kept in the value at once, so that it is stopped whatever happens next.
        let smtp = Smtp { child, port };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return smtp;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("aiosmtpd did not listen on {port}");
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The messages in `maildir`, as (to, subject, body) decoded by Python's email parser, sorted.
fn received(python: &Path, maildir: &Path) -> Vec<(String, String, String)> {
    const READ: &str = r#"
import sys, json, mailbox, email
from email import policy
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
out = []
for key in box.keys():
    m = email.message_from_bytes(box.get_bytes(key), policy=policy.default)
    out.append([str(m["To"]), str(m["Subject"]), m.get_content()])
print(json.dumps(sorted(out)))
"#;
    if !maildir.join("new").exists() {
        return Vec::new();
    }
    let out = Command::new(python)
        .args(["-c", READ])
        .arg(maildir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `traject remind` on the served store, on `day`, through the SMTP server at `port`.
fn remind(s: &Served, port: u16, day: &str) -> std::process::Output {
    traject()
        .args(["remind", "--db", s.db.to_str().unwrap(), "--as-of", day])
        .envs(mail_env(port))
        .output()
        .unwrap()
}

fn mail_env(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("TRAJECT_MAIL_HOST", "127.0.0.1".to_string()),
        ("TRAJECT_MAIL_PORT", port.to_string()),
        ("TRAJECT_MAIL_SECURITY", "none".to_string()),
        ("TRAJECT_MAIL_FROM", "traject@ocmw.example.be".to_string()),
    ]
}

fn run(s: &Served, args: &[&str]) -> String {
    crate::common::run_on(s.db.to_str().unwrap(), args)
}

/// Ann (Dutch) and Chloé (French) follow two started cases each; Ann's first client's group
/// meets tomorrow; the auditor has an address but follows no one.
fn office(s: &Served) -> (Vec<i64>, Vec<i64>) {
    let db = s.db.to_str().unwrap();
    crate::common::output_with_stdin(
        traject().args([
            "user",
            "add",
            "chloe",
            "--role",
            "social-worker",
            "--team",
            "south",
            "--lang",
            "fr",
            "--password-stdin",
            "--db",
            db,
        ]),
        "chloe-passphrase\n",
    );
    for (user, address) in [
        ("ann", "ann@ocmw.example.be"),
        ("chloe", "chloe@cpas.example.be"),
        ("audrey", "audrey@ocmw.example.be"),
    ] {
        run(s, &["user", "email", user, "--email", address]);
    }
    let mut ids = (Vec::new(), Vec::new());
    for (user, n) in [("ann", 0), ("ann", 1), ("chloe", 0), ("chloe", 1)] {
        let referral = ELIGIBLE.replacen('{', &format!(r#"{{"id": "REM-{user}-{n}", "#), 1);
        let cookie = s.login(user);
        let id = s.create(&cookie, &referral);
        let (status, v) = s.post(
            &cookie,
            &format!("/api/cases/{id}/start"),
            &json!({"track": "short"}),
        );
        assert_eq!(status, 200, "{v}");
        if user == "ann" {
            ids.0.push(id)
        } else {
            ids.1.push(id)
        }
    }
    let day = ["--as-of", "2024-06-01"];
    run(
        s,
        &[
            &[
                "case",
                "enrol",
                &ids.0[0].to_string(),
                "--module",
                "activation_course",
                "--group",
                "Groep A",
            ],
            &day[..],
        ]
        .concat(),
    );
    run(
        s,
        &[
            &[
                "session",
                "add",
                "--program",
                "antwerpen",
                "--module",
                "activation_course",
                "--group",
                "Groep A",
                "--on",
                "2024-06-02",
                "--at",
                "09:30",
                "--minutes",
                "120",
            ],
            &day[..],
        ]
        .concat(),
    );
    ids
}

/// The cases `user` is reminded of on `day`, by `traject due` (from the store, not the mail).
fn due_cases(s: &Served, user: &str, day: &str, days: i64) -> Vec<i64> {
    let text = run(
        s,
        &["due", "--format", "json", "--actor", user, "--as-of", day],
    );
    let due: Value = serde_json::from_str(&text).unwrap();
    let until = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap()
        + chrono::Days::new(days as u64);
    let mut cases: Vec<i64> = due["due"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["due_from"].as_str().unwrap() <= until.to_string().as_str())
        .map(|d| d["case_id"].as_i64().unwrap())
        .collect();
    cases.dedup();
    cases
}

#[test]
fn each_worker_gets_one_digest_a_day_in_their_language_through_a_real_smtp_server() {
    let Some(python) = python_with("reminder_emails", "aiosmtpd") else {
        return;
    };
    let s = serve();
    let (anns, chloes) = office(&s);
    let dir = tempfile::tempdir().unwrap();
    let maildir: PathBuf = dir.path().join("mail");
    let smtp = Smtp::start(&python, &maildir);

    // Two senders at once (two servers sharing the store): one digest each.
    let (a, b) = std::thread::scope(|t| {
        let a = t.spawn(|| remind(&s, smtp.port, "2024-06-01"));
        let b = t.spawn(|| remind(&s, smtp.port, "2024-06-01"));
        (a.join().unwrap(), b.join().unwrap())
    });
    for out in [&a, &b] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mails = received(&python, &maildir);
    let to: Vec<&str> = mails.iter().map(|(to, ..)| to.as_str()).collect();
    assert_eq!(
        to,
        ["ann@ocmw.example.be", "chloe@cpas.example.be"],
        "one each, none for the auditor"
    );

    let (_, subject, body) = &mails[0];
    assert!(
        subject.starts_with("traject — te doen op 01/06/2024"),
        "{subject}"
    );
    assert!(body.starts_with("Dag ann,"), "{body}");
    for id in due_cases(&s, "ann", "2024-06-01", 7) {
        assert!(
            body.contains(&format!("Dossier {id} — ")),
            "case {id} in Ann's digest:\n{body}"
        );
    }
    for id in &chloes {
        assert!(
            !body.contains(&format!("Dossier {id} ")),
            "no case of another team"
        );
    }
    assert!(
        body.contains("Groepssessies morgen:")
            && body.contains("09:30")
            && body.contains("Groep A"),
        "{body}"
    );
    let (_, subject, body) = &mails[1];
    assert!(
        subject.starts_with("traject — à faire le 01/06/2024"),
        "{subject}"
    );
    assert!(body.starts_with("Bonjour chloe,"), "{body}");
    for id in due_cases(&s, "chloe", "2024-06-01", 7) {
        assert!(
            body.contains(&format!("Dossier {id} — ")),
            "case {id} in Chloé's digest:\n{body}"
        );
    }
    assert!(
        !body.contains("Séances de groupe demain"),
        "her clients have no session tomorrow"
    );
    for (_, subject, body) in &mails {
        for personal in ["REM-", "1990", "05/1990"] {
            assert!(
                !subject.contains(personal) && !body.contains(personal),
                "no {personal} in a reminder"
            );
        }
    }
    assert!(!anns.is_empty());

    // Again the same day: nothing new.
    let again = remind(&s, smtp.port, "2024-06-01");
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("sent before: ann"));
    assert_eq!(received(&python, &maildir).len(), 2);

    // The next day with the mail server down: refused, named, nothing marked sent...
    drop(smtp);
    let down = remind(&s, 1, "2024-06-02");
    assert!(!down.status.success());
    assert!(
        String::from_utf8_lossy(&down.stderr).contains("reminders not sent"),
        "{}",
        String::from_utf8_lossy(&down.stderr)
    );
    // ...so the next run, with the server back, sends that day's digests, once.
    let smtp = Smtp::start(&python, &maildir);
    let back = remind(&s, smtp.port, "2024-06-02");
    assert!(
        back.status.success(),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
    assert_eq!(received(&python, &maildir).len(), 4);
    let audit = run(&s, &["audit", "--user", "ann"]);
    assert_eq!(audit.matches("sent reminder e-mail").count(), 2, "{audit}");

    // A server sends a day's digests itself once its hour has come (00:00: at once), beside
    // the one serving already.
    let db = s.db.to_str().unwrap().to_string();
    let dir2 = tempfile::tempdir().unwrap();
    let mut server = traject()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--as-of",
            "2024-06-03",
            "--db",
            &db,
        ])
        .envs(mail_env(smtp.port))
        .env("TRAJECT_MAIL_REMINDERS_AT", "00:00")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir2.path().join("log")).unwrap())
        .spawn()
        .unwrap();
    let mut count = 0;
    for _ in 0..100 {
        count = received(&python, &maildir).len();
        if count == 6 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = server.kill();
    let _ = server.wait();
    let log = std::fs::read_to_string(dir2.path().join("log")).unwrap_or_default();
    assert_eq!(count, 6, "the server sent the day's two digests:\n{log}");
}

/// An office's own CA and the relay's certificate for 127.0.0.1 signed by it, made by
/// openssl: (CA certificate, relay certificate, relay key).
fn office_ca(dir: &Path) -> Option<(PathBuf, PathBuf, PathBuf)> {
    let at = |name: &str| dir.join(name);
    let ext = at("relay.ext");
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .ok()?;
    let steps: [Vec<std::ffi::OsString>; 3] = [
        [
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=OCMW test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout",
        ]
        .iter()
        .map(Into::into)
        .chain([at("ca.key").into(), "-out".into(), at("ca.pem").into()])
        .collect(),
        [
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
        ]
        .iter()
        .map(Into::into)
        .chain([
            at("relay.key").into(),
            "-out".into(),
            at("relay.csr").into(),
        ])
        .collect(),
        ["x509", "-req", "-days", "1", "-CAcreateserial", "-in"]
            .iter()
            .map(Into::into)
            .chain([
                at("relay.csr").into(),
                "-CA".into(),
                at("ca.pem").into(),
                "-CAkey".into(),
                at("ca.key").into(),
                "-extfile".into(),
                ext.into(),
                "-out".into(),
                at("relay.pem").into(),
            ])
            .collect(),
    ];
    for args in steps {
        let made = Command::new("openssl").args(&args).output().ok()?;
        if !made.status.success() {
            return None;
        }
    }
    Some((at("ca.pem"), at("relay.pem"), at("relay.key")))
}

#[test]
fn reminders_go_through_starttls_to_a_relay_whose_ca_the_settings_name() {
    let Some(python) = python_with("reminders_over_starttls", "aiosmtpd") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let Some((ca, cert, key)) = office_ca(dir.path()) else {
        if std::env::var_os("CI").is_some() {
            panic!("CI: openssl is needed for the STARTTLS test");
        }
        crate::common::skipped(
            "reminders_over_starttls",
            "no openssl to make a certificate",
        );
        return;
    };
    let s = serve();
    office(&s);
    let maildir = dir.path().join("mail");
    let smtp = Smtp::start_with(
        &python,
        &maildir,
        &[
            "--tlscert".as_ref(),
            cert.as_os_str(),
            "--tlskey".as_ref(),
            key.as_os_str(),
        ],
    );
    let starttls = |ca: Option<&Path>| {
        let mut cmd = traject();
        cmd.args([
            "remind",
            "--db",
            s.db.to_str().unwrap(),
            "--as-of",
            "2024-06-01",
        ])
        .envs(mail_env(smtp.port))
        .env("TRAJECT_MAIL_SECURITY", "starttls");
        if let Some(ca) = ca {
            cmd.env("TRAJECT_MAIL_CA_FILE", ca);
        }
        cmd.output().unwrap()
    };
    // Without the relay's CA its certificate is not trusted: nothing is sent.
    let refused = starttls(None);
    assert!(
        !refused.status.success(),
        "an unknown certificate is refused"
    );
    assert!(received(&python, &maildir).is_empty());
    // With it (`mail.ca_file`), the digests go out, encrypted.
    let sent = starttls(Some(&ca));
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let to: Vec<String> = received(&python, &maildir)
        .into_iter()
        .map(|(to, ..)| to)
        .collect();
    assert_eq!(to, ["ann@ocmw.example.be", "chloe@cpas.example.be"]);
    // A CA file that holds no certificate is a settings problem, named at its variable.
    let bad = dir.path().join("not-a-ca.pem");
    std::fs::write(&bad, "hello").unwrap();
    let said = starttls(Some(&bad));
    assert!(!said.status.success());
    let err = String::from_utf8_lossy(&said.stderr);
    assert!(
        err.contains("TRAJECT_MAIL_CA_FILE") && err.contains("PEM"),
        "{err}"
    );
}
