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
    use traject_i18n::{number, Lang};
    let mb = len as f64 / 1_048_576.0;
    let limit = MAX_BYTES / 1_048_576;
    Diagnostic::error(
        file,
        Pos::new(1, 1),
        format!("file is {mb:.1} MB; programme and referral files are limited to {limit} MB"),
    )
    .with_help("split the file or remove the generated content; a programme is a few hundred lines")
    .nl(
        format!(
            "bestand is {} MB; programma- en aanmeldingsbestanden mogen hoogstens {limit} MB zijn",
            number(mb, Lang::Nl)
        ),
        "splits het bestand of verwijder de gegenereerde inhoud; een programma telt enkele honderden regels",
    )
    .fr(
        format!(
            "le fichier fait {} Mo ; les fichiers de programme et d'orientation sont limités à {limit} Mo",
            number(mb, Lang::Fr)
        ),
        "scindez le fichier ou retirez le contenu généré ; un programme compte quelques centaines de lignes",
    )
}

fn not_utf8(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(
        file,
        pos,
        "file is not UTF-8 text (binary data or another encoding)",
    )
    .with_help("save the file as UTF-8 text; is this the right file?")
    .nl(
        "bestand is geen UTF-8-tekst (binaire gegevens of een andere codering)",
        "bewaar het bestand als UTF-8-tekst; is dit het juiste bestand?",
    )
    .fr(
        "le fichier n'est pas du texte UTF-8 (données binaires ou autre encodage)",
        "enregistrez le fichier en texte UTF-8 ; est-ce le bon fichier ?",
    )
}

fn nul_byte(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, "file contains a NUL byte (binary data)")
        .with_help("save the file as plain UTF-8 text")
        .nl(
            "bestand bevat een NUL-byte (binaire gegevens)",
            "bewaar het bestand als gewone UTF-8-tekst",
        )
        .fr(
            "le fichier contient un octet NUL (données binaires)",
            "enregistrez le fichier en texte UTF-8 simple",
        )
}

fn no_programme(file: &str) -> Diagnostic {
    Diagnostic::error(file, Pos::new(1, 1), "file is empty")
        .with_help("a programme file starts with `id:`; copy one from programs/ to begin")
        .nl(
            "bestand is leeg",
            "een programmabestand begint met `id:`; kopieer er een uit programs/ om te beginnen",
        )
        .fr(
            "le fichier est vide",
            "un fichier de programme commence par `id:` ; copiez-en un depuis programs/ pour commencer",
        )
}

enum Frame {
    Seq {
        pointer: String,
        items: Vec<Value>,
    },
    Map {
        pointer: String,
        map: Map<String, Value>,
        /// Key waiting for its value, with where it stands.
        pending_key: Option<(String, Pos)>,
        key_lines: HashMap<String, Pos>,
    },
}

/// Parse one YAML document into JSON with positions. Errors are located.
pub fn parse(file: &str, text: &str) -> Result<Document, Diagnostic> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut index = SpanIndex::default();
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
                    key_lines,
                    pointer,
                    ..
                }) = stack.last_mut()
                {
                    if pending_key.is_none() {
                        let key = text.to_string();
                        if let Some(first) = key_lines.get(&key) {
                            return Err(duplicate_key(file, pos, &key, first.line, width));
                        }
                        key_lines.insert(key.clone(), pos);
                        let child = format!("{pointer}/{}", escape_segment(&key));
                        index.places.insert(
                            child,
                            Place {
                                value: pos,
                                key: Some(pos),
                                width,
                            },
                        );
                        *pending_key = Some((key, pos));
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
        None => Err(Diagnostic::error(file, Pos::new(1, 1), "file is empty")
            .nl("bestand is leeg", "")
            .fr("le fichier est vide", "")),
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
    record(index, stack, &pointer, pos, 0);
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
            key_lines: HashMap::new(),
        }
    });
    Ok(())
}

fn two_documents(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, "more than one YAML document in this file")
        .with_help("keep one programme per file; remove the extra `---`")
        .nl(
            "meer dan één YAML-document in dit bestand",
            "één programma per bestand; verwijder de extra `---`",
        )
        .fr(
            "plus d'un document YAML dans ce fichier",
            "un seul programme par fichier ; supprimez le `---` en trop",
        )
}

fn alias_error(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, "YAML aliases (*name) are not supported")
        .with_help("write the value out in full, or use `based_on:` to reuse a whole version")
        .nl("YAML-aliassen (*naam) worden niet ondersteund", REUSE_NL)
        .fr("les alias YAML (*nom) ne sont pas acceptés", REUSE_FR)
}

