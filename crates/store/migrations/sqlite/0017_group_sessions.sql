-- Group sessions of a module's group (dated, optionally timed, in the configured time zone)
-- and who came to each. Attendance is also an event of each case; this table is the latest
-- mark per session and case, for the board's absence flag and the participation figures.
CREATE TABLE group_sessions (
    id         INTEGER PRIMARY KEY,
    org        TEXT,
    program    TEXT NOT NULL,
    module     TEXT NOT NULL,
    grp        TEXT NOT NULL,
    on_day     TEXT NOT NULL,
    at_minute  INTEGER,
    minutes    INTEGER,
    created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX group_sessions_once ON group_sessions(COALESCE(org, ''), program, module, grp, on_day, COALESCE(at_minute, -1));
CREATE INDEX group_sessions_by_day ON group_sessions(on_day);
CREATE TABLE attendance (
    session_id INTEGER NOT NULL REFERENCES group_sessions(id),
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    presence   TEXT NOT NULL,
    PRIMARY KEY (session_id, case_id)
) WITHOUT ROWID;
CREATE INDEX attendance_by_case ON attendance(case_id);
