//! The case store through the real binary on real SQLite files: capacity and the FIFO waiting
//! list, all-or-nothing imports, crash safety under SIGKILL, concurrent writers, privacy.

use std::path::{Path, PathBuf};
use std::process::{Command as Proc, Stdio};
use std::time::Duration;

use assert_cmd::Command;
use traject_cases::{EventKind, EventRecord};
use traject_store::test_support::{self, Tamper};
use traject_store::{CaseRow, Scope, Store, StoreError, Table};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn traject(db: &Path) -> Command {
    let mut c = Command::cargo_bin("traject").unwrap();
    // Messages in English whatever the machine's locale; tests of other languages ask.
    c.env("LC_ALL", "C");
    let _ = db;
    c.current_dir(root());
    c
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("traject")
}

/// A CSV of `n` eligible Antwerp 2022 referrals, ids starting at `first`.
fn referrals_csv(dir: &Path, name: &str, first: usize, n: usize) -> PathBuf {
    let mut text = String::from("id,referral_date,birth_date,nationality,residence_ocmw,income_support,in_art60,civic_orientation_completed,motivated,help_request_fits\n");
    for i in first..first + n {
        text.push_str(&format!(
            "r{i:06},2023-01-{:02},{}-03-04,SY,antwerpen,leefloon,false,true,true,true\n",
            1 + i % 28,
            1960 + i % 40
        ));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Run the binary on `db`; it must succeed. Its standard output.
fn succeed(db: &Path, args: &[&str]) -> String {
    let out = traject(db).args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Case 1 from `referral` (dated 2023-01-10), started on the long track on 2023-02-01.
fn refer_and_start(db: &Path, referral: &Path) {
    let d = db.to_str().unwrap();
    let r = referral.to_str().unwrap();
    succeed(
        db,
        &[
            "case",
            "new",
            "--db",
            d,
            "--program",
            "antwerpen",
            r,
            "--as-of",
            "2023-01-10",
        ],
    );
    succeed(
        db,
        &[
            "case",
            "start",
            "1",
            "--db",
            d,
            "--track",
            "long",
            "--as-of",
            "2023-02-01",
        ],
    );
}

/// The store in `db`, opened through the store crate (tests write no SQL of their own).
fn store(db: &Path) -> Store {
    Store::open(db).unwrap()
}

/// Rows in `table`.
fn rows(db: &Path, table: Table) -> i64 {
    store(db).count(table).unwrap()
}

/// Every case, in id order.
fn all_cases(db: &Path) -> Vec<CaseRow> {
    store(db).list(None, None, Scope::ALL, 1_000_000).unwrap()
}

/// The events of case `id`, typed.
fn events_of(db: &Path, id: i64) -> Vec<EventRecord> {
    store(db).history(id).unwrap()
}

/// Whether a case's stored referral has been erased.
fn erased(c: &CaseRow) -> bool {
    let referral: serde_json::Value = serde_json::from_str(&c.referral).unwrap();
    referral.get("erased_on").is_some()
}

/// Enrolments in group `group`.
fn in_group(db: &Path, group: &str) -> usize {
    let all = test_support::enrolments(&store(db)).unwrap();
    all.iter()
        .filter(|e| e.group.as_deref() == Some(group))
        .count()
}

#[test]
fn forty_five_referrals_with_two_fte_leave_forty_active_and_five_waiting_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let csv = referrals_csv(dir.path(), "r.csv", 1, 45);
    let d = db.to_str().unwrap();
    let out = traject(&db)
        .args([
            "case",
            "import",
            "--db",
            d,
            "--program",
            "antwerpen",
            csv.to_str().unwrap(),
            "--as-of",
            "2023-01-31",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("45 cases imported (1–45)"));
    for id in 1..=45 {
        let out = traject(&db)
            .args([
                "case",
                "start",
                &id.to_string(),
                "--db",
                d,
                "--track",
                "long",
                "--as-of",
                "2023-02-01",
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        if id <= 40 {
            assert!(text.contains("started"), "{id}: {text}");
        } else {
            assert!(
                text.contains(&format!("position {} on the waiting list", id - 40)),
                "{id}: {text}"
            );
        }
    }
    let out = traject(&db)
        .args([
            "caseload",
            "--db",
            d,
            "--format",
            "json",
            "--as-of",
            "2023-02-01",
        ])
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        j["programs"][0],
        serde_json::json!({"program": "antwerpen", "version": "2022", "capacity": 40, "active": 40, "waiting": 5, "modules": []})
    );
    let out = traject(&db)
        .args([
            "case", "list", "--db", d, "--state", "waiting", "--format", "json",
        ])
        .output()
        .unwrap();
    let waiting: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let order: Vec<(i64, i64)> = waiting
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_i64().unwrap(), c["position"].as_i64().unwrap()))
        .collect();
    assert_eq!(order, [(41, 1), (42, 2), (43, 3), (44, 4), (45, 5)]);
    // Closing a case frees a slot: the first on the list starts, the others move up.
    let out = traject(&db)
        .args([
            "case",
            "close",
            "7",
            "--db",
            d,
            "--destination",
            "art60",
            "--as-of",
            "2023-05-02",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("case 41 comes off the waiting list and starts"));
    let out = traject(&db)
        .args(["case", "show", "42", "--db", d])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("op de wachtlijst, plaats 1"),
        "in the programme's language: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = traject(&db)
        .args(["case", "show", "42", "--db", d, "--lang", "en"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("on the waiting list, position 1"));
    let history = traject(&db)
        .args(["case", "history", "41", "--db", d, "--format", "json"])
        .output()
        .unwrap();
    let events: serde_json::Value = serde_json::from_slice(&history.stdout).unwrap();
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["referred", "waiting", "started"]);
    assert_eq!(events[2]["payload"]["waited_days"], 90);
    // Refused transitions say what is allowed.
    let out = traject(&db)
        .args(["case", "close", "42", "--db", d, "--destination", "art60"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("case 42 is waiting: `close` is not possible. Allowed now: not-start, drop"));
}

#[test]
fn an_import_with_a_bad_row_imports_nothing_and_lists_the_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let csv = referrals_csv(dir.path(), "r.csv", 1, 20);
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text = text
        .replacen("r000005,2023-01-06", "r000005,2023-02-30", 1)
        .replacen(
            ",SY,antwerpen,leefloon,false,true,true,true\nr000012",
            ",Syria,antwerpen,leefloon,false,true,true,true\nr000012",
            1,
        );
    std::fs::write(&csv, text).unwrap();
    let out = traject(&db)
        .args([
            "case",
            "import",
            "--db",
            db.to_str().unwrap(),
            "--program",
            "antwerpen",
            csv.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("r.csv:6:2: error: column 'referral_date': '2023-02-30' is not a real date"),
        "{err}"
    );
    assert!(
        err.contains("r.csv:12:4: error: column 'nationality'"),
        "{err}"
    );
    assert!(err.contains("nothing imported: 2 problem(s)"), "{err}");
    assert_eq!(rows(&db, Table::Cases), 0);
    assert_eq!(rows(&db, Table::Events), 0);
}

#[cfg(unix)]
#[test]
fn the_database_file_is_private_and_logs_carry_no_personal_data() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    let referral = dir.path().join("r.yaml");
    std::fs::write(&referral, "referral_date: 2023-01-10\nbirth_date: 1987-06-05\nnationality: ER\nmother_tongue: ti\nresidence_ocmw: antwerpen\nincome_support: leefloon\nin_art60: false\ncivic_orientation_completed: true\nmotivated: true\nhelp_request_fits: true\nid: Selam-Tesfay\n").unwrap();
    let mut logs = String::new();
    let mut run = |args: &[&str]| {
        let out = traject(&db)
            .env("TRAJECT_LOG", "trace")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        logs.push_str(&String::from_utf8_lossy(&out.stderr));
    };
    run(&[
        "case",
        "new",
        "--db",
        d,
        "--program",
        "antwerpen",
        referral.to_str().unwrap(),
        "--as-of",
        "2023-01-10",
    ]);
    run(&[
        "case",
        "start",
        "1",
        "--db",
        d,
        "--track",
        "long",
        "--as-of",
        "2023-02-01",
    ]);
    run(&[
        "case",
        "evaluate",
        "1",
        "--db",
        d,
        "--evaluation",
        "interim",
        "--decision",
        "continue",
        "--goal",
        "housing",
        "--as-of",
        "2023-06-10",
    ]);
    run(&[
        "case",
        "close",
        "1",
        "--db",
        d,
        "--destination",
        "art60",
        "--as-of",
        "2023-11-01",
    ]);
    assert!(
        logs.contains("event appended"),
        "logging is on at trace level: {logs}"
    );
    for personal in [
        "1987-06-05",
        "1987",
        "ER",
        "\"ti\"",
        "Selam",
        "Tesfay",
        "leefloon",
        "birth",
    ] {
        assert!(
            !logs.contains(personal),
            "log output contains personal data '{personal}':\n{logs}"
        );
    }
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "database readable by its owner only");
}

#[test]
fn four_processes_writing_at_once_lose_nothing_and_never_fail_on_a_lock() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    // Create the database first so that the four start on the same file.
    let first = referrals_csv(dir.path(), "first.csv", 0, 1);
    traject(&db)
        .args([
            "case",
            "import",
            "--db",
            db.to_str().unwrap(),
            "--program",
            "antwerpen",
            first.to_str().unwrap(),
        ])
        .assert()
        .success();
    let files: Vec<Vec<PathBuf>> = (0..4)
        .map(|p| {
            (0..5)
                .map(|b| {
                    referrals_csv(
                        dir.path(),
                        &format!("p{p}b{b}.csv"),
                        1 + p * 1000 + b * 100,
                        100,
                    )
                })
                .collect()
        })
        .collect();
    let children: Vec<std::thread::JoinHandle<Vec<std::process::Output>>> = files
        .into_iter()
        .map(|batches| {
            let db = db.clone();
            std::thread::spawn(move || {
                batches
                    .iter()
                    .map(|csv| {
                        Proc::new(bin())
                            .current_dir(root())
                            .args([
                                "case",
                                "import",
                                "--db",
                                db.to_str().unwrap(),
                                "--program",
                                "antwerpen",
                                csv.to_str().unwrap(),
                            ])
                            .output()
                            .unwrap()
                    })
                    .collect()
            })
        })
        .collect();
    for child in children {
        for out in child.join().unwrap() {
            assert_eq!(
                out.status.code(),
                Some(0),
                "a writer failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    assert_eq!(rows(&db, Table::Cases), 2001);
    assert_eq!(rows(&db, Table::Events), 2001);
    assert_eq!(
        all_cases(&db)
            .iter()
            .map(|c| serde_json::from_str::<serde_json::Value>(&c.referral).unwrap()["id"].clone())
            .map(|id| id.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        2001
    );
}

/// Kill `child` after a pseudo-random delay; true when it had already finished by itself.
fn kill_after(mut child: std::process::Child, millis: u64) -> bool {
    std::thread::sleep(Duration::from_millis(millis));
    match child.try_wait().unwrap() {
        Some(status) => status.success(),
        None => {
            child.kill().unwrap(); // SIGKILL on unix
            let _ = child.wait();
            false
        }
    }
}

/// SQLite's integrity and foreign-key checks find nothing wrong.
fn integrity_ok(db: &Path) {
    let problems = store(db).integrity_problems().unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn sigkill_during_imports_and_event_writes_never_leaves_half_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap().to_string();
    // Each import brings its own 10,000 dossiers (importing the same file again adds nothing).
    let batches: Vec<PathBuf> = (0..=30)
        .map(|k| referrals_csv(dir.path(), &format!("big{k}.csv"), 1 + 10_000 * k, 10_000))
        .collect();
    let mut batch = 0;
    let mut seed: u64 = 0x5DEE_CE66;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    // 1. Imports of 10,000 referrals, killed at random moments: all or nothing each time. One
    // uninterrupted import first tells how long an import takes on this machine.
    let mut import = || {
        let big = &batches[batch];
        batch += 1;
        Proc::new(bin())
            .current_dir(root())
            .args([
                "case",
                "import",
                "--db",
                &d,
                "--program",
                "antwerpen",
                big.to_str().unwrap(),
                "--as-of",
                "2023-01-31",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let t = std::time::Instant::now();
    assert!(import().wait().unwrap().success());
    let import_ms = (t.elapsed().as_millis() as u64).max(5);
    let mut acknowledged = 10_000i64;
    let mut kills = 0;
    for _ in 0..30 {
        if kill_after(import(), next(import_ms)) {
            acknowledged += 10_000;
        } else {
            kills += 1;
        }
        integrity_ok(&db);
        let cases = rows(&db, Table::Cases);
        assert_eq!(
            cases % 10_000,
            0,
            "a killed import left part of its rows: {cases}"
        );
        assert!(cases >= acknowledged, "an acknowledged import is missing");
        assert!(cases <= acknowledged + 10_000 * kills as i64);
        assert_eq!(
            rows(&db, Table::Events),
            cases,
            "every case has exactly its referral event"
        );
    }
    // 2. Event writes (evaluations on started cases), each process killed at a random moment.
    let ids: Vec<i64> = all_cases(&db).iter().take(5).map(|c| c.id).collect();
    assert!(!ids.is_empty(), "at least one import finished");
    let mut started = Vec::new();
    for id in &ids {
        let out = Proc::new(bin())
            .current_dir(root())
            .args([
                "case",
                "start",
                &id.to_string(),
                "--db",
                &d,
                "--track",
                "long",
                "--as-of",
                "2023-02-01",
            ])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&out.stdout).contains("started") {
            started.push(*id);
        }
    }
    assert!(!started.is_empty());
    let mut acked_events = std::collections::HashMap::new();
    let mut event_kills = 0;
    let evaluate = |id: i64| {
        Proc::new(bin())
            .current_dir(root())
            .args([
                "case",
                "evaluate",
                &id.to_string(),
                "--db",
                &d,
                "--evaluation",
                "interim",
                "--decision",
                "continue",
                "--goal",
                "work",
                "--as-of",
                "2023-06-10",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let t = std::time::Instant::now();
    assert!(evaluate(started[0]).wait().unwrap().success());
    // The first run is the slowest (cold caches), so kill moments drawn below it may come too
    // late; each acknowledged run narrows the window, and the runs go on until 50 processes in
    // all were killed, so the count never rests on how fast the machine happens to be.
    let mut evaluate_ms = (t.elapsed().as_millis() as u64).max(2);
    let mut i = 0;
    while kills + event_kills < 50 && i < 400 {
        let id = started[i % started.len()];
        i += 1;
        let before = events_of(&db, id).len() as i64;
        let acked = kill_after(evaluate(id), next(evaluate_ms));
        if acked {
            evaluate_ms = (evaluate_ms * 3 / 4).max(1);
        } else {
            event_kills += 1;
        }
        integrity_ok(&db);
        let after = events_of(&db, id).len() as i64;
        if acked {
            assert_eq!(after, before + 1, "an acknowledged evaluation is missing");
        } else {
            assert!(
                after == before || after == before + 1,
                "half-applied change: {before} → {after}"
            );
        }
        *acked_events.entry(id).or_insert(0) += i64::from(acked);
        // Sequence numbers stay gapless: 1..n.
        let max: i64 = events_of(&db, id).iter().map(|e| e.seq).max().unwrap_or(0);
        assert_eq!(max, after);
    }
    assert!(
        kills + event_kills >= 50,
        "at least 50 processes killed while running: {kills} imports + {event_kills} evaluations \
         in {i} attempts"
    );
}

#[test]
fn a_case_history_runs_forward_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    let referral = dir.path().join("r.yaml");
    std::fs::write(
        &referral,
        "referral_date: 2023-03-01\nbirth_date: 1990-05-01\nnationality: SY\nresidence_ocmw: antwerpen\nincome_support: leefloon\nin_art60: false\ncivic_orientation_completed: true\nmotivated: true\nhelp_request_fits: true\n",
    )
    .unwrap();
    let run = |args: &[&str]| traject(&db).args(args).output().unwrap();
    let r = referral.to_str().unwrap();
    let created_early = run(&[
        "case",
        "new",
        "--db",
        d,
        "--program",
        "antwerpen",
        r,
        "--as-of",
        "2023-01-10",
    ]);
    assert_eq!(created_early.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&created_early.stderr);
    assert!(
        msg.contains("2023-03-01") && msg.contains("2023-01-10"),
        "{msg}"
    );
    assert_eq!(rows(&db, Table::Cases), 0, "nothing written");

    let created = run(&[
        "case",
        "new",
        "--db",
        d,
        "--program",
        "antwerpen",
        r,
        "--as-of",
        "2023-03-05",
    ]);
    assert_eq!(created.status.code(), Some(0));
    let events = rows(&db, Table::Events);
    // A start before the case was created, and a close before the start, are refused.
    let early_start = run(&[
        "case",
        "start",
        "1",
        "--db",
        d,
        "--track",
        "long",
        "--as-of",
        "2023-03-02",
    ]);
    assert_eq!(early_start.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&early_start.stderr);
    assert!(
        msg.contains("2023-03-05") && msg.contains("2023-03-02"),
        "{msg}"
    );
    let started = run(&[
        "case",
        "start",
        "1",
        "--db",
        d,
        "--track",
        "long",
        "--as-of",
        "2023-03-10",
    ]);
    assert_eq!(started.status.code(), Some(0));
    let early_close = run(&[
        "case",
        "close",
        "1",
        "--db",
        d,
        "--destination",
        "art60",
        "--as-of",
        "2023-03-09",
    ]);
    assert_eq!(early_close.status.code(), Some(1));
    assert_eq!(
        rows(&db, Table::Events),
        events + 1,
        "only the start was written"
    );
    assert_eq!(
        all_cases(&db)
            .iter()
            .filter(|c| c.state == traject_cases::CaseState::Active)
            .count(),
        1
    );
}

#[test]
fn one_referral_is_one_case_and_importing_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    let csv = referrals_csv(dir.path(), "r.csv", 1, 30);
    let import = |file: &Path| {
        traject(&db)
            .args([
                "case",
                "import",
                "--db",
                d,
                "--program",
                "antwerpen",
                file.to_str().unwrap(),
                "--as-of",
                "2023-01-31",
            ])
            .output()
            .unwrap()
    };
    assert_eq!(import(&csv).status.code(), Some(0));
    let events = rows(&db, Table::Events);
    // The same file again, as after an interrupted import: every row already present.
    let again = import(&csv);
    assert_eq!(again.status.code(), Some(0));
    let out = String::from_utf8_lossy(&again.stdout);
    assert!(
        out.contains("no new cases imported") && out.contains("30 rows already present"),
        "{out}"
    );
    assert!(out.contains("dossier r000007 is case 7"), "{out}");
    assert_eq!(rows(&db, Table::Cases), 30);
    assert_eq!(rows(&db, Table::Events), events);
    // Ten more rows, one of them a known dossier with other data: nothing is imported.
    let mixed = referrals_csv(dir.path(), "mixed.csv", 31, 10);
    let mut text = std::fs::read_to_string(&mixed).unwrap();
    text.push_str("r000003,2023-01-04,1999-03-04,AF,antwerpen,leefloon,false,true,true,true\n");
    std::fs::write(&mixed, text).unwrap();
    let conflict = import(&mixed);
    assert_eq!(conflict.status.code(), Some(1));
    let err = String::from_utf8_lossy(&conflict.stderr);
    assert!(
        err.contains("mixed.csv:12:1") && err.contains("dossier r000003 already has case 3"),
        "{err}"
    );
    assert_eq!(rows(&db, Table::Cases), 30, "nothing imported");
    // `case new` with a known dossier refuses and names the case.
    let referral = dir.path().join("r.yaml");
    std::fs::write(&referral, "id: r000005\nreferral_date: 2023-01-06\nbirth_date: 1965-03-04\nnationality: SY\nresidence_ocmw: antwerpen\nincome_support: leefloon\nin_art60: false\ncivic_orientation_completed: true\nmotivated: true\nhelp_request_fits: true\n").unwrap();
    let new = traject(&db)
        .args([
            "case",
            "new",
            "--db",
            d,
            "--program",
            "antwerpen",
            referral.to_str().unwrap(),
            "--as-of",
            "2023-02-01",
        ])
        .output()
        .unwrap();
    assert_eq!(new.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&new.stderr).contains("dossier r000005 already has case 5"));
    assert_eq!(rows(&db, Table::Cases), 30);
}

#[test]
fn an_erased_client_leaves_no_trace_in_the_file_but_the_figures_stay() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    let referral = dir.path().join("r.yaml");
    std::fs::write(
        &referral,
        "id: DOSSIER-7781\nreferral_date: 2023-01-10\nbirth_date: 1977-11-23\nnationality: ER\nresidence_ocmw: antwerpen\nincome_support: leefloon\nin_art60: false\ncivic_orientation_completed: true\nmotivated: true\nhelp_request_fits: true\n",
    )
    .unwrap();
    let ok = |args: &[&str]| succeed(&db, args);
    refer_and_start(&db, &referral);
    let activity = |_: ()| {
        ok(&[
            "report",
            "activity",
            "--db",
            d,
            "--program",
            "antwerpen",
            "--from",
            "2023-01-01",
            "--to",
            "2023-12-31",
            "--format",
            "json",
            "--as-of",
            "2023-03-01",
        ])
    };
    let funding = |_: ()| {
        ok(&[
            "report",
            "funding",
            "--db",
            d,
            "--program",
            "antwerpen",
            "--from",
            "2023-01-01",
            "--to",
            "2023-12-31",
            "--cost-per-fte-month",
            "4000",
            "--format",
            "json",
        ])
    };
    // Goals are free text and may name people: they go with the rest.
    ok(&[
        "case",
        "evaluate",
        "1",
        "--evaluation",
        "intake_form",
        "--goal",
        "Nederlands oefenen met buurvrouw Selamawit",
        "--db",
        d,
        "--as-of",
        "2023-02-15",
        "--reason",
        "filled in at the start",
    ]);
    let (before, funded_before) = (activity(()), funding(()));
    let raw = || {
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
            if entry.file_name().to_string_lossy().starts_with("cases.db") {
                bytes.extend(std::fs::read(entry.path()).unwrap());
            }
        }
        bytes
    };
    let holds =
        |bytes: &[u8], needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(
        holds(&raw(), "DOSSIER-7781") && holds(&raw(), "1977-11-23") && holds(&raw(), "Selamawit"),
        "the data is there before"
    );

    // A social worker may not erase; the command line acts as the coordinator.
    ok(&[
        "case",
        "erase",
        "1",
        "--db",
        d,
        "--reason",
        "GDPR art. 17 request",
        "--as-of",
        "2023-03-01",
        "--actor",
        "dpo",
    ]);
    let bytes = raw();
    for personal in [
        "DOSSIER-7781",
        "1977-11-23",
        "\"nationality\":\"ER\"",
        "Selamawit",
    ] {
        assert!(
            !holds(&bytes, personal),
            "{personal} is still in the database file or its WAL"
        );
    }
    let history = ok(&["case", "history", "1", "--db", d]);
    // The trail is read in the programme's Dutch: each event by its label.
    assert!(
        history.contains("doorverwezen")
            && history.contains("gestart")
            && history.contains("geëvalueerd")
            && history.contains("persoonsgegevens gewist"),
        "{history}"
    );
    assert!(
        history.contains("door dpo") && history.contains("GDPR art. 17 request"),
        "{history}"
    );
    assert_eq!(activity(()), before, "the activity report counts the same");
    assert_eq!(
        funding(()),
        funded_before,
        "the funding report counts the same"
    );
    integrity_ok(&db);
    // The event log refuses any other change, even by someone holding the file.
    let held = store(&db);
    for change in [
        Tamper::EventKind { case: 1, seq: 2 },
        Tamper::EventDetails { case: 1, seq: 2 },
        Tamper::RedactionAndActor { case: 1, seq: 2 },
        Tamper::DeleteEvents { case: 1 },
    ] {
        match test_support::tamper(&held, change) {
            Err(StoreError::Database(why)) => {
                assert!(why.contains("append-only"), "{change:?}: {why}")
            }
            other => panic!("{change:?} was not refused: {other:?}"),
        }
    }
}

#[test]
fn an_access_request_gets_everything_held_about_the_client() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    let referral = dir.path().join("r.yaml");
    std::fs::write(
        &referral,
        "id: D-1\nreferral_date: 2023-01-10\nbirth_date: 1990-05-01\nnationality: SY\nresidence_ocmw: antwerpen\nincome_support: leefloon\nin_art60: false\ncivic_orientation_completed: true\nmotivated: true\nhelp_request_fits: true\n",
    )
    .unwrap();
    let ok = |args: &[&str]| succeed(&db, args);
    refer_and_start(&db, &referral);
    let j: serde_json::Value =
        serde_json::from_str(&ok(&["case", "export", "1", "--db", d])).unwrap();
    assert_eq!(j["referral"]["birth_date"], "1990-05-01");
    assert_eq!(j["referral"]["id"], "D-1");
    assert_eq!(j["eligibility"]["verdict"], "eligible");
    assert!(j["eligibility"]["rules"].as_array().unwrap().len() >= 5);
    let kinds: Vec<&str> = j["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["referred", "started"]);
    assert!(!j["evaluations"].as_array().unwrap().is_empty());
    let text = ok(&[
        "case", "export", "1", "--db", d, "--format", "text", "--lang", "fr",
    ]);
    assert!(
        text.contains("Événements")
            && text.contains("Date de naissance : 01/05/1990")
            && text.contains("Motivé : oui")
            // Rule ids only in the programme text quoted at the end, not in the events.
            && !text.split("Texte du programme").next().unwrap().contains("language_typical"),
        "{text}"
    );
    // After erasure the export says so, and still lists every event.
    ok(&[
        "case",
        "erase",
        "1",
        "--db",
        d,
        "--reason",
        "request",
        "--as-of",
        "2023-03-01",
    ]);
    let j: serde_json::Value =
        serde_json::from_str(&ok(&["case", "export", "1", "--db", d])).unwrap();
    assert!(
        j["referral"].get("birth_date").is_none() && j["eligibility"].is_null(),
        "{j}"
    );
    assert_eq!(j["events"].as_array().unwrap().len(), 3);
}

#[test]
fn retention_reaches_ended_and_never_ending_cases_after_their_period() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    let csv = referrals_csv(dir.path(), "r.csv", 1, 4);
    let ok = |args: &[&str]| succeed(&db, args);
    ok(&[
        "case",
        "import",
        "--db",
        d,
        "--program",
        "antwerpen",
        csv.to_str().unwrap(),
        "--as-of",
        "2023-01-31",
    ]);
    ok(&[
        "case",
        "start",
        "1",
        "--db",
        d,
        "--track",
        "short",
        "--as-of",
        "2023-02-01",
    ]);
    ok(&[
        "case",
        "close",
        "1",
        "--db",
        d,
        "--destination",
        "art60",
        "--as-of",
        "2023-05-01",
    ]);
    ok(&[
        "case",
        "not-start",
        "2",
        "--db",
        d,
        "--reason",
        "no_help_request",
        "--as-of",
        "2024-06-01",
    ]);
    ok(&[
        "case",
        "start",
        "3",
        "--db",
        d,
        "--track",
        "long",
        "--as-of",
        "2023-02-01",
    ]);
    let due_on = |day: &str, dry: bool| -> Vec<(i64, String)> {
        let mut args = vec![
            "retention",
            "apply",
            "--db",
            d,
            "--as-of",
            day,
            "--format",
            "json",
        ];
        if dry {
            args.push("--dry-run");
        }
        let j: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
        j["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let from = c["counted_from"].as_str().unwrap().to_string();
                (c["case"].as_i64().unwrap(), from)
            })
            .collect()
    };
    // Antwerp keeps personal data five years after a case ends, and five years after the last
    // event of a case that never ends: on 2028-02-15 the never-started case 4 (referred
    // 2023-01-31) and the case 3 left active since 2023-02-01 are due, case 1 (closed
    // 2023-05-01) not yet.
    let last = "last_event".to_string();
    assert_eq!(
        due_on("2028-02-15", true),
        [(3, last.clone()), (4, last.clone())]
    );
    assert_eq!(
        all_cases(&db).iter().filter(|c| erased(c)).count(),
        0,
        "a dry run erases nothing"
    );
    assert_eq!(
        due_on("2028-05-02", false),
        [(1, "end".to_string()), (3, last.clone()), (4, last)]
    );
    assert_eq!(all_cases(&db).iter().filter(|c| erased(c)).count(), 3);
    assert_eq!(
        events_of(&db, 1)
            .iter()
            .filter(|e| e.event.kind() == EventKind::Erased)
            .count(),
        1
    );
    // Each erasure is in the audit trail, and so is the dry run.
    let audited = store(&db).audit_of("case:3").unwrap();
    assert!(
        audited
            .iter()
            .any(|r| r.action.contains("retention") && r.role == "command_line"),
        "{audited:?}"
    );
    let runs = store(&db).audit_of("retention").unwrap();
    assert!(
        runs.iter()
            .any(|r| r.action == "retention dry run: 2 case(s) due"),
        "{runs:?}"
    );
    // Running it again finds nothing more; later, the case that did not start (its end,
    // 2024-06-01) is due too.
    let again = ok(&["retention", "apply", "--db", d, "--as-of", "2028-05-02"]);
    assert!(again.contains("0 case(s) erased"), "{again}");
    assert_eq!(due_on("2029-06-02", false), [(2, "end".to_string())]);
}

#[test]
fn a_case_keeps_the_rules_it_was_judged_under_until_it_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    let programme = dir.path().join("antwerpen.yaml");
    let original = std::fs::read_to_string(root().join("programs/antwerpen.yaml")).unwrap();
    std::fs::write(&programme, &original).unwrap();
    let p = programme.to_str().unwrap();
    let referral = dir.path().join("r.yaml");
    std::fs::write(&referral, "referral_date: 2023-01-10\nbirth_date: 1990-05-01\nnationality: SY\nresidence_ocmw: antwerpen\nincome_support: leefloon\nin_art60: false\ncivic_orientation_completed: true\nmotivated: true\nhelp_request_fits: true\n").unwrap();
    let ok = |args: &[&str]| succeed(&db, args);
    ok(&[
        "case",
        "new",
        "--db",
        d,
        "--program",
        p,
        referral.to_str().unwrap(),
        "--as-of",
        "2023-01-10",
    ]);
    let verdict = |_: ()| {
        let j: serde_json::Value =
            serde_json::from_str(&ok(&["case", "export", "1", "--db", d, "--program", p])).unwrap();
        j["eligibility"]["verdict"].as_str().unwrap().to_string()
    };
    assert_eq!(verdict(()), "eligible");
    // The coordinator now requires civic orientation to be *not* completed (a change that
    // would make this client ineligible): the case keeps the rules it was judged under.
    let changed = original.replace(
        "{id: civic_orientation, mode: hard, kind: flag_true,",
        "{id: civic_orientation, mode: hard, kind: flag_false,",
    );
    assert_ne!(changed, original, "the rule was changed");
    std::fs::write(&programme, &changed).unwrap();
    assert_eq!(verdict(()), "eligible", "judged under the stored text");
    ok(&[
        "case",
        "start",
        "1",
        "--db",
        d,
        "--track",
        "long",
        "--program",
        p,
        "--as-of",
        "2023-02-01",
    ]);
    // Migrating is deliberate, recorded, and applies the rules as they are now.
    ok(&[
        "case",
        "migrate",
        "1",
        "--db",
        d,
        "--to-version",
        "2022",
        "--program",
        p,
        "--as-of",
        "2023-02-02",
    ]);
    assert_eq!(
        events_of(&db, 1)
            .iter()
            .filter(|e| e.event.kind() == EventKind::Migrated)
            .count(),
        1
    );
    assert_eq!(verdict(()), "ineligible");
    assert_eq!(rows(&db, Table::Snapshots), 2, "one text per version hash");
}

#[test]
fn joining_a_module_schedules_its_evaluations() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    let run = |args: &[&str]| traject(&db).args(args).output().unwrap();
    let ok = |args: &[&str]| succeed(&db, args);
    ok(&[
        "case",
        "new",
        "--db",
        d,
        "--program",
        "gent",
        "tests/fixtures/referrals/gent.yaml",
        "--as-of",
        "2020-05-04",
    ]);
    // Only an active case joins a module.
    let early = run(&[
        "case",
        "enrol",
        "1",
        "--db",
        d,
        "--module",
        "via",
        "--as-of",
        "2020-05-05",
    ]);
    assert_eq!(early.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&early.stderr).contains("only an active case can join a module")
    );
    ok(&["case", "start", "1", "--db", d, "--as-of", "2020-05-10"]);
    let typo = run(&[
        "case",
        "enrol",
        "1",
        "--db",
        d,
        "--module",
        "vai",
        "--as-of",
        "2020-06-01",
    ]);
    assert!(String::from_utf8_lossy(&typo.stderr).contains("did you mean 'via'"));
    ok(&[
        "case",
        "enrol",
        "1",
        "--db",
        d,
        "--module",
        "via",
        "--group",
        "via-2020-06",
        "--as-of",
        "2020-06-01",
    ]);
    // VIA lasts three months and ends with the follow-up advice (002:538).
    let due = ok(&[
        "due",
        "--db",
        d,
        "--on",
        "2020-09-01",
        "--as-of",
        "2020-09-01",
    ]);
    assert!(
        due.contains("advies voor een vervolgtraject") && due.contains("01/09/2020"),
        "the moment by its label, the date as Belgians write it: {due}"
    );
    let again = run(&[
        "case",
        "enrol",
        "1",
        "--db",
        d,
        "--module",
        "via",
        "--as-of",
        "2020-06-02",
    ]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already attends module 'via'"));
    ok(&[
        "case",
        "leave",
        "1",
        "--db",
        d,
        "--module",
        "via",
        "--as-of",
        "2020-07-01",
    ]);
    let due = ok(&[
        "due",
        "--db",
        d,
        "--on",
        "2020-09-01",
        "--as-of",
        "2020-09-01",
    ]);
    assert!(!due.contains("via_advice"), "{due}");
    assert_eq!(
        all_cases(&db)
            .iter()
            .flat_map(|c| events_of(&db, c.id))
            .filter(|e| matches!(e.event.kind(), EventKind::Enrolled | EventKind::Left))
            .count(),
        2
    );
}

#[test]
fn a_pause_needs_the_programmes_policy_and_a_paused_case_keeps_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    // Antwerp states no pause policy: refused, with what to add.
    let referral = root().join("tests/fixtures/referrals/antwerpen.yaml");
    refer_and_start(&db, &referral);
    let out = traject(&db)
        .args(["case", "pause", "1", "--db", d, "--as-of", "2023-03-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("add a `pause:` policy"), "{err}");

    // Liège allows a pause: the paused case still counts against the caseload.
    let liege = dir.path().join("liege.yaml");
    std::fs::write(&liege, "referral_date: 2024-01-08\nbirth_date: 1990-01-01\nnationality: SY\nresidence_ocmw: liege\n").unwrap();
    succeed(
        &db,
        &[
            "case",
            "new",
            "--program",
            "liege",
            liege.to_str().unwrap(),
            "--db",
            d,
            "--as-of",
            "2024-01-08",
        ],
    );
    succeed(
        &db,
        &["case", "start", "2", "--db", d, "--as-of", "2024-01-08"],
    );
    succeed(
        &db,
        &[
            "case",
            "pause",
            "2",
            "--reason",
            "health",
            "--db",
            d,
            "--as-of",
            "2024-02-01",
        ],
    );
    let shown = succeed(&db, &["case", "show", "2", "--db", d]);
    assert!(shown.contains("en pause depuis le 01/02/2024"), "{shown}");
    let caseload = succeed(
        &db,
        &[
            "caseload",
            "--program",
            "liege",
            "--db",
            d,
            "--format",
            "json",
        ],
    );
    assert!(caseload.contains(r#""active": 1"#), "{caseload}");
    succeed(
        &db,
        &["case", "resume", "2", "--db", d, "--as-of", "2024-03-01"],
    );
    let history = succeed(
        &db,
        &["case", "history", "2", "--db", d, "--format", "json"],
    );
    assert!(history.contains(r#""paused_days": 29"#), "{history}");
}

#[test]
fn a_routed_cohort_is_enrolled_all_at_once_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    let ok = |args: &[&str]| succeed(&db, args);
    let fixture =
        std::fs::read_to_string(root().join("tests/fixtures/referrals/gent.yaml")).unwrap();
    for i in 1..=13 {
        let file = dir.path().join(format!("r{i}.yaml"));
        std::fs::write(&file, format!("id: G-{i}\n{fixture}")).unwrap();
        ok(&[
            "case",
            "new",
            "--program",
            "gent",
            file.to_str().unwrap(),
            "--db",
            d,
            "--as-of",
            "2020-05-04",
        ]);
    }
    for i in 2..=13 {
        ok(&[
            "case",
            "start",
            &i.to_string(),
            "--db",
            d,
            "--as-of",
            "2020-05-10",
        ]);
    }
    let ids: Vec<String> = (1..=13).map(|i| i.to_string()).collect();
    let mut args = vec![
        "case",
        "enrol-cohort",
        "--module",
        "via",
        "--db",
        d,
        "--as-of",
        "2020-06-01",
    ];
    args.extend(ids.iter().map(String::as_str));
    // Case 1 has not started: the whole cohort is refused, nobody is enrolled.
    let out = traject(&db).args(&args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("case 1 "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rows(&db, Table::Enrolments), 0);

    // The twelve who started: VIA takes one group of ten, two wait for the next. A group formed
    // during the Covid measures would hold three (§9 Q43, tests/plugins.rs), so this one forms
    // after them.
    args.remove(args.iter().position(|a| *a == "1").unwrap());
    let on = args.iter().position(|a| *a == "2020-06-01").unwrap();
    args[on] = "2021-07-01";
    args.extend(["--format", "json"]);
    let cohort: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
    assert_eq!(
        cohort["routing"]["groups"][0]["members"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
    assert_eq!(cohort["waiting"], serde_json::json!([12, 13]));
    assert_eq!(in_group(&db, "group_1"), 10);
    let caseload: serde_json::Value = serde_json::from_str(&ok(&[
        "caseload",
        "--program",
        "gent",
        "--db",
        d,
        "--format",
        "json",
        "--as-of",
        "2021-07-01",
    ]))
    .unwrap();
    let modules = &caseload["programs"][0]["modules"];
    assert_eq!(
        modules,
        &serde_json::json!([{"module": "via", "group": "group_1", "enrolled": 10}])
    );
}

#[test]
fn a_case_keeps_the_routing_script_it_was_judged_under_after_the_script_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    let ok = |args: &[&str]| succeed(&db, args);
    // A local copy of the programme with its scripts beside it, as an OCMW keeps them.
    let programme = dir.path().join("gent.yaml");
    std::fs::copy(root().join("programs/gent.yaml"), &programme).unwrap();
    std::fs::create_dir(dir.path().join("scripts")).unwrap();
    for e in std::fs::read_dir(root().join("scripts")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join("scripts").join(e.file_name())).unwrap();
    }
    let p = programme.to_str().unwrap();
    let fixture =
        std::fs::read_to_string(root().join("tests/fixtures/referrals/gent.yaml")).unwrap();
    for i in 1..=3 {
        let file = dir.path().join(format!("r{i}.yaml"));
        std::fs::write(&file, format!("id: S-{i}\n{fixture}")).unwrap();
        ok(&[
            "case",
            "new",
            "--program",
            p,
            file.to_str().unwrap(),
            "--db",
            d,
            "--as-of",
            "2020-05-04",
        ]);
        ok(&[
            "case",
            "start",
            &i.to_string(),
            "--program",
            p,
            "--db",
            d,
            "--as-of",
            "2020-05-10",
        ]);
    }
    let kept = test_support::snapshots(&store(&db)).unwrap();
    let stored = kept[0].1.clone().unwrap_or_default();
    assert!(stored.contains("capacity_groups"), "{stored}");
    // The coordinator edits VIA's routing script: its groups get other names.
    let script = dir.path().join("scripts/capacity_groups.rhai");
    let text = std::fs::read_to_string(&script).unwrap();
    let changed = text.replace("`group_${g + 1}`", "`changed_${g + 1}`");
    assert_ne!(text, changed, "the script was changed");
    std::fs::write(&script, changed).unwrap();
    // The cases are routed by the script they were judged under.
    let cohort = [
        "case",
        "enrol-cohort",
        "--module",
        "via",
        "--program",
        p,
        "--db",
        d,
        "--as-of",
        "2020-06-01",
        "1",
        "2",
    ];
    ok(&cohort);
    assert_eq!(in_group(&db, "group_1"), 2);
    // A case referred after the change is judged under the new script (a new version hash).
    let file = dir.path().join("r4.yaml");
    std::fs::write(&file, format!("id: S-4\n{fixture}")).unwrap();
    ok(&[
        "case",
        "new",
        "--program",
        p,
        file.to_str().unwrap(),
        "--db",
        d,
        "--as-of",
        "2020-05-04",
    ]);
    ok(&[
        "case",
        "start",
        "4",
        "--program",
        p,
        "--db",
        d,
        "--as-of",
        "2020-05-10",
    ]);
    assert_eq!(
        all_cases(&db)
            .iter()
            .map(|c| c.version_hash.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        2
    );
    ok(&[
        "case",
        "enrol-cohort",
        "--module",
        "via",
        "--program",
        p,
        "--db",
        d,
        "--as-of",
        "2020-06-01",
        "4",
    ]);
    assert_eq!(in_group(&db, "changed_1"), 1);
    // Case 3, judged under the old script, is routed with it even alone.
    ok(&[
        "case",
        "enrol-cohort",
        "--module",
        "via",
        "--program",
        p,
        "--db",
        d,
        "--as-of",
        "2020-06-02",
        "3",
    ]);
    assert_eq!(in_group(&db, "group_1"), 3);
}

#[test]
fn a_programme_that_frees_a_paused_place_gives_it_to_the_waiting_list() {
    // Liège with a team of two places and a pause that frees the place: a local variant, as a
    // coordinator would write it, run as a trajectory test through the binary.
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(root().join("programs/liege.yaml")).unwrap();
    let variant = original
        .replacen(
            "      max_pauses: 2\n",
            "      max_pauses: 2\n      place: free\n",
            1,
        )
        .replacen(
            "      caseload_per_fte: null\n      waiting_list: none\n",
            "      caseload_per_fte: null\n      total: 2\n      waiting_list: fifo\n",
            1,
        );
    assert_eq!(
        variant.matches("place: free").count(),
        1,
        "pause policy found"
    );
    assert!(variant.contains("total: 2"), "capacity found");
    std::fs::write(dir.path().join("liege.yaml"), variant).unwrap();
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    let referral = "{referral_date: 2020-02-03, birth_date: 1987-01-01, nationality: SY, residence_status: recognised_refugee, residence_ocmw: liege, income_support: leefloon, in_art60: false, small_social_network: true, integration_difficulty: true}";
    let mut steps = String::new();
    for who in ["a", "b", "c"] {
        steps += &format!(
            "      - {{on: 2020-02-03, new: {who}, referral: {referral}}}\n\
             \x20     - {{on: 2020-03-20, evaluate: {who}, evaluation: action_plan, decision: enrol}}\n\
             \x20     - {{on: 2020-03-30, evaluate: {who}, evaluation: trial_end, decision: enrol}}\n"
        );
    }
    let tests = format!(
        "program: ../liege.yaml\ntrajectories:\n  - name: a paused case gives its place to the first who waits and needs a free one to come back\n    source: \"assumption: test of the place: free policy\"\n    steps:\n{steps}\
         \x20     - {{on: 2020-03-30, start: a, expect: {{state: active}}}}\n\
         \x20     - {{on: 2020-03-30, start: b, expect: {{state: active}}}}\n\
         \x20     - {{on: 2020-03-30, start: c, expect: {{state: waiting, active: 2, waiting: 1}}}}\n\
         \x20     - {{on: 2020-04-01, pause: a, reason: health, expect: {{state: paused, next_started: c, active: 2, waiting: 0}}}}\n\
         \x20     - {{on: 2020-04-10, resume: a, expect: {{error: \"all 2 places are taken\", state: paused}}}}\n\
         \x20     - {{on: 2020-04-20, close: b, destination: forem_training, expect: {{active: 1}}}}\n\
         \x20     - {{on: 2020-04-21, resume: a, expect: {{state: active, active: 2}}}}\n"
    );
    let file = dir.path().join("tests/pause.yaml");
    std::fs::write(&file, tests).unwrap();
    let out = Command::cargo_bin("traject")
        .unwrap()
        .env("LC_ALL", "C")
        .current_dir(root())
        .args(["test", file.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("passed"), "{text}");
}

#[test]
fn flags_take_the_spellings_the_tool_prints_and_periods_take_months() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    // Lists and the API print `social_worker`; the flag takes it as well as `social-worker`.
    for (name, role) in [("sw1", "social_worker"), ("sw2", "social-worker")] {
        let out = traject(&db)
            .args([
                "user",
                "add",
                name,
                "--role",
                role,
                "--team",
                "north",
                "--password-stdin",
                "--db",
                d,
            ])
            .write_stdin("a long enough passphrase\n")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{role}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A period of whole months: from the first of the first to the last of the last.
    let out = demand_2022(&db);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("2022-01-01") && text.contains("2022-12-31"),
        "{text}"
    );
    let out = traject(&db)
        .args([
            "demand",
            "--program",
            "antwerpen",
            "--db",
            d,
            "--history",
            "2022-13..2022-12",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

/// `case history ID --format json` of a store: (kind, day) per event.
fn dated_history(db: &Path, id: i64) -> Vec<(String, String)> {
    let out = traject(db)
        .args([
            "case",
            "history",
            &id.to_string(),
            "--db",
            db.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let events: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let kind = e["kind"].as_str().unwrap().to_string();
            (kind, e["on_date"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn an_imported_history_keeps_its_dates_and_demand_learns_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let d = db.to_str().unwrap();
    // Twelve months of twenty referrals, imported today without --as-of.
    let mut csv = String::from("id,referral_date,birth_date,nationality,residence_ocmw,income_support,in_art60,civic_orientation_completed,motivated,help_request_fits\n");
    for month in 1..=12 {
        for day in 1..=20 {
            csv.push_str(&format!(
                "H-{month}-{day},2022-{month:02}-{day:02},1988-03-04,SY,antwerpen,leefloon,false,true,true,true\n"
            ));
        }
    }
    let file = dir.path().join("history.csv");
    std::fs::write(&file, csv).unwrap();
    let out = traject(&db)
        .args([
            "case",
            "import",
            "--program",
            "antwerpen",
            file.to_str().unwrap(),
            "--db",
            d,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        dated_history(&db, 21),
        [("referred".to_string(), "2022-02-01".to_string())]
    );
    let out = demand_2022(&db);
    let demand: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rate = &demand["referrals_per_month"];
    assert_eq!(rate["value"].as_f64(), Some(20.0), "{demand}");
    assert_eq!(rate["observations"], 12, "{demand}");
    assert_eq!(
        rate["from"], "case store",
        "learnt from the case store: {demand}"
    );

    // The example history: every dated column, recorded on its day.
    let example = root().join("examples/history.csv");
    let db2 = dir.path().join("example.db");
    let out = traject(&db2)
        .args([
            "case",
            "import",
            "--program",
            "antwerpen",
            example.to_str().unwrap(),
            "--db",
            db2.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let days = |id| dated_history(&db2, id);
    let pairs = |v: &[(&str, &str)]| {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        days(1),
        pairs(&[
            ("referred", "2022-02-01"),
            ("started", "2022-02-10"),
            ("closed", "2022-11-20")
        ])
    );
    assert_eq!(
        days(2),
        pairs(&[
            ("referred", "2022-03-01"),
            ("waiting", "2022-03-05"),
            ("started", "2022-04-15"),
            ("dropped", "2022-05-01")
        ])
    );
    assert_eq!(
        days(3),
        pairs(&[("referred", "2022-03-02"), ("not_started", "2022-03-20")])
    );
}

#[test]
fn a_history_that_runs_backwards_or_lacks_its_exit_is_refused_at_its_row_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let head = "id,referral_date,birth_date,nationality,residence_ocmw,income_support,in_art60,civic_orientation_completed,motivated,help_request_fits,started_on,track,ended_on,exit\n";
    let base = "2022-02-01,1988-03-04,SY,antwerpen,leefloon,false,true,true,true";
    let cases = [
        (
            format!("B1,{base},2022-01-10,long,,\n"),
            "started_on (2022-01-10) comes before referral_date (2022-02-01)",
        ),
        (
            format!("B2,{base},2022-02-10,long,2022-06-01,\n"),
            "column ended_on is filled in without exit",
        ),
        (
            format!("B3,{base},2022-02-10,long,2022-06-01,teleported\n"),
            "teleported",
        ),
        (
            format!("B4,{base},,,2022-06-01,art60\n"),
            "`close` is not possible",
        ),
    ];
    for (row, said) in cases {
        let file = dir.path().join("bad.csv");
        std::fs::write(&file, format!("{head}A0,{base},,,,\n{row}")).unwrap();
        let out = traject(&db)
            .args([
                "case",
                "import",
                "--program",
                "antwerpen",
                file.to_str().unwrap(),
                "--db",
                db.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{row}");
        assert!(
            err.contains("bad.csv:3:") && err.contains(said),
            "{row}: {err}"
        );
        let listed = traject(&db)
            .args([
                "case",
                "list",
                "--db",
                db.to_str().unwrap(),
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&listed.stdout).trim(),
            "[]",
            "nothing written"
        );
    }
}

#[test]
fn a_full_group_takes_no_eleventh_client_however_clients_join() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gent.db");
    let d = db.to_str().unwrap();
    // Twelve Ghent clients started in July 2021 (an imported history).
    let mut csv = String::from("id,referral_date,birth_date,nationality,mother_tongue,residence_ocmw,income_support,education_level,language_level,in_art60,small_social_network,integration_difficulty,started_on\n");
    for i in 1..=12 {
        csv.push_str(&format!(
            "G{i},2021-07-01,1988-01-01,AF,ps,gent,leefloon,low,1.1,false,true,true,2021-07-05\n"
        ));
    }
    let file = dir.path().join("gent.csv");
    std::fs::write(&file, csv).unwrap();
    let run = |args: &[&str]| {
        let out = traject(&db).args(args).args(["--db", d]).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, err) = run(&[
        "case",
        "import",
        "--program",
        "gent",
        file.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let enrol = |id: u32, group: &str, on: &str| {
        run(&[
            "case",
            "enrol",
            &id.to_string(),
            "--module",
            "via",
            "--group",
            group,
            "--as-of",
            on,
        ])
    };
    // VIA groups hold at most 10 (002:539; the module's maximum).
    for id in 1..=10 {
        let (ok, err) = enrol(id, "via-2021-09", "2021-09-01");
        assert!(ok, "{id}: {err}");
    }
    let (ok, err) = enrol(11, "via-2021-09", "2021-09-01");
    assert!(
        !ok && err.contains("group 'via-2021-09' of module 'via' is full: at most 10 participants"),
        "{err}"
    );
    // Another group has room; and once someone leaves, so has the first.
    let (ok, err) = enrol(11, "via-2021-10", "2021-09-01");
    assert!(ok, "{err}");
    let (ok, err) = run(&[
        "case",
        "leave",
        "1",
        "--module",
        "via",
        "--as-of",
        "2021-09-02",
    ]);
    assert!(ok, "{err}");
    let (ok, err) = enrol(12, "via-2021-09", "2021-09-02");
    assert!(ok, "{err}");
}

/// `traject demand` of Antwerp over the months of 2022, as JSON.
fn demand_2022(db: &Path) -> std::process::Output {
    let d = db.to_str().unwrap();
    traject(db)
        .args(["demand", "--program", "antwerpen", "--db", d])
        .args(["--history", "2022-01..2022-12", "--format", "json"])
        .output()
        .unwrap()
}

#[test]
fn an_evaluation_held_outside_its_window_needs_a_reason_kept_in_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let referral = dir.path().join("r.json");
    std::fs::write(&referral, crate::common::ELIGIBLE).unwrap();
    refer_and_start(&db, &referral);
    let d = db.to_str().unwrap();
    // The interim talk of the long track falls four to five months after the start.
    let early = [
        "case",
        "evaluate",
        "1",
        "--db",
        d,
        "--evaluation",
        "interim",
        "--decision",
        "continue",
        "--as-of",
        "2023-02-15",
    ];
    let out = traject(&db).args(early).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("falls from 2023-06-01 to 2023-07-01, not on 2023-02-15: give a reason"),
        "{err}"
    );
    assert!(
        events_of(&db, 1)
            .iter()
            .all(|e| e.event.kind() != EventKind::Evaluated),
        "nothing recorded"
    );
    let reason = "the client leaves for a training course in March";
    succeed(&db, &[&early[..], &["--reason", reason]].concat());
    let history = succeed(&db, &["case", "history", "1", "--db", d, "--lang", "nl"]);
    assert!(history.contains(&format!("reden: {reason}")), "{history}");
    let json = succeed(
        &db,
        &["case", "history", "1", "--db", d, "--format", "json"],
    );
    assert!(
        json.contains(&format!("\"reason\": \"{reason}\"")),
        "{json}"
    );
}
