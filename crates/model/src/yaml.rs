//! YAML text → `serde_json::Value` plus an index from JSON pointer to source position.
//!
//! We parse with `saphyr-parser` events rather than a tree loader so that we control every
//! limit a hand-edited or hostile file can hit: size, nesting depth, duplicate keys, aliases,
//! tags and non-text keys all become located diagnostics instead of panics or silent choices.
//! Scalars are typed with the YAML 1.2 core schema (so `no` stays text, `2022-01-01` is text).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};

use crate::diag::{Diagnostic, Pos};
use crate::problem::{FileProblem, YamlProblem};

/// Largest document we read; programme files are a few hundred kilobytes at most.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// Deepest nesting of mappings and sequences we accept.
pub const MAX_DEPTH: usize = 48;

/// Where a value (and, for mapping entries, its key) stands in the file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Place {
    pub value: Pos,
    pub key: Option<Pos>,
    /// Length in characters of the key (or scalar value) for underlining.
    pub width: usize,
}

/// JSON pointer (RFC 6901, e.g. `/versions/0/eligibility`) → place in the file.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    places: HashMap<String, Place>,
}

impl SpanIndex {
    pub fn get(&self, pointer: &str) -> Option<&Place> {
        self.places.get(pointer)
    }

    /// The position of the value at `pointer`, or of its nearest ancestor that is known.
    pub fn locate(&self, pointer: &str) -> Place {
        let mut p = pointer;
        loop {
            if let Some(place) = self.places.get(p) {
                return *place;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Place::default(),
            }
        }
    }

    /// The entries written directly under `pointer` (keys of a mapping, indices of a list),
    /// each with the line it starts on (its key's line, for a mapping entry), in file order.
    pub fn children(&self, pointer: &str) -> Vec<(String, usize)> {
        let prefix = format!("{pointer}/");
        let mut out: Vec<(String, usize)> = self
            .places
            .iter()
            .filter_map(|(p, place)| {
                let rest = p.strip_prefix(&prefix)?;
                (!rest.contains('/'))
                    .then(|| (rest.to_string(), place.key.unwrap_or(place.value).line))
            })
            .collect();
        out.sort_by_key(|(_, line)| *line);
        out
    }

    /// The position of the key that introduces `pointer` (falls back to the value).
    pub fn locate_key(&self, pointer: &str) -> Place {
        let place = self.locate(pointer);
        Place {
            value: place.key.unwrap_or(place.value),
            ..place
        }
    }
}

/// Escape one segment for a JSON pointer.
pub fn escape_segment(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Result of reading one YAML document.
#[derive(Debug, Clone)]
pub struct Document {
    pub value: Value,
    pub index: SpanIndex,
}

fn pos_of(span: &Span) -> Pos {
    Pos::new(span.start.line(), span.start.col() + 1)
}

/// Checks that apply to raw bytes before any YAML parsing: size, NUL bytes, UTF-8.
pub fn check_text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, Diagnostic> {
    if bytes.len() > MAX_BYTES {
        return Err(too_big(file, bytes.len()));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let good = std::str::from_utf8(good).unwrap_or("");
            return Err(not_utf8(file, end_of(good)));
        }
    };
    if let Some(i) = text.find('\0') {
        return Err(nul_byte(file, end_of(&text[..i])));
    }
    if text.trim().is_empty()
        || text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(no_programme(file));
    }
    Ok(text)
}

/// The position just after `before`, the text up to a problem.
fn end_of(before: &str) -> Pos {
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos::new(line, col)
}

fn too_big(file: &str, len: usize) -> Diagnostic {
    Diagnostic::error(
        file,
        Pos::new(1, 1),
        FileProblem::TooBig {
            megabytes: len as f64 / 1_048_576.0,
            limit_megabytes: MAX_BYTES / 1_048_576,
        },
    )
}

fn not_utf8(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, FileProblem::NotUtf8)
}

fn nul_byte(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, FileProblem::NulByte)
}

fn no_programme(file: &str) -> Diagnostic {
    Diagnostic::error(file, Pos::new(1, 1), FileProblem::Empty)
}

enum Frame {
    Seq {
        pointer: String,
        items: Vec<Value>,
    },
    Map {
        pointer: String,
        map: Map<String, Value>,
        /// Key waiting for its value.
        pending_key: Option<PendingKey>,
    },
}

/// A mapping's key read, its value still to come.
struct PendingKey {
    key: String,
    /// Where the key stands, and its width (a list or mapping under it underlines the key).
    at: Pos,
    width: usize,
    /// The pointer of the value to come: made once, for the index and the frame.
    pointer: String,
}

