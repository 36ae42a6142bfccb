-- Version 3: what the HTTP channels need.  Cases remember when an officer
-- last answered them ("answered"), so that a resident's reply within the
-- follow-up window joins the case.  Inbound messages say what kind of
-- message the router took them for ("feedback", "spam", "greeting"...), so
-- that what opened no case can be found.  Parts of long messages that providers
-- deliver one at a time wait in "parts" until the message is assembled
-- (unique per provider message id, so a retried part is a duplicate), and
-- delivery reports are kept in "dlr".
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
ALTER TABLE inbound ADD COLUMN kind TEXT;
ALTER TABLE cases ADD COLUMN answered INTEGER;
CREATE INDEX cases_answered ON cases (sender, answered);
CREATE TABLE parts (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  provider_msg_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  recipient TEXT,
  ref TEXT NOT NULL,
  total INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  text BLOB NOT NULL,
  provider_time INTEGER,
  received INTEGER NOT NULL,
  assembled INTEGER
);
CREATE UNIQUE INDEX parts_provider_id
  ON parts (channel, provider_msg_id);
CREATE INDEX parts_waiting ON parts (channel, sender, ref, total)
  WHERE assembled IS NULL;
CREATE TABLE dlr (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  provider_msg_id TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  received INTEGER NOT NULL
);
CREATE INDEX dlr_provider_id ON dlr (channel, provider_msg_id);
PRAGMA user_version = 3;
