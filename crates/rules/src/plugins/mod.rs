//! The Rhai plugin host: one sandboxed engine configuration for every script and `expr:` rule.
//!
//! The engine starts from `Engine::new_raw()` (nothing registered, no module resolver — the
//! crate is built with `no_module`, so `import` does not even parse), gets the standard
//! language packages (arithmetic, strings, arrays, maps; none of them touch files, the network
//! or the environment), and has `eval` disabled and `print`/`debug` silenced. Every run is
//! bounded by `Limits`, set in one place here and overridable per programme up to `CEILING`.
//!
//! Rhai's size limits re-measure a whole value on every change, so a script that grows a map,
//! an array of closures or a list of empty groups gets slower with every step while staying
//! under the limits; the operations limit alone then lets it run for seconds. A wall-clock
//! limit, checked from the engine's progress callback every few operations, stops any run
//! after `max_time_ms` however its values grow.

pub mod routing;

use rhai::packages::{Package, StandardPackage};
use rhai::{Dynamic, Engine, EvalAltResult, Position, Scope, AST};

use traject_model::problem::ScriptFailure;
use traject_model::referral::{Referral, BOOL_FIELDS};

/// Resource limits for one script run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    pub max_operations: u64,
    pub max_call_levels: usize,
    pub max_expr_depth: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
    /// Longest one run may take (wall clock, milliseconds).
    pub max_time_ms: u64,
}

/// The defaults: enough to route a cohort of several hundred people, small enough that a runaway
/// script stops within tens of milliseconds. Rhai measures data sizes over a whole value (all
/// the strings, elements and entries inside it) and re-measures on every change, so the array
/// limit also bounds the cost of that checking; programmes that route thousands at once raise
/// their `limits:`.
pub const DEFAULT_LIMITS: Limits = Limits {
    max_operations: 300_000,
    max_call_levels: 32,
    max_expr_depth: 64,
    max_string_size: 256 * 1024,
    max_array_size: 3_000,
    max_map_size: 50_000,
    max_time_ms: 50,
};

/// No programme may raise a limit above this.
pub const CEILING: Limits = Limits {
    max_operations: 50_000_000,
    max_call_levels: 64,
    max_expr_depth: 128,
    max_string_size: 16 * 1024 * 1024,
    max_array_size: 500_000,
    max_map_size: 2_000_000,
    max_time_ms: 10_000,
};

impl Limits {
    /// These limits, each capped at the ceiling.
    pub fn capped(self) -> Limits {
        Limits {
            max_operations: self.max_operations.min(CEILING.max_operations),
            max_call_levels: self.max_call_levels.min(CEILING.max_call_levels),
            max_expr_depth: self.max_expr_depth.min(CEILING.max_expr_depth),
            max_string_size: self.max_string_size.min(CEILING.max_string_size),
            max_array_size: self.max_array_size.min(CEILING.max_array_size),
            max_map_size: self.max_map_size.min(CEILING.max_map_size),
            max_time_ms: self.max_time_ms.min(CEILING.max_time_ms),
        }
    }
}

/// How many operations pass between two looks at the clock: often enough that even an
/// operation made slow by a huge value is caught within milliseconds, rarely enough to cost
/// nothing measurable.
const TIME_CHECK_EVERY: u64 = 16;

/// The interpreter runs 10–30× slower in an unoptimised (test) build; its time limit stretches
/// with it, so that what passes in the shipped binary passes in tests too.
const UNOPTIMISED_SLOWDOWN: u64 = if cfg!(debug_assertions) { 20 } else { 1 };

/// The token a run stopped by the time limit ends with.
const TIMED_OUT: &str = "max_time_ms";

thread_local! {
    /// When the current script run on this thread began (runs do not nest).
    static RUN_STARTED: std::cell::Cell<Option<std::time::Instant>> = const { std::cell::Cell::new(None) };
}

