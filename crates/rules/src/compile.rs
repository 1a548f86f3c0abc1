//! Compiling a checked programme's rules into fast, typed tests — once, when the programme
//! loads. Built-in kinds become `Test` variants with their parameters pre-parsed; `expr` rules
//! become Rhai ASTs, compiled and trial-run against a full sample referral so that an unknown
//! field or a non-boolean result is a load error at the YAML line, not a surprise later.

use std::sync::Arc;

use rhai::{Engine, AST};
use serde_json::Value;

use crate::plugins;
use traject_model::diag::did_you_mean;
use traject_model::diag::Diagnostic;
use traject_model::problem::{Problem, RuleProblem, UsedBy};
use traject_model::program::model::{Condition, Mode, Version};
use traject_model::program::Program;
use traject_model::referral::{bool_index, language_rank, Referral, FIELDS};

use super::lower;

/// A built-in or scripted test on a referral.
#[derive(Clone)]
pub enum Test {
    MinAge(u32),
    MaxAge(u32),
    /// Nationality in (or, with `negate`, not in) `codes` or the EU.
    Nationality {
        codes: Vec<String>,
        eu: bool,
        negate: bool,
    },
    ResidenceStatusIn(Vec<String>),
    ResidenceOcmwIn(Vec<String>),
    IncomeSupportIn(Vec<String>),
    EducationIn(Vec<String>),
    Flag {
        index: usize,
        want: bool,
    },
    LanguageAtLeast(LevelTest),
    LanguageAtMost(LevelTest),
    /// An `expr:` rule: its Rhai AST, and the same expression lowered to native code where it
    /// is simple enough (see `lower`), which then runs instead.
    Expr {
        ast: Arc<AST>,
        native: Option<Arc<lower::Native>>,
    },
    AnyOf(Vec<Cond>),
    AllOf(Vec<Cond>),
}

/// A language-level bound and the programme's equivalences between the NT2 and CEFR scales
/// (empty unless an option says which levels correspond, §9 Q41).
#[derive(Clone)]
pub struct LevelTest {
    pub bound: (u8, u32),
    pub equivalences: Arc<[(u32, u32)]>,
}

/// A condition with what the explanation needs.
#[derive(Clone)]
pub struct Cond {
    pub id: String,
    pub ptr: String,
    pub test: Test,
    /// The referral field shown as the "value" in explanations.
    pub field: &'static str,
    /// For expressions and scripts: the referral fields their text mentions.
    pub reads: Vec<&'static str>,
}

#[derive(Clone)]
pub struct CompiledRule {
    pub id: String,
    pub mode: Mode,
    pub ptr: String,
    pub cond: Cond,
    pub exceptions: Vec<Cond>,
}

impl Cond {
    /// The referral fields this condition reads (`age` counts as `birth_date`), into `out`.
    fn fields_read(&self, out: &mut std::collections::BTreeSet<&'static str>) {
        let own = std::iter::once(self.field).chain(self.reads.iter().copied());
        for f in own.filter(|f| !f.is_empty()) {
            out.insert(if f == "age" { "birth_date" } else { f });
        }
        if let Test::AnyOf(subs) | Test::AllOf(subs) = &self.test {
            subs.iter().for_each(|s| s.fields_read(out));
        }
    }
}

impl CompiledRule {
    /// The referral fields the rule and its exceptions read, into `out`.
    pub fn fields_read(&self, out: &mut std::collections::BTreeSet<&'static str>) {
        self.cond.fields_read(out);
        self.exceptions.iter().for_each(|e| e.fields_read(out));
    }
}

impl CompiledVersion {
    /// The referral fields rules of `mode` read.
    pub fn fields_read_by(&self, mode: Mode) -> std::collections::BTreeSet<&'static str> {
        let mut out = std::collections::BTreeSet::new();
        for rule in self.rules.iter().filter(|r| r.mode == mode) {
            rule.fields_read(&mut out);
        }
        out
    }
}

#[derive(Clone)]
pub struct CompiledFunder {
    pub id: String,
    pub conditions: Vec<Cond>,
}

