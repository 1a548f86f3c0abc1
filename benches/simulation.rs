//! Caseload simulation speed, in one run: (1) 1,000 runs × 36 months for each of the five
//! bundled programmes (target: all five under 1 s on 2 cores); (2) the same M/M/c model in
//! traject and in SimPy (benches/simpy_mmc.py, which installs SimPy with pip when missing):
//! simulated client events (arrivals + departures) per second and the ratio.

use std::path::Path;
use std::time::Instant;

use criterion::Criterion;
use traject::app::forecast::{self as simulate, Settings};
use traject::program::{load_path, LoadOptions};

const PROGRAMS: [&str; 5] = ["antwerpen", "gent", "charleroi", "liege", "brussel"];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let programs: Vec<_> = PROGRAMS
        .iter()
        .map(|id| {
            load_path(
                &root.join(format!("programs/{id}.yaml")),
                &LoadOptions::default(),
            )
            .unwrap()
        })
        .collect();
    let settings = Settings {
        months: 36,
        runs: 1000,
        seed: 1,
    };
    let all = |print: bool| {
        let t = Instant::now();
        for p in &programs {
            let r = simulate::programme(p, None, None, &settings, &|_, _| {}).unwrap();
            if print {
                println!(
                    "  {:<10} version {:<5} capacity {:>3}: p90 wait {:>6.1} days, {:>8} events",
                    r.program,
                    r.version,
                    r.summary.capacity,
                    r.summary.wait_days_p90,
                    r.summary.events
                );
            }
        }
        t.elapsed()
    };
    all(false); // warm the page cache and the allocator
    let mut times: Vec<f64> = (0..5).map(|i| all(i == 0).as_secs_f64()).collect();
    times.sort_by(f64::total_cmp);
    println!(
        "five programmes × 1,000 runs × 36 months: median of 5 = {:.3} s (target < 1 s: {})",
        times[2],
        if times[2] < 1.0 { "met" } else { "MISSED" }
    );

    // M/M/c, λ = 18/month, μ = 1/month, c = 20 (utilisation 0.9): traject vs SimPy.
    let (lambda, mu, c) = (18.0, 1.0, 20);
    let s = Settings {
        months: 1200,
        runs: 40,
        seed: 1,
    };
    let t = Instant::now();
    let ours = simulate::mmc(lambda, mu, c, &s, &|_, _| {}).unwrap();
    let ours_secs = t.elapsed().as_secs_f64();
    let ours_rate = ours.events as f64 / ours_secs;
    println!(
        "traject M/M/20: {} events in {:.3} s = {:.0} events/s (mean wait {} d, Erlang C {} d)",
        ours.events,
        ours_secs,
        ours_rate,
        ours.mean_wait_days,
        ours.erlang_c_mean_wait_days.unwrap()
    );
    let py = std::process::Command::new("python3")
        .arg(root.join("benches/simpy_mmc.py"))
        .args([
            lambda.to_string(),
            mu.to_string(),
            c.to_string(),
            "1200".into(),
            "4".into(),
        ])
        .output();
    match py {
        Ok(out) if out.status.success() => {
            let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let rate = j["events_per_second"].as_f64().unwrap();
            println!(
                "SimPy {} M/M/20: {} events in {} s = {:.0} events/s (mean wait {} d)",
                j["simpy"].as_str().unwrap_or("?"),
                j["events"],
                j["seconds"],
                rate,
                j["mean_wait_days"]
            );
            println!(
                "ratio traject / SimPy: {:.1}× more client events per second",
                ours_rate / rate
            );
        }
        Ok(out) => println!(
            "SimPy comparison skipped: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
        Err(e) => println!("SimPy comparison skipped: python3 not available ({e})"),
    }

    let mut crit = Criterion::default().sample_size(10).configure_from_args();
    crit.bench_function("simulate_five_programmes_1000x36", |b| {
        b.iter(|| all(false))
    });
    crit.final_summary();
}
