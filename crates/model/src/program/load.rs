//! Loading a programme: text → spanned YAML → schema check → options and version
//! inheritance resolved → typed model → semantic checks. Every stage reports all the problems
//! it finds, located; a later stage runs only when the earlier one found none, so one typo
//! never produces a cascade of follow-on errors.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::changes;
use super::check::semantic_checks;
use super::model::{ProgramSpec, Version};
use super::schema::check_program;
use crate::diag::{did_you_mean, Diagnostic, Pos};
pub use crate::diag::{display_path, LoadError};
use crate::problem::{FileProblem, LoadProblem};
use crate::yaml::{self, escape_segment, SpanIndex};

/// Sections a version may take from the version it is `based_on`.
pub const INHERITED_SECTIONS: &[&str] = &[
    "funding_call",
    "eligibility",
    "tracks",
    "modules",
    "phases",
    "pathway",
    "evaluations",
    "exits",
    "staffing",
    "capacity",
    "funding",
    "partners",
    "demand",
    "pause",
    "reopen",
    "attendance",
];

/// Sections every version must have once inheritance is resolved.
const REQUIRED_SECTIONS: &[&str] = &[
    "eligibility",
    "modules",
    "pathway",
    "evaluations",
    "exits",
    "staffing",
    "capacity",
    "funding",
];

/// A loaded, checked programme.
#[derive(Debug, Clone)]
pub struct Program {
    pub spec: ProgramSpec,
    /// The file name as shown in messages (e.g. `programs/<id>.yaml`).
    pub file: String,
    /// Where each part of the file is (shared: every option choice's load of one parsed file
    /// points into the same text).
    pub index: std::sync::Arc<SpanIndex>,
    /// The option choices in force (defaults unless overridden).
    pub options: BTreeMap<String, String>,
    /// The file's text, to show offending lines in later diagnostics.
    pub text: String,
    /// The Rhai scripts the programme uses, by name, as read when it was loaded (or as pinned
    /// in a stored snapshot): compiled from here, part of each version's content hash.
    pub scripts: BTreeMap<String, PinnedScript>,
}

/// One script's display path and text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PinnedScript {
    pub file: String,
    pub text: String,
}

impl Program {
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// A script's display path and text: as pinned at load, else looked up.
    pub fn script(&self, name: &str) -> Option<(String, String)> {
        match self.scripts.get(name) {
            Some(p) => Some((p.file.clone(), p.text.clone())),
            None => super::scripts::find(&self.file, name),
        }
    }

    /// Line and column of the element written at `ptr`.
    pub fn pos(&self, ptr: &str) -> Pos {
        self.index.locate(ptr).value
    }

    /// `file:line` of the element written at `ptr`.
    pub fn at(&self, ptr: &str) -> String {
        format!("{}:{}", self.file, self.pos(ptr).line)
    }

    pub fn version(&self, id: &str) -> Option<&Version> {
        self.spec.versions.iter().find(|v| v.id == id)
    }

    /// The version in force on `date`, or an error naming the nearest version and its period.
    pub fn version_on(&self, date: chrono::NaiveDate) -> Result<&Version, VersionError> {
        if let Some(v) = self.spec.versions.iter().find(|v| v.in_force_on(date)) {
            return Ok(v);
        }
        let nearest = self
            .spec
            .versions
            .iter()
            .min_by_key(|v| {
                let to = v.valid_to.unwrap_or(chrono::NaiveDate::MAX);
                if date < v.valid_from {
                    (v.valid_from - date).num_days()
                } else {
                    (date - to).num_days()
                }
            })
            .expect("a programme has at least one version (schema)");
        Err(VersionError::NotInForce {
            program: self.spec.id.clone(),
            date,
            nearest: nearest.id.clone(),
            from: nearest.valid_from,
            to: nearest.valid_to,
        })
    }

