//! Eligibility through the real binary: explanations in three languages (snapshots), the JSON
//! shape, malformed referrals with located errors, CSV batches that go on past bad rows, and
//! the programme tests in YAML.

use std::path::Path;

use assert_cmd::Command;

const PROGRAMS: [(&str, &str); 5] = [
    ("antwerpen", "antwerpen.yaml"),
    ("gent", "gent.yaml"),
    ("charleroi", "charleroi.yaml"),
    ("liege", "liege.json"),
    ("brussel", "brussel.yaml"),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn traject() -> Command {
    let mut c = Command::cargo_bin("traject").expect("binary builds");
    // Messages in English whatever the machine's locale; tests of other languages ask.
    c.env("LC_ALL", "C");
    c.current_dir(root());
    c
}

/// Compare with tests/snapshots/NAME; TRAJECT_UPDATE_SNAPSHOTS=1 rewrites them (review the diff!).
fn snapshot(name: &str, actual: &str) {
    let path = root().join("tests/snapshots").join(name);
    if std::env::var_os("TRAJECT_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing snapshot {name}; run with TRAJECT_UPDATE_SNAPSHOTS=1"));
    assert_eq!(actual, expected, "snapshot {name} differs");
}

#[test]
fn explanations_in_three_languages_match_the_reviewed_snapshots() {
    for (id, referral) in PROGRAMS {
        for lang in ["nl", "fr", "en"] {
            let out = traject()
                .args([
                    "check",
                    "--program",
                    id,
                    &format!("tests/fixtures/referrals/{referral}"),
                    "--lang",
                    lang,
                ])
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{id} {lang}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            snapshot(
                &format!("check_{id}_{lang}.txt"),
                &String::from_utf8_lossy(&out.stdout),
            );
        }
    }
}

#[test]
fn json_names_every_rule_with_outcome_value_source_and_line() {
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "tests/fixtures/referrals/antwerpen.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["program"], "antwerpen");
    assert_eq!(j["version"], "2022");
    assert_eq!(j["verdict"], "needs_assessment");
    assert_eq!(j["funding"], serde_json::json!(["amif", "pod_mi", "city"]));
    let rules = j["rules"].as_array().unwrap();
    let civic = rules
        .iter()
        .find(|r| r["id"] == "civic_orientation")
        .unwrap();
    assert_eq!(civic["mode"], "hard");
    assert_eq!(civic["outcome"], "pass");
    assert_eq!(civic["value"], "true");
    assert_eq!(civic["source"], "000:31");
    // The line the rule is written on in the programme file.
    let line: usize = civic["at"]
        .as_str()
        .unwrap()
        .strip_prefix("programs/antwerpen.yaml:")
        .unwrap()
        .parse()
        .unwrap();
    let text = std::fs::read_to_string(root().join("programs/antwerpen.yaml")).unwrap();
    assert!(text
        .lines()
        .nth(line - 1)
        .unwrap()
        .contains("id: civic_orientation"));
    let fits = rules
        .iter()
        .find(|r| r["id"] == "help_request_fits")
        .unwrap();
    assert_eq!(
        (
            fits["mode"].as_str(),
            fits["outcome"].as_str(),
            fits["value"].is_null()
        ),
        (Some("assessed"), Some("unknown"), true)
    );
}

#[test]
fn a_date_outside_every_version_names_the_nearest_one() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("r.yaml");
    std::fs::write(&f, "referral_date: 2014-05-01\nbirth_date: 1990-01-01\n").unwrap();
    let out = traject()
        .args(["check", "--program", "antwerpen", f.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("r.yaml:1:16: error: no version of 'antwerpen' is in force on 2014-05-01; the nearest is version '2016' (2015-10-01 to 2019-12-31)"), "{err}");
}

