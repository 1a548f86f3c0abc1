-- A programme's places and waiting list in one organisation (see the SQLite migration of the
-- same name).
CREATE INDEX cases_in_organisation ON cases(program, COALESCE(org, ''), state, queue_seq);
