//! The server against a hostile user (issue "a server no request can take down"): each attack
//! found by hand is a test that now gets its documented answer — a 4xx within the deadline,
//! memory within its bound, nothing stored, no leak, the owner still logs in.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::{call, origin_of, serve, serve_with, Served, ELIGIBLE};

/// A request with extra headers: (status, headers we look at, body).
fn raw(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, Vec<(String, String)>, String) {
    // Redirects are answers here: not followed.
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let mut req = agent.request(method, url);
    for (k, v) in headers {
        req = req.set(k, v);
    }
    let result = match body {
        Some(b) => req.send_string(b),
        None => req.call(),
    };
    let resp = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = resp.status();
    let names = resp.headers_names();
    let kept = names
        .iter()
        .map(|n| (n.clone(), resp.header(n).unwrap_or_default().to_string()))
        .collect();
    (status, kept, resp.into_string().unwrap_or_default())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The server's resident memory now and at its peak, in KiB (Linux `/proc`).
fn memory_kib(s: &Served) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{}/status", s.child.id())).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap()
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The bound on what one request may add to the server's memory (README, Security).
const REQUEST_MEMORY_BOUND_KIB: u64 = 256 * 1024;

#[test]
fn impossible_and_oversized_forecasts_are_refused_at_once_with_the_limit_named() {
    let s = serve();
    let audrey = s.login("audrey");
    let started = Instant::now();
    let (status, text, _) = call(
        "GET",
        &s.url("/whatif?program=antwerpen&demand=1e9"),
        Some(&audrey),
        None,
    );
    assert_eq!(status, 422, "{text}");
    assert!(
        text.contains("100"),
        "the page names the largest factor: {text}"
    );
    let asks = [
        json!({"program": "antwerpen", "demand_factor": 1000, "runs": 1000, "months": 120}),
        json!({"program": "antwerpen", "demand_factor": 100, "runs": 1000, "months": 120}),
        json!({"program": "antwerpen", "fte": -1}),
        json!({"program": "antwerpen", "fte": 1e-300}),
        json!({"program": "antwerpen", "fte": 1e300}),
        json!({"program": "antwerpen", "runs": 5000}),
    ];
    for ask in asks {
        let (status, v) = s.post(&audrey, "/api/simulate", &ask);
        assert_eq!(status, 422, "{ask}: {v}");
        assert!(v["error"].as_str().unwrap().len() > 20, "{v}");
    }
    let (_, too_much) = s.post(
        &audrey,
        "/api/simulate",
        &json!({"program": "antwerpen", "demand_factor": 100, "runs": 1000, "months": 120}),
    );
    let error = too_much["error"].as_str().unwrap();
    assert!(error.contains("2000000"), "the limit is named: {error}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "refused before any work"
    );
}

/// The largest demand factor the server accepts for 1000 runs of 120 months, read from its
/// refusal of a larger one (which names its estimate).
fn largest_allowed_factor(s: &Served, cookie: &str) -> f64 {
    let (status, v) = s.post(
        cookie,
        "/api/simulate",
        &json!({"program": "antwerpen", "demand_factor": 100, "runs": 1000, "months": 120}),
    );
    assert_eq!(status, 422, "{v}");
    let error = v["error"].as_str().unwrap();
    let estimate: f64 = error
        .split("about ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the refusal names the estimate: {error}"));
    // estimate = runs × (factor × referrals per run + months): solve for just under the limit.
    let per_unit_factor = (estimate / 1000.0 - 120.0) / 100.0;
    (1_990_000.0 / 1000.0 - 120.0) / per_unit_factor
}

