//! Justified changes between versions: a version that is `based_on` another must say, in its
//! `changes:` list, what it adds, removes or changes in the decision-relevant sections
//! (eligibility rules, tracks, modules, evaluation moments, staffing, capacity, funders and
//! the funding split), each with a source and a reason. The loader compares the two resolved
//! versions (under the option choices in force) and refuses any difference no entry covers,
//! and any entry that covers no difference — so a rule can no longer vanish silently when a
//! later version rewrites a section.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::diag::{did_you_mean, Diagnostic};
use crate::problem::ChangeProblem;
use crate::yaml::SpanIndex;

/// The parts of a version whose differences must be declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeSection {
    Eligibility,
    Tracks,
    Modules,
    Evaluations,
    Staffing,
    Capacity,
    Funders,
    FundingSplit,
}

impl ChangeSection {
    pub const ALL: [ChangeSection; 8] = [
        ChangeSection::Eligibility,
        ChangeSection::Tracks,
        ChangeSection::Modules,
        ChangeSection::Evaluations,
        ChangeSection::Staffing,
        ChangeSection::Capacity,
        ChangeSection::Funders,
        ChangeSection::FundingSplit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeSection::Eligibility => "eligibility",
            ChangeSection::Tracks => "tracks",
            ChangeSection::Modules => "modules",
            ChangeSection::Evaluations => "evaluations",
            ChangeSection::Staffing => "staffing",
            ChangeSection::Capacity => "capacity",
            ChangeSection::Funders => "funders",
            ChangeSection::FundingSplit => "funding_split",
        }
    }

    /// Where the section's items sit in a version, and the key naming each item.
    fn path(self) -> (&'static [&'static str], &'static str) {
        match self {
            ChangeSection::Eligibility => (&["eligibility", "rules"], "id"),
            ChangeSection::Tracks => (&["tracks"], "id"),
            ChangeSection::Modules => (&["modules"], "id"),
            ChangeSection::Evaluations => (&["evaluations"], "id"),
            ChangeSection::Staffing => (&["staffing"], "id"),
            ChangeSection::Capacity => (&["capacity"], ""),
            ChangeSection::Funders => (&["funding", "funders"], "id"),
            ChangeSection::FundingSplit => (&["funding", "split"], "category"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One id or several ids sharing a reason.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Ids {
    One(String),
    Many(Vec<String>),
}

impl Ids {
    pub fn list(&self) -> Vec<&str> {
        match self {
            Ids::One(s) => vec![s.as_str()],
            Ids::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// One declared change of a version against the version it is based on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VersionChange {
    #[serde(rename = "_ptr", default)]
    pub ptr: String,
    pub section: ChangeSection,
    /// The item (rule, track, module, … id; a cost category for the funding split). Not
    /// written for `capacity`, which is one item.
    #[serde(default)]
    pub id: Option<Ids>,
    pub change: ChangeKind,
    pub source: String,
    pub reason: crate::text::Label,
}

impl VersionChange {
    pub fn ids(&self) -> Vec<&str> {
        match (&self.id, self.section) {
            (Some(ids), _) => ids.list(),
            (None, ChangeSection::Capacity) => vec!["capacity"],
            (None, _) => vec![],
        }
    }
}

/// Keys that present an item (texts, sources) rather than decide anything: a change in them
/// needs no justification.
const PRESENTATION: &[&str] = &[
    "_ptr",
    "source",
    "label",
    "note",
    "goals",
    "selection",
    "name",
    "role",
    "summary",
];

pub fn substance(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !PRESENTATION.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), substance(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(substance).collect()),
        other => other.clone(),
    }
}

/// Whether two items decide the same: equal once their presentation keys are set aside
/// (what comparing their `substance` says, without making either copy: every load of every
/// option choice compares each section of each version with its base).
fn same_substance(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            let decisive = |m: &'_ serde_json::Map<String, Value>| {
                m.iter()
                    .filter(|(k, _)| !PRESENTATION.contains(&k.as_str()))
                    .count()
            };
            decisive(a) == decisive(b)
                && a.iter()
                    .filter(|(k, _)| !PRESENTATION.contains(&k.as_str()))
                    .all(|(k, va)| b.get(k).is_some_and(|vb| same_substance(va, vb)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_substance(x, y))
        }
        _ => a == b,
    }
}

