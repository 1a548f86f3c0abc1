//! Pages a whole team can use, checked in a real browser: axe-core (the npm package, installed
//! by `.ci/run` under `target/axe/`) finds no WCAG 2.1 A or AA violation on any page, for each
//! role, in Dutch and in French; a crawler following every link finds no programme or
//! vocabulary id and no `YYYY-MM-DD` date in the text people read. A screenshot of every page
//! is kept under `target/screenshots/`.

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::browser::{browser, screenshot};
use crate::common::{self, serve_on, Served, ELIGIBLE};

/// axe-core's script: `TRAJECT_AXE`, else `target/axe/node_modules/axe-core/axe.min.js`. Under
/// CI its absence is a failure; elsewhere the test says how to install it and stops.
pub(crate) fn axe_source() -> Option<String> {
    let path = std::env::var_os("TRAJECT_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/axe/node_modules/axe-core/axe.min.js")
        });
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            let how = "install axe-core: npm install --prefix target/axe axe-core@4.10.3";
            if std::env::var_os("CI").is_some() {
                panic!(
                    "CI: the accessibility test needs axe-core at {}: {how}",
                    path.display()
                );
            }
            common::skipped("accessibility", how);
            None
        }
    }
}

/// The WCAG 2.1 A and AA violations axe-core finds on the page the browser shows.
pub(crate) async fn axe(c: &Client, source: &str) -> Vec<String> {
    let script = r#"
        const done = arguments[arguments.length - 1];
        if (!window.axe) { (0, eval)(arguments[0]); }
        window.axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
          .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' — ' +
              v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\n').slice(1, 2).join('')).join(' | '))))
          .catch(e => done(['axe failed: ' + e]));
    "#;
    let v = c.execute_async(script, vec![json!(source)]).await.unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_string())
        .collect()
}

/// A server whose store holds a coordinator, a social worker (team north) and an auditor for
/// each language, and cases in several states.
fn office() -> (Served, Vec<i64>) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let db = db.to_str().unwrap().to_string();
    for lang in ["nl", "fr"] {
        for (role, team) in [
            ("coordinator", None),
            ("social-worker", Some("north")),
            ("auditor", None),
        ] {
            let name = format!("{role}-{lang}");
            let mut args = vec![
                "user",
                "add",
                &name,
                "--role",
                role,
                "--lang",
                lang,
                "--password-stdin",
                "--db",
                &db,
            ];
            if let Some(t) = team {
                args.extend(["--team", t]);
            }
            assert_cmd::Command::cargo_bin("traject")
                .unwrap()
                .args(&args)
                .write_stdin(format!("{name}-passphrase\n"))
                .assert()
                .success();
        }
    }
    let s = serve_on(&db, dir, &[]);
    let worker = s.login("social-worker-nl");
    let referred = s.create(&worker, ELIGIBLE);
    let active = s.create(&worker, ELIGIBLE);
    let closed = s.create(&worker, ELIGIBLE);
    let dropped = s.create(&worker, ELIGIBLE);
    let not_started = s.create(&worker, ELIGIBLE);
    for id in [active, closed, dropped] {
        let (status, v) = s.post(
            &worker,
            &format!("/api/cases/{id}/start"),
            &json!({"track": "short"}),
        );
        assert_eq!(status, 200, "{v}");
    }
    let (status, v) = s.post(
        &worker,
        &format!("/api/cases/{closed}/close"),
        &json!({"exit": "volunteering"}),
    );
    assert_eq!(status, 200, "{v}");
    let (status, v) = s.post(
        &worker,
        &format!("/api/cases/{dropped}/drop"),
        &json!({"exit": "moved"}),
    );
    assert_eq!(status, 200, "{v}");
    let (status, v) = s.post(
        &worker,
        &format!("/api/cases/{not_started}/not-start"),
        &json!({"exit": "no_help_request"}),
    );
    assert_eq!(status, 200, "{v}");
    // The active client attends a group of AMIE's activation course, which meets today
    // (session 1 of the store).
    let db = s.db.to_str().unwrap().to_string();
    let group = [
        "--module",
        "activation_course",
        "--group",
        "Groep A",
        "--as-of",
        "2024-06-01",
    ];
    common::run_on(
        &db,
        &[&["case", "enrol", &active.to_string()], &group[..]].concat(),
    );
    common::run_on(
        &db,
        &[
            &[
                "session",
                "add",
                "--program",
                "antwerpen",
                "--on",
                "2024-06-01",
            ],
            &group[..],
            &["--at", "09:30", "--minutes", "120"],
        ]
        .concat(),
    );
    (s, vec![referred, active, closed, dropped, not_started])
}

