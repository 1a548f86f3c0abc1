//! Lowering `expr:` rules to native code, once, when the programme loads.
//!
//! Most rules coordinators write are comparisons of referral fields with constants joined by
//! `&&`, `||` and `!`. Run through the Rhai interpreter, each referral first becomes a scope of
//! every field (a dozen string copies), and each rule then pays for the engine's per-call state
//! and for resolving names in that scope — about a hundred times the cost of a built-in rule
//! kind. Such an expression (already compiled and trial-run by Rhai) is parsed here a second
//! time, with Rhai's operator precedence, into a small typed tree that reads the referral
//! directly. Anything outside that subset, or whose types would make Rhai convert or compare
//! across types, is not lowered and keeps running in Rhai.
//!
//! The tree follows Rhai's semantics: operands left to right, `&&` and `||` short-circuit, and
//! reading a fact the referral lacks stops the whole expression (outcome unknown) exactly where
//! Rhai would raise "variable not found".

use traject_model::referral::{Referral, BOOL_FIELDS};

/// A text field of the referral, as the script sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Id,
    Nationality,
    ResidenceStatus,
    ResidenceOcmw,
    IncomeSupport,
    LanguageLevel,
    EducationLevel,
    Gender,
    MotherTongue,
}

impl TextField {
    fn named(name: &str) -> Option<TextField> {
        Some(match name {
            "id" => TextField::Id,
            "nationality" => TextField::Nationality,
            "residence_status" => TextField::ResidenceStatus,
            "residence_ocmw" => TextField::ResidenceOcmw,
            "income_support" => TextField::IncomeSupport,
            "language_level" => TextField::LanguageLevel,
            "education_level" => TextField::EducationLevel,
            "gender" => TextField::Gender,
            "mother_tongue" => TextField::MotherTongue,
            _ => return None,
        })
    }

    fn read(self, r: &Referral) -> Option<&str> {
        match self {
            TextField::Id => r.id.as_deref(),
            TextField::Nationality => r.nationality.as_deref(),
            TextField::ResidenceStatus => r.residence_status.as_deref(),
            TextField::ResidenceOcmw => r.residence_ocmw.as_deref(),
            TextField::IncomeSupport => r.income_support.as_deref(),
            TextField::LanguageLevel => r.language_level.as_deref(),
            TextField::EducationLevel => r.education_level.as_deref(),
            TextField::Gender => r.gender.as_deref(),
            TextField::MotherTongue => r.mother_tongue.as_deref(),
        }
    }
}

/// An integer comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn holds(self, a: i64, b: i64) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }

    /// The same comparison with its operands swapped (`18 <= age` is `age >= 18`).
    fn swapped(self) -> Cmp {
        match self {
            Cmp::Lt => Cmp::Gt,
            Cmp::Le => Cmp::Ge,
            Cmp::Gt => Cmp::Lt,
            Cmp::Ge => Cmp::Le,
            same => same,
        }
    }
}

/// A lowered boolean expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Native {
    Const(bool),
    /// A yes/no field, by its index in `BOOL_FIELDS`.
    Flag(usize),
    Not(Box<Native>),
    And(Box<Native>, Box<Native>),
    Or(Box<Native>, Box<Native>),
    /// Two booleans equal (or, with `false`, different).
    BoolEq(Box<Native>, Box<Native>, bool),
    /// A text field equal to a constant (or, with `false`, different).
    TextEq(TextField, String, bool),
    /// A text field in a list of constants.
    TextIn(TextField, Vec<String>),
    /// Age in whole years compared with a constant.
    Age(Cmp, i64),
}

/// The expression read a fact the referral does not give: its outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing;

impl Native {
    pub fn eval(&self, r: &Referral) -> Result<bool, Missing> {
        Ok(match self {
            Native::Const(b) => *b,
            Native::Flag(i) => r.flags[*i].ok_or(Missing)?,
            Native::Not(e) => !e.eval(r)?,
            Native::And(a, b) => a.eval(r)? && b.eval(r)?,
            Native::Or(a, b) => a.eval(r)? || b.eval(r)?,
            Native::BoolEq(a, b, equal) => (a.eval(r)? == b.eval(r)?) == *equal,
            Native::TextEq(f, value, equal) => (f.read(r).ok_or(Missing)? == value) == *equal,
            Native::TextIn(f, set) => {
                let v = f.read(r).ok_or(Missing)?;
                set.iter().any(|s| s == v)
            }
            Native::Age(cmp, n) => cmp.holds(i64::from(r.age().ok_or(Missing)?), *n),
        })
    }
}