    /// The version named, else the most recent one (the schema requires at least one).
    pub fn pick_version(&self, id: Option<&str>) -> Result<&Version, VersionError> {
        let Some(id) = id else {
            return Ok(self
                .spec
                .versions
                .iter()
                .max_by_key(|v| v.valid_from)
                .expect("a programme has at least one version (schema)"));
        };
        self.version(id).ok_or_else(|| {
            let known: Vec<String> = self.spec.versions.iter().map(|v| v.id.clone()).collect();
            VersionError::Unknown {
                program: self.spec.id.clone(),
                suggestion: did_you_mean(id, known.iter().map(String::as_str)).map(str::to_string),
                asked: id.to_string(),
                known,
            }
        })
    }

    /// The version in force on `date`, else the most recent one (caseload on a day between
    /// versions still shows the latest capacity).
    pub fn version_on_or_latest(&self, date: chrono::NaiveDate) -> &Version {
        self.version_on(date)
            .or_else(|_| self.pick_version(None))
            .expect("pick_version(None) always finds one")
    }
}

/// A programme version that does not exist or is not in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionError {
    NotInForce {
        program: String,
        date: chrono::NaiveDate,
        nearest: String,
        from: chrono::NaiveDate,
        to: Option<chrono::NaiveDate>,
    },
    Unknown {
        program: String,
        asked: String,
        /// The version id the asked one most likely means.
        suggestion: Option<String>,
        known: Vec<String>,
    },
}

/// Choices for named options, e.g. `income_rule=leefloon_only`.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub choices: BTreeMap<String, String>,
    /// Script texts to use instead of looking the scripts up (a stored snapshot's, so a case
    /// keeps the exact scripts it was judged under).
    pub scripts: Option<BTreeMap<String, PinnedScript>>,
}

/// Load a programme from a file on disk.
pub fn load_path(path: &Path, opts: &LoadOptions) -> Result<Program, LoadError> {
    let (display, bytes) = read_programme(path)?;
    load_bytes(&display, &bytes, opts)
}

/// Load a programme from bytes, naming it `display` in messages.
pub fn load_bytes(display: &str, bytes: &[u8], opts: &LoadOptions) -> Result<Program, LoadError> {
    Parsed::from_bytes(display, bytes)?.into_program(opts)
}

/// A programme file read, parsed and checked against the schema — what does not depend on
/// the option choices — so that loading it under every choice parses it once.
#[derive(Debug, Clone)]
pub struct Parsed {
    file: String,
    text: String,
    /// The document with each mapping's pointer recorded (`_ptr`).
    value: Value,
    index: std::sync::Arc<SpanIndex>,
    /// Every script the file names under any choice, looked up once on the first load that
    /// is not given its scripts (each choice's load then pins those it uses from here).
    found_scripts: std::sync::OnceLock<BTreeMap<String, PinnedScript>>,
}

impl Parsed {
    /// Read and check `bytes`, named `display` in messages.
    pub fn from_bytes(display: &str, bytes: &[u8]) -> Result<Parsed, LoadError> {
        let text = yaml::check_text(display, bytes).map_err(|d| LoadError::new(vec![d]))?;
        let (value, index) =
            parse_str(display, text).map_err(|d| LoadError::new(d).with_source(display, text))?;
        Ok(Parsed {
            file: display.to_string(),
            text: text.to_string(),
            value,
            index: index.into(),
            found_scripts: std::sync::OnceLock::new(),
        })
    }

    /// The choices of its options besides the defaults: the loads checking it under every
    /// choice takes beyond the first.
    pub fn alternative_choices(&self) -> usize {
        self.value["options"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| {
                o["choices"]
                    .as_array()
                    .map_or(0, |c| c.len().saturating_sub(1))
            })
            .sum()
    }