/// Log in through the login form as `name`.
async fn login(c: &Client, base: &str, name: &str) {
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("[name=username]"))
        .await
        .unwrap()
        .send_keys(name)
        .await
        .unwrap();
    c.find(Locator::Css("[name=password]"))
        .await
        .unwrap()
        .send_keys(&format!("{name}-passphrase"))
        .await
        .unwrap();
    c.find(Locator::Css("form.login button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for _ in 0..50 {
        if c.current_url().await.unwrap().path() != "/login" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{name} could not log in");
}

/// The pages each role is shown: those its navigation leads to, a case file in each state,
/// the intake empty and filled, and the failures a browser can meet.
fn pages(role: &str, cases: &[i64]) -> Vec<(String, String)> {
    let mut out = vec![
        ("board".to_string(), "/board".to_string()),
        ("whatif".into(), "/whatif?program=antwerpen".into()),
        ("programmes".into(), "/programmes".into()),
        ("programme".into(), "/programmes/liege".into()),
        ("diff".into(), "/programmes/antwerpen?a=2016&b=2022".into()),
        ("editor".into(), "/programmes/liege/edit".into()),
        ("history".into(), "/programmes/liege/history".into()),
        (
            "reports-cost".into(),
            "/reports?program=antwerpen&cost=4200".into(),
        ),
        ("statement".into(), "/accessibility".into()),
        ("account".into(), "/account".into()),
        ("reports".into(), "/reports".into()),
        ("not-found".into(), "/nothing-here".into()),
        ("bad-number".into(), "/cases/abc".into()),
    ];
    if role != "auditor" {
        out.extend([
            ("intake".to_string(), "/intake".to_string()),
            (
                "intake-antwerpen".into(),
                "/intake?program=antwerpen".into(),
            ),
            ("cases".into(), "/cases".into()),
            ("case-referred".into(), format!("/cases/{}", cases[0])),
            ("case-active".into(), format!("/cases/{}", cases[1])),
            ("case-closed".into(), format!("/cases/{}", cases[2])),
            ("case-dropped".into(), format!("/cases/{}", cases[3])),
            ("case-not-started".into(), format!("/cases/{}", cases[4])),
            ("sessions".into(), "/sessions".into()),
            ("attendance".into(), "/sessions/1".into()),
        ]);
    } else {
        out.push(("forbidden".into(), format!("/cases/{}", cases[0])));
        out.push(("sessions-forbidden".into(), "/sessions".into()));
    }
    if role == "coordinator" {
        out.push(("record".into(), "/programmes/antwerpen/record".into()));
    }
    out
}

/// The intake form filled for an eligible referral and for a refused one, as axe sees them.
async fn intake_filled(c: &Client, base: &str, source: &str, lang: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (name, in_art60, verdict) in [
        ("eligible", "no", "eligible"),
        ("refused", "yes", "ineligible"),
    ] {
        c.goto(&format!("{base}/intake?program=antwerpen"))
            .await
            .unwrap();
        for (field, value) in [
            ("referral_date", "2024-05-10"),
            ("birth_date", "1990-05-01"),
            ("nationality", "SY"),
            ("residence_ocmw", "antwerpen"),
            ("income_support", "leefloon"),
            ("in_art60", in_art60),
            ("civic_orientation_completed", "yes"),
            ("motivated", "yes"),
            ("help_request_fits", "yes"),
        ] {
            crate::browser::fill(c, field, value).await;
        }
        crate::browser::until(c, "the verdict", || async {
            crate::browser::attr(c, ".verdict", "data-verdict")
                .await
                .as_deref()
                == Some(verdict)
        })
        .await;
        for v in axe(c, source).await {
            found.push(format!("intake {name} ({lang}): {v}"));
        }
        screenshot(c, &format!("a11y-social-worker-{lang}-intake-{name}")).await;
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_core_for_every_role_in_dutch_and_french() {
    let Some(source) = axe_source() else {
        return;
    };
    let (served, cases) = office();
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let base = served.base.clone();
    let mut found = Vec::new();
    let mut checked = 0;
    for lang in ["nl", "fr"] {
        c.goto(&format!("{base}/login?lang={lang}")).await.unwrap();
        for v in axe(&c, &source).await {
            found.push(format!("login ({lang}): {v}"));
        }
        screenshot(&c, &format!("a11y-login-{lang}")).await;
        for role in ["social-worker", "coordinator", "auditor"] {
            login(&c, &base, &format!("{role}-{lang}")).await;
            for (name, path) in pages(role, &cases) {
                c.goto(&format!("{base}{path}")).await.unwrap();
                checked += 1;
                let page_lang = c
                    .execute("return document.documentElement.lang", vec![])
                    .await
                    .unwrap();
                if page_lang != json!(lang) {
                    found.push(format!(
                        "{name} as {role} ({lang}): the page says lang={page_lang}"
                    ));
                }
                for v in axe(&c, &source).await {
                    found.push(format!("{name} as {role} ({lang}): {v}"));
                }
                screenshot(&c, &format!("a11y-{role}-{lang}-{name}")).await;
            }
            if role == "social-worker" {
                for v in intake_filled(&c, &base, &source, lang).await {
                    found.push(v);
                }
                checked += 2;
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} violations on {checked} pages:\n{}",
        found.len(),
        found.join("\n")
    );
    eprintln!("axe-core: 0 violations on {checked} pages");
}

/// Text people read that holds a code: an id with an underscore the programmes or the
/// vocabulary define, or a date written `YYYY-MM-DD`.
fn codes_in(text: &str, ids: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '-')) {
        let w = word.trim_matches('-');
        // An identifier: lower-case words joined by underscores (`priority_profile`,
        // `cohort_from`), whether a programme, the vocabulary or a table defines it.
        let identifier = w.contains('_')
            && w.split('_').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit())
            });
        if identifier || (w.contains('_') && ids.contains(w)) {
            out.push(format!("id '{w}'"));
        }
        let b = w.as_bytes();
        if b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && w.chars().filter(char::is_ascii_digit).count() == 8
        {
            out.push(format!("date '{w}'"));
        }
    }
    out
}

