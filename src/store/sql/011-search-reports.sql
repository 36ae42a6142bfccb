-- Version 11: what officers search, what reports freeze, what
-- administrators decide about senders.
-- - inbound_fts: the text of every inbound message in a full-text index
--   (FTS5, contentless: the text stays in inbound; rowid is inbound.id),
--   folded by SQLite's unicode61 tokenizer (case, and diacritics with
--   remove_diacritics 2) once đ and its look-alike ð, which have no
--   decomposition, are written d: "duong" finds "Đường", in NFC or NFD.
--   Filled for the messages of before, then by a trigger for each new
--   one (papictl list --text and --area).  A message is never deleted
--   and its text never changes (retention erases numbers only), so the
--   index needs no other trigger.
-- - case_deadlines: a case's deadline before each change (reopening sets
--   a new one) and when it stopped being the deadline, kept by a
--   trigger: a report frozen at a moment reads the deadline of then.
-- - report_reminders: the report periods ("2026Q1") whose reminder went
--   out, so that it goes out once.
-- - senders.blocked_by: the administrator who blocked the number
--   (papictl sender block): a quarantine for good that the flood guard
--   did not set.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
CREATE VIRTUAL TABLE inbound_fts USING fts5(text, content = '',
  tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO inbound_fts (rowid, text)
  SELECT id, replace(replace(replace(replace(text, 'đ', 'd'),
    'Đ', 'D'), 'ð', 'd'), 'Ð', 'D') FROM inbound;
CREATE TRIGGER inbound_fts_add AFTER INSERT ON inbound BEGIN
  INSERT INTO inbound_fts (rowid, text) VALUES (NEW.id,
    replace(replace(replace(replace(NEW.text, 'đ', 'd'),
    'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'));
END;
CREATE TABLE case_deadlines (
  case_id INTEGER NOT NULL REFERENCES cases (id),
  deadline INTEGER NOT NULL,
  until INTEGER NOT NULL
);
CREATE INDEX case_deadlines_case ON case_deadlines (case_id, until);
CREATE TRIGGER cases_deadline_kept AFTER UPDATE OF deadline ON cases
  WHEN OLD.deadline <> NEW.deadline BEGIN
  INSERT INTO case_deadlines (case_id, deadline, until)
    VALUES (OLD.id, OLD.deadline, CAST(strftime('%s', 'now') AS INTEGER));
END;
CREATE TABLE report_reminders (
  period TEXT PRIMARY KEY,
  sent INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE senders ADD COLUMN blocked_by TEXT;
PRAGMA user_version = 11;