    /// Every choice of its options besides the defaults, as (option, choice) ids in the
    /// file's order: the loads checking it under every choice makes beyond the first.
    pub fn alternatives(&self) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for option in self.value["options"].as_array().into_iter().flatten() {
            let (Some(id), default) = (option["id"].as_str(), option["default"].as_str()) else {
                continue;
            };
            for choice in option["choices"].as_array().into_iter().flatten() {
                match choice["id"].as_str() {
                    Some(c) if Some(c) != default => found.push((id.to_string(), c.to_string())),
                    _ => {}
                }
            }
        }
        found
    }

    /// The programme under `opts`' choices (the parsed file kept for other choices).
    pub fn load(&self, opts: &LoadOptions) -> Result<Program, LoadError> {
        let mut program = self.load_as(opts, Purpose::Use)?;
        program.text = self.text.clone();
        Ok(program)
    }

    /// The programme under `opts`' choices loaded only to find its problems: the same checks
    /// as [`Parsed::load`], but the versions' content hashes are left empty (checking a file
    /// under each of its other choices needs none of them).
    pub fn check_under(&self, opts: &LoadOptions) -> Result<Program, LoadError> {
        let mut program = self.load_as(opts, Purpose::Check)?;
        program.text = self.text.clone();
        Ok(program)
    }

    fn load_as(&self, opts: &LoadOptions, purpose: Purpose) -> Result<Program, LoadError> {
        let found = || {
            self.found_scripts
                .get_or_init(|| find_scripts(&self.file, &self.value))
        };
        let scripts = match &opts.scripts {
            Some(given) => given,
            None => found(),
        };
        let source = Source {
            file: &self.file,
            value: &self.value,
            index: &self.index,
            scripts,
        };
        load_parsed(&source, opts, purpose)
            .map_err(|d| LoadError::new(d).with_source(&self.file, &self.text))
    }

    /// The programme under `opts`' choices, made of the parsed file itself.
    pub fn into_program(self, opts: &LoadOptions) -> Result<Program, LoadError> {
        let mut program = self.load_as(opts, Purpose::Use)?;
        program.text = self.text;
        Ok(program)
    }
}

/// Why a programme is loaded: to be used, or only to be checked under a choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Use,
    Check,
}

/// What a load reads from a parsed file: the document (never changed: each choice builds
/// its own filtered copy), where its parts are, and the scripts it may pin.
struct Source<'a> {
    file: &'a str,
    value: &'a Value,
    index: &'a std::sync::Arc<SpanIndex>,
    scripts: &'a BTreeMap<String, PinnedScript>,
}

/// Read a programme file's bytes (a located problem when it cannot be read).
pub fn read_programme(path: &Path) -> Result<(String, Vec<u8>), LoadError> {
    let display = display_path(path);
    let bytes = std::fs::read(path).map_err(|e| {
        LoadError::from(Diagnostic::error(
            &display,
            Pos::new(1, 1),
            FileProblem::CannotReadProgramme {
                reason: e.to_string(),
            },
        ))
    })?;
    Ok((display, bytes))
}

/// Parse and check against the schema; every mapping gets its pointer.
fn parse_str(file: &str, text: &str) -> Result<(Value, SpanIndex), Vec<Diagnostic>> {
    let doc = yaml::parse(file, text).map_err(|d| vec![d])?;
    let schema_errors = check_program(file, &doc.value, &doc.index);
    if !schema_errors.is_empty() {
        return Err(schema_errors);
    }
    let mut value = doc.value;
    inject_pointers(&mut value, "");
    Ok((value, doc.index))
}

