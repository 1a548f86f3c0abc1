//! Upgrades from every earlier store: for each schema version SQLite and PostgreSQL stores have
//! had, a store built by that version's migrations and filled as that version filled it opens
//! with today's binary, is migrated to the current schema, keeps every case, event and
//! evaluation moment (the same digest over what every version had) and passes `db verify`.
//! A store from a newer build is refused with a message that says so.

use traject_store::test_support::{
    core_digest, schema_versions, set_schema_version, store_at_version, write_fixture_rows,
};
use traject_store::{DbTarget, Store};

use crate::common::{postgres_database, traject};

/// Build at version `k`, fill, upgrade, compare; the target must be fresh.
fn upgrade_from(target: &DbTarget, k: usize) {
    let old = store_at_version(target, k).unwrap();
    write_fixture_rows(&old).unwrap_or_else(|e| panic!("version {k}: {e}"));
    let before = core_digest(&old).unwrap();
    drop(old);
    let upgraded = Store::connect(target).unwrap_or_else(|e| panic!("version {k}: {e:?}"));
    let (found, known) = upgraded.schema_versions().unwrap();
    assert_eq!(
        found, known as i64,
        "version {k} migrated to the current schema"
    );
    assert_eq!(
        core_digest(&upgraded).unwrap(),
        before,
        "version {k}: nothing lost or changed"
    );
    assert!(
        upgraded.integrity_problems().unwrap().is_empty(),
        "version {k}"
    );
    drop(upgraded);
    let out = traject()
        .args(["db", "verify", "--db", &target.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "version {k}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn every_earlier_sqlite_store_upgrades_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let (sqlite, _) = schema_versions();
    for k in 1..sqlite {
        let path = dir.path().join(format!("v{k}.db"));
        upgrade_from(&DbTarget::File(path), k);
    }
}

#[test]
fn every_earlier_postgres_store_upgrades_with_its_data() {
    let (_, pg) = schema_versions();
    for k in 1..pg {
        let Some(url) = postgres_database(&format!("traject_upgrade_{k}")) else {
            return;
        };
        upgrade_from(&DbTarget::Postgres(url), k);
    }
}

#[test]
fn a_store_from_a_newer_build_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    let store = Store::open(&path).unwrap();
    let (sqlite, _) = schema_versions();
    set_schema_version(&store, sqlite as i64 + 1).unwrap();
    drop(store);
    let out = traject()
        .args(["case", "list", "--db", path.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("newer"), "{err}");
}
