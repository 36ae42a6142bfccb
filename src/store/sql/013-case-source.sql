-- Version 13: where each case came from (domain/source.h), for papictl
-- list --source and the reports' count by source: "sms" (a text
-- message, or papictl inject), "ussd" (the USSD menu), "box" (a slip
-- from the suggestion box), "reception" (a point raised at the citizen
-- reception), "meeting" (a residential-group meeting or a dialogue with
-- voters), "announcement" (a reply to an announcement of the ward).
-- The officers record the paper and in-person ones (papictl intake).
-- Cases of before came by SMS, or by USSD when their first message has
-- a provider id "ussd:" and the session.  The index holds the cases
-- that did not come by SMS only (list --source box...): most cases do,
-- and the store's writer adds no index entry for them.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
ALTER TABLE cases ADD COLUMN source TEXT NOT NULL DEFAULT 'sms'
  CHECK (source IN ('sms', 'ussd', 'box', 'reception', 'meeting',
  'announcement'));
UPDATE cases SET source = 'ussd' WHERE id IN (SELECT case_id FROM inbound
  WHERE case_id IS NOT NULL AND provider_msg_id LIKE 'ussd:%');
CREATE INDEX cases_source ON cases (source) WHERE source <> 'sms';
PRAGMA user_version = 13;
