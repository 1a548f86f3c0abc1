//! Forecasting from a big case store, in one run: a store of 100,000 Antwerp cases referred
//! over ten years (most started and closed, some never started, the last months still active
//! or waiting) is read and learnt from, then 1,000 runs × 24 months are simulated from the
//! caseload on the last day. Prints the time to read the store, the whole forecast, and the
//! share of the forecast spent reading.

use std::time::Instant;

use chrono::{Days, NaiveDate};
use serde_json::json;
use traject_app::forecast::{self, Forecast, FromStore, Settings};
use traject_app::{Ctx, FilePrograms, Programs, Role};
use traject_model::program::LoadOptions;
use traject_sim::history;
use traject_store::sql::{args, Sql};
use traject_store::{append_event, Store};

const CASES: usize = 100_000;

/// Cases referred evenly from 2014-01-01 over ten years; 10% never start, the others start a
/// week after referral on the long track (9 months) and are closed when it ends — unless that
/// is after the last day, when they are still active. Written directly, one transaction.
fn fill(store: &mut Store, last: NaiveDate) {
    let first = NaiveDate::from_ymd_opt(2014, 1, 1).unwrap();
    let days = (last - first).num_days() as usize;
    let referral = json!({"id": "r", "referral_date": "2014-01-01"}).to_string();
    store
        .write(|tx| {
            let insert = "INSERT INTO cases (program, version, version_hash, state, verdict, referral_date, referral, updated_on, track, started_on, ends_on) VALUES ('antwerpen', '2022', 'bench', ?1, 'eligible', ?2, ?3, ?2, ?4, ?5, ?6) RETURNING id";
            for i in 0..CASES {
                let referred = first + Days::new((i * days / CASES) as u64);
                let started = referred + Days::new(7);
                let ends = started + chrono::Months::new(9);
                let (state, track, start, end) = if i % 10 == 0 {
                    ("not_started", None, None, None)
                } else if ends <= last {
                    ("closed", Some("long"), Some(started), Some(ends))
                } else {
                    ("active", Some("long"), Some(started), Some(ends))
                };
                let s = |d: Option<NaiveDate>| d.map(|d| d.to_string());
                let id: i64 = tx.one(insert, args![state, referred.to_string(), referral, track, s(start), s(end)])?;
                let on = referred.to_string();
                append_event(tx, id, &on, "referred", &json!({"verdict": "eligible"}), "bench", "bench")?;
                match state {
                    "not_started" => {
                        append_event(tx, id, &on, "not_started", &json!({"outcome": "no_help_request"}), "bench", "bench")?;
                    }
                    _ => {
                        let payload = json!({"track": "long", "ends_on": s(end)});
                        append_event(tx, id, &started.to_string(), "started", &payload, "bench", "bench")?;
                        if state == "closed" {
                            append_event(tx, id, &ends.to_string(), "closed", &json!({"outcome": "art60"}), "bench", "bench")?;
                        }
                    }
                }
            }
            Ok::<_, traject_store::StoreError>(())
        })
        .unwrap();
}

fn main() {
    let last = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
    let mut store = Store::in_memory().unwrap();
    let t = Instant::now();
    fill(&mut store, last);
    println!("built {CASES} cases in {:.1} s", t.elapsed().as_secs_f64());
    let program = FilePrograms::here()
        .load("antwerpen", &LoadOptions::default())
        .unwrap();
    let ctx = Ctx {
        on: last,
        actor: "bench".into(),
        role: Role::Coordinator,
        team: None,
        org: None,
    };

    let t = Instant::now();
    let cases = history::read(&store, "antwerpen", Some(last)).unwrap();
    let snapshot = history::snapshot(&cases, last, 0.0);
    let read = t.elapsed();
    println!(
        "read {} cases and their events: {:.0} ms ({} active, {} waiting on {last})",
        cases.len(),
        read.as_secs_f64() * 1000.0,
        snapshot.active,
        snapshot.waiting
    );

    let settings = Settings {
        months: 24,
        runs: 1000,
        seed: 1,
    };
    let from = FromStore {
        store: &store,
        from: last,
        history: None,
        ctx: &ctx,
    };
    let ask = Forecast {
        version: Some("2022".into()),
        ..Default::default()
    };
    let t = Instant::now();
    let r = forecast::forecast(&program, &ask, Some(from), &settings, &|_, _| {}).unwrap();
    let total = t.elapsed();
    println!(
        "forecast of 1,000 runs × 24 months from the store: {:.0} ms, of which reading the store {:.0}% (learnt {:.1} referrals a month; p90 wait {} days)",
        total.as_secs_f64() * 1000.0,
        100.0 * read.as_secs_f64() / total.as_secs_f64(),
        r.calibration.as_ref().unwrap().referrals_per_month.value,
        r.summary.wait_days_p90
    );
}