/// The rules of one version, ready to run.
#[derive(Clone)]
pub struct CompiledVersion {
    pub version_id: String,
    pub rules: Vec<CompiledRule>,
    pub funders: Vec<CompiledFunder>,
}

/// A module's routing, ready to run: the compiled script and the settings it is handed.
#[derive(Clone)]
pub struct RoutingPlan {
    pub script: Arc<plugins::routing::RoutingScript>,
    pub settings: rhai::Map,
    /// Temporary group limits (from, to, max) that replace `max_group_size` on those days.
    pub temporary: Vec<(chrono::NaiveDate, chrono::NaiveDate, u32)>,
}

impl RoutingPlan {
    /// The settings for groups formed on `on`: a temporary limit then in force replaces the
    /// module's `max_group_size`.
    pub fn settings_on(&self, on: Option<chrono::NaiveDate>) -> std::borrow::Cow<'_, rhai::Map> {
        let cap = on.and_then(|d| self.temporary.iter().find(|(a, b, _)| *a <= d && d <= *b));
        match cap {
            None => std::borrow::Cow::Borrowed(&self.settings),
            Some((_, _, max)) => {
                let mut m = self.settings.clone();
                m.insert(
                    "max_group_size".into(),
                    rhai::Dynamic::from(i64::from(*max)),
                );
                std::borrow::Cow::Owned(m)
            }
        }
    }
}

/// A programme with every version's rules and routing scripts compiled.
pub struct CompiledProgram {
    pub program: Program,
    pub versions: Vec<CompiledVersion>,
    pub rhai_engine: Arc<Engine>,
    /// (version index, module id) → routing.
    pub routings: std::collections::HashMap<(usize, String), RoutingPlan>,
    pub limits: plugins::Limits,
}

impl CompiledProgram {
    pub fn version(&self, id: &str) -> Option<(&Version, &CompiledVersion)> {
        let i = self.version_index(id)?;
        Some((&self.program.spec.versions[i], &self.versions[i]))
    }

    /// The index of version `id`, for `judge` and `judge_stored`.
    pub fn version_index(&self, id: &str) -> Option<usize> {
        self.program.spec.versions.iter().position(|v| v.id == id)
    }

    /// The same programme with every `expr:` rule run by the Rhai interpreter, none lowered:
    /// the reference the lowering is measured and tested against.
    pub fn without_lowering(mut self) -> CompiledProgram {
        fn strip(c: &mut Cond) {
            match &mut c.test {
                Test::Expr { native, .. } => *native = None,
                Test::AnyOf(subs) | Test::AllOf(subs) => subs.iter_mut().for_each(strip),
                _ => {}
            }
        }
        for v in &mut self.versions {
            for rule in &mut v.rules {
                strip(&mut rule.cond);
                rule.exceptions.iter_mut().for_each(strip);
            }
            for f in &mut v.funders {
                f.conditions.iter_mut().for_each(strip);
            }
        }
        self
    }

    /// The referral fields some version's eligibility rules, exceptions or funder conditions
    /// read (`age` counts as `birth_date`), for the record of processing.
    pub fn fields_read(&self) -> std::collections::BTreeSet<&'static str> {
        let mut out = std::collections::BTreeSet::new();
        for v in &self.versions {
            for rule in &v.rules {
                rule.fields_read(&mut out);
            }
            for f in &v.funders {
                f.conditions.iter().for_each(|c| c.fields_read(&mut out));
            }
        }
        out
    }

    /// How many `expr:` rules run natively and how many in Rhai (for `traject show` and
    /// benchmarks).
    pub fn lowered_counts(&self) -> (usize, usize) {
        fn count(c: &Cond, n: &mut (usize, usize)) {
            match &c.test {
                Test::Expr {
                    native: Some(_), ..
                } => n.0 += 1,
                Test::Expr { native: None, .. } => n.1 += 1,
                Test::AnyOf(subs) | Test::AllOf(subs) => subs.iter().for_each(|s| count(s, n)),
                _ => {}
            }
        }
        let mut n = (0, 0);
        for v in &self.versions {
            for rule in &v.rules {
                count(&rule.cond, &mut n);
                rule.exceptions.iter().for_each(|e| count(e, &mut n));
            }
            for f in &v.funders {
                f.conditions.iter().for_each(|c| count(c, &mut n));
            }
        }
        n
    }
}