fn tag_error(file: &str, pos: Pos, tag: &impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(file, pos, format!("YAML tag '{tag}' is not supported"))
        .with_help("remove the tag; write dates and numbers plainly, text in quotes")
        .nl(
            format!("YAML-tag '{tag}' wordt niet ondersteund"),
            "verwijder de tag; schrijf datums en getallen gewoon, tekst tussen aanhalingstekens",
        )
        .fr(
            format!("l'étiquette YAML «\u{a0}{tag}\u{a0}» n'est pas acceptée"),
            "supprimez l'étiquette ; écrivez dates et nombres tels quels, le texte entre guillemets",
        )
}

fn collection_tag_error(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, "YAML tags are not supported")
        .with_help("remove the tag")
        .nl("YAML-tags worden niet ondersteund", "verwijder de tag")
        .fr(
            "les étiquettes YAML ne sont pas acceptées",
            "supprimez l'étiquette",
        )
}

fn duplicate_key(file: &str, pos: Pos, key: &str, first_line: usize, width: usize) -> Diagnostic {
    Diagnostic::error(
        file,
        pos,
        format!("duplicate key '{key}' (first written on line {first_line})"),
    )
    .with_width(width)
    .with_help("each key may appear once in a mapping; merge the two entries")
    .nl(
        format!("sleutel '{key}' staat er twee keer (eerst op regel {first_line})"),
        "elke sleutel mag één keer voorkomen; voeg de twee samen",
    )
    .fr(
        format!("la clé «\u{a0}{key}\u{a0}» figure deux fois (d'abord à la ligne {first_line})"),
        "chaque clé ne peut figurer qu'une fois ; fusionnez les deux entrées",
    )
}

fn too_deep(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(
        file,
        pos,
        format!("document is nested more than {MAX_DEPTH} levels deep"),
    )
    .with_help("programme files need only a few levels; check for runaway brackets or indentation")
    .nl(
        format!("document is meer dan {MAX_DEPTH} niveaus diep genest"),
        DEPTH_NL,
    )
    .fr(
        format!("le document est imbriqué sur plus de {MAX_DEPTH} niveaux"),
        DEPTH_FR,
    )
}

fn key_not_text(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, "keys must be plain text, not lists or mappings")
        .with_help("write `name: value` pairs with a text name")
        .nl(
            "sleutels moeten gewone tekst zijn, geen lijsten of mappings",
            "schrijf paren `naam: waarde` met een tekst als naam",
        )
        .fr(
            "les clés doivent être du texte simple, pas des listes ni des tableaux",
            "écrivez des paires `nom: valeur` dont le nom est un texte",
        )
}

fn anchor_error(file: &str, pos: Pos) -> Diagnostic {
    Diagnostic::error(file, pos, "YAML anchors (&name) are not supported")
        .with_help("write the value out in full, or use `based_on:` to reuse a whole version")
        .nl("YAML-ankers (&naam) worden niet ondersteund", REUSE_NL)
        .fr("les ancres YAML (&nom) ne sont pas acceptées", REUSE_FR)
}

const REUSE_NL: &str =
    "schrijf de waarde voluit, of gebruik `based_on:` om een hele versie over te nemen";
const REUSE_FR: &str =
    "écrivez la valeur en entier, ou utilisez `based_on:` pour reprendre toute une version";
const DEPTH_NL: &str =
    "een programmabestand heeft maar enkele niveaus nodig; kijk na of haakjes en inspringing kloppen";
const DEPTH_FR: &str =
    "un fichier de programme n'a besoin que de quelques niveaux ; vérifiez les crochets et l'indentation";

