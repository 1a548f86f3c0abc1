//! The application layer as every front end sees it: typed use cases on the bundled programmes
//! and a real SQLite store, with roles checked in the layer itself — an auditor gets figures
//! and never a person, a social worker follows cases but does not roll programmes out.

use traject_app::cases::{self, CaseFilter, Ending, EvaluationInput};
use traject_app::{programmes, reports, AppError, Ctx, FilePrograms, Need, Programs, Role};
use traject_cases::{CaseError, CaseState, StartOutcome};
use traject_model::program::LoadOptions;
use traject_model::referral::{FieldType, Referral, FIELDS};
use traject_store::Store;

fn ctx(role: Role) -> Ctx {
    Ctx {
        on: "2023-02-01".parse().unwrap(),
        actor: "tester".into(),
        role,
        team: None,
        org: None,
    }
}

fn referral(id: &str) -> Referral {
    let mut r = Referral::default();
    for (field, value) in [
        ("id", id),
        ("referral_date", "2023-01-10"),
        ("birth_date", "1990-05-01"),
        ("nationality", "SY"),
        ("residence_ocmw", "antwerpen"),
        ("income_support", "leefloon"),
        ("in_art60", "false"),
        ("civic_orientation_completed", "true"),
        ("motivated", "true"),
        ("help_request_fits", "true"),
    ] {
        let ty: FieldType = FIELDS.iter().find(|(n, _)| *n == field).unwrap().1;
        r.set_text(field, ty, value).unwrap();
    }
    r
}

/// A store with one Antwerp case, referred by a social worker.
fn one_case() -> (Store, i64) {
    let programs = FilePrograms::here();
    let compiled = programs.open("antwerpen", &LoadOptions::default()).unwrap();
    let mut store = Store::in_memory().unwrap();
    let created = cases::new_case(
        &mut store,
        &compiled,
        &referral("r1"),
        &ctx(Role::SocialWorker),
    )
    .unwrap();
    assert_eq!(created.verdict, "eligible");
    (store, created.id)
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, AppError>, need: Need) {
    match r {
        Err(AppError::Forbidden { need: n, .. }) => assert_eq!(n, need),
        other => panic!("expected a refusal for {need:?}, got {other:?}"),
    }
}

#[test]
fn an_auditor_sees_figures_but_never_a_case() {
    let (mut store, id) = one_case();
    let programs = FilePrograms::here();
    let auditor = ctx(Role::Auditor);
    forbidden(
        cases::list(
            &store,
            &CaseFilter {
                limit: 10,
                ..Default::default()
            },
            &auditor,
        ),
        Need::Persons,
    );
    forbidden(cases::show(&mut store, id, &auditor), Need::Persons);
    forbidden(cases::history(&mut store, id, &auditor), Need::Persons);
    forbidden(
        cases::export(&mut store, &programs, id, &auditor),
        Need::Persons,
    );
    forbidden(
        cases::erase(&mut store, id, "request", &auditor),
        Need::Erase,
    );
    forbidden(
        cases::erase(&mut store, id, "request", &ctx(Role::SocialWorker)),
        Need::Erase,
    );
    forbidden(cases::due(&store, None, &auditor), Need::Persons);
    forbidden(
        cases::start(&mut store, &programs, id, Some("long"), &auditor),
        Need::ChangeCases,
    );
    forbidden(
        cases::new_case(
            &mut store,
            &programs.for_case("antwerpen").unwrap(),
            &referral("r2"),
            &auditor,
        ),
        Need::ChangeCases,
    );
    // Nothing was written by the refused calls: still one case, still referred.
    let rows = cases::list(
        &store,
        &CaseFilter {
            limit: 10,
            ..Default::default()
        },
        &ctx(Role::Coordinator),
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, CaseState::Referred);
    // Figures are allowed.
    let load = cases::caseload(&store, &programs, Some("antwerpen"), &auditor).unwrap();
    assert_eq!((load[0].active, load[0].waiting), (0, 0));
    let from = "2023-01-01".parse().unwrap();
    let to = "2023-12-31".parse().unwrap();
    let activity = reports::activity(
        &store,
        &FilePrograms::here(),
        "antwerpen",
        from,
        to,
        &auditor,
    )
    .unwrap();
    assert!(serde_json::to_string(&activity)
        .unwrap()
        .contains("referred"));
}