/// The option-dependent part of loading: choices, inheritance, declared changes, hashes, the
/// typed model and its checks.
fn load_parsed(
    source: &Source,
    opts: &LoadOptions,
    purpose: Purpose,
) -> Result<Program, Vec<Diagnostic>> {
    let (file, index) = (source.file, source.index);
    let (options, known, mut errors) = select_options(file, source.value, index, opts);
    if !errors.is_empty() {
        return Err(errors);
    }
    let choices = Choices {
        chosen: &options,
        known: &known,
    };
    let mut value = filtered(
        file,
        source.value,
        &mut String::new(),
        &choices,
        index,
        &mut errors,
    );
    if errors.is_empty() {
        resolve_inheritance(file, &mut value, index, &mut errors);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let society = value["society_language"].as_str().unwrap_or_default();
    let change_problems = changes::check(file, society, &changes::resolved_versions(&value), index);
    let scripts = pin_scripts(&value, source.scripts);
    let hashes: Vec<String> = match (purpose, value["versions"].as_array()) {
        (Purpose::Use, Some(vs)) => vs.iter().map(|v| content_hash(v, &scripts)).collect(),
        _ => Vec::new(),
    };

    // The path of a mistake is tracked only when there is one: tracking it on every load
    // costs more than reading the programme a second time after a failure.
    let plain = <ProgramSpec as serde::Deserialize>::deserialize(&value);
    let mut spec: ProgramSpec = plain
        .or_else(|_| serde_path_to_error::deserialize(&value))
        .map_err(|e| {
            let ptr = path_to_pointer(&e.path().to_string());
            let place = index.locate(&ptr);
            vec![Diagnostic::error(
                file,
                place.value,
                LoadProblem::Form {
                    detail: e.inner().to_string(),
                },
            )]
        })?;
    for (v, h) in spec.versions.iter_mut().zip(hashes) {
        v.hash = h;
    }
    let program = Program {
        spec,
        file: file.to_string(),
        index: index.clone(),
        options,
        text: String::new(),
        scripts,
    };
    let mut problems = semantic_checks(&program);
    if !change_problems.is_empty() {
        problems.extend(change_problems);
        problems.sort_by_key(|d| (d.line, d.col));
    }
    if problems.is_empty() {
        Ok(program)
    } else {
        Err(problems)
    }
}

/// Record in every mapping the JSON pointer it was written at, as `_ptr`.
fn inject_pointers(value: &mut Value, ptr: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                inject_pointers(v, &format!("{ptr}/{}", escape_segment(k)));
            }
            map.insert("_ptr".into(), Value::String(ptr.to_string()));
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                inject_pointers(v, &format!("{ptr}/{i}"));
            }
        }
        _ => {}
    }
}

/// Option choices in force, every option's choices, and problems found.
type Selection = (
    BTreeMap<String, String>,
    BTreeMap<String, Vec<String>>,
    Vec<Diagnostic>,
);

