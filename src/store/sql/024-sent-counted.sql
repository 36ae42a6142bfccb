-- Version 24: the rows sent, most of the outbox, leave the index on state.
-- - outbox_state (state, channel) holds only the rows not "sent": the
--   queue, the rows in flight, the failed and the delivered, which the
--   worker, papictl retry and the depths ask for.  A row that was sent is
--   in it no longer (about 20 bytes a message less on disk).
-- - outbox_sent: the number of rows in state "sent" of each channel,
--   which papictl outbox and status, /metrics and the dashboard show.
--   The store's writer adds to it in the transaction that moves a row
--   into "sent" and takes from it in the one that moves a row out of it
--   (a delivery report, outbox_rows.c and message.c); no statement counts
--   the rows sent by state any more.  It starts from the rows sent now.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
CREATE TABLE outbox_sent (
  channel TEXT PRIMARY KEY,
  n INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO outbox_sent (channel, n)
  SELECT channel, count(*) FROM outbox WHERE state = 'sent' GROUP BY channel;
DROP INDEX outbox_state;
CREATE INDEX outbox_state ON outbox (state, channel) WHERE state <> 'sent';
PRAGMA user_version = 24;
