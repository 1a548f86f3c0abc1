//! `traject impact` on a store made from the bundled Brussels test referrals
//! (`programs/tests/brussel.yaml`, written out as `tests/fixtures/impact/brussel-referrals.csv`)
//! and a proposed Brussels programme whose 2021 version drops the 2020 target group — the
//! literal reading of "geen randvoorwaarden" (003:1081), chosen as the option's default. The
//! cases that flip are named with the criteria that flip them; the forecast runs under both
//! versions; who flips is for coordinators only; the table goes to CSV and xlsx.

use crate::common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/impact/brussel-referrals.csv")
}

/// A store with a case for each Brussels test referral (as of 1 June 2022).
pub(crate) fn brussels_store(dir: &Path) -> PathBuf {
    let db = dir.join("cases.db");
    let out = common::traject()
        .args(["case", "import", "--program", "brussel"])
        .arg(fixture())
        .args(["--db", db.to_str().unwrap(), "--as-of", "2022-06-01"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

/// The Brussels programme with the literal reading of 2021's entry conditions as default.
fn literal_reading(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/brussel.yaml"),
    )
    .unwrap();
    let proposed = text.replacen(
        "    default: target_group_continues",
        "    default: literal",
        1,
    );
    assert_ne!(
        text, proposed,
        "the option's default is where the test expects it"
    );
    let path = dir.join("brussel-proposed.yaml");
    std::fs::write(&path, proposed).unwrap();
    path
}

fn impact(args: &[&str]) -> (bool, String, String) {
    let out = common::traject().arg("impact").args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn dropping_the_2020_target_group_names_the_cases_that_flip_with_their_criteria_and_forecasts_both()
{
    let dir = tempfile::tempdir().unwrap();
    let db = brussels_store(dir.path());
    let proposed = literal_reading(dir.path());
    let (ok, out, err) = impact(&[
        "--program",
        "brussel",
        "--proposed",
        proposed.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--from",
        "2021-11-01",
        "--months",
        "36",
        "--runs",
        "40",
        "--cost-per-fte-month",
        "4000",
        "--format",
        "json",
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    // The money: the sources state no split for Brussels under either text, so all of the
    // staff cost of the 36 months stays unallocated, the same before and after.
    let money = &v["money"];
    assert_eq!(money["lines"].as_array().unwrap().len(), 0, "{money}");
    assert!(money["unallocated_before_cents"].as_i64().unwrap() > 0);
    assert_eq!(
        money["unallocated_before_cents"],
        money["unallocated_after_cents"]
    );
    assert_eq!(v["current_version"], "2021");
    assert_eq!(v["proposed_version"], "2021");
    assert_eq!(v["referrals"], 15);
    assert_eq!(v["changed"], 9);
    let transitions: Vec<(String, String, u64)> = v["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["before"].as_str().unwrap().to_string(),
                t["after"].as_str().unwrap().to_string(),
                t["referrals"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        transitions,
        [
            ("ineligible".into(), "eligible".into(), 4),
            ("ineligible".into(), "needs_assessment".into(), 5)
        ]
    );
    // Every flip names its case and dossier and the target-group criteria that kept it out.
    let flips = v["flips"].as_array().unwrap();
    assert_eq!(flips.len(), 9);
    let target_group = [
        "status",
        "non_eu",
        "age",
        "residence",
        "income",
        "not_in_art60",
    ];
    for f in flips {
        assert!(f["case"].as_i64().is_some() && f["dossier"].as_str().unwrap().starts_with("BXL-"));
        let criteria = f["criteria"].as_array().unwrap();
        assert!(
            criteria
                .iter()
                .any(|c| target_group.contains(&c["id"].as_str().unwrap())
                    && c["before"] == "fail"
                    && c["after"].is_null()),
            "{f}"
        );
        assert!(criteria
            .iter()
            .all(|c| !c["source"].as_str().unwrap().is_empty()));
    }
    // BXL-004 lives in Antwerp: only the Brussels-residence criterion kept it out.
    let antwerp = flips.iter().find(|f| f["dossier"] == "BXL-004").unwrap();
    let failing: Vec<&str> = antwerp["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["before"] == "fail")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(failing, ["residence"]);
    let per_criterion = |id: &str| {
        v["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["referrals"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(per_criterion("residence"), 3);
    // The diff says the target group's rules go.
    let removed: Vec<&str> = v["diff"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["section"] == "eligibility" && c["change"] == "removed")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for id in target_group {
        assert!(removed.contains(&id), "{id} removed: {removed:?}");
    }
    // The forecast: the same start, more referrals admitted (14 of the stored 15 against 5).
    let f = &v["forecast"];
    assert_eq!(
        (f["admitted_before"].as_u64(), f["admitted_after"].as_u64()),
        (Some(5), Some(14))
    );
    assert!((f["demand_factor"].as_f64().unwrap() - 2.8).abs() < 1e-9);
    assert_eq!(f["current"]["monthly"].as_array().unwrap().len(), 36);
    assert_eq!(f["current"]["from"], "2021-11-01");
    assert_eq!(f["current"]["seed"], f["proposed"]["seed"]);
    assert!(f["proposed"]["referred"].as_u64() > f["current"]["referred"].as_u64());
    assert!(f["fte_needed_after"].as_f64() >= f["fte_needed_before"].as_f64());
    // Funding streams per funder, before and after.
    assert!(v["funding"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["funder"] == "amif"));
}

#[test]
fn the_impact_reads_in_dutch_and_french_and_who_flips_goes_to_csv_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let db = brussels_store(dir.path());
    let proposed = literal_reading(dir.path());
    let csv = dir.path().join("flips.csv");
    let xlsx = dir.path().join("flips.xlsx");
    let base = [
        "--program",
        "brussel",
        "--proposed",
        proposed.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--from",
        "2021-11-01",
        "--months",
        "12",
        "--runs",
        "20",
    ];
    let (ok, nl, err) =
        impact(&[&base[..], &["--lang", "nl", "--out", csv.to_str().unwrap()]].concat());
    assert!(ok, "{err}");
    assert!(nl.contains("Wie verandert"), "{nl}");
    assert!(
        nl.contains("dossier 4 (BXL-004): niet toelaatbaar → beoordeling nodig"),
        "{nl}"
    );
    assert!(nl.contains("Cliënt van het OCMW Brussel"), "{nl}");
    assert!(nl.contains("VTE nodig"), "{nl}");
    let (ok, fr, _) = impact(
        &[
            &base[..],
            &["--lang", "fr", "--out", xlsx.to_str().unwrap()],
        ]
        .concat(),
    );
    assert!(ok);
    assert!(
        fr.contains("Qui change") && fr.contains("Client du CPAS de Bruxelles"),
        "{fr}"
    );
    let table = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 10, "a header and nine flips:\n{table}");
    assert!(
        lines[0].starts_with("dossier,dossiernummer,rij,oordeel nu"),
        "{}",
        lines[0]
    );
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("impact").unwrap();
    assert_eq!(sheet.height(), 10);
    assert_eq!(sheet.get((0, 3)).unwrap().to_string(), "verdict actuel");
}

#[test]
fn social_workers_and_auditors_see_counts_but_not_who_flips() {
    let dir = tempfile::tempdir().unwrap();
    let db = brussels_store(dir.path());
    common::add_user(&db, "coord", "coordinator", None);
    common::add_user(&db, "ann", "social-worker", Some("north"));
    common::add_user(&db, "audrey", "auditor", None);
    let proposed = literal_reading(dir.path());
    for (actor, names) in [("coord", true), ("ann", false), ("audrey", false)] {
        let (ok, out, err) = impact(&[
            "--program",
            "brussel",
            "--proposed",
            proposed.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
            "--from",
            "2021-11-01",
            "--no-forecast",
            "--actor",
            actor,
            "--format",
            "json",
        ]);
        assert!(ok, "{actor}: {err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["changed"], 9, "{actor} sees the counts");
        assert_eq!(v.get("flips").is_some(), names, "{actor}");
        assert!(v.get("forecast").is_none());
        assert_eq!(
            out.contains("BXL-"),
            names,
            "{actor}: no dossier number unless allowed"
        );
    }
}

#[test]
fn a_batch_is_judged_by_row_and_a_broken_proposal_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let proposed = literal_reading(dir.path());
    let (ok, out, err) = impact(&[
        "--program",
        "brussel",
        "--proposed",
        proposed.to_str().unwrap(),
        "--batch",
        fixture().to_str().unwrap(),
        "--from",
        "2021-11-01",
        "--format",
        "json",
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["changed"], 9);
    assert!(v["flips"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["row"].as_u64().is_some() && f.get("case").is_none()));
    assert!(v.get("forecast").is_none(), "no store, no forecast");

    let text = std::fs::read_to_string(&proposed).unwrap();
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, text.replacen("valid_from:", "valid_fromm:", 1)).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("valid_from:"))
        .unwrap()
        + 1;
    let (ok, _, err) = impact(&[
        "--program",
        "brussel",
        "--proposed",
        broken.to_str().unwrap(),
        "--batch",
        fixture().to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains(&format!("broken.yaml:{line}:")), "{err}");
}

#[test]
fn a_stated_funding_split_shows_each_funders_money_per_cost_category_to_the_cent() {
    let dir = tempfile::tempdir().unwrap();
    let db = brussels_store(dir.path());
    // The AMIF template's 75/15/10 (an option of the Brussels programme) as the default.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/brussel.yaml"),
    )
    .unwrap();
    let at = text.find("  - id: funding_split").unwrap();
    let mut proposed = text.clone();
    let default = at + text[at..].find("default: not_stated").unwrap();
    proposed.replace_range(
        default..default + "default: not_stated".len(),
        "default: amif_template",
    );
    let path = dir.path().join("brussel-split.yaml");
    std::fs::write(&path, &proposed).unwrap();
    let args = |format: &'static str, lang: &'static str| {
        vec![
            "--program".to_string(),
            "brussel".into(),
            "--proposed".into(),
            path.display().to_string(),
            "--db".into(),
            db.display().to_string(),
            "--from".into(),
            "2021-01-01".into(),
            "--months".into(),
            "12".into(),
            "--no-forecast".into(),
            "--cost-per-fte-month".into(),
            "4000".into(),
            "--format".into(),
            format.into(),
            "--lang".into(),
            lang.into(),
        ]
    };
    let json_args = args("json", "en");
    let (ok, out, err) = impact(&json_args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let money = &v["money"];
    // 2.5 FTE (two group workers, a half-time team leader) × 12 months × € 4,000.
    let total = 12_000_000;
    assert_eq!(money["unallocated_before_cents"], total, "{money}");
    let line = |funder: &str| {
        money["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["funder"] == funder && l["category"] == "personnel")
            .unwrap_or_else(|| panic!("{funder}: {money}"))
            .clone()
    };
    assert_eq!(line("pod_mi")["before_cents"], 0);
    assert_eq!(line("pod_mi")["after_cents"], 1_800_000);
    assert_eq!(line("ocmw")["after_cents"], 1_200_000);
    // AMIF's 75 % is charged for the non-EU cases only; the rest stays unallocated.
    let amif = line("amif")["after_cents"].as_i64().unwrap();
    assert!(amif <= 9_000_000 && amif > 0, "{money}");
    assert_eq!(money["unallocated_after_cents"], 9_000_000 - amif);
    // In words, with the funders' labels and the reader's money.
    let fr_args = args("text", "fr");
    let (ok, text, err) = impact(&fr_args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(ok, "{err}");
    assert!(
        text.contains(
            "SPP Intégration sociale · personnel\u{a0}: 0,00\u{a0}€ → 18\u{202f}000,00\u{a0}€"
        ),
        "{text}"
    );
}