/// A section's items by id: the item and the pointer it was written at.
fn items(version: &Value, section: ChangeSection) -> BTreeMap<&str, (&Value, &str)> {
    let (path, key) = section.path();
    let mut at = version;
    for p in path {
        match at.get(*p) {
            Some(v) => at = v,
            None => return BTreeMap::new(),
        }
    }
    fn ptr_of(v: &Value) -> &str {
        v.get("_ptr").and_then(Value::as_str).unwrap_or_default()
    }
    if key.is_empty() {
        return BTreeMap::from([("capacity", (at, ptr_of(at)))]);
    }
    at.as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| {
            let id = item.get(key)?.as_str()?;
            Some((id, (item, ptr_of(item))))
        })
        .collect()
}

/// One difference found between a version and its base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub section: ChangeSection,
    pub id: String,
    pub change: ChangeKind,
    /// Where it shows in the version: the item, or the section that no longer has it.
    pub ptr: String,
}

/// Every decision-relevant difference from `base` to `version` (both resolved JSON).
pub fn differences(base: &Value, version: &Value) -> Vec<Difference> {
    let vptr = version["_ptr"].as_str().unwrap_or_default();
    let mut out = Vec::new();
    for section in ChangeSection::ALL {
        let (a, b) = (items(base, section), items(version, section));
        let section_ptr = format!("{vptr}/{}", section.path().0[0]);
        for (id, (va, _)) in &a {
            match b.get(id) {
                None => out.push(Difference {
                    section,
                    id: id.to_string(),
                    change: ChangeKind::Removed,
                    ptr: section_ptr.clone(),
                }),
                Some((vb, ptr)) if !same_substance(va, vb) => out.push(Difference {
                    section,
                    id: id.to_string(),
                    change: ChangeKind::Changed,
                    ptr: ptr.to_string(),
                }),
                _ => {}
            }
        }
        for (id, (_, ptr)) in &b {
            if !a.contains_key(id) {
                out.push(Difference {
                    section,
                    id: id.to_string(),
                    change: ChangeKind::Added,
                    ptr: ptr.to_string(),
                });
            }
        }
    }
    out
}

/// Check every `based_on` version's `changes:` against the differences it really has.
/// `versions` are resolved (inheritance applied, options filtered).
pub fn check(
    file: &str,
    society_language: &str,
    versions: &[&Value],
    index: &SpanIndex,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let err = |ptr: &str, problem: ChangeProblem| {
        let place = index.locate(ptr);
        Diagnostic::error(file, place.value, problem).with_width(place.width)
    };
    for (i, version) in versions.iter().enumerate() {
        let vid = version["id"].as_str().unwrap_or_default();
        let declared = parse_changes(version);
        let base_id = version.get("based_on").and_then(Value::as_str);
        let base = base_id.and_then(|b| versions[..i].iter().copied().find(|v| v["id"] == b));
        let Some(base) = base else {
            if base_id.is_none() {
                if let Some((ptr, _)) = declared.first() {
                    let problem = ChangeProblem::WithoutBase {
                        version: vid.to_string(),
                    };
                    out.push(err(ptr, problem));
                }
            }
            continue;
        };
        let pair = Pair {
            version: vid,
            base: base_id.unwrap_or_default(),
        };
        let found = differences(base, version);
        out.extend(uncovered(&found, &declared, &pair, &err));
        out.extend(unfounded(&found, &declared, &pair, society_language, &err));
    }
    out
}

/// A version and the version it is based on.
struct Pair<'a> {
    version: &'a str,
    base: &'a str,
}

type Declared = Vec<(String, VersionChange)>;

/// The version's `changes:` entries that parse (the schema has reported the others).
fn parse_changes(version: &Value) -> Declared {
    version
        .get("changes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let ch: VersionChange = serde_json::from_value(c.clone()).ok()?;
            Some((ch.ptr.clone(), ch))
        })
        .collect()
}

