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
//!       - {on: 2023-01-17, assess: b, facts: {motivated: yes}, expect: {verdict: eligible}}
//! ```

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{Report, TestResult};
use traject_cases::{self as lifecycle, Ctx};
use traject_i18n::catalogue::{case_error, store_error};
use traject_i18n::Lang;
use traject_model::diag::{did_you_mean, Diagnostic};
use traject_model::problem::{KeyList, TestProblem};
use traject_model::program::LoadError;
use traject_model::yaml::SpanIndex;
use traject_rules::CompiledProgram;
use traject_store::Store;

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
    "pause",
    "resume",
    "reopen",
    "enrol",
    "leave",
    "module",
    "group",
    "until",
    "reason",
    "assess",
    "correct",
    "facts",
    "expect",
];
const EXPECT_KEYS: &[&str] = &[
    "case",
    "state",
    "position",
    "due",
    "due_includes",
    "due_excludes",
    "active",
    "waiting",
    "capacity",
    "error",
    "next_started",
    "ends_on",
    "track",
    "version",
    "exit",
    "module",
    "group",
    "verdict",
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
                TestProblem::TrajectoriesNotList,
            )])
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
                let problem = TestProblem::TrajectoryNeeds {
                    key: key.to_string(),
                };
                problems.push(Diagnostic::error(file, place.value, problem));
            }
        }
        let Some(steps) = t.get("steps").and_then(Value::as_array) else {
            continue;
        };
        let before = problems.len();
        for (si, step) in steps.iter().enumerate() {
            let at = Located { file, index };
            at.check_step(&format!("{ptr}/steps/{si}"), step, &mut problems);
        }
        if problems.len() > before {
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

/// The test file and where its values are, for located problems.
#[derive(Clone, Copy)]
struct Located<'a> {
    file: &'a str,
    index: &'a SpanIndex,
}

impl Located<'_> {
    /// Unknown keys of a map at `ptr`, each with "did you mean".
    fn unknown_keys(
        &self,
        map: &serde_json::Map<String, Value>,
        ptr: &str,
        (list, allowed): (KeyList, &[&str]),
        problems: &mut Vec<Diagnostic>,
    ) {
        for k in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
            let place = self.index.locate_key(&format!("{ptr}/{k}"));
            let problem = TestProblem::UnknownKey {
                key: k.clone(),
                list,
                allowed: allowed.iter().map(|k| k.to_string()).collect(),
                nearest: did_you_mean(k, allowed.iter().copied()).map(str::to_string),
            };
            problems.push(Diagnostic::error(self.file, place.value, problem));
        }
    }

    /// A step: a mapping of known keys and expectations, with a real `on:` date.
    fn check_step(&self, sp: &str, step: &Value, problems: &mut Vec<Diagnostic>) {
        let Some(m) = step.as_object() else {
            let place = self.index.locate(sp);
            problems.push(Diagnostic::error(
                self.file,
                place.value,
                TestProblem::StepNotMapping,
            ));
            return;
        };
        self.unknown_keys(m, sp, (KeyList::StepKeys, STEP_KEYS), problems);
        if let Some(e) = m.get("expect").and_then(Value::as_object) {
            let ptr = format!("{sp}/expect");
            self.unknown_keys(e, &ptr, (KeyList::Expectations, EXPECT_KEYS), problems);
        }
        if step_date(step).is_none() {
            let place = self.index.locate(sp);
            problems.push(Diagnostic::error(
                self.file,
                place.value,
                TestProblem::StepWithoutDate,
            ));
        }
    }
}

