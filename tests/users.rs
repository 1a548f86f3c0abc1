//! Users' e-mail addresses, where the server's reminders will go: given when a user is added
//! or set later, checked before anything is written, shown in the user list, audited without
//! the address, copied with the store, and set by a coordinator or by the user themselves only.

use serde_json::Value;

use crate::common::{output_with_stdin, postgres_database, traject};

fn run(args: &[&str], stdin: &str) -> (bool, String, String) {
    let out = output_with_stdin(traject().args(args), stdin);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Each user's address as `user list --format json` shows it, by name.
fn addresses(db: &str) -> Vec<(String, Value)> {
    let (ok, out, err) = run(&["user", "list", "--db", db, "--format", "json"], "");
    assert!(ok, "{err}");
    let rows: Value = serde_json::from_str(&out).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|u| (u["name"].as_str().unwrap().to_string(), u["email"].clone()))
        .collect()
}

#[test]
fn an_email_address_is_checked_set_by_a_coordinator_or_its_owner_and_never_in_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let db = db.to_str().unwrap();
    let add = |name: &str, role: &str, email: Option<&str>| {
        let mut args = vec![
            "user",
            "add",
            name,
            "--role",
            role,
            "--password-stdin",
            "--db",
            db,
        ];
        if role == "social-worker" {
            args.extend(["--team", "north"]);
        }
        if let Some(e) = email {
            args.extend(["--email", e]);
        }
        run(&args, &format!("{name}-passphrase\n"))
    };
    let (ok, _, err) = add(
        "cora",
        "coordinator",
        Some(" cora.janssens@ocmw.example.be "),
    );
    assert!(ok, "{err}");
    // A mistyped address is refused with what to write, and nothing is added.
    for bad in [
        "an.peeters",
        "an peeters@ocmw.be",
        "an@ocmw",
        "an@@ocmw.be",
        "an@-ocmw.be",
        "<an>@ocmw.be",
    ] {
        let (ok, _, err) = add("an", "social-worker", Some(bad));
        assert!(!ok, "{bad}");
        assert!(
            err.contains("name@domain.be") && !err.contains(bad.trim()),
            "{bad}: {err}"
        );
    }
    let (ok, _, err) = add("an", "social-worker", None);
    assert!(ok, "{err}");
    assert_eq!(
        addresses(db),
        [
            ("an".to_string(), Value::Null),
            ("cora".to_string(), "cora.janssens@ocmw.example.be".into())
        ]
    );

    // The user sets their own; another social worker may not; the coordinator may.
    let (ok, _, err) = add("bo", "social-worker", None);
    assert!(ok, "{err}");
    let set = |actor: &str, name: &str, email: Option<&str>| {
        let mut args = vec!["user", "email", name, "--db", db, "--actor", actor];
        match email {
            Some(e) => args.extend(["--email", e]),
            None => args.push("--remove"),
        }
        run(&args, "")
    };
    let (ok, _, err) = set("an", "an", Some("an.peeters@ocmw.example.be"));
    assert!(ok, "{err}");
    let (ok, _, err) = set("bo", "an", Some("bo@ocmw.example.be"));
    assert!(!ok && err.contains("social worker may not"), "{err}");
    let (ok, _, err) = set("cora", "bo", Some("bo.maes@ocmw.example.be"));
    assert!(ok, "{err}");
    let (ok, _, err) = set("cora", "nobody", Some("x@ocmw.example.be"));
    assert!(!ok && err.contains("nobody"), "{err}");
    let (ok, _, err) = set("cora", "cora", None);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["user", "email", "an", "--db", db], "");
    assert!(
        !ok && err.contains("--email"),
        "neither --email nor --remove: {err}"
    );
    let listed = addresses(db);
    assert_eq!(
        listed,
        [
            ("an".to_string(), "an.peeters@ocmw.example.be".into()),
            ("bo".to_string(), "bo.maes@ocmw.example.be".into()),
            ("cora".to_string(), Value::Null)
        ]
    );

    // The audit trail says that an address changed, never which.
    let (ok, out, err) = run(
        &[
            "audit", "--user", "bo", "--db", db, "--format", "json", "--actor", "cora",
        ],
        "",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("set e-mail address") && !out.contains("bo.maes"),
        "{out}"
    );

    // The addresses go along when the store moves to PostgreSQL.
    let Some(url) = postgres_database("traject_user_email") else {
        return;
    };
    let (ok, _, err) = run(&["db", "copy", "--from", db, "--to", &url], "");
    assert!(ok, "{err}");
    assert_eq!(addresses(&url), listed);
}

#[test]
fn a_user_sets_and_removes_their_own_address_on_their_account_page() {
    let s = crate::common::serve();
    let audrey = s.login("audrey");
    let (status, page, _) = crate::common::call("GET", &s.url("/account"), Some(&audrey), None);
    assert_eq!(status, 200);
    assert!(
        page.contains("<label for=\"email\">"),
        "the field is labelled"
    );
    let token = crate::common::csrf_of(&page);
    let post = |email: &str| {
        let form = format!(
            "csrf={token}&email={}",
            email.replace('@', "%40").replace(' ', "+")
        );
        crate::common::submit(&s.url("/account/email"), &audrey, &form)
    };
    let db = s.db.to_str().unwrap();
    assert_eq!(
        post("audrey.claes@ocmw.example.be"),
        (303, "/account".to_string()),
        "back on the account page"
    );
    let (_, page, _) = crate::common::call("GET", &s.url("/account"), Some(&audrey), None);
    assert!(
        page.contains("value=\"audrey.claes@ocmw.example.be\""),
        "{page}"
    );
    let mine =
        |listed: Vec<(String, Value)>| listed.into_iter().find(|(n, _)| n == "audrey").unwrap().1;
    assert_eq!(mine(addresses(db)), "audrey.claes@ocmw.example.be");
    // A mistyped one is refused on a page that says what to write; the address stays.
    let (status, page) = post("audrey claes");
    assert_eq!(status, 422);
    assert!(page.contains("naam@domein.be"), "in Dutch: {page}");
    assert_eq!(mine(addresses(db)), "audrey.claes@ocmw.example.be");
    // Left empty: removed.
    assert_eq!(post("").0, 303);
    assert_eq!(mine(addresses(db)), Value::Null);
    // Without the form's token nothing changes.
    let (status, _, _) = crate::common::call(
        "POST",
        &s.url("/account/email"),
        Some(&audrey),
        Some((
            "application/x-www-form-urlencoded",
            "email=x%40ocmw.example.be",
        )),
    );
    assert_eq!(status, 403);
    assert_eq!(mine(addresses(db)), Value::Null);
}