/// A sandboxed engine with `limits` (capped at the ceiling).
/// Rhai's standard library as one module, built once per process and shared by every engine:
/// building it (hundreds of functions and their index) cost more than the rest of compiling
/// a programme's rules, and `validate` compiles each programme under every option choice.
fn standard_package() -> rhai::Shared<rhai::Module> {
    static PACKAGE: std::sync::OnceLock<rhai::Shared<rhai::Module>> = std::sync::OnceLock::new();
    PACKAGE
        .get_or_init(|| StandardPackage::new().as_shared_module())
        .clone()
}

/// The engine for `limits`, made once per process and shared by every programme compiled
/// with the same limits (an engine is not changed once made; `validate` compiles every
/// programme under every option choice, and most programmes keep the default limits).
pub fn shared_engine(limits: Limits) -> std::sync::Arc<Engine> {
    use std::sync::{Arc, Mutex, PoisonError};
    static MADE: Mutex<Vec<(Limits, Arc<Engine>)>> = Mutex::new(Vec::new());
    let mut made = MADE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, e)) = made.iter().find(|(l, _)| *l == limits) {
        return e.clone();
    }
    let engine = Arc::new(rhai_engine(limits));
    // A programme may set its own limits; a process that sees a great many is not worth
    // keeping every engine for.
    if made.len() < 16 {
        made.push((limits, engine.clone()));
    }
    engine
}

/// `text` compiled by `engine`, the shared engine for `limits`: once per process per text
/// and limits. Checking a programme under each of its option choices compiles the same
/// scripts every time, and Rhai's parser and optimiser cost more than the rest of such a
/// load. A failure is kept too (the same text fails the same way).
pub fn compiled_once(
    engine: &Engine,
    limits: Limits,
    text: &str,
) -> Result<std::sync::Arc<AST>, rhai::ParseError> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, PoisonError};
    type Compiled = Result<Arc<AST>, rhai::ParseError>;
    static COMPILED: Mutex<Option<HashMap<(Limits, String), Compiled>>> = Mutex::new(None);
    // Scripts are a few kilobytes; a far larger one is compiled each time rather than kept.
    const LARGEST_KEPT: usize = 256 * 1024;
    if text.len() > LARGEST_KEPT {
        return engine.compile(text).map(Arc::new);
    }
    let key = (limits, text.to_string());
    if let Some(done) = COMPILED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .and_then(|m| m.get(&key))
    {
        return done.clone();
    }
    // Compiled without the lock held: two threads compile two scripts at once.
    let compiled = engine.compile(text).map(Arc::new);
    let mut kept = COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
    let kept = kept.get_or_insert_with(HashMap::new);
    // Scripts are few and fixed per programme; the bound keeps a server that is shown a great
    // many edited versions from keeping them all.
    if kept.len() >= 256 {
        kept.clear();
    }
    kept.insert(key, compiled.clone());
    compiled
}

pub fn rhai_engine(limits: Limits) -> Engine {
    let limits = limits.capped();
    let mut rhai_engine = Engine::new_raw();
    rhai_engine.register_global_module(standard_package());
    rhai_engine.disable_symbol("eval");
    rhai_engine.on_print(|_| {});
    // Language levels compare within one scale: "1.1" < "1.2" < "2.1"; A1 < A2 < B1 …
    // Returns -1 for an unknown level; NT2 levels rank below 100, CEFR levels from 100.
    rhai_engine.register_fn("level_rank", |level: &str| -> i64 {
        match traject_model::referral::language_rank(level) {
            Some((scale, rank)) => scale as i64 * 100 + rank as i64,
            None => -1,
        }
    });
    rhai_engine.on_debug(|_, _, _| {});
    let allowed = std::time::Duration::from_millis(limits.max_time_ms * UNOPTIMISED_SLOWDOWN);
    rhai_engine.on_progress(move |count| {
        if count == 1 {
            RUN_STARTED.set(Some(std::time::Instant::now()));
        } else if count % TIME_CHECK_EVERY == 0 {
            let started = RUN_STARTED.get()?;
            if started.elapsed() > allowed {
                return Some(Dynamic::from(TIMED_OUT));
            }
        }
        None
    });
    rhai_engine
        .set_max_operations(limits.max_operations)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(limits.max_expr_depth, limits.max_expr_depth)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size)
        .set_max_variables(1_000)
        .set_max_functions(1_000);
    rhai_engine
}

