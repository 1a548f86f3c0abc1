//! The team application's tables: users (with their argon2 password hash), sessions (only the
//! SHA-256 of each token is stored, so a copy of the database opens no session), failed logins
//! counted per key for throttling, and the append-only audit of reads and user administration. Hashing and
//! policy live in `app::users`; this module only reads and writes rows.

use serde::Serialize;

use super::sql::{args, Dialect, Sql, Tx};
use super::{Store, StoreError};

/// A user as the application sees them (never with the password hash).
#[derive(Debug, Clone, Serialize)]
pub struct UserRow {
    pub name: String,
    pub role: String,
    pub team: Option<String>,
    pub lang: Option<String>,
    pub disabled: bool,
    pub created_on: String,
    /// The organisation the user works for; `None`: across organisations.
    pub org: Option<String>,
    /// Whether the user has enrolled a second factor (TOTP).
    #[serde(default)]
    pub second_factor: bool,
    /// Where the server's reminders go (`None`: none given).
    #[serde(default)]
    pub email: Option<String>,
}

/// A live session: who, and the CSRF token their forms must carry.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user: UserRow,
    pub csrf: String,
    pub expires_at: i64,
}

/// Failed logins counted against one key in the current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub failures: i64,
    /// Seconds since the epoch.
    pub last_at: i64,
}

/// A local account's second factor: the TOTP secret (base32) and the last time step a code
/// was accepted for.
#[derive(Debug, Clone)]
pub struct SecondFactorRow {
    pub secret: String,
    pub last_step: Option<i64>,
}

/// The round trip of an OpenID Connect login, kept under the hash of its cookie's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundTrip {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
    /// What the front end keeps with the round trip (the page's language).
    pub kept: String,
    pub expires_at: i64,
}

/// A programme text saved through traject, as the history keeps it.
#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeText {
    pub seq: i64,
    pub org: Option<String>,
    pub program: String,
    pub file: String,
    #[serde(skip)]
    pub text: String,
    pub hash: String,
    pub author: String,
    pub saved_at: String,
}

/// One line of the audit trail.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub subject: String,
}

const USER_COLUMNS: &str =
    "u.name, u.role, u.team, u.lang, u.disabled, u.created_on, u.org, u.totp_secret IS NOT NULL, u.email";
/// How many columns `USER_COLUMNS` reads: a query's own columns come after them.
const AFTER_USER: usize = 9;

fn user_from_row(r: &super::sql::Row) -> Result<UserRow, StoreError> {
    Ok(UserRow {
        name: r.get(0)?,
        role: r.get(1)?,
        team: r.get(2)?,
        lang: r.get(3)?,
        disabled: r.get(4)?,
        created_on: r.get(5)?,
        org: r.get(6)?,
        second_factor: r.get(7)?,
        email: r.get(8)?,
    })
}

