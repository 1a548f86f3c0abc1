//! Forecasts from the real caseload: the simulation starts from the cases in the store on a
//! day, learns the demand from the store's history, runs what-if scenarios on the same random
//! numbers, and simulates group seats next to the counsellors. The backtest generates a
//! history through the engine with known parameters, learns them back, and checks that the
//! forecast's p10–p90 band holds the waiting list that then happened.

use std::path::Path;

use assert_cmd::Command;
use chrono::NaiveDate;
use traject_app::cases::{self, Ending};
use traject_app::forecast::{self, Forecast, FromStore, Scenario, Settings};
use traject_app::{Ctx, FilePrograms, Programs, Role};
use traject_cases::{CaseState, StartOutcome};
use traject_model::program::{LoadOptions, Program};
use traject_model::referral::{FieldType, Referral, FIELDS};
use traject_sim::history;
use traject_sim::Rng;
use traject_store::{Scope, Store};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn ctx(on: NaiveDate) -> Ctx {
    Ctx {
        on,
        actor: "forecast-test".into(),
        role: Role::Coordinator,
        team: None,
        org: None,
    }
}

/// An eligible Antwerp referral of `on`.
fn referral(id: usize, on: NaiveDate) -> Referral {
    referral_with(
        &format!("r{id:05}"),
        on,
        &[
            ("birth_date", "1985-05-01"),
            ("nationality", "SY"),
            ("residence_ocmw", "antwerpen"),
            ("income_support", "leefloon"),
            ("in_art60", "false"),
            ("civic_orientation_completed", "true"),
            ("motivated", "true"),
            ("help_request_fits", "true"),
        ],
    )
}

/// A referral with dossier number `id` of `on` and the given facts.
fn referral_with(id: &str, on: NaiveDate, facts: &[(&str, &str)]) -> Referral {
    let mut r = Referral::default();
    let date = on.to_string();
    let fixed = [("id", id), ("referral_date", date.as_str())];
    for (field, value) in fixed.iter().chain(facts) {
        let ty: FieldType = FIELDS.iter().find(|(n, _)| n == field).unwrap().1;
        r.set_text(field, ty, value).unwrap();
    }
    r
}

