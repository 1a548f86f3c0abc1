//! `traject route`: put a CSV of referrals into the groups of one module, with the module's
//! routing script. Rows are identified by their `id` column (or `row N`); the programme version
//! is `--version` or the one in force on the referrals' dates.

use std::io::Read;

use serde::Serialize;

use crate::diag::{suggestion_suffix, Diagnostic, Pos};
use crate::plugins::routing::{self, Routing};
use crate::referral::batch::Batch;
use crate::referral::Referral;
use crate::rules::CompiledProgram;

#[derive(Debug, Serialize)]
pub struct RouteOutput {
    pub program: String,
    pub version: String,
    #[serde(flatten)]
    pub routing: Routing,
}

/// Read the cohort from CSV: (id, referral) pairs, or every problem found.
pub fn read_cohort<R: Read>(
    file: &str,
    input: R,
) -> Result<Vec<(String, Referral)>, Vec<Diagnostic>> {
    let mut batch = Batch::open(file, input)?;
    let mut people = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashMap::new();
    while let Some(row) = batch.next_row() {
        match row.referral {
            Ok(r) => {
                let id = r.id.clone().unwrap_or_else(|| format!("row{}", row.row));
                if let Some(first) = seen.insert(id.clone(), row.line) {
                    errors.push(
                        Diagnostic::error(
                            file,
                            Pos::new(row.line as usize, 1),
                            format!("id '{id}' is used twice (first on line {first})"),
                        )
                        .with_help("give every referral its own id"),
                    );
                }
                people.push((id, r));
            }
            Err(ds) => errors.extend(ds),
        }
    }
    if errors.is_empty() {
        Ok(people)
    } else {
        Err(errors)
    }
}

/// Route `people` into the groups of `module`.
pub fn route(
    compiled: &CompiledProgram,
    module: &str,
    version: Option<&str>,
    file: &str,
    people: &[(String, Referral)],
) -> Result<RouteOutput, Vec<Diagnostic>> {
    let p = &compiled.program;
    let at = |msg: String, help: String| {
        vec![Diagnostic::error(file, Pos::new(1, 1), msg).with_help(help)]
    };
    let vi = match version {
        Some(id) => p
            .spec
            .versions
            .iter()
            .position(|v| v.id == id)
            .ok_or_else(|| {
                let ids: Vec<&str> = p.spec.versions.iter().map(|v| v.id.as_str()).collect();
                at(
                    format!(
                        "programme '{}' has no version '{id}'{}",
                        p.spec.id,
                        suggestion_suffix(id, ids.iter().copied())
                    ),
                    format!("versions: {}", ids.join(", ")),
                )
            })?,
        None => {
            let mut found: Option<usize> = None;
            for (id, r) in people {
                let (i, _) = compiled.version_for(r).map_err(|e| {
                    at(
                        format!("referral '{id}': {e}"),
                        "use --version to route under a given version".into(),
                    )
                })?;
                if found.is_some_and(|f| f != i) {
                    return Err(at(
                        "the referrals fall under different programme versions".into(),
                        "route one version at a time, or choose one with --version".into(),
                    ));
                }
                found = Some(i);
            }
            match found {
                Some(i) => i,
                None => {
                    return Err(at(
                        "the CSV holds no referrals".into(),
                        "add rows under the header".into(),
                    ))
                }
            }
        }
    };
    let v = &p.spec.versions[vi];
    let Some(plan) = compiled.routings.get(&(vi, module.to_string())) else {
        let routed: Vec<&str> = v
            .modules
            .iter()
            .filter(|m| m.routing.is_some())
            .map(|m| m.id.as_str())
            .collect();
        let known = v.module(module).is_some();
        return Err(at(
            if known {
                format!("module '{module}' of version {} has no routing", v.id)
            } else {
                format!(
                    "version {} has no module '{module}'{}",
                    v.id,
                    suggestion_suffix(module, v.modules.iter().map(|m| m.id.as_str()))
                )
            },
            format!(
                "modules with routing in this version: {}",
                if routed.is_empty() {
                    "none".to_string()
                } else {
                    routed.join(", ")
                }
            ),
        ));
    };
    let routing = routing::route(
        &compiled.engine,
        &compiled.limits,
        &plan.script,
        module,
        &plan.settings,
        people,
    )
    .map_err(|d| vec![d])?;
    Ok(RouteOutput {
        program: p.spec.id.clone(),
        version: v.id.clone(),
        routing,
    })
}

/// The text form: one line per group, then who waits and the notes.
pub fn render_text(out: &RouteOutput) -> String {
    let mut s = format!(
        "{} — version {} — module {}\n",
        out.program, out.version, out.routing.module
    );
    for g in &out.routing.groups {
        let lang = g
            .language
            .as_deref()
            .map(|l| format!(" [{l}]"))
            .unwrap_or_default();
        let interp = if g.interpreter { " + interpreter" } else { "" };
        s.push_str(&format!(
            "  {}{lang}{interp} ({}): {}\n",
            g.id,
            g.members.len(),
            g.members.join(", ")
        ));
    }
    s.push_str(&format!(
        "  waiting ({}): {}\n",
        out.routing.waiting.len(),
        out.routing.waiting.join(", ")
    ));
    for n in &out.routing.notes {
        s.push_str(&format!("  note: {n}\n"));
    }
    s
}
