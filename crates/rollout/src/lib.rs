//! Rolling a programme out to another OCMW: `traject new` copies one version of a model
//! programme — resolved, so the sections it took from earlier versions are written out — and
//! the model's tests for that version, re-dated to the roll-out. Identity, residence rules,
//! staffing and the local funder are replaced by surgical edits at the YAML positions the
//! loader recorded, and the text is cut at those positions, so comments, layout and every
//! `source:` of the model survive. What must be decided locally is listed (TODO items).

pub mod diff;
pub mod new_version;
pub mod one_version;

use std::collections::BTreeMap;

use traject_model::program::{self, model::Version, Program};

#[derive(Debug, Clone)]
pub struct NewProgramme {
    pub ocmw: String,
    pub name: Option<String>,
    pub fte: Option<f64>,
    pub society_language: Option<String>,
    /// The model's version to start from (default: its most recent one).
    pub version: Option<String>,
    /// The day the roll-out starts: the new programme's one version is in force from then.
    pub valid_from: chrono::NaiveDate,
}

#[derive(Debug)]
pub struct Rollout {
    pub programme: String,
    pub tests: Option<String>,
    pub todo: Vec<Todo>,
}

/// What the new OCMW must still decide, item by item; read in the coordinator's language.
#[derive(Debug, Clone, PartialEq)]
pub enum Todo {
    Period {
        model: String,
        from: chrono::NaiveDate,
        town: String,
    },
    NewLanguage {
        lang: String,
    },
    ResidenceLabel {
        version: String,
        ocmw: String,
    },
    CapacityTotal {
        version: String,
        total: u32,
        town: String,
    },
    LocalFunder {
        version: String,
        town: String,
    },
    Partners {
        version: String,
        names: String,
    },
    Staffing {
        version: String,
        fte: f64,
        town: String,
    },
    RoleSetToZero {
        version: String,
        role: String,
        fte: f64,
        town: String,
    },
    Persons {
        version: String,
        role: String,
        persons: u32,
        town: String,
    },
    Tests {
        version: String,
        model: String,
        months: u32,
        town: String,
    },
}

