//! The routing hook: a Rhai script puts the referrals of one module into groups.
//!
//! A routing script defines `fn route(people, settings)`. `people` is an array of read-only
//! maps (the referral fields that are known, plus `id` and `age`), sorted by id; `settings` is
//! a map of the module's settings from the YAML (`max_group_size`, `min_group_size`,
//! `staff_per_group`, `delivery_language`, `society_language`, `module`) plus the module's
//! `routing.params`, so numbers live in YAML, not in scripts. It returns
//! `#{groups: [#{id, language, interpreter, members: [ids]}], waiting: [ids], notes: [text]}`.
//!
//! The engine never trusts the result: unknown or repeated ids are errors naming the script;
//! a group above its maximum keeps its first members and the rest wait; anyone the script did
//! not place waits — nobody is dropped. Nothing is written anywhere: routing only returns.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rhai::{Array, CallFnOptions, Dynamic, Engine, Map, Scope, AST};
use serde::Serialize;
use serde_json::Value;

use traject_model::diag::{Diagnostic, Pos};
use traject_model::problem::{IdList, Placed, RoutingProblem};
use traject_model::referral::Referral;

/// A compiled routing script.
#[derive(Clone)]
pub struct RoutingScript {
    pub name: String,
    /// Display path of the script file.
    pub file: String,
    pub ast: Arc<AST>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Group {
    pub id: String,
    pub language: Option<String>,
    pub interpreter: bool,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Routing {
    pub module: String,
    pub groups: Vec<Group>,
    pub waiting: Vec<String>,
    pub notes: Vec<RoutingNote>,
}

/// A note on a routing: what the engine did with the script's answer, or the script's own
/// note (in whatever language the script writes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutingNote {
    /// A group larger than the module allows: the extra people wait.
    Overflow {
        group: String,
        had: usize,
        max: usize,
        waiting: usize,
    },
    /// People the script did not place: they wait.
    NotPlaced {
        count: usize,
    },
    Script(String),
}

/// Compile a routing script; it must define `route(people, settings)`.
pub fn compile(
    rhai_engine: &Engine,
    limits: super::Limits,
    file: &str,
    name: &str,
    text: &str,
) -> Result<RoutingScript, Diagnostic> {
    let ast = super::compiled_once(rhai_engine, limits, text).map_err(|e| {
        let (line, col) = super::line_col(e.position()).unwrap_or((1, 1));
        let problem = RoutingProblem::Syntax {
            detail: e.0.to_string(),
        };
        Diagnostic::error(file, Pos::new(line, col), problem)
    })?;
    if !ast
        .iter_functions()
        .any(|f| f.name == "route" && f.params.len() == 2)
    {
        return Err(Diagnostic::error(
            file,
            Pos::new(1, 1),
            RoutingProblem::NoRouteFunction,
        ));
    }
    Ok(RoutingScript {
        name: name.to_string(),
        file: file.to_string(),
        ast,
    })
}

/// JSON (from the YAML) → a Rhai value.
pub fn to_dynamic(v: &Value) -> Dynamic {
    match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from(i),
            None => Dynamic::from(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => Dynamic::from(s.clone()),
        Value::Array(a) => Dynamic::from(a.iter().map(to_dynamic).collect::<Array>()),
        Value::Object(m) => {
            let mut map = Map::new();
            for (k, v) in m.iter().filter(|(k, _)| k.as_str() != "_ptr") {
                map.insert(k.as_str().into(), to_dynamic(v));
            }
            Dynamic::from(map)
        }
    }
}

/// One person as a script sees them.
fn person_map(id: &str, r: &Referral) -> Dynamic {
    let mut m = Map::new();
    m.insert("id".into(), Dynamic::from(id.to_string()));
    for (name, _) in traject_model::referral::FIELDS {
        if *name == "id" {
            continue;
        }
        if *name == "contact_languages" {
            if let Some(l) = &r.contact_languages {
                m.insert(
                    (*name).into(),
                    Dynamic::from(
                        l.iter()
                            .map(|s| Dynamic::from(s.clone()))
                            .collect::<Array>(),
                    ),
                );
            }
            continue;
        }
        if let Some(b) = r.flag(name) {
            m.insert((*name).into(), Dynamic::from(b));
        } else if let Some(v) = r.display(name) {
            m.insert((*name).into(), Dynamic::from(v));
        }
    }
    if let Some(a) = r.age() {
        m.insert("age".into(), Dynamic::from(a as i64));
    }
    Dynamic::from(m)
}

/// Run `script` on `people` (id, referral), with the module's `settings`.
pub fn route(
    rhai_engine: &Engine,
    limits: &super::Limits,
    script: &RoutingScript,
    module: &str,
    settings: &Map,
    people: &[(String, Referral)],
) -> Result<Routing, Diagnostic> {
    let mut sorted: Vec<&(String, Referral)> = people.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let arg: Array = sorted.iter().map(|(id, r)| person_map(id, r)).collect();
    let result = run_script(rhai_engine, limits, script, arg, settings)?;
    let mut reply = Reply {
        script,
        known: sorted.iter().map(|(id, _)| id.as_str()).collect(),
        placed: BTreeSet::new(),
    };
    let Some(map) = result.clone().try_cast::<Map>() else {
        return Err(reply.fail(RoutingProblem::NotAMap {
            script: script.name.clone(),
            found: result.type_name().to_string(),
        }));
    };
    let max = settings
        .get("max_group_size")
        .and_then(|d| d.as_int().ok())
        .filter(|m| *m > 0)
        .map(|m| m as usize);
    let mut out = Routing {
        module: module.to_string(),
        groups: Vec::new(),
        waiting: Vec::new(),
        notes: Vec::new(),
    };
    let mut overflow = Vec::new();
    for (gi, g) in reply.groups(&map)?.into_iter().enumerate() {
        let Some(mut group) = reply.group(gi, g)? else {
            continue;
        };
        if let Some(max) = max.filter(|m| group.members.len() > *m) {
            let extra = group.members.split_off(max);
            out.notes.push(RoutingNote::Overflow {
                group: group.id.clone(),
                had: max + extra.len(),
                max,
                waiting: extra.len(),
            });
            overflow.extend(extra);
        }
        out.groups.push(group);
    }
    for w in reply.ids_of(map.get("waiting"), IdList::Waiting)? {
        reply.place(&w, Placed::OnWaitingList)?;
        out.waiting.push(w);
    }
    out.waiting.extend(overflow);
    let forgotten: Vec<String> = reply
        .known
        .iter()
        .filter(|id| !reply.placed.contains(**id))
        .map(|s| s.to_string())
        .collect();
    if !forgotten.is_empty() {
        out.notes.push(RoutingNote::NotPlaced {
            count: forgotten.len(),
        });
        out.waiting.extend(forgotten);
    }
    if let Some(notes) = map.get("notes") {
        let arr = notes.clone().try_cast::<Array>().unwrap_or_default();
        out.notes
            .extend(arr.into_iter().map(|n| RoutingNote::Script(n.to_string())));
    }
    Ok(out)
}

/// Call the script's `route(people, settings)`; a failure is located in the script, replaying
/// it step by step when the engine gave no position.
fn run_script(
    rhai_engine: &Engine,
    limits: &super::Limits,
    script: &RoutingScript,
    arg: Array,
    settings: &Map,
) -> Result<Dynamic, Diagnostic> {
    let call = |e: &Engine, scope: &mut Scope| {
        e.call_fn_with_options::<Dynamic>(
            CallFnOptions::new().eval_ast(false),
            scope,
            &script.ast,
            "route",
            (arg.clone(), settings.clone()),
        )
    };
    call(rhai_engine, &mut Scope::new()).map_err(|e| {
        let (_, mut pos) = super::innermost(&e);
        if pos.is_none() {
            let replay = if super::timed_out(&e) {
                super::Limits {
                    max_time_ms: (limits.max_time_ms / 5).max(1),
                    ..*limits
                }
            } else {
                *limits
            };
            pos = super::replay_position(replay, |e| call(e, &mut Scope::new()).is_err())
                .unwrap_or(pos);
        }
        let (line, col) = super::line_col(pos).unwrap_or((1, 1));
        let problem = RoutingProblem::Failed {
            script: script.name.clone(),
            failure: super::failure_of(&e, Some(limits)),
        };
        Diagnostic::error(&script.file, Pos::new(line, col), problem)
    })
}

/// What a routing script returned, read against the cohort: every id must be one of the
/// cohort's, placed once.
struct Reply<'a> {
    script: &'a RoutingScript,
    known: BTreeSet<&'a str>,
    placed: BTreeSet<String>,
}