fn step_date(step: &Value) -> Option<chrono::NaiveDate> {
    step.get("on")
        .and_then(Value::as_str)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

const ACTIONS: [&str; 12] = [
    "start",
    "evaluate",
    "close",
    "drop",
    "not_start",
    "pause",
    "resume",
    "reopen",
    "enrol",
    "leave",
    "assess",
    "correct",
];

/// A step's `facts:` (an assessment or correction) as (field, value as written): yes/no for
/// booleans.
fn facts_of(step: &Value) -> Vec<(String, String)> {
    let Some(map) = step.get("facts").and_then(Value::as_object) else {
        return Vec::new();
    };
    map.iter()
        .map(|(k, v)| {
            let text = match v {
                Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
                Value::String(t) => t.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// `assess:` or `correct:` a case with the step's `facts:` (and `reason:`).
fn rejudge(
    store: &mut Store,
    compiled: &CompiledProgram,
    id: i64,
    action: &str,
    step: &Value,
    ctx: &Ctx,
) -> Result<(), lifecycle::CaseError> {
    let judgement = if action == "assess" {
        lifecycle::Judgement::Assessment
    } else {
        lifecycle::Judgement::Correction
    };
    let reason = step.get("reason").and_then(Value::as_str);
    lifecycle::rejudge(store, compiled, id, judgement, &facts_of(step), reason, ctx)?;
    Ok(())
}

/// The case a step names: the one it creates, or the one it acts on.
fn step_case(step: &Value) -> Option<String> {
    let key = std::iter::once("new")
        .chain(ACTIONS)
        .find(|k| step.get(*k).is_some())?;
    step[key].as_str().map(str::to_string)
}

/// One trajectory being run: its store, and the cases its steps created by name.
struct Run<'a> {
    at: Located<'a>,
    compiled: &'a CompiledProgram,
    store: Store,
    cases: BTreeMap<String, i64>,
}

/// What a step did: the case it acted on, and who came off the waiting list.
#[derive(Default)]
struct StepDone {
    case: Option<String>,
    next_started: Option<i64>,
}

/// How a trajectory gets its empty store: SQLite in memory, unless a test of another back end
/// installed its own opener on this thread (see `on_stores`).
type Opener = Box<dyn Fn() -> Result<Store, traject_store::StoreError>>;

thread_local! {
    static OPENER: std::cell::RefCell<Option<Opener>> = const { std::cell::RefCell::new(None) };
}

fn open_store() -> Result<Store, traject_store::StoreError> {
    OPENER.with(|o| match &*o.borrow() {
        Some(open) => open(),
        None => Store::in_memory(),
    })
}

/// Run `f` with every trajectory on a fresh store from `open` (e.g. a new PostgreSQL database),
/// so that the same trajectory tests check both back ends.
pub fn on_stores<T>(open: Opener, f: impl FnOnce() -> T) -> T {
    OPENER.with(|o| *o.borrow_mut() = Some(open));
    let out = f();
    OPENER.with(|o| *o.borrow_mut() = None);
    out
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
    let mut run = match open_store() {
        Ok(store) => Run {
            at: Located { file, index },
            compiled,
            store,
            cases: BTreeMap::new(),
        },
        Err(e) => {
            let reason = store_error(&e, Lang::En);
            return vec![format!("cannot open an in-memory store: {reason}")];
        }
    };
    for (si, step) in steps.iter().enumerate() {
        let sp = format!("{ptr}/steps/{si}");
        let line = index.locate(&sp).value.line;
        let on = step_date(step).expect("checked");
        let ctx = Ctx {
            on,
            actor: "trajectory-test".into(),
            team: None,
            org: None,
        };
        let outcome = run.act(step, &sp, line, &ctx, problems);
        let expect = step.get("expect").cloned().unwrap_or(Value::Null);
        // A failed action still names the case it was tried on.
        let tried = StepDone {
            case: step_case(step),
            next_started: None,
        };
        let done = match (outcome, expect.get("error").and_then(Value::as_str)) {
            (Err(e), Some(want)) if e.contains(want) => tried,
            (Err(e), Some(want)) => {
                diffs.push(format!(
                    "line {line}: expected an error containing '{want}', got: {e}"
                ));
                tried
            }
            (Err(e), None) => {
                diffs.push(format!("line {line}: {e}"));
                return diffs;
            }
            (Ok(_), Some(want)) => {
                diffs.push(format!(
                    "line {line}: expected an error containing '{want}', but the step succeeded"
                ));
                tried
            }
            (Ok(done), None) => done,
        };
        if !expect.is_null() {
            run.compare(&expect, line, on, done, &mut diffs);
        }
    }
    diffs
}

impl Run<'_> {
    /// Carry out a step's action (or nothing, for a step that only expects).
    fn act(
        &mut self,
        step: &Value,
        sp: &str,
        line: usize,
        ctx: &Ctx,
        problems: &mut Vec<Diagnostic>,
    ) -> Result<StepDone, String> {
        if let Some(name) = step.get("new").and_then(Value::as_str) {
            let (file, index) = (self.at.file, self.at.index);
            let referral_ptr = format!("{sp}/referral");
            let referral =
                traject_model::referral::from_value(file, &step["referral"], index, &referral_ptr)
                    .map_err(|d| {
                        problems.extend(d);
                        "bad referral".to_string()
                    })?;
            let (id, _) = lifecycle::new_case(&mut self.store, self.compiled, &referral, ctx)
                .map_err(|e| case_error(&e, Lang::En))?;
            self.cases.insert(name.to_string(), id);
            return Ok(StepDone {
                case: Some(name.to_string()),
                next_started: None,
            });
        }
        let action = ACTIONS.into_iter().find(|a| step.get(*a).is_some());
        let Some(action) = action else {
            return Ok(StepDone::default());
        };
        let name = step[action].as_str().unwrap_or_default();
        let id = self
            .cases
            .get(name)
            .copied()
            .ok_or_else(|| format!("line {line}: no case '{name}' was created with `new:`"))?;
        let next_started = self
            .action(action, id, step, ctx)
            .map_err(|e| case_error(&e, Lang::En))?;
        Ok(StepDone {
            case: Some(name.to_string()),
            next_started,
        })
    }

    /// One case action; who came off the waiting list, if the action freed a slot.
    fn action(
        &mut self,
        action: &str,
        id: i64,
        step: &Value,
        ctx: &Ctx,
    ) -> Result<Option<i64>, lifecycle::CaseError> {
        let s = |k: &str| step.get(k).and_then(Value::as_str);
        let (store, compiled) = (&mut self.store, self.compiled);
        Ok(match action {
            "start" => {
                lifecycle::start(store, compiled, id, s("track"), ctx)?;
                None
            }
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
                let freed = lifecycle::evaluate(
                    store,
                    compiled,
                    id,
                    s("evaluation").unwrap_or_default(),
                    s("decision"),
                    &goals,
                    step.get("score").and_then(Value::as_f64),
                    s("extend_by"),
                    s("destination"),
                    s("reason"),
                    ctx,
                )?;
                freed.and_then(|f| f.next_started)
            }
            "close" => {
                let destination = s("destination").unwrap_or_default();
                lifecycle::close(store, compiled, id, destination, ctx)?.next_started
            }
            "drop" => {
                let reason = s("reason").unwrap_or_default();
                lifecycle::drop_case(store, compiled, id, reason, ctx)?.next_started
            }
            "pause" => {
                let until = s("until").and_then(|d| d.parse().ok());
                lifecycle::pause(store, compiled, id, s("reason"), until, ctx)?.next_started
            }
            "enrol" | "leave" => {
                let module = s("module").unwrap_or_default();
                if action == "enrol" {
                    lifecycle::enrol(store, compiled, id, module, s("group"), ctx)?;
                } else {
                    lifecycle::leave(store, compiled, id, module, ctx)?;
                }
                None
            }
            "resume" => {
                lifecycle::resume(store, compiled, id, ctx)?;
                None
            }
            "reopen" => {
                lifecycle::reopen(store, compiled, id, ctx)?;
                None
            }
            "assess" | "correct" => {
                rejudge(store, compiled, id, action, step, ctx)?;
                None
            }
            _ => {
                let reason = s("reason").unwrap_or_default();
                lifecycle::not_start(store, compiled, id, reason, ctx)?;
                None
            }
        })
    }

    /// Compare a step's expectations with the store after it.
    fn compare(
        &self,
        expect: &Value,
        line: usize,
        on: chrono::NaiveDate,
        done: StepDone,
        diffs: &mut Vec<String>,
    ) {
        let name = expect
            .get("case")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or(done.case);
        let id = name.as_deref().and_then(|n| self.cases.get(n).copied());
        let row = id.and_then(|id| self.store.case(id).ok().flatten());
        let who = name.clone().unwrap_or_default();
        self.compare_case(expect, line, &who, row.as_ref(), diffs);
        if let Some(want) = expect.get("next_started").and_then(Value::as_str) {
            let got = done.next_started.and_then(|id| {
                self.cases
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
        self.compare_counts(expect, line, on, diffs);
        let due = || self.due_of(row.as_ref().map(|r| r.id), on);
        compare_due(expect, line, on, &who, due, diffs);
    }

    /// A case's own expectations: state, waiting position, end, track, version, exit, and the
    /// module and group it attends.
    fn compare_case(
        &self,
        expect: &Value,
        line: usize,
        who: &str,
        row: Option<&traject_store::CaseRow>,
        diffs: &mut Vec<String>,
    ) {
        let (module, group) = row.map_or((None, None), |r| self.attending(r.id));
        let got_of = |key: &str| -> Option<String> {
            let r = row?;
            match key {
                "state" => Some(r.state.to_string()),
                "position" => r.position.map(|p| p.to_string()),
                "ends_on" => r.ends_on.map(|d| d.to_string()),
                "track" => r.track.clone(),
                "version" => Some(r.version.clone()),
                "exit" => r.outcome.clone(),
                "module" => module.clone(),
                "verdict" => Some(r.verdict.as_str().to_string()),
                _ => group.clone(),
            }
        };
        let keys = [
            "state", "position", "ends_on", "track", "version", "exit", "module", "group",
            "verdict",
        ];
        for key in keys {
            let Some(want) = expect.get(key) else {
                continue;
            };
            let got = got_of(key);
            // `null`: the case has none (no track, no exit, no module).
            let want = match want {
                Value::Null => None,
                Value::String(w) => Some(w.clone()),
                other => Some(other.to_string()),
            };
            if got != want {
                let want = want.unwrap_or_else(|| "nothing".to_string());
                let got = got.unwrap_or_else(|| "nothing".to_string());
                diffs.push(format!(
                    "line {line}: case {who}: {key} expected {want}, got {got}"
                ));
            }
        }
    }

    /// The module (and group) a case attends now: its latest enrolment it has not left.
    fn attending(&self, id: i64) -> (Option<String>, Option<String>) {
        let mut now: Option<(String, Option<String>)> = None;
        for e in self.store.history(id).unwrap_or_default() {
            match e.event {
                traject_cases::Event::Enrolled(x) => now = Some((x.module, x.group)),
                traject_cases::Event::Left(x)
                    if now.as_ref().is_some_and(|(m, _)| *m == x.module) =>
                {
                    now = None
                }
                _ => {}
            }
        }
        now.map_or((None, None), |(m, g)| (Some(m), g))
    }

    /// The programme's active and waiting counts, and the capacity of the version in force on
    /// the step's day.
    fn compare_counts(
        &self,
        expect: &Value,
        line: usize,
        on: chrono::NaiveDate,
        diffs: &mut Vec<String>,
    ) {
        let (active, waiting) = self
            .store
            .counts(&self.compiled.program.spec.id, traject_store::Reach::All)
            .unwrap_or((0, 0));
        let capacity = self
            .compiled
            .program
            .version_on(on)
            .ok()
            .and_then(|v| v.capacity_limit_on(on))
            .map_or(-1, i64::from);
        for (key, got) in [
            ("active", active),
            ("waiting", waiting),
            ("capacity", capacity),
        ] {
            if let Some(want) = expect.get(key).and_then(Value::as_i64) {
                if want != got {
                    let got = if got < 0 {
                        "none".to_string()
                    } else {
                        got.to_string()
                    };
                    diffs.push(format!(
                        "line {line}: {key} on {on} expected {want}, got {got}"
                    ));
                }
            }
        }
    }

    /// A case's due evaluations on `on`, as "evaluation from..to", sorted.
    fn due_of(&self, id: Option<i64>, on: chrono::NaiveDate) -> Vec<String> {
        let due = self
            .store
            .due(on, None, traject_store::Scope::ALL)
            .unwrap_or_default();
        let mut got: Vec<String> = due
            .iter()
            .filter(|d| Some(d.case_id) == id)
            .map(|d| format!("{} {}..{}", d.evaluation, d.due_from, d.due_to))
            .collect();
        got.sort();
        got
    }
}

/// The due list: exactly (`due`), or holding (`due_includes`) or not holding (`due_excludes`)
/// some moments.
fn compare_due(
    expect: &Value,
    line: usize,
    on: chrono::NaiveDate,
    who: &str,
    due: impl Fn() -> Vec<String>,
    diffs: &mut Vec<String>,
) {
    if let Some(want) = expect.get("due").and_then(Value::as_array) {
        let got = due();
        let mut exp: Vec<String> = want.iter().map(due_text).collect();
        exp.sort();
        if got != exp {
            diffs.push(format!(
                "line {line}: case {who}: due on {on} expected [{}], got [{}]",
                exp.join(", "),
                got.join(", ")
            ));
        }
    }
    for (key, present) in [("due_includes", true), ("due_excludes", false)] {
        let Some(want) = expect.get(key).and_then(Value::as_array) else {
            continue;
        };
        let got = due();
        for w in want {
            let moment = due_text(w);
            // Without `from`, any window of that evaluation counts.
            let matches = |g: &String| match w.get("from") {
                Some(_) => *g == moment,
                None => g.split(' ').next() == w.get("evaluation").and_then(Value::as_str),
            };
            if got.iter().any(matches) != present {
                let verb = if present {
                    "to include"
                } else {
                    "not to include"
                };
                diffs.push(format!(
                    "line {line}: case {who}: due on {on} expected {verb} {}, got [{}]",
                    moment.trim_end_matches(" .."),
                    got.join(", ")
                ));
            }
        }
    }
}

/// An expected due evaluation as "evaluation from..to" (`to` defaults to `from`).
fn due_text(w: &Value) -> String {
    let e = w
        .get("evaluation")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let from = w.get("from").and_then(Value::as_str).unwrap_or_default();
    let to = w.get("to").and_then(Value::as_str).unwrap_or(from);
    format!("{e} {from}..{to}")
}
