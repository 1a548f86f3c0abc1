//! Rhai plugins: hostile scripts are stopped with a located error (tests/hostile/), every
//! bundled routing keeps its promises on random cohorts (proptest), and routing is
//! deterministic.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use assert_cmd::Command;
use proptest::prelude::*;
use traject_app::route;
use traject_model::program::LoadOptions;
use traject_model::referral::{FieldType, Referral, FIELDS};
use traject_rules::CompiledProgram;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A minimal programme whose module `groups` is routed by script `name`.
fn programme_using(name: &str) -> String {
    let base = std::fs::read_to_string(root().join("tests/fixtures/minimal.yaml")).unwrap();
    base.replace(
        "{id: groups, label: {nl: \"Groep\"}, kind: collective, group_size: {min: 2, max: 10}, source: \"000:65\"}",
        &format!("{{id: groups, label: {{nl: \"Groep\"}}, kind: collective, group_size: {{min: 2, max: 10}}, routing: {{script: {name}, source: \"local: test\"}}, source: \"000:65\"}}"),
    )
}

#[test]
fn hostile_scripts_are_stopped_with_a_located_error() {
    let manifest = std::fs::read_to_string(root().join("tests/hostile/expect.tsv")).unwrap();
    let mut checked = 0;
    for line in manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let (script, stage, at, message) = (cols[0], cols[1], cols[2], cols[3]);
        let name = script.trim_end_matches(".rhai");
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("programs")).unwrap();
        std::fs::create_dir_all(dir.path().join("scripts")).unwrap();
        std::fs::copy(
            root().join("tests/hostile").join(script),
            dir.path().join("scripts").join(script),
        )
        .unwrap();
        std::fs::write(dir.path().join("programs/p.yaml"), programme_using(name)).unwrap();
        std::fs::write(
            dir.path().join("cohort.csv"),
            "id,referral_date\na,2022-03-01\nb,2022-03-02\n",
        )
        .unwrap();
        let mut cmd = Command::cargo_bin("traject").unwrap();
        // Messages in English whatever the machine's locale; tests of other languages ask.
        cmd.env("LC_ALL", "C");
        cmd.current_dir(dir.path());
        match stage {
            "validate" => cmd.args(["validate", "programs/p.yaml"]),
            _ => cmd.args([
                "route",
                "--program",
                "programs/p.yaml",
                "--module",
                "groups",
                "cohort.csv",
            ]),
        };
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{script}: exit code; stderr:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{script}: {stderr}");
        let prefix = format!("scripts/{script}:{at}");
        let hit = stderr
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("{script}: no error at {prefix}:\n{stderr}"));
        assert!(
            hit.contains(message),
            "{script}: expected '{message}' in\n{hit}"
        );
        if stage == "route" {
            assert!(
                out.stdout.is_empty(),
                "{script}: nothing is printed when a script fails"
            );
        }
        checked += 1;
    }
    assert!(checked >= 12);
}

#[test]
fn limits_above_the_ceiling_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = programme_using("capacity_groups").replace(
        "society_language: nl\n",
        "society_language: nl\nlimits: {max_operations: 999999999999}\n",
    );
    let f = dir.path().join("p.yaml");
    std::fs::write(&f, text).unwrap();
    let out = Command::cargo_bin("traject")
        .unwrap()
        .env("LC_ALL", "C")
        .args(["validate", f.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("p.yaml:8:")
            && stderr.contains("max_operations 999999999999 is above the ceiling of 50000000"),
        "{stderr}"
    );
}

