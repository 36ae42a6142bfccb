-- Version 22: what a report reads, found without a scan of the store.
-- - corrections_case: the corrections of a case, in order.  Without it
--   the report looked for each case's first correction after the
--   moment through every correction of the store: minutes at a million
--   cases with a few thousand corrections.
-- - case_events_state: a case's last change to a state (its last
--   resolution, its last reopening) before a moment, from the index
--   alone.
-- - outbox_created: the SMS sent in a period, by kind, with their parts
--   (a report's cost of SMS), from the index alone instead of every
--   message ever sent.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
CREATE INDEX corrections_case ON corrections (case_id, id);
CREATE INDEX case_events_state ON case_events (case_id, to_state, at);
CREATE INDEX outbox_created ON outbox (created, kind, segments);
PRAGMA user_version = 22;