fn scan_error(file: &str, e: &saphyr_parser::ScanError) -> Diagnostic {
    let m = e.marker();
    let info = e.info();
    let pos = Pos::new(m.line().max(1), m.col() + 1);
    if info.contains("recursion limit") {
        return Diagnostic::error(
            file,
            pos,
            format!("document is nested too deeply (traject accepts {MAX_DEPTH} levels)"),
        )
        .with_help(
            "programme files need only a few levels; check for runaway brackets or indentation",
        )
        .nl(
            format!("document is te diep genest (traject aanvaardt {MAX_DEPTH} niveaus)"),
            DEPTH_NL,
        )
        .fr(
            format!("le document est trop imbriqué (traject accepte {MAX_DEPTH} niveaux)"),
            DEPTH_FR,
        );
    }
    // The parser's own wording is English; it is quoted as it is, the rest is ours.
    let d = Diagnostic::error(file, pos, format!("YAML syntax: {info}"));
    if info.contains("tab") {
        d.with_help("indent with spaces, never tabs (set your editor to insert spaces)")
            .nl(
                format!("YAML-syntaxis: {info}"),
                "spring in met spaties, nooit met tabs (laat je editor spaties invoegen)",
            )
            .fr(
                format!("syntaxe YAML : {info}"),
                "indentez avec des espaces, jamais des tabulations (réglez l'éditeur pour insérer des espaces)",
            )
    } else {
        d.with_help("check indentation, colons and quotes on this line and the one before")
            .nl(
                format!("YAML-syntaxis: {info}"),
                "kijk inspringing, dubbele punten en aanhalingstekens na op deze regel en de vorige",
            )
            .fr(
                format!("syntaxe YAML : {info}"),
                "vérifiez l'indentation, les deux-points et les guillemets sur cette ligne et la précédente",
            )
    }
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
        }) => {
            let key = pending_key.as_ref().map(|(k, _)| k.as_str()).unwrap_or("");
            format!("{pointer}/{}", escape_segment(key))
        }
    }
}

fn record(index: &mut SpanIndex, stack: &[Frame], pointer: &str, pos: Pos, width: usize) {
    let key = match stack.last() {
        Some(Frame::Map {
            pending_key: Some((_, k)),
            ..
        }) => Some(*k),
        _ => None,
    };
    // Containers underline their key; scalars underline themselves.
    let width = match (key, width) {
        (Some(_), 0) => index.places.get(pointer).map_or(1, |p| p.width),
        (_, w) => w.max(1),
    };
    index.places.insert(
        pointer.to_string(),
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
    let pointer = child_pointer(stack);
    record(index, stack, &pointer, pos, width);
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
            if let Some((key, _)) = pending_key.take() {
                map.insert(key, value);
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
        Diagnostic::error(display, Pos::new(1, 1), format!("cannot read file: {e}"))
            .with_help("check the path and that you may read the file")
            .nl(
                format!("kan het bestand niet lezen: {e}"),
                "kijk het pad na en of je het bestand mag lezen",
            )
            .fr(
                format!("impossible de lire le fichier : {e}"),
                "vérifiez le chemin et votre droit de lire le fichier",
            )
    })?;
    let text = check_text(display, &bytes)?.to_string();
    let doc = parse(display, &text)?;
    Ok((text, doc))
}

/// A short description of a found value, for messages.
/// A short description of a found value in the reader's language.
pub fn describe_in(v: &Value, lang: traject_i18n::Lang) -> String {
    use traject_i18n::Lang;
    let quoted = |s: &str| -> String {
        let short: String = s.chars().take(40).collect();
        let more = if s.chars().count() > 40 { "…" } else { "" };
        match lang {
            Lang::Fr => format!("«\u{a0}{short}{more}\u{a0}»"),
            _ => format!("'{short}{more}'"),
        }
    };
    match (v, lang) {
        (_, Lang::En) => describe(v),
        (Value::Null, Lang::Nl) => "niets (null)".into(),
        (Value::Null, Lang::Fr) => "rien (null)".into(),
        (Value::Bool(b), Lang::Nl) => format!("'{b}' (true/false)"),
        (Value::Bool(b), Lang::Fr) => format!("«\u{a0}{b}\u{a0}» (true/false)"),
        (Value::Number(n), Lang::Nl) => format!("het getal {n}"),
        (Value::Number(n), Lang::Fr) => format!("le nombre {n}"),
        (Value::String(s), _) => quoted(s),
        (Value::Array(_), Lang::Nl) => "een lijst".into(),
        (Value::Array(_), Lang::Fr) => "une liste".into(),
        (Value::Object(_), Lang::Nl) => "een mapping".into(),
        (Value::Object(_), Lang::Fr) => "un tableau de clés".into(),
    }
}

pub fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing (null)".into(),
        Value::Bool(b) => format!("'{b}' (true/false)"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            format!("'{short}'{}", if s.chars().count() > 40 { "…" } else { "" })
        }
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
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
        assert!(err.message.contains("duplicate key 'a'"));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000);
        let err = parse("t.yaml", &text).unwrap_err();
        assert!(err.message.contains("nested"), "{}", err.message);
    }
}
