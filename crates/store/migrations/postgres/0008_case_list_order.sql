-- The case list's order (see the SQLite migration of the same name).
CREATE INDEX cases_in_list_order ON cases ((COALESCE(queue_seq, 0)), id);
