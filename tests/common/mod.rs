//! What the web application's tests share: a real `traject serve` on a free port with a
//! coordinator, two social workers of different teams and an auditor, and plain HTTP calls.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;

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

pub fn traject() -> Command {
    Command::cargo_bin("traject").unwrap()
}

pub fn add_user(db: &Path, name: &str, role: &str, team: Option<&str>) {
    let mut args = vec![
        "user",
        "add",
        name,
        "--role",
        role,
        "--password-stdin",
        "--db",
    ];
    args.push(db.to_str().unwrap());
    if let Some(t) = team {
        args.extend(["--team", t]);
    }
    assert_cmd::Command::cargo_bin("traject")
        .unwrap()
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
    let log = dir.path().join("server.log");
    let mut child = traject()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--as-of",
            "2024-06-01",
            "--db",
        ])
        .arg(&db)
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
        db,
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
