//! A programme's next version, written into its own text for the editor: `start` appends a
//! version based on one that exists — complete, every section it inherits copied out, so the
//! coordinator edits it where it stands — in force from a day, and ends the version it is
//! based on the day before; `declare` writes the `changes:` entries the loader asks for into a
//! version. Both edit lines at the positions the loader recorded, so the rest of the file
//! (comments, layout, every `source:`) stays as written.

use chrono::NaiveDate;

use traject_model::program::changes::{ChangeKind, ChangeSection};
use traject_model::program::model::Version;
use traject_model::program::Program;
use traject_model::yaml;

use super::one_version::{version_body, version_index, Layout};

/// Why a version cannot be written into the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unwritable {
    /// The new version would start on or before the day its base starts.
    StartsTooEarly { base: String, base_from: NaiveDate },
    /// A version of this id exists.
    Exists { version: String },
    /// The base's dates or the version's keys are not written one per line (a flow mapping),
    /// so there is no line to change: the coordinator writes it by hand.
    NotOnOwnLines { version: String },
    /// The text does not parse as YAML (the check says where).
    Unreadable,
    /// No version of this id in the text.
    NoSuchVersion { version: String },
}

/// The leading spaces of a line.
fn indent(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

/// `text` (which `model` was loaded from) with a version `new_id` based on `base`, in force
/// from `valid_from` with an open end, appended to the list; `base` ends the day before.
pub fn start(
    model: &Program,
    text: &str,
    base: &Version,
    new_id: &str,
    valid_from: NaiveDate,
) -> Result<String, Unwritable> {
    if model.version(new_id).is_some() {
        return Err(Unwritable::Exists {
            version: new_id.to_string(),
        });
    }
    if valid_from <= base.valid_from {
        return Err(Unwritable::StartsTooEarly {
            base: base.id.clone(),
            base_from: base.valid_from,
        });
    }
    let not_on_lines = || Unwritable::NotOnOwnLines {
        version: base.id.clone(),
    };
    let layout = Layout::of(model, text).ok_or_else(not_on_lines)?;
    let vi = version_index(model, &base.id).ok_or_else(not_on_lines)?;
    let dated = format!("    valid_from: {valid_from}\n");
    let body = version_body(model, &layout, vi, base, new_id, valid_from).replacen(
        &dated,
        &format!("{dated}    based_on: \"{}\"\n", base.id),
        1,
    );
    let mut lines: Vec<String> = layout.lines.iter().map(|l| l.to_string()).collect();
    // After the last version's last written line (blank lines before the next key stay).
    let mut end = layout.versions_end.min(lines.len());
    while end > 0 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    lines.insert(end, body.trim_end_matches('\n').to_string());
    // The base ends the day before: its `valid_to` changed, or written under `valid_from`.
    let day_before = valid_from.pred_opt().unwrap_or(valid_from);
    let at = |key: &str| model.index.get(&format!("/versions/{vi}/{key}"));
    let key_line = |key: &str| at(key).map(|p| p.key.unwrap_or(p.value).line);
    match (base.valid_to, key_line("valid_to"), key_line("valid_from")) {
        (Some(to), _, _) if to < valid_from => {}
        (Some(_), Some(line), _) => {
            let old = lines.get(line - 1).ok_or_else(not_on_lines)?;
            if !old.trim_start().starts_with("valid_to:") {
                return Err(not_on_lines());
            }
            lines[line - 1] = format!("{}valid_to: {day_before}", indent(old));
        }
        (None, _, Some(line)) => {
            let from_line = lines.get(line - 1).ok_or_else(not_on_lines)?;
            if !from_line.trim_start().starts_with("valid_from:") {
                return Err(not_on_lines());
            }
            let written = format!("{}valid_to: {day_before}", indent(from_line));
            lines.insert(line, written);
        }
        _ => return Err(not_on_lines()),
    }
    let mut out = lines.join("\n");
    out.push('\n');
    Ok(out)
}

/// One `changes:` entry to write: what the loader found undeclared, with the coordinator's
/// reason (in the society language) and source.
#[derive(Debug, Clone)]
pub struct Entry {
    pub section: ChangeSection,
    pub id: Option<String>,
    pub change: ChangeKind,
    /// `option=choice` when the difference exists only under that choice of an option.
    pub option: Option<String>,
    pub source: String,
    pub reason: String,
}

fn quoted(s: &str) -> String {
    // A JSON string is a YAML double-quoted scalar.
    serde_json::Value::String(s.to_string()).to_string()
}

impl Entry {
    fn flow(&self, society_language: &str) -> String {
        let id = self
            .id
            .as_deref()
            .map(|id| format!(" id: {},", quoted(id)))
            .unwrap_or_default();
        let option = self
            .option
            .as_deref()
            .map(|o| format!(" option: {o},"))
            .unwrap_or_default();
        format!(
            "{{section: {},{id} change: {},{option} source: {}, reason: {{{society_language}: {}}}}}",
            self.section.as_str(),
            self.change.as_str(),
            quoted(&self.source),
            quoted(&self.reason),
        )
    }
}

/// `text` with `entries` added to version `version`'s `changes:` (started under its
/// `based_on` when it has none). The text need not load: only its YAML is read.
pub fn declare(
    file: &str,
    text: &str,
    version: &str,
    society_language: &str,
    entries: &[Entry],
) -> Result<String, Unwritable> {
    let doc = yaml::parse(file, text).map_err(|_| Unwritable::Unreadable)?;
    let vi = doc.value["versions"]
        .as_array()
        .and_then(|vs| vs.iter().position(|v| v["id"] == version))
        .ok_or_else(|| Unwritable::NoSuchVersion {
            version: version.to_string(),
        })?;
    let not_on_lines = || Unwritable::NotOnOwnLines {
        version: version.to_string(),
    };
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let key_line = |ptr: &str| {
        doc.index
            .get(&format!("/versions/{vi}{ptr}"))
            .map(|p| p.key.unwrap_or(p.value).line)
    };
    let written: Vec<String>;
    let at: usize;
    if let Some(first) = key_line("/changes/0") {
        // Before the first entry, as it is indented.
        let line = lines.get(first - 1).ok_or_else(not_on_lines)?;
        if !line.trim_start().starts_with("- ") {
            return Err(not_on_lines());
        }
        let pad = indent(line).to_string();
        written = entries
            .iter()
            .map(|e| format!("{pad}- {}", e.flow(society_language)))
            .collect();
        at = first - 1;
    } else {
        let under = key_line("/changes")
            .or_else(|| key_line("/based_on"))
            .ok_or_else(not_on_lines)?;
        let line = lines.get(under - 1).ok_or_else(not_on_lines)?;
        let trimmed = line.trim_start();
        let pad = indent(line).to_string();
        let mut block = vec![format!("{pad}changes:")];
        block.extend(
            entries
                .iter()
                .map(|e| format!("{pad}  - {}", e.flow(society_language))),
        );
        if trimmed.starts_with("changes:") {
            // `changes: []`, empty: the block takes its place.
            lines.remove(under - 1);
            at = under - 1;
        } else if trimmed.starts_with("based_on:") {
            at = under;
        } else {
            return Err(not_on_lines());
        }
        written = block;
    }
    for (k, l) in written.into_iter().enumerate() {
        lines.insert(at + k, l);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use traject_model::program::{bundled, load_bytes, LoadOptions};

    fn brussels() -> (String, Program) {
        let (file, text) = bundled::program("brussel").expect("bundled");
        let p = load_bytes(file, text.as_bytes(), &LoadOptions::default()).expect("loads");
        (text.to_string(), p)
    }

    #[test]
    fn a_started_version_loads_unchanged_and_ends_its_base() {
        let (text, p) = brussels();
        let base = p.version("2021").unwrap();
        let day = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let out = start(&p, &text, base, "2027", day).expect("written");
        let loaded = load_bytes("brussel.yaml", out.as_bytes(), &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{e:?}\n{out}"));
        let new = loaded.version("2027").expect("the new version");
        assert_eq!(new.valid_from, day);
        assert_eq!(new.based_on.as_deref(), Some("2021"));
        assert_eq!(new.valid_to, None);
        // It is its base, in meaning: no difference to declare or to show.
        let same = crate::diff::diff(&loaded, loaded.version("2021").unwrap(), &loaded, new);
        assert!(same.changes.is_empty(), "{:?}", same.changes);
        assert_eq!(loaded.version("2021").unwrap().valid_to, base.valid_to);
        // Every comment and source of the file is still there.
        for l in text.lines().filter(|l| l.trim_start().starts_with('#')) {
            assert!(out.contains(l), "comment kept: {l}");
        }
    }

    #[test]
    fn an_open_base_is_ended_the_day_before() {
        let (text, p) = brussels();
        // Open the 2021 version's end to see it closed again.
        let open_text = text.replacen("    valid_to: 2021-12-31\n", "", 1);
        let open = load_bytes(
            "brussel.yaml",
            open_text.as_bytes(),
            &LoadOptions::default(),
        )
        .unwrap();
        let base = open.version("2021").unwrap();
        let day = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let out = start(&open, &open_text, base, "2027", day).unwrap();
        let loaded = load_bytes("brussel.yaml", out.as_bytes(), &LoadOptions::default()).unwrap();
        assert_eq!(
            loaded.version("2021").unwrap().valid_to,
            NaiveDate::from_ymd_opt(2027, 2, 28)
        );
        assert!(start(&p, &text, p.version("2021").unwrap(), "2020", day).is_err());
        let early = start(&p, &text, base, "x", base.valid_from);
        assert!(matches!(early, Err(Unwritable::StartsTooEarly { .. })));
    }

    #[test]
    fn declared_changes_make_an_edited_version_load() {
        let (text, p) = brussels();
        let base = p.version("2021").unwrap();
        let day = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let started = start(&p, &text, base, "2027", day).unwrap();
        // The copy's motivation rule becomes a hard one: undeclared until declared.
        let at = started.rfind("{id: motivated, mode: assessed").unwrap();
        let mut edited = started.clone();
        edited.replace_range(
            at..at + "{id: motivated, mode: assessed".len(),
            "{id: motivated, mode: hard",
        );
        let refused = load_bytes("brussel.yaml", edited.as_bytes(), &LoadOptions::default());
        assert!(refused.is_err(), "an undeclared change is refused");
        let entry = Entry {
            section: ChangeSection::Eligibility,
            id: Some("motivated".into()),
            change: ChangeKind::Changed,
            option: None,
            source: "local: décision du 1/12/2026".into(),
            reason: "La motivation devient une \"condition\"".into(),
        };
        let declared = declare(
            "brussel.yaml",
            &edited,
            "2027",
            "fr",
            std::slice::from_ref(&entry),
        )
        .unwrap();
        let loaded = load_bytes("brussel.yaml", declared.as_bytes(), &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let v = loaded.version("2027").unwrap();
        assert_eq!(v.changes.len(), 1);
        assert_eq!(v.changes[0].source, "local: décision du 1/12/2026");
        // A second entry goes before the first, in the same list.
        let again = declare("brussel.yaml", &declared, "2027", "fr", &[entry]).unwrap();
        let twice = load_bytes("brussel.yaml", again.as_bytes(), &LoadOptions::default());
        assert!(
            twice.is_err(),
            "the same entry twice is refused by the loader"
        );
        assert_eq!(
            again
                .matches("{section: eligibility, id: \"motivated\"")
                .count(),
            2
        );
    }
}