/// A referral as read-only script variables: every known field, plus `age`. Missing facts are
/// absent, so an expression that reads one fails with "variable not found" → outcome unknown.
pub fn referral_scope(r: &Referral) -> Scope<'static> {
    let mut scope = Scope::new();
    let mut text = |name: &'static str, v: &Option<String>| {
        if let Some(v) = v {
            scope.push_constant(name, v.clone());
        }
    };
    text("id", &r.id);
    text("nationality", &r.nationality);
    text("residence_status", &r.residence_status);
    text("residence_ocmw", &r.residence_ocmw);
    text("income_support", &r.income_support);
    text("language_level", &r.language_level);
    text("education_level", &r.education_level);
    text("gender", &r.gender);
    text("mother_tongue", &r.mother_tongue);
    if let Some(d) = r.referral_date {
        scope.push_constant("referral_date", d.to_string());
    }
    if let Some(d) = r.birth_date {
        scope.push_constant("birth_date", d.to_string());
    }
    if let Some(a) = r.age() {
        scope.push_constant("age", a as i64);
    }
    if let Some(l) = &r.contact_languages {
        let arr: rhai::Array = l.iter().map(|s| Dynamic::from(s.clone())).collect();
        scope.push_constant("contact_languages", arr);
    }
    for (i, name) in BOOL_FIELDS.iter().enumerate() {
        if let Some(b) = r.flags[i] {
            scope.push_constant(*name, b);
        }
    }
    scope
}

/// A referral with every field filled, to check `expr:` rules when the programme loads.
pub fn sample_referral() -> Referral {
    use traject_model::referral::{FieldType, FIELDS};
    let mut r = Referral::default();
    for (name, ty) in FIELDS {
        let sample = match ty {
            FieldType::Text => "sample",
            FieldType::Date => "2000-01-01",
            FieldType::Country => "SY",
            FieldType::Language => "ar",
            FieldType::LanguageList => "ar;fr",
            FieldType::Level => "1.1",
            FieldType::Bool => "true",
            FieldType::Choice(c) => c[0],
            FieldType::OcmwName => "sample",
        };
        r.set_text(name, *ty, sample)
            .expect("sample values are valid");
    }
    r.referral_date = chrono::NaiveDate::from_ymd_opt(2020, 1, 1);
    r
}

/// The error where it happened: through nested function calls down to the innermost one
/// that has a position.
pub fn innermost(err: &EvalAltResult) -> (&EvalAltResult, Position) {
    let mut e = err;
    let mut pos = err.position();
    while let EvalAltResult::ErrorInFunctionCall(_, _, inner, p) = e {
        if !p.is_none() {
            pos = *p;
        }
        e = inner;
        if !e.position().is_none() {
            pos = e.position();
        }
    }
    (e, pos)
}