/// Every id with an underscore the bundled programmes and the vocabulary define.
fn known_ids() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    fn walk(v: &Value, ids: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k.contains('_') {
                        ids.insert(k.clone());
                    }
                    if k == "id" || k == "evaluation" || k == "module" {
                        if let Some(s) = x.as_str().filter(|s| s.contains('_')) {
                            ids.insert(s.to_string());
                        }
                    }
                    walk(x, ids);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, ids)),
            _ => {}
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let vocabulary: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schemas/vocabulary.json")).unwrap(),
    )
    .unwrap();
    walk(&vocabulary, &mut ids);
    for p in ["antwerpen", "gent", "charleroi", "liege", "brussel"] {
        let path = root.join(format!("programs/{p}.yaml"));
        let (_, doc) = traject_model::yaml::read_file(&path, p).unwrap();
        walk(&doc.value, &mut ids);
    }
    // Field names people may read in quoted keys are shown as code, not here; these are words.
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawler_finds_no_codes_and_no_iso_dates_in_what_people_read() {
    let (served, _cases) = office();
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let base = served.base.clone();
    let ids = known_ids();
    let mut found = Vec::new();
    let mut visited = 0;
    // What people read: the page's text without what is shown as code.
    let visible = r#"
        const out = [];
        const skip = 'textarea, pre, code, script, style';
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT,
            {acceptNode: n => n.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
        while (walker.nextNode()) { out.push(walker.currentNode.nodeValue); }
        return out.join(' ');
    "#;
    for lang in ["nl", "fr"] {
        for role in ["social-worker", "coordinator", "auditor"] {
            login(&c, &base, &format!("{role}-{lang}")).await;
            let mut queue: VecDeque<String> = VecDeque::from(["/board".to_string()]);
            let mut seen: BTreeSet<String> = BTreeSet::new();
            while let Some(path) = queue.pop_front() {
                if !seen.insert(path.clone()) || seen.len() > 60 {
                    continue;
                }
                c.goto(&format!("{base}{path}")).await.unwrap();
                visited += 1;
                let text = c.execute(visible, vec![]).await.unwrap();
                for code in codes_in(text.as_str().unwrap_or_default(), &ids) {
                    found.push(format!("{path} as {role} ({lang}): {code}"));
                }
                let links = c
                    .execute(
                        "return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))",
                        vec![],
                    )
                    .await
                    .unwrap();
                for href in links.as_array().unwrap().iter().filter_map(Value::as_str) {
                    let local = href.starts_with('/') && !href.starts_with("//");
                    let download = href.starts_with("/reports/")
                        || href.starts_with("/assets/")
                        || href.starts_with("/api/");
                    if local && !download && !href.starts_with("/login") {
                        queue.push_back(href.split('#').next().unwrap_or(href).to_string());
                    }
                }
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "{} codes on {visited} pages:\n{}",
        found.len(),
        found.join("\n")
    );
    eprintln!("crawler: {visited} pages, no codes");
}

/// A failure as a browser shows it: an HTML page (never JSON or a bare sentence), in `lang`
/// when the user is known, with a way on.
fn assert_page(what: &str, (status, body): (u16, &str), want: u16, lang: Option<&str>) {
    assert_eq!(status, want, "{what}: {body}");
    assert!(
        body.starts_with("<!DOCTYPE html>"),
        "{what}: not a page: {body}"
    );
    assert!(
        body.contains("<main id=\"content\"") && body.contains("href=\"/"),
        "{what}: no way on: {body}"
    );
    if let Some(l) = lang {
        assert!(
            body.contains(&format!("<html lang=\"{l}\"")),
            "{what}: not in {l}: {body}"
        );
        assert!(
            body.contains("<nav aria-label="),
            "{what}: the navigation is missing: {body}"
        );
    }
}

/// A form body announced at 2 MiB, over the server's limit: the server answers before it has
/// read it all (so this writes what it can and then reads the answer).
fn oversized(s: &Served, cookie: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let host = s.base.trim_start_matches("http://");
    let mut tcp = std::net::TcpStream::connect(host).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nOrigin: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        s.base,
        2 << 20
    );
    tcp.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b'x'; 64 << 10];
    for _ in 0..32 {
        if tcp.write_all(&chunk).is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    // A chunked body: the page between its first size line and the end.
    let body = match body.split_once("\r\n") {
        Some((size, rest)) if u64::from_str_radix(size.trim(), 16).is_ok() => rest.to_string(),
        _ => body.to_string(),
    };
    (status, body)
}

#[test]
fn every_failure_a_browser_meets_is_a_page_in_the_users_language() {
    let (s, cases) = office();
    let (coordinator, auditor) = (s.login("coordinator-fr"), s.login("auditor-fr"));
    let url = |p: &str| s.url(p);
    let get = |cookie: &str, p: &str| {
        let (status, body, _) = common::call("GET", &url(p), Some(cookie), None);
        (status, body)
    };
    let (_, case_page) = get(&coordinator, &format!("/cases/{}", cases[1]));
    let csrf = case_page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let form = |cookie: &str, p: &str, body: &str| {
        let (status, text, _) = common::call(
            "POST",
            &url(p),
            Some(cookie),
            Some(("application/x-www-form-urlencoded", body)),
        );
        (status, text)
    };
    let r = get(&auditor, &format!("/cases/{}", cases[0]));
    assert_page("403, an auditor on a case", (r.0, &r.1), 403, Some("fr"));
    let r = get(&coordinator, "/nothing-here");
    assert_page("404", (r.0, &r.1), 404, Some("fr"));
    let r = get(&coordinator, "/cases/abc");
    assert_page("404, not a case number", (r.0, &r.1), 404, Some("fr"));
    let r = form(
        &coordinator,
        &format!("/cases/{}/start", cases[2]),
        &format!("csrf={csrf}"),
    );
    assert_page("409, starting a closed case", (r.0, &r.1), 409, Some("fr"));
    let r = form(
        &coordinator,
        &format!("/cases/{}/evaluate", cases[1]),
        &format!("csrf={csrf}&evaluation=interim&score=abc"),
    );
    assert_page(
        "422, a score that is not a number",
        (r.0, &r.1),
        422,
        Some("fr"),
    );
    let r = form(
        &coordinator,
        &format!("/cases/{}/start", cases[0]),
        "csrf=forged",
    );
    assert_page("403, a forged form", (r.0, &r.1), 403, Some("fr"));
    let r = oversized(&s, &coordinator, &format!("/cases/{}/evaluate", cases[1]));
    assert_page("413, a body over the limit", (r.0, &r.1), 413, None);
    let answer = ureq::post(&url(&format!("/cases/{}/start", cases[0])))
        .set("Cookie", &coordinator)
        .set("Origin", &common::origin_of(&s.base))
        .set("Content-Type", "text/plain")
        .send_string("csrf=x");
    let r = match answer {
        Ok(r) | Err(ureq::Error::Status(_, r)) => (r.status(), r.into_string().unwrap()),
        Err(e) => panic!("{e}"),
    };
    assert_page("415, not a form", (r.0, &r.1), 415, None);
    let (status, body, _) = common::call("GET", &url("/logout"), Some(&coordinator), None);
    assert_page("405, a form's address opened", (status, &body), 405, None);
    // Wrong passwords, again and again: the login page says to wait.
    let mut last = (0, String::new());
    for _ in 0..12 {
        let (_, page, cookie) = common::call("GET", &url("/login?lang=fr"), None, None);
        let token = page
            .split("name=\"login_token\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_string();
        let (status, body, _) = common::call(
            "POST",
            &url("/login?lang=fr"),
            cookie.as_deref(),
            Some((
                "application/x-www-form-urlencoded",
                &format!("login_token={token}&username=coordinator-fr&password=wrong"),
            )),
        );
        last = (status, body);
        if status == 429 {
            break;
        }
    }
    assert_eq!(last.0, 429, "{}", last.1);
    assert!(
        last.1.starts_with("<!DOCTYPE html>") && last.1.contains("<html lang=\"fr\""),
        "{}",
        last.1
    );
    // The database gone: a server error page with a reference for the IT department.
    std::fs::write(&s.db, b"this is no database any more").unwrap();
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", s.db.display()));
    }
    let (status, body, _) = common::call("GET", &url("/board"), Some(&coordinator), None);
    assert!(status >= 500, "{status}: {body}");
    assert!(
        body.starts_with("<!DOCTYPE html>") && body.contains("href=\"/"),
        "{body}"
    );
}

/// WebDriver's keys: Tab, Enter, Space, arrow down.
const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const SPACE: &str = "\u{E00D}";
const DOWN: &str = "\u{E015}";

/// Type `keys` into whatever has the focus.
async fn press(c: &Client, keys: &str) {
    c.active_element()
        .await
        .unwrap()
        .send_keys(keys)
        .await
        .unwrap();
}

/// Press Tab until the focus is on the element `css` selects (at most a page's worth).
async fn tab_to(c: &Client, css: &str) {
    for _ in 0..120 {
        let on = c
            .execute(
                "return document.activeElement.matches(arguments[0])",
                vec![json!(css)],
            )
            .await
            .unwrap();
        if on == json!(true) {
            return;
        }
        press(c, TAB).await;
    }
    screenshot(c, "keyboard-failed").await;
    panic!("Tab never reached {css}");
}

/// Tab to the select `css` and move it down until it holds `value`.
async fn choose(c: &Client, css: &str, value: &str) {
    tab_to(c, css).await;
    let tag = c
        .execute("return document.activeElement.tagName", vec![])
        .await
        .unwrap();
    if tag != json!("SELECT") {
        // A text field: typed.
        return press(c, value).await;
    }
    for _ in 0..60 {
        let v = c
            .execute("return document.activeElement.value", vec![])
            .await
            .unwrap();
        if v == json!(value) {
            return;
        }
        press(c, DOWN).await;
    }
    panic!("{css} never took {value}");
}

/// The value of the field `name` on the page.
async fn value_of(c: &Client, name: &str) -> Value {
    c.execute(
        "return document.querySelector('[name=' + arguments[0] + ']').value",
        vec![json!(name)],
    )
    .await
    .unwrap()
}

async fn wait_for(c: &Client, what: &str, check: &str) {
    for _ in 0..100 {
        if c.execute(check, vec![]).await.unwrap() == json!(true) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    screenshot(c, "keyboard-failed").await;
    panic!("waited in vain for {what}");
}

/// The office in a browser 1024 pixels wide (the narrowest screen the pages are made for),
/// its Dutch social worker logged in with the keyboard and on the board.
async fn at_the_board_by_keyboard() -> Option<(Served, Vec<i64>, crate::browser::Driver, Client)> {
    let (served, cases) = office();
    let (driver, c) = browser().await?;
    c.set_window_size(1024, 900).await.unwrap();
    c.goto(&format!("{}/login?lang=nl", served.base))
        .await
        .unwrap();
    // The user name has the focus when the page opens.
    press(
        &c,
        &format!("social-worker-nl{TAB}social-worker-nl-passphrase{ENTER}"),
    )
    .await;
    wait_for(&c, "the board", "return location.pathname === '/board'").await;
    Some((served, cases, driver, c))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_social_worker_takes_a_case_from_intake_to_closing_with_the_keyboard_only() {
    let Some((_served, _cases, _driver, c)) = at_the_board_by_keyboard().await else {
        return;
    };
    // The skip link comes first, then the navigation.
    press(&c, TAB).await;
    let first = c
        .execute("return document.activeElement.className", vec![])
        .await
        .unwrap();
    assert_eq!(first, json!("skip"), "the first Tab reaches the skip link");
    tab_to(&c, "a[href='/intake']").await;
    press(&c, ENTER).await;
    wait_for(
        &c,
        "the intake form",
        "return location.pathname === '/intake'",
    )
    .await;
    if value_of(&c, "program").await != json!("antwerpen") {
        choose(&c, "form.pick [name=program]", "antwerpen").await;
        press(&c, ENTER).await;
        wait_for(
            &c,
            "AMIE's intake form",
            "return !!document.querySelector('#referral [name=help_request_fits]')",
        )
        .await;
    }
    // Dates typed as the browser's date field takes them (month, day, year here).
    tab_to(&c, "#referral [name=referral_date]").await;
    press(&c, "05102024").await;
    tab_to(&c, "#referral [name=birth_date]").await;
    press(&c, "05011990").await;
    assert_eq!(value_of(&c, "referral_date").await, json!("2024-05-10"));
    tab_to(&c, "#referral [name=nationality]").await;
    press(&c, "SY").await;
    for (name, value) in [
        ("residence_ocmw", "antwerpen"),
        ("income_support", "leefloon"),
        ("in_art60", "no"),
        ("civic_orientation_completed", "yes"),
        ("motivated", "yes"),
        ("help_request_fits", "yes"),
    ] {
        choose(&c, &format!("#referral [name={name}]"), value).await;
    }
    wait_for(
        &c,
        "the verdict 'eligible'",
        "return document.querySelector('.verdict') && document.querySelector('.verdict').dataset.verdict === 'eligible'",
    )
    .await;
    screenshot(&c, "keyboard-1024-intake").await;
    tab_to(&c, "button[value=create]").await;
    press(&c, ENTER).await;
    wait_for(
        &c,
        "the new case file",
        "return location.pathname.startsWith('/cases/')",
    )
    .await;
    screenshot(&c, "keyboard-1024-case").await;
    // Start on the short track.
    choose(&c, "[name=track]", "short").await;
    tab_to(&c, "button[value=start]").await;
    press(&c, ENTER).await;
    wait_for(
        &c,
        "an active case",
        "return document.querySelector('#state').dataset.state === 'active'",
    )
    .await;
    // The intake form is due today: record it with a score.
    choose(&c, "[name=evaluation]", "intake_form").await;
    tab_to(&c, "[name=score]").await;
    press(&c, "3").await;
    tab_to(&c, "button[value=evaluate]").await;
    press(&c, ENTER).await;
    wait_for(
        &c,
        "the evaluation in the history",
        "return [...document.querySelectorAll('.history strong')].some(s => s.dataset.kind === 'evaluated')",
    )
    .await;
    // Close: the exit, the box that confirms, the button.
    choose(&c, "form[action$='/close'] [name=exit]", "volunteering").await;
    tab_to(&c, "form[action$='/close'] [name=confirm]").await;
    press(&c, SPACE).await;
    tab_to(&c, "button[value=close]").await;
    press(&c, ENTER).await;
    wait_for(
        &c,
        "a closed case",
        "return document.querySelector('#state').dataset.state === 'closed'",
    )
    .await;
    screenshot(&c, "keyboard-1024-closed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_social_worker_records_a_groups_attendance_with_the_keyboard_only() {
    let Some((served, cases, _driver, c)) = at_the_board_by_keyboard().await else {
        return;
    };
    let base = served.base.clone();
    tab_to(&c, "a[href='/sessions']").await;
    press(&c, ENTER).await;
    wait_for(
        &c,
        "the sessions",
        "return location.pathname === '/sessions'",
    )
    .await;
    tab_to(&c, "table.sessions a[href='/sessions/1']").await;
    press(&c, ENTER).await;
    wait_for(
        &c,
        "the attendance sheet",
        "return location.pathname === '/sessions/1'",
    )
    .await;
    // The participant's first choice (present) takes the focus; Space ticks it and the arrow
    // keys move within the group: down twice is "absent without excuse".
    let active = cases[1];
    tab_to(&c, &format!("#case-{active}-present")).await;
    press(&c, SPACE).await;
    press(&c, DOWN).await;
    press(&c, DOWN).await;
    tab_to(&c, "form.attendance button[type=submit]").await;
    press(&c, ENTER).await;
    wait_for(
        &c,
        "the sheet with the mark saved",
        &format!("return !!document.querySelector('#case-{active}-absent:checked') && location.pathname === '/sessions/1'"),
    )
    .await;
    screenshot(&c, "attendance-saved").await;
    // The mark is an event of the case, in words.
    c.goto(&format!("{base}/cases/{active}")).await.unwrap();
    let text = c
        .execute("return document.body.innerText", vec![])
        .await
        .unwrap();
    assert!(
        text.as_str()
            .unwrap()
            .contains("aanwezigheid: afwezig zonder verwittiging"),
        "{text}"
    );
}