#[test]
fn a_social_worker_follows_cases_but_does_not_roll_out_programmes() {
    let (mut store, id) = one_case();
    let programs = FilePrograms::here();
    let worker = ctx(Role::SocialWorker);
    let started = cases::start(&mut store, &programs, id, Some("long"), &worker).unwrap();
    assert_eq!(started, StartOutcome::Started);
    let view = cases::show(&mut store, id, &worker).unwrap();
    assert_eq!(view.case.state, CaseState::Active);
    assert!(
        !view.schedule.is_empty(),
        "a started case has evaluation moments"
    );
    let dir = tempfile::tempdir().unwrap();
    let spec = traject_rollout::NewProgramme {
        ocmw: "mortsel".into(),
        name: None,
        fte: None,
        society_language: None,
        version: None,
        valid_from: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
    };
    let out = dir.path().join("mortsel.yaml");
    forbidden(
        programmes::rollout_new(&programs, "antwerpen", &spec, &out, &worker),
        Need::EditProgrammes,
    );
    assert!(!out.exists(), "a refused rollout writes nothing");
    let done =
        programmes::rollout_new(&programs, "antwerpen", &spec, &out, &ctx(Role::Coordinator))
            .unwrap();
    assert!(
        done.check.ok,
        "{}",
        done.check
            .error
            .as_ref()
            .map(crate::common::rendered)
            .unwrap_or_default()
    );
}

#[test]
fn failures_come_back_typed() {
    let (mut store, id) = one_case();
    let programs = FilePrograms::here();
    let worker = ctx(Role::SocialWorker);
    match cases::finish(&mut store, &programs, id, Ending::Close, "art60", &worker) {
        Err(AppError::Case(CaseError::Refused { state, .. })) => {
            assert_eq!(state, CaseState::Referred)
        }
        other => panic!("expected a refused transition, got {other:?}"),
    }
    match cases::show(&mut store, 4242, &worker) {
        Err(AppError::Case(CaseError::NotFound { id: 4242 })) => {}
        other => panic!("expected an unknown case, got {other:?}"),
    }
    let input = EvaluationInput {
        evaluation: "no-such-moment".into(),
        ..Default::default()
    };
    cases::start(&mut store, &programs, id, Some("long"), &worker).unwrap();
    match cases::evaluate(&mut store, &programs, id, &input, &worker) {
        Err(AppError::Case(CaseError::UnknownEvaluation { given, .. })) => {
            assert_eq!(given, "no-such-moment")
        }
        other => panic!("expected an unknown evaluation, got {other:?}"),
    }
    match programmes::show(
        &programs,
        "antwerpen",
        Some("2099"),
        &LoadOptions::default(),
    ) {
        Err(e @ AppError::Version(_)) => assert!(e.is_usage()),
        other => panic!("expected an unknown version, got {other:?}"),
    }
    match programmes::show(&programs, "antwerpn", None, &LoadOptions::default()) {
        Err(AppError::Load(e)) => {
            assert!(crate::common::rendered(&e).contains("did you mean 'antwerpen'"))
        }
        other => panic!("expected a load error, got {other:?}"),
    }
}

#[test]
fn a_slot_freed_on_a_day_before_someone_joined_the_waiting_list_starts_them_on_their_own_day() {
    let programs = FilePrograms::here();
    let compiled = programs.open("antwerpen", &LoadOptions::default()).unwrap();
    let mut store = Store::in_memory().unwrap();
    let on = |day: &str| Ctx {
        on: day.parse().unwrap(),
        ..ctx(Role::SocialWorker)
    };
    for i in 1..=41 {
        let id = cases::new_case(
            &mut store,
            &compiled,
            &referral(&format!("r{i}")),
            &on("2023-01-31"),
        )
        .unwrap()
        .id;
        let day = if i <= 40 { "2023-02-01" } else { "2023-03-01" };
        let started = cases::start(&mut store, &programs, id, Some("long"), &on(day)).unwrap();
        assert_eq!(started == StartOutcome::Started, i <= 40, "case {i}");
    }
    // Case 1 ends on 2023-02-15, recorded late: case 41 joined the list only on 2023-03-01.
    let freed = cases::finish(
        &mut store,
        &programs,
        1,
        Ending::Drop,
        "moved",
        &on("2023-02-15"),
    );
    assert_eq!(freed.unwrap().next_started, Some(41));
    let history = cases::history(&mut store, 41, &on("2023-03-02")).unwrap();
    let started = history.last().unwrap();
    assert_eq!(
        (
            started.event.kind().as_str(),
            started.on_date.to_string().as_str()
        ),
        ("started", "2023-03-01")
    );
    assert_eq!(started.event.details()["slot_freed_on"], "2023-02-15");
    let days: Vec<String> = history.iter().map(|e| e.on_date.to_string()).collect();
    assert!(
        days.windows(2).all(|w| w[0] <= w[1]),
        "history runs forward: {days:?}"
    );
}