fn select_options(file: &str, value: &Value, index: &SpanIndex, opts: &LoadOptions) -> Selection {
    let mut chosen = BTreeMap::new();
    let mut errors = Vec::new();
    let declared = value["options"].as_array().cloned().unwrap_or_default();
    let mut known: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for opt in &declared {
        let id = opt["id"].as_str().unwrap_or_default().to_string();
        let choices: Vec<String> = opt["choices"]
            .as_array()
            .map(|cs| {
                cs.iter()
                    .filter_map(|c| c["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let default = opt["default"].as_str().unwrap_or_default().to_string();
        if !choices.contains(&default) {
            let ptr = format!("{}/default", opt["_ptr"].as_str().unwrap_or_default());
            errors.push(bad_default(
                file,
                index.locate(&ptr).value,
                &default,
                &choices,
            ));
        }
        chosen.insert(id.clone(), default);
        known.insert(id, choices);
    }
    for (id, choice) in &opts.choices {
        match known.get(id) {
            None => errors.push(no_such_option(file, id, choice, &known)),
            Some(choices) if !choices.contains(choice) => {
                errors.push(not_a_choice_given(file, id, choice, choices))
            }
            Some(_) => {
                chosen.insert(id.clone(), choice.clone());
            }
        }
    }
    (chosen, known, errors)
}

fn bad_default(file: &str, at: Pos, default: &str, choices: &[String]) -> Diagnostic {
    let problem = LoadProblem::BadDefault {
        default: default.to_string(),
        choices: choices.to_vec(),
        nearest: nearest(default, choices.iter().map(String::as_str)),
    };
    Diagnostic::error(file, at, problem)
}

fn no_such_option(
    file: &str,
    id: &str,
    choice: &str,
    known: &BTreeMap<String, Vec<String>>,
) -> Diagnostic {
    let problem = LoadProblem::NoSuchOption {
        option: id.to_string(),
        choice: choice.to_string(),
        options: known.keys().cloned().collect(),
        nearest: nearest(id, known.keys().map(String::as_str)),
    };
    Diagnostic::error(file, Pos::new(1, 1), problem)
}

fn not_a_choice_given(file: &str, id: &str, choice: &str, choices: &[String]) -> Diagnostic {
    let problem = LoadProblem::NotAChoiceGiven {
        option: id.to_string(),
        choice: choice.to_string(),
        choices: choices.to_vec(),
        nearest: nearest(choice, choices.iter().map(String::as_str)),
    };
    Diagnostic::error(file, Pos::new(1, 1), problem)
}

fn nearest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(given, candidates).map(str::to_string)
}

struct Choices<'a> {
    chosen: &'a BTreeMap<String, String>,
    known: &'a BTreeMap<String, Vec<String>>,
}

/// Whether a list entry marked `option: id=choice` stays: its choice is the one selected. An
/// unknown option or choice is reported, and the entry kept so later checks still see it.
fn option_selected(
    file: &str,
    marker: &str,
    at: Pos,
    choices: &Choices,
    errors: &mut Vec<Diagnostic>,
) -> bool {
    let (id, choice) = marker.split_once('=').unwrap_or((marker, ""));
    match (choices.chosen.get(id), choices.known.get(id)) {
        (Some(sel), Some(all)) if all.iter().any(|c| c == choice) => sel == choice,
        (Some(_), Some(all)) => {
            let problem = LoadProblem::NotAChoice {
                option: id.to_string(),
                choice: choice.to_string(),
                choices: all.clone(),
                nearest: nearest(choice, all.iter().map(String::as_str)),
            };
            errors.push(Diagnostic::error(file, at, problem));
            true
        }
        _ => {
            let problem = LoadProblem::UndeclaredOption {
                option: id.to_string(),
                nearest: nearest(id, choices.known.keys().map(String::as_str)),
            };
            errors.push(Diagnostic::error(file, at, problem));
            true
        }
    }
}

/// The document with the list entries marked `option: id=choice` whose choice is not
/// selected left out, and the marker taken off those kept: a copy built from the parsed
/// document, which stays as it is for the other choices. `ptr` is the value's pointer, grown
/// and cut back in place as the walk goes down and up (a load walks every node of the file).
fn filtered(
    file: &str,
    value: &Value,
    ptr: &mut String,
    choices: &Choices,
    index: &SpanIndex,
    errors: &mut Vec<Diagnostic>,
) -> Value {
    let depth = ptr.len();
    match value {
        Value::Array(items) => {
            let mut kept = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                use std::fmt::Write;
                let _ = write!(ptr, "/{i}");
                let keep = match item.get("option").and_then(Value::as_str) {
                    None => true,
                    Some(marker) => {
                        let place = index.locate(&format!("{ptr}/option"));
                        option_selected(file, marker, place.value, choices, errors)
                    }
                };
                if keep {
                    let mut copy = filtered(file, item, ptr, choices, index, errors);
                    if let Some(map) = copy.as_object_mut() {
                        // The marker's place taken by the last key, as the in-place filter
                        // did: the versions' content hashes read the keys in this order.
                        map.remove("option");
                    }
                    kept.push(copy);
                }
                ptr.truncate(depth);
            }
            Value::Array(kept)
        }
        Value::Object(map) => {
            let mut copy = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                let v = if k != "options" && matches!(v, Value::Array(_) | Value::Object(_)) {
                    ptr.push('/');
                    ptr.push_str(&escape_segment(k));
                    let v = filtered(file, v, ptr, choices, index, errors);
                    ptr.truncate(depth);
                    v
                } else {
                    v.clone()
                };
                copy.insert(k.clone(), v);
            }
            Value::Object(copy)
        }
        other => other.clone(),
    }
}