struct Compiler<'a> {
    program: &'a Program,
    rhai_engine: &'a Engine,
    /// The limits `rhai_engine` was made for.
    limits: plugins::Limits,
    errors: Vec<Diagnostic>,
    /// (NT2 rank, CEFR rank) pairs from the programme's `level_equivalences`.
    equivalences: Arc<[(u32, u32)]>,
}

impl Compiler<'_> {
    /// Compile each routing script once and hand every routed module its settings.
    fn routings(&mut self) -> std::collections::HashMap<(usize, String), RoutingPlan> {
        let mut scripts: std::collections::HashMap<
            String,
            Option<Arc<plugins::routing::RoutingScript>>,
        > = Default::default();
        let mut plans = std::collections::HashMap::new();
        let society = self.program.spec.society_language.code();
        for (vi, v) in self.program.spec.versions.iter().enumerate() {
            for m in &v.modules {
                let Some(r) = &m.routing else { continue };
                if !scripts.contains_key(&r.script) {
                    let compiled = match self.program.script(&r.script) {
                        None => {
                            let problem = RuleProblem::ScriptNotFound {
                                script: r.script.clone(),
                            };
                            let d = self.located(&format!("{}/script", r.ptr), problem);
                            self.errors.push(d);
                            None
                        }
                        Some((file, text)) => {
                            match plugins::routing::compile(
                                self.rhai_engine,
                                self.limits,
                                &file,
                                &r.script,
                                &text,
                            ) {
                                Ok(s) => Some(Arc::new(s)),
                                Err(d) => {
                                    let used_by = UsedBy::Module {
                                        id: m.id.clone(),
                                        at: self.program.at(&m.ptr),
                                    };
                                    self.errors.push(d.map(|problem| match problem {
                                        Problem::Routing(problem) => {
                                            Problem::Rule(RuleProblem::Routing { problem, used_by })
                                        }
                                        other => other,
                                    }));
                                    None
                                }
                            }
                        }
                    };
                    scripts.insert(r.script.clone(), compiled);
                }
                let (settings, clashes) = plugins::routing::settings(m, society);
                for k in clashes {
                    let problem = RuleProblem::RoutingParamRepeats { key: k.clone() };
                    let d = self.located(&format!("{}/params/{k}", r.ptr), problem);
                    self.errors.push(d);
                }
                if let Some(Some(script)) = scripts.get(&r.script) {
                    plans.insert(
                        (vi, m.id.clone()),
                        RoutingPlan {
                            script: script.clone(),
                            settings,
                            temporary: m
                                .group_size
                                .iter()
                                .flat_map(|g| g.temporary.iter().map(|t| (t.from, t.to, t.max)))
                                .collect(),
                        },
                    );
                }
            }
        }
        plans
    }

    /// A problem at `ptr` in the programme file.
    fn located(&self, ptr: &str, problem: RuleProblem) -> Diagnostic {
        let place = self.program.index.locate(ptr);
        Diagnostic::error(&self.program.file, place.value, problem).with_width(place.width)
    }

    fn used_by_rule(&self, c: &Condition) -> UsedBy {
        UsedBy::Rule {
            id: c.id.clone(),
            at: self.program.at(&c.ptr),
        }
    }

    fn strings(v: &Option<Value>) -> Vec<String> {
        v.as_ref()
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A language-level bound with the programme's scale equivalences.
    fn level(&self, text: &str) -> LevelTest {
        LevelTest {
            bound: language_rank(text).expect("checked by the loader"),
            equivalences: self.equivalences.clone(),
        }
    }

    fn cond(&mut self, c: &Condition) -> Cond {
        let mk = |test, field| Cond {
            id: c.id.clone(),
            ptr: c.ptr.clone(),
            test,
            field,
            reads: Vec::new(),
        };
        if !c.any_of.is_empty() {
            let subs = c.any_of.iter().map(|s| self.cond(s)).collect();
            return mk(Test::AnyOf(subs), "");
        }
        if !c.all_of.is_empty() {
            let subs = c.all_of.iter().map(|s| self.cond(s)).collect();
            return mk(Test::AllOf(subs), "");
        }
        let kind = c.kind.as_deref().unwrap_or_default();
        let num = c.value.as_ref().and_then(Value::as_u64).unwrap_or(0) as u32;
        let text = c.value.as_ref().and_then(Value::as_str).unwrap_or_default();
        match kind {
            "min_age" => mk(Test::MinAge(num), "age"),
            "max_age" => mk(Test::MaxAge(num), "age"),
            "nationality_in" | "nationality_not_in" => {
                let all = Self::strings(&c.value);
                let eu = all.iter().any(|s| s == "EU");
                let codes = all.into_iter().filter(|s| s != "EU").collect();
                mk(
                    Test::Nationality {
                        codes,
                        eu,
                        negate: kind == "nationality_not_in",
                    },
                    "nationality",
                )
            }
            "residence_status_in" => mk(
                Test::ResidenceStatusIn(Self::strings(&c.value)),
                "residence_status",
            ),
            "residence_ocmw_in" => mk(
                Test::ResidenceOcmwIn(Self::strings(&c.value)),
                "residence_ocmw",
            ),
            "income_support_in" => mk(
                Test::IncomeSupportIn(Self::strings(&c.value)),
                "income_support",
            ),
            "education_in" => mk(
                Test::EducationIn(Self::strings(&c.value)),
                "education_level",
            ),
            "flag_true" | "flag_false" => {
                let field = c.field.as_deref().unwrap_or_default();
                let index = bool_index(field).expect("checked by the loader");
                let name = traject_model::referral::BOOL_FIELDS[index];
                mk(
                    Test::Flag {
                        index,
                        want: kind == "flag_true",
                    },
                    name,
                )
            }
            "language_level_at_least" => {
                mk(Test::LanguageAtLeast(self.level(text)), "language_level")
            }
            "language_level_at_most" => {
                mk(Test::LanguageAtMost(self.level(text)), "language_level")
            }
            "expr" => self.expr(c, text),
            "script" => self.script(c, text),
            _ => unreachable!("kinds are checked by the loader"),
        }
    }

    /// A rule script: a Rhai script over the referral's fields whose last value is true/false.
    fn script(&mut self, c: &Condition, name: &str) -> Cond {
        let failed = Cond {
            id: c.id.clone(),
            ptr: c.ptr.clone(),
            test: Test::AllOf(Vec::new()),
            field: "",
            reads: Vec::new(),
        };
        let Some((file, text)) = self.program.script(name) else {
            let problem = RuleProblem::ScriptNotFound {
                script: name.to_string(),
            };
            let d = self.located(&format!("{}/value", c.ptr), problem);
            self.errors.push(d);
            return failed;
        };
        match plugins::compiled_once(self.rhai_engine, self.limits, &text) {
            Ok(ast) => {
                let mut scope = plugins::referral_scope(&plugins::sample_referral());
                if let Err(e) = self
                    .rhai_engine
                    .eval_ast_with_scope::<rhai::Dynamic>(&mut scope, &ast)
                {
                    let (line, col) = plugins::line_col(e.position()).unwrap_or((1, 1));
                    let problem = RuleProblem::ScriptFailed {
                        failure: plugins::failure_of(&e, None),
                        used_by: self.used_by_rule(c),
                    };
                    let at = traject_model::diag::Pos::new(line, col);
                    self.errors.push(Diagnostic::error(&file, at, problem));
                    return failed;
                }
                Cond {
                    id: c.id.clone(),
                    ptr: c.ptr.clone(),
                    test: Test::Expr { ast, native: None },
                    field: "",
                    reads: mentioned_fields(&text),
                }
            }
            Err(e) => {
                let (line, col) = plugins::line_col(e.position()).unwrap_or((1, 1));
                let problem = RuleProblem::ScriptSyntax {
                    detail: e.0.to_string(),
                    used_by: self.used_by_rule(c),
                };
                let at = traject_model::diag::Pos::new(line, col);
                self.errors.push(Diagnostic::error(&file, at, problem));
                failed
            }
        }
    }

    fn expr(&mut self, c: &Condition, text: &str) -> Cond {
        let ptr = format!("{}/value", c.ptr);
        let ast = match self.rhai_engine.compile_expression(text) {
            Ok(ast) => ast,
            Err(e) => {
                let place = self.program.index.locate(&ptr);
                // Point at the column inside the expression when it sits on one line.
                let mut at = place.value;
                at.col += e.position().position().unwrap_or(1);
                let problem = RuleProblem::ExprSyntax {
                    detail: e.0.to_string(),
                };
                self.errors
                    .push(Diagnostic::error(&self.program.file, at, problem));
                return Cond {
                    id: c.id.clone(),
                    ptr: c.ptr.clone(),
                    test: Test::AllOf(Vec::new()),
                    field: "",
                    reads: Vec::new(),
                };
            }
        };
        // Trial run on a referral with every field filled: unknown names and non-boolean
        // results show up now.
        let mut scope = plugins::referral_scope(&plugins::sample_referral());
        match self
            .rhai_engine
            .eval_ast_with_scope::<rhai::Dynamic>(&mut scope, &ast)
        {
            Ok(v) if v.is_bool() => {}
            Ok(v) => {
                let d = self.not_boolean(&ptr, v.type_name());
                self.errors.push(d);
            }
            Err(e) => {
                let mut names: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
                names.push("age");
                let fields = names.iter().map(|n| n.to_string()).collect();
                let problem = match &*e {
                    rhai::EvalAltResult::ErrorVariableNotFound(name, _) => {
                        RuleProblem::ExprUnknownName {
                            nearest: did_you_mean(name, names.iter().copied()).map(str::to_string),
                            name: name.to_string(),
                            fields,
                        }
                    }
                    other => RuleProblem::ExprFailed {
                        failure: plugins::failure_of(other, None),
                        fields,
                    },
                };
                let d = self.located(&ptr, problem);
                self.errors.push(d);
            }
        }
        let native = lower::lower(text)
            .filter(|n| self.agrees_with_rhai(n, &ast))
            .map(Arc::new);
        Cond {
            id: c.id.clone(),
            ptr: c.ptr.clone(),
            test: Test::Expr {
                ast: Arc::new(ast),
                native,
            },
            field: "",
            reads: mentioned_fields(text),
        }
    }

    /// An expression at `ptr` that gives a value of type `found` where true or false is needed.
    fn not_boolean(&self, ptr: &str, found: &str) -> Diagnostic {
        let problem = RuleProblem::NotBoolean {
            found: found.to_string(),
        };
        self.located(ptr, problem)
    }

    /// A last guard on the lowering: the native and the Rhai form give the same outcome on a
    /// referral with every field and on one with none.
    fn agrees_with_rhai(&self, native: &lower::Native, ast: &AST) -> bool {
        [plugins::sample_referral(), Referral::default()]
            .iter()
            .all(|r| {
                let mut scope = plugins::referral_scope(r);
                let rhai = plugins::eval_bool(self.rhai_engine, ast, &mut scope);
                rhai == Ok(native.eval(r).ok())
            })
    }
}

