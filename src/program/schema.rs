//! The programme JSON Schema (draft-07), embedded so `traject` works from any folder, and the
//! translation of schema violations into located diagnostics with "did you mean" hints.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::Validator;
use serde_json::Value;

use crate::diag::{suggestion_suffix, Diagnostic};
use crate::yaml::{escape_segment, SpanIndex};

/// The text of `schemas/program.schema.json`.
pub const PROGRAM_SCHEMA: &str = include_str!("../../schemas/program.schema.json");

fn parsed(text: &'static str, cell: &'static OnceLock<Value>) -> &'static Value {
    cell.get_or_init(|| serde_json::from_str(text).expect("embedded schema is valid JSON (tested)"))
}

/// The programme schema as JSON.
pub fn program_schema() -> &'static Value {
    static CELL: OnceLock<Value> = OnceLock::new();
    parsed(PROGRAM_SCHEMA, &CELL)
}

fn program_validator() -> &'static Validator {
    static CELL: OnceLock<Validator> = OnceLock::new();
    CELL.get_or_init(|| compile(program_schema()))
}

/// Compile an embedded schema; the embedded schemas are checked by a unit test.
pub fn compile(schema: &Value) -> Validator {
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("embedded schema compiles (tested)")
}

/// Validate a programme document; every violation becomes a located diagnostic.
pub fn check_program(file: &str, value: &Value, index: &SpanIndex) -> Vec<Diagnostic> {
    check_against(program_validator(), program_schema(), file, value, index)
}

/// Validate `value` against a compiled schema, mapping errors back to the file.
pub fn check_against(
    validator: &Validator,
    schema: &Value,
    file: &str,
    value: &Value,
    index: &SpanIndex,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for err in validator.iter_errors(value) {
        let instance_ptr = err.instance_path().as_str().to_string();
        let schema_ptr = err.schema_path().as_str().to_string();
        // The schema node that owns the failing keyword: its description is our hint.
        let owner = schema_ptr.rsplit_once('/').map_or("", |(a, _)| a);
        let owner_node = schema.pointer(owner);
        let hint = owner_node
            .and_then(|n| n.get("description"))
            .and_then(Value::as_str)
            .map(str::to_string);
        match err.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed: Vec<&str> = owner_node
                    .and_then(|n| n.get("properties"))
                    .and_then(Value::as_object)
                    .map(|m| m.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                for key in unexpected {
                    let place =
                        index.locate_key(&format!("{instance_ptr}/{}", escape_segment(key)));
                    let msg = format!(
                        "unknown key '{key}'{}",
                        suggestion_suffix(key, allowed.iter().copied())
                    );
                    out.push(
                        Diagnostic::error(file, place.value, msg)
                            .with_width(key.chars().count())
                            .with_help(format!("allowed keys here: {}", allowed.join(", "))),
                    );
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or("?");
                let place = index.locate(&instance_ptr);
                let prop_hint = owner_node
                    .and_then(|n| n.pointer(&format!("/properties/{}", escape_segment(name))))
                    .and_then(|p| resolve(schema, p).get("description"))
                    .and_then(Value::as_str);
                let mut d = Diagnostic::error(file, place.value, format!("missing key '{name}'"));
                d = d.with_help(match prop_hint {
                    Some(h) => format!("add `{name}:` here. {h}"),
                    None => format!("add `{name}:` to this entry"),
                });
                out.push(d);
            }
            kind => {
                let place = index.locate(&instance_ptr);
                let found = err.instance();
                let message = match kind {
                    ValidationErrorKind::Type { kind } => {
                        let expected = match kind {
                            TypeKind::Single(t) => t.to_string(),
                            TypeKind::Multiple(ts) => ts
                                .iter()
                                .map(|t| t.to_string())
                                .collect::<Vec<_>>()
                                .join(" or "),
                        };
                        format!(
                            "expected {}, found {}",
                            readable_type(&expected),
                            crate::yaml::describe(found)
                        )
                    }
                    ValidationErrorKind::Enum { options } => {
                        let opts: Vec<String> = options
                            .as_array()
                            .map(|a| {
                                a.iter()
                                    .map(|v| v.as_str().map_or(v.to_string(), str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default();
                        let word = found.as_str().map_or(found.to_string(), str::to_string);
                        format!(
                            "{} is not one of: {}{}",
                            crate::yaml::describe(found),
                            opts.join(", "),
                            suggestion_suffix(&word, opts.iter().map(String::as_str))
                        )
                    }
                    ValidationErrorKind::Format { format } if format == "date" => format!(
                        "{} is not a real date in the form YYYY-MM-DD",
                        crate::yaml::describe(found)
                    ),
                    ValidationErrorKind::Pattern { .. } => {
                        format!(
                            "{} is not in the expected form",
                            crate::yaml::describe(found)
                        )
                    }
                    ValidationErrorKind::MinItems { limit } => {
                        format!(
                            "this list needs at least {limit} entr{}",
                            if *limit == 1 { "y" } else { "ies" }
                        )
                    }
                    ValidationErrorKind::AnyOf { .. }
                    | ValidationErrorKind::OneOfNotValid { .. } => {
                        format!(
                            "{} is not an accepted value here",
                            crate::yaml::describe(found)
                        )
                    }
                    _ => err.to_string(),
                };
                let mut d = Diagnostic::error(file, place.value, message).with_width(place.width);
                if let Some(h) = &hint {
                    d = d.with_help(h.clone());
                }
                out.push(d);
            }
        }
    }
    // A misspelt required key shows up twice: as unknown and as missing. Keep the unknown one,
    // whose "did you mean" already names the missing key.
    let suggested: Vec<String> = out
        .iter()
        .filter_map(|d| d.message.split("(did you mean '").nth(1))
        .filter_map(|rest| rest.split('\'').next())
        .map(|k| format!("missing key '{k}'"))
        .collect();
    out.retain(|d| !suggested.contains(&d.message));
    out.sort_by_key(|d| (d.line, d.col));
    out.dedup_by(|a, b| a.line == b.line && a.col == b.col && a.message == b.message);
    out
}

/// Follow a local `$ref` once.
fn resolve<'a>(schema: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix('#')
            .and_then(|p| schema.pointer(p))
            .unwrap_or(node),
        None => node,
    }
}

fn readable_type(t: &str) -> String {
    t.split(" or ")
        .map(|t| match t {
            "object" => "a mapping (key: value lines)",
            "array" => "a list",
            "string" => "text",
            "number" => "a number",
            "integer" => "a whole number",
            "boolean" => "true or false",
            "null" => "nothing (null)",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schema_compiles() {
        let _ = program_validator();
    }
}
