-- Version 32 on PostgreSQL (as SQLite's 032-fts-merge.sql): nothing
-- changes.  PostgreSQL's full-text index is a GIN index on
-- inbound_fts.doc, which merges its pending list by its own rules.
UPDATE papigw_schema SET version = 32;
