-- The team application: who may log in, their sessions, failed logins (throttling), and an
-- append-only audit of what people read and of user administration. A case belongs to the
-- team of the social worker who created it.
ALTER TABLE cases ADD COLUMN team TEXT;
CREATE TABLE users (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL,
    team       TEXT,
    lang       TEXT,
    password   TEXT NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0,
    created_on TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user       TEXT NOT NULL REFERENCES users(name),
    csrf       TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE login_failures (user TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX login_failures_by_user ON login_failures(user, at);
CREATE TABLE audit (
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    role    TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL
);
CREATE INDEX audit_by_subject ON audit(subject);
CREATE TRIGGER audit_is_append_only_u BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_is_append_only_d BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
