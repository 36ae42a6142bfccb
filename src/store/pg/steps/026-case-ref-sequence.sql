-- Version 26 on PostgreSQL (SQLite's 026-case-ref-sequence.sql changes
-- nothing): the case references come from the sequence case_ref, which
-- goes on from the last number counters gave; that row goes.
CREATE SEQUENCE case_ref;
SELECT setval('case_ref', value) FROM counters
  WHERE name = 'case_ref' AND value > 0;
DELETE FROM counters WHERE name = 'case_ref';
UPDATE papigw_schema SET version = 26;
