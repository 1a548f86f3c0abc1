//! The client's rights outside the terminal, and the record of processing: a coordinator
//! finds one person's cases by dossier number (posted, never in an address), answers access
//! and erasure requests from the browser and the API, and nobody else can; the record of
//! processing renders for every bundled programme in Dutch and French; on PostgreSQL an
//! erased person's values are gone from every table and index once erasure has vacuumed.

use std::path::Path;

use serde_json::{json, Value};

use crate::common::{call, postgres_database, serve, traject, Served, ELIGIBLE};

const FORM: &str = "application/x-www-form-urlencoded";

/// The session's CSRF token, as the case list's search form carries it.
fn token(s: &Served, cookie: &str) -> String {
    let (status, page, _) = call("GET", &s.url("/cases"), Some(cookie), None);
    assert_eq!(status, 200, "{page}");
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the search form carries a token")
        .to_string()
}

/// POST a form as a browser on the server's own page sends it: (status, page).
fn form(s: &Served, cookie: &str, path: &str, body: &str) -> (u16, String) {
    let (status, text, _) = call("POST", &s.url(path), Some(cookie), Some((FORM, body)));
    (status, text)
}

/// Ann (north) refers one person to Antwerp and to Ghent; the case numbers.
fn one_person_in_two_programmes(s: &Served, ann: &str, dossier: &str) -> (i64, i64) {
    let antwerp = s.create(
        ann,
        &ELIGIBLE.replacen('{', &format!(r#"{{"id": "{dossier}", "#), 1),
    );
    let ghent = json!({"program": "gent", "referral": {
        "id": dossier, "referral_date": "2020-05-04", "birth_date": "1988-01-01",
        "nationality": "SY", "residence_status": "recognised_refugee", "mother_tongue": "ar",
        "residence_ocmw": "gent", "income_support": "leefloon", "education_level": "low",
        "in_art60": false, "small_social_network": true, "integration_difficulty": true}});
    let (status, v) = s.post(ann, "/api/cases", &ghent);
    assert_eq!(status, 201, "{v}");
    (antwerp, v["id"].as_i64().unwrap())
}

#[test]
fn a_coordinator_answers_one_persons_requests_in_the_browser_and_others_see_no_way_to() {
    let s = serve();
    let (ann, bo, audrey, coord) = (
        s.login("ann"),
        s.login("bo"),
        s.login("audrey"),
        s.login("coord"),
    );
    let dossier = "WEB-PERSON-4471";
    let (antwerp, ghent) = one_person_in_two_programmes(&s, &ann, dossier);
    // The case file shows the dossier number; only a coordinator's has the rights forms.
    let (_, page, _) = call(
        "GET",
        &s.url(&format!("/cases/{antwerp}")),
        Some(&ann),
        None,
    );
    assert!(page.contains(dossier) && !page.contains("/erase"), "{page}");
    let (_, page, _) = call(
        "GET",
        &s.url(&format!("/cases/{antwerp}")),
        Some(&coord),
        None,
    );
    assert!(
        page.contains(&format!("action=\"/cases/{antwerp}/erase\""))
            && page.contains(&format!("action=\"/cases/{antwerp}/export\"")),
        "{page}"
    );

    // The search: posted, for everyone who sees cases; the person forms for the coordinator.
    let search = format!("csrf={}&dossier={dossier}", token(&s, &ann));
    let (status, page) = form(&s, &ann, "/cases/search", &search);
    assert_eq!(status, 200, "{page}");
    for id in [antwerp, ghent] {
        assert!(page.contains(&format!("href=\"/cases/{id}\"")), "{page}");
    }
    assert!(
        !page.contains("/persons/erase"),
        "a social worker answers no request"
    );
    let (status, page) = form(
        &s,
        &bo,
        "/cases/search",
        &format!("csrf={}&dossier={dossier}", token(&s, &bo)),
    );
    assert_eq!(status, 200);
    assert!(
        !page.contains(&format!("href=\"/cases/{antwerp}\"")),
        "another team's cases stay hidden"
    );
    let (status, page) = form(
        &s,
        &audrey,
        "/cases/search",
        &format!("csrf=x&dossier={dossier}"),
    );
    assert!(
        status == 403 && page.starts_with("<!DOCTYPE html>"),
        "{status} {page}"
    );
    let coord_token = token(&s, &coord);
    let (_, page) = form(
        &s,
        &coord,
        "/cases/search",
        &format!("csrf={coord_token}&dossier={dossier}"),
    );
    assert!(page.contains("action=\"/persons/erase\""), "{page}");

    // Access: a page with both cases, their rules and who read them; or a JSON download.
    let export = format!("csrf={coord_token}&dossier={dossier}&format=html");
    for who in [&ann, &audrey] {
        let (status, page) = form(&s, who, "/persons/export", &export);
        assert!(
            status == 403 && page.starts_with("<!DOCTYPE html>"),
            "{status}"
        );
    }
    let (status, page) = form(&s, &coord, "/persons/export", &export);
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        page.matches("<article class=\"access\">").count(),
        2,
        "{page}"
    );
    assert!(
        page.contains("AMIE") && page.contains("Interactief"),
        "both programmes"
    );
    assert!(
        page.contains("Wie het dossier las") && page.contains("ann"),
        "the readers"
    );
    assert!(
        page.contains("✓") && page.contains("002:"),
        "the rules with their sources"
    );
    assert!(!page.contains("2020-05-04"), "dates day first");
    let (status, text, _) = call(
        "POST",
        &s.url("/persons/export"),
        Some(&coord),
        Some((FORM, &export.replace("format=html", "format=json"))),
    );
    assert_eq!(status, 200);
    let x: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(x["cases"].as_array().unwrap().len(), 2, "{x}");
    assert!(
        x["cases"][0]["events"][0]["in_words"].as_str().is_some(),
        "{x}"
    );

    // Erasure: a reason and a confirmation; then nothing of the person is left, figures stay.
    let (_, before) = s.get(Some(&coord), "/api/caseload");
    let erase = format!("csrf={coord_token}&dossier={dossier}&reason=art.+17+request");
    let (status, page) = form(&s, &ann, "/persons/erase", &format!("{erase}&confirm=yes"));
    assert_eq!(status, 403, "{page}");
    let (status, page) = form(&s, &coord, "/persons/erase", &erase);
    assert!(
        status == 422 && page.contains("bevestig"),
        "{status} {page}"
    );
    let (status, page) = form(
        &s,
        &coord,
        "/persons/erase",
        &format!("{erase}&confirm=yes"),
    );
    assert_eq!(status, 200, "{page}");
    for id in [antwerp, ghent] {
        assert!(page.contains(&format!("href=\"/cases/{id}\"")), "{page}");
    }
    let (_, after) = s.get(Some(&coord), "/api/caseload");
    assert_eq!(before, after, "the figures do not change");
    let files: Vec<u8> = ["", "-wal", "-shm"]
        .iter()
        .flat_map(|x| std::fs::read(format!("{}{x}", s.db.display())).unwrap_or_default())
        .collect();
    assert!(!files
        .windows(dossier.len())
        .any(|w| w == dossier.as_bytes()));
    let (status, page) = form(&s, &coord, "/persons/export", &export);
    assert!(
        status == 404 && page.starts_with("<!DOCTYPE html>"),
        "{status} {page}"
    );
    // Taken in again, the erased dossier is refused (a coordinator's reason is needed).
    let (status, v) = s.post(&ann, "/api/cases", &antwerp_referral(dossier));
    assert!(
        status == 409 && v.to_string().contains("was erased on"),
        "{status} {v}"
    );
}

/// An API body that refers the eligible Antwerp client under `dossier`.
fn antwerp_referral(dossier: &str) -> Value {
    let referral = ELIGIBLE.replacen('{', &format!(r#"{{"id": "{dossier}", "#), 1);
    json!({"program": "antwerpen", "referral": serde_json::from_str::<Value>(&referral).unwrap()})
}

#[test]
fn a_south_worker_posting_a_north_persons_dossier_learns_nothing_of_it() {
    let s = serve();
    let (ann, bo) = (s.login("ann"), s.login("bo"));
    let dossier = "NORTH-PERSON-5150";
    let (antwerp, ghent) = one_person_in_two_programmes(&s, &ann, dossier);
    // Not in the search, and a duplicate referral names no case and compares nothing.
    let search = format!("csrf={}&dossier={dossier}", token(&s, &bo));
    let (_, page) = form(&s, &bo, "/cases/search", &search);
    for id in [antwerp, ghent] {
        assert!(!page.contains(&format!("/cases/{id}\"")), "{page}");
    }
    let (status, v) = s.post(&bo, "/api/cases", &antwerp_referral(dossier));
    let text = v.to_string();
    assert_eq!(status, 409, "{text}");
    assert!(text.contains("not by your team"), "{text}");
    assert!(
        !text.contains(&format!("case {antwerp}"))
            && !text.contains("same")
            && !text.contains("different"),
        "{text}"
    );
}

#[test]
fn the_api_answers_one_persons_requests_for_a_coordinator_only() {
    let s = serve();
    let (ann, bo, coord) = (s.login("ann"), s.login("bo"), s.login("coord"));
    let dossier = "API-PERSON-3390";
    let (antwerp, ghent) = one_person_in_two_programmes(&s, &ann, dossier);
    let who = json!({"dossier": dossier});
    for social_worker in [&ann, &bo] {
        assert_eq!(s.post(social_worker, "/api/persons/export", &who).0, 403);
    }
    let (status, x) = s.post(&coord, "/api/persons/export", &who);
    assert_eq!(status, 200, "{x}");
    let ids: Vec<i64> = x["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [antwerp, ghent]);
    let (status, v) = s.post(&coord, "/api/persons/erase", &who);
    assert_eq!(status, 400, "a reason is required: {v}");
    let body = json!({"dossier": dossier, "reason": "art. 17 request"});
    let (status, v) = s.post(&coord, "/api/persons/erase", &body);
    assert_eq!(
        (status, v["erased"].clone()),
        (200, json!([antwerp, ghent])),
        "{v}"
    );
    let (status, _) = s.post(&coord, "/api/persons/export", &who);
    assert_eq!(status, 404);
}

#[test]
fn the_record_of_processing_renders_for_every_programme_in_dutch_and_french() {
    for program in ["antwerpen", "gent", "charleroi", "liege", "brussel"] {
        for lang in ["nl", "fr"] {
            let out = traject()
                .args([
                    "record-of-processing",
                    "--program",
                    program,
                    "--lang",
                    lang,
                    "--format",
                    "json",
                ])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let r: Value = serde_json::from_slice(&out.stdout).unwrap();
            let keys: Vec<&str> = r["sections"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["key"].as_str().unwrap())
                .collect();
            assert_eq!(
                keys,
                [
                    "controller",
                    "purposes",
                    "legal_basis",
                    "categories",
                    "special_categories",
                    "recipients",
                    "retention",
                    "storage"
                ]
            );
            let text = r.to_string();
            assert!(text.contains("002:99"), "the legal basis and its source");
            assert!(
                text.contains(if lang == "nl" {
                    "rijksregisternummer"
                } else {
                    "registre national"
                }),
                "{program} {lang}: no national number"
            );
            assert!(
                text.contains("\"to_confirm\":true"),
                "entries for the officer"
            );
            let births = if lang == "nl" {
                "Geboortedatum"
            } else {
                "Date de naissance"
            };
            assert!(text.contains(births), "categories by their names");
            for md in ["md", "html"] {
                let out = traject()
                    .args([
                        "record-of-processing",
                        "--program",
                        program,
                        "--lang",
                        lang,
                        "--format",
                        md,
                    ])
                    .output()
                    .unwrap();
                assert!(out.status.success());
            }
        }
    }
    // The health exits of Charleroi and Brussels are special-category data; Ghent has none.
    let special = |program: &str| {
        let out = traject()
            .args([
                "record-of-processing",
                "--program",
                program,
                "--lang",
                "en",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let r: Value = serde_json::from_slice(&out.stdout).unwrap();
        r["sections"][4]["items"].to_string()
    };
    assert!(special("charleroi")
        .contains("Drop-out for health reasons (drop-out): special category — health"));
    assert!(special("brussel").contains("Serious psychological problems"));
    assert!(
        special("gent").contains("No exit or reason of this programme reveals a special category")
    );
}

#[test]
fn a_programme_without_a_processing_block_is_said_to_lack_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("programs/gent.yaml")).unwrap();
    let start = text.find("\nprocessing:").unwrap();
    let end = text[start + 1..]
        .find("\n# NT2")
        .map_or(text.len(), |e| start + 1 + e);
    let path = dir.path().join("gent.yaml");
    std::fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let out = traject()
        .args([
            "record-of-processing",
            "--program",
            path.to_str().unwrap(),
            "--lang",
            "en",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        md.contains("Not declared in the programme: to be filled in by the data-protection officer (processing.legal_basis)")
            && md.contains("(processing.recipients)"),
        "{md}"
    );
}

#[test]
fn the_record_of_processing_page_is_for_coordinators() {
    let s = serve();
    let (ann, coord) = (s.login("ann"), s.login("coord"));
    let (status, page, _) = call(
        "GET",
        &s.url("/programmes/charleroi/record"),
        Some(&coord),
        None,
    );
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Registre des traitements") && page.contains("santé"),
        "{page}"
    );
    let (status, page, _) = call(
        "GET",
        &s.url("/programmes/charleroi/record"),
        Some(&ann),
        None,
    );
    assert!(
        status == 403 && page.starts_with("<!DOCTYPE html>"),
        "{status}"
    );
}

/// Bytes of every table, index and TOAST file of the database `url`, as its server has them
/// on disk.
fn database_files(url: &str) -> Vec<u8> {
    let target = traject_store::DbTarget::Postgres(url.to_string());
    let store = traject_store::Store::connect(&target).unwrap();
    let folder = traject_store::test_support::database_folder(&store).unwrap();
    let entries = std::fs::read_dir(&folder).unwrap_or_else(|e| {
        panic!(
            "the test reads the server's files: {}: {e}",
            folder.display()
        )
    });
    let mut out = Vec::new();
    for entry in entries.flatten() {
        out.extend(std::fs::read(entry.path()).unwrap_or_default());
    }
    out
}

#[test]
fn on_postgresql_an_erased_persons_values_leave_every_table_and_index() {
    let Some(url) = postgres_database("traject_rights_vacuum") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let dossier = "PG-VACUUM-PERSON-6613";
    let referral = dir.path().join("r.json");
    std::fs::write(
        &referral,
        ELIGIBLE.replacen('{', &format!(r#"{{"id": "{dossier}", "#), 1),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = traject().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "case",
        "new",
        "--program",
        "antwerpen",
        referral.to_str().unwrap(),
        "--db",
        &url,
        "--as-of",
        "2023-01-10",
    ]);
    let files = database_files(&url);
    assert!(
        files
            .windows(dossier.len())
            .any(|w| w == dossier.as_bytes()),
        "the value is on disk"
    );
    run(&[
        "person",
        "erase",
        dossier,
        "--db",
        &url,
        "--reason",
        "art. 17 request",
        "--as-of",
        "2023-02-01",
    ]);
    let files = database_files(&url);
    assert!(
        !files
            .windows(dossier.len())
            .any(|w| w == dossier.as_bytes()),
        "no table or index file of the database holds the dossier number after erasure"
    );
}

#[test]
fn the_api_and_the_intake_page_name_the_exception_that_let_a_client_pass() {
    let s = serve();
    let ann = s.login("ann");
    let referral = json!({
        "referral_date": "2021-02-01", "birth_date": "1995-01-01", "nationality": "NG",
        "residence_status": "trafficking_victim", "residence_ocmw": "antwerpen",
        "income_support": "leefloon", "in_art60": false, "small_social_network": true,
        "integration_difficulty": true, "motivated": true, "help_request_fits": true});
    let (status, v) = s.post(
        &ann,
        "/api/check",
        &json!({"program": "antwerpen", "referral": referral}),
    );
    assert_eq!(status, 200, "{v}");
    let status_rule = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "status")
        .unwrap()
        .clone();
    assert_eq!(status_rule["exception"]["source"], "002:263", "{v}");
    // The intake page shows it in words, with its source.
    let fields: String = referral
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Value::Bool(true) => "yes".to_string(),
                Value::Bool(false) => "no".to_string(),
                other => other.as_str().unwrap().to_string(),
            };
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&");
    let body = format!("csrf={}&program=antwerpen&{fields}", token(&s, &ann));
    let (status, page) = form(&s, &ann, "/intake/verdict", &body);
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("geslaagd via uitzondering") && page.contains("002:263"),
        "{page}"
    );
}
