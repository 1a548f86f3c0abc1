//! Group sessions and attendance, end to end: a Ghent language group's month — ten
//! participants of one VIA group, twelve sessions planned through the form (nine from the
//! module's twice-weekly rhythm, three added one by one), the whole group's attendance recorded
//! through the attendance form session by session — gives the attendance rate and the hours of
//! guidance the scenario adds up to, in the activity report in Dutch and French; the board
//! flags the participant absent without excuse three times in a row (Ghent's rule); another
//! team sees none of the group, an auditor no session; bad marks are named.

use crate::common::{call, csrf_of, run_on as run, serve, submit};

/// A Ghent referral (judged under the 2021 version, the last in the file).
const GHENT: &str = r#"{"referral_date": "2021-10-01", "birth_date": "1988-01-01", "nationality": "AF", "mother_tongue": "ps", "residence_ocmw": "gent", "income_support": "leefloon", "education_level": "low", "in_art60": false, "small_social_network": true, "integration_difficulty": true}"#;
const GROUP: &str = "NT2 Pasjtoe";

/// Ten participants of team north's worker, started and in the group since April.
fn ten_participants(db: &str, dir: &std::path::Path) -> Vec<i64> {
    let referral = dir.join("referral.json");
    std::fs::write(&referral, GHENT).unwrap();
    let as_ann = ["--actor", "ann", "--as-of", "2024-04-08"];
    (0..10)
        .map(|_| {
            let id: i64 = run(
                db,
                &[
                    &[
                        "case",
                        "new",
                        "--program",
                        "gent",
                        referral.to_str().unwrap(),
                    ],
                    &as_ann[..],
                ]
                .concat(),
            )
            .trim()
            .parse()
            .unwrap();
            let n = id.to_string();
            run(db, &[&["case", "start", &n], &as_ann[..]].concat());
            run(
                db,
                &[
                    &["case", "enrol", &n, "--module", "via", "--group", GROUP],
                    &as_ann[..],
                ]
                .concat(),
            );
            // An individual guidance talk of half an hour in May.
            run(
                db,
                &[
                    "case",
                    "contact",
                    &n,
                    "--kind",
                    "individual-guidance",
                    "--minutes",
                    "30",
                    "--actor",
                    "ann",
                    "--as-of",
                    "2024-05-02",
                ],
            );
            id
        })
        .collect()
}

