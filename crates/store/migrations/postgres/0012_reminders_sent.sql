-- The reminder e-mails sent (see the SQLite migration of the same name).
CREATE TABLE reminders_sent (
    "user"     TEXT NOT NULL,
    day        TEXT NOT NULL,
    state      TEXT NOT NULL,
    claimed_at BIGINT NOT NULL,
    PRIMARY KEY ("user", day)
);
