//! Every refusal and error a person can meet reads in Dutch and French too: the engine's
//! case refusals and the application layer's errors, one sample of each kind, worded apart
//! from the English with the ids, flags and commands a person types again left as they are.

use chrono::NaiveDate;
use traject_app::sessions::SessionError;
use traject_app::users::AuthError;
use traject_app::{AppError, Need, Role, Setting, SettingError, WholeStore};
use traject_cases::{Action, CaseError, CaseState};
use traject_i18n::catalogue::{app_error, case_error};
use traject_i18n::Lang;
use traject_model::program::model::ExitKind;
use traject_report::ReportError;
use traject_rollout::RolloutError;
use traject_sim::ModelError;

fn dur(text: &str) -> traject_model::program::duration::Duration {
    traject_model::program::duration::Duration::parse(text).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 3, d).unwrap()
}

/// One refusal of every kind. The match below names each variant without a wildcard, so
/// a new kind of refusal does not compile until it has a sample here (and so its words).
fn samples() -> Vec<CaseError> {
    use CaseError::*;
    let ids = || vec!["short".to_string(), "long".to_string()];
    let all = vec![
        NotFound { id: 7 },
        BeforeLatest {
            id: 7,
            on: day(1),
            latest: day(2),
        },
        AlreadyPresent {
            id: 7,
            dossier: "D-1".into(),
        },
        Conflict {
            id: 7,
            dossier: "D-1".into(),
        },
        BeforeReferral {
            on: day(1),
            referral_date: day(2),
        },
        Refused {
            id: 7,
            state: CaseState::Active,
            action: Action::Start,
            gate_only: false,
        },
        Ineligible { id: 7 },
        GateNotPassed {
            id: 7,
            step: "intake".into(),
            evaluation: "screening".into(),
            decision: "enrol".into(),
        },
        WrongProgramme {
            case_program: "a".into(),
            given: "b".into(),
        },
        VersionGone {
            program: "a".into(),
            version: "2016".into(),
        },
        ChooseTrack {
            version: "2016".into(),
            known: ids(),
        },
        UnknownTrack {
            version: "2016".into(),
            given: "shrt".into(),
            suggestion: Some("short".into()),
            known: ids(),
        },
        UnknownEvaluation {
            version: "2016".into(),
            given: "x".into(),
            suggestion: None,
            known: ids(),
        },
        DecisionNotAllowed {
            evaluation: "final".into(),
            given: "x".into(),
            suggestion: None,
            known: ids(),
        },
        UnknownExit {
            version: "2016".into(),
            kind: ExitKind::DropOut,
            given: "x".into(),
            suggestion: None,
            known: ids(),
        },
        NotEnrollable {
            id: 7,
            state: CaseState::Waiting,
        },
        UnknownModule {
            version: "2016".into(),
            given: "x".into(),
            suggestion: None,
            known: ids(),
        },
        AlreadyEnrolled {
            id: 7,
            module: "m".into(),
            since: "2023-03-01".parse().unwrap(),
        },
        GroupFull {
            module: "via".into(),
            group: "g".into(),
            max: 10,
            source: "002:539".into(),
        },
        NotEnrolled {
            id: 7,
            module: "m".into(),
        },
        NotExtendable {
            track: "short".into(),
            version: "2016".into(),
        },
        ExtensionLengthMissing,
        BadExtension {
            given: "a while".into(),
        },
        DestinationMissing,
        NoPolicy {
            version: "2016".into(),
            what: "pausing a case",
            key: "pause",
        },
        PauseLimit {
            id: 7,
            taken: 2,
            max: 2,
            version: "2016".into(),
        },
        PauseUntil {
            until: day(9),
            on: day(1),
            max: dur("3 months"),
        },
        NoPlaceToResume {
            id: 7,
            capacity: 40,
        },
        PauseTooLong {
            id: 7,
            since: "2023-03-01".parse().unwrap(),
            max: dur("3 months"),
        },
        ReopenTooLate {
            id: 7,
            ended: "2022-01-01".parse().unwrap(),
            within: dur("12 months"),
            version: "2016".into(),
        },
        ReopenNotStarted {
            id: 7,
            version: "2016".into(),
        },
        OutsideWindow {
            id: 7,
            evaluation: "interim".into(),
            from: day(10),
            to: day(20),
            on: day(1),
        },
        RejudgeEnded {
            id: 7,
            state: CaseState::Closed,
        },
        CorrectionWithoutReason { id: 7 },
        NoFacts { id: 7 },
        ReferralErased { id: 7 },
        BadFact {
            field: "motivated".into(),
            problem: traject_model::referral::ValueError::NotYesNo {
                text: "perhaps".into(),
                words: "ja/nee",
            },
        },
        UnknownFact {
            given: "motivation".into(),
            suggestion: Some("motivated".into()),
        },
        FixedFact {
            field: "referral_date".into(),
        },
        NotAssessed {
            field: "birth_date".into(),
            version: "2016".into(),
            assessed: vec!["motivated".into()],
        },
        ErasedDossier {
            dossier: "D-1".into(),
            erased_on: "2023-03-01".parse().unwrap(),
        },
        DossierElsewhere {
            dossier: "D-1".into(),
        },
        NoDossier {
            dossier: "D-1".into(),
        },
        AlreadyErased {
            id: 7,
            erased_on: "2023-03-01".parse().unwrap(),
        },
        ContactMinutes { given: 0, max: 600 },
        NoteTooLong {
            chars: 501,
            max: 500,
        },
        ErasedCase {
            id: 7,
            erased_on: "2023-03-01".parse().unwrap(),
        },
        AppointmentPast {
            day: "2023-03-01".parse().unwrap(),
            today: "2023-03-02".parse().unwrap(),
        },
        NotInGroup {
            id: 7,
            module: "via".into(),
            group: "a".into(),
            on: "2023-03-01".parse().unwrap(),
        },
        Referral(traject_rules::eval::EvalError::MissingDate),
        Store(traject_store::StoreError::NoRow),
    ];
    for e in &all {
        match e {
            NotFound { .. }
            | BeforeLatest { .. }
            | AlreadyPresent { .. }
            | Conflict { .. }
            | BeforeReferral { .. }
            | Refused { .. }
            | Ineligible { .. }
            | GateNotPassed { .. }
            | WrongProgramme { .. }
            | VersionGone { .. }
            | ChooseTrack { .. }
            | UnknownTrack { .. }
            | UnknownEvaluation { .. }
            | DecisionNotAllowed { .. }
            | UnknownExit { .. }
            | NotEnrollable { .. }
            | UnknownModule { .. }
            | AlreadyEnrolled { .. }
            | GroupFull { .. }
            | NotEnrolled { .. }
            | NotExtendable { .. }
            | ExtensionLengthMissing
            | BadExtension { .. }
            | DestinationMissing
            | NoPolicy { .. }
            | PauseLimit { .. }
            | PauseUntil { .. }
            | NoPlaceToResume { .. }
            | PauseTooLong { .. }
            | ReopenTooLate { .. }
            | ReopenNotStarted { .. }
            | OutsideWindow { .. }
            | RejudgeEnded { .. }
            | CorrectionWithoutReason { .. }
            | NoFacts { .. }
            | ReferralErased { .. }
            | BadFact { .. }
            | UnknownFact { .. }
            | FixedFact { .. }
            | NotAssessed { .. }
            | ErasedDossier { .. }
            | DossierElsewhere { .. }
            | NoDossier { .. }
            | AlreadyErased { .. }
            | ContactMinutes { .. }
            | NoteTooLong { .. }
            | ErasedCase { .. }
            | NotInGroup { .. }
            | AppointmentPast { .. }
            | Referral(_)
            | Store(_) => {}
        }
    }
    all
}

