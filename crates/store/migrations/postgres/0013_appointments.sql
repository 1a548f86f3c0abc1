-- Planned contacts (see the SQLite migration of the same name).
CREATE TABLE appointments (
    case_id   BIGINT NOT NULL REFERENCES cases(id),
    kind      TEXT NOT NULL,
    on_day    TEXT NOT NULL,
    at_minute BIGINT,
    minutes   BIGINT
);
CREATE INDEX appointments_by_day ON appointments(on_day);
