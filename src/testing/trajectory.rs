//! Trajectory tests: a referral and a sequence of dated actions on a fake clock (each step's
//! `on:` is the day), run against a real SQLite store in memory, asserting states, waiting
//! positions, due evaluations and refused actions along the way.
//!
//! ```yaml
//! trajectories:
//!   - name: long track, extended, closed to art. 60
//!     source: "000:57, 000:113-115"
//!     steps:
//!       - {on: 2023-01-10, new: a, referral: {referral_date: 2023-01-10, …}}
//!       - {on: 2023-02-01, start: a, track: long, expect: {state: active}}
//!       - {on: 2023-06-15, expect: {case: a, due: [{evaluation: interim, from: 2023-06-01, to: 2023-07-01}]}}
//!       - {on: 2023-11-01, evaluate: a, evaluation: final, decision: extend, extend_by: "3 months"}
//!       - {on: 2024-02-01, close: a, destination: art60, expect: {state: closed}}
//! ```

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Report, TestResult};
use crate::diag::{suggestion_suffix, Diagnostic};
use crate::engine::{self, Ctx, StartOutcome};
use crate::program::LoadError;
use crate::rules::CompiledProgram;
use crate::store::Store;
use crate::yaml::SpanIndex;

const STEP_KEYS: &[&str] = &[
    "on",
    "new",
    "referral",
    "start",
    "track",
    "evaluate",
    "evaluation",
    "decision",
    "goals",
    "score",
    "extend_by",
    "destination",
    "close",
    "drop",
    "not_start",
    "reason",
    "expect",
];
const EXPECT_KEYS: &[&str] = &[
    "case",
    "state",
    "position",
    "due",
    "active",
    "waiting",
    "error",
    "next_started",
];

pub fn run_all(
    file: &str,
    text: &str,
    trajectories: &Value,
    index: &SpanIndex,
    compiled: &CompiledProgram,
    report: &mut Report,
) {
    let Some(list) = trajectories.as_array() else {
        let place = index.locate("/trajectories");
        return report.errors.push(
            LoadError::new(vec![Diagnostic::error(
                file,
                place.value,
                "`trajectories:` must be a list",
            )
            .with_help("each: name, source, steps")])
            .with_source(file, text),
        );
    };
    let mut problems = Vec::new();
    for (i, t) in list.iter().enumerate() {
        let ptr = format!("/trajectories/{i}");
        let line = index.locate(&ptr).value.line;
        let name = t
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        for (key, ok) in [
            ("name", !name.is_empty()),
            ("source", t.get("source").and_then(Value::as_str).is_some()),
            ("steps", t.get("steps").and_then(Value::as_array).is_some()),
        ] {
            if !ok {
                let place = index.locate(&ptr);
                problems.push(
                    Diagnostic::error(file, place.value, format!("trajectory needs `{key}:`"))
                        .with_help("each trajectory: name, source (the seed line), steps"),
                );
            }
        }
        let Some(steps) = t.get("steps").and_then(Value::as_array) else {
            continue;
        };
        let mut bad = false;
        for (si, step) in steps.iter().enumerate() {
            let sp = format!("{ptr}/steps/{si}");
            if let Some(m) = step.as_object() {
                for k in m.keys() {
                    if !STEP_KEYS.contains(&k.as_str()) {
                        let place = index.locate_key(&format!("{sp}/{k}"));
                        problems.push(
                            Diagnostic::error(
                                file,
                                place.value,
                                format!(
                                    "unknown step key '{k}'{}",
                                    suggestion_suffix(k, STEP_KEYS.iter().copied())
                                ),
                            )
                            .with_help(format!("step keys: {}", STEP_KEYS.join(", "))),
                        );
                        bad = true;
                    }
                }
                if let Some(e) = m.get("expect").and_then(Value::as_object) {
                    for k in e.keys() {
                        if !EXPECT_KEYS.contains(&k.as_str()) {
                            let place = index.locate_key(&format!("{sp}/expect/{k}"));
                            problems.push(
                                Diagnostic::error(
                                    file,
                                    place.value,
                                    format!(
                                        "unknown expectation '{k}'{}",
                                        suggestion_suffix(k, EXPECT_KEYS.iter().copied())
                                    ),
                                )
                                .with_help(format!("expectations: {}", EXPECT_KEYS.join(", "))),
                            );
                            bad = true;
                        }
                    }
                }
                if m.get("on")
                    .and_then(Value::as_str)
                    .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .is_none()
                {
                    let place = index.locate(&sp);
                    problems.push(
                        Diagnostic::error(
                            file,
                            place.value,
                            "every step needs `on:` with a real date (YYYY-MM-DD)",
                        )
                        .with_help("the step runs on that day"),
                    );
                    bad = true;
                }
            } else {
                let place = index.locate(&sp);
                problems.push(Diagnostic::error(file, place.value, "a step is a mapping"));
                bad = true;
            }
        }
        if bad {
            continue;
        }
        let differences = run_one(file, index, &ptr, steps, compiled, &mut problems);
        report.results.push(TestResult {
            file: file.to_string(),
            line,
            name: format!("trajectory: {name}"),
            differences,
        });
    }
    if !problems.is_empty() {
        report
            .errors
            .push(LoadError::new(problems).with_source(file, text));
    }
}

