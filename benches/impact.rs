//! `traject impact` at scale, in one run: a store of 100,000 Antwerp referrals (each a case,
//! referred over eight years: the forecast learns its demand from the last two),
//! a proposed 2022 version that raises the minimum age from 18 to 30, and the whole impact —
//! every referral judged under both versions, the diff, the forecast of 36 months on both from
//! the store and each version's FTE solved — against the baseline of judging the same
//! referrals once under the current version, in process. Target: the impact within 2 s. Then
//! the check a programme editor runs on every change (`programme_history::save` runs it: the
//! whole file under every option choice), on Antwerp's file, against loading it once with the
//! default choices. Target: within 100 ms.

use std::path::Path;
use std::time::{Duration, Instant};

use traject_app::impact::{self, Proposal};
use traject_cases::{self as lifecycle, CaseStore, Ctx};
use traject_model::program::{load_bytes, LoadOptions};
use traject_model::referral::Referral;
use traject_store::Store;

const CASES: usize = 100_000;

#[path = "support/stored_referrals.rs"]
mod stored_referrals;

fn referral(i: usize) -> Referral {
    stored_referrals::referral(i, 2016, 8)
}

fn compiled(name: &str, text: &str) -> traject_rules::CompiledProgram {
    load_bytes(name, text.as_bytes(), &LoadOptions::default())
        .and_then(traject_rules::compile_loaded)
        .unwrap()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("traject-impact-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(root.join("programs/antwerpen.yaml")).unwrap();
    let age_2022 = r#"{id: age, mode: hard, kind: min_age, value: 18, label: {nl: "Volwassen"#;
    let proposed_text = text.replacen(
        age_2022,
        r#"{id: age, mode: hard, kind: min_age, value: 30, label: {nl: "Volwassen"#,
        1,
    );
    // The loader asks a version based on another to say what it changes: the age, here.
    let at = proposed_text.find("  - id: \"2022\"").unwrap();
    let at = at + proposed_text[at..].find("    changes:\n").unwrap() + "    changes:\n".len();
    let mut proposed_text = proposed_text;
    proposed_text.insert_str(
        at,
        "      - {section: eligibility, id: age, change: changed, source: \"assumption: a proposal for the benchmark\", reason: {nl: \"Vanaf 30 jaar\", fr: \"A partir de 30 ans\", en: \"From 30\"}}\n",
    );
    assert_ne!(
        text, proposed_text,
        "the 2022 age rule is where the bench expects it"
    );
    let current = compiled("programs/antwerpen.yaml", &text);
    let proposed = compiled("antwerpen-proposed.yaml", &proposed_text);

    let db_path = dir.join("impact.db");
    let mut store = Store::open(&db_path).unwrap();
    let t = Instant::now();
    let ctx = |d: &str| Ctx {
        on: d.parse().unwrap(),
        actor: "bench".into(),
        team: None,
        org: None,
    };
    let referrals: Vec<Referral> = (0..CASES).map(referral).collect();
    store
        .in_transaction(|tx| {
            for r in &referrals {
                let on = r.referral_date.unwrap().to_string();
                lifecycle::insert_case(tx, &current, r, &ctx(&on))?;
            }
            Ok::<_, lifecycle::CaseError>(())
        })
        .unwrap();
    println!("built {CASES} cases in {:.1} s", t.elapsed().as_secs_f64());

    let on = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let app_ctx = traject_app::Ctx {
        on,
        actor: "bench".into(),
        role: traject_app::Role::CommandLine,
        team: None,
        org: None,
    };
    // The baseline: the same referrals, read from the store and judged once.
    let index = current.version_index("2022").unwrap();
    let baseline = best_of(3, || {
        let stored = store
            .referrals_of("antwerpen", traject_store::Reach::All)
            .unwrap();
        let mut eligible = 0usize;
        for s in stored {
            let subject = impact::Subject::stored(&s);
            let r = subject.referral.unwrap();
            eligible += usize::from(
                current.judge(index, &r).unwrap().verdict == traject_rules::Verdict::Eligible,
            );
        }
        assert!(eligible > 0);
    });
    let settings = traject_app::forecast::Settings {
        months: 36,
        runs: 200,
        seed: 1,
        limits: traject_app::Limits::COMMAND_LINE,
    };
    let proposal = Proposal {
        current: &current,
        proposed: &proposed,
        version: Some("2022"),
        on,
    };
    let mut changed = 0;
    let whole = best_of(3, || {
        let i = impact::in_store(&proposal, &store, Some((&settings, 28.0)), &app_ctx).unwrap();
        changed = i.changed;
    });
    let judged_only = best_of(3, || {
        impact::in_store(&proposal, &store, None, &app_ctx).unwrap();
    });
    println!(
        "{CASES} stored referrals, {changed} flip | judged once (baseline) {:.0} ms | impact without forecast {:.0} ms ({:.1}×) | impact with two 36-month forecasts and FTE solves {:.0} ms ({:.1}×) | target 2 s: {}",
        ms(baseline),
        ms(judged_only),
        judged_only.as_secs_f64() / baseline.as_secs_f64(),
        ms(whole),
        whole.as_secs_f64() / baseline.as_secs_f64(),
        if whole <= Duration::from_secs(2) { "met" } else { "MISSED" }
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);

    let load_once = best_of(10, || {
        load_bytes("antwerpen.yaml", text.as_bytes(), &LoadOptions::default()).unwrap();
    });
    let check = best_of(10, || {
        traject_app::programmes::checked_bytes("antwerpen.yaml", text.as_bytes()).unwrap();
    });
    println!(
        "Antwerp's programme ({} lines): loaded once {:.1} ms | the editor's check (every option choice, compiled) {:.1} ms ({:.1}×) | target 100 ms: {}",
        text.lines().count(),
        ms(load_once),
        ms(check),
        check.as_secs_f64() / load_once.as_secs_f64(),
        if check <= Duration::from_millis(100) { "met" } else { "MISSED" }
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn best_of(n: usize, mut f: impl FnMut()) -> Duration {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}
