-- A user's e-mail address (see the SQLite migration of the same name).
ALTER TABLE users ADD COLUMN email TEXT;
