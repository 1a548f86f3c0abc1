//! `traject diff`: a semantic difference between two programme versions, by ids rather than
//! lines — eligibility rules, tracks, pathway, modules, evaluation moments, staffing and
//! capacity, funding.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use crate::program::model::{self, Version};
use crate::program::Program;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub section: &'static str,
    pub id: String,
    /// added, removed or changed
    pub change: &'static str,
    #[serde(skip_serializing_if = "Value::is_null")]
    pub from: Value,
    #[serde(skip_serializing_if = "Value::is_null")]
    pub to: Value,
}

#[derive(Debug, Serialize)]
pub struct Diff {
    pub a: String,
    pub b: String,
    pub changes: Vec<Change>,
}

fn by_id<T>(
    items: &[T],
    id: impl Fn(&T) -> String,
    view: impl Fn(&T) -> Value,
) -> BTreeMap<String, Value> {
    items.iter().map(|x| (id(x), compact(view(x)))).collect()
}

/// Leave out empty facts (null, false, []) so that a change shows what is there.
fn compact(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, x)| {
                    !(x.is_null()
                        || *x == Value::Bool(false)
                        || x.as_array().is_some_and(Vec::is_empty))
                })
                .collect(),
        ),
        other => other,
    }
}

fn compare(
    section: &'static str,
    a: BTreeMap<String, Value>,
    b: BTreeMap<String, Value>,
    out: &mut Vec<Change>,
) {
    for (id, va) in &a {
        match b.get(id) {
            None => out.push(Change {
                section,
                id: id.clone(),
                change: "removed",
                from: va.clone(),
                to: Value::Null,
            }),
            Some(vb) if vb != va => out.push(Change {
                section,
                id: id.clone(),
                change: "changed",
                from: va.clone(),
                to: vb.clone(),
            }),
            _ => {}
        }
    }
    for (id, vb) in &b {
        if !a.contains_key(id) {
            out.push(Change {
                section,
                id: id.clone(),
                change: "added",
                from: Value::Null,
                to: vb.clone(),
            });
        }
    }
}

fn one(section: &'static str, id: &str, a: Value, b: Value, out: &mut Vec<Change>) {
    if a != b {
        out.push(Change {
            section,
            id: id.to_string(),
            change: "changed",
            from: a,
            to: b,
        });
    }
}

/// Compare the items of one section, matched by id.
fn compare_by_id<T>(
    section: &'static str,
    (a, b): (&[T], &[T]),
    id: impl Fn(&T) -> String,
    view: impl Fn(&T) -> Value,
    out: &mut Vec<Change>,
) {
    compare(section, by_id(a, &id, &view), by_id(b, &id, &view), out);
}

/// What changed from `pa@va` to `pb@vb`, section by section, matched by id.
pub fn diff(pa: &Program, va: &Version, pb: &Program, vb: &Version) -> Diff {
    let mut c = Vec::new();
    let identity = |p: &Program| (json!(p.spec.ocmw), json!(p.spec.society_language));
    let ((ocmw_a, lang_a), (ocmw_b, lang_b)) = (identity(pa), identity(pb));
    one("identity", "ocmw", ocmw_a, ocmw_b, &mut c);
    one("identity", "society_language", lang_a, lang_b, &mut c);
    rules_and_pathway(va, vb, &mut c);
    resources(va, vb, &mut c);
    Diff {
        a: format!("{}@{}", pa.spec.id, va.id),
        b: format!("{}@{}", pb.spec.id, vb.id),
        changes: c,
    }
}