impl Reply<'_> {
    fn fail(&self, problem: RoutingProblem) -> Diagnostic {
        Diagnostic::error(&self.script.file, Pos::new(1, 1), problem)
    }

    fn name(&self) -> String {
        self.script.name.clone()
    }

    /// Place `id` (in a group, on the waiting list): known, and not placed before.
    fn place(&mut self, id: &str, into: Placed) -> Result<(), Diagnostic> {
        if !self.known.contains(id) {
            return Err(self.fail(RoutingProblem::UnknownId {
                script: self.name(),
                id: id.to_string(),
                placed: into,
            }));
        }
        if !self.placed.insert(id.to_string()) {
            return Err(self.fail(RoutingProblem::PlacedTwice {
                script: self.name(),
                id: id.to_string(),
            }));
        }
        Ok(())
    }

    fn ids_of(&self, v: Option<&Dynamic>, list: IdList) -> Result<Vec<String>, Diagnostic> {
        let Some(v) = v else { return Ok(Vec::new()) };
        let arr = v.clone().try_cast::<Array>().ok_or_else(|| {
            self.fail(RoutingProblem::NotIds {
                script: self.name(),
                list: list.clone(),
                found: v.type_name().to_string(),
            })
        })?;
        arr.into_iter()
            .map(|d| {
                d.clone().into_string().map_err(|t| {
                    self.fail(RoutingProblem::NotAnId {
                        script: self.name(),
                        list: list.clone(),
                        found: t.to_string(),
                    })
                })
            })
            .collect()
    }

    fn groups(&self, map: &Map) -> Result<Array, Diagnostic> {
        match map.get("groups") {
            Some(g) => g.clone().try_cast::<Array>().ok_or_else(|| {
                self.fail(RoutingProblem::GroupsNotArray {
                    script: self.name(),
                    found: g.type_name().to_string(),
                })
            }),
            None => Err(self.fail(RoutingProblem::NoGroups {
                script: self.name(),
            })),
        }
    }

    /// Group `gi` as the script gave it, its members placed; `None` when it has none.
    fn group(&mut self, gi: usize, g: Dynamic) -> Result<Option<Group>, Diagnostic> {
        let Some(gm) = g.clone().try_cast::<Map>() else {
            return Err(self.fail(RoutingProblem::GroupNotMap {
                script: self.name(),
                group: gi + 1,
                found: g.type_name().to_string(),
            }));
        };
        let id = gm
            .get("id")
            .and_then(|d| d.clone().into_string().ok())
            .unwrap_or_else(|| format!("group_{}", gi + 1));
        let members = self.ids_of(gm.get("members"), IdList::MembersOf(id.clone()))?;
        for m in &members {
            self.place(m, Placed::InGroup(id.clone()))?;
        }
        if members.is_empty() {
            return Ok(None);
        }
        Ok(Some(Group {
            language: gm
                .get("language")
                .and_then(|d| d.clone().into_string().ok()),
            interpreter: gm
                .get("interpreter")
                .and_then(|d| d.as_bool().ok())
                .unwrap_or(false),
            id,
            members,
        }))
    }
}

