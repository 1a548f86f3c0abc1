//! What people read, in their language: `traject simulate` (text and HTML) and the funding and
//! activity reports in Dutch and French against reviewed snapshots, and a French simulation of
//! Liège with no English left in it.

use std::path::Path;

use assert_cmd::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn traject() -> Command {
    let mut c = Command::cargo_bin("traject").expect("binary builds");
    // Messages in English whatever the machine's locale; tests of other languages ask.
    c.env("LC_ALL", "C");
    c.current_dir(root());
    c
}

fn run(args: &[&str]) -> String {
    let out = traject().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Compare with tests/snapshots/NAME; TRAJECT_UPDATE_SNAPSHOTS=1 rewrites them (review the diff!).
fn snapshot(name: &str, actual: &str) {
    let path = root().join("tests/snapshots").join(name);
    if std::env::var_os("TRAJECT_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing snapshot {name}: run with TRAJECT_UPDATE_SNAPSHOTS=1"));
    assert_eq!(actual, expected, "{name} differs from its snapshot");
}

/// English words a French or Dutch reader should not meet in these outputs.
const ENGLISH: [&str; 15] = [
    "wait",
    "months",
    "capacity",
    "median",
    "utilisation",
    "per run",
    "referred",
    "never started",
    "gave up",
    "still waiting",
    "active",
    "funding",
    "personnel at",
    "split not stated",
    "had to",
];

fn no_english(text: &str, what: &str) {
    let lower = text.to_lowercase();
    for w in ENGLISH {
        assert!(!lower.contains(w), "{what} still says '{w}':\n{text}");
    }
}

#[test]
fn simulate_speaks_french_for_liege_text_and_html() {
    let text = run(&[
        "simulate",
        "--program",
        "liege",
        "--runs",
        "100",
        "--months",
        "12",
    ]);
    no_english(&text, "simulate --program liege");
    assert!(
        text.contains("ETP") && text.contains("attente\u{a0}:"),
        "{text}"
    );
    snapshot("simulate_liege_fr.txt", &text);
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    run(&[
        "simulate",
        "--program",
        "liege",
        "--lang",
        "fr",
        "--runs",
        "100",
        "--months",
        "12",
        "--html",
        html.to_str().unwrap(),
    ]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<html lang=\"fr\">"));
    // Only what a reader sees: the SVG markup's own attribute names are not words.
    let seen: String = page
        .split('<')
        .filter_map(|part| part.split_once('>').map(|(_, text)| text))
        .collect::<Vec<_>>()
        .join(" ");
    no_english(&seen, "the HTML report");
    for title in [
        "Dossiers actifs par mois",
        "Liste d'attente à la fin de chaque mois",
        "Durée d'attente des personnes orientées",
    ] {
        assert!(page.contains(title), "chart title {title}");
    }
}

#[test]
fn simulate_in_dutch_matches_its_snapshot() {
    let text = run(&[
        "simulate",
        "--program",
        "antwerpen",
        "--runs",
        "100",
        "--months",
        "12",
    ]);
    no_english(&text, "simulate --program antwerpen");
    snapshot("simulate_antwerpen_nl.txt", &text);
}

#[test]
fn the_funding_report_in_french_and_dutch() {
    for (program, lang) in [("liege", "fr"), ("antwerpen", "nl")] {
        let text = run(&[
            "report",
            "funding",
            "--program",
            program,
            "--from",
            "2023-01-01",
            "--to",
            "2023-12-31",
            "--cost-per-fte-month",
            "4000",
            "--materials",
            "1200.50",
        ]);
        no_english(&text, "report funding");
        snapshot(&format!("funding_{program}_{lang}.txt"), &text);
    }
}

#[test]
fn the_activity_report_in_dutch_and_french() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let d = db.to_str().unwrap();
    let csv = dir.path().join("r.csv");
    let mut text = String::from("id;referral_date;birth_date;nationality;residence_ocmw;income_support;in_art60;civic_orientation_completed;motivated;help_request_fits\n");
    for i in 0..6 {
        text.push_str(&format!(
            "A-{i};0{}/02/2023;01/05/1990;SY;antwerpen;leefloon;nee;ja;ja;ja\n",
            i + 1
        ));
    }
    std::fs::write(&csv, text).unwrap();
    run(&[
        "case",
        "import",
        "--program",
        "antwerpen",
        csv.to_str().unwrap(),
        "--db",
        d,
        "--as-of",
        "2023-03-01",
    ]);
    for id in 1..=5 {
        run(&[
            "case",
            "start",
            &id.to_string(),
            "--track",
            "long",
            "--db",
            d,
            "--as-of",
            "2023-03-01",
        ]);
    }
    run(&[
        "case",
        "close",
        "1",
        "--destination",
        "art60",
        "--db",
        d,
        "--as-of",
        "2023-06-01",
    ]);
    run(&[
        "case",
        "drop",
        "2",
        "--reason",
        "moved",
        "--db",
        d,
        "--as-of",
        "2023-06-02",
    ]);
    run(&[
        "case",
        "not-start",
        "6",
        "--reason",
        "no_help_request",
        "--db",
        d,
        "--as-of",
        "2023-03-02",
    ]);
    for lang in ["nl", "fr"] {
        let text = run(&[
            "report",
            "activity",
            "--program",
            "antwerpen",
            "--from",
            "2023-01-01",
            "--to",
            "2023-12-31",
            "--db",
            d,
            "--as-of",
            "2023-07-01",
            "--lang",
            lang,
        ]);
        no_english(&text, "report activity");
        snapshot(&format!("activity_antwerpen_{lang}.txt"), &text);
    }
    // The same report as a workbook for the funder.
    let xlsx = dir.path().join("activity.xlsx");
    run(&[
        "report",
        "activity",
        "--program",
        "antwerpen",
        "--from",
        "2023-01-01",
        "--to",
        "2023-12-31",
        "--db",
        d,
        "--as-of",
        "2023-07-01",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK");
}
