-- Version 29 on PostgreSQL (as SQLite's 029-outbox-ward.sql): an outbox
-- row of no case carries the ward of the gateway that queued it, and a
-- connection limited to a ward sees the rows of no case of that ward
-- only (before, every ward's).
ALTER TABLE outbox ADD COLUMN ward TEXT;
DROP POLICY outbox_ward ON outbox;
CREATE POLICY outbox_ward ON outbox
  USING (papigw_ward() IS NULL OR (case_id IS NULL AND ward = papigw_ward())
  OR case_id IN (SELECT id FROM cases));
UPDATE papigw_schema SET version = 29;
