-- A programme's cases in one organisation under one key, `program || ':' || COALESCE(org, '')`
-- (a programme's id holds no ':'): who waits first and how many places are held, read under
-- the programme's lock, find their cases by this key alone. No other index has it, so no
-- planner can prefer an index that begins with the programme and check every case of it (on
-- PostgreSQL a plan made while the store was small did so until the table was analysed again).
DROP INDEX cases_in_organisation;
CREATE INDEX cases_in_organisation ON cases((program || ':' || COALESCE(org, '')), state, queue_seq);