#[test]
fn malformed_referrals_give_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "referral_date: 2023-02-30\n",
            "1:16",
            "'2023-02-30' is not a real date",
        ),
        (
            "referral_date: 2023-01-10\nnationality: Syria\n",
            "2:14",
            "'Syria' is not an ISO 3166-1 alpha-2 country code",
        ),
        (
            "referral_date: 2023-01-10\nin_art60: maybe\n",
            "2:11",
            "'maybe' is not yes/no",
        ),
        (
            "referral_date: 2023-01-10\nnationalty: SY\n",
            "2:1",
            "unknown referral field 'nationalty' (did you mean 'nationality'?)",
        ),
        (
            "referral_date: 2023-01-10\nlanguage_level: 1.2\n",
            "2:17",
            "language level 1.2 must be written in quotes",
        ),
        (
            "referral_date: 2023-01-10\nresidence_status: refugie reconu\n",
            "2:19",
            "'refugie reconu' is not one of: recognised_refugee, subsidiary_protection, family_reunification, trafficking_victim, other (did you mean 'recognised_refugee'?)",
        ),
        (
            "referral_date: 2023-01-10\ngender: q\n",
            "2:9",
            "'q' is not one of: female, male, x",
        ),
        (
            "birth_date: 1990-01-01\n",
            "1:1",
            "missing field 'referral_date'",
        ),
        (
            "referral_date: 2023-01-10\nbirth_date: 2024-01-01\n",
            "2:13",
            "birth_date 2024-01-01 is after referral_date 2023-01-10",
        ),
        (
            "referral_date: [2023]\n",
            "1:16",
            "'referral_date' has the wrong type",
        ),
        ("- not a mapping\n", "1:1", "a referral is a mapping"),
    ];
    for (i, (text, at, message)) in cases.iter().enumerate() {
        let f = dir.path().join(format!("r{i}.yaml"));
        std::fs::write(&f, text).unwrap();
        let out = traject()
            .args(["check", "--program", "antwerpen", f.to_str().unwrap()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{text}: {err}");
        let expected = format!("r{i}.yaml:{at}: error: ");
        let line = err
            .lines()
            .find(|l| l.contains(&expected))
            .unwrap_or_else(|| panic!("{text}: no error at {at}:\n{err}"));
        assert!(
            line.contains(message),
            "{text}: expected '{message}' in {line}"
        );
    }
}

#[test]
fn csv_batches_go_on_past_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("batch.csv");
    std::fs::write(
        &csv,
        "id,referral_date,birth_date,nationality,residence_ocmw,income_support,in_art60,civic_orientation_completed,motivated,help_request_fits,contact_languages\n\
         a1,2023-01-10,1990-01-01,SY,antwerpen,leefloon,false,true,true,true,ar;en\n\
         a2,2023-02-30,1990-01-01,SY,antwerpen,leefloon,false,true,true,true,ar\n\
         a3,2023-01-10,1990-01-01,Syria,antwerpen,leefloon,false,true,true,true,\n\
         a4,2023-01-10,1990-01-01,RO,antwerpen,leefloon,false,true,true,true,\n\
         a5,2023-01-10,1990-01-01,AF,antwerpen,leefloon,false,true,,true,\n\
         a6,2023-01-10,1990-01-01,AF\n",
    )
    .unwrap();
    let out_file = dir.path().join("results.csv");
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "--csv",
            csv.to_str().unwrap(),
            "--out",
            out_file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "bad rows make the exit code 1: {err}"
    );
    assert!(
        err.contains(
            "batch.csv:3:2: error: column 'referral_date': '2023-02-30' is not a real date"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "batch.csv:4:4: error: column 'nationality': 'Syria' is not an ISO 3166-1 alpha-2"
        ),
        "{err}"
    );
    assert!(
        err.contains("batch.csv:7:5: error: row has 4 fields but the header has 11 columns"),
        "{err}"
    );
    assert!(
        err.contains("6 rows: 1 eligible, 1 ineligible, 1 needs_assessment, 3 with errors"),
        "{err}"
    );
    let results = std::fs::read_to_string(&out_file).unwrap();
    let rows: Vec<&str> = results.lines().collect();
    assert_eq!(
        rows.len(),
        7,
        "one output row per input row plus header:\n{results}"
    );
    assert_eq!(
        rows[0],
        "row,id,version,verdict,failed,unknown,assess,funding,error"
    );
    assert_eq!(rows[1], "1,a1,2022,eligible,,,,amif;pod_mi;city,");
    assert!(
        rows[2].starts_with("2,a2,,error,"),
        "an error row keeps its id: {}",
        rows[2]
    );
    assert_eq!(rows[4], "4,a4,2022,ineligible,non_eu,,,pod_mi;city,");
    assert_eq!(
        rows[5],
        "5,a5,2022,needs_assessment,,,motivated,amif;pod_mi;city,"
    );
}

#[test]
fn csv_header_problems_are_located_and_stop_before_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, "id,birth_date,nationalty\nx,1990-01-01,SY\n").unwrap();
    let out_file = dir.path().join("out.csv");
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "--csv",
            csv.to_str().unwrap(),
            "--out",
            out_file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains(
            "bad.csv:1:3: error: unknown column 'nationalty' (did you mean 'nationality'?)"
        ),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:1:1: error: missing column 'referral_date'"),
        "{err}"
    );
    assert!(!out_file.exists(), "no partial output file");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left behind"
    );
}

