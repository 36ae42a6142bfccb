-- Version 2: what the outbox worker and the SLA timer ask for every few
-- seconds gets an index each (due outbox rows by state and next attempt,
-- open cases by state and deadline), and cases remember when they were
-- closed, for resolution times in reports.  Cases closed under version 1
-- take the time of their last change to "resolved", or their last update.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
CREATE INDEX outbox_due ON outbox (state, next_attempt);
CREATE INDEX cases_due ON cases (state, deadline);
ALTER TABLE cases ADD COLUMN closed INTEGER;
UPDATE cases SET closed = coalesce(
  (SELECT max(e.at) FROM case_events e
   WHERE e.case_id = cases.id AND e.to_state = 'resolved'),
  updated)
  WHERE state IN ('resolved', 'confirmed');
PRAGMA user_version = 2;
