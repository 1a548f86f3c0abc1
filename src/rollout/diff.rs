//! `traject diff`: a semantic difference between two programme versions, by ids rather than
//! lines — eligibility rules, tracks, pathway, modules, evaluation moments, staffing and
//! capacity, funding.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use crate::program::model::Version;
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

pub fn diff(pa: &Program, va: &Version, pb: &Program, vb: &Version) -> Diff {
    let mut c = Vec::new();
    one(
        "identity",
        "ocmw",
        json!(pa.spec.ocmw),
        json!(pb.spec.ocmw),
        &mut c,
    );
    one(
        "identity",
        "society_language",
        json!(pa.spec.society_language),
        json!(pb.spec.society_language),
        &mut c,
    );
    let rule = |r: &crate::program::model::Rule| json!({"mode": r.mode.as_str(), "kind": r.kind, "field": r.field, "value": r.value, "any_of": r.any_of.iter().map(|x| x.id.clone()).collect::<Vec<_>>(), "exceptions": r.exceptions.iter().map(|x| x.id.clone()).collect::<Vec<_>>()});
    compare(
        "eligibility",
        by_id(&va.eligibility.rules, |r| r.id.clone(), rule),
        by_id(&vb.eligibility.rules, |r| r.id.clone(), rule),
        &mut c,
    );
    let track = |t: &crate::program::model::Track| json!({"duration": t.duration, "extendable": t.extendable});
    compare(
        "tracks",
        by_id(&va.tracks, |t| t.id.clone(), track),
        by_id(&vb.tracks, |t| t.id.clone(), track),
        &mut c,
    );
    one(
        "pathway",
        "kind",
        json!(va.pathway.kind),
        json!(vb.pathway.kind),
        &mut c,
    );
    let step = |s: &crate::program::model::Step| json!({"modules": s.modules, "after": s.after, "gate": s.gate.as_ref().map(|g| format!("{} = {}", g.evaluation, g.decision)), "optional": s.optional});
    compare(
        "pathway steps",
        by_id(&va.pathway.steps, |s| s.id.clone(), step),
        by_id(&vb.pathway.steps, |s| s.id.clone(), step),
        &mut c,
    );
    let module = |m: &crate::program::model::Module| json!({"kind": m.kind, "duration": m.duration, "group_max": m.group_size.as_ref().and_then(|g| g.max), "delivery_language": m.delivery_language, "entry": m.entry, "routing": m.routing.as_ref().map(|r| r.script.clone())});
    compare(
        "modules",
        by_id(&va.modules, |m| m.id.clone(), module),
        by_id(&vb.modules, |m| m.id.clone(), module),
        &mut c,
    );
    let eval = |e: &crate::program::model::Evaluation| json!({"anchor": e.anchor, "at": e.at, "window": e.window.as_ref().map(|w| format!("{} – {}", w.from, w.to)), "every": e.every, "tracks": e.tracks, "decisions": e.decisions});
    compare(
        "evaluations",
        by_id(&va.evaluations, |e| e.id.clone(), eval),
        by_id(&vb.evaluations, |e| e.id.clone(), eval),
        &mut c,
    );
    let role = |r: &crate::program::model::Role| json!({"fte": r.fte, "counts_for_caseload": r.counts_for_caseload});
    compare(
        "staffing",
        by_id(&va.staffing, |r| r.id.clone(), role),
        by_id(&vb.staffing, |r| r.id.clone(), role),
        &mut c,
    );
    one(
        "capacity",
        "caseload_per_fte",
        json!(va.capacity.caseload_per_fte),
        json!(vb.capacity.caseload_per_fte),
        &mut c,
    );
    one(
        "capacity",
        "capacity",
        json!(va.capacity_limit()),
        json!(vb.capacity_limit()),
        &mut c,
    );
    let funder = |f: &crate::program::model::Funder| json!({"kind": f.kind, "eligible_if": f.eligible_if.iter().map(|x| json!({"kind": x.kind, "value": x.value})).collect::<Vec<_>>()});
    compare(
        "funders",
        by_id(&va.funding.funders, |f| f.id.clone(), funder),
        by_id(&vb.funding.funders, |f| f.id.clone(), funder),
        &mut c,
    );
    let split = |s: &crate::program::model::Split| {
        json!(s
            .shares
            .iter()
            .map(|x| format!("{} {}%", x.funder, x.percent))
            .collect::<Vec<_>>())
    };
    compare(
        "funding split",
        by_id(&va.funding.split, |s| s.category.clone(), split),
        by_id(&vb.funding.split, |s| s.category.clone(), split),
        &mut c,
    );
    let exit = |e: &crate::program::model::Exit| json!(e.kind);
    compare(
        "exits",
        by_id(&va.exits, |e| e.id.clone(), exit),
        by_id(&vb.exits, |e| e.id.clone(), exit),
        &mut c,
    );
    Diff {
        a: format!("{}@{}", pa.spec.id, va.id),
        b: format!("{}@{}", pb.spec.id, vb.id),
        changes: c,
    }
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