/// Parse one YAML document into JSON with positions. Errors are located.
pub fn parse(file: &str, text: &str) -> Result<Document, Diagnostic> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    // About one place per 15 bytes in the bundled programmes: sized once, not grown and
    // rehashed a dozen times on the way.
    let mut index = SpanIndex {
        places: HashMap::with_capacity(text.len() / 12),
    };
    let mut root: Option<Value> = None;
    let mut documents = 0usize;

    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| scan_error(file, &e))?;
        let pos = pos_of(&span);
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(two_documents(file, pos));
                }
            }
            Event::Alias(_) => {
                return Err(alias_error(file, pos));
            }
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 {
                    return Err(anchor_error(file, pos));
                }
                if let Some(tag) = tag {
                    return Err(tag_error(file, pos, &tag));
                }
                let width = text.chars().count().max(1);
                // A scalar in key position becomes a key; anything else is a value.
                if let Some(Frame::Map {
                    pending_key,
                    map,
                    pointer,
                }) = stack.last_mut()
                {
                    if pending_key.is_none() {
                        let child = format!("{pointer}/{}", escape_segment(&text));
                        // Every earlier key of this mapping has its value by now, so a key
                        // seen before is in the map, and its place in the index.
                        if map.contains_key(text.as_ref() as &str) {
                            let first = index.places.get(&child).and_then(|p| p.key);
                            let line = first.map_or(pos.line, |k| k.line);
                            return Err(duplicate_key(file, pos, &text, line, width));
                        }
                        *pending_key = Some(PendingKey {
                            key: text.to_string(),
                            at: pos,
                            width,
                            pointer: child,
                        });
                        continue;
                    }
                }
                let value = scalar_value(&text, style);
                push_value(&mut stack, &mut root, &mut index, value, pos, width);
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if anchor != 0 {
                    return Err(anchor_error(file, pos));
                }
                if tag.is_some() {
                    return Err(collection_tag_error(file, pos));
                }
                let is_seq = matches!(event, Event::SequenceStart(..));
                open_collection(file, pos, is_seq, &mut stack, &mut index)?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let value = match stack.pop() {
                    Some(Frame::Seq { items, .. }) => Value::Array(items),
                    Some(Frame::Map { map, .. }) => Value::Object(map),
                    None => continue,
                };
                attach(&mut stack, &mut root, value);
            }
        }
    }
    match root {
        Some(value) => Ok(Document { value, index }),
        None => Err(Diagnostic::error(
            file,
            Pos::new(1, 1),
            YamlProblem::NoDocument,
        )),
    }
}

/// A list or mapping begins: refused too deep or in key position, else a new frame.
fn open_collection(
    file: &str,
    pos: Pos,
    is_seq: bool,
    stack: &mut Vec<Frame>,
    index: &mut SpanIndex,
) -> Result<(), Diagnostic> {
    if stack.len() >= MAX_DEPTH {
        return Err(too_deep(file, pos));
    }
    if let Some(Frame::Map {
        pending_key: None, ..
    }) = stack.last()
    {
        return Err(key_not_text(file, pos));
    }
    let pointer = child_pointer(stack);
    record(index, stack, pointer.clone(), pos, 0);
    stack.push(if is_seq {
        Frame::Seq {
            pointer,
            items: Vec::new(),
        }
    } else {
        Frame::Map {
            pointer,
            map: Map::new(),
            pending_key: None,
        }
    });
    Ok(())
}

fn two_documents(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, YamlProblem::TwoDocuments)
}

fn alias_error(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, YamlProblem::Alias)
}

fn tag_error(file: &str, pos: Pos, tag: &impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        file,
        pos,
        YamlProblem::Tag {
            tag: tag.to_string(),
        },
    )
}

fn collection_tag_error(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, YamlProblem::CollectionTag)
}

fn duplicate_key(file: &str, pos: Pos, key: &str, first_line: usize, width: usize) -> Diagnostic {
    Diagnostic::error(
        file,
        pos,
        YamlProblem::DuplicateKey {
            key: key.to_string(),
            first_line,
        },
    )
    .with_width(width)
}

fn too_deep(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, YamlProblem::TooDeep { max: MAX_DEPTH })
}

fn key_not_text(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, YamlProblem::KeyNotText)
}

fn anchor_error(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, YamlProblem::Anchor)
}

fn scan_error(file: &str, e: &saphyr_parser::ScanError) -> Diagnostic {
    let m = e.marker();
    let info = e.info();
    let pos = Pos::new(m.line().max(1), m.col() + 1);
    if info.contains("recursion limit") {
        return Diagnostic::error(file, pos, YamlProblem::NestedTooDeeply { max: MAX_DEPTH });
    }
    // The parser's own wording is English; it is quoted as it is, the rest is ours.
    Diagnostic::error(
        file,
        pos,
        YamlProblem::Syntax {
            info: info.to_string(),
            tab: info.contains("tab"),
        },
    )
}

