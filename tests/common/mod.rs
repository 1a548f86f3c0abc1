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

/// Run `cmd` with `text` on its standard input; its output.
pub fn output_with_stdin(cmd: &mut Command, text: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub fn traject() -> Command {
    let mut c = Command::cargo_bin("traject").unwrap();
    // Messages in English whatever the machine's locale; tests of other languages ask.
    c.env("LC_ALL", "C");
    c
}

/// A self-signed certificate for 127.0.0.1 made by openssl: (cert, key) files in `dir`.
pub fn self_signed(dir: &std::path::Path) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .ok()?;
    made.status.success().then_some((cert, key))
}

/// Run `traject ARGS --db DB`, which must succeed; its output.
pub fn run_on(db: &str, args: &[&str]) -> String {
    let out = traject().args(args).args(["--db", db]).output().unwrap();
    assert!(
        out.status.success(),
        "traject {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
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
    serve_at(db, dir, "127.0.0.1:0", extra)
}

/// The same, listening on `listen` (a test that must know the address beforehand: an OpenID
/// provider is told the redirect URI before the server starts).
pub fn serve_at(db: &str, dir: tempfile::TempDir, listen: &str, extra: &[&str]) -> Served {
    let log = dir.path().join("server.log");
    let mut child = traject()
        .args([
            "serve",
            "--listen",
            listen,
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

/// The origin (`http://host:port`) of a URL.
pub fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    format!("{scheme}://{}", rest.split('/').next().unwrap())
}

/// The CSRF token a page's forms carry.
pub fn csrf_of(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page's forms carry a token")
        .to_string()
}

/// A form sent as a browser sends it from the server's own page, its answer's redirect not
/// followed: (status, the `Location` it sends to, or the page it answers with).
pub fn submit(url: &str, cookie: &str, form: &str) -> (u16, String) {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let result = agent
        .post(url)
        .set("Cookie", cookie)
        .set("Origin", &origin_of(url))
        .set("Content-Type", "application/x-www-form-urlencoded")
        .send_string(form);
    let resp = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("POST {url}: {e}"),
    };
    let status = resp.status();
    match resp.header("location") {
        Some(to) if (300..400).contains(&status) => (status, to.to_string()),
        _ => (status, resp.into_string().unwrap()),
    }
}

/// One HTTP exchange: (status, body, the session cookie it set). A form is sent as a
/// browser sends it from the server's own page, with the page's `Origin`.
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
    if body.is_some_and(|(kind, _)| kind == "application/x-www-form-urlencoded") {
        req = req.set("Origin", &origin_of(url));
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

/// What came back from one request under load: its status (0 when no answer came, the
/// transport's error as the body), its body, and whether it carries `Retry-After`.
pub fn answer_of(result: Result<ureq::Response, ureq::Error>) -> (u16, String, bool) {
    match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => {
            let status = r.status();
            let retry = r.header("retry-after").is_some();
            (status, r.into_string().unwrap_or_default(), retry)
        }
        Err(e) => (0, e.to_string(), false),
    }
}

/// Say that a test could not run, past libtest's output capture (which would hide it), so a
/// test that stops early never reads as a silent pass.
pub fn skipped(test: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: {test}: {why}");
}

/// The PostgreSQL server the tests use: `TRAJECT_TEST_POSTGRES` when set, else a throw-away
/// cluster this test run starts itself when Debian's postgresql package is installed (on a
/// free port, in a temporary folder, stopped and removed when the test binary exits).
pub fn postgres_server() -> Option<String> {
    static SERVER: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SERVER
        .get_or_init(|| {
            std::env::var("TRAJECT_TEST_POSTGRES")
                .ok()
                .or_else(start_throwaway_cluster)
        })
        .clone()
}

/// `.ci/postgres start` on a free port in a fresh folder, and a watchdog that runs
/// `.ci/postgres stop` once this process has ended; the server's URL, or `None` when
/// PostgreSQL is not installed.
fn start_throwaway_cluster() -> Option<String> {
    Cluster::start().map(|c| {
        let url = c.url.clone();
        // Shared by every test of this run: the watchdog removes it when the run ends.
        std::mem::forget(c);
        url
    })
}

/// A throw-away PostgreSQL cluster (`.ci/postgres`) in a folder of its own, on a free port:
/// stopped and removed when dropped, or by a watchdog when this process ends first.
pub struct Cluster {
    pub url: String,
    dir: PathBuf,
    port: String,
    /// The server's certificate and key (`server.crt`, `server.key`) when it serves TLS only.
    tls: Option<PathBuf>,
}

impl Cluster {
    /// A new cluster, or `None` when PostgreSQL is not installed.
    pub fn start() -> Option<Cluster> {
        Cluster::start_with(None)
    }

    /// A new cluster that takes TCP connections over TLS only, with the certificate and key
    /// in `tls` (`server.crt`, `server.key`).
    pub fn start_with(tls: Option<PathBuf>) -> Option<Cluster> {
        let dir = tempfile::Builder::new()
            .prefix("traject-test-pg")
            .tempdir()
            .ok()?
            .keep();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port()
            .to_string();
        let mut cluster = Cluster {
            url: String::new(),
            dir,
            port,
            tls,
        };
        let out = cluster.command("start").output().ok()?;
        let url = String::from_utf8_lossy(&out.stdout)
            .trim()
            .strip_prefix("export TRAJECT_TEST_POSTGRES=")
            .map(str::to_string);
        let Some(url) = url.filter(|_| out.status.success()) else {
            let _ = std::fs::remove_dir_all(&cluster.dir);
            return None;
        };
        cluster.url = url;
        cluster.watchdog()?;
        Some(cluster)
    }

    fn command(&self, what: &str) -> Command {
        let mut c = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/postgres"));
        c.arg(what)
            .env("TRAJECT_PG_DIR", &self.dir)
            .env("TRAJECT_PG_PORT", &self.port)
            .stderr(Stdio::null());
        if let Some(tls) = &self.tls {
            c.env("TRAJECT_PG_SSL_DIR", tls);
        }
        c
    }

    /// `.ci/postgres halt|start|restart` on this cluster.
    pub fn run(&self, what: &str) {
        let status = self.command(what).stdout(Stdio::null()).status().unwrap();
        assert!(status.success(), ".ci/postgres {what}");
    }

    /// Stop and remove the cluster once this process has ended, however it ends.
    fn watchdog(&self) -> Option<()> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/postgres");
        let watchdog = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; TRAJECT_PG_DIR='{dir}' '{script}' stop",
            pid = std::process::id(),
            dir = self.dir.display(),
            script = script.display()
        );
        let mut command = Command::new("sh");
        command
            .args(["-c", &watchdog])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        command.spawn().ok()?;
        Some(())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.command("stop").stdout(Stdio::null()).status();
    }
}