#[test]
fn the_time_limit_stops_a_script_the_other_limits_let_run() {
    // Operations raised to the ceiling: only the clock stops the endless loop, at its place.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("programs")).unwrap();
    std::fs::create_dir_all(dir.path().join("scripts")).unwrap();
    std::fs::copy(
        root().join("tests/hostile/infinite_loop.rhai"),
        dir.path().join("scripts/infinite_loop.rhai"),
    )
    .unwrap();
    let text = programme_using("infinite_loop").replace(
        "society_language: nl\n",
        "society_language: nl\nlimits: {max_operations: 50000000, max_time_ms: 1}\n",
    );
    std::fs::write(dir.path().join("programs/p.yaml"), text).unwrap();
    std::fs::write(
        dir.path().join("cohort.csv"),
        "id,referral_date\na,2022-03-01\n",
    )
    .unwrap();
    let out = Command::cargo_bin("traject")
        .unwrap()
        .env("LC_ALL", "C")
        .current_dir(dir.path())
        .args([
            "route",
            "--program",
            "programs/p.yaml",
            "--module",
            "groups",
            "cohort.csv",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("scripts/infinite_loop.rhai:4:")
            && stderr.contains("exceeded the limit on time (max_time_ms = 1)"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------- routing properties

fn bundled() -> Vec<CompiledProgram> {
    ["antwerpen", "gent", "charleroi", "liege", "brussel"]
        .iter()
        .map(|id| {
            traject_rules::open(
                &root().join(format!("programs/{id}.yaml")).to_string_lossy(),
                &LoadOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{}", crate::common::rendered(&e)))
        })
        .collect()
}

fn person() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    (
        prop::sample::select(vec!["ar", "ps", "ti", "fa", "so", "nl", "fr", "ro", ""]),
        prop::sample::select(vec!["ar;fr", "en", ""]),
        prop::sample::select(vec!["female", "male", ""]),
        prop::sample::select(vec!["none", "low", "medium", "high", ""]),
        prop::sample::select(vec!["true", "false", ""]),
        prop::sample::select(vec!["1.1", "1.2", "2.1", "A1", "A2", "B1", ""]),
        prop::sample::select(vec!["SY", "ER", "SO", "ET", "AF", "RO", ""]),
    )
        .prop_map(|(mt, cl, g, e, lit, lvl, nat)| {
            vec![
                ("mother_tongue", mt.to_string()),
                ("contact_languages", cl.to_string()),
                ("gender", g.to_string()),
                ("education_level", e.to_string()),
                ("literate", lit.to_string()),
                ("language_level", lvl.to_string()),
                ("nationality", nat.to_string()),
            ]
        })
}

fn cohort(people: &[Vec<(&'static str, String)>], date: &str) -> Vec<(String, Referral)> {
    people
        .iter()
        .enumerate()
        .map(|(i, fields)| {
            let mut r = Referral::default();
            r.set_text("referral_date", FieldType::Date, date).unwrap();
            for (name, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
                let ty = FIELDS.iter().find(|(n, _)| n == name).unwrap().1;
                r.set_text(name, ty, value).unwrap();
            }
            (format!("p{i:03}"), r)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, .. ProptestConfig::default() })]

    #[test]
    fn every_bundled_routing_places_everyone_once_within_limits(people in prop::collection::vec(person(), 0..70)) {
        for compiled in bundled() {
            for ((vi, module), plan) in &compiled.routings {
                let version = &compiled.program.spec.versions[*vi];
                let date = version.valid_from.to_string();
                let cohort = cohort(&people, &date);
                let out = route::route(&compiled, module, Some(&version.id), None, "cohort.csv", &cohort)
                    .unwrap_or_else(|d| panic!("{} {} {module}: {:?}", compiled.program.spec.id, version.id, d));
                let r = &out.routing;
                // Everyone exactly once, in a group or waiting.
                let mut seen = BTreeSet::new();
                for id in r.groups.iter().flat_map(|g| g.members.iter()).chain(r.waiting.iter()) {
                    prop_assert!(seen.insert(id.clone()), "{module}: {id} placed twice");
                }
                let all: BTreeSet<String> = cohort.iter().map(|(id, _)| id.clone()).collect();
                prop_assert_eq!(&seen, &all, "{}: somebody dropped or invented", module);
                // No group above its maximum.
                if let Some(max) = plan.settings.get("max_group_size").and_then(|d| d.as_int().ok()) {
                    for g in &r.groups {
                        prop_assert!(g.members.len() as i64 <= max, "{module}: group {} has {} > {max}", g.id, g.members.len());
                    }
                }
                // The mixing share holds whenever the cohort allows it.
                if let Some(share) = plan.settings.get("max_share_same_mother_tongue").and_then(|d| d.as_float().ok()) {
                    let max = plan.settings["max_group_size"].as_int().unwrap() as usize;
                    let n = cohort.len();
                    if n > 0 {
                        let groups = n.div_ceil(max);
                        let mut per_language: BTreeMap<String, usize> = BTreeMap::new();
                        for (_, p) in &cohort {
                            if let Some(l) = &p.mother_tongue {
                                *per_language.entry(l.clone()).or_default() += 1;
                            }
                        }
                        let feasible = per_language.values().all(|k| (k.div_ceil(groups)) as f64 <= share * (n / groups) as f64);
                        let language: BTreeMap<&str, Option<&String>> = cohort.iter().map(|(id, p)| (id.as_str(), p.mother_tongue.as_ref())).collect();
                        let held = r.groups.iter().all(|g| {
                            let mut counts: BTreeMap<&String, usize> = BTreeMap::new();
                            for m in &g.members {
                                if let Some(l) = language[m.as_str()] {
                                    *counts.entry(l).or_default() += 1;
                                }
                            }
                            counts.values().all(|c| *c as f64 <= share * g.members.len() as f64)
                        });
                        if feasible {
                            prop_assert!(held, "{module}: mixing share {share} broken although feasible: {:?}", r.groups);
                        }
                        if !held {
                            prop_assert!(r.notes.iter().any(|n| note(n).contains("maximum share")), "{module}: share broken without a note");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn routing_is_deterministic_whatever_the_input_order(people in prop::collection::vec(person(), 1..40), seed in any::<u64>()) {
        let compiled = bundled().into_iter().find(|c| c.program.spec.id == "gent").unwrap();
        let cohort = cohort(&people, "2020-06-01");
        let mut shuffled = cohort.clone();
        // A deterministic shuffle from the seed.
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        for module in ["ocmw_go", "via", "mi"] {
            let a = route::route(&compiled, module, Some("2020"), None, "c.csv", &cohort).unwrap();
            let b = route::route(&compiled, module, Some("2020"), None, "c.csv", &shuffled).unwrap();
            prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
        }
    }
}

#[test]
fn ghent_routings_do_what_the_seeds_say() {
    let compiled = bundled()
        .into_iter()
        .find(|c| c.program.spec.id == "gent")
        .unwrap();
    let people: Vec<Vec<(&'static str, String)>> = (0..24)
        .map(|i| {
            vec![
                ("mother_tongue", ["ar", "ps", "nl", "ti"][i % 4].to_string()),
                ("contact_languages", String::new()),
            ]
        })
        .collect();
    let cohort = cohort(&people, "2020-06-01");
    // OCMW Go: one group per language; an interpreter unless the language is Dutch.
    let go = route::route(&compiled, "ocmw_go", None, None, "c.csv", &cohort)
        .unwrap()
        .routing;
    let langs: Vec<(&str, bool)> = go
        .groups
        .iter()
        .map(|g| (g.language.as_deref().unwrap(), g.interpreter))
        .collect();
    assert_eq!(
        langs,
        [("ar", true), ("nl", false), ("ps", true), ("ti", true)]
    );
    // VIA: one group of at most 10 (two group workers), the others wait for the next cohort.
    let via = route::route(&compiled, "via", None, None, "c.csv", &cohort)
        .unwrap()
        .routing;
    assert_eq!(via.groups.len(), 1);
    assert_eq!(via.groups[0].members.len(), 10);
    assert_eq!(via.waiting.len(), 14);
    assert_eq!(via.waiting[0], "p010", "waiting keeps referral order");
    // §9 Q43: a VIA group formed during the Covid measures holds at most three (003:755).
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let covid = route::route(&compiled, "via", None, day("2020-06-01"), "c.csv", &cohort)
        .unwrap()
        .routing;
    assert_eq!(
        covid.groups[0].members.len(),
        3,
        "the temporary limit replaces the group size"
    );
    assert_eq!(covid.waiting.len(), 21);
    let after = route::route(&compiled, "via", None, day("2021-06-09"), "c.csv", &cohort)
        .unwrap()
        .routing;
    assert_eq!(
        after.groups[0].members.len(),
        10,
        "the day after the limit ends"
    );
    let opts = traject_model::program::LoadOptions {
        choices: [("covid_group_caps".to_string(), "ignored".to_string())].into(),
        ..Default::default()
    };
    let (file, text) = traject_model::program::bundled::program("gent").unwrap();
    let ignored = traject_rules::compile_loaded(
        traject_model::program::load_bytes(file, text.as_bytes(), &opts).unwrap(),
    )
    .unwrap();
    let usual = route::route(&ignored, "via", None, day("2020-06-01"), "c.csv", &cohort)
        .unwrap()
        .routing;
    assert_eq!(usual.groups[0].members.len(), 10, "with the limit left out");
    // M.I.: two groups of 12, each language spread evenly (3 of each per group).
    let mi = route::route(&compiled, "mi", None, None, "c.csv", &cohort)
        .unwrap()
        .routing;
    assert_eq!(mi.groups.len(), 2);
    for g in &mi.groups {
        assert_eq!(g.members.len(), 12);
    }
    assert!(mi.notes.is_empty(), "{:?}", mi.notes);
}

#[test]
fn a_dominant_mother_tongue_is_reported_not_hidden() {
    let compiled = bundled()
        .into_iter()
        .find(|c| c.program.spec.id == "gent")
        .unwrap();
    let people: Vec<Vec<(&'static str, String)>> = (0..10)
        .map(|i| vec![("mother_tongue", if i < 8 { "ar" } else { "ps" }.to_string())])
        .collect();
    let mi = route::route(
        &compiled,
        "mi",
        None,
        None,
        "c.csv",
        &cohort(&people, "2020-06-01"),
    )
    .unwrap()
    .routing;
    assert_eq!(mi.groups.len(), 1);
    assert_eq!(mi.groups[0].members.len(), 10, "everyone is still placed");
    assert!(
        mi.notes
            .iter()
            .any(|n| note(n).contains("8 of 10 speak ar")),
        "{:?}",
        mi.notes
    );
}

#[test]
fn route_command_prints_json_groups() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("c.csv");
    let mut text = String::from("id,referral_date,language_level,education_level\n");
    for i in 0..20 {
        text.push_str(&format!(
            "b{i:02},2020-06-01,{},low\n",
            ["A1", "A2", "B1", ""][i % 4]
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let out = Command::cargo_bin("traject")
        .unwrap()
        .env("LC_ALL", "C")
        .args([
            "route",
            "--program",
            "brussel",
            "--module",
            "collective",
            csv.to_str().unwrap(),
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
    assert_eq!(j["module"], "collective");
    assert_eq!(j["version"], "2020");
    let groups = j["groups"].as_array().unwrap();
    let ids: Vec<&str> = groups.iter().map(|g| g["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["advanced_1", "beginner_1"]);
    assert_eq!(
        groups[0]["members"].as_array().unwrap().len(),
        10,
        "A2 and B1 are advanced"
    );
    assert_eq!(groups[1]["members"].as_array().unwrap().len(), 5);
    assert_eq!(
        j["waiting"].as_array().unwrap().len(),
        5,
        "no test result yet"
    );
    assert!(j["notes"][0]
        .as_str()
        .unwrap()
        .contains("wait for their test"));
}

// ---------------------------------------------------------------- lowered expressions

/// A referral with some facts given and others missing.
fn sparse_referral() -> impl Strategy<Value = Referral> {
    let opt = |values: Vec<&'static str>| prop::option::of(prop::sample::select(values));
    (
        prop::option::of(1940i32..2012),
        opt(vec!["SY", "BE", "FR", "ER", "AF"]),
        opt(vec!["leefloon", "equivalent_leefloon", "none"]),
        opt(vec!["antwerpen", "gent", "liege"]),
        opt(vec!["female", "male", "x"]),
        opt(vec!["1.1", "1.2", "A2"]),
        prop::collection::vec(prop::option::of(any::<bool>()), 6),
    )
        .prop_map(|(year, nat, income, ocmw, gender, level, flags)| {
            let mut r = Referral {
                referral_date: chrono::NaiveDate::from_ymd_opt(2023, 3, 1),
                birth_date: year.and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 6, 15)),
                nationality: nat.map(str::to_string),
                income_support: income.map(str::to_string),
                residence_ocmw: ocmw.map(str::to_string),
                gender: gender.map(str::to_string),
                language_level: level.map(str::to_string),
                ..Referral::default()
            };
            let names = [
                "mobile",
                "motivated",
                "in_art60",
                "civic_orientation_completed",
                "reduced_autonomy",
                "stress_factors",
            ];
            for (name, value) in names.iter().zip(flags) {
                let i = traject_model::referral::bool_index(name).expect("a yes/no field");
                r.flags[i] = value;
            }
            r
        })
}

/// Expressions the lowering takes, chosen to exercise Rhai's precedence, short-circuits over
/// missing facts and comparisons written either way round.
const LOWERED: &[&str] = &[
    "age >= 18",
    "18 <= age && age < 65",
    "!(nationality in [\"AT\", \"BE\", \"FR\"])",
    "income_support == \"leefloon\" || income_support == \"equivalent_leefloon\"",
    "mobile || motivated && in_art60",
    "(mobile || motivated) && !in_art60",
    "motivated == nationality in [\"SY\", \"ER\"]",
    "gender != \"female\" == mobile",
    "!mobile || !(age > 30) || residence_ocmw == \"gent\"",
    "reduced_autonomy || stress_factors",
    "true && !false && \"A2\" == language_level",
    "civic_orientation_completed != false",
];

/// The Antwerp rules written as `expr:`, lowered and interpreted.
static EXPR_FIXTURE: std::sync::LazyLock<(CompiledProgram, CompiledProgram)> =
    std::sync::LazyLock::new(|| {
        let fixture = root().join("benches/fixtures/antwerpen_2022_expr.yaml");
        let open =
            || traject_rules::open(&fixture.to_string_lossy(), &LoadOptions::default()).unwrap();
        let lowered = open();
        assert_eq!(
            lowered.lowered_counts(),
            (12, 0),
            "every rule of the fixture is lowered"
        );
        let interpreted = open().without_lowering();
        assert_eq!(interpreted.lowered_counts(), (0, 12));
        (lowered, interpreted)
    });

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn lowered_expressions_give_what_rhai_gives(r in sparse_referral()) {
        let engine = traject_rules::plugins::rhai_engine(traject_rules::plugins::DEFAULT_LIMITS);
        for text in LOWERED {
            let native = traject_rules::lower::lower(text)
                .unwrap_or_else(|| panic!("{text} is in the lowered subset"));
            let ast = engine.compile_expression(text).unwrap();
            let mut scope = traject_rules::plugins::referral_scope(&r);
            let rhai = traject_rules::plugins::eval_bool(&engine, &ast, &mut scope);
            prop_assert_eq!(rhai, Ok(native.eval(&r).ok()), "{}", text);
        }
    }

    #[test]
    fn a_programme_of_expr_rules_judges_the_same_lowered_or_interpreted(r in sparse_referral()) {
        let (lowered, interpreted) = &*EXPR_FIXTURE;
        let (a, b) = (lowered.evaluate(&r).unwrap(), interpreted.evaluate(&r).unwrap());
        prop_assert_eq!(a.verdict, b.verdict);
        prop_assert_eq!(a.rules, b.rules);
        prop_assert_eq!(a.funding, b.funding);
        prop_assert_eq!(a.funding_unknown, b.funding_unknown);
    }
}

/// A routing note as the catalogue words it in English.
fn note(n: &traject_rules::plugins::routing::RoutingNote) -> String {
    traject_i18n::catalogue::routing_note(n, traject_i18n::Lang::En)
}
