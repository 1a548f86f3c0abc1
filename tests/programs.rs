//! The bundled programmes: they validate, render in every language, and say what the seeds say.

use std::path::Path;

use assert_cmd::Command;
use traject_i18n::Lang;
use traject_model::program::{self, LoadOptions};

const PROGRAMS: [&str; 5] = ["antwerpen", "gent", "charleroi", "liege", "brussel"];

fn traject() -> Command {
    let mut c = Command::cargo_bin("traject").expect("binary builds");
    // Messages in English whatever the machine's locale; tests of other languages ask.
    c.env("LC_ALL", "C");
    c
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load(id: &str) -> program::Program {
    program::load_path(
        &root().join(format!("programs/{id}.yaml")),
        &LoadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{id}: {}", crate::common::rendered(&e)))
}

fn load_with(id: &str, option: &str, choice: &str) -> program::Program {
    let mut opts = LoadOptions::default();
    opts.choices.insert(option.into(), choice.into());
    program::load_path(&root().join(format!("programs/{id}.yaml")), &opts)
        .unwrap_or_else(|e| panic!("{}", crate::common::rendered(&e)))
}

#[test]
fn validate_programs_folder_exits_zero() {
    let out = traject()
        .current_dir(root())
        .args(["validate", "programs/"])
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
        stdout.contains("5 file(s) checked, 5 valid, 0 invalid"),
        "{stdout}"
    );
}

#[test]
fn validate_without_programs_folder_checks_the_bundled_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = traject()
        .current_dir(dir.path())
        .arg("validate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("5 valid"));
}

#[test]
fn show_renders_every_programme_in_three_languages() {
    for id in PROGRAMS {
        for (lang, heading) in [
            ("nl", "Evaluatiemomenten"),
            ("fr", "Moments d'évaluation"),
            ("en", "Evaluation moments"),
        ] {
            let out = traject()
                .args(["show", id, "--lang", lang])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{id} {lang}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(text.contains(heading), "{id} {lang} lacks '{heading}'");
            let p = load(id);
            for v in &p.spec.versions {
                assert!(
                    text.contains(&format!("({})", v.hash).replace('(', "(hash ")),
                    "{id} {lang}: version {} missing",
                    v.id
                );
            }
        }
    }
}

#[test]
fn show_labels_follow_the_language() {
    let fr = traject()
        .args(["show", "antwerpen", "--version", "2022", "--lang", "fr"])
        .output()
        .unwrap();
    let en = traject()
        .args(["show", "antwerpen", "--version", "2022", "--lang", "en"])
        .output()
        .unwrap();
    let (fr, en) = (
        String::from_utf8_lossy(&fr.stdout),
        String::from_utf8_lossy(&en.stdout),
    );
    assert!(fr.contains("A suivi le cours d'orientation sociale"));
    assert!(en.contains("Has followed the civic orientation course"));
    assert!(en.contains("40 clients (2 FTE × 20 per FTE)"), "{en}");
}

#[test]
fn unknown_version_is_a_usage_error_with_suggestion() {
    let out = traject()
        .args(["show", "antwerpen", "--version", "2023"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("versions: 2016, 2020, 2022"));
}

#[test]
fn antwerp_2022_capacity_tracks_and_funding() {
    let p = load("antwerpen");
    let v = p.version("2022").unwrap();
    assert_eq!(
        v.capacity_limit(),
        Some(40),
        "2 FTE × 20 per FTE (000:36, 000:121)"
    );
    let durations: Vec<(&str, String)> = v
        .tracks
        .iter()
        .map(|t| (t.id.as_str(), t.duration.to_string()))
        .collect();
    assert_eq!(
        durations,
        [
            ("short", "3 months".to_string()),
            ("long", "9 months".to_string())
        ]
    );
    assert!(v.track("long").unwrap().extendable);
    let personnel = v
        .funding
        .split
        .iter()
        .find(|s| s.category == "personnel")
        .unwrap();
    let shares: Vec<(&str, f64)> = personnel
        .shares
        .iter()
        .map(|s| (s.funder.as_str(), s.percent))
        .collect();
    assert_eq!(shares, [("amif", 75.0), ("pod_mi", 15.0), ("city", 10.0)]);
    let materials = v
        .funding
        .split
        .iter()
        .find(|s| s.category == "materials")
        .unwrap();
    assert_eq!(materials.shares[0].funder, "city");
    let interim = v.evaluations.iter().find(|e| e.id == "interim").unwrap();
    let w = interim.window.as_ref().unwrap();
    assert_eq!(
        (w.from.to_string(), w.to.to_string()),
        ("4 months".to_string(), "5 months".to_string())
    );
    // The version in force is chosen by date, and each version has its own content hash.
    let on = |d: &str| p.version_on(d.parse().unwrap()).map(|v| v.id.clone());
    assert_eq!(on("2016-03-01").unwrap(), "2016");
    assert_eq!(on("2021-06-30").unwrap(), "2020");
    assert_eq!(on("2024-12-31").unwrap(), "2022");
    let err = traject_i18n::catalogue::version_error(
        &on("2025-01-01").unwrap_err(),
        traject_i18n::Lang::En,
    );
    assert!(
        err.contains("nearest is version '2022' (2022-01-01 to 2024-12-31)"),
        "{err}"
    );
    let hashes: std::collections::BTreeSet<&str> =
        p.spec.versions.iter().map(|v| v.hash.as_str()).collect();
    assert_eq!(hashes.len(), 3);
}

#[test]
fn inherited_sections_point_at_their_original_lines() {
    let p = load("antwerpen");
    let v2020 = p.version("2020").unwrap();
    let v2022 = p.version("2022").unwrap();
    // 2022 writes its own exits but inherits phases from 2020: same source line.
    assert_eq!(p.pos(&v2022.phases[0].ptr), p.pos(&v2020.phases[0].ptr));
}

#[test]
fn options_switch_between_the_seeds_readings() {
    // Antwerp 2022: the art. 60 exclusion is kept by default, dropped on request (§9 Q8).
    let kept = load("antwerpen");
    assert!(kept
        .version("2022")
        .unwrap()
        .eligibility
        .rules
        .iter()
        .any(|r| r.id == "not_in_art60"));
    let dropped = load_with("antwerpen", "art60_exclusion_2022", "dropped");
    assert!(!dropped
        .version("2022")
        .unwrap()
        .eligibility
        .rules
        .iter()
        .any(|r| r.id == "not_in_art60"));
    // The hash follows the content, so a case can tell which reading it was judged under.
    assert_ne!(
        kept.version("2022").unwrap().hash,
        dropped.version("2022").unwrap().hash
    );
    assert_eq!(
        kept.version("2016").unwrap().hash,
        dropped.version("2016").unwrap().hash
    );

    // Charleroi: individual coaching every 3 weeks by default, every 2 weeks as the alternative (§9 Q21).
    let every = |p: &program::Program| {
        let m = p
            .version("2020")
            .unwrap()
            .module("individual_coaching")
            .unwrap();
        m.schedule.as_ref().unwrap().every.unwrap().to_string()
    };
    assert_eq!(every(&load("charleroi")), "3 weeks");
    assert_eq!(
        every(&load_with(
            "charleroi",
            "individual_rhythm",
            "every_2_weeks"
        )),
        "2 weeks"
    );

    // Liège staffing: 4.0 FTE in 2020 (002:1042), 3.5 FTE in the S4 fiche (004:108).
    let liege = load("liege");
    let fte = |v: &str| {
        liege
            .version(v)
            .unwrap()
            .staffing
            .iter()
            .map(|r| r.fte)
            .sum::<f64>()
    };
    assert_eq!(fte("2020"), 4.0);
    assert_eq!(fte("2022"), 3.5);
}

#[test]
fn gent_is_a_bundle_with_eu_participants_and_non_eu_funding() {
    let p = load("gent");
    let v = p.version("2020").unwrap();
    assert_eq!(v.pathway.kind, "bundle");
    for id in ["ocmw_go", "via", "mi"] {
        assert!(v.module(id).is_some(), "module {id}");
    }
    let via = v.module("via").unwrap();
    assert_eq!(via.group_size.as_ref().unwrap().max, Some(10));
    assert_eq!(via.staff_per_group, Some(2.0));
    // Participation has no nationality rule; AMIF funding does.
    assert!(!v
        .eligibility
        .rules
        .iter()
        .any(|r| r.kind.as_deref() == Some("nationality_not_in")));
    let amif = v.funding.funders.iter().find(|f| f.id == "amif").unwrap();
    assert_eq!(
        amif.eligible_if[0].kind.as_deref(),
        Some("nationality_not_in")
    );
    assert_eq!(v.capacity.caseload_per_fte, None);
}

#[test]
fn liege_pathway_is_gated_by_action_plan_and_trial_week() {
    let v = load("liege").version("2020").unwrap().clone();
    assert_eq!(v.pathway.kind, "gated");
    let gates: Vec<(String, String)> = v
        .pathway
        .steps
        .iter()
        .filter_map(|s| s.gate.as_ref())
        .map(|g| (g.evaluation.clone(), g.decision.to_string()))
        .collect();
    assert_eq!(
        gates,
        [
            ("action_plan".to_string(), "enrol".to_string()),
            ("trial_end".into(), "enrol".into())
        ]
    );
}

#[test]
fn every_fact_has_a_source_and_every_label_the_society_language() {
    for id in PROGRAMS {
        let p = load(id);
        let json = serde_json::to_value(&p.spec).unwrap();
        let mut missing = Vec::new();
        walk(&json, "", &mut missing);
        assert!(
            missing.is_empty(),
            "{id}: entries without source: {missing:?}"
        );
        assert!(p.spec.name.has(p.spec.society_language));
        let _ = Lang::ALL;
    }
}

/// Entries of fact lists (rules, tracks, modules, …) must carry `source`.
fn walk(v: &serde_json::Value, path: &str, missing: &mut Vec<String>) {
    const FACT_LISTS: [&str; 11] = [
        "rules",
        "tracks",
        "modules",
        "phases",
        "steps",
        "evaluations",
        "exits",
        "staffing",
        "funders",
        "split",
        "partners",
    ];
    match v {
        serde_json::Value::Object(m) => {
            for (k, child) in m {
                if let serde_json::Value::Array(items) = child {
                    if FACT_LISTS.contains(&k.as_str()) {
                        for (i, item) in items.iter().enumerate().filter(|(_, it)| it.is_object()) {
                            if item
                                .get("source")
                                .and_then(|s| s.as_str())
                                .is_none_or(str::is_empty)
                            {
                                missing.push(format!("{path}/{k}/{i}"));
                            }
                        }
                    }
                }
                walk(child, &format!("{path}/{k}"), missing);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}/{i}"), missing);
            }
        }
        _ => {}
    }
}

#[test]
fn no_city_or_programme_name_in_src() {
    // Substrings, as the team's before-stop check reads them ("antwerpen" contains "antwerp").
    let anywhere = [
        "antwerp",
        "ghent",
        "charleroi",
        "liege",
        "liège",
        "luik",
        "brussel",
        "bruxelles",
        "mortsel",
        "interactief",
        "activ up",
        "mod'actions",
        "move up",
    ];
    // Whole words only: "agent" or "divergent" are not the city of Gent.
    let words = ["gent", "amie"];
    let mut hits = Vec::new();
    for entry in walkdir(&root().join("src")) {
        let text = std::fs::read_to_string(&entry).unwrap().to_lowercase();
        for n in anywhere {
            if text.contains(n) {
                hits.push(format!("{}: {n}", entry.display()));
            }
        }
        for n in words {
            let found = text.match_indices(n).any(|(i, _)| {
                let before = text[..i].chars().next_back();
                let after = text[i + n.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            });
            if found {
                hits.push(format!("{}: {n}", entry.display()));
            }
        }
    }
    assert!(hits.is_empty(), "{hits:?}");
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn schema_command_prints_the_draft07_schema() {
    let out = traject().arg("schema").output().unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let on_disk: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/program.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(schema, on_disk);
    // Every bundled programme names the schema on its first line for editors.
    for id in PROGRAMS {
        let text = std::fs::read_to_string(root().join(format!("programs/{id}.yaml"))).unwrap();
        assert_eq!(
            text.lines().next(),
            Some("# yaml-language-server: $schema=../schemas/program.schema.json")
        );
    }
}

#[test]
fn the_questions_table_accounts_for_all_43_and_names_real_options() {
    let table = std::fs::read_to_string(root().join("programs/QUESTIONS.md")).unwrap();
    let rows: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Q "))
        .collect();
    let numbers: Vec<u32> = rows
        .iter()
        .filter_map(|r| r.trim_start_matches("| ").split(' ').next()?.parse().ok())
        .collect();
    assert_eq!(
        numbers,
        (1..=43).collect::<Vec<_>>(),
        "one row per question, in order"
    );
    let options: std::collections::BTreeSet<String> =
        ["antwerpen", "gent", "charleroi", "liege", "brussel"]
            .iter()
            .flat_map(|id| load(id).spec.options.into_iter().map(|o| o.id))
            .collect();
    let mut named = 0;
    for row in &rows {
        let how = row.split(" | ").nth(2).unwrap_or_default();
        for part in how
            .split("option `")
            .skip(1)
            .chain(how.split("options `").skip(1))
        {
            let id = part.split('`').next().unwrap_or_default();
            let id = id.split('=').next().unwrap_or_default();
            assert!(
                options.contains(id),
                "QUESTIONS.md names option '{id}', which no programme declares:\n{row}"
            );
            named += 1;
        }
        assert!(
            !how.trim().is_empty(),
            "every question says how it is resolved: {row}"
        );
    }
    assert!(named >= 20, "the table points at the options ({named})");
    for id in [
        "referral_approval",
        "midway_evaluation",
        "language_scales",
        "covid_group_caps",
        "entry_conditions_2021",
        "target_group_2022",
    ] {
        assert!(options.contains(id), "option {id} is declared");
    }
}

#[test]
fn show_in_dutch_and_french_shows_labels_not_codes() {
    // Codes of the programme vocabulary that have a label: none may show up in a summary for
    // a reader (ids of the programme's own items — rules, modules — are shown beside labels).
    let codes = [
        "recognised_refugee",
        "subsidiary_protection",
        "equivalent_leefloon",
        "vlaanderen",
        "wallonie",
        "fifo",
        "residence_status_in",
        "income_support_in",
        "nationality_not_in",
        "flag_true",
        "flag_false",
        "min_age",
        "module_start",
        "module_end",
        "trajectory_end",
        "satisfaction_survey",
        "team_review",
        "follow_up_advice",
        "not_enrol",
        "drop_out",
        "not_started",
        "calendar_year",
        "school_year",
        "info_session",
        "semaine(s)",
        "week(s)",
        "maand(en)",
        "× per",
        "[hard]",
        "[assessed]",
        "(gated)",
        "(sequential)",
        "staff/group",
    ];
    for id in ["antwerpen", "gent", "charleroi", "liege", "brussel"] {
        for lang in ["nl", "fr"] {
            let out = traject()
                .args(["show", id, "--lang", lang])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0));
            let text = String::from_utf8_lossy(&out.stdout);
            for code in codes {
                let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                let hit = text.lines().find(|l| {
                    // A source reference may quote a seed sentence in its own words.
                    let shown = l.split(" [").next().unwrap_or(l);
                    // An item's own id leads its line ("  - team_review: …").
                    let shown = shown.trim_start().trim_start_matches("- ");
                    let shown = shown.split_once(": ").map_or(shown, |(head, rest)| {
                        if head.contains(' ') {
                            shown
                        } else {
                            rest
                        }
                    });
                    shown.match_indices(code).any(|(i, m)| {
                        !word(shown[..i].chars().last())
                            && !word(shown[i + m.len()..].chars().next())
                    })
                });
                assert!(
                    hit.is_none(),
                    "{id} in {lang} shows the code '{code}':\n{}",
                    hit.unwrap_or_default()
                );
            }
            if lang == "fr" {
                assert!(
                    !text.contains("société: "),
                    "French typography: a space before the colon"
                );
                assert!(
                    text.contains("\u{a0}:"),
                    "{id}: non-breaking spaces before colons"
                );
            }
        }
    }
}

/// Every rule, exception and sub-condition of a version, with the kind and values it tests.
fn conditions(
    c: &traject_model::program::model::Condition,
    out: &mut Vec<traject_model::program::model::Condition>,
) {
    out.push(c.clone());
    for sub in c.any_of.iter().chain(&c.all_of) {
        conditions(sub, out);
    }
}

/// The names an OCMW goes by in labels: its vocabulary labels in the three languages.
fn ocmw_names() -> Vec<(String, Vec<String>)> {
    let table: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/vocabulary.json")).unwrap(),
    )
    .unwrap();
    table["fields"]["residence_ocmw"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(code, e)| {
            let names = ["nl", "fr", "en"].map(|l| e[l].as_str().unwrap().to_string());
            (code.clone(), names.to_vec())
        })
        .collect()
}

