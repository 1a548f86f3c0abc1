//! The programme editor's use cases, behind the programme page: the text to edit (the
//! organisation's latest saved text, else the file or the bundled model it comes from — which
//! stays read-only: saving starts the organisation's own history), a check that lists every
//! problem at its place and the `changes:` entries a new version still lacks, a new version
//! written into the text (based on the one in force, every section copied out to edit), and
//! those entries written in with the coordinator's reason and source. Saving is
//! `programme_history::save`; what a text does to people is `impact`.

use chrono::NaiveDate;

use super::catalogue::ServedTo;
use super::error::HistoryError;
use super::{AppError, Ctx, Need};
use traject_model::diag::{Diagnostic, LoadError};
use traject_model::problem::{ChangeProblem, Problem};
use traject_model::program::changes::{ChangeKind, ChangeSection};
use traject_model::program::{bundled, load_bytes, LoadOptions, Parsed};
use traject_rollout::new_version::{self, Entry};
use traject_rules::CompiledProgram;
use traject_store::Store;

/// A programme's text as the editor opens it.
#[derive(Debug, Clone)]
pub struct Editable {
    /// The name problems are located in (the file's name).
    pub file: String,
    pub text: String,
    /// The number of the saved text it is, when it comes from the history.
    pub saved: Option<i64>,
}

/// The text to edit: the latest saved by the reader's organisation, else the programme's
/// file, else the bundled model. Everyone who sees the programme may read it.
pub fn editable(
    store: &Store,
    catalogue: ServedTo,
    id: &str,
    ctx: &Ctx,
) -> Result<Editable, AppError> {
    ctx.require(Need::Figures)?;
    if let Some(t) = store.programme_texts(id, ctx.org.as_deref())?.pop() {
        return Ok(Editable {
            file: t.file,
            text: t.text,
            saved: Some(t.seq),
        });
    }
    if let Some(path) = catalogue.catalogue().file_of(id) {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            LoadError::from(traject_model::diag::Diagnostic::error(
                path.display().to_string(),
                traject_model::diag::Pos::new(1, 1),
                traject_model::problem::FileProblem::CannotRead {
                    reason: e.to_string(),
                },
            ))
        })?;
        let file = path
            .file_name()
            .map_or_else(|| id.to_string(), |n| n.to_string_lossy().into_owned());
        return Ok(Editable {
            file,
            text,
            saved: None,
        });
    }
    let (file, text) = bundled::program(id).ok_or_else(|| catalogue.catalogue().unknown(id))?;
    Ok(Editable {
        file: file.to_string(),
        text: text.to_string(),
        saved: None,
    })
}

/// A difference between a version and its base that no `changes:` entry declares yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undeclared {
    pub version: String,
    pub base: String,
    pub section: ChangeSection,
    pub change: ChangeKind,
    pub id: Option<String>,
}

/// What the check found: the programme when it loads, else every problem at its place and,
/// among them, the change entries a version lacks.
pub struct Checked {
    pub compiled: Option<CompiledProgram>,
    pub problems: Option<LoadError>,
    pub undeclared: Vec<Undeclared>,
}

