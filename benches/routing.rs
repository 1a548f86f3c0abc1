//! Routing 10,000 referrals through each Ghent module (OCMW Go, VIA, M.I.), and the time each
//! hostile script of tests/hostile/ runs before the sandbox stops it (target: under 100 ms),
//! both in one run.
//!
//! The bundled sandbox limits are sized for cohorts of a few hundred; a cohort of 10,000 needs
//! the programme to raise them (`limits:`), as a programme routing a whole year's intake would.

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::Criterion;
use traject_app::route;
use traject_model::program::{load_bytes, LoadOptions};
use traject_model::referral::{FieldType, Referral, FIELDS};
use traject_rules::CompiledProgram;

fn cohort(n: usize) -> Vec<(String, Referral)> {
    let mut s: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let langs = ["ar", "ps", "ti", "fa", "so", "nl", "fr", "ro", "ku", "am"];
    (0..n)
        .map(|i| {
            let mut r = Referral::default();
            let set = |r: &mut Referral, f: &str, v: &str| {
                let ty = FIELDS
                    .iter()
                    .find(|(n, _)| *n == f)
                    .map(|(_, t)| *t)
                    .unwrap_or(FieldType::Text);
                r.set_text(f, ty, v).unwrap();
            };
            set(&mut r, "referral_date", "2020-05-04");
            set(
                &mut r,
                "mother_tongue",
                langs[(next() % langs.len() as u64) as usize],
            );
            if next() % 3 == 0 {
                set(&mut r, "contact_languages", "ar;fr");
            }
            (format!("p{i:05}"), r)
        })
        .collect()
}

fn gent_with_limits(root: &Path) -> CompiledProgram {
    let text = std::fs::read_to_string(root.join("programs/gent.yaml")).unwrap();
    let text = text.replacen(
        "society_language: nl\n",
        "society_language: nl\nlimits: {max_operations: 20000000, max_array_size: 200000, max_map_size: 1000000, max_string_size: 8388608, max_time_ms: 10000}\n",
        1,
    );
    let file = root
        .join("programs/gent.yaml")
        .to_string_lossy()
        .into_owned();
    load_bytes(&file, text.as_bytes(), &LoadOptions::default())
        .and_then(traject_rules::compile_loaded)
        .unwrap_or_else(|e| {
            panic!(
                "{}",
                traject_i18n::diagnostics::render_load(&e, traject_i18n::Lang::En)
            )
        })
}

fn hostile_stop_times(root: &Path) {
    let manifest = std::fs::read_to_string(root.join("tests/hostile/expect.tsv")).unwrap();
    let base = std::fs::read_to_string(root.join("tests/fixtures/minimal.yaml")).unwrap();
    let dir = std::env::temp_dir().join(format!("traject-hostile-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("programs")).unwrap();
    std::fs::create_dir_all(dir.join("scripts")).unwrap();
    let people = cohort(2);
    let mut worst = Duration::ZERO;
    for line in manifest.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 2 || cols[1] != "route" {
            continue;
        }
        let name = cols[0].trim_end_matches(".rhai");
        std::fs::copy(
            root.join("tests/hostile").join(cols[0]),
            dir.join("scripts").join(cols[0]),
        )
        .unwrap();
        let text = base.replace(
            "group_size: {min: 2, max: 10}, source",
            &format!("group_size: {{min: 2, max: 10}}, routing: {{script: {name}, source: \"local: bench\"}}, source"),
        );
        // Under the default limits, and with every size and operation limit raised to the
        // ceiling (as a programme routing a large intake might): the time limit still stops
        // the run, however slowly its values grow.
        let raised = text.replacen(
            "society_language: nl\n",
            "society_language: nl\nlimits: {max_operations: 50000000, max_array_size: 500000, max_map_size: 2000000, max_string_size: 16777216}\n",
            1,
        );
        for (limits, text) in [("default", &text), ("raised", &raised)] {
            let file = dir
                .join("programs")
                .join(format!("{name}.yaml"))
                .to_string_lossy()
                .into_owned();
            let compiled = load_bytes(&file, text.as_bytes(), &LoadOptions::default())
                .and_then(traject_rules::compile_loaded)
                .unwrap();
            let t = Instant::now();
            let result = route::route(
                &compiled,
                "groups",
                Some("2022"),
                None,
                "cohort.csv",
                &people,
            );
            let took = t.elapsed();
            let why = match &result {
                Err(d) => d
                    .first()
                    .map(|d| {
                        traject_i18n::catalogue::row_problem(&d.problem, traject_i18n::Lang::En)
                            .message
                    })
                    .unwrap_or_default(),
                Ok(_) => panic!("{name} was not stopped"),
            };
            worst = worst.max(took);
            println!(
                "hostile {name:<16} {limits:<7} limits: stopped after {:>7.2} ms — {}",
                took.as_secs_f64() * 1e3,
                why.split(": stopped: ").nth(1).unwrap_or(&why)
            );
        }
    }
    println!(
        "slowest hostile stop: {:.2} ms (target < 100 ms: {})",
        worst.as_secs_f64() * 1e3,
        if worst < Duration::from_millis(100) {
            "met"
        } else {
            "MISSED"
        }
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    hostile_stop_times(root);
    let gent = gent_with_limits(root);
    let people = cohort(10_000);
    for module in ["ocmw_go", "via", "mi"] {
        let t = Instant::now();
        let out = route::route(&gent, module, Some("2020"), None, "cohort.csv", &people)
            .unwrap_or_else(|d| panic!("{module}: {d:?}"));
        println!(
            "route 10,000 referrals, Ghent {module:<8}: {:>8.1} ms — {} groups, {} waiting",
            t.elapsed().as_secs_f64() * 1e3,
            out.routing.groups.len(),
            out.routing.waiting.len()
        );
    }
    let mut c = Criterion::default().sample_size(10).configure_from_args();
    for module in ["ocmw_go", "via", "mi"] {
        c.bench_function(&format!("route_10k_gent_{module}"), |b| {
            b.iter(|| {
                route::route(&gent, module, Some("2020"), None, "cohort.csv", &people).unwrap()
            })
        });
    }
    c.final_summary();
}
