//! Judging a referral again after it became a case: a worker records an assessment of an
//! assessed criterion (motivation after the motivation talk), or corrects a fact of the
//! referral (a birth date written wrongly), with a reason. The referral is judged again under
//! the case's pinned version; the new verdict is kept, and the event names the facts (not their
//! values, which live in the referral and are erased with it) and every rule whose outcome
//! changed.

use traject_model::diag::did_you_mean;
use traject_model::program::model::Mode;
use traject_model::referral::{FieldType, FIELDS};
use traject_rules::{CompiledProgram, Verdict};

use crate::event::{Event, Rejudged, RuleChange};
use crate::{load_on, pinned, CaseError, CaseStore, CaseTx, Ctx};

/// What is recorded: a worker's judgement of an assessed criterion, or a corrected fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judgement {
    Assessment,
    Correction,
}

/// The verdict before and after, and the rules whose outcome changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rejudgement {
    pub verdict_before: Verdict,
    pub verdict: Verdict,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub rules: Vec<RuleChange>,
}

/// Fields that are the referral's identity and date: never assessed, never corrected here (a
/// new referral is).
const FIXED: [&str; 2] = ["id", "referral_date"];

/// Record `facts` (field, value as written) for case `id` and judge its referral again.
pub fn rejudge(
    store: &mut impl CaseStore,
    compiled: &CompiledProgram,
    id: i64,
    judgement: Judgement,
    facts: &[(String, String)],
    reason: Option<&str>,
    ctx: &Ctx,
) -> Result<Rejudgement, CaseError> {
    store.in_transaction(|tx| rejudge_in(tx, compiled, id, judgement, facts, reason, ctx))
}

fn rejudge_in(
    tx: &dyn CaseTx,
    compiled: &CompiledProgram,
    id: i64,
    judgement: Judgement,
    facts: &[(String, String)],
    reason: Option<&str>,
    ctx: &Ctx,
) -> Result<Rejudgement, CaseError> {
    let mut c = load_on(tx, id, ctx)?;
    if !c.state.is_open() {
        return Err(CaseError::RejudgeEnded { id, state: c.state });
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if judgement == Judgement::Correction && reason.is_none() {
        return Err(CaseError::CorrectionWithoutReason { id });
    }
    if facts.is_empty() {
        return Err(CaseError::NoFacts { id });
    }
    let (version, _) = pinned(compiled, &c)?;
    let index = compiled
        .version_index(&version.id)
        .expect("the pinned version is the programme's");
    let stored = tx.referral(id)?.unwrap_or_default();
    let mut referral = traject_model::referral::from_stored_text(&stored)
        .ok_or(CaseError::ReferralErased { id })?;
    let before = compiled.judge(index, &referral)?;
    let assessed = compiled.versions[index].fields_read_by(Mode::Assessed);
    for (field, text) in facts {
        let ty = fact_type(field, judgement, &assessed, &version.id)?;
        referral
            .set_text(field, ty, text)
            .map_err(|problem| CaseError::BadFact {
                field: field.clone(),
                problem,
            })?;
    }
    let after = compiled.judge(index, &referral)?;
    let rules: Vec<RuleChange> = compiled.versions[index]
        .rules
        .iter()
        .zip(before.rules.iter().zip(&after.rules))
        .filter(|(_, (b, a))| b.outcome != a.outcome)
        .map(|(r, (b, a))| RuleChange {
            rule: r.id.clone(),
            from: b.outcome,
            to: a.outcome,
        })
        .collect();
    let stored = crate::intake::referral_value(&referral).to_string();
    tx.set_referral(id, &stored, after.verdict)?;
    c.updated_on = ctx.on;
    tx.save(&c)?;
    let rejudged = Rejudged {
        facts: facts.iter().map(|(f, _)| f.clone()).collect(),
        verdict_before: before.verdict,
        verdict: after.verdict,
        rules: rules.clone(),
        reason: reason.map(str::to_string),
        redacted: false,
    };
    let event = match judgement {
        Judgement::Assessment => Event::Assessed(rejudged),
        Judgement::Correction => Event::Corrected(rejudged),
    };
    tx.append(id, ctx.on, &event, &ctx.actor, &c.version_hash)?;
    Ok(Rejudgement {
        verdict_before: before.verdict,
        verdict: after.verdict,
        rules,
    })
}

/// The type of a fact that may be recorded this way: an assessment only of a field an
/// assessed rule reads (a fact a hard rule checks is corrected instead), a correction of any
/// referral field but its identity and date.
fn fact_type(
    field: &str,
    judgement: Judgement,
    assessed: &std::collections::BTreeSet<&'static str>,
    version: &str,
) -> Result<FieldType, CaseError> {
    let Some((_, ty)) = FIELDS.iter().find(|(f, _)| *f == field) else {
        let known = FIELDS
            .iter()
            .map(|(f, _)| *f)
            .filter(|f| !FIXED.contains(f));
        return Err(CaseError::UnknownFact {
            given: field.to_string(),
            suggestion: did_you_mean(field, known).map(str::to_string),
        });
    };
    if FIXED.contains(&field) {
        return Err(CaseError::FixedFact {
            field: field.to_string(),
        });
    }
    if judgement == Judgement::Assessment && !assessed.contains(field) {
        return Err(CaseError::NotAssessed {
            field: field.to_string(),
            version: version.to_string(),
            assessed: assessed.iter().map(|f| f.to_string()).collect(),
        });
    }
    Ok(*ty)
}
