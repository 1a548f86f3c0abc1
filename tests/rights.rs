//! The client's rights that outlive an erasure: a tombstone — a keyed hash of organisation and
//! dossier under the store's own key — refuses a new referral or an import of the erased
//! dossier unless a coordinator gives a reason (audited); an erased case cannot be erased
//! twice; the key travels with `db copy`; and a social worker who posts another team's
//! dossier number learns nothing about that case.

use std::path::Path;

use serde_json::{json, Value};

use crate::common::{serve, traject, ELIGIBLE};

/// Run the binary; (success, stdout, stderr).
fn run(args: &[&str]) -> (bool, String, String) {
    let out = traject().args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A CSV of Antwerp referrals with these dossier numbers.
fn csv(dir: &Path, dossiers: &[&str]) -> String {
    let mut text = String::from("id,referral_date,birth_date,nationality,residence_ocmw,income_support,in_art60,civic_orientation_completed,motivated,help_request_fits\n");
    for d in dossiers {
        text.push_str(&format!(
            "{d},2023-01-10,1988-03-04,SY,antwerpen,leefloon,false,true,true,true\n"
        ));
    }
    let path = dir.join(format!("{}.csv", dossiers.join("-")));
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn an_erased_dossier_is_not_taken_in_again_without_a_coordinators_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let db = db.to_str().unwrap();
    let first = csv(dir.path(), &["ER-100", "ER-200"]);
    let base = [
        "--program",
        "antwerpen",
        "--db",
        db,
        "--as-of",
        "2023-02-01",
    ];
    let (ok, _, err) = run(&[&["case", "import", &first], &base[..]].concat());
    assert!(ok, "{err}");
    let erase = [
        "case",
        "erase",
        "1",
        "--db",
        db,
        "--reason",
        "art. 17 request",
        "--as-of",
        "2023-03-01",
    ];
    let (ok, _, err) = run(&erase);
    assert!(ok, "{err}");
    // Once is enough: a second erasure is refused, and says when the first was.
    let (ok, _, err) = run(&erase);
    assert!(
        !ok && err.contains("was erased on 2023-03-01 already"),
        "{err}"
    );

    // Importing the original file again: the erased dossier's row is refused, nothing created.
    let (ok, _, err) = run(&[&["case", "import", &first], &base[..]].concat());
    assert!(
        !ok && err.contains(":2:") && err.contains("dossier ER-100 was erased on 2023-03-01"),
        "{err}"
    );
    let (_, list, _) = run(&["case", "list", "--db", db, "--format", "json"]);
    assert_eq!(
        serde_json::from_str::<Value>(&list)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A single referral likewise, and the command line names the flag that takes it in.
    let one = csv(dir.path(), &["ER-100"]);
    let (ok, _, err) = run(&[&["case", "import", &one], &base[..]].concat());
    assert!(!ok && err.contains("ER-100"), "{err}");
    let referral = referral_with_id(dir.path(), "antwerpen", "ER-100");
    let referral = referral.as_str();
    let new = [
        "case",
        "new",
        "--program",
        "antwerpen",
        referral,
        "--db",
        db,
        "--as-of",
        "2023-04-01",
    ];
    let (ok, _, err) = run(&new);
    assert!(!ok && err.contains("--after-erasure"), "{err}");

    // With a coordinator's reason it is taken in, and the reason is in the audit trail.
    let (ok, id, err) = run(&[
        &new[..],
        &["--after-erasure", "the client came back and asks again"],
    ]
    .concat());
    assert!(ok, "{err}");
    let id = id.trim();
    let (ok, audit, _) = run(&["audit", "--case", id, "--db", db]);
    assert!(
        ok && audit.contains(
            "referral after the erasure of 2023-03-01: the client came back and asks again"
        ),
        "{audit}"
    );

    // The tombstone holds no dossier number, and its hash is keyed per store: the same
    // dossier erased in another store hashes differently. `db copy` keeps the key, so the
    // copy still recognises the erased dossier.
    let other = dir.path().join("other.db");
    let other = other.to_str().unwrap();
    let (ok, _, err) = run(&[
        "case",
        "import",
        &one,
        "--program",
        "antwerpen",
        "--db",
        other,
        "--as-of",
        "2023-02-01",
    ]);
    assert!(ok, "{err}");
    run(&[
        "case",
        "erase",
        "1",
        "--db",
        other,
        "--reason",
        "request",
        "--as-of",
        "2023-03-01",
    ]);
    let export = |store: &str, name: &str| {
        let to = dir.path().join(name);
        let (ok, _, err) = run(&[
            "db",
            "tombstones",
            "export",
            "--db",
            store,
            "--to",
            to.to_str().unwrap(),
        ]);
        assert!(ok, "{err}");
        let v: Value = serde_json::from_str(&std::fs::read_to_string(to).unwrap()).unwrap();
        v["tombstones"][0]["dossier_mac"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (mac, other_mac) = (export(db, "t1.json"), export(other, "t2.json"));
    assert_eq!(mac.len(), 64);
    assert_ne!(mac, other_mac, "each store hashes with its own key");
    let copy = dir.path().join("copy.db");
    let copy = copy.to_str().unwrap();
    let (ok, _, err) = run(&["db", "copy", "--from", other, "--to", copy]);
    assert!(ok, "{err}");
    assert_eq!(export(copy, "t3.json"), other_mac);
    let (ok, _, err) = run(&[
        "case",
        "import",
        &one,
        "--program",
        "antwerpen",
        "--db",
        copy,
        "--as-of",
        "2023-04-01",
    ]);
    assert!(!ok && err.contains("was erased on"), "{err}");
}

#[test]
fn another_teams_dossier_number_tells_a_social_worker_nothing() {
    let s = serve();
    let (ann, bo) = (s.login("ann"), s.login("bo"));
    let referral = ELIGIBLE.replacen('{', r#"{"id": "NORTH-77", "#, 1);
    let id = s.create(&ann, &referral);
    let changed = referral.replace("1990-05-01", "1991-06-02");
    for attempt in [&referral, &changed] {
        let body: Value = serde_json::from_str(&format!(
            r#"{{"program": "antwerpen", "referral": {attempt}}}"#
        ))
        .unwrap();
        let (status, answer) = s.post(&bo, "/api/cases", &body);
        assert_eq!(status, 409, "{answer}");
        let text = answer.to_string();
        assert!(text.contains("not by your team"), "{text}");
        assert!(!text.contains(&id.to_string()), "no case number: {text}");
        assert!(
            !text.contains("same") && !text.contains("different"),
            "no comparison: {text}"
        );
    }
    // The team that follows it hears which case it is.
    let (status, answer) = s.post(&ann, "/api/cases", &json!({"program": "antwerpen", "referral": serde_json::from_str::<Value>(&referral).unwrap()}));
    assert_eq!(status, 409);
    assert!(
        answer.to_string().contains(&format!("case {id}")),
        "{answer}"
    );
}

#[test]
fn the_command_line_records_who_acts_truthfully_and_checks_a_named_users_role() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    crate::common::add_user(&db, "audrey", "auditor", None);
    crate::common::add_user(&db, "cora", "coordinator", None);
    let db = db.to_str().unwrap();
    let rows = csv(dir.path(), &["CL-1", "CL-2"]);
    let (ok, _, err) = run(&[
        "case",
        "import",
        &rows,
        "--program",
        "antwerpen",
        "--db",
        db,
        "--as-of",
        "2023-02-01",
    ]);
    assert!(ok, "{err}");
    let erase = |actor: Option<&str>, id: &str| {
        let mut c = traject();
        c.args([
            "case",
            "erase",
            id,
            "--db",
            db,
            "--reason",
            "request",
            "--as-of",
            "2023-03-01",
        ])
        .env("USER", "operator-os-name");
        if let Some(a) = actor {
            c.args(["--actor", a]);
        }
        let out = c.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // A name the store does not know, or a user whose role may not erase: refused.
    let (ok, err) = erase(Some("nobody"), "1");
    assert!(!ok && err.contains("nobody"), "{err}");
    let (ok, err) = erase(Some("audrey"), "1");
    assert!(!ok && err.contains("an auditor may not"), "{err}");
    // A coordinator named by --actor acts as the coordinator they are.
    let (ok, err) = erase(Some("cora"), "1");
    assert!(ok, "{err}");
    // Without --actor: the operating-system user, recorded as the command line.
    let (ok, err) = erase(None, "2");
    assert!(ok, "{err}");
    let audit = |id: &str| {
        let (ok, out, err) = run(&["audit", "--case", id, "--db", db, "--format", "json"]);
        assert!(ok, "{err}");
        serde_json::from_str::<Value>(&out).unwrap()
    };
    let erased_by = |id: &str| {
        let (_, history, _) = run(&["case", "history", id, "--db", db]);
        history
    };
    assert!(erased_by("1").contains("cora"), "{}", erased_by("1"));
    assert!(
        erased_by("2").contains("operator-os-name"),
        "{}",
        erased_by("2")
    );
    let trail = audit("2");
    let roles: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["role"].as_str())
        .collect();
    assert!(
        !roles.is_empty() && roles.iter().all(|r| *r == "command_line"),
        "{trail}"
    );
}

/// A fixture referral of `program` given the dossier number `dossier`, written into `dir`.
fn referral_with_id(dir: &Path, program: &str, dossier: &str) -> String {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/referrals/{program}.yaml"));
    let text = std::fs::read_to_string(fixture).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("id:"))
        .chain([format!("id: {dossier}").as_str()])
        .collect::<Vec<_>>()
        .join("\n");
    let path = dir.join(format!("{program}-{dossier}.yaml"));
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn one_person_across_programmes_is_found_exported_and_erased_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("cases.db");
    let db = db_path.to_str().unwrap();
    let dossier = "PERSON-UNIQUE-8812";
    for (program, day) in [("antwerpen", "2023-02-01"), ("gent", "2020-06-01")] {
        let referral = referral_with_id(dir.path(), program, dossier);
        let (ok, _, err) = run(&[
            "case",
            "new",
            "--program",
            program,
            &referral,
            "--db",
            db,
            "--as-of",
            day,
        ]);
        assert!(ok, "{program}: {err}");
    }
    let other = referral_with_id(dir.path(), "antwerpen", "SOMEONE-ELSE");
    run(&[
        "case",
        "new",
        "--program",
        "antwerpen",
        &other,
        "--db",
        db,
        "--as-of",
        "2023-02-01",
    ]);
    // Found by dossier number, across programmes.
    let (ok, list, err) = run(&[
        "case",
        "list",
        "--dossier",
        dossier,
        "--db",
        db,
        "--format",
        "json",
    ]);
    assert!(ok, "{err}");
    let listed: Vec<(i64, String)> = serde_json::from_str::<Value>(&list)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_i64().unwrap(),
                c["program"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [(1, "antwerpen".to_string()), (2, "gent".to_string())]
    );
    // Someone read case 2.
    let (ok, _, err) = run(&["case", "show", "2", "--db", db, "--actor", "reader-7"]);
    assert!(ok, "{err}");

    let (ok, out, err) = run(&["person", "export", dossier, "--db", db]);
    assert!(ok, "{err}");
    let person: Value = serde_json::from_str(&out).unwrap();
    let cases = person["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2, "both programmes' cases, nobody else's");
    assert!(!out.contains("SOMEONE-ELSE"));
    for c in cases {
        assert_eq!(c["referral"]["id"], dossier);
        assert!(
            c["programme_text"].as_str().unwrap().contains("retention:"),
            "the text it was judged under"
        );
        assert!(c["erase_on"].as_str().is_some(), "{}", c["erase_on"]);
        assert_eq!(c["rights"].as_array().unwrap().len(), 6);
        assert!(c["readers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["action"] == "export"));
    }
    let readers = cases[1]["readers"].to_string();
    assert!(readers.contains("reader-7"), "who read the file: {readers}");
    let (ok, text, _) = run(&[
        "person", "export", dossier, "--db", db, "--format", "text", "--lang", "fr",
    ]);
    assert!(
        ok && text.contains("Qui a lu, exporté ou modifié le dossier")
            && text.contains("Vos droits"),
        "{text}"
    );

    // One erasure for the person: both cases, one transaction; the other client untouched.
    let (ok, out, err) = run(&[
        "person",
        "erase",
        dossier,
        "--db",
        db,
        "--reason",
        "art. 17 request",
        "--as-of",
        "2024-01-10",
    ]);
    assert!(ok && out.contains("1, 2"), "{out}{err}");
    let bytes: Vec<u8> = ["", "-wal", "-shm"]
        .iter()
        .flat_map(|s| std::fs::read(format!("{db}{s}")).unwrap_or_default())
        .collect();
    assert!(
        !bytes
            .windows(dossier.len())
            .any(|w| w == dossier.as_bytes()),
        "no trace of the dossier number"
    );
    assert!(bytes.windows(12).any(|w| w == b"SOMEONE-ELSE"));
    let (ok, _, err) = run(&["person", "export", dossier, "--db", db]);
    assert!(!ok && err.contains("no case with dossier number"), "{err}");
    // And it is not taken in again without a reason.
    let again = referral_with_id(dir.path(), "antwerpen", dossier);
    let (ok, _, err) = run(&[
        "case",
        "new",
        "--program",
        "antwerpen",
        &again,
        "--db",
        db,
        "--as-of",
        "2024-02-01",
    ]);
    assert!(!ok && err.contains("was erased on 2024-01-10"), "{err}");
    // Taken in again on a reason, then erased again: only the new case is erased this time.
    let (ok, id, err) = run(&[
        "case",
        "new",
        "--program",
        "antwerpen",
        &again,
        "--db",
        db,
        "--as-of",
        "2024-02-01",
        "--after-erasure",
        "came back",
    ]);
    assert!(ok, "{err}");
    let (ok, out, err) = run(&[
        "person",
        "erase",
        dossier,
        "--db",
        db,
        "--reason",
        "again",
        "--as-of",
        "2024-03-01",
    ]);
    assert!(
        ok && out.trim().ends_with(&format!("case(s) {}", id.trim())),
        "{out}{err}"
    );
}

#[test]
fn a_coordinator_answers_access_and_erasure_requests_through_the_api_and_no_one_else_can() {
    let s = serve();
    let (ann, audrey, coord) = (s.login("ann"), s.login("audrey"), s.login("coord"));
    let referral = ELIGIBLE.replacen('{', r#"{"id": "API-RIGHTS-5", "#, 1);
    let id = s.create(&ann, &referral);
    let (export, erase) = (
        format!("/api/cases/{id}/export"),
        format!("/api/cases/{id}/erase"),
    );
    let reason = json!({"reason": "art. 17 request"});
    // A social worker and an auditor may do neither; the body is not even read.
    for who in [&ann, &audrey] {
        assert_eq!(s.post(who, &export, &json!({})).0, 403);
        assert_eq!(s.post(who, &erase, &reason).0, 403);
    }
    let (status, x) = s.post(&coord, &export, &json!({}));
    assert_eq!(status, 200, "{x}");
    assert_eq!(x["referral"]["id"], "API-RIGHTS-5");
    assert!(x["programme_text"].as_str().unwrap().contains("retention:"));
    let readers: Vec<&str> = x["readers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["actor"].as_str())
        .collect();
    assert!(readers.contains(&"coord"), "{readers:?}");
    // An erasure needs its reason; then it is done once.
    let (status, v) = s.post(&coord, &erase, &json!({"reason": " "}));
    assert_eq!(status, 422, "{v}");
    let (status, v) = s.post(&coord, &erase, &json!({"why": "x"}));
    assert_eq!(status, 400, "{v}");
    let (status, v) = s.post(&coord, &erase, &reason);
    assert_eq!((status, v["erased"].as_i64()), (200, Some(id)), "{v}");
    let (status, v) = s.post(&coord, &erase, &reason);
    assert_eq!(status, 409, "{v}");
    assert!(v.to_string().contains("erased on"), "{v}");
    let (_, x) = s.post(&coord, &export, &json!({}));
    assert!(!x.to_string().contains("API-RIGHTS-5"), "{x}");
}
