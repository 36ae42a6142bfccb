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
-- - The open cases by deadline in two indexes, not two that overlap: a
--   new case was in cases_waiting (those waiting for an answer, not
--   overdue: the deadline timer's, schema 17) and in cases_open_due (every
--   open case: the dashboard's deadlines).  cases_open_held holds the
--   other open cases, answered or overdue, and the dashboard reads the
--   two (src/store/figures.c); a case moves from the one to the other
--   when it is answered or falls overdue.  One entry a new case less
--   (14 bytes a message while it is open).
-- - inbound.kind NULL for a message of the kind "feedback", nearly every
--   message (8 bytes): the thread of a case says "feedback" for it, as
--   for the rows from before kinds (schema 3).
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
DROP INDEX cases_open_due;
CREATE INDEX cases_open_held ON cases (deadline)
  WHERE state NOT IN ('resolved', 'confirmed') AND (overdue IS NOT NULL OR
  (first_answered IS NOT NULL AND (reopened IS NULL OR
  reopened <= coalesce(answered, 0))));
PRAGMA user_version = 34;