#[test]
fn the_largest_allowed_simulation_stays_within_the_memory_bound() {
    let s = serve();
    let audrey = s.login("audrey");
    // Warm up: the programmes compiled, the connection pool filled, the threads made.
    let (status, _) = s.post(&audrey, "/api/simulate", &json!({"program": "antwerpen"}));
    assert_eq!(status, 200);
    let (idle, _) = memory_kib(&s);
    let factor = largest_allowed_factor(&s, &audrey);
    let ask = json!({"program": "antwerpen", "demand_factor": factor, "runs": 1000, "months": 120});
    let t = Instant::now();
    let (status, v) = s.post(&audrey, "/api/simulate", &ask);
    assert_eq!(status, 200, "the largest allowed simulation runs: {v}");
    let (_, peak) = memory_kib(&s);
    eprintln!(
        "largest allowed simulation: factor {factor:.2}, {:?}; idle {idle} KiB, peak {peak} KiB",
        t.elapsed()
    );
    assert!(
        peak.saturating_sub(idle) < REQUEST_MEMORY_BOUND_KIB,
        "the worst allowed simulation (factor {factor:.1}) grew the server from {idle} KiB to a peak of {peak} KiB"
    );
    let (status, text, _) = call(
        "GET",
        &s.url("/whatif?program=antwerpen&demand=2&months=120"),
        Some(&audrey),
        None,
    );
    assert_eq!(
        status, 200,
        "the largest what-if the page offers runs: {text}"
    );
    let (_, peak) = memory_kib(&s);
    assert!(
        peak.saturating_sub(idle) < REQUEST_MEMORY_BOUND_KIB,
        "the largest what-if page grew the server from {idle} KiB to {peak} KiB"
    );
    // The other computing answers at their largest: a check with a body at the 1 MiB limit,
    // the FTE solver on the what-if page, and the reports over twenty years.
    let ann = s.login("ann");
    let padded = ELIGIBLE.replacen('{', &format!(r#"{{"id": "{}", "#, "x".repeat(1_000_000)), 1);
    let body = format!(r#"{{"program": "antwerpen", "referral": {padded}}}"#);
    let (status, _, _) = call(
        "POST",
        &s.url("/api/check"),
        Some(&ann),
        Some(("application/json", &body)),
    );
    assert!(status == 200 || status == 422, "{status}");
    for path in [
        "/whatif?program=antwerpen&demand=2&solve=1",
        "/reports?program=antwerpen&from=2004-01-01&to=2024-06-01&cost=5000",
    ] {
        let (status, text, _) = call("GET", &s.url(path), Some(&audrey), None);
        assert_eq!(status, 200, "{path}: {text}");
    }
    let (_, peak) = memory_kib(&s);
    assert!(
        peak.saturating_sub(idle) < REQUEST_MEMORY_BOUND_KIB,
        "checks, the solver and long reports grew the server from {idle} KiB to {peak} KiB"
    );
}

fn login_from(s: &Served, address: &str, name: &str, password: &str) -> (u16, Option<String>) {
    let body = json!({"username": name, "password": password}).to_string();
    let (status, headers, _) = raw(
        "POST",
        &s.url("/api/session"),
        &[
            ("Content-Type", "application/json"),
            ("X-Forwarded-For", address),
        ],
        Some(&body),
    );
    (status, header(&headers, "retry-after").map(str::to_string))
}

#[test]
fn guessing_from_one_address_slows_that_address_and_never_locks_the_owner_out() {
    let s = serve_with(&["--trusted-proxy", "127.0.0.1"]);
    let attacker = "203.0.113.7";
    for i in 1..=5 {
        assert_eq!(login_from(&s, attacker, "bo", "guess").0, 401, "try {i}");
    }
    let (status, retry) = login_from(&s, attacker, "bo", "guess");
    assert_eq!(status, 429, "the sixth try from there waits");
    assert!(retry.is_some_and(|r| r.parse::<i64>().unwrap() >= 1));
    assert_eq!(
        login_from(&s, attacker, "bo", "bo-passphrase").0,
        429,
        "from the guessing address even the right password waits"
    );
    assert_eq!(
        login_from(&s, "198.51.100.2", "bo", "bo-passphrase").0,
        200,
        "the owner logs in from their own address"
    );
    // The throttling is in the audit trail, under the address (never a name's text).
    let store = traject_store::Store::open(&s.db).unwrap();
    let trail = store.audit_of(&format!("address:{attacker}")).unwrap();
    assert_eq!(trail.len(), 1, "{trail:?}");
    assert!(trail[0].action.contains("throttled"), "{trail:?}");

    // A hundred failures from one address close it for every name.
    let flood = "203.0.113.99";
    for i in 0..100 {
        login_from(&s, flood, &format!("nobody{i}"), "guess");
    }
    assert_eq!(login_from(&s, flood, "ann", "ann-passphrase").0, 429);
    assert_eq!(
        login_from(&s, "198.51.100.3", "ann", "ann-passphrase").0,
        200
    );
}

#[test]
fn forwarded_addresses_count_only_from_a_trusted_proxy() {
    let s = serve();
    // Without --trusted-proxy the header is the client's own claim, and is ignored.
    for i in 0..5 {
        login_from(&s, &format!("192.0.2.{i}"), "bo", "guess");
    }
    // Every try came from one address, so the waits begin (1 s, then 2, 4 …: a try that a
    // busy machine sends after the wait counts as one more failure). Were the header believed,
    // each try would be a first failure from a new address and none would ever wait.
    let throttled =
        (200..206).any(|i| login_from(&s, &format!("192.0.2.{i}"), "bo", "guess").0 == 429);
    assert!(
        throttled,
        "tries with made-up forwarded addresses count against the real one"
    );
}

#[test]
fn huge_unknown_names_leave_nothing_behind_and_cost_what_known_names_cost() {
    let s = serve();
    let size = |s: &Served| {
        ["", "-wal"]
            .iter()
            .map(|x| std::fs::metadata(format!("{}{x}", s.db.display())).map_or(0, |m| m.len()))
            .sum::<u64>()
    };
    let before = size(&s);
    let name = "A".repeat(1 << 19);
    for _ in 0..20 {
        let body = json!({"username": name, "password": "x"}).to_string();
        let (status, _, _) = call(
            "POST",
            &s.url("/api/session"),
            None,
            Some(("application/json", &body)),
        );
        assert_eq!(status, 401);
    }
    let grown = size(&s).saturating_sub(before);
    assert!(
        grown < 200_000,
        "20 huge names grew the store by {grown} bytes"
    );
    let bytes = std::fs::read(&s.db).unwrap();
    assert!(
        !bytes.windows(64).any(|w| w.iter().all(|b| *b == b'A')),
        "no name's text is stored"
    );
    let store = traject_store::Store::open(&s.db).unwrap();
    assert!(store.count(traject_store::Table::LoginThrottle).unwrap() <= 2);

    // The same argon2 work for a name that exists and one that does not (medians of 7),
    // measured in turns so that load on the machine falls on both alike; the known names take
    // turns too, so that none reaches the throttle (5 free failures) and answers at once.
    let time = |name: &str, i: usize| {
        let body = json!({"username": name, "password": format!("wrong{i}")}).to_string();
        let t = Instant::now();
        call(
            "POST",
            &s.url("/api/session"),
            None,
            Some(("application/json", &body)),
        );
        t.elapsed()
    };
    let users = ["coord", "ann", "bo", "audrey"];
    let (mut known, mut unknown): (Vec<Duration>, Vec<Duration>) = (0..7)
        .map(|i| {
            (
                time(users[i % users.len()], i),
                time(&format!("nobody-{i}"), i),
            )
        })
        .unzip();
    known.sort();
    unknown.sort();
    let (known, unknown) = (known[3], unknown[3]);
    assert!(
        unknown * 2 > known && known * 2 > unknown,
        "unknown {unknown:?} vs known {known:?}"
    );
}

#[test]
fn writes_from_another_origin_are_refused_and_logout_ends_the_session_whatever_the_token() {
    let s = serve();
    let ann = s.login("ann");
    let id = s.create(&ann, ELIGIBLE);
    let url = s.url(&format!("/api/cases/{id}/start"));
    let (status, _, _) = raw(
        "POST",
        &url,
        &[
            ("Cookie", &ann),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "http://evil.example"),
        ],
        Some(""),
    );
    assert_eq!(status, 403, "an empty cross-site body is refused");
    let (status, _, _) = raw(
        "POST",
        &url,
        &[
            ("Cookie", &ann),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        Some(""),
    );
    assert_eq!(status, 403, "a form without an origin is no script");
    let (_, case) = s.get(Some(&ann), &format!("/api/cases/{id}"));
    assert_eq!(case["case"]["state"], "referred", "nothing changed");

    // A login posted from another site opens nothing.
    let (status, headers, _) = raw(
        "POST",
        &s.url("/login"),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "http://evil.example"),
        ],
        Some("username=ann&password=ann-passphrase"),
    );
    assert_eq!(status, 403);
    assert!(header(&headers, "set-cookie").is_none_or(|c| !c.contains("traject_session=")));
    // Nor one from our own origin without the form's token.
    let (status, _, _) = raw(
        "POST",
        &s.url("/login"),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", &origin_of(&s.base)),
        ],
        Some("username=ann&password=ann-passphrase"),
    );
    assert_eq!(status, 403);

    // Logout with a wrong token still ends the session on the server.
    let (status, _, _) = raw(
        "POST",
        &s.url("/logout"),
        &[
            ("Cookie", &ann),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", &origin_of(&s.base)),
        ],
        Some("csrf=wrong"),
    );
    assert_eq!(status, 303);
    assert_eq!(s.get(Some(&ann), "/api/caseload").0, 401);
}

