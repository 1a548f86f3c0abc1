-- Failed logins, aggregated per key (see the SQLite migration of the same name).
DROP TABLE login_failures;
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY NOT NULL,
    failures BIGINT NOT NULL,
    first_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL
);
CREATE INDEX login_throttle_by_time ON login_throttle(last_at);
