-- The scripts a snapshot's programme ran (see the SQLite migration of the same name).
ALTER TABLE snapshots ADD COLUMN scripts TEXT;
