-- Second factor and single sign-on (see the SQLite migration of the same name).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_step BIGINT;
ALTER TABLE users ADD COLUMN subject TEXT;
CREATE UNIQUE INDEX users_by_subject ON users(subject);
CREATE TABLE recovery_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    "user"    TEXT NOT NULL REFERENCES users(name)
);
CREATE TABLE login_round_trips (
    id_hash    TEXT PRIMARY KEY NOT NULL,
    state      TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    kept       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
