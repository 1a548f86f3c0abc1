-- Erasures leave a tombstone (GDPR art. 17): which case was erased and when, and a keyed hash
-- (HMAC-SHA-256) of organisation and dossier number — no personal data in the clear, and not
-- to be reversed by hashing every possible number without the key. The key is made once per
-- store, kept in it, and travels with `db copy` and backups. A restore from a backup taken
-- before an erasure applies it again (`db restore --tombstones…`); a new referral of an erased
-- dossier is refused unless a coordinator says why (`--after-erasure`).
CREATE TABLE store_key (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    key TEXT NOT NULL
);
INSERT INTO store_key (id, key) VALUES (1, lower(hex(randomblob(32))));
CREATE TABLE tombstones (
    case_id INTEGER PRIMARY KEY NOT NULL,
    program TEXT NOT NULL,
    dossier_mac TEXT,
    erased_on TEXT NOT NULL
);
CREATE INDEX tombstones_by_dossier ON tombstones(dossier_mac);
-- Cases erased before this version: their dossier number is gone, the case and day are known.
INSERT INTO tombstones (case_id, program, dossier_mac, erased_on)
SELECT id, program, NULL, json_extract(referral, '$.erased_on') FROM cases
WHERE json_extract(referral, '$.erased_on') IS NOT NULL;
