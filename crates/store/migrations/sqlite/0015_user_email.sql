-- A user's e-mail address, for the reminders a server sends (NULL: none given).
ALTER TABLE users ADD COLUMN email TEXT;
