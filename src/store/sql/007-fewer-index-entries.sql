-- Version 7: fewer index entries for the store's writer, which is what
-- limits ingest, for every new case and message.
-- - cases_answered (sender, answered) goes: cases_sender (sender, state)
--   finds a sender's few cases as well, for the follow-up lookup.
-- - inbound_case holds only the messages that have a case: a message is
--   stored before its case and attached to it after, which made an entry
--   for NULL only to remove it again.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
DROP INDEX cases_answered;
DROP INDEX inbound_case;
CREATE INDEX inbound_case ON inbound (case_id)
  WHERE case_id IS NOT NULL;
PRAGMA user_version = 7;