impl Store {
    /// Add a user with an already hashed password, and audit it, in one transaction. `false`
    /// when the name is taken.
    pub fn add_user(
        &mut self,
        user: &UserRow,
        password_hash: &str,
        audit: &AuditRow,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "INSERT INTO users (name, role, team, lang, password, disabled, created_on, org, email) VALUES (?1, ?2, ?3, ?4, ?5, FALSE, ?6, ?7, ?8) ON CONFLICT (name) DO NOTHING",
                args![user.name, user.role, user.team, user.lang, password_hash, user.created_on, user.org, user.email],
            )?;
            if n == 1 {
                insert_audit(tx, audit)?;
            }
            Ok(n == 1)
        })
    }

    /// Set or remove a user's e-mail address, and audit it, in one transaction. `false` when
    /// there is no such user.
    pub fn set_user_email(
        &mut self,
        name: &str,
        email: Option<&str>,
        audit: &AuditRow,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE users SET email = ?2 WHERE name = ?1",
                args![name, email],
            )?;
            if n == 1 {
                insert_audit(tx, audit)?;
            }
            Ok(n == 1)
        })
    }

    /// Give a user a new calendar address (its hash), and audit it, in one transaction: the
    /// old address stops working. `false` when there is no such user.
    pub fn set_calendar_token(
        &mut self,
        name: &str,
        token_hash: &str,
        audit: &AuditRow,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE users SET calendar_token_hash = ?2 WHERE name = ?1",
                args![name, token_hash],
            )?;
            if n == 1 {
                insert_audit(tx, audit)?;
            }
            Ok(n == 1)
        })
    }

    /// The enabled user whose calendar address has this hash.
    pub fn user_by_calendar_token(&self, token_hash: &str) -> Result<Option<UserRow>, StoreError> {
        self.query_opt(
            &format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.calendar_token_hash = ?1 AND NOT u.disabled"
            ),
            args![token_hash],
            user_from_row,
        )
    }

    pub fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        self.query_map(
            &format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.name"),
            args![],
            user_from_row,
        )
    }

    /// One user, by name.
    pub fn user(&self, name: &str) -> Result<Option<UserRow>, StoreError> {
        self.query_opt(
            &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.name = ?1"),
            args![name],
            user_from_row,
        )
    }

    /// A user and their password hash, for checking a login.
    pub fn user_with_hash(&self, name: &str) -> Result<Option<(UserRow, String)>, StoreError> {
        self.query_opt(
            &format!("SELECT {USER_COLUMNS}, u.password FROM users u WHERE u.name = ?1"),
            args![name],
            |r| Ok((user_from_row(r)?, r.get(AFTER_USER)?)),
        )
    }

    /// Change a user's password hash or disable them; their sessions end either way. `false`
    /// when there is no such user.
    pub fn update_user(
        &mut self,
        name: &str,
        password_hash: Option<&str>,
        disable: bool,
        audit: &AuditRow,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE users SET password = COALESCE(?2, password), disabled = disabled OR ?3 WHERE name = ?1",
                args![name, password_hash, disable],
            )?;
            if n == 1 {
                tx.execute("DELETE FROM sessions WHERE \"user\" = ?1", args![name])?;
                insert_audit(tx, audit)?;
            }
            Ok(n == 1)
        })
    }

    /// The failures counted against `key` in the window that began at `since` (seconds since
    /// the epoch), and when the last was; `None` when there were none in it.
    pub fn throttle(&self, key: &str, since: i64) -> Result<Option<Throttle>, StoreError> {
        self.query_opt(
            "SELECT failures, last_at FROM login_throttle WHERE key = ?1 AND last_at >= ?2",
            args![key, since],
            |r| {
                Ok(Throttle {
                    failures: r.get(0)?,
                    last_at: r.get(1)?,
                })
            },
        )
    }

    /// Count a failed login against each key (a count older than `since` starts again at
    /// one), forget counts older than `since`, keep at most `keep` keys (the most recent), and
    /// append `audit` rows — all in one transaction.
    pub fn record_failure(
        &mut self,
        keys: &[&str],
        at: i64,
        since: i64,
        keep: i64,
        audit: &[AuditRow],
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM login_throttle WHERE last_at < ?1",
                args![since],
            )?;
            for key in keys {
                tx.execute(
                    "INSERT INTO login_throttle (key, failures, first_at, last_at) VALUES (?1, 1, ?2, ?2) \
                     ON CONFLICT (key) DO UPDATE SET \
                     failures = CASE WHEN login_throttle.last_at < ?3 THEN 1 ELSE login_throttle.failures + 1 END, \
                     first_at = CASE WHEN login_throttle.last_at < ?3 THEN ?2 ELSE login_throttle.first_at END, \
                     last_at = ?2",
                    args![*key, at, since],
                )?;
            }
            // Past `keep` keys, the oldest go (a flood of names from many addresses cannot
            // grow the table without bound; the newest counts, the ones that matter, stay).
            tx.execute(
                "DELETE FROM login_throttle WHERE last_at < \
                 (SELECT last_at FROM login_throttle ORDER BY last_at DESC LIMIT 1 OFFSET ?1)",
                args![keep],
            )?;
            for row in audit {
                insert_audit(tx, row)?;
            }
            Ok(())
        })
    }

    /// Forget the failures counted against `key` (after a successful login).
    pub fn clear_throttle(&mut self, key: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM login_throttle WHERE key = ?1", args![key])?;
            Ok(())
        })
    }

    /// Open a session (the token's hash), ending the user's expired ones.
    pub fn open_session(
        &mut self,
        token_hash: &str,
        user: &str,
        csrf: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM sessions WHERE \"user\" = ?1 AND expires_at <= ?2",
                args![user, now],
            )?;
            tx.execute(
                "INSERT INTO sessions (token_hash, \"user\", csrf, expires_at) VALUES (?1, ?2, ?3, ?4)",
                args![token_hash, user, csrf, expires_at],
            )?;
            Ok(())
        })
    }

    /// The session with this token hash, if it has not expired and its user is enabled, and
    /// the programme history's mark (as `programme_history_mark`), in one statement: the two
    /// reads every request makes, one round trip on a server store. The mark is read whether
    /// or not the session is found.
    pub fn session_and_history_mark(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<(Option<SessionRow>, i64), StoreError> {
        let rows = self.query_map(
            &format!(
                "SELECT {USER_COLUMNS}, s.csrf, s.expires_at, m.mark FROM (SELECT COALESCE(MAX(seq), 0) AS mark FROM programme_texts) m \
                 LEFT JOIN (sessions s JOIN users u ON u.name = s.\"user\" AND s.token_hash = ?1 AND s.expires_at > ?2 AND NOT u.disabled) ON TRUE"
            ),
            args![token_hash, now],
            |r| {
                let mark: i64 = r.get(AFTER_USER + 2)?;
                let found: Option<i64> = r.get(AFTER_USER + 1)?;
                let session = match found {
                    Some(expires_at) => Some(SessionRow {
                        user: user_from_row(r)?,
                        csrf: r.get(AFTER_USER)?,
                        expires_at,
                    }),
                    None => None,
                };
                Ok((session, mark))
            },
        )?;
        // One row always (the mark's); a token hash is the sessions' key, so never two.
        Ok(rows.into_iter().next().unwrap_or((None, 0)))
    }

    pub fn close_session(&mut self, token_hash: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM sessions WHERE token_hash = ?1",
                args![token_hash],
            )
        })?;
        Ok(())
    }

    /// The second factor of the user `name`, when they have enrolled one.
    pub fn second_factor(&self, name: &str) -> Result<Option<SecondFactorRow>, StoreError> {
        self.query_opt(
            "SELECT totp_secret, totp_step FROM users WHERE name = ?1 AND totp_secret IS NOT NULL",
            args![name],
            |r| {
                Ok(SecondFactorRow {
                    secret: r.get(0)?,
                    last_step: r.get(1)?,
                })
            },
        )
    }

    /// Enrol (`Some(secret)`) or remove (`None`) a user's second factor with its recovery
    /// codes' hashes (the earlier ones stop working), audited, in one transaction. `false`
    /// when there is no such user.
    pub fn set_second_factor(
        &mut self,
        name: &str,
        secret: Option<&str>,
        recovery_hashes: &[String],
        audit: &AuditRow,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE users SET totp_secret = ?2, totp_step = NULL WHERE name = ?1",
                args![name, secret],
            )?;
            if n == 1 {
                tx.execute(
                    "DELETE FROM recovery_codes WHERE \"user\" = ?1",
                    args![name],
                )?;
                for hash in recovery_hashes {
                    tx.execute(
                        "INSERT INTO recovery_codes (code_hash, \"user\") VALUES (?1, ?2)",
                        args![hash, name],
                    )?;
                }
                insert_audit(tx, audit)?;
            }
            Ok(n == 1)
        })
    }

    /// Take the time step `step` as used by `name`: `false` when it or a later one was
    /// accepted before (a code is good once, whichever server sees it).
    pub fn use_totp_step(&mut self, name: &str, step: i64) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE users SET totp_step = ?2 WHERE name = ?1 AND totp_secret IS NOT NULL \
                 AND (totp_step IS NULL OR totp_step < ?2)",
                args![name, step],
            )?;
            Ok(n == 1)
        })
    }

    /// Use up one of `name`'s recovery codes (by its hash), audited: `false` when it is not
    /// one of theirs, or was used.
    pub fn use_recovery_code(
        &mut self,
        name: &str,
        code_hash: &str,
        audit: &AuditRow,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "DELETE FROM recovery_codes WHERE code_hash = ?1 AND \"user\" = ?2",
                args![code_hash, name],
            )?;
            if n == 1 {
                insert_audit(tx, audit)?;
            }
            Ok(n == 1)
        })
    }

    /// The recovery codes `name` has left.
    pub fn recovery_codes_left(&self, name: &str) -> Result<i64, StoreError> {
        self.one(
            "SELECT COUNT(*) FROM recovery_codes WHERE \"user\" = ?1",
            args![name],
        )
    }

    /// The user bound to an OpenID provider's subject (`issuer subject`).
    pub fn user_by_subject(&self, subject: &str) -> Result<Option<UserRow>, StoreError> {
        self.query_opt(
            &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.subject = ?1"),
            args![subject],
            user_from_row,
        )
    }

    /// A user as the OpenID provider describes them, bound to `subject`: added (with a
    /// password nothing hashes to) when `create` and the name is free, else the existing user
    /// of that name — not yet bound, or bound to this subject — takes the provider's role,
    /// team and organisation. The audit rows go in the same transaction. `false` when the name
    /// is someone else's.
    pub fn bind_subject(
        &mut self,
        user: &UserRow,
        subject: &str,
        create: bool,
        audit: &[AuditRow],
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let mut n = 0;
            if create {
                n = tx.execute(
                    "INSERT INTO users (name, role, team, lang, password, disabled, created_on, org, subject) \
                     VALUES (?1, ?2, ?3, ?4, '!', FALSE, ?5, ?6, ?7) ON CONFLICT (name) DO NOTHING",
                    args![user.name, user.role, user.team, user.lang, user.created_on, user.org, subject],
                )?;
            }
            if n == 0 {
                n = tx.execute(
                    "UPDATE users SET role = ?2, team = ?3, org = ?4, subject = ?5 \
                     WHERE name = ?1 AND (subject IS NULL OR subject = ?5)",
                    args![user.name, user.role, user.team, user.org, subject],
                )?;
            }
            if n == 1 {
                for row in audit {
                    insert_audit(tx, row)?;
                }
            }
            Ok(n == 1)
        })
    }

    /// Keep the round trip of an OpenID login under `id_hash` (forgetting expired ones).
    pub fn begin_round_trip(
        &mut self,
        id_hash: &str,
        trip: &RoundTrip,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM login_round_trips WHERE expires_at <= ?1",
                args![now],
            )?;
            tx.execute(
                "INSERT INTO login_round_trips (id_hash, state, nonce, verifier, kept, expires_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![id_hash, trip.state, trip.nonce, trip.verifier, trip.kept, trip.expires_at],
            )?;
            Ok(())
        })
    }

    /// Take (and forget) the round trip under `id_hash` if it has not expired: each round
    /// trip, and so each nonce, finishes one login at most.
    pub fn take_round_trip(
        &mut self,
        id_hash: &str,
        now: i64,
    ) -> Result<Option<RoundTrip>, StoreError> {
        self.write(|tx| {
            let found = tx.query_opt(
                "SELECT state, nonce, verifier, kept, expires_at FROM login_round_trips WHERE id_hash = ?1",
                args![id_hash],
                |r| {
                    Ok(RoundTrip {
                        state: r.get(0)?,
                        nonce: r.get(1)?,
                        verifier: r.get(2)?,
                        kept: r.get(3)?,
                        expires_at: r.get(4)?,
                    })
                },
            )?;
            let n = tx.execute(
                "DELETE FROM login_round_trips WHERE id_hash = ?1",
                args![id_hash],
            )?;
            Ok(found.filter(|t| n == 1 && t.expires_at > now))
        })
    }

    /// Save a programme text in the append-only history, with its audit line, in one
    /// transaction: its number in the history.
    pub fn save_programme_text(
        &mut self,
        text: &ProgrammeText,
        audit: &AuditRow,
    ) -> Result<i64, StoreError> {
        self.write(|tx| {
            let seq: i64 = tx.one(
                "INSERT INTO programme_texts (org, program, file, text, hash, author, saved_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING seq",
                args![
                    text.org,
                    text.program,
                    text.file,
                    text.text,
                    text.hash,
                    text.author,
                    text.saved_at
                ],
            )?;
            insert_audit(tx, audit)?;
            Ok(seq)
        })
    }

    /// The saved texts of `program` for an organisation (`None`: a store of one), oldest first.
    pub fn programme_texts(
        &self,
        program: &str,
        org: Option<&str>,
    ) -> Result<Vec<ProgrammeText>, StoreError> {
        self.query_map(
            "SELECT seq, org, program, file, text, hash, author, saved_at FROM programme_texts \
             WHERE program = ?1 AND org IS NOT DISTINCT FROM ?2 ORDER BY seq",
            args![program, org],
            programme_text_of,
        )
    }

    /// The latest saved text of every programme, per organisation, and the highest number in
    /// the history (to see cheaply whether anything was saved since).
    pub fn latest_programme_texts(&self) -> Result<Vec<ProgrammeText>, StoreError> {
        self.query_map(
            "SELECT seq, org, program, file, text, hash, author, saved_at FROM programme_texts p \
             WHERE seq = (SELECT MAX(seq) FROM programme_texts q WHERE q.program = p.program \
             AND q.org IS NOT DISTINCT FROM p.org) ORDER BY seq",
            args![],
            programme_text_of,
        )
    }

    /// The highest number in the programme history (0 when empty).
    pub fn programme_history_mark(&self) -> Result<i64, StoreError> {
        self.one("SELECT COALESCE(MAX(seq), 0) FROM programme_texts", args![])
    }

    /// Append to the audit trail on its own (a read changes nothing else).
    pub fn audit(&mut self, row: &AuditRow) -> Result<(), StoreError> {
        self.write(|tx| insert_audit(tx, row))
    }

    /// The audit trail about one subject (`case:12`, `user:ann`), oldest first.
    pub fn audit_of(&self, subject: &str) -> Result<Vec<AuditRow>, StoreError> {
        // The order rows were appended in: SQLite's rowid, PostgreSQL's identity column.
        let order = match self.dialect() {
            Dialect::Sqlite => "rowid",
            Dialect::Postgres => "seq",
        };
        self.query_map(
            &format!("SELECT at, actor, role, action, subject FROM audit WHERE subject = ?1 ORDER BY {order}"),
            args![subject],
            |r| {
                Ok(AuditRow {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    role: r.get(2)?,
                    action: r.get(3)?,
                    subject: r.get(4)?,
                })
            },
        )
    }
}

fn programme_text_of(r: &super::sql::Row) -> Result<ProgrammeText, StoreError> {
    Ok(ProgrammeText {
        seq: r.get(0)?,
        org: r.get(1)?,
        program: r.get(2)?,
        file: r.get(3)?,
        text: r.get(4)?,
        hash: r.get(5)?,
        author: r.get(6)?,
        saved_at: r.get(7)?,
    })
}

pub(crate) fn insert_audit(tx: &Tx, row: &AuditRow) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit (at, actor, role, action, subject) VALUES (?1, ?2, ?3, ?4, ?5)",
        args![row.at, row.actor, row.role, row.action, row.subject],
    )?;
    Ok(())
}
