//! Problems of YAML itself: syntax, duplicate keys, what traject does not accept (anchors,
//! aliases, tags, several documents), and nesting deeper than programmes need.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlProblem {
    /// The parser's own report (English, quoted as it is); `tab` when it is about a tab.
    Syntax {
        info: String,
        tab: bool,
    },
    /// No YAML document in the file.
    NoDocument,
    TwoDocuments,
    Alias,
    Anchor,
    Tag {
        tag: String,
    },
    CollectionTag,
    DuplicateKey {
        key: String,
        first_line: usize,
    },
    /// Deeper than `max` levels (traject's own limit).
    TooDeep {
        max: usize,
    },
    /// Deeper than the parser's limit of `max` levels.
    NestedTooDeeply {
        max: usize,
    },
    /// A list or mapping where a key should be.
    KeyNotText,
}
