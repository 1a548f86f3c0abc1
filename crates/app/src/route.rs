//! Routing a cohort: put a CSV of referrals into the groups of one module, with the module's
//! routing script. Rows are identified by their `id` column (or `row N`); the programme version
//! is `--version` or the one in force on the referrals' dates.

use serde::Serialize;

use traject_model::diag::{suggestion_suffix, Diagnostic, Pos};
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
) -> Result<Vec<(String, Referral)>, Vec<Diagnostic>> {
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

/// A problem with the cohort as a whole, reported at the top of its file.
fn at_top(file: &str, msg: String, help: impl Into<String>) -> Vec<Diagnostic> {
    vec![Diagnostic::error(file, Pos::new(1, 1), msg).with_help(help.into())]
}

/// Route `people` into the groups of `module`.
pub fn route(
    compiled: &CompiledProgram,
    module: &str,
    version: Option<&str>,
    on: Option<chrono::NaiveDate>,
    file: &str,
    people: &[(String, Referral)],
) -> Result<RouteOutput, Vec<Diagnostic>> {
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
        &compiled.engine,
        &compiled.limits,
        &plan.script,
        module,
        &plan.settings_on(on),
        people,
    )
    .map_err(|d| vec![d])?;
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
) -> Result<usize, Vec<Diagnostic>> {
    let p = &compiled.program;
    p.spec
        .versions
        .iter()
        .position(|v| v.id == id)
        .ok_or_else(|| {
            let ids: Vec<&str> = p.spec.versions.iter().map(|v| v.id.as_str()).collect();
            at_top(
                file,
                format!(
                    "programme '{}' has no version '{id}'{}",
                    p.spec.id,
                    suggestion_suffix(id, ids.iter().copied())
                ),
                format!("versions: {}", ids.join(", ")),
            )
        })
}

/// The one version in force on every referral's date.
fn cohort_version(
    compiled: &CompiledProgram,
    people: &[(String, Referral)],
    file: &str,
) -> Result<usize, Vec<Diagnostic>> {
    let mut found: Option<usize> = None;
    for (id, r) in people {
        let (i, _) = compiled.version_for(r).map_err(|e| {
            at_top(
                file,
                format!("referral '{id}': {e}"),
                "use --version to route under a given version",
            )
        })?;
        if found.is_some_and(|f| f != i) {
            return Err(at_top(
                file,
                "the referrals fall under different programme versions".into(),
                "route one version at a time, or choose one with --version",
            ));
        }
        found = Some(i);
    }
    found.ok_or_else(|| {
        at_top(
            file,
            "the CSV holds no referrals".into(),
            "add rows under the header",
        )
    })
}

/// Why `module` cannot be routed in `v`, and which modules can.
fn no_routing(v: &Version, module: &str, file: &str) -> Vec<Diagnostic> {
    let routed: Vec<&str> = v
        .modules
        .iter()
        .filter(|m| m.routing.is_some())
        .map(|m| m.id.as_str())
        .collect();
    let msg = if v.module(module).is_some() {
        format!("module '{module}' of version {} has no routing", v.id)
    } else {
        format!(
            "version {} has no module '{module}'{}",
            v.id,
            suggestion_suffix(module, v.modules.iter().map(|m| m.id.as_str()))
        )
    };
    let routed = if routed.is_empty() {
        "none".to_string()
    } else {
        routed.join(", ")
    };
    at_top(
        file,
        msg,
        format!("modules with routing in this version: {routed}"),
    )
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