fn undeclared_in(problems: &[Diagnostic]) -> Vec<Undeclared> {
    problems
        .iter()
        .filter_map(|d| match &*d.problem {
            Problem::Change(ChangeProblem::Undeclared {
                version,
                base,
                section,
                change,
                id,
            }) => Some(Undeclared {
                version: version.clone(),
                base: base.clone(),
                section: *section,
                change: *change,
                id: id.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// The most option choices one request checks: each is a whole load of the text (the bundled
/// programmes have at most eight; a text with thousands would keep a server busy for minutes).
pub const MAX_CHOICES: usize = 64;

/// Check a text as the loader will when it is saved: under every option choice, compiled —
/// refused, before any load, when it has more choices than a request checks.
pub fn check(file: &str, text: &str, ctx: &Ctx) -> Result<Checked, AppError> {
    ctx.require(Need::Figures)?;
    let failed = |e: LoadError| Checked {
        compiled: None,
        undeclared: undeclared_in(&e.diagnostics),
        problems: Some(e),
    };
    let parsed = match Parsed::from_bytes(file, text.as_bytes()) {
        Ok(parsed) => parsed,
        Err(e) => return Ok(failed(e)),
    };
    let choices = parsed.alternative_choices();
    if choices > MAX_CHOICES {
        return Err(HistoryError::TooManyChoices {
            choices,
            limit: MAX_CHOICES,
        }
        .into());
    }
    Ok(
        match super::programmes::checked_parsed(&parsed, &LoadOptions::default()) {
            Ok(compiled) => Checked {
                compiled: Some(compiled),
                problems: None,
                undeclared: Vec::new(),
            },
            Err(e) => failed(e),
        },
    )
}

/// The text with a new version `new_id` in force from `from`, based on the version in force
/// that day (else the latest), which ends the day before. Coordinators only; the text must
/// load first.
pub fn start_version(
    file: &str,
    text: &str,
    new_id: &str,
    from: NaiveDate,
    ctx: &Ctx,
) -> Result<String, AppError> {
    ctx.require(Need::EditProgrammes)?;
    let model = load_bytes(file, text.as_bytes(), &LoadOptions::default())?;
    let base = model
        .version_on(from)
        .or_else(|_| model.pick_version(None))?;
    new_version::start(&model, text, base, new_id, from)
        .map_err(|u| HistoryError::Unwritable(u).into())
}

/// The text with `entries` written into version `version`'s `changes:`. Coordinators only.
pub fn declare(
    file: &str,
    text: &str,
    version: &str,
    entries: &[Entry],
    ctx: &Ctx,
) -> Result<String, AppError> {
    ctx.require(Need::EditProgrammes)?;
    let society = traject_model::yaml::parse(file, text)
        .ok()
        .and_then(|d| d.value["society_language"].as_str().map(str::to_string))
        .unwrap_or_else(|| "nl".to_string());
    let mut entries = entries.to_vec();
    scope_to_options(file, text, version, &society, &mut entries);
    new_version::declare(file, text, version, &society, &entries)
        .map_err(|u| HistoryError::Unwritable(u).into())
}

/// A difference that exists only under some choice of an option (a rule marked with the
/// option) is declared for that choice: written without it, the check under the other choice
/// finds nothing to declare. Tried with the entries as they are; an option of two choices
/// gets the entry marked with the other one (with more choices the coordinator writes it).
fn scope_to_options(file: &str, text: &str, version: &str, society: &str, entries: &mut [Entry]) {
    let Ok(trial) = new_version::declare(file, text, version, society, entries) else {
        return;
    };
    let Err(found) = super::programmes::checked_bytes(file, trial.as_bytes()) else {
        return;
    };
    let Ok(doc) = traject_model::yaml::parse(file, text) else {
        return;
    };
    for d in &found.diagnostics {
        let (Problem::Change(ChangeProblem::NoDifference { section, id, .. }), Some(under)) =
            (&*d.problem, d.under_option.as_deref())
        else {
            continue;
        };
        let (option, choice) = under;
        let choices: Vec<&str> = doc.value["options"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["id"] == option.as_str())
            .flat_map(|o| o["choices"].as_array().into_iter().flatten())
            .filter_map(|c| c["id"].as_str())
            .collect();
        let [a, b] = choices[..] else { continue };
        let other = if a == choice { b } else { a };
        for e in entries
            .iter_mut()
            .filter(|e| e.section == *section && e.id.as_deref() == Some(id.as_str()))
        {
            e.option = Some(format!("{option}={other}"));
        }
    }
}

/// The semantic difference behind the undeclared changes of `version`: the text with
/// placeholder entries is loaded and compared with its base, so the editor can show what each
/// entry covers — and offer the words as the reason — before the coordinator writes one.
pub fn undeclared_diff(
    file: &str,
    text: &str,
    undeclared: &[Undeclared],
    ctx: &Ctx,
) -> Option<traject_rollout::diff::Diff> {
    let first = undeclared.first()?;
    let placeholders: Vec<Entry> = undeclared
        .iter()
        .filter(|u| u.version == first.version)
        .map(|u| Entry {
            section: u.section,
            id: u.id.clone(),
            change: u.change,
            option: None,
            source: "local: -".to_string(),
            reason: "-".to_string(),
        })
        .collect();
    let declared = declare(file, text, &first.version, &placeholders, ctx).ok()?;
    let loaded = load_bytes(file, declared.as_bytes(), &LoadOptions::default()).ok()?;
    let (base, version) = (
        loaded.version(&first.base)?,
        loaded.version(&first.version)?,
    );
    let mut d = traject_rollout::diff::diff(&loaded, base, &loaded, version);
    // Only what is still to declare (an entry written before covers the rest).
    d.changes.retain(|c| {
        undeclared.iter().any(|u| {
            u.version == first.version
                && u.section.as_str() == c.section
                && (u.section == ChangeSection::Capacity || u.id.as_deref() == Some(c.id.as_str()))
        })
    });
    for c in &mut d.changes {
        c.declared = None;
    }
    Some(d)
}
