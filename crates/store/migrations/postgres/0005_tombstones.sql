-- Erasures leave a tombstone, keyed by a secret of the store (see the SQLite migration of the
-- same name). gen_random_uuid() is PostgreSQL's own random source (13 and later).
CREATE TABLE store_key (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    key TEXT NOT NULL
);
INSERT INTO store_key (id, key)
VALUES (1, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
CREATE TABLE tombstones (
    case_id BIGINT PRIMARY KEY NOT NULL,
    program TEXT NOT NULL,
    dossier_mac TEXT,
    erased_on TEXT NOT NULL
);
CREATE INDEX tombstones_by_dossier ON tombstones(dossier_mac);
INSERT INTO tombstones (case_id, program, dossier_mac, erased_on)
SELECT id, program, NULL, referral::jsonb ->> 'erased_on' FROM cases
WHERE referral::jsonb ? 'erased_on';