/// The pointer of the value about to be pushed into the innermost open container.
fn child_pointer(stack: &[Frame]) -> String {
    match stack.last() {
        None => String::new(),
        Some(Frame::Seq { pointer, items }) => format!("{pointer}/{}", items.len()),
        Some(Frame::Map {
            pointer,
            pending_key,
            ..
        }) => match pending_key {
            Some(k) => k.pointer.clone(),
            None => format!("{pointer}/"),
        },
    }
}

/// Where the value at `pointer` stands: its key's place too when it is a mapping's value.
fn record(index: &mut SpanIndex, stack: &[Frame], pointer: String, pos: Pos, width: usize) {
    let pending = match stack.last() {
        Some(Frame::Map {
            pending_key: Some(k),
            ..
        }) => Some(k),
        _ => None,
    };
    let key = pending.map(|k| k.at);
    // Containers underline their key; scalars underline themselves.
    let width = match (pending, width) {
        (Some(k), 0) => k.width.max(1),
        (_, w) => w.max(1),
    };
    index.places.insert(
        pointer,
        Place {
            value: pos,
            key,
            width,
        },
    );
}

fn push_value(
    stack: &mut [Frame],
    root: &mut Option<Value>,
    index: &mut SpanIndex,
    value: Value,
    pos: Pos,
    width: usize,
) {
    record(index, stack, child_pointer(stack), pos, width);
    attach_slice(stack, root, value);
}

fn attach(stack: &mut [Frame], root: &mut Option<Value>, value: Value) {
    attach_slice(stack, root, value)
}

fn attach_slice(stack: &mut [Frame], root: &mut Option<Value>, value: Value) {
    match stack.last_mut() {
        None => *root = Some(value),
        Some(Frame::Seq { items, .. }) => items.push(value),
        Some(Frame::Map {
            map, pending_key, ..
        }) => {
            if let Some(k) = pending_key.take() {
                map.insert(k.key, value);
            }
        }
    }
}

/// YAML 1.2 core schema resolution of a scalar.
fn scalar_value(text: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if is_int(text) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Number(i.into());
        }
    }
    if is_float(text) {
        if let Ok(f) = text.parse::<f64>() {
            if let Some(n) = Number::from_f64(f) {
                return Value::Number(n);
            }
        }
    }
    Value::String(text.to_string())
}

fn is_int(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_float(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mantissa_ok = {
        let mut parts = mantissa.splitn(2, '.');
        let a = parts.next().unwrap_or("");
        let b = parts.next();
        let a_ok = a.bytes().all(|c| c.is_ascii_digit());
        match b {
            Some(b) => {
                a_ok && b.bytes().all(|c| c.is_ascii_digit()) && !(a.is_empty() && b.is_empty())
            }
            None => a_ok && !a.is_empty(),
        }
    };
    let exp_ok = exp.is_none_or(is_int);
    mantissa_ok && exp_ok && (mantissa.contains('.') || exp.is_some())
}

/// Read a file from disk and parse it, with every failure located.
pub fn read_file(path: &std::path::Path, display: &str) -> Result<(String, Document), Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        let problem = FileProblem::CannotRead {
            reason: e.to_string(),
        };
        Diagnostic::error(display, Pos::new(1, 1), problem)
    })?;
    let text = check_text(display, &bytes)?.to_string();
    let doc = parse(display, &text)?;
    Ok((text, doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let doc = parse("t.yaml", "a:\n  b: [1, x]\n  c: 2022-01-01\n").unwrap();
        assert_eq!(doc.value["a"]["b"][1], "x");
        assert_eq!(doc.value["a"]["c"], "2022-01-01");
        let p = doc.index.get("/a/c").unwrap();
        assert_eq!(p.key, Some(Pos::new(3, 3)));
        assert_eq!(p.value, Pos::new(3, 6));
        assert_eq!(doc.index.get("/a/b/1").unwrap().value, Pos::new(2, 10));
    }

    #[test]
    fn core_schema_scalars() {
        let doc = parse("t.yaml", "a: no\nb: 1.5\nc: '7'\nd: ~\ne: true\nf: 12\n").unwrap();
        assert_eq!(doc.value["a"], "no");
        assert_eq!(doc.value["b"], 1.5);
        assert_eq!(doc.value["c"], "7");
        assert!(doc.value["d"].is_null());
        assert_eq!(doc.value["e"], true);
        assert_eq!(doc.value["f"], 12);
    }

    #[test]
    fn duplicate_keys_are_located() {
        let err = parse("t.yaml", "a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!((err.line, err.col), (3, 1));
        assert!(matches!(
            &*err.problem,
            crate::problem::Problem::Yaml(YamlProblem::DuplicateKey { key, first_line: 1 }) if key == "a"
        ));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000);
        let err = parse("t.yaml", &text).unwrap_err();
        assert!(
            matches!(
                *err.problem,
                crate::problem::Problem::Yaml(
                    YamlProblem::TooDeep { .. } | YamlProblem::NestedTooDeeply { .. }
                )
            ),
            "{err:?}"
        );
    }
}
