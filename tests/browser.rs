//! The web application in a real browser: headless Chromium driven through WebDriver
//! (chromedriver), against the real `traject serve`. A social worker logs in, fills the intake
//! form and sees the verdict change as she types, creates and starts a case, finds it on the
//! board, records an evaluation; a what-if is run. Screenshots of each page are saved under
//! `target/screenshots/` for review. Under `CI` a missing browser or driver is a failure;
//! elsewhere the test says how to install them and stops.

use crate::common;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

fn installed(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|p| p.is_file())
}

/// A running chromedriver, in a process group of its own with the Chromium it starts: all
/// stopped when dropped. (Killing chromedriver alone left the Chromium of a session nobody
/// closed — a failed test's — running, and busy, through the rest of the run and the soak.)
pub(crate) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) async fn browser() -> Option<(Driver, Client)> {
    let (driver, chromium) = (installed("chromedriver"), installed("chromium"));
    let (Some(driver), Some(chromium)) = (driver, chromium) else {
        let how = "install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)";
        if std::env::var_os("CI").is_some() {
            panic!("CI: the browser tests need Chromium and chromedriver: {how}");
        }
        common::skipped("browser", how);
        return None;
    };
    let port = free_port();
    let child = Command::new(driver)
        .process_group(0)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let driver = Driver(child);
    let caps = json!({"goog:chromeOptions": {
        "binary": chromium,
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", "--window-size=1200,1400", "--lang=en-US"]
    }});
    let caps = caps.as_object().unwrap().clone();
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(c) => return Some((driver, c)),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("chromedriver did not answer on {url}");
}

