-- Version 5: what the reply composer needs.  Outbox rows say what kind of
-- message they are ("ack": the automatic acknowledgement of a new case,
-- "special": the automatic answer to a special word, "answer": an
-- officer's answer, "info" and "announcement": what the ward sends on its
-- own), so that a status lookup finds a case's last real answer, the daily
-- cap counts automatic replies only, and opted-out residents get no
-- information or announcements.  Rows written before this version were all
-- acknowledgements: nothing else queued any.  Automatic replies are
-- counted per recipient and day, hence the index on (recipient, created).
-- The senders table holds what the gateway must remember about a number:
-- its opt-out, and the quarantine of a sender that flooded the gateway
-- (quarantined_at NULL: not quarantined; quarantine_until NULL: until an
-- administrator releases it).
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'answer';
UPDATE outbox SET kind = 'ack';
CREATE INDEX outbox_recipient ON outbox (recipient, created);
CREATE TABLE senders (
  number TEXT PRIMARY KEY,
  opted_out INTEGER NOT NULL DEFAULT 0,
  opted_changed INTEGER,
  quarantined_at INTEGER,
  quarantine_until INTEGER,
  quarantine_reason TEXT,
  updated INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX senders_quarantined ON senders (quarantined_at)
  WHERE quarantined_at IS NOT NULL;
PRAGMA user_version = 5;