/// One text replacement at a 1-based line and column, `width` characters long.
struct Edit {
    line: usize,
    col: usize,
    width: usize,
    text: String,
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn title(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Apply edits to `text` (bottom-up, so positions stay valid). Quoted scalars are replaced
/// with their quotes.
fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    edits.sort_by_key(|e| std::cmp::Reverse((e.line, e.col)));
    for e in edits {
        let Some(line) = lines.get_mut(e.line - 1) else {
            continue;
        };
        let chars: Vec<char> = line.chars().collect();
        let start = e.col - 1;
        if start >= chars.len() {
            continue;
        }
        let mut end = (start + e.width).min(chars.len());
        if matches!(chars[start], '"' | '\'') {
            // Find the closing quote of this scalar.
            let q = chars[start];
            let mut i = start + 1;
            while i < chars.len() {
                if chars[i] == '\\' && q == '"' {
                    i += 2;
                    continue;
                }
                if chars[i] == q {
                    break;
                }
                i += 1;
            }
            end = (i + 1).min(chars.len());
        }
        let mut out: String = chars[..start].iter().collect();
        out.push_str(&e.text);
        out.extend(chars[end..].iter());
        *line = out;
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// Edits for one scalar at `ptr`.
fn at(p: &Program, ptr: &str, text: String) -> Option<Edit> {
    let place = p.index.get(ptr)?;
    Some(Edit {
        line: place.value.line,
        col: place.value.col,
        width: place.width,
        text,
    })
}

fn label_edits(p: &Program, ptr: &str, texts: &BTreeMap<&str, String>, edits: &mut Vec<Edit>) {
    for (lang, t) in texts {
        if let Some(e) = at(p, &format!("{ptr}/{lang}"), quote(t)) {
            edits.push(e);
        }
    }
}

/// Why a programme cannot be rolled out with the settings given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolloutError {
    Ocmw {
        given: String,
    },
    Language {
        given: String,
    },
    Version(program::VersionError),
    TooEarly {
        given: chrono::NaiveDate,
        version: String,
        starts: chrono::NaiveDate,
    },
}

impl From<program::VersionError> for RolloutError {
    fn from(e: program::VersionError) -> Self {
        RolloutError::Version(e)
    }
}

/// What the edits work with: the model, the new OCMW's id and its name as a town.
struct Target<'a> {
    model: &'a Program,
    ocmw: String,
    town: String,
}

/// Build the new programme's text (and its tests' text) from one version of the model.
/// `file_name` is the name the programme will be written under (the tests refer to it).
pub fn new_from(
    model: &Program,
    spec: &NewProgramme,
    file_name: &str,
) -> Result<Rollout, RolloutError> {
    let ocmw = spec.ocmw.to_lowercase();
    if ocmw.is_empty()
        || !ocmw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
    {
        return Err(RolloutError::Ocmw {
            given: spec.ocmw.clone(),
        });
    }
    let version = model.pick_version(spec.version.as_deref())?;
    if spec.valid_from < version.valid_from {
        return Err(RolloutError::TooEarly {
            given: spec.valid_from,
            version: version.id.clone(),
            starts: version.valid_from,
        });
    }
    let t = Target {
        model,
        town: title(&ocmw),
        ocmw,
    };
    let mut edits = Vec::new();
    let mut todo = Vec::new();
    identity(&t, spec, &mut edits, &mut todo)?;
    version_edits(&t, version, spec.fte, &mut edits, &mut todo);
    let edited = apply(&model.text, edits);
    let new_id = spec.valid_from.format("%Y").to_string();
    let mut out = one_version::cut(model, &edited, version, &new_id, spec.valid_from);
    out = out.replacen(
        "\n",
        &format!("\n#\n# Rolled out from programme '{}' version {} for OCMW {} from {} by `traject new`; TODO\n# items are listed by that command and marked `source: \"todo: …\"`.\n", model.spec.id, version.id, t.town, spec.valid_from),
        1,
    );
    let shift = one_version::months_between(version.valid_from, spec.valid_from);
    let tests = copied_tests(&t, file_name)
        .map(|text| one_version::tests_for(&text, version, &new_id, shift));
    if tests.is_some() {
        todo.push(Todo::Tests {
            version: version.id.clone(),
            model: model.spec.id.clone(),
            months: shift,
            town: t.town.clone(),
        });
    }
    Ok(Rollout {
        programme: out,
        tests,
        todo,
    })
}

/// "OCMW Town" in Dutch, "CPAS Town" in French, in every language the label `like` has.
fn organisation_label(
    like: &traject_model::text::Label,
    town: &str,
) -> BTreeMap<&'static str, String> {
    like.0
        .keys()
        .map(|l| {
            let org = if l.code() == "fr" { "CPAS" } else { "OCMW" };
            (l.code(), format!("{org} {town}"))
        })
        .collect()
}

/// Id, OCMW, name, organisation and society language.
fn identity(
    t: &Target,
    spec: &NewProgramme,
    edits: &mut Vec<Edit>,
    todo: &mut Vec<Todo>,
) -> Result<(), RolloutError> {
    let model = t.model;
    edits.extend(at(model, "/id", t.ocmw.clone()));
    edits.extend(at(model, "/ocmw", t.ocmw.clone()));
    let society = model.spec.society_language;
    let name = spec
        .name
        .clone()
        .unwrap_or_else(|| format!("{} {}", model.spec.name.first_of(&[society]), t.town));
    let names = model.spec.name.0.keys().map(|l| (l.code(), name.clone()));
    label_edits(model, "/name", &names.collect(), edits);
    let org = organisation_label(&model.spec.organisation, &t.town);
    label_edits(model, "/organisation", &org, edits);
    if let Some(lang) = &spec.society_language {
        if lang != "nl" && lang != "fr" {
            return Err(RolloutError::Language {
                given: lang.clone(),
            });
        }
        edits.extend(at(model, "/society_language", lang.clone()));
        if *lang != society.code() {
            todo.push(Todo::NewLanguage { lang: lang.clone() });
        }
    }
    todo.push(Todo::Period {
        model: model.spec.id.clone(),
        from: spec.valid_from,
        town: t.town.clone(),
    });
    Ok(())
}

