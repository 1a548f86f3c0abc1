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
use crate::diag::{suggestion_suffix, Diagnostic, LoadError, Pos};
use crate::yaml::escape_segment;
use traject_i18n::vocabulary::fold;

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
                "a column mapping is a mapping with `columns:` and `values:`",
            )
            .with_help("see examples/columns-nl.yaml")]);
        };
        for k in top
            .keys()
            .filter(|k| !matches!(k.as_str(), "columns" | "values"))
        {
            errors.push(
                Diagnostic::error(
                    file,
                    key_at(&format!("/{}", escape_segment(k))),
                    format!(
                        "unknown key '{k}'{}",
                        suggestion_suffix(k, ["columns", "values"])
                    ),
                )
                .with_help(
                    "a mapping has `columns:` (header: field) and `values:` (field: {local: code})",
                ),
            );
        }
        let mut m = ColumnMapping::default();
        match top.get("columns") {
            Some(Value::Object(cols)) => m.read_columns(file, doc, cols, &mut errors),
            Some(_) => errors.push(Diagnostic::error(
                file,
                at("/columns"),
                "`columns:` maps headers to fields: `Header text: field`",
            )),
            None => {}
        }
        match top.get("values") {
            Some(Value::Object(per_field)) => m.read_values(file, doc, per_field, &mut errors),
            Some(_) => errors.push(Diagnostic::error(
                file,
                at("/values"),
                "`values:` maps fields to {local wording: code}",
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
                errors.push(Diagnostic::error(
                    file,
                    at(&ptr),
                    format!("column '{header}': write the field it holds, or `ignore`"),
                ));
                continue;
            };
            let t = if name == "ignore" {
                Target::Ignore
            } else if let Some((n, ty)) = FIELDS.iter().find(|(n, _)| *n == name) {
                if let Some(first) = seen.insert(n, header.clone()) {
                    errors.push(
                        Diagnostic::error(
                            file,
                            at(&ptr),
                            format!("field '{n}' is already the column '{first}'"),
                        )
                        .with_help("map each field from one column"),
                    );
                }
                Target::Field(n, *ty)
            } else {
                errors.push(
                    Diagnostic::error(file, at(&ptr), format!("'{name}' is not a referral field{}", suggestion_suffix(name, field_names())))
                        .with_help("the fields are listed in schemas/referral.schema.json; `ignore` leaves a column unread"),
                );
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
                errors.push(Diagnostic::error(
                    file,
                    doc.index.locate_key(&ptr).value,
                    format!(
                        "'{field}' is not a referral field{}",
                        suggestion_suffix(field, field_names())
                    ),
                ));
                continue;
            };
            let Some(wordings) = wordings.as_object() else {
                errors.push(Diagnostic::error(
                    file,
                    at(&ptr),
                    format!("values of '{field}': write `local wording: code` lines"),
                ));
                continue;
            };
            let mut table = BTreeMap::new();
            for (local, code) in wordings {
                let cptr = format!("{ptr}/{}", escape_segment(local));
                let code = match code {
                    Value::String(s) => s.clone(),
                    Value::Bool(b) => b.to_string(),
                    other => {
                        errors.push(Diagnostic::error(
                            file,
                            at(&cptr),
                            format!(
                                "'{local}': the code must be text, not {}",
                                crate::yaml::describe(other)
                            ),
                        ));
                        continue;
                    }
                };
                if let Err(e) = super::Referral::default().set_text(name, *ty, &code) {
                    errors.push(
                        Diagnostic::error(file, at(&cptr), format!("'{local}' → {e}"))
                            .nl(
                                format!("'{local}' → {}", e.in_lang(traject_i18n::Lang::Nl)),
                                "",
                            )
                            .fr(
                                format!(
                                    "«\u{a0}{local}\u{a0}» → {}",
                                    e.in_lang(traject_i18n::Lang::Fr)
                                ),
                                "",
                            ),
                    );
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
            e[0].message.contains("did you mean 'birth_date'"),
            "{}",
            e[0].message
        );
        assert_eq!(e[1].line, 4);
        assert!(e[1].message.contains("'V' →"), "{}", e[1].message);
        let e = parse("colums:\n  a: id\n").unwrap_err();
        assert!(e[0].message.contains("did you mean 'columns'"));
    }
}
