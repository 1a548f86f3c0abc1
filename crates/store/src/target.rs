//! Where a store lives: a SQLite file path or a `postgres://` URL, parsed once from `--db` or
//! `TRAJECT_DB`. Shown, a URL never carries its password.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    File(PathBuf),
    /// A connection URL, as given (the password stays inside; `Display` masks it).
    Postgres(String),
}

impl FromStr for DbTarget {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(DbTarget::Postgres(s.to_string()))
        } else {
            Ok(DbTarget::File(PathBuf::from(s)))
        }
    }
}

impl DbTarget {
    pub fn is_postgres(&self) -> bool {
        matches!(self, DbTarget::Postgres(_))
    }
}

impl fmt::Display for DbTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbTarget::File(p) => write!(f, "{}", p.display()),
            DbTarget::Postgres(url) => f.write_str(&mask(url)),
        }
    }
}

/// `postgres://user:secret@host/db?password=x` → `postgres://user:***@host/db?password=***`.
/// The user part ends at the last `@` before the query, so a password holding `/` or `@`
/// is masked whole.
fn mask(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let query_at = rest.find('?').unwrap_or(rest.len());
    let (user, host) = match rest[..query_at].rfind('@') {
        Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
        None => (None, rest),
    };
    let user = match user {
        Some(u) => match u.split_once(':') {
            Some((name, _)) => format!("{name}:***@"),
            None => format!("{u}@"),
        },
        None => String::new(),
    };
    let host = match host.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_string(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => host.to_string(),
    };
    format!("{scheme}://{user}{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_wherever_they_are_written() {
        let shown = |s: &str| s.parse::<DbTarget>().unwrap().to_string();
        assert_eq!(
            shown("postgres://ocmw:s3cret@db.local:5432/traject"),
            "postgres://ocmw:***@db.local:5432/traject"
        );
        assert_eq!(
            shown("postgresql://ocmw@db/traject?sslmode=disable&password=s3cret"),
            "postgresql://ocmw@db/traject?sslmode=disable&password=***"
        );
        assert_eq!(shown("postgres://p:w@x"), "postgres://p:***@x");
        assert_eq!(shown("cases.db"), "cases.db");
        assert!(!shown("postgres://a:b%40c@h/d").contains("b%40c"));
        assert_eq!(shown("postgres://a:b/c@d@h/x"), "postgres://a:***@h/x");
    }
}
