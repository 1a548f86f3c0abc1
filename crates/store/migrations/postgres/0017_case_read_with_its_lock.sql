-- A case read under its programme's lock, sent in one message with the transaction's BEGIN
-- (see `Tx::case` in `crates/store/src/cases.rs`): the lock of the programme the transaction
-- named, then, for a case of another programme or organisation, that one's as well, then the
-- case. A function, so that the case is read after the locks were had (each of its statements
-- sees what was committed before it ran) and its plans are kept by the connection; a start
-- then holds its programme's lock one round trip less. The locks are the ones
-- `programme_lock` takes: the same key, or two writers of one programme would not wait for
-- each other.
CREATE FUNCTION traject_case_locked(named_program TEXT, named_org TEXT, wanted BIGINT)
RETURNS TABLE (
    id BIGINT, program TEXT, version TEXT, version_hash TEXT, state TEXT, verdict TEXT,
    track TEXT, started_on TEXT, ends_on TEXT, queue_seq BIGINT, outcome TEXT, updated_on TEXT,
    place_freed INTEGER, latest TEXT, last_seq BIGINT, org TEXT
)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    its_program TEXT;
    its_org TEXT;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('programme:' || named_program || COALESCE(':' || named_org, ''), 0));
    SELECT c.program, c.org INTO its_program, its_org FROM cases c WHERE c.id = wanted;
    IF FOUND AND (its_program <> named_program OR its_org IS DISTINCT FROM named_org) THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('programme:' || its_program || COALESCE(':' || its_org, ''), 0));
    END IF;
    RETURN QUERY
    SELECT c.id, c.program, c.version, c.version_hash, c.state, c.verdict, c.track, c.started_on,
           c.ends_on, c.queue_seq, c.outcome, c.updated_on, c.place_freed,
           (SELECT MAX(e.on_date) FROM events e WHERE e.case_id = c.id),
           (SELECT COALESCE(MAX(e.seq), 0) FROM events e WHERE e.case_id = c.id),
           c.org
    FROM cases c WHERE c.id = wanted;
END
$$;
