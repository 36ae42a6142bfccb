-- Version 28: no list of more than two values in a CHECK or a partial
-- index's WHERE.  SQLite evaluates "x IN (a, b, c)" of three constants or
-- more through an ephemeral table that it builds, fills and drops at
-- every statement that evaluates it: an INSERT into cases evaluated four
-- (its CHECKs on state and source, the WHERE of cases_waiting and
-- cases_open_due), and an outbox row one at its INSERT and one at each
-- UPDATE of its state, some 10 us of the writer's CPU a message.  Two
-- values, or "x = a OR x = b ...", it compares in place.
-- - The CHECKs on cases.state, cases.source, outbox.state,
--   announcements.state and announce_recipients.state say the same
--   values as a chain of ORs.
--   A CHECK changes only in the text of its table's CREATE statement,
--   which SQLite keeps in sqlite_schema: that text is changed in place
--   (PRAGMA writable_schema, the way SQLite's documentation gives for a
--   change that leaves every row as it is), and the schema read again
--   (RESET).  No row moves; each already holds one of the values.  The
--   text is first made one line with single spaces, as papigw's earlier
--   steps wrote these tables with newlines and runs of spaces of their
--   own (ALTER TABLE keeps a column's text as it was given).
-- - cases_waiting and cases_open_due hold the open cases as "state NOT
--   IN ('resolved', 'confirmed')", which the CHECK makes the same rows as
--   the four open states, and which cases_overdue_open already says;
--   they are made again, and the statements that read them say it too
--   (store/timer_rows.c, store/figures.c), as SQLite uses a partial index
--   only for a statement that says what its WHERE says.  Making them
--   again also changes the schema's cookie, so that every connection
--   reads the new CHECKs.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(replace(replace(replace(
  replace(replace(replace(sql, char(13), ' '), char(10), ' '),
  char(9), ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' ')
  WHERE type = 'table' AND name IN ('cases', 'outbox', 'announcements',
  'announce_recipients');
UPDATE sqlite_schema SET sql = replace(replace(sql,
  'state IN (''received'', ''assigned'', ''in_progress'', ' ||
  '''resolved'', ''confirmed'', ''reopened'')',
  'state = ''received'' OR state = ''assigned'' OR ' ||
  'state = ''in_progress'' OR state = ''resolved'' OR ' ||
  'state = ''confirmed'' OR state = ''reopened'''),
  'source IN (''sms'', ''ussd'', ''box'', ''reception'', ''meeting'', ' ||
  '''announcement'')',
  'source = ''sms'' OR source = ''ussd'' OR source = ''box'' OR ' ||
  'source = ''reception'' OR source = ''meeting'' OR ' ||
  'source = ''announcement''')
  WHERE type = 'table' AND name = 'cases';
UPDATE sqlite_schema SET sql = replace(sql,
  'state IN (''queued'', ''sending'', ''sent'', ''delivered'', ' ||
  '''failed'')',
  'state = ''queued'' OR state = ''sending'' OR state = ''sent'' OR ' ||
  'state = ''delivered'' OR state = ''failed''')
  WHERE type = 'table' AND name = 'outbox';
UPDATE sqlite_schema SET sql = replace(sql,
  'state IN (''draft'', ''approved'', ''sending'', ''sent'', ' ||
  '''cancelled'')',
  'state = ''draft'' OR state = ''approved'' OR state = ''sending'' OR ' ||
  'state = ''sent'' OR state = ''cancelled''')
  WHERE type = 'table' AND name = 'announcements';
UPDATE sqlite_schema SET sql = replace(sql,
  'state IN (''pending'', ''queued'', ''cancelled'')',
  'state = ''pending'' OR state = ''queued'' OR state = ''cancelled''')
  WHERE type = 'table' AND name = 'announce_recipients';
PRAGMA writable_schema = RESET;
DROP INDEX cases_waiting;
CREATE INDEX cases_waiting ON cases (deadline)
  WHERE overdue IS NULL AND state NOT IN ('resolved', 'confirmed') AND
  (first_answered IS NULL OR reopened > coalesce(answered, 0));
DROP INDEX cases_open_due;
CREATE INDEX cases_open_due ON cases (deadline)
  WHERE state NOT IN ('resolved', 'confirmed');
PRAGMA user_version = 28;