#[test]
fn a_stray_quote_is_reported_on_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("quote.csv");
    std::fs::write(
        &csv,
        "id,referral_date,nationality\nq1,2023-01-10,SY\nq2,\"2023-01-10,SY\nq3,2023-01-10,AF\n",
    )
    .unwrap();
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "--csv",
            csv.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("quote.csv:3:"), "{err}");
    assert!(
        err.contains("unclosed quote"),
        "the hint names the likely cause: {err}"
    );
    assert!(
        stdout.lines().nth(1).unwrap().starts_with("1,q1,2022,"),
        "{stdout}"
    );
}

#[test]
fn programme_tests_pass_and_cargo_test_runs_them() {
    let out = traject().args(["test", "programs/"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let last = stdout.lines().last().unwrap();
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 50, "{last}");
    assert!(last.ends_with("passed, 0 failed"));
    // At least ten tests per programme, each citing its seed line.
    for (id, _) in PROGRAMS {
        let n = stdout
            .lines()
            .filter(|l| l.starts_with(&format!("ok   programs/tests/{id}.yaml:")))
            .count();
        assert!(n >= 10, "{id}: {n} tests");
    }
}

#[test]
fn a_failing_programme_test_shows_the_difference_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("wrong.yaml");
    std::fs::write(
        &t,
        "program: antwerpen\ntests:\n  - name: wrong on purpose\n    source: \"000:31\"\n    referral: {referral_date: 2023-01-10, birth_date: 1990-01-01, civic_orientation_completed: false}\n    expect: {verdict: eligible, rules: {civic_orientation: pass, age: pass, nope: pass}}\n",
    )
    .unwrap();
    let out = traject()
        .args(["test", t.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL"), "{stdout}");
    assert!(
        stdout.contains("verdict: expected eligible, got ineligible"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rule civic_orientation: expected pass, got fail"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rule nope: expected pass, but version 2022 has no such rule"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("rule age:"),
        "matching rules are not reported: {stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("0 passed, 1 failed"),
        "{stdout}"
    );
}

#[test]
fn a_bad_test_file_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("bad.yaml");
    std::fs::write(&t, "program: antwerpen\ntests:\n  - name: x\n    referal: {referral_date: 2023-01-10}\n    expect: {verdict: eligible}\n").unwrap();
    let out = traject()
        .args(["test", t.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("bad.yaml:4:5: error: unknown key 'referal' (did you mean 'referral'?)"),
        "{stdout}"
    );
    assert!(stdout.contains("missing key 'source'"), "{stdout}");
}

#[test]
fn referral_schema_lists_exactly_the_referral_fields() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/referral.schema.json")).unwrap(),
    )
    .unwrap();
    let mut in_schema: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut in_code: Vec<&str> = traject_model::referral::FIELDS
        .iter()
        .map(|(n, _)| *n)
        .collect();
    in_schema.sort_unstable();
    in_code.sort_unstable();
    assert_eq!(in_schema, in_code);
    assert_eq!(schema["required"], serde_json::json!(["referral_date"]));
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn programme_summaries_in_three_languages_match_the_reviewed_snapshots() {
    for (id, _) in PROGRAMS {
        for lang in ["nl", "fr", "en"] {
            let out = traject()
                .args(["show", id, "--lang", lang])
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{id} {lang}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            snapshot(
                &format!("show_{id}_{lang}.txt"),
                &String::from_utf8_lossy(&out.stdout),
            );
        }
    }
}

/// What a Dutch or French explanation must not show: English mode markers, the inference
/// marker, `field=value` pairs, or a code with an underscore (a field, rule or value id).
fn codes_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in [
        "(soft)",
        "(assessed)",
        "(priority)",
        "(assess)",
        "(inference)",
        "(assumption)",
    ] {
        if text.contains(marker) {
            found.push(marker.to_string());
        }
    }
    for word in text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '[' | ']' | '·'))
    {
        if word.contains('=') || word.chars().filter(|c| *c == '_').count() > 0 {
            found.push(word.to_string());
        }
    }
    found
}

