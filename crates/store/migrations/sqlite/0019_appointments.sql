-- Planned contacts (appointments) for the team's agenda; each is also an event of its case.
CREATE TABLE appointments (
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    kind      TEXT NOT NULL,
    on_day    TEXT NOT NULL,
    at_minute INTEGER,
    minutes   INTEGER
);
CREATE INDEX appointments_by_day ON appointments(on_day);
