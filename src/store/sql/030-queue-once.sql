-- Version 30: a queued outbox row is indexed once, not twice.
-- - outbox_state (state, channel) holds the rows in flight, the failed
--   and the delivered only: not the queued ones, which outbox_queue
--   (schema 18) holds already, nor the sent (schema 24).  The depth of
--   the queue is counted in outbox_queue (outbox_rows.c, query.c): one
--   index entry a reply waiting to go out less (about 24 bytes a
--   message), and one insert and one delete fewer for each reply sent.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
DROP INDEX outbox_state;
CREATE INDEX outbox_state ON outbox (state, channel)
  WHERE state <> 'sent' AND state <> 'queued';
PRAGMA user_version = 30;
