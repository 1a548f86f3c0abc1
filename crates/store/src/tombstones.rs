//! Tombstones: what an erasure leaves behind so that it outlives a restore. Each holds the
//! case number, its programme, the day of the erasure and a SHA-256 of programme,
//! organisation and dossier number — enough to erase the same person again in a store
//! restored from an older backup, and nothing that names them in the clear.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::sql::{args, Sql};
use super::{Store, StoreError};

/// One erasure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tombstone {
    pub case_id: i64,
    pub program: String,
    /// Absent for erasures made before tombstones were kept (the number was gone already).
    pub dossier_sha256: Option<String>,
    pub erased_on: NaiveDate,
}

/// The hash a tombstone keeps of a dossier number (within its programme and organisation).
pub fn dossier_sha256(program: &str, org: Option<&str>, dossier: &str) -> String {
    let mut h = Sha256::new();
    for part in [program, org.unwrap_or(""), dossier] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Every tombstone, by case number.
    pub fn tombstones(&self) -> Result<Vec<Tombstone>, StoreError> {
        self.query_map(
            "SELECT case_id, program, dossier_sha256, erased_on FROM tombstones ORDER BY case_id",
            &[],
            |r| {
                Ok(Tombstone {
                    case_id: r.get(0)?,
                    program: r.get(1)?,
                    dossier_sha256: r.get(2)?,
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
                    "INSERT INTO tombstones (case_id, program, dossier_sha256, erased_on) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (case_id) DO NOTHING",
                    args![t.case_id, t.program, t.dossier_sha256, t.erased_on],
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
}
