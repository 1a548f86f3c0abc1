-- How many clients wait on each programme's list in each organisation (see the SQLite
-- migration of the same name): one row read under the programme's lock instead of a count of
-- everyone who waits.
CREATE TABLE waiting_counts (
    program TEXT NOT NULL,
    org     TEXT NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (program, org)
);
INSERT INTO waiting_counts (program, org, n)
    SELECT program, COALESCE(org, ''), COUNT(*) FROM cases
    WHERE state = 'waiting' AND queue_seq IS NOT NULL GROUP BY program, COALESCE(org, '');

CREATE FUNCTION traject_count_waiting() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    waited BOOLEAN := FALSE;
    waits  BOOLEAN := FALSE;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        waited := OLD.state = 'waiting' AND OLD.queue_seq IS NOT NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        waits := NEW.state = 'waiting' AND NEW.queue_seq IS NOT NULL;
    END IF;
    -- Still on the same list: no count changes.
    IF TG_OP = 'UPDATE' AND waited AND waits AND OLD.program = NEW.program
            AND OLD.org IS NOT DISTINCT FROM NEW.org THEN
        RETURN NULL;
    END IF;
    IF waited THEN
        UPDATE waiting_counts SET n = n - 1
            WHERE program = OLD.program AND org = COALESCE(OLD.org, '');
    END IF;
    IF waits THEN
        INSERT INTO waiting_counts (program, org, n) VALUES (NEW.program, COALESCE(NEW.org, ''), 1)
            ON CONFLICT (program, org) DO UPDATE SET n = waiting_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;

-- The conditions in WHEN are judged without calling the function: a row that neither waited
-- nor waits (every referral an import adds) costs nothing more.
CREATE TRIGGER waiting_count_joined AFTER INSERT ON cases
    FOR EACH ROW WHEN (NEW.state = 'waiting' AND NEW.queue_seq IS NOT NULL)
    EXECUTE FUNCTION traject_count_waiting();
CREATE TRIGGER waiting_count_left AFTER DELETE ON cases
    FOR EACH ROW WHEN (OLD.state = 'waiting' AND OLD.queue_seq IS NOT NULL)
    EXECUTE FUNCTION traject_count_waiting();
CREATE TRIGGER waiting_count_changed AFTER UPDATE OF state, queue_seq, program, org ON cases
    FOR EACH ROW WHEN ((OLD.state = 'waiting' AND OLD.queue_seq IS NOT NULL)
                       OR (NEW.state = 'waiting' AND NEW.queue_seq IS NOT NULL))
    EXECUTE FUNCTION traject_count_waiting();
