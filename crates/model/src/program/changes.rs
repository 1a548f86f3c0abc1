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

use crate::diag::{suggestion_in, Diagnostic};
use crate::yaml::SpanIndex;
use traject_i18n::Lang;

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

    /// What one item of the section is called in a message.
    fn item(self) -> &'static str {
        match self {
            ChangeSection::Eligibility => "rule",
            ChangeSection::Tracks => "track",
            ChangeSection::Modules => "module",
            ChangeSection::Evaluations => "evaluation",
            ChangeSection::Staffing => "role",
            ChangeSection::Capacity => "capacity",
            ChangeSection::Funders => "funder",
            ChangeSection::FundingSplit => "cost category",
        }
    }

    /// The item with its article, in Dutch and French: ("de regel", "la règle").
    fn item_in(self) -> (&'static str, &'static str) {
        match self {
            ChangeSection::Eligibility => ("de regel", "la règle"),
            ChangeSection::Tracks => ("het traject", "le parcours"),
            ChangeSection::Modules => ("de module", "le module"),
            ChangeSection::Evaluations => ("de evaluatie", "l'évaluation"),
            ChangeSection::Staffing => ("de functie", "la fonction"),
            ChangeSection::Capacity => ("de capaciteit", "la capacité"),
            ChangeSection::Funders => ("de financier", "le financeur"),
            ChangeSection::FundingSplit => ("de kostensoort", "la catégorie de coûts"),
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
    pub reason: traject_i18n::Label,
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

/// A section's items by id: their substance and the pointer they were written at.
fn items(version: &Value, section: ChangeSection) -> BTreeMap<String, (Value, String)> {
    let (path, key) = section.path();
    let mut at = version;
    for p in path {
        match at.get(*p) {
            Some(v) => at = v,
            None => return BTreeMap::new(),
        }
    }
    let ptr_of = |v: &Value| v["_ptr"].as_str().unwrap_or_default().to_string();
    if key.is_empty() {
        return BTreeMap::from([("capacity".to_string(), (substance(at), ptr_of(at)))]);
    }
    at.as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| {
            let id = item.get(key)?.as_str()?.to_string();
            Some((id, (substance(item), ptr_of(item))))
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
                    id: id.clone(),
                    change: ChangeKind::Removed,
                    ptr: section_ptr.clone(),
                }),
                Some((vb, ptr)) if vb != va => out.push(Difference {
                    section,
                    id: id.clone(),
                    change: ChangeKind::Changed,
                    ptr: ptr.clone(),
                }),
                _ => {}
            }
        }
        for (id, (_, ptr)) in &b {
            if !a.contains_key(id) {
                out.push(Difference {
                    section,
                    id: id.clone(),
                    change: ChangeKind::Added,
                    ptr: ptr.clone(),
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
    versions: &[Value],
    index: &SpanIndex,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let err = |ptr: &str, msg: String, help: String| {
        let place = index.locate(ptr);
        Diagnostic::error(file, place.value, msg)
            .with_width(place.width)
            .with_help(help)
    };
    for (i, version) in versions.iter().enumerate() {
        let vid = version["id"].as_str().unwrap_or_default();
        let declared = parse_changes(version);
        let base_id = version.get("based_on").and_then(Value::as_str);
        let base = base_id.and_then(|b| versions[..i].iter().find(|v| v["id"] == b));
        let Some(base) = base else {
            if base_id.is_none() {
                if let Some((ptr, _)) = declared.first() {
                    out.push(err(
                        ptr,
                        format!("version '{vid}' declares changes but is not `based_on` another version"),
                        "remove `changes:`, or add `based_on: <earlier version id>` that they are changes from".into(),
                    )
                    .nl(
                        format!("versie '{vid}' geeft wijzigingen op maar steunt niet (`based_on`) op een andere versie"),
                        "verwijder `changes:`, of voeg `based_on: <id van een eerdere versie>` toe waartegenover ze wijzigingen zijn",
                    )
                    .fr(
                        format!("la version «\u{a0}{vid}\u{a0}» déclare des changements mais ne repose (`based_on`) sur aucune autre version"),
                        "supprimez `changes:`, ou ajoutez `based_on: <id d'une version antérieure>` par rapport à laquelle ce sont des changements",
                    ));
                }
            }
            continue;
        };
        let base_id = base_id.unwrap_or_default();
        let found = differences(base, version);
        out.extend(uncovered(&found, &declared, vid, base_id, &err));
        out.extend(unfounded(
            &found,
            &declared,
            vid,
            base_id,
            society_language,
            &err,
        ));
    }
    out
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
    vid: &str,
    base_id: &str,
    err: &impl Fn(&str, String, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in found {
        if declared.iter().any(|(_, c)| covers(c, d)) {
            continue;
        }
        let (message, help, entry) = undeclared_en(d, vid, base_id);
        let [(nl, nl_help), (fr, fr_help)] = undeclared_local(d, vid, base_id, &entry);
        out.push(err(&d.ptr, message, help).nl(nl, nl_help).fr(fr, fr_help));
    }
    out
}

/// The English message and help for an undeclared difference, and the `changes:` entry that
/// would declare it.
fn undeclared_en(d: &Difference, vid: &str, base_id: &str) -> (String, String, String) {
    let what = d.section.item();
    let verb = match d.change {
        ChangeKind::Added => "adds",
        ChangeKind::Removed => "removes",
        ChangeKind::Changed => "changes",
    };
    let id = if d.section == ChangeSection::Capacity {
        String::new()
    } else {
        format!(" '{}'", d.id)
    };
    let id_key = if d.section == ChangeSection::Capacity {
        String::new()
    } else {
        format!("id: {}, ", d.id)
    };
    let undo = match d.change {
        ChangeKind::Removed => format!("restore the {what}"),
        ChangeKind::Added => format!("remove the {what}"),
        ChangeKind::Changed => format!("write the {what} as in version '{base_id}'"),
    };
    let against = match d.change {
        ChangeKind::Added => {
            format!(", which version '{base_id}' (its `based_on`) does not have,")
        }
        _ => format!(" of version '{base_id}' (its `based_on`)"),
    };
    let entry = format!(
        "`changes: [{{section: {}, {id_key}change: {}, source: \"<seed:line>\", reason: {{…}}}}]`",
        d.section.as_str(),
        d.change.as_str()
    );
    (
        format!("version '{vid}' {verb} {what}{id}{against} without saying why"),
        format!("add to version '{vid}': {entry}, or {undo}"),
        entry,
    )
}

/// The Dutch and French message and help for an undeclared difference.
fn undeclared_local(
    d: &Difference,
    vid: &str,
    base_id: &str,
    entry: &str,
) -> [(String, String); 2] {
    let id = if d.section == ChangeSection::Capacity {
        String::new()
    } else {
        format!(" '{}'", d.id)
    };
    let (nl_item, fr_item) = d.section.item_in();
    let (nl_verb, fr_verb) = match d.change {
        ChangeKind::Added => ("voegt", "ajoute"),
        ChangeKind::Removed => ("verwijdert", "retire"),
        ChangeKind::Changed => ("wijzigt", "modifie"),
    };
    let nl_against = match d.change {
        ChangeKind::Added => {
            format!(" toe, die versie '{base_id}' (haar `based_on`) niet heeft,")
        }
        _ => format!(" van versie '{base_id}' (haar `based_on`)"),
    };
    let fr_against = match d.change {
        ChangeKind::Added => {
            format!(", qui n'existe pas dans la version «\u{a0}{base_id}\u{a0}» (son `based_on`),")
        }
        _ => format!(" de la version «\u{a0}{base_id}\u{a0}» (son `based_on`)"),
    };
    let (nl_undo, fr_undo) = match d.change {
        ChangeKind::Removed => (
            format!("zet {nl_item} terug"),
            format!("rétablissez {fr_item}"),
        ),
        ChangeKind::Added => (
            format!("verwijder {nl_item}"),
            format!("supprimez {fr_item}"),
        ),
        ChangeKind::Changed => (
            format!("schrijf {nl_item} zoals in versie '{base_id}'"),
            format!("écrivez {fr_item} comme dans la version «\u{a0}{base_id}\u{a0}»"),
        ),
    };
    let fr_id = id.replace(" '", " «\u{a0}").replace('\'', "\u{a0}»");
    [
        (
            format!("versie '{vid}' {nl_verb} {nl_item}{id}{nl_against} zonder te zeggen waarom"),
            format!("voeg toe aan versie '{vid}': {entry}, of {nl_undo}"),
        ),
        (
            format!(
                "la version «\u{a0}{vid}\u{a0}» {fr_verb} {fr_item}{fr_id}{fr_against} sans dire pourquoi"
            ),
            format!("ajoutez à la version «\u{a0}{vid}\u{a0}» : {entry}, ou {fr_undo}"),
        ),
    ]
}

/// Entries that declare a difference the versions do not have, or name it wrongly.
fn unfounded(
    found: &[Difference],
    declared: &Declared,
    vid: &str,
    base_id: &str,
    society_language: &str,
    err: &impl Fn(&str, String, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<(ChangeSection, String)> = BTreeSet::new();
    for (ptr, c) in declared {
        out.extend(entry_form(ptr, c, society_language, err));
        for id in c.ids() {
            if !seen.insert((c.section, id.to_string())) {
                let (nl_item, fr_item) = c.section.item_in();
                out.push(
                    err(
                        &format!("{ptr}/id"),
                        format!(
                            "{} '{id}' is declared twice in `changes:`",
                            c.section.item()
                        ),
                        "keep one entry per item".into(),
                    )
                    .nl(
                        format!("{nl_item} '{id}' staat twee keer in `changes:`"),
                        "één element per item",
                    )
                    .fr(
                        format!(
                            "{fr_item} «\u{a0}{id}\u{a0}» est déclaré(e) deux fois dans `changes:`"
                        ),
                        "une seule entrée par élément",
                    ),
                );
                continue;
            }
            out.extend(against_found(ptr, c, id, found, vid, base_id, err));
        }
    }
    out
}

/// An entry's own form: an `id` where the section has items, a reason in the society language.
fn entry_form(
    ptr: &str,
    c: &VersionChange,
    society_language: &str,
    err: &impl Fn(&str, String, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if c.id.is_none() && c.section != ChangeSection::Capacity {
        let (nl_item, fr_item) = c.section.item_in();
        out.push(
            err(
                ptr,
                format!("a change of {} needs an `id`", c.section.as_str()),
                format!("name the {} it is about: `id: <id>`", c.section.item()),
            )
            .nl(
                format!(
                    "een wijziging van {} heeft een `id` nodig",
                    c.section.as_str()
                ),
                format!("noem {nl_item} waarover het gaat: `id: <id>`"),
            )
            .fr(
                format!("un changement de {} demande un `id`", c.section.as_str()),
                format!("nommez {fr_item} dont il s'agit : `id: <id>`"),
            ),
        );
    }
    if !c.reason.0.keys().any(|l| l.code() == society_language) {
        let l = society_language;
        out.push(
            err(
                &format!("{ptr}/reason"),
                format!("text is missing in the society language '{l}'"),
                format!("add `{l}: …` to this reason; other languages fall back to it"),
            )
            .nl(
                format!("tekst ontbreekt in de taal van de samenleving '{l}'"),
                format!("voeg `{l}: …` toe aan deze reden; andere talen vallen erop terug"),
            )
            .fr(
                format!("le texte manque dans la langue de la société «\u{a0}{l}\u{a0}»"),
                format!("ajoutez `{l}: …` à ce motif ; les autres langues s'y replient"),
            ),
        );
    }
    out
}

/// What an entry says of one item against what the two versions show.
fn against_found(
    ptr: &str,
    c: &VersionChange,
    id: &str,
    found: &[Difference],
    vid: &str,
    base_id: &str,
    err: &impl Fn(&str, String, String) -> Diagnostic,
) -> Option<Diagnostic> {
    let actual = found.iter().find(|d| d.section == c.section && d.id == id);
    match actual {
        Some(d) if d.change == c.change => None,
        Some(d) => {
            let (nl_item, fr_item) = c.section.item_in();
            let (said, is) = (c.change.as_str(), d.change.as_str());
            Some(
                err(
                    &format!("{ptr}/change"),
                    format!(
                        "{} '{id}' is declared {said}, but version '{vid}' has it {is} against version '{base_id}'",
                        c.section.item(),
                    ),
                    format!("write `change: {is}`"),
                )
                .nl(
                    format!(
                        "{nl_item} '{id}' staat als {said}, maar versie '{vid}' heeft het {is} tegenover versie '{base_id}'"
                    ),
                    format!("schrijf `change: {is}`"),
                )
                .fr(
                    format!(
                        "{fr_item} «\u{a0}{id}\u{a0}» est déclaré(e) {said}, mais la version «\u{a0}{vid}\u{a0}» l'a {is} par rapport à la version «\u{a0}{base_id}\u{a0}»"
                    ),
                    format!("écrivez `change: {is}`"),
                ),
            )
        }
        None => {
            let others: Vec<&str> = found
                .iter()
                .filter(|d| d.section == c.section)
                .map(|d| d.id.as_str())
                .collect();
            let (nl_item, fr_item) = c.section.item_in();
            let said = c.change.as_str();
            let mean = |lang| suggestion_in(id, others.iter().copied(), lang);
            Some(
                err(
                    ptr,
                    format!(
                        "{} '{id}' is declared {said}, but it is the same in version '{vid}' as in version '{base_id}'{}",
                        c.section.item(),
                        mean(Lang::En)
                    ),
                    "remove the entry; only what differs from the base version is declared (texts and sources need no entry)".into(),
                )
                .nl(
                    format!(
                        "{nl_item} '{id}' staat als {said}, maar is in versie '{vid}' hetzelfde als in versie '{base_id}'{}",
                        mean(Lang::Nl)
                    ),
                    "verwijder het element; alleen wat verschilt van de basisversie wordt opgegeven (teksten en bronnen niet)",
                )
                .fr(
                    format!(
                        "{fr_item} «\u{a0}{id}\u{a0}» est déclaré(e) {said}, mais est identique dans la version «\u{a0}{vid}\u{a0}» et la version «\u{a0}{base_id}\u{a0}»{}",
                        mean(Lang::Fr)
                    ),
                    "supprimez l'entrée ; seul ce qui diffère de la version de base est déclaré (pas les textes ni les sources)",
                ),
            )
        }
    }
}

/// The resolved versions of a loaded programme document, as JSON (for the check above).
pub fn resolved_versions(value: &Value) -> Vec<Value> {
    value["versions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(Value::is_object)
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
