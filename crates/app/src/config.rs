//! The service's settings (`traject serve --config traject.toml`): one TOML file, each key
//! overridable from the environment as `TRAJECT_<KEY>` (upper case, `_` for a table: `[tls]
//! cert` is `TRAJECT_TLS_CERT`), and the command line's flags over both (the front end applies
//! those). Every problem names its place — the file's line and column, or the variable — and,
//! for a misspelt key or time zone, the closest known one; the front end words it. `time_zone`
//! decides what "today" is for every command and page.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::tz::TimeZone;
use toml::de::{DeTable, DeValue};
use toml::Spanned;
use traject_model::diag::{did_you_mean, display_path};
use traject_store::DbTarget;

use crate::limits::Limits;

/// Where a setting, or a problem with one, was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A place in the settings file (1-based line and column).
    File {
        file: String,
        line: usize,
        col: usize,
    },
    /// An environment variable.
    Env { name: String },
    /// Nowhere: the built-in default.
    Default,
}

/// What is wrong with a setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigProblem {
    /// The file cannot be read.
    Unreadable { reason: String },
    /// The file is not TOML (the parser's own words, which name no values).
    Syntax { message: String },
    /// A key traject does not know (in a table it knows, or at the top).
    UnknownKey { nearest: Option<String> },
    /// A value of the wrong kind or out of range; values are never repeated (a token is one).
    Invalid { expected: Expected },
    /// One of a pair given without the other (a TLS certificate without its key).
    Without { other: &'static str },
    /// A key that needs another one set too (an OpenID provider needs its client id).
    Needs { other: &'static str },
}

/// What a key takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Text: a string in the file.
    Text,
    /// A file or folder.
    Path,
    /// `host:port`, for example `127.0.0.1:8080`.
    Address,
    /// An http or https URL.
    HttpUrl,
    /// IP addresses (a list in the file, comma-separated in the environment).
    IpAddresses,
    /// A time zone of the IANA database (`Europe/Brussels`), with the closest name.
    TimeZone { nearest: Option<String> },
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A whole number in this range.
    Between { min: u64, max: u64 },
    /// `true` or `false`.
    Flag,
    /// A list of texts (comma-separated in the environment).
    Texts,
    /// A list of roles (comma-separated in the environment).
    Roles,
    /// A time of day, `HH:MM`.
    ClockTime,
    /// An e-mail address.
    EmailAddress,
    /// A readable file of PEM certificates.
    PemCertificates,
}

/// A problem with a setting, at its place. `key` is the dotted key (`tls.cert`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub place: Place,
    pub key: String,
    pub problem: ConfigProblem,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The least severe log lines written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }
}

/// The time zone that decides what "today" is.
#[derive(Debug, Clone)]
pub struct Clock {
    name: String,
    zone: TimeZone,
}

/// Belgian offices: the default time zone.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Brussels";

impl Clock {
    /// The clock of a named IANA time zone; the closest known name when it is not one.
    pub fn named(name: &str) -> Result<Clock, Expected> {
        match jiff::tz::db().get(name) {
            Ok(zone) => Ok(Clock {
                name: name.to_string(),
                zone,
            }),
            Err(_) => {
                let names: Vec<String> = jiff::tz::db()
                    .available()
                    .map(|n| n.as_str().to_string())
                    .collect();
                Err(Expected::TimeZone {
                    nearest: did_you_mean(name, names.iter().map(String::as_str))
                        .map(str::to_string),
                })
            }
        }
    }

    /// The day it is now in this time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        let now = self.zone.to_datetime(jiff::Timestamp::now());
        chrono::NaiveDate::from_ymd_opt(now.year().into(), now.month() as u32, now.day() as u32)
            .expect("a calendar day jiff gives is one chrono knows")
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The minutes since midnight it is now in this time zone.
    pub fn minute_now(&self) -> u32 {
        let now = self.zone.to_datetime(jiff::Timestamp::now());
        (now.hour() as u32) * 60 + now.minute() as u32
    }

