-- Erasures leave a tombstone (GDPR art. 17): which case was erased and when, and a SHA-256 of
-- the programme, organisation and dossier number — no personal data in the clear. A restore
-- from a backup taken before the erasure re-applies it (`db restore --tombstones…`), and
-- `db tombstones export` writes them to a file kept apart from the backups.
CREATE TABLE tombstones (
    case_id INTEGER PRIMARY KEY NOT NULL,
    program TEXT NOT NULL,
    dossier_sha256 TEXT,
    erased_on TEXT NOT NULL
);
-- Cases erased before this version: their dossier number is gone, the case and day are known.
INSERT INTO tombstones (case_id, program, dossier_sha256, erased_on)
SELECT id, program, NULL, json_extract(referral, '$.erased_on') FROM cases
WHERE json_extract(referral, '$.erased_on') IS NOT NULL;