/// A cluster of the test's own (fault tests restart it; others must not see that), or `None`
/// with a `skipped:` line — never under CI, where a missing PostgreSQL fails the test.
pub fn own_postgres_cluster(test: &str) -> Option<Cluster> {
    own_postgres_cluster_with(test, None)
}

/// The same, serving TLS only with the certificate and key in `tls` when given.
pub fn own_postgres_cluster_with(test: &str, tls: Option<PathBuf>) -> Option<Cluster> {
    match Cluster::start_with(tls) {
        Some(c) => Some(c),
        None if std::env::var_os("CI").is_some() => {
            panic!("CI: no PostgreSQL for {test}: install Debian's postgresql package")
        }
        None => {
            skipped(test, "no PostgreSQL: install Debian's postgresql package");
            None
        }
    }
}

/// A fresh database `name` on the tests' PostgreSQL server (see `postgres_server`); `None`, with
/// a `skipped:` line, when there is no server and none can be started. Under CI a missing
/// server fails the test: it is never skipped.
pub fn postgres_database(name: &str) -> Option<String> {
    match postgres_server() {
        Some(url) => Some(traject_store::create_database(&url, name).unwrap()),
        None if std::env::var_os("CI").is_some() => {
            panic!("CI: no PostgreSQL server for the tests: install Debian's postgresql package")
        }
        None => {
            skipped(
                name,
                "no PostgreSQL: install Debian's postgresql package (the tests start a throw-away cluster), or set TRAJECT_TEST_POSTGRES",
            );
            None
        }
    }
}

/// A load error as the catalogue words it in English, with its source lines.
pub fn rendered(e: &traject_model::program::LoadError) -> String {
    traject_i18n::diagnostics::render_load(e, traject_i18n::Lang::En)
}

/// Every `.rs` file under `dir`, recursively (nothing for a folder that is not there).
pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A tool the tests install beside the build: at `$env` when set, else `target/<default>`;
/// kept when `present` holds there, else `None` with a `skipped:` line saying how to get it
/// (`how`, given the place) — never under CI, where a missing tool fails the test.
pub fn tool_at(
    test: &str,
    (env, default): (&str, &str),
    present: impl Fn(&Path) -> bool,
    how: impl Fn(&Path) -> String,
) -> Option<PathBuf> {
    let place = std::env::var_os(env).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join(default)
    });
    if present(&place) {
        return Some(place);
    }
    let why = how(&place);
    if std::env::var_os("CI").is_some() {
        panic!("CI: {why}");
    }
    skipped(test, &why);
    None
}

/// The tests' Python virtual environment (`target/ci-venv`, or `TRAJECT_TEST_VENV`).
const VENV: (&str, &str) = ("TRAJECT_TEST_VENV", "ci-venv");

/// The `bin` folder of the tests' Python virtual environment when it holds `programs`
/// (`.ci/run` installs them from pip).
pub fn python_tools(test: &str, programs: &[&str]) -> Option<PathBuf> {
    let venv = tool_at(
        test,
        VENV,
        |venv| programs.iter().all(|p| venv.join("bin").join(p).exists()),
        |venv| {
            format!(
                "{} not in {}: run .ci/run, or `python3 -m venv {1} && {1}/bin/pip install schemathesis openapi-spec-validator prometheus-client`",
                programs.join(", "),
                venv.display()
            )
        },
    )?;
    Some(venv.join("bin"))
}

/// The tests' Python when `module` is importable with it.
pub fn python_with(test: &str, module: &str) -> Option<PathBuf> {
    let venv = tool_at(
        test,
        VENV,
        |venv| {
            Command::new(venv.join("bin/python"))
                .args(["-c", &format!("import {module}")])
                .output()
                .is_ok_and(|o| o.status.success())
        },
        |venv| {
            format!(
                "{module} is not importable with {}: run .ci/run, or `{0} -m pip install {module}`",
                venv.join("bin/python").display()
            )
        },
    )?;
    Some(venv.join("bin/python"))
}