    /// The moment `minute` minutes after midnight of `day` is in this time zone, in UTC (an
    /// hour that does not exist on a clock change resolves as the zone's rules say).
    pub fn utc_of(
        &self,
        day: chrono::NaiveDate,
        minute: u32,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        use chrono::Datelike;
        let civil = jiff::civil::date(
            i16::try_from(day.year()).ok()?,
            i8::try_from(day.month()).ok()?,
            i8::try_from(day.day()).ok()?,
        )
        .at(
            i8::try_from(minute / 60).ok()?,
            i8::try_from(minute % 60).ok()?,
            0,
            0,
        );
        let instant = self.zone.to_timestamp(civil).ok()?;
        chrono::DateTime::from_timestamp(instant.as_second(), 0)
    }
}

impl Default for Clock {
    /// Europe/Brussels, which every build carries (the bundled database).
    fn default() -> Self {
        Clock::named(DEFAULT_TIME_ZONE).expect("the bundled time zone database has Brussels")
    }
}

/// The settings of `traject serve`, and the time zone of every command.
#[derive(Debug, Clone)]
pub struct Settings {
    pub db: DbTarget,
    pub listen: SocketAddr,
    pub public_url: Option<String>,
    pub trusted_proxies: Vec<IpAddr>,
    pub programs: Option<PathBuf>,
    pub clock: Clock,
    pub metrics_token: Option<String>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub log_format: LogFormat,
    pub log_level: LogLevel,
    pub limits: Limits,
    /// The roles that log in with a second factor (`[login] second_factor`).
    pub second_factor_for: Vec<crate::Role>,
    /// Whether local accounts log in with a password (`[login] passwords`).
    pub passwords: bool,
    /// The OpenID provider (`[oidc]`), when `oidc.issuer` is set.
    pub sign_on: Option<crate::sign_on::SignOnSettings>,
    /// The mail server reminders go through (`[mail]`), when `mail.host` is set.
    pub mail: Option<crate::mail::MailSettings>,
    /// Where each key that is not at its default was set.
    pub places: Vec<(&'static str, Place)>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            db: DbTarget::File(PathBuf::from(traject_store::DEFAULT_DB)),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            trusted_proxies: Vec::new(),
            programs: None,
            clock: Clock::default(),
            metrics_token: None,
            tls_cert: None,
            tls_key: None,
            log_format: LogFormat::Text,
            log_level: LogLevel::Warn,
            limits: Limits::SERVER,
            second_factor_for: Vec::new(),
            passwords: true,
            sign_on: None,
            mail: None,
            places: Vec::new(),
        }
    }
}

/// What kind of value a key takes.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Database,
    Address,
    Path,
    HttpUrl,
    Addresses,
    Zone,
    Secret,
    Choice(&'static [&'static str]),
    Between(u64, u64),
    Text,
    Texts,
    Flag,
    Roles,
}

const LOG_FORMATS: &[&str] = &["text", "json"];
const LOG_LEVELS: &[&str] = &["error", "warn", "info", "debug"];
const ADMISSIONS: &[&str] = &["registered", "create"];
/// The roles as the settings write them.
const ROLE_WORDS: &[&str] = &["coordinator", "social_worker", "auditor"];

/// Every key, dotted as in the file (a table's keys after its name).
const KEYS: &[(&str, Kind)] = &[
    ("db", Kind::Database),
    ("listen", Kind::Address),
    ("public_url", Kind::HttpUrl),
    ("trusted_proxies", Kind::Addresses),
    ("programs", Kind::Path),
    ("time_zone", Kind::Zone),
    ("metrics_token", Kind::Secret),
    ("tls.cert", Kind::Path),
    ("tls.key", Kind::Path),
    ("log.format", Kind::Choice(LOG_FORMATS)),
    ("log.level", Kind::Choice(LOG_LEVELS)),
    ("limits.simulated_work", Kind::Between(1_000, 1_000_000_000)),
    ("limits.deadline_seconds", Kind::Between(1, 3_600)),
    ("login.passwords", Kind::Flag),
    ("login.second_factor", Kind::Roles),
    ("oidc.issuer", Kind::HttpUrl),
    ("oidc.client_id", Kind::Text),
    ("oidc.client_secret", Kind::Secret),
    ("oidc.label", Kind::Text),
    ("oidc.scopes", Kind::Texts),
    ("oidc.users", Kind::Choice(ADMISSIONS)),
    ("oidc.name_claim", Kind::Text),
    ("oidc.role_claim", Kind::Text),
    ("oidc.team_claim", Kind::Text),
    ("oidc.org_claim", Kind::Text),
    ("oidc.roles.coordinator", Kind::Text),
    ("oidc.roles.social_worker", Kind::Text),
    ("oidc.roles.auditor", Kind::Text),
    ("mail.host", Kind::Text),
    ("mail.port", Kind::Between(1, 65_535)),
    ("mail.security", Kind::Choice(crate::mail::SECURITY_WORDS)),
    ("mail.user", Kind::Text),
    ("mail.password", Kind::Secret),
    ("mail.ca_file", Kind::Path),
    ("mail.from", Kind::Text),
    ("mail.reminders_at", Kind::Text),
    ("mail.reminder_days", Kind::Between(1, 60)),
];