fn covers(c: &VersionChange, d: &Difference) -> bool {
    c.section == d.section && c.ids().contains(&d.id.as_str())
}

/// Differences no entry declares.
fn uncovered(
    found: &[Difference],
    declared: &Declared,
    pair: &Pair,
    err: &impl Fn(&str, ChangeProblem) -> Diagnostic,
) -> Vec<Diagnostic> {
    found
        .iter()
        .filter(|d| !declared.iter().any(|(_, c)| covers(c, d)))
        .map(|d| {
            let problem = ChangeProblem::Undeclared {
                version: pair.version.to_string(),
                base: pair.base.to_string(),
                section: d.section,
                change: d.change,
                id: (d.section != ChangeSection::Capacity).then(|| d.id.clone()),
            };
            err(&d.ptr, problem)
        })
        .collect()
}

/// Entries that declare a difference the versions do not have, or name it wrongly.
fn unfounded(
    found: &[Difference],
    declared: &Declared,
    pair: &Pair,
    society_language: &str,
    err: &impl Fn(&str, ChangeProblem) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<(ChangeSection, String)> = BTreeSet::new();
    for (ptr, c) in declared {
        out.extend(entry_form(ptr, c, society_language, err));
        for id in c.ids() {
            if !seen.insert((c.section, id.to_string())) {
                let problem = ChangeProblem::DeclaredTwice {
                    section: c.section,
                    id: id.to_string(),
                };
                out.push(err(&format!("{ptr}/id"), problem));
                continue;
            }
            out.extend(against_found(ptr, c, id, found, pair, err));
        }
    }
    out
}

/// An entry's own form: an `id` where the section has items, a reason in the society language.
fn entry_form(
    ptr: &str,
    c: &VersionChange,
    society_language: &str,
    err: &impl Fn(&str, ChangeProblem) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if c.id.is_none() && c.section != ChangeSection::Capacity {
        out.push(err(ptr, ChangeProblem::NeedsId { section: c.section }));
    }
    if !c.reason.0.keys().any(|l| l.code() == society_language) {
        let problem = ChangeProblem::ReasonMissingSocietyText {
            language: society_language.to_string(),
        };
        out.push(err(&format!("{ptr}/reason"), problem));
    }
    out
}

/// What an entry says of one item against what the two versions show.
fn against_found(
    ptr: &str,
    c: &VersionChange,
    id: &str,
    found: &[Difference],
    pair: &Pair,
    err: &impl Fn(&str, ChangeProblem) -> Diagnostic,
) -> Option<Diagnostic> {
    let actual = found.iter().find(|d| d.section == c.section && d.id == id);
    match actual {
        Some(d) if d.change == c.change => None,
        Some(d) => {
            let problem = ChangeProblem::WrongChange {
                section: c.section,
                id: id.to_string(),
                said: c.change,
                is: d.change,
                version: pair.version.to_string(),
                base: pair.base.to_string(),
            };
            Some(err(&format!("{ptr}/change"), problem))
        }
        None => {
            let others = found
                .iter()
                .filter(|d| d.section == c.section)
                .map(|d| d.id.as_str());
            let problem = ChangeProblem::NoDifference {
                section: c.section,
                id: id.to_string(),
                said: c.change,
                version: pair.version.to_string(),
                base: pair.base.to_string(),
                nearest: did_you_mean(id, others).map(str::to_string),
            };
            Some(err(ptr, problem))
        }
    }
}

/// The resolved versions of a loaded programme document, as JSON (for the check above),
/// borrowed from it.
pub fn resolved_versions(value: &Value) -> Vec<&Value> {
    value["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v.is_object())
        .collect()
}

/// A version's declared changes in a map by section and id, for readers (show, diff).
pub fn by_item(changes: &[VersionChange]) -> BTreeMap<(ChangeSection, String), &VersionChange> {
    let mut out = BTreeMap::new();
    for c in changes {
        for id in c.ids() {
            out.insert((c.section, id.to_string()), c);
        }
    }
    out
}