/// The sessions of May 2024, in order, as `session list --format json` gives them.
fn may_sessions(db: &str) -> Vec<serde_json::Value> {
    let listed = run(
        db,
        &[
            "session",
            "list",
            "--program",
            "gent",
            "--from",
            "2024-05-01",
            "--to",
            "2024-05-31",
            "--format",
            "json",
        ],
    );
    serde_json::from_str::<serde_json::Value>(&listed)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_language_groups_month_gives_its_attendance_rate_and_hours_in_the_activity_report() {
    let s = serve();
    let db = s.db.to_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let people = ten_participants(&db, dir.path());
    let ann = s.login("ann");

    // Twelve sessions in May through the planning form: VIA's rhythm (twice a week, Monday
    // and Wednesday) for the month, and three Friday sessions added one by one.
    let (status, page, _) = call("GET", &s.url("/sessions"), Some(&ann), None);
    assert_eq!(status, 200);
    assert!(
        page.contains("value=\"gent/via\""),
        "the form offers the module by programme"
    );
    let token = csrf_of(&page);
    let plan = |fields: &str| {
        submit(
            &s.url("/sessions"),
            &ann,
            &format!(
                "csrf={token}&module=gent%2Fvia&group=NT2+Pasjtoe&at=09%3A30&minutes=180&{fields}"
            ),
        )
    };
    let (status, to) = plan("on=2024-05-01&until=2024-05-31");
    assert_eq!(
        (status, to.as_str()),
        (303, "/sessions?from=2024-05-01&to=2024-05-31")
    );
    for friday in ["2024-05-03", "2024-05-10", "2024-05-17"] {
        let (status, to) = plan(&format!("on={friday}"));
        assert_eq!(status, 303, "{to}");
        assert!(
            to.starts_with("/sessions/"),
            "one session opens its sheet: {to}"
        );
    }
    let (status, page) = plan("on=2024-05-03");
    assert_eq!(status, 409, "a second session at the same time is refused");
    assert!(page.contains("heeft op 03/05/2024 al een sessie"), "{page}");
    let sessions = may_sessions(&db);
    assert_eq!(sessions.len(), 12);
    let days: Vec<&str> = sessions.iter().map(|s| s["on"].as_str().unwrap()).collect();
    assert_eq!(
        days,
        [
            "2024-05-01",
            "2024-05-03",
            "2024-05-06",
            "2024-05-08",
            "2024-05-10",
            "2024-05-13",
            "2024-05-15",
            "2024-05-17",
            "2024-05-20",
            "2024-05-22",
            "2024-05-27",
            "2024-05-29"
        ],
        "Mondays and Wednesdays from the rhythm, and the three Fridays"
    );

    // The whole group's attendance, session by session, through the attendance form: eight
    // always there; the ninth excused twice at the start; the tenth away without excuse at
    // the last three.
    for (j, session) in sessions.iter().enumerate() {
        let path = format!("/sessions/{}", session["id"]);
        let (status, sheet, _) = call("GET", &s.url(&path), Some(&ann), None);
        assert_eq!(status, 200);
        assert_eq!(
            sheet.matches("type=\"radio\"").count(),
            30,
            "three choices for each of ten"
        );
        assert!(
            sheet.contains("afwezig zonder verwittiging"),
            "the choices in words"
        );
        let mut form = format!("csrf={}", csrf_of(&sheet));
        for (k, id) in people.iter().enumerate() {
            let mark = match (k, j) {
                (8, 0 | 1) => "excused",
                (9, 9..) => "absent",
                _ => "present",
            };
            form.push_str(&format!("&case.{id}={mark}"));
        }
        let sent = submit(&s.url(&format!("{path}/attendance")), &ann, &form);
        assert_eq!(sent, (303, path.clone()), "back to the sheet");
    }
    let (_, sheet, _) = call(
        "GET",
        &s.url(&format!("/sessions/{}", sessions[11]["id"])),
        Some(&ann),
        None,
    );
    assert_eq!(
        sheet.matches("checked").count(),
        10,
        "the sheet shows every mark"
    );

    // The activity report of May in Dutch and in French: 12 of 12 sessions held, 115 of 120
    // marks present (95,8%), 115 × 180 minutes over 10 participants = 34,5 hours each, and
    // 10 × 30 minutes of individual guidance = 0,5 hours each.
    let report = |lang: &str| {
        run(
            &db,
            &[
                "report",
                "activity",
                "--program",
                "gent",
                "--from",
                "2024-05-01",
                "--to",
                "2024-05-31",
                "--as-of",
                "2024-06-01",
                "--lang",
                lang,
            ],
        )
    };
    let nl = report("nl");
    let line = |text: &str, start: &str| -> String {
        // French puts a narrow no-break space before its colons and percent signs.
        text.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line '{start}' in\n{text}"))
    };
    assert_eq!(
        line(&nl, "groepssessies gehouden"),
        "groepssessies gehouden 12 van 12 groepssessies tot nu toe gepland 100%"
    );
    assert_eq!(
        line(&nl, "aanwezigheid: aanwezig"),
        "aanwezigheid: aanwezig 115 van 120 aanduidingen van aanwezigheid 95,8%"
    );
    assert_eq!(
        line(&nl, "aanwezigheid: verwittigd"),
        "aanwezigheid: verwittigd afwezig 2 van 120 aanduidingen van aanwezigheid 1,7%"
    );
    assert_eq!(
        line(&nl, "aanwezigheid: afwezig zonder"),
        "aanwezigheid: afwezig zonder verwittiging 3 van 120 aanduidingen van aanwezigheid 2,5%"
    );
    assert_eq!(line(&nl, "uren begeleiding: groepssessies"), "uren begeleiding: groepssessies 20700 min. van 10 begeleide deelnemers 34,5 u per deelnemer");
    assert_eq!(line(&nl, "uren begeleiding: individuele"), "uren begeleiding: individuele begeleiding 300 min. van 10 begeleide deelnemers 0,5 u per deelnemer");
    assert!(
        nl.contains("deelnemers: VIA"),
        "participants per module, by its name:\n{nl}"
    );
    assert_eq!(
        line(&nl, "deelnemers per soort ondersteuning"),
        "deelnemers per soort ondersteuning: collectief 10 van 10 deelnemers aan een module 100%",
        "and per kind of support"
    );
    let fr = report("fr");
    assert_eq!(
        line(&fr, "présence : présent"),
        "présence : présent·e 115 sur 120 présences indiquées 95,8 %"
    );
    assert_eq!(line(&fr, "heures d'accompagnement : séances"), "heures d'accompagnement : séances de groupe 20700 min sur 10 participants accompagnés 34,5 h par participant");

    // The auditor reads the same figures on the reports page, and no session.
    let audrey = s.login("audrey");
    let (status, page, _) = call(
        "GET",
        &s.url("/reports?program=gent&from=2024-05-01&to=2024-05-31"),
        Some(&audrey),
        None,
    );
    assert_eq!(status, 200);
    assert!(
        page.contains("95,8%") && page.contains("34,5 u per deelnemer"),
        "the reports page"
    );
    let (status, _, _) = call("GET", &s.url("/sessions"), Some(&audrey), None);
    assert_eq!(status, 403, "an auditor sees no session");

    // The board flags the tenth participant (three absences in a row), not the ninth.
    let (_, board, _) = call("GET", &s.url("/board"), Some(&ann), None);
    let flagged: Vec<&str> = board
        .split("<ul class=\"absences\">")
        .nth(1)
        .unwrap_or_default()
        .split("</ul>")
        .next()
        .unwrap_or_default()
        .split("data-case=\"")
        .skip(1)
        .map(|c| c.split('"').next().unwrap())
        .collect();
    assert_eq!(flagged, [people[9].to_string().as_str()], "{board}");
    assert!(board.contains("3 keer na elkaar afwezig zonder verwittiging"));

    // Another team's worker sees the group's sessions but none of its participants, and
    // cannot mark them.
    let bo = s.login("bo");
    let path = format!("/sessions/{}", sessions[0]["id"]);
    let (status, sheet, _) = call("GET", &s.url(&path), Some(&bo), None);
    assert_eq!(status, 200);
    assert_eq!(
        sheet.matches("type=\"radio\"").count(),
        0,
        "no participant of another team"
    );
    let sent = submit(
        &s.url(&format!("{path}/attendance")),
        &bo,
        &format!("csrf={}&case.{}=absent", csrf_of(&sheet), people[0]),
    );
    assert_eq!(sent.0, 422, "{}", sent.1);
    let (_, board, _) = call("GET", &s.url("/board"), Some(&bo), None);
    assert!(
        !board.contains("class=\"absences\""),
        "no flag of another team's client"
    );

    // A mark that is not one, and a session still to come, are refused with the field named.
    let (_, sheet, _) = call("GET", &s.url(&path), Some(&ann), None);
    let sent = submit(
        &s.url(&format!("{path}/attendance")),
        &ann,
        &format!("csrf={}&case.{}=late", csrf_of(&sheet), people[0]),
    );
    assert_eq!(sent.0, 422);
    assert!(
        sent.1.contains(&format!("case.{}", people[0])),
        "the field is named"
    );
    // The first participant's case closes today: gone from the group's later sessions, still
    // on the earlier ones.
    run(
        &db,
        &[
            "case",
            "close",
            &people[0].to_string(),
            "--destination",
            "regular_work",
            "--actor",
            "ann",
            "--as-of",
            "2024-06-01",
        ],
    );
    let (status, to) = plan("on=2024-06-10");
    assert_eq!(status, 303);
    let (_, future, _) = call("GET", &s.url(&to), Some(&ann), None);
    assert_eq!(
        future.matches("Dossier ").count(),
        9,
        "nine left in the group"
    );
    let (_, past, _) = call(
        "GET",
        &s.url(&format!("/sessions/{}", sessions[11]["id"])),
        Some(&ann),
        None,
    );
    assert_eq!(
        past.matches("type=\"radio\"").count(),
        30,
        "ten on the last session in May"
    );
    assert!(
        future.contains("Deze sessie komt nog"),
        "no form for a session still to come"
    );
    let sent = submit(
        &s.url(&format!("{to}/attendance")),
        &ann,
        &format!("csrf={}&case.{}=present", csrf_of(&future), people[0]),
    );
    assert_eq!(sent.0, 422, "{}", sent.1);

    // Each mark is an event of the case, in words in its history; a correction from the
    // command line replaces the mark, and the flag goes.
    let history = run(
        &db,
        &["case", "history", &people[9].to_string(), "--lang", "nl"],
    );
    assert_eq!(history.matches("aanwezigheid in groepssessie").count(), 12);
    assert!(history.contains("aanwezigheid: afwezig zonder verwittiging"));
    let last = sessions[11]["id"].to_string();
    let said = run(
        &db,
        &[
            "attendance",
            &last,
            "--excused",
            &people[9].to_string(),
            "--actor",
            "ann",
            "--as-of",
            "2024-06-01",
            "--lang",
            "nl",
        ],
    );
    assert!(
        said.contains("aanwezigheid van 1 deelnemers vastgelegd"),
        "{said}"
    );
    let shown = run(&db, &["session", "show", &last, "--lang", "nl"]);
    assert!(
        shown.contains(&format!("dossier {:<8} verwittigd afwezig", people[9])),
        "{shown}"
    );
    let (_, board, _) = call("GET", &s.url("/board"), Some(&ann), None);
    assert!(
        !board.contains("class=\"absences\""),
        "two in a row is below Ghent's three"
    );
}
