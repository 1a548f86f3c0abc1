//! Reads under load: the board and the case list of a store of 100,000 cases, each with 50
//! concurrent readers against the real `traject serve` — on SQLite, and on PostgreSQL (after
//! `db copy`) when a server is given (`TRAJECT_TEST_POSTGRES`, see `.ci/postgres`). The load
//! generator is this file: 50 threads, each sending its requests one after another over its
//! own connection; it reports p50 and p99 latency and requests per second. The floor, measured
//! in the same run, is the page's own calls into the application on the same store, in this
//! process, one at a time. Target: p99 within 50 ms.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use traject_app::{cases, Catalogue, Ctx, Role};
use traject_cases::CaseState;

#[path = "support/big_store.rs"]
mod big;

const READERS: usize = 50;
const AS_OF: &str = "2023-06-15";
/// What the board shows of each list (the page's own bound).
const SHOWN: usize = 50;

struct Serve {
    child: Child,
    base: String,
    cookie: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn traject(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_traject"));
    c.current_dir(dir);
    c
}

fn add_reader(dir: &Path, db: &str) {
    let mut add = traject(dir)
        .args(["user", "add", "reader", "--role", "coordinator"])
        .args(["--password-stdin", "--db", db])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    add.stdin
        .take()
        .unwrap()
        .write_all(b"reader-passphrase\n")
        .unwrap();
    assert!(add.wait().unwrap().success());
}

/// A `serve` in `dir` (so that it judges with the programme written there), logged in.
fn serve(dir: &Path, db: &str) -> Serve {
    let mut child = traject(dir)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--as-of",
            AS_OF,
            "--db",
            db,
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
    let resp = ureq::post(&format!("{base}/api/session"))
        .send_json(serde_json::json!({"username": "reader", "password": "reader-passphrase"}))
        .unwrap();
    let cookie = resp
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    Serve {
        child,
        base,
        cookie,
    }
}

/// Every reader's `each` requests of `path`, their latencies sorted, and the wall time.
fn load(s: &Serve, path: &str, each: usize) -> (Vec<Duration>, Duration) {
    let t = Instant::now();
    let mut lat: Vec<Duration> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..READERS)
            .map(|_| {
                scope.spawn(|| {
                    let agent = ureq::AgentBuilder::new().build();
                    (0..each)
                        .map(|_| {
                            let t = Instant::now();
                            let page = agent
                                .get(&format!("{}{path}", s.base))
                                .set("Cookie", &s.cookie)
                                .call()
                                .unwrap()
                                .into_string()
                                .unwrap();
                            assert!(page.len() > 1_000);
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
    let wall = t.elapsed();
    lat.sort();
    (lat, wall)
}

fn median(n: usize, mut f: impl FnMut()) -> Duration {
    let mut t: Vec<Duration> = (0..n)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[n / 2]
}

/// The page's calls into the application, in this process, one at a time: (board, case list).
fn floor(dir: &Path, db: &str) -> (Duration, Duration) {
    let store = traject_store::Store::connect(&db.parse().unwrap()).unwrap();
    let catalogue = Catalogue::open(Some(&dir.join("programs")));
    let ctx = Ctx {
        on: AS_OF.parse().unwrap(),
        actor: "reader".into(),
        role: Role::Coordinator,
        team: None,
        org: None,
    };
    let served = catalogue.served_to(None);
    let board = median(9, || {
        for listed in served.list() {
            let id = listed.id.as_str();
            cases::caseload(&store, &served, Some(id), &ctx).unwrap();
            let waiting = cases::CaseFilter {
                program: Some(id.to_string()),
                state: Some(CaseState::Waiting),
                limit: SHOWN,
                dossier: None,
            };
            cases::list(&store, &waiting, &ctx).unwrap();
            cases::due_board(&store, Some(id), SHOWN, &ctx).unwrap();
        }
    });
    let all = cases::CaseFilter {
        program: None,
        state: None,
        limit: 500,
        dossier: None,
    };
    let list = median(9, || {
        cases::list(&store, &all, &ctx).unwrap();
    });
    (board, list)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn readers_on(name: &str, dir: &Path, db: &str) {
    let (board_floor, list_floor) = floor(dir, db);
    let s = serve(dir, db);
    for (page, path, floor, each) in [
        ("board", "/board", board_floor, 20),
        ("case list", "/cases", list_floor, 20),
    ] {
        // Once first, so that the server's programme catalogue and caches are warm.
        load_once(&s, path);
        let (lat, wall) = load(&s, path, each);
        let p99 = lat[lat.len() * 99 / 100];
        println!(
            "{name}, {page}: {:.0} requests/s with {READERS} readers, p50 {:.1} ms, p99 {:.1} ms \
             ({:.2}× the page's calls in process, {:.1} ms) — target p99 ≤ 50 ms: {}",
            lat.len() as f64 / wall.as_secs_f64(),
            ms(lat[lat.len() / 2]),
            ms(p99),
            p99.as_secs_f64() / floor.as_secs_f64(),
            ms(floor),
            if p99 <= Duration::from_millis(50) {
                "met"
            } else {
                "MISSED"
            }
        );
    }
}

fn load_once(s: &Serve, path: &str) {
    ureq::get(&format!("{}{path}", s.base))
        .set("Cookie", &s.cookie)
        .call()
        .unwrap();
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let compiled = big::programme(root, dir.path());
    let t = Instant::now();
    let (db_path, store) = big::build(dir.path(), &compiled);
    drop(store);
    println!(
        "built {} cases in {:.1} s",
        big::CASES,
        t.elapsed().as_secs_f64()
    );
    let db = db_path.to_str().unwrap();
    add_reader(dir.path(), db);
    readers_on("SQLite", dir.path(), db);
    match std::env::var("TRAJECT_TEST_POSTGRES") {
        Ok(server) => {
            let url = traject_store::create_database(&server, "traject_bench_readers").unwrap();
            let copied = traject(dir.path())
                .args(["db", "copy", "--from", db, "--to", &url])
                .output()
                .unwrap();
            assert!(copied.status.success());
            readers_on("PostgreSQL", dir.path(), &url);
        }
        Err(_) => println!(
            "PostgreSQL: skipped (set TRAJECT_TEST_POSTGRES, e.g. eval \"$(.ci/postgres start)\")"
        ),
    }
}
