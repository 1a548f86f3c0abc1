-- Erasures leave a tombstone (see the SQLite migration of the same name).
CREATE TABLE tombstones (
    case_id BIGINT PRIMARY KEY NOT NULL,
    program TEXT NOT NULL,
    dossier_sha256 TEXT,
    erased_on TEXT NOT NULL
);
INSERT INTO tombstones (case_id, program, dossier_sha256, erased_on)
SELECT id, program, NULL, referral::jsonb ->> 'erased_on' FROM cases
WHERE referral::jsonb ? 'erased_on';
