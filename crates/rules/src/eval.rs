//! Evaluating compiled rules on a referral: three outcomes per rule (pass, fail, unknown — a
//! missing fact is unknown, never fail), the verdict from the rule modes, and the funding
//! streams the case may be charged to.

use rhai::Engine;
use serde::Serialize;

use super::compile::LevelTest;
use super::compile::{CompiledProgram, CompiledVersion, Cond, Test};
use traject_model::problem::ScriptFailure;
use traject_model::program::model::{Mode, Version};
use traject_model::program::VersionError;
use traject_model::referral::{language_rank, Referral, EU_MEMBERS};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Outcome {
    Pass,
    Fail,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Verdict {
    Eligible,
    Ineligible,
    NeedsAssessment,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Eligible => "eligible",
            Verdict::Ineligible => "ineligible",
            Verdict::NeedsAssessment => "needs_assessment",
        }
    }

    pub fn parse(word: &str) -> Option<Verdict> {
        [
            Verdict::Eligible,
            Verdict::Ineligible,
            Verdict::NeedsAssessment,
        ]
        .into_iter()
        .find(|v| v.as_str() == word)
    }
}

/// The outcome of one top-level rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleOutcome {
    pub outcome: Outcome,
    /// The rule passed only because an exception applied.
    pub by_exception: bool,
    /// Which of the rule's exceptions applied (its index), when one did.
    pub exception: Option<usize>,
}

/// The whole result for one referral (no text; see `explain` for the readable form).
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub version_index: usize,
    pub verdict: Verdict,
    pub rules: Vec<RuleOutcome>,
    /// Funders (indices into the version's `funding.funders`) whose conditions all pass.
    pub funding: Vec<usize>,
    /// Funders whose conditions could not be decided (a fact is missing).
    pub funding_unknown: Vec<usize>,
}

/// Evaluate one condition. `Err` carries a script error message.
pub fn eval_cond(
    rhai_engine: &Engine,
    cond: &Cond,
    r: &Referral,
    scope: &mut Option<rhai::Scope<'static>>,
) -> Result<Outcome, ScriptFailed> {
    use Outcome::*;
    let of = |b: Option<bool>| match b {
        Some(true) => Pass,
        Some(false) => Fail,
        None => Unknown,
    };
    Ok(match &cond.test {
        Test::MinAge(n) => of(r.age().map(|a| a >= *n)),
        Test::MaxAge(n) => of(r.age().map(|a| a <= *n)),
        Test::Nationality { codes, eu, negate } => of(r.nationality.as_deref().map(|n| {
            let member = codes.iter().any(|c| c == n) || (*eu && EU_MEMBERS.contains(&n));
            member != *negate
        })),
        Test::ResidenceStatusIn(set) => of(r.residence_status.as_ref().map(|s| set.contains(s))),
        Test::ResidenceOcmwIn(set) => of(r.residence_ocmw.as_ref().map(|s| set.contains(s))),
        Test::IncomeSupportIn(set) => of(r.income_support.as_ref().map(|s| set.contains(s))),
        Test::EducationIn(set) => of(r.education_level.as_ref().map(|s| set.contains(s))),
        Test::Flag { index, want } => of(r.flags[*index].map(|b| b == *want)),
        Test::LanguageAtLeast(t) => of(r
            .language_level
            .as_deref()
            .and_then(language_rank)
            .and_then(|l| compare_levels(l, t, |a, b| a >= b))),
        Test::LanguageAtMost(t) => of(r
            .language_level
            .as_deref()
            .and_then(language_rank)
            .and_then(|l| compare_levels(l, t, |a, b| a <= b))),
        Test::Expr {
            native: Some(native),
            ..
        } => match native.eval(r) {
            Ok(b) => of(Some(b)),
            Err(super::lower::Missing) => Unknown,
        },
        Test::Expr { ast, native: None } => {
            let scope = scope.get_or_insert_with(|| crate::plugins::referral_scope(r));
            of(
                crate::plugins::eval_bool(rhai_engine, ast, scope).map_err(|failure| {
                    ScriptFailed {
                        rule: cond.id.clone(),
                        failure,
                    }
                })?,
            )
        }
        Test::AnyOf(subs) => {
            let mut acc = Fail;
            for s in subs {
                match eval_cond(rhai_engine, s, r, scope)? {
                    Pass => return Ok(Pass),
                    Unknown => acc = Unknown,
                    Fail => {}
                }
            }
            acc
        }
        Test::AllOf(subs) => {
            let mut acc = Pass;
            for s in subs {
                match eval_cond(rhai_engine, s, r, scope)? {
                    Fail => return Ok(Fail),
                    Unknown => acc = Unknown,
                    Pass => {}
                }
            }
            acc
        }
    })
}

/// Whether `level` satisfies `ok(level, bound)`. On one scale a plain comparison. Across the
/// NT2 ("1.1") and CEFR ("A1") scales only through the programme's equivalences: a CEFR level
/// stands for the NT2 levels mapped to it and decides when all of them agree; without an
/// equivalence the answer is unknown (the seeds give no mapping, §9 Q41).
fn compare_levels(level: (u8, u32), t: &LevelTest, ok: impl Fn(u32, u32) -> bool) -> Option<bool> {
    let (scale, bound) = t.bound;
    if level.0 == scale {
        return Some(ok(level.1, bound));
    }
    let answers: Vec<bool> = if scale == 0 {
        // The rule is in NT2, the referral in CEFR.
        t.equivalences
            .iter()
            .filter(|(_, cefr)| *cefr == level.1)
            .map(|(nt2, _)| ok(*nt2, bound))
            .collect()
    } else {
        t.equivalences
            .iter()
            .filter(|(nt2, _)| *nt2 == level.1)
            .map(|(_, cefr)| ok(*cefr, bound))
            .collect()
    };
    match (answers.iter().all(|a| *a), answers.iter().any(|a| *a)) {
        _ if answers.is_empty() => None,
        (true, _) => Some(true),
        (false, false) => Some(false),
        (false, true) => None,
    }
}

