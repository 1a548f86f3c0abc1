-- The end of a programme's waiting list (its highest place, where a new client joins): read
-- in this index at once, instead of walking every case of the programme while the
-- programme's lock is held by the start that asks.
CREATE INDEX cases_by_queue_place ON cases(program, queue_seq);
