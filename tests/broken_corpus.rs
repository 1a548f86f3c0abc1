//! Every file in tests/broken/ must be rejected by the real binary with exit code 1 and the
//! located error listed in tests/broken/expect.tsv — never a panic, never success.

use std::path::Path;

use assert_cmd::Command;

fn traject() -> Command {
    let mut c = Command::cargo_bin("traject").expect("binary builds");
    // Messages in English whatever the machine's locale; tests of other languages ask.
    c.env("LC_ALL", "C");
    c
}

#[test]
fn every_broken_file_gives_its_located_error() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("tests/broken/expect.tsv")).unwrap();
    let mut checked = 0;
    let mut listed = Vec::new();
    for line in manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "bad manifest line: {line}");
        let (file, at, message) = (cols[0], cols[1], cols[2]);
        listed.push(file.to_string());
        let rel = format!("tests/broken/{file}");
        let out = traject()
            .current_dir(root)
            .args(["validate", &rel])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{file}: exit code; stderr:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{file} panicked:\n{stderr}");
        let expected = format!("{rel}:{at}: error: ");
        let hit = stderr.lines().find(|l| l.starts_with(&expected));
        let hit = hit.unwrap_or_else(|| panic!("{file}: no error at {at}; stderr:\n{stderr}"));
        assert!(
            hit.contains(message),
            "{file}: expected '{message}' in\n{hit}"
        );
        checked += 1;
    }
    // The corpus and the manifest must list the same files.
    let mut on_disk: Vec<String> = std::fs::read_dir(root.join("tests/broken"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    on_disk.sort();
    listed.sort();
    assert_eq!(on_disk, listed, "tests/broken/*.yaml and expect.tsv differ");
    assert!(
        checked >= 30,
        "corpus must hold at least 30 broken files, has {checked}"
    );
}

#[test]
fn a_twenty_megabyte_file_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    let line = "# padding padding padding padding padding padding padding padding padding\n";
    let text = line.repeat(20 * 1024 * 1024 / line.len() + 1);
    std::fs::write(&big, text).unwrap();
    let out = traject()
        .args(["validate", big.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("big.yaml:1:1: error: file is 20.0 MB"),
        "{stderr}"
    );
}

#[test]
fn all_errors_of_a_file_are_reported_at_once() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/minimal.yaml")).unwrap();
    let broken = text
        .replace(
            "modules: [individual, groups]",
            "modules: [individual, grups]",
        )
        .replace("percent: 90}", "percent: 80}")
        .replace("tracks: [long]", "tracks: [lang]");
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("three.yaml");
    std::fs::write(&f, broken).unwrap();
    let out = traject()
        .args(["validate", f.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = json["files"][0]["diagnostics"].as_array().unwrap();
    let messages: Vec<&str> = diags
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(diags.len(), 3, "{messages:?}");
    assert!(messages
        .iter()
        .any(|m| m.contains("unknown module 'grups'")));
    assert!(messages.iter().any(|m| m.contains("sum to 90")));
    assert!(messages
        .iter()
        .any(|m| m.contains("unknown track 'lang' (did you mean 'long'?)")));
    assert!(diags
        .iter()
        .all(|d| d["line"].as_u64().unwrap() > 0 && d["col"].as_u64().unwrap() > 0));
}

#[test]
fn usage_errors_exit_two() {
    traject()
        .args(["validate", "--format", "xml"])
        .assert()
        .code(2);
    traject().args(["frobnicate"]).assert().code(2);
}

#[test]
fn missing_path_is_an_input_error() {
    let out = traject()
        .args(["validate", "no/such/dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("no/such/dir:1:1: error: no such file or folder"));
}
