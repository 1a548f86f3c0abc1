//! The programme editor on a store made from the bundled Brussels test referrals: in a real
//! browser a coordinator changes a label (it loads, no one flips), an age limit (the cases it
//! refuses are listed with the criterion), misspells a key (the problem at its line, *Save*
//! disabled), then starts a new version, changes it, declares the change with reason and
//! source, saves it and finds it in force on the board; the page passes axe-core. Over HTTP,
//! a social worker reads the text and the impact's counts but cannot save (403, nothing
//! stored), and an auditor sees counts only.

use crate::common::{self, call, Served};

use std::path::Path;

use serde_json::json;

const FORM: &str = "application/x-www-form-urlencoded";

/// A server on a store with a case for each Brussels test referral (as of 1 June 2024).
fn brussels_office() -> Served {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::impact::brussels_store(dir.path());
    common::add_user(&db, "coord", "coordinator", None);
    common::add_user(&db, "ann", "social-worker", Some("north"));
    common::add_user(&db, "audrey", "auditor", None);
    common::serve_on(db.to_str().unwrap(), dir, &[])
}

/// POST a form to `path` as the browser sends it from the page: (status, page, cookie).
fn send(served: &Served, cookie: &str, path: &str, body: &str) -> (u16, String, Option<String>) {
    call("POST", &served.url(path), Some(cookie), Some((FORM, body)))
}

/// The form as the editor page sends it: the session's token, the file's name and the text.
fn editor_form(csrf: &str, text: &str, more: &[(&str, &str)]) -> String {
    let mut fields = vec![("csrf", csrf), ("file", "brussel.yaml"), ("text", text)];
    fields.extend_from_slice(more);
    serde_urlencoded::to_string(fields).unwrap()
}

fn csrf_of(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page carries a token")
        .to_string()
}

fn saves(served: &Served) -> (bool, String) {
    let out = common::traject()
        .args(["program", "history", "brussel", "--db"])
        .arg(&served.db)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_social_worker_reads_the_text_and_the_counts_but_cannot_save() {
    let served = brussels_office();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/brussel.yaml"),
    )
    .unwrap();
    // The age limit of every version raised to 30: three test referrals refused.
    let older = text.replace("kind: min_age, value: 18,", "kind: min_age, value: 30,");
    for (name, sees_who) in [("ann", false), ("audrey", false), ("coord", true)] {
        let cookie = served.login(name);
        let (status, page, _) = call(
            "GET",
            &served.url("/programmes/brussel/edit?lang=en"),
            Some(&cookie),
            None,
        );
        assert_eq!(status, 200, "{name}: {page}");
        assert!(page.contains("MOVE UP!"), "{name} reads the text");
        assert_eq!(
            page.contains("readonly"),
            !sees_who,
            "{name}: read-only unless coordinator"
        );
        assert_eq!(
            page.contains("id=\"save\""),
            sees_who,
            "{name}: save only for coordinators"
        );
        let csrf = csrf_of(&page);
        let body = editor_form(&csrf, &older, &[("cost", "4000")]);
        let (status, impact, _) = send(&served, &cookie, "/programmes/brussel/edit/impact", &body);
        assert_eq!(status, 200, "{name}: {impact}");
        // The counts for everyone, in the reader's language (French, the society's).
        assert!(impact.contains("3 / 15"), "{name}: {impact}");
        // The money is compared only where both texts have a version in force (Brussels's
        // last version ended in 2021; the server's day is in 2024): said, not left blank.
        assert!(
            impact.contains("Pas de financement à comparer"),
            "{name}: {impact}"
        );
        // Who flips, by case and dossier number, for the coordinator only.
        assert_eq!(impact.contains("BXL-001"), sees_who, "{name}: {impact}");
        if !sees_who {
            let (status, refused, _) =
                send(&served, &cookie, "/programmes/brussel/edit/save", &body);
            assert_eq!(status, 403, "{name}: {refused}");
            let (status, _, _) = send(&served, &cookie, "/programmes/brussel/edit/version", &body);
            assert_eq!(status, 403, "{name} starts no version");
        }
    }
    let (any, listed) = saves(&served);
    assert!(!any, "nothing stored: {listed}");
    // A save without the session's token is refused too, and stores nothing.
    let cookie = served.login("coord");
    let body = editor_form("forged", &older, &[]);
    let (status, _, _) = send(&served, &cookie, "/programmes/brussel/edit/save", &body);
    assert_eq!(status, 403);
    assert!(!saves(&served).0);
    // A text with more option choices than a request checks is refused before any is loaded.
    let (_, page, _) = call(
        "GET",
        &served.url("/programmes/brussel/edit"),
        Some(&cookie),
        None,
    );
    let many: String = (0..70)
        .map(|i| {
            format!(
                "  - id: extra_{i}\n    label: {{fr: \"x\", nl: \"x\", en: \"x\"}}\n    default: a\n    choices:\n      - {{id: a, label: {{fr: \"a\", nl: \"a\", en: \"a\"}}, source: \"local: test\"}}\n      - {{id: b, label: {{fr: \"b\", nl: \"b\", en: \"b\"}}, source: \"local: test\"}}\n"
            )
        })
        .collect();
    let crowded = text.replacen("options:\n", &format!("options:\n{many}"), 1);
    let body = editor_form(&csrf_of(&page), &crowded, &[]);
    let (status, refused, _) = send(&served, &cookie, "/programmes/brussel/check", &body);
    assert_eq!(status, 422, "{refused}");
    // The seventy added and the three the Brussels programme has, against the limit.
    assert!(
        refused.contains("73") && refused.contains("64"),
        "{refused}"
    );
}