#[test]
fn every_label_naming_an_ocmw_says_what_its_rule_checks() {
    let ocmws = ocmw_names();
    let mut wrong = Vec::new();
    for id in PROGRAMS {
        // Every option choice, so that rules under a non-default choice are read too.
        let spec = load(id).spec;
        let mut loads = vec![load(id)];
        for o in &spec.options {
            for ch in &o.choices {
                loads.push(load_with(id, &o.id, &ch.id));
            }
        }
        for p in &loads {
            for v in &p.spec.versions {
                let mut all = Vec::new();
                for r in &v.eligibility.rules {
                    conditions(&r.as_condition(), &mut all);
                    r.exceptions.iter().for_each(|e| conditions(e, &mut all));
                }
                for c in &all {
                    let kind = c.kind.as_deref().unwrap_or_default();
                    let tested: Vec<String> = c
                        .value
                        .as_ref()
                        .and_then(|v| v.as_array())
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    for (lang, text) in &c.label.0 {
                        let lower = text.to_lowercase();
                        let named: Vec<&String> = ocmws
                            .iter()
                            .filter(|(_, names)| names.iter().any(|n| text.contains(n.as_str())))
                            .map(|(code, _)| code)
                            .collect();
                        let place = format!("{id} {} {} [{lang:?}] \"{text}\"", v.id, c.id);
                        if kind == "residence_ocmw_in" {
                            // It checks the OCMW the client belongs to: it names that OCMW, and
                            // no town or region the client lives in.
                            let says_ocmw = ["ocmw", "cpas"].iter().any(|w| lower.contains(w));
                            let says_living =
                                ["woont", "habite", "lives", "regio", "région", "region"]
                                    .iter()
                                    .any(|w| lower.contains(w));
                            if !says_ocmw
                                || says_living
                                || !tested.iter().all(|t| named.contains(&t))
                            {
                                wrong.push(format!(
                                    "{place}: a rule on the client's OCMW ({tested:?})"
                                ));
                            }
                        } else if !named.is_empty() {
                            wrong.push(format!(
                                "{place}: names an OCMW its rule ({kind}) does not check"
                            ));
                        }
                    }
                }
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "labels that claim what their rule does not check:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn a_hard_rule_resting_on_an_inference_is_refused_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("programs/gent.yaml")).unwrap();
    let hard = text.replace(
        "- {id: low_language, mode: soft, kind: language_level_at_most",
        "- {id: low_language, mode: hard, kind: language_level_at_most",
    );
    assert_ne!(hard, text);
    let line = hard
        .lines()
        .position(|l| l.contains("id: low_language, mode: hard"))
        .unwrap()
        + 1;
    let path = dir.path().join("gent.yaml");
    std::fs::write(&path, hard).unwrap();
    let out = traject()
        .current_dir(root())
        .args(["validate", path.to_str().unwrap()])
        .output()
        .unwrap();
    let shown =
        String::from_utf8_lossy(&out.stdout).into_owned() + &*String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        shown.contains(&format!("gent.yaml:{line}:"))
            && shown
                .contains("rule 'low_language' can refuse a client but its source is an inference"),
        "{shown}"
    );
}
