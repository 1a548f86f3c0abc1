-- Failed logins, aggregated: one row per key — a (hashed user name, client address) pair or a
-- client address alone — with the failures in the current window. Never the text of a name
-- (an unknown name may be anything), bounded in size and, by the application, in number.
DROP TABLE login_failures;
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL
);
CREATE INDEX login_throttle_by_time ON login_throttle(last_at);