#[test]
fn every_programme_tests_referral_is_explained_in_dutch_and_french_words_without_codes() {
    let dir = tempfile::tempdir().unwrap();
    let mut wrong = Vec::new();
    let mut explained = 0;
    for id in ["antwerpen", "gent", "charleroi", "liege", "brussel"] {
        let file = format!("programs/tests/{id}.yaml");
        let text = std::fs::read_to_string(root().join(&file)).unwrap();
        let doc = traject_model::yaml::parse(&file, &text).unwrap();
        let tests = doc.value["tests"].as_array().unwrap();
        for (i, t) in tests.iter().enumerate() {
            let Some(referral) = t.get("referral") else {
                continue;
            };
            let path = dir.path().join(format!("{id}-{i}.json"));
            std::fs::write(&path, referral.to_string()).unwrap();
            let options: Vec<String> = t
                .get("options")
                .and_then(|o| o.as_object())
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                        .collect()
                })
                .unwrap_or_default();
            for lang in ["nl", "fr"] {
                let mut args = vec![
                    "check",
                    "--program",
                    id,
                    path.to_str().unwrap(),
                    "--lang",
                    lang,
                ];
                for o in &options {
                    args.extend(["--option", o.as_str()]);
                }
                let out = traject().args(&args).output().unwrap();
                let shown = String::from_utf8_lossy(&out.stdout);
                assert!(
                    !shown.is_empty(),
                    "{id} test {i}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                explained += 1;
                let codes = codes_in(&shown);
                if !codes.is_empty() {
                    wrong.push(format!("{file} test {i} [{lang}]: {codes:?}"));
                }
            }
        }
    }
    assert!(explained > 150, "{explained} explanations");
    assert!(
        wrong.is_empty(),
        "codes where people read:\n{}",
        wrong.join("\n")
    );
}

