//! What the web application's tests share: a real `traject serve` on a free port with a
//! coordinator, two social workers of different teams and an auditor, and plain HTTP calls.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use serde_json::{json, Value};

/// A running `traject serve` on a free port, stopped when dropped.
pub struct Served {
    pub child: Child,
    pub base: String,
    pub db: PathBuf,
    pub log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An eligible Antwerp referral, as the API takes it.
pub const ELIGIBLE: &str = r#"{"referral_date": "2023-01-10", "birth_date": "1990-05-01", "nationality": "SY", "residence_status": "recognised_refugee", "residence_ocmw": "antwerpen", "income_support": "leefloon", "in_art60": false, "civic_orientation_completed": true, "language_level": "1.2", "motivated": true, "help_request_fits": true, "mobile": true}"#;

impl Served {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn login(&self, name: &str) -> String {
        let body = json!({"username": name, "password": format!("{name}-passphrase")});
        let (status, _, cookie) = call(
            "POST",
            &self.url("/api/session"),
            None,
            Some(("application/json", &body.to_string())),
        );
        assert_eq!(status, 200, "{name} logs in");
        cookie.unwrap()
    }

    pub fn post(&self, cookie: &str, path: &str, body: &Value) -> (u16, Value) {
        let (status, text, _) = call(
            "POST",
            &self.url(path),
            Some(cookie),
            Some(("application/json", &body.to_string())),
        );
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub fn get(&self, cookie: Option<&str>, path: &str) -> (u16, Value) {
        let (status, text, _) = call("GET", &self.url(path), cookie, None);
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub fn create(&self, cookie: &str, referral: &str) -> i64 {
        let body: Value = serde_json::from_str(&format!(
            r#"{{"program": "antwerpen", "referral": {referral}}}"#
        ))
        .unwrap();
        let (status, v) = self.post(cookie, "/api/cases", &body);
        assert_eq!(status, 201, "{v}");
        v["id"].as_i64().unwrap()
    }
}

pub fn traject() -> Command {
    let mut c = Command::cargo_bin("traject").unwrap();
    // Messages in English whatever the machine's locale; tests of other languages ask.
    c.env("LC_ALL", "C");
    c
}

pub fn add_user(db: &Path, name: &str, role: &str, team: Option<&str>) {
    add_user_on(db.to_str().unwrap(), name, role, team, None);
}

/// Add a user (password `<name>-passphrase`) to the store at `db` (a path or a URL).
pub fn add_user_on(db: &str, name: &str, role: &str, team: Option<&str>, org: Option<&str>) {
    let mut args = vec![
        "user",
        "add",
        name,
        "--role",
        role,
        "--password-stdin",
        "--db",
        db,
    ];
    if let Some(t) = team {
        args.extend(["--team", t]);
    }
    if let Some(o) = org {
        args.extend(["--org", o]);
    }
    assert_cmd::Command::cargo_bin("traject")
        .unwrap()
        .env("LC_ALL", "C")
        .args(&args)
        .write_stdin(format!("{name}-passphrase\n"))
        .assert()
        .success();
}

/// A server with a coordinator, two social workers of teams north and south, and an auditor.
pub fn serve() -> Served {
    serve_with(&[])
}

/// The same, with more `traject serve` arguments.
pub fn serve_with(extra: &[&str]) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    add_user(&db, "coord", "coordinator", None);
    add_user(&db, "ann", "social-worker", Some("north"));
    add_user(&db, "bo", "social-worker", Some("south"));
    add_user(&db, "audrey", "auditor", None);
    serve_on(db.to_str().unwrap(), dir, extra)
}

/// A server on the store `db` (a path or a postgres:// URL) whose users exist already; its log
/// goes into `dir`.
pub fn serve_on(db: &str, dir: tempfile::TempDir, extra: &[&str]) -> Served {
    let log = dir.path().join("server.log");
    let mut child = traject()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--as-of",
            "2024-06-01",
            "--db",
            db,
        ])
        .args(extra)
        .env("TRAJECT_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break format!("http://{}", rest.split('/').next().unwrap());
        }
    };
    Served {
        child,
        base,
        db: PathBuf::from(db),
        log,
        _dir: dir,
    }
}

/// One HTTP exchange: (status, body, the session cookie it set).
pub fn call(
    method: &str,
    url: &str,
    cookie: Option<&str>,
    body: Option<(&str, &str)>,
) -> (u16, String, Option<String>) {
    let mut req = ureq::request(method, url);
    if let Some(c) = cookie {
        req = req.set("Cookie", c);
    }
    let result = match body {
        Some((kind, text)) => req.set("Content-Type", kind).send_string(text),
        None => req.call(),
    };
    let resp = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = resp.status();
    let set = resp
        .header("set-cookie")
        .map(|c| c.split(';').next().unwrap().to_string());
    (status, resp.into_string().unwrap(), set)
}

/// The PostgreSQL server the tests use (`TRAJECT_TEST_POSTGRES`, set by `.ci/postgres start`),
/// with a fresh database `name` on it; `None` (and a note on how to run them) when there is
/// none locally. Under CI a missing server fails the test: it is never skipped silently.
pub fn postgres_database(name: &str) -> Option<String> {
    match std::env::var("TRAJECT_TEST_POSTGRES") {
        Ok(url) => Some(traject_store::create_database(&url, name).unwrap()),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI: no PostgreSQL server for the tests; run `eval \"$(.ci/postgres start)\"` first")
        }
        Err(_) => {
            eprintln!(
                "skipped: no PostgreSQL server. Run `eval \"$(.ci/postgres start)\"` (needs Debian's postgresql package) and test again"
            );
            None
        }
    }
}

/// A load error as the catalogue words it in English, with its source lines.
pub fn rendered(e: &traject_model::program::LoadError) -> String {
    traject_i18n::diagnostics::render_load(e, traject_i18n::Lang::En)
}
