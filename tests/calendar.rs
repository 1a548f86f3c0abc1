//! The agenda in a worker's own calendar: a secret address made on the account page serves
//! the evaluation windows of their team's cases as iCalendar (read back with Python's
//! `icalendar`, a real parser), naming cases by number and moments by label only; the command
//! line prints the same; a new address stops the old one; an auditor has none.

use serde_json::json;

use crate::common::{call, python_with, serve, submit, ELIGIBLE};

/// The events of a feed as Python's icalendar reads them: (uid, summary, first day, day after
/// the last), sorted.
fn parsed(python: &std::path::Path, feed: &str) -> Vec<(String, String, String, String)> {
    const READ: &str = "import sys, json, icalendar\n\
cal = icalendar.Calendar.from_ical(sys.stdin.read())\n\
print(json.dumps([[str(e['UID']), str(e['SUMMARY']), e.decoded('DTSTART').isoformat(), e.decoded('DTEND').isoformat()] for e in cal.walk('VEVENT')]))\n";
    let out = crate::common::output_with_stdin(
        std::process::Command::new(python).args(["-c", READ]),
        feed,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<(String, String, String, String)> = serde_json::from_slice(&out.stdout).unwrap();
    let mut rows = rows;
    rows.sort();
    rows
}

/// A new calendar address made on the account page of `cookie`'s user.
fn new_address(s: &crate::common::Served, cookie: &str) -> String {
    let (status, page, _) = call("GET", &s.url("/account"), Some(cookie), None);
    assert_eq!(status, 200);
    assert!(
        page.contains("action=\"/account/calendar\""),
        "the account page offers an address"
    );
    let token = crate::common::csrf_of(&page);
    let (status, page) = submit(
        &s.url("/account/calendar"),
        cookie,
        &format!("csrf={token}"),
    );
    assert_eq!(status, 200, "{page}");
    let at = page
        .find("id=\"calendar-address\"")
        .expect("the address is shown");
    let rest = &page[at..];
    let value = rest.split("value=\"").nth(1).unwrap();
    value.split('"').next().unwrap().to_string()
}

#[test]
fn a_workers_calendar_address_serves_their_teams_evaluation_windows_without_personal_data() {
    let s = serve();
    let (ann, bo) = (s.login("ann"), s.login("bo"));
    let (mut mine, mut bos) = (Vec::new(), 0);
    for (cookie, dossier) in [(&ann, "CAL-ANN-1"), (&ann, "CAL-ANN-2"), (&bo, "CAL-BO-1")] {
        let referral = ELIGIBLE.replacen('{', &format!(r#"{{"id": "{dossier}", "#), 1);
        let id = s.create(cookie, &referral);
        let (status, v) = s.post(
            cookie,
            &format!("/api/cases/{id}/start"),
            &json!({"track": "short"}),
        );
        assert_eq!(status, 200, "{v}");
        if *cookie == ann {
            mine.push(id);
        } else {
            bos = id;
        }
    }

    // Ann's first client and Bo's attend two groups of AMIE's activation course; each group
    // meets on a June morning (09:30 in Brussels is 07:30 UTC in summer).
    let db = s.db.to_str().unwrap().to_string();
    for (case, group, on) in [
        (mine[0], "Groep A", "2024-06-10"),
        (bos, "Groep B", "2024-06-11"),
    ] {
        let id = case.to_string();
        let enrol = ["case", "enrol", &id, "--module", "activation_course"];
        crate::common::run_on(
            &db,
            &[&enrol[..], &["--group", group, "--as-of", "2024-06-01"]].concat(),
        );
        crate::common::run_on(
            &db,
            &[
                "session",
                "add",
                "--program",
                "antwerpen",
                "--module",
                "activation_course",
                "--group",
                group,
                "--on",
                on,
                "--at",
                "09:30",
                "--minutes",
                "120",
            ],
        );
    }

    // Ann plans a home visit with her second client through the case file's form.
    let (_, page, _) = call(
        "GET",
        &s.url(&format!("/cases/{}", mine[1])),
        Some(&ann),
        None,
    );
    let token = crate::common::csrf_of(&page);
    let appoint = |fields: &str| {
        submit(
            &s.url(&format!("/cases/{}/appoint", mine[1])),
            &ann,
            &format!("csrf={token}&kind=home_visit&{fields}"),
        )
    };
    let (status, _) = appoint("on=2024-06-12&at=10%3A00&minutes=60");
    assert_eq!(status, 303, "planned");
    let (status, page) = appoint("on=2024-05-31");
    assert_eq!(status, 422, "not on a day that has passed");
    assert!(page.contains("ligt voor vandaag"), "{page}");

    let address = new_address(&s, &ann);
    assert!(
        address.starts_with(&s.base) && address.ends_with(".ics"),
        "{address}"
    );
    let feed = ureq::get(&address).call().unwrap();
    assert_eq!(
        feed.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    let feed = feed.into_string().unwrap();
    assert!(feed.starts_with("BEGIN:VCALENDAR\r\n") && feed.ends_with("END:VCALENDAR\r\n"));
    for personal in ["CAL-ANN", "CAL-BO", "1990"] {
        assert!(!feed.contains(personal), "no {personal} in the feed");
    }

    // The command line prints the same agenda.
    let printed = crate::common::run_on(&db, &["calendar", "ann", "--as-of", "2024-06-01"]);

    if let Some(python) = python_with("calendar_feed", "icalendar") {
        let events = parsed(&python, &feed);
        assert!(!events.is_empty(), "{feed}");
        let (appointments, rest): (Vec<_>, Vec<_>) = events
            .iter()
            .partition(|(uid, ..)| uid.starts_with("appointment-"));
        assert_eq!(appointments.len(), 1, "{appointments:?}");
        let (_, summary, start, end) = appointments[0];
        assert_eq!(
            summary,
            &format!("Afspraak — Dossier {} — huisbezoek", mine[1])
        );
        assert_eq!(
            (start.as_str(), end.as_str()),
            ("2024-06-12T08:00:00+00:00", "2024-06-12T09:00:00+00:00")
        );
        let (sessions, windows): (Vec<_>, Vec<_>) = rest
            .into_iter()
            .partition(|(uid, ..)| uid.starts_with("session-"));
        assert_eq!(
            sessions.len(),
            1,
            "only the session of Ann's client's group: {sessions:?}"
        );
        let (_, summary, start, end) = sessions[0];
        assert!(
            summary.starts_with("Groepssessie — ") && summary.ends_with(" · Groep A"),
            "{summary}"
        );
        assert_eq!(
            (start.as_str(), end.as_str()),
            ("2024-06-10T07:30:00+00:00", "2024-06-10T09:30:00+00:00"),
            "at its time in Brussels, for its length"
        );
        for (uid, summary, start, end) in windows {
            let case: i64 = summary
                .strip_prefix("Dossier ")
                .and_then(|r| r.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("a case number in '{summary}'"));
            assert!(mine.contains(&case), "only Ann's team's cases: {summary}");
            assert!(uid.starts_with(&format!("case-{case}-")), "{uid}");
            assert!(
                summary.contains(" — ") && summary.len() > 12,
                "a moment's label: {summary}"
            );
            assert!(
                start.len() == 10 && end.len() == 10 && start < end,
                "whole days: {start} {end}"
            );
        }
        assert_eq!(parsed(&python, &printed), events);
    }

    // A new address stops the old one.
    let newer = new_address(&s, &ann);
    assert_ne!(newer, address);
    let (status, _, _) = call("GET", &address, None, None);
    assert_eq!(status, 404);
    let (status, _, _) = call("GET", &newer, None, None);
    assert_eq!(status, 200);
    let (status, _, _) = call("GET", &s.url("/calendar/not-a-token.ics"), None, None);
    assert_eq!(status, 404);

    // An auditor sees no case: no address is offered or made.
    let audrey = s.login("audrey");
    let (_, page, _) = call("GET", &s.url("/account"), Some(&audrey), None);
    assert!(!page.contains("action=\"/account/calendar\""));
    let token = crate::common::csrf_of(&page);
    let (status, _) = submit(
        &s.url("/account/calendar"),
        &audrey,
        &format!("csrf={token}"),
    );
    assert_eq!(status, 403);
}