/// One version: residence rules, staffing, capacity, the local funder and partners.
fn version_edits(
    t: &Target,
    v: &Version,
    fte: Option<f64>,
    edits: &mut Vec<Edit>,
    todo: &mut Vec<Todo>,
) {
    let (model, town) = (t.model, t.town.as_str());
    let names_residence = residence_edits(t, v, edits);
    staffing(model, v, fte, town, edits, todo);
    if names_residence {
        todo.push(Todo::ResidenceLabel {
            version: v.id.clone(),
            ocmw: t.ocmw.clone(),
        });
    }
    if let Some(total) = v.capacity.total {
        todo.push(Todo::CapacityTotal {
            version: v.id.clone(),
            total,
            town: town.to_string(),
        });
    }
    for f in v.funding.funders.iter().filter(|f| f.kind == "local") {
        let l = organisation_label(&f.label, town);
        label_edits(model, &format!("{}/label", f.ptr), &l, edits);
        edits.extend(at(
            model,
            &format!("{}/source", f.ptr),
            quote(&format!(
                "todo: confirm who pays the local share in {town} (model {})",
                f.source
            )),
        ));
    }
    if v.funding.funders.iter().any(|f| f.kind == "local") {
        todo.push(Todo::LocalFunder {
            version: v.id.clone(),
            town: town.to_string(),
        });
    }
    if !v.partners.is_empty() {
        let names: Vec<&str> = v.partners.iter().map(|p| p.name.as_str()).collect();
        todo.push(Todo::Partners {
            version: v.id.clone(),
            names: names.join(", "),
        });
    }
}

/// Residence rules name the model's OCMW: they now name the new one. Whether the version has
/// such a rule.
fn residence_edits(t: &Target, v: &Version, edits: &mut Vec<Edit>) -> bool {
    let old = t.model.spec.ocmw.as_str();
    let residence =
        |r: &&traject_model::program::model::Rule| r.kind.as_deref() == Some("residence_ocmw_in");
    for r in v.eligibility.rules.iter().filter(residence) {
        let values = r.value.as_ref().and_then(|x| x.as_array());
        for (i, x) in values.into_iter().flatten().enumerate() {
            if x.as_str() == Some(old) {
                edits.extend(at(t.model, &format!("{}/value/{i}", r.ptr), t.ocmw.clone()));
            }
        }
    }
    v.eligibility.rules.iter().any(|r| residence(&r))
}

/// The tests of the model, with the two OCMWs swapped so that residence tests keep their sense.
fn copied_tests(t: &Target, file_name: &str) -> Option<String> {
    let model = t.model;
    let (old, ocmw) = (model.spec.ocmw.as_str(), t.ocmw.as_str());
    let own_folder = std::path::Path::new(&model.file)
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join("tests")
        .join(format!("{}.yaml", model.spec.id));
    let text = program::bundled::PROGRAM_TESTS
        .iter()
        .find(|(f, _)| f.ends_with(&format!("/{}.yaml", model.spec.id)))
        .map(|(_, t)| t.to_string())
        .or_else(|| std::fs::read_to_string(own_folder).ok())?;
    let placeholder = "\u{1}";
    Some(
        text.replace(&format!("residence_ocmw: {old}"), placeholder)
            .replace(
                &format!("residence_ocmw: {ocmw}"),
                &format!("residence_ocmw: {old}"),
            )
            .replace(placeholder, &format!("residence_ocmw: {ocmw}"))
            .replacen(
                &format!("program: ../{}.yaml", model.spec.id),
                &format!("program: ../{file_name}"),
                1,
            ),
    )
}

fn staffing(
    model: &Program,
    v: &Version,
    fte: Option<f64>,
    town: &str,
    edits: &mut Vec<Edit>,
    todo: &mut Vec<Todo>,
) {
    let Some(target) = fte else {
        todo.push(Todo::Staffing {
            version: v.id.clone(),
            fte: v.staffing.iter().map(|r| r.fte).sum::<f64>(),
            town: town.to_string(),
        });
        return;
    };
    let counting: f64 = v
        .staffing
        .iter()
        .filter(|r| r.counts_for_caseload)
        .map(|r| r.fte)
        .sum();
    for r in &v.staffing {
        let new = if r.counts_for_caseload && counting > 0.0 {
            (r.fte / counting * target * 100.0).round() / 100.0
        } else {
            0.0
        };
        if !r.counts_for_caseload && r.fte > 0.0 {
            todo.push(Todo::RoleSetToZero {
                version: v.id.clone(),
                role: r.id.clone(),
                fte: r.fte,
                town: town.to_string(),
            });
        }
        edits.extend(at(model, &format!("{}/fte", r.ptr), format!("{new}")));
        if r.persons.is_some() {
            todo.push(Todo::Persons {
                version: v.id.clone(),
                role: r.id.clone(),
                persons: r.persons.unwrap_or(0),
                town: town.to_string(),
            });
        }
        edits.extend(at(
            model,
            &format!("{}/source", r.ptr),
            quote(&format!(
                "local: {town} rollout, {new} FTE (model {})",
                r.source
            )),
        ));
    }
}
