-- How many clients wait on each programme's list in each organisation ('' in a store without
-- organisations), kept up to date by the triggers below on every case written, so that a
-- client joining the list learns their position from one row, while the programme's lock is
-- held, instead of from a count of everyone who waits (which grows with the list).
CREATE TABLE waiting_counts (
    program TEXT NOT NULL,
    org     TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (program, org)
);
INSERT INTO waiting_counts (program, org, n)
    SELECT program, COALESCE(org, ''), COUNT(*) FROM cases
    WHERE state = 'waiting' AND queue_seq IS NOT NULL GROUP BY program, COALESCE(org, '');

CREATE TRIGGER waiting_count_joined AFTER INSERT ON cases
    WHEN NEW.state = 'waiting' AND NEW.queue_seq IS NOT NULL
BEGIN
    INSERT INTO waiting_counts (program, org, n) VALUES (NEW.program, COALESCE(NEW.org, ''), 1)
        ON CONFLICT (program, org) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER waiting_count_left AFTER DELETE ON cases
    WHEN OLD.state = 'waiting' AND OLD.queue_seq IS NOT NULL
BEGIN
    UPDATE waiting_counts SET n = n - 1
        WHERE program = OLD.program AND org = COALESCE(OLD.org, '');
END;

-- An update that leaves a case on the same list (the same programme and organisation)
-- changes no count.
CREATE TRIGGER waiting_count_changed_left AFTER UPDATE OF state, queue_seq, program, org ON cases
    WHEN OLD.state = 'waiting' AND OLD.queue_seq IS NOT NULL
        AND NOT (NEW.state = 'waiting' AND NEW.queue_seq IS NOT NULL
                 AND NEW.program = OLD.program AND NEW.org IS OLD.org)
BEGIN
    UPDATE waiting_counts SET n = n - 1
        WHERE program = OLD.program AND org = COALESCE(OLD.org, '');
END;

CREATE TRIGGER waiting_count_changed_joined AFTER UPDATE OF state, queue_seq, program, org ON cases
    WHEN NEW.state = 'waiting' AND NEW.queue_seq IS NOT NULL
        AND NOT (OLD.state = 'waiting' AND OLD.queue_seq IS NOT NULL
                 AND NEW.program = OLD.program AND NEW.org IS OLD.org)
BEGIN
    INSERT INTO waiting_counts (program, org, n) VALUES (NEW.program, COALESCE(NEW.org, ''), 1)
        ON CONFLICT (program, org) DO UPDATE SET n = n + 1;
END;
