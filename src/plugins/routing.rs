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

use crate::diag::{Diagnostic, Pos};
use crate::referral::Referral;

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
    pub notes: Vec<String>,
}

/// Compile a routing script; it must define `route(people, settings)`.
pub fn compile(
    engine: &Engine,
    file: &str,
    name: &str,
    text: &str,
) -> Result<RoutingScript, Diagnostic> {
    let ast = engine.compile(text).map_err(|e| {
        let (line, col) = super::line_col(e.position()).unwrap_or((1, 1));
        Diagnostic::error(
            file,
            Pos::new(line, col),
            format!("Rhai script does not compile: {}", e.0),
        )
        .with_help("imports, eval and file or environment access are not available to scripts")
    })?;
    if !ast
        .iter_functions()
        .any(|f| f.name == "route" && f.params.len() == 2)
    {
        return Err(Diagnostic::error(file, Pos::new(1, 1), "routing script does not define `fn route(people, settings)`")
            .with_help("define fn route(people, settings) returning #{groups: [...], waiting: [...], notes: [...]}"));
    }
    Ok(RoutingScript {
        name: name.to_string(),
        file: file.to_string(),
        ast: Arc::new(ast),
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
    for (name, _) in crate::referral::FIELDS {
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
    engine: &Engine,
    limits: &super::Limits,
    script: &RoutingScript,
    module: &str,
    settings: &Map,
    people: &[(String, Referral)],
) -> Result<Routing, Diagnostic> {
    let mut sorted: Vec<&(String, Referral)> = people.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let arg: Array = sorted.iter().map(|(id, r)| person_map(id, r)).collect();
    let fail = |msg: String| Diagnostic::error(&script.file, Pos::new(1, 1), msg);
    let mut scope = Scope::new();
    let call = |e: &Engine, scope: &mut Scope| {
        e.call_fn_with_options::<Dynamic>(
            CallFnOptions::new().eval_ast(false),
            scope,
            &script.ast,
            "route",
            (arg.clone(), settings.clone()),
        )
    };
    let result = call(engine, &mut scope).map_err(|e| {
        let (_, mut pos) = super::innermost(&e);
        if pos.is_none() {
            pos = super::replay_position(*limits, |e| call(e, &mut Scope::new()).is_err()).unwrap_or(pos);
        }
        let (line, col) = super::line_col(pos).unwrap_or((1, 1));
        Diagnostic::error(&script.file, Pos::new(line, col), format!("routing script '{}': {}", script.name, super::describe_with_limits(&e, Some(limits))))
            .with_help("nothing was written; fix the script or raise the programme's `limits:` (within the ceiling)")
    })?;
    let shape = "route() must return #{groups: [#{id, language, interpreter, members: [ids]}], waiting: [ids], notes: [text]}";
    let Some(map) = result.clone().try_cast::<Map>() else {
        return Err(fail(format!(
            "routing script '{}' returned {}, not a map",
            script.name,
            result.type_name()
        ))
        .with_help(shape));
    };
    let known: BTreeSet<&str> = sorted.iter().map(|(id, _)| id.as_str()).collect();
    let max = settings
        .get("max_group_size")
        .and_then(|d| d.as_int().ok())
        .filter(|m| *m > 0)
        .map(|m| m as usize);
    let mut placed: BTreeSet<String> = BTreeSet::new();
    let mut out = Routing {
        module: module.to_string(),
        groups: Vec::new(),
        waiting: Vec::new(),
        notes: Vec::new(),
    };
    let ids_of = |v: Option<&Dynamic>, what: &str| -> Result<Vec<String>, Diagnostic> {
        let Some(v) = v else { return Ok(Vec::new()) };
        let arr = v.clone().try_cast::<Array>().ok_or_else(|| {
            fail(format!(
                "routing script '{}': {what} is {}, not an array of ids",
                script.name,
                v.type_name()
            ))
            .with_help(shape)
        })?;
        arr.into_iter()
            .map(|d| {
                d.clone().into_string().map_err(|t| {
                    fail(format!(
                        "routing script '{}': {what} holds a {t}, not an id",
                        script.name
                    ))
                    .with_help(shape)
                })
            })
            .collect()
    };
    let groups = match map.get("groups") {
        Some(g) => g.clone().try_cast::<Array>().ok_or_else(|| {
            fail(format!(
                "routing script '{}': groups is {}, not an array",
                script.name,
                g.type_name()
            ))
            .with_help(shape)
        })?,
        None => {
            return Err(fail(format!(
                "routing script '{}' returned no `groups`",
                script.name
            ))
            .with_help(shape))
        }
    };
    let mut overflow = Vec::new();
    for (gi, g) in groups.into_iter().enumerate() {
        let Some(gm) = g.clone().try_cast::<Map>() else {
            return Err(fail(format!(
                "routing script '{}': group {} is {}, not a map",
                script.name,
                gi + 1,
                g.type_name()
            ))
            .with_help(shape));
        };
        let id = gm
            .get("id")
            .and_then(|d| d.clone().into_string().ok())
            .unwrap_or_else(|| format!("group_{}", gi + 1));
        let language = gm
            .get("language")
            .and_then(|d| d.clone().into_string().ok());
        let interpreter = gm
            .get("interpreter")
            .and_then(|d| d.as_bool().ok())
            .unwrap_or(false);
        let mut members = ids_of(gm.get("members"), &format!("members of group '{id}'"))?;
        for m in &members {
            if !known.contains(m.as_str()) {
                return Err(fail(format!(
                    "routing script '{}' put unknown id '{m}' in group '{id}'",
                    script.name
                )));
            }
            if !placed.insert(m.clone()) {
                return Err(fail(format!(
                    "routing script '{}' placed '{m}' twice",
                    script.name
                )));
            }
        }
        if members.is_empty() {
            continue;
        }
        if let Some(max) = max {
            if members.len() > max {
                let extra = members.split_off(max);
                out.notes.push(format!(
                    "group '{id}' had {} people, more than the maximum of {max}: {} wait",
                    max + extra.len(),
                    extra.len()
                ));
                overflow.extend(extra);
            }
        }
        out.groups.push(Group {
            id,
            language,
            interpreter,
            members,
        });
    }
    for w in ids_of(map.get("waiting"), "waiting")? {
        if !known.contains(w.as_str()) {
            return Err(fail(format!(
                "routing script '{}' put unknown id '{w}' on the waiting list",
                script.name
            )));
        }
        if !placed.insert(w.clone()) {
            return Err(fail(format!(
                "routing script '{}' placed '{w}' twice",
                script.name
            )));
        }
        out.waiting.push(w);
    }
    out.waiting.extend(overflow);
    let forgotten: Vec<String> = known
        .iter()
        .filter(|id| !placed.contains(**id))
        .map(|s| s.to_string())
        .collect();
    if !forgotten.is_empty() {
        out.notes.push(format!(
            "{} people were not placed by the script and wait",
            forgotten.len()
        ));
        out.waiting.extend(forgotten);
    }
    if let Some(notes) = map.get("notes") {
        let arr = notes.clone().try_cast::<Array>().unwrap_or_default();
        out.notes.extend(arr.into_iter().map(|n| n.to_string()));
    }
    Ok(out)
}

/// Settings for a module's script: module facts from the YAML, then `routing.params`.
pub fn settings(
    module: &crate::program::model::Module,
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
