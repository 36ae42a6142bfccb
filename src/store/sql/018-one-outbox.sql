-- Version 18: a message that goes out is stored once, in the outbox, whose
-- row moves through its states; the outbound table, which copied each row
-- as it was sent, is gone.
-- - outbox.sender: the number it went out from (the channel's, or what
--   the provider answered), and outbox.sent: when the channel took it;
--   both NULL until then.  They come from the outbound rows of before.
-- - outbox.priority (version 14): 1 now for information too, not only
--   announcements: the worker claims a channel's due rows by priority
--   first, so that bulk never holds up a reply.  The announcements'
--   recipients keep their outbox rows (announce_recipients.outbox_id),
--   whose state says how each went.
-- - outbox_queue: the queued rows of a channel by priority and next
--   attempt, which the worker claims; a row leaves it once claimed, so it
--   holds the queue, not the history.  outbox_state (state, channel):
--   the depths by state for /metrics and papictl status.  They replace
--   outbox_due, outbox_channel_due and outbox_channel_priority, which
--   held every row three times.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
ALTER TABLE outbox ADD COLUMN sender TEXT;
ALTER TABLE outbox ADD COLUMN sent INTEGER;
UPDATE outbox SET sender = o.sender, sent = coalesce(o.sent, o.created)
  FROM outbound o WHERE o.outbox_id = outbox.id;
INSERT INTO outbox (case_id, channel, recipient, text, encoding, segments,
  state, attempts, next_attempt, provider_msg_id, created, updated, kind,
  sender, sent)
  SELECT case_id, channel, recipient, text, coalesce(encoding, 'gsm7'), 1,
  'sent', 1, coalesce(sent, created), provider_msg_id, created,
  coalesce(sent, created), 'answer', sender, coalesce(sent, created)
  FROM outbound WHERE outbox_id IS NULL
  OR outbox_id NOT IN (SELECT id FROM outbox);
UPDATE outbox SET priority = 1 WHERE kind IN ('info', 'announcement');
DROP TABLE outbound;
DROP INDEX outbox_due;
DROP INDEX outbox_channel_due;
DROP INDEX outbox_channel_priority;
CREATE INDEX outbox_queue ON outbox (channel, priority, next_attempt)
  WHERE state = 'queued';
CREATE INDEX outbox_state ON outbox (state, channel);
PRAGMA user_version = 18;
