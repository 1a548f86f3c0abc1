//! Judging a referral again after it became a case, through the real binary and the real
//! server: a worker records what the motivation talk showed (`case assess`, the case file's
//! form), a fact written wrongly is corrected with a reason (`case correct`); the verdict is
//! judged again under the case's version and the history says which rules changed — without
//! the values, which live in the referral and go with its erasure.

use std::path::Path;

use crate::common::{call, serve, traject};

/// An Antwerp 2022 referral whose two assessed criteria (motivation, the fit with the help
/// request) were left open at referral.
const OPEN: &str = r#"{"id": "ASSESS-1", "referral_date": "2023-01-10", "birth_date": "1990-05-01", "nationality": "SY", "residence_ocmw": "antwerpen", "income_support": "leefloon", "in_art60": false, "civic_orientation_completed": true, "language_level": "1.2", "mobile": true}"#;

fn run(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = traject()
        .args(args)
        .args(["--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn the_command_line_records_an_assessment_and_a_correction_and_judges_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let referral = dir.path().join("r.json");
    std::fs::write(&referral, OPEN).unwrap();
    let r = referral.to_str().unwrap();
    let (code, out, err) = run(
        &db,
        &[
            "case",
            "new",
            "--program",
            "antwerpen",
            r,
            "--as-of",
            "2023-01-10",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "1");

    // Motivation alone leaves the fit with the help request open.
    let (code, out, err) = run(
        &db,
        &[
            "case",
            "assess",
            "1",
            "--fact",
            "motivated=ja",
            "--as-of",
            "2023-01-17",
            "--lang",
            "nl",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("oordeel ervoor: beoordeling nodig; oordeel: beoordeling nodig")
            && out.contains("Gemotiveerd om deel te nemen (onbekend → voldaan)"),
        "{out}"
    );
    let (code, out, err) = run(
        &db,
        &[
            "case",
            "assess",
            "1",
            "--fact",
            "help_request_fits=oui",
            "--as-of",
            "2023-01-17",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verdict_before"], "needs_assessment");
    assert_eq!(v["verdict"], "eligible");
    assert_eq!(v["rules"][0]["rule"], "help_request_fits");
    assert_eq!(
        (&v["rules"][0]["from"], &v["rules"][0]["to"]),
        (&"unknown".into(), &"pass".into())
    );

    // A fact a hard rule checks is not assessed; its correction needs a reason.
    let (code, _, err) = run(
        &db,
        &[
            "case",
            "assess",
            "1",
            "--fact",
            "birth_date=01/01/2010",
            "--as-of",
            "2023-01-18",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("no assessed rule of version 2022 reads 'Birth date'"),
        "{err}"
    );
    assert!(err.contains("`case correct`"), "{err}");
    let (code, _, err) = run(
        &db,
        &[
            "case",
            "correct",
            "1",
            "--fact",
            "birth_date=01/01/2010",
            "--as-of",
            "2023-01-18",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("needs a reason"), "{err}");
    let (code, _, err) = run(
        &db,
        &[
            "case",
            "correct",
            "1",
            "--fact",
            "birth_date=31/02/2010",
            "--reason",
            "typing error",
            "--as-of",
            "2023-01-18",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("'Birth date'") && err.contains("31/02/2010"),
        "{err}"
    );
    let (code, out, err) = run(
        &db,
        &[
            "case",
            "correct",
            "1",
            "--fact",
            "birth_date=01/01/2010",
            "--reason",
            "typing error in the form",
            "--as-of",
            "2023-01-18",
            "--lang",
            "fr",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("verdict\u{a0}: non admissible"), "{out}");
    let (code, _, err) = run(&db, &["case", "start", "1", "--as-of", "2023-01-19"]);
    assert_eq!(code, 1);
    assert!(err.contains("judged ineligible"), "{err}");

    // The history names the facts, not their values; the reason goes with an erasure.
    let (_, history, _) = run(&db, &["case", "history", "1", "--format", "json"]);
    assert!(
        !history.contains("2010-01-01") && !history.contains("01/01/2010"),
        "{history}"
    );
    assert!(history.contains("\"corrected\"") && history.contains("typing error in the form"));
    let (code, _, err) = run(
        &db,
        &[
            "case",
            "erase",
            "1",
            "--reason",
            "request under GDPR art. 17",
            "--as-of",
            "2023-01-20",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (_, history, _) = run(&db, &["case", "history", "1", "--format", "json"]);
    assert!(!history.contains("typing error in the form"), "{history}");
    assert!(
        history.contains("\"verdict_before\""),
        "the judgements stay"
    );
    let (code, _, err) = run(
        &db,
        &[
            "case",
            "assess",
            "1",
            "--fact",
            "motivated=yes",
            "--as-of",
            "2023-01-21",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("is closed") || err.contains("erased"), "{err}");
}

/// The session's CSRF token on a case file.
fn token(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the case file carries a token")
        .to_string()
}

#[test]
fn the_case_file_records_an_assessment_and_only_those_who_change_cases_may() {
    let s = serve();
    let (ann, audrey) = (s.login("ann"), s.login("audrey"));
    let id = s.create(&ann, OPEN);
    let page_of = |cookie: &str| call("GET", &s.url(&format!("/cases/{id}")), Some(cookie), None);
    let (_, page, _) = page_of(&ann);
    assert!(
        page.contains(&format!("action=\"/cases/{id}/assess\""))
            && page.contains("name=\"fact.motivated\"")
            && page.contains("name=\"fact.help_request_fits\"")
            && page.contains("data-verdict=\"needs_assessment\""),
        "{page}"
    );
    assert!(
        !page.contains("name=\"fact.birth_date\""),
        "a hard fact is not assessed"
    );
    let csrf = token(&page);
    let post = |cookie: &str, body: &str| {
        call(
            "POST",
            &s.url(&format!("/cases/{id}/assess")),
            Some(cookie),
            Some(("application/x-www-form-urlencoded", body)),
        )
    };
    // An auditor sees figures, never acts on a person.
    let (status, page, _) = post(&audrey, &format!("csrf={csrf}&fact.motivated=yes"));
    assert!(
        status == 403 && page.starts_with("<!DOCTYPE html>"),
        "{status} {page}"
    );
    // A forged form is refused.
    let (status, _, _) = post(&ann, "csrf=forged&fact.motivated=yes");
    assert_eq!(status, 403);
    // Nothing answered: said on the case file.
    let (status, page, _) = post(&ann, &format!("csrf={csrf}&fact.motivated="));
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("at least one fact") || page.contains("minstens één gegeven"),
        "{page}"
    );
    let (status, page, _) = post(
        &ann,
        &format!("csrf={csrf}&fact.motivated=yes&fact.help_request_fits=yes"),
    );
    // Done: redirected to the case file (the test client follows without the cookie).
    assert_eq!(status, 200, "{page}");
    assert!(!page.contains("class=\"problem\""), "{page}");
    let (_, page, _) = page_of(&ann);
    assert!(page.contains("data-verdict=\"eligible\""), "{page}");
    assert!(
        page.contains("beoordeling vastgelegd") && page.contains("Gemotiveerd om deel te nemen"),
        "the history says what was assessed: {page}"
    );
    // The case now starts.
    let (status, v) = s.post(
        &ann,
        &format!("/api/cases/{id}/start"),
        &serde_json::json!({"track": "long"}),
    );
    assert_eq!(status, 200, "{v}");
}
