-- A paused case that gave its place up (see the SQLite migration of the same name).
ALTER TABLE cases ADD COLUMN place_freed INTEGER NOT NULL DEFAULT 0;