/// Lower an expression's text, or `None` when it is outside the subset (it then runs in Rhai).
pub fn lower(text: &str) -> Option<Native> {
    let tokens = tokenize(text)?;
    let mut p = Parser { tokens, at: 0 };
    let e = p.expr(0)?;
    if p.at != p.tokens.len() {
        return None;
    }
    match e {
        Operand::Bool(n) => Some(n),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Int(i64),
    Open,
    Close,
    OpenList,
    CloseList,
    Comma,
    Not,
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
}

fn tokenize(text: &str) -> Option<Vec<Tok>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let two = |x: u8| b.get(i + 1) == Some(&x);
        let (tok, len) = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => (Tok::Open, 1),
            b')' => (Tok::Close, 1),
            b'[' => (Tok::OpenList, 1),
            b']' => (Tok::CloseList, 1),
            b',' => (Tok::Comma, 1),
            b'&' if two(b'&') => (Tok::And, 2),
            b'|' if two(b'|') => (Tok::Or, 2),
            b'=' if two(b'=') => (Tok::Eq, 2),
            b'!' if two(b'=') => (Tok::Ne, 2),
            // `!in` is Rhai's "not in" operator; left to Rhai.
            b'!' if b[i + 1..].starts_with(b"in") && !ident_char(b.get(i + 3)) => return None,
            b'!' => (Tok::Not, 1),
            b'<' if two(b'=') => (Tok::Le, 2),
            b'>' if two(b'=') => (Tok::Ge, 2),
            b'<' if !two(b'<') => (Tok::Lt, 1),
            b'>' if !two(b'>') => (Tok::Gt, 1),
            b'"' => {
                let end = b[i + 1..].iter().position(|&x| x == b'"')?;
                let inner = &text[i + 1..i + 1 + end];
                // Escapes and line breaks mean something to Rhai's string syntax; left to it.
                if inner.contains(['\\', '\n', '\r']) {
                    return None;
                }
                (Tok::Str(inner.to_string()), end + 2)
            }
            b'0'..=b'9' => {
                let len = b[i..].iter().take_while(|x| x.is_ascii_digit()).count();
                // 18.5, 1e3, 1_000, 0x10: other number forms are left to Rhai.
                if ident_char(b.get(i + len)) || b.get(i + len) == Some(&b'.') {
                    return None;
                }
                (Tok::Int(text[i..i + len].parse().ok()?), len)
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let len = b[i..].iter().take_while(|&&x| ident_char(Some(&x))).count();
                let word = &text[i..i + len];
                let tok = if word == "in" {
                    Tok::In
                } else {
                    Tok::Ident(word.to_string())
                };
                (tok, len)
            }
            _ => return None,
        };
        out.push(tok);
        i += len;
    }
    Some(out)
}

