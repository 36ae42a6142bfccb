-- Version 34 on PostgreSQL (as SQLite's 034-smaller-keys.sql):
-- - cases_sender on the sender alone, as on SQLite.
-- - no inbound.pid_key: several gateways' writers store messages at once
--   here, and only the unique index on the channel and the provider id
--   keeps two of them from storing one message twice; it stays whole.
DROP INDEX cases_sender;
CREATE INDEX cases_sender ON cases (sender);
UPDATE papigw_schema SET version = 34;
