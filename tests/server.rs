//! The web application's API, through the real binary (`traject serve`) over HTTP: sessions
//! (401, 429 after ten wrong passwords), roles and teams (403/404), CSRF and content types,
//! the same verdicts as `traject check`, concurrent writers, security headers, the audit trail
//! of reads, and no personal data in the server's log.

use crate::common;

use std::path::Path;

use common::{call, serve, serve_with, traject, ELIGIBLE};
use serde_json::{json, Value};

#[test]
fn sessions_roles_and_teams_decide_what_each_user_may_do() {
    let s = serve();
    assert_eq!(s.get(None, "/api/caseload").0, 401, "no session");
    let wrong = json!({"username": "ann", "password": "not her passphrase"}).to_string();
    let (status, _, cookie) = call(
        "POST",
        &s.url("/api/session"),
        None,
        Some(("application/json", &wrong)),
    );
    assert_eq!((status, cookie), (401, None), "wrong password");

    let ann = s.login("ann");
    let bo = s.login("bo");
    let audrey = s.login("audrey");
    let coord = s.login("coord");

    let id = s.create(&ann, ELIGIBLE);
    assert_eq!(s.get(Some(&ann), &format!("/api/cases/{id}")).0, 200);
    assert_eq!(s.get(Some(&coord), &format!("/api/cases/{id}")).0, 200);
    let (status, body) = s.get(Some(&bo), &format!("/api/cases/{id}"));
    assert_eq!(status, 404, "another team's case is not found: {body}");
    assert!(!body.to_string().contains("1990-05-01"));
    let start = format!("/api/cases/{id}/start");
    assert_eq!(
        s.post(&bo, &start, &json!({})).0,
        404,
        "nor can it be acted on"
    );

    let check = json!({"program": "antwerpen", "referral": serde_json::from_str::<Value>(ELIGIBLE).unwrap()});
    assert_eq!(
        s.post(&audrey, "/api/cases", &check).0,
        403,
        "auditors create no case"
    );
    assert_eq!(s.get(Some(&audrey), &format!("/api/cases/{id}")).0, 403);
    assert_eq!(
        s.post(&audrey, "/api/check", &check).0,
        403,
        "nor see a referral"
    );
    let (status, caseload) = s.get(Some(&audrey), "/api/caseload");
    assert_eq!(status, 200);
    assert_eq!(caseload["programs"][0]["program"], "antwerpen");

    let short = json!({"track": "short"});
    let (status, outcome) = s.post(&ann, &start, &short);
    assert_eq!((status, &outcome["outcome"]), (200, &json!("Started")));
    let (status, refused) = s.post(&ann, &start, &short);
    assert_eq!(status, 409, "starting twice is refused");
    assert!(
        refused["error"].as_str().unwrap().contains("is active"),
        "{refused}"
    );

    // The audit trail names who read the case file.
    let out = traject()
        .args([
            "audit",
            "--case",
            &id.to_string(),
            "--format",
            "json",
            "--db",
        ])
        .arg(&s.db)
        .output()
        .unwrap();
    let trail: Value = serde_json::from_slice(&out.stdout).unwrap();
    let readers: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "read")
        .map(|r| r["actor"].as_str().unwrap())
        .collect();
    assert_eq!(readers, ["ann", "coord"], "{trail}");

    // Logged out, the cookie opens nothing.
    let (status, _, _) = call(
        "DELETE",
        &s.url("/api/session"),
        Some(&ann),
        Some(("application/json", "")),
    );
    assert_eq!(status, 204);
    assert_eq!(s.get(Some(&ann), "/api/caseload").0, 401);
}

