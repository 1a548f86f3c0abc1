//! The case store on a real PostgreSQL server, beside SQLite: the bundled trajectory tests
//! (the whole lifecycle), the 45-referral scenario through the CLI and through two `serve`
//! instances sharing one database, the last free slot raced by several processes on both back
//! ends, `db copy` SQLite → PostgreSQL → SQLite with every event intact, organisations kept
//! apart, a client killed in the middle of an import leaving nothing half applied, imports
//! written in bulk on PostgreSQL holding what they hold on SQLite, and one dossier sent at once
//! to two servers becoming one case.
//!
//! The server is `TRAJECT_TEST_POSTGRES` when set; otherwise the test run starts a throw-away
//! cluster itself (`common::postgres_server`) when Debian's postgresql package is installed.
//! Without PostgreSQL each test prints a `skipped:` line — under CI it fails instead.

use crate::common;

use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{add_user_on, call, postgres_database, serve_on, traject, ELIGIBLE};
use serde_json::{json, Value};
use traject_cases::{self as lifecycle, Ctx};
use traject_model::program::LoadOptions;
use traject_store::test_support::{self, Tamper};
use traject_store::{DbTarget, Store, StoreError, Table};

fn referrals_csv(dir: &Path, n: usize) -> std::path::PathBuf {
    let mut text = String::from("id,referral_date,birth_date,nationality,residence_ocmw,income_support,in_art60,civic_orientation_completed,motivated,help_request_fits\n");
    for i in 1..=n {
        text.push_str(&format!(
            "r{i:06},2023-01-{:02},{}-03-04,SY,antwerpen,leefloon,false,true,true,true\n",
            1 + i % 28,
            1960 + i % 40
        ));
    }
    let path = dir.join(format!("referrals-{n}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}

/// Run the binary; it must succeed. Its standard output.
fn run(args: &[&str]) -> String {
    let out = traject().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn the_bundled_trajectory_tests_pass_on_postgresql_as_on_sqlite() {
    let Some(first) = postgres_database("traject_traj_0") else {
        return;
    };
    let on_sqlite = traject_programme_tests::run_bundled();
    let n = AtomicUsize::new(0);
    let base = first.rsplit_once('/').unwrap().0.to_string();
    let server = common::postgres_server().unwrap();
    let on_postgres = traject_programme_tests::on_stores(
        Box::new(move || {
            let i = n.fetch_add(1, Ordering::SeqCst);
            let url = traject_store::create_database(&server, &format!("traject_traj_{i}"))?;
            assert!(url.starts_with(&base));
            Store::connect(&DbTarget::Postgres(url))
        }),
        traject_programme_tests::run_bundled,
    );
    let text = traject_programme_tests::render(&on_postgres);
    assert_eq!(on_postgres.failed(), 0, "{text}");
    assert!(on_postgres.errors.is_empty(), "{text}");
    assert_eq!(on_postgres.passed(), on_sqlite.passed());
    // The lifecycle is really exercised: pauses, re-opening, module enrolment.
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/tests");
    let texts: Vec<String> = std::fs::read_dir(tests)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap_or_default())
        .collect();
    for step in ["pause:", "reopen:", "enrol:", "evaluate:"] {
        assert!(texts.iter().any(|t| t.contains(step)), "{step}");
    }
}

/// Import 45 referrals and start each on the long track; the caseload and the waiting list.
fn forty_five(db: &str, dir: &Path) -> (String, String) {
    let csv = referrals_csv(dir, 45);
    let imported = run(&[
        "case",
        "import",
        "--db",
        db,
        "--program",
        "antwerpen",
        csv.to_str().unwrap(),
        "--as-of",
        "2023-01-31",
    ]);
    assert!(imported.contains("45 cases imported (1–45)"), "{imported}");
    for id in 1..=45 {
        let started = run(&[
            "case",
            "start",
            &id.to_string(),
            "--db",
            db,
            "--track",
            "long",
            "--as-of",
            "2023-02-01",
        ]);
        if id > 40 {
            assert!(
                started.contains(&format!("position {} on the waiting list", id - 40)),
                "{started}"
            );
        }
    }
    (
        run(&[
            "caseload",
            "--lang",
            "en",
            "--db",
            db,
            "--as-of",
            "2023-02-01",
        ]),
        run(&["case", "list", "--lang", "en", "--db", db]),
    )
}

#[test]
fn forty_five_referrals_give_the_same_caseload_and_waiting_list_on_both_back_ends() {
    let Some(url) = postgres_database("traject_forty_five") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("cases.db");
    let (load_s, list_s) = forty_five(sqlite.to_str().unwrap(), dir.path());
    let (load_p, list_p) = forty_five(&url, dir.path());
    assert!(load_p.contains("active    40  waiting     5"), "{load_p}");
    assert_eq!(load_s, load_p);
    assert_eq!(list_s, list_p);
}

/// A store's problems, as its integrity check finds them (the numbers its triggers keep
/// among them).
fn problems(db: &str) -> Vec<String> {
    let target = if db.starts_with("postgres") {
        DbTarget::Postgres(db.to_string())
    } else {
        DbTarget::File(db.into())
    };
    Store::connect(&target)
        .unwrap()
        .integrity_problems()
        .unwrap()
}

/// Each way on and off a waiting list on `db`, after `forty_five` (40 running, 41–45 waiting):
/// the position the next client is told, which the store takes from the number of clients who
/// wait its triggers keep (one row, not a count of the list).
fn on_and_off_the_list(db: &str, dir: &Path) -> String {
    let on = ["--db", db, "--as-of", "2023-02-02"];
    run(&[&["case", "drop", "42", "--reason", "moved"][..], &on].concat());
    run(&[
        &["case", "not-start", "43", "--reason", "no_help_request"][..],
        &on,
    ]
    .concat());
    // A freed place goes to the first who waits (41): two wait then, 44 and 45.
    run(&[&["case", "close", "1", "--destination", "art60"][..], &on].concat());
    assert!(problems(db).is_empty(), "{db}: {:?}", problems(db));
    let csv = referrals_csv(dir, 46);
    run(&[
        &[
            "case",
            "import",
            "--program",
            "antwerpen",
            csv.to_str().unwrap(),
        ][..],
        &on,
    ]
    .concat());
    run(&[&["case", "start", "46", "--track", "long"][..], &on].concat())
}

#[test]
fn the_number_who_wait_is_kept_right_through_every_way_on_and_off_the_list_on_both_back_ends() {
    let Some(url) = postgres_database("traject_waiting_count") else {
        return;
    };
    let copied = traject_store::create_database(
        &common::postgres_server().unwrap(),
        "traject_waiting_count_copy",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("cases.db");
    let sqlite = sqlite.to_str().unwrap();
    for db in [sqlite, url.as_str()] {
        forty_five(db, dir.path());
        let started = on_and_off_the_list(db, dir.path());
        assert!(
            started.contains("position 3 on the waiting list"),
            "{db}: {started}"
        );
        assert!(problems(db).is_empty(), "{db}: {:?}", problems(db));
    }
    // A copy counts who waits as it writes the cases in; so does a store tampered with and
    // checked (the check is what would find a trigger that missed a way off the list).
    run(&["db", "copy", "--from", sqlite, "--to", &copied]);
    assert!(problems(&copied).is_empty(), "{:?}", problems(&copied));
    let store = Store::connect(&DbTarget::File(sqlite.into())).unwrap();
    test_support::tamper(&store, Tamper::WaitingCount).unwrap();
    assert_eq!(
        problems(sqlite),
        ["waiting_counts: programme antwerpen is kept at 4 waiting, but 3 wait"]
    );
}

/// Two organisations sharing a store run the same programme on `db`: east fills its 40 places
/// and five of its clients wait. West's team has places of its own, so its clients start at
/// once, and a place east frees goes to east's first who waits. The case lifecycle's lock, the
/// places counted and the waiting list are each one programme's in one organisation.
fn two_teams(db: &str, dir: &Path) -> Vec<String> {
    let as_of = |day: &str| ["--db", db, "--as-of", day].map(str::to_string);
    let with = |args: &[&str], org: &str, day: &str| {
        let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        all.extend(["--org".to_string(), org.to_string()]);
        all.extend(as_of(day));
        run(&all.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let east = referrals_csv(dir, 45);
    let west = referrals_csv(dir, 2);
    let import = ["case", "import", "--program", "antwerpen"];
    with(
        &[&import[..], &[east.to_str().unwrap()]].concat(),
        "east",
        "2023-01-31",
    );
    for id in 1..=45 {
        with(
            &["case", "start", &id.to_string(), "--track", "long"],
            "east",
            "2023-02-01",
        );
    }
    with(
        &[&import[..], &[west.to_str().unwrap()]].concat(),
        "west",
        "2023-01-31",
    );
    let mut said = Vec::new();
    for id in [46, 47] {
        said.push(with(
            &["case", "start", &id.to_string(), "--track", "long"],
            "west",
            "2023-02-01",
        ));
    }
    said.push(with(
        &["case", "close", "1", "--destination", "art60"],
        "east",
        "2023-02-02",
    ));
    for org in ["east", "west"] {
        said.push(with(&["caseload", "--lang", "en"], org, "2023-02-02"));
    }
    said
}

#[test]
fn a_full_team_in_one_organisation_never_holds_up_another_on_both_back_ends() {
    let Some(url) = postgres_database("traject_two_teams") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("teams.db");
    for db in [sqlite.to_str().unwrap(), url.as_str()] {
        let said = two_teams(db, dir.path());
        assert!(said[0].contains("case 46 started"), "{db}: {said:?}");
        assert!(said[1].contains("case 47 started"), "{db}: {said:?}");
        assert!(
            said[2].contains("case 41 comes off the waiting list"),
            "{db}: {said:?}"
        );
        assert!(
            said[3].contains("active    40  waiting     4"),
            "{db}: {said:?}"
        );
        assert!(
            said[4].contains("active     2  waiting     0"),
            "{db}: {said:?}"
        );
        assert!(problems(db).is_empty(), "{db}: {:?}", problems(db));
    }
}

/// Imports on `db`: an office's history (whose starts, ends and waiting list are recorded
/// among the new cases), 2,500 referrals (more than PostgreSQL's rows held back at once),
/// both again (every row present, nothing written), and a file whose dossier is known with
/// other data (refused, nothing written). What each printed, and the store afterwards.
fn imports_on(db: &str, dir: &Path) -> (Vec<String>, Vec<Value>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let history = root.join("examples/history.csv");
    let history = history.to_str().unwrap();
    let many = referrals_csv(dir, 2_500);
    let many = many.to_str().unwrap();
    let conflict = dir.join("conflict.csv");
    let mut text = std::fs::read_to_string(many).unwrap();
    text = text.replacen(",1961-03-04,", ",1999-12-31,", 1);
    std::fs::write(&conflict, text).unwrap();
    let import = |file: &str| {
        traject()
            .args([
                "case",
                "import",
                "--program",
                "antwerpen",
                "--lang",
                "en",
                "--db",
                db,
                file,
            ])
            .output()
            .unwrap()
    };
    let mut said = Vec::new();
    for file in [history, many, history, many] {
        let out = import(file);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        said.push(String::from_utf8_lossy(&out.stdout).to_string());
    }
    let refused = import(conflict.to_str().unwrap());
    assert_eq!(refused.status.code(), Some(1));
    said.push(String::from_utf8_lossy(&refused.stderr).replace(db, "DB"));
    // Every case, and the histories of the office's cases and of every 100th referral.
    let list: Value = serde_json::from_str(&run(&[
        "case", "list", "--lang", "en", "--db", db, "--format", "json", "--limit", "5000",
    ]))
    .unwrap();
    let mut held = list.as_array().unwrap().clone();
    for id in (1..=20).chain((100..=2_500).step_by(100)) {
        let mut history: Value = serde_json::from_str(&run(&[
            "case",
            "history",
            &id.to_string(),
            "--db",
            db,
            "--format",
            "json",
        ]))
        .unwrap();
        // The moment a row was written differs between the two runs; the rest may not.
        for event in history.as_array_mut().unwrap() {
            event.as_object_mut().unwrap().remove("recorded_at");
        }
        held.push(history);
    }
    (said, held)
}

#[test]
fn imports_on_postgresql_write_in_bulk_what_they_write_on_sqlite() {
    let Some(url) = postgres_database("traject_bulk_import") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("cases.db");
    let (said_s, held_s) = imports_on(sqlite.to_str().unwrap(), dir.path());
    let (said_p, held_p) = imports_on(&url, dir.path());
    assert!(said_s[1].contains("2500"), "{}", said_s[1]);
    assert!(said_s[4].contains("r000001"), "{}", said_s[4]);
    assert_eq!(said_s, said_p);
    assert_eq!(held_s.len(), held_p.len());
    assert!(held_s.len() > 2_500);
    // The same case numbers, histories and schedules, case by case.
    for (s, p) in held_s.iter().zip(&held_p) {
        assert_eq!(s, p);
    }
}

#[test]
fn two_servers_sharing_one_database_share_sessions_never_overfill_capacity_and_time_their_locks() {
    let Some(url) = postgres_database("traject_two_servers") else {
        return;
    };
    add_user_on(&url, "coord", "coordinator", None, None);
    add_user_on(&url, "ann", "social-worker", Some("north"), None);
    let metrics = ["--metrics-token", "the-metrics-token-of-this-test"];
    let a = serve_on(&url, tempfile::tempdir().unwrap(), &metrics);
    let b = serve_on(&url, tempfile::tempdir().unwrap(), &metrics);
    // A session opened on one instance is good on the other.
    let ann = a.login("ann");
    assert_eq!(b.get(Some(&ann), "/api/caseload").0, 200);
    // 45 referrals from 5 workers at once, alternating between the instances.
    std::thread::scope(|scope| {
        for w in 0..5 {
            let (s, ann) = (if w % 2 == 0 { &a } else { &b }, &ann);
            scope.spawn(move || {
                for i in 0..9 {
                    let referral = ELIGIBLE.replacen('{', &format!(r#"{{"id": "P-{w}-{i}", "#), 1);
                    let id = s.create(ann, &referral);
                    let (status, v) = s.post(
                        ann,
                        &format!("/api/cases/{id}/start"),
                        &json!({"track": "short"}),
                    );
                    assert_eq!(status, 200, "{v}");
                }
            });
        }
    });
    let coord = b.login("coord");
    for s in [&a, &b] {
        let (_, caseload) = s.get(Some(&coord), "/api/caseload");
        let row = &caseload["programs"][0];
        assert_eq!(
            (row["active"].as_i64(), row["waiting"].as_i64()),
            (Some(40), Some(5)),
            "{caseload}"
        );
    }
    // Every start took the programme's lock, on one instance or the other, and the
    // monitoring sees how long writers waited for it and held it.
    let lock = |name: &str| -> f64 { [&a, &b].iter().map(|s| metric(s, name)).sum() };
    assert!(lock("traject_programme_locks_total") >= 45.0);
    let held = lock("traject_programme_lock_held_seconds_total");
    assert!(held > 0.0 && held < 60.0, "{held}");
    // A wait includes the round trip that asks, so it is never nothing.
    assert!(lock("traject_programme_lock_wait_seconds_total") > 0.0);
    // The waiting list is one list, positions 1 to 5, whichever instance put a case on it.
    let listed = run(&[
        "case", "list", "--lang", "en", "--db", &url, "--state", "waiting",
    ]);
    for p in 1..=5 {
        assert_eq!(
            listed.matches(&format!("waiting #{p} ")).count(),
            1,
            "{listed}"
        );
    }
    let (status, _, _) = call(
        "DELETE",
        &a.url("/api/session"),
        Some(&ann),
        Some(("application/json", "")),
    );
    assert_eq!(status, 204);
    assert_eq!(
        b.get(Some(&ann), "/api/caseload").0,
        401,
        "logged out everywhere"
    );
}

/// The counter `name` in `s`'s `/metrics` (served with this file's metrics token).
fn metric(s: &common::Served, name: &str) -> f64 {
    let text = ureq::get(&s.url("/metrics"))
        .set("Authorization", "Bearer the-metrics-token-of-this-test")
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("{name} in {text}"))
}

#[test]
fn the_same_dossier_sent_at_once_to_two_servers_becomes_one_case() {
    // Writers no longer take one lock for the whole store: a dossier number being added is
    // locked itself, so that two servers cannot both find it new.
    let Some(url) = postgres_database("traject_same_dossier") else {
        return;
    };
    add_user_on(&url, "ann", "social-worker", Some("north"), None);
    let a = serve_on(&url, tempfile::tempdir().unwrap(), &[]);
    let b = serve_on(&url, tempfile::tempdir().unwrap(), &[]);
    let ann = a.login("ann");
    for round in 0..5 {
        let referral = ELIGIBLE.replacen('{', &format!(r#"{{"id": "SAME-{round}", "#), 1);
        let body = json!({"program": "antwerpen", "referral": serde_json::from_str::<Value>(&referral).unwrap()});
        let statuses: Vec<u16> = std::thread::scope(|scope| {
            let sent: Vec<_> = (0..6)
                .map(|k| {
                    let (s, ann, body) = (if k % 2 == 0 { &a } else { &b }, &ann, &body);
                    scope.spawn(move || s.post(ann, "/api/cases", body).0)
                })
                .collect();
            sent.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let created = statuses.iter().filter(|s| **s == 201).count();
        assert_eq!(created, 1, "round {round}: {statuses:?}");
        assert!(
            statuses.iter().all(|s| matches!(s, 201 | 409)),
            "round {round}: {statuses:?}"
        );
    }
    let listed: Value =
        serde_json::from_str(&run(&["case", "list", "--db", &url, "--format", "json"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 5, "{listed}");
}

/// A store of 39 running cases and 4 referred ones, for a programme with 40 places.
/// The store `db` as the command line's `--db` takes it.
fn as_argument(db: &DbTarget) -> String {
    match db {
        DbTarget::File(p) => p.to_str().unwrap().to_string(),
        DbTarget::Postgres(u) => u.clone(),
    }
}

fn nearly_full(db: &DbTarget, target: &str, dir: &Path) {
    let csv = referrals_csv(dir, 43);
    run(&[
        "case",
        "import",
        "--db",
        target,
        "--program",
        "antwerpen",
        csv.to_str().unwrap(),
        "--as-of",
        "2023-01-31",
    ]);
    let compiled = traject_rules::open("antwerpen", &LoadOptions::default()).unwrap();
    let mut store = Store::connect(db).unwrap();
    let ctx = Ctx {
        on: "2023-02-01".parse().unwrap(),
        actor: "setup".into(),
        team: None,
        org: None,
    };
    for id in 1..=39 {
        lifecycle::start(&mut store, &compiled, id, Some("long"), &ctx).unwrap();
    }
}

#[test]
fn four_processes_racing_for_the_last_slot_never_overfill_capacity_on_either_back_end() {
    let Some(url) = postgres_database("traject_race_0") else {
        return;
    };
    let server = common::postgres_server().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for round in 0..6 {
        let db = if round % 2 == 0 {
            DbTarget::File(dir.path().join(format!("race-{round}.db")))
        } else if round == 1 {
            DbTarget::Postgres(url.clone())
        } else {
            DbTarget::Postgres(
                traject_store::create_database(&server, &format!("traject_race_{round}")).unwrap(),
            )
        };
        let target = as_argument(&db);
        nearly_full(&db, &target, dir.path());
        let racers: Vec<_> = (40..=43)
            .map(|id| {
                traject()
                    .args(["case", "start", &id.to_string(), "--db", &target])
                    .args(["--track", "long", "--as-of", "2023-02-01"])
                    .stdout(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outputs: Vec<String> = racers
            .into_iter()
            .map(|c| String::from_utf8_lossy(&c.wait_with_output().unwrap().stdout).to_string())
            .collect();
        let started = outputs.iter().filter(|o| o.contains("started")).count();
        assert_eq!(started, 1, "round {round} ({db}): {outputs:?}");
        let caseload = run(&[
            "caseload",
            "--lang",
            "en",
            "--db",
            &target,
            "--as-of",
            "2023-02-01",
        ]);
        assert!(
            caseload.contains("active    40  waiting     3"),
            "round {round}: {caseload}"
        );
    }
}

/// Every case's history and schedule, as JSON, in case order.
fn everything(db: &str) -> Vec<Value> {
    let list: Value = serde_json::from_str(&run(&[
        "case", "list", "--lang", "en", "--db", db, "--format", "json",
    ]))
    .unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let id = c["id"].as_i64().unwrap().to_string();
            let history: Value = serde_json::from_str(&run(&[
                "case", "history", &id, "--db", db, "--format", "json",
            ]))
            .unwrap();
            json!({"case": c, "history": history})
        })
        .collect()
}

#[test]
fn db_copy_round_trips_sqlite_to_postgresql_and_back_with_every_event_intact() {
    let Some(url) = postgres_database("traject_copy") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.db");
    let f = first.to_str().unwrap();
    forty_five(f, dir.path());
    run(&[
        "case",
        "evaluate",
        "1",
        "--db",
        f,
        "--evaluation",
        "intake_form",
        "--as-of",
        "2023-02-10",
        "--reason",
        "filled in at the start",
    ]);
    run(&[
        "case",
        "close",
        "2",
        "--db",
        f,
        "--destination",
        "art60",
        "--as-of",
        "2023-03-01",
    ]);
    run(&[
        "case",
        "drop",
        "3",
        "--db",
        f,
        "--reason",
        "moved",
        "--as-of",
        "2023-03-02",
    ]);
    run(&[
        "case",
        "erase",
        "3",
        "--db",
        f,
        "--reason",
        "client asked",
        "--as-of",
        "2023-03-03",
    ]);
    // A group of four attends three sessions of the activation course, and one of them has
    // a talk: the participation figures and the attendance events cross over too.
    for id in 4..=7 {
        run(&[
            "case",
            "enrol",
            &id.to_string(),
            "--module",
            "activation_course",
            "--group",
            "A",
            "--db",
            f,
            "--as-of",
            "2023-03-06",
        ]);
    }
    for (n, day) in ["2023-03-07", "2023-03-14", "2023-03-21"]
        .iter()
        .enumerate()
    {
        run(&[
            "session",
            "add",
            "--program",
            "antwerpen",
            "--module",
            "activation_course",
            "--group",
            "A",
            "--on",
            day,
            "--minutes",
            "120",
            "--db",
            f,
        ]);
        let session = (n + 1).to_string();
        run(&[
            "attendance",
            &session,
            "--present",
            "4",
            "5",
            "6",
            "--absent",
            "7",
            "--db",
            f,
            "--as-of",
            "2023-03-22",
        ]);
    }
    run(&[
        "case",
        "contact",
        "4",
        "--kind",
        "home-visit",
        "--minutes",
        "45",
        "--db",
        f,
        "--as-of",
        "2023-03-22",
    ]);
    add_user_on(f, "coord", "coordinator", None, None);
    let before = everything(f);
    let activity = |db: &str| {
        run(&[
            "report",
            "activity",
            "--db",
            db,
            "--program",
            "antwerpen",
            "--from",
            "2023-01-01",
            "--to",
            "2023-12-31",
        ])
    };
    let report_before = activity(f);
    assert!(
        report_before.contains("groepssessies gehouden                               3 van      3"),
        "{report_before}"
    );

    let there = run(&["db", "copy", "--from", f, "--to", &url]);
    assert!(there.contains("verified"), "{there}");
    assert!(!there.contains("secret"), "{there}");
    let back = dir.path().join("back.db");
    let b = back.to_str().unwrap();
    run(&["db", "copy", "--from", &url, "--to", b]);

    assert_eq!(
        everything(&url),
        before,
        "PostgreSQL holds every case and event"
    );
    assert_eq!(everything(b), before, "and so does the copy back");
    assert_eq!(activity(&url), report_before);
    assert_eq!(activity(b), report_before);
    let digest =
        |db: &str| traject_store::digest(&Store::connect(&db.parse().unwrap()).unwrap()).unwrap();
    assert_eq!(digest(f), digest(b));
    // A session's sheet reads the same on PostgreSQL.
    let sheet = |db: &str| run(&["session", "show", "3", "--lang", "en", "--db", db]);
    assert_eq!(sheet(&url), sheet(f));
    assert_eq!(sheet(&url).matches("absent without excuse").count(), 1);
    // The reminders' send log works on PostgreSQL: a digest claimed, the mail server away,
    // the claim given back (the failure is the mail server's, not the store's).
    run(&[
        "user",
        "email",
        "coord",
        "--email",
        "coord@ocmw.example.be",
        "--db",
        &url,
    ]);
    let down = traject()
        .args(["remind", "--db", &url, "--as-of", "2023-03-22"])
        .env("TRAJECT_MAIL_HOST", "127.0.0.1")
        .env("TRAJECT_MAIL_PORT", "1")
        .env("TRAJECT_MAIL_SECURITY", "none")
        .env("TRAJECT_MAIL_FROM", "traject@ocmw.example.be")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&down.stderr);
    assert!(
        !down.status.success() && said.contains("1 reminders not sent"),
        "{said}"
    );
    // New cases continue after the highest copied number; the user can still log in.
    let csv = referrals_csv(dir.path(), 46);
    let import = [
        "case",
        "import",
        "--db",
        &url,
        "--program",
        "antwerpen",
        csv.to_str().unwrap(),
        "--as-of",
        "2023-04-01",
    ];
    // The erased dossier (r000003) is recognised on PostgreSQL too, by the tombstone and key
    // that came with the copy: the import is refused until a coordinator says why.
    let out = traject().args(import).output().unwrap();
    let refused = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success()
            && refused.contains(":4:1:")
            && refused.contains("r000003 was erased"),
        "{refused}"
    );
    let more = run(&[&import[..], &["--after-erasure", "the client asked again"]].concat());
    // (46, and the erased dossier taken in again on the coordinator's word)
    assert!(more.contains("2 cases imported (46–47)"), "{more}");
    // A copy into a store that holds cases is refused, and changes nothing.
    let out = traject()
        .args(["db", "copy", "--from", f, "--to", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("copy into an empty database"));
}

#[test]
fn events_and_the_audit_trail_are_append_only_on_postgresql_too() {
    let Some(url) = postgres_database("traject_append_only") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let csv = referrals_csv(dir.path(), 2);
    run(&[
        "case",
        "import",
        "--db",
        &url,
        "--program",
        "antwerpen",
        csv.to_str().unwrap(),
        "--as-of",
        "2023-01-31",
    ]);
    run(&["case", "show", "1", "--db", &url]);
    let held = Store::connect(&DbTarget::Postgres(url.clone())).unwrap();
    for change in [
        Tamper::EveryEventKind,
        Tamper::EveryEvent,
        Tamper::TruncateEvents,
        Tamper::AuditActor,
        Tamper::EveryAuditRow,
    ] {
        match test_support::tamper(&held, change) {
            Err(StoreError::Database(why)) => {
                assert!(why.contains("append-only"), "{change:?}: {why}")
            }
            other => panic!("{change:?} was not refused: {other:?}"),
        }
    }
    // A newer schema than this binary knows is refused, not used.
    test_support::set_schema_version(&held, 99).unwrap();
    let out = traject()
        .args(["case", "list", "--lang", "en", "--db", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("newer than this traject knows"), "{err}");
}

#[test]
fn organisations_sharing_a_database_never_see_each_others_cases() {
    let Some(url) = postgres_database("traject_tenancy") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let csv = referrals_csv(dir.path(), 3);
    for org in ["east", "west"] {
        run(&[
            "case",
            "import",
            "--db",
            &url,
            "--org",
            org,
            "--program",
            "antwerpen",
            csv.to_str().unwrap(),
            "--as-of",
            "2023-01-31",
        ]);
    }
    add_user_on(&url, "coord-east", "coordinator", None, Some("east"));
    add_user_on(
        &url,
        "worker-west",
        "social-worker",
        Some("north"),
        Some("west"),
    );
    add_user_on(&url, "funder", "auditor", None, None);
    // On the command line: a coordinator of east sees east's three cases only.
    let east = run(&[
        "case", "list", "--lang", "en", "--db", &url, "--org", "east",
    ]);
    assert_eq!(east.lines().count(), 3, "{east}");
    let out = traject()
        .args(["case", "show", "4", "--db", &url, "--org", "east"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "west's case 4 does not exist for east"
    );
    // The roll-up: per organisation for a user across them, one's own otherwise.
    let all = run(&["rollup", "--db", &url]);
    assert!(all.contains("east") && all.contains("west"), "{all}");
    let own = run(&["rollup", "--db", &url, "--org", "east"]);
    assert!(own.contains("east") && !own.contains("west"), "{own}");
    // Through the web application, the same rules.
    for id in ["4", "5"] {
        run(&[
            "case",
            "start",
            id,
            "--db",
            &url,
            "--org",
            "west",
            "--track",
            "long",
            "--as-of",
            "2023-02-01",
        ]);
    }
    let s = serve_on(&url, tempfile::tempdir().unwrap(), &[]);
    let coord = s.login("coord-east");
    assert_eq!(s.get(Some(&coord), "/api/cases/1").0, 200);
    assert_eq!(s.get(Some(&coord), "/api/cases/4").0, 404);
    let (status, v) = s.post(&coord, "/api/cases/4/start", &json!({"track": "long"}));
    assert_eq!(status, 404, "nor may east act on it: {v}");
    let (_, caseload) = s.get(Some(&coord), "/api/caseload");
    assert_eq!(
        caseload["programs"][0]["active"], 0,
        "west's two are not east's: {caseload}"
    );
    let (status, v) = s.post(&coord, "/api/cases/1/start", &json!({"track": "long"}));
    assert_eq!(status, 200, "{v}");
    let (_, caseload) = s.get(Some(&coord), "/api/caseload");
    assert_eq!(caseload["programs"][0]["active"], 1, "{caseload}");
    let west = s.login("worker-west");
    let id = s.create(&west, &ELIGIBLE.replacen('{', r#"{"id": "W-1", "#, 1));
    assert_eq!(s.get(Some(&coord), &format!("/api/cases/{id}")).0, 404);
    assert_eq!(s.get(Some(&west), &format!("/api/cases/{id}")).0, 200);
    let rolled = run(&["rollup", "--db", &url, "--format", "json"]);
    let rows: Value = serde_json::from_str(&rolled).unwrap();
    let west_row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["org"] == "west")
        .unwrap();
    assert_eq!(
        west_row["referred"], 4,
        "the web case belongs to west: {rolled}"
    );
    // A coordinator of east adds users to east only.
    let mut store = Store::connect(&DbTarget::Postgres(url.clone())).unwrap();
    let east_coord = traject_app::Ctx {
        on: "2023-02-01".parse().unwrap(),
        actor: "coord-east".into(),
        role: traject_app::Role::Coordinator,
        team: None,
        org: Some("east".into()),
    };
    let newcomer = |org: &str| traject_app::users::NewUser {
        name: format!("new-{org}"),
        role: traject_app::Role::Auditor,
        team: None,
        lang: None,
        org: Some(org.into()),
        email: None,
    };
    let refused = traject_app::users::add(
        &mut store,
        &newcomer("west"),
        "a long passphrase",
        &east_coord,
    );
    assert!(
        matches!(refused, Err(traject_app::AppError::Auth(_))),
        "{refused:?}"
    );
    traject_app::users::add(
        &mut store,
        &newcomer("east"),
        "a long passphrase",
        &east_coord,
    )
    .unwrap();
    let funder = s.login("funder");
    assert_eq!(
        s.get(Some(&funder), "/api/cases/1").0,
        403,
        "an auditor sees no person"
    );
    // The roll-up through the API: every organisation for the funder, east's own for east.
    let (status, all) = s.get(Some(&funder), "/api/rollup");
    assert_eq!(status, 200);
    let orgs = |v: &Value| -> Vec<String> {
        v["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["org"].as_str().unwrap_or("-").to_string())
            .collect()
    };
    assert_eq!(orgs(&all), ["east", "west"], "{all}");
    let (_, own) = s.get(Some(&coord), "/api/rollup");
    assert_eq!(orgs(&own), ["east"], "{own}");
    // East's activity report counts east's cases only, and its reports page shows the roll-up.
    let url = s.url("/reports/activity.csv?program=antwerpen&from=2023-01-01&to=2023-12-31");
    let (_, csv, _) = call("GET", &url, Some(&coord), None);
    let referred: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[4] == "referred")
        .map(|r| r.iter().map(str::to_string).collect())
        .unwrap_or_default();
    assert_eq!(referred[4..7], ["referred", "3", "3"], "{csv}");
    let (_, page, _) = call(
        "GET",
        &s.url("/reports?program=antwerpen"),
        Some(&funder),
        None,
    );
    assert!(
        page.contains("Per organisatie") || page.contains("Per organisation"),
        "{page}"
    );
}

#[test]
fn a_client_killed_during_an_import_leaves_nothing_half_applied() {
    let Some(url) = postgres_database("traject_killed") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let csv = referrals_csv(dir.path(), 3000);
    // The schema first, so that the writer lock below is the import's, not the migration's.
    run(&["case", "list", "--lang", "en", "--db", &url]);
    let mut child = traject()
        .args(["case", "import", "--db", &url, "--program", "antwerpen"])
        .arg(&csv)
        .args(["--as-of", "2023-01-31"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once its transaction is under way (it holds the writer lock by then).
    let watcher = Store::connect(&DbTarget::Postgres(url.clone())).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let busy: i64 = test_support::advisory_locks_held(&watcher).unwrap();
        if busy > 0 || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    unsafe_kill(&mut child);
    // The server rolls the transaction back when the connection drops.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (cases, events) = (
        watcher.count(Table::Cases).unwrap(),
        watcher.count(Table::Events).unwrap(),
    );
    // Killed while its one transaction was open: nothing of it stays.
    assert_eq!((cases, events), (0, 0), "nothing half applied");
    // And the import can simply be run again.
    run(&[
        "case",
        "import",
        "--db",
        &url,
        "--program",
        "antwerpen",
        csv.to_str().unwrap(),
        "--as-of",
        "2023-01-31",
    ]);
    assert_eq!(watcher.count(Table::Cases).unwrap(), 3000);
}

/// SIGKILL: the client gets no chance to clean up.
fn unsafe_kill(child: &mut std::process::Child) {
    let _ = std::process::Command::new("kill")
        .args(["-9", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

#[test]
fn both_back_ends_describe_the_same_tables_and_columns() {
    let Some(url) = postgres_database("traject_schema_pair") else {
        return;
    };
    let mut on_postgres = Store::connect(&DbTarget::Postgres(url))
        .unwrap()
        .columns()
        .unwrap();
    let on_sqlite = Store::in_memory().unwrap().columns().unwrap();
    // Each back end's own bookkeeping, and nothing else, differs: SQLite keeps the schema
    // version in `PRAGMA user_version` and orders the audit trail by its implicit rowid;
    // PostgreSQL has a table and a column for them.
    assert_eq!(
        on_postgres.remove("traject_schema"),
        Some(vec!["version".to_string()])
    );
    let audit = on_postgres.get_mut("audit").unwrap();
    audit.retain(|c| c != "seq");
    assert_eq!(
        on_sqlite, on_postgres,
        "the two migrations describe different schemas"
    );
}

/// A contact note made of everything that could break a statement whose values are written
/// into its text: quotes, backslashes, escapes, placeholders, a statement of its own, letters
/// of other scripts.
const AWKWARD_NOTE: &str = "l'école \\ E'x' ?1 $1 $$ ''); drop table events; -- \\x00 \\' 中文 العربية 🙂\nnext line\tend\\";

/// On PostgreSQL the writes that end a transaction go with its COMMIT in one message, their
/// values written into the text (the store's `pg_literal`). What they write comes back
/// exactly, as on SQLite: the note above, the case's new state and its events numbered on from
/// the stored ones (a NUL in a note reaches the store escaped, as JSON writes it).
#[test]
fn writes_sent_with_the_commit_keep_every_character_on_both_back_ends() {
    let Some(url) = postgres_database("traject_literals") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("literals.db");
    let ctx = Ctx {
        on: "2023-02-02".parse().unwrap(),
        actor: "o'brien \\ ?1".into(),
        team: None,
        org: None,
    };
    let contact = |note: &str| lifecycle::Contact {
        kind: traject_cases::event::ContactKind::HomeVisit,
        minutes: 30,
        note: Some(note.to_string()),
    };
    let mut seen = Vec::new();
    for db in [
        DbTarget::File(file.clone()),
        DbTarget::Postgres(url.clone()),
    ] {
        let target = as_argument(&db);
        nearly_full(&db, &target, dir.path());
        let mut store = Store::connect(&db).unwrap();
        let seq = lifecycle::record_contact(&mut store, 1, &contact(AWKWARD_NOTE), &ctx).unwrap();
        let again =
            lifecycle::record_contact(&mut store, 1, &contact("twice, with a NUL: \0"), &ctx)
                .unwrap();
        assert_eq!(again, seq + 1, "events numbered on from the stored ones");
        let export: Value =
            serde_json::from_str(&run(&["case", "export", "1", "--db", &target])).unwrap();
        let contacts = traject_cases::CaseStore::in_transaction(&mut store, |tx| {
            tx.events(1, lifecycle::EventKind::Contacted)
        })
        .map_err(|e: StoreError| e)
        .unwrap();
        let events: Vec<Value> = contacts
            .into_iter()
            .map(|r| json!({"seq": r.seq, "on": r.on, "event": r.event.details()}))
            .collect();
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(events[0]["event"]["note"], AWKWARD_NOTE);
        seen.push((without_times(export), events));
    }
    assert_eq!(seen[0], seen[1], "SQLite and PostgreSQL hold the same");
}

/// `v` without the moments things were recorded or read at (they differ between two runs).
fn without_times(mut v: Value) -> Value {
    match &mut v {
        Value::Object(map) => {
            map.remove("recorded_at");
            map.remove("at");
            for value in map.values_mut() {
                *value = without_times(value.take());
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                *item = without_times(item.take());
            }
        }
        _ => {}
    }
    v
}

/// A lifecycle transaction takes its programme's lock with the case it reads (on PostgreSQL in
/// one message with BEGIN, through the store's `traject_case_locked`); a statement about a
/// programme's places takes it on its own. Both must be the one lock, with and without an
/// organisation, or two writers of one programme would not wait for each other.
#[test]
fn a_programme_locked_with_its_case_read_holds_off_a_writer_locking_it_on_its_own() {
    use std::sync::mpsc;
    use std::time::Duration;
    use traject_cases::store::{CaseStore, ProgrammeIn};
    let Some(url) = postgres_database("traject_one_lock") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let csv = referrals_csv(dir.path(), 2);
    for db in [
        DbTarget::File(dir.path().join("one-lock.db")),
        DbTarget::Postgres(url),
    ] {
        let target = as_argument(&db);
        for (org, id) in [(None, 1), (Some("a"), 3)] {
            let mut import = vec!["case", "import", "--db", &target, "--program", "antwerpen"];
            import.extend(["--as-of", "2023-01-31", csv.to_str().unwrap()]);
            if let Some(org) = org {
                import.extend(["--org", org]);
            }
            run(&import);
            let at = ProgrammeIn {
                program: "antwerpen",
                org,
            };
            let (locked, is_locked) = mpsc::channel();
            let (release, released) = mpsc::channel::<()>();
            let (done, is_done) = mpsc::channel();
            let db = &db;
            std::thread::scope(|s| {
                s.spawn(move || {
                    let mut store = Store::connect(db).unwrap();
                    store
                        .in_transaction(|tx| {
                            tx.working_on(at)?;
                            let case = tx.case(id)?.expect("the imported case");
                            assert_eq!(case.org.as_deref(), org);
                            locked.send(()).unwrap();
                            // Until released, or until the test failed and dropped `release`.
                            let _ = released.recv();
                            Ok::<_, StoreError>(())
                        })
                        .unwrap();
                });
                // Owned here, so that a failed assertion below drops it and the first writer
                // ends rather than the test waiting for it.
                let release = release;
                is_locked.recv().unwrap();
                s.spawn(move || {
                    let mut store = Store::connect(db).unwrap();
                    let held = store.in_transaction(|tx| tx.places_held(at)).unwrap();
                    done.send(held).unwrap();
                });
                assert!(
                    is_done.recv_timeout(Duration::from_millis(500)).is_err(),
                    "{db}, organisation {org:?}: a second writer did not wait for the lock"
                );
                release.send(()).unwrap();
                assert_eq!(
                    is_done.recv_timeout(Duration::from_secs(20)),
                    Ok(0),
                    "{db}, organisation {org:?}"
                );
            });
        }
    }
}

/// A server keeps the plans PostgreSQL makes for its statements; made while the store was
/// new and empty, every index looks alike to the planner. The reads a start makes under its
/// programme's lock, and a referral's dossier look-up, must still go straight to their own
/// rows once the store holds hundreds of cases, not pass over every case of the programme (as
/// such plans did, for each start, until the table was analysed again).
#[test]
fn plans_made_while_the_store_was_empty_go_straight_to_their_rows_once_it_has_grown() {
    use traject_store::test_support::BlindPlans;
    let Some(url) = postgres_database("traject_blind_plans") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let csv = referrals_csv(dir.path(), 400);
    let db = DbTarget::Postgres(url);
    let target = as_argument(&db);
    for org in [None, Some("a")] {
        let store = Store::connect(&db).unwrap();
        let plans = BlindPlans::made_now(&store, "antwerpen", org).unwrap();
        let mut import = vec!["case", "import", "--db", &target, "--program", "antwerpen"];
        import.extend(["--as-of", "2023-01-31", csv.to_str().unwrap()]);
        if let Some(org) = org {
            import.extend(["--org", org]);
        }
        run(&import);
        let passed = plans.rows_passed_over(&store).unwrap();
        assert_eq!(passed.len(), 2);
        for (statement, rows) in passed {
            assert!(
                rows < 10,
                "organisation {org:?}: {statement} passed over {rows} rows at 400 cases"
            );
        }
    }
}