/// Referral fields (and `age`) named as whole words in a script's text, for explanations.
fn mentioned_fields(text: &str) -> Vec<&'static str> {
    let words: std::collections::BTreeSet<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .collect();
    std::iter::once("age")
        .chain(FIELDS.iter().map(|(n, _)| *n))
        .filter(|f| words.contains(f))
        .collect()
}

/// The programme's sandbox limits: the defaults with its overrides, each within the ceiling.
fn limits(program: &Program, errors: &mut Vec<Diagnostic>) -> plugins::Limits {
    let defaults = plugins::DEFAULT_LIMITS;
    let Some(spec) = &program.spec.limits else {
        return defaults;
    };
    let ceiling = plugins::CEILING;
    let mut pick = |key: &str, value: Option<u64>, default: u64, max: u64| -> u64 {
        match value {
            Some(v) if v > max => {
                let place = program.index.locate(&format!("{}/{key}", spec.ptr));
                let problem = RuleProblem::AboveCeiling {
                    key: key.to_string(),
                    value: v,
                    max,
                };
                errors.push(
                    Diagnostic::error(&program.file, place.value, problem).with_width(place.width),
                );
                default
            }
            Some(v) => v,
            None => default,
        }
    };
    let u = |x: usize| x as u64;
    plugins::Limits {
        max_operations: pick(
            "max_operations",
            spec.max_operations,
            defaults.max_operations,
            ceiling.max_operations,
        ),
        max_call_levels: pick(
            "max_call_levels",
            spec.max_call_levels.map(u),
            u(defaults.max_call_levels),
            u(ceiling.max_call_levels),
        ) as usize,
        max_expr_depth: pick(
            "max_expr_depth",
            spec.max_expr_depth.map(u),
            u(defaults.max_expr_depth),
            u(ceiling.max_expr_depth),
        ) as usize,
        max_string_size: pick(
            "max_string_size",
            spec.max_string_size.map(u),
            u(defaults.max_string_size),
            u(ceiling.max_string_size),
        ) as usize,
        max_array_size: pick(
            "max_array_size",
            spec.max_array_size.map(u),
            u(defaults.max_array_size),
            u(ceiling.max_array_size),
        ) as usize,
        max_map_size: pick(
            "max_map_size",
            spec.max_map_size.map(u),
            u(defaults.max_map_size),
            u(ceiling.max_map_size),
        ) as usize,
        max_time_ms: pick(
            "max_time_ms",
            spec.max_time_ms,
            defaults.max_time_ms,
            ceiling.max_time_ms,
        ),
    }
}

