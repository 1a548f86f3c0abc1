//! The Rhai plugin host: one sandboxed engine configuration for every script and `expr:` rule.
//!
//! The engine starts from `Engine::new_raw()` (nothing registered, no module resolver — the
//! crate is built with `no_module`, so `import` does not even parse), gets the standard
//! language packages (arithmetic, strings, arrays, maps; none of them touch files, the network
//! or the environment), and has `eval` disabled and `print`/`debug` silenced. Every run is
//! bounded by `Limits`, set in one place here and overridable per programme up to `CEILING`.

use rhai::packages::{Package, StandardPackage};
use rhai::{Dynamic, Engine, EvalAltResult, Position, Scope, AST};

use crate::referral::{Referral, BOOL_FIELDS};

/// Resource limits for one script run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_operations: u64,
    pub max_call_levels: usize,
    pub max_expr_depth: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
}

/// The defaults: generous for routing a cohort of thousands, tiny for a runaway loop.
pub const DEFAULT_LIMITS: Limits = Limits {
    max_operations: 5_000_000,
    max_call_levels: 32,
    max_expr_depth: 64,
    max_string_size: 64 * 1024,
    max_array_size: 100_000,
    max_map_size: 10_000,
};

/// No programme may raise a limit above this.
pub const CEILING: Limits = Limits {
    max_operations: 50_000_000,
    max_call_levels: 64,
    max_expr_depth: 128,
    max_string_size: 1024 * 1024,
    max_array_size: 1_000_000,
    max_map_size: 100_000,
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
        }
    }
}

/// A sandboxed engine with `limits` (capped at the ceiling).
pub fn engine(limits: Limits) -> Engine {
    let limits = limits.capped();
    let mut engine = Engine::new_raw();
    engine.register_global_module(StandardPackage::new().as_shared_module());
    engine.disable_symbol("eval");
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    engine
        .set_max_operations(limits.max_operations)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(limits.max_expr_depth, limits.max_expr_depth)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size)
        .set_max_variables(1_000)
        .set_max_functions(1_000);
    engine
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
    use crate::referral::{FieldType, FIELDS};
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

/// Why a script run stopped: the message names the limit or the error and where it happened.
pub fn describe_error(err: &EvalAltResult) -> String {
    let pos = err.position();
    let at = if pos.is_none() {
        String::new()
    } else {
        format!(
            " (line {}, column {})",
            pos.line().unwrap_or(0),
            pos.position().unwrap_or(0)
        )
    };
    let what = match err {
        EvalAltResult::ErrorTooManyOperations(_) => {
            "stopped: exceeded the limit on operations (an endless loop?)".to_string()
        }
        EvalAltResult::ErrorStackOverflow(_) => {
            "stopped: exceeded the limit on call depth (endless recursion?)".to_string()
        }
        EvalAltResult::ErrorDataTooLarge(what, _) => {
            format!("stopped: {what} exceeded its size limit")
        }
        EvalAltResult::ErrorVariableNotFound(name, _) => format!("unknown variable '{name}'"),
        other => other
            .to_string()
            .split(" (line")
            .next()
            .unwrap_or_default()
            .to_string(),
    };
    format!("{what}{at}")
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
pub fn eval_bool(engine: &Engine, ast: &AST, scope: &mut Scope) -> Result<Option<bool>, String> {
    match engine.eval_ast_with_scope::<Dynamic>(scope, ast) {
        Ok(v) => match v.as_bool() {
            Ok(b) => Ok(Some(b)),
            Err(t) => Err(format!("expression gave {t}, not true or false")),
        },
        Err(e) if is_missing_variable(&e) => Ok(None),
        Err(e) => Err(describe_error(&e)),
    }
}
