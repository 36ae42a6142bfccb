-- Version 30 on PostgreSQL (as SQLite's 030-queue-once.sql): outbox_state
-- leaves the queued rows to outbox_queue.
DROP INDEX outbox_state;
CREATE INDEX outbox_state ON outbox (state, channel)
  WHERE state <> 'sent' AND state <> 'queued';
UPDATE papigw_schema SET version = 30;
