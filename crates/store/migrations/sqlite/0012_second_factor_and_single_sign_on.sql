-- Logging in as IT departments ask. A local account may have a second factor (TOTP, RFC 6238):
-- its secret, and the last time step a code was accepted for (a code is accepted once), with
-- one-time recovery codes kept only as their SHA-256. A user who logs in through the OCMW's
-- OpenID provider is bound to the provider's subject ("issuer subject"). The round trip of an
-- OpenID login (state, nonce, PKCE verifier, and what the front end keeps with it) lives here for ten minutes, under the hash of the
-- id its short-lived cookie carries, so that any of several servers can finish it, once.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_step INTEGER;
ALTER TABLE users ADD COLUMN subject TEXT;
CREATE UNIQUE INDEX users_by_subject ON users(subject);
CREATE TABLE recovery_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    user      TEXT NOT NULL REFERENCES users(name)
) WITHOUT ROWID;
CREATE TABLE login_round_trips (
    id_hash    TEXT PRIMARY KEY NOT NULL,
    state      TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    kept       TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
