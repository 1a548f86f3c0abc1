//! `traject check --csv` stays streaming: the real binary judges 1,000,000 and 10,000,000
//! referrals, and the run's time and peak memory (maximum resident set size, from GNU time)
//! are compared. Target: the 10 M-row batch within 2× the peak memory of the 1 M-row one.
//!
//! The input cycles through a handful of referrals (eligible, ineligible, open on a missing
//! fact) with distinct ids; the files take about 80 MB and 800 MB in the temporary folder.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

const HEADER: &str = "id,referral_date,birth_date,nationality,residence_ocmw,income_support,in_art60,civic_orientation_completed,motivated,help_request_fits";
const BODIES: [&str; 4] = [
    "2023-03-01,1990-05-01,SY,antwerpen,leefloon,false,true,true,true",
    "2023-04-12,2008-01-01,AF,antwerpen,leefloon,false,true,true,true",
    "2023-05-20,1985-11-30,PL,mortsel,none,true,false,true,false",
    "2023-06-02,1979-02-14,ER,antwerpen,equivalent_leefloon,,true,,true",
];

fn write_input(path: &Path, rows: usize) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "{HEADER}").unwrap();
    for i in 0..rows {
        writeln!(w, "r{i},{}", BODIES[i % BODIES.len()]).unwrap();
    }
    w.flush().unwrap();
}

/// One run through GNU time: (wall time, peak resident memory in KiB).
fn run(input: &Path, out: &Path) -> (Duration, u64) {
    let report = input.with_extension("time");
    let t = Instant::now();
    let status = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_traject"))
        .args(["check", "--program", "antwerpen", "--csv"])
        .arg(input)
        .arg("--out")
        .arg(out)
        .output()
        .expect("GNU time at /usr/bin/time (apt-get install time)");
    let took = t.elapsed();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let kib = std::fs::read_to_string(&report)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (took, kib)
}

fn main() {
    let dir = std::env::temp_dir().join(format!("traject-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut results = Vec::new();
    for rows in [1_000_000, 10_000_000] {
        let input = dir.join(format!("r{rows}.csv"));
        let out = dir.join(format!("o{rows}.csv"));
        write_input(&input, rows);
        let (took, kib) = run(&input, &out);
        let written =
            std::io::BufRead::lines(std::io::BufReader::new(std::fs::File::open(&out).unwrap()))
                .count();
        assert_eq!(written, rows + 1, "one result row per referral");
        println!(
            "check --csv {rows:>10} rows: {:>6.2} s, peak memory {:>7.1} MiB",
            took.as_secs_f64(),
            kib as f64 / 1024.0
        );
        results.push((took, kib));
        let _ = std::fs::remove_file(&input);
        let _ = std::fs::remove_file(&out);
    }
    let (small, large) = (results[0], results[1]);
    let ratio = large.1 as f64 / small.1 as f64;
    println!(
        "peak memory 10 M / 1 M rows: {ratio:.2}× (target ≤ 2×: {}); time {:.1}×",
        if ratio <= 2.0 { "met" } else { "MISSED" },
        large.0.as_secs_f64() / small.0.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
