//! The programme JSON Schema (draft-07), embedded so `traject` works from any folder, and the
//! translation of schema violations into located diagnostics with "did you mean" hints.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::Validator;
use serde_json::Value;

use crate::diag::{did_you_mean, Diagnostic};
use crate::problem::{JsonType, Problem, SchemaHint, SchemaProblem};
use crate::yaml::{escape_segment, SpanIndex};

/// The text of `schemas/program.schema.json`.
pub const PROGRAM_SCHEMA: &str = include_str!("../../../../schemas/program.schema.json");

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
        match err.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed: Vec<String> = owner_node
                    .and_then(|n| n.get("properties"))
                    .and_then(Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                for key in unexpected {
                    let place =
                        index.locate_key(&format!("{instance_ptr}/{}", escape_segment(key)));
                    let nearest =
                        did_you_mean(key, allowed.iter().map(String::as_str)).map(str::to_string);
                    let problem = SchemaProblem::UnknownKey {
                        key: key.clone(),
                        allowed: allowed.clone(),
                        nearest,
                    };
                    out.push(
                        Diagnostic::error(file, place.value, problem)
                            .with_width(key.chars().count()),
                    );
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or("?");
                let prop = owner_node
                    .and_then(|n| n.pointer(&format!("/properties/{}", escape_segment(name))))
                    .map(|p| resolve(schema, p));
                let problem = SchemaProblem::MissingKey {
                    key: name.to_string(),
                    hint: prop.and_then(hint_of),
                };
                out.push(Diagnostic::error(
                    file,
                    index.locate(&instance_ptr).value,
                    problem,
                ));
            }
            kind => {
                let place = index.locate(&instance_ptr);
                let hint = owner_node.and_then(hint_of);
                let problem = value_problem(kind, err.instance(), err.to_string(), hint);
                out.push(Diagnostic::error(file, place.value, problem).with_width(place.width));
            }
        }
    }
    // A misspelt required key shows up twice: as unknown and as missing. Keep the unknown one,
    // whose "did you mean" already names the missing key.
    let suggested: Vec<String> = out
        .iter()
        .filter_map(|d| match &*d.problem {
            Problem::Schema(SchemaProblem::UnknownKey { nearest, .. }) => nearest.clone(),
            _ => None,
        })
        .collect();
    out.retain(|d| {
        !matches!(&*d.problem, Problem::Schema(SchemaProblem::MissingKey { key, .. }) if suggested.contains(key))
    });
    out.sort_by_key(|d| (d.line, d.col));
    out.dedup_by(|a, b| a.line == b.line && a.col == b.col && a.problem == b.problem);
    out
}

/// A schema node's description, with its Dutch and French where written.
fn hint_of(node: &Value) -> Option<SchemaHint> {
    let text = |key: &str| node.get(key).and_then(Value::as_str).map(str::to_string);
    Some(SchemaHint {
        en: text("description")?,
        nl: text("x-description-nl"),
        fr: text("x-description-fr"),
    })
}

/// What is wrong with a value; `validator` is the validator's own words for kinds of problem
/// programme files do not meet.
fn value_problem(
    kind: &ValidationErrorKind,
    found: &Value,
    validator: String,
    hint: Option<SchemaHint>,
) -> SchemaProblem {
    let found = found.clone();
    match kind {
        ValidationErrorKind::Type { kind } => {
            let names: Vec<String> = match kind {
                TypeKind::Single(t) => vec![t.to_string()],
                TypeKind::Multiple(ts) => ts.iter().map(|t| t.to_string()).collect(),
            };
            let expected = names.iter().filter_map(|n| json_type(n)).collect();
            SchemaProblem::WrongType {
                expected,
                found,
                hint,
            }
        }
        ValidationErrorKind::Enum { options } => {
            let options: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().map_or(v.to_string(), str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let word = found.as_str().map_or(found.to_string(), str::to_string);
            let nearest =
                did_you_mean(&word, options.iter().map(String::as_str)).map(str::to_string);
            SchemaProblem::NotOneOf {
                found,
                options,
                nearest,
                hint,
            }
        }
        ValidationErrorKind::Format { format } if format == "date" => {
            SchemaProblem::NotADate { found, hint }
        }
        ValidationErrorKind::Pattern { .. } => SchemaProblem::NotInForm { found, hint },
        ValidationErrorKind::MinItems { limit } => SchemaProblem::TooFewItems { min: *limit, hint },
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            SchemaProblem::NotAccepted { found, hint }
        }
        _ => SchemaProblem::Other { validator, hint },
    }
}

fn json_type(name: &str) -> Option<JsonType> {
    Some(match name {
        "object" => JsonType::Object,
        "array" => JsonType::Array,
        "string" => JsonType::String,
        "number" => JsonType::Number,
        "integer" => JsonType::Integer,
        "boolean" => JsonType::Boolean,
        "null" => JsonType::Null,
        _ => return None,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schema_compiles() {
        let _ = program_validator();
    }
}
