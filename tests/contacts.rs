//! Contact moments: recorded through the case file's form, the API and the command line, each
//! an event of the case shown in its history in the reader's language; refused with the field
//! named when a value cannot be one; only for those who may change the case; the note in the
//! access export and gone when the case's personal data is erased (after which no contact is
//! recorded any more).

use serde_json::{json, Value};

use crate::common::{call, output_with_stdin, serve, traject, ELIGIBLE};

/// The case's contact events, as `case history --format json` gives them.
fn contacts(s: &crate::common::Served, id: i64) -> Vec<Value> {
    let out = crate::common::run_on(
        s.db.to_str().unwrap(),
        &["case", "history", &id.to_string(), "--format", "json"],
    );
    let history: Value = serde_json::from_str(&out).unwrap();
    history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "contacted")
        .cloned()
        .collect()
}

#[test]
fn contacts_are_recorded_by_the_cases_team_shown_in_words_exported_and_erased_with_the_client() {
    let s = serve();
    let ann = s.login("ann");
    let id = s.create(&ann, ELIGIBLE);
    let path = format!("/cases/{id}/contact");

    // Through the case file's form: a home visit today, with a note.
    let (status, page, _) = call("GET", &s.url(&format!("/cases/{id}")), Some(&ann), None);
    assert_eq!(status, 200);
    assert!(
        page.contains("name=\"kind\"") && page.contains("huisbezoek"),
        "the form offers the kinds in Dutch"
    );
    let token = crate::common::csrf_of(&page);
    let form = |fields: &str| format!("csrf={token}&{fields}");
    let sent = crate::common::submit(
        &s.url(&path),
        &ann,
        &form("kind=home_visit&minutes=45&on=2024-06-01&note=Huurcontract+meegebracht"),
    );
    assert_eq!(
        sent,
        (303, format!("/cases/{id}")),
        "the form goes back to the case file"
    );
    let (_, page, _) = call("GET", &s.url(&format!("/cases/{id}")), Some(&ann), None);
    assert!(
        page.contains("data-kind=\"contacted\""),
        "the history shows the contact"
    );
    assert!(
        page.contains("soort: huisbezoek") && page.contains("minuten: 45"),
        "in words, not codes"
    );
    assert!(
        page.contains("Huurcontract meegebracht"),
        "the note, for the case's team"
    );

    // Through the API: a phone call today, without a note.
    let (status, v) = s.post(
        &ann,
        &format!("/api{path}"),
        &json!({"kind": "phone", "minutes": 10}),
    );
    assert_eq!(status, 200, "{v}");
    let recorded = contacts(&s, id);
    assert_eq!(recorded.len(), 2);
    assert_eq!(
        (
            recorded[0]["on_date"].as_str(),
            recorded[0]["payload"]["kind"].as_str()
        ),
        (Some("2024-06-01"), Some("home_visit"))
    );
    assert_eq!(
        (
            recorded[1]["on_date"].as_str(),
            recorded[1]["payload"]["minutes"].as_u64()
        ),
        (Some("2024-06-01"), Some(10))
    );

    // What cannot be a contact is refused with the field named, and nothing is recorded.
    let long_note = "x".repeat(501);
    for (body, says) in [
        (
            json!({"kind": "visit", "minutes": 10}),
            "`kind` is one of intake, individual_guidance",
        ),
        (json!({"minutes": 10}), "needs `kind`"),
        (json!({"kind": "phone"}), "needs `minutes`"),
        (
            json!({"kind": "phone", "minutes": 0}),
            "1 to 600 minutes, not 0",
        ),
        (
            json!({"kind": "phone", "minutes": 601}),
            "1 to 600 minutes, not 601",
        ),
        (
            json!({"kind": "phone", "minutes": 5, "on": "2024-06-02"}),
            "`on`: 2024-06-02 has not come yet",
        ),
        (
            json!({"kind": "phone", "minutes": 5, "note": long_note}),
            "501 characters",
        ),
    ] {
        let (status, v) = s.post(&ann, &format!("/api{path}"), &body);
        assert_eq!(status, 422, "{body}: {v}");
        assert!(v.to_string().contains(says), "{body}: {v}");
    }
    // A case's history runs forward: a contact on a day before its latest event is refused.
    let (status, v) = s.post(
        &ann,
        &format!("/api{path}"),
        &json!({"kind": "phone", "minutes": 5, "on": "2024-05-31"}),
    );
    assert_eq!(status, 409, "{v}");
    assert!(
        v.to_string()
            .contains("nothing can be recorded for it on 2024-05-31"),
        "{v}"
    );
    let (status, page, _) = call(
        "POST",
        &s.url(&path),
        Some(&ann),
        Some((
            "application/x-www-form-urlencoded",
            &form("kind=phone&minutes=tien"),
        )),
    );
    assert_eq!(status, 422);
    assert!(
        page.contains("`minutes` vraagt een geheel aantal minuten"),
        "on the case file, in Dutch"
    );
    assert_eq!(contacts(&s, id).len(), 2);

    // Another team's worker does not learn the case exists; an auditor may not record anything.
    let bo = s.login("bo");
    let (status, _) = s.post(
        &bo,
        &format!("/api{path}"),
        &json!({"kind": "phone", "minutes": 5}),
    );
    assert_eq!(status, 404);
    let audrey = s.login("audrey");
    let (status, _) = s.post(
        &audrey,
        &format!("/api{path}"),
        &json!({"kind": "phone", "minutes": 5}),
    );
    assert_eq!(status, 403);

    // The command line records one too, its note read from standard input.
    let out = output_with_stdin(
        traject()
            .args([
                "case",
                "contact",
                &id.to_string(),
                "--kind",
                "individual-guidance",
                "--minutes",
                "30",
                "--note-stdin",
            ])
            .args(["--db", s.db.to_str().unwrap(), "--as-of", "2024-06-01"]),
        "Taalcursus besproken\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("case {id} — contact recorded")));
    let recorded = contacts(&s, id);
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[2]["payload"]["kind"], "individual_guidance");
    assert_eq!(recorded[2]["payload"]["note"], "Taalcursus besproken");

    // The access export holds the notes; after the erasure they are gone, the contacts'
    // kinds, lengths and days stay, and nothing new is recorded.
    let coord = s.login("coord");
    let (status, export) = s.post(&coord, &format!("/api/cases/{id}/export"), &json!({}));
    assert_eq!(status, 200);
    assert!(
        export.to_string().contains("Huurcontract meegebracht"),
        "{export}"
    );
    let (status, v) = s.post(
        &coord,
        &format!("/api/cases/{id}/erase"),
        &json!({"reason": "request under GDPR art. 17"}),
    );
    assert_eq!(status, 200, "{v}");
    let after = contacts(&s, id);
    assert_eq!(after.len(), 3);
    assert!(
        after
            .iter()
            .all(|c| c["payload"]["note"].is_null() && c["payload"]["minutes"].as_u64().is_some()),
        "{after:?}"
    );
    let (status, _, _) = call("GET", &s.url(&format!("/cases/{id}")), Some(&coord), None);
    assert_eq!(status, 200);
    let (status, v) = s.post(
        &coord,
        &format!("/api{path}"),
        &json!({"kind": "phone", "minutes": 5}),
    );
    assert_eq!(status, 409, "{v}");
    assert!(v.to_string().contains("nothing new is recorded"), "{v}");
}