pub(crate) async fn screenshot(c: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Wait until `check` holds (the page updates asynchronously); on timeout, keep a screenshot
/// and the page's text for the failure.
pub(crate) async fn until<F, Fut>(c: &Client, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(c, "failed").await;
    let url = c
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    let text = match c.find(Locator::Css("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    panic!("waited in vain for: {what}; at {url} the page says:\n{text}");
}

pub(crate) async fn attr(c: &Client, css: &str, name: &str) -> Option<String> {
    let e = c.find(Locator::Css(css)).await.ok()?;
    e.attr(name).await.ok().flatten()
}

/// The visible text of the first element `css` selects.
pub(crate) async fn text_of(c: &Client, css: &str) -> String {
    let e = c.find(Locator::Css(css)).await.unwrap();
    e.text().await.unwrap()
}

pub(crate) async fn fill(c: &Client, name: &str, value: &str) {
    let e = c
        .find(Locator::Css(&format!("[name={name}]")))
        .await
        .unwrap();
    if e.tag_name().await.unwrap() == "select" {
        e.select_by_value(value).await.unwrap();
    } else {
        // Date inputs take keys in the browser's locale; set the value as a form would hold it.
        c.execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            vec![serde_json::to_value(&e).unwrap(), json!(value)],
        )
        .await
        .unwrap();
    }
}

pub(crate) async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_social_worker_takes_a_referral_from_intake_to_evaluation_in_a_real_browser() {
    let served = common::serve();
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let base = served.base.clone();

    c.goto(&format!("{base}/login?lang=en")).await.unwrap();
    screenshot(&c, "login").await;
    c.find(Locator::Css("[name=username]"))
        .await
        .unwrap()
        .send_keys("ann")
        .await
        .unwrap();
    c.find(Locator::Css("[name=password]"))
        .await
        .unwrap()
        .send_keys("ann-passphrase")
        .await
        .unwrap();
    click(&c, "form.login button").await;
    until(&c, "the board after logging in", || async {
        c.current_url().await.unwrap().path() == "/board"
    })
    .await;

    // Intake: the verdict follows the form.
    c.goto(&format!("{base}/intake?program=antwerpen"))
        .await
        .unwrap();
    fill(&c, "referral_date", "2024-05-10").await;
    until(&c, "a first verdict", || async {
        attr(&c, ".verdict", "data-verdict").await.as_deref() == Some("needs_assessment")
    })
    .await;
    let answers = [
        ("birth_date", "1990-05-01"),
        ("nationality", "SY"),
        ("residence_ocmw", "antwerpen"),
        ("income_support", "leefloon"),
        ("in_art60", "no"),
        ("civic_orientation_completed", "yes"),
        ("motivated", "yes"),
        ("help_request_fits", "yes"),
    ];
    for (name, value) in answers {
        if c.find(Locator::Css(&format!("[name={name}]")))
            .await
            .is_ok()
        {
            fill(&c, name, value).await;
        }
    }
    until(&c, "the verdict 'eligible'", || async {
        attr(&c, ".verdict", "data-verdict").await.as_deref() == Some("eligible")
    })
    .await;
    screenshot(&c, "intake").await;

    // Create and start the case.
    click(&c, "button[value=create]").await;
    until(&c, "the new case file", || async {
        c.current_url().await.unwrap().path().starts_with("/cases/")
    })
    .await;
    assert_eq!(
        attr(&c, "#state", "data-state").await.as_deref(),
        Some("referred")
    );
    fill(&c, "track", "short").await;
    click(&c, "button[value=start]").await;
    until(&c, "the case to be active", || async {
        attr(&c, "#state", "data-state").await.as_deref() == Some("active")
    })
    .await;
    let case_url = c.current_url().await.unwrap();
    // The case file reads in Dutch: the verdict and the track by their labels, dates day first.
    assert_eq!(
        text_of(&c, "dd[data-verdict=eligible]").await,
        "toelaatbaar"
    );
    let text = text_of(&c, "dl.case").await;
    assert!(
        text.contains("Kortdurend traject") && text.contains("01/06/2024"),
        "{text}"
    );
    screenshot(&c, "case").await;

    // The board counts it.
    c.goto(&format!("{base}/board")).await.unwrap();
    assert_eq!(
        attr(&c, "#board-antwerpen .active", "data-active")
            .await
            .as_deref(),
        Some("1")
    );
    screenshot(&c, "board").await;

    // Record the first evaluation still to hold.
    c.goto(case_url.as_str()).await.unwrap();
    click(&c, "button[value=evaluate]").await;
    until(&c, "the evaluation in the history", || async {
        c.source()
            .await
            .unwrap()
            .contains("data-kind=\"evaluated\"")
    })
    .await;
    assert!(
        c.find(Locator::Css(".problem")).await.is_err(),
        "no refusal"
    );
    let history = text_of(&c, "ol.history").await;
    assert!(
        history.contains("doorverwezen") && history.contains("oordeel: toelaatbaar"),
        "the history in words: {history}"
    );
    screenshot(&c, "evaluated").await;

    // A decision the evaluation does not take is refused on the page, in the page's Dutch.
    fill(&c, "evaluation", "interim").await;
    fill(&c, "decision", "extend").await;
    click(&c, "button[value=evaluate]").await;
    until(&c, "the refusal on the page", || async {
        c.find(Locator::Css(".problem")).await.is_ok()
    })
    .await;
    let refusal = text_of(&c, ".problem").await;
    assert!(
        refusal.contains("evaluatie 'interim' kan niet 'extend' beslissen"),
        "{refusal}"
    );
    screenshot(&c, "refusal").await;

    // What-if: one FTE instead of two.
    c.goto(&format!("{base}/whatif?program=antwerpen"))
        .await
        .unwrap();
    let fte = c.find(Locator::Css("#fte")).await.unwrap();
    fte.clear().await.unwrap();
    fte.send_keys("1").await.unwrap();
    click(&c, "form.whatif button[type=submit]:not([name])").await;
    until(&c, "the simulation with 1 FTE", || async {
        c.current_url()
            .await
            .unwrap()
            .query()
            .is_some_and(|q| q.contains("fte=1"))
    })
    .await;
    let charts = c.find_all(Locator::Css("figure svg")).await.unwrap();
    assert_eq!(charts.len(), 3);
    assert!(c.find(Locator::Css("#summary")).await.is_ok());
    screenshot(&c, "whatif").await;

    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_answers_access_and_erasure_requests_in_a_real_browser() {
    let served = common::serve();
    let ann = served.login("ann");
    let dossier = "BROWSER-PERSON-2207";
    let id = served.create(
        &ann,
        &common::ELIGIBLE.replacen('{', &format!(r#"{{"id": "{dossier}", "#), 1),
    );
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let base = served.base.clone();
    c.goto(&format!("{base}/login?lang=nl")).await.unwrap();
    fill(&c, "username", "coord").await;
    fill(&c, "password", "coord-passphrase").await;
    click(&c, "form.login button").await;
    until(&c, "the board after logging in", || async {
        c.current_url().await.unwrap().path() == "/board"
    })
    .await;

    // The search is posted: the dossier number never appears in the address.
    c.goto(&format!("{base}/cases")).await.unwrap();
    fill(&c, "dossier", dossier).await;
    click(&c, "form.search button").await;
    until(&c, "the person's cases", || async {
        c.source().await.unwrap().contains("/persons/erase")
    })
    .await;
    assert!(!c.current_url().await.unwrap().as_str().contains(dossier));
    assert!(text_of(&c, "table.cases").await.contains(dossier));
    screenshot(&c, "person-search").await;

    // The access export as a page (in Dutch, the coordinator's pages' language): the referral's
    // facts by name, dates day first.
    click(&c, "form.export button").await;
    until(&c, "the access export", || async {
        c.find(Locator::Css("article.access")).await.is_ok()
    })
    .await;
    let export = text_of(&c, "article.access").await;
    assert!(
        export.contains("Geboortedatum") && export.contains("01/05/1990"),
        "{export}"
    );
    screenshot(&c, "person-export").await;

    // Erasure asks for a reason and a ticked confirmation.
    c.goto(&format!("{base}/cases/{id}")).await.unwrap();
    c.find(Locator::Css("form.erase input[name=reason]"))
        .await
        .unwrap()
        .send_keys("verzoek art. 17")
        .await
        .unwrap();
    click(&c, "form.erase input[name=confirm]").await;
    screenshot(&c, "case-erase").await;
    click(&c, "form.erase button").await;
    until(&c, "the erased case file", || async {
        // The page is replaced while the form posts: look without insisting it is there.
        match c.find(Locator::Css("#dossier")).await {
            Ok(e) => e.text().await.is_ok_and(|t| t == "gewist"),
            Err(_) => false,
        }
    })
    .await;
    assert!(c.find(Locator::Css("form.erase")).await.is_err());
    screenshot(&c, "case-erased").await;

    // The record of processing, for the coordinator.
    c.goto(&format!("{base}/programmes/charleroi/record"))
        .await
        .unwrap();
    assert!(text_of(&c, "main").await.contains("santé"));
    screenshot(&c, "record-of-processing").await;
    c.close().await.unwrap();
}
