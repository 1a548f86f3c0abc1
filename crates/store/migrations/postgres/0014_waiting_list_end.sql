-- The end of a programme's waiting list (see the SQLite migration of the same name).
CREATE INDEX cases_by_queue_place ON cases(program, queue_seq);
