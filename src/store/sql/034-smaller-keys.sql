-- Version 34: smaller index entries a message.
-- - inbound.pid_key: a number of 47 bits made from the channel and the
--   provider id (FNV-1a, src/store/message.c), indexed by inbound_pid_key
--   (6 bytes an entry) instead of the channel and the provider id
--   themselves (inbound_provider_id: 54 bytes a message of a provider's
--   usual ids).  A message is a duplicate when a row has its key, channel
--   and provider id: the key finds the rows (two ids that make one key
--   are only a second row to compare), the columns tell; the store's one
--   writer looks before it writes, in the INSERT itself.  About 30 bytes
--   a message less on disk.
-- - inbound_provider_id holds the rows with no key from now on: those
--   from before (unique as they were, and looked up there as before) and
--   any written by another tool.  A row with a key is never in it.
-- - cases_sender on the sender alone, not (sender, state): the statements
--   that look for a sender's cases by state read the few cases of that
--   sender as well (SQLite found them by the sender alone already for
--   every other), and a case's entry does not move at each change of its
--   state.  9 bytes a message less.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
ALTER TABLE inbound ADD COLUMN pid_key INTEGER;
DROP INDEX inbound_provider_id;
CREATE UNIQUE INDEX inbound_provider_id ON inbound (channel, provider_msg_id)
  WHERE provider_msg_id IS NOT NULL AND pid_key IS NULL;
CREATE INDEX inbound_pid_key ON inbound (pid_key) WHERE pid_key IS NOT NULL;
DROP INDEX cases_sender;
CREATE INDEX cases_sender ON cases (sender);
PRAGMA user_version = 34;
