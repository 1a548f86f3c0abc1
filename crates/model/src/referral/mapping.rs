//! Column mappings for local exports whose headers are not traject's field names: a small YAML
//! file (`--columns mapping.yaml`) saying which header is which referral field (or `ignore`,
//! for columns traject must not read, such as names), and which local wording of a coded value
//! is which code. Checked like a programme file: unknown fields and codes are located errors
//! with "did you mean".
//!
//! ```yaml
//! columns:
//!   Dossiernummer: id
//!   Geboortedatum: birth_date
//!   Naam: ignore
//! values:
//!   income_support: {LL: leefloon, "Equiv. LL": equivalent_leefloon}
//! ```

use std::collections::BTreeMap;

use serde_json::Value;

use super::{FieldType, FIELDS};
use crate::diag::{did_you_mean, Diagnostic, LoadError, Pos};
use crate::problem::MappingProblem;
use crate::vocab::table::fold;
use crate::yaml::escape_segment;

/// What a mapped header stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Field(&'static str, FieldType),
    /// A column traject leaves unread.
    Ignore,
}

#[derive(Debug, Clone, Default)]
pub struct ColumnMapping {
    /// Folded header text → what it is.
    columns: BTreeMap<String, Target>,
    /// Field → folded local wording → code.
    values: BTreeMap<&'static str, BTreeMap<String, String>>,
}

impl ColumnMapping {
    /// The target of a header, if the mapping names it.
    pub fn column(&self, header: &str) -> Option<Target> {
        self.columns.get(&fold(header)).copied()
    }

    /// The code a mapped value stands for (the cell itself when the mapping says nothing).
    pub fn value<'a>(&'a self, field: &str, cell: &'a str) -> &'a str {
        self.values
            .get(field)
            .and_then(|m| m.get(&fold(cell)))
            .map_or(cell, String::as_str)
    }

    /// Read and check a mapping file.
    pub fn read(path: &std::path::Path) -> Result<Self, LoadError> {
        let (text, doc) = crate::yaml::read_file(path, &crate::diag::display_path(path))
            .map_err(|d| LoadError::new(vec![d]))?;
        let file = crate::diag::display_path(path);
        Self::from_doc(&file, &doc).map_err(|d| LoadError::new(d).with_source(&file, &text))
    }

    /// Read a mapping from bytes, named `file` in messages.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Self, Vec<Diagnostic>> {
        let text = crate::yaml::check_text(file, bytes).map_err(|d| vec![d])?;
        let doc = crate::yaml::parse(file, text).map_err(|d| vec![d])?;
        Self::from_doc(file, &doc)
    }

    fn from_doc(file: &str, doc: &crate::yaml::Document) -> Result<Self, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let at = |ptr: &str| doc.index.locate(ptr).value;
        let key_at = |ptr: &str| doc.index.locate_key(ptr).value;
        let Some(top) = doc.value.as_object() else {
            return Err(vec![Diagnostic::error(
                file,
                Pos::new(1, 1),
                MappingProblem::NotAMapping,
            )]);
        };
        for k in top
            .keys()
            .filter(|k| !matches!(k.as_str(), "columns" | "values"))
        {
            let problem = MappingProblem::UnknownKey {
                key: k.clone(),
                nearest: did_you_mean(k, ["columns", "values"]).map(str::to_string),
            };
            errors.push(Diagnostic::error(
                file,
                key_at(&format!("/{}", escape_segment(k))),
                problem,
            ));
        }
        let mut m = ColumnMapping::default();
        match top.get("columns") {
            Some(Value::Object(cols)) => m.read_columns(file, doc, cols, &mut errors),
            Some(_) => errors.push(Diagnostic::error(
                file,
                at("/columns"),
                MappingProblem::ColumnsNotMap,
            )),
            None => {}
        }
        match top.get("values") {
            Some(Value::Object(per_field)) => m.read_values(file, doc, per_field, &mut errors),
            Some(_) => errors.push(Diagnostic::error(
                file,
                at("/values"),
                MappingProblem::ValuesNotMap,
            )),
            None => {}
        }
        if errors.is_empty() {
            Ok(m)
        } else {
            errors.sort_by_key(|d| (d.line, d.col));
            Err(errors)
        }
    }
}

fn field_names() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|(n, _)| *n).chain(["ignore"])
}

