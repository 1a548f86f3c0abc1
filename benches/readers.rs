//! Reads under load: the board and the case list of a store of 100,000 cases, each with 50
//! concurrent readers against the real `traject serve` — on SQLite, and on PostgreSQL (after
//! `db copy`) when a server is given (`TRAJECT_TEST_POSTGRES`, see `.ci/postgres`). The load
//! generator is this file: 50 threads, each sending its requests one after another over its
//! own connection; it reports p50 and p99 latency and requests per second. The floor, measured
//! in the same run, is the page's own calls into the application on the same store, in this
//! process, one at a time. Target: p99 within 50 ms.

use std::path::Path;
use std::time::{Duration, Instant};

use traject_app::{cases, Catalogue, Ctx, Role};
use traject_cases::CaseState;

#[path = "support/big_store.rs"]
mod big;
#[path = "support/serve.rs"]
mod serve;
#[path = "support/timing.rs"]
mod timing;

use serve::Serve;
use timing::median;

const READERS: usize = 50;
const AS_OF: &str = "2023-06-15";
/// What the board shows of each list (the page's own bound).
const SHOWN: usize = 50;

/// Every reader's `each` requests of `path`, their latencies sorted, and the wall time.
fn load(s: &Serve, path: &str, each: usize) -> (Vec<Duration>, Duration) {
    serve::closed_loop(READERS, each, |_, _, agent| {
        let page = agent
            .get(&format!("{}{path}", s.base))
            .set("Cookie", &s.cookie)
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        assert!(page.len() > 1_000);
    })
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
        limit: traject_web::CASES_PER_PAGE,
        dossier: None,
    };
    let list = median(9, || {
        cases::list_page(&store, &all, traject_store::ListKey::START, &ctx).unwrap();
    });
    (board, list)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn readers_on(name: &str, dir: &Path, db: &str) {
    let (board_floor, list_floor) = floor(dir, db);
    let s = serve::start(dir, db, AS_OF, "reader");
    for (page, path, floor, each) in [
        ("board", "/board", board_floor, 20),
        ("case list", "/cases", list_floor, 20),
    ] {
        // A round of every reader first, so that what is measured is the steady state: the
        // server's connections opened, its programme catalogue and caches warm.
        load(&s, path, 1);
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
    serve::add_user(dir.path(), db, "reader", "coordinator", &[]);
    readers_on("SQLite", dir.path(), db);
    match std::env::var("TRAJECT_TEST_POSTGRES") {
        Ok(server) => {
            let url = traject_store::create_database(&server, "traject_bench_readers").unwrap();
            let copied = serve::traject(dir.path())
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
