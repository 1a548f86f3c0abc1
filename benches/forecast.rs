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
use traject_cases::event::{self, Event};
use traject_cases::CaseState;
use traject_model::program::LoadOptions;
use traject_rules::Verdict;
use traject_sim::history;
use traject_store::test_support::{self, Synthetic};
use traject_store::Store;

const CASES: usize = 100_000;

/// Cases referred evenly from 2014-01-01 over ten years; 10% never start, the others start a
/// week after referral on the long track (9 months) and are closed when it ends — unless that
/// is after the last day, when they are still active. Written directly, one transaction.
fn fill(store: &mut Store, last: NaiveDate) {
    let first = NaiveDate::from_ymd_opt(2014, 1, 1).unwrap();
    let days = (last - first).num_days() as usize;
    let referral = json!({"id": "r", "referral_date": "2014-01-01"}).to_string();
    let referred = |version: &str| {
        Event::Referred(event::Referred {
            verdict: Verdict::Eligible,
            version: version.into(),
            not_passed: vec![],
            funding: vec![],
        })
    };
    let ended = |outcome: &str| event::Ended {
        outcome: outcome.into(),
    };
    let cases: Vec<Synthetic> = (0..CASES)
        .map(|i| {
            let referred_on = first + Days::new((i * days / CASES) as u64);
            let started = referred_on + Days::new(7);
            let ends = started + chrono::Months::new(9);
            let mut events = vec![(referred_on, referred("2022"))];
            let state = if i % 10 == 0 {
                events.push((referred_on, Event::NotStarted(ended("no_help_request"))));
                CaseState::NotStarted
            } else {
                let start = event::Started {
                    track: Some("long".into()),
                    changed: None,
                    from_waiting_list: false,
                    slot_freed_on: None,
                    waited_days: None,
                    ends_on: Some(ends),
                };
                events.push((started, Event::Started(start)));
                if ends <= last {
                    events.push((ends, Event::Closed(ended("art60"))));
                    CaseState::Closed
                } else {
                    CaseState::Active
                }
            };
            let runs = state != CaseState::NotStarted;
            Synthetic {
                program: "antwerpen",
                version: "2022",
                version_hash: "bench",
                state,
                verdict: Verdict::Eligible,
                referral_date: referred_on,
                referral: &referral,
                track: runs.then_some("long"),
                started_on: runs.then_some(started),
                ends_on: runs.then_some(ends),
                events,
            }
        })
        .collect();
    test_support::insert_synthetic(store, &cases).unwrap();
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
    let cases = history::timelines(store.histories("antwerpen", Some(last)).unwrap());
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
        limits: traject_app::Limits::COMMAND_LINE,
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
