-- Version 4: what the outbox worker needs.  A row that failed because it
-- ran out of attempts is "dead" (failed at once by a permanent provider
-- error is not), for /metrics and papictl.  The worker claims due rows per
-- channel, and delivery reports find their row by channel and provider
-- message id: an index each.  Delivery reports remember the outbox state
-- they stand for ("delivered", "failed", or NULL for an intermediate
-- report), so that a report that came before the send was recorded is
-- applied then.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
ALTER TABLE outbox ADD COLUMN dead INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_channel_due
  ON outbox (channel, state, next_attempt);
CREATE INDEX outbox_provider_id ON outbox (channel, provider_msg_id)
  WHERE provider_msg_id IS NOT NULL;
ALTER TABLE dlr ADD COLUMN state TEXT;
PRAGMA user_version = 4;
