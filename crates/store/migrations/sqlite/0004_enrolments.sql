-- Which modules a client attends: module-anchored evaluations are scheduled from enrolment.
CREATE TABLE enrolments (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    module      TEXT NOT NULL,
    grp         TEXT,
    enrolled_on TEXT NOT NULL,
    left_on     TEXT,
    PRIMARY KEY (case_id, module, enrolled_on)
) WITHOUT ROWID;
