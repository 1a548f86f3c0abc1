//! Caseload simulation speed, in one run: (1) 1,000 runs × 36 months for each of the five
//! bundled programmes (target: all five under 1 s on 2 cores); (2) the same M/M/c model in
//! traject, in SimPy and in Ciw (benches/simpy_mmc.py, benches/ciw_mmc.py, which install their
//! library with pip when missing): simulated client events (arrivals + departures) per second
//! and the ratios (target against SimPy ≥ 300×),
//! and the same model as a minimal hand-written event loop (a heap of the times the c workers
//! come free, the Kiefer–Wolfowitz recursion) — the floor traject's M/M/c is quoted against.

use std::path::Path;
use std::time::Instant;

use criterion::Criterion;
use traject_app::forecast::{self as simulate, Settings};
use traject_model::program::{load_path, LoadOptions};

const PROGRAMS: [&str; 5] = ["antwerpen", "gent", "charleroi", "liege", "brussel"];

/// The bare M/M/c: exponential arrivals and stays (xorshift, inverse transform), first come
/// first served over c workers, whose free times sit in a min-heap. Returns the client events
/// (arrivals + departures) and the mean wait in days after a 10% warm-up, over `runs` runs.
fn floor_mmc(lambda: f64, mu: f64, c: usize, months: f64, runs: usize) -> (u64, f64) {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    const MONTH_DAYS: f64 = 365.25 / 12.0;
    let (mut events, mut waited, mut served) = (0u64, 0.0, 0u64);
    for run in 0..runs {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ (run as u64 + 1);
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        // Times in days as integer nanodays, so the heap orders plain integers.
        let scale = 1e9;
        let mut free: BinaryHeap<Reverse<u64>> = (0..c).map(|_| Reverse(0)).collect();
        let (end, warmup) = (months * MONTH_DAYS, months / 10.0 * MONTH_DAYS);
        let mut now = 0.0;
        loop {
            now += -uniform().ln() / lambda * MONTH_DAYS;
            if now >= end {
                break;
            }
            events += 1;
            let Reverse(first_free) = free.pop().expect("c workers");
            let start = now.max(first_free as f64 / scale);
            let leaves = start - uniform().ln() / mu * MONTH_DAYS;
            if leaves < end {
                events += 1;
            }
            if now >= warmup {
                waited += start - now;
                served += 1;
            }
            free.push(Reverse((leaves * scale) as u64));
        }
    }
    (events, waited / served.max(1) as f64)
}

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
        limits: traject_app::Limits::COMMAND_LINE,
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

    // M/M/c, λ = 12/month, μ = 0.25/month, c = 52 (utilisation 0.92): traject vs SimPy and
    // the hand-written floor.
    let (lambda, mu, c) = (12.0, 0.25, 52);
    let s = Settings {
        months: 1200,
        runs: 40,
        seed: 1,
        limits: traject_app::Limits::COMMAND_LINE,
    };
    let t = Instant::now();
    let ours = simulate::mmc(lambda, mu, c, &s, &|_, _| {}).unwrap();
    let ours_secs = t.elapsed().as_secs_f64();
    let ours_rate = ours.events as f64 / ours_secs;
    println!(
        "traject M/M/{c}: {} events in {:.3} s = {:.0} events/s (mean wait {} d, Erlang C {} d)",
        ours.events,
        ours_secs,
        ours_rate,
        ours.mean_wait_days,
        ours.erlang_c_mean_wait_days.unwrap()
    );
    let t = Instant::now();
    let (floor_events, floor_wait) = floor_mmc(lambda, mu, c as usize, s.months as f64, s.runs);
    let floor_secs = t.elapsed().as_secs_f64();
    let floor_rate = floor_events as f64 / floor_secs;
    println!(
        "hand-written floor M/M/{c}: {floor_events} events in {floor_secs:.3} s = {floor_rate:.0} events/s (mean wait {floor_wait:.1} d)"
    );
    println!(
        "ratio traject / floor: {:.2} (1.0 = as fast as the bare event loop)",
        ours_rate / floor_rate
    );
    for (script, name) in [
        ("benches/simpy_mmc.py", "SimPy"),
        ("benches/ciw_mmc.py", "Ciw"),
    ] {
        peer(root, script, name, (lambda, mu, c as usize), ours_rate);
    }

    let mut crit = Criterion::default().sample_size(10).configure_from_args();
    crit.bench_function("simulate_five_programmes_1000x36", |b| {
        b.iter(|| all(false))
    });
    crit.final_summary();
}

/// A Python peer's M/M/c run (it installs its library with pip when missing), side by side with
/// traject's events per second measured above.
fn peer(root: &Path, script: &str, name: &str, (lambda, mu, c): (f64, f64, usize), ours_rate: f64) {
    let py = std::process::Command::new("python3")
        .arg(root.join(script))
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
                "{name} {} M/M/{c}: {} events in {} s = {:.0} events/s (mean wait {} d)",
                j[name.to_lowercase()].as_str().unwrap_or("?"),
                j["events"],
                j["seconds"],
                rate,
                j["mean_wait_days"]
            );
            let ratio = ours_rate / rate;
            let target = if name == "SimPy" {
                format!(
                    " (target ≥ 300×: {})",
                    if ratio >= 300.0 { "met" } else { "MISSED" }
                )
            } else {
                String::new()
            };
            println!("ratio traject / {name}: {ratio:.1}× more client events per second{target}");
        }
        Ok(out) => println!(
            "{name} comparison skipped: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
        Err(e) => println!("{name} comparison skipped: python3 not available ({e})"),
    }
}
