//! Rolling out to another OCMW, programme diff, watch mode, funding and activity reports,
//! shell completions — through the real binary.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command as Proc, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use assert_cmd::Command;

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
fn a_mortsel_rollout_validates_passes_its_copied_tests_and_judges_a_mortsel_referral() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("mortsel/mortsel.yaml");
    let out = traject()
        .args([
            "new",
            "--from",
            "antwerpen@2022",
            "--ocmw",
            "mortsel",
            "--valid-from",
            "2025-01-01",
            "--fte",
            "0.2",
            "--out",
            out_file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("het nieuwe programma is geldig"),
        "in the society language: {stdout}"
    );
    assert!(
        stdout.contains("TODO") && stdout.contains("bevestig wie het lokale deel betaalt"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert!(text.starts_with("# yaml-language-server: $schema=../schemas/program.schema.json"));
    assert!(
        text.contains("# §9 Q2: \"gevolgd hebben\""),
        "comments of the model survive"
    );
    assert!(
        !text.contains("language_minimum_2020"),
        "an option only earlier versions use is not copied"
    );
    assert!(
        text.contains("source: \"000:121\""),
        "sources of the model survive"
    );
    assert!(text.contains("id: mortsel") && text.contains("value: [mortsel]"));

    traject()
        .args(["validate", out_file.to_str().unwrap()])
        .assert()
        .code(0);
    let tests = traject()
        .args(["test", dir.path().join("mortsel").to_str().unwrap()])
        .output()
        .unwrap();
    let t = String::from_utf8_lossy(&tests.stdout);
    assert_eq!(tests.status.code(), Some(0), "{t}");
    assert!(
        t.trim_end().ends_with("passed, 0 failed") && !t.starts_with("0 passed"),
        "{t}"
    );

    // One version, in force from the roll-out with an open end, with the sections 2022
    // took from 2020 written out (the phases of individual guidance).
    let p = traject_model::program::load_path(&out_file, &Default::default()).unwrap();
    assert_eq!(
        p.spec.versions.len(),
        1,
        "a roll-out starts from one version"
    );
    let v = p.version("2025").unwrap();
    assert_eq!(
        (v.valid_from.to_string(), v.valid_to, v.based_on.as_deref()),
        ("2025-01-01".to_string(), None, None)
    );
    assert!(
        !v.phases.is_empty() && text.contains("source: \"002:317-323\""),
        "inherited sections copied with their sources"
    );
    // Capacity follows the new staffing: 0.2 FTE × 20 per FTE = 4.
    assert_eq!(v.capacity_limit(), Some(4));
    let tests_text =
        std::fs::read_to_string(dir.path().join("mortsel/tests/mortsel.yaml")).unwrap();
    assert!(
        !tests_text.contains("referral_date: 2016")
            && tests_text.contains("referral_date: 2026-01-10"),
        "only the tests of version 2022, moved 36 months"
    );

    let referral = dir.path().join("r.yaml");
    std::fs::write(&referral, "referral_date: 2025-05-01\nbirth_date: 1980-01-01\nnationality: AF\nresidence_ocmw: mortsel\nincome_support: leefloon\nin_art60: false\ncivic_orientation_completed: true\nmotivated: true\nhelp_request_fits: true\n").unwrap();
    let check = traject()
        .args([
            "check",
            "--program",
            out_file.to_str().unwrap(),
            referral.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(j["program"], "mortsel");
    assert_eq!(j["verdict"], "eligible");
    // Writing over an existing file is refused.
    traject()
        .args([
            "new",
            "--from",
            "antwerpen",
            "--ocmw",
            "mortsel",
            "--out",
            out_file.to_str().unwrap(),
        ])
        .assert()
        .code(2);
}

#[test]
fn diff_of_antwerp_and_ghent_shows_the_structural_differences() {
    let out = traject()
        .args([
            "diff",
            "programs/antwerpen.yaml",
            "programs/gent.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = j["changes"].as_array().unwrap();
    let find = |section: &str, id: &str| {
        changes
            .iter()
            .find(|c| c["section"] == section && c["id"] == id)
            .cloned()
    };
    let pathway = find("pathway", "kind").unwrap();
    assert_eq!(
        (pathway["from"].as_str(), pathway["to"].as_str()),
        (Some("parallel"), Some("bundle")),
        "Gent's non-linear module bundle"
    );
    assert_eq!(
        find("eligibility", "non_eu").unwrap()["change"],
        "removed",
        "Gent admits EU participants"
    );
    assert_eq!(find("tracks", "long").unwrap()["change"], "removed");
    assert_eq!(
        find("tracks", "short").unwrap()["change"],
        "removed",
        "Antwerp's 3/9-month tracks"
    );
    let norm = find("capacity", "caseload_per_fte").unwrap();
    assert_eq!(
        (norm["from"].as_f64(), norm["to"].is_null()),
        (Some(20.0), true),
        "Antwerp's 20-per-FTE norm"
    );
    assert_eq!(find("modules", "via").unwrap()["change"], "added");
    // Two versions of one programme: field by field, by label, with the declared reason.
    let diff_text = |lang: &str| {
        let out = traject()
            .args(["diff", "antwerpen@2020", "antwerpen@2022", "--lang", lang])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let en = diff_text("en");
    assert!(en.contains("--- antwerpen@2020"), "{en}");
    assert!(
        en.contains("accepted income: leefloon (integration income) → leefloon (integration income), equivalent leefloon"),
        "{en}"
    );
    assert!(
        en.contains("+ Has followed the civic orientation course (civic_orientation)")
            && en.contains("[source 000:27-31]"),
        "an added rule with the source its version declares:\n{en}"
    );
    assert!(!en.contains("{\""), "no JSON objects in the text:\n{en}");
    let fr = diff_text("fr");
    assert!(
        fr.contains("revenus acceptés\u{a0}: revenu d'intégration → revenu d'intégration, équivalent du revenu d'intégration"),
        "{fr}"
    );
    assert!(
        fr.contains("Conditions d'accès") && fr.contains("pourquoi\u{a0}:"),
        "{fr}"
    );
    let nl = diff_text("nl");
    assert!(
        nl.contains("aanvaard inkomen: leefloon → leefloon, equivalent leefloon"),
        "{nl}"
    );
    let out = traject()
        .args([
            "diff",
            "antwerpen@2020",
            "antwerpen@2022",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let income = j["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "income")
        .unwrap();
    assert_eq!(
        income["to"]["value"],
        serde_json::json!(["leefloon", "equivalent_leefloon"])
    );
    assert_eq!(income["declared"]["source"], "000:32");
}

fn watch_sees_break_and_repair(poll: bool) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.yaml");
    let good = std::fs::read_to_string(root().join("tests/fixtures/minimal.yaml")).unwrap();
    std::fs::write(&file, &good).unwrap();
    let mut args = vec![
        "watch".to_string(),
        dir.path().to_str().unwrap().to_string(),
    ];
    if poll {
        args.extend(["--poll".into(), "--interval-ms".into(), "100".into()]);
    }
    let mut child = Proc::new(assert_cmd::cargo::cargo_bin("traject"))
        .env("LC_ALL", "C")
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str| -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(15)) {
                Ok(line) => {
                    let hit = line.contains(needle);
                    seen.push(line);
                    if hit {
                        return seen;
                    }
                }
                Err(_) => panic!("no line with '{needle}' within 15 s; saw {seen:?}"),
            }
        }
    };
    wait_for("ok   ");
    std::thread::sleep(Duration::from_millis(300));
    // An editor's atomic save: write a temporary file, then rename it over the programme.
    let tmp = dir.path().join(".p.yaml.swp");
    std::fs::write(
        &tmp,
        good.replace("society_language: nl", "society_langauge: nl"),
    )
    .unwrap();
    std::fs::rename(&tmp, &file).unwrap();
    let seen = wait_for("keeping the last good version");
    assert!(seen.iter().any(|l| l.contains("FAIL")), "{seen:?}");
    assert!(
        seen.iter()
            .any(|l| l.contains("unknown key 'society_langauge'")),
        "{seen:?}"
    );
    std::fs::write(&file, &good).unwrap();
    let seen = wait_for("ok   ");
    // Nothing changes any more, so nothing more is checked (its own reads do not count).
    let quiet = rx.recv_timeout(Duration::from_millis(1200));
    assert!(
        quiet.is_err(),
        "the watcher keeps re-checking an unchanged file: {quiet:?}"
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen.last().unwrap().contains("p.yaml"), "{seen:?}");
}

#[test]
fn watch_reports_a_broken_save_and_its_repair() {
    watch_sees_break_and_repair(false);
}

#[test]
fn watch_with_polling_reports_a_broken_save_and_its_repair() {
    watch_sees_break_and_repair(true);
}

#[test]
fn antwerp_personnel_split_is_exactly_75_15_10_to_the_cent() {
    let out = traject()
        .args([
            "report",
            "funding",
            "--program",
            "antwerpen",
            "--from",
            "2023-01-01",
            "--to",
            "2023-12-31",
            "--cost-per-fte-month",
            "3333.33",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let personnel = j["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["category"] == "personnel")
        .unwrap();
    assert_eq!(personnel["fte"], 2.0);
    assert_eq!(personnel["months"], 12.0);
    let total = personnel["total_cents"].as_i64().unwrap();
    assert_eq!(total, 7_999_992, "2 FTE × 12 months × 3333.33");
    let cents: Vec<(String, i64)> = personnel["allocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["funder"].as_str().unwrap().to_string(),
                a["cents"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cents.iter().map(|c| c.1).sum::<i64>(),
        total,
        "shares sum to the total"
    );
    assert_eq!(
        cents,
        [
            ("amif".to_string(), 5_999_994),
            ("pod_mi".into(), 1_199_999),
            ("city".into(), 799_999)
        ]
    );
    for (c, pct) in cents.iter().zip([75.0, 15.0, 10.0]) {
        assert!(
            (c.1 as f64 - total as f64 * pct / 100.0).abs() < 1.0,
            "{c:?} is {pct}% of {total} to the cent"
        );
    }
}

#[test]
fn the_activity_report_matches_a_hand_count() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let d = db.to_str().unwrap();
    let csv = dir.path().join("r.csv");
    let mut text = String::from("id,referral_date,birth_date,nationality,residence_ocmw,income_support,in_art60,civic_orientation_completed,motivated,help_request_fits\n");
    for i in 1..=6 {
        text.push_str(&format!(
            "a{i},2023-01-{:02},1985-01-01,SY,antwerpen,leefloon,false,{},true,true\n",
            10 + i,
            if i == 6 { "false" } else { "true" }
        ));
    }
    std::fs::write(&csv, text).unwrap();
    // A referral of 2024 is another cohort; it is imported when it arrives.
    let late = dir.path().join("late.csv");
    std::fs::write(&late, "id,referral_date,birth_date,nationality,residence_ocmw,income_support,in_art60,civic_orientation_completed,motivated,help_request_fits\nlate,2024-02-01,1985-01-01,SY,antwerpen,leefloon,false,true,true,true\n").unwrap();
    let run = |args: &[&str]| {
        let out = traject().args(args).args(["--db", d]).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "case",
        "import",
        "--program",
        "antwerpen",
        csv.to_str().unwrap(),
        "--as-of",
        "2023-01-20",
    ]);
    run(&[
        "case",
        "import",
        "--program",
        "antwerpen",
        late.to_str().unwrap(),
        "--as-of",
        "2024-02-01",
    ]);
    for (id, track) in [("1", "long"), ("2", "long"), ("3", "short"), ("4", "short")] {
        run(&[
            "case",
            "start",
            id,
            "--track",
            track,
            "--as-of",
            "2023-02-01",
        ]);
    }
    run(&[
        "case",
        "evaluate",
        "1",
        "--evaluation",
        "interim",
        "--decision",
        "continue",
        "--as-of",
        "2023-06-10",
    ]);
    run(&[
        "case",
        "evaluate",
        "1",
        "--evaluation",
        "final",
        "--decision",
        "extend",
        "--extend-by",
        "3 months",
        "--as-of",
        "2023-11-01",
    ]);
    run(&[
        "case",
        "close",
        "3",
        "--destination",
        "volunteering",
        "--as-of",
        "2023-05-01",
    ]);
    run(&[
        "case",
        "close",
        "4",
        "--destination",
        "art60",
        "--as-of",
        "2023-05-02",
    ]);
    run(&[
        "case",
        "drop",
        "2",
        "--reason",
        "moved",
        "--as-of",
        "2023-04-01",
    ]);
    run(&[
        "case",
        "not-start",
        "5",
        "--reason",
        "no_help_request",
        "--as-of",
        "2023-02-01",
    ]);
    let out = traject()
        .args([
            "report",
            "activity",
            "--program",
            "antwerpen",
            "--from",
            "2023-01-01",
            "--to",
            "2023-12-31",
            "--as-of",
            "2023-12-31",
            "--db",
            d,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let figure = |name: &str| {
        let f = j["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["figure"] == name)
            .unwrap_or_else(|| panic!("no figure '{name}' in {j}"));
        (
            f["count"].as_i64().unwrap(),
            f["denominator"].as_i64().unwrap(),
        )
    };
    // By hand: six referred in 2023 (the 2024 one is another cohort); case 6 had not followed
    // civic orientation, so it is ineligible; four started; one extended; two closed (one to
    // volunteering, one to art. 60); one dropped (moved); one did not start.
    assert_eq!(figure("referred"), (6, 6));
    assert_eq!(figure("ineligible on referral"), (1, 6));
    assert_eq!(figure("started"), (4, 6));
    assert_eq!(figure("active now"), (1, 4));
    assert_eq!(figure("extended"), (1, 4));
    assert_eq!(figure("finished (closed)"), (2, 4));
    assert_eq!(figure("exit: art60"), (1, 2));
    assert_eq!(figure("exit: volunteering"), (1, 2));
    assert_eq!(figure("dropped"), (1, 6));
    assert_eq!(figure("dropped: moved"), (1, 1));
    assert_eq!(figure("not started"), (1, 6));
    assert_eq!(figure("not started: no_help_request"), (1, 1));
    // Case 1: intake form (not held), interim (held), final (held, then again after the
    // extension, due 2024-02-01 — not yet due on 2023-12-31). Case 3 and 4 closed: their open
    // evaluations are no longer due. Held 2 of the evaluations due so far.
    let (held, due) = figure("evaluations held");
    assert_eq!(held, 2);
    assert!(due >= held);
    for format in ["text", "csv", "html"] {
        traject()
            .args([
                "report",
                "activity",
                "--program",
                "antwerpen",
                "--from",
                "2023-01-01",
                "--to",
                "2023-12-31",
                "--db",
                d,
                "--format",
                format,
            ])
            .assert()
            .code(0);
    }
}

#[test]
fn completions_and_examples_in_help() {
    for shell in ["bash", "zsh", "fish"] {
        let out = traject().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout).contains("traject"));
    }
    for verb in [
        "validate",
        "show",
        "check",
        "test",
        "route",
        "simulate",
        "new",
        "diff",
        "watch",
        "due",
        "caseload",
        "schema",
        "completions",
    ] {
        let out = traject().args([verb, "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Example"),
            "`traject {verb} --help` shows no example:\n{text}"
        );
    }
    for sub in [
        ["case", "new"],
        ["case", "start"],
        ["case", "close"],
        ["report", "funding"],
        ["report", "activity"],
    ] {
        let out = traject().args([sub[0], sub[1], "--help"]).output().unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Example"),
            "{sub:?}"
        );
    }
}

#[test]
fn in_gent_amif_is_charged_only_for_the_non_eu_share_of_cases() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let d = db.to_str().unwrap();
    let csv = dir.path().join("g.csv");
    std::fs::write(
        &csv,
        "id,referral_date,birth_date,nationality,mother_tongue,residence_ocmw,income_support,education_level,in_art60,small_social_network,integration_difficulty\n\
         g1,2020-03-02,1988-01-01,RO,ro,gent,leefloon,low,false,true,true\n\
         g2,2020-03-02,1988-01-01,AF,ps,gent,leefloon,low,false,true,true\n\
         g3,2020-03-02,1988-01-01,SY,ar,gent,leefloon,low,false,true,true\n\
         g4,2020-03-02,1988-01-01,PL,pl,gent,leefloon,low,false,true,true\n",
    )
    .unwrap();
    traject()
        .args([
            "case",
            "import",
            "--db",
            d,
            "--program",
            "gent",
            csv.to_str().unwrap(),
            "--as-of",
            "2020-03-02",
        ])
        .assert()
        .success();
    for id in 1..=4 {
        traject()
            .args([
                "case",
                "start",
                &id.to_string(),
                "--db",
                d,
                "--as-of",
                "2020-03-09",
            ])
            .assert()
            .success();
    }
    // The split is not stated for Gent; with the explicit template option it is 75/15/10.
    let args = [
        "report",
        "funding",
        "--program",
        "gent",
        "--option",
        "funding_split=amif_template",
        "--from",
        "2020-01-01",
        "--to",
        "2020-12-31",
        "--cost-per-fte-month",
        "4000",
        "--format",
        "json",
    ];
    let without = traject().args(args).output().unwrap();
    let with = traject().args(args).args(["--db", d]).output().unwrap();
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&without.stdout).unwrap(),
        serde_json::from_slice(&with.stdout).unwrap(),
    );
    let amif = |j: &serde_json::Value| {
        j["totals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t[0] == "amif")
            .unwrap()[1]
            .as_i64()
            .unwrap()
    };
    assert_eq!(
        b["fundable"][0],
        serde_json::json!({"funder": "amif", "fundable": 2, "cases": 4})
    );
    assert_eq!(
        amif(&b) * 2,
        amif(&a),
        "two of four cases are non-EU: half of AMIF's share is chargeable"
    );
    assert_eq!(
        b["unallocated_cents"].as_i64().unwrap(),
        amif(&a) - amif(&b),
        "the rest is reported, not lost"
    );
}