/// Run the binary from the repository root; it must succeed. Its standard output.
fn succeed(args: &[&str]) -> String {
    let out = Command::cargo_bin("traject")
        .unwrap()
        .env("LC_ALL", "C")
        .current_dir(root())
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn antwerpen() -> Program {
    FilePrograms::here()
        .load("antwerpen", &LoadOptions::default())
        .unwrap()
}

fn settings(months: usize, runs: usize) -> Settings {
    Settings {
        months,
        runs,
        seed: 11,
        limits: traject_app::Limits::COMMAND_LINE,
    }
}

#[test]
fn the_forecast_starts_from_the_forty_five_cases_in_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let compiled = FilePrograms::here()
        .open("antwerpen", &LoadOptions::default())
        .unwrap();
    let on = day("2023-03-10");
    {
        let mut store = Store::open(&db).unwrap();
        for i in 0..45 {
            let c = cases::new_case(&mut store, &compiled, &referral(i, on), &ctx(on)).unwrap();
            cases::start(
                &mut store,
                &FilePrograms::here(),
                c.id,
                Some("long"),
                &ctx(on),
            )
            .unwrap();
        }
    }
    let run = |extra: &[&str]| {
        let mut args = vec![
            "simulate",
            "--program",
            "antwerpen",
            "--runs",
            "200",
            "--months",
            "6",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        serde_json::from_str::<serde_json::Value>(&succeed(&args)).unwrap()
    };
    let j = run(&["--db", db.to_str().unwrap(), "--from", "2023-03-10"]);
    assert_eq!(j["start"]["active"], 40);
    assert_eq!(j["start"]["waiting"], 5);
    let first = &j["monthly"][0];
    assert_eq!(first["calendar"], "2023-03");
    assert_eq!(first["active_p50"], 40.0);
    assert!(first["waiting_p50"].as_f64().unwrap() >= 5.0, "{first}");
    // From an empty start the first month has only a handful of active cases.
    let empty = run(&[]);
    assert!(empty["monthly"][0]["active_p50"].as_f64().unwrap() < 10.0);
    // Scenarios side by side through the command line, and the demand the store shows.
    let scenarios = dir.path().join("scenarios.yaml");
    std::fs::write(&scenarios, "scenarios:\n  - name: as planned\n  - name: one FTE less in May\n    fte_change: {2023-05-01: 1}\n").unwrap();
    let d = db.to_str().unwrap();
    let text = succeed(&[
        "simulate",
        "--program",
        "antwerpen",
        "--db",
        d,
        "--from",
        "2023-03-10",
        "--runs",
        "100",
        "--months",
        "6",
        "--compare",
        scenarios.to_str().unwrap(),
    ]);
    assert!(
        text.contains("as planned") && text.contains("one FTE less in May"),
        "{text}"
    );
    let yaml = succeed(&[
        "demand",
        "--program",
        "antwerpen",
        "--db",
        d,
        "--as-of",
        "2023-03-11",
        "--format",
        "yaml",
    ]);
    assert!(
        yaml.starts_with("demand:\n  referrals_per_month: [")
            && yaml.contains("source: \"case store, "),
        "{yaml}"
    );
}

#[test]
fn the_referral_rate_is_learnt_from_the_store() {
    let p = antwerpen();
    let compiled = traject_rules::compile_loaded(p.clone()).unwrap();
    let mut store = Store::in_memory().unwrap();
    // Twenty referrals a month through 2022, on days spread over each month.
    for m in 1..=12u32 {
        for k in 0..20u32 {
            let on = NaiveDate::from_ymd_opt(2022, m, 1 + k).unwrap();
            cases::new_case(
                &mut store,
                &compiled,
                &referral((m * 100 + k) as usize, on),
                &ctx(on),
            )
            .unwrap();
        }
    }
    let c = ctx(day("2023-01-01"));
    let from = FromStore {
        store: &store,
        from: c.on,
        history: None,
        ctx: &c,
    };
    let cal = forecast::demand(&p, Some("2022"), from).unwrap();
    let rate = cal.referrals_per_month.value;
    assert!((rate - 20.0).abs() <= 2.0, "learnt {rate} a month");
    assert_eq!(cal.referrals_per_month.from, "case store");
    assert_eq!(cal.months_observed, 12);
    // Nobody started or was turned away yet: the shares keep the programme's values.
    assert_eq!(cal.not_started_share.from, "programme");
    let json = serde_json::to_value(&cal).unwrap();
    assert_eq!(json["referrals_per_month"]["observations"], 12);
}

#[test]
fn staff_cuts_and_more_referrals_lengthen_the_waiting_list() {
    let p = antwerpen();
    let base = Forecast {
        version: Some("2022".into()),
        ..Default::default()
    };
    let scenarios = [
        Scenario {
            name: "as planned".into(),
            ..Default::default()
        },
        Scenario {
            name: "one FTE from month 4".into(),
            fte_changes: vec![(day("2022-04-01"), 1.0)],
            ..Default::default()
        },
        Scenario {
            name: "half the referrals".into(),
            demand_factor: Some(0.5),
            ..Default::default()
        },
        Scenario {
            name: "twice the referrals".into(),
            demand_factor: Some(2.0),
            ..Default::default()
        },
    ];
    let r = forecast::compare(&p, &base, &scenarios, None, &settings(24, 300)).unwrap();
    let waiting = |i: usize| r[i].summary.monthly.last().unwrap().waiting_p50;
    let wait = |i: usize| r[i].summary.wait_days_p90;
    assert!(
        waiting(1) > waiting(0),
        "fewer staff: {} vs {}",
        waiting(1),
        waiting(0)
    );
    assert!(wait(1) > wait(0));
    assert!(waiting(3) > waiting(0) && wait(3) > wait(0));
    assert!(waiting(2) <= waiting(0) && wait(2) < wait(0));
    assert_eq!(r[1].scenario.as_deref(), Some("one FTE from month 4"));
    // The capacity line follows the staff change: 2 FTE × 20 before April, 1 × 20 after.
    let capacity: Vec<u32> = r[1].summary.monthly.iter().map(|m| m.capacity).collect();
    assert_eq!((capacity[0], capacity[3], capacity[23]), (40, 20, 20));
    assert!(r[0].summary.monthly.iter().all(|m| m.capacity == 40));
    // The comparison text names every scenario.
    let reader = traject_render::simulation::Reader {
        lang: traject_i18n::Lang::Fr,
        name: "AMIE",
    };
    let text = traject_render::simulation::compare_text(&r, reader);
    for s in &scenarios {
        assert!(text.contains(&s.name), "{text}");
    }
    assert!(
        text.contains("liste d'attente à la fin"),
        "in the reader's language: {text}"
    );
}

#[test]
fn staff_that_grows_within_a_version_moves_the_forecast_and_the_funding_report() {
    // Antwerp 2016: one worker from 01/10/2015, a second from 01/12/2015 (001:25-33).
    let p = antwerpen();
    let ask = Forecast {
        version: Some("2016".into()),
        ..Default::default()
    };
    let r = forecast::forecast(&p, &ask, None, &settings(4, 20), &|_, _| {}).unwrap();
    let capacity: Vec<u32> = r.summary.monthly.iter().map(|m| m.capacity).collect();
    assert_eq!(capacity, vec![25, 25, 50, 50], "October to January");
    assert_eq!(r.fte, 1.0, "the staff on the first day");
    // Fixing the FTE for a run ignores the dated steps.
    let fixed = Forecast {
        fte: Some(2.0),
        ..ask.clone()
    };
    let r = forecast::forecast(&p, &fixed, None, &settings(4, 20), &|_, _| {}).unwrap();
    assert!(r.summary.monthly.iter().all(|m| m.capacity == 50));
    // Funding: 1 + 1 + 2 + 2 FTE-months from October to January, a mean of 1.5 FTE.
    let f =
        traject_report::funding(&p, day("2015-10-01"), day("2016-01-31"), 100_000, None).unwrap();
    let personnel = f.lines.iter().find(|l| l.category == "personnel").unwrap();
    assert_eq!((personnel.fte, personnel.total_cents), (1.5, 600_000));
}

#[test]
fn via_seats_not_counsellors_are_the_bottleneck_in_ghent() {
    let p = FilePrograms::here()
        .load("gent", &LoadOptions::default())
        .unwrap();
    let ask = Forecast {
        version: Some("2020".into()),
        fte: Some(10.0),
        ..Default::default()
    };
    let r = forecast::forecast(&p, &ask, None, &settings(24, 200), &|_, _| {}).unwrap();
    let s = &r.summary;
    assert_eq!(
        s.wait_days_p90, 0.0,
        "with 10 FTE nobody waits for a counsellor"
    );
    let via = s
        .groups
        .iter()
        .find(|g| g.module == "via")
        .expect("VIA seats simulated");
    assert_eq!(via.seats, 10);
    assert!(
        via.seat_wait_days_p50 > 30.0,
        "clients wait for a VIA seat: {via:?}"
    );
    assert!(
        via.queue_p50.last().unwrap() > &via.queue_p50[2],
        "the seat queue grows"
    );
}

#[test]
fn a_scenario_file_with_a_mistake_gets_a_located_error() {
    let text = b"scenarios:\n  - name: ok\n  - name: typo\n    demand_factr: 1.2\n  - name: bad change\n    fte_change: {2024-13-01: 2}\n";
    let e = forecast::read_scenarios("s.yaml", text).unwrap_err();
    let rendered = crate::common::rendered(&e);
    assert!(
        rendered.contains("s.yaml:4:5") && rendered.contains("did you mean 'demand_factor'"),
        "{rendered}"
    );
    assert!(
        rendered.contains("s.yaml:6:") && rendered.contains("is not DATE: FTE"),
        "{rendered}"
    );
    let good = forecast::read_scenarios(
        "s.yaml",
        b"scenarios:\n  - name: cut\n    fte_change: {2024-06-01: 1.5}\n    norm: 18\n",
    )
    .unwrap();
    assert_eq!(good[0].fte_changes, vec![(day("2024-06-01"), 1.5)]);
    assert_eq!(good[0].norm, Some(18.0));
}

/// Poisson referrals at `rate` a month from `from` to `to` through the engine: 10% never start,
/// everyone else starts on the long track (9 months) or waits, and is closed when the track
/// ends, which starts the first who waits.
fn synthetic_history(store: &mut Store, from: NaiveDate, to: NaiveDate, rate: f64) {
    let programs = FilePrograms::here();
    let compiled = programs.open("antwerpen", &LoadOptions::default()).unwrap();
    let mut rng = Rng::seeded(99, 0);
    let mut next = rng.exponential(rate / 30.4375);
    let mut n = 0;
    let mut today = from;
    while today <= to {
        let c = ctx(today);
        let ending: Vec<i64> = store
            .list(None, Some(CaseState::Active), Scope::ALL, usize::MAX)
            .unwrap()
            .into_iter()
            .filter(|c| c.ends_on.is_some_and(|e| e <= today))
            .map(|c| c.id)
            .collect();
        for id in ending {
            cases::finish(store, &programs, id, Ending::Close, "art60", &c).unwrap();
        }
        let t = (today - from).num_days() as f64;
        while next < t + 1.0 {
            n += 1;
            let created = cases::new_case(store, &compiled, &referral(n, today), &c).unwrap();
            if rng.uniform() < 0.1 {
                cases::finish(
                    store,
                    &programs,
                    created.id,
                    Ending::NotStart,
                    "no_help_request",
                    &c,
                )
                .unwrap();
            } else {
                let started = cases::start(store, &programs, created.id, Some("long"), &c).unwrap();
                assert!(matches!(
                    started,
                    StartOutcome::Started | StartOutcome::Waiting { .. }
                ));
            }
            next += rng.exponential(rate / 30.4375);
        }
        today = today.succ_opt().unwrap();
    }
}

#[test]
fn backtest_learns_the_history_back_and_the_band_holds_what_happened() {
    let mut store = Store::in_memory().unwrap();
    synthetic_history(&mut store, day("2022-01-01"), day("2024-12-31"), 8.0);
    let p = antwerpen();
    let c = ctx(day("2024-01-01"));
    let from = FromStore {
        store: &store,
        from: c.on,
        history: None,
        ctx: &c,
    };
    let ask = Forecast {
        version: Some("2022".into()),
        ..Default::default()
    };
    let r = forecast::forecast(&p, &ask, Some(from), &settings(12, 400), &|_, _| {}).unwrap();
    let cal = r.calibration.as_ref().unwrap();
    let rate = cal.referrals_per_month.value;
    // The estimate is the history's own rate; the history is one Poisson draw around 8.
    let before = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let made = store
        .list(None, None, Scope::ALL, usize::MAX)
        .unwrap()
        .iter()
        .filter(|c| c.referral_date < before)
        .count() as f64;
    assert!(
        (rate - made / 24.0).abs() < 1e-9,
        "learnt {rate}, the history has {made} in 24 months"
    );
    assert!(
        (rate - 8.0).abs() <= 0.8,
        "learnt {rate} referrals a month, generated at 8"
    );
    assert!(
        (cal.not_started_share.value - 0.1).abs() <= 0.05,
        "{:?}",
        cal.not_started_share
    );
    assert_eq!(cal.track_mix.value.get("long"), Some(&1.0));
    assert_eq!(cal.dropout_rate.value, 0.0);
    assert_eq!(cal.reneging_share.from, "case store");
    assert_eq!(cal.reneging_share.value, 0.0);
    // What happened in 2024, month end by month end, against the forecast's band.
    let mut inside = 0;
    let mut lines = Vec::new();
    for (i, m) in r.summary.monthly.iter().enumerate() {
        let end = day("2024-01-01") + chrono::Months::new(i as u32 + 1) - chrono::Days::new(1);
        let cases = history::timelines(store.histories("antwerpen", Some(end)).unwrap());
        let realised = history::snapshot(&cases, end, 0.0).waiting as f64;
        let holds = m.waiting_p10 <= realised && realised <= m.waiting_p90;
        inside += usize::from(holds);
        lines.push(format!(
            "{} realised {realised} band {}–{} {}",
            m.calendar.as_deref().unwrap_or(""),
            m.waiting_p10,
            m.waiting_p90,
            if holds { "✓" } else { "✗" }
        ));
    }
    eprintln!(
        "backtest: learnt {rate:.2} referrals/month, never started {:.3}\n{}",
        cal.not_started_share.value,
        lines.join("\n")
    );
    assert!(
        inside >= 8,
        "the band held the realised waiting list in {inside} of 12 months:\n{}",
        lines.join("\n")
    );
}

/// A forecast (the version in force) from `store` as it stands on `on`.
fn forecast_from(
    store: &Store,
    p: &Program,
    on: &str,
    s: Settings,
) -> traject_sim::report::ProgrammeReport {
    let c = ctx(day(on));
    let from = FromStore {
        store,
        from: c.on,
        history: None,
        ctx: &c,
    };
    forecast::forecast(p, &Forecast::default(), Some(from), &s, &|_, _| {}).unwrap()
}

/// An eligible Antwerp 2016 referral of `on`.
fn referral_2016(id: usize, on: NaiveDate) -> Referral {
    referral_with(
        &format!("a{id:05}"),
        on,
        &[
            ("birth_date", "1988-05-01"),
            ("nationality", "SY"),
            ("residence_status", "recognised_refugee"),
            ("residence_ocmw", "antwerpen"),
            ("income_support", "leefloon"),
            ("small_social_network", "true"),
            ("social_worker_approved", "true"),
        ],
    )
}

/// AMIE Antwerp from 01/10/2015 to 31/05/2016 rebuilt through the engine from the seed's
/// figures (001:25-33, 001:192-210): the referrals of each month spread over it (19, 5, 8, 4,
/// 12, 19, 10, 10), one in eight never starting (11 of 85), everyone else starting as the
/// capacity allows (25, then 50 from 01/12/2015); at a track's end of six months the first
/// twelve close (12 finished by the report) and the others are extended by three months.
fn antwerp_2015_16(store: &mut Store) {
    let programs = FilePrograms::here();
    let compiled = programs.open("antwerpen", &LoadOptions::default()).unwrap();
    let months = [19, 5, 8, 4, 12, 19, 10, 10];
    let mut referrals: Vec<NaiveDate> = Vec::new();
    for (i, n) in months.iter().enumerate() {
        let first = day("2015-10-01") + chrono::Months::new(i as u32);
        let days = ((first + chrono::Months::new(1)) - first).num_days();
        referrals.extend((0..*n).map(|k| first + chrono::Days::new((k * days / n) as u64)));
    }
    let (mut closed, mut n) = (0, 0);
    let mut today = day("2015-10-01");
    while today <= day("2016-05-31") {
        let c = ctx(today);
        let ending: Vec<traject_store::CaseRow> = store
            .list(None, None, Scope::ALL, usize::MAX)
            .unwrap()
            .into_iter()
            .filter(|c| c.state.is_running() && c.ends_on == Some(today))
            .collect();
        for row in ending {
            if closed < 12 {
                closed += 1;
                cases::finish(store, &programs, row.id, Ending::Close, "completed", &c).unwrap();
            }
        }
        for _ in referrals.iter().filter(|d| **d == today) {
            n += 1;
            let created = cases::new_case(store, &compiled, &referral_2016(n, today), &c).unwrap();
            if n % 8 == 0 {
                let reason = "no_help_request";
                cases::finish(store, &programs, created.id, Ending::NotStart, reason, &c).unwrap();
            } else {
                cases::start(store, &programs, created.id, None, &c).unwrap();
            }
        }
        today = today.succ_opt().unwrap();
    }
}

#[test]
fn forecasts_of_early_2016_would_have_seen_antwerps_waiting_list_coming() {
    let mut store = Store::in_memory().unwrap();
    antwerp_2015_16(&mut store);
    let p = antwerpen();
    // The rebuilt history as the seed tells it: 36 referred by the end of January, about 30
    // active then; the team full and a waiting list by May.
    let on = |d: &str| {
        let cases = history::timelines(store.histories("antwerpen", Some(day(d))).unwrap());
        history::snapshot(&cases, day(d), 0.0)
    };
    let (feb, may) = (on("2016-01-31"), on("2016-05-31"));
    eprintln!(
        "rebuilt: 31/01/2016 {} active {} waiting; 31/05/2016 {} active {} waiting",
        feb.active, feb.waiting, may.active, may.waiting
    );
    assert!(
        (29..=32).contains(&feb.active) && feb.waiting == 0,
        "{feb:?}"
    );
    assert!(may.active == 50 && may.waiting > 0, "{may:?}");
    let mut lines = Vec::new();
    for (origin, june) in [("2016-02-01", 4), ("2016-03-01", 3), ("2016-04-01", 2)] {
        let r = forecast_from(&store, &p, origin, settings(6, 400));
        assert_eq!(r.version, "2016", "the version in force on {origin}");
        let m = &r.summary.monthly[june];
        assert_eq!(m.calendar.as_deref(), Some("2016-06"));
        lines.push(format!(
            "{origin}: June waiting p10 {} p50 {} p90 {} (active p50 {}, capacity {})",
            m.waiting_p10, m.waiting_p50, m.waiting_p90, m.active_p50, m.capacity
        ));
        // Five waited at the time of the mid-2016 report (001:192-207), taken as June.
        assert!(
            m.waiting_p10 <= 5.0 && 5.0 <= m.waiting_p90,
            "{origin}: 5 waiting is outside the band\n{}",
            lines.join("\n")
        );
        assert!(
            m.waiting_p50 > 0.0,
            "{origin}: no waiting list by June\n{}",
            lines.join("\n")
        );
        assert_eq!(m.capacity, 50);
    }
    eprintln!("{}", lines.join("\n"));
    // The backtest over the rebuilt history: forecasts from January to April 2016.
    let c = ctx(day("2016-06-01"));
    let ask = traject_app::backtest::BacktestAsk {
        from: Some(day("2016-01-01")),
        to: Some(day("2016-04-01")),
        horizon: 3,
        until: None,
    };
    let b = traject_app::backtest::backtest(&p, &store, ask, &settings(3, 400), &c).unwrap();
    eprintln!(
        "{}",
        traject_render::backtest::text(&b, traject_i18n::Lang::En, "AMIE")
    );
    assert_eq!(b.origins.len(), 4);
    assert!(b.origins.iter().all(|o| o.version == "2016"));
    assert!(b.overall.points >= 8, "{:?}", b.overall);
    // What `simulate --db --from 2016-06-01` quotes: the six months before, as known then.
    let latest =
        traject_app::backtest::latest(&p, &store, day("2016-06-01"), &settings(6, 200), &c)
            .expect("five months of history before June");
    assert!(latest.origins >= 2 && latest.points > 0, "{latest:?}");
}

#[test]
fn the_backtest_command_on_a_store_of_known_demand_holds_near_the_nominal_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("synthetic.db");
    {
        let mut store = Store::open(&db).unwrap();
        synthetic_history(&mut store, day("2022-01-01"), day("2024-12-31"), 8.0);
    }
    let db = db.to_str().unwrap();
    let args = [
        "backtest",
        "--program",
        "antwerpen",
        "--db",
        db,
        "--from",
        "2024-01-01",
        "--to",
        "2024-06-01",
        "--horizon",
        "6",
        "--runs",
        "300",
    ];
    let out = succeed(&[&args[..], &["--format", "json"]].concat());
    let b: serde_json::Value = serde_json::from_str(&out).unwrap();
    let overall = &b["overall"];
    let coverage = overall["waiting_coverage"].as_f64().unwrap();
    let active = overall["active_coverage"].as_f64().unwrap();
    eprintln!(
        "synthetic backtest: {} forecasts, {} points, waiting {coverage}, active {active}",
        overall["origins"], overall["points"]
    );
    assert_eq!(overall["origins"], 6);
    assert_eq!(
        overall["points"],
        6 * 6,
        "every horizon month lies within the history"
    );
    assert!(
        (0.6..=1.0).contains(&coverage),
        "waiting coverage {coverage}"
    );
    assert!((0.6..=1.0).contains(&active), "active coverage {active}");
    assert!(b["origins"][0]["points"][0]["on"] == "2024-02-01");
    // The text and CSV forms of the same backtest.
    let text = succeed(&[&args[..], &["--lang", "nl"]].concat());
    assert!(
        text.contains("terugtoets 6 voorspellingen") && text.contains("nominaal 80"),
        "{text}"
    );
    let csv = succeed(&[&args[..], &["--format", "csv"]].concat());
    assert_eq!(csv.lines().count(), 1 + 36, "{csv}");
    // A period outside the history is refused with what the history holds.
    let out = Command::cargo_bin("traject")
        .unwrap()
        .env("LC_ALL", "C")
        .current_dir(root())
        .args([
            "backtest",
            "--program",
            "antwerpen",
            "--db",
            db,
            "--from",
            "2030-01-01",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "a setting out of reach: {err}");
    assert!(
        err.contains("no month to test") && err.contains("history runs from"),
        "{err}"
    );
}

#[test]
fn a_forecast_from_the_store_uses_the_version_in_force_and_switches_within_its_horizon() {
    let store = Store::in_memory().unwrap();
    let p = antwerpen();
    let r = forecast_from(&store, &p, "2021-10-01", settings(6, 50));
    // 2020 in force on 01/10/2021: 2 FTE at its demand's assumed 25; 2022 from 01/01/2022:
    // 2 FTE × 20.
    assert_eq!(r.version, "2020");
    let capacity: Vec<u32> = r.summary.monthly.iter().map(|m| m.capacity).collect();
    assert_eq!(capacity, vec![50, 50, 50, 40, 40, 40], "October to March");
    assert_eq!(r.later_versions.len(), 1);
    assert_eq!(r.later_versions[0].version, "2022");
    assert_eq!(r.later_versions[0].from, day("2022-01-01"));
    assert_eq!(r.later_versions[0].capacity, Some(40));
    let reader = traject_render::simulation::Reader {
        lang: traject_i18n::Lang::Nl,
        name: "AMIE",
    };
    let text = traject_render::simulation::text(&r, reader);
    assert!(
        text.contains("versie 2022 geldt vanaf 01/01/2022"),
        "{text}"
    );
    // A version asked for stays in force all along.
    let forced = Forecast {
        version: Some("2020".into()),
        ..Default::default()
    };
    let c = ctx(day("2021-10-01"));
    let from = FromStore {
        store: &store,
        from: c.on,
        history: None,
        ctx: &c,
    };
    let r = forecast::forecast(&p, &forced, Some(from), &settings(6, 50), &|_, _| {}).unwrap();
    assert!(r.later_versions.is_empty());
    assert!(r.summary.monthly.iter().all(|m| m.capacity == 50));
}