/// Evaluate a referral against one compiled version.
pub fn evaluate_version(
    rhai_engine: &Engine,
    version: &CompiledVersion,
    version_index: usize,
    r: &Referral,
) -> Result<Evaluation, ScriptFailed> {
    let mut scope = None;
    let mut outcomes = Vec::with_capacity(version.rules.len());
    let (mut failed, mut open) = (false, false);
    for rule in &version.rules {
        let own = eval_cond(rhai_engine, &rule.cond, r, &mut scope)?;
        let mut ro = RuleOutcome {
            outcome: own,
            by_exception: false,
            exception: None,
        };
        if own != Outcome::Pass {
            for (i, e) in rule.exceptions.iter().enumerate() {
                if eval_cond(rhai_engine, e, r, &mut scope)? == Outcome::Pass {
                    ro = RuleOutcome {
                        outcome: Outcome::Pass,
                        by_exception: true,
                        exception: Some(i),
                    };
                    break;
                }
            }
        }
        match (rule.mode, ro.outcome) {
            (Mode::Hard | Mode::Assessed, Outcome::Fail) => failed = true,
            (Mode::Hard | Mode::Assessed, Outcome::Unknown) => open = true,
            _ => {}
        }
        outcomes.push(ro);
    }
    let verdict = if failed {
        Verdict::Ineligible
    } else if open {
        Verdict::NeedsAssessment
    } else {
        Verdict::Eligible
    };
    let (mut funding, mut unknown) = (Vec::new(), Vec::new());
    for (fi, f) in version.funders.iter().enumerate() {
        let mut acc = Outcome::Pass;
        for c in &f.conditions {
            match eval_cond(rhai_engine, c, r, &mut scope)? {
                Outcome::Fail => {
                    acc = Outcome::Fail;
                    break;
                }
                Outcome::Unknown => acc = Outcome::Unknown,
                Outcome::Pass => {}
            }
        }
        match acc {
            Outcome::Pass => funding.push(fi),
            Outcome::Unknown => unknown.push(fi),
            Outcome::Fail => {}
        }
    }
    Ok(Evaluation {
        version_index,
        verdict,
        rules: outcomes,
        funding,
        funding_unknown: unknown,
    })
}

/// A rule's script failed on a referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptFailed {
    pub rule: String,
    pub failure: ScriptFailure,
}

/// Why a referral could not be evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    /// No version is in force on the referral date (the error names the nearest one).
    NoVersion(VersionError),
    MissingDate,
    /// A rule script failed (a limit, a runtime error).
    Script(ScriptFailed),
}

impl From<VersionError> for EvalError {
    fn from(e: VersionError) -> Self {
        EvalError::NoVersion(e)
    }
}

impl Evaluation {
    /// Ids of the funders the case may be charged to.
    pub fn funder_ids<'a>(&self, c: &'a CompiledProgram) -> Vec<&'a str> {
        let funders = &c.versions[self.version_index].funders;
        self.funding
            .iter()
            .map(|&i| funders[i].id.as_str())
            .collect()
    }

    /// Ids of the funders that could not be decided.
    pub fn unknown_funder_ids<'a>(&self, c: &'a CompiledProgram) -> Vec<&'a str> {
        let funders = &c.versions[self.version_index].funders;
        self.funding_unknown
            .iter()
            .map(|&i| funders[i].id.as_str())
            .collect()
    }
}

impl CompiledProgram {
    /// The version in force on the referral's date, with its index.
    pub fn version_for(&self, r: &Referral) -> Result<(usize, &Version), EvalError> {
        let date = r.referral_date.ok_or(EvalError::MissingDate)?;
        let v = self.program.version_on(date)?;
        let i = self
            .program
            .spec
            .versions
            .iter()
            .position(|x| x.id == v.id)
            .expect("version of this programme");
        Ok((i, v))
    }

    /// Judge a referral as the case store keeps it (JSON) under version `version_index`;
    /// `None` when it no longer reads as a referral (erased) or a script fails.
    pub fn judge_stored(
        &self,
        version_index: usize,
        stored: &serde_json::Value,
    ) -> Option<(Referral, Evaluation)> {
        let r = traject_model::referral::from_stored(stored)?;
        let version = self.versions.get(version_index)?;
        let e = evaluate_version(&self.rhai_engine, version, version_index, &r).ok()?;
        Some((r, e))
    }

    /// Judge a referral under version `version_index` (a case's pinned version), whatever
    /// its date.
    pub fn judge(&self, version_index: usize, r: &Referral) -> Result<Evaluation, EvalError> {
        let version = &self.versions[version_index];
        evaluate_version(&self.rhai_engine, version, version_index, r).map_err(EvalError::Script)
    }

    /// Judge a referral with the version in force on its date.
    pub fn evaluate(&self, r: &Referral) -> Result<Evaluation, EvalError> {
        let (i, _) = self.version_for(r)?;
        evaluate_version(&self.rhai_engine, &self.versions[i], i, r).map_err(EvalError::Script)
    }
}