/// The environment variable of a key: `tls.cert` → `TRAJECT_TLS_CERT`.
pub fn env_name(key: &str) -> String {
    format!("TRAJECT_{}", key.replace('.', "_").to_ascii_uppercase())
}

/// Every key, as the file writes it (for help texts and `config check`).
pub fn keys() -> impl Iterator<Item = &'static str> {
    KEYS.iter().map(|(k, _)| *k)
}

/// A value as found, before it is checked against its key.
enum Raw<'a> {
    Text(&'a str),
    Integer(Option<u64>),
    Texts(Vec<&'a str>),
    Flag(bool),
    /// Another kind of TOML value (a boolean, a float, a table, a list of non-strings).
    Other,
}

impl Settings {
    /// The settings from the file (when given) and the environment (`var` reads a variable),
    /// over the defaults; every problem found, not only the first.
    pub fn load(
        file: Option<&Path>,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings, Vec<ConfigError>> {
        let mut settings = Settings::default();
        let mut problems = Vec::new();
        if let Some(path) = file {
            settings.read_file(path, &mut problems);
        }
        for (key, kind) in KEYS {
            let name = env_name(key);
            let Some(value) = var(&name) else { continue };
            let raw = match kind {
                Kind::Between(..) => Raw::Integer(value.trim().parse().ok()),
                Kind::Flag => match value.trim() {
                    "true" => Raw::Flag(true),
                    "false" => Raw::Flag(false),
                    _ => Raw::Other,
                },
                Kind::Addresses | Kind::Texts | Kind::Roles => Raw::Texts(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .collect(),
                ),
                _ => Raw::Text(&value),
            };
            let place = Place::Env { name };
            if let Err(expected) = settings.set(key, *kind, raw) {
                problems.push(ConfigError {
                    place,
                    key: key.to_string(),
                    problem: ConfigProblem::Invalid { expected },
                });
            } else {
                settings.placed(key, place);
            }
        }
        settings.check_pairs(&mut problems);
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(problems)
        }
    }

    /// Where `key` was last set (the default when nowhere).
    pub fn place_of(&self, key: &str) -> &Place {
        self.places
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map_or(&Place::Default, |(_, p)| p)
    }

    fn placed(&mut self, key: &str, place: Place) {
        let key = KEYS
            .iter()
            .map(|(k, _)| *k)
            .find(|k| *k == key)
            .expect("a known key");
        self.places.push((key, place));
    }

    fn read_file(&mut self, path: &Path, problems: &mut Vec<ConfigError>) {
        let file = display_path(path);
        let at = |text: &str, offset: usize| {
            let before = &text[..offset.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before
                .rsplit_once('\n')
                .map_or(before, |(_, l)| l)
                .chars()
                .count()
                + 1;
            Place::File {
                file: file.clone(),
                line,
                col,
            }
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(ConfigError {
                    place: Place::File {
                        file: file.clone(),
                        line: 1,
                        col: 1,
                    },
                    key: String::new(),
                    problem: ConfigProblem::Unreadable {
                        reason: e.to_string(),
                    },
                });
                return;
            }
        };
        let table = match DeTable::parse(&text) {
            Ok(t) => t.into_inner(),
            Err(e) => {
                problems.push(ConfigError {
                    place: at(&text, e.span().map_or(0, |s| s.start)),
                    key: String::new(),
                    problem: ConfigProblem::Syntax {
                        message: e.message().trim().to_string(),
                    },
                });
                return;
            }
        };
        let mut found = Vec::new();
        flatten("", &table, &mut found);
        // In the file's order (the parser's tables are sorted by name).
        found.sort_by_key(|(_, span, _)| span.start);
        for (key, key_span, value) in found {
            let kind = KEYS.iter().find(|(k, _)| *k == key).map(|(_, kind)| *kind);
            let Some(kind) = kind else {
                problems.push(ConfigError {
                    place: at(&text, key_span.start),
                    problem: ConfigProblem::UnknownKey {
                        nearest: nearest_key(&key),
                    },
                    key,
                });
                continue;
            };
            let raw = raw_of(value.get_ref());
            let place = at(&text, value.span().start);
            match self.set(&key, kind, raw) {
                Ok(()) => self.placed(&key, place),
                Err(expected) => problems.push(ConfigError {
                    place,
                    key,
                    problem: ConfigProblem::Invalid { expected },
                }),
            }
        }
    }

    /// Set one key from its value, or say what it takes.
    fn set(&mut self, key: &str, kind: Kind, raw: Raw) -> Result<(), Expected> {
        let expected = expected_of(kind);
        let text = || match raw {
            Raw::Text(t) => Ok(t.trim()),
            _ => Err(expected_of(kind)),
        };
        match key {
            "db" => {
                let t = non_empty(text()?).ok_or(expected)?;
                self.db = t.parse().unwrap_or_else(|never| match never {});
            }
            "listen" => self.listen = text()?.parse().map_err(|_| expected)?,
            "public_url" => {
                let t = text()?;
                if !(t.starts_with("http://") || t.starts_with("https://")) || t.len() < 10 {
                    return Err(expected);
                }
                self.public_url = Some(t.to_string());
            }
            "trusted_proxies" => {
                let Raw::Texts(items) = raw else {
                    return Err(expected);
                };
                self.trusted_proxies = items
                    .iter()
                    .map(|a| a.trim().parse())
                    .collect::<Result<_, _>>()
                    .map_err(|_| expected)?;
            }
            "programs" | "tls.cert" | "tls.key" => {
                let path = Some(PathBuf::from(non_empty(text()?).ok_or(expected)?));
                match key {
                    "programs" => self.programs = path,
                    "tls.cert" => self.tls_cert = path,
                    _ => self.tls_key = path,
                }
            }
            "time_zone" => self.clock = Clock::named(text()?)?,
            "metrics_token" => {
                self.metrics_token = Some(non_empty(text()?).ok_or(expected)?.to_string());
            }
            "log.format" => {
                let formats = [LogFormat::Text, LogFormat::Json];
                self.log_format = choice(text()?, LOG_FORMATS, &formats).ok_or(expected)?;
            }
            "log.level" => {
                let levels = [
                    LogLevel::Error,
                    LogLevel::Warn,
                    LogLevel::Info,
                    LogLevel::Debug,
                ];
                self.log_level = choice(text()?, LOG_LEVELS, &levels).ok_or(expected)?;
            }
            "limits.simulated_work" | "limits.deadline_seconds" => {
                let n = match (raw, kind) {
                    (Raw::Integer(Some(n)), Kind::Between(min, max))
                        if (min..=max).contains(&n) =>
                    {
                        n
                    }
                    _ => return Err(expected),
                };
                if key == "limits.simulated_work" {
                    self.limits.simulated_work = n;
                } else {
                    self.limits.deadline = Some(Duration::from_secs(n));
                }
            }
            _ if key.starts_with("login.") => self.set_login(key, raw, expected)?,
            _ if key.starts_with("oidc.") => self.set_sign_on(key, raw, expected)?,
            _ if key.starts_with("mail.") => self.set_mail(key, &raw, expected)?,
            _ => unreachable!("every key in KEYS is set here: {key}"),
        }
        Ok(())
    }

    /// Set one of the mail server's keys (the server exists once any is set; `host` and
    /// `from` are then required, see `check_pairs`).
    fn set_mail(&mut self, key: &str, raw: &Raw, expected: Expected) -> Result<(), Expected> {
        let mail = self.mail.get_or_insert_with(Default::default);
        mail.set(key, raw_text(raw), raw_number(raw), expected)
    }

    /// Set `login.passwords` or `login.second_factor`.
    fn set_login(&mut self, key: &str, raw: Raw, expected: Expected) -> Result<(), Expected> {
        match (key, raw) {
            ("login.passwords", Raw::Flag(on)) => self.passwords = on,
            ("login.second_factor", Raw::Texts(items)) => {
                let roles = [
                    crate::Role::Coordinator,
                    crate::Role::SocialWorker,
                    crate::Role::Auditor,
                ];
                self.second_factor_for = items
                    .iter()
                    .map(|w| choice(w.trim(), ROLE_WORDS, &roles))
                    .collect::<Option<_>>()
                    .ok_or(expected)?;
            }
            _ => return Err(expected),
        }
        Ok(())
    }

    /// Set one of the OpenID provider's keys (the provider exists once any is set; `issuer`,
    /// `client_id` and `client_secret` are then required, see `check_pairs`).
    fn set_sign_on(&mut self, key: &str, raw: Raw, expected: Expected) -> Result<(), Expected> {
        let text = match &raw {
            Raw::Text(t) => non_empty(t.trim()).map(str::to_string),
            _ => None,
        };
        let o = self
            .sign_on
            .get_or_insert_with(|| crate::sign_on::SignOnSettings::new("", "", ""));
        match key {
            "oidc.scopes" => {
                let Raw::Texts(items) = raw else {
                    return Err(expected);
                };
                o.scopes = items.iter().map(|s| s.trim().to_string()).collect();
                if !o.scopes.iter().any(|s| s == "openid") {
                    return Err(expected);
                }
            }
            "oidc.users" => {
                let admissions = [
                    crate::sign_on::Admission::Registered,
                    crate::sign_on::Admission::Create,
                ];
                o.admission = choice(text.as_deref().unwrap_or(""), ADMISSIONS, &admissions)
                    .ok_or(expected)?;
            }
            _ => {
                let text = text.ok_or(expected.clone())?;
                match key {
                    "oidc.issuer" => {
                        if !(text.starts_with("http://") || text.starts_with("https://")) {
                            return Err(expected);
                        }
                        o.issuer = text.trim_end_matches('/').to_string();
                    }
                    "oidc.client_id" => o.client_id = text,
                    "oidc.client_secret" => o.client_secret = text,
                    "oidc.label" => o.label = text,
                    "oidc.name_claim" => o.name_claim = text,
                    "oidc.role_claim" => o.role_claim = text,
                    "oidc.team_claim" => o.team_claim = Some(text),
                    "oidc.org_claim" => o.org_claim = Some(text),
                    _ => {
                        let role = match key {
                            "oidc.roles.coordinator" => crate::Role::Coordinator,
                            "oidc.roles.social_worker" => crate::Role::SocialWorker,
                            _ => crate::Role::Auditor,
                        };
                        for (r, value) in o.role_values.iter_mut() {
                            if *r == role {
                                *value = text.clone();
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// A certificate needs its key, and the other way round; an OpenID provider needs its
    /// issuer, client and secret (and the server `public_url`, which a flag may give: the
    /// server checks that when it starts).
    fn check_pairs(&self, problems: &mut Vec<ConfigError>) {
        if let Some(o) = &self.sign_on {
            let first = self
                .places
                .iter()
                .find(|(k, _)| k.starts_with("oidc."))
                .map(|(k, p)| (*k, p.clone()));
            for (missing, absent) in [
                ("oidc.issuer", o.issuer.is_empty()),
                ("oidc.client_id", o.client_id.is_empty()),
                ("oidc.client_secret", o.client_secret.is_empty()),
            ] {
                if let (true, Some((key, place))) = (absent, &first) {
                    problems.push(ConfigError {
                        place: place.clone(),
                        key: key.to_string(),
                        problem: ConfigProblem::Needs { other: missing },
                    });
                }
            }
        }
        if let Some(mail) = &self.mail {
            for (missing, absent) in [
                ("mail.host", mail.host.is_empty()),
                ("mail.from", mail.from.is_empty()),
            ] {
                let first = self.places.iter().find(|(k, _)| k.starts_with("mail."));
                if let (true, Some((key, place))) = (absent, first) {
                    problems.push(ConfigError {
                        place: place.clone(),
                        key: key.to_string(),
                        problem: ConfigProblem::Needs { other: missing },
                    });
                }
            }
        }
        for (given, other, is_set) in [
            ("tls.cert", "tls.key", self.tls_key.is_some()),
            ("tls.key", "tls.cert", self.tls_cert.is_some()),
        ] {
            let place = self.place_of(given);
            if *place != Place::Default && !is_set {
                problems.push(ConfigError {
                    place: place.clone(),
                    key: given.to_string(),
                    problem: ConfigProblem::Without { other },
                });
            }
        }
    }
}

/// The known key closest to an unknown one, in the same table.
fn nearest_key(key: &str) -> Option<String> {
    let (table, name) = key.rsplit_once('.').unwrap_or(("", key));
    did_you_mean(name, names_in(table)).map(|n| match table {
        "" => n.to_string(),
        t => format!("{t}.{n}"),
    })
}

/// A TOML value as a key may take it.
fn raw_of<'a>(value: &'a DeValue<'_>) -> Raw<'a> {
    match value {
        DeValue::String(s) => Raw::Text(s),
        DeValue::Integer(i) => Raw::Integer(u64::from_str_radix(i.as_str(), i.radix()).ok()),
        DeValue::Boolean(b) => Raw::Flag(*b),
        DeValue::Array(items) => {
            let texts: Option<Vec<&str>> = items
                .iter()
                .map(|v| match v.get_ref() {
                    DeValue::String(s) => Some(s.as_ref()),
                    _ => None,
                })
                .collect();
            texts.map_or(Raw::Other, Raw::Texts)
        }
        _ => Raw::Other,
    }
}

/// The names a table (`""` for the top) may hold: its keys and the tables in it.
fn names_in(table: &str) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = KEYS
        .iter()
        .filter_map(|(k, _)| match table {
            "" => Some(k.split('.').next().unwrap_or(k)),
            t => k.strip_prefix(t)?.strip_prefix('.'),
        })
        .collect();
    names.dedup();
    names
}

/// A value's text, when it is one.
fn raw_text<'a>(raw: &Raw<'a>) -> Option<&'a str> {
    match raw {
        Raw::Text(t) => Some(t.trim()),
        _ => None,
    }
}

/// A value's whole number, when it is one.
fn raw_number(raw: &Raw) -> Option<u64> {
    match raw {
        Raw::Integer(n) => *n,
        _ => None,
    }
}

/// The text, unless it is empty.
fn non_empty(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

/// The value named `word` among `words` (the same order as `values`).
fn choice<T: Copy>(word: &str, words: &[&str], values: &[T]) -> Option<T> {
    words.iter().position(|w| *w == word).map(|i| values[i])
}

fn expected_of(kind: Kind) -> Expected {
    match kind {
        Kind::Database | Kind::Secret => Expected::Text,
        Kind::Address => Expected::Address,
        Kind::Path => Expected::Path,
        Kind::HttpUrl => Expected::HttpUrl,
        Kind::Addresses => Expected::IpAddresses,
        Kind::Zone => Expected::TimeZone { nearest: None },
        Kind::Choice(words) => Expected::OneOf(words),
        Kind::Between(min, max) => Expected::Between { min, max },
        Kind::Text => Expected::Text,
        Kind::Texts => Expected::Texts,
        Kind::Flag => Expected::Flag,
        Kind::Roles => Expected::Roles,
    }
}

/// Every key of the file, dotted, with the span of its name and its value; tables traject
/// knows are entered, any other table is a key like the rest (and so unknown).
fn flatten<'t, 'i>(
    prefix: &str,
    table: &'t DeTable<'i>,
    out: &mut Vec<(String, std::ops::Range<usize>, &'t Spanned<DeValue<'i>>)>,
) {
    for (name, value) in table {
        let key = if prefix.is_empty() {
            name.get_ref().to_string()
        } else {
            format!("{prefix}.{}", name.get_ref())
        };
        let is_table_of_keys = KEYS.iter().any(|(k, _)| k.starts_with(&format!("{key}.")));
        match value.get_ref() {
            DeValue::Table(inner) if is_table_of_keys => flatten(&key, inner, out),
            _ => out.push((key, name.span(), value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str, env: &[(&str, &str)]) -> Result<Settings, Vec<ConfigError>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("traject.toml");
        std::fs::write(&path, text).unwrap();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::load(Some(&path), &|name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    fn line_col(e: &ConfigError) -> (usize, usize) {
        match &e.place {
            Place::File { line, col, .. } => (*line, *col),
            other => panic!("not in the file: {other:?}"),
        }
    }

    #[test]
    fn a_full_file_sets_every_key_and_the_environment_wins() {
        let s = load(
            "listen = \"0.0.0.0:9000\"\ndb = \"/var/lib/traject/t.db\"\n\
             public_url = \"https://traject.example\"\ntrusted_proxies = [\"127.0.0.1\", \"::1\"]\n\
             time_zone = \"Europe/Paris\"\nmetrics_token = \"s3cret\"\n\
             [tls]\ncert = \"c.pem\"\nkey = \"k.pem\"\n[log]\nformat = \"json\"\nlevel = \"info\"\n\
             [limits]\nsimulated_work = 500000\ndeadline_seconds = 5\n",
            &[
                ("TRAJECT_LISTEN", "127.0.0.1:7000"),
                ("TRAJECT_LIMITS_DEADLINE_SECONDS", "9"),
            ],
        )
        .unwrap();
        assert_eq!(s.listen.to_string(), "127.0.0.1:7000");
        assert_eq!(s.db.to_string(), "/var/lib/traject/t.db");
        assert_eq!(s.trusted_proxies.len(), 2);
        assert_eq!(s.clock.name(), "Europe/Paris");
        assert_eq!(s.log_format, LogFormat::Json);
        assert_eq!(s.log_level, LogLevel::Info);
        assert_eq!(s.limits.simulated_work, 500_000);
        assert_eq!(s.limits.deadline, Some(Duration::from_secs(9)));
        assert_eq!(s.tls_key.as_deref(), Some(Path::new("k.pem")));
        assert_eq!(
            *s.place_of("listen"),
            Place::Env {
                name: "TRAJECT_LISTEN".into()
            }
        );
        assert!(matches!(s.place_of("db"), Place::File { line: 2, .. }));
        assert_eq!(*s.place_of("programs"), Place::Default);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_located_with_the_closest_name() {
        let errors = load(
            "lisen = \"x\"\n[tls]\ncertt = \"c.pem\"\n[log]\nformat = \"yaml\"\n\
             [limits]\ndeadline_seconds = 0\n[limit]\nx = 1\n",
            &[("TRAJECT_TIME_ZONE", "Europe/Brusels")],
        )
        .unwrap_err();
        let found: Vec<(String, (usize, usize), ConfigProblem)> = errors
            .iter()
            .filter(|e| matches!(e.place, Place::File { .. }))
            .map(|e| (e.key.clone(), line_col(e), e.problem.clone()))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "lisen".into(),
                    (1, 1),
                    ConfigProblem::UnknownKey {
                        nearest: Some("listen".into())
                    }
                ),
                (
                    "tls.certt".into(),
                    (3, 1),
                    ConfigProblem::UnknownKey {
                        nearest: Some("tls.cert".into())
                    }
                ),
                (
                    "log.format".into(),
                    (5, 10),
                    ConfigProblem::Invalid {
                        expected: Expected::OneOf(LOG_FORMATS)
                    }
                ),
                (
                    "limits.deadline_seconds".into(),
                    (7, 20),
                    ConfigProblem::Invalid {
                        expected: Expected::Between { min: 1, max: 3600 }
                    }
                ),
                (
                    "limit".into(),
                    (8, 2),
                    ConfigProblem::UnknownKey {
                        nearest: Some("limits".into())
                    }
                ),
            ]
        );
        let zone = errors.iter().find(|e| e.key == "time_zone").unwrap();
        assert_eq!(
            zone.problem,
            ConfigProblem::Invalid {
                expected: Expected::TimeZone {
                    nearest: Some("Europe/Brussels".into())
                }
            }
        );
        assert_eq!(
            zone.place,
            Place::Env {
                name: "TRAJECT_TIME_ZONE".into()
            }
        );
    }

    #[test]
    fn syntax_errors_and_half_pairs_are_located() {
        let errors = load("listen = \n", &[]).unwrap_err();
        assert!(matches!(errors[0].problem, ConfigProblem::Syntax { .. }));
        assert_eq!(line_col(&errors[0]).0, 1);
        let errors = load("[tls]\ncert = \"c.pem\"\n", &[]).unwrap_err();
        assert_eq!(
            errors[0].problem,
            ConfigProblem::Without { other: "tls.key" }
        );
        assert_eq!(line_col(&errors[0]), (2, 8));
    }

    #[test]
    fn a_local_time_in_brussels_is_an_hour_or_two_before_in_utc() {
        let brussels = Clock::default();
        let winter = brussels
            .utc_of("2024-01-15".parse().unwrap(), 9 * 60 + 30)
            .unwrap();
        assert_eq!(winter.to_rfc3339(), "2024-01-15T08:30:00+00:00");
        let summer = brussels
            .utc_of("2024-07-15".parse().unwrap(), 9 * 60 + 30)
            .unwrap();
        assert_eq!(summer.to_rfc3339(), "2024-07-15T07:30:00+00:00");
    }

    #[test]
    fn today_follows_the_time_zone() {
        // Kiritimati (UTC+14) and Niue (UTC−11) are never on the same calendar day at once:
        // 25 hours apart.
        let east = Clock::named("Pacific/Kiritimati").unwrap().today();
        let west = Clock::named("Pacific/Niue").unwrap().today();
        // (1 day apart, or 2 during the hour when Niue's clock is past 23:00).
        assert!((1..=2).contains(&(east - west).num_days()), "{east} {west}");
        assert_eq!(Clock::default().name(), "Europe/Brussels");
    }

    #[test]
    fn login_and_the_openid_provider_are_read_with_their_defaults_and_mapped_roles() {
        let s = load(
            "public_url = \"https://traject.ocmw.example\"\n\
             [login]\npasswords = false\nsecond_factor = [\"coordinator\", \"auditor\"]\n\
             [oidc]\nissuer = \"https://login.microsoftonline.com/TENANT/v2.0/\"\n\
             client_id = \"app-id\"\nclient_secret = \"s3cret\"\nlabel = \"Microsoft\"\n\
             users = \"create\"\nteam_claim = \"department\"\n\
             [oidc.roles]\nsocial_worker = \"Traject.SocialWorker\"\n",
            &[("TRAJECT_OIDC_ROLES_AUDITOR", "Traject.Auditor")],
        )
        .unwrap();
        assert!(!s.passwords);
        assert_eq!(
            s.second_factor_for,
            vec![crate::Role::Coordinator, crate::Role::Auditor]
        );
        let o = s.sign_on.unwrap();
        assert_eq!(o.issuer, "https://login.microsoftonline.com/TENANT/v2.0");
        assert_eq!(o.admission, crate::sign_on::Admission::Create);
        assert_eq!(o.scopes, ["openid", "profile", "email"]);
        assert_eq!(o.name_claim, "preferred_username");
        assert_eq!(o.team_claim.as_deref(), Some("department"));
        let value = |r| {
            o.role_values
                .iter()
                .find(|(x, _)| *x == r)
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(value(crate::Role::Coordinator), "coordinator");
        assert_eq!(value(crate::Role::SocialWorker), "Traject.SocialWorker");
        assert_eq!(value(crate::Role::Auditor), "Traject.Auditor");
        // Without the file's sections: passwords on, no second factor, no provider.
        let plain = load("", &[]).unwrap();
        assert!(plain.passwords && plain.second_factor_for.is_empty() && plain.sign_on.is_none());
    }

    #[test]
    fn a_provider_without_its_client_and_bad_login_values_are_located() {
        let errors = load(
            "[login]\npasswords = \"no\"\nsecond_factor = [\"coordinator\", \"boss\"]\n\
             [oidc]\nissuer = \"https://idp.example\"\nscopes = [\"profile\"]\n",
            &[],
        )
        .unwrap_err();
        let problem = |key: &str| {
            errors
                .iter()
                .filter(|e| e.key == key)
                .map(|e| (line_col(e), e.problem.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            problem("login.passwords"),
            [(
                (2, 13),
                ConfigProblem::Invalid {
                    expected: Expected::Flag
                }
            )]
        );
        assert_eq!(
            problem("login.second_factor"),
            [(
                (3, 17),
                ConfigProblem::Invalid {
                    expected: Expected::Roles
                }
            )]
        );
        assert_eq!(
            problem("oidc.scopes"),
            [(
                (6, 10),
                ConfigProblem::Invalid {
                    expected: Expected::Texts
                }
            )]
        );
        let needs: Vec<&ConfigProblem> = problem_list(&errors, "oidc.issuer");
        assert_eq!(
            needs,
            [
                &ConfigProblem::Needs {
                    other: "oidc.client_id"
                },
                &ConfigProblem::Needs {
                    other: "oidc.client_secret"
                }
            ]
        );
    }

    fn problem_list<'a>(errors: &'a [ConfigError], key: &str) -> Vec<&'a ConfigProblem> {
        errors
            .iter()
            .filter(|e| e.key == key)
            .map(|e| &e.problem)
            .collect()
    }
}
