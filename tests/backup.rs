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
