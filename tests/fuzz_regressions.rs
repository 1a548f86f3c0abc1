//! The fuzz targets (src/testing/fuzz.rs) on every input a fuzzing run ever saved under
//! tests/fuzz_regressions/<target>/ (panics, hangs, errors without a place — each fixed since),
//! and on the repository's own inputs: none may panic or refuse without a located diagnostic.

use std::path::Path;
use std::time::{Duration, Instant};

use traject_rules::fuzz::TARGETS;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn inputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.path().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_saved_finding_and_every_repository_input_is_answered_with_a_place() {
    let mut checked = 0;
    for (name, target) in TARGETS {
        let mut all = inputs(&root().join("tests/fuzz_regressions").join(name));
        match name {
            "programme" => {
                all.extend(
                    inputs(&root().join("programs"))
                        .into_iter()
                        .filter(|(p, _)| p.ends_with(".yaml")),
                );
                all.extend(
                    inputs(&root().join("tests/broken"))
                        .into_iter()
                        .filter(|(p, _)| p.ends_with(".yaml")),
                );
            }
            "referral" => all.extend(inputs(&root().join("tests/fixtures/referrals"))),
            "mapping" => all.extend(inputs(&root().join("examples"))),
            "csv" => all.push((
                "inline".into(),
                b"id;referral_date\r\n\"=1+1\";31/02/2023\r\n".to_vec(),
            )),
            _ => {}
        }
        for (file, bytes) in &all {
            let t = Instant::now();
            let answer = std::panic::catch_unwind(|| target(bytes));
            assert!(answer.is_ok(), "{name}: {file} panics");
            assert!(
                t.elapsed() < Duration::from_secs(5),
                "{name}: {file} takes {:?}",
                t.elapsed()
            );
            if let Ok(Err(e)) = answer {
                panic!("{name}: {file}: {e}");
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 50,
        "the replay reads the repository's inputs ({checked})"
    );
}

#[test]
fn a_valid_batch_is_accepted_and_an_empty_one_refused_with_its_place() {
    let (_, csv) = TARGETS.iter().find(|(n, _)| *n == "csv").unwrap();
    assert!(csv(b"id;referral_date\n1;2023-01-10\n").is_ok());
    assert!(csv(b"").is_ok(), "an empty file is refused with its place");
}