fn resolve_inheritance(
    file: &str,
    value: &mut Value,
    index: &SpanIndex,
    errors: &mut Vec<Diagnostic>,
) {
    let Some(versions) = value.get_mut("versions").and_then(Value::as_array_mut) else {
        return;
    };
    // Each version reads its base among the versions before it, resolved already: no copy of
    // a whole version is made, only of the sections it inherits.
    for at in 0..versions.len() {
        let (resolved, rest) = versions.split_at_mut(at);
        let Some(map) = rest.first_mut().and_then(Value::as_object_mut) else {
            continue;
        };
        let vptr = map
            .get("_ptr")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if let Some(base_id) = map
            .get("based_on")
            .and_then(Value::as_str)
            .map(str::to_string)
        {
            let earlier = || {
                resolved
                    .iter()
                    .filter_map(Value::as_object)
                    .filter_map(|b| b.get("id").and_then(Value::as_str))
            };
            match resolved
                .iter()
                .filter_map(Value::as_object)
                .find(|b| b.get("id").and_then(Value::as_str) == Some(&base_id))
            {
                Some(base) => {
                    for section in INHERITED_SECTIONS {
                        if !map.contains_key(*section) {
                            if let Some(v) = base.get(*section) {
                                map.insert((*section).to_string(), v.clone());
                            }
                        }
                    }
                }
                None => {
                    let problem = LoadProblem::BasedOnUnknown {
                        nearest: nearest(&base_id, earlier()),
                        earlier: earlier().map(str::to_string).collect(),
                        base: base_id,
                    };
                    let at = index.locate(&format!("{vptr}/based_on")).value;
                    errors.push(Diagnostic::error(file, at, problem));
                }
            }
        }
        for section in REQUIRED_SECTIONS {
            if !map.contains_key(*section) {
                let at = index.locate_key(&format!("{vptr}/id")).value;
                let problem = LoadProblem::MissingSection {
                    section: section.to_string(),
                };
                errors.push(Diagnostic::error(file, at, problem));
            }
        }
    }
}

/// Short content hash of a resolved version: position markers excluded.
/// Names of the scripts a part of a programme uses: rules of kind `script` (their `value`) and
/// module routings (their `script`).
fn script_names(v: &Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if m.get("kind").and_then(Value::as_str) == Some("script") {
                if let Some(name) = m.get("value").and_then(Value::as_str) {
                    out.insert(name.to_string());
                }
            }
            if let Some(name) = m
                .get("routing")
                .and_then(|r| r.get("script"))
                .and_then(Value::as_str)
            {
                out.insert(name.to_string());
            }
            m.values().for_each(|x| script_names(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| script_names(x, out)),
        _ => {}
    }
}

/// The text of every script the programme uses, from `available`: the pinned ones when
/// given, else those found next to the programme or bundled. A script not there is left out
/// here; the checks report it.
fn pin_scripts(
    value: &Value,
    available: &BTreeMap<String, PinnedScript>,
) -> BTreeMap<String, PinnedScript> {
    let mut names = std::collections::BTreeSet::new();
    script_names(value, &mut names);
    names
        .into_iter()
        .filter_map(|name| Some((name.clone(), available.get(&name)?.clone())))
        .collect()
}

/// Every script a programme document names under any of its choices, found next to the
/// programme or bundled (those not found are left out).
fn find_scripts(file: &str, value: &Value) -> BTreeMap<String, PinnedScript> {
    let mut names = std::collections::BTreeSet::new();
    script_names(value, &mut names);
    names
        .into_iter()
        .filter_map(|name| {
            let (file, text) = super::scripts::find(file, &name)?;
            Some((name, PinnedScript { file, text }))
        })
        .collect()
}

/// A version's content hash: its text (without the loader's pointers) and the text of every
/// script it uses, so that changing a script changes the hash of the versions that run it.
fn content_hash(version: &Value, scripts: &BTreeMap<String, PinnedScript>) -> String {
    let mut hasher = Hashing(Sha256::new());
    // Written straight into the hash: the same bytes as the version's JSON without its
    // markers, with no copy of the version made (a load hashes every version).
    let written = serde_json::to_writer(&mut hasher, &Decisive(version));
    debug_assert!(written.is_ok(), "a JSON value always writes");
    let mut used = std::collections::BTreeSet::new();
    script_names(version, &mut used);
    for name in used {
        if let Some(s) = scripts.get(&name) {
            hasher
                .0
                .update(format!("\u{0}script {name}\u{0}").as_bytes());
            hasher.0.update(s.text.as_bytes());
        }
    }
    let digest = hasher.0.finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A version as its content hash reads it: position markers (`_ptr`) and `changes:` (which
/// explains a version; it does not decide anything) left out, everything else in its order.
struct Decisive<'a>(&'a Value);

impl serde::Serialize for Decisive<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Object(m) => {
                let mut map = s.serialize_map(None)?;
                for (k, v) in m {
                    if k != "_ptr" && k != "changes" {
                        map.serialize_entry(k, &Decisive(v))?;
                    }
                }
                map.end()
            }
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(&Decisive(v))?;
                }
                seq.end()
            }
            other => other.serialize(s),
        }
    }
}

