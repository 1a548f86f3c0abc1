//! A referral becomes a case: judged by the version in force on its date, stored with that
//! version's programme text, its intake evaluations scheduled; one case per dossier number and
//! programme. A case moves to another version only on purpose (`migrate`).

use serde_json::Value;

use traject_model::program::model::{Anchor, Version};
use traject_model::referral::Referral;
use traject_rules::CompiledProgram;

use crate::event::{self, Event};
use crate::modules::schedule_before_start;
use crate::schedule::schedule_one;
use crate::store::{NewCase, SnapshotRecord};
use crate::{load_on, CaseError, CaseStore, CaseTx, Ctx};

/// Create a case from a referral: judge it with the version in force on its date.
pub fn new_case(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    referral: &Referral,
    ctx: &Ctx,
) -> Result<(i64, &'static str), CaseError> {
    store.in_transaction(|tx| {
        tx.will_add_case();
        insert_case(tx, compiled, referral, ctx)
    })
}

/// Insert one case (inside a transaction): the case row, its intake evaluations, its event.
pub fn insert_case(
    tx: &dyn CaseTx,
    compiled: &CompiledProgram,
    referral: &Referral,
    ctx: &Ctx,
) -> Result<(i64, &'static str), CaseError> {
    let evaluation = compiled.evaluate(referral)?;
    let version = &compiled.program.spec.versions[evaluation.version_index];
    let verdict = evaluation.verdict;
    let referral_json = referral_value(referral).to_string();
    let referral_date = referral
        .referral_date
        .expect("evaluated referrals have a date");
    if ctx.on < referral_date {
        return Err(CaseError::BeforeReferral {
            on: ctx.on,
            referral_date,
        });
    }
    if let Some(existing) =
        existing_case(tx, &compiled.program.spec.id, ctx.org.as_deref(), referral)?
    {
        return Err(existing.refusal());
    }
    keep_snapshot(tx, compiled, version, ctx)?;
    let id = tx.insert(&NewCase {
        program: &compiled.program.spec.id,
        version: &version.id,
        version_hash: &version.hash,
        verdict,
        referral_date,
        referral: &referral_json,
        created_on: ctx.on,
        dossier: referral.id.as_deref(),
        team: ctx.team.as_deref(),
        org: ctx.org.as_deref(),
    })?;
    for e in version
        .evaluations
        .iter()
        .filter(|e| matches!(e.anchor, Anchor::Intake | Anchor::Referral))
    {
        let base = if e.anchor == Anchor::Referral {
            referral_date
        } else {
            ctx.on
        };
        schedule_one(tx, id, e, base, None)?;
    }
    schedule_before_start(tx, version, id, referral_date)?;
    let not_passed = compiled.versions[evaluation.version_index]
        .rules
        .iter()
        .zip(&evaluation.rules)
        .filter(|(_, o)| o.outcome != traject_rules::Outcome::Pass)
        .map(|(r, _)| r.id.clone())
        .collect();
    let referred = Event::Referred(event::Referred {
        verdict,
        version: version.id.clone(),
        not_passed,
        funding: evaluation
            .funder_ids(compiled)
            .into_iter()
            .map(str::to_string)
            .collect(),
    });
    tx.append(id, ctx.on, &referred, &ctx.actor, &version.hash)?;
    Ok((id, verdict.as_str()))
}

/// Store the programme text a version was judged under, once per content hash.
fn keep_snapshot(
    tx: &dyn CaseTx,
    compiled: &CompiledProgram,
    version: &Version,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    let p = &compiled.program;
    let options = serde_json::to_string(&p.options).unwrap_or_default();
    let scripts = serde_json::to_string(&p.scripts).unwrap_or_default();
    tx.keep_snapshot(&SnapshotRecord {
        hash: &version.hash,
        program: &p.spec.id,
        version: &version.id,
        file: &p.file,
        text: &p.text,
        options: &options,
        scripts: &scripts,
        recorded_on: ctx.on,
    })?;
    Ok(())
}

/// Move a case deliberately to version `to` of the programme as it is now (its rules, its
/// hash), with a `migrated` event naming both.
pub fn migrate(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    id: i64,
    to: &str,
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.in_transaction(|tx| {
        let mut c = load_on(tx, id, ctx)?;
        let version = compiled
            .program
            .version(to)
            .ok_or_else(|| CaseError::VersionGone {
                program: c.program.clone(),
                version: to.to_string(),
            })?;
        keep_snapshot(tx, compiled, version, ctx)?;
        let migrated = Event::Migrated(event::Migrated {
            from_version: std::mem::replace(&mut c.version, version.id.clone()),
            from_hash: std::mem::replace(&mut c.version_hash, version.hash.clone()),
            to_version: version.id.clone(),
            to_hash: version.hash.clone(),
        });
        c.updated_on = ctx.on;
        tx.save(&c)?;
        tx.append(id, ctx.on, &migrated, &ctx.actor, &version.hash)?;
        Ok(())
    })
}

/// A case that already holds a referral's dossier number in the programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub id: i64,
    pub dossier: String,
    /// The stored referral is the same as the one given.
    pub same: bool,
}

impl Existing {
    fn refusal(&self) -> CaseError {
        if self.same {
            CaseError::AlreadyPresent {
                id: self.id,
                dossier: self.dossier.clone(),
            }
        } else {
            CaseError::Conflict {
                id: self.id,
                dossier: self.dossier.clone(),
            }
        }
    }
}

/// The case of `program` with the referral's dossier number (its `id`), if there is one. Dossier
/// numbers are the organisation's own, so two organisations sharing a store may both hold one.
pub fn existing_case(
    tx: &dyn CaseTx,
    program: &str,
    org: Option<&str>,
    referral: &Referral,
) -> Result<Option<Existing>, CaseError> {
    let Some(dossier) = referral.id.as_deref() else {
        return Ok(None);
    };
    let found = tx.dossier_case(program, org, dossier)?;
    let given = referral_value(referral).to_string();
    Ok(found.map(|(id, stored)| Existing {
        id,
        dossier: dossier.to_string(),
        same: stored == given,
    }))
}

/// The referral as stored: every known field, flags included.
pub(crate) fn referral_value(r: &Referral) -> Value {
    let mut m = serde_json::Map::new();
    for (name, _) in traject_model::referral::FIELDS {
        if let Some(v) = r.display(name) {
            let value = match v.as_str() {
                "true" if traject_model::referral::bool_index(name).is_some() => Value::Bool(true),
                "false" if traject_model::referral::bool_index(name).is_some() => {
                    Value::Bool(false)
                }
                _ => Value::String(v),
            };
            m.insert((*name).to_string(), value);
        }
    }
    Value::Object(m)
}
