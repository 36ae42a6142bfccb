-- Version 9: what the modems could not read, and the store's probe.
-- - unreadable: an inbox entry that libGammu failed to read as many
--   times as its channel's delete_unreadable_after says, kept with its
--   raw content (the dummy phone's file, or what an AT modem answered)
--   for inspection, before the entry is deleted from the SIM so that it
--   no longer blocks or slows the reading of the others (chan/modem.c).
--   Its numbers are erased with the messages' (privacy.retention_days).
-- - store_probe: one row that the writer rewrites while writes or syncs
--   fail, to tell when they succeed again (store/health.c).
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
CREATE TABLE unreadable (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  location INTEGER NOT NULL,
  folder INTEGER NOT NULL,
  error TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  raw BLOB,
  first_seen INTEGER NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX unreadable_created ON unreadable (created);
CREATE TABLE store_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at INTEGER NOT NULL
);
PRAGMA user_version = 9;
