-- The reminder e-mails sent: one digest per user and day, even when several servers share the
-- store. A row is claimed ('sending') before the message goes out and marked 'sent' after; a
-- failed send removes its claim, so the next run tries again; a claim left by a server that
-- stopped mid-send is taken over once it is old.
CREATE TABLE reminders_sent (
    "user"     TEXT NOT NULL,
    day        TEXT NOT NULL,
    state      TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    PRIMARY KEY ("user", day)
) WITHOUT ROWID;
