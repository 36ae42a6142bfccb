-- Version 25 on PostgreSQL (SQLite's 025-sent-deltas.sql changes
-- nothing): the writers record what they add to or take from the count
-- of a channel's rows sent as rows of outbox_sent_delta, which the
-- gateway that runs the timers folds into outbox_sent; a count is
-- outbox_sent's and the deltas' (outbox_rows.c).  No row of it is
-- updated, and it has no index: it is inserted into, summed and deleted
-- from in whole.
CREATE TABLE outbox_sent_delta (
  channel TEXT NOT NULL,
  n BIGINT NOT NULL
);
UPDATE papigw_schema SET version = 25;
