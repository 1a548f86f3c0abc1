-- The programme text each case was judged under, once per version content hash, so that the
-- case keeps exactly those rules after the file changes.
CREATE TABLE snapshots (
    hash        TEXT PRIMARY KEY,
    program     TEXT NOT NULL,
    version     TEXT NOT NULL,
    file        TEXT NOT NULL,
    text        TEXT NOT NULL,
    options     TEXT NOT NULL,
    recorded_on TEXT NOT NULL
) WITHOUT ROWID;
