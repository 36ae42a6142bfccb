-- Version 34 on PostgreSQL (as SQLite's 034-smaller-keys.sql):
-- - cases_sender on the sender alone, as on SQLite.
-- - cases_open_held in place of cases_open_due, as on SQLite.
-- - no inbound.pid_key: several gateways' writers store messages at once
--   here, and only the unique index on the channel and the provider id
--   keeps two of them from storing one message twice; it stays whole.
DROP INDEX cases_sender;
CREATE INDEX cases_sender ON cases (sender);
DROP INDEX cases_open_due;
CREATE INDEX cases_open_held ON cases (deadline)
  WHERE state NOT IN ('resolved', 'confirmed') AND (overdue IS NOT NULL OR
  (first_answered IS NOT NULL AND (reopened IS NULL OR
  reopened <= coalesce(answered, 0))));
UPDATE papigw_schema SET version = 34;
