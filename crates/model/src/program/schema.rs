//! The programme JSON Schema (draft-07), embedded so `traject` works from any folder, and the
//! translation of schema violations into located diagnostics with "did you mean" hints.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::Validator;
use serde_json::Value;

use crate::diag::{suggestion_in, suggestion_suffix, Diagnostic};
use crate::yaml::{escape_segment, SpanIndex};
use traject_i18n::Lang;

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
        let hint = owner_node
            .and_then(|n| n.get("description"))
            .and_then(Value::as_str)
            .map(str::to_string);
        // The schema's Dutch and French descriptions, where written; else the English one
        // stays the hint.
        let hint_in = |lang: Lang| -> String {
            owner_node
                .and_then(|n| n.get(format!("x-description-{lang}")))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
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
                    out.push(unknown_key(file, place, key, &allowed));
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or("?");
                out.push(missing_key(
                    schema,
                    owner_node,
                    file,
                    index.locate(&instance_ptr),
                    name,
                ));
            }
            kind => {
                let place = index.locate(&instance_ptr);
                let found = err.instance();
                let fallback = err.to_string();
                let message = |lang| value_message(kind, found, &fallback, lang);
                let mut d = Diagnostic::error(file, place.value, message(Lang::En))
                    .with_width(place.width)
                    .nl(message(Lang::Nl), hint_in(Lang::Nl))
                    .fr(message(Lang::Fr), hint_in(Lang::Fr));
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

/// A required key that is not written, with the schema's description of it.
fn missing_key(
    schema: &Value,
    owner_node: Option<&Value>,
    file: &str,
    place: crate::yaml::Place,
    name: &str,
) -> Diagnostic {
    let prop = owner_node
        .and_then(|n| n.pointer(&format!("/properties/{}", escape_segment(name))))
        .map(|p| resolve(schema, p));
    let prop_hint = prop
        .and_then(|p| p.get("description"))
        .and_then(Value::as_str);
    let prop_hint_in = |lang: Lang| {
        prop.and_then(|p| p.get(format!("x-description-{lang}")))
            .and_then(Value::as_str)
            .map(|h| format!(" {h}"))
            .unwrap_or_default()
    };
    Diagnostic::error(file, place.value, format!("missing key '{name}'"))
        .with_help(match prop_hint {
            Some(h) => format!("add `{name}:` here. {h}"),
            None => format!("add `{name}:` to this entry"),
        })
        .nl(
            format!("sleutel '{name}' ontbreekt"),
            format!("voeg hier `{name}:` toe.{}", prop_hint_in(Lang::Nl)),
        )
        .fr(
            format!("la clé «\u{a0}{name}\u{a0}» manque"),
            format!("ajoutez `{name}:` ici.{}", prop_hint_in(Lang::Fr)),
        )
}

/// A key the schema does not allow here, with the nearest allowed one.
fn unknown_key(file: &str, place: crate::yaml::Place, key: &str, allowed: &[&str]) -> Diagnostic {
    let candidates = || allowed.iter().copied();
    let list = allowed.join(", ");
    Diagnostic::error(
        file,
        place.value,
        format!(
            "unknown key '{key}'{}",
            suggestion_suffix(key, candidates())
        ),
    )
    .with_width(key.chars().count())
    .with_help(format!("allowed keys here: {list}"))
    .nl(
        format!(
            "onbekende sleutel '{key}'{}",
            suggestion_in(key, candidates(), Lang::Nl)
        ),
        format!("sleutels die hier mogen: {list}"),
    )
    .fr(
        format!(
            "clé inconnue «\u{a0}{key}\u{a0}»{}",
            suggestion_in(key, candidates(), Lang::Fr)
        ),
        format!("clés admises ici : {list}"),
    )
}

/// What is wrong with a value, worded for `lang`; `fallback` is the validator's own words for
/// kinds of problem programme files do not meet.
fn value_message(kind: &ValidationErrorKind, found: &Value, fallback: &str, lang: Lang) -> String {
    let say = |nl, fr, en| traject_i18n::say(lang, nl, fr, en);
    let found_text = crate::yaml::describe_in(found, lang);
    match kind {
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let expected = readable_type(&expected, lang);
            match lang {
                Lang::En => format!("expected {expected}, found {found_text}"),
                Lang::Nl => format!("verwacht: {expected}, gevonden: {found_text}"),
                Lang::Fr => format!("attendu : {expected}, trouvé : {found_text}"),
            }
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
            let hint = suggestion_in(&word, opts.iter().map(String::as_str), lang);
            let opts = opts.join(", ");
            match lang {
                Lang::En => format!("{found_text} is not one of: {opts}{hint}"),
                Lang::Nl => format!("{found_text} is niet een van: {opts}{hint}"),
                Lang::Fr => format!("{found_text} n'est pas l'une des valeurs : {opts}{hint}"),
            }
        }
        ValidationErrorKind::Format { format } if format == "date" => format!(
            "{found_text} {}",
            say(
                "is geen echte datum in de vorm JJJJ-MM-DD",
                "n'est pas une vraie date de la forme AAAA-MM-JJ",
                "is not a real date in the form YYYY-MM-DD"
            )
        ),
        ValidationErrorKind::Pattern { .. } => format!(
            "{found_text} {}",
            say(
                "heeft niet de verwachte vorm",
                "n'a pas la forme attendue",
                "is not in the expected form"
            )
        ),
        ValidationErrorKind::MinItems { limit } => match (lang, *limit) {
            (Lang::En, 1) => "this list needs at least 1 entry".to_string(),
            (Lang::En, n) => format!("this list needs at least {n} entries"),
            (Lang::Nl, 1) => "deze lijst heeft minstens 1 element nodig".to_string(),
            (Lang::Nl, n) => {
                format!("deze lijst heeft minstens {n} elementen nodig")
            }
            (Lang::Fr, 1) => "cette liste doit compter au moins 1 élément".to_string(),
            (Lang::Fr, n) => {
                format!("cette liste doit compter au moins {n} éléments")
            }
        },
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => format!(
            "{found_text} {}",
            say(
                "is hier geen aanvaarde waarde",
                "n'est pas une valeur acceptée ici",
                "is not an accepted value here"
            )
        ),
        _ => fallback.to_string(),
    }
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

fn readable_type(t: &str, lang: Lang) -> String {
    let say = |nl, fr, en| traject_i18n::say(lang, nl, fr, en);
    t.split(" or ")
        .map(|t| match t {
            "object" => say(
                "een mapping (regels sleutel: waarde)",
                "un tableau de clés (lignes clé: valeur)",
                "a mapping (key: value lines)",
            ),
            "array" => say("een lijst", "une liste", "a list"),
            "string" => say("tekst", "du texte", "text"),
            "number" => say("een getal", "un nombre", "a number"),
            "integer" => say("een geheel getal", "un nombre entier", "a whole number"),
            "boolean" => say("true of false", "true ou false", "true or false"),
            "null" => say("niets (null)", "rien (null)", "nothing (null)"),
            other => other,
        })
        .collect::<Vec<_>>()
        .join(say(" of ", " ou ", " or "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schema_compiles() {
        let _ = program_validator();
    }
}
