//! The caseload simulator: checked against Erlang C on M/M/c, reproducible by seed, fed by the
//! programme's own demand profile, with located errors for bad demand input.

use std::path::Path;

use assert_cmd::Command;
use traject_app::forecast::{self as simulate, Settings};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn traject() -> Command {
    let mut c = Command::cargo_bin("traject").unwrap();
    // Messages in English whatever the machine's locale; tests of other languages ask.
    c.env("LC_ALL", "C");
    c.current_dir(root());
    c
}

#[test]
fn simulated_mmc_matches_erlang_c_at_five_loads() {
    // (λ per month, μ per month, c): offered utilisation 0.5, 0.6, 0.7, 0.8, 0.9.
    let points = [
        (1.0, 1.0, 2),
        (3.0, 1.0, 5),
        (7.0, 1.0, 10),
        (16.0, 1.0, 20),
        (18.0, 1.0, 20),
    ];
    for (lambda, mu, c) in points {
        let s = Settings {
            months: 2400,
            runs: 400,
            seed: 1,
            limits: traject_app::Limits::COMMAND_LINE,
        };
        let r = simulate::mmc(lambda, mu, c, &s, &|_, _| {}).unwrap();
        let (wq, pw) = (
            r.erlang_c_mean_wait_days.unwrap(),
            r.erlang_c_prob_wait.unwrap(),
        );
        let rel = (r.mean_wait_days - wq).abs() / wq;
        assert!(
            rel < 0.02,
            "M/M/{c} λ={lambda}: mean wait {} vs Erlang C {wq} ({:.2}%)",
            r.mean_wait_days,
            rel * 100.0
        );
        assert!(
            (r.prob_wait - pw).abs() < 0.01,
            "M/M/{c} λ={lambda}: P(wait) {} vs {pw}",
            r.prob_wait
        );
        assert!(r.customers > 800_000, "enough customers: {}", r.customers);
    }
}

#[test]
fn same_seed_gives_identical_json_and_other_seeds_differ() {
    let run = |seed: &str| {
        traject()
            .args([
                "simulate",
                "--program",
                "antwerpen",
                "--runs",
                "200",
                "--seed",
                seed,
                "--format",
                "json",
            ])
            .output()
            .unwrap()
    };
    let (a, b, c) = (run("7"), run("7"), run("8"));
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    assert_eq!(a.stdout, b.stdout, "same seed, same bytes");
    assert_ne!(a.stdout, c.stdout, "another seed, another result");
    let j: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    for key in [
        "program",
        "version",
        "fte",
        "capacity",
        "runs",
        "months",
        "wait_days_p50",
        "wait_days_p90",
        "mean_wait_days",
        "utilisation",
        "months_over_capacity",
        "monthly",
    ] {
        assert!(j.get(key).is_some(), "missing {key}");
    }
    assert_eq!(j["program"], "antwerpen");
    assert_eq!(j["version"], "2022");
    assert_eq!(j["capacity"], 40, "2 FTE × 20 per FTE");
    assert_eq!(j["monthly"].as_array().unwrap().len(), 36);
    let m = &j["monthly"][11];
    for key in [
        "month",
        "active_p10",
        "active_p50",
        "active_p90",
        "waiting_p50",
        "waiting_p90",
    ] {
        assert!(m.get(key).is_some(), "monthly lacks {key}");
    }
    assert!(
        m["active_p90"].as_f64().unwrap() <= 40.0,
        "never above capacity"
    );
}

#[test]
fn more_staff_means_shorter_waits_and_the_solver_finds_the_threshold() {
    let p = traject_model::program::load_path(
        &root().join("programs/antwerpen.yaml"),
        &Default::default(),
    )
    .unwrap();
    let s = Settings {
        months: 36,
        runs: 300,
        seed: 3,
        limits: traject_app::Limits::COMMAND_LINE,
    };
    let two = simulate::programme(&p, Some("2022"), Some(2.0), &s, &|_, _| {}).unwrap();
    let four = simulate::programme(&p, Some("2022"), Some(4.0), &s, &|_, _| {}).unwrap();
    assert_eq!(four.summary.capacity, 80);
    assert!(four.summary.wait_days_p90 < two.summary.wait_days_p90);
    let solved = simulate::solve_fte(&p, Some("2022"), 30.0, 0.9, &s).unwrap();
    let answer = solved.fte.expect("some FTE keeps waits under 30 days");
    let at = |f: f64| solved.curve.iter().find(|c| (c.fte - f).abs() < 1e-9);
    assert!(at(answer).unwrap().meets && at(answer).unwrap().wait_days <= 30.0);
    assert!(
        !at(answer - 0.1)
            .expect("the point below the answer was tried")
            .meets
    );
    // The curve is sorted and monotone enough that every point above the answer meets it.
    assert!(solved
        .curve
        .iter()
        .filter(|c| c.fte > answer)
        .all(|c| c.meets));
}