/// The hash as a place JSON is written to.
struct Hashing(Sha256);

impl std::io::Write for Hashing {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// serde_path_to_error paths (`versions[0].eligibility`) → JSON pointer.
fn path_to_pointer(path: &str) -> String {
    let mut out = String::new();
    for part in path.split('.') {
        if part == "?" || part.is_empty() {
            continue;
        }
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            out.push('/');
            out.push_str(&escape_segment(&rest[..i]));
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                out.push('/');
                out.push_str(&rest[1..end]);
                rest = &rest[end + 1..];
            }
        } else {
            out.push('/');
            out.push_str(&escape_segment(rest));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::path_to_pointer;

    #[test]
    fn paths_become_pointers() {
        assert_eq!(
            path_to_pointer("versions[0].eligibility.rules[2].id"),
            "/versions/0/eligibility/rules/2/id"
        );
        assert_eq!(path_to_pointer("id"), "/id");
    }

    /// The hash written as it is computed equals the hash of the version's JSON without its
    /// markers, made as a copy (how it was computed when cases were first pinned to hashes):
    /// every bundled version, and a version that uses a script.
    #[test]
    fn content_hashes_are_the_hashes_of_the_versions_without_markers() {
        use super::{content_hash, BTreeMap, Parsed, PinnedScript, Sha256, Value};
        use sha2::Digest;
        fn stripped(v: &Value) -> Value {
            match v {
                Value::Object(m) => Value::Object(
                    m.iter()
                        .filter(|(k, _)| k.as_str() != "_ptr" && k.as_str() != "changes")
                        .map(|(k, v)| (k.clone(), stripped(v)))
                        .collect(),
                ),
                Value::Array(a) => Value::Array(a.iter().map(stripped).collect()),
                other => other.clone(),
            }
        }
        let copied = |v: &Value, scripts: &BTreeMap<String, PinnedScript>, used: &[&str]| {
            let mut text = serde_json::to_string(&stripped(v)).unwrap();
            for name in used {
                text.push_str(&format!("\u{0}script {name}\u{0}{}", scripts[*name].text));
            }
            let digest = Sha256::digest(text.as_bytes());
            digest
                .iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        let none = BTreeMap::new();
        let mut checked = 0;
        for (file, text) in crate::program::bundled::PROGRAMS {
            let parsed = Parsed::from_bytes(file, text.as_bytes()).unwrap();
            for v in parsed.value["versions"].as_array().unwrap() {
                assert_eq!(content_hash(v, &none), copied(v, &none, &[]), "{file}");
                checked += 1;
            }
        }
        assert!(checked >= 10);
        let scripted = serde_json::json!({"_ptr": "/versions/0", "id": "2024", "changes": ["x"],
            "eligibility": {"rules": [{"id": "r", "kind": "script", "value": "local_rule", "_ptr": "/r"}]}});
        let scripts = BTreeMap::from([(
            "local_rule".to_string(),
            PinnedScript {
                file: "scripts/local_rule.rhai".into(),
                text: "age >= 18".into(),
            },
        )]);
        assert_eq!(
            content_hash(&scripted, &scripts),
            copied(&scripted, &scripts, &["local_rule"])
        );
        assert_ne!(
            content_hash(&scripted, &scripts),
            content_hash(&scripted, &none)
        );
    }
}
