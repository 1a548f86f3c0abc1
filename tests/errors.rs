//! Failures are told apart by type, not by reading text: a refused transition, an unknown case
//! and a database fault are different `CaseError`/`StoreError` variants, and the command line
//! gives each the exit code the README documents (1: invalid input or a refused action).

use std::path::Path;

use assert_cmd::Command;
use traject_cases::{self as lifecycle, Action, CaseError, CaseState, Ctx};
use traject_model::program::LoadOptions;
use traject_model::referral::{FieldType, Referral, FIELDS};
use traject_store::{Store, StoreError};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn referral() -> Referral {
    let mut r = Referral::default();
    for (field, value) in [
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

#[test]
fn refused_unknown_and_database_failures_are_different_types() {
    let compiled = traject_rules::open("antwerpen", &LoadOptions::default()).unwrap();
    let mut store = Store::in_memory().unwrap();
    let ctx = Ctx {
        on: "2023-01-10".parse().unwrap(),
        actor: "test".into(),
        team: None,
        org: None,
    };
    let (id, _) = lifecycle::new_case(&mut store, &compiled, &referral(), &ctx).unwrap();

    match lifecycle::close(&mut store, &compiled, id, "art60", &ctx) {
        Err(CaseError::Refused { state, action, .. }) => {
            assert_eq!((state, action), (CaseState::Referred, Action::Close));
        }
        other => panic!("expected a refused transition, got {other:?}"),
    }
    match lifecycle::start(&mut store, &compiled, 999, Some("long"), &ctx) {
        Err(CaseError::NotFound { id: 999 }) => {}
        other => panic!("expected an unknown case, got {other:?}"),
    }
    // A database fault: the store loses its tables under the engine's feet.
    traject_store::test_support::drop_case_tables(&store).unwrap();
    match lifecycle::start(&mut store, &compiled, id, Some("long"), &ctx) {
        Err(CaseError::Store(StoreError::Database(_))) => {}
        other => panic!("expected a database failure, got {other:?}"),
    }
}

#[test]
fn each_failure_gives_its_documented_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    let referral = dir.path().join("r.yaml");
    std::fs::write(
        &referral,
        "referral_date: 2023-01-10\nbirth_date: 1990-05-01\nnationality: SY\nresidence_ocmw: antwerpen\nincome_support: leefloon\nin_art60: false\ncivic_orientation_completed: true\nmotivated: true\nhelp_request_fits: true\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::cargo_bin("traject")
            .unwrap()
            .env("LC_ALL", "C")
            .current_dir(root())
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&[
        "case",
        "new",
        "--db",
        d,
        "--program",
        "antwerpen",
        referral.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));

    let refused = run(&["case", "close", "1", "--db", d, "--destination", "art60"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("`close` is not possible"));

    let unknown = run(&["case", "start", "999", "--db", d, "--track", "long"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("there is no case 999"));

    let garbage = dir.path().join("not-a-db.db");
    std::fs::write(&garbage, vec![0x42u8; 4096]).unwrap();
    let fault = run(&["case", "list", "--db", garbage.to_str().unwrap()]);
    assert_eq!(fault.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&fault.stderr).contains("is this a traject database?"));
}