/// Compile every version's eligibility and funding conditions and routing scripts.
pub fn compile(program: Program) -> Result<CompiledProgram, Vec<Diagnostic>> {
    let mut limit_errors = Vec::new();
    let limits = limits(&program, &mut limit_errors);
    let rhai_engine = plugins::shared_engine(limits);
    let equivalences: Arc<[(u32, u32)]> = program
        .spec
        .level_equivalences
        .iter()
        .flat_map(|e| {
            let cefr = language_rank(&e.cefr).map(|r| r.1);
            e.nt2
                .iter()
                .filter_map(move |n| Some((language_rank(n)?.1, cefr?)))
        })
        .collect();
    let mut c = Compiler {
        program: &program,
        rhai_engine: &rhai_engine,
        limits,
        errors: limit_errors,
        equivalences,
    };
    let mut versions = Vec::new();
    for v in &program.spec.versions {
        let rules = v
            .eligibility
            .rules
            .iter()
            .map(|r| CompiledRule {
                id: r.id.clone(),
                mode: r.mode,
                ptr: r.ptr.clone(),
                cond: c.cond(&r.as_condition()),
                exceptions: r.exceptions.iter().map(|e| c.cond(e)).collect(),
            })
            .collect();
        let funders = v
            .funding
            .funders
            .iter()
            .map(|f| CompiledFunder {
                id: f.id.clone(),
                conditions: f.eligible_if.iter().map(|e| c.cond(e)).collect(),
            })
            .collect();
        versions.push(CompiledVersion {
            version_id: v.id.clone(),
            rules,
            funders,
        });
    }
    let routings = c.routings();
    let mut errors = c.errors;
    if errors.is_empty() {
        Ok(CompiledProgram {
            program,
            versions,
            rhai_engine,
            routings,
            limits,
        })
    } else {
        errors.sort_by_key(|d| (d.line, d.col));
        Err(errors)
    }
}