impl ColumnMapping {
    /// `columns:` — header text → field (or `ignore`), each field from one column only.
    fn read_columns(
        &mut self,
        file: &str,
        doc: &crate::yaml::Document,
        cols: &serde_json::Map<String, Value>,
        errors: &mut Vec<Diagnostic>,
    ) {
        let at = |ptr: &str| doc.index.locate(ptr).value;
        let mut seen: BTreeMap<&str, String> = BTreeMap::new();
        for (header, target) in cols {
            let ptr = format!("/columns/{}", escape_segment(header));
            let Some(name) = target.as_str() else {
                let problem = MappingProblem::ColumnNotText {
                    header: header.clone(),
                };
                errors.push(Diagnostic::error(file, at(&ptr), problem));
                continue;
            };
            let t = if name == "ignore" {
                Target::Ignore
            } else if let Some((n, ty)) = FIELDS.iter().find(|(n, _)| *n == name) {
                if let Some(first) = seen.insert(n, header.clone()) {
                    let problem = MappingProblem::FieldTwice {
                        field: n.to_string(),
                        first,
                    };
                    errors.push(Diagnostic::error(file, at(&ptr), problem));
                }
                Target::Field(n, *ty)
            } else {
                let problem = MappingProblem::NotAField {
                    name: name.to_string(),
                    nearest: did_you_mean(name, field_names()).map(str::to_string),
                    in_columns: true,
                };
                errors.push(Diagnostic::error(file, at(&ptr), problem));
                continue;
            };
            self.columns.insert(fold(header), t);
        }
    }

    /// `values:` — per field, local wording → code, each code checked as the field takes it.
    fn read_values(
        &mut self,
        file: &str,
        doc: &crate::yaml::Document,
        per_field: &serde_json::Map<String, Value>,
        errors: &mut Vec<Diagnostic>,
    ) {
        let at = |ptr: &str| doc.index.locate(ptr).value;
        for (field, wordings) in per_field {
            let ptr = format!("/values/{}", escape_segment(field));
            let Some((name, ty)) = FIELDS.iter().find(|(n, _)| n == field) else {
                let problem = MappingProblem::NotAField {
                    name: field.clone(),
                    nearest: did_you_mean(field, field_names()).map(str::to_string),
                    in_columns: false,
                };
                errors.push(Diagnostic::error(
                    file,
                    doc.index.locate_key(&ptr).value,
                    problem,
                ));
                continue;
            };
            let Some(wordings) = wordings.as_object() else {
                let problem = MappingProblem::WordingsNotMap {
                    field: field.clone(),
                };
                errors.push(Diagnostic::error(file, at(&ptr), problem));
                continue;
            };
            let mut table = BTreeMap::new();
            for (local, code) in wordings {
                let cptr = format!("{ptr}/{}", escape_segment(local));
                let code = match code {
                    Value::String(s) => s.clone(),
                    Value::Bool(b) => b.to_string(),
                    other => {
                        let problem = MappingProblem::CodeNotText {
                            local: local.clone(),
                            found: other.clone(),
                        };
                        errors.push(Diagnostic::error(file, at(&cptr), problem));
                        continue;
                    }
                };
                if let Err(e) = super::Referral::default().set_text(name, *ty, &code) {
                    let problem = MappingProblem::BadCode {
                        local: local.clone(),
                        error: e,
                    };
                    errors.push(Diagnostic::error(file, at(&cptr), problem));
                    continue;
                }
                table.insert(fold(local), code);
            }
            self.values.insert(name, table);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    fn parse(text: &str) -> Result<ColumnMapping, Vec<Diagnostic>> {
        let doc = crate::yaml::parse("m.yaml", text).unwrap();
        ColumnMapping::from_doc("m.yaml", &doc)
    }

    #[test]
    fn headers_and_wordings_map_to_fields_and_codes() {
        let m = parse("columns:\n  Dossiernummer: id\n  Naam: ignore\nvalues:\n  income_support: {LL: leefloon}\n").unwrap();
        assert_eq!(
            m.column("dossiernummer"),
            Some(Target::Field("id", FieldType::Text))
        );
        assert_eq!(m.column("NAAM"), Some(Target::Ignore));
        assert_eq!(m.value("income_support", "ll"), "leefloon");
        assert_eq!(m.value("income_support", "leefloon"), "leefloon");
    }

    #[test]
    fn mistakes_are_located_with_suggestions() {
        let e = parse("columns:\n  Geboren: birth_dat\nvalues:\n  gender: {V: vrouwtje}\n")
            .unwrap_err();
        assert_eq!((e[0].line, e[0].col), (2, 12));
        assert!(
            matches!(&*e[0].problem, Problem::Mapping(MappingProblem::NotAField { name, nearest: Some(n), in_columns: true }) if name == "birth_dat" && n == "birth_date"),
            "{:?}",
            e[0].problem
        );
        assert_eq!(e[1].line, 4);
        assert!(
            matches!(&*e[1].problem, Problem::Mapping(MappingProblem::BadCode { local, .. }) if local == "V"),
            "{:?}",
            e[1].problem
        );
        let e = parse("colums:\n  a: id\n").unwrap_err();
        assert!(
            matches!(&*e[0].problem, Problem::Mapping(MappingProblem::UnknownKey { nearest: Some(n), .. }) if n == "columns")
        );
    }
}
