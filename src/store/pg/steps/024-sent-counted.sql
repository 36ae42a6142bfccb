-- Version 24 on PostgreSQL (SQLite's 024-sent-counted.sql): the rows
-- sent leave the index on state, and their number is kept per channel in
-- outbox_sent, starting from the rows sent now.
CREATE TABLE outbox_sent (
  channel TEXT PRIMARY KEY,
  n BIGINT NOT NULL
);
INSERT INTO outbox_sent (channel, n)
  SELECT channel, count(*) FROM outbox WHERE state = 'sent' GROUP BY channel;
DROP INDEX outbox_state;
CREATE INDEX outbox_state ON outbox (state, channel) WHERE state <> 'sent';
UPDATE papigw_schema SET version = 24;