#[test]
fn writes_need_json_and_forms_need_the_session_csrf_token() {
    let s = serve();
    let ann = s.login("ann");
    let referral = format!(r#"{{"program": "antwerpen", "referral": {ELIGIBLE}}}"#);
    let (status, _, _) = call(
        "POST",
        &s.url("/api/cases"),
        Some(&ann),
        Some(("text/plain", &referral)),
    );
    assert_eq!(
        status, 403,
        "a request that is neither from traject's pages nor declared JSON is refused"
    );
    let id = s.create(&ann, ELIGIBLE);
    let (status, _, _) = call(
        "POST",
        &s.url(&format!("/cases/{id}/start")),
        Some(&ann),
        Some(("application/x-www-form-urlencoded", "csrf=forged")),
    );
    assert_eq!(status, 403, "a form without the session's token is refused");
    let (_, case) = s.get(Some(&ann), &format!("/api/cases/{id}"));
    assert_eq!(case["case"]["state"], "referred", "and changed nothing");

    // A bad field is located in the request body.
    let bad = r#"{"program": "antwerpen",
  "referral": {"referral_date": "2023-01-10", "birth_date": "31/02/1990"}}"#;
    let (status, text, _) = call(
        "POST",
        &s.url("/api/check"),
        Some(&ann),
        Some(("application/json", bad)),
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["diagnostics"][0]["line"], 2, "{v}");
    assert_eq!(v["diagnostics"][0]["file"], "request body");
    let unknown = json!({"program": "antwerpen", "referal": {}});
    let (status, v) = s.post(&ann, "/api/check", &unknown);
    assert_eq!(status, 400);
    assert!(v["error"].as_str().unwrap().contains("referal"), "{v}");
}

#[test]
fn every_bundled_test_referral_gets_the_same_verdict_from_the_api_as_from_the_cli() {
    let s = serve();
    let ann = s.login("ann");
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/tests");
    let mut compared = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = traject_model::yaml::parse("t", &text).unwrap();
        let program = path.file_stem().unwrap().to_str().unwrap();
        for t in doc.value["tests"].as_array().unwrap() {
            if t.get("options").is_some() || t.get("referral").is_none() {
                continue;
            }
            let file = dir.path().join(format!("r{compared}.json"));
            std::fs::write(&file, t["referral"].to_string()).unwrap();
            let cli = traject()
                .args(["check", "--program", program, "--format", "json"])
                .arg(&file)
                .output()
                .unwrap();
            let body = json!({"program": program, "referral": t["referral"]});
            let (status, api) = s.post(&ann, "/api/check", &body);
            if cli.status.success() {
                let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
                assert_eq!((status, &api), (200, &cli), "{}: {}", program, t["name"]);
            } else {
                assert_eq!(status, 422, "{}: {} — {api}", program, t["name"]);
            }
            compared += 1;
        }
    }
    assert!(compared >= 50, "only {compared} referrals compared");
}