/// Settings for a module's script: module facts from the YAML, then `routing.params`.
pub fn settings(
    module: &traject_model::program::model::Module,
    society_language: &str,
) -> (Map, Vec<String>) {
    let mut m = Map::new();
    let mut put = |k: &str, v: Dynamic| {
        m.insert(k.into(), v);
    };
    put("module", Dynamic::from(module.id.clone()));
    put(
        "society_language",
        Dynamic::from(society_language.to_string()),
    );
    if let Some(g) = &module.group_size {
        if let Some(x) = g.max {
            put("max_group_size", Dynamic::from(x as i64));
        }
        if let Some(x) = g.min {
            put("min_group_size", Dynamic::from(x as i64));
        }
    }
    if let Some(s) = module.staff_per_group {
        put("staff_per_group", Dynamic::from(s));
    }
    if let Some(l) = &module.delivery_language {
        put("delivery_language", Dynamic::from(l.clone()));
    }
    let mut clashes = Vec::new();
    if let Some(Value::Object(params)) = module.routing.as_ref().and_then(|r| r.params.as_ref()) {
        let own: BTreeMap<String, ()> = m.keys().map(|k| (k.to_string(), ())).collect();
        for (k, v) in params.iter().filter(|(k, _)| k.as_str() != "_ptr") {
            if own.contains_key(k) {
                clashes.push(k.clone());
            } else {
                m.insert(k.as_str().into(), to_dynamic(v));
            }
        }
    }
    (m, clashes)
}
