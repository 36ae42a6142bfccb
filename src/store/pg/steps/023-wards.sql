-- Version 23 on PostgreSQL: wards as tenants (SQLite's 023-wards.sql),
-- and row-level security as a second wall behind the daemon's own: see
-- the same lines at the end of ../schema.sql, which a new database gets
-- in one step.
ALTER TABLE cases ADD COLUMN ward TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_ward ON cases (ward, created);
CREATE FUNCTION papigw_ward() RETURNS TEXT LANGUAGE sql STABLE AS
  $$SELECT nullif(nullif(current_setting('papigw.ward', true), ''), '*')$$;
ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
ALTER TABLE cases FORCE ROW LEVEL SECURITY;
CREATE POLICY cases_ward ON cases
  USING (papigw_ward() IS NULL OR ward = papigw_ward());
ALTER TABLE inbound ENABLE ROW LEVEL SECURITY;
ALTER TABLE inbound FORCE ROW LEVEL SECURITY;
CREATE POLICY inbound_ward ON inbound
  USING (papigw_ward() IS NULL OR case_id IS NULL OR
  case_id IN (SELECT id FROM cases));
ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY outbox_ward ON outbox
  USING (papigw_ward() IS NULL OR case_id IS NULL OR
  case_id IN (SELECT id FROM cases));
ALTER TABLE case_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_events FORCE ROW LEVEL SECURITY;
CREATE POLICY case_events_ward ON case_events
  USING (papigw_ward() IS NULL OR case_id IN (SELECT id FROM cases));
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_ward ON notes
  USING (papigw_ward() IS NULL OR case_id IN (SELECT id FROM cases));
UPDATE papigw_schema SET version = 23;
