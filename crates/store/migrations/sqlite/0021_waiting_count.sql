-- How many clients wait on each programme's list, kept up to date by the triggers below on
-- every case written, so that a client joining the list learns their position from one row,
-- while the programme's lock is held, instead of from a count of everyone who waits (which
-- grows with the list).
CREATE TABLE waiting_counts (
    program TEXT PRIMARY KEY,
    n       INTEGER NOT NULL
);
INSERT INTO waiting_counts (program, n)
    SELECT program, COUNT(*) FROM cases
    WHERE state = 'waiting' AND queue_seq IS NOT NULL GROUP BY program;

CREATE TRIGGER waiting_count_joined AFTER INSERT ON cases
    WHEN NEW.state = 'waiting' AND NEW.queue_seq IS NOT NULL
BEGIN
    INSERT INTO waiting_counts (program, n) VALUES (NEW.program, 1)
        ON CONFLICT (program) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER waiting_count_left AFTER DELETE ON cases
    WHEN OLD.state = 'waiting' AND OLD.queue_seq IS NOT NULL
BEGIN
    UPDATE waiting_counts SET n = n - 1 WHERE program = OLD.program;
END;

CREATE TRIGGER waiting_count_changed_left AFTER UPDATE OF state, queue_seq, program ON cases
    WHEN OLD.state = 'waiting' AND OLD.queue_seq IS NOT NULL
        AND NOT (NEW.state = 'waiting' AND NEW.queue_seq IS NOT NULL AND NEW.program = OLD.program)
BEGIN
    UPDATE waiting_counts SET n = n - 1 WHERE program = OLD.program;
END;

CREATE TRIGGER waiting_count_changed_joined AFTER UPDATE OF state, queue_seq, program ON cases
    WHEN NEW.state = 'waiting' AND NEW.queue_seq IS NOT NULL
        AND NOT (OLD.state = 'waiting' AND OLD.queue_seq IS NOT NULL AND NEW.program = OLD.program)
BEGIN
    INSERT INTO waiting_counts (program, n) VALUES (NEW.program, 1)
        ON CONFLICT (program) DO UPDATE SET n = n + 1;
END;