#[test]
fn the_login_form_works_with_its_own_token() {
    let s = serve();
    let (status, headers, page) = raw("GET", &s.url("/login"), &[], None);
    assert_eq!(status, 200);
    let cookie = header(&headers, "set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let token = page
        .split("name=\"login_token\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap();
    let (status, headers, _) = raw(
        "POST",
        &s.url("/login"),
        &[
            ("Cookie", &cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", &origin_of(&s.base)),
        ],
        Some(&format!(
            "login_token={token}&username=ann&password=ann-passphrase"
        )),
    );
    assert_eq!(status, 303);
    assert!(header(&headers, "set-cookie")
        .unwrap()
        .contains("traject_session="));
}

#[test]
fn nothing_from_the_request_reaches_a_header_and_bad_addresses_are_pages_that_say_so() {
    let s = serve();
    let audrey = s.login("audrey");
    for query in [
        "program=antwerpen%22%3B%20filename%3D%22evil.html",
        "program=antwerpen%0d%0aX-Evil:%201",
        "program=nowhere",
    ] {
        let (status, headers, _) = raw(
            "GET",
            &s.url(&format!("/reports/activity.csv?{query}")),
            &[("Cookie", &audrey)],
            None,
        );
        assert_eq!(status, 404, "{query}");
        assert!(header(&headers, "content-disposition").is_none(), "{query}");
        assert!(header(&headers, "x-evil").is_none());
    }
    let (status, headers, _) = raw(
        "GET",
        &s.url("/reports/activity.csv?program=antwerpen"),
        &[("Cookie", &audrey)],
        None,
    );
    assert_eq!(status, 200);
    let disposition = header(&headers, "content-disposition").unwrap();
    assert!(disposition.starts_with("attachment; filename=\"activity-antwerpen-"));
    assert!(disposition.contains("filename*=UTF-8''activity-antwerpen-"));

    let ann = s.login("ann");
    let (status, headers, page) = raw(
        "GET",
        &s.url("/cases/abc"),
        &[("Cookie", &ann), ("Accept-Language", "fr-BE,fr;q=0.9")],
        None,
    );
    assert_eq!(status, 404);
    assert!(header(&headers, "content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(
        !page.contains("Invalid URL") && !page.contains("abc"),
        "{page}"
    );
    let (status, _, page) = raw(
        "GET",
        &s.url("/nowhere"),
        &[("Accept-Language", "fr")],
        None,
    );
    assert_eq!(status, 404);
    assert!(
        page.contains("lang=\"fr\"") && page.contains("rien à cette adresse"),
        "{page}"
    );
    let (status, v) = s.get(Some(&ann), "/api/cases/abc");
    assert_eq!(status, 404);
    assert!(v["error"].is_string(), "{v}");
}

#[test]
fn permission_is_checked_before_the_input_is_looked_at() {
    let s = serve();
    let audrey = s.login("audrey");
    let (status, v) = s.post(&audrey, "/api/cases/1/close", &json!({}));
    assert_eq!(status, 403, "{v}");
    let (status, text, _) = call(
        "POST",
        &s.url("/api/check"),
        None,
        Some((
            "application/json",
            r#"{"program": "antwerpen", "referral": {"birth_date": "31/02/1990"}}"#,
        )),
    );
    assert_eq!(status, 401, "{text}");
    assert!(!text.contains("diagnostics"), "{text}");
    let (_, board, _) = call("GET", &s.url("/board"), Some(&audrey), None);
    let csrf = board
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let (status, _, _) = call(
        "POST",
        &s.url("/intake"),
        Some(&audrey),
        Some((
            "application/x-www-form-urlencoded",
            &format!("csrf={csrf}&program=antwerpen&intent=check&birth_date=1990-01-01"),
        )),
    );
    assert_eq!(status, 403, "the intake is no auditor's, checked or not");
}

/// Every id, dossier and birth date of the cases in the store, by team.
fn cases_by_team(s: &Served, coord: &str, ids: &[i64]) -> Vec<(i64, String, Vec<String>)> {
    let store = traject_store::Store::open(&s.db).unwrap();
    ids.iter()
        .map(|id| {
            let (_, v) = s.get(Some(coord), &format!("/api/cases/{id}"));
            let team = v["case"]["team"].as_str().unwrap_or("-").to_string();
            let row = store.case(*id).unwrap().unwrap();
            let referral: Value = serde_json::from_str(&row.referral).unwrap();
            let secrets = ["id", "birth_date"]
                .iter()
                .filter_map(|k| referral[*k].as_str().map(str::to_string))
                .collect();
            (*id, team, secrets)
        })
        .collect()
}

#[test]
fn no_answer_names_a_case_its_reader_may_not_see() {
    let s = serve();
    let (ann, bo, coord, audrey) = (
        s.login("ann"),
        s.login("bo"),
        s.login("coord"),
        s.login("audrey"),
    );
    // Antwerp 2022 holds 40; north fills it, south's referral waits.
    let mut ids = Vec::new();
    for i in 0..40 {
        let referral = ELIGIBLE.replacen('{', &format!(r#"{{"id": "N-{i:03}", "#), 1);
        let id = s.create(&ann, &referral);
        let (status, v) = s.post(
            &ann,
            &format!("/api/cases/{id}/start"),
            &json!({"track": "short"}),
        );
        assert_eq!(status, 200, "{v}");
        ids.push(id);
    }
    let south = ELIGIBLE
        .replacen('{', r#"{"id": "S-SECRET-7", "#, 1)
        .replace("1990-05-01", "1977-03-09");
    let waiting = s.create(&bo, &south);
    let (_, v) = s.post(
        &bo,
        &format!("/api/cases/{waiting}/start"),
        &json!({"track": "short"}),
    );
    assert_eq!(v["outcome"]["Waiting"]["position"], 1, "{v}");
    ids.push(waiting);
    // A north case dropping out starts the south one: ann is not told which.
    let (status, v) = s.post(
        &ann,
        &format!("/api/cases/{}/drop", ids[0]),
        &json!({"exit": "moved"}),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["next_started"], Value::Null, "{v}");
    let (_, v) = s.get(Some(&bo), &format!("/api/cases/{waiting}"));
    assert_eq!(
        v["case"]["state"], "active",
        "the south case did start: {v}"
    );

    let cases = cases_by_team(&s, &coord, &ids);
    let mut pages: Vec<String> = [
        "/board",
        "/cases",
        "/intake",
        "/whatif",
        "/programmes",
        "/reports",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    pages.extend(ids.iter().map(|id| format!("/cases/{id}")));
    pages.extend(ids.iter().map(|id| format!("/api/cases/{id}")));
    pages.extend(["/api/caseload".to_string(), "/api/rollup".to_string()]);
    for (who, cookie, team) in [
        ("ann", &ann, Some("north")),
        ("bo", &bo, Some("south")),
        ("audrey", &audrey, None),
    ] {
        let hidden: Vec<&(i64, String, Vec<String>)> = cases
            .iter()
            .filter(|(_, t, _)| team != Some(t.as_str()))
            .collect();
        for page in &pages {
            let (_, text, _) = call("GET", &s.url(page), Some(cookie), None);
            for (id, _, secrets) in &hidden {
                for needle in [format!("/cases/{id}\""), format!("\"id\":{id},")] {
                    assert!(!text.contains(&needle), "{who} reads {needle} on {page}");
                }
                for secret in secrets {
                    assert!(
                        !text.contains(secret.as_str()),
                        "{who} reads {secret} on {page}"
                    );
                }
            }
        }
    }
}

#[test]
fn behind_an_https_address_cookies_are_secure_browsers_keep_to_https_and_writes_come_from_it() {
    let s = serve_with(&["--public-url", "https://traject.ocmw.example/"]);
    let body = json!({"username": "ann", "password": "ann-passphrase"}).to_string();
    let (status, headers, _) = raw(
        "POST",
        &s.url("/api/session"),
        &[("Content-Type", "application/json")],
        Some(&body),
    );
    assert_eq!(status, 200);
    let cookie = header(&headers, "set-cookie").unwrap();
    assert!(
        cookie.contains("; Secure")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(header(&headers, "strict-transport-security").is_some_and(|h| h.contains("max-age=")));
    // A form from the server's own address as seen locally is not from the public one.
    let (status, _, _) = raw(
        "POST",
        &s.url("/login"),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", &origin_of(&s.base)),
        ],
        Some("username=ann&password=ann-passphrase"),
    );
    assert_eq!(status, 403);
    // From the public address, the origin passes (and the missing form token is what stops it).
    let (status, _, page) = raw(
        "POST",
        &s.url("/login"),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "https://traject.ocmw.example"),
        ],
        Some("username=ann&password=ann-passphrase"),
    );
    assert_eq!(status, 403);
    assert!(
        page.contains("login_token"),
        "the login page again, with a fresh token"
    );
}

#[test]
fn with_a_certificate_the_server_speaks_https() {
    let dir = tempfile::tempdir().unwrap();
    let tools = crate::common::self_signed(dir.path()).zip(
        std::process::Command::new("curl")
            .arg("--version")
            .output()
            .ok(),
    );
    let Some(((cert, key), _)) = tools else {
        if std::env::var_os("CI").is_some() {
            panic!("CI: openssl and curl are needed for the https test");
        }
        crate::common::skipped(
            "with_a_certificate_the_server_speaks_https",
            "no openssl or curl",
        );
        return;
    };
    let db = dir.path().join("cases.db");
    crate::common::add_user(&db, "ann", "social-worker", Some("north"));
    let mut child = crate::common::traject()
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .arg("--tls-cert")
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()));
    let base = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        if let Some(rest) = line.split("https://").nth(1) {
            break format!("https://{}", rest.split('/').next().unwrap());
        }
    };
    let out = std::process::Command::new("curl")
        .args(["-sS", "-D", "-", "-o", "/dev/null", "--cacert"])
        .arg(&cert)
        .arg(format!("{base}/login"))
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let headers = String::from_utf8_lossy(&out.stdout).to_lowercase();
    assert!(
        headers.starts_with("http/1.1 200"),
        "{headers}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        headers.contains("strict-transport-security: max-age="),
        "{headers}"
    );
    assert!(
        headers.contains("; secure"),
        "the login cookie is Secure: {headers}"
    );
}

#[test]
fn rejections_the_framework_makes_are_worded_like_traject_s_own() {
    let s = serve();
    let audrey = s.login("audrey");
    let (status, headers, page) = raw(
        "GET",
        &s.url("/whatif?fte=abc"),
        &[("Cookie", &audrey), ("Accept-Language", "nl-BE")],
        None,
    );
    assert_eq!(status, 400);
    assert!(header(&headers, "content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(page.contains("niet te lezen"), "{page}");
    let (status, headers, body) = raw("GET", &s.url("/api/cases"), &[("Cookie", &audrey)], None);
    assert_eq!(status, 405);
    assert!(header(&headers, "content-type")
        .unwrap()
        .starts_with("application/json"));
    assert!(header(&headers, "allow").is_some());
    assert!(serde_json::from_str::<Value>(&body).unwrap()["error"].is_string());
    // A body declared over the limit is refused at its headers: sent as a raw request that
    // stops after them, so that no half-sent body races the answer.
    let host = s.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&host).unwrap();
    let head = format!(
        "POST /api/check HTTP/1.1\r\nHost: {host}\r\nCookie: {audrey}\r\nContent-Type: application/json\r\nContent-Length: 1200000\r\nConnection: close\r\n\r\n"
    );
    std::io::Write::write_all(&mut stream, head.as_bytes()).unwrap();
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer
            .to_lowercase()
            .contains("content-type: application/json"),
        "{answer}"
    );
}
