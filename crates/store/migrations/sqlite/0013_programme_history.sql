-- Programmes edited through traject (`traject program save`): every saved text, whole, with
-- its hash, author and time, per organisation (NULL: a store of one organisation), append-only.
-- The latest text of a programme is the one served; the earlier ones are its history.
CREATE TABLE programme_texts (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    org      TEXT,
    program  TEXT NOT NULL,
    file     TEXT NOT NULL,
    text     TEXT NOT NULL,
    hash     TEXT NOT NULL,
    author   TEXT NOT NULL,
    saved_at TEXT NOT NULL
);
CREATE INDEX programme_texts_by_program ON programme_texts(program, seq);
CREATE TRIGGER programme_texts_append_only_u BEFORE UPDATE ON programme_texts BEGIN SELECT RAISE(ABORT, 'the programme history is append-only'); END;
CREATE TRIGGER programme_texts_append_only_d BEFORE DELETE ON programme_texts BEGIN SELECT RAISE(ABORT, 'the programme history is append-only'); END;
