//! Justified changes between versions: differences a version does not declare, and
//! declarations that match no difference.

use crate::program::changes::{ChangeKind, ChangeSection};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeProblem {
    /// `changes:` in a version that is not `based_on` another.
    WithoutBase {
        version: String,
    },
    /// A difference no entry of `changes:` declares. `id` is `None` for the capacity, which
    /// is one item.
    Undeclared {
        version: String,
        base: String,
        section: ChangeSection,
        change: ChangeKind,
        id: Option<String>,
    },
    DeclaredTwice {
        section: ChangeSection,
        id: String,
    },
    /// An entry about a section with items names none.
    NeedsId {
        section: ChangeSection,
    },
    /// A reason without text in the society language.
    ReasonMissingSocietyText {
        language: String,
    },
    /// Declared as one kind of change, but the versions show another.
    WrongChange {
        section: ChangeSection,
        id: String,
        said: ChangeKind,
        is: ChangeKind,
        version: String,
        base: String,
    },
    /// Declared, but the item is the same in both versions.
    NoDifference {
        section: ChangeSection,
        id: String,
        said: ChangeKind,
        version: String,
        base: String,
        nearest: Option<String>,
    },
}