fn ident_char(c: Option<&u8>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// What a sub-expression is, as far as the lowering's types go.
#[derive(Debug, Clone)]
enum Operand {
    Bool(Native),
    Text(TextField),
    Age,
    Str(String),
    Int(i64),
    List(Vec<Operand>),
}

struct Parser {
    tokens: Vec<Tok>,
    at: usize,
}

/// Binary operators with Rhai's precedences (rhai::Token::precedence), all left-associative.
fn binary(t: &Tok) -> Option<u8> {
    Some(match t {
        Tok::Or => 30,
        Tok::And => 60,
        Tok::Eq | Tok::Ne => 90,
        Tok::In => 110,
        Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge => 130,
        _ => return None,
    })
}

impl Parser {
    fn next(&mut self) -> Option<Tok> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn expr(&mut self, min: u8) -> Option<Operand> {
        let mut left = self.unary()?;
        while let Some(op) = self.tokens.get(self.at).cloned() {
            let Some(prec) = binary(&op) else { break };
            if prec <= min {
                break;
            }
            self.at += 1;
            let right = self.expr(prec)?;
            left = combine(op, left, right)?;
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Operand> {
        match self.next()? {
            Tok::Not => match self.unary()? {
                Operand::Bool(n) => Some(Operand::Bool(Native::Not(Box::new(n)))),
                _ => None,
            },
            Tok::Open => {
                let e = self.expr(0)?;
                (self.next()? == Tok::Close).then_some(e)
            }
            Tok::OpenList => {
                let mut items = Vec::new();
                loop {
                    if self.tokens.get(self.at) == Some(&Tok::CloseList) {
                        self.at += 1;
                        break;
                    }
                    match self.next()? {
                        Tok::Str(s) => items.push(Operand::Str(s)),
                        Tok::Int(n) => items.push(Operand::Int(n)),
                        _ => return None,
                    }
                    match self.next()? {
                        Tok::Comma => {}
                        Tok::CloseList => break,
                        _ => return None,
                    }
                }
                Some(Operand::List(items))
            }
            Tok::Str(s) => Some(Operand::Str(s)),
            Tok::Int(n) => Some(Operand::Int(n)),
            Tok::Ident(name) => field(&name),
            _ => None,
        }
    }
}

/// A name in the referral scope, or the constants `true` and `false`.
fn field(name: &str) -> Option<Operand> {
    match name {
        "true" => Some(Operand::Bool(Native::Const(true))),
        "false" => Some(Operand::Bool(Native::Const(false))),
        "age" => Some(Operand::Age),
        _ => {
            if let Some(f) = TextField::named(name) {
                return Some(Operand::Text(f));
            }
            let i = BOOL_FIELDS.iter().position(|f| *f == name)?;
            Some(Operand::Bool(Native::Flag(i)))
        }
    }
}

/// One binary operation, where the operand types make its meaning in Rhai unambiguous.
fn combine(op: Tok, left: Operand, right: Operand) -> Option<Operand> {
    use Operand::*;
    let cmp = match op {
        Tok::Eq => Cmp::Eq,
        Tok::Ne => Cmp::Ne,
        Tok::Lt => Cmp::Lt,
        Tok::Le => Cmp::Le,
        Tok::Gt => Cmp::Gt,
        Tok::Ge => Cmp::Ge,
        Tok::And | Tok::Or => {
            let (Bool(a), Bool(b)) = (left, right) else {
                return None;
            };
            let (a, b) = (Box::new(a), Box::new(b));
            return Some(Bool(if op == Tok::And {
                Native::And(a, b)
            } else {
                Native::Or(a, b)
            }));
        }
        Tok::In => {
            let (Text(f), List(items)) = (left, right) else {
                return None;
            };
            let set = items
                .into_iter()
                .map(|i| match i {
                    Str(s) => Some(s),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?;
            return Some(Bool(Native::TextIn(f, set)));
        }
        _ => return None,
    };
    let equality = matches!(cmp, Cmp::Eq | Cmp::Ne);
    Some(Bool(match (left, right) {
        (Age, Int(n)) => Native::Age(cmp, n),
        (Int(n), Age) => Native::Age(cmp.swapped(), n),
        (Text(f), Str(s)) | (Str(s), Text(f)) if equality => Native::TextEq(f, s, cmp == Cmp::Eq),
        (Bool(a), Bool(b)) if equality => Native::BoolEq(Box::new(a), Box::new(b), cmp == Cmp::Eq),
        _ => return None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_follows_rhai() {
        // `==` binds looser than `in` and `<`: a == (b in c).
        let n = lower("motivated == nationality in [\"SY\"]").unwrap();
        assert!(matches!(n, Native::BoolEq(_, _, true)));
        let n = lower("mobile || motivated && in_art60").unwrap();
        assert!(matches!(n, Native::Or(_, _)));
        assert_eq!(lower("18 <= age"), Some(Native::Age(Cmp::Ge, 18)));
    }

    #[test]
    fn anything_outside_the_subset_is_left_to_rhai() {
        for text in [
            "age + 1 > 18",
            "age >= 18.0",
            "nationality == 3",
            "nationality != \"a\\\"b\"",
            "nationality !in [\"BE\"]",
            "\"BE\" in contact_languages",
            "-1 < age",
            "mobile; true",
            "mobile | motivated",
            "age",
            "nationality in [\"BE\", 1]",
            "unknown_field",
            "birth_date < \"2000-01-01\"",
        ] {
            assert_eq!(lower(text), None, "{text}");
        }
    }
}