/// Replace in the editor's text (the first occurrence, or the last when `last`), as typing
/// would: the text area's `input` event follows.
async fn edit(c: &fantoccini::Client, from: &str, to: &str, last: bool) {
    let done = c
        .execute(
            "const a = document.getElementById('programme-text');
             const at = arguments[2] ? a.value.lastIndexOf(arguments[0]) : a.value.indexOf(arguments[0]);
             if (at < 0) { return false; }
             a.value = a.value.slice(0, at) + arguments[1] + a.value.slice(at + arguments[0].length);
             a.dispatchEvent(new Event('input', {bubbles: true}));
             return true;",
            vec![json!(from), json!(to), json!(last)],
        )
        .await
        .unwrap();
    assert_eq!(done, json!(true), "the text holds {from}");
}

/// The live check's verdict: the number of problems it shows.
async fn problems_shown(c: &fantoccini::Client) -> Option<String> {
    crate::browser::attr(c, "#check", "data-problems").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_edits_weighs_and_saves_a_new_version_in_a_real_browser() {
    use crate::browser::{attr, browser, click, fill, screenshot, text_of, until};
    let Some(axe_source) = crate::accessibility::axe_source() else {
        return;
    };
    let served = brussels_office();
    let Some((_driver, c)) = browser().await else {
        return;
    };
    c.goto(&served.url("/login?lang=fr")).await.unwrap();
    fill(&c, "username", "coord").await;
    fill(&c, "password", "coord-passphrase").await;
    click(&c, "form.login button").await;
    until(&c, "the board", || async {
        c.current_url().await.unwrap().path() == "/board"
    })
    .await;
    c.goto(&served.url("/programmes/brussel")).await.unwrap();
    click(&c, "a[href='/programmes/brussel/edit']").await;
    until(&c, "the editor", || async {
        c.current_url().await.unwrap().path() == "/programmes/brussel/edit"
    })
    .await;
    assert_eq!(problems_shown(&c).await.as_deref(), Some("0"));
    let violations = crate::accessibility::axe(&c, &axe_source).await;
    assert!(violations.is_empty(), "{violations:#?}");
    screenshot(&c, "editor-opened").await;

    // A label: it loads, and no one's verdict changes.
    edit(
        &c,
        "MOVE UP! 2021 (trois modules)",
        "MOVE UP! 2021 (trois modules, revu)",
        false,
    )
    .await;
    click(&c, "button[formaction$='/edit/impact']").await;
    until(&c, "the impact of a label", || async {
        c.find(fantoccini::Locator::Css("#impact")).await.is_ok()
    })
    .await;
    let impact = text_of(&c, "#impact").await;
    assert!(impact.contains("0 / 15"), "{impact}");

    // An age limit, in 2020 and in 2021 (based on it): the three test referrals under 30 are
    // refused, by that criterion.
    for _ in 0..2 {
        edit(
            &c,
            "kind: min_age, value: 18,",
            "kind: min_age, value: 30,",
            false,
        )
        .await;
    }
    click(&c, "button[formaction$='/edit/impact']").await;
    until(&c, "the impact of an age limit", || async {
        match c.find(fantoccini::Locator::Css("#impact")).await {
            Ok(e) => e.text().await.unwrap_or_default().contains("3 / 15"),
            Err(_) => false,
        }
    })
    .await;
    let impact = text_of(&c, "#impact").await;
    for dossier in ["BXL-001", "BXL-002", "BXL-009"] {
        assert!(impact.contains(dossier), "{dossier} flips: {impact}");
    }
    assert!(
        // (The browser reads French's no-break space before a colon as a space.)
        impact
            .replace('\u{a0}', " ")
            .contains("18 ans ou plus (002:1133, 002:1140) : 3"),
        "{impact}"
    );
    screenshot(&c, "editor-impact").await;

    // A misspelt key: located while typing, and Save disabled.
    edit(
        &c,
        "    valid_from: 2021-01-01",
        "    valid_fromm: 2021-01-01",
        false,
    )
    .await;
    until(&c, "the live check", || async {
        problems_shown(&c).await.is_some_and(|n| n != "0")
    })
    .await;
    let check = text_of(&c, "#check").await;
    assert!(check.contains("valid_fromm"), "{check}");
    assert!(check.contains("ligne 162"), "located: {check}");
    assert!(
        attr(&c, "#save", "disabled").await.is_some(),
        "Save disabled"
    );
    screenshot(&c, "editor-misspelt").await;
    let violations = crate::accessibility::axe(&c, &axe_source).await;
    assert!(violations.is_empty(), "{violations:#?}");
    // Mended, Save comes back.
    edit(
        &c,
        "    valid_fromm: 2021-01-01",
        "    valid_from: 2021-01-01",
        false,
    )
    .await;
    until(&c, "the check passing again", || async {
        problems_shown(&c).await.as_deref() == Some("0")
    })
    .await;
    assert!(
        attr(&c, "#save", "disabled").await.is_none(),
        "Save enabled"
    );

    // A new version from 1 May 2024, based on 2021: its age limit raised, declared, saved.
    c.goto(&served.url("/programmes/brussel/edit"))
        .await
        .unwrap();
    fill(&c, "new_id", "2024-05").await;
    fill(&c, "valid_from", "2024-05-01").await;
    click(&c, "button[formaction$='/edit/version']").await;
    until(&c, "the new version in the text", || async {
        let v = c
            .execute(
                "return document.getElementById('programme-text').value",
                vec![],
            )
            .await
            .unwrap();
        v.as_str()
            .is_some_and(|t| t.contains("  - id: \"2024-05\""))
    })
    .await;
    assert_eq!(
        problems_shown(&c).await.as_deref(),
        Some("0"),
        "the copy is its base"
    );
    edit(
        &c,
        "kind: min_age, value: 18,",
        "kind: min_age, value: 21,",
        true,
    )
    .await;
    click(&c, "button[formaction$='/edit/check']").await;
    until(&c, "the changes to declare", || async {
        c.find(fantoccini::Locator::Css("#declare")).await.is_ok()
    })
    .await;
    let reason = attr(&c, "#reason-0", "value").await.unwrap_or_default();
    assert!(
        reason.contains("18 → 21"),
        "the reason starts from the difference: {reason}"
    );
    let violations = crate::accessibility::axe(&c, &axe_source).await;
    assert!(violations.is_empty(), "{violations:#?}");
    screenshot(&c, "editor-declare").await;
    c.find(fantoccini::Locator::Css("#source-0"))
        .await
        .unwrap()
        .send_keys("local: décision du conseil du 15 avril 2024")
        .await
        .unwrap();
    click(&c, "button[formaction$='/edit/declare']").await;
    until(&c, "the declared text", || async {
        problems_shown(&c).await.as_deref() == Some("0")
            && c.find(fantoccini::Locator::Css("#declare")).await.is_err()
    })
    .await;
    click(&c, "#save").await;
    until(&c, "the saved notice", || async {
        match c
            .find(fantoccini::Locator::Css("p.notice[role=status]"))
            .await
        {
            Ok(e) => e.text().await.unwrap_or_default().contains("2024-05"),
            Err(_) => false,
        }
    })
    .await;
    screenshot(&c, "editor-saved").await;
    let (stored, listed) = saves(&served);
    assert!(stored, "saved in the history");
    assert!(listed.contains("coord"), "{listed}");
    // In force on the board from now on.
    c.goto(&served.url("/board?program=brussel")).await.unwrap();
    let heading = text_of(&c, "#board-brussel h2").await;
    assert!(heading.ends_with(" 2024-05"), "{heading}");
    c.close().await.unwrap();
}

#[test]
fn in_a_store_shared_by_organisations_a_saved_text_is_served_to_its_own_organisation_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let db = db.to_str().unwrap();
    common::add_user_on(db, "coord-east", "coordinator", None, Some("east"));
    common::add_user_on(db, "coord-west", "coordinator", None, Some("west"));
    let served = common::serve_on(db, dir, &[]);
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/brussel.yaml"),
    )
    .unwrap();
    let older = text.replace("kind: min_age, value: 18,", "kind: min_age, value: 30,");
    let hashes = |cookie: &str| {
        let (status, page, _) = call(
            "GET",
            &served.url("/programmes/brussel"),
            Some(cookie),
            None,
        );
        assert_eq!(status, 200, "{page}");
        page.split("<code>")
            .skip(1)
            .filter_map(|rest| rest.split("</code>").next())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let (east, west) = (served.login("coord-east"), served.login("coord-west"));
    let before = hashes(&east);
    assert_eq!(before, hashes(&west), "one programme for both at first");
    let (_, page, _) = call(
        "GET",
        &served.url("/programmes/brussel/edit"),
        Some(&east),
        None,
    );
    let body = editor_form(&csrf_of(&page), &older, &[]);
    let (status, saved, _) = send(&served, &east, "/programmes/brussel/edit/save", &body);
    assert_eq!(status, 200, "{saved}");
    assert!(saved.contains("role=\"status\""), "{saved}");
    // East's coordinator is served East's text from now on; West keeps the common programme.
    assert_ne!(hashes(&east), before, "east sees its own text");
    assert_eq!(hashes(&west), before, "west does not");
    let (_, west_text, _) = call(
        "GET",
        &served.url("/programmes/brussel/edit"),
        Some(&west),
        None,
    );
    assert!(
        !west_text.contains("value: 30,"),
        "west edits the common text"
    );
    let (_, east_text, _) = call(
        "GET",
        &served.url("/programmes/brussel/edit"),
        Some(&east),
        None,
    );
    assert!(east_text.contains("value: 30,"), "east edits its own");
}