/// Why a script run stopped: the message names the limit (with its value) or the error.
pub fn failure_of(err: &EvalAltResult, limits: Option<&Limits>) -> ScriptFailure {
    let (e, _) = innermost(err);
    let l = limits.copied().unwrap_or(DEFAULT_LIMITS);
    let known = limits.is_some();
    match e {
        EvalAltResult::ErrorTooManyOperations(_) => ScriptFailure::TooManyOperations {
            limit: known.then_some(l.max_operations),
        },
        EvalAltResult::ErrorTerminated(token, _) if token.to_string() == TIMED_OUT => {
            ScriptFailure::TimedOut {
                limit_ms: known.then_some(l.max_time_ms),
            }
        }
        EvalAltResult::ErrorStackOverflow(_) => ScriptFailure::TooDeep {
            limit: known.then_some(l.max_call_levels),
        },
        EvalAltResult::ErrorDataTooLarge(what, _) => {
            let (name, value) = match what.as_str() {
                w if w.contains("String") || w.contains("string") => {
                    ("max_string_size", l.max_string_size)
                }
                w if w.contains("Array") || w.contains("array") => {
                    ("max_array_size", l.max_array_size)
                }
                w if w.contains("Map") || w.contains("map") || w.contains("Object") => {
                    ("max_map_size", l.max_map_size)
                }
                _ => ("size limit", 0),
            };
            ScriptFailure::TooLarge {
                what: what.to_string(),
                limit: known.then(|| (name.to_string(), value)),
            }
        }
        EvalAltResult::ErrorVariableNotFound(name, _) => ScriptFailure::UnknownVariable {
            name: name.to_string(),
        },
        other => ScriptFailure::Other {
            detail: other
                .to_string()
                .split(" (line")
                .next()
                .unwrap_or_default()
                .to_string(),
        },
    }
}

/// Line and column (1-based) of a Rhai position, when it has one.
pub fn line_col(pos: Position) -> Option<(usize, usize)> {
    Some((pos.line()?, pos.position().unwrap_or(1)))
}

/// Is this error a missing variable (a fact not given in the referral)?
pub fn is_missing_variable(err: &EvalAltResult) -> bool {
    matches!(err, EvalAltResult::ErrorVariableNotFound(..))
}

/// Evaluate a compiled boolean expression against a referral scope.
pub fn eval_bool(
    rhai_engine: &Engine,
    ast: &AST,
    scope: &mut Scope,
) -> Result<Option<bool>, ScriptFailure> {
    match rhai_engine.eval_ast_with_scope::<Dynamic>(scope, ast) {
        Ok(v) => match v.as_bool() {
            Ok(b) => Ok(Some(b)),
            Err(t) => Err(ScriptFailure::NotBoolean {
                found: t.to_string(),
            }),
        },
        Err(e) if is_missing_variable(&e) => Ok(None),
        Err(e) => Err(failure_of(&e, None)),
    }
}

/// Did the run stop on the time limit?
pub fn timed_out(err: &EvalAltResult) -> bool {
    matches!(innermost(err).0, EvalAltResult::ErrorTerminated(token, _) if token.to_string() == TIMED_OUT)
}

/// Where a run stopped, for errors Rhai reports without a position (the operations and time
/// limits): the same call is replayed on an engine with a stepping debugger that remembers the
/// last position it passed. Runs are deterministic, so a replay stops at the same operation;
/// a run stopped by the clock is replayed for a fifth of its time only — it was still going
/// round the same code, and locating it should not take as long again.
pub fn replay_position(limits: Limits, run: impl FnOnce(&Engine) -> bool) -> Option<Position> {
    use std::sync::{Arc, Mutex};
    let last = Arc::new(Mutex::new(Position::NONE));
    let seen = last.clone();
    let mut e = rhai_engine(limits);
    // The debugger starts by reporting the first node; answering StepInto every time keeps it
    // reporting each node after that.
    #[allow(deprecated)] // "volatile", not deprecated: pinned by Cargo.lock
    e.register_debugger(
        |_, dbg| dbg,
        move |_, event, _, _, pos| {
            let stepping = matches!(
                event,
                rhai::debugger::DebuggerEvent::Start | rhai::debugger::DebuggerEvent::Step
            );
            if stepping && !pos.is_none() {
                if let Ok(mut p) = seen.lock() {
                    *p = pos;
                }
            }
            Ok(rhai::debugger::DebuggerCommand::StepInto)
        },
    );
    let failed = run(&e);
    let pos = *last.lock().ok()?;
    (failed && !pos.is_none()).then_some(pos)
}
