//! A programme file against its JSON Schema: keys that are not allowed or missing, values of
//! the wrong kind. The schema's own description of the node is the hint.

use serde_json::Value;

/// The schema's description of a node, in English and (where written) Dutch and French.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaHint {
    pub en: String,
    pub nl: Option<String>,
    pub fr: Option<String>,
}

/// A JSON type the schema expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    Object,
    Array,
    String,
    Number,
    Integer,
    Boolean,
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SchemaProblem {
    UnknownKey {
        key: String,
        allowed: Vec<String>,
        nearest: Option<String>,
    },
    MissingKey {
        key: String,
        hint: Option<SchemaHint>,
    },
    WrongType {
        expected: Vec<JsonType>,
        found: Value,
        hint: Option<SchemaHint>,
    },
    NotOneOf {
        found: Value,
        options: Vec<String>,
        nearest: Option<String>,
        hint: Option<SchemaHint>,
    },
    NotADate {
        found: Value,
        hint: Option<SchemaHint>,
    },
    NotInForm {
        found: Value,
        hint: Option<SchemaHint>,
    },
    TooFewItems {
        min: u64,
        hint: Option<SchemaHint>,
    },
    NotAccepted {
        found: Value,
        hint: Option<SchemaHint>,
    },
    /// Another kind of violation, in the validator's own (English) words.
    Other {
        validator: String,
        hint: Option<SchemaHint>,
    },
}
