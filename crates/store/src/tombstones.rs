//! Tombstones: what an erasure leaves behind so that it outlives a restore and a re-import.
//! Each holds the case number, its programme, the day of the erasure and an HMAC-SHA-256 of
//! organisation and dossier number under the store's own key (`store_key`, made when the
//! store is created, copied with it) — enough to erase the same person again in a store
//! restored from an older backup and to recognise their dossier in a new referral, and nothing
//! that names them in the clear or that hashing every possible number could reverse without
//! the key.

use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::sql::{args, placeholders, Sql, ToValue, Value, IN_LIST};
use super::{Store, StoreError};

/// One erasure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tombstone {
    pub case_id: i64,
    pub program: String,
    /// Absent for erasures made before tombstones were kept (the number was gone already).
    pub dossier_mac: Option<String>,
    pub erased_on: NaiveDate,
}

/// The keyed hash a tombstone keeps of a dossier number within its organisation.
pub(crate) fn dossier_mac(key: &str, org: Option<&str>, dossier: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length");
    for part in [org.unwrap_or(""), dossier] {
        mac.update(part.as_bytes());
        mac.update(&[0]);
    }
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The store's key (see the module's opening).
pub(crate) fn store_key(on: &impl Sql) -> Result<String, StoreError> {
    on.one("SELECT key FROM store_key WHERE id = 1", &[])
}

impl Store {
    /// The store's key, read once per connection.
    fn key(&self) -> Result<&str, StoreError> {
        if let Some(k) = self.key.get() {
            return Ok(k);
        }
        let read = store_key(self)?;
        Ok(self.key.get_or_init(|| read))
    }

    /// Every tombstone, by case number.
    pub fn tombstones(&self) -> Result<Vec<Tombstone>, StoreError> {
        self.query_map(
            "SELECT case_id, program, dossier_mac, erased_on FROM tombstones ORDER BY case_id",
            &[],
            |r| {
                Ok(Tombstone {
                    case_id: r.get(0)?,
                    program: r.get(1)?,
                    dossier_mac: r.get(2)?,
                    erased_on: r.get(3)?,
                })
            },
        )
    }

    /// Keep these tombstones too (one already kept for a case stays as it is); how many were new.
    pub fn add_tombstones(&mut self, tombstones: &[Tombstone]) -> Result<usize, StoreError> {
        self.write(|tx| {
            let mut added = 0;
            for t in tombstones {
                added += tx.execute(
                    "INSERT INTO tombstones (case_id, program, dossier_mac, erased_on) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (case_id) DO NOTHING",
                    args![t.case_id, t.program, t.dossier_mac, t.erased_on],
                )?;
            }
            Ok(added)
        })
    }

    /// Cases a tombstone names whose personal data is in the store again (restored from a
    /// backup taken before the erasure): (case, day of the erasure).
    pub fn erasures_to_reapply(&self) -> Result<Vec<(i64, NaiveDate)>, StoreError> {
        self.query_map(
            "SELECT t.case_id, t.erased_on FROM tombstones t JOIN cases c ON c.id = t.case_id \
             WHERE c.dossier IS NOT NULL OR c.referral NOT LIKE '{\"erased_on\":%' ORDER BY t.case_id",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// The day the dossier `dossier` of organisation `org` was erased, if it was.
    pub fn erased_dossier(
        &self,
        org: Option<&str>,
        dossier: &str,
    ) -> Result<Option<NaiveDate>, StoreError> {
        Ok(self.erased_dossiers(org, &[dossier])?.remove(dossier))
    }

    /// Of these dossier numbers of organisation `org`, those that were erased, each with the
    /// day (the latest, when erased more than once): one lookup for a whole batch.
    pub fn erased_dossiers(
        &self,
        org: Option<&str>,
        dossiers: &[&str],
    ) -> Result<std::collections::HashMap<String, NaiveDate>, StoreError> {
        let mut found = std::collections::HashMap::new();
        if dossiers.is_empty() {
            return Ok(found);
        }
        let key = self.key()?;
        let by_mac: std::collections::HashMap<String, &str> = dossiers
            .iter()
            .map(|d| (dossier_mac(key, org, d), *d))
            .collect();
        let macs: Vec<&String> = by_mac.keys().collect();
        for chunk in macs.chunks(IN_LIST) {
            let list = placeholders(1, chunk.len());
            let params: Vec<Value> = chunk.iter().map(|m| m.to_value()).collect();
            let rows = self.query_map(
                &format!("SELECT dossier_mac, MAX(erased_on) FROM tombstones WHERE dossier_mac IN ({list}) GROUP BY dossier_mac"),
                &params,
                |r| Ok((r.get::<String>(0)?, r.get::<NaiveDate>(1)?)),
            )?;
            for (mac, on) in rows {
                if let Some(d) = by_mac.get(&mac) {
                    found.insert(d.to_string(), on);
                }
            }
        }
        Ok(found)
    }

    /// The day case `id`'s personal data was erased, if it was.
    pub fn erased_case(&self, id: i64) -> Result<Option<NaiveDate>, StoreError> {
        self.query_opt(
            "SELECT erased_on FROM tombstones WHERE case_id = ?1",
            args![id],
            |r| r.get(0),
        )
    }

    /// A fingerprint of the store's key (not the key): tombstones are only meaningful in a store
    /// of the same lineage — the same case numbers — which has the same key.
    pub fn key_fingerprint(&self) -> Result<String, StoreError> {
        use sha2::Digest;
        let key = store_key(self)?;
        let digest = Sha256::digest(format!("traject tombstones\0{key}").as_bytes());
        Ok(digest.iter().take(8).map(|b| format!("{b:02x}")).collect())
    }
}
