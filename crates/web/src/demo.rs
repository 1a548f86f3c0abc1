//! `traject serve --demo`: a working team application in one command — a fresh database in
//! a temporary folder, one user per role (two social workers in different teams) with random
//! passwords printed once, and cases made from the bundled programmes' test referrals, the
//! eligible ones started (or waiting when a programme is full).

use std::path::{Path, PathBuf};

use traject_app::users::{self, NewUser};
use traject_app::{cases, AppError, Ctx, Programs, Role};
use traject_store::Store;

/// The demonstration's database and users (name, role, team, password).
pub struct Demo {
    pub db: PathBuf,
    pub users: Vec<(String, Role, Option<String>, String)>,
    pub cases: usize,
    /// Kept so the folder lives as long as the server.
    _dir: tempfile::TempDir,
}

fn password() -> Result<String, AppError> {
    let mut bytes = [0u8; 9];
    getrandom::fill(&mut bytes).map_err(|e| users::AuthError::Hash(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Demo {
    pub fn create(on: chrono::NaiveDate, programs_dir: Option<&Path>) -> Result<Demo, AppError> {
        let dir = tempfile::tempdir().map_err(|e| AppError::TempDir(e.to_string()))?;
        let db = dir.path().join("demo.db");
        let mut store = Store::open(&db)?;
        let admin = Ctx {
            on,
            actor: "demo".into(),
            role: Role::Coordinator,
            team: None,
            org: None,
        };
        let people = [
            ("coordinator", Role::Coordinator, None),
            ("worker-north", Role::SocialWorker, Some("north")),
            ("worker-south", Role::SocialWorker, Some("south")),
            ("auditor", Role::Auditor, None),
        ];
        let mut made = Vec::new();
        for (name, role, team) in people {
            let pw = password()?;
            let user = NewUser {
                name: name.into(),
                role,
                team: team.map(str::to_string),
                lang: None,
                org: None,
                email: None,
            };
            users::add(&mut store, &user, &pw, &admin)?;
            made.push((name.to_string(), role, user.team, pw));
        }
        let catalogue = traject_app::catalogue::Catalogue::open(programs_dir);
        let mut count = 0;
        for (i, (program, referral)) in traject_programme_tests::bundled_referrals()
            .into_iter()
            .enumerate()
        {
            let Ok(compiled) = catalogue.open(&program, &Default::default()) else {
                continue;
            };
            let team = if i % 2 == 0 { "north" } else { "south" };
            let worker = Ctx {
                actor: format!("worker-{team}"),
                role: Role::SocialWorker,
                team: Some(team.into()),
                org: None,
                ..admin.clone()
            };
            let Ok(created) = cases::new_case(&mut store, &compiled, &referral, &worker) else {
                continue;
            };
            count += 1;
            if created.verdict == "eligible" {
                // A refusal (a gate not passed yet) leaves the case referred, as in real life.
                let _ = cases::start(&mut store, &catalogue, created.id, None, &worker);
            }
        }
        Ok(Demo {
            db,
            users: made,
            cases: count,
            _dir: dir,
        })
    }
}