fn run_one(
    file: &str,
    index: &SpanIndex,
    ptr: &str,
    steps: &[Value],
    compiled: &CompiledProgram,
    problems: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut store = match Store::in_memory() {
        Ok(s) => s,
        Err(e) => return vec![format!("cannot open an in-memory store: {e}")],
    };
    let mut cases: BTreeMap<String, i64> = BTreeMap::new();
    for (si, step) in steps.iter().enumerate() {
        let sp = format!("{ptr}/steps/{si}");
        let line = index.locate(&sp).value.line;
        let on =
            chrono::NaiveDate::parse_from_str(step["on"].as_str().unwrap_or_default(), "%Y-%m-%d")
                .expect("checked");
        let ctx = Ctx {
            on,
            actor: "trajectory-test".into(),
        };
        let s = |k: &str| step.get(k).and_then(Value::as_str);
        let case_of = |name: &str, cases: &BTreeMap<String, i64>| cases.get(name).copied();
        let mut last_case: Option<String> = None;
        let mut next_started = None;
        let outcome: Result<(), String> = (|| {
            if let Some(name) = s("new") {
                let referral = crate::referral::from_value(
                    file,
                    &step["referral"],
                    index,
                    &format!("{sp}/referral"),
                )
                .map_err(|d| {
                    problems.extend(d);
                    "bad referral".to_string()
                })?;
                let (id, _) = engine::new_case(&mut store, compiled, &referral, &ctx)
                    .map_err(|e| e.to_string())?;
                cases.insert(name.to_string(), id);
                last_case = Some(name.to_string());
                return Ok(());
            }
            let action = ["start", "evaluate", "close", "drop", "not_start"]
                .into_iter()
                .find(|a| step.get(*a).is_some());
            let Some(action) = action else { return Ok(()) };
            let name = s(action).unwrap_or_default();
            let id = case_of(name, &cases)
                .ok_or_else(|| format!("line {line}: no case '{name}' was created with `new:`"))?;
            last_case = Some(name.to_string());
            match action {
                "start" => match engine::start(&mut store, compiled, id, s("track"), &ctx)
                    .map_err(|e| e.to_string())?
                {
                    StartOutcome::Started | StartOutcome::Waiting { .. } => {}
                },
                "evaluate" => {
                    let goals: Vec<String> = step
                        .get("goals")
                        .and_then(Value::as_array)
                        .map(|g| {
                            g.iter()
                                .filter_map(|x| x.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    let freed = engine::evaluate(
                        &mut store,
                        compiled,
                        id,
                        s("evaluation").unwrap_or_default(),
                        s("decision"),
                        &goals,
                        step.get("score").and_then(Value::as_f64),
                        s("extend_by"),
                        s("destination"),
                        &ctx,
                    )
                    .map_err(|e| e.to_string())?;
                    next_started = freed.and_then(|f| f.next_started);
                }
                "close" => {
                    next_started = engine::close(
                        &mut store,
                        compiled,
                        id,
                        s("destination").unwrap_or_default(),
                        &ctx,
                    )
                    .map_err(|e| e.to_string())?
                    .next_started
                }
                "drop" => {
                    next_started = engine::drop_case(
                        &mut store,
                        compiled,
                        id,
                        s("reason").unwrap_or_default(),
                        &ctx,
                    )
                    .map_err(|e| e.to_string())?
                    .next_started
                }
                _ => {
                    engine::not_start(
                        &mut store,
                        compiled,
                        id,
                        s("reason").unwrap_or_default(),
                        &ctx,
                    )
                    .map_err(|e| e.to_string())?;
                }
            }
            Ok(())
        })();
        let expect = step.get("expect").cloned().unwrap_or(Value::Null);
        match (&outcome, expect.get("error").and_then(Value::as_str)) {
            (Err(e), Some(want)) if e.contains(want) => {}
            (Err(e), Some(want)) => diffs.push(format!(
                "line {line}: expected an error containing '{want}', got: {e}"
            )),
            (Err(e), None) => {
                diffs.push(format!("line {line}: {e}"));
                return diffs;
            }
            (Ok(()), Some(want)) => diffs.push(format!(
                "line {line}: expected an error containing '{want}', but the step succeeded"
            )),
            (Ok(()), None) => {}
        }
        if expect.is_null() {
            continue;
        }
        let name = expect
            .get("case")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or(last_case);
        let row = name
            .as_deref()
            .and_then(|n| case_of(n, &cases))
            .and_then(|id| store.case(id).ok().flatten());
        let who = name.clone().unwrap_or_default();
        if let Some(want) = expect.get("state").and_then(Value::as_str) {
            let got = row
                .as_ref()
                .map_or("(no case)".to_string(), |r| r.state.to_string());
            if got != want {
                diffs.push(format!(
                    "line {line}: case {who}: state expected {want}, got {got}"
                ));
            }
        }
        if let Some(want) = expect.get("position").and_then(Value::as_i64) {
            let got = row.as_ref().and_then(|r| r.position);
            if got != Some(want) {
                diffs.push(format!(
                    "line {line}: case {who}: waiting position expected {want}, got {got:?}"
                ));
            }
        }
        if let Some(want) = expect.get("next_started").and_then(Value::as_str) {
            let got = next_started.and_then(|id| {
                cases
                    .iter()
                    .find(|(_, v)| **v == id)
                    .map(|(k, _)| k.clone())
            });
            if got.as_deref() != Some(want) {
                diffs.push(format!(
                    "line {line}: expected case {want} to come off the waiting list, got {got:?}"
                ));
            }
        }
        let (active, waiting) = store.counts(&compiled.program.spec.id).unwrap_or((0, 0));
        for (key, got) in [("active", active), ("waiting", waiting)] {
            if let Some(want) = expect.get(key).and_then(Value::as_i64) {
                if want != got {
                    diffs.push(format!(
                        "line {line}: {key} cases expected {want}, got {got}"
                    ));
                }
            }
        }
        if let Some(want) = expect.get("due").and_then(Value::as_array) {
            let due = store.due(&on.to_string(), None).unwrap_or_default();
            let id = row.as_ref().map(|r| r.id);
            let mut got: Vec<String> = due
                .iter()
                .filter(|d| Some(d.case_id) == id)
                .map(|d| format!("{} {}..{}", d.evaluation, d.due_from, d.due_to))
                .collect();
            let mut exp: Vec<String> = want
                .iter()
                .map(|w| {
                    let e = w
                        .get("evaluation")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let from = w.get("from").and_then(Value::as_str).unwrap_or_default();
                    let to = w.get("to").and_then(Value::as_str).unwrap_or(from);
                    format!("{e} {from}..{to}")
                })
                .collect();
            got.sort();
            exp.sort();
            if got != exp {
                diffs.push(format!(
                    "line {line}: case {who}: due on {on} expected [{}], got [{}]",
                    exp.join(", "),
                    got.join(", ")
                ));
            }
        }
    }
    diffs
}
