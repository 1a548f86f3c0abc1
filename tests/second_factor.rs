//! The second factor of local accounts through the real binary and server: with a second
//! factor required for coordinators (`[login] second_factor`), a coordinator with only a
//! password gets no session; enrolled with `traject user totp enroll`, a code made by `pyotp`
//! (an independent implementation, from pip in the tests' virtual environment) opens one, the
//! same code again or a wrong one does not, and a recovery code works once.

use crate::common;

use std::path::PathBuf;

use serde_json::{json, Value};

/// The tests' Python with `pyotp` importable.
fn python_with_pyotp(test: &str) -> Option<PathBuf> {
    common::python_with(test, "pyotp")
}

/// pyotp's codes for `secret`: the current step's, and the steps either side.
fn pyotp_codes(python: &PathBuf, secret: &str) -> (String, Vec<String>) {
    let out = std::process::Command::new(python)
        .args([
            "-c",
            "import pyotp, sys, time\n\
             t = pyotp.TOTP(sys.argv[1]); now = time.time()\n\
             print(t.at(now)); print(t.at(now - 30)); print(t.at(now + 30))",
            secret,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    (lines[0].clone(), lines)
}

fn log_in(served: &common::Served, name: &str, totp: Option<&str>) -> (u16, String, bool) {
    let mut body = json!({"username": name, "password": format!("{name}-passphrase")});
    if let Some(code) = totp {
        body["totp"] = json!(code);
    }
    let (status, text, cookie) = common::call(
        "POST",
        &served.url("/api/session"),
        None,
        Some(("application/json", &body.to_string())),
    );
    (
        status,
        text,
        cookie.is_some_and(|c| c.len() > "traject_session=".len()),
    )
}

#[test]
fn a_coordinator_needs_the_second_factor_and_each_code_opens_one_session() {
    let Some(python) = python_with_pyotp("second_factor") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    common::add_user(&db, "coord", "coordinator", None);
    common::add_user(&db, "ann", "social-worker", Some("north"));
    let config = dir.path().join("traject.toml");
    std::fs::write(&config, "[login]\nsecond_factor = [\"coordinator\"]\n").unwrap();
    let served = common::serve_on(
        db.to_str().unwrap(),
        dir,
        &["--config", config.to_str().unwrap()],
    );

    // Required and not enrolled: the password alone opens nothing.
    let (status, text, session) = log_in(&served, "coord", None);
    assert_eq!((status, session), (403, false), "{text}");
    assert!(text.contains("second factor"), "{text}");
    // Social workers are not required to have one.
    assert_eq!(log_in(&served, "ann", None).0, 200);

    let enrolled = common::traject()
        .args([
            "user",
            "totp",
            "enroll",
            "coord",
            "--db",
            db.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        enrolled.status.success(),
        "{}",
        String::from_utf8_lossy(&enrolled.stderr)
    );
    let enrolment: Value = serde_json::from_slice(&enrolled.stdout).unwrap();
    let secret = enrolment["secret"].as_str().unwrap().to_string();
    let recovery: Vec<String> = enrolment["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(recovery.len(), 10);
    assert!(enrolment["uri"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/traject:coord?secret="));

    // Enrolled: a code is needed; a wrong one fails (and counts as a failed login).
    let (status, text, session) = log_in(&served, "coord", None);
    assert_eq!((status, session), (401, false), "{text}");
    assert!(text.contains("authenticator"), "{text}");
    let (code, near) = pyotp_codes(&python, &secret);
    let wrong = (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !near.contains(c))
        .unwrap();
    assert_eq!(log_in(&served, "coord", Some(&wrong)).0, 401);
    // pyotp's code opens a session — once.
    let (status, text, session) = log_in(&served, "coord", Some(&code));
    assert_eq!((status, session), (200, true), "{text}");
    let (status, _, session) = log_in(&served, "coord", Some(&code));
    assert_eq!(
        (status, session),
        (401, false),
        "a replayed code opens nothing"
    );
    // A recovery code, once (written in lower case without its dash: it is still the code).
    let typed = recovery[3].replace('-', "").to_lowercase();
    let (status, _, session) = log_in(&served, "coord", Some(&typed));
    assert_eq!((status, session), (200, true));
    assert_eq!(
        log_in(&served, "coord", Some(&recovery[3])).0,
        401,
        "used up"
    );

    // Wrong codes are throttled like wrong passwords.
    let mut throttled = None;
    for _ in 0..12 {
        let (status, text, _) = log_in(&served, "coord", Some(&wrong));
        if status == 429 {
            throttled = Some(text);
            break;
        }
        assert_eq!(status, 401, "{text}");
    }
    let throttled = throttled.expect("wrong codes are throttled");
    assert!(throttled.contains("try again in"), "{throttled}");
    // Refused before anything is checked: a try at once waits too.
    assert_eq!(log_in(&served, "coord", Some(&recovery[0])).0, 429);

    let trail = common::traject()
        .args(["audit", "--user", "coord", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    let trail = String::from_utf8_lossy(&trail.stdout).to_string();
    assert!(trail.contains("enrol second factor"), "{trail}");
    assert!(trail.contains("log in with a recovery code"), "{trail}");
    // The secret is in no log line.
    let log = std::fs::read_to_string(&served.log).unwrap();
    assert!(!log.contains(&secret));
}

#[test]
fn enrolling_in_the_terminal_shows_a_qr_code_the_secret_and_the_recovery_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    common::add_user(&db, "coord", "coordinator", None);
    let out = common::traject()
        .args([
            "user",
            "totp",
            "enroll",
            "coord",
            "--db",
            db.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains('▀') || text.contains('▄'),
        "a QR code drawn in blocks:\n{text}"
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.trim().len() == 17 && l.trim().contains('-'))
            .count(),
        10,
        "ten recovery codes:\n{text}"
    );
    let removed = common::traject()
        .args([
            "user",
            "totp",
            "remove",
            "coord",
            "--db",
            db.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(removed.status.success());
    let unknown = common::traject()
        .args([
            "user",
            "totp",
            "enroll",
            "nobody",
            "--db",
            db.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("there is no user 'nobody'"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_sets_up_the_second_factor_on_her_page_and_logs_in_with_it_in_a_browser() {
    use crate::browser::{browser, click, screenshot, text_of, until};
    use fantoccini::Locator;
    let Some(python) = python_with_pyotp("second_factor") else {
        return;
    };
    let Some(axe_source) = crate::accessibility::axe_source() else {
        return;
    };
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    common::add_user(&db, "coord", "coordinator", None);
    let served = common::serve_on(db.to_str().unwrap(), dir, &[]);
    let type_in = |name: &'static str, value: String| {
        let c = c.clone();
        async move {
            c.find(Locator::Css(&format!("[name={name}]")))
                .await
                .unwrap()
                .send_keys(&value)
                .await
                .unwrap();
        }
    };
    c.goto(&served.url("/login?lang=en")).await.unwrap();
    type_in("username", "coord".into()).await;
    type_in("password", "coord-passphrase".into()).await;
    click(&c, "form.login button").await;
    until(&c, "the board", || async {
        c.current_url().await.unwrap().path() == "/board"
    })
    .await;
    // Her page, from her name in the header.
    click(&c, "header .user a").await;
    until(&c, "her page", || async {
        c.current_url().await.unwrap().path() == "/account"
    })
    .await;
    // Her language is the default, Dutch.
    assert!(text_of(&c, "main").await.contains("nog geen tweede factor"));
    click(&c, "main form[action='/account/second-factor'] button").await;
    until(&c, "the enrolment", || async {
        c.find(Locator::Css("img.qr")).await.is_ok()
    })
    .await;
    screenshot(&c, "second-factor-enrolled").await;
    let violations = crate::accessibility::axe(&c, &axe_source).await;
    assert!(violations.is_empty(), "{violations:#?}");
    let secret = text_of(&c, "main p code").await;
    let codes = c.find_all(Locator::Css("ul.codes code")).await.unwrap();
    assert_eq!(codes.len(), 10);
    let alt = crate::browser::attr(&c, "img.qr", "alt").await.unwrap();
    assert!(alt.contains("QR-code"), "{alt}");

    // Out, and in again: the password alone is not enough any more; with pyotp's code it is.
    click(&c, "form.logout button").await;
    until(&c, "the login page", || async {
        c.current_url().await.unwrap().path() == "/login"
    })
    .await;
    type_in("username", "coord".into()).await;
    type_in("password", "coord-passphrase".into()).await;
    click(&c, "form.login button").await;
    until(&c, "the request for a code", || async {
        // The page may be changing under the question: a vanished element is "not yet".
        let text = match c.find(Locator::Css("main")).await {
            Ok(main) => main.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        text.contains("authenticator") && c.current_url().await.unwrap().path() == "/login"
    })
    .await;
    let (code, _) = pyotp_codes(&python, &secret);
    type_in("username", "coord".into()).await;
    type_in("password", "coord-passphrase".into()).await;
    type_in("totp", code).await;
    click(&c, "form.login button").await;
    until(&c, "the board again", || async {
        c.current_url().await.unwrap().path() == "/board"
    })
    .await;
    c.close().await.unwrap();
}

#[test]
fn with_passwords_switched_off_the_login_page_offers_no_form_and_the_api_takes_none() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    common::add_user(&db, "coord", "coordinator", None);
    let config = dir.path().join("traject.toml");
    std::fs::write(&config, "[login]\npasswords = false\n").unwrap();
    let served = common::serve_on(
        db.to_str().unwrap(),
        dir,
        &["--config", config.to_str().unwrap()],
    );
    let (status, page, _) = common::call("GET", &served.url("/login?lang=en"), None, None);
    assert_eq!(status, 200);
    assert!(!page.contains("name=\"password\""), "{page}");
    let (status, text, session) = log_in(&served, "coord", None);
    assert_eq!((status, session), (403, false), "{text}");
    assert!(text.contains("takes no passwords"), "{text}");
    // No provider configured: its addresses are pages that say there is nothing there.
    let (status, page, _) = common::call("GET", &served.url("/login/oidc"), None, None);
    assert_eq!(status, 404);
    assert!(page.contains("<html"), "{page}");
}
