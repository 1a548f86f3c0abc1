-- The scripts a snapshot's programme ran (name → file and text, JSON), so that a case keeps
-- its exact routing and script rules after a script file changes.
ALTER TABLE snapshots ADD COLUMN scripts TEXT;