#[test]
fn every_bundled_programme_can_be_simulated() {
    for id in ["antwerpen", "gent", "charleroi", "liege", "brussel"] {
        let out = traject()
            .args([
                "simulate",
                "--program",
                id,
                "--runs",
                "50",
                "--format",
                "csv",
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text.lines().count(), 37, "{id}: header + 36 months");
        assert!(text.starts_with(
            "month,active_p10,active_p50,active_p90,waiting_p50,waiting_p90,capacity"
        ));
    }
}

#[test]
fn html_report_is_self_contained_with_three_charts() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let out = traject()
        .args([
            "simulate",
            "--program",
            "antwerpen",
            "--runs",
            "100",
            "--html",
            html.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&html).unwrap();
    assert_eq!(text.matches("<svg").count(), 3);
    assert!(
        text.contains("<html lang=\"nl\">")
            && text.contains("capaciteit")
            && text.contains("p10–p90"),
        "the report speaks the programme's language"
    );
    assert!(
        !text.contains("<script")
            && !text.contains("src=")
            && !text.contains("href=")
            && !text.contains("url("),
        "no scripts, no external files"
    );
}

#[test]
fn bad_demand_input_gives_located_errors() {
    let original = std::fs::read_to_string(root().join("programs/antwerpen.yaml")).unwrap();
    let cases = [
        (
            "referrals_per_month: [4, 12, 19, 10, 10, 5, 5, 5, 5, 19, 5, 8]\n      # 11 of 85",
            "referrals_per_month: [4, 12, -19, 10, 10, 5, 5, 5, 5, 19, 5, 8]\n      # 11 of 85",
            "-19",
        ),
        (
            "not_started_share: 0.13\n      not_started_reasons: [no_help_request, moved_away]",
            "not_started_share: 1.3\n      not_started_reasons: [no_help_request, moved_away]",
            "1.3",
        ),
        (
            "referrals_per_month: [4, 12, 19, 10, 10, 5, 5, 5, 5, 19, 5, 8]\n      # 11 of 85",
            "referrals_per_month: [4, 12, 19, 10, 10, 5, 5, 5, 5, 19, 5]\n      # 11 of 85",
            "this list needs",
        ),
        (
            "track_mix: {short: 0.5, long: 0.5}",
            "track_mix: {short: 0.5, long: 0.6}",
            "track shares sum to 1.1, not 1",
        ),
    ];
    for (from, to, message) in cases {
        assert!(original.contains(from), "fixture text moved: {from}");
        let text = original.replacen(from, to, 1);
        let changed_line = text
            .lines()
            .position(|l| l.contains(to.lines().next().unwrap().trim()))
            .unwrap()
            + 1;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.yaml");
        std::fs::write(&f, text).unwrap();
        let out = traject()
            .args(["simulate", "--program", f.to_str().unwrap(), "--runs", "10"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        let hit = stderr.lines().find(|l| l.contains(": error: ")).unwrap();
        assert!(
            hit.contains(&format!("a.yaml:{changed_line}:")),
            "{message}: expected line {changed_line}: {hit}"
        );
        assert!(stderr.contains(message), "{message}: {stderr}");
    }
}

#[test]
fn a_simulation_past_its_deadline_stops_and_says_so_and_its_work_is_estimated_first() {
    let p = traject_model::program::load_path(
        &root().join("programs/antwerpen.yaml"),
        &Default::default(),
    )
    .unwrap();
    let s = Settings {
        months: 120,
        runs: 50,
        seed: 1,
        limits: traject_app::Limits {
            deadline: Some(std::time::Duration::ZERO),
            ..traject_app::Limits::SERVER
        },
    };
    let stopped = simulate::programme(&p, Some("2022"), None, &s, &|_, _| {});
    assert!(
        matches!(
            stopped,
            Err(traject_app::AppError::Setting(
                traject_app::SettingError::DeadlinePassed { secs: 0 }
            ))
        ),
        "{stopped:?}"
    );
    let mmc = simulate::mmc(12.0, 1.0, 15, &s, &|_, _| {});
    assert!(
        matches!(
            mmc,
            Err(traject_app::AppError::Setting(
                traject_app::SettingError::DeadlinePassed { .. }
            ))
        ),
        "{mmc:?}"
    );
    // A solver search over runs that would go past the work limit is refused before it runs.
    let big = Settings {
        months: 120,
        runs: 1000,
        seed: 1,
        limits: traject_app::Limits::SERVER,
    };
    let refused = simulate::solve_fte(&p, Some("2022"), 30.0, 0.9, &big);
    assert!(
        matches!(
            refused,
            Err(traject_app::AppError::Setting(
                traject_app::SettingError::TooMuchWork {
                    limit: 2_000_000,
                    ..
                }
            ))
        ),
        "{refused:?}"
    );
}

#[test]
fn the_command_line_names_its_flag_when_a_simulation_asks_too_much() {
    let out = traject()
        .args([
            "simulate",
            "--program",
            "antwerpen",
            "--runs",
            "1000",
            "--months",
            "120",
            "--max-work",
            "1000",
            "--format",
            "json",
        ])
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("--max-work"), "{err}");
    let out = traject()
        .args(["simulate", "--program", "antwerpen", "--fte", "1e300"])
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("--fte") && err.contains("1000"), "{err}");
}
