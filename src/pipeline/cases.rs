//! The case commands over the store: open the programme a case belongs to, import a CSV batch
//! in one transaction, and render cases, histories, due lists and the caseload.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::diag::{Diagnostic, Pos};
use crate::engine::{self, CaseError, Ctx};
use crate::program::{LoadError, LoadOptions};
use crate::referral::batch::Batch;
use crate::rules::CompiledProgram;
use crate::store::{CaseRow, Store};

/// The programme a stored case belongs to: `programs/<id>.yaml` here, else the bundled one,
/// unless `--program` names another file.
pub fn open_for(program_id: &str, explicit: Option<&str>) -> Result<CompiledProgram, LoadError> {
    if let Some(p) = explicit {
        return super::open(p, &LoadOptions::default());
    }
    let local = Path::new("programs").join(format!("{program_id}.yaml"));
    if local.exists() {
        return super::open(&local.to_string_lossy(), &LoadOptions::default());
    }
    super::open(program_id, &LoadOptions::default())
}

/// Import every row of a CSV batch as new cases, all in one transaction — or none, with the
/// bad rows listed.
pub fn import(
    store: &mut Store,
    compiled: &CompiledProgram,
    file: &str,
    input: impl std::io::Read,
    ctx: &Ctx,
) -> Result<Vec<i64>, Vec<Diagnostic>> {
    let mut batch = Batch::open(file, input)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    while let Some(row) = batch.next_row() {
        match row.referral {
            Ok(r) => {
                if let Err(e) = compiled.version_for(&r) {
                    errors.push(Diagnostic::error(
                        file,
                        Pos::new(row.line as usize, 1),
                        e.to_string(),
                    ));
                } else {
                    rows.push(r);
                }
            }
            Err(ds) => errors.extend(ds),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let result = store.write(|tx| {
        let mut ids = Vec::with_capacity(rows.len());
        for r in &rows {
            let (id, _) = engine::insert_case(tx, compiled, r, ctx)?;
            ids.push(id);
        }
        Ok::<_, CaseError>(ids)
    });
    result.map_err(|e| vec![Diagnostic::error(file, Pos::new(1, 1), e.to_string())])
}

/// `case show`: the state explained, and what is due next.
pub fn show(store: &Store, c: &CaseRow) -> Result<String, CaseError> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "case {} — {} version {} (hash {})",
        c.id, c.program, c.version, c.version_hash
    );
    let _ = writeln!(
        out,
        "  referred {} · eligibility verdict: {}",
        c.referral_date, c.verdict
    );
    let state = match c.state.as_str() {
        "referred" => "referred, not started yet".to_string(),
        "waiting" => format!("on the waiting list, position {}", c.position.unwrap_or(0)),
        "active" => format!(
            "active since {} on track {}{}",
            c.started_on.as_deref().unwrap_or("?"),
            c.track.as_deref().unwrap_or("—"),
            c.ends_on
                .as_deref()
                .map(|e| format!(", until {e}"))
                .unwrap_or_default()
        ),
        "extended" => format!("extended, until {}", c.ends_on.as_deref().unwrap_or("?")),
        "closed" => format!(
            "closed — destination {}",
            c.outcome.as_deref().unwrap_or("?")
        ),
        "dropped" => format!("dropped — reason {}", c.outcome.as_deref().unwrap_or("?")),
        "not_started" => format!(
            "did not start — reason {}",
            c.outcome.as_deref().unwrap_or("?")
        ),
        other => other.to_string(),
    };
    let _ = writeln!(out, "  state: {state}");
    let _ = writeln!(out, "  allowed now: {}", {
        let a = engine::allowed(c.state);
        if a.is_empty() {
            "nothing (finished)".to_string()
        } else {
            a.join(", ")
        }
    });
    let schedule = store.schedule(c.id)?;
    if !schedule.is_empty() {
        let _ = writeln!(out, "  evaluation moments:");
        for (e, from, to, held) in schedule {
            let when = if from == to {
                from
            } else {
                format!("{from} – {to}")
            };
            let status = held
                .map(|h| format!("held {h}"))
                .unwrap_or_else(|| "to do".into());
            let _ = writeln!(out, "    {e:<16} {when:<25} {status}");
        }
    }
    Ok(out)
}

#[derive(Debug, Serialize)]
pub struct CaseloadRow {
    pub program: String,
    pub version: String,
    pub capacity: Option<u32>,
    pub active: i64,
    pub waiting: i64,
}

/// `caseload`: per programme, capacity (version in force on `on`) against active and waiting.
pub fn caseload(
    store: &Store,
    program: Option<&str>,
    on: chrono::NaiveDate,
) -> Result<Vec<CaseloadRow>, String> {
    let ids = match program {
        Some(p) => vec![p.to_string()],
        None => store.programs().map_err(|e| e.to_string())?,
    };
    let mut rows = Vec::new();
    for id in ids {
        let compiled = open_for(&id, None).map_err(|e| e.render())?;
        let p = &compiled.program;
        let version = p.version_on(on).or_else(|_| {
            p.spec
                .versions
                .iter()
                .max_by_key(|v| v.valid_from)
                .ok_or_else(|| "no versions".to_string())
        })?;
        let (active, waiting) = store.counts(&p.spec.id).map_err(|e| e.to_string())?;
        rows.push(CaseloadRow {
            program: p.spec.id.clone(),
            version: version.id.clone(),
            capacity: version.capacity_limit(),
            active,
            waiting,
        });
    }
    Ok(rows)
}
