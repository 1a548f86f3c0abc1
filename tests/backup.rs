//! Backups that restore: `traject db backup` while the server writes, `db verify` on the
//! backup, `db restore` into a new SQLite file and an empty PostgreSQL database, each checked by
//! the same digest; a backup readable by its owner only, never over an existing file; and a
//! store whose event log is out of order fails `db verify`.

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

use crate::common::{postgres_database, serve, traject, ELIGIBLE};

fn run_json(args: &[&str]) -> (bool, Value) {
    let out = traject()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let v = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("{args:?}: {text}{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.success(), v)
}

#[test]
fn a_backup_taken_under_write_load_verifies_and_restores_with_the_same_digest() {
    let s = serve();
    let ann = s.login("ann");
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.db");
    let stop = AtomicBool::new(false);
    let db = s.db.to_str().unwrap().to_string();
    let written = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let referral = ELIGIBLE.replacen('{', &format!(r#"{{"id": "B-{n}", "#), 1);
                s.create(&ann, &referral);
            }
            n
        });
        std::thread::sleep(std::time::Duration::from_millis(500));
        let (ok, copied) = run_json(&[
            "db",
            "backup",
            "--db",
            &db,
            "--to",
            backup.to_str().unwrap(),
        ]);
        assert!(ok, "{copied}");
        std::thread::sleep(std::time::Duration::from_millis(300));
        stop.store(true, Ordering::Relaxed);
        writer.join().unwrap()
    });
    assert!(
        written > 5,
        "the server was writing during the backup ({written} cases)"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a backup is readable by its owner only");
    }
    let (ok, verified) = run_json(&["db", "verify", "--db", backup.to_str().unwrap()]);
    assert!(ok, "{verified}");
    let digest = verified["digest"].as_str().unwrap().to_string();
    let cases = verified["cases"].as_i64().unwrap();
    assert!(cases > 0 && cases < written + 10, "{verified}");
    // Never over an existing file.
    let again = traject()
        .args([
            "db",
            "backup",
            "--db",
            &db,
            "--to",
            backup.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!again.status.success());

    let restored = dir.path().join("restored.db");
    let (ok, copied) = run_json(&[
        "db",
        "restore",
        "--from",
        backup.to_str().unwrap(),
        "--db",
        restored.to_str().unwrap(),
    ]);
    assert!(ok, "{copied}");
    assert_eq!(copied["digest"], Value::from(digest.as_str()));
    let (ok, v) = run_json(&["db", "verify", "--db", restored.to_str().unwrap()]);
    assert!(ok && v["digest"] == digest.as_str(), "{v}");
    if let Some(url) = postgres_database("traject_restore") {
        let (ok, copied) = run_json(&[
            "db",
            "restore",
            "--from",
            backup.to_str().unwrap(),
            "--db",
            &url,
        ]);
        assert!(ok, "{copied}");
        let (ok, v) = run_json(&["db", "verify", "--db", &url]);
        assert!(ok && v["digest"] == digest.as_str(), "{v}");
        // And back: a PostgreSQL store backs up into a file with the same digest.
        let from_pg = dir.path().join("from-pg.db");
        let (ok, copied) = run_json(&[
            "db",
            "backup",
            "--db",
            &url,
            "--to",
            from_pg.to_str().unwrap(),
        ]);
        assert!(ok && copied["digest"] == digest.as_str(), "{copied}");
    }
}

#[test]
fn a_store_whose_event_log_goes_back_in_time_fails_verification() {
    let s = serve();
    let ann = s.login("ann");
    let id = s.create(&ann, ELIGIBLE);
    let (status, _) = s.post(
        &ann,
        &format!("/api/cases/{id}/start"),
        &serde_json::json!({"track": "short"}),
    );
    assert_eq!(status, 200);
    let store = traject_store::Store::open(&s.db).unwrap();
    traject_store::test_support::misdate_event(&store, id, 2, "2001-01-01").unwrap();
    drop(store);
    let out = traject()
        .args(["db", "verify", "--db", s.db.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!("case {id}: an event is dated before")),
        "{text}"
    );
}

/// Every file of a SQLite store (the database, its write-ahead log and shared memory), as bytes.
fn raw_store(db: &std::path::Path) -> Vec<u8> {
    ["", "-wal", "-shm"]
        .iter()
        .flat_map(|suffix| std::fs::read(format!("{}{suffix}", db.display())).unwrap_or_default())
        .collect()
}

