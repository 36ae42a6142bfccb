-- Version 28 on PostgreSQL (SQLite's 028-in-lists.sql): the open cases
-- of cases_waiting and cases_open_due said as "state NOT IN ('resolved',
-- 'confirmed')", as the statements that read them now say: PostgreSQL
-- uses a partial index only for a statement whose WHERE it can prove
-- implies the index's, and it does not prove the four open states from
-- "not closed".  The CHECKs stay: PostgreSQL compares a list in place.
DROP INDEX cases_waiting;
CREATE INDEX cases_waiting ON cases (deadline)
  WHERE overdue IS NULL AND state NOT IN ('resolved', 'confirmed') AND
  (first_answered IS NULL OR reopened > coalesce(answered, 0));
DROP INDEX cases_open_due;
CREATE INDEX cases_open_due ON cases (deadline)
  WHERE state NOT IN ('resolved', 'confirmed');
UPDATE papigw_schema SET version = 28;
