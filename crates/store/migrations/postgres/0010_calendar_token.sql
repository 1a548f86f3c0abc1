-- The hash of a user's secret calendar address (see the SQLite migration of the same name).
ALTER TABLE users ADD COLUMN calendar_token_hash TEXT;
CREATE UNIQUE INDEX users_calendar_token ON users(calendar_token_hash);
