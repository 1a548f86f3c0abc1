-- A programme's places and waiting list in one organisation (a store without organisations
-- is one, ''), read in this index alone while the programme's lock is held: who waits first,
-- and how many places are held. In the other indexes the organisation was a filter, and on
-- PostgreSQL a plan made while the store was small walked every case of the programme until
-- the table was analysed again.
CREATE INDEX cases_in_organisation ON cases(program, COALESCE(org, ''), state, queue_seq);
