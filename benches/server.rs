//! The web application under concurrent load: `POST /api/check` and the board page, each with
//! 50 concurrent clients against the real `traject serve` on this machine, quoted against the
//! floor measured in the same run — the same check in-process. Criterion reports time per
//! request (the inverse of throughput); the run also prints requests per second and the
//! p50/p99 latency of one fixed burst, with their ratio to the in-process check.
//!
//! Then writes: 50 concurrent API writers (each creating and starting cases) against one
//! `serve` on SQLite — the baseline — and, when a PostgreSQL server is given
//! (`TRAJECT_TEST_POSTGRES`, see `.ci/postgres`), against one, two and four `serve` instances
//! sharing one PostgreSQL database — two against SQLite in three paired rounds; writes per
//! second, p50/p99, the machine's CPU per write and the ratio to SQLite. The writers work for
//! one office, then for two offices sharing the store (two programme locks).

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use serde_json::Value;
use traject_app::{referrals, Ctx, Programs, Role};

#[path = "support/serve.rs"]
mod serve;
use serve::Serve;

const CLIENTS: usize = 50;
const REFERRAL: &str = r#"{"referral_date": "2023-01-10", "birth_date": "1990-05-01", "nationality": "SY", "residence_status": "recognised_refugee", "residence_ocmw": "antwerpen", "income_support": "leefloon", "in_art60": false, "civic_orientation_completed": true, "language_level": "1.2", "motivated": true, "help_request_fits": true, "mobile": true}"#;

/// A `serve` of this benchmark, with the folder its SQLite store lives in.
struct Server {
    serve: Serve,
    _dir: tempfile::TempDir,
    /// The writers' sessions, one per office of their `Mix` (see `Mix::users`).
    offices: Vec<String>,
}

impl std::ops::Deref for Server {
    type Target = Serve;
    fn deref(&self) -> &Serve {
        &self.serve
    }
}

fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let server = start_on(db.to_str().unwrap(), dir, true);
    // A caseload to show: 45 referrals for 40 places, so the board has a waiting list.
    for i in 0..45 {
        let referral = REFERRAL.replacen('{', &format!(r#"{{"id": "B{i}", "#), 1);
        let body = format!(r#"{{"program": "antwerpen", "referral": {referral}}}"#);
        let created: Value = server.post("/api/cases", &body).into_json().unwrap();
        let id = created["id"].as_i64().unwrap();
        server.post(&format!("/api/cases/{id}/start"), r#"{"track": "short"}"#);
    }
    server
}

/// A `serve` on the store `db` (a path or a URL), logged in as a social worker (added first
/// when `add_user`).
fn start_on(db: &str, dir: tempfile::TempDir, add_user: bool) -> Server {
    if add_user {
        add_bench_user(db);
    }
    Server {
        serve: serve::start(dir.path(), db, "2024-06-01", "bench"),
        _dir: dir,
        offices: Vec::new(),
    }
}

/// Whose cases the writers create and start.
#[derive(Clone, Copy, PartialEq)]
enum Mix {
    /// One office's: on PostgreSQL every start takes its turn under the one programme's lock.
    OneOffice,
    /// Two offices' sharing the store (organisations `a` and `b`), each with its own team,
    /// places and waiting list — two programme locks; every server serves both.
    TwoOffices,
}

impl Mix {
    /// The writers' users: one per office, added by `add_writers`.
    fn users(self) -> &'static [&'static str] {
        match self {
            Mix::OneOffice => &["bench"],
            Mix::TwoOffices => &["office-a", "office-b"],
        }
    }

    fn name(self) -> &'static str {
        match self {
            Mix::OneOffice => "one office",
            Mix::TwoOffices => "two offices",
        }
    }
}

/// The store `db` with the users a `serve` logs in as (`bench`) and the writers of `mix`.
fn add_writers(db: &str, mix: Mix) {
    add_bench_user(db);
    if mix == Mix::TwoOffices {
        for (user, org) in Mix::TwoOffices.users().iter().zip(["a", "b"]) {
            serve::add_user(
                Path::new("."),
                db,
                user,
                "social-worker",
                &["--team", "t", "--org", org],
            );
        }
    }
}

/// A `serve` on `db` (its writers added) with a session for each of `mix`'s offices.
fn writers_server(db: &str, dir: tempfile::TempDir, mix: Mix) -> Server {
    let mut server = start_on(db, dir, false);
    server.offices = mix
        .users()
        .iter()
        .map(|user| serve::login(&server.base, user))
        .collect();
    server
}

fn add_bench_user(db: &str) {
    serve::add_user(
        Path::new("."),
        db,
        "bench",
        "social-worker",
        &["--team", "t"],
    );
}

impl Server {
    fn post(&self, path: &str, body: &str) -> ureq::Response {
        ureq::post(&format!("{}{path}", self.base))
            .set("Cookie", &self.cookie)
            .set("Content-Type", "application/json")
            .send_string(body)
            .unwrap()
    }
}

/// `total` requests spread over `CLIENTS` threads, each with its own connection; the latency
/// of every request.
fn burst(server: &Server, total: usize, request: &(dyn Fn(&ureq::Agent) + Sync)) -> Vec<Duration> {
    let per = total.div_ceil(CLIENTS);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|_| {
                scope.spawn(|| {
                    let agent = ureq::AgentBuilder::new().build();
                    (0..per)
                        .map(|_| {
                            let t = Instant::now();
                            request(&agent);
                            t.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let _ = server;
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

fn bench(c: &mut Criterion) {
    let server = start();
    let check_body = format!(r#"{{"program": "antwerpen", "referral": {REFERRAL}}}"#);
    let check = |agent: &ureq::Agent| {
        agent
            .post(&format!("{}/api/check", server.base))
            .set("Cookie", &server.cookie)
            .set("Content-Type", "application/json")
            .send_string(&check_body)
            .unwrap();
    };
    let board = |agent: &ureq::Agent| {
        agent
            .get(&format!("{}/board", server.base))
            .set("Cookie", &server.cookie)
            .call()
            .unwrap();
    };

    let catalogue = traject_app::catalogue::Catalogue::open(None);
    let compiled = catalogue.open("antwerpen", &Default::default()).unwrap();
    let doc = traject_model::yaml::parse("bench", REFERRAL).unwrap();
    let referral =
        traject_model::referral::from_value("bench", &doc.value, &doc.index, "").unwrap();
    let ctx = Ctx {
        on: "2024-06-01".parse().unwrap(),
        actor: "bench".into(),
        role: Role::SocialWorker,
        team: None,
        org: None,
    };

    let mut g = c.benchmark_group("server");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("check in-process (floor)", |b| {
        b.iter(|| checked(&compiled, &referral, &ctx))
    });
    g.bench_function("POST /api/check, 50 clients", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            burst(&server, iters as usize, &check);
            t.elapsed()
        })
    });
    g.bench_function("GET /board, 50 clients", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            burst(&server, iters as usize, &board);
            t.elapsed()
        })
    });
    g.finish();

    // One fixed burst each, for requests per second and tail latency.
    let floor = {
        let t = Instant::now();
        for _ in 0..2000 {
            checked(&compiled, &referral, &ctx);
        }
        t.elapsed() / 2000
    };
    for (name, request) in [
        ("POST /api/check", &check as &(dyn Fn(&ureq::Agent) + Sync)),
        ("GET /board", &board),
    ] {
        let t = Instant::now();
        let mut lat = burst(&server, 2000, request);
        let wall = t.elapsed();
        lat.sort();
        let per_request = wall / lat.len() as u32;
        println!(
            "{name}: {:.0} requests/s with {CLIENTS} clients, p50 {:?}, p99 {:?}; {:.1}× the in-process check ({:?})",
            lat.len() as f64 / wall.as_secs_f64(),
            lat[lat.len() / 2],
            lat[lat.len() * 99 / 100],
            per_request.as_secs_f64() / floor.as_secs_f64(),
            floor
        );
    }
}

/// `total` case creations and starts by `CLIENTS` writers spread over `servers`; the wall time
/// and the latency of each create-and-start. A round of one create-and-start per writer goes
/// first, unmeasured: a server opens its connections, prepares its statements and compiles the
/// programme once, and a short run would count that once per server (more servers, more of
/// it) where a server that runs all day does not.
fn writers(servers: &[Server], mix: Mix, total: usize, tag: &str) -> Written {
    serve::closed_loop(CLIENTS, 1, |w, i, agent| {
        create_and_start(servers, mix, &format!("{tag}-warm"), w, i, agent)
    });
    let busy = machine_busy();
    let locks = Locks::of(servers);
    let (lat, wall) = serve::closed_loop(CLIENTS, total.div_ceil(CLIENTS), |w, i, agent| {
        create_and_start(servers, mix, tag, w, i, agent)
    });
    let cpu = machine_busy() - busy;
    let locks = Locks::of(servers).since(&locks);
    Written {
        wall,
        lat,
        cpu,
        locks,
    }
}

/// The programme locks the servers' writers took, waited for and held (seconds), from their
/// `/metrics`: on PostgreSQL, every start of the programme takes its turn under its lock.
#[derive(Clone, Copy)]
struct Locks {
    taken: f64,
    waited: f64,
    held: f64,
}

impl Locks {
    fn of(servers: &[Server]) -> Locks {
        let sum = |name: &str| servers.iter().map(|s| s.metric(name)).sum();
        Locks {
            taken: sum("traject_programme_locks_total"),
            waited: sum("traject_programme_lock_wait_seconds_total"),
            held: sum("traject_programme_lock_held_seconds_total"),
        }
    }

    fn since(&self, before: &Locks) -> Locks {
        Locks {
            taken: self.taken - before.taken,
            waited: self.waited - before.waited,
            held: self.held - before.held,
        }
    }
}

/// Writer `w`'s `i`th case, created and started through one of `servers`: with two
/// offices, writers alternate between them and each server has writers of both.
fn create_and_start(
    servers: &[Server],
    mix: Mix,
    tag: &str,
    w: usize,
    i: usize,
    agent: &ureq::Agent,
) {
    let offices = mix.users().len();
    let s = &servers[(w / offices) % servers.len()];
    let cookie = &s.offices[w % offices];
    let referral = REFERRAL.replacen('{', &format!(r#"{{"id": "{tag}-{w}-{i}", "#), 1);
    let body = format!(r#"{{"program": "antwerpen", "referral": {referral}}}"#);
    let created: Value = agent
        .post(&format!("{}/api/cases", s.base))
        .set("Cookie", cookie)
        .set("Content-Type", "application/json")
        .send_string(&body)
        .unwrap()
        .into_json()
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    agent
        .post(&format!("{}/api/cases/{id}/start", s.base))
        .set("Cookie", cookie)
        .set("Content-Type", "application/json")
        .send_string(r#"{"track": "short"}"#)
        .unwrap();
}

/// A writers' run: its wall time, each create-and-start's latency, and the CPU time the
/// whole machine spent meanwhile (the load generator, the servers and PostgreSQL share it).
struct Written {
    wall: Duration,
    lat: Vec<Duration>,
    cpu: Duration,
    locks: Locks,
}

/// CPU time the machine has spent busy (every core, user and system), from /proc/stat.
fn machine_busy() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: u64 = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .take(8)
        .enumerate()
        // user, nice, system, (idle, iowait skipped), irq, softirq, steal
        .filter(|(i, _)| !matches!(i, 3 | 4))
        .filter_map(|(_, v)| v.parse::<u64>().ok())
        .sum();
    // USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}

fn report_writers(name: &str, w: &Written, baseline: Option<f64>) -> f64 {
    let rate = w.lat.len() as f64 / w.wall.as_secs_f64();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{name}: {rate:.0} create+start/s with {CLIENTS} writers, p50 {:.1} ms, p99 {:.1} ms; \
         {:.2} ms of CPU per create+start, the cores {:.0}% busy{}",
        w.lat[w.lat.len() / 2].as_secs_f64() * 1e3,
        w.lat[w.lat.len() * 99 / 100].as_secs_f64() * 1e3,
        w.cpu.as_secs_f64() * 1e3 / w.lat.len() as f64,
        100.0 * w.cpu.as_secs_f64() / (w.wall.as_secs_f64() * cores as f64),
        baseline.map_or(String::new(), |b| format!(
            "; {:.2}× the SQLite rate",
            rate / b
        ))
    );
    let l = &w.locks;
    if l.taken > 0.0 {
        println!(
            "  the programme's lock: taken {:.0} times, waited for {:.1} ms and held {:.2} ms each \
             (from having it to the COMMIT's answer), held {:.0}% of the run",
            l.taken,
            l.waited * 1e3 / l.taken,
            l.held * 1e3 / l.taken,
            100.0 * l.held / w.wall.as_secs_f64()
        );
    }
    rate
}

/// 50 writers against SQLite (one serve), then against PostgreSQL shared by one, two and
/// four `serve` instances (each on a fresh store), first for one office, then for two
/// offices sharing the store. The target's pair — two `serve` on PostgreSQL against one on
/// SQLite — runs in three rounds, A B A B A B: this machine's speed drifts between runs of a
/// few seconds, and a ratio taken within a round, the median of three, holds still where one
/// run of each does not.
fn concurrent_writers() {
    let Some(server) = std::env::var("TRAJECT_TEST_POSTGRES").ok() else {
        sqlite_writers(Mix::OneOffice, WRITES, "s");
        println!(
            "PostgreSQL: skipped (set TRAJECT_TEST_POSTGRES, e.g. eval \"$(.ci/postgres start)\")"
        );
        return;
    };
    let mut summary = Vec::new();
    for mix in [Mix::OneOffice, Mix::TwoOffices] {
        let (base, ratio) = paired_rounds(&server, mix);
        if mix == Mix::OneOffice {
            for n in [1, 4] {
                postgres_writers(&server, mix, n, WRITES, 0, Some(base));
            }
        }
        summary.push(format!(
            "{}: two serve on PostgreSQL against one on SQLite, median of {ROUNDS} rounds: {ratio:.2}× — target ≥ 1.0×: {}",
            mix.name(),
            if ratio >= 1.0 { "met" } else { "MISSED" }
        ));
    }
    for line in summary {
        println!("{line}");
    }
}

const WRITES: usize = 1000;
const ROUNDS: usize = 3;

/// `ROUNDS` pairs of one `serve` on SQLite and two on PostgreSQL with the writers of `mix`:
/// the median SQLite rate and the median of the rounds' ratios.
fn paired_rounds(server: &str, mix: Mix) -> (f64, f64) {
    let mut sqlite_rates = Vec::new();
    let mut ratios = Vec::new();
    for round in 1..=ROUNDS {
        let sqlite = sqlite_writers(mix, WRITES, &format!("s{round}"));
        sqlite_rates.push(sqlite);
        let rate = postgres_writers(server, mix, 2, WRITES, round, Some(sqlite));
        ratios.push(rate / sqlite);
    }
    (median(&mut sqlite_rates), median(&mut ratios))
}

/// Create-and-starts per second of 50 writers against one `serve` on a fresh SQLite store.
fn sqlite_writers(mix: Mix, writes: usize, tag: &str) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("writers.db");
    let db = db.to_str().unwrap();
    add_writers(db, mix);
    let sqlite = writers_server(db, dir, mix);
    report_writers(
        &format!("SQLite, one serve, {}", mix.name()),
        &writers(std::slice::from_ref(&sqlite), mix, writes, tag),
        None,
    )
}

/// The same against `n` `serve` instances sharing a fresh PostgreSQL database.
fn postgres_writers(
    server: &str,
    mix: Mix,
    n: usize,
    writes: usize,
    round: usize,
    base: Option<f64>,
) -> f64 {
    let offices = mix.users().len();
    let name = format!("traject_bench_writers_{offices}_{n}_{round}");
    let url = traject_store::create_database(server, &name).unwrap();
    add_writers(&url, mix);
    let serves: Vec<Server> = (0..n)
        .map(|_| writers_server(&url, tempfile::tempdir().unwrap(), mix))
        .collect();
    let written = writers(&serves, mix, writes, &format!("p{n}-{round}"));
    let count = match n {
        1 => "one",
        2 => "two",
        4 => "four",
        _ => "several",
    };
    report_writers(
        &format!("PostgreSQL, {count} serve, {}", mix.name()),
        &written,
        base,
    )
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

criterion_group!(benches, bench);

fn main() {
    concurrent_writers();
    benches();
    Criterion::default().configure_from_args().final_summary();
}

/// One referral judged and explained as the API answers it (the work of a request without
/// the HTTP around it).
fn checked(
    compiled: &traject_rules::CompiledProgram,
    referral: &traject_model::referral::Referral,
    ctx: &traject_app::Ctx,
) -> traject_render::explain::ExplanationView {
    let e = referrals::check(compiled, referral, ctx).unwrap();
    traject_render::explain::view(compiled, &e, compiled.program.spec.society_language)
}
