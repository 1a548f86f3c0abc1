-- The case list's order (the waiting list's place first, then the case number): walked in
-- this index, a page of the list reads its own rows instead of every case of the store.
CREATE INDEX cases_in_list_order ON cases(COALESCE(queue_seq, 0), id);