#[test]
fn concurrent_workers_through_the_server_never_overfill_capacity() {
    let s = serve();
    let ann = s.login("ann");
    let coord = s.login("coord");
    // Antwerp 2022: 2 FTE × 20 cases = 40 places; 45 referrals from 5 workers at once.
    std::thread::scope(|scope| {
        for w in 0..5 {
            let (s, ann) = (&s, &ann);
            scope.spawn(move || {
                for i in 0..9 {
                    let referral = ELIGIBLE.replacen('{', &format!(r#"{{"id": "D-{w}-{i}", "#), 1);
                    let id = s.create(ann, &referral);
                    let start = format!("/api/cases/{id}/start");
                    let (status, v) = s.post(ann, &start, &json!({"track": "short"}));
                    assert_eq!(status, 200, "{v}");
                }
            });
        }
    });
    let (_, caseload) = s.get(Some(&coord), "/api/caseload");
    let row = &caseload["programs"][0];
    assert_eq!(
        (row["active"].as_i64(), row["waiting"].as_i64()),
        (Some(40), Some(5)),
        "{caseload}"
    );
}

/// The case numbers a page of the case list shows, and its "next page" address.
fn list_page(s: &common::Served, cookie: &str, path: &str) -> (Vec<i64>, Option<String>) {
    let (status, page, _) = call("GET", &s.url(path), Some(cookie), None);
    assert_eq!(status, 200, "{path}");
    let ids = page
        .split("<td><a href=\"/cases/")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect();
    let next = page
        .split(" rel=\"next\"")
        .next()
        .filter(|_| page.contains("rel=\"next\""))
        .map(|before| {
            let at = before.rfind("href=\"").unwrap() + "href=\"".len();
            before[at..].trim_end_matches('"').replace("&amp;", "&")
        });
    (ids, next)
}

/// Every page of the list from `first` on, in order, each page's numbers.
fn every_list_page(s: &common::Served, cookie: &str, first: &str) -> Vec<Vec<i64>> {
    let mut pages = Vec::new();
    let mut at = Some(first.to_string());
    while let Some(path) = at {
        let (ids, next) = list_page(s, cookie, &path);
        pages.push(ids);
        at = next;
        assert!(pages.len() < 10, "the pages end");
    }
    pages
}

#[test]
fn the_case_list_pages_through_every_case_once_in_order_and_names_a_bad_filter() {
    let s = serve();
    let ann = s.login("ann");
    let coord = s.login("coord");
    // 45 started at Antwerp's 40 places (5 wait, with a place on the list), 65 only referred.
    let (mut started, mut waiting, mut referred) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..110 {
        let referral = ELIGIBLE.replacen('{', &format!(r#"{{"id": "L-{i}", "#), 1);
        let id = s.create(&ann, &referral);
        if i < 45 {
            let (status, v) = s.post(
                &ann,
                &format!("/api/cases/{id}/start"),
                &json!({"track": "short"}),
            );
            assert_eq!(status, 200, "{v}");
            if v["outcome"].get("Waiting").is_some() {
                waiting.push(id)
            } else {
                started.push(id)
            }
        } else {
            referred.push(id);
        }
    }
    assert_eq!((started.len(), waiting.len()), (40, 5));

    // Every case once, 50 a page, the waiting list's places after the rest, each part by number.
    let pages = every_list_page(&s, &coord, "/cases");
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [50, 50, 10]);
    let listed: Vec<i64> = pages.concat();
    let mut expected: Vec<i64> = started.iter().chain(&referred).copied().collect();
    expected.sort();
    expected.extend(&waiting);
    assert_eq!(listed, expected);

    // A filter holds from page to page.
    let pages = every_list_page(&s, &coord, "/cases?program=antwerpen&state=referred");
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [50, 15]);
    assert_eq!(pages.concat(), referred);
    assert_eq!(
        every_list_page(&s, &coord, "/cases?state=waiting").concat(),
        waiting
    );

    // A social worker of another team sees none of Ann's cases on any page.
    let bo = s.login("bo");
    assert_eq!(
        every_list_page(&s, &bo, "/cases").concat(),
        Vec::<i64>::new()
    );

    // A value the form does not offer is named, on a page in the reader's language.
    for (path, field) in [
        ("/cases?state=lost", "state"),
        ("/cases?after=12", "after"),
        ("/cases?after=-1-5", "after"),
    ] {
        let (status, page, _) = call("GET", &s.url(path), Some(&coord), None);
        assert_eq!(status, 400, "{path}");
        assert!(
            page.contains(&format!("<code>{field}</code>")) || page.contains(&format!("`{field}`")),
            "{path}: {page}"
        );
    }
}

/// The active count the board shows for Antwerp.
fn board_active(s: &common::Served, cookie: &str) -> String {
    let (status, page, _) = call("GET", &s.url("/board"), Some(cookie), None);
    assert_eq!(status, 200);
    let from = page
        .find("id=\"board-antwerpen\"")
        .expect("Antwerp's section");
    let rest = &page[from..];
    let at = rest.find("data-active=\"").expect("its active count") + "data-active=\"".len();
    rest[at..].split('"').next().unwrap().to_string()
}

#[test]
fn the_board_shows_a_write_through_the_server_at_once_and_one_from_elsewhere_within_seconds() {
    // The board's figures are kept a few seconds: a write through this server drops them.
    let s = serve();
    let ann = s.login("ann");
    let coord = s.login("coord");
    assert_eq!(board_active(&s, &coord), "0");
    for i in 0..2 {
        let referral = ELIGIBLE.replacen('{', &format!(r#"{{"id": "BOARD-{i}", "#), 1);
        let id = s.create(&ann, &referral);
        let (status, v) = s.post(
            &ann,
            &format!("/api/cases/{id}/start"),
            &json!({"track": "short"}),
        );
        assert_eq!(status, 200, "{v}");
        assert_eq!(board_active(&s, &coord), (i + 1).to_string());
    }
    // A case started through the command line, beside the server, shows within seconds.
    let dir = tempfile::tempdir().unwrap();
    let referral = dir.path().join("r.json");
    std::fs::write(
        &referral,
        ELIGIBLE.replacen('{', r#"{"id": "BOARD-CLI", "#, 1),
    )
    .unwrap();
    let db = s.db.to_str().unwrap();
    let out = common::traject()
        .args(["case", "new", "--program", "antwerpen", "--db", db])
        .arg(&referral)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = common::traject()
        .args(["case", "start", "3", "--track", "short", "--db", db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let since = std::time::Instant::now();
    while board_active(&s, &coord) != "3" {
        assert!(
            since.elapsed() < std::time::Duration::from_secs(8),
            "the board still shows {}",
            board_active(&s, &coord)
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn pages_carry_security_headers_no_inline_script_and_the_log_no_personal_data() {
    let s = serve();
    let resp = ureq::get(&s.url("/login")).call().unwrap();
    let csp = resp.header("content-security-policy").unwrap().to_string();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(resp.header("x-content-type-options"), Some("nosniff"));
    let html = resp.into_string().unwrap();
    assert!(html.contains(r#"<script src="/assets/app.js""#));
    assert!(!html.contains("<script>"), "no inline script");
    let (status, _, _) = call("GET", &s.url("/board"), None, None);
    assert_eq!(
        status, 200,
        "without a session the board sends to the login form"
    );

    let ann = s.login("ann");
    let marked = ELIGIBLE.replacen('{', r#"{"id": "DOSSIER-7731-XZ", "#, 1);
    let id = s.create(&ann, &marked);
    s.get(Some(&ann), &format!("/api/cases/{id}"));
    let log = std::fs::read_to_string(&s.log).unwrap();
    assert!(log.contains("event appended"), "the log is on: {log}");
    for personal in ["DOSSIER-7731-XZ", "1990-05-01", "ann-passphrase"] {
        assert!(!log.contains(personal), "{personal} in the log");
    }
}

#[test]
fn a_broken_save_keeps_the_last_good_programme_in_force_and_shows_where_it_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = dir.path().join("antwerpen.yaml");
    let good = std::fs::read_to_string(root.join("programs/antwerpen.yaml")).unwrap();
    std::fs::write(&file, &good).unwrap();
    let s = common::serve_with(&["--programs", dir.path().to_str().unwrap()]);
    let coord = s.login("coord");
    let check = json!({"program": "antwerpen", "referral": serde_json::from_str::<Value>(ELIGIBLE).unwrap()});
    assert_eq!(
        s.post(&coord, "/api/check", &check).1["verdict"],
        "eligible"
    );

    // Break the file: the caseload norm becomes text. Make sure the modification time moves.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let broken = good.replacen("caseload_per_fte: 25", "caseload_per_fte: twenty", 1);
    assert_ne!(broken, good, "the test edits a real line");
    std::fs::write(&file, broken).unwrap();
    let (status, v) = s.post(&coord, "/api/check", &check);
    assert_eq!(
        (status, &v["verdict"]),
        (200, &json!("eligible")),
        "the last good version answers"
    );
    let (status, page, _) = call("GET", &s.url("/programmes"), Some(&coord), None);
    assert_eq!(status, 200);
    assert!(
        page.contains("antwerpen.yaml:"),
        "the problem is located: {page}"
    );
    assert!(page.contains("twenty"), "{page}");
}

#[test]
fn the_demonstration_starts_with_sample_cases_and_one_user_per_role() {
    let mut child = traject()
        .args([
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--as-of",
            "2024-06-01",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()));
    let mut users = std::collections::BTreeMap::new();
    let base = loop {
        let line = lines.next().unwrap().unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [name, role, _team, password] = words[..] {
            users.insert(role.to_string(), (name.to_string(), password.to_string()));
        }
        if let Some(rest) = line.split("http://").nth(1) {
            break format!("http://{}", rest.split('/').next().unwrap());
        }
    };
    let roles: Vec<&str> = users.keys().map(String::as_str).collect();
    assert_eq!(roles, ["auditor", "coordinator", "social_worker"]);
    let (name, password) = &users["auditor"];
    let body = json!({"username": name, "password": password}).to_string();
    let (status, _, cookie) = call(
        "POST",
        &format!("{base}/api/session"),
        None,
        Some(("application/json", &body)),
    );
    assert_eq!(status, 200);
    let (_, text, _) = call(
        "GET",
        &format!("{base}/api/caseload"),
        cookie.as_deref(),
        None,
    );
    let caseload: Value = serde_json::from_str(&text).unwrap();
    let active: i64 = caseload["programs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["active"].as_i64().unwrap())
        .sum();
    assert!(active > 0, "{caseload}");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn an_auditor_downloads_reports_as_csv_and_excel() {
    let s = serve();
    let ann = s.login("ann");
    let id = s.create(&ann, ELIGIBLE);
    s.post(
        &ann,
        &format!("/api/cases/{id}/start"),
        &json!({"track": "short"}),
    );
    let audrey = s.login("audrey");
    let period = "program=antwerpen&from=2023-01-01&to=2024-05-31";
    let get = |path: &str| {
        let resp = match ureq::get(&s.url(path)).set("Cookie", &audrey).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{path}: {e}"),
        };
        let (status, kind) = (resp.status(), resp.content_type().to_string());
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut resp.into_reader(), &mut body).unwrap();
        (status, kind, body)
    };
    let (status, kind, body) = get(&format!("/reports/activity.xlsx?{period}"));
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    assert_eq!(&body[..2], b"PK");
    let (status, _, body) = get(&format!("/reports/activity.csv?{period}"));
    assert_eq!(status, 200);
    assert!(String::from_utf8(body).unwrap().contains("referred"));
    let (status, _, _) = get(&format!("/reports/funding.csv?{period}"));
    assert_eq!(status, 422, "the funding report needs the staff cost");
    let (status, _, body) = get(&format!("/reports/funding.csv?{period}&cost=4000"));
    assert_eq!(status, 200);
    assert!(String::from_utf8(body).unwrap().contains("amif"));
    let (status, _, page) = get(&format!("/reports?{period}&cost=4000"));
    assert_eq!(status, 200);
    assert!(
        !String::from_utf8(page).unwrap().contains("1990-05-01"),
        "figures, never a person"
    );
}

#[test]
fn a_refused_action_on_a_case_page_is_explained_in_the_pages_language() {
    let s = serve();
    let ann = s.login("ann");
    let id = s.create(&ann, ELIGIBLE);
    let start = format!("/cases/{id}/start");
    let (status, _) = s.post(&ann, &format!("/api{start}"), &json!({"track": "short"}));
    assert_eq!(status, 200);
    // The case file of an Antwerp case is in Dutch; its forms carry the session's token.
    let (status, page, _) = call("GET", &s.url(&format!("/cases/{id}")), Some(&ann), None);
    assert_eq!(status, 200);
    let token = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page's forms carry a token");
    let (status, page, _) = call(
        "POST",
        &s.url(&start),
        Some(&ann),
        Some((
            "application/x-www-form-urlencoded",
            &format!("csrf={token}&track=short"),
        )),
    );
    assert_eq!(status, 409, "starting twice is refused");
    let problem = page
        .split("class=\"problem\"")
        .nth(1)
        .expect("the refusal is shown on the page");
    assert!(
        problem.contains(&format!(
            "dossier {id} is actief: `start` kan niet. Nu mogelijk: "
        )),
        "{problem}"
    );
    assert!(
        !page.contains("is not possible"),
        "no English on a Dutch page"
    );
    // A page that cannot be shown says why in the user's language: Dutch for ann, French for
    // a worker whose pages are set to French.
    let (status, page, _) = call("GET", &s.url("/cases/999999"), Some(&ann), None);
    assert_eq!(status, 404);
    assert!(page.contains("er is geen dossier 999999"), "{page}");
    assert_cmd::Command::cargo_bin("traject")
        .unwrap()
        .env("LC_ALL", "C")
        .args([
            "user",
            "add",
            "fleur",
            "--role",
            "social-worker",
            "--team",
            "north",
        ])
        .args([
            "--lang",
            "fr",
            "--password-stdin",
            "--db",
            s.db.to_str().unwrap(),
        ])
        .write_stdin("fleur-passphrase\n")
        .assert()
        .success();
    let fleur = s.login("fleur");
    let (status, page, _) = call("GET", &s.url("/cases/999999"), Some(&fleur), None);
    assert_eq!(status, 404);
    assert!(page.contains("<html lang=\"fr\""), "{page}");
    assert!(
        page.contains("il n&#39;y a pas de dossier 999999")
            || page.contains("il n'y a pas de dossier 999999"),
        "{page}"
    );
    // The API keeps one language for programs that read it.
    let (_, refused) = s.post(&ann, &format!("/api{start}"), &json!({"track": "short"}));
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("is not possible"),
        "{refused}"
    );
}

#[test]
fn health_answers_without_login_and_sigterm_stops_the_server_cleanly() {
    let mut s = serve();
    let (status, v) = s.get(None, "/healthz");
    assert_eq!((status, &v["status"]), (200, &json!("ok")));
    let (status, v) = s.get(None, "/readyz");
    assert_eq!(status, 200, "{v}");
    assert_eq!((&v["status"], &v["store"]), (&json!("ready"), &json!("ok")));
    assert!(v["programmes"].as_u64().unwrap() >= 5, "{v}");
    let resp = ureq::get(&s.url("/healthz")).call().unwrap();
    assert!(resp.header("x-request-id").is_some_and(|id| id.len() > 8));
    // SIGTERM: the server stops taking requests and exits by itself, successfully.
    let pid = s.child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "stopped within 10 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn metrics_answer_only_with_their_token_name_routes_not_cases_and_parse_as_prometheus_text() {
    let plain = serve();
    assert_eq!(
        plain.get(None, "/metrics").0,
        404,
        "no token configured, no metrics"
    );
    let s = serve_with(&["--metrics-token", "a-long-metrics-token"]);
    let ann = s.login("ann");
    let id = s.create(&ann, ELIGIBLE);
    assert_eq!(s.get(Some(&ann), &format!("/api/cases/{id}")).0, 200);
    assert_eq!(s.get(Some(&ann), "/api/cases/99999").0, 404);
    assert_eq!(s.get(None, "/metrics").0, 401);
    let wrong = ureq::get(&s.url("/metrics"))
        .set("Authorization", "Bearer not-the-token")
        .call();
    assert!(matches!(wrong, Err(ureq::Error::Status(401, _))));
    let text = ureq::get(&s.url("/metrics"))
        .set("Authorization", "Bearer a-long-metrics-token")
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(
        text.contains(
            r#"traject_http_requests_total{route="/api/cases/{id}",method="GET",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"status="404"} 1"#), "{text}");
    // Routes are patterns: no label names a case number (or any number).
    let routes: Vec<&str> = text
        .split("route=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(routes.contains(&"/api/cases/{id}"), "{routes:?}");
    assert!(
        routes
            .iter()
            .all(|r| !r.chars().any(|c| c.is_ascii_digit())),
        "no case numbers in labels: {routes:?}"
    );
    assert!(
        text.contains(r#"traject_cases{program="antwerpen",state="waiting"}"#)
            || text.contains(r#"traject_cases{program="antwerpen",state="active"}"#),
        "{text}"
    );
    assert!(
        text.contains("traject_evaluations_overdue{program=\"antwerpen\"}"),
        "{text}"
    );
    assert!(
        text.contains("traject_http_request_duration_seconds_bucket"),
        "{text}"
    );
    // SQLite serialises every writer: no programme's lock is taken, and none counted.
    assert!(
        text.contains("\ntraject_programme_locks_total 0\n"),
        "{text}"
    );
    let Some(bin) = crate::common::python_tools("metrics", &["python"]) else {
        return;
    };
    let parse = "import sys\nfrom prometheus_client.parser import text_string_to_metric_families\nfamilies = list(text_string_to_metric_families(sys.stdin.read()))\nprint(len(families))";
    let mut child = std::process::Command::new(bin.join("python"))
        .args(["-c", parse])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let families: usize = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    assert!(families >= 7, "{families} metric families");
}

#[test]
fn with_log_format_json_every_log_line_is_a_json_object() {
    let s = serve_with(&["--log-format", "json"]);
    s.login("ann");
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = std::fs::read_to_string(&s.log).unwrap();
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        !lines.is_empty(),
        "the server logs at debug level in the tests"
    );
    for line in lines {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            v["level"].is_string() && v["timestamp"].is_string(),
            "{line}"
        );
    }
}