#[test]
fn every_refusal_has_its_own_dutch_and_french_words() {
    for e in samples() {
        let (en, nl, fr) = (
            case_error(&e, Lang::En),
            case_error(&e, Lang::Nl),
            case_error(&e, Lang::Fr),
        );
        assert_ne!(nl, en, "no Dutch for {e:?}");
        assert_ne!(fr, en, "no French for {e:?}");
        assert_ne!(nl, fr, "{e:?}");
        // The ids a person types again stay as they are.
        for id in ["7", "2016", "short", "D-1", "--track"] {
            if en.contains(id) {
                assert!(
                    nl.contains(id) && fr.contains(id),
                    "{id} kept in {nl} / {fr}"
                );
            }
        }
        // French typography: no plain space before a colon or semicolon.
        assert!(!fr.contains(" :") && !fr.contains(" ;"), "{fr}");
    }
}

#[test]
fn dates_read_day_first_and_suggestions_in_the_readers_words() {
    let e = CaseError::BeforeReferral {
        on: day(1),
        referral_date: day(2),
    };
    assert!(case_error(&e, Lang::En).contains("2023-03-02"));
    assert!(
        case_error(&e, Lang::Nl).contains("02/03/2023"),
        "{}",
        case_error(&e, Lang::Nl)
    );
    let e = samples().swap_remove(11);
    assert!(case_error(&e, Lang::En).contains("(did you mean 'short'?)"));
    assert!(case_error(&e, Lang::Nl).contains("(bedoelde je 'short'?)"));
    assert!(case_error(&e, Lang::Fr).contains("(vouliez-vous dire «\u{a0}short\u{a0}»\u{a0}?)"));
}