/// `traject check` of one JSON referral: (stdout, success).
fn check_referral(
    dir: &Path,
    program: &str,
    referral: &serde_json::Value,
    args: &[&str],
) -> String {
    let path = dir.join(format!("{program}-{}.json", args.join("-")));
    std::fs::write(&path, referral.to_string()).unwrap();
    let out = traject()
        .args(["check", "--program", program, path.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_client_of_a_neighbouring_cpas_is_refused_by_the_rule_on_the_cpas_and_told_so() {
    let dir = tempfile::tempdir().unwrap();
    // (programme, the client's own OCMW, the programme's OCMW in nl/fr/en, a referral day)
    let cases = [
        (
            "brussel",
            "schaerbeek",
            ["Brussel", "Bruxelles", "Brussels"],
            "2020-11-02",
        ),
        ("gent", "merelbeke", ["Gent", "Gand", "Ghent"], "2020-05-04"),
        ("liege", "seraing", ["Luik", "Liège", "Liège"], "2020-03-02"),
        (
            "charleroi",
            "chatelet",
            ["Charleroi", "Charleroi", "Charleroi"],
            "2020-03-02",
        ),
    ];
    for (program, ocmw, names, day) in cases {
        let referral = serde_json::json!({
            "referral_date": day, "birth_date": "1990-01-01", "nationality": "SY",
            "residence_status": "recognised_refugee", "residence_ocmw": ocmw,
            "income_support": "leefloon", "in_art60": false, "mother_tongue": "ar"});
        for (i, lang) in ["nl", "fr", "en"].into_iter().enumerate() {
            let json: serde_json::Value = serde_json::from_str(&check_referral(
                dir.path(),
                program,
                &referral,
                &["--lang", lang, "--format", "json"],
            ))
            .unwrap();
            assert_eq!(json["verdict"], "ineligible", "{program} {ocmw}: {json}");
            let rules = json["rules"].as_array().unwrap();
            let residence = rules.iter().find(|r| r["id"] == "residence").unwrap();
            let label = residence["label"].as_str().unwrap();
            assert_eq!(residence["outcome"], "fail", "{program}: {residence}");
            assert!(
                label.contains(names[i]) && (label.contains("OCMW") || label.contains("CPAS")),
                "{program} [{lang}]: the rule on the client's CPAS says so: {label}"
            );
            for r in rules.iter().filter(|r| r["id"] == "income") {
                let income = r["label"].as_str().unwrap();
                assert!(!income.contains(names[i]), "{program} [{lang}]: {income}");
            }
        }
    }
}

#[test]
fn an_exception_that_lets_a_client_pass_is_named_with_its_words_and_source() {
    let dir = tempfile::tempdir().unwrap();
    let referral = serde_json::json!({
        "referral_date": "2021-02-01", "birth_date": "1995-01-01", "nationality": "NG",
        "residence_status": "trafficking_victim", "residence_ocmw": "antwerpen",
        "income_support": "leefloon", "in_art60": false, "small_social_network": true,
        "integration_difficulty": true, "motivated": true, "help_request_fits": true});
    let json: serde_json::Value = serde_json::from_str(&check_referral(
        dir.path(),
        "antwerpen",
        &referral,
        &["--lang", "fr", "--format", "json"],
    ))
    .unwrap();
    let status = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "status")
        .unwrap();
    assert_eq!(status["outcome"], "pass");
    assert_eq!(status["exception"]["source"], "002:263", "{status}");
    assert_eq!(
        status["exception"]["label"],
        "Regroupement familial ou victime de la traite : peut toujours entrer"
    );
    let text = check_referral(dir.path(), "antwerpen", &referral, &["--lang", "nl"]);
    assert!(
        text.contains("geslaagd via uitzondering: Gezinshereniging of slachtoffer mensenhandel: kan steeds instappen (bron 002:263)"),
        "{text}"
    );
}

/// A Ghent trajectory whose last step expects `expect` (YAML flow), run by `traject test`:
/// (exit code, output).
fn ghent_trajectory_expecting(dir: &Path, expect: &str) -> (Option<i32>, String) {
    let t = dir.join("expect.yaml");
    let text = format!(
        "program: gent\ntrajectories:\n  - name: expectations\n    source: \"003:609\"\n    steps:\n      - {{on: 2020-03-02, new: v, referral: {{referral_date: 2020-03-02, birth_date: 1988-01-01, nationality: AF, mother_tongue: ps, residence_ocmw: gent, income_support: leefloon, education_level: low, in_art60: false, small_social_network: true, integration_difficulty: true}}}}\n      - {{on: 2020-03-09, start: v}}\n      - {{on: 2020-06-01, evaluate: v, evaluation: screening_result, decision: enrol}}\n      - {{on: 2020-06-08, enrol: v, module: via, group: via-2020-06}}\n      - {{on: 2020-09-08, expect: {{case: v, {expect}}}}}\n"
    );
    std::fs::write(&t, text).unwrap();
    let out = traject()
        .args(["test", t.to_str().unwrap()])
        .output()
        .unwrap();
    let shown =
        String::from_utf8_lossy(&out.stdout).into_owned() + &*String::from_utf8_lossy(&out.stderr);
    (out.status.code(), shown)
}

#[test]
fn trajectory_expectations_on_a_cases_track_version_module_group_due_moments_and_capacity() {
    let dir = tempfile::tempdir().unwrap();
    // Each expectation, right and then wrong: the wrong one fails and says what it got.
    let cases = [
        (
            "version: \"2020\"",
            "version: \"2021\"",
            "version expected 2021, got 2020",
        ),
        ("module: via", "module: mi", "module expected mi, got via"),
        (
            "group: via-2020-06",
            "group: via-2020-07",
            "group expected via-2020-07, got via-2020-06",
        ),
        (
            "due_includes: [{evaluation: via_advice}]",
            "due_includes: [{evaluation: final}]",
            "expected to include final",
        ),
        (
            "due_excludes: [{evaluation: final}]",
            "due_excludes: [{evaluation: via_advice, from: 2020-09-08}]",
            "expected not to include via_advice 2020-09-08",
        ),
        (
            "active: 1",
            "active: 2",
            "active on 2020-09-08 expected 2, got 1",
        ),
        (
            "capacity: 0",
            "capacity: 10",
            "capacity on 2020-09-08 expected 10, got none",
        ),
        (
            "state: active",
            "exit: economic_activation",
            "exit expected economic_activation, got nothing",
        ),
        (
            "verdict: eligible",
            "verdict: needs_assessment",
            "verdict expected needs_assessment, got eligible",
        ),
    ];
    for (right, wrong, said) in cases {
        let (code, shown) = ghent_trajectory_expecting(dir.path(), right);
        if right.starts_with("capacity") {
            // Ghent states no caseload norm: there is no capacity to expect.
            assert_eq!(code, Some(1), "{shown}");
            assert!(
                shown.contains("capacity on 2020-09-08 expected 0, got none"),
                "{shown}"
            );
        } else {
            assert_eq!(code, Some(0), "{right}: {shown}");
        }
        let (code, shown) = ghent_trajectory_expecting(dir.path(), wrong);
        assert_eq!(code, Some(1), "{wrong}: {shown}");
        assert!(shown.contains(said), "{wrong}: {shown}");
    }
    // An expectation the runner does not know is refused, naming the step's place.
    let (code, shown) = ghent_trajectory_expecting(dir.path(), "trak: via");
    assert_ne!(code, Some(0));
    assert!(
        shown.contains("expect.yaml:10:") && shown.contains("did you mean 'track'"),
        "{shown}"
    );
    // A track expectation; Ghent has no tracks, so the case has none (`null`).
    let (code, shown) = ghent_trajectory_expecting(dir.path(), "track: nope");
    assert_eq!(code, Some(1), "{shown}");
    assert!(
        shown.contains("track expected nope, got nothing"),
        "{shown}"
    );
    let (code, shown) = ghent_trajectory_expecting(dir.path(), "track: null, exit: null");
    assert_eq!(code, Some(0), "{shown}");
}
