//! The case store at scale, in one run: a database of 100,000 cases and 1,000,000 events, then
//! `case list`, `due` and `caseload` as cold processes of the real binary (median of 5; target
//! under 100 ms each), and `case import` of 10,000 referrals into a fresh database (target
//! under 1 s). `cat` of the database file is measured as the floor for a process that reads it.
//!
//! With a PostgreSQL server (`TRAJECT_TEST_POSTGRES`, see `.ci/postgres`) the same store is
//! moved there with `db copy` (timed) and the same commands and import run against it, each
//! quoted as a ratio to SQLite in the same run (the import's target: at most 1.5×).
//! `cargo bench --bench store -- import` runs the imports alone.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use traject_cases::event::{self, Event};
use traject_store::{test_support, Table};

#[path = "support/big_store.rs"]
mod big;
#[path = "support/timing.rs"]
mod timing;
use timing::median;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("traject-store-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("programs")).unwrap();
    let compiled = big::programme(root, &dir);
    let postgres = std::env::var("TRAJECT_TEST_POSTGRES").ok();
    // `cargo bench --bench store -- import` times the imports alone.
    if !std::env::args().any(|a| a == "import") {
        big_store(&dir, &compiled, postgres.as_deref());
    }
    imports(&dir, postgres.as_deref());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The cold process of the real binary, run in `dir`; the bytes it wrote.
fn run_in(dir: &Path, args: &[&str]) -> usize {
    let out = Command::new(env!("CARGO_BIN_EXE_traject"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout.len()
}

/// 100,000 cases and 1,000,000 events; the read commands on SQLite and, given a server, on
/// PostgreSQL after `db copy`.
fn big_store(dir: &Path, compiled: &traject_rules::CompiledProgram, postgres: Option<&str>) {
    let t = Instant::now();
    let (db_path, mut store) = big::build(dir, compiled);
    // Intake forms are held; the rest of the million events are evaluations and notes.
    test_support::hold_all(&mut store, "intake_form").unwrap();
    let have = store.count(Table::Events).unwrap();
    let held = Event::Evaluated(event::Evaluated {
        evaluation: "intake_form".into(),
        decision: None,
        goals: vec!["housing".into(), "dutch".into(), "network".into()],
        score: None,
        scheduled_for: None,
        changed: None,
        extended_until: None,
        destination: None,
        reason: None,
        redacted: false,
    });
    let on = chrono::NaiveDate::from_ymd_opt(2023, 3, 1).unwrap();
    let notes: Vec<_> = (0..(1_000_000 - have))
        .map(|k| (1 + k % 100_000, on, held.clone()))
        .collect();
    test_support::append_events(&mut store, &notes).unwrap();
    let (cases, events) = (
        store.count(Table::Cases).unwrap(),
        store.count(Table::Events).unwrap(),
    );
    drop(store);
    println!(
        "built {cases} cases and {events} events in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let db = db_path.to_str().unwrap();
    let run = |args: &[&str]| run_in(dir, args);
    let cat = median(5, || {
        Command::new("cat")
            .arg(&db_path)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
    });
    println!(
        "floor: cat of the {:.0} MB database: {:.1} ms",
        std::fs::metadata(&db_path).unwrap().len() as f64 / 1e6,
        cat.as_secs_f64() * 1e3
    );
    let queries = |db: &str, baseline: Option<&[Duration]>| -> Vec<Duration> {
        let mut times = Vec::new();
        for (i, (name, args)) in [
            ("case list (first 1,000)", vec!["case", "list", "--db", db]),
            (
                "case list --state waiting",
                vec!["case", "list", "--db", db, "--state", "waiting"],
            ),
            (
                "due --on 2023-06-15",
                vec!["due", "--db", db, "--on", "2023-06-15"],
            ),
            (
                "caseload",
                vec!["caseload", "--db", db, "--as-of", "2023-06-15"],
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let mut bytes = 0;
            let m = median(5, || bytes = run(&args));
            let ratio = baseline.map_or(String::new(), |b| {
                format!(", {:.2}× SQLite", m.as_secs_f64() / b[i].as_secs_f64())
            });
            println!(
                "{name:<28} {:>7.1} ms ({bytes} bytes out{ratio}) — target < 100 ms: {}",
                m.as_secs_f64() * 1e3,
                if m < Duration::from_millis(100) {
                    "met"
                } else {
                    "MISSED"
                }
            );
            times.push(m);
        }
        times
    };
    println!("SQLite:");
    let on_sqlite = queries(db, None);
    if let Some(server) = postgres {
        let url = traject_store::create_database(server, "traject_bench_store").unwrap();
        let t = Instant::now();
        run(&["db", "copy", "--from", db, "--to", &url]);
        println!(
            "db copy of the store to PostgreSQL: {:.1} s",
            t.elapsed().as_secs_f64()
        );
        println!("PostgreSQL:");
        queries(&url, Some(&on_sqlite));
    }
}

/// `case import` of 10,000 referrals into fresh stores: SQLite and, given a server, PostgreSQL.
fn imports(dir: &Path, postgres: Option<&str>) {
    let run = |args: &[&str]| run_in(dir, args);
    let mut csv = String::from("id,referral_date,birth_date,nationality,residence_ocmw,income_support,in_art60,civic_orientation_completed,motivated,help_request_fits\n");
    for i in 0..10_000 {
        csv.push_str(&format!(
            "n{i:05},2023-02-{:02},1980-01-01,SY,antwerpen,leefloon,false,true,true,true\n",
            1 + i % 28
        ));
    }
    std::fs::write(dir.join("import.csv"), csv).unwrap();
    // Three imports, each into its own fresh store made beforehand (outside the timing).
    let import = |targets: Vec<String>| {
        let mut t: Vec<Duration> = targets
            .iter()
            .map(|target| {
                let s = Instant::now();
                run(&[
                    "case",
                    "import",
                    "--db",
                    target,
                    "--program",
                    "antwerpen",
                    "import.csv",
                ]);
                s.elapsed()
            })
            .collect();
        t.sort();
        t[t.len() / 2]
    };
    let m = import(
        (0..3)
            .map(|k| {
                dir.join(format!("fresh-{k}.db"))
                    .to_str()
                    .unwrap()
                    .to_string()
            })
            .collect(),
    );
    println!(
        "case import of 10,000 referrals (SQLite): {:.0} ms — target < 1 s: {}",
        m.as_secs_f64() * 1e3,
        if m < Duration::from_secs(1) {
            "met"
        } else {
            "MISSED"
        }
    );
    if let Some(server) = postgres {
        let p = import(
            (0..3)
                .map(|k| {
                    traject_store::create_database(server, &format!("traject_bench_import_{k}"))
                        .unwrap()
                })
                .collect(),
        );
        let ratio = p.as_secs_f64() / m.as_secs_f64();
        println!(
            "case import of 10,000 referrals (PostgreSQL): {:.0} ms, {ratio:.2}× SQLite — target ≤ 1.5×: {}",
            p.as_secs_f64() * 1e3,
            if ratio <= 1.5 { "met" } else { "MISSED" }
        );
    }
}
