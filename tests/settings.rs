//! The service's settings file through the real binary: `config check` locates every problem
//! (line and column, or the variable) with the closest name, in Dutch, French and English;
//! `serve --config` takes the file's settings, a flag wins over the file; the time zone decides
//! what today is for a command.

use assert_cmd::assert::OutputAssertExt;
use serde_json::json;

use crate::common::{serve_with, traject, Served};

#[test]
fn config_check_locates_each_problem_with_the_closest_name_in_the_readers_language() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("traject.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:8080\"\nlisen = \"0.0.0.0:80\"\n[log]\nlevel = \"loud\"\n\
         [limits]\nsimulated_work = \"many\"\n",
    )
    .unwrap();
    let shown = file.to_str().unwrap();
    let out = traject()
        .args(["config", "check", shown])
        .env("TRAJECT_TIME_ZONE", "Europe/Brusel")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            format!("{shown}:2:1: error: unknown setting 'lisen' — did you mean 'listen'?"),
            format!("{shown}:4:9: error: 'log.level' takes one of: error, warn, info, debug"),
            format!("{shown}:6:18: error: 'limits.simulated_work' takes a whole number from 1000 to 1000000000"),
            "environment variable TRAJECT_TIME_ZONE: error: 'time_zone' takes a time zone of the IANA database, such as \"Europe/Brussels\" — did you mean 'Europe/Brussels'?".to_string(),
        ]
    );
    for (lang, words) in [
        ("nl", "onbekende instelling 'lisen' — bedoelt u 'listen'?"),
        (
            "fr",
            "paramètre inconnu «\u{a0}lisen\u{a0}» — vouliez-vous dire «\u{a0}listen\u{a0}»\u{a0}?",
        ),
    ] {
        let out = traject()
            .args(["config", "check", shown, "--lang", lang])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stderr).unwrap();
        assert!(text.contains(words), "{lang}: {text}");
    }
    // A bad file stops `serve` before it listens, with the same lines.
    let out = traject()
        .args(["serve", "--config", shown, "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains(":2:1: error: unknown setting"));
}

/// The status `/metrics` answers with this bearer token.
fn metrics_status(s: &Served, token: &str) -> u16 {
    let answer = ureq::get(&s.url("/metrics"))
        .set("Authorization", &format!("Bearer {token}"))
        .call();
    crate::common::answer_of(answer).0
}

#[test]
fn serve_takes_the_files_settings_and_a_flag_wins_over_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("traject.toml");
    std::fs::write(
        &file,
        "metrics_token = \"token-from-the-file\"\ntime_zone = \"Europe/Brussels\"\n\
         [limits]\nsimulated_work = 1000\n",
    )
    .unwrap();
    let config = file.to_str().unwrap();
    let s = serve_with(&["--config", config]);
    assert_eq!(metrics_status(&s, "token-from-the-file"), 200);
    // The file's work limit holds: a forecast of 200 runs is refused, naming the limit.
    let coord = s.login("coord");
    let (status, body) = s.post(
        &coord,
        "/api/simulate",
        &json!({"program": "antwerpen", "runs": 200}),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("1000"), "{body}");

    let flagged = serve_with(&["--config", config, "--metrics-token", "token-from-the-flag"]);
    assert_eq!(metrics_status(&flagged, "token-from-the-flag"), 200);
    assert_eq!(metrics_status(&flagged, "token-from-the-file"), 401);
}

#[test]
fn the_time_zone_decides_what_today_is_for_a_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let db = db.to_str().unwrap();
    let referral = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/referrals/antwerpen.yaml"
    );
    let config = dir.path().join("traject.toml");
    // Kiritimati (UTC+14) and Niue (UTC−11) are never on the same day: one case made in
    // each zone is dated a day or two apart. The second comes from the file, not the variable.
    std::fs::write(&config, "time_zone = \"Pacific/Niue\"\n").unwrap();
    traject()
        .args([
            "case",
            "new",
            "--program",
            "antwerpen",
            referral,
            "--db",
            db,
        ])
        .env("TRAJECT_TIME_ZONE", "Pacific/Kiritimati")
        .assert()
        .success();
    traject()
        .args([
            "case",
            "new",
            "--program",
            "antwerpen",
            referral,
            "--db",
            db,
        ])
        .args(["--config", config.to_str().unwrap()])
        .assert()
        .success();
    let out = traject()
        .args(["case", "list", "--db", db, "--format", "json"])
        .output()
        .unwrap();
    let cases: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let day = |i: usize| {
        chrono::NaiveDate::parse_from_str(cases[i]["updated_on"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap()
    };
    let apart = (day(0) - day(1)).num_days();
    assert!((1..=2).contains(&apart), "{} {}", day(0), day(1));
}