fn app_samples() -> Vec<AppError> {
    let day = NaiveDate::from_ymd_opt(2023, 3, 1).unwrap();
    vec![
        AppError::Forbidden {
            role: Role::Auditor,
            need: Need::Persons,
        },
        AppError::Forbidden {
            role: Role::SocialWorker,
            need: Need::EditProgrammes,
        },
        AppError::WholeStore {
            what: WholeStore::Copy,
            org: "gent".into(),
        },
        AppError::Exists("out.csv".into()),
        AppError::Auth(AuthError::BadCredentials),
        AppError::Auth(AuthError::Throttled {
            retry_after_secs: 60,
        }),
        AppError::Auth(AuthError::Exists { name: "ann".into() }),
        AppError::Auth(AuthError::Unknown { name: "ann".into() }),
        AppError::Auth(AuthError::WeakPassword),
        AppError::Auth(AuthError::BadName { name: "a b".into() }),
        AppError::Auth(AuthError::TeamMissing),
        AppError::Auth(AuthError::BadEmail),
        AppError::FutureDay {
            field: "on",
            given: day,
            today: day,
        },
        AppError::Auth(AuthError::OtherOrganisation { org: "gent".into() }),
        AppError::Session(SessionError::Unknown { id: 4 }),
        AppError::Mail(traject_app::mail::MailProblem::NotConfigured),
        AppError::Mail(traject_app::mail::MailProblem::Failed {
            host: "mail.ocmw.example".into(),
            reason: "connection refused".into(),
            failed: 2,
        }),
        AppError::Session(SessionError::Exists {
            module: "via".into(),
            group: "a".into(),
            on: day,
        }),
        AppError::Session(SessionError::UnknownModule {
            program: "p".into(),
            given: "vai".into(),
            suggestion: Some("via".into()),
            known: vec!["via".into()],
        }),
        AppError::Session(SessionError::BadGroup { chars: 0, max: 60 }),
        AppError::Session(SessionError::Minutes { given: 0, max: 600 }),
        AppError::Session(SessionError::NoWeeklyRhythm {
            module: "via".into(),
        }),
        AppError::Session(SessionError::Period {
            from: day,
            to: day,
            max_days: 366,
        }),
        AppError::Session(SessionError::NoMarks),
        AppError::Session(SessionError::MarkedTwice { case: 3 }),
        AppError::Session(SessionError::NotAParticipant {
            case: 3,
            session: 4,
        }),
        AppError::Setting(SettingError::SimulationSize),
        AppError::Setting(SettingError::QueueRates),
        AppError::Setting(SettingError::OutOfRange {
            setting: Setting::DemandFactor,
            given: 1e9,
            min: 0.01,
            max: 100.0,
        }),
        AppError::Setting(SettingError::OutOfRange {
            setting: Setting::Fte,
            given: -1.0,
            min: 0.1,
            max: 1000.0,
        }),
        AppError::Setting(SettingError::TooMuchWork {
            estimate: 3_000_000,
            limit: 2_000_000,
        }),
        AppError::Setting(SettingError::DeadlinePassed { secs: 20 }),
        AppError::Setting(SettingError::WhatIfSize {
            runs: 200,
            months: 60,
        }),
        AppError::Setting(SettingError::OptionSyntax { given: "x".into() }),
        AppError::Setting(SettingError::NothingToBacktest {
            from: "2016-02-01".parse().unwrap(),
            to: "2016-01-01".parse().unwrap(),
            history: Some(("2015-10-01".parse().unwrap(), "2016-06-30".parse().unwrap())),
        }),
        AppError::Model(ModelError::NoDemand {
            version: "2016".into(),
        }),
        AppError::Model(ModelError::NoNorm {
            version: "2016".into(),
        }),
        AppError::Rollout(RolloutError::Ocmw { given: "X".into() }),
        AppError::Rollout(RolloutError::Language { given: "de".into() }),
        AppError::Rollout(RolloutError::TooEarly {
            given: day,
            version: "2016".into(),
            starts: day,
        }),
        AppError::Report(ReportError::Backwards { from: day, to: day }),
        AppError::Report(ReportError::NoVersion {
            program: "p".into(),
            from: day,
            to: day,
        }),
        AppError::Report(ReportError::Amount {
            setting: "--cost",
            given: "x".into(),
        }),
        AppError::Version(traject_model::program::VersionError::Unknown {
            program: "p".into(),
            asked: "2061".into(),
            suggestion: Some("2016".into()),
            known: vec!["2016".into()],
        }),
    ]
}

#[test]
fn every_application_error_reads_in_dutch_and_french() {
    for e in app_samples() {
        let (en, nl, fr) = (
            app_error(&e, Lang::En),
            app_error(&e, Lang::Nl),
            app_error(&e, Lang::Fr),
        );
        assert_ne!(nl, en, "no Dutch for {e:?}");
        assert_ne!(fr, en, "no French for {e:?}");
        assert_ne!(nl, fr, "{e:?}");
        assert!(!fr.contains(" :") && !fr.contains(" ;"), "{fr}");
    }
}

#[test]
fn a_refused_role_is_named_in_the_readers_words() {
    let e = AppError::Forbidden {
        role: Role::Auditor,
        need: Need::Persons,
    };
    assert_eq!(
        app_error(&e, Lang::En),
        "an auditor may not see people's referrals or cases"
    );
    assert_eq!(
        app_error(&e, Lang::Nl),
        "een auditor mag niet de aanmeldingen of dossiers van personen zien"
    );
}
