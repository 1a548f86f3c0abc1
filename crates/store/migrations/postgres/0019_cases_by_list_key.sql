-- A programme's cases in one organisation under one key, `program || ':' || COALESCE(org, '')`
-- (a programme's id holds no ':'), for the statements a start makes under the programme's
-- lock (see the SQLite migration of the same name). No other index has this key, so no plan
-- finds another index as cheap: with the programme and the organisation as two columns, a
-- plan made while the store was small (when every index looks alike) took any index that
-- begins with the programme and checked every case of it, on every start (1,400 buffers at
-- 1,500 cases), until the table was analysed again.
DROP INDEX cases_in_organisation;
CREATE INDEX cases_in_organisation ON cases((program || ':' || COALESCE(org, '')), state, queue_seq);
