//! Routing a cohort: put a CSV of referrals into the groups of one module, with the module's
//! routing script. Rows are identified by their `id` column (or `row N`); the programme version
//! is `--version` or the one in force on the referrals' dates.

use serde::Serialize;

use traject_model::diag::{did_you_mean, Located, Pos};
use traject_model::program::VersionError;

use crate::RowProblem;
use traject_model::program::model::Version;
use traject_model::referral::batch::Batch;
use traject_model::referral::Referral;
use traject_rules::plugins::routing::{self, Routing};
use traject_rules::CompiledProgram;

#[derive(Debug, Serialize)]
pub struct RouteOutput {
    pub program: String,
    pub version: String,
    #[serde(flatten)]
    pub routing: Routing,
}

/// Read the cohort from a batch (CSV or a sheet): (id, referral) pairs, or every problem found.
pub fn read_cohort(
    file: &str,
    mut batch: Batch<'_>,
) -> Result<Vec<(String, Referral)>, Vec<Located<RowProblem>>> {
    let mut people = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashMap::new();
    while let Some(row) = batch.next_row() {
        match row.referral {
            Ok(r) => {
                let id = r.id.clone().unwrap_or_else(|| format!("row{}", row.row));
                if let Some(first) = seen.insert(id.clone(), row.line) {
                    let problem = RowProblem::IdTwice {
                        id: id.clone(),
                        first,
                    };
                    errors.push(Located::at(file, Pos::new(row.line as usize, 1), problem));
                }
                people.push((id, r));
            }
            Err(ds) => errors.extend(crate::rows(ds)),
        }
    }
    if errors.is_empty() {
        Ok(people)
    } else {
        Err(errors)
    }
}

/// A problem with the cohort as a whole, reported at the top of its file.
fn at_top(file: &str, problem: RowProblem) -> Vec<Located<RowProblem>> {
    vec![Located::at(file, Pos::new(1, 1), problem)]
}

/// Route `people` into the groups of `module`.
pub fn route(
    compiled: &CompiledProgram,
    module: &str,
    version: Option<&str>,
    on: Option<chrono::NaiveDate>,
    file: &str,
    people: &[(String, Referral)],
) -> Result<RouteOutput, Vec<Located<RowProblem>>> {
    let p = &compiled.program;
    let vi = match version {
        Some(id) => named_version(compiled, id, file)?,
        None => cohort_version(compiled, people, file)?,
    };
    let v = &p.spec.versions[vi];
    let Some(plan) = compiled.routings.get(&(vi, module.to_string())) else {
        return Err(no_routing(v, module, file));
    };
    let routing = routing::route(
        &compiled.rhai_engine,
        &compiled.limits,
        &plan.script,
        module,
        &plan.settings_on(on),
        people,
    )
    .map_err(|d| crate::rows(vec![d]))?;
    Ok(RouteOutput {
        program: p.spec.id.clone(),
        version: v.id.clone(),
        routing,
    })
}

/// The index of the version `--version` names.
fn named_version(
    compiled: &CompiledProgram,
    id: &str,
    file: &str,
) -> Result<usize, Vec<Located<RowProblem>>> {
    let p = &compiled.program;
    p.spec
        .versions
        .iter()
        .position(|v| v.id == id)
        .ok_or_else(|| {
            let ids: Vec<&str> = p.spec.versions.iter().map(|v| v.id.as_str()).collect();
            let unknown = VersionError::Unknown {
                program: p.spec.id.clone(),
                asked: id.to_string(),
                suggestion: did_you_mean(id, ids.iter().copied()).map(str::to_string),
                known: ids.iter().map(|i| i.to_string()).collect(),
            };
            at_top(file, RowProblem::CohortVersion(unknown))
        })
}

/// The one version in force on every referral's date.
fn cohort_version(
    compiled: &CompiledProgram,
    people: &[(String, Referral)],
    file: &str,
) -> Result<usize, Vec<Located<RowProblem>>> {
    let mut found: Option<usize> = None;
    for (id, r) in people {
        let (i, _) = compiled.version_for(r).map_err(|error| {
            let problem = RowProblem::CohortUnjudged {
                id: id.clone(),
                error,
            };
            at_top(file, problem)
        })?;
        if found.is_some_and(|f| f != i) {
            return Err(at_top(file, RowProblem::MixedVersions));
        }
        found = Some(i);
    }
    found.ok_or_else(|| at_top(file, RowProblem::EmptyCohort))
}

/// Why `module` cannot be routed in `v`, and which modules can.
fn no_routing(v: &Version, module: &str, file: &str) -> Vec<Located<RowProblem>> {
    let routed = v
        .modules
        .iter()
        .filter(|m| m.routing.is_some())
        .map(|m| m.id.clone())
        .collect();
    let problem = RowProblem::NotRouted {
        module: module.to_string(),
        version: v.id.clone(),
        exists: v.module(module).is_some(),
        nearest: did_you_mean(module, v.modules.iter().map(|m| m.id.as_str())).map(str::to_string),
        routed,
    };
    at_top(file, problem)
}