fn holds(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

#[test]
fn a_person_erased_after_the_backup_stays_erased_after_a_restore() {
    let s = serve();
    let ann = s.login("ann");
    for (n, dossier) in ["KEEP-1", "ERASE-ME-7731", "KEEP-3"].iter().enumerate() {
        let referral = ELIGIBLE.replacen('{', &format!(r#"{{"id": "{dossier}", "#), 1);
        assert_eq!(s.create(&ann, &referral), n as i64 + 1);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let live = s.db.to_str().unwrap().to_string();
    let run = |args: &[&str]| {
        let out = traject().args(args).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let (ok, text) = run(&["db", "backup", "--db", &live, "--to", &path("backup.db")]);
    assert!(ok, "{text}");
    let (ok, text) = run(&[
        "case",
        "erase",
        "2",
        "--db",
        &live,
        "--reason",
        "GDPR art. 17 request",
    ]);
    assert!(ok, "{text}");
    let (ok, text) = run(&[
        "db",
        "tombstones",
        "export",
        "--db",
        &live,
        "--to",
        &path("tombstones.json"),
    ]);
    assert!(ok && text.contains("1 tombstones"), "{text}");
    let exported = std::fs::read_to_string(path("tombstones.json")).unwrap();
    assert!(
        !exported.contains("ERASE-ME-7731"),
        "only a hash of the dossier: {exported}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path("tombstones.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Without tombstones the backup brings the person back, and the restore warns of it.
    let (ok, text) = run(&[
        "db",
        "restore",
        "--from",
        &path("backup.db"),
        "--db",
        &path("plain.db"),
    ]);
    assert!(ok && text.contains("no tombstones given"), "{text}");
    assert!(holds(
        &raw_store(std::path::Path::new(&path("plain.db"))),
        "ERASE-ME-7731"
    ));

    // With the exported file, or with the store being replaced: erased again, the rest kept.
    for (name, source) in [
        (
            "from-file.db",
            ["--tombstones".to_string(), path("tombstones.json")],
        ),
        (
            "from-store.db",
            ["--tombstones-from".to_string(), live.clone()],
        ),
    ] {
        let out = traject()
            .args([
                "db",
                "restore",
                "--from",
                &path("backup.db"),
                "--db",
                &path(name),
            ])
            .args(&source)
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let restored: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            restored["erased_again"],
            serde_json::json!([2]),
            "{restored}"
        );
        assert_eq!(restored["tombstones"], 1);
        let bytes = raw_store(std::path::Path::new(&path(name)));
        assert!(
            !holds(&bytes, "ERASE-ME-7731"),
            "{name}: the erased dossier is gone"
        );
        assert!(holds(&bytes, "KEEP-1") && holds(&bytes, "KEEP-3"), "{name}");
        let (ok, text) = run(&["db", "verify", "--db", &path(name)]);
        assert!(ok, "{text}");
        // The case's history says what happened and why.
        let (ok, text) = run(&["case", "history", "2", "--db", &path(name)]);
        assert!(
            ok && text.contains("applied again after a restore from a backup"),
            "{text}"
        );
    }

    // Tombstones of another store (other case numbers) would erase the wrong people: refused
    // before anything is written.
    let other = path("other.db");
    let one = dir.path().join("one.csv");
    std::fs::write(
        &one,
        "id,referral_date,birth_date,nationality,residence_ocmw,income_support,in_art60,civic_orientation_completed,motivated,help_request_fits\nX-1,2023-01-10,1988-03-04,SY,antwerpen,leefloon,false,true,true,true\n",
    )
    .unwrap();
    let (ok, text) = run(&[
        "case",
        "import",
        one.to_str().unwrap(),
        "--program",
        "antwerpen",
        "--db",
        &other,
        "--as-of",
        "2023-02-01",
    ]);
    assert!(ok, "{text}");
    run(&["case", "erase", "1", "--db", &other, "--reason", "request"]);
    run(&[
        "db",
        "tombstones",
        "export",
        "--db",
        &other,
        "--to",
        &path("other.json"),
    ]);
    for source in [
        ["--tombstones", &path("other.json")],
        ["--tombstones-from", &other],
    ] {
        let (ok, text) = run(&[
            &[
                "db",
                "restore",
                "--from",
                &path("backup.db"),
                "--db",
                &path("wrong.db"),
            ][..],
            &source[..],
        ]
        .concat());
        assert!(
            !ok && text.contains("belong to another store than the backup"),
            "{text}"
        );
        assert!(!std::path::Path::new(&path("wrong.db")).exists());
    }

    // A tombstones file that does not read stops the restore before it writes anything.
    std::fs::write(
        path("broken.json"),
        "{\"traject_tombstones\": 1,\n \"tombstones\": [{\"case\": 2}]}",
    )
    .unwrap();
    let (ok, text) = run(&[
        "db",
        "restore",
        "--from",
        &path("backup.db"),
        "--db",
        &path("never.db"),
        "--tombstones",
        &path("broken.json"),
    ]);
    assert!(!ok && text.contains("broken.json:2:"), "{text}");
    assert!(!std::path::Path::new(&path("never.db")).exists());
}