/// Eligibility, tracks, pathway, modules and evaluation moments.
fn rules_and_pathway(va: &Version, vb: &Version, c: &mut Vec<Change>) {
    let rule = |r: &model::Rule| json!({"mode": r.mode.as_str(), "kind": r.kind, "field": r.field, "value": r.value, "any_of": r.any_of.iter().map(|x| x.id.clone()).collect::<Vec<_>>(), "exceptions": r.exceptions.iter().map(|x| x.id.clone()).collect::<Vec<_>>()});
    let rules = (&va.eligibility.rules[..], &vb.eligibility.rules[..]);
    compare_by_id("eligibility", rules, |r| r.id.clone(), rule, c);
    let track = |t: &model::Track| json!({"duration": t.duration, "extendable": t.extendable});
    compare_by_id(
        "tracks",
        (&va.tracks, &vb.tracks),
        |t| t.id.clone(),
        track,
        c,
    );
    one(
        "pathway",
        "kind",
        json!(va.pathway.kind),
        json!(vb.pathway.kind),
        c,
    );
    let step = |s: &model::Step| json!({"modules": s.modules, "after": s.after, "gate": s.gate.as_ref().map(|g| format!("{} = {}", g.evaluation, g.decision)), "optional": s.optional});
    let steps = (&va.pathway.steps[..], &vb.pathway.steps[..]);
    compare_by_id("pathway steps", steps, |s| s.id.clone(), step, c);
    let module = |m: &model::Module| json!({"kind": m.kind, "duration": m.duration, "group_max": m.group_size.as_ref().and_then(|g| g.max), "delivery_language": m.delivery_language, "entry": m.entry, "routing": m.routing.as_ref().map(|r| r.script.clone())});
    compare_by_id(
        "modules",
        (&va.modules, &vb.modules),
        |m| m.id.clone(),
        module,
        c,
    );
    let eval = |e: &model::Evaluation| json!({"anchor": e.anchor, "at": e.at, "window": e.window.as_ref().map(|w| format!("{} – {}", w.from, w.to)), "every": e.every, "tracks": e.tracks, "decisions": e.decisions});
    let evals = (&va.evaluations[..], &vb.evaluations[..]);
    compare_by_id("evaluations", evals, |e| e.id.clone(), eval, c);
}

/// Staffing, capacity, funders, the funding split and exits.
fn resources(va: &Version, vb: &Version, c: &mut Vec<Change>) {
    let role =
        |r: &model::Role| json!({"fte": r.fte, "counts_for_caseload": r.counts_for_caseload});
    compare_by_id(
        "staffing",
        (&va.staffing, &vb.staffing),
        |r| r.id.clone(),
        role,
        c,
    );
    let norm = |v: &Version| json!(v.capacity.caseload_per_fte);
    one("capacity", "caseload_per_fte", norm(va), norm(vb), c);
    let limit = |v: &Version| json!(v.capacity_limit());
    one("capacity", "capacity", limit(va), limit(vb), c);
    let funder = |f: &model::Funder| json!({"kind": f.kind, "eligible_if": f.eligible_if.iter().map(|x| json!({"kind": x.kind, "value": x.value})).collect::<Vec<_>>()});
    let funders = (&va.funding.funders[..], &vb.funding.funders[..]);
    compare_by_id("funders", funders, |f| f.id.clone(), funder, c);
    let split = |s: &model::Split| {
        json!(s
            .shares
            .iter()
            .map(|x| format!("{} {}%", x.funder, x.percent))
            .collect::<Vec<_>>())
    };
    let splits = (&va.funding.split[..], &vb.funding.split[..]);
    compare_by_id("funding split", splits, |s| s.category.clone(), split, c);
    let exit = |e: &model::Exit| json!(e.kind);
    compare_by_id("exits", (&va.exits, &vb.exits), |e| e.id.clone(), exit, c);
}

pub fn render_text(d: &Diff) -> String {
    let mut out = format!("--- {}\n+++ {}\n", d.a, d.b);
    let mut section = "";
    for ch in &d.changes {
        if ch.section != section {
            section = ch.section;
            out.push_str(&format!("\n{section}\n"));
        }
        let mark = match ch.change {
            "added" => "+",
            "removed" => "-",
            _ => "~",
        };
        match ch.change {
            "added" => out.push_str(&format!("  {mark} {}: {}\n", ch.id, ch.to)),
            "removed" => out.push_str(&format!("  {mark} {}: {}\n", ch.id, ch.from)),
            _ => out.push_str(&format!("  {mark} {}: {} → {}\n", ch.id, ch.from, ch.to)),
        }
    }
    if d.changes.is_empty() {
        out.push_str("no differences\n");
    }
    out
}
