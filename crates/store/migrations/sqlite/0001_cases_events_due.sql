CREATE TABLE cases (
    id            INTEGER PRIMARY KEY,
    program       TEXT NOT NULL,
    version       TEXT NOT NULL,
    version_hash  TEXT NOT NULL,
    state         TEXT NOT NULL,
    verdict       TEXT NOT NULL,
    track         TEXT,
    referral_date TEXT NOT NULL,
    referral      TEXT NOT NULL,
    started_on    TEXT,
    ends_on       TEXT,
    queue_seq     INTEGER,
    outcome       TEXT,
    updated_on    TEXT NOT NULL
);
CREATE INDEX cases_by_state ON cases(program, state, queue_seq);
CREATE TABLE events (
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    seq          INTEGER NOT NULL,
    on_date      TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    actor        TEXT NOT NULL,
    version_hash TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER events_are_append_only_u BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_are_append_only_d BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TABLE due (
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    evaluation TEXT NOT NULL,
    due_from   TEXT NOT NULL,
    due_to     TEXT NOT NULL,
    held_on    TEXT,
    PRIMARY KEY (case_id, evaluation, due_from)
) WITHOUT ROWID;
CREATE INDEX due_open ON due(held_on, due_from);
