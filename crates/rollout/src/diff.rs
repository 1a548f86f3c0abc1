//! `traject diff`: a semantic difference between two programme versions, by ids rather than
//! lines — eligibility rules, tracks, pathway, modules, evaluation moments, staffing and
//! capacity, funding, exits. Items are compared by their substance (what decides, not their
//! texts or sources), the same way the loader checks a version's declared `changes:`; when the
//! second version is `based_on` the first, each difference carries the change it declares
//! (source and reason). The text rendering speaks the reader's language: field names and coded
//! values by their labels, one line per changed field.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use traject_model::program::changes::{self, ChangeSection};
use traject_model::program::model::Version;
use traject_model::text::{Label, Lang};

use traject_model::program::Program;

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
    /// The item's own label (from the second version, else the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
    /// The version's own account of this change, when it is `based_on` the other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<Declared>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Declared {
    pub source: String,
    pub reason: Label,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub a: String,
    pub b: String,
    /// The second programme's society language (the one its labels are surely written in).
    #[serde(skip)]
    pub society_language: Lang,
    pub changes: Vec<Change>,
}

/// One item: its substance (compacted) and its label.
type Item = (Value, Option<Label>);

/// Leave out empty facts (null, false, [], {}) at every depth so a change shows what is there.
fn compact(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, x)| (k, compact(x)))
                .filter(|(_, x)| {
                    !(x.is_null()
                        || *x == Value::Bool(false)
                        || x.as_array().is_some_and(Vec::is_empty)
                        || x.as_object().is_some_and(serde_json::Map::is_empty))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(compact).collect()),
        other => other,
    }
}

/// The items of a list by `key`, as the loader's change check sees them.
fn items<T: Serialize>(list: &[T], key: &str) -> BTreeMap<String, Item> {
    list.iter()
        .filter_map(|x| {
            let v = serde_json::to_value(x).ok()?;
            let id = v.get(key)?.as_str()?.to_string();
            let label = v
                .get("label")
                .and_then(|l| serde_json::from_value::<Label>(l.clone()).ok());
            let mut body = compact(changes::substance(&v));
            if let Some(m) = body.as_object_mut() {
                m.remove(key);
            }
            Some((id, (body, label)))
        })
        .collect()
}

struct Collector<'a> {
    out: Vec<Change>,
    declared: BTreeMap<(ChangeSection, String), &'a changes::VersionChange>,
}

impl Collector<'_> {
    fn push(&mut self, section: &'static str, id: &str, change: &'static str, a: Value, b: Value) {
        self.push_item(section, id, change, (a, None), (b, None));
    }

    fn push_item(
        &mut self,
        section: &'static str,
        id: &str,
        change: &'static str,
        (from, la): Item,
        (to, lb): Item,
    ) {
        let declared = section_of(section).and_then(|s| {
            let key = if s == ChangeSection::Capacity {
                "capacity"
            } else {
                id
            };
            self.declared.get(&(s, key.to_string())).map(|c| Declared {
                source: c.source.clone(),
                reason: c.reason.clone(),
            })
        });
        self.out.push(Change {
            section,
            id: id.to_string(),
            change,
            from,
            to,
            label: lb.or(la),
            declared,
        });
    }

    fn compare(
        &mut self,
        section: &'static str,
        a: BTreeMap<String, Item>,
        b: BTreeMap<String, Item>,
    ) {
        for (id, ia) in &a {
            match b.get(id) {
                None => self.push_item(section, id, "removed", ia.clone(), (Value::Null, None)),
                Some(ib) if ib.0 != ia.0 => {
                    self.push_item(section, id, "changed", ia.clone(), ib.clone())
                }
                _ => {}
            }
        }
        for (id, ib) in b {
            if !a.contains_key(&id) {
                self.push_item(section, &id, "added", (Value::Null, None), ib);
            }
        }
    }

    fn one(&mut self, section: &'static str, id: &str, a: Value, b: Value) {
        if a != b {
            self.push(section, id, "changed", a, b);
        }
    }
}

/// The loader's section for a diff section (the ones whose changes a version declares).
fn section_of(section: &str) -> Option<ChangeSection> {
    Some(match section {
        "eligibility" => ChangeSection::Eligibility,
        "tracks" => ChangeSection::Tracks,
        "modules" => ChangeSection::Modules,
        "evaluations" => ChangeSection::Evaluations,
        "staffing" => ChangeSection::Staffing,
        "capacity" => ChangeSection::Capacity,
        "funders" => ChangeSection::Funders,
        "funding split" => ChangeSection::FundingSplit,
        _ => return None,
    })
}

/// What changed from `pa@va` to `pb@vb`, section by section, matched by id.
pub fn diff(pa: &Program, va: &Version, pb: &Program, vb: &Version) -> Diff {
    let based = pa.spec.id == pb.spec.id && vb.based_on.as_deref() == Some(va.id.as_str());
    let mut c = Collector {
        out: Vec::new(),
        declared: if based {
            changes::by_item(&vb.changes)
        } else {
            BTreeMap::new()
        },
    };
    let identity = |p: &Program| (json!(p.spec.ocmw), json!(p.spec.society_language));
    let ((ocmw_a, lang_a), (ocmw_b, lang_b)) = (identity(pa), identity(pb));
    c.one("identity", "ocmw", ocmw_a, ocmw_b);
    c.one("identity", "society_language", lang_a, lang_b);
    let rules = |v: &Version| items(&v.eligibility.rules, "id");
    c.compare("eligibility", rules(va), rules(vb));
    c.compare("tracks", items(&va.tracks, "id"), items(&vb.tracks, "id"));
    c.one(
        "pathway",
        "kind",
        json!(va.pathway.kind),
        json!(vb.pathway.kind),
    );
    let steps = |v: &Version| items(&v.pathway.steps, "id");
    c.compare("pathway steps", steps(va), steps(vb));
    c.compare(
        "modules",
        items(&va.modules, "id"),
        items(&vb.modules, "id"),
    );
    let evals = |v: &Version| items(&v.evaluations, "id");
    c.compare("evaluations", evals(va), evals(vb));
    c.compare(
        "staffing",
        items(&va.staffing, "id"),
        items(&vb.staffing, "id"),
    );
    let norm = |v: &Version| json!(v.capacity.caseload_per_fte);
    c.one("capacity", "caseload_per_fte", norm(va), norm(vb));
    let limit = |v: &Version| json!(v.capacity_limit());
    c.one("capacity", "capacity", limit(va), limit(vb));
    let policy = |v: &Version| json!(v.capacity.waiting_list);
    c.one("capacity", "waiting_list", policy(va), policy(vb));
    let funders = |v: &Version| items(&v.funding.funders, "id");
    c.compare("funders", funders(va), funders(vb));
    let split = |v: &Version| items(&v.funding.split, "category");
    c.compare("funding split", split(va), split(vb));
    c.compare("exits", items(&va.exits, "id"), items(&vb.exits, "id"));
    Diff {
        a: format!("{}@{}", pa.spec.id, va.id),
        b: format!("{}@{}", pb.spec.id, vb.id),
        society_language: pb.spec.society_language,
        changes: c.out,
    }
}
