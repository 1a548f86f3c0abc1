//! A SQLite store of 100,000 started Antwerp cases for the benchmarks at scale (`store`,
//! `readers`): Antwerp's programme with room for everyone, written to `<dir>/programs/`, so
//! that commands and servers run in `dir` judge with it.

use std::path::{Path, PathBuf};

use traject_cases::{self as lifecycle, CaseStore, Ctx};
use traject_model::program::{load_bytes, LoadOptions};
use traject_rules::CompiledProgram;
use traject_store::Store;

#[path = "stored_referrals.rs"]
mod stored_referrals;

/// The cases in the store.
pub const CASES: usize = 100_000;

/// Antwerp 2022 with room for everyone (so that every case can be active at once), written
/// to `<dir>/programs/antwerpen.yaml` and compiled.
pub fn programme(root: &Path, dir: &Path) -> CompiledProgram {
    std::fs::create_dir_all(dir.join("programs")).unwrap();
    let text = std::fs::read_to_string(root.join("programs/antwerpen.yaml"))
        .unwrap()
        .replace("caseload_per_fte: 20\n", "caseload_per_fte: 60000\n");
    std::fs::write(dir.join("programs/antwerpen.yaml"), &text).unwrap();
    load_bytes(
        "programs/antwerpen.yaml",
        text.as_bytes(),
        &LoadOptions::default(),
    )
    .and_then(traject_rules::compile_loaded)
    .unwrap()
}

/// `<dir>/big.db`: `CASES` referrals of 2023, each started at the end of the month it was
/// referred in, on the short or the long track.
pub fn build(dir: &Path, compiled: &CompiledProgram) -> (PathBuf, Store) {
    let db_path = dir.join("big.db");
    let mut store = Store::open(&db_path).unwrap();
    let ctx = |d: &str| Ctx {
        on: d.parse().unwrap(),
        actor: "bench".into(),
        team: None,
        org: None,
    };
    store
        .in_transaction(|tx| {
            for i in 0..CASES {
                let r = stored_referrals::referral(i, 2023, 1);
                let on = r.referral_date.unwrap().to_string();
                lifecycle::insert_case(tx, compiled, &r, &ctx(&on))?;
            }
            Ok::<_, lifecycle::CaseError>(())
        })
        .unwrap();
    for id in 1..=CASES as i64 {
        let track = if id % 2 == 0 { "long" } else { "short" };
        // Started at the end of the month it was referred in (a case's history runs forward).
        let on = format!("2023-{:02}-28", 1 + (id as usize - 1) % 12);
        lifecycle::start(&mut store, compiled, id, Some(track), &ctx(&on)).unwrap();
    }
    (db_path, store)
}
