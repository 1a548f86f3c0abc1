//! Programmes edited through traject: `traject program save` keeps a checked text in the
//! store's append-only history (coordinators only, audited; the same text twice, a broken one
//! or a social worker's save stores nothing), `program history` lists the saves with what each
//! changed, `program export` gives a text back or one version of it — and a running server
//! serves the saved text from the next request on.

use crate::common;

use std::path::Path;

use serde_json::{json, Value};

fn run(args: &[&str]) -> (bool, String, String) {
    let out = common::traject().args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The bundled Brussels programme, and the same with the literal reading of 2021's entry
/// conditions as the default.
fn brussels_texts(dir: &Path) -> (String, String) {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/brussel.yaml"),
    )
    .unwrap();
    let literal = text.replacen(
        "    default: target_group_continues",
        "    default: literal",
        1,
    );
    assert_ne!(text, literal);
    let (current, proposed) = (dir.join("brussel.yaml"), dir.join("brussel-literal.yaml"));
    std::fs::write(&current, &text).unwrap();
    std::fs::write(&proposed, &literal).unwrap();
    (
        current.to_str().unwrap().to_string(),
        proposed.to_str().unwrap().to_string(),
    )
}

#[test]
fn saves_are_checked_kept_whole_listed_with_their_changes_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let db = db.to_str().unwrap();
    let (current, proposed) = brussels_texts(dir.path());
    common::add_user(Path::new(db), "coord", "coordinator", None);
    common::add_user(Path::new(db), "ann", "social-worker", Some("north"));

    // A social worker may not; nothing is stored, and the file is not even read.
    let (ok, _, err) = run(&[
        "program",
        "save",
        "/nonexistent.yaml",
        "--db",
        db,
        "--actor",
        "ann",
    ]);
    assert!(!ok && err.contains("may not change programmes"), "{err}");
    let (ok, _, err) = run(&["program", "history", "brussel", "--db", db]);
    assert!(
        !ok && err.contains("no text of this programme is saved yet"),
        "{err}"
    );

    let (ok, out, err) = run(&["program", "save", &current, "--db", db, "--actor", "coord"]);
    assert!(ok, "{err}");
    assert!(out.starts_with("brussel saved as number 1"), "{out}");
    let (ok, _, err) = run(&["program", "save", &current, "--db", db, "--actor", "coord"]);
    assert!(
        !ok && err.contains("the one saved last (number 1)"),
        "{err}"
    );
    // A broken text: located, nothing stored.
    let broken = dir.path().join("broken.yaml");
    let text = std::fs::read_to_string(&proposed).unwrap();
    std::fs::write(&broken, text.replacen("valid_from:", "valid_fromm:", 1)).unwrap();
    let (ok, _, err) = run(&["program", "save", broken.to_str().unwrap(), "--db", db]);
    assert!(
        !ok && err.contains("broken.yaml:") && err.contains("valid_fromm"),
        "{err}"
    );
    let (ok, out, err) = run(&["program", "save", &proposed, "--db", db, "--actor", "coord"]);
    assert!(ok, "{err}");
    assert!(out.starts_with("brussel saved as number 2"), "{out}");

    let (ok, out, _) = run(&[
        "program", "history", "brussel", "--db", db, "--format", "json",
    ]);
    assert!(ok);
    let entries: Value = serde_json::from_str(&out).unwrap();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["author"], "coord");
    assert_eq!(entries[1]["versions"], json!(["2020", "2021"]));
    let removed: Vec<&str> = entries[1]["changes"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] == "removed")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        removed.contains(&"residence") && removed.contains(&"status"),
        "{removed:?}"
    );
    let (_, text_nl, _) = run(&["program", "history", "brussel", "--db", db, "--lang", "nl"]);
    assert!(
        text_nl.contains("nummer 2") && text_nl.contains("Toelatingsvoorwaarden"),
        "{text_nl}"
    );

    // Exports: the latest text as saved; one version of the first save, as a programme.
    let (_, latest, _) = run(&["program", "export", "brussel", "--db", db]);
    assert_eq!(latest, std::fs::read_to_string(&proposed).unwrap());
    let (ok, only, err) = run(&[
        "program",
        "export",
        "brussel@2021",
        "--entry",
        "1",
        "--db",
        db,
    ]);
    assert!(ok, "{err}");
    assert!(
        only.contains("id: \"2021\"") && !only.contains("id: \"2020\""),
        "{only}"
    );
    let cut = dir.path().join("brussel-2021.yaml");
    std::fs::write(&cut, &only).unwrap();
    let (ok, _, err) = run(&["validate", cut.to_str().unwrap()]);
    assert!(ok, "the exported version loads on its own: {err}");
    let (ok, _, err) = run(&["program", "export", "brussel", "--entry", "9", "--db", db]);
    assert!(!ok && err.contains("no saved text has number 9"), "{err}");

    let (_, trail, _) = run(&["audit", "--user", "coord", "--db", db]);
    let _ = trail;
    let store = traject_store::Store::connect(&traject_store::DbTarget::File(db.into())).unwrap();
    let audit = store.audit_of("programme:brussel").unwrap();
    assert_eq!(audit.len(), 2, "each save audited: {audit:?}");
    assert!(audit[1].action.starts_with("save programme text"));
}

#[test]
fn a_running_server_serves_a_saved_text_from_the_next_request_on() {
    let served = common::serve();
    let dir = tempfile::tempdir().unwrap();
    let (_, proposed) = brussels_texts(dir.path());
    let coord = served.login("coord");
    // Someone living in Ghent: outside the 2020 target group, which 2021 keeps by default.
    let check = json!({"program": "brussel", "referral": {
        "referral_date": "2021-10-01", "birth_date": "1991-01-01", "nationality": "SY",
        "residence_status": "recognised_refugee", "residence_ocmw": "gent",
        "income_support": "leefloon", "in_art60": false, "small_social_network": true,
        "integration_difficulty": true, "motivated": true, "help_request_fits": true}});
    let (status, before) = served.post(&coord, "/api/check", &check);
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["verdict"], "ineligible", "{before}");
    let db = served.db.to_str().unwrap().to_string();
    let (ok, _, err) = run(&["program", "save", &proposed, "--db", &db]);
    assert!(ok, "{err}");
    let (_, after) = served.post(&coord, "/api/check", &check);
    assert_eq!(after["verdict"], "eligible", "{after}");
}
