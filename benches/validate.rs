//! Cold `traject validate programs/` against `cat programs/*`, both as fresh processes and
//! measured in the same run (median of 20 each); in process, validating the five programmes
//! under every option choice against parsing them once (each file is parsed once and every
//! choice loads from the parsed tree); then the load of the five programmes under criterion.
//! Target: validate under 30 ms.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::Criterion;
use traject_model::program::{self, LoadOptions};

fn median_of(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn cold_processes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let programs: Vec<String> = std::fs::read_dir(root.join("programs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.display().to_string())
        .collect();
    let cat = median_of(20, || {
        let out = Command::new("cat").args(&programs).output().unwrap();
        assert!(out.status.success());
    });
    let bin = env!("CARGO_BIN_EXE_traject");
    let validate = median_of(20, || {
        let out = Command::new(bin)
            .current_dir(root)
            .args(["validate", "programs/"])
            .output()
            .unwrap();
        assert!(out.status.success(), "validate failed");
    });
    println!(
        "cold process, median of 20: cat programs/* {:.2} ms | traject validate programs/ {:.2} ms | ratio {:.1}× | target < 30 ms: {}",
        cat.as_secs_f64() * 1e3,
        validate.as_secs_f64() * 1e3,
        validate.as_secs_f64() / cat.as_secs_f64(),
        if validate < Duration::from_millis(30) { "met" } else { "MISSED" }
    );
}

fn in_process(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<(String, Vec<u8>)> = ["antwerpen", "gent", "charleroi", "liege", "brussel"]
        .iter()
        .map(|id| {
            let p = root.join(format!("programs/{id}.yaml"));
            (format!("programs/{id}.yaml"), std::fs::read(p).unwrap())
        })
        .collect();
    // The floor: each file read as YAML and checked against the schema once, nothing else.
    let parse = median_of(20, || {
        for (name, bytes) in &files {
            program::Parsed::from_bytes(name, bytes).unwrap();
        }
    });
    // What `validate` does: every file under every option choice, compiled (parsed once).
    let paths: Vec<std::path::PathBuf> = files.iter().map(|(name, _)| root.join(name)).collect();
    let validate = median_of(20, || {
        assert!(traject_app::programmes::validate(&paths).ok);
    });
    println!(
        "in process, median of 20: parsing the five files once {:.2} ms | validating them under every option choice {:.2} ms | ratio {:.1}×",
        parse.as_secs_f64() * 1e3,
        validate.as_secs_f64() * 1e3,
        validate.as_secs_f64() / parse.as_secs_f64(),
    );
    c.bench_function("load and check the five programmes (in process)", |b| {
        b.iter(|| {
            for (name, bytes) in &files {
                program::load_bytes(name, bytes, &LoadOptions::default()).unwrap();
            }
        })
    });
}

fn main() {
    cold_processes();
    let mut c = Criterion::default().sample_size(20).configure_from_args();
    in_process(&mut c);
    c.final_summary();
}
