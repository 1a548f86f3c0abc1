//! A real `traject serve` for the load benchmarks (`server`, `readers`): a user added through
//! the command line, the server started on a free port in a working folder (whose `programs/`
//! it judges with) and logged in; and clients sending it requests one after another.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `serve`, stopped when dropped, with a session cookie.
pub struct Serve {
    pub child: Child,
    pub base: String,
    pub cookie: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The real binary, run in `cwd`.
pub fn traject(cwd: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_traject"));
    c.current_dir(cwd);
    c
}

/// Add user `name` (password `<name>-passphrase`) with `role` and the further `user add`
/// arguments (a team) to the store `db`.
pub fn add_user(cwd: &Path, db: &str, name: &str, role: &str, more: &[&str]) {
    let mut add = traject(cwd)
        .args(["user", "add", name, "--role", role])
        .args(more)
        .args(["--password-stdin", "--db", db])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(format!("{name}-passphrase\n").as_bytes())
        .unwrap();
    assert!(add.wait().unwrap().success());
}

/// The token the benchmarks' servers answer `/metrics` with.
const METRICS_TOKEN: &str = "the-benchmarks-metrics-token";

impl Serve {
    /// The value of the counter or gauge `name` (without labels) in the server's `/metrics`.
    // The writers' benchmark reads the lock's times; the readers' one reads none.
    #[allow(dead_code)]
    pub fn metric(&self, name: &str) -> f64 {
        let text = ureq::get(&format!("{}/metrics", self.base))
            .set("Authorization", &format!("Bearer {METRICS_TOKEN}"))
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{name} in the metrics"))
    }
}

/// `serve` in `cwd` on the store `db`, its clock at `as_of`, logged in as `user`.
pub fn start(cwd: &Path, db: &str, as_of: &str, user: &str) -> Serve {
    let mut child = traject(cwd)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--as-of",
            as_of,
            "--db",
            db,
            "--metrics-token",
            METRICS_TOKEN,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().unwrap().unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break format!("http://{}", rest.split('/').next().unwrap());
        }
    };
    let cookie = login(&base, user);
    Serve {
        child,
        base,
        cookie,
    }
}

/// A session of `user` (password `<user>-passphrase`) on the server at `base`: its cookie.
pub fn login(base: &str, user: &str) -> String {
    let resp = ureq::post(&format!("{base}/api/session"))
        .send_json(serde_json::json!({"username": user, "password": format!("{user}-passphrase")}))
        .unwrap();
    resp.header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// `clients` threads, each with its own connection, making `each` calls of `call(client,
/// i, agent)` one after another: every call's latency, sorted, and the wall time of the whole.
pub fn closed_loop(
    clients: usize,
    each: usize,
    call: impl Fn(usize, usize, &ureq::Agent) + Sync,
) -> (Vec<std::time::Duration>, std::time::Duration) {
    let started = std::time::Instant::now();
    let mut latencies: Vec<std::time::Duration> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|client| {
                let call = &call;
                scope.spawn(move || {
                    let agent = ureq::AgentBuilder::new().build();
                    (0..each)
                        .map(|i| {
                            let t = std::time::Instant::now();
                            call(client, i, &agent);
                            t.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let wall = started.elapsed();
    latencies.sort();
    (latencies, wall)
}
